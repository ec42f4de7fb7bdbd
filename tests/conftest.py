"""Fixtures shared by the test modules (helpers they import are in support.py)."""

from __future__ import annotations

import functools
import gc
import sys
from pathlib import Path

# Keep compiled bytecode between runs. Under PYTHONDONTWRITEBYTECODE (set on this machine and
# in CI's shell) every worker rewrote the asserts of all ~100 test modules and compiled the
# package from source at every run: collection took 12.7 CPU s a worker instead of 3.9 (twice
# per `pytest -n 2`). This file is imported before any test module, so pytest's assertion
# rewriter caches them too; .pyc files land in __pycache__ folders, which git ignores.
sys.dont_write_bytecode = False

import pytest
import textual.constants
from support import MINI, load_fixture, to_deliberation

from exercise.engine import commands as cm
from exercise.net.server import ExerciseServer
from exercise.net.tokens import load_or_create
from exercise.session import Session

# Every app a test makes runs without animations (a tab's underline sliding, smooth scrolls):
# each animation draws frames a test never looks at, 30 % of the CPU of test_tui_leads. The
# end state is the same (snapshots wait for animations to finish anyway); many modules
# already set app.animation_level = "none" app by app. Textual reads this when an App is made.
textual.constants.TEXTUAL_ANIMATIONS = "none"  # the value of the environment's TEXTUAL_ANIMATIONS=none


@functools.cache
def _slow_module(path: Path) -> bool:
    """A module that drives a Textual app (Pilot, snapshots: 2-20 s a test) or starts Python
    processes (the crash tests, the CLI run as a user would)."""
    text = path.read_text(encoding="utf-8")
    return any(s in text for s in ("run_test(", "snap_compare", "subprocess", "sys.executable"))


def pytest_collection_modifyitems(items) -> None:
    """The slow modules run first, the quick ones after. xdist hands out tests in this order,
    so both workers end on quick tests instead of one finishing a long console test while the
    other waits (alphabetically the test_tui_* modules came last). The order is the same on
    every worker, as xdist needs."""
    items.sort(key=lambda item: not _slow_module(item.path))  # stable: within each group as collected


def pytest_collection_finish(session) -> None:
    """Collect garbage less often in the test processes: a Pilot test makes and drops many
    thousands of widgets and styles, and with Python's default thresholds the collector ran a
    full collection over everything loaded (Textual, hypothesis, the test modules) every few
    hundred ms: 25 % of the CPU of the console tests (gen2: 33 of 163 s in test_tui_team,
    _keys and _ux). Freezing what is loaded by now keeps it out of every later collection;
    garbage is still collected (every 10,000 allocations in the young generation)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 20)


@pytest.fixture(scope="session")
def mini():
    """The mini scenario (tests/fixtures/mini): two teams, a short pack, four turns."""
    return load_fixture(MINI)


@pytest.fixture
async def served(mini, tmp_path):
    """A mini exercise in deliberation of turn 1, both teams rich, served on a free port:
    (session, tokens, server, url); the server's log lines are in `server.logs`."""
    s = Session.create(mini.scenario, mini.texts, tmp_path)
    to_deliberation(s)
    for team in ("east", "west"):
        s.execute(cm.Override("money", 1000.0, "test budget", team=team))
    tokens = load_or_create(s.folder, ["east", "west"])
    logs: list[str] = []
    server = ExerciseServer(s, tokens, "127.0.0.1", 0, log=logs.append)
    await server.start()
    server.logs = logs
    yield s, tokens, server, f"ws://127.0.0.1:{server.port}"
    await server.stop()
    s.close()
