"""Open and secret argued actions: counter-arguments from the other teams and the red cell,
who sees what (views and event streams), replay, and old saves staying as they were."""

from __future__ import annotations

import json

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import FIXTURES, load_fixture
from test_engine_support import Game, drill, of

from exercise.engine import commands as cm
from exercise.engine import events as ev
from exercise.engine import facilitator_view, from_dict, player_view, red_view, replay, to_dict, visible_events
from exercise.engine.view_json import unstructure
from exercise.net import protocol as p
from exercise.session import state_hash

RED = FIXTURES / "red" / "scenarios" / "red.toml"


def red_game(seed: int = 7) -> Game:
    g = Game(load_fixture(RED).scenario, seed=seed)
    g.to(1, "deliberation")
    return g


def argued(g: Game, team: str, open: bool, action: str = "Close the border") -> str:
    (e,) = of(g.team(cm.Argue, team, action=action, result="fewer drones", reasons="public pressure", open=open),
              ev.ActionArgued)
    assert e.open is open
    return e.action_id


# -- the rule -------------------------------------------------------------------------------
def test_another_team_and_the_red_cell_counter_an_open_action():
    g = red_game()
    aid = argued(g, "east", open=True)
    (c,) = g.do(cm.CounterArgue("west", aid, "their border guards are stretched thin", team="west"))
    assert (c.by, c.by_name, c.reasons, c.turn) == ("west", "West", "their border guards are stretched thin", 1)
    (r,) = g.do(cm.CounterArgue("russia", aid, "we will flood them with migrants"))  # red's own seat
    assert (r.by, r.by_name) == ("russia", "Russia")
    act = g.s.actions[aid]
    assert [(x.by, x.reasons) for x in act.counters] == [("west", "their border guards are stretched thin"),
                                                        ("russia", "we will flood them with migrants")]
    assert g.replayed() == g.s


def test_the_facilitator_counter_argues_as_the_red_cell():
    g = red_game()
    aid = argued(g, "east", open=True)
    (r,) = g.do(cm.CounterArgue(cm.FACILITATOR, aid, "a hybrid campaign"))
    assert r.by == "russia" and r.by_name == "Russia"
    # one counter-argument per party: red's seat cannot post a second one
    g.reject(cm.CounterArgue("russia", aid, "again"), "Russia has already counter-argued")


@pytest.mark.parametrize("command, words", [
    (cm.CounterArgue("east", "ACTION", "why not", team="east"), "East argued “Close the border” itself"),
    (cm.CounterArgue("west", "ACTION", "  ", team="west"), "say why the action would not work"),
    (cm.CounterArgue("west", "ACTION", "why", team="east"), "West cannot counter-argue an action for East"),
    (cm.CounterArgue(cm.FACILITATOR, "ACTION", "why", team="west"), "the facilitator cannot counter-argue"),
    (cm.CounterArgue("nobody", "ACTION", "why"), "'nobody' is neither a team nor the red cell"),
    (cm.CounterArgue("west", "action-nope", "why", team="west"), "there is no open argued action 'action-nope'"),
])
def test_refusals_say_why(command, words):
    g = red_game()
    aid = argued(g, "east", open=True)
    g.reject(attrs.evolve(command, action=aid) if command.action == "ACTION" else command, words)


def test_a_secret_action_cannot_be_countered_and_is_not_said_to_exist():
    g = red_game()
    secret = argued(g, "east", open=False)
    for command in (cm.CounterArgue("west", secret, "why", team="west"), cm.CounterArgue("russia", secret, "why")):
        reason = g.reject(command, "there is no open argued action")
        assert "Close the border" not in reason and "East" not in reason


def test_counters_only_while_the_action_waits_in_its_turns_deliberation():
    g = red_game()
    aid = argued(g, "east", open=True)
    g.do(cm.CounterArgue("west", aid, "first", team="west"))
    g.reject(cm.CounterArgue("west", aid, "second", team="west"), "West has already counter-argued")
    g.do(cm.Submit("west", "west"))
    g.reject(cm.CounterArgue("west", aid, "x", team="west"), "West has already submitted")
    g.do(cm.Pause())
    g.reject(cm.CounterArgue("russia", aid, "x"), "the exercise is paused")
    g.do(cm.Resume())
    late = argued(g, "east", open=True, action="Patrol")
    g.do(cm.Adjudicate(late, 70, "plausible"))
    g.reject(cm.CounterArgue("russia", late, "x"), "was adjudicated already (70 % likely")
    g.advance(force=True)  # adjudication phase
    g.reject(cm.CounterArgue("russia", aid, "x"), "only during Deliberation (now: Adjudication, turn 1)")
    g.to(2, "deliberation")
    g.reject(cm.CounterArgue("russia", aid, "x"), "was argued in turn 1")


def test_without_a_red_cell_the_facilitator_is_told_so():
    g = Game(drill())
    g.to(1, "deliberation")
    aid = argued(g, "east", open=True)
    g.reject(cm.CounterArgue(cm.FACILITATOR, aid, "why"), "this scenario has no red cell")


def test_counter_arguments_are_free_text_within_the_limit():
    g = red_game()
    aid = argued(g, "east", open=True)
    g.reject(cm.CounterArgue("west", aid, "x" * (cm.MAX_TEXT + 1), team="west"), "the counter-argument is too long")
    assert cm.TEXT_LIMITS[("counter_argue", "reasons")] == cm.MAX_TEXT


# -- old saves ------------------------------------------------------------------------------
def test_a_secret_argument_is_journaled_and_hashed_as_before():
    """The same command and events as before open arguments: the journal's bytes and the state
    hash are those the code before them made (pinned from it)."""
    g = Game(drill(), seed=11)
    g.to(1, "deliberation")
    events = g.team(cm.Argue, "east", action="Close the border", result="fewer drones", reasons="pressure")
    assert "open" not in to_dict(cm.Argue("east", "east", "Close the border"))
    assert json.dumps([to_dict(e) for e in events]) == (
        '[{"kind": "action_argued", "action_id": "action-east-1", "team": "east", "turn": 1, "action": '
        '"Close the border", "result": "fewer drones", "reasons": "pressure"}]')
    g.do(cm.Adjudicate(events[0].action_id, 70, "plausible"))
    assert state_hash(g.s) == "4932153aa1df26ce"
    old = {"kind": "action_argued", "action_id": "a", "team": "east", "turn": 1, "action": "x", "result": "",
           "reasons": ""}
    assert from_dict(old).open is False  # an old journal's event reads as secret


def test_an_open_argument_is_journaled_and_replayed():
    g = red_game()
    aid = argued(g, "east", open=True)
    g.do(cm.CounterArgue("west", aid, "no", team="west"))
    assert to_dict(of(g.events, ev.ActionArgued)[0])["open"] is True
    g.do(cm.Adjudicate(aid, 30, "the counter-argument holds"))
    again = replay(g.initial, [from_dict(json.loads(json.dumps(to_dict(e)))) for e in g.events])
    assert again == g.s and state_hash(again) == state_hash(g.s)
    fa = next(a for a in facilitator_view(g.s).actions if a.id == aid)
    assert fa.open and [c.by_name for c in fa.counters] == ["West"]


# -- who sees what ------------------------------------------------------------------------------
def test_views_of_an_open_action():
    g = red_game()
    aid = argued(g, "east", open=True)
    g.do(cm.CounterArgue("west", aid, "stretched thin", team="west"))
    west = player_view(g.s, "west")
    (o,) = west.open_actions
    assert (o.id, o.team_name, o.action, o.likelihood, o.roll, o.success, o.rationale) == (
        aid, "East", "Close the border", None, None, None, "")
    assert [c.reasons for c in o.counters] == ["stretched thin"]
    east = player_view(g.s, "east")
    assert east.open_actions == ()  # its own is in me.actions
    (mine,) = east.me.actions
    assert mine.open and [c.by_name for c in mine.counters] == ["West"]
    assert [a.id for a in red_view(g.s).open_actions] == [aid]
    g.do(cm.Adjudicate(aid, 70, "SEEN-RATIONALE"))
    (o,) = player_view(g.s, "west").open_actions
    act = g.s.actions[aid]
    assert (o.likelihood, o.roll, o.success, o.rationale) == (70, act.roll, act.success, "SEEN-RATIONALE")
    (r,) = red_view(g.s).open_actions
    assert r.rationale == "SEEN-RATIONALE" and r.roll == act.roll


def test_event_streams_of_open_and_secret_actions():
    g = red_game()
    told = lambda viewer, events: [d["kind"] for d in visible_events(g.s, viewer, events)]
    opened = g.team(cm.Argue, "east", action="Open", open=True)
    assert told("west", opened) == told("russia", opened) == told("east", opened) == ["action_argued"]
    assert visible_events(g.s, "west", opened)[0]["open"] is True
    aid = opened[0].action_id
    countered = g.do(cm.CounterArgue("russia", aid, "no"))
    assert told("west", countered) == told("east", countered) == ["action_countered"]
    judged = g.do(cm.Adjudicate(aid, 50, "why"))
    (d,) = [x for x in visible_events(g.s, "west", judged) if x["kind"] == "action_adjudicated"]
    assert set(d) == {"kind", "action_id", "likelihood", "roll", "success", "rationale", "turn"}
    secret = g.team(cm.Argue, "east", action="Secret")
    assert told("west", secret) == told("russia", secret) == [] and told("east", secret) == ["action_argued"]
    assert visible_events(g.s, "east", secret)[0]["open"] is False
    judged = g.do(cm.Adjudicate(secret[0].action_id, 50, "why"))
    assert "action_adjudicated" not in told("west", judged) + told("russia", judged)


# -- the privacy property: a secret argument never reaches another seat ------------------------------
@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32), plan=st.lists(st.tuples(st.sampled_from(["east", "west"]), st.booleans(),
                                                            st.sampled_from(["counter", "red", "judge", "none"])),
                                                  min_size=1, max_size=6))
def test_secret_arguments_stay_secret_and_open_ones_reach_every_seat(seed, plan):
    g = red_game(seed)
    batches: list[list] = []
    for n, (team, is_open, then) in enumerate(plan):
        mark = f"{'OPEN' if is_open else 'SECRET'}-{n}-{team}"
        events = g.team(cm.Argue, team, action=f"{mark}-ACTION", result=f"{mark}-RESULT", reasons=f"{mark}-REASONS",
                        open=is_open)
        batches.append(events)
        aid = events[0].action_id
        other = "west" if team == "east" else "east"
        for command in {"counter": (cm.CounterArgue(other, aid, f"{mark}-COUNTER", team=other),),
                        "red": (cm.CounterArgue("russia", aid, f"{mark}-COUNTER"),),
                        "judge": (cm.Adjudicate(aid, 50, f"{mark}-RATIONALE"),), "none": ()}[then]:
            if is_open or command.kind == "adjudicate":
                batches.append(g.do(command))
    for viewer in ("east", "west", "russia"):
        view = player_view(g.s, viewer) if viewer != "russia" else red_view(g.s)
        seen = json.dumps(unstructure(view)) + json.dumps(
            [d for b in batches for d in visible_events(g.s, viewer, b)])
        for n, (team, is_open, then) in enumerate(plan):
            mark = f"{'OPEN' if is_open else 'SECRET'}-{n}-{team}"
            if team == viewer:
                assert f"{mark}-ACTION" in seen
                continue
            for part in ("ACTION", "RESULT", "REASONS", "COUNTER", "RATIONALE"):
                present = f"{mark}-{part}" in seen
                expected = is_open and (part in ("ACTION", "RESULT", "REASONS") or
                                        (part == "COUNTER" and then in ("counter", "red")) or
                                        (part == "RATIONALE" and then == "judge"))
                assert present == expected, (viewer, mark, part)


# -- over the protocol ------------------------------------------------------------------------------
def test_a_team_sends_counter_argue_as_itself():
    assert "counter_argue" in p.TEAM_KINDS
    command = p.command_for({"kind": "counter_argue", "action": "action-east-1", "reasons": "no"}, "team", "west")
    assert command == cm.CounterArgue("west", "action-east-1", "no", team="west")
    with pytest.raises(p.Refused, match="acts for west only"):
        p.command_for({"kind": "counter_argue", "action": "a", "reasons": "no", "team": "east"}, "team", "west")
    g = red_game()
    aid = argued(g, "east", open=True)
    body = p.command_for({"kind": "counter_argue", "action": aid, "reasons": "no"}, "team", "west")
    assert of(g.do(body), ev.ActionCountered)[0].by == "west"
    argue = p.command_for({"kind": "argue", "action": "x", "open": True}, "team", "west")
    assert argue.open is True


# -- the turn log and the after-action report -------------------------------------------------------
def test_the_turn_log_and_the_report_tell_an_open_argument_and_its_counters(tmp_path):
    from exercise.debrief import markdown, record
    from exercise.debrief.report import build
    from exercise.session import Session

    loaded = load_fixture(RED)
    s = Session.create(loaded.scenario, loaded.texts, tmp_path / "args", name="Args", seed=7)
    s.execute(cm.Start())
    while s.state.phase != "deliberation":
        s.execute(cm.Advance())
    s.execute(cm.Argue("east", "east", "Close the border", "fewer drones", "public pressure", open=True))
    s.execute(cm.Argue("east", "east", "Quiet talks", "a deal", "back channel"))
    opened, secret = list(s.state.actions)
    s.execute(cm.CounterArgue("west", opened, "their guards are stretched thin", team="west"))
    s.execute(cm.CounterArgue(cm.FACILITATOR, opened, "we will flood them"))
    s.execute(cm.Adjudicate(opened, 30, "the counters hold"))
    s.execute(cm.Adjudicate(secret, 50, "maybe"))
    while s.state.turn < 2:
        s.execute(cm.Advance(force=True) if s.state.phase == "deliberation" else cm.Advance())
    log = (s.folder / "turns" / "turn-01.md").read_text()
    section = log.split("## Adjudication")[1].split("\n## ")[0]
    lines = [x for x in section.splitlines() if x.strip()]
    first = next(i for i, x in enumerate(lines) if "Close the border" in x)
    assert "(argued open to the other teams and the red cell)" in lines[first]
    assert lines[first + 1] == "  - counter-argued by West: their guards are stretched thin"
    assert lines[first + 2] == "  - counter-argued by Russia: we will flood them"
    assert lines[first + 3].startswith("  - adjudicated: rolled") and "Rationale: the counters hold" in lines[first + 3]
    quiet = next(x for x in lines if "Quiet talks" in x)
    assert "open" not in quiet and "Rationale: maybe" in quiet  # a secret one: one line, as before
    s.close()
    text = markdown.render(build(record.load(s.folder)))
    argued = text.index("East argues (open to the other teams and the red cell): Close the border")
    west = text.index("West counter-argues East's action \"Close the border\": their guards are stretched thin")
    red = text.index("Russia counter-argues East's action \"Close the border\": we will flood them")
    judged = text.index("Adjudicated East's action \"Close the border\"")
    assert argued < west < red < judged
