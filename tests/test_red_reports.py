"""The red cell as the reports and the team screens tell it: the after-action report keeps
the adversary's objectives apart from the teams' and lists its acts, the turn log gives it
its own section, its rolls read like every other roll, a team reads what its resisting
category does, and the command line names the command that refused a broken scenario."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from support import DEFAULT, FIXTURES, load_fixture

from exercise.engine import commands as cm
from exercise.engine import execute, initial_state, player_view
from exercise.engine.red import refusal
from exercise.session import Session

RED = FIXTURES / "red" / "scenarios" / "red.toml"


def played(tmp_path, seed: int = 3) -> Session:
    """The red fixture played to the end: turn 1 the facilitator plans a sabotage on East
    (noticed, unattributed with seed 3) and a jam it withdraws; turn 2 Russia's own seat
    jams JFC North while West spends enough on Sustain to resist."""
    loaded = load_fixture(RED)
    s = Session.create(loaded.scenario, loaded.texts, tmp_path / "red", name="Red", seed=seed)
    s.execute(cm.Start())
    while s.state.phase != "deliberation":
        s.execute(cm.Advance())
    s.execute(cm.RedAct("sabotage", "east"))
    s.execute(cm.RedAct("jam", "north"))
    s.execute(cm.RedWithdraw("red-2"))
    s.execute(cm.Advance(force=True))
    while s.state.phase != "deliberation":
        s.execute(cm.Advance())
    s.execute(cm.Allocate("west", "west", {"sustain": 0.7, "invest": 0.3}))
    s.execute(cm.RedAct("jam", "north", actor="russia"))
    while s.state.status == "running":
        s.execute(cm.Advance(force=True) if s.state.phase == "deliberation" else cm.Advance())
    return s


@pytest.fixture(scope="module")
def game(tmp_path_factory):
    s = played(tmp_path_factory.mktemp("red"))
    yield s
    s.close()


# -- 1. the after-action report ---------------------------------------------------------------
def test_the_report_keeps_red_objectives_apart_and_lists_its_acts(game):
    from exercise.debrief import markdown, record
    from exercise.debrief.report import build

    report = build(record.load(game.folder))
    assert [o.name for o in report.objectives if o.id == "divide"] == []
    red = report.red
    assert red is not None and red.name == "Russia"
    (obj,) = red.objectives
    assert obj.name.startswith("Divide") and obj.result in ("met", "not met")
    acts = [(a.turn, a.action, a.target, a.result, a.hit, a.resisted) for a in red.acts]
    assert acts[0] == (1, "Rail sabotage", "East", "noticed, unattributed", "East", "none")
    assert acts[1] == (1, "Electronic warfare on navigation", "JFC North", "withdrawn (refunded 1 point)", "", "")
    assert acts[2][:5] == (2, "Electronic warfare on navigation", "JFC North", "noticed, attributed",
                           "East, West")
    assert acts[2][5] == "West"
    text = markdown.render(report)
    assert "| Divide" not in text.split("## The red cell")[0]  # not among the teams' objectives
    assert "### Divide" not in text
    red_part = text.split("## The red cell: Russia")[1].split("\n## ")[0]
    assert "Divide" in red_part and "Rail sabotage" in red_part and "resisted" in red_part.lower()


def test_the_html_report_has_the_red_cell(game):
    from exercise.debrief import html, record
    from exercise.debrief.report import build

    text = html.render(build(record.load(game.folder)))
    assert 'id="red"' in text and "Rail sabotage" in text
    assert 'id="objective-divide"' not in text


# -- 3. the turn log ------------------------------------------------------------------------
def test_the_turn_log_gives_red_its_own_section(game):
    one = (game.folder / "turns" / "turn-01.md").read_text()
    facilitator = one.split("## Facilitator's actions")[1].split("\n## ")[0]
    assert "Rail sabotage" not in facilitator
    red = one.split("## The red cell: Russia")[1].split("\n## ")[0]
    assert "- the facilitator planned “Rail sabotage” against East (act 1, 3 points)" in red
    assert "- the facilitator withdrew “Electronic warfare on navigation” (act 2, 1 point back)" in red
    assert "- Act 1 “Rail sabotage” against East: noticed, unattributed; hit East; resisted by none" in red
    two = (game.folder / "turns" / "turn-02.md").read_text()
    red = two.split("## The red cell: Russia")[1].split("\n## ")[0]
    assert "- Russia (bot) planned “Electronic warfare on navigation” against JFC North" in red
    assert "noticed, attributed to Russia; hit East, West; resisted by West" in red


# -- 4. one form for rolls --------------------------------------------------------------------
def test_red_rolls_read_like_every_other_roll():
    from exercise.narrate import Narrator

    sc = load_fixture(RED).scenario
    line = Narrator(sc).line({"kind": "red_action_resolved", "id": "red-1", "action": "sabotage", "target": "east",
                              "turn": 1, "teams": ["east"], "detect_roll": 0.571, "detected": True,
                              "attribute_roll": 0.162, "attributed": True})
    assert "detection rolled 57.1 against a 60 % chance, attribution rolled 16.2 against a 50 % chance" in line


# -- 5. the engine's refusal -------------------------------------------------------------------
def test_the_limit_a_turn_reads_plainly():
    s = initial_state(load_fixture(RED).scenario)
    for c in (cm.Start(), cm.Advance(), cm.Advance(), cm.RedAct("sabotage", "east")):
        s = execute(s, c)[0]
    assert refusal(s, s.rules.red_actions["sabotage"]) == "already planned this turn (at most 1 a turn)"


# -- 2. what the resisting category does, on the team's view ---------------------------------------
def test_the_resisting_category_says_what_it_does():
    s = initial_state(load_fixture(DEFAULT).scenario)
    cats = {c.id: c.resists for c in player_view(s, s.rules.team_ids[0]).categories}
    assert cats["resilience"] == ("20 % or more of your budget here spares you 50 % of the harm "
                                  "hostile actions do to your capabilities")
    assert all(not v for k, v in cats.items() if k != "resilience")
    text = repr(cats).lower()
    assert "point" not in text and "russia" not in text


# -- 6. the command line -----------------------------------------------------------------------
@pytest.mark.parametrize("command", ["balance", "simulate"])
def test_a_broken_scenario_names_the_command_run(command):
    from exercise.cli import main

    res = CliRunner().invoke(main, [command, "/etc/passwd"])
    assert res.exit_code == 1
    assert f"`exercise {command}` cannot use a scenario with errors" in res.output
    assert command == "simulate" or "simulate" not in res.output


def test_the_debrief_screen_shows_the_red_cell_apart(game):
    from types import SimpleNamespace

    from exercise.debrief import record
    from exercise.debrief.report import build
    from exercise.tui.debrief import DebriefScreen

    text = DebriefScreen.objectives_text(SimpleNamespace(report=build(record.load(game.folder)))).plain
    teams, red = text.split("The red cell: Russia")
    assert "Divide" not in teams
    assert "Divide the alliance: 6 (at most 4 needed), not met" in red
    assert "turn 1: Rail sabotage on East: noticed, unattributed; hit East; resisted by none" in red
    assert "turn 2: Electronic warfare on navigation on JFC North: noticed, attributed; hit East, West; resisted by West" in red


def test_control_characters_and_newlines_in_red_names_stay_harmless_in_files(tmp_path):
    """An adversary and an action named with an ESC sequence, a bidi override and a
    newline: the turn file, the after-action report (md, html) and the balance report show
    the controls as symbols (a `cat` of them must not drive the terminal), and the turn
    file's bullets keep the name on one line (no heading or table row smuggled in)."""
    from exercise.debrief import html, markdown, record
    from exercise.debrief.report import build
    from exercise.dryrun.balance import balance
    from exercise.dryrun.balance_render import render

    hostile = "Bear\x1b[31m red\u202e\n# Heading | cell"
    text = RED.read_text().replace('name = "Russia"', f'name = "{hostile.encode("unicode_escape").decode()}"', 1)
    text = text.replace('name = "Rail sabotage"', 'name = "Sab\\u001b[2Jotage\\n## Two"', 1)
    text = text.replace('title = "Mini exercise"', 'title = "Mini\\u001b[31m exercise"', 1)
    path = tmp_path / "scenarios" / "red.toml"
    path.parent.mkdir()
    path.write_text(text)
    loaded = load_fixture(path)
    assert loaded.scenario.adversary.name == hostile
    s = Session.create(loaded.scenario, loaded.texts, tmp_path / "save", name="Red", seed=3)
    try:
        s.execute(cm.Start())
        while s.state.phase != "deliberation":
            s.execute(cm.Advance())
        s.execute(cm.RedAct("sabotage", "east", actor="russia"))
        while s.state.status == "running":
            s.execute(cm.Advance(force=True) if s.state.phase == "deliberation" else cm.Advance())
    finally:
        s.close()
    turn = (s.folder / "turns" / "turn-01.md").read_text()
    report = build(record.load(s.folder))
    outputs = {"turn file": turn, "aar.md": markdown.render(report), "aar.html": html.render(report),
               "balance.md": render(balance(loaded.scenario, 1, 1), "md")}
    for name, out in outputs.items():
        assert "\x1b" not in out and "\u202e" not in out, name
        assert "\u241b" in out, name  # ␛: shown, not obeyed
    assert not [line for line in turn.splitlines() if line.startswith(("# Heading", "## Two"))]
    assert any("(bot) planned" in line and "Heading" in line for line in turn.splitlines())
