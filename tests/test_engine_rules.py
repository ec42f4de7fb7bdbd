"""One test (or a few) per rule of the engine, including the refusals."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_engine_support import MINI, Game, drill, load, of, with_injects

from exercise import model
from exercise.engine import commands as cm
from exercise.engine import events as ev
from exercise.engine.rolls import roll

T = model.Threshold
I = model.Inject
E = model.Effect


def deliberating(scenario=None, seed=None) -> Game:
    g = Game(scenario or with_injects(), seed)
    g.to(1, "deliberation")
    return g


# -- turn structure ----------------------------------------------------------------------
def test_phases_run_in_order_and_the_exercise_ends_after_the_last_summary():
    g = Game(with_injects())
    seen = [(g.s.turn, g.s.phase)]
    while g.s.status == "running":
        g.advance(force=True)
        seen.append((g.s.turn, g.s.phase))
    assert seen[:6] == [(1, p) for p in model.PHASES] + [(2, "briefing")]
    assert seen[-1] == (4, "summary")
    assert g.s.status == "ended" and g.s.verdict.outcome == "lose"
    assert g.kinds()[-1] == "exercise_ended"
    g.reject(cm.Advance(force=True), "has ended")


def test_start_only_once_and_nothing_before_it():
    g = Game(with_injects(), start=False)
    g.reject(cm.Advance(), "not started")
    g.reject(cm.Submit("east", "east"), "not started")
    g.reject(cm.Start(actor="east"), "only the facilitator")
    g.do(cm.Start())
    g.reject(cm.Start(), "already started")


def test_leaving_deliberation_needs_every_submission_or_force():
    g = deliberating()
    g.team(cm.Submit, "east")
    reason = g.reject(cm.Advance(), "waiting for West")
    assert "force" in reason
    g.team(cm.Submit, "west")
    g.advance()
    assert g.s.phase == "adjudication"


def test_force_takes_defaults_and_marks_forced_submissions():
    g = Game(drill())
    g.to(1, "deliberation")
    events = g.advance(force=True)
    answers = of(events, ev.DecisionAnswered)
    assert [(a.team, a.inject, a.option, a.default) for a in answers] == [("east", "drones", "watch", True)]
    g.to(2, "deliberation")
    events = g.advance(force=True)
    answers = of(events, ev.DecisionAnswered)
    assert {(a.team, a.inject, a.option, a.default) for a in answers} == {
        ("east", "summit", "pledge", True),  # no default: the first
        ("west", "summit", "pledge", True),
    }
    assert {(x.team, x.forced) for x in of(events, ev.Submitted)} == {("east", True), ("west", True)}


def test_submitting_twice_and_acting_after_submitting_are_refused():
    g = deliberating()
    g.team(cm.Submit, "east")
    g.reject(cm.Submit("east", "east"), "already submitted")
    g.reject(cm.PlaceOrder("east", "east", "drone", 1), "already submitted")


def test_the_facilitator_reopens_a_submitted_turn_and_its_orders_become_drafts():
    g = deliberating()
    g.team(cm.PlaceOrder, "east", item="drone", quantity=1)
    g.team(cm.Submit, "east")
    [order] = [o for o in g.s.orders.values() if o.team == "east" and not o.backlog]
    assert order.status == "ordered"
    g.reject(cm.Reopen("west"), "has not submitted")
    g.reject(cm.Reopen("nobody"), "unknown team")
    g.reject(cm.Reopen("east", actor="east"), "only the facilitator")
    events = g.do(cm.Reopen("east"))
    assert [e.kind for e in events] == ["reopened"] and events[0].orders == (order.id,)
    assert "east" not in g.s.submitted and g.s.orders[order.id].status == "draft"
    g.team(cm.CancelOrder, "east", order=order.id)  # a draft again: withdrawn at no cost
    g.team(cm.Submit, "east")
    g.advance(force=True)
    g.reject(cm.Reopen("east"), "in Deliberation only")


def test_team_commands_only_in_deliberation():
    g = Game(with_injects())
    g.reject(cm.PlaceOrder("east", "east", "drone"), "only during Deliberation (now: Briefing, turn 1)")


def test_acting_for_another_team_is_refused():
    g = deliberating()
    g.reject(cm.PlaceOrder("west", "east", "drone"), "West cannot order for East")
    g.reject(cm.Submit("facilitator", "east"), "the facilitator cannot submit for East")
    g.reject(cm.Submit("east", "nobody"), "unknown team 'nobody'")


def test_facilitator_commands_refused_for_teams():
    g = deliberating()
    g.reject(cm.Advance(actor="east"), "only the facilitator can advance")
    g.reject(cm.Override("track", 1, "x", track="trust", actor="west"), "only the facilitator")


# -- budgets ------------------------------------------------------------------------------
def test_budget_is_gdp_times_spending_split_by_default_shares():
    g = Game(with_injects())
    # east: 400 x 4 % / 100 / 4 turns x 0.5 = 2.0; west 2.0 minus 0.3 for leading south
    assert g.s.budget["east"] == (2.0, {"sustain": 1.0, "invest": 0.8, "resilience": 0.2})
    total, amounts = g.s.budget["west"]
    assert total == pytest.approx(1.7)
    assert amounts["invest"] == pytest.approx(0.68)
    assert g.s.cash == {"east": 0.8, "west": pytest.approx(0.68)}


def test_unspent_procurement_money_carries_over():
    g = deliberating()
    g.team(cm.PlaceOrder, "east", item="drone", quantity=1)  # 0.5 of 0.8
    g.team(cm.Submit, "east")
    g.to(2, "briefing")
    assert g.s.cash["east"] == pytest.approx(0.3 + 0.8)


def test_allocation_limits():
    g = deliberating()
    ok = {"sustain": 0.4, "invest": 0.5, "resilience": 0.1}
    g.reject(cm.Allocate("east", "east", {"sustain": 0.1, "invest": 0.8, "resilience": 0.1}),
             "Sustain must get between 20% and 80% of the budget (10% asked)")
    g.reject(cm.Allocate("east", "east", {"sustain": 0.5, "invest": 0.5, "resilience": 0.1}), "add up to 110%")
    g.reject(cm.Allocate("east", "east", {"sustain": 0.5, "invest": 0.5}), "missing: resilience")
    g.reject(cm.Allocate("east", "east", {**ok, "bogus": 0.0}), "unknown budget category 'bogus'")
    # invest was 40 %: it may grow by 50 % a turn, to 60 %
    g.reject(cm.Allocate("east", "east", {"sustain": 0.3, "invest": 0.7, "resilience": 0.0}),
             "at most 60% of the budget this turn (it was 40%)")
    events = g.team(cm.Allocate, "east", shares=ok)
    assert g.kinds(events) == ["allocation_set", "budget_set"]
    assert g.s.cash["east"] == pytest.approx(1.0)  # 2.0 x 50 %
    g.reject(cm.Allocate("east", "east", ok), "already split that way")


def test_invest_growth_limit_follows_the_share_at_the_start_of_the_turn():
    g = deliberating()
    g.team(cm.Allocate, "east", shares={"sustain": 0.3, "invest": 0.6, "resilience": 0.1})
    g.to(2, "deliberation")
    g.team(cm.Allocate, "east", shares={"sustain": 0.2, "invest": 0.8, "resilience": 0.0})  # 0.6 x 1.5 = 0.9 > max 0.8


def test_cutting_invest_below_what_was_spent_is_refused():
    g = deliberating()
    g.team(cm.PlaceOrder, "east", item="drone", quantity=1)  # 0.5 spent of 0.8
    g.reject(cm.Allocate("east", "east", {"sustain": 0.8, "invest": 0.1, "resilience": 0.1}),
             "already spent this turn's Invest money")
    assert g.s.cash["east"] == pytest.approx(0.3)


def test_spending_steps_limits_and_political_cost():
    g = deliberating()
    g.reject(cm.SetSpending("east", "east", "DE", 2.1), "Germany is not played by East")
    g.reject(cm.SetSpending("east", "east", "PL", 4.05), "steps of 0.1")
    g.reject(cm.SetSpending("east", "east", "PL", 4.6), "at most 0.5 % of GDP a turn: between 3.5 and 4.5")
    g.reject(cm.SetSpending("east", "east", "PL", 4.0), "already spends 4")
    events = g.team(cm.SetSpending, "east", ally="PL", spending=4.3)
    assert of(events, ev.SpendingSet)[0].steps == 3
    assert g.s.tracks["cohesion"] == pytest.approx(6 - 3 * 0.1)  # raise_effects per 0.1 step
    assert g.s.budget["east"][0] == pytest.approx(400 * 4.3 / 100 / 4 * 0.5)
    g.team(cm.SetSpending, "east", ally="PL", spending=4.5)
    g.reject(cm.SetSpending("east", "east", "PL", 4.6), "between 3.5 and 4.5")
    g.team(cm.SetSpending, "east", ally="PL", spending=4.2)
    assert g.s.tracks["trust"] == pytest.approx(5 - 3 * 0.2)  # cut_effects per step


def test_budget_effects_last_their_turns_and_move_the_money_now():
    g = Game(with_injects(I("gift", "Gift", to=("east",), turn=1,
                            effects=(E(budget="invest", team="self", add=1.0, turns=2),)),
                          I("tax", "Tax", to=("west",), turn=1, effects=(E(budget="total", add=-1.0),))))
    g.to(1, "deliberation")
    assert g.s.cash["east"] == pytest.approx(1.8)
    assert g.s.budget["west"][0] == pytest.approx(0.7)
    g.to(2, "briefing")
    assert g.s.budget["east"][1]["invest"] == pytest.approx(1.8)
    assert g.s.budget["west"][0] == pytest.approx(1.7)  # the tax was for one turn
    g.to(3, "briefing")
    assert g.s.budget["east"][1]["invest"] == pytest.approx(0.8)


def test_money_never_goes_negative_when_an_inject_cuts_a_spent_budget():
    g = Game(with_injects(I("cut", "Cut", to=("east",), reserve=True,
                            effects=(E(budget="invest", team="self", add=-5.0),))))
    g.to(1, "deliberation")
    g.team(cm.PlaceOrder, "east", item="drone", quantity=1)
    g.do(cm.FireInject("cut"))
    assert g.s.cash["east"] == 0.0
    assert g.s.budget["east"][1]["invest"] == 0.0


# -- procurement ------------------------------------------------------------------------------
def test_order_costs_are_paid_at_once_and_over_spending_is_refused():
    g = deliberating()
    reason = g.reject(cm.PlaceOrder("east", "east", "jet", 1))
    assert reason == "East cannot order 1 Jet: 2 USD bn needed, 0.8 available in Invest"
    g.reject(cm.PlaceOrder("east", "east", "drone", 5), "at most 4 Drone lot in one order")
    g.reject(cm.PlaceOrder("east", "east", "drone", 0), "at least 1")
    g.reject(cm.PlaceOrder("east", "east", "tank", 1), "unknown item 'tank'")
    events = g.team(cm.PlaceOrder, "east", item="drone", quantity=1)
    (placed,) = of(events, ev.OrderPlaced)
    assert placed.cost == 0.5 and placed.due == 1 and placed.slots == ((1, 1),)
    assert g.s.cash["east"] == pytest.approx(0.3)
    assert g.s.orders[placed.order].status == "draft"
    g.team(cm.Submit, "east")
    assert g.s.orders[placed.order].status == "ordered"


def test_production_lines_are_shared_so_queues_build_up():
    g = Game(with_injects())
    g.do(cm.Override("money", 10, "test", team="east"))
    g.do(cm.Override("money", 10, "test", team="west"))
    g.to(1, "deliberation")
    a = of(g.team(cm.PlaceOrder, "east", item="sam", quantity=2), ev.OrderPlaced)[0]
    b = of(g.team(cm.PlaceOrder, "west", item="sam", quantity=1), ev.OrderPlaced)[0]
    # lead time 2: the line makes 1 a turn from turn 3
    assert a.slots == ((3, 1), (4, 1)) and a.due == 4
    assert b.slots == ((5, 1),) and b.due == 5
    # drones: capacity 2 a turn, lead time 0
    c = of(g.team(cm.PlaceOrder, "west", item="drone", quantity=3), ev.OrderPlaced)[0]
    assert c.slots == ((1, 2), (2, 1))
    # cancelling frees the slots for the next order
    g.team(cm.CancelOrder, "east", order=a.order)
    d = of(g.team(cm.PlaceOrder, "west", item="sam", quantity=1), ev.OrderPlaced)[0]
    assert d.slots == ((3, 1),)


def test_lead_time_effects_apply_to_new_orders():
    g = Game(with_injects(I("slow", "Slow", turn=1, effects=(E(item="sam", lead_time=2),))))
    g.do(cm.Override("money", 10, "test", team="east"))
    g.to(1, "deliberation")
    placed = of(g.team(cm.PlaceOrder, "east", item="sam"), ev.OrderPlaced)[0]
    assert placed.due == 1 + 2 + 2


def test_cancel_penalty_and_free_withdrawal_of_drafts():
    g = Game(with_injects())
    g.do(cm.Override("money", 10, "test", team="east"))
    g.to(1, "deliberation")
    a = of(g.team(cm.PlaceOrder, "east", item="sam"), ev.OrderPlaced)[0]
    c = of(g.team(cm.CancelOrder, "east", order=a.order), ev.OrderCancelled)[0]
    assert c.refund == 1.0 and c.penalty == 0.0  # not yet submitted: a draft
    b = of(g.team(cm.PlaceOrder, "east", item="sam"), ev.OrderPlaced)[0]
    g.team(cm.Submit, "east")
    g.to(2, "deliberation")
    cash = g.s.cash["east"]
    c = of(g.team(cm.CancelOrder, "east", order=b.order), ev.OrderCancelled)[0]
    assert c.refund == pytest.approx(0.75) and c.penalty == pytest.approx(0.25)
    assert g.s.cash["east"] == pytest.approx(cash + 0.75)
    g.reject(cm.CancelOrder("east", "east", b.order), "cancelled already")
    g.reject(cm.CancelOrder("west", "west", b.order), "West has no order")
    g.reject(cm.CancelOrder("east", "east", "backlog-2"), "placed before the exercise")


def test_unsubmitted_orders_are_withdrawn_when_forced():
    g = deliberating()
    placed = of(g.team(cm.PlaceOrder, "east", item="drone"), ev.OrderPlaced)[0]
    events = g.advance(force=True)
    cancelled = of(events, ev.OrderCancelled)
    assert [(x.order, x.refund) for x in cancelled] == [(placed.order, 0.5)]
    assert g.s.cash["east"] == pytest.approx(0.8)
    assert g.s.orders[placed.order].status == "cancelled"


def test_deliveries_slip_on_a_recorded_roll_and_apply_effects_per_unit():
    for seed in range(40):
        g = Game(with_injects(), seed=seed)
        g.do(cm.Override("money", 10, "test", team="east"))
        g.to(1, "deliberation")
        placed = of(g.team(cm.PlaceOrder, "east", item="sam", quantity=1), ev.OrderPlaced)[0]
        drones = of(g.team(cm.PlaceOrder, "east", item="drone", quantity=2), ev.OrderPlaced)[0]
        g.team(cm.Submit, "east")
        events = g.to(1, "adjudication")
        assert of(events, ev.OrderDelivered)[0].order == drones.order
        assert g.s.team_tracks[("east", "air")] == 2 + 2 * 0.5
        events = g.to(3, "adjudication")
        (slip,) = of(events, ev.SlipRolled)
        assert slip.order == placed.order and slip.chance == 0.5
        assert slip.roll == roll(seed, slip_counter(g, slip))
        if slip.slipped:
            assert slip.due == 4 and placed.order not in [d.order for d in of(events, ev.OrderDelivered)]
            events = g.to(4, "adjudication")
            assert not of(events, ev.SlipRolled)  # one slip roll per order
            assert of(events, ev.OrderDelivered)[0].order == placed.order
            break
    else:
        pytest.fail("no seed made the order slip")


def slip_counter(g: Game, slip) -> int:
    """The roll counter when `slip` was rolled: rolls recorded before it."""
    rolled = (ev.SlipRolled, ev.InjectRolled, ev.ActionAdjudicated)
    return sum(1 for e in g.events[: g.events.index(slip)] if isinstance(e, rolled))


def test_backlog_arrives_on_its_turn_and_after_the_exercise():
    g = Game(with_injects())
    events = g.to(3, "adjudication")
    delivered = of(events, ev.OrderDelivered)
    assert [(d.order, d.team, d.item, d.turn) for d in delivered] == [("backlog-1", "west", "jet", 3)]
    g.to(4, "summary")
    assert g.s.orders["backlog-2"].status == "ordered" and g.s.orders["backlog-2"].due == 9


# -- commands (NATO structure) ------------------------------------------------------------------
def test_assign_forces_within_the_capability():
    g = deliberating()
    # east has air 2, 1 of it assigned to north at the start
    g.reject(cm.Assign("east", "east", "south", "air", 1.5), "at most 1 can go to JFC South")
    g.reject(cm.Assign("east", "east", "south", "trust", 1), "is not one of the team's capabilities")
    g.reject(cm.Assign("east", "east", "nowhere", "air", 1), "unknown command")
    g.reject(cm.Assign("east", "east", "south", "air", -1), "0 or more")
    g.team(cm.Assign, "east", command="south", capability="air", amount=1)
    assert g.s.assigned[("south", "east", "air")] == 1
    g.team(cm.Assign, "east", command="north", capability="air", amount=0)
    assert ("north", "east", "air") not in g.s.assigned


def test_take_and_hand_back_the_lead():
    g = deliberating()
    g.reject(cm.TakeLead("east", "east", "north", "DE"), "Germany is not played by East")
    g.reject(cm.TakeLead("east", "east", "south", "PL"), "led by Germany (West); West must hand it back first")
    events = g.team(cm.TakeLead, "east", command="north", ally="PL")
    assert g.kinds(events) == ["lead_taken", "track_set", "budget_set"]
    assert g.s.leads["north"] == "PL" and g.s.tracks["trust"] == 6
    assert g.s.budget["east"][0] == pytest.approx(1.5)  # lead cost 0.5 a turn
    assert g.s.used_staff("east") == 3
    g.reject(cm.HandBack("east", "east", "north"), "changed this turn already")
    g.reject(cm.HandBack("east", "east", "south"), "East does not lead JFC South")
    g.to(2, "deliberation")
    assert g.s.budget["east"][0] == pytest.approx(1.5)
    g.team(cm.HandBack, "east", command="north")
    assert g.s.leads["north"] == "US" and g.s.tracks["trust"] == 5
    # a command first led by a team's ally goes vacant when handed back
    g.team(cm.HandBack, "west", command="south")
    assert g.s.leads["south"] is None
    assert g.s.budget["west"][0] == pytest.approx(2.0)


def test_leads_need_staff_and_money():
    g = deliberating(drill(injects=(), included=(), teams=tuple(
        model.Team(t.id, t.name, t.allies, staff=2) for t in drill().teams)))
    g.reject(cm.TakeLead("east", "east", "north", "PL"), "East has 2 staff officers free; leading JFC North needs 3")
    g = deliberating()
    g.do(cm.Override("money", 0.1, "test", team="east"))  # the lead takes 0.5 x 40 % from invest
    g.reject(cm.TakeLead("east", "east", "north", "PL"), "cannot afford to lead JFC North")


def test_inject_moves_an_ally_to_another_command():
    g = Game(with_injects(I("move", "Move", turn=1, effects=(E(ally="PL", command="south"),))))
    events = g.to(1, "injects")
    assert of(events, ev.AllyMoved)[0].command == "south"
    assert g.s.ally_command["PL"] == "south"


# -- tracks ------------------------------------------------------------------------------------
def test_tracks_are_clamped():
    g = Game(with_injects(I("boom", "Boom", turn=1, effects=(E(track="cohesion", add=50),
                                                              E(track="air", team="all", add=-50)))))
    g.to(1, "injects")
    assert g.s.tracks["cohesion"] == 10
    assert g.s.team_tracks[("east", "air")] == 0 and g.s.team_tracks[("west", "air")] == 0


def test_decay_when_the_funding_category_is_under_its_floor():
    g = deliberating()
    g.team(cm.Allocate, "east", shares={"sustain": 0.25, "invest": 0.6, "resilience": 0.15})
    events = g.advance(force=True)
    decay = [e for e in of(events, ev.TrackSet) if e.cause.startswith("decay")]
    assert [(d.team, d.track, d.value) for d in decay] == [("east", "air", 1.5)]
    assert "Sustain got 25% of the budget, under its floor of 30%" in decay[0].cause


def test_threshold_crossed_once_with_its_effects():
    g = Game(with_injects(I("slap", "Slap", turn=1, effects=(E(track="trust", add=-2.5),)),
                          I("slap2", "Slap again", turn=2, effects=(E(track="trust", set=5),)),
                          I("slap3", "And again", turn=3, effects=(E(track="trust", add=-2.5),))))
    events = g.to(1, "injects")
    (crossed,) = of(events, ev.ThresholdCrossed)
    assert (crossed.track, crossed.at, crossed.label) == ("trust", 3, "Strained")
    assert g.s.tracks["cohesion"] == 5
    events = g.to(3, "injects")
    assert not of(events, ev.ThresholdCrossed)  # once only
    assert g.s.tracks["cohesion"] == 5


def test_thresholds_make_conditional_injects_eligible():
    g = Game(with_injects(I("slap", "Slap", turn=2, effects=(E(track="trust", add=-3),)),
                          I("crisis", "Crisis", condition="track.trust < 3")))
    g.to(1, "injects")
    assert "crisis" not in g.s.fired
    g.to(2, "injects")
    assert list(g.s.fired) == ["slap", "crisis"]


# -- injects -------------------------------------------------------------------------------------
def test_scheduled_inject_fires_on_its_turn_for_its_teams():
    g = Game(drill())
    events = g.to(1, "injects")
    fired = of(events, ev.InjectFired)
    assert [(f.inject, f.to) for f in fired] == [("drones", ("east",))]
    assert g.s.tracks["trust"] == 4


def test_window_injects_roll_each_turn_until_they_fire():
    counts = {"fired": 0, "rolls": []}
    for seed in range(30):
        g = Game(with_injects(I("w", "Window", window=(2, 3), chance=0.5)), seed=seed)
        g.to(4, "summary")
        rolls = [e for e in g.events if isinstance(e, ev.InjectRolled)]
        assert 1 <= len(rolls) <= 2
        assert all(r.fired == (r.roll < 0.5) for r in rolls)
        assert ("w" in g.s.fired) == rolls[-1].fired
        if len(rolls) == 2:
            assert not rolls[0].fired
        counts["fired"] += "w" in g.s.fired
    assert 10 < counts["fired"] < 30


def test_scheduled_inject_whose_condition_fails_on_its_turn_never_fires():
    g = Game(with_injects(I("c", "Cond", turn=1, condition="track.trust > 5"),
                          I("raise", "Raise", turn=2, effects=(E(track="trust", add=3),))))
    g.to(4, "summary")
    assert "c" not in g.s.fired


def test_chained_injects_wait_for_requires_then_after():
    g = Game(with_injects(I("a", "A", turn=2), I("b", "B", requires=("a",), after=1),
                          I("c", "C", requires=("a", "b")), I("d", "D", requires=("never",)),
                          I("never", "Never", reserve=True)))
    g.to(4, "summary")
    assert g.s.fired == {"a": 2, "b": 3, "c": 3}


def test_reserve_injects_fire_only_when_the_facilitator_says():
    g = Game(drill())
    g.to(2, "injects")
    assert "reserve-cyber" not in g.s.fired
    events = g.do(cm.FireInject("reserve-cyber"))
    assert of(events, ev.InjectFired)[0].by == "facilitator"
    # its effect: sustain budget -0.5 for everyone this turn
    assert g.s.budget["east"][1]["sustain"] == pytest.approx(0.5)
    g.reject(cm.FireInject("reserve-cyber"), "fired in turn 2")
    g.reject(cm.FireInject("nope"), "unknown inject 'nope'")


def test_inject_effects_on_other_injects():
    g = Game(with_injects(I("x", "X", turn=1, effects=(E(inject="r", action="fire"), E(inject="later", action="cancel"),
                                                       E(inject="held", action="enable"))),
                          I("r", "Reserve", reserve=True), I("later", "Later", turn=3),
                          I("held", "Held", turn=2)))
    g.do(cm.HoldInject("held"))
    g.to(1, "injects")
    assert g.s.inject_status == {"later": "cancelled"}  # held was released by the effect
    g.to(2, "injects")
    assert g.s.fired == {"x": 1, "r": 2, "held": 2}
    g.to(4, "summary")
    assert "later" not in g.s.fired


def test_effects_with_self_target_each_targeted_team():
    g = Game(with_injects(I("x", "X", turn=1, to=("all",), effects=(E(track="air", team="self", add=1),)),
                          I("y", "Y", turn=2, to=("west",), effects=(E(track="air", add=1),))))
    g.to(2, "injects")
    assert g.s.team_tracks[("east", "air")] == 3 and g.s.team_tracks[("west", "air")] == 5


def test_the_shake_up_inject_runs_every_kind_of_effect():
    g = Game(drill())
    g.to(3, "injects")
    assert g.s.ally_command["PL"] == "south"
    assert g.s.lead_time["sam"] == 1
    assert g.s.budget["west"][0] == pytest.approx(2.7)
    assert g.s.fire_at == {"reserve-cyber": 4}
    g.to(4, "injects")
    assert g.s.fired["reserve-cyber"] == 4
    assert g.s.budget["west"][0] == pytest.approx(2.7)  # two turns of +1


# -- decisions ------------------------------------------------------------------------------------
def test_answering_decisions():
    g = Game(drill())
    g.to(1, "deliberation")
    g.reject(cm.Answer("west", "west", "drones", "shoot"), "no decision “Drones over the border” is waiting for West")
    g.reject(cm.Answer("east", "east", "summit", "pledge"), "no decision “Summit”")  # not fired yet
    g.reject(cm.Answer("east", "east", "drones", "shot"), "no option 'shot' (did you mean 'shoot'?)")
    events = g.team(cm.Answer, "east", inject="drones", option="shoot")
    assert g.kinds(events) == ["decision_answered", "track_set"]
    assert g.s.team_tracks[("east", "air")] == 3
    g.reject(cm.Answer("east", "east", "drones", "watch"), "already answered “Drones over the border” (“Shoot them down”)")
    assert g.s.pending_decisions("east") == []


# -- free adjudication -----------------------------------------------------------------------------
def test_argued_actions_are_adjudicated_with_a_recorded_roll():
    g = deliberating()
    g.reject(cm.Argue("east", "east", "  "), "say what the team does")
    events = g.team(cm.Argue, "east", action="Close the border", result="drones stop", reasons="radars")
    aid = of(events, ev.ActionArgued)[0].action_id
    g.reject(cm.Adjudicate(aid, 40, "odds"), "likelihood is one of 10%, 30%, 50%, 70%, 90%")
    g.reject(cm.Adjudicate(aid, 90, ""), "say why")
    g.reject(cm.Adjudicate(aid, 90, "x", effects=({"track": "trsut", "add": 1},)), "unknown track 'trsut'")
    g.reject(cm.Adjudicate(aid, 90, "x", effects=({"track": "air", "bogus": 1},)), "unknown key 'bogus'")
    g.reject(cm.Adjudicate(aid, 90, "x", effects=({"track": "air", "add": float("inf")},)), "ordinary numbers")
    g.reject(cm.Adjudicate("action-9", 90, "x"), "unknown action")
    counter = g.s.rolls
    events = g.do(cm.Adjudicate(aid, 90, "strong case", effects=({"track": "air", "team": "self", "add": 2},),
                                failure_effects=({"track": "trust", "add": -1},)))
    adj = of(events, ev.ActionAdjudicated)[0]
    assert adj.roll == roll(g.s.seed, counter) and adj.success == (adj.roll < 0.9)
    if adj.success:
        assert g.s.team_tracks[("east", "air")] == 4
    else:
        assert g.s.tracks["trust"] == 4
    assert g.s.actions[aid].rationale == "strong case"
    g.reject(cm.Adjudicate(aid, 90, "again"), "adjudicated already")


# -- the facilitator ---------------------------------------------------------------------------------
def test_adhoc_inject_with_effects_and_options():
    g = deliberating()
    g.reject(cm.FireAdHoc("", "text"), "needs a title")
    g.reject(cm.FireAdHoc("X", to=("east", "all")), "stand alone")
    g.reject(cm.FireAdHoc("X", to=("nord",)), "unknown team 'nord'")
    g.reject(cm.FireAdHoc("X", to=("facilitator",), options=({"id": "a", "label": "A"},)), "cannot ask teams")
    events = g.do(cm.FireAdHoc("Port strike", "Dockers walk out", to=("west",),
                               effects=({"track": "cohesion", "add": -1},),
                               options=({"id": "pay", "label": "Pay", "effects": [{"track": "trust", "add": 1}]},
                                        {"id": "wait", "label": "Wait", "default": True})))
    assert g.kinds(events) == ["adhoc_inject", "inject_fired", "track_set"]
    assert g.s.pending_decisions("west") == ["adhoc-1"]
    g.team(cm.Answer, "west", inject="adhoc-1", option="pay")
    assert g.s.tracks["trust"] == 6


def test_hold_release_skip_delay():
    inj = (I("a", "A", turn=1), I("b", "B", turn=1), I("c", "C", turn=2), I("d", "D", window=(2, 2)))
    g = Game(with_injects(*inj), start=False)
    g.do(cm.HoldInject("a"))
    g.do(cm.SkipInject("b"))
    g.do(cm.DelayInject("c", 2))
    g.do(cm.DelayInject("d", 1))
    g.reject(cm.HoldInject("a"), "held already")
    g.reject(cm.ReleaseInject("c"), "not held")
    g.reject(cm.DelayInject("c", 0), "at least 1 turn")
    g.reject(cm.DelayInject("b", 1), "skipped")
    g.do(cm.Start())
    g.to(2, "injects")
    assert g.s.fired == {}
    g.do(cm.ReleaseInject("a"))
    g.to(4, "summary")
    # a's turn had passed when it was released: it goes out with the next injects (turn 3); b was skipped
    assert g.s.fired == {"d": 3, "a": 3, "c": 4}


def test_override_needs_a_rationale_and_respects_bounds():
    g = deliberating()
    g.reject(cm.Override("track", 3, " ", track="trust"), "needs a rationale")
    g.reject(cm.Override("track", 11, "x", track="trust"), "goes from 0 to 10")
    g.reject(cm.Override("track", 3, "x", track="air"), "a team track: name the team")
    g.reject(cm.Override("money", -1, "x", team="east"), "cannot be negative")
    g.reject(cm.Override("mood", 1, "x"), "cannot override 'mood'")
    g.do(cm.Override("track", 2.5, "the US desk is furious", track="trust"))
    assert g.s.tracks["trust"] == 2.5 and not g.s.crossed  # no knock-on effects
    g.do(cm.Override("team_track", 4, "x", track="air", team="west"))
    g.do(cm.Override("money", 3, "a donor", team="east"))
    g.do(cm.Override("spending", 5, "x", ally="PL"))
    assert g.s.team_tracks[("west", "air")] == 4 and g.s.spending["PL"] == 5
    assert g.s.budget["east"][0] == pytest.approx(2.5)
    assert g.s.cash["east"] == pytest.approx(3 + 0.2)
    assert [o.rationale for o in g.s.overrides][0] == "the US desk is furious"


def test_notes():
    g = deliberating(drill())
    g.reject(cm.AddNote(""), "empty")
    g.reject(cm.AddNote("x", rating="Q", objective="air"), "rating is one of P, S, M, U")
    g.reject(cm.AddNote("x", rating="P"), "name the objective")
    g.reject(cm.AddNote("x", inject="nope"), "unknown inject")
    g.do(cm.AddNote("Good call", tags=("air",), inject="drones", objective="air", rating="S"))
    (note,) = g.s.notes
    assert (note.turn, note.phase, note.rating) == (1, "deliberation", "S")


def test_pause_stops_teams_and_the_clock():
    g = deliberating()
    g.do(cm.Pause())
    g.reject(cm.Pause(), "already paused")
    g.reject(cm.Submit("east", "east"), "paused")
    g.reject(cm.Advance(force=True), "paused")
    g.do(cm.AddNote("during the pause"))
    g.do(cm.Resume())
    g.reject(cm.Resume(), "not paused")
    g.team(cm.Submit, "east")


def test_end_early_judges_the_outcome_with_its_reason():
    g = deliberating()
    g.team(cm.TakeLead, "east", command="north", ally="PL")
    g.do(cm.Override("track", 7, "x", track="trust"))
    events = g.do(cm.End("time is up"))
    (end,) = of(events, ev.ExerciseEnded)
    assert (end.outcome, end.early, end.note) == ("win", True, "time is up")
    assert end.reason == ("Europe-led was reached: every criterion was met:\n"
                          "- US trust: 7, needs at least 6 — met\n"
                          "- JFC North led by a player team's ally: yes — met")
    g.reject(cm.Submit("west", "west"), "has ended")
    g.do(cm.AddNote("hot wash"))  # notes are still welcome


def test_unknown_command_is_refused():
    g = Game()
    from exercise.engine import Rejected, execute

    with pytest.raises(Rejected, match="unknown command"):
        execute(g.s, object())


# -- effects typed live obey the pack rules, word for word ---------------------------------
def _pack_checker_messages(scenario, effects, label):
    """The facilitator's typed effects checked the way the pack validator reports them
    (its collector, its locator wording), for comparison with the engine's own check."""
    from pathlib import Path

    from exercise.packs.loader import Loaded
    from exercise.packs.problems import Problems, SourceFile
    from exercise.packs.validate import _Checker

    problems = Problems()
    checker = _Checker(Loaded(scenario, files=[SourceFile(Path("<typed>"), "<typed>")]), problems)
    for k, e in enumerate(effects, 1):
        checker.effect(label, str(k), (), e)
    return [p.message for p in problems.errors]


_IDS = st.sampled_from(["east", "west", "self", "all", "eats", "x", "tension", "readiness", "reddiness",
                        "defence", "total", "drone", "drones", "alpha", "north", ""]) | st.none()


@settings(max_examples=150, deadline=None)
@given(st.lists(st.builds(
    model.Effect, track=_IDS, team=_IDS, add=st.none() | st.just(1.0), set=st.none() | st.just(2.0),
    budget=_IDS, turns=st.none() | st.integers(-1, 2), item=_IDS, lead_time=st.none() | st.just(1),
    inject=_IDS, action=st.none() | st.sampled_from(["enable", "cancel", "fire"]), ally=_IDS, command=_IDS,
), max_size=3), st.sampled_from(["effect", "effect on success"]))
def test_typed_effects_are_refused_with_the_pack_validators_words(effects, label):
    from exercise.effect_rules import effect_problems

    scenario = load(MINI)
    assert effect_problems(scenario, effects, label) == _pack_checker_messages(scenario, effects, label)
