"""A fixed, scripted exercise of the engine drill scenario, saved with fixed timestamps:
the input of the debrief's golden tests, Pilot tests and snapshots.

Every line of the journal is the same on every run (same commands, seed and clock), so
the after-action reports exported from it can be compared byte for byte with the files
in tests/golden/. Regenerate those after an intended change with

    UPDATE_GOLDEN=1 python -m pytest tests/test_debrief_export.py

and read the diff before committing it.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from exercise.engine import commands as cm
from exercise.journal import saves
from exercise.packs import loader
from exercise.packs.problems import Problems
from exercise.session import Session

FIXTURES = Path(__file__).parent / "fixtures"
DRILL = FIXTURES / "engine" / "scenarios" / "drill.toml"
GOLDEN = Path(__file__).parent / "golden"
EVIL = "<script>alert('x')</script> & \"quotes\" | pipes"


def fixed_clock():
    minutes = itertools.count()
    return lambda: f"2026-03-02T{9 + (m := next(minutes)) // 60:02d}:{m % 60:02d}:00+00:00"


def drill():
    loaded = loader.load_scenario(DRILL, Problems())
    assert loaded.scenario is not None
    return loaded


def scripted_save(root: Path, end: bool = True, name: str = "Golden drill") -> Path:
    """Play the drill: decisions, orders, an argued action and its adjudication, an
    override, an ad-hoc inject, rated notes; to the end (or stopped in turn 3)."""
    loaded = drill()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(saves, "now", fixed_clock())
        s = Session.create(loaded.scenario, loaded.texts, root, name=name)
        run = s.execute
        run(cm.Start())
        run(cm.Advance())  # injects: drones to East
        run(cm.Advance())  # deliberation
        run(cm.Answer("east", "east", "drones", "shoot"))
        run(cm.PlaceOrder("east", "east", "drone", 1))
        run(cm.Argue("east", "east", "Close the border crossings", "Fewer drones", "Public pressure"))
        run(cm.Allocate("west", "west", {"sustain": 0.6, "invest": 0.3, "resilience": 0.1}))
        run(cm.Submit("east", "east"))
        run(cm.Submit("west", "west"))
        run(cm.Advance())  # adjudication
        action = next(iter(s.state.actions))
        run(cm.Adjudicate(action, 70, "The border guard is ready", ({"track": "trust", "add": 0.5},)))
        run(cm.AddNote("East answered within minutes and shot the drones down", ("strength",), "drones", "air", "S"))
        run(cm.Override("track", 4.0, "US desk reacts to the border incident", track="trust"))
        run(cm.Advance())  # summary
        run(cm.AddNote("West did not explain its allocation to the room", (), None, "air", "M"))
        run(cm.Advance())  # turn 2 briefing
        run(cm.Advance())  # injects
        run(cm.FireAdHoc("Cable cut in the Baltic", "A data cable is cut.", ("all",)))
        run(cm.Advance())  # deliberation
        run(cm.Answer("west", "west", "summit", "pledge"))
        run(cm.AddNote(EVIL, ("observation",)))
        while s.state.status == "running" and (end or s.state.turn < 3):
            run(cm.Advance(force=True))
        if end:
            run(cm.AddNote("Nobody took the lead of JFC North", ("improvement",), None, "air", "U"))
        folder = s.folder
        s.close()
    return folder
