"""A scenario outside defence, in its own words: the bundled hospital ransomware tabletop
(funds per turn, six-hour turns, a [words] table) plays with bots, and no military word
reaches its screens (every tab of the facilitator's and each team's console at 120x40),
its turn logs or its after-action report. The defaults keep the defence words, and
`exercise new scenario` writes starters that validate."""

from __future__ import annotations

import re
from pathlib import Path

import attrs
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


async def test_a_team_reads_the_turns_phases_in_the_scenarios_names(tmp_path):
    """The banner outside deliberation and the `?` help name the phases as the scenario does
    (the play-test read "open in deliberation (now: Situation report)")."""
    from exercise.tui.app import make_app
    from exercise.tui.team import TeamScreen

    s = _play(tmp_path, 0)  # turn 1's briefing
    app = make_app(session=s)
    app.animation_level = "none"
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            app.show_team(s.state.rules.team_ids[0])
            await wait_for(lambda: isinstance(app.screen, TeamScreen) and app.screen.view, pilot=pilot)
            assert "Orders and decisions open in Decisions (now: Situation report)" in _on_screen(app.screen)
            said = app.screen.help_text(app)
            assert ("A turn**: Situation report, New information, Decisions, What happened, Hot debrief. "
                    "You act in **Decisions**") in said
            assert "deliberation" not in said.lower()
    finally:
        s.close()


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


# -- a tour of everything a person can read: every tab, every `?`, every dialog a key opens ------
RIVER = ROOT / "tests" / "fixtures" / "river" / "scenarios" / "river-flood.toml"
# The tour's list: the defence words a scenario's own [words] replace (and the defence world's
# roles), each in its forms.
TOUR = re.compile(
    r"\b(all(?:y|ies|ied)|defen[cs]es?|gdp|procurement|capabilit(?:y|ies)|forces|commands?(?! palette| line)|"
    r"us desk|red cell|military|troops|nato|staff officers?|saceur|washington)\b",
    re.I,
)


def _allowed(sc: model.Scenario) -> set[str]:
    """The tour's words this scenario uses: in its [words] (a flood board may say 'flood defences')
    and, where teams play parties with a GDP ([[ally]]), 'GDP' (their money is a share of it)."""
    w = sc.words
    said = " ".join(getattr(w, k) for k in attrs.fields_dict(type(w)))
    found = {m.group(0).lower() for m in TOUR.finditer(said)}
    return found | ({"gdp"} if sc.allies else set())


def _tour_words(text: str, allowed: set[str]) -> list[str]:
    return sorted({m.group(0).lower() for m in TOUR.finditer(text)} - allowed)


def _read(app) -> str:
    """Everything the app's top screen shows, with a dialog's select options and buttons."""
    from textual.widgets import Button, Input

    from exercise.tui.modals import FormModal

    screen = app.screen
    parts = [_on_screen(screen)]
    parts += [str(b.label) for b in screen.query(Button)]
    parts += [i.value for i in screen.query(Input)]
    if isinstance(screen, FormModal):  # the options of a select are read when it opens
        parts += [str(label) for f in screen.fields for label, _ in f.options]
    return "\n".join(parts)


async def _settle(pilot, n: int = 3) -> None:
    for _ in range(n):  # a key's worker pushes its dialog after a round or two
        await pilot.pause()


async def _dialogs(app, pilot, base, key: str, seen: dict[str, str], where: str) -> None:
    """Press `key` on `base`, read every dialog it opens (and what it notified), close them."""
    from support import notifications

    said = len(notifications(app))
    await pilot.press(key)
    await _settle(pilot)
    for _ in range(6):
        if app.screen is base:
            break
        seen[f"{where} {key}: {type(app.screen).__name__}"] = _read(app)
        if type(app.screen).__name__ == "DebriefScreen":
            for tab in "1234567":
                await pilot.press(tab)
                await pilot.pause()
                seen[f"{where} {key}: debrief tab {tab}"] = _read(app)
            await pilot.press("question_mark")
            await _settle(pilot)
            seen[f"{where} {key}: debrief help"] = _read(app)
            await pilot.press("escape")
            await pilot.pause()
        await pilot.press("escape")
        await _settle(pilot)
    assert app.screen is base, f"{where} {key}: {app.screen} left open"
    seen[f"{where} {key}: notified"] = "\n".join(notifications(app)[said:])


FACILITATOR_KEYS = ("question_mark", "t", "s", "f", "a", "h", "r", "k", "b", "d", "j", "g", "o", "m", "T", "e",
                    "V", "v", "D", "c", "u", "l")
TEAM_KEYS = {  # key: the tab it is pressed on (where its table has a selection)
    "question_mark": "1", "enter": "1", "r": "1", "u": "1", "c": "1", "s": "1", "b": "2", "dollar_sign": "2",
    "o": "3", "x": "3", "p": "3", "e": "3", "l": "4", "g": "4", "v": "4", "a": "5", "f": "1"}


async def _tour_team(app, pilot, team: str, seen: dict[str, str], when: str) -> None:
    from exercise.tui.team import TeamScreen

    app.show_team(team)
    await wait_for(lambda: isinstance(app.screen, TeamScreen) and app.screen.view, pilot=pilot)
    screen = app.screen
    for key in "1234567":
        await pilot.press(key)
        await pilot.pause()
        seen[f"{when} team {team} tab {key}"] = _read(app)
    for key, tab in TEAM_KEYS.items():
        await pilot.press(tab)
        await pilot.pause()
        await _dialogs(app, pilot, screen, key, seen, f"{when} team {team} (tab {tab})")
    await pilot.press("escape")
    await pilot.pause()


async def _tour_console(app, pilot, seen: dict[str, str], when: str) -> None:
    from exercise.tui.facilitator.screen import FacilitatorScreen

    await wait_for(lambda: isinstance(app.screen, FacilitatorScreen), pilot=pilot)
    screen = app.screen
    for key in "123456":
        await pilot.press(key)
        await pilot.pause()
        seen[f"{when} facilitator tab {key}"] = _read(app)
    await pilot.press("1")
    for key in FACILITATOR_KEYS:
        await _dialogs(app, pilot, screen, key, seen, f"{when} facilitator")
    for team in app.session.state.rules.team_ids:
        await _tour_team(app, pilot, team, seen, when)
    await _tour_seats(app, pilot, seen, when)


async def _tour_seats(app, pilot, seen: dict[str, str], when: str) -> None:
    """The other seats the console opens hot-seat (the red cell with an adversary, an
    evaluator, the wall): each tab and the `?` help."""
    from exercise.tui.facilitator.seats import hot_seats

    base = app.screen
    for _label, seat in hot_seats(app.session, None):
        if seat.role == "team":
            continue
        app.show_seat(seat)
        await wait_for(lambda: app.screen is not base and getattr(app.screen, "view", None) is not None, pilot=pilot)
        screen = app.screen
        for key in "1234":
            await pilot.press(key)
            await pilot.pause()
            seen[f"{when} seat {seat.role} tab {key}"] = _read(app)
        await _dialogs(app, pilot, screen, "question_mark", seen, f"{when} seat {seat.role}")
        await pilot.press("escape")
        await _settle(pilot)
        assert app.screen is base, f"{when} seat {seat.role}: escape did not come back"


def _mid_game(path: Path, root: Path):
    """A session in its second turn's deliberation with something behind every dialog: orders,
    an open argued action (to counter-argue and adjudicate) and, where the scenario has
    commands, a lead request waiting for the facilitator."""
    from exercise.bots.policies import spender
    from exercise.dryrun.simulate import bot_turn
    from exercise.engine import commands as cm
    from exercise.engine.rolls import Dice
    from exercise.session import Session

    loaded = load_fixture(path)
    s = Session.create(loaded.scenario, loaded.texts, root, name="Words tour", seed=3)
    dice = Dice(3)

    def run(state, command):
        s.execute(command)
        return s.state

    s.execute(cm.Start())
    for turn in (1, 2):
        while s.state.phase != "deliberation":
            s.execute(cm.Advance())
        if turn == 2:
            break
        for team in s.state.rules.team_ids:
            bot_turn(s.state, team, spender, dice, run=run)
        s.execute(cm.Advance(force=True))
    first = s.state.rules.team_ids[0]
    s.execute(cm.Argue(first, first, "Open the relief channel", "Less pressure downstream", "It worked in 2007",
                       open=True))
    sc = loaded.scenario
    for c in sc.commands:  # a request to lead waits for the facilitator (the bot may have asked already)
        if not any(q.command == c.id for q in s.state.pending_leads(first)):
            ally = next(a for t in sc.teams if t.id == first for a in t.allies)
            s.execute(cm.TakeLead(first, first, c.id, ally))
        assert any(q.command == c.id for q in s.state.pending_leads(first))
    return s


# each scenario at one size (a tour takes ~1 CPU minute): narrow texts on one, wide on the other
@pytest.mark.parametrize(("path", "size"), [(HOSPITAL, (80, 24)), (RIVER, (120, 40))],
                         ids=["hospital-80x24", "river-120x40"])
async def test_every_screen_help_dialog_log_and_report_speaks_the_scenario_words(tmp_path, path, size):
    """The tour: the facilitator's and every team's tabs, `?` help and every dialog a key opens
    (and what it notifies), mid-game and after the end, the debrief, the turn logs and the
    after-action report: no defence word unless the scenario's own words use it."""
    from support import record_notifications

    from exercise.engine import commands as cm
    from exercise.tui.app import make_app

    s = _mid_game(path, tmp_path)
    sc = s.scenario
    allowed = _allowed(sc)
    seen: dict[str, str] = {}
    app = make_app(session=s)
    app.animation_level = "none"
    record_notifications(app)
    try:
        async with app.run_test(size=size) as pilot:
            await _tour_console(app, pilot, seen, "mid-game")
            while s.state.status != "ended":  # to the end: verdict, outcome, feedback, debrief
                s.execute(cm.Advance(force=True))
            await _settle(pilot)
            await _tour_console(app, pilot, seen, "ended")
        for log in sorted((s.folder / "turns").glob("turn-*.md")):
            seen[log.name] = log.read_text("utf-8")
        report = build(from_session(s))
        seen["report.md"] = markdown.render(report)
        # what a reader sees: the page's text, not its markup (a timeline line's CSS class "command")
        seen["report.html"] = re.sub(r"<style.*?</style>|<[^>]+>", " ", html.render(report), flags=re.S)
    finally:
        s.close()
    # each place with a defence word, and the first line it is on (to find where it comes from)
    found = {where: [line.strip() for line in text.splitlines() if _tour_words(line, allowed)][:1]
             for where, text in seen.items() if _tour_words(text, allowed)}
    assert found == {}
    # the tour can fail: it read the dialogs and the scenario's own words on them
    everything = "\n".join(seen.values())
    w = sc.words
    assert w.cap("procurement") in everything and sc.calendar.label(1) in everything
    assert any(k.startswith("mid-game facilitator j") for k in seen) and "Open the relief channel" in everything
    assert f"{w.cap('capabilities')} by team" in everything
    # the seats: the evaluator's help in the scenario's words, the wall's without a red cell
    assert f"its {w.capabilities} and the world" in " ".join(seen["mid-game seat evaluator question_mark: TextModal"].split())
    assert "Help: the wall" in seen["ended seat wall question_mark: TextModal"]
    evaluator = " ".join(seen["mid-game seat evaluator tab 1"].split())
    if sc.commands:  # the people a lead ties up, in the scenario's word; no leads, no such count
        assert re.search(rf"{w.staff} \d+ of \d+ in use", evaluator), evaluator
    else:
        assert " in use" not in evaluator, evaluator
    assert sum(k.endswith("Modal") for k in seen) >= 40  # the dialogs were opened and read
    help_text = seen["mid-game facilitator question_mark: TextModal"]
    # no adversary: no Red tab, no red keys in the help
    assert "| 1-5 | tabs: overview, injects, actions, log, notes |" in help_text and "| w |" not in help_text
    if sc.commands:
        assert f"4 {w.cap('commands')}" in everything and w.forces in everything
    if sc.scorecard is not None:
        assert f"{w.cap('verdict_by')}'s verdict" in everything


@pytest.mark.parametrize(("funds", "said"), [
    ("funds = -5", "funds must be positive (found -5): the team's money per turn, in £k; write e.g. funds = 100, "
                   "or give the team the partner organisations it plays (allies = [...], ids of [[ally]] tables)"),
    ("funds = 0", "the team has no money: give it funds, its money per turn in £k (e.g. funds = 100), or the "
                  "partner organisations it plays (allies = [...], ids of [[ally]] tables)"),
])
def test_a_team_without_money_is_told_what_is_wrong_in_the_scenario_words(tmp_path, funds, said):
    """funds = -5 is not 'no allies': the message says what is wrong and what to write, on the
    funds line, in the scenario's words."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    path = folder / "code-black.toml"
    text = HOSPITAL.read_text("utf-8").replace('id = "hospital-ransomware"', 'id = "code-black"')
    path.write_text(text.replace("funds = 120", funds, 1), "utf-8")
    from exercise.packs.check import validate

    problems = validate([path]).problems
    messages = [p.message for p in problems.errors]
    assert len(messages) == 1 and messages[0] == f"{said} in team 'clinical'", messages
    line = next(n for n, row in enumerate(path.read_text("utf-8").splitlines(), 1) if row == funds)
    assert problems.errors[0].line == line
