"""The team console explains before and after: what an option costs and does (hidden
effects only said to exist), what an answer did, the budget's floors and what decays,
and units on every number. Driven through Textual's Pilot like tests/test_tui_team.py."""

from __future__ import annotations

import json

import pytest
from support import notifications, to_deliberation, wait_for
from test_tui_team import SIZE, form, open_team, rows, shown, team_app
from textual.widgets import Input

from exercise.engine import commands as cm
from exercise.engine import facilitator_view, player_view
from exercise.engine.view_json import unstructure
from exercise.net import protocol as p
from exercise.session import Session
from exercise.tui.modals import ConfirmModal, FormModal

LOAN = {"id": "loan", "label": "Take the loan", "default": True, "effects": [
    {"budget": "invest", "add": -2, "turns": 2, "team": "self"},
    {"track": "trust", "add": 0.5},
    {"item": "sam", "lead_time": 1},
    {"inject": "reserve-cyber", "action": "enable"},
]}
REFUSE = {"id": "refuse", "label": "Refuse", "effects": [
    {"track": "trust", "add": -1},
    {"track": "cohesion", "add": -1, "hidden": True},
]}


@pytest.fixture
def new_session(tmp_path):
    """Exercises in deliberation of turn 1 (closed after the test), as in test_tui_team."""
    made = []

    def make(loaded, money: dict | None = None) -> Session:
        s = Session.create(loaded.scenario, loaded.texts, tmp_path / str(len(made)))
        made.append(s)
        to_deliberation(s)
        for team, amount in (money or {}).items():
            s.execute(cm.Override("money", amount, "test budget", team=team))
        return s

    yield make
    for s in made:
        s.close()


def offer(s, title="Loan offer"):
    s.execute(cm.FireAdHoc(title, "A bank offers money.", to=("east",), options=(LOAN, REFUSE)))


async def test_options_show_costs_and_effects_before_choosing_and_hide_hidden_ones(mini, new_session):
    s = new_session(mini, money={"east": 1000.0})
    offer(s)
    app = team_app(s, "east")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_team(pilot, app, "east")
        text = shown(screen)
        assert ("costs 2 USD bn of Invest a turn for 2 turns; US trust +0.5; SAM battery lead time +1 turn; "
                "enables a further inject") in text
        assert "US trust -1 · and consequences you cannot know in advance" in text
        assert "European cohesion -1" not in text and "Cyber attack" not in text  # hidden; a future inject
        modal = await form(pilot, app, "enter", submit=False)
        assert "Take the loan (default): costs 2 USD bn of Invest a turn for 2 turns" in modal.intro
        assert "Refuse: US trust -1 · and consequences you cannot know in advance" in modal.intro
        await pilot.press("escape")


def test_a_hidden_effect_never_reaches_the_player_view_and_the_facilitator_sees_it_marked(mini, new_session):
    s = new_session(mini)
    offer(s)
    data = unstructure(player_view(s.state, "east"))
    raw = json.dumps(data)
    (inj,) = [i for i in data["me"]["inbox"] if i["title"] == "Loan offer"]
    refuse = inj["options"][1]
    assert [e["text"] for e in refuse["effects"]] == ["US trust -1"] and refuse["unknown"] is True
    assert "\"hidden\"" not in raw and "European cohesion -1" not in raw
    assert not any(e["id"] == "cohesion" for o in inj["options"] for e in o["effects"])
    assert p.player_view_from(data) == player_view(s.state, "east")  # the network client reads it back
    fac = next(i for i in facilitator_view(s.state).injects if i.title == "Loan offer")
    assert fac.options[1].effects == ("US trust -1", "(hidden) European cohesion -1")
    assert fac.options[0].effects[-1] == "enables a further inject: Cyber attack"


async def test_after_answering_the_team_is_told_what_its_answer_did(mini, new_session):
    s = new_session(mini, money={"east": 1000.0})
    offer(s)
    app = team_app(s, "east")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_team(pilot, app, "east")
        await form(pilot, app, "enter", {"option": "loan"})
        await wait_for(lambda: any(n.startswith("What your answer did") for n in notifications(app)), pilot=pilot)
        said = next(n for n in notifications(app) if n.startswith("What your answer did"))
        assert "US trust 4 → 4.5 (Strained)" in said
        assert "costs 2 USD bn of Invest a turn for 2 turns: Invest now 0.00 USD bn this turn" in said
        assert "SAM battery lead time 2 → 3 turns" in said and "enables a further inject" in said
        offer(s, "Second offer")
        await pilot.pause()
        await form(pilot, app, "enter", {"option": "refuse"})
        await wait_for(lambda: sum(n.startswith("What your answer did") for n in notifications(app)) == 2,
                       pilot=pilot)
        said = [n for n in notifications(app) if n.startswith("What your answer did")][-1]
        assert "US trust 4.5 → 3.5" in said and "consequences you were not told of" in said
        assert "cohesion" not in said
        assert s.state.tracks["cohesion"] == 5.0  # it happened all the same


async def test_budget_tab_shows_amounts_floors_decay_and_the_share_after_decision_costs(mini, new_session):
    s = new_session(mini)
    s.execute(cm.FireAdHoc("Repairs", to=("east",), effects=({"budget": "sustain", "add": -0.05, "team": "self"},)))
    app = team_app(s, "east")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_team(pilot, app, "east")
        await pilot.press("2")
        sustain, invest = rows(screen, "tm-categories")
        assert sustain.startswith("Sustain | 50 % | 0.05 USD bn | 25 % under floor | 30 %")
        # (at 80 columns "under floor": the Floor column beside it says which; 120 says "under its 30 % floor")
        assert invest.startswith("Invest | 50 % | 0.10 USD bn | 50 % | none")
        text = shown(screen)
        assert "Sustain: under 30 %, Air defence loses 0.5 a turn" in text
        assert "playable share" in text and "50 % of your allies' defence spending" in text
        assert "Sustain: -0.05 USD bn (turn 1)" in text


async def test_a_split_under_a_floor_is_warned_about_before_it_is_sent(mini, new_session):
    s = new_session(mini)
    app = team_app(s, "east")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_team(pilot, app, "east")
        before = len(s.records)
        await form(pilot, app, "b", {"sustain": 20, "invest": 80}, submit=False)
        await pilot.press("ctrl+s")
        await wait_for(lambda: isinstance(app.screen, ConfirmModal), pilot=pilot)
        assert "Sustain at 20 %, under its floor of 30 %: Air defence loses 0.5 a turn" in app.screen.body
        await pilot.press("escape")  # change it instead: the form comes back with what was typed
        await wait_for(lambda: isinstance(app.screen, FormModal), pilot=pilot)
        assert app.screen.query_one("#f-sustain", Input).value == "20"
        assert app.screen.query_one("#f-invest", Input).value == "80"
        assert len(s.records) == before
        await form(pilot, app, None, {"sustain": 40, "invest": 60})
        assert s.state.allocation["east"] == (0.4, 0.6)
        await form(pilot, app, "b", {"sustain": 25, "invest": 75}, submit=False)
        await pilot.press("ctrl+s")
        await wait_for(lambda: isinstance(app.screen, ConfirmModal), pilot=pilot)
        assert "Sustain at 25 %" in app.screen.body
        await pilot.press("y")  # sent knowingly
        await wait_for(lambda: not isinstance(app.screen, (ConfirmModal, FormModal)), pilot=pilot)
        await pilot.pause()
        assert s.state.allocation["east"] == (0.25, 0.75)


async def test_an_invalid_split_keeps_the_values_typed(mini, new_session):
    s = new_session(mini)
    app = team_app(s, "east")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_team(pilot, app, "east")
        before = len(s.records)
        await form(pilot, app, "b", {"sustain": 55, "invest": 40}, submit=False)
        await pilot.press("ctrl+s")
        await wait_for(lambda: any("add up to 95%, not 100%" in n for n in notifications(app)), pilot=pilot)
        await wait_for(lambda: isinstance(app.screen, FormModal), pilot=pilot)
        assert app.screen.query_one("#f-sustain", Input).value == "55"
        assert app.screen.query_one("#f-invest", Input).value == "40"
        assert "added up to 95 %, not 100 %" in app.screen.intro
        await pilot.press("escape")
        await wait_for(lambda: not isinstance(app.screen, FormModal), pilot=pilot)
        assert len(s.records) == before and s.state.allocation["east"] == (0.5, 0.5)


async def test_items_carry_cost_units_and_what_they_improve_and_staff_say_what_they_are_for(mini, new_session):
    s = new_session(mini)
    app = team_app(s, "east")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_team(pilot, app, "east")
        await pilot.press("3")
        assert rows(screen, "tm-catalogue")[0].startswith("SAM battery | 1.00 USD bn | +1 Air defence |")
        text = shown(screen)
        assert "1.00 USD bn per unit" in text
        assert "+1 Air defence per unit on delivery" in text
        await pilot.press("4")
        assert rows(screen, "tm-commands")[0].startswith("JFC North | United States | 1 pt | 3 staff")
        assert "staff officers run a command your team leads" in shown(screen)


def test_an_option_that_would_take_a_category_under_its_floor_says_so_before_choosing(tmp_path):
    # the second play-test: answers that cost Sustain took teams under its floor with no warning
    from support import DEFAULT, load_fixture

    from exercise import model
    from exercise.engine import explain
    from exercise.engine import view as engine_view
    from exercise.engine import view_types as vt
    from exercise.session import Session

    loaded = load_fixture(DEFAULT)
    s = Session.create(loaded.scenario, loaded.texts, tmp_path, name="Floors", seed=3)
    to_deliberation(s)
    cats = [c.id for c in loaded.scenario.budget.categories]
    s.execute(cm.Allocate("brunssum-west", "brunssum-west", dict(zip(cats, (0.35, 0.40, 0.25)))))
    pv = engine_view.player_view(s.state, "brunssum-west")
    rules = s.state.rules

    def option(add):
        return vt.OptionView("x", "X", "", False, (explain.effect_view(model.Effect(budget=cats[0], add=add), rules),),
                             False)

    warnings = explain.option_breaches(pv, option(-0.3))
    s.close()
    assert any("under its floor of 35 %: Munitions stockpile loses 0.25 a turn" in w for w in warnings)
    # 29.69 %: (0.35 x 5.6465 - 0.3) / 5.6465, West's turn-1 money after the Brunssum lead cost
    # with the Netherlands at 2.5 % of GDP (NATO, Aug 2025)
    assert all(w.startswith("Sustain (readiness) would be at 29.69 %") for w in warnings)
    assert explain.option_breaches(pv, option(0.3)) == []
