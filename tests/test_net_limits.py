"""One team must not exhaust the server (issue 11): bounded text, a byte bound on what a
connection has waiting, TCP_NODELAY, numbers out of range, and a log that network strings
cannot forge or colour."""

from __future__ import annotations

import json
import socket
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import closed_with, raw, started, stop_all, wait_for
from websockets.asyncio.client import connect

import exercise.net.server as server_module
from exercise.engine import commands as cm
from exercise.net import protocol as p
from exercise.net.client import Client

BIG = "1" + "0" * 400  # a valid JSON integer no float can hold


# -- numbers and the protocol version, without a network ------------------------------------
@pytest.mark.parametrize("frame", [
    '{"type":"command","id":"a","command":{"kind":"set_spending","ally":"PL","spending":' + BIG + '}}',
    '{"type":"command","id":"a","command":{"kind":"override","target":"track","value":-' + BIG + ',"rationale":"r"}}',
    '{"type":"command","id":"a","command":{"kind":"order","item":"sam","quantity":' + BIG + '}}',
    '{"type":"command","id":"a","command":{"kind":"fire_adhoc","title":"t","effects":[{"add":' + BIG + '}]}}',
    '{"type":"command","id":"a","command":{"kind":"allocate","shares":{"a":1e400}}}',
])
def test_numbers_out_of_a_floats_range_are_protocol_errors_with_a_reason(frame):
    with pytest.raises(p.ProtocolError) as info:
        p.parse(frame)
    assert "too large a number" in info.value.reason and info.value.code == p.CLOSE_POLICY


@pytest.mark.parametrize("version", ["true", "4.0", '"4"', "false", "1", "2", "3"])
def test_the_protocol_version_must_be_the_integer_version(version):
    # 1 and 2 are refused: their views lack what the team console shows (estimates...);
    # 3: its clients take an update's view whole, and updates now carry patches
    assert p.VERSION == 4
    with pytest.raises(p.ProtocolError, match="protocol version"):
        p.parse('{"type":"hello","protocol":' + version + ',"token":"t"}')
    p.parse('{"type":"hello","protocol":4,"token":"t"}')


# -- over the network -------------------------------------------------------------------------
async def test_a_huge_number_closes_with_a_reason_not_an_internal_error(served):
    s, tokens, server, url = served
    ws = await raw(url, tokens.teams["east"])
    await ws.send('{"type":"command","id":"x","command":{"kind":"set_spending","ally":"PL","spending":' + BIG + '}}')
    code, reason, seen = await closed_with(ws)
    assert code == p.CLOSE_POLICY and "too large a number" in reason
    assert seen[-1]["type"] == "error"


@pytest.mark.parametrize("version", [True, 1.0])
async def test_hello_with_protocol_true_or_1_0_is_refused(served, version):
    s, tokens, server, url = served
    ws = await connect(url)
    await ws.send(json.dumps({"type": "hello", "protocol": version, "token": tokens.teams["east"]}))
    code, reason, seen = await closed_with(ws)
    assert code == p.CLOSE_POLICY and "protocol version" in reason
    assert [m["type"] for m in seen] == ["error"]


async def test_accepted_sockets_have_tcp_nodelay(served):
    s, tokens, server, url = served
    ws = await raw(url, tokens.teams["east"])
    await wait_for(lambda: server.connections)
    for conn in server.connections:
        sock = conn.ws.transport.get_extra_info("socket")
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    await ws.close()


async def test_a_60_kb_argue_is_answered_refused_and_the_connection_kept(served):
    s, tokens, server, url = served
    east = Client(url, tokens.teams["east"])
    task = await started(east)
    before = len(s.records)
    answer = await east.send({"kind": "argue", "action": "a" * 20_000, "result": "b" * 20_000, "reasons": "c"})
    assert not answer["ok"] and "the action is too long: 20,000 characters, at most 4,000" in answer["reason"]
    assert len(s.records) == before and east.connected
    await stop_all((east,), (task,))


async def test_a_reader_that_falls_behind_is_dropped_by_bytes_waiting_not_buffered(served, monkeypatch):
    monkeypatch.setattr(server_module, "MAX_PENDING_BYTES", 256 * 1024)
    s, tokens, server, url = served
    sock = socket.create_connection(("127.0.0.1", server.port))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # the kernel holds little for it
    stuck = await connect(url, sock=sock, max_queue=1, max_size=None)  # reads one frame, then never
    await stuck.send(json.dumps({"type": "hello", "protocol": p.VERSION, "token": tokens.teams["east"]}))
    west = Client(url, tokens.teams["west"])
    task = await started(west)
    # far fewer messages than MAX_BACKLOG, but each update carries east's growing inbox
    for i in range(100):
        s.execute(cm.FireAdHoc(f"inject {i}", "x" * cm.MAX_TEXT, to=("east",)))
        server._flush()  # its update now (updates of commands done together are coalesced)
        if not any(c.team == "east" for c in server.connections):
            break
    await wait_for(lambda: not any(c.team == "east" for c in server.connections))
    assert i < server_module.MAX_BACKLOG
    assert any("fell behind" in line and "east" in line for line in server.logs), server.logs
    assert west.connected and (await west.send({"kind": "order", "item": "sam"}))["ok"]
    await stop_all((west,), (task,))
    stuck.transport.abort()


async def test_strings_from_the_network_are_escaped_and_cut_in_the_log(served):
    s, tokens, server, url = served
    forged = "\x1b[2J\x1b[31mred\r\n12:00:00 west@1.2.3.4:5 connected (fake)\u2028" + "z" * 5000
    ws = await connect(url)
    await ws.send(json.dumps({"type": "hello", "protocol": p.VERSION, "token": tokens.teams["east"],
                              "client": forged[:90]}))
    await ws.recv()
    await ws.recv()
    await ws.send(json.dumps({"type": "command", "id": "x", "command": {"kind": forged}}))
    await closed_with(ws)
    ws = await connect(url)
    await ws.send(json.dumps({"type": "hello", "protocol": p.VERSION, "token": tokens.teams["east"],
                              "client": forged}))
    await closed_with(ws)
    await wait_for(lambda: sum("bad" in line for line in server.logs) >= 2)
    assert any("connected (" in line and "fake)" in line for line in server.logs)
    logged = "\n".join(server.logs)
    assert "\\x1b[2J" in logged and "\\r\\n12:00:00" in logged
    for line in server.logs:
        assert line.isprintable(), repr(line)
        assert len(line) <= server_module.MAX_LOG_LINE


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(sorted(cm.COMMANDS)),
       st.sampled_from(["quantity", "value", "spending", "amount", "likelihood", "turns", "effects", "shares",
                        "protocol"]),
       st.integers(min_value=-10 ** 500, max_value=10 ** 500) | st.floats(allow_nan=False, allow_infinity=False)
       | st.integers().map(lambda n: 10 ** 300 * 10 ** (abs(n) % 200)))
def test_any_number_in_any_field_parses_or_is_refused_with_a_reason(kind, field, number):
    value = [{"add": number}] if field == "effects" else {"a": number} if field == "shares" else number
    frame = json.dumps({"type": "command", "id": "x", "command": {"kind": kind, field: value}})
    try:
        msg = p.parse(frame)
        p.command_for(msg["command"], "facilitator", None)
    except (p.ProtocolError, p.Refused) as e:
        assert str(e)
    if isinstance(number, int) and abs(number) > sys.float_info.max:
        with pytest.raises(p.ProtocolError, match="too large a number"):
            p.parse(frame)


def test_printable_escapes_control_characters_and_cuts():
    assert server_module.printable("a\x1b[31mb\nc\u2028d\\", 100) == "a\\x1b[31mb\\nc\\u2028d\\"
    assert server_module.printable("x" * 50, 10) == "xxxxxxx..."
    assert server_module.printable("plain text, é ü", 100) == "plain text, é ü"
