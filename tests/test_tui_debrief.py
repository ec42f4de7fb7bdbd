"""The debrief screen, driven with Pilot (time travel, tabs, charts) and snapshots.

Update the snapshots after an intended change with
`pytest tests/test_tui_debrief.py --snapshot-update` and look at the SVGs in
tests/__snapshots__/test_tui_debrief/ before committing them.
"""

from __future__ import annotations

import pytest
from test_debrief_support import scripted_save
from textual.widgets import OptionList, TabbedContent

from exercise.debrief import record
from exercise.tui.debrief import DebriefScreen, make_debrief_app
from exercise.tui.modals import FormModal, TextModal


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    return scripted_save(tmp_path_factory.mktemp("saves"))


def text(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def test_time_travel_steps_through_the_turns(saved):
    app = make_debrief_app(record.load(saved))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, DebriefScreen)
        assert screen.turn == 4 and "end of turn 4 of 4, 2026 Q4" in text(app, "#status")
        assert "turn-4" in [b.id for b in screen.query(".turn-block.current")]
        await pilot.press("left", "left")
        assert screen.turn == 2 and "end of turn 2 of 4" in text(app, "#status")
        assert [b.id for b in screen.query(".turn-block.current")] == ["turn-2"]
        await pilot.press("home")
        assert screen.turn == 0 and "before the start" in text(app, "#status")
        await pilot.press("left")  # nothing before the start
        assert screen.turn == 0
        await pilot.press("end", "right")
        assert screen.turn == 4
        await pilot.press("g")
        assert isinstance(app.screen, FormModal)
        app.screen.query_one("#f-turn").value = "1"
        app.screen.action_submit()
        await pilot.pause()
        assert screen.turn == 1


async def test_state_tab_shows_the_state_of_the_turn_in_view(saved):
    rec = record.load(saved)
    app = make_debrief_app(rec)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        screen = app.screen
        world = screen.query_one("#state-world")
        assert str(world.get_row_at(0)[1]) == "4"  # US trust at the end, after the override
        await pilot.press("home")
        assert str(world.get_row_at(0)[1]) == "5"
        await pilot.press("right")
        assert "The state at the end of turn 1 of 4" in text(app, "#state-head")
        orders = screen.query_one("#state-orders")
        assert any("Drone lot" in str(orders.get_row_at(i)[1]) for i in range(orders.row_count))


async def test_charts_plot_the_series_picked(saved):
    app = make_debrief_app(record.load(saved))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        charts = app.screen.query_one("#chart-list", OptionList)
        assert app.focused is charts
        assert "US trust" in text(app, "#plot-title")
        await pilot.press("down", "down")  # cohesion, then the heading of Air defence is skipped
        assert "Air defence: East" in text(app, "#plot-title")
        assert "⠀" in text(app, "#plot")  # braille


async def test_tabs_decisions_objectives_outcome_help_and_back(saved):
    app = make_debrief_app(record.load(saved))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        table = app.screen.query_one("#decision-table")
        assert [str(c) for c in table.get_row_at(0)] == ["1", "Drones over the border", "East", "Shoot them down",
                                                         "SECRET-EXPECTED"]
        await pilot.press("5")
        body = text(app, "#objectives-body")
        assert "U: Unable to be performed" in body and "Areas for improvement" in body
        await pilot.press("6")
        assert "Coordination cuts in turn 4" in text(app, "#outcome-body")
        assert app.screen.query_one("#debrief-tabs", TabbedContent).active == "outcome"
        await pilot.press("1", "a")
        assert "Phase: Injects" in text(app, "#turn-1")
        await pilot.press("a")
        assert "Phase: Injects" not in text(app, "#turn-1")
        await pilot.press("question_mark")
        assert isinstance(app.screen, TextModal)
        await pilot.press("escape")
        await pilot.press("escape")  # opened from the command line: back quits
        await pilot.pause()
    assert app.return_code == 0


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@pytest.mark.parametrize("keys", [["left"], ["2", "left"], ["3", "down"], ["5"]])
def test_debrief_snapshots(snap_compare, saved, size, keys):
    app = make_debrief_app(record.load(saved))
    assert snap_compare(app, press=keys, terminal_size=size)


async def test_start_screen_opens_a_saves_debrief_with_d(saved, tmp_path, monkeypatch):
    from textual.widgets import Input

    from exercise.tui.app import make_app

    monkeypatch.chdir(tmp_path)
    app = make_app(saves_root=saved.parent)
    async with app.run_test(size=(120, 40)) as pilot:
        app.screen.query_one("#name", Input).focus()
        await pilot.pause()
        await pilot.press("d")  # typing a name: no debrief
        assert app.screen.query_one("#name", Input).value == "d"
        app.screen.query_one("#scenarios").focus()
        await pilot.pause()
        await pilot.press("d")  # first shows the saved exercises
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen) and app.screen.record.id == "golden-drill"
        await pilot.press("escape")
        assert not isinstance(app.screen, DebriefScreen)


async def test_facilitator_console_opens_the_debrief_with_shift_d(tmp_path):
    from test_debrief_support import drill

    from exercise.engine import commands as cm
    from exercise.session import Session
    from exercise.tui.app import make_app

    loaded = drill()
    s = Session.create(loaded.scenario, loaded.texts, tmp_path, name="Live")
    s.execute(cm.Start())
    s.execute(cm.End("time is up"))
    app = make_app(session=s)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("e")  # ended: shows the outcome, which points at the debrief
        assert isinstance(app.screen, TextModal) and "Press **D** for the debrief" in app.screen.markdown
        await pilot.press("escape", "D")
        assert isinstance(app.screen, DebriefScreen)
        assert "ended in turn 1 of 4" in text(app, "#status")
        await pilot.press("escape")
        assert not isinstance(app.screen, DebriefScreen) and app.is_running
    s.close()


async def test_a_debrief_of_a_running_exercise_refreshes_with_r(tmp_path):
    from test_debrief_support import drill

    from exercise.engine import commands as cm
    from exercise.session import Session
    from exercise.tui.app import make_app

    loaded = drill()
    s = Session.create(loaded.scenario, loaded.texts, tmp_path, name="Live")
    s.execute(cm.Start())
    app = make_app(session=s)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("D")
        first = app.screen
        assert isinstance(first, DebriefScreen) and "under way" in text(app, "#status")
        s.execute(cm.End("the room moved on"))  # e.g. from a facilitator connection
        await pilot.press("6", "r")
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen) and app.screen is not first
        assert "ended in turn 1" in text(app, "#status")
        assert app.screen.query_one("#debrief-tabs", TabbedContent).active == "outcome"
    s.close()
    # from the command line it reads the save again from disk; without a way to, no key
    rec = record.load(s.folder)
    assert DebriefScreen(rec).check_action("reload", ()) is False
    assert DebriefScreen(rec, lambda: rec).check_action("reload", ()) is True
