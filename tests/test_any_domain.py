"""A scenario outside defence, in its own words: the bundled hospital ransomware tabletop
(funds per turn, six-hour turns, a [words] table) plays with bots, and no military word
reaches its screens (every tab of the facilitator's and each team's console at 120x40),
its turn logs or its after-action report. The defaults keep the defence words, and
`exercise new scenario` writes starters that validate."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support import load_fixture, run_cli, wait_for
from textual.widgets import DataTable, Markdown, RichLog, Static

from exercise import model
from exercise.debrief import html, markdown
from exercise.debrief.record import from_session
from exercise.debrief.report import build
from exercise.dryrun.simulate import run_many, summarise
from exercise.packs.problems import Problems
from exercise.packs.starter import scenario_text

ROOT = Path(__file__).parent.parent
HOSPITAL = ROOT / "scenarios" / "hospital-ransomware.toml"

# The words a trainer outside defence must not read: the defence scenario's vocabulary
# (allies, defence spending, GDP, NATO commands, staff officers, procurement, forces) and its
# world. "command" in Textual's "command palette" (ctrl+p) is software, not the military sense.
MILITARY = re.compile(
    r"\b(all(?:y|ies|ied)|defen[cs]es?|nato|gdp|military|procurement|staff officers?|saceur|jfc|"
    r"commands?(?! palette)|forces|troops|us desk|washington|europe(?:an)?s?|russia(?:n)?)\b",
    re.I,
)


def military(text: str) -> list[str]:
    return sorted({m.group(0).lower() for m in MILITARY.finditer(text)})


# -- the model: defaults are today's words and turns ---------------------------------------
def test_the_default_words_are_the_defence_words_and_quarters_stay_quarters():
    w = model.Words()
    assert (w.ally, w.allies, w.spending, w.command, w.staff, w.procurement) == (
        "ally", "allies", "defence spending", "command", "staff officers", "procurement")
    assert w.cap("spending") == "Defence spending"
    cal = model.Calendar(start_year=2026, start_quarter=3, turns=8)
    assert [cal.label(t) for t in (1, 2, 3)] == ["2026 Q3", "2026 Q4", "2027 Q1"]
    assert cal.span() == "a quarter"


def test_turns_may_be_hours_days_weeks_or_months():
    hours = model.Calendar(unit="hour", every=6, start_hour=8, turns=8)
    assert [hours.label(t) for t in (1, 2, 3, 4, 8)] == [
        "Day 1 08:00", "Day 1 14:00", "Day 1 20:00", "Day 2 02:00", "Day 3 02:00"]
    assert hours.span() == "6 hours"
    assert model.Calendar(unit="hour").span() == "an hour"
    assert [model.Calendar(unit="day").label(t) for t in (1, 2)] == ["Day 1", "Day 2"]
    assert model.Calendar(unit="week", every=2).label(3) == "Week 5"
    assert [model.Calendar(unit="month", start_year=2026, start_month=11).label(t) for t in (1, 3)] == [
        "2026 Nov", "2027 Jan"]


# -- the bundled scenario ----------------------------------------------------------------
def test_the_hospital_scenario_loads_with_nine_sourced_injects_funds_and_no_allies():
    sc = load_fixture(HOSPITAL).scenario
    assert len(sc.teams) == 3 and not sc.allies and not sc.commands
    assert all(t.funds > 0 and not t.allies for t in sc.teams)
    injects = sc.all_injects()
    assert len(injects) == 9 and all(i.source for i in injects)
    assert sc.calendar.unit == "hour" and sc.words.allies != "allies"


def test_the_hospital_scenario_money_is_its_funds_per_turn():
    from exercise.engine.budget import team_budget
    from exercise.engine.state import initial_state

    sc = load_fixture(HOSPITAL).scenario
    state = initial_state(sc)
    for t in sc.teams:
        total, amounts = team_budget(state, state.rules, t.id)
        assert total == t.funds and round(sum(amounts.values()), 2) == t.funds


def test_bots_play_the_hospital_scenario_and_decisions_change_the_outcome():
    sc = load_fixture(HOSPITAL).scenario
    outcomes = {}
    for policy in ("cautious", "planner"):  # defaults taken vs. a thoughtful plan
        s = summarise(sc, run_many(sc, 20, 1, policy), 1, policy)
        assert s["rejected_commands"] == 0
        outcomes[policy] = {o["id"]: o["runs"] for o in s["outcomes"]}
    assert outcomes["cautious"]["harm"] > outcomes["planner"]["harm"], outcomes
    assert outcomes["planner"]["recovered"] > outcomes["cautious"]["recovered"], outcomes


# -- screens, turn logs, report ----------------------------------------------------------
def _play(root: Path, turns: int):
    from exercise.bots.policies import spender
    from exercise.dryrun.simulate import bot_turn
    from exercise.engine import commands as cm
    from exercise.engine.rolls import Dice
    from exercise.session import Session

    loaded = load_fixture(HOSPITAL)
    s = Session.create(loaded.scenario, loaded.texts, root, name="Code Black drill", seed=7)
    dice = Dice(7)

    def run(state, command):
        s.execute(command)
        return s.state

    s.execute(cm.Start())
    for _ in range(turns):
        while s.state.phase != "deliberation":
            s.execute(cm.Advance())
        for team in s.state.rules.team_ids:
            bot_turn(s.state, team, spender, dice, run=run)
        s.execute(cm.Advance(force=True))
    return s


@pytest.fixture(scope="module")
def ended(tmp_path_factory):
    from exercise.engine import commands as cm

    s = _play(tmp_path_factory.mktemp("hospital"), 8)
    while s.state.status != "ended":
        s.execute(cm.Advance())
    yield s
    s.close()


def test_the_turn_logs_and_the_report_have_no_military_word(ended):
    logs = sorted((ended.folder / "turns").glob("turn-*.md"))
    assert len(logs) == 8
    found = {log.name: military(log.read_text("utf-8")) for log in logs}
    report = build(from_session(ended))
    found["report.md"] = military(markdown.render(report))
    found["report.html"] = military(html.render(report))
    assert {k: v for k, v in found.items() if v} == {}
    first = logs[0].read_text("utf-8")
    assert "(Day 1 08:00)" in first and "## Purchases" in first and "funds per turn" in first


def _visible(widget) -> bool:
    from exercise.tui.base import in_hidden_tab

    return all(getattr(n, "display", True) for n in widget.ancestors_with_self) and not in_hidden_tab(widget)


def _on_screen(screen) -> str:
    """What the screen shows: the text of every visible widget, table and log, the footer's
    keys with their tooltips."""
    from textual.widgets._footer import FooterKey

    parts = []
    for st in screen.query(Static):
        if _visible(st):
            parts.append(getattr(st.content, "plain", str(st.content)))
    for table in screen.query(DataTable):
        if _visible(table):
            parts.append(" ".join(getattr(c.label, "plain", str(c.label)) for c in table.ordered_columns))
            parts += [" | ".join(getattr(c, "plain", str(c)) for c in table.get_row_at(i))
                      for i in range(table.row_count)]
    parts += [md.source or "" for md in screen.query(Markdown) if _visible(md)]
    for log in screen.query(RichLog):
        if _visible(log):
            parts += ["".join(seg.text for seg in strip) for strip in log.lines]
    parts += [f"{k.key_display} {k.description} {k.tooltip or ''}" for k in screen.query(FooterKey)]
    return "\n".join(parts)


async def test_no_military_word_on_the_consoles(tmp_path):
    from exercise.tui.app import make_app
    from exercise.tui.team import TeamScreen

    s = _play(tmp_path, 3)  # into turn 4's briefing: orders, decisions and the log have content
    app = make_app(session=s)
    app.animation_level = "none"
    found: dict[str, list[str]] = {}
    seen = ""
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            for key in "123456":
                await pilot.press(key)
                await pilot.pause()
                text = _on_screen(app.screen)
                found[f"facilitator tab {key}"] = military(text)
                seen += text
            for team in s.state.rules.team_ids:
                app.show_team(team)
                await wait_for(lambda: isinstance(app.screen, TeamScreen) and app.screen.view, pilot=pilot)
                for key in "1234567":
                    await pilot.press(key)
                    await pilot.pause()
                    text = _on_screen(app.screen)
                    found[f"team {team} tab {key}"] = military(text)
                    seen += text
                await pilot.press("escape")
                await pilot.pause()
    finally:
        s.close()
    assert {k: v for k, v in found.items() if v} == {}
    # the test can fail: it reads what the consoles show, in the scenario's own words
    assert "3 Purchases" in seen and "Your budget is your team's funds" in seen and "Day 1" in seen


async def test_the_defence_scenario_keeps_its_words_and_its_commands_tab(tmp_path):
    from support import DEFAULT

    from exercise.session import Session
    from exercise.tui.app import make_app
    from exercise.tui.team import TeamScreen

    loaded = load_fixture(DEFAULT)
    s = Session.create(loaded.scenario, loaded.texts, tmp_path, name="Defence", seed=1)
    app = make_app(session=s, team=s.state.rules.team_ids[0])
    app.animation_level = "none"
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(lambda: isinstance(app.screen, TeamScreen) and app.screen.view, pilot=pilot)
            await pilot.press("2")
            await pilot.pause()
            text = _on_screen(app.screen)
            assert "Defence spending of your allies" in text and "3 Procurement" in text and "4 Commands" in text
    finally:
        s.close()


# -- exercise new scenario ---------------------------------------------------------------
def _validate(path: Path) -> Problems:
    from exercise.packs import loader

    problems = Problems()
    loaded = loader.load_scenario(path, problems)
    assert loaded.scenario is not None
    return problems


@pytest.mark.parametrize("like", [None, ROOT / "scenarios" / "deadline-2027.toml", HOSPITAL])
def test_new_scenario_writes_a_starter_that_validates(tmp_path, like):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    path = folder / "flood-drill.toml"
    path.write_text(scenario_text("flood-drill", like), "utf-8")
    problems = _validate(path)
    assert not problems.errors, [str(p) for p in problems.errors]
    text = path.read_text("utf-8")
    assert 'id = "flood-drill"' in text and "Flood drill" in text
    if like is None:
        shown = " ".join(re.findall(r'"([^"]*)"', re.sub(r"(?m)#.*$", "", text)))  # its values, not keys
        assert shown and not military(shown)  # the blank starter speaks no defence either


def test_new_scenario_on_the_command_line(tmp_path):
    def run(*args):
        return run_cli("new", "scenario", *args, "--dir", tmp_path, cwd=ROOT)

    ok = run("my-2027", "--like", "deadline-2027")
    assert ok.returncode == 0 and (tmp_path / "my-2027.toml").is_file(), ok.stderr
    assert run("my-2027", "--blank").returncode == 2  # exists: no overwrite without --force
    assert "no scenario 'nope'" in run("x", "--like", "nope").stderr
    assert "lowercase" in run("Bad Name").stderr
    assert run("other", "--like", "deadline-2027", "--blank").returncode == 2
