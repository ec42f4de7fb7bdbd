"""Updates as patches (protocol 4): a seat is sent what changed in its view, never what
did not, in frames of at most about MAX_FRAME; a client that applies them holds exactly
the view a fresh snapshot gives, and one that cannot (a gap) asks for a snapshot."""

from __future__ import annotations

import asyncio
import json
import random

from hypothesis import example, given, settings
from hypothesis import strategies as st
from support import raw, started, stop_all, wait_for

from exercise.engine import commands as cm
from exercise.engine import seats
from exercise.engine.view_json import unstructure
from exercise.net import protocol as p
from exercise.net.client import Client
from exercise.net.server import _view_key

_json = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.sampled_from("abcde"), inner, max_size=5),
    max_leaves=30)
_views = st.dictionaries(st.sampled_from(["me", "injects", "turn", "notes", "x"]), _json, max_size=5)


@settings(max_examples=300, deadline=None)
@given(_views, _views)
@example({"me": {"d": [None, ["", False, ""]]}}, {"me": {"d": [None, ["", 0, ""]]}})  # False == 0
@example({"x": [1, {"a": True}]}, {"x": [1.0, {"a": 1}]})
def test_a_patch_turns_any_view_into_any_other_and_leaves_the_old_one_alone(old, new):
    def text(x):  # keys in any order (a view is read by name), types exact (1 is not true)
        return json.dumps(x, sort_keys=True)

    before = text(old)
    ops = p.diff(old, new)
    assert text(p.patched(old, ops)) == text(new)
    assert text(old) == before  # the client's last view is shared with its screens
    assert (ops == []) == (text(old) == text(new))


@settings(max_examples=100, deadline=None)
@given(_views, _views, st.integers(20, 400))
def test_views_and_patches_split_into_frames_come_back_whole(old, new, limit):
    def receive(frames: list[str], view: dict) -> dict:
        for i, frame in enumerate(frames):
            msg = json.loads(frame)
            assert msg["type"] == ("parts" if i else msg["type"]) and bool(msg.get("more")) == (i < len(frames) - 1)
            view = p.patched(msg.get("view", view) if i == 0 else view, msg.get("patch", []))
        return view

    assert receive(p.snapshot_frames(3, new, limit), {}) == new
    assert receive(p.update_frames(4, 3, [], p.diff(old, new), limit), old) == new


def test_a_frame_is_split_at_the_limit_but_for_one_item_bigger_than_it():
    view = {"inbox": [{"id": str(i), "text": "x" * 300} for i in range(20)], "turn": 1}
    frames = p.snapshot_frames(1, view, 1000)
    assert len(frames) > 5 and all(len(f) <= 1000 for f in frames)
    big = {"inbox": [{"text": "y" * 5000}]}
    assert len(max(p.snapshot_frames(1, big, 1000), key=len)) > 5000  # sent whole: a client takes it


def test_an_inject_already_held_is_not_sent_again():
    old = {"me": {"inbox": [{"id": "a", "text": "Long text A"}], "money": 5}, "catalogue": [{"id": "sam"}]}
    new = {"me": {"inbox": [{"id": "a", "text": "Long text A"}, {"id": "b", "text": "Text B"}], "money": 4},
           "catalogue": [{"id": "sam"}]}
    text = "".join(p.update_frames(2, 1, [], p.diff(old, new)))
    assert "Text B" in text and "Long text A" not in text and "sam" not in text


def _data(view) -> dict:
    return json.loads(json.dumps(unstructure(view), default=str))


async def test_every_seat_holds_the_fresh_view_after_each_command_of_a_played_turn(served, monkeypatch):
    """Snapshot + patches == a fresh snapshot, for every kind of seat, after each command of a
    random played sequence; frames kept small so that views and patches come in parts."""
    monkeypatch.setattr(p, "MAX_FRAME", 3000)
    s, tokens, server, url = served
    added = [server.add_seat(role, name, scope)[0] for role, name, scope in
             (("controller", "Carla", ("east",)), ("evaluator", "Eve", ()), ("wall", "Wall", ()))]
    tok = {e.seat.id: e.token for e in server.tokens.live()}
    who = [(seats.team_seat(s.state, "east"), tokens.teams["east"]), (seats.team_seat(s.state, "west"), tokens.teams["west"]),
           (seats.facilitator_seat(), tokens.facilitator)] + [(seat, tok[seat.id]) for seat in added]
    clients = [Client(url, token) for _seat, token in who]
    tasks = [await started(c) for c in clients]
    rng = random.Random(18)
    moves = [lambda: cm.PlaceOrder("east", "east", "sam", rng.randint(1, 2)),
             lambda: cm.PlaceOrder("west", "west", "sam", 1),
             lambda: cm.Answer("east", "east", "drones", rng.choice(["shoot", "watch"])),
             lambda: cm.FireAdHoc(title=f"Flash {rng.random():.3f}", text="News.", to=(rng.choice(["east", "all"]),)),
             lambda: cm.FireAdHoc(title=f"Ask {rng.random():.3f}", text="Which?", to=(rng.choice(["east", "all"]),),
                                  options=({"id": "yes", "label": "Yes"}, {"id": "no", "label": "No"})),
             lambda: cm.Answer("east", "east", rng.choice(s.state.pending_decisions("east") or ["none"]),
                               rng.choice(["yes", "no"])),
             lambda: cm.AddNote(f"note {rng.random():.3f}", team=rng.choice([None, "west"])),
             lambda: cm.Argue("west", "west", "Plan Zebra", "win", "because"),
             lambda: cm.Advance(force=True)]
    try:
        for _ in range(40):
            try:
                s.execute(rng.choice(moves)())
            except Exception:  # refused by the engine: nothing changed, nothing sent
                continue
            ledger = s.ledger()
            fresh = [_data(seats.view_for(seat, s.state, ledger)) for seat, _t in who]
            await wait_for(lambda fresh=fresh: [c.view for c in clients] == fresh, what="every seat's view as a snapshot gives it")
            assert all(c.connections == 1 for c in clients)  # by patches, not by reconnecting
            # and the view the server keeps for each kind (the next patch is from it, a terminal
            # joining is sent it) is the fresh one, byte for byte (a team's is patched, not built)
            kept = [server._kinds[_view_key(seat)].data for seat, _t in who]
            assert [p.dumps(k) for k in kept] == [p.dumps(f) for f in fresh]
    finally:
        await stop_all(clients, tasks)


async def test_a_seat_is_sent_nothing_when_nothing_it_sees_changed(served):
    s, tokens, server, url = served
    east = await raw(url, tokens.teams["east"])
    s.execute(cm.AddNote("the white cell's own note"))  # no team sees notes
    s.execute(cm.FireAdHoc(title="To east", text="Only east reads this.", to=("east",)))
    msg = json.loads(await asyncio.wait_for(east.recv(), 5))
    assert msg["type"] == "update" and msg["seq"] == len(s.records)  # the note's was not sent
    frame = json.dumps(msg)
    assert "Only east reads this." in frame
    assert "catalogue" not in frame and "briefing" not in frame  # unchanged parts are not sent again
    s.execute(cm.FireAdHoc(title="Again", text="A second one.", to=("east",)))
    frame = await asyncio.wait_for(east.recv(), 5)
    assert "A second one." in frame and "Only east reads this." not in frame
    await east.close()


def test_a_client_given_a_patch_of_a_view_it_does_not_hold_asks_for_a_snapshot():
    c = Client("ws://unused", "t")
    c._receive(json.dumps({"type": "snapshot", "seq": 5, "view": {"turn": 1}}))
    c._receive(json.dumps({"type": "update", "seq": 9, "base": 7, "events": [],
                           "patch": [{"at": ["turn"], "set": 2}]}))
    assert c.view == {"turn": 1} and c.seq == 5 and c._resync == "ask"
    c._receive(json.dumps({"type": "update", "seq": 10, "base": 9, "events": [], "patch": []}))
    assert c.seq == 5  # dropped until the snapshot
    c._receive(json.dumps({"type": "snapshot", "seq": 10, "view": {"turn": 2}}))
    c._receive(json.dumps({"type": "update", "seq": 11, "base": 10, "events": [{"kind": "x"}],
                           "patch": [{"at": ["turn"], "set": 3}]}))
    assert c.view == {"turn": 3} and c.seq == 11 and not c._resync and c.events == [{"kind": "x"}]
    c._receive(json.dumps({"type": "update", "seq": 12, "base": 11, "events": [],
                           "patch": [{"at": ["nope", 3], "set": 1}]}))  # does not fit: resync
    assert c.view == {"turn": 3} and c._resync == "ask"


async def test_commands_sent_together_build_each_view_once_and_end_in_the_fresh_view(served, monkeypatch):
    """Coalescing: N commands arriving together are each journaled and answered, but each
    kind of seat's view is built for the burst, not N times; every result follows the update
    that holds it, and snapshot + patches is the fresh view."""
    import exercise.net.server as server_module

    monkeypatch.setattr(server_module, "HOLD", 60.0)  # the burst decides, never the clock
    s, tokens, server, url = served
    east = await raw(url, tokens.teams["east"])
    lead = await raw(url, tokens.facilitator)
    await east.send(json.dumps({"type": "sync"}))
    view = json.loads(await asyncio.wait_for(east.recv(), 5))["view"]
    builds, n = server.builds, 12
    for i in range(n):  # one write: the N frames reach the server together
        east.protocol.send_text(json.dumps({"type": "command", "id": f"o{i}", "command": {
            "kind": "order", "item": "sam", "quantity": 1}}).encode())
    east.send_data()
    results, updates, seen = [], 0, 0
    while len(results) < n:
        msg = json.loads(await asyncio.wait_for(east.recv(), 5))
        if msg["type"] == "update":
            view, seen, updates = p.patched(view, msg["patch"]), msg["seq"], updates + 1
        else:
            assert msg["type"] == "result" and msg["ok"], msg
            assert msg["seq"] <= seen, msg  # its update came first
            results.append(msg["id"])
    assert results == [f"o{i}" for i in range(n)]  # every command answered, in order
    assert sum(o["item"] == "sam" for o in view["me"]["orders"]) >= n
    assert 1 <= updates < n and server.builds - builds < n, (updates, server.builds - builds)
    assert view == _data(seats.view_for(seats.team_seat(s.state, "east"), s.state, s.ledger()))
    # the facilitator's connection got the burst too, its view whole
    fac = json.loads(await asyncio.wait_for(lead.recv(), 5))
    while fac.get("seq", 0) < seen:
        fac = json.loads(await asyncio.wait_for(lead.recv(), 5))
    assert fac["type"] == "update" and fac["seq"] == len(s.records)
    await east.close()
    await lead.close()


@settings(max_examples=100, deadline=None)
@given(_views, _views)
def test_an_update_is_the_json_of_its_patch_whatever_parts_it_shares(old, new):
    # the text of a part an op sets is kept by the part's identity (an inject row every team
    # is sent): the frames read back as the ops, the second time as the first
    ops = p.diff(old, new)
    for _ in range(2):
        frames = p.update_frames(7, 6, [], ops, limit=10**9)
        sent = [json.loads(f)["patch"] for f in frames]
        assert json.dumps(sent, sort_keys=True) == json.dumps([ops], sort_keys=True)  # types exact: 1 is not true
