"""A whole scripted exercise of the drill scenario, step by step, with the events expected."""

from __future__ import annotations

import pytest
from test_engine_support import Game, drill

from exercise.engine import commands as cm
from exercise.engine import events as ev


def test_scripted_exercise():
    g = Game(drill())  # seed 11
    assert g.kinds() == ["exercise_started", "turn_started", "budget_set", "budget_set"]
    assert g.s.cash == {"east": 0.8, "west": 0.68}

    # turn 1 -----------------------------------------------------------------------------
    e = g.advance()
    assert e == [ev.PhaseChanged(1, "injects"), ev.InjectFired("drones", 1, ("east",), "schedule"),
                 ev.TrackSet("trust", None, 4.0, "the inject “Drones over the border”", "")]
    assert g.advance() == [ev.PhaseChanged(1, "deliberation")]
    assert g.team(cm.Answer, "east", inject="drones", option="shoot") == [
        ev.DecisionAnswered("east", "drones", "shoot", False),
        ev.TrackSet("air", "east", 3.0, "East chose “Shoot them down” in “Drones over the border”", "")]
    assert g.team(cm.Allocate, "east", shares={"sustain": 0.4, "invest": 0.5, "resilience": 0.1}) == [
        ev.AllocationSet("east", {"sustain": 0.4, "invest": 0.5, "resilience": 0.1}),
        ev.BudgetSet("east", 2.0, {"sustain": 0.8, "invest": 1.0, "resilience": 0.2}, 1.0, "budget split anew", "")]
    assert g.team(cm.PlaceOrder, "east", item="drone", quantity=2) == [
        ev.OrderPlaced("order-east-1", "east", "drone", 2, 1.0, 1, 1, ((1, 2),), 0.0)]
    assert g.team(cm.Submit, "east") == [ev.Submitted("east", 1)]
    assert g.team(cm.Argue, "west", action="Patrol", result="calm", reasons="ships") == [
        ev.ActionArgued("action-west-1", "west", 1, "Patrol", "calm", "ships")]
    g.team(cm.Submit, "west")
    assert g.advance() == [ev.PhaseChanged(1, "adjudication"),
                           ev.OrderDelivered("order-east-1", "east", "drone", 2, 1),
                           ev.TrackSet("air", "east", 4.0, "delivery of 2 Drone lot", "")]
    e = g.do(cm.Adjudicate("action-west-1", 70, "plausible", effects=({"track": "cohesion", "add": 1},)))
    assert e[0].roll == pytest.approx(0.0926229240) and e[0].success
    assert e[1] == ev.TrackSet("cohesion", None, 7.0, "West's action “Patrol” succeeded", "")
    g.advance()
    g.do(cm.AddNote("East shot the drones", objective="air", rating="P", inject="drones"))

    # turn 2 -----------------------------------------------------------------------------
    e = g.advance()
    assert [(x.team, x.total, x.cash) for x in e if isinstance(x, ev.BudgetSet)] == [
        ("east", 2.0, 1.0), ("west", 1.7, 1.36)]
    e = g.advance()
    assert g.kinds(e) == ["phase_changed", "inject_fired", "inject_rolled", "inject_fired", "inject_fired"]
    assert [x.inject for x in e if isinstance(x, ev.InjectFired)] == ["summit", "follow-up", "white-note"]
    assert e[2].inject == "sabotage" and not e[2].fired
    assert e[4].to == ()  # facilitator only
    g.advance()
    assert g.kinds(g.team(cm.TakeLead, "east", command="north", ally="PL")) == [
        "lead_taken", "track_set", "budget_set"]
    assert g.s.budget["east"][0] == 1.5
    e = g.team(cm.Answer, "west", inject="summit", option="pledge")
    assert g.kinds(e) == ["decision_answered", "track_set", "budget_effect_added", "budget_set"]
    e = g.advance(force=True)
    assert g.kinds(e) == ["decision_answered", "track_set", "budget_effect_added", "budget_set",
                          "submitted", "submitted", "phase_changed"]
    assert e[0] == ev.DecisionAnswered("east", "summit", "pledge", True)
    g.to(3, "briefing")
    assert g.s.cash == {"east": 2.5, "west": 3.04}

    # turn 3: the window inject fires on its second roll; shake-up runs every effect kind --
    e = g.advance()
    assert g.kinds(e) == ["phase_changed", "inject_rolled", "inject_fired", "inject_fired", "ally_moved",
                          "lead_time_changed", "budget_effect_added", "budget_set", "inject_controlled"]
    e = g.to(3, "adjudication")
    assert e[-1] == ev.OrderDelivered("backlog-1", "west", "jet", 1, 3)

    # turn 4: the queued reserve inject, decay under the sustain floor, the verdict --------
    e = g.to(4, "injects")
    fired = [(x.inject, x.by) for x in e if isinstance(x, ev.InjectFired)]
    assert fired == [("reserve-cyber", "effect"), ("late", "schedule")]
    e = g.to(4, "adjudication")
    assert e[-1] == ev.TrackSet("air", "east", 3.5, "decay: Sustain got 6.67% of the budget, under its floor of 30%",
                                 "decay")
    e = g.to(4, "summary")
    e = g.advance()
    assert e == [ev.ExerciseEnded("lose", "Coordination cuts", "Europe-led was not reached:\n"
                                  "- US trust: 5, needs at least 6 — not met\n"
                                  "- JFC North led by a player team's ally: yes — met", 4)]
    assert g.s.status == "ended"
    assert g.s.orders["backlog-2"].due == 9 and g.s.orders["backlog-2"].status == "ordered"
    assert g.replayed() == g.state
    assert len(g.events) == 82
