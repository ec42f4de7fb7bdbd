"""The exercise server and its clients, for real: a server on loopback, WebSocket clients.

Who may see and do what (tokens, player views, every command kind), what a bad client
gets (closed, alone), and what a drop costs (nothing: reconnect, resend, no duplicates).
"""

from __future__ import annotations

import asyncio
import json
import random
import typing

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import closed_with, free_port, raw, started, stop_all, wait_for
from textual_free import assert_runs_without_textual
from websockets.exceptions import ConnectionClosed

from exercise import engine
from exercise.engine import commands as cm
from exercise.engine.seats import Seat, facilitator_seat
from exercise.engine.view_json import unstructure
from exercise.net import protocol as p
from exercise.net.client import Client, Fatal, RemoteTeamPort
from exercise.net.server import ExerciseServer
from exercise.net.tokens import TOKENS, TokenError, load_or_create


# -- tokens ------------------------------------------------------------------------------------
def test_tokens_are_private_kept_and_compared_whole(tmp_path):
    t = load_or_create(tmp_path, ["east", "west"])
    assert (tmp_path / TOKENS).stat().st_mode & 0o777 == 0o600
    assert len({t.facilitator, *t.teams.values()}) == 3
    assert load_or_create(tmp_path, ["east", "west"]) == t  # a restart keeps them
    assert t.identify(t.teams["west"], {"west": "West"}) == Seat("west", "team", "West", team="west")
    assert t.identify(t.facilitator) == facilitator_seat()
    for guess in ("", t.teams["west"][:-1], t.teams["west"] + "x", t.teams["west"].upper(), "x" * 22):
        assert t.identify(guess) is None
    (tmp_path / TOKENS).chmod(0o644)
    grown = load_or_create(tmp_path, ["east", "west", "north"])  # a team added to the scenario
    assert grown.teams["east"] == t.teams["east"] and grown.teams["north"]
    assert (tmp_path / TOKENS).stat().st_mode & 0o777 == 0o600
    (tmp_path / TOKENS).write_text("{not json")
    with pytest.raises(TokenError, match="tokens.json.*delete the file"):
        load_or_create(tmp_path, ["east"])


# -- the protocol, without a network -------------------------------------------------------------
@settings(max_examples=150, deadline=None)
@given(st.one_of(st.text(max_size=200), st.binary(max_size=50),
                 st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
                              lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                          max_size=4)).map(json.dumps)))
def test_any_frame_parses_or_is_a_protocol_error(frame):
    try:
        msg = p.parse(frame)
    except p.ProtocolError as e:
        assert e.reason
    else:
        assert msg["type"] in p.CLIENT_TYPES


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(sorted(cm.COMMANDS)),
       st.dictionaries(st.sampled_from(["actor", "team", "item", "quantity", "shares", "inject", "option", "turns",
                                        "value", "target", "rationale", "force", "likelihood", "effects", "x"]),
                       st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5)
                       | st.lists(st.text(max_size=3), max_size=2) | st.dictionaries(st.text(max_size=3), st.floats()),
                       max_size=5))
def test_a_command_either_builds_or_is_refused_with_a_reason(kind, fields):
    body = {"kind": kind, **fields}
    for role, team in (("team", "east"), ("facilitator", None)):
        try:
            p.check_command(body)
            command = p.command_for(body, role, team)
        except (p.ProtocolError, p.Refused) as e:
            assert str(e)
        else:
            assert command.kind == kind
            if role == "team":
                assert command.actor == "east" and command.team == "east"


def test_deep_nesting_and_non_numbers_are_protocol_errors():
    for frame in ("[" * 100_000 + "]" * 100_000, '{"type": "sync", "x": NaN}', "Infinity", '"hello"', "[]"):
        with pytest.raises(p.ProtocolError):
            p.parse(frame)
    with pytest.raises(p.ProtocolError, match="wrong type"):
        p.check_command({"kind": "order", "item": "sam", "quantity": 1.5})
    with pytest.raises(p.ProtocolError, match="wrong type"):
        p.check_command({"kind": "set_spending", "ally": "PL", "spending": float("inf")})


def sample(kind: str, team: str | None = None) -> dict:
    """A well-typed body of a command kind (values need not make sense to the rules)."""
    cls = cm.COMMANDS[kind]
    hints = typing.get_type_hints(cls, vars(cm))
    plain = {str: "x", int: 1, float: 1.0, bool: False}
    body = {"kind": kind}
    for a in attrs.fields(cls):
        if a.name == "actor" or a.default is not attrs.NOTHING:
            continue
        tp = hints[a.name]
        body[a.name] = plain.get(tp, {} if typing.get_origin(tp) is dict else [])
    if team is not None:
        body["team"] = team
    return body


# -- who may connect ----------------------------------------------------------------------------
async def test_missing_wrong_or_late_tokens_are_refused(served, monkeypatch):
    s, tokens, server, url = served
    before = len(s.records)
    cases = [{"type": "hello", "protocol": p.VERSION},
             {"type": "hello", "protocol": p.VERSION, "token": "not-a-token"},
             {"type": "hello", "protocol": p.VERSION, "token": tokens.teams["east"][:-1]},
             {"type": "hello", "protocol": 99, "token": tokens.teams["east"]},
             {"type": "sync"},
             {"type": "command", "id": "1", "command": {"kind": "pause"}}]
    for hello in cases:
        ws = await raw(url)
        await ws.send(json.dumps(hello))
        code, reason, seen = await closed_with(ws)
        assert code == p.CLOSE_POLICY and reason, hello
        assert [m["type"] for m in seen] == ["error"]  # no welcome, no snapshot: nothing leaks
    monkeypatch.setattr(p, "HELLO_TIMEOUT", 0.2)
    ws = await raw(url)
    code, reason, _ = await closed_with(ws)
    assert code == p.CLOSE_TRY_LATER and "no hello" in reason
    client = Client(url, "wrong")
    task = asyncio.create_task(client.run())
    with pytest.raises(Fatal, match="unknown token"):
        await client.wait_ready(5)
    await task  # a refusal ends the client: it does not hammer the server
    assert len(s.records) == before and not server.connections


# -- what each team sees ---------------------------------------------------------------------------
async def test_each_connection_gets_the_view_the_server_decides(served):
    s, tokens, server, url = served
    east, west, fac = (Client(url, tokens.teams["east"]), Client(url, tokens.teams["west"]),
                       Client(url, tokens.facilitator))
    tasks = [await started(c) for c in (east, west, fac)]
    assert east.welcome["team"] == "east" and fac.welcome["role"] == "facilitator"
    assert (await west.send({"kind": "order", "item": "sam", "quantity": 2}))["ok"]
    assert (await west.send({"kind": "argue", "action": "Secret plan Zebra", "result": "win"}))["ok"]
    assert (await east.send({"kind": "answer", "inject": "drones", "option": "shoot"}))["ok"]
    await wait_for(lambda: fac.seq == len(s.records))
    assert east.view == json.loads(json.dumps(unstructure(engine.player_view(s.state, "east", s.ledger()))))
    assert west.view == json.loads(json.dumps(unstructure(engine.player_view(s.state, "west", s.ledger()))))
    assert fac.view == json.loads(json.dumps(unstructure(engine.facilitator_view(s.state)), default=str))
    # east was told nothing of west's order, argument or their causes, in views or events
    east_text = json.dumps([east.view, east.events])
    west_order = next(o["id"] for o in west.view["me"]["orders"] if o["item"] == "sam")
    assert "Secret plan Zebra" not in east_text and west_order not in east_text
    assert "Secret plan Zebra" in json.dumps(fac.view)
    assert not any(e.get("team") == "west" for e in east.events if e["kind"] not in ("submitted",))
    await stop_all((east, west, fac), tasks)


async def test_no_team_acts_as_another_or_as_the_facilitator_for_any_command(served):
    s, tokens, server, url = served
    east = Client(url, tokens.teams["east"])
    task = await started(east)
    before = len(s.records)
    for kind in sorted(p.TEAM_KINDS):
        for body in (sample(kind, team="west"), {**sample(kind), "actor": "west"},
                     {**sample(kind), "actor": "facilitator"}):
            answer = await east.send(body)
            assert not answer["ok"] and "acts for east only" in answer["reason"], body
    for kind in sorted(p.FACILITATOR_KINDS - p.MEMBER_KINDS):  # a member team answers a lead request itself
        answer = await east.send(sample(kind))
        assert not answer["ok"] and "facilitator command" in answer["reason"], kind
    assert len(s.records) == before  # nothing was done
    assert not any("west" in json.dumps(r["command"]) for r in s.records[before:])
    # and the facilitator acts for a team only as that team
    fac = Client(url, tokens.facilitator)
    ftask = await started(fac)
    assert (await fac.send({"kind": "order", "team": "west", "item": "sam"}))["ok"]
    assert s.records[-1]["command"]["actor"] == "west" and s.records[-1]["via"]["by"] == "facilitator"
    await stop_all((east, fac), (task, ftask))


# -- bad clients are closed alone ---------------------------------------------------------------------
async def test_oversized_and_malformed_messages_close_only_that_connection(served):
    s, tokens, server, url = served
    watcher = Client(url, tokens.teams["west"])
    wtask = await started(watcher)
    bad_frames = ["x" * (p.MAX_MESSAGE + 1), "not json", "[1, 2]", '{"type": "shout"}', b"\x00\x01binary",
                  '{"type": "command", "id": "1", "command": {"kind": "order", "item": 5}}',
                  '{"type": "command", "id": "' + "i" * 100 + '", "command": {"kind": "submit"}}',
                  '{"type": "command", "id": "2", "command": {"kind": "launch_nukes"}}',
                  '{"type": "hello", "protocol": 1, "token": "again"}']
    for frame in bad_frames:
        ws = await raw(url, tokens.teams["east"])
        await ws.send(frame)
        code, reason, _ = await closed_with(ws)
        assert code in (p.CLOSE_POLICY, p.CLOSE_BINARY, 1009), (frame[:40], code)
        assert reason
    # the others were served all along
    assert watcher.connected and not server.connections - {c for c in server.connections if c.team == "west"}
    assert (await watcher.send({"kind": "order", "item": "sam"}))["ok"]
    assert any(c.team == "west" for c in server.connections)
    await watcher.close()
    await wtask


async def test_a_flood_is_cut_off_by_the_rate_limit(served):
    s, tokens, server, url = served
    ws = await raw(url, tokens.teams["east"])
    for i in range(p.BURST + 20):  # refused commands: cheap, and `sync` has a budget of its own
        try:
            await ws.send(json.dumps({"type": "command", "id": f"p{i}", "command": {"kind": "pause"}}))
        except ConnectionClosed:
            break
    before = asyncio.get_running_loop().time()
    code, reason, _ = await closed_with(ws)
    assert code == p.CLOSE_TRY_LATER and "rate" in reason
    # the server reads on past the flood to the client's close answer: the connection is
    # gone at once, not after the server's 2 s close timeout
    assert asyncio.get_running_loop().time() - before < 1.0


# -- drops and restarts ------------------------------------------------------------------------------
async def test_a_dropped_client_reconnects_to_the_same_state_and_resends_once(served):
    s, tokens, server, url = served
    east = Client(url, tokens.teams["east"], backoff=(0.05, 0.2))
    task = await started(east)
    assert (await east.send({"kind": "order", "item": "sam"}))["ok"]
    # the network drops: the server's side of the connection is cut
    for conn in list(server.connections):
        conn.ws.transport.abort()
    await wait_for(lambda: not east.connected)
    s.execute(cm.AddNote("meanwhile the facilitator notes something"))  # missed while away
    await wait_for(lambda: east.connected)
    assert east.connections == 2
    await wait_for(lambda: east.view == json.loads(json.dumps(unstructure(engine.player_view(s.state, "east", s.ledger())))))
    # a command whose answer was lost is resent under its id and done once
    ws = await raw(url, tokens.teams["east"])
    body = {"type": "command", "id": "resent-1", "command": {"kind": "order", "item": "jet"}}
    await ws.send(json.dumps(body))
    first = [m for m in [json.loads(await ws.recv()) for _ in range(2)] if m["type"] == "result"][0]
    await ws.close()
    ws = await raw(url, tokens.teams["east"])
    await ws.send(json.dumps(body))
    again = json.loads(await ws.recv())
    assert first["ok"] and again["ok"] and again.get("duplicate")
    assert sum(1 for r in s.records if r.get("via", {}).get("id") == "resent-1") == 1
    await ws.close()
    await east.close()
    await task


async def test_32_clients_ordering_at_once_lose_nothing_and_duplicate_nothing(served):
    s, tokens, server, url = served
    clients = [Client(url, tokens.teams["east" if i % 2 else "west"], backoff=(0.05, 0.2)) for i in range(32)]
    tasks = [asyncio.create_task(c.run()) for c in clients]
    await asyncio.gather(*(c.wait_ready(10) for c in clients))
    rng = random.Random(5)

    async def orders(c: Client, n: int) -> list[dict]:
        out = []
        for _ in range(n):
            while True:
                try:
                    out.append(await c.send({"kind": "order", "item": rng.choice(["sam", "jet"])}, timeout=10))
                    break
                except ConnectionError:  # dropped between sends: wait for the reconnect and go on
                    await wait_for(lambda: c.connected, 10)
        return out

    async def chaos():
        for _ in range(3):  # drop a few connections mid-flight
            await asyncio.sleep(0.05)
            for conn in rng.sample(sorted(server.connections, key=id), 3):
                conn.ws.transport.abort()

    results, _ = await asyncio.gather(asyncio.gather(*(orders(c, 5) for c in clients)), chaos())
    answers = [a for per in results for a in per]
    assert len(answers) == 160 and all(a["ok"] for a in answers)
    placed = [r for r in s.records if r["command"]["kind"] == "order" and "via" in r]
    assert len(placed) == 160  # nothing lost
    assert len({(r["via"]["by"], r["via"]["id"]) for r in placed}) == 160  # nothing done twice
    drafts = [o for o in s.state.orders.values() if o.status == "draft"]
    assert len(drafts) == 160
    views = {t: json.loads(json.dumps(unstructure(engine.player_view(s.state, t, s.ledger())))) for t in ("east", "west")}
    # an update is skipped when nothing a team may see changed, so compare views, not seq
    await asyncio.gather(*(wait_for(lambda c=c: c.view == views[c.welcome["team"]], 10) for c in clients))
    await stop_all(clients, tasks)


async def test_the_team_port_over_the_network(served):
    s, tokens, server, url = served
    client = Client(url, tokens.teams["east"])
    task = await started(client)
    port = RemoteTeamPort(client, "east")
    seen = []
    unsubscribe = port.subscribe(lambda: seen.append(port.view().me.submitted))
    await port.send(cm.PlaceOrder("east", "east", "sam", 1))
    with pytest.raises(engine.Rejected, match="unknown item"):
        await port.send(cm.PlaceOrder("east", "east", "tank", 1))
    await port.send(cm.Submit("east", "east"))
    await wait_for(lambda: True in seen)
    assert port.status == "connected" and "east" in s.state.submitted
    unsubscribe()
    await server.stop()
    await wait_for(lambda: port.status.startswith("reconnecting"))
    assert port.view().me.submitted  # the last view stays while reconnecting
    with pytest.raises(ConnectionError, match="nothing was sent"):
        await port.send(cm.Submit("east", "east"))
    await client.close()
    await task


async def test_timer_reaches_the_teams(served):
    s, tokens, server, url = served
    client = Client(url, tokens.teams["east"])
    task = await started(client)
    server.set_timer(600)
    await wait_for(lambda: client.timer_left() is not None)
    assert 590 < client.timer_left() <= 600
    late = Client(url, tokens.teams["west"])  # joins after the timer started: told at once
    ltask = await started(late)
    await wait_for(lambda: late.timer_left() is not None)
    server.set_timer(None)
    await wait_for(lambda: client.timer_left() is None)
    await stop_all((client, late), (task, ltask))


def test_the_server_and_client_code_never_import_textual():
    """`serve --headless` runs on machines with no terminal: the network code draws nothing."""
    assert_runs_without_textual("import exercise.cli.net, exercise.net.server, exercise.net.client, "
                                "exercise.net.tokens, exercise.session, exercise.cli.simulate")


# -- cases found in review ------------------------------------------------------------------------
async def test_a_reconnected_team_is_never_left_with_a_stale_view(served):
    s, tokens, server, url = served
    east = Client(url, tokens.teams["east"], backoff=(0.05, 0.1))
    task = await started(east)
    s.execute(cm.Override("money", 900.0, "one", team="east"))
    for conn in list(server.connections):
        conn.ws.transport.abort()
    await wait_for(lambda: not east.connected)
    s.execute(cm.Override("money", 500.0, "while away", team="east"))
    await wait_for(lambda: east.connected and east.view["me"]["budget"]["money"] == 500.0)
    s.execute(cm.Override("money", 900.0, "back to what was sent before the drop", team="east"))
    await wait_for(lambda: east.view["me"]["budget"]["money"] == 900.0)
    await stop_all((east,), (task,))


async def test_answers_lost_after_the_command_was_saved_are_recognised_on_resend(served):
    """32 clients; 15 % of answers are lost just after the command was journaled."""
    s, tokens, server, url = served
    rng = random.Random(1)
    original = server._command
    cut = []

    def lossy(conn, msg):
        original(conn, msg)
        if rng.random() < 0.15:  # done and saved, but the answer never leaves
            cut.append(msg["id"])
            conn.ws.transport.abort()

    server._command = lossy
    clients = [Client(url, tokens.teams["east" if i % 2 else "west"], backoff=(0.05, 0.2)) for i in range(32)]
    tasks = [asyncio.create_task(c.run()) for c in clients]
    await asyncio.gather(*(c.wait_ready(10) for c in clients))

    async def orders(c: Client) -> list[dict]:
        out = []
        for _ in range(5):
            while True:
                try:
                    out.append(await c.send({"kind": "order", "item": "sam"}, timeout=120))  # a timeout would resend under a new id
                    break
                except ConnectionError:
                    await wait_for(lambda: c.connected, 10)
        return out

    answers = [a for per in await asyncio.gather(*(orders(c) for c in clients)) for a in per]
    placed = [r for r in s.records if r["command"]["kind"] == "order"]
    assert len(answers) == 160 and all(a["ok"] for a in answers)
    assert cut and sum(1 for a in answers if a.get("duplicate")) >= 1  # resends were recognised
    assert len(placed) == 160  # and none was done twice
    await stop_all(clients, tasks)


async def test_a_resend_after_a_restart_is_recognised_from_the_journal(served):
    s, tokens, server, url = served
    ws = await raw(url, tokens.teams["east"])
    body = {"type": "command", "id": "before-restart", "command": {"kind": "order", "item": "sam"}}
    await ws.send(json.dumps(body))
    while json.loads(await ws.recv())["type"] != "result":
        pass
    await ws.close()
    await server.stop()
    again = ExerciseServer(s, tokens, "127.0.0.1", server.port)  # as `serve --resume` builds it
    await again.start()
    try:
        ws = await raw(url, tokens.teams["east"])
        await ws.send(json.dumps(body))
        answer = json.loads(await ws.recv())
        assert answer["ok"] and answer["duplicate"]
        assert sum(1 for r in s.records if r.get("via", {}).get("id") == "before-restart") == 1
        await ws.close()
    finally:
        await again.stop()


async def test_a_hello_during_shutdown_is_refused(served):
    s, tokens, server, url = served
    ws = await raw(url)  # connected, not yet said hello
    stopping = asyncio.create_task(server.stop())
    await asyncio.sleep(0)
    try:
        await ws.send(json.dumps({"type": "hello", "protocol": p.VERSION, "token": tokens.teams["east"]}))
    except ConnectionClosed:
        pass
    code, _reason, seen = await closed_with(ws)
    await stopping
    assert code == p.CLOSE_SHUTDOWN and "welcome" not in [m["type"] for m in seen]


async def test_a_burst_of_commands_is_paced_not_refused(served, monkeypatch):
    monkeypatch.setattr(p, "RATE", 100.0)  # the same limit for server and client, a faster test
    s, tokens, server, url = served
    east = Client(url, tokens.teams["east"])
    task = await started(east)
    answers = await asyncio.gather(*(east.send({"kind": "order", "item": "sam"}) for _ in range(p.BURST + 30)))
    assert all(a["ok"] for a in answers) and east.connected and not east.fatal
    assert east.connections == 1  # paced within the limit: never cut off and reconnected
    await stop_all((east,), (task,))


async def test_a_client_that_stops_reading_is_dropped_alone(served, monkeypatch):
    import exercise.net.server as server_module

    monkeypatch.setattr(server_module, "MAX_BACKLOG", 5)
    s, tokens, server, url = served
    stuck = await raw(url, tokens.teams["east"])  # never reads again
    west = Client(url, tokens.teams["west"])
    task = await started(west)
    for i in range(40):
        s.execute(cm.AddNote(f"note {i}"))
        s.execute(cm.Override("money", 100.0 + i, "tick", team="east"))
        server._flush()  # its update now (updates of commands done together are coalesced)
    await wait_for(lambda: not any(c.team == "east" for c in server.connections))
    assert west.connected and (await west.send({"kind": "order", "item": "sam"}))["ok"]
    await stop_all((west,), (task,))
    stuck.transport.abort()


async def test_a_token_that_is_not_text_is_a_protocol_error(served):
    s, tokens, server, url = served
    ws = await raw(url)
    await ws.send('{"type": "hello", "protocol": 1, "token": "\\ud800"}')
    code, reason, _ = await closed_with(ws)
    assert code == p.CLOSE_POLICY and "not JSON text" in reason


async def test_a_client_says_why_it_cannot_connect():
    client = Client(f"ws://127.0.0.1:{free_port()}", "token", backoff=(0.01, 0.02))
    task = asyncio.create_task(client.run())
    await wait_for(lambda: client.last_error)
    assert "nothing answers at" in client.last_error and client.status.startswith("reconnecting")
    await stop_all((client,), (task,))


async def test_a_token_cannot_flood_through_many_connections(served, monkeypatch):
    monkeypatch.setattr(p, "RATE", 5.0)
    monkeypatch.setattr(p, "BURST", 10)
    s, tokens, server, url = served
    now = server.clock()
    server.clock = lambda: now  # time stands still: no refill, however slow the machine is
    before = len(s.records)
    sockets = [await raw(url, tokens.teams["east"]) for _ in range(4)]
    answers = []
    for i in range(9):  # 36 commands over 4 connections, each within its own limit
        for n, ws in enumerate(sockets):
            body = {"kind": "order", "item": "sam"}
            await ws.send(json.dumps({"type": "command", "id": f"{n}-{i}", "command": body}))
    for ws in sockets:
        for _ in range(9):
            msg = json.loads(await ws.recv())
            while msg["type"] != "result":
                msg = json.loads(await ws.recv())
            answers.append(msg)
    done = [a for a in answers if a["ok"]]
    assert len(done) == 20 and len(s.records) - before == len(done)  # the token's burst: 2 x BURST
    assert all("too fast" in a["reason"] for a in answers if not a["ok"])
    for ws in sockets:
        await ws.close()
