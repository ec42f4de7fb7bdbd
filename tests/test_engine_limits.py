"""Limits on what one command may hold, how much one team can pile up, and ids that say
nothing about other teams (issue 11: one team must not exhaust the server)."""

from __future__ import annotations

import attrs
import pytest
from test_engine_support import Game, drill, of, with_injects

from exercise.engine import commands as cm
from exercise.engine import events as ev
from exercise.engine import facilitator_view, player_view
from exercise.engine.apply import replay


def deliberating() -> Game:
    g = Game(with_injects())
    g.to(1, "deliberation")
    return g


def _filler(tp: str):
    """A value of a command field's type that passes the limits."""
    if tp.startswith("str"):
        return "x"
    if tp.startswith("int"):
        return 1
    if tp.startswith("float"):
        return 1.0
    if tp.startswith("bool"):
        return False
    if tp.startswith("tuple"):
        return ()
    return {}


def _command(kind: str, **given):
    cls = cm.COMMANDS[kind]
    kw = {a.name: _filler(str(a.type)) for a in attrs.fields(cls) if a.default is attrs.NOTHING}
    return cls(**{**kw, **given})


@pytest.mark.parametrize("kind,field", sorted(cm.TEXT_LIMITS))
def test_every_string_field_of_every_command_has_a_limit_the_engine_enforces(kind, field):
    limit = cm.TEXT_LIMITS[(kind, field)]
    assert limit in (cm.MAX_NAME, cm.MAX_TEXT)
    cm.check_limits(_command(kind, **{field: "y" * limit}))  # at the limit: fine
    with pytest.raises(cm.Rejected) as info:
        cm.check_limits(_command(kind, **{field: "y" * (limit + 1)}))
    assert f"{limit + 1:,} characters, at most {limit:,}; shorten it" in info.value.reason


def test_a_60_kb_argued_action_is_refused_with_a_reason_and_changes_nothing():
    g = deliberating()
    reason = g.reject(cm.Argue("east", "east", "a" * 20_000, "b", "c"), "too long")
    assert reason == "the action is too long: 20,000 characters, at most 4,000; shorten it"
    g.reject(cm.Argue("east", "east", "a", "b", "c" * 4_001), "the reasons is too long")
    g.team(cm.Argue, "east", action="a" * 4_000, result="b" * 4_000, reasons="c" * 4_000)


def test_lists_and_nested_effects_are_bounded():
    g = deliberating()
    g.reject(cm.AddNote("x", tags=("t",) * (cm.MAX_ENTRIES + 1)), f"tags has 51 entries, at most {cm.MAX_ENTRIES}")
    g.reject(cm.FireAdHoc("t", effects=({"track": "x" * (cm.MAX_TEXT + 1)},)), "a text in effects is too long")
    g.reject(cm.FireAdHoc("t", options=({"id": "a", "label": ["l"] * 51},)), "options has 51 entries")
    deep: list = []
    for _ in range(20):
        deep = [deep]
    g.reject(cm.FireAdHoc("t", effects=({"x": deep},)), "nested too deep")


def test_a_team_has_at_most_so_many_argued_actions_waiting():
    g = deliberating()
    for i in range(cm.MAX_OPEN_ACTIONS):
        g.team(cm.Argue, "east", action=f"act {i}")
    reason = g.reject(cm.Argue("east", "east", "one more"), "waiting for the facilitator")
    assert f"{cm.MAX_OPEN_ACTIONS} argued actions" in reason
    g.team(cm.Argue, "west", action="another team is not held back")
    g.do(cm.Adjudicate("action-east-1", 50, "fair"))
    g.team(cm.Argue, "east", action="one more, now that one was adjudicated")


def test_a_team_places_at_most_so_many_orders_a_turn_withdrawn_ones_included():
    g = Game(drill())
    g.to(1, "deliberation")
    for _ in range(cm.MAX_ORDERS_PER_TURN):
        oid = of(g.team(cm.PlaceOrder, "east", item="drone", quantity=1), ev.OrderPlaced)[0].order
        g.team(cm.CancelOrder, "east", order=oid)
    g.reject(cm.PlaceOrder("east", "east", "drone", 1), "orders this turn")
    g.team(cm.PlaceOrder, "west", item="drone", quantity=1)
    assert len(g.s.orders) - len(g.scenario.backlog) == cm.MAX_ORDERS_PER_TURN + 1
    # the view lists the newest cancelled orders only, and counts the rest
    me = player_view(g.s, "east").me
    cancelled = [o.id for o in me.orders if o.status == "cancelled"]
    assert len(cancelled) == cm.MAX_VIEW_CANCELLED and me.orders_hidden == cm.MAX_ORDERS_PER_TURN - cm.MAX_VIEW_CANCELLED
    assert cancelled[-1] == f"order-east-{cm.MAX_ORDERS_PER_TURN}"
    assert len(facilitator_view(g.s).teams_private["east"].orders) == len(me.orders)


def _west_ids(east_moves: int) -> tuple[list, list]:
    g = Game(drill())
    g.to(1, "deliberation")
    for i in range(east_moves):
        oid = of(g.team(cm.PlaceOrder, "east", item="drone", quantity=1), ev.OrderPlaced)[0].order
        g.team(cm.CancelOrder, "east", order=oid)
        g.team(cm.Argue, "east", action=f"east {i}")
    g.team(cm.PlaceOrder, "west", item="drone", quantity=1)
    g.team(cm.Argue, "west", action="west")
    me = player_view(g.s, "west").me
    return [o.id for o in me.orders if not o.backlog], [a.id for a in me.actions]


def test_the_ids_a_team_sees_do_not_depend_on_what_other_teams_did():
    quiet = _west_ids(0)
    assert quiet == _west_ids(3)
    assert quiet == (["order-west-1"], ["action-west-1"])


def test_an_old_save_with_global_ids_replays_and_new_ids_do_not_collide():
    g = deliberating()
    # what a save made before per-team ids holds: global counters
    old = [ev.ActionArgued("action-1", "west", 1, "old", "", ""), ev.ActionArgued("action-2", "east", 1, "old", "", ""),
           ev.ActionArgued("action-east-2", "east", 1, "an id the new numbering would pick", "", "")]
    g.events.extend(old)
    g.state = g.replayed()
    assert sorted(g.s.actions) == ["action-1", "action-2", "action-east-2"]
    aid = of(g.team(cm.Argue, "east", action="new"), ev.ActionArgued)[0].action_id
    assert aid == "action-east-3" and len(g.s.actions) == 4
    assert replay(g.initial, g.events) == g.state


def test_dialog_inputs_stop_at_the_engines_text_limit():
    from exercise.tui import modals

    assert modals.MAX_TEXT == cm.MAX_TEXT
