"""Every seat of the room over the network, with real clients on loopback: what each role
may send and is refused (with the reason), what it is shown, seats added mid-exercise
(in tokens.json from another shell, or by the server) and revoked (cut off within a
second, never back), and the journal saying who did what.
"""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import FIXTURES, load_fixture, stop_all, wait_for

from exercise.engine import commands as cm
from exercise.engine import seats as se
from exercise.engine.view_json import unstructure
from exercise.net import protocol as p
from exercise.net import tokens as tk
from exercise.net.client import Client, Fatal
from exercise.net.server import ExerciseServer
from exercise.net.tokens import load_or_create
from exercise.session import Session

RED = FIXTURES / "red" / "scenarios" / "red.toml"
NAMES = {"east": "East", "west": "West"}


@pytest.fixture
async def room(tmp_path):
    """The red fixture in deliberation of turn 1, served, with a red seat, a controller of
    east (Alice), one of every team (Bob), an evaluator (Eve) and a wall (Projector)."""
    red = load_fixture(RED)
    s = Session.create(red.scenario, red.texts, tmp_path)
    for c in (cm.Start(), cm.Advance(), cm.Advance()):
        s.execute(c)
    tokens = load_or_create(s.folder, ["east", "west"])
    logs: list[str] = []
    server = ExerciseServer(s, tokens, "127.0.0.1", 0, log=logs.append)
    await server.start()
    server.logs = logs
    seats = {}
    for key, role, name, scope in (("red", "red", "Russia (red cell)", ()), ("alice", "controller", "Alice", ("east",)),
                                   ("bob", "controller", "Bob", ()), ("eve", "evaluator", "Eve", ()),
                                   ("wall", "wall", "Projector", ())):
        seat, line = server.add_seat(role, name, scope)
        seats[key] = (seat, line.rsplit(" ", 1)[1])
    yield s, server, seats, f"ws://127.0.0.1:{server.port}"
    await server.stop()
    s.close()


async def connect(url: str, token: str) -> tuple[Client, asyncio.Task]:
    c = Client(url, token, backoff=(0.05, 0.1))
    task = asyncio.create_task(c.run())
    await c.wait_ready(5)
    return c, task


def as_sent(view) -> dict:
    return json.loads(json.dumps(unstructure(view), default=str))


async def test_each_seat_is_welcomed_as_itself_and_shown_its_own_view(room):
    s, server, seats, url = room
    clients = {k: await connect(url, tok) for k, (_seat, tok) in seats.items()}
    for key, (seat, _tok) in seats.items():
        c = clients[key][0]
        assert c.welcome["seat"] == p.seat_data(seat) and c.welcome["role"] == seat.role
        assert p.seat_from(c.welcome["seat"]) == seat
        assert c.view == as_sent(se.view_for(seat, s.state, s.ledger())), key
        assert isinstance(p.view_from(c.view, seat.role), p.view_type(seat.role))
    assert server.connected() == {"red": 1, "alice": 1, "bob": 1, "eve": 1, "projector": 1}
    await stop_all([c for c, _ in clients.values()], [t for _, t in clients.values()])


async def test_each_role_sends_what_it_may_and_is_refused_the_rest(room):
    s, server, seats, url = room
    red, rt = await connect(url, seats["red"][1])
    alice, at = await connect(url, seats["alice"][1])
    eve, et = await connect(url, seats["eve"][1])
    wall, wt = await connect(url, seats["wall"][1])
    east, tt = await connect(url, server.tokens.teams["east"])

    async def refused(client, body, words):
        before = len(s.records)
        answer = await client.send(body)
        assert not answer["ok"] and words in answer["reason"], (body, answer)
        assert len(s.records) == before
        assert client.connected  # a refusal is answered, the connection stays

    # red: as the adversary, its own moves only
    assert (await red.send({"kind": "red_act", "action": "sabotage", "target": "east"}))["ok"]
    rec = s.records[-1]
    assert rec["command"]["actor"] == "russia"
    assert rec["via"]["by"] == "red:red" and rec["via"]["seat"] == "Russia (red cell)"
    await refused(red, {"kind": "red_act", "action": "jam", "target": "north", "actor": "facilitator"}, "acts as Russia")
    await refused(red, {"kind": "order", "item": "sam"}, "not its")
    await refused(red, {"kind": "pause"}, "not its")
    # a controller of east: the white cell within its scope
    assert (await alice.send({"kind": "fire_adhoc", "title": "Call", "text": "for east", "to": ["east"]}))["ok"]
    rec = s.records[-1]
    assert rec["command"]["actor"] == "facilitator"
    assert rec["via"]["by"] == "controller:alice" and rec["via"]["seat"] == "Alice (controller)"
    await refused(alice, {"kind": "fire_adhoc", "title": "Call", "to": ["west"]}, "outside your scope (East)")
    await refused(alice, {"kind": "fire_adhoc", "title": "Call", "to": ["all"]}, "whole exercise")
    await refused(alice, {"kind": "advance"}, "lead facilitator")
    await refused(alice, {"kind": "red_act", "action": "jam", "target": "north"}, "red cell")
    await refused(alice, {"kind": "order", "item": "sam", "team": "east"}, "not as a team")
    await refused(alice, {"kind": "pause", "actor": "east"}, "white cell")
    # an evaluator: notes only, signed with the seat's name
    assert (await eve.send({"kind": "note", "text": "East hesitated", "team": "east"}))["ok"]
    assert s.state.notes[-1].author == "Eve (evaluator)" and s.records[-1]["via"]["by"] == "evaluator:eve"
    await refused(eve, {"kind": "note", "text": "forged", "author": "Mallory"}, "signed with the seat's name (Eve (evaluator))")
    await refused(eve, {"kind": "pause"}, "notes) only")
    await refused(eve, {"kind": "order", "item": "sam"}, "notes) only")
    # the wall: nothing
    for body in ({"kind": "note", "text": "hi"}, {"kind": "order", "item": "sam"}, {"kind": "pause"}):
        await refused(wall, body, "sends nothing")
    # and a team as before
    await refused(east, {"kind": "red_act", "action": "jam", "target": "north"}, "facilitator command")
    await wait_for(lambda: east.seq >= 0 and eve.seq == len(s.records))
    # the evaluator's note reached the evaluator, not the team
    assert any(n["text"] == "East hesitated" for n in eve.view["notes"])
    assert "East hesitated" not in json.dumps([east.view, east.events, red.view, red.events, wall.view, wall.events])
    await stop_all((red, alice, eve, wall, east), (rt, at, et, wt, tt))


async def test_a_resend_is_recognised_for_every_principal_also_after_a_restart(room):
    s, server, seats, url = room
    from support import raw

    body = {"type": "command", "id": "same-id", "command": {"kind": "note", "text": "once", "team": "east"}}
    for key in ("alice", "eve"):  # the same id from two seats: two principals, two commands
        ws = await raw(url, seats[key][1])
        await ws.send(json.dumps(body))
        while json.loads(await ws.recv())["type"] != "result":
            pass
        await ws.close()
    assert sum(1 for r in s.records if r.get("via", {}).get("id") == "same-id") == 2
    await server.stop()
    again = ExerciseServer(s, tk.load(s.folder), "127.0.0.1", server.port)
    await again.start()
    try:
        for key in ("alice", "eve"):
            ws = await raw(url, seats[key][1])
            await ws.send(json.dumps(body))
            answer = json.loads(await ws.recv())
            assert answer["ok"] and answer["duplicate"], key
            await ws.close()
        assert sum(1 for r in s.records if r.get("via", {}).get("id") == "same-id") == 2
    finally:
        await again.stop()


async def test_a_seat_revoked_in_tokens_json_is_cut_off_within_a_second_and_stays_out(room):
    s, server, seats, url = room
    alice, task = await connect(url, seats["alice"][1])
    bob, btask = await connect(url, seats["bob"][1])
    start = time.monotonic()
    tk.revoke(s.folder, "alice")  # as `exercise seat revoke` does from another shell
    await wait_for(lambda: alice.fatal, 3)
    took = time.monotonic() - start
    print(f"revoked seat cut off {took:.3f} s after tokens.json was written")
    assert took < 1.0, took
    assert "revoked" in alice.fatal
    await task  # it gave up: it does not knock again
    assert bob.connected and server.connected().get("alice") is None
    notes = [n.text for n in s.state.notes if "seats" in n.tags]
    assert notes[-1] == "Seat revoked: Alice (controller, scope: East)"
    again = Client(url, seats["alice"][1])
    atask = asyncio.create_task(again.run())
    with pytest.raises(Fatal, match="revoked"):
        await again.wait_ready(5)
    await atask
    assert not any(tok == seats["alice"][1] for tok in [c.token for c in server.connections])
    await stop_all((bob,), (btask,))


async def test_a_seat_revoked_by_the_server_is_cut_off_at_once(room):
    s, server, seats, url = room
    eve, task = await connect(url, seats["eve"][1])
    start = time.monotonic()
    server.revoke("eve")
    await wait_for(lambda: eve.fatal, 3)
    assert time.monotonic() - start < 0.5
    await task
    assert s.state.notes[-1].text == "Seat revoked: Eve (evaluator)" and s.state.notes[-1].tags == ("seats",)
    assert seats["eve"][1] not in (s.folder / "journal.jsonl").read_text()  # never a token in the journal
    with pytest.raises(tk.SeatError, match="already revoked"):
        server.revoke("eve")
    with pytest.raises(tk.SeatError, match="cannot be revoked"):
        server.revoke("east")


async def test_a_seat_added_mid_exercise_connects_and_gets_a_snapshot(room):
    s, server, seats, url = room
    # from another shell: tokens.json only; the server notices and journals it
    _tokens, entry = tk.add_seat(s.folder, "evaluator", "Late Larry", teams=NAMES)
    await wait_for(lambda: server.tokens.entry(entry.seat.id) is not None, 2)
    larry, task = await connect(url, entry.token)
    assert larry.welcome["seat"]["name"] == "Late Larry" and larry.view["title"] == s.scenario.title
    assert s.state.notes[-1].text == "Seat added: Late Larry (evaluator)"
    # by the server (the console's dialog)
    seat, line = server.add_seat("controller", "Carol", ("west",))
    assert line == f"exercise join {server.url} --seat carol --token {server.tokens.entry('carol').token}"
    assert s.state.notes[-1].text == "Seat added: Carol (controller, scope: West)"
    carol, ctask = await connect(url, line.rsplit(" ", 1)[1])
    assert carol.view == as_sent(se.controller_view(s.state, ("west",)))
    assert set(carol.view["teams_private"]) == {"west"}
    lines = dict((st.id, ln) for st, ln in server.join_commands())
    assert "--team east" in lines["east"] and "--seat carol" in lines["carol"] and "--seat larry" not in lines
    # only one journal note each, though the server also re-read the file it wrote
    await asyncio.sleep(0.7)
    assert sum(1 for n in s.state.notes if n.text.startswith("Seat added: Carol")) == 1
    await stop_all((larry, carol), (task, ctask))


async def test_updates_reach_each_seat_as_its_role_sees_them(room):
    s, server, seats, url = room
    wall, wt = await connect(url, seats["wall"][1])
    alice, at = await connect(url, seats["alice"][1])
    s.execute(cm.Override("money", 777.0, "west topped up", team="west"))
    s.execute(cm.FireAdHoc("To all", "everyone reads this", to=("all",)))
    await wait_for(lambda: wall.seq == len(s.records) and alice.seq == len(s.records))
    assert wall.view == as_sent(se.wall_view(s.state))
    assert alice.view == as_sent(se.controller_view(s.state, ("east",)))
    shown = json.dumps([wall.view, wall.events, alice.view, alice.events])
    assert "777" not in shown and "west topped up" not in shown
    assert any(i["title"] == "To all" for i in wall.view["injects"])
    await stop_all((wall, alice), (wt, at))


async def test_a_broken_tokens_file_leaves_the_seats_as_they_were(room):
    s, server, seats, url = room
    eve, task = await connect(url, seats["eve"][1])
    (s.folder / tk.TOKENS).write_text("{broken")
    await wait_for(lambda: any("cannot read the tokens" in line for line in server.logs), 2)
    assert eve.connected and (await eve.send({"kind": "note", "text": "still here"}))["ok"]
    await stop_all((eve,), (task,))


# -- the identity the server fills in, without a network ---------------------------------------
ALL_SEATS = [se.facilitator_seat(), se.Seat("east", "team", "East", team="east"), se.Seat("red", "red", "R (red cell)"),
             se.Seat("alice", "controller", "Alice", scope=("east",)), se.Seat("bob", "controller", "Bob"),
             se.Seat("eve", "evaluator", "Eve"), se.Seat("wall", "wall", "Projector")]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(cm.COMMANDS)), st.sampled_from(ALL_SEATS),
       st.dictionaries(st.sampled_from(["actor", "team", "item", "action", "target", "text", "to", "author", "id",
                                        "inject", "title"]),
                       st.none() | st.sampled_from(["east", "west", "russia", "facilitator", "Eve", "sam", "jam",
                                                    "north", "x"]) | st.lists(st.sampled_from(["east", "west", "all"]),
                                                                              max_size=2), max_size=4))
def test_every_seat_gets_its_own_identity_or_a_reason(kind, seat, fields):
    from exercise.engine import initial_state

    state = initial_state(load_fixture(RED).scenario, 1)
    body = {"kind": kind, **fields}
    try:
        p.check_command(body)
        command = p.seat_command(body, seat, state)
    except (p.ProtocolError, p.Refused) as e:
        assert str(e) and str(e) != "None"
        return
    assert se.refusal(seat, command, state) is None
    if seat.role == "team":
        assert command.actor == command.team == "east"
    elif seat.role == "red":
        assert command.actor == "russia" and command.kind in ("red_act", "red_withdraw", "counter_argue")
    elif seat.role in ("controller", "evaluator"):
        assert command.actor == "facilitator"
        if seat.role == "evaluator":
            assert command.kind == "note" and command.author == "Eve (evaluator)"
    assert seat.role != "wall"
