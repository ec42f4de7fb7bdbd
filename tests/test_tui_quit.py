"""ctrl+q in the facilitator's console: served (`exercise serve`), quitting stops the server and
every seat goes to "reconnecting…", so it asks first (Quit / Cancel, escape cancels), also on
a hot-seat team screen; not served, it quits at once (everything is saved)."""

from __future__ import annotations

import pytest
from support import started, stop_all, wait_for
from textual.widgets import Button

from exercise.net.client import Client
from exercise.net.server import ExerciseServer
from exercise.net.tokens import load_or_create
from exercise.session import Session
from exercise.tui.app import make_app
from exercise.tui.facilitator import FacilitatorScreen
from exercise.tui.modals import ConfirmModal
from exercise.tui.team import TeamScreen


def served(mini, tmp_path):
    s = Session.create(mini.scenario, mini.texts, tmp_path)
    tokens = load_or_create(s.folder, ["east", "west"])
    server = ExerciseServer(s, tokens, "127.0.0.1", 0)
    server.bind()
    server.url = f"ws://127.0.0.1:{server.port}"
    return s, tokens, server


def inside(widget, size) -> bool:
    r = widget.region
    return r.width > 0 and r.x >= 0 and r.y >= 0 and r.right <= size[0] and r.bottom <= size[1]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_served_ctrl_q_asks_first_and_escape_keeps_the_room_running(mini, tmp_path, size):
    s, tokens, server = served(mini, tmp_path)
    app = make_app(session=s, server=server)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        west = Client(server.url, tokens.teams["west"])
        task = await started(west)
        await wait_for(lambda: server.connected().get("west") == 1, pilot=pilot)
        await pilot.press("ctrl+q")
        await wait_for(lambda: isinstance(app.screen, ConfirmModal), pilot=pilot)
        modal = app.screen
        assert modal.title_text == "Stop the server?"
        assert "1 terminal is connected" in modal.body
        assert f"exercise serve --resume {s.folder.name}" in modal.body
        for button in ("#confirm", "#cancel"):  # Quit and Cancel both on screen, whole
            assert inside(modal.query_one(button, Button), size), (size, button)
        assert str(modal.query_one("#confirm", Button).label) == "Quit"
        await pilot.press("ctrl+q")  # pressed again: still one question, not two
        await pilot.pause()
        assert sum(isinstance(x, ConfirmModal) for x in app.screen_stack) == 1
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, FacilitatorScreen) and app.is_running
        assert server.connected().get("west") == 1 and west.connected  # the room still runs
        await stop_all((west,), (task,))
    s.close()


async def test_served_quit_from_the_hot_seat_team_screen_asks_then_stops(mini, tmp_path):
    s, _tokens, server = served(mini, tmp_path)
    app = make_app(session=s, server=server, team="east")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TeamScreen)
        await pilot.press("ctrl+q")
        await wait_for(lambda: isinstance(app.screen, ConfirmModal), pilot=pilot)
        assert "0 terminals are connected" in app.screen.body
        await pilot.click("#confirm")
        await wait_for(lambda: not app.is_running, pilot=pilot)
    assert app.return_code in (0, None)
    s.close()


async def test_not_served_ctrl_q_quits_at_once(mini, tmp_path):
    s = Session.create(mini.scenario, mini.texts, tmp_path)
    app = make_app(session=s)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not any(isinstance(x, ConfirmModal) for x in app.screen_stack)
        assert not app.is_running
    s.close()


async def test_escape_in_the_seat_picker_closes_without_asking(mini, tmp_path):
    """The hot-seat pickers (s: a seat, t: a team) have nothing to type: escape closes them,
    even after browsing to another choice; a form with a text field still asks."""
    from textual.widgets import Select

    from exercise.tui.modals import FormModal

    s = Session.create(mini.scenario, mini.texts, tmp_path)
    app = make_app(session=s, team="east")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("escape")  # the hot-seat team screen -> the facilitator's console
        await wait_for(lambda: isinstance(app.screen, FacilitatorScreen), pilot=pilot)
        for key in ("s", "t"):
            await pilot.press(key)
            await wait_for(lambda: isinstance(app.screen, FormModal), pilot=pilot)
            select = app.screen.query_one(Select)
            other = [v for _label, v in select._options if v != select.value and v is not Select.NULL]
            select.value = other[0]  # browsed to another seat, opened nothing
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, FacilitatorScreen), (key, app.screen)
    s.close()
