"""The facilitator's Red tab at 80x24 and 120x40 (pytest-textual-snapshot), on the red
fixture scenario (not the bundled content, so editing that leaves these snapshots alone):
turn 2's deliberation, two acts of turn 1 resolved (one noticed but unattributed, one
attributed) and one planned, the last act selected with its rolls.

Update after an intended change with `pytest tests/test_tui_red_snapshots.py --snapshot-update`."""

from __future__ import annotations

import pytest
from support import FIXTURES, load_fixture, to_deliberation, wait_for
from textual.widgets import DataTable, Static

from exercise.engine import commands as cm
from exercise.session import Session
from exercise.tui.app import make_app

RED = FIXTURES / "red" / "scenarios" / "red.toml"


def red_session(tmp_path) -> Session:
    loaded = load_fixture(RED)
    s = Session.create(loaded.scenario, loaded.texts, tmp_path, name="Snapshot", seed=3)
    to_deliberation(s)
    s.execute(cm.RedAct("sabotage", "east"))
    s.execute(cm.RedAct("jam", "north"))
    s.execute(cm.Advance(force=True))
    while s.state.phase != "deliberation":
        s.execute(cm.Advance())
    s.execute(cm.RedAct("disinfo"))
    return s


async def on_the_red_tab(pilot) -> None:
    """Press 6 and wait until the Red tab is drawn with its tables and details filled: a pause
    alone gives up after 1 s of a busy app, and on a loaded machine the shot came too early."""
    await pilot.press("6")
    screen = pilot.app.screen
    await wait_for(lambda: screen.query_one("#red-actions", DataTable).region.width > 0
                   and screen.query_one("#red-actions", DataTable).row_count > 0
                   and screen.query_one("#red-moves", DataTable).row_count > 0
                   and str(screen.query_one("#red-action-detail", Static).content)
                   and str(screen.query_one("#red-move-detail", Static).content), 20, pilot=pilot)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_red_tab(snap_compare, tmp_path, size):
    app = make_app(session=red_session(tmp_path))
    assert snap_compare(app, terminal_size=size, run_before=on_the_red_tab)
