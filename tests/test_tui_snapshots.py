"""What the main screens look like, at 80x24 and 120x40 (pytest-textual-snapshot).

Update after an intended change with `pytest tests/test_tui_snapshots.py --snapshot-update`
and look at the SVGs in tests/__snapshots__/ before committing them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from exercise.engine import commands as cm
from exercise.packs import loader
from exercise.packs.problems import Problems
from exercise.session import Session
from exercise.tui.app import make_app

ROOT = Path(__file__).parent.parent


def default_session(tmp_path, advances: int = 3) -> Session:
    loaded = loader.load_scenario(loader.find_scenario("deadline-2027"), Problems())
    s = Session.create(loaded.scenario, loaded.texts, tmp_path, name="Snapshot")
    s.execute(cm.Start())
    for _ in range(advances - 1):
        s.execute(cm.Advance())
    return s


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@pytest.mark.parametrize("tab", ["1", "2", "4"])
def test_facilitator_console(snap_compare, tmp_path, size, tab):
    app = make_app(session=default_session(tmp_path))
    assert snap_compare(app, press=[tab], terminal_size=size)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_start_screen(snap_compare, tmp_path, monkeypatch, size):
    monkeypatch.chdir(tmp_path)  # no local scenarios or saves: only the bundled ones
    app = make_app(saves_root=tmp_path / "saves")
    assert snap_compare(app, terminal_size=size)


def test_force_advance_confirmation(snap_compare, tmp_path):
    app = make_app(session=default_session(tmp_path))
    assert snap_compare(app, press=["n"], terminal_size=(80, 24))
