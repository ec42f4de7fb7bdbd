"""Fixtures shared by the test modules (helpers they import are in support.py)."""

from __future__ import annotations

import pytest
from support import MINI, load_fixture, to_deliberation

from exercise.engine import commands as cm
from exercise.net.server import ExerciseServer
from exercise.net.tokens import load_or_create
from exercise.session import Session


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
