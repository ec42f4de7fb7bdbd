"""The facilitator's notes table follows a resize of the terminal at once: its Note and
Objective cells are cut for the new width (By stays whole on the screen at 80 columns, and
a widened screen shows more of each note), not at the next change of the notes."""

from __future__ import annotations

import pytest
from support import DEFAULT, load_fixture, to_deliberation, wait_for
from textual.widgets import DataTable

from exercise.engine import commands as cm
from exercise.session import Session
from exercise.tui.app import make_app
from exercise.tui.facilitator import FacilitatorScreen

LONG = ("East briefed the ministers on the drone wall before anyone asked, with numbers for every "
        "border crossing and a plan for the winter")


@pytest.fixture
def noted(tmp_path):
    loaded = load_fixture(DEFAULT)
    s = Session.create(loaded.scenario, loaded.texts, tmp_path, name="Notes", seed=7)
    to_deliberation(s)
    objective = next(iter(loaded.scenario.all_objectives()))
    s.execute(cm.AddNote(LONG, ("comms",), None, objective.id, "S", team="brunssum-east",
                         author="Evelyn Whitfield-Barrington (evaluator)"))
    s.execute(cm.AddNote("Short one", (), None, None, None))
    yield s
    s.close()


def widths(table: DataTable) -> list[int]:
    return [c.get_render_width(table) for c in table.ordered_columns]


def note_cell(table: DataTable) -> str:
    return str(table.get_row_at(0)[2])


@pytest.mark.parametrize("start,then", [((120, 40), (80, 24)), ((80, 24), (120, 40)), ((100, 30), (80, 24))])
async def test_the_notes_columns_follow_a_resize(noted, start, then):
    app = make_app(session=noted)
    app.animation_level = "none"
    async with app.run_test(size=start) as pilot:
        await wait_for(lambda: isinstance(app.screen, FacilitatorScreen), pilot=pilot)
        await pilot.press("5")
        table = app.screen.query_one("#note-table", DataTable)
        await wait_for(lambda: table.row_count == 2, pilot=pilot)
        before = note_cell(table)
        assert sum(widths(table)) <= start[0] - 1  # By whole on the screen, a column for the scrollbar
        await pilot.resize_terminal(*then)
        await wait_for(lambda: app.size.width == then[0], pilot=pilot)
        await pilot.pause()
        after = note_cell(table)
        assert sum(widths(table)) <= then[0] - 1, (widths(table), then)
        if then[0] < start[0]:
            assert len(after) < len(before) and LONG.startswith(after.rstrip("…"))
        else:
            assert len(after) > len(before)  # the wider screen shows more of the note
        notes = [str(table.get_row_at(i)[2]) for i in range(table.row_count)]
        assert widths(table)[2] == max(map(len, notes)) + 2  # as wide as its widest cell, no wider


async def test_a_resize_while_the_notes_tab_is_hidden_shows_when_it_is_opened(noted):
    app = make_app(session=noted)
    app.animation_level = "none"
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(lambda: isinstance(app.screen, FacilitatorScreen), pilot=pilot)
        await pilot.press("5")
        table = app.screen.query_one("#note-table", DataTable)
        await wait_for(lambda: table.row_count == 2, pilot=pilot)
        await pilot.press("1")
        await pilot.resize_terminal(80, 24)
        await wait_for(lambda: app.size.width == 80, pilot=pilot)
        await pilot.press("5")
        await pilot.pause()
        assert sum(widths(table)) <= 80 - 1, widths(table)
