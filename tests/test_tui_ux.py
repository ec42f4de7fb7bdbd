"""The play-test's behaviour items, driven with Pilot: a team's toasts stay with its seat,
a form reopened after a refusal still asks before Escape drops what was typed, the lead
dialogs say what taking or handing back costs and does (and offer only what can be taken),
the first key after opening a screen or dialog reaches it, the ledgers scroll from the
keyboard, the budget dialog shows its focused field, the override dialog shows the value
it changes, and after the end the footer offers only what can still be done."""

from __future__ import annotations

import pytest
from support import notifications, record_notifications, toast_visible, wait_for
from textual import events
from textual.widgets import DataTable, Input

from exercise.engine import commands as cm
from exercise.session import Session
from exercise.tui.app import make_app
from exercise.tui.facilitator import FacilitatorScreen
from exercise.tui.modals import ConfirmModal, FormModal
from exercise.tui.team import TeamScreen


@pytest.fixture
def session(tmp_path, mini):
    s = Session.create(mini.scenario, mini.texts, tmp_path, name="Pilot")
    s.execute(cm.Start())
    while s.state.phase != "deliberation":
        s.execute(cm.Advance())
    yield s
    s.close()


def app_for(s):
    app = make_app(session=s)
    app.animation_level = "none"
    record_notifications(app)
    return app


async def open_team(pilot, app, team: str) -> TeamScreen:
    app.show_team(team)
    await wait_for(lambda: isinstance(app.screen, TeamScreen) and app.screen.view, pilot=pilot)
    return app.screen


async def test_the_first_key_after_opening_a_dialog_goes_into_it(session):
    app = app_for(session)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_team(pilot, app, "east")
        # both keys queued at once, as a terminal delivers a fast typist's keys (pilot.press
        # would wait for the app to be idle between them and hide the race)
        app.post_message(events.Key("b", "b"))
        app.post_message(events.Key("3", "3"))
        await wait_for(lambda: isinstance(app.screen, FormModal), pilot=pilot)
        await pilot.pause()
        field = app.screen.query_one("#f-sustain", Input)
        assert app.screen.focused is field
        assert field.value.endswith("3"), field.value
