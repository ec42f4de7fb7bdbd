"""Helpers shared by the test modules: the fixture scenarios, a free port, the one polling
helper, the network test clients, and what an app told the user.

Fixtures live in conftest.py; this plain module holds what modules need at import time
(paths in parametrize lists, helper functions), so no test module imports another.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import json
import os
import socket
import weakref
from pathlib import Path

from exercise.packs import loader
from exercise.packs.problems import Problems

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini" / "scenarios" / "mini.toml"
DRILL = FIXTURES / "engine" / "scenarios" / "drill.toml"
CONSOLE = FIXTURES / "console" / "scenarios" / "console.toml"  # the facilitator snapshots' scenario
DEFAULT = Path(__file__).parent.parent / "scenarios" / "deadline-2027.toml"  # the bundled scenario


@functools.cache
def load_fixture(path: Path = MINI):
    """A fixture scenario, loaded once per worker; it must load without errors."""
    problems = Problems()
    loaded = loader.load_scenario(path, problems)
    assert loaded.scenario is not None and not problems.errors, [str(p) for p in problems.errors]
    return loaded


def free_port() -> int:
    """A loopback port nothing listens on (for a server to take, or to find closed)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def _describe(predicate) -> str:
    try:
        return inspect.getsource(predicate).strip()
    except (OSError, TypeError):
        return repr(predicate)


async def wait_for(predicate, timeout: float = 5.0, what: str | None = None, *, pilot=None) -> None:
    """Let the event loop (and the app, given its `pilot`) run until `predicate()` holds.

    Fails with an AssertionError naming what it waited for after `timeout` seconds: a test
    never goes on as if the condition held. With a pilot, each round lets the app run until
    it is idle (Pilot.pause), which also lets the network and timers run.
    """
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not predicate():
        if loop.time() > end:
            raise AssertionError(f"timed out after {timeout} s waiting for: {what or _describe(predicate)}")
        if pilot is not None:
            await pilot.pause()  # waits for the app to go idle: no busy loop, and cheaper than sleeps
        else:
            await asyncio.sleep(0.01)


_SAID: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def record_notifications(app) -> list[str]:
    """From now on, record every notification `app` shows, as "title: message", through its
    public `notify` (Widget.notify goes through App.notify too) instead of reading Textual's
    private `_notifications`. Recorded ones stay after their toast expires. Returns the list,
    which `notifications(app)` also gives."""
    said: list[str] = []
    original = app.notify

    def notify(message, *args, title: str = "", **kwargs):
        said.append(f"{title}: {message}")
        return original(message, *args, title=title, **kwargs)

    app.notify = notify
    _SAID[app] = said
    return said


def notifications(app) -> list[str]:
    """What `app` has told the user since `record_notifications(app)`."""
    assert app in _SAID, "call record_notifications(app) when the app is made"
    return _SAID[app]


def screen_lines(app) -> list[str]:
    """The terminal's lines as drawn now, top to bottom: what the player reads at the app's
    size (a cell cut by its column or by the screen's edge reads cut here), from the app's
    public SVG screenshot (each line's text spans, in order)."""
    import html
    import re

    svg = app.export_screenshot()
    lines: dict[int, list[tuple[float, str]]] = {}
    for m in re.finditer(r'<text[^>]*x="([\d.]+)"[^>]*clip-path="url\(#[\w-]+-line-(\d+)\)"[^>]*>(.*?)</text>', svg):
        lines.setdefault(int(m.group(2)), []).append((float(m.group(1)), html.unescape(m.group(3))))
    out = []
    for _n, spans in sorted(lines.items()):
        line = ""
        for x, t in sorted(spans):  # each span at its column (Rich draws a cell 12.2 units wide)
            line = line.ljust(round(x / 12.2)) + t.replace("\xa0", " ")
        out.append(line)
    return out


def toast_visible(app, text: str) -> bool:
    """Whether a notification holding `text` is on screen now (queried by the widget's public
    type name: Textual does not export the Toast class)."""
    return any(text in str(t.render()) for t in app.screen.query("Toast"))


# -- the network test clients -------------------------------------------------------------------
async def raw(url: str, token: str | None = None, **kw):
    """A bare WebSocket that has said hello (when given a token) and read welcome + snapshot."""
    from websockets.asyncio.client import connect

    from exercise.net import protocol as p

    ws = await connect(url, max_size=None, **kw)
    if token is not None:
        await ws.send(json.dumps({"type": "hello", "protocol": p.VERSION, "token": token}))
        assert json.loads(await ws.recv())["type"] == "welcome"
        assert json.loads(await ws.recv())["type"] == "snapshot"
    return ws


async def closed_with(ws) -> tuple[int | None, str, list[dict]]:
    """Read until the server closes; the close code, reason and the messages before it."""
    from websockets.exceptions import ConnectionClosed

    seen = []
    try:
        while True:
            seen.append(json.loads(await asyncio.wait_for(ws.recv(), 5)))
    except ConnectionClosed as e:
        return e.rcvd.code if e.rcvd else None, e.rcvd.reason if e.rcvd else "", seen


async def started(client) -> asyncio.Task:
    task = asyncio.create_task(client.run())
    await client.wait_ready(5)
    return task


async def stop_all(clients, tasks) -> None:
    for c in clients:
        await c.close()
    await asyncio.gather(*tasks)


def play_default(root: Path):
    """The default scenario (with its packs) played for three turns by bots, with the
    facilitator's moves (an argued action adjudicated, a rated note), into the summary of
    turn 3: a Session the caller closes."""
    from exercise.bots.policies import spender
    from exercise.dryrun.simulate import bot_turn
    from exercise.engine import commands as cm
    from exercise.engine.rolls import Dice
    from exercise.session import Session

    loaded = load_fixture(DEFAULT)
    s = Session.create(loaded.scenario, loaded.texts, root, name="Played", seed=7)  # the same play every run
    dice = Dice(7)

    def run(state, command):
        s.execute(command)
        return s.state

    s.execute(cm.Start())
    for turn in range(1, 4):
        while s.state.phase != "deliberation":
            s.execute(cm.Advance())
        if turn == 1:
            team = s.state.rules.team_ids[0]
            s.execute(cm.Argue(team, team, "Close the border crossings", "Fewer drones", "Public pressure"))
        for team in s.state.rules.team_ids:
            bot_turn(s.state, team, spender, dice, run=run)
        if turn == 1:
            action = next(iter(s.state.actions))
            s.execute(cm.Adjudicate(action, 70, "plausible"))
            iid = next(iter(s.state.fired))
            team = s.state.rules.team_ids[1]
            objective = next(iter(s.state.rules.objectives))
            s.execute(cm.AddNote("Briefed well", ("strength",), iid, objective, "S", team=team, author="Maj. Berg"))
        s.execute(cm.Advance(force=True))
    while s.state.phase != "summary":
        s.execute(cm.Advance())
    s.execute(cm.Advance())  # the turn log of turn 3 is written
    return s


def team_app(session, team: str | None = None):
    """The console of `session` for a test, with its notifications recorded; with `team`, opened
    on that team's screen (make_app's `team`) for a test of the team console: the facilitator's
    console is then not built (about half of such a test's CPU time) unless escape opens it."""
    from exercise.tui.app import make_app

    app = make_app(session=session, team=team)
    app.animation_level = "none"  # tab underlines and scrolling would slow every key down
    record_notifications(app)
    return app


def to_deliberation(session) -> None:
    """Start the exercise and advance to the first deliberation (where teams act)."""
    from exercise.engine import commands as cm

    session.execute(cm.Start())
    while session.state.phase != "deliberation":
        session.execute(cm.Advance())


class Ran:
    """What a command run in this process did: like subprocess.CompletedProcess."""

    def __init__(self, returncode: int, stdout: str, stderr: str):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def run_cli(*args, cwd: Path | str | None = None, input: str | None = None) -> Ran:
    """`exercise ARGS` run in this process (click's CliRunner, from `cwd`) instead of a new
    Python: the same command group, exit status, standard output and error, without a
    0.2-0.5 CPU s interpreter start. An exception the command let through fails the test with
    its traceback (where a real process would have printed one). Tests of what only a real
    process shows (signals, a full or closed stdout, a terminal) start one."""
    from click.testing import CliRunner

    from exercise.cli import main

    before = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        res = CliRunner().invoke(main, [str(a) for a in args], input=input)
    finally:
        os.chdir(before)
    if res.exception is not None and not isinstance(res.exception, SystemExit):
        raise res.exception
    return Ran(res.exit_code, res.stdout, res.stderr)
