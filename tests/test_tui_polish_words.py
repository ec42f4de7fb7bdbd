"""Play-test wording: a count says its unit in proper grammar ('Its effect applies at once',
not 'Its 1 effect(s)'); the facilitator's staff column says what it counts, in the
scenario's word for staff ('0 of 6 in use' under 'Staff officers', not 'Staff 0/6')."""

from __future__ import annotations

import pytest
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


async def test_staff_column_says_of_how_many_and_fits_beside_the_world(tmp_path):
    """'Staff 0/6' read as a fraction: it says '0 of 6 in use' (staff in use of the team's staff), and
    the column stays whole beside the World panel at 120 columns (the table has 70)."""
    loaded = load_fixture(DEFAULT)
    s = Session.create(loaded.scenario, loaded.texts, tmp_path, name="Staff")
    app = make_app(session=s)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(lambda: isinstance(app.screen, FacilitatorScreen), pilot=pilot)
        table = app.screen.query_one("#teams", DataTable)
        await wait_for(lambda: table.row_count > 0, pilot=pilot)
        heads = [" ".join(str(c.label).split()) for c in table.columns.values()]  # a header over two lines
        col = heads.index("Staff officers")  # the scenario's word for its staff
        for t in s.scenario.teams:
            cell = str(table.get_row(t.id)[col])
            assert " of " in cell and "/" not in cell, cell
        assert str(table.get_row(s.scenario.teams[0].id)[col]) == "0 of 6 in use"  # Brunssum East: 6, no lead yet
        assert sum(c.get_render_width(table) for c in table.columns.values()) <= table.region.width
    s.close()


def _room_with_long_titles(tmp_path):
    """The bundled scenario in deliberation, its injects with options (long titles) fired to the
    first team and answered; notes signed by an evaluator and a controller."""
    from support import to_deliberation

    from exercise.engine import commands as cm

    loaded = load_fixture(DEFAULT)
    s = Session.create(loaded.scenario, loaded.texts, tmp_path, name="Cut")
    to_deliberation(s)
    team = s.scenario.teams[0].id
    asked = [i for i in s.scenario.injects if i.options and (team in i.to or "all" in i.to)]
    asked.sort(key=lambda i: -len(i.title))
    for inj in asked[:3]:
        if inj.id not in s.state.fired:
            s.execute(cm.FireInject(inj.id))
    obj = s.scenario.all_objectives()[0].id
    s.execute(cm.AddNote("Brunssum East hesitated on the drone wall and asked the US desk twice", (), None,
                         obj, "S", team=team, author="Eve (evaluator)"))
    s.execute(cm.AddNote("Good coordination", (), None, None, None, team=team, author="Alice (controller)"))
    return s, team, [i.title for i in asked[:3]]


def by_column_whole(table, size) -> list[str]:
    """The By cells whose text is cut, or whose column ends past the screen's edge."""
    cols = list(table.columns.values())
    col = next(i for i, c in enumerate(cols) if str(c.label) == "By")
    right = table.region.x + sum(c.get_render_width(table) for c in cols)
    bad = [] if right <= size[0] else [f"the By column ends at {right} of {size[0]} columns"]
    for r in range(table.row_count):
        cell = str(table.get_row_at(r)[col])
        if cell not in ("Eve (evaluator)", "Alice (controller)"):
            bad.append(cell)
    return bad


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_notes_tables_keep_the_by_column_whole(tmp_path, size):
    from exercise.engine.seats import Seat
    from exercise.tui.seat.controller import ControllerScreen
    from exercise.tui.seat.evaluator import EvaluatorScreen

    s, team, _titles = _room_with_long_titles(tmp_path)
    app = make_app(session=s)
    async with app.run_test(size=size) as pilot:
        await wait_for(lambda: isinstance(app.screen, FacilitatorScreen), pilot=pilot)
        await pilot.press("5")
        table = app.screen.query_one("#note-table", DataTable)
        await wait_for(lambda: table.row_count == 2 and table.region.width > 0, pilot=pilot)
        assert by_column_whole(table, size) == [], "facilitator"
        app.show_seat(Seat("alice", "controller", "Alice", scope=(team,)))
        await wait_for(lambda: isinstance(app.screen, ControllerScreen) and app.screen.view is not None, pilot=pilot)
        await pilot.pause()
        app.screen.action_tab("ct-notes")
        table = app.screen.query_one("#ct-note-table", DataTable)
        await wait_for(lambda: table.row_count == 2 and table.region.width > 0, pilot=pilot)
        assert by_column_whole(table, size) == [], "controller"
        app.pop_screen()
        app.show_seat(Seat("eve", "evaluator", "Eve"))
        await wait_for(lambda: isinstance(app.screen, EvaluatorScreen) and app.screen.view is not None, pilot=pilot)
        await pilot.press("o")
        table = app.screen.query_one("#ev-notes", DataTable)
        await wait_for(lambda: table.row_count == 2 and table.region.width > 0, pilot=pilot)
        assert by_column_whole(table, size) == [], "evaluator"
    s.close()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_evaluator_answers_show_whole_inject_titles(tmp_path, size):
    import io
    import re

    from rich.console import Console
    from textual.widgets import Static

    from exercise.engine.seats import Seat
    from exercise.tui.seat.evaluator import EvaluatorScreen

    s, _team, titles = _room_with_long_titles(tmp_path)
    app = make_app(session=s)
    async with app.run_test(size=size) as pilot:
        await wait_for(lambda: isinstance(app.screen, FacilitatorScreen), pilot=pilot)
        app.show_seat(Seat("eve", "evaluator", "Eve"))
        await wait_for(lambda: isinstance(app.screen, EvaluatorScreen) and app.screen.view is not None, pilot=pilot)
        block = app.screen.query_one("#ev-answers", Static)
        await wait_for(lambda: block.region.width > 0, pilot=pilot)
        out = io.StringIO()
        Console(file=out, width=block.content_region.width, color_system=None).print(block.content)
        lines = out.getvalue().splitlines()
        said = " ".join(" ".join(line.split()) for line in lines)
        assert "…" not in said, lines
        for title in titles:  # every word of each title, in order (a folded title spans lines)
            words = title.split()
            assert re.search(r"\s+.*?".join(map(re.escape, words)), said), (title, lines)
    s.close()


def screen_lines(widget) -> list[str]:
    """The lines a widget draws on the terminal, as text."""
    return ["".join(seg.text for seg in widget.render_line(y)) for y in range(widget.size.height)]


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (60, 24), (100, 30)])
async def test_red_plan_dialog_keeps_the_percent_with_its_number(tmp_path, size):
    """The red cell's plan dialog lists each action's chances ("noticed 60 %"): wrapped, the %
    stays with its number (it read '70' / '%' across two lines)."""
    from support import FIXTURES, to_deliberation
    from textual.widgets import Select, Static

    from exercise.engine import seats
    from exercise.tui.modals import FormModal
    from exercise.tui.seat.red import RedSeatScreen

    loaded = load_fixture(FIXTURES / "red" / "scenarios" / "red.toml")
    s = Session.create(loaded.scenario, loaded.texts, tmp_path, name="Red", seed=3)
    to_deliberation(s)
    app = make_app(session=s)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        app.show_seat(seats.red_seat(s.state))
        await wait_for(lambda: isinstance(app.screen, RedSeatScreen) and app.screen.view is not None, pilot=pilot)
        await pilot.press("a")
        await wait_for(lambda: isinstance(app.screen, FormModal), pilot=pilot)
        await pilot.pause()
        lines = [line for w in app.screen.query(".dialog-body").results(Static) for line in screen_lines(w)]
        assert any("60%" in line for line in lines), lines
        assert not any(line.strip().startswith("%") for line in lines), lines
        app.screen.query_one("#f-action", Select).value = "sabotage"
        await pilot.press("ctrl+s")
        await wait_for(lambda: isinstance(app.screen, FormModal) and app.screen.query("#f-target"), pilot=pilot)
        await pilot.pause()
        lines = [line for w in app.screen.query(".dialog-body").results(Static) for line in screen_lines(w)]
        said = " ".join(" ".join(line.split()) for line in lines)
        assert "Noticed 60%, then attributed 50%" in said, lines
        assert not any(line.strip().startswith("%") for line in lines), lines
    s.close()
