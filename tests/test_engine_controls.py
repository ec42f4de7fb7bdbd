"""The facilitator's inject controls a room can trust: unskip, a held inject released after
its turn still fires, a decision fired after teams submitted reopens their turn, and the
list of what each team loses when the facilitator forces the advance.

`Game` checks after every command that the state is the fold of its events (replay equals
live) and that every event survives a JSON round trip; the tests check it once more at the end.
"""

from __future__ import annotations

from test_engine_support import Game, drill, of, with_injects

from exercise import model
from exercise.engine import commands as cm
from exercise.engine import events as ev
from exercise.engine.flow import force_losses
from exercise.engine.injects import fire_preview

I = model.Inject
O = model.Option


def test_a_skipped_inject_can_be_brought_back_and_fires_on_its_schedule():
    g = Game(with_injects(I("b", "Bridge closed", turn=2)))
    g.reject(cm.UnskipInject("b"), "not skipped")
    g.do(cm.SkipInject("b"))
    g.reject(cm.UnskipInject("b", actor="east"), "only the facilitator")
    g.reject(cm.UnskipInject("nope"), "unknown inject")
    events = g.do(cm.UnskipInject("b"))
    assert [e.kind for e in events] == ["inject_unskipped"]
    assert "b" not in g.s.inject_status
    g.to(2, "injects")
    assert g.s.fired == {"b": 2}
    g.reject(cm.UnskipInject("b"), "fired in turn 2")
    assert g.replayed() == g.s


def test_unskipped_after_its_turn_it_is_queued_for_the_next_injects_phase():
    g = Game(with_injects(I("b", "Bridge closed", turn=1)), start=False)
    g.do(cm.SkipInject("b"))
    g.do(cm.Start())
    g.to(2, "deliberation")
    events = g.do(cm.UnskipInject("b"))
    assert [(e.kind, getattr(e, "action", None), getattr(e, "turns", None)) for e in events] == [
        ("inject_unskipped", None, None), ("inject_controlled", "queue", 3)]
    assert g.s.fire_at == {"b": 3}
    g.to(3, "injects")
    assert g.s.fired == {"b": 3}
    assert g.replayed() == g.s


def test_a_held_inject_released_after_its_turn_fires_at_the_next_injects_phase():
    g = Game(with_injects(I("a", "A", turn=1), I("w", "W", window=(1, 2)), I("later", "Later", turn=4)),
             start=False)
    for iid in ("a", "w", "later"):
        g.do(cm.HoldInject(iid))
    g.do(cm.Start())
    g.to(3, "injects")
    assert g.s.fired == {}
    events = g.do(cm.ReleaseInject("a"))  # past turn 3's briefing: turn 4's injects phase
    assert [(e.kind, e.action, e.turns) for e in events] == [("inject_controlled", "release", 0),
                                                              ("inject_controlled", "queue", 4)]
    g.do(cm.ReleaseInject("later"))  # its turn is still ahead: nothing to queue
    assert "later" not in g.s.fire_at
    g.to(4, "briefing")
    events = g.do(cm.ReleaseInject("w"))  # in the briefing: fires when this turn's injects go out
    assert of(events, ev.InjectControlled)[-1].turns == 4
    g.to(4, "injects")
    assert g.s.fired == {"a": 4, "w": 4, "later": 4}
    assert g.replayed() == g.s


def test_released_on_the_last_turn_after_its_injects_it_says_nothing_is_left_to_queue():
    g = Game(with_injects(I("a", "A", turn=1)), start=False)
    g.do(cm.HoldInject("a"))
    g.do(cm.Start())
    g.to(4, "deliberation")
    events = g.do(cm.ReleaseInject("a"))
    assert [e.kind for e in events] == ["inject_controlled"] and g.s.fire_at == {}


def _decision_scenario():
    return with_injects(
        I("vote", "Emergency vote", reserve=True, to=("east",),
          options=(O("yes", "Vote yes"), O("no", "Vote no", default=True))),
        I("news", "Press report", reserve=True, to=("all",)))


def test_a_decision_fired_after_a_team_submitted_reopens_its_turn_to_answer_it():
    g = Game(_decision_scenario())
    g.to(1, "deliberation")
    g.team(cm.PlaceOrder, "east", item="drone", quantity=1)
    g.team(cm.Submit, "east")
    g.team(cm.Submit, "west")
    [order] = [o for o in g.s.orders.values() if o.team == "east" and not o.backlog]
    preview = fire_preview(g.s, "vote")
    assert preview.to == ("East",)
    assert preview.decision and preview.reopens == preview.to
    events = g.do(cm.FireInject("vote"))
    assert [e.kind for e in events] == ["inject_fired", "decision_reopened"]
    reopened = of(events, ev.DecisionReopened)[0]
    assert (reopened.team, reopened.inject, reopened.orders) == ("east", "vote", (order.id,))
    assert "east" not in g.s.submitted and "west" in g.s.submitted  # west was not sent it
    assert g.s.orders[order.id].status == "draft"
    g.team(cm.Answer, "east", inject="vote", option="yes")  # its answer is its own, not the default
    g.team(cm.Submit, "east")
    g.advance()
    assert g.s.answers[("vote", "east")] == ("yes", False)
    assert g.replayed() == g.s


def test_firing_without_options_or_outside_deliberation_reopens_nobody():
    g = Game(_decision_scenario())
    g.to(1, "deliberation")
    g.team(cm.Submit, "east")
    assert fire_preview(g.s, "news").reopens == ()
    events = g.do(cm.FireInject("news"))
    assert "decision_reopened" not in g.kinds(events) and "east" in g.s.submitted
    g.to(1, "summary")
    assert fire_preview(g.s, "vote").reopens == ()
    events = g.do(cm.FireInject("vote"))
    assert g.kinds(events) == ["inject_fired"]  # answered in the next deliberation
    assert g.s.pending_decisions("east") == ["vote"]


def test_force_losses_name_each_team_its_open_decisions_with_defaults_and_its_draft_orders():
    g = Game(drill())
    g.to(1, "deliberation")
    assert [loss.name for loss in force_losses(g.s)] == ["East", "West"]
    g.team(cm.PlaceOrder, "east", item="drone", quantity=1)
    g.team(cm.Submit, "west")
    [east] = force_losses(g.s)
    assert east.team == "east" and not east.submitted
    assert east.decisions == (("Drones over the border", "Watch"),)
    assert east.drafts == (("Drone lot", 1, 0.5),)
    g.team(cm.Submit, "east")  # without answering: the default still applies, and it says so
    [east] = force_losses(g.s)
    assert east.submitted and east.drafts == () and east.decisions == (("Drones over the border", "Watch"),)


# -- refusals name injects by title; effects share the facilitator's rescheduling ----------------
E = model.Effect


def test_no_refusal_of_the_inject_controls_names_an_inject_by_its_id():
    ids = ("us-midpoint-review", "rail-blast-east")
    g = Game(with_injects(I(ids[0], "Midpoint review", turn=1), I(ids[1], "Rail blast", turn=3)), start=False)
    reasons = [g.reject(cm.ReleaseInject(ids[0]), "not held"),
               g.reject(cm.UnskipInject(ids[0]), "not skipped"),
               g.reject(cm.DelayInject(ids[0], turns=0))]
    g.do(cm.HoldInject(ids[0]))
    reasons.append(g.reject(cm.HoldInject(ids[0]), "held already"))
    g.do(cm.SkipInject(ids[1]))
    reasons += [g.reject(cm.SkipInject(ids[1]), "skipped already"),
                g.reject(cm.DelayInject(ids[1], turns=1), "nothing to delay"),
                g.reject(cm.HoldInject(ids[1]), "skipped already")]
    g.do(cm.Start())
    g.to(1, "deliberation")
    g.do(cm.FireInject(ids[1]))
    for c in (cm.FireInject, cm.HoldInject, cm.ReleaseInject, cm.SkipInject, cm.UnskipInject):
        reasons.append(g.reject(c(ids[1]), "fired in turn 1"))
    g.do(cm.FireAdHoc(title="Press leak", text="", to=("all",)))
    [adhoc] = g.s.adhoc
    reasons += [g.reject(c(adhoc), "typed during the exercise") for c in (cm.HoldInject, cm.SkipInject)]
    for reason in reasons:
        assert not any(i in reason for i in (*ids, adhoc)), reason
    assert "“Midpoint review”" in reasons[0] and "“Rail blast”" in reasons[-3]


def test_a_held_inject_released_by_an_effect_after_its_turn_is_queued_like_a_facilitator_release():
    g = Game(with_injects(I("a", "A", turn=1), I("later", "Later", turn=4),
                          I("go", "Go", turn=3, effects=(E(inject="a", action="enable"),
                                                          E(inject="later", action="enable")))), start=False)
    g.do(cm.HoldInject("a"))
    g.do(cm.HoldInject("later"))
    g.do(cm.Start())
    events = g.to(3, "injects")
    queued = [e for e in of(events, ev.InjectControlled) if e.action == "queue"]
    assert [(e.inject, e.turns) for e in queued] == [("a", 4)]  # "later" is still ahead of it
    assert "“Go”" in queued[0].cause and "a" not in g.s.inject_status
    g.to(4, "injects")
    assert g.s.fired == {"go": 3, "a": 4, "later": 4}
    assert g.replayed() == g.s


def test_an_effect_enabling_a_held_reserve_inject_enables_it():
    g = Game(with_injects(I("r", "Reserve", reserve=True), I("go", "Go", turn=2, effects=(E(inject="r", action="enable"),))),
             start=False)
    g.do(cm.HoldInject("r"))
    g.do(cm.Start())
    g.to(2, "injects")
    assert g.s.inject_status.get("r") == "enabled"
    g.to(3, "injects")
    assert g.s.fired == {"go": 2, "r": 3}
    assert g.replayed() == g.s


def test_unskipping_a_reserve_inject_an_effect_enabled_enables_it_again():
    g = Game(with_injects(I("r", "Reserve", reserve=True), I("go", "Go", turn=1, effects=(E(inject="r", action="enable"),)),
                          I("h", "Held", turn=4)))
    g.to(1, "deliberation")  # "go" fired at turn 1: "r" is enabled, to go out next injects phase
    assert g.s.inject_status["r"] == "enabled"
    g.do(cm.SkipInject("r"))
    g.do(cm.HoldInject("h"))
    g.do(cm.SkipInject("h"))
    events = g.do(cm.UnskipInject("r"))
    assert of(events, ev.InjectUnskipped)[0].status == "enabled" and g.s.inject_status["r"] == "enabled"
    g.do(cm.UnskipInject("h"))
    assert g.s.inject_status["h"] == "held"  # back to what the skip replaced
    assert g.s.skipped_from == {}
    g.to(2, "injects")
    assert "r" in g.s.fired and "h" not in g.s.fired
    assert g.replayed() == g.s


def test_an_old_skip_without_its_previous_status_replays_as_before():
    old = ev.from_dict({"kind": "inject_controlled", "inject": "r", "action": "skip", "turns": 0, "cause": "facilitator"})
    back = ev.from_dict({"kind": "inject_unskipped", "inject": "r", "turn": 1, "cause": "facilitator"})
    assert old.was == "" and back.status == ""
    g = Game(with_injects(I("r", "Reserve", reserve=True)))
    from exercise.engine.apply import replay
    s = replay(g.s, [ev.InjectControlled("r", "enable"), old, back])
    assert "r" not in s.inject_status and s.skipped_from == {}  # the plain schedule, as old saves had it
