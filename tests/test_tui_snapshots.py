"""What the main screens look like, at 80x24 and 120x40 (pytest-textual-snapshot).

Update after an intended change with `pytest tests/test_tui_snapshots.py --snapshot-update`
and look at the SVGs in tests/__snapshots__/ before committing them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support import CONSOLE, load_fixture, wait_for

from exercise.engine import commands as cm
from exercise.session import Session
from exercise.tui.app import make_app

ROOT = Path(__file__).parent.parent


def default_session(tmp_path) -> Session:
    """The console fixture scenario (not the bundled content, so editing that leaves these
    snapshots alone) in deliberation of turn 1, with something on every tab: injects
    delivered, held, skipped, answered and in reserve, an order, a submitted team, an
    argued action, notes."""
    loaded = load_fixture(CONSOLE)
    s = Session.create(loaded.scenario, loaded.texts, tmp_path, name="Snapshot")
    s.execute(cm.Start())
    s.execute(cm.HoldInject("leak"))
    s.execute(cm.SkipInject("summit"))
    s.execute(cm.Advance())  # injects: the rest of turn 1's are delivered
    s.execute(cm.Advance())  # deliberation
    s.execute(cm.Answer("north", "north", "cable", "patrol"))
    s.execute(cm.PlaceOrder("south", "south", "frigate", 1))
    s.execute(cm.Submit("south", "south"))
    s.execute(cm.Argue("centre", "centre", "Isolate the port network", "Ships sail again", "the backups are clean"))
    s.execute(cm.AddNote("North patrols the cable at once", objective="sea", rating="S"))
    s.execute(cm.AddNote("Centre asked who pays for the port", tags=("budget",)))
    return s


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@pytest.mark.parametrize("tab", ["1", "2", "3", "4", "5"])
def test_facilitator_console(snap_compare, tmp_path, size, tab):
    app = make_app(session=default_session(tmp_path))
    assert snap_compare(app, press=[tab], terminal_size=size)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_start_screen(snap_compare, tmp_path, monkeypatch, size):
    monkeypatch.chdir(tmp_path)  # no local scenarios or saves: only the bundled ones
    app = make_app(saves_root=tmp_path / "saves")
    assert snap_compare(app, terminal_size=size, run_before=scenarios_loaded)


async def scenarios_loaded(pilot) -> None:
    """The start screen loads its scenarios in a thread after its first frame: wait for them."""
    await wait_for(lambda: getattr(pilot.app.screen, "scenarios_ready", False), 30, "the scenarios", pilot=pilot)
    await pilot.pause()


def test_force_advance_confirmation(snap_compare, tmp_path):
    app = make_app(session=default_session(tmp_path))
    assert snap_compare(app, press=["n"], terminal_size=(80, 24))
