"""Play-test wording: a count says its unit in proper grammar ('Its effect applies at once',
not 'Its 1 effect(s)'); the facilitator's staff column says what it counts, in the
scenario's word for staff ('0 of 6 in use' under 'Staff officers', not 'Staff 0/6')."""

from __future__ import annotations

from support import DEFAULT, load_fixture, wait_for
from textual.widgets import DataTable

from exercise.engine.injects import FirePreview
from exercise.session import Session
from exercise.tui.app import make_app
from exercise.tui.facilitator import FacilitatorScreen
from exercise.tui.facilitator.wording import fire_confirm


def test_fire_confirm_counts_effects_in_proper_grammar():
    one = fire_confirm(FirePreview("Drones", ("East",), False, (), 1))[1]
    assert "Its effect applies at once." in one and "(s)" not in one
    three = fire_confirm(FirePreview("Drones", ("East",), False, (), 3))[1]
    assert "Its 3 effects apply at once." in three and "(s)" not in three


async def test_staff_column_names_what_it_counts_in_the_scenarios_words(tmp_path):
    loaded = load_fixture(DEFAULT)
    s = Session.create(loaded.scenario, loaded.texts, tmp_path, name="Staff")
    app = make_app(session=s)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(lambda: isinstance(app.screen, FacilitatorScreen), pilot=pilot)
        table = app.screen.query_one("#teams", DataTable)
        await wait_for(lambda: table.row_count > 0, pilot=pilot)
        heads = [str(c.label) for c in table.columns.values()]
        word = s.scenario.words.cap("staff")
        assert word in heads and "Staff" not in heads  # the scenario's word, not a bare 'Staff'
        col = heads.index(word)
        for t in s.scenario.teams:
            cell = str(table.get_row(t.id)[col])
            assert cell.endswith(" in use") and " of " in cell and "/" not in cell, cell
        east = str(table.get_row(s.scenario.teams[0].id)[col])
        assert east == "0 of 6 in use"  # Brunssum East: 6 staff officers, no lead yet
        assert table.columns[list(table.columns)[col]].get_render_width(table) <= 24
    s.close()
