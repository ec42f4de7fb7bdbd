"""Helpers shared by the engine tests (a test module with no tests, importable by the others)."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import attrs
import pytest
from support import DRILL, MINI  # noqa: F401 - MINI is re-exported to test_engine_core

from exercise import model
from exercise.engine import Rejected, apply, execute, from_dict, initial_state, replay, to_dict
from exercise.engine import commands as cm
from exercise.packs import loader
from exercise.packs.problems import Problems


@functools.cache
def load(path: Path = DRILL) -> model.Scenario:
    problems = Problems()
    loaded = loader.load_scenario(path, problems)
    assert not problems.errors, [str(p) for p in problems.errors]
    return loaded.scenario


def drill(**changes) -> model.Scenario:
    """The drill scenario, optionally with some top-level fields replaced."""
    s = load(DRILL)
    return attrs.evolve(s, **changes) if changes else s


def with_injects(*injects: model.Inject, **changes) -> model.Scenario:
    """The drill scenario with only these injects (no packs)."""
    return drill(injects=tuple(injects), included=(), **changes)


class Game:
    """Drives an exercise, checking after every command that the state is the fold of the
    events and that every event survives a JSON round trip."""

    def __init__(self, scenario: model.Scenario | None = None, seed: int | None = None, start: bool = True):
        self.scenario = scenario or drill()
        self.initial = initial_state(self.scenario, seed)
        self.state = self.initial
        self.events: list = []
        self.batches: list[list] = []  # each command's events (the ledger folds them command by command)
        if start:
            self.do(cm.Start())

    def do(self, command) -> list:
        before = self.state
        self.state, events = execute(before, command)
        for e in events:
            assert from_dict(json.loads(json.dumps(to_dict(e)))) == e
        step = before
        for e in events:
            step = apply(step, e)
        assert step == self.state
        self.events.extend(events)
        self.batches.append(events)
        return events

    def reject(self, command, match: str = "") -> str:
        before = self.state
        with pytest.raises(Rejected) as info:
            execute(before, command)
        assert self.state is before
        if match:
            assert match in info.value.reason, info.value.reason
        return info.value.reason

    def replayed(self):
        return replay(self.initial, self.events)

    # -- short hands ------------------------------------------------------------------
    def advance(self, force: bool = False) -> list:
        return self.do(cm.Advance(force=force))

    def to(self, turn: int, phase: str) -> list:
        """Advance (forcing) until turn/phase."""
        out = []
        while (self.state.turn, model.PHASES.index(self.state.phase)) < (turn, model.PHASES.index(phase)):
            out += self.advance(force=True)
        assert (self.state.turn, self.state.phase) == (turn, phase)
        return out

    def team(self, cls, team: str, **kw) -> list:
        return self.do(cls(actor=team, team=team, **kw))

    def kinds(self, events=None) -> list[str]:
        return [e.kind for e in (self.events if events is None else events)]

    @property
    def s(self):
        return self.state


def of(events, cls) -> list:
    return [e for e in events if isinstance(e, cls)]
