"""The scenario's [words] beyond the consoles' tabs (issue 17): what the engine says when it
refuses or explains (lead rules, spending, forces, the adversary's targets), the red cell's
own console and its `?` help in a scenario with an adversary outside defence, and the help
shown before any scenario is known (neutral words). Each refusal is checked word for word
in the river board's words and for the defence words it must not say."""

from __future__ import annotations

import shutil
from pathlib import Path

import attrs
import pytest
from support import load_fixture, record_notifications, wait_for
from test_any_domain import HOSPITAL, RIVER, _allowed, _dialogs, _read, _settle, _tour_words
from test_engine_support import Game

from exercise.engine import commands as cm
from exercise.engine import explain

RIVER_ADVERSARY = """
[adversary]
id = "vandals"
name = "Vandals"
briefing = "You open sluices at night."
budget = 3
unit = "points"

[[adversary.action]]
id = "sluice"
name = "Open a sluice"
description = "Someone opens a sluice."
cost = 1
target = "command"
detection = 1
attribution = 0.5
effects = [{ track = "river", add = 0.5 }]
notice = "A sluice is found open"

[[adversary.action]]
id = "pump-theft"
name = "Steal a pump"
description = "A pump goes missing."
cost = 1
target = "team"
detection = 1
attribution = 0.5
effects = [{ track = "sandbags", team = "self", add = -0.5 }]
notice = "A pump is missing"
"""


def _river(**weir):
    """The river scenario, its Weir sector changed as given."""
    sc = load_fixture(RIVER).scenario
    return attrs.evolve(sc, commands=tuple(attrs.evolve(c, **weir) if c.id == "weir" else c for c in sc.commands))


def _refused(game: Game, command, said: str) -> None:
    """Refused with exactly `said`, and not a defence word the scenario's own words do not use."""
    reason = game.reject(command)
    assert reason == said
    assert _tour_words(reason, _allowed(game.scenario)) == [], reason


def _deliberating(scenario) -> Game:
    g = Game(scenario)
    g.to(1, "deliberation")
    return g


# -- the engine's refusals and explanations ---------------------------------------------------
def test_lead_refusals_say_the_river_boards_words():
    g = _deliberating(_river())
    _refused(g, cm.TakeLead("upstream", "upstream", "wier", "mill"), "unknown sector 'wier' (did you mean 'weir'?)")
    _refused(g, cm.TakeLead("upstream", "upstream", "weir", "mil"), "unknown district 'mil' (did you mean 'mill'?)")
    _refused(g, cm.TakeLead("town", "upstream", "weir", "mill"),
             "Town cannot take the lead of a sector for Upstream: only Upstream can")
    _refused(g, cm.HandBack("town", "upstream", "weir"), "Town cannot hand back a sector for Upstream: only Upstream can")
    g = _deliberating(_river(min_defence=5))  # Millbrook: GDP 40 x 2 % = 0.8 a year
    _refused(g, cm.TakeLead("upstream", "upstream", "weir", "mill"),
             "Millbrook's flood levy is too low to lead Weir sector: 0.8 £k a year, the sector needs at least 5")
    g = _deliberating(_river(min_gdp=100))
    _refused(g, cm.TakeLead("upstream", "upstream", "weir", "mill"),
             "Millbrook is too small to lead Weir sector: a GDP of 40 £k, the sector needs at least 100")
    g = _deliberating(_river(members_only=True))
    _refused(g, cm.TakeLead("town", "town", "weir", "bridge"),
             "Bridgend may not lead Weir sector: only a district in its area may, and Bridgend belongs to no sector")


def test_spending_and_assignment_refusals_say_the_river_boards_words():
    g = _deliberating(_river())
    _refused(g, cm.SetSpending("upstream", "upstream", "mil", 2.5), "unknown district 'mil' (did you mean 'mill'?)")
    _refused(g, cm.SetSpending("town", "upstream", "mill", 2.5),
             "Town cannot change flood levy for Upstream: only Upstream can")
    _refused(g, cm.Assign("upstream", "upstream", "weir", "river", 1),
             "'river' is not one of the team's assets; assign one of: sandbags")
    _refused(g, cm.Assign("upstream", "upstream", "wier", "sandbags", 1), "unknown sector 'wier' (did you mean 'weir'?)")
    _refused(g, cm.Assign("town", "upstream", "weir", "sandbags", 1),
             "Town cannot assign crews for Upstream: only Upstream can")


def test_the_hospital_scenario_refuses_leads_and_spending_in_its_own_words():
    """The hospital has no cells to lead nor partner organisations: a command sent anyway
    (a script, an old client) is refused in its words."""
    g = _deliberating(load_fixture(HOSPITAL).scenario)
    _refused(g, cm.TakeLead("clinical", "clinical", "north", "PL"), "unknown cell 'north'")
    _refused(g, cm.TakeLead("it", "clinical", "north", "PL"),
             "IT and security cannot take the lead of a cell for Clinical operations: only Clinical operations can")
    _refused(g, cm.SetSpending("clinical", "clinical", "PL", 2.0), "unknown partner organisation 'PL'")
    _refused(g, cm.Assign("clinical", "clinical", "north", "systems", 1), "unknown cell 'north'")
    _refused(g, cm.Assign("it", "clinical", "north", "systems", 1),
             "IT and security cannot assign people for Clinical operations: only Clinical operations can")


def test_a_sectors_lead_rules_are_explained_in_the_river_boards_words():
    from exercise.engine.scenario_rules import rules_for

    sc = _river(min_defence=5, min_gdp=10, members_only=True)
    weir = next(c for c in sc.commands if c.id == "weir")
    said = explain.lead_rules_words(weir, rules_for(sc))
    assert said.startswith("The lead must be a district in its area with a GDP of at least 10 £k with flood levy "
                           "of at least 5 £k a year"), said
    assert _tour_words(said, _allowed(sc)) == []


# -- the red cell's console in a scenario outside defence -------------------------------------
@pytest.fixture
def river_red(tmp_path) -> Path:
    """The river scenario with an adversary (vandals opening sluices), as a scenario folder."""
    (tmp_path / "scenarios").mkdir()
    shutil.copytree(RIVER.parent.parent / "injects", tmp_path / "injects")
    path = tmp_path / "scenarios" / "river-red.toml"
    text = RIVER.read_text("utf-8").replace('id = "river-flood"', 'id = "river-red"', 1)
    path.write_text(text + RIVER_ADVERSARY, "utf-8")
    return path


def test_the_adversarys_target_refusal_names_a_sector(river_red):
    g = _deliberating(load_fixture(river_red).scenario)
    _refused(g, cm.RedAct("sluice"), "Open a sluice cannot be planned: Open a sluice targets a sector's seam: name the sector (weir)")
    _refused(g, cm.RedAct("sluice", "mill"), "Open a sluice cannot be planned: unknown sector 'mill'; sectors: weir")


async def test_the_red_seat_and_its_help_say_the_scenario_words(river_red, tmp_path):
    """The red cell's console (its tabs, its `?` help, its plan dialogs) in a flood drill with
    an adversary: districts and sectors, never allies, commands or NATO."""
    from test_any_domain import _mid_game

    from exercise.engine.seats import red_seat
    from exercise.tui.app import make_app
    from exercise.tui.seat.red import RedSeatScreen

    s = _mid_game(river_red, tmp_path / "saves")
    allowed = _allowed(s.scenario) | {"red cell"}  # the seat's role, as `exercise seat add` names it
    app = make_app(session=s)
    app.animation_level = "none"
    record_notifications(app)
    seen: dict[str, str] = {}
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await _settle(pilot)
            app.show_seat(red_seat(s.state))
            await wait_for(lambda: isinstance(app.screen, RedSeatScreen) and app.screen.view, pilot=pilot)
            screen = app.screen
            for key in "123":
                await pilot.press(key)
                await pilot.pause()
                seen[f"red tab {key}"] = _read(app)
            await pilot.press("1")
            for key in ("question_mark", "a", "w"):
                await _dialogs(app, pilot, screen, key, seen, "red")
            await _dialogs(app, pilot, screen, "a", seen, "red (a, enter)")
            await pilot.press("escape")  # back to the console: its Red tab plans an act too
            await _settle(pilot)
            console = app.screen
            await pilot.press("6")
            await pilot.pause()
            seen["facilitator red tab"] = _read(app)
            await _dialogs(app, pilot, console, "a", seen, "facilitator red tab")
    finally:
        s.close()
    found = {where: [line.strip() for line in text.splitlines() if _tour_words(line, allowed)][:1]
             for where, text in seen.items() if _tour_words(text, allowed)}
    assert found == {}
    assert "Districts' flood levy" in seen["red tab 2"] and "Sectors and their leads" in seen["red tab 2"]
    assert "Open a sluice" in seen["red tab 1"] and "a sector" in seen["red tab 1"]
    assert "a sector for a sector action" in seen["facilitator red tab a: FormModal"]
    help_text = " ".join(seen["red question_mark: TextModal"].split())
    assert "the districts' flood levy and who leads each sector" in help_text


def test_the_help_before_a_scenario_is_known_speaks_no_defence():
    """The loading screen's `?` (the facilitator console's help, before the scenario is read):
    neutral words, since the scenario may be a hospital's."""
    from test_any_domain import TOUR

    from exercise.tui.app import make_app

    _title, body = make_app().default_help()
    said = sorted({m.group(0).lower() for m in TOUR.finditer(body)} - {"red cell"})
    assert said == [], said
    assert "(you play the judge)" in body and "a team's request to lead a structure" in body


def test_the_verdict_bot_is_named_as_the_scenario_names_who_judges(tmp_path):
    """`--us-desk bot` on the river drill: the rationale names the river board, not the US desk."""
    from exercise.session import Session

    loaded = load_fixture(RIVER)
    s = Session.create(loaded.scenario, loaded.texts, tmp_path, name="Verdict bot", seed=1)
    s.us_desk = "bot"
    try:
        s.execute(cm.Start())
        while s.state.status != "ended":
            s.execute(cm.Advance(force=True))
        assert s.state.verdict is not None
        assert s.state.verdict.rationale == "The river board (bot): the scorecard's proposal"
    finally:
        s.close()


def test_the_balance_report_of_the_hospital_names_its_purchases_and_no_europe():
    """`exercise balance` on the hospital: the plans say 'Purchases' (its procurement category),
    and the 'made in Europe first' plan, the same as 'value' where nothing is made in Europe,
    is not played."""
    from exercise.dryrun import balance as bal
    from exercise.dryrun.balance_render import render

    sc = load_fixture(HOSPITAL).scenario
    out = render(bal.balance(sc, 2, 5, workers=1), "text")
    assert "the rest to Purchases" in out
    assert _tour_words(out, _allowed(sc)) == [] and "europe" not in out.lower(), out
