"""The room: `exercise serve` as a process (killed and resumed), `exercise join` consoles,
and the facilitator console serving team terminals."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import MINI, free_port, started, stop_all, to_deliberation, wait_for
from textual.widgets import Static

from exercise import engine
from exercise.cli import main
from exercise.engine.view_json import unstructure
from exercise.net.client import Client, Fatal
from exercise.net.server import ExerciseServer
from exercise.net.tokens import load_or_create
from exercise.session import Session
from exercise.tui.app import make_app
from exercise.tui.facilitator import FacilitatorScreen
from exercise.tui.join import ConnectingScreen, JoinApp
from exercise.tui.modals import ConfirmModal, FormModal, TextModal
from exercise.tui.team import TeamScreen

ROOT = Path(__file__).resolve().parent.parent


async def serve_process(tmp_path: Path, port: int, *args: str):
    """`exercise serve --headless` as a child process; its stdout's join details."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "exercise", "serve", *args, "--headless", "--host", "127.0.0.1",
        "--port", str(port), "--saves", str(tmp_path), stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, env=env)
    lines = []
    while True:
        line = (await asyncio.wait_for(proc.stdout.readline(), 20)).decode()
        assert line, f"serve ended early: {(await proc.stderr.read()).decode()}"
        lines.append(line)
        if line.startswith("(all tokens are in"):
            break
    text = "".join(lines)
    tokens = dict(re.findall(r"--team (\S+) --token (\S+)", text))
    tokens["facilitator"] = re.search(r"facilitator token: (\S+)", text).group(1)
    url = re.search(r"exercise join (\S+) ", text).group(1)
    return proc, text, tokens, url


async def test_serve_killed_and_resumed_loses_nothing_acknowledged(tmp_path):
    port = free_port()
    proc, text, tokens, url = await serve_process(tmp_path, port, str(MINI))
    assert url == f"ws://127.0.0.1:{port}"
    assert "textual" not in text.lower()
    save = re.search(r"save (\S+)", text).group(1)
    fac, east, west = (Client(url, tokens[k], backoff=(0.05, 0.3)) for k in ("facilitator", "east", "west"))
    tasks = [await started(c) for c in (fac, east, west)]
    try:
        for kind in ("start", "advance", "advance"):
            assert (await fac.send({"kind": kind}))["ok"]
        assert (await fac.send({"kind": "override", "target": "money", "value": 50.0, "team": "east",
                                "rationale": "test"}))["ok"]
        acknowledged = [await east.send({"kind": "order", "item": "sam"}) for _ in range(3)]
        acknowledged.append(await west.send({"kind": "argue", "action": "Close the border", "result": "quiet"}))
        assert all(a["ok"] for a in acknowledged)
        await wait_for(lambda: len(east.view["me"]["orders"]) == 3)
        before = east.view

        proc.send_signal(signal.SIGKILL)
        await proc.wait()
        await wait_for(lambda: not east.connected and not west.connected)
        with pytest.raises(ConnectionError, match="nothing was sent"):
            await east.send({"kind": "submit"})

        proc, text2, tokens2, _ = await serve_process(tmp_path, port, "--resume", Path(save).name)
        assert tokens2 == tokens  # the same join commands work after a restart
        await wait_for(lambda: east.connected and west.connected and fac.connected, 15)
        assert east.connections == west.connections == 2
        assert east.view == before  # nothing acknowledged was lost
        assert [a["action"] for a in west.view["me"]["actions"]] == ["Close the border"]
        # and the exercise goes on
        assert (await east.send({"kind": "submit"}))["ok"]
        assert (await west.send({"kind": "submit"}))["ok"]
        assert (await fac.send({"kind": "advance"}))["ok"]
        await wait_for(lambda: east.view["phase"] == "adjudication")
    finally:
        proc.send_signal(signal.SIGTERM)  # a clean stop
        code = await asyncio.wait_for(proc.wait(), 10)
        await stop_all((fac, east, west), tasks)
    assert code == 0
    session = Session.open(Path(save))  # the journal replays: 3 orders, once each
    try:
        orders = [r for r in session.records if r["command"]["kind"] == "order"]
        assert len(orders) == 3 and session.state.phase == "adjudication"
    finally:
        session.close()


def test_serve_and_join_say_what_is_wrong(tmp_path):
    runner = CliRunner()
    r = runner.invoke(main, ["serve", str(MINI), "--saves", str(tmp_path)])
    assert r.exit_code == 2 and "needs a terminal; use --headless" in r.output
    r = runner.invoke(main, ["serve", "nope", "--resume", "x", "--headless", "--saves", str(tmp_path)])
    assert r.exit_code == 2 and "not both" in r.output
    r = runner.invoke(main, ["join", "http://x", "--team", "east", "--token", "t"])
    assert r.exit_code == 2 and "starts with ws://" in r.output
    r = runner.invoke(main, ["join", "ws://x:1", "--team", "east"], env={"EXERCISE_TOKEN": ""})
    assert r.exit_code == 2 and "a token is needed" in r.output
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    try:
        r = runner.invoke(main, ["serve", str(MINI), "--headless", "--host", "127.0.0.1", "--port",
                                 str(taken.getsockname()[1]), "--saves", str(tmp_path)])
    finally:
        taken.close()
    assert r.exit_code == 1 and "cannot listen on" in r.output and "--port" in r.output
    assert "Traceback" not in r.output


# -- exercise join: the team console over the network ----------------------------------------------
def status_bar(screen) -> str:
    return str(screen.query_one("#tm-money", Static).content)


async def test_join_console_acts_over_the_network_and_shows_the_connection(served):
    s, tokens, server, url = served
    app = JoinApp(Client(url, tokens.teams["east"], backoff=(0.05, 0.2)), "east")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(lambda: isinstance(app.screen, TeamScreen) and app.screen.view, pilot=pilot)
        screen = app.screen
        assert isinstance(screen, TeamScreen) and "connected" in status_bar(screen)
        await pilot.press("3")
        await pilot.press("o")
        await wait_for(lambda: isinstance(app.screen, FormModal), pilot=pilot)
        await pilot.press("ctrl+s")
        await wait_for(lambda: any(o.team == "east" and o.item == "sam" for o in s.state.orders.values()), pilot=pilot)
        assert s.records[-1]["command"] == {"kind": "order", "actor": "east", "team": "east", "item": "sam",
                                            "quantity": 1}
        await pilot.press("s")
        await wait_for(lambda: isinstance(app.screen, ConfirmModal), pilot=pilot)
        await pilot.press("y")
        await wait_for(lambda: "east" in s.state.submitted
                       and "SUBMITTED" in str(screen.query_one("#tm-banner", Static).content), pilot=pilot)
        assert "east" in s.state.submitted
        # the server goes away: the console keeps its last view and says so
        await server.stop()
        await wait_for(lambda: "reconnecting" in status_bar(screen), pilot=pilot)
        assert "reconnecting" in status_bar(screen) and screen.has_class("-offline")
        await server.start()
        await wait_for(lambda: status_bar(screen).endswith("connected"), 10, pilot=pilot)
        assert not screen.has_class("-offline")


async def test_join_with_a_wrong_token_or_team_exits_with_the_reason(served):
    s, tokens, server, url = served
    app = JoinApp(Client(url, "wrong"), "east")
    async with app.run_test() as pilot:
        await pilot.pause(0.5)
    assert app.return_code == 1
    app = JoinApp(Client(url, tokens.teams["west"]), "east")
    async with app.run_test() as pilot:
        assert isinstance(app.screen, ConnectingScreen) or app.return_code == 1
        await pilot.pause(0.5)
    assert app.return_code == 1


async def test_facilitator_console_serves_and_lists_the_join_commands(mini, tmp_path):
    s = Session.create(mini.scenario, mini.texts, tmp_path)
    tokens = load_or_create(s.folder, ["east", "west"])
    server = ExerciseServer(s, tokens, "127.0.0.1", 0)
    server.bind()
    server.url = f"ws://127.0.0.1:{server.port}"
    app = make_app(session=s, server=server)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, FacilitatorScreen)
        assert "0/2 teams online" in str(app.screen.query_one("#status").content)
        west = Client(server.url, tokens.teams["west"])
        task = await started(west)
        await wait_for(lambda: "1/2 teams online" in str(app.screen.query_one("#status").content), pilot=pilot)
        assert "1/2 teams online" in str(app.screen.query_one("#status").content)
        await pilot.press("n")  # the facilitator starts: the team terminal follows
        await wait_for(lambda: west.view["status"] == "running", pilot=pilot)
        assert west.view == json.loads(json.dumps(unstructure(engine.player_view(s.state, "west", s.ledger()))))
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, TextModal)
        text = app.screen.markdown
        assert f"exercise join {server.url} --team east --token {tokens.teams['east']}" in text
        assert "| west | 1 |" in text
        await stop_all((west,), (task,))
    s.close()


@pytest.mark.skipif(not shutil.which("openssl"), reason="needs the openssl command to make a certificate")
async def test_wss_with_the_rooms_own_certificate(tmp_path):
    key, crt = tmp_path / "room.key", tmp_path / "room.crt"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=exercise",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(crt)],
                   check=True, capture_output=True)
    port = free_port()
    proc, text, tokens, url = await serve_process(tmp_path, port, str(MINI), "--certfile", str(crt), "--keyfile",
                                                  str(key))
    try:
        assert url == f"wss://127.0.0.1:{port}"
        client = Client(url, tokens["east"], ssl=ssl.create_default_context(cafile=str(crt)))
        task = await started(client)
        assert client.welcome["team"] == "east"
        await stop_all((client,), (task,))
        stranger = Client(url, tokens["east"], ssl=ssl.create_default_context(), backoff=(0.05, 0.1))
        task = asyncio.create_task(stranger.run())  # without the room's certificate: refused, with the reason
        with pytest.raises(Fatal, match="certificate verify failed"):
            await stranger.wait_ready(5)
        await stop_all((stranger,), (task,))
    finally:
        proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(proc.wait(), 10)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_join_console_snapshot(snap_compare, mini, tmp_path, size):
    """The team console over the network, connected, in deliberation (a real server on loopback)."""

    s = Session.create(mini.scenario, mini.texts, tmp_path)
    to_deliberation(s)
    tokens = load_or_create(s.folder, ["east", "west"])
    server = ExerciseServer(s, tokens, "127.0.0.1", 0)
    server.bind()  # the port is known before the app (and its loop) starts
    app = JoinApp(Client(f"ws://127.0.0.1:{server.port}", tokens.teams["east"]), "east")

    async def connected(pilot):
        await server.start()
        await wait_for(lambda: isinstance(app.screen, TeamScreen) and app.screen.view, 10, pilot=pilot)
        await pilot.pause()

    try:
        assert snap_compare(app, terminal_size=size, run_before=connected)
    finally:
        s.close()
