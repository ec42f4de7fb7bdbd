"""Controls a facilitator can trust, driven with Pilot: fire and skip ask first (and a skip
can be undone), a held inject released late says when it goes out, a decision fired after
a team submitted says it reopens that team, a typed dialog never vanishes on Escape, the
pause is checked before the force dialog, the timer's "time is up" clears when the turn
moves on, the start screen's tab keys work, `?` helps with the screen it is pressed on,
and the force dialog lists team by team what is lost."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import free_port, record_notifications
from textual.widgets import DataTable, Input, TabbedContent

from exercise.engine import commands as cm
from exercise.session import Session
from exercise.tui.app import make_app
from exercise.tui.modals import ConfirmModal, FormModal, TextModal


@pytest.fixture
def session(tmp_path, mini):
    s = Session.create(mini.scenario, mini.texts, tmp_path, name="Pilot")
    yield s
    s.close()


def kinds(session) -> list[str]:
    return [r["command"]["kind"] for r in session.records]


def status(app) -> str:
    return str(app.screen.query_one("#status").render())


async def press(pilot, *keys):
    for k in keys:
        await pilot.press(k)
        await pilot.pause()


async def to_deliberation(pilot):
    await press(pilot, "n", "n", "n")  # start, deliver injects, open deliberation


async def select(pilot, app, iid):
    await press(pilot, "2")
    table = app.screen.query_one("#inject-table", DataTable)
    table.move_cursor(row=table.get_row_index(iid))
    await pilot.pause()


async def test_fire_asks_first_naming_the_inject_and_who_gets_it(session):
    app = make_app(session=session)
    async with app.run_test(size=(120, 40)) as pilot:
        await to_deliberation(pilot)
        await select(pilot, app, "reserve-cyber")
        await press(pilot, "f")
        assert isinstance(app.screen, ConfirmModal)
        assert "Cyber attack" in app.screen.title_text and "every team (2)" in app.screen.body
        await press(pilot, "escape")  # cancelled: nothing fired
        assert "reserve-cyber" not in session.state.fired and kinds(session)[-1] == "advance"
        await press(pilot, "f", "y")
        assert session.state.fired["reserve-cyber"] == 1


async def test_firing_a_decision_after_a_team_submitted_says_it_reopens_that_team(session):
    app = make_app(session=session)
    async with app.run_test(size=(120, 40)) as pilot:
        await select(pilot, app, "drones")
        await press(pilot, "h")  # held before the start: not delivered in turn 1
        await to_deliberation(pilot)
        session.execute(cm.Submit("east", "east"))
        await select(pilot, app, "drones")
        await press(pilot, "f")
        assert isinstance(app.screen, ConfirmModal)
        assert "East has submitted" in app.screen.body and "reopen" in app.screen.body
        await press(pilot, "y")
        assert "east" not in session.state.submitted
        assert [e["kind"] for e in session.records[-1]["events"]][:2] == ["inject_fired", "decision_reopened"]


async def test_skip_asks_first_and_b_brings_a_skipped_inject_back(session):
    app = make_app(session=session)
    said = record_notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await to_deliberation(pilot)
        await select(pilot, app, "follow-up")
        await press(pilot, "k")
        assert isinstance(app.screen, ConfirmModal) and "Follow-up" in app.screen.title_text
        await press(pilot, "escape")
        assert "follow-up" not in session.state.inject_status
        await press(pilot, "k", "y")
        assert session.state.inject_status["follow-up"] == "skipped"
        assert any("b brings it back" in n for n in said)
        await press(pilot, "b")
        assert kinds(session)[-1] == "unskip_inject" and "follow-up" not in session.state.inject_status
        await press(pilot, "4")
        log = "\n".join(str(line.text) for line in app.screen.query_one("#event-log").lines)
        assert "Inject Follow-up: brought back" in log


async def test_a_held_inject_released_after_its_turn_says_when_it_goes_out(session):
    app = make_app(session=session)
    said = record_notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await select(pilot, app, "drones")
        await press(pilot, "h")
        await to_deliberation(pilot)
        await press(pilot, "n", "y", "n", "n")  # force; adjudication, summary, turn 2
        assert session.state.turn == 2
        await select(pilot, app, "drones")
        await press(pilot, "r")
        assert session.state.fire_at == {"drones": 2}
        assert any("Drones over the border goes out with the injects of turn 2" in n for n in said)
        table = app.screen.query_one("#inject-table", DataTable)
        assert "queued for turn 2" in str(table.get_row("drones")[2])
        await press(pilot, "n")
        assert session.state.fired["drones"] == 2


async def test_escape_on_a_typed_dialog_asks_before_discarding(session):
    app = make_app(session=session)
    async with app.run_test(size=(120, 40)) as pilot:
        await to_deliberation(pilot)
        await press(pilot, "m")  # nothing typed: escape just closes
        await press(pilot, "escape")
        assert not isinstance(app.screen, (FormModal, ConfirmModal))
        await press(pilot, "m")
        app.screen.query_one("#f-text").text = "East hesitated"
        await press(pilot, "escape")
        assert isinstance(app.screen, ConfirmModal) and app.screen.title_text == "Discard what you typed?"
        await press(pilot, "escape")  # no: back to the form, text intact
        assert isinstance(app.screen, FormModal) and app.screen.query_one("#f-text").text == "East hesitated"
        await press(pilot, "escape", "y")
        assert not isinstance(app.screen, (FormModal, ConfirmModal)) and kinds(session)[-1] == "advance"


async def test_paused_says_so_before_the_force_dialog(session):
    app = make_app(session=session)
    said = record_notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await to_deliberation(pilot)
        await press(pilot, "p", "n")
        assert not isinstance(app.screen, ConfirmModal)
        assert any("paused" in n and "p to resume" in n for n in said)
        assert session.state.phase == "deliberation"


async def test_force_dialog_lists_team_by_team_what_is_lost(session):
    app = make_app(session=session)
    async with app.run_test(size=(120, 40)) as pilot:
        await to_deliberation(pilot)
        session.execute(cm.Override("money", 5.0, "test budget", team="east"))
        session.execute(cm.PlaceOrder("east", "east", "sam", 1))
        session.execute(cm.Submit("west", "west"))
        await press(pilot, "n")
        body = app.screen.body
        assert isinstance(app.screen, ConfirmModal)
        assert "East has not submitted" in body
        assert "Drones over the border: Watch (the default) applies" in body
        assert "1 × SAM" in body and "withdrawn" in body
        assert "West has not submitted" not in body


async def test_time_is_up_clears_when_the_turn_moves_on(session):
    now = [1000.0]
    app = make_app(session=session, clock=lambda: now[0])
    async with app.run_test(size=(120, 40)) as pilot:
        await to_deliberation(pilot)
        await press(pilot, "T")
        app.screen.query_one("#f-minutes", Input).value = "1"
        app.screen.action_submit()
        await pilot.pause()
        now[0] += 61
        app.screen.tick()
        await pilot.pause()
        assert "time is up" in status(app)
        await press(pilot, "n", "y")  # forced out of deliberation
        app.screen.tick()
        await pilot.pause()
        assert "time is up" not in status(app) and app.timer == ""


async def test_start_screen_tab_keys_and_its_own_help(tmp_path, monkeypatch):
    monkeypatch.chdir(Path(__file__).parent / "fixtures" / "mini")
    app = make_app(saves_root=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        tabs = app.screen.query_one("#start-tabs", TabbedContent)
        await press(pilot, "2")
        assert tabs.active == "saved"
        await press(pilot, "1")
        assert tabs.active == "new"
        await press(pilot, "question_mark")
        assert isinstance(app.screen, TextModal)
        assert "start screen" in app.screen.markdown and "ctrl+n" in app.screen.markdown
        assert "Next phase" not in app.screen.markdown  # not the facilitator console's keys


async def test_question_mark_helps_with_the_screen_it_is_pressed_on(session):
    app = make_app(session=session)
    async with app.run_test(size=(120, 40)) as pilot:
        await press(pilot, "question_mark")
        assert "facilitator console" in app.screen.markdown
        await press(pilot, "escape", "t")
        app.screen.action_submit()  # East's team screen, hot-seat
        await pilot.pause()
        await press(pilot, "question_mark")
        assert isinstance(app.screen, TextModal) and app.screen.title_text == "Help: the team console"
        await press(pilot, "escape", "escape", "D")
        await press(pilot, "question_mark")
        assert isinstance(app.screen, TextModal) and app.screen.title_text == "Debrief help"


async def test_question_mark_on_the_join_screen_explains_joining():
    from exercise.net.client import Client
    from exercise.tui.join import ConnectingScreen, JoinApp

    app = JoinApp(Client(f"ws://127.0.0.1:{free_port()}", "token"), "east")  # nobody answers: it keeps trying
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ConnectingScreen)
        await press(pilot, "question_mark")
        assert isinstance(app.screen, TextModal) and "connect" in app.screen.markdown
