"""Attacks on `exercise serve` and `exercise join` by hand (session 9): a flood of `sync`
requests, connections that never say hello, a member team's answer to a lead request, and
a hostile server feeding the client messages it cannot read."""

from __future__ import annotations

import asyncio
import json

import pytest
from support import closed_with, raw, wait_for
from websockets.asyncio.client import connect
from websockets.asyncio.server import serve
from websockets.exceptions import ConnectionClosed

import exercise.net.server as server_module
from exercise.engine import commands as cm
from exercise.net import protocol as p
from exercise.net.client import Client, RemoteSeatPort, RemoteTeamPort


# -- sync: the whole view for a few bytes ---------------------------------------------------
async def test_sync_requests_beyond_their_budget_close_the_connection_with_1013(served):
    s, tokens, server, url = served
    now = server.clock()
    server.clock = lambda: now  # time stands still: no refill, however slow the machine is
    ws = await raw(url, tokens.teams["east"])
    for _ in range(p.SYNC_BURST + 5):
        await ws.send('{"type":"sync"}')
    code, reason, seen = await closed_with(ws)
    assert code == p.CLOSE_TRY_LATER and "sync" in reason
    assert [m["type"] for m in seen] == ["snapshot"] * p.SYNC_BURST + ["error"]
    assert "more than 10 sync requests" in seen[-1]["reason"]
    # the others are not touched: a team's terminal still works
    west = await raw(url, tokens.teams["west"])
    await west.send(json.dumps({"type": "command", "id": "w1", "command": {"kind": "order", "item": "sam"}}))
    assert [m for m in [json.loads(await west.recv()) for _ in range(2)] if m["type"] == "result"][0]["ok"]
    await west.close()


async def test_snapshots_are_encoded_once_per_view_and_a_sync_after_a_change_has_it(served, monkeypatch):
    s, tokens, server, url = served
    encoded = []
    original = p.snapshot_frames

    def counted(seq, view, limit=None):
        encoded.append(seq)
        return original(seq, view, limit)

    monkeypatch.setattr(server_module.p, "snapshot_frames", counted)
    first = await raw(url, tokens.teams["east"])
    second = await raw(url, tokens.teams["east"])
    for _ in range(5):
        await first.send('{"type":"sync"}')
    got = [json.loads(await first.recv()) for _ in range(5)]
    assert all(m["type"] == "snapshot" for m in got) and len({json.dumps(m) for m in got}) == 1
    assert len(encoded) == 1  # two hellos and five syncs: one encoding
    s.execute(cm.FireAdHoc("News for East", "text", to=("east",)))
    update = json.loads(await first.recv())
    assert update["type"] == "update"
    await first.send('{"type":"sync"}')
    snap = json.loads(await first.recv())
    assert snap["type"] == "snapshot" and snap["seq"] == update["seq"] == len(s.records)
    assert any(i["title"] == "News for East" for i in snap["view"]["me"]["inbox"])
    assert snap["view"] == p.patched(got[0]["view"], update["patch"])
    assert len(encoded) == 2
    await first.close()
    await second.close()


# -- connections that never say hello -------------------------------------------------------
async def test_connections_waiting_for_their_hello_are_capped_and_the_rest_are_dropped(served, monkeypatch):
    monkeypatch.setattr(server_module, "MAX_GREETING_PER_IP", 3)
    s, tokens, server, url = served
    east = await raw(url, tokens.teams["east"])  # already in: not counted
    silent = [await connect(url) for _ in range(3)]
    await wait_for(lambda: server._greeting_all == 3)
    extra = await connect(url)  # the handshake is the library's; then dropped, no waiting
    code, _reason, seen = await closed_with(extra)
    assert code is None and seen == []
    assert any("too many connections waiting to say hello" in line for line in server.logs)
    await east.send('{"type":"sync"}')
    assert json.loads(await east.recv())["type"] == "snapshot"
    for ws in silent:
        await ws.close()
    await wait_for(lambda: server._greeting_all == 0)
    west = await raw(url, tokens.teams["west"])  # the flood is over: new terminals join again
    await west.close()
    await east.close()


# -- who may send what -------------------------------------------------------------------------
def test_a_member_team_answers_a_lead_request_as_itself():
    body = {"kind": "decide_lead", "request": "lead-1", "approve": False, "reason": "no"}
    assert p.command_for(body, "team", "west") == cm.DecideLead("lead-1", False, "no", actor="west", team="west")
    with pytest.raises(p.Refused, match="acts for west only"):
        p.command_for({**body, "team": "east"}, "team", "west")
    assert p.command_for(body, "facilitator", None) == cm.DecideLead("lead-1", False, "no")


def test_refusals_name_the_seats_role_in_plain_words(served):
    s, tokens, server, url = served
    from exercise.engine.seats import Seat

    eve = Seat("eve", "evaluator", "Eve")
    with pytest.raises(p.Refused, match="^an evaluator acts as the white cell: leave out `actor`"):
        p.seat_command({"kind": "note", "text": "x", "actor": "east"}, eve, s.state)


# -- a hostile server: the client says what is wrong ------------------------------------------
WELCOME = {"type": "welcome", "protocol": p.VERSION, "server": "x", "role": "team", "team": "east",
           "seat": {"id": "east", "role": "team", "name": "East", "team": "east", "scope": []},
           "exercise": {"id": "e", "title": "t", "scenario": "s"}, "teams": [{"id": "east", "name": "East"}]}
SNAPSHOT = {"type": "snapshot", "seq": 1, "view": {"turn": 1}}


async def _against(messages, close=(p.CLOSE_POLICY, "end"), until=None):
    """A Client run against a server that answers its hello with `messages` (then reads on
    until the client leaves, and closes); the client once `until(client, what it sent)`
    holds (default: it gave up), stopped. Its run never raises."""
    sent: list[dict] = []

    async def handler(ws):
        sent.append(json.loads(await ws.recv()))
        for m in messages:
            await ws.send(m if isinstance(m, str) else json.dumps(m))
        try:
            if until is None:
                await ws.close(*close)
            async for m in ws:
                sent.append(json.loads(m))
        except ConnectionClosed:
            pass

    async with serve(handler, "127.0.0.1", 0) as srv:
        port = srv.sockets[0].getsockname()[1]
        client = Client(f"ws://127.0.0.1:{port}", "token", backoff=(0.01, 0.01))
        task = asyncio.create_task(client.run())
        await wait_for(lambda: (until or (lambda c, _s: c.fatal))(client, sent) or task.done(), 3)
        await client.close()
        await task  # never raises: whatever the server sent
    return client


@pytest.mark.parametrize(("messages", "said"), [
    (["{nope"], "not JSON"),
    (["[" * 100_000 + "]" * 100_000], "not JSON"),
    (["[1]"], "not a JSON object"),
    ([{**WELCOME, "seat": {"id": "east", "scope": 5}}], "`welcome` with a seat that is not an object"),
    ([{**WELCOME, "teams": None}], "`welcome` with teams not a list"),
    ([WELCOME, SNAPSHOT, {"type": "result"}], "`result` with id not a string"),
    ([WELCOME, SNAPSHOT, {"type": "result", "id": ["x"], "ok": True}], "`result` with id not a string"),
    ([WELCOME, SNAPSHOT, {"type": "timer", "remaining": "soon"}], "`timer` with remaining not a number"),
    ([WELCOME, {"type": "snapshot", "seq": 1}], "`snapshot` with view not an object"),
    ([WELCOME, {"type": "snapshot", "view": {}}], "`snapshot` with seq not a whole number"),
    ([WELCOME, SNAPSHOT, {"type": "update", "seq": 2, "base": "1", "events": [], "patch": []}],
     "`update` with base not a whole number"),
    ([WELCOME, SNAPSHOT, {"type": "update", "seq": 2, "base": 1, "events": 5, "patch": []}],
     "`update` with events not a list"),
    ([WELCOME, SNAPSHOT, {"type": "update", "seq": 2, "base": 1, "events": [], "patch": "x"}],
     "`update` with patch not a list"),
])
async def test_a_message_the_client_cannot_read_ends_it_with_the_reason_not_a_traceback(messages, said):
    client = await _against(messages)
    assert client.fatal and said in client.fatal and "cannot read" in client.fatal, client.fatal


async def test_a_patch_that_does_not_fit_asks_for_a_snapshot_and_the_view_is_kept():
    client = await _against([WELCOME, SNAPSHOT, {"type": "update", "seq": 2, "base": 1, "events": [],
                                                 "patch": [{"at": ["turn", "x", 3], "set": 1}, [1], 7]}],
                            until=lambda c, sent: {"type": "sync"} in sent)
    assert client.fatal is None and client.view == {"turn": 1} and client.seq == 1


async def test_a_view_that_is_not_the_seats_view_is_a_connection_error_the_screens_show():
    client = await _against([WELCOME, SNAPSHOT], until=lambda c, _sent: c.view is not None)
    assert client.view == {"turn": 1}
    with pytest.raises(ConnectionError, match="a view this console cannot read"):
        RemoteTeamPort(client, "east").view()
    from exercise.engine.seats import Seat

    with pytest.raises(OSError, match="a view this console cannot read"):  # the screens catch OSError
        RemoteSeatPort(client, Seat("wall", "wall", "Wall")).view()


async def test_the_servers_reasons_reach_the_player_without_escape_sequences():
    client = await _against([{"type": "error", "reason": "\x1b]0;pwned\x07 look"}],
                            close=(p.CLOSE_POLICY, "\x1b[2J\x1b[31mrefused\r\nforged"))
    assert client.fatal == "\\x1b[2J\\x1b[31mrefused\\r\\nforged"
    assert client.last_error.isprintable() and client.fatal.isprintable()


# -- ping frames: answered by the library, out of sight of the message rate limit ------------
def _masked(opcode: int, payload: bytes) -> bytes:
    """A client frame (FIN set; a zero mask key, so the payload goes as it is), short payloads."""
    assert len(payload) < 126
    return bytes([0x80 | opcode, 0x80 | len(payload)]) + b"\0\0\0\0" + payload


async def test_a_flood_of_ping_frames_is_dropped_and_the_others_do_not_notice(served):
    s, tokens, server, url = served
    east = await raw(url, tokens.teams["east"])
    host, port = url.removeprefix("ws://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
    assert b" 101 " in await reader.readuntil(b"\r\n\r\n")
    rounds = 0
    try:  # no hello: nothing but pings, 100 at a time, each answered with a pong until dropped
        while rounds < 50:
            rounds += 1
            writer.write(_masked(0x9, b"p" * 125) * 100)
            await writer.drain()
            if not await asyncio.wait_for(reader.read(1 << 16), 5):
                break  # dropped
    except (ConnectionResetError, BrokenPipeError):
        pass
    assert rounds < 50  # 5,000 pings would all have been answered
    await wait_for(lambda: any("a flood of ping frames; dropped" in line for line in server.logs))
    writer.close()
    await east.send('{"type":"sync"}')
    assert json.loads(await east.recv())["type"] == "snapshot"
    await east.close()


# -- a hostile server: what the client holds is bounded ---------------------------------------
MIB = 1024 * 1024


def _chunk(n: int, size: int = MIB - 200) -> dict:
    """A patch op that adds a new key holding `size` characters (a frame of about 1 MiB)."""
    return {"at": [f"k{n}"], "set": "x" * size}


async def test_a_view_in_endless_parts_ends_the_connection_with_what_to_do():
    """A server that never ends a snapshot (`more` on every part): the client used to keep
    every part (40 MiB here, without bound on a server that goes on); it stops past
    MAX_VIEW, lets go of the parts and says what happened and what to do."""
    parts = [{"type": "parts", "patch": [_chunk(n)], "more": True} for n in range(40)]
    client = await _against([WELCOME, {"type": "snapshot", "seq": 1, "view": {}, "patch": [], "more": True}, *parts],
                            until=lambda c, _sent: c.fatal)
    assert client.fatal and "more than 32 MiB" in client.fatal, client.fatal
    assert "Check the address with the facilitator" in client.fatal and "join command again" in client.fatal
    assert client.fatal.isprintable()
    assert client._partial is None and client.view is None  # the parts are let go


async def test_a_view_of_millions_of_tiny_values_weighs_what_it_costs_parsed():
    """1 MiB frames of `[],` (~350,000 lists each, ~24 MB once parsed): counted by their
    values, not their 1 MiB, the view stops at about 2 million values (~130 MB), not 32 MiB of
    them (~700 MB)."""
    parts = [{"type": "parts", "patch": [{"at": [f"k{n}"], "set": [[]] * 349_000}], "more": True} for n in range(8)]
    client = await _against([WELCOME, {"type": "snapshot", "seq": 1, "view": {}, "patch": [], "more": True}, *parts],
                            until=lambda c, _sent: c.fatal)
    assert client.fatal and "(or 2.1 million values)" in client.fatal, client.fatal
    assert client._partial is None


async def test_an_update_in_endless_parts_ends_the_connection_too():
    head = {"type": "update", "seq": 2, "base": 1, "events": [], "patch": [], "more": True}
    parts = [{"type": "parts", "patch": [_chunk(n)], "more": True} for n in range(40)]
    client = await _against([WELCOME, SNAPSHOT, head, *parts], until=lambda c, _sent: c.fatal)
    assert client.fatal and "a change of the view of more than 32 MiB" in client.fatal, client.fatal
    assert client.view == {"turn": 1} and client._partial is None


async def test_one_frame_over_the_receive_limit_ends_the_connection_before_it_is_read():
    huge = json.dumps({"type": "snapshot", "seq": 1, "view": {"blob": "x" * (5 * MIB)}})
    client = await _against([WELCOME, huge], until=lambda c, _sent: c.fatal)
    assert client.fatal and "a message of more than 4 MiB" in client.fatal, client.fatal
    assert client.view is None


async def test_endless_updates_that_grow_the_view_ask_for_a_snapshot_and_one_too_big_ends_it():
    """Updates each adding 1 MiB to the view: past MAX_VIEW of updates since the snapshot the
    client asks for a fresh snapshot (what the updates replaced was counted too) and drops
    updates until it comes, so the view stops growing; a snapshot too big ends it."""
    updates = [{"type": "update", "seq": n + 2, "base": n + 1, "events": [], "patch": [_chunk(n)]}
               for n in range(40)]
    sent: list[dict] = []

    async def handler(ws):
        sent.append(json.loads(await ws.recv()))
        for m in [WELCOME, SNAPSHOT, *updates]:
            await ws.send(json.dumps(m))
        try:
            async for m in ws:
                sent.append(json.loads(m))
                if sent[-1] == {"type": "sync"}:  # a view too big, in parts
                    await ws.send(json.dumps({"type": "snapshot", "seq": 50, "view": {}, "patch": [],
                                              "more": True}))
                    for n in range(40):
                        await ws.send(json.dumps({"type": "parts", "patch": [_chunk(n)], "more": n < 39}))
        except ConnectionClosed:
            pass

    held = []
    async with serve(handler, "127.0.0.1", 0) as srv:
        client = Client(f"ws://127.0.0.1:{srv.sockets[0].getsockname()[1]}", "token", backoff=(0.01, 0.01))
        client.subscribe(lambda: held.append(len(client.view or ())))
        task = asyncio.create_task(client.run())
        await wait_for(lambda: client.fatal or task.done(), 10)
        await client.close()
        await task
    assert {"type": "sync"} in sent
    assert max(held) <= 1 + 33  # "turn" and keys of about 1 MiB: never much more than MAX_VIEW (32 MiB)
    assert client.seq < 40  # the updates after the sync request were dropped
    assert client.fatal and "a view of more than 32 MiB" in client.fatal, client.fatal


async def test_the_events_kept_are_the_newest_and_bounded():
    events = [{"kind": "news", "text": f"{n}" + "y" * 100_000} for n in range(30)]  # 3 MB in all
    updates = [{"type": "update", "seq": n + 2, "base": n + 1, "events": [e], "patch": []}
               for n, e in enumerate(events)]
    client = await _against([WELCOME, SNAPSHOT, *updates], until=lambda c, _sent: c.seq == 31)
    kept = client.events
    assert 5 <= len(kept) < 12 and kept == events[-len(kept):]  # ~1 MiB of the newest, in order
    assert len(json.dumps(kept)) <= 1024 * 1024 + 101_000


async def test_join_stops_on_a_view_too_big_and_says_what_happened_and_what_to_do():
    """`exercise join` against a server that never ends its view: the console stops (code
    1) with the reason and what to do as its last words, never a traceback."""
    from exercise.tui.join import JoinApp

    parts = [{"type": "parts", "patch": [_chunk(n)], "more": True} for n in range(40)]
    messages = [WELCOME, {"type": "snapshot", "seq": 1, "view": {}, "patch": [], "more": True}, *parts]

    async def handler(ws):
        await ws.recv()
        for m in messages:
            await ws.send(json.dumps(m))
        try:
            async for _ in ws:
                pass
        except ConnectionClosed:
            pass

    said: list[str] = []
    async with serve(handler, "127.0.0.1", 0) as srv:
        app = JoinApp(Client(f"ws://127.0.0.1:{srv.sockets[0].getsockname()[1]}", "token"), "east")
        original = app.exit

        def exit(result=None, return_code=0, message=None):
            said.append(str(message))
            original(result, return_code, message)

        app.exit = exit  # type: ignore[method-assign]
        async with app.run_test() as pilot:
            await wait_for(lambda: app.return_code is not None, 10, pilot=pilot)
    assert app.return_code == 1
    assert said and said[0].startswith("exercise join: the server at ws://127.0.0.1:"), said
    assert "a view of more than 32 MiB" in said[0] and "run the join command again" in said[0]
