"""Resuming in the console: a loading screen first, the save opened behind it."""

from __future__ import annotations

import threading

import pytest
from support import MINI, wait_for

from exercise import services
from exercise.journal import saves
from exercise.packs import loader
from exercise.packs.problems import Problems
from exercise.session import Session
from exercise.tui.app import LoadingScreen, make_app


@pytest.fixture
def folder(tmp_path, mini):
    s = Session.create(mini.scenario, mini.texts, tmp_path, name="Loading")
    s.close()
    return s.folder


async def test_the_loading_screen_holds_no_data_then_the_console_opens(folder):
    from exercise.tui.facilitator import FacilitatorScreen

    release = threading.Event()
    opened = []

    def opener():
        release.wait(10)
        s = Session.open(folder)
        opened.append(s)
        return s

    app = make_app(opener=opener, opening=folder.name)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LoadingScreen)
        assert app.session is None
        assert "opening" in str(app.screen.query_one("#status").render())
        assert not app.screen.query("DataTable")  # nothing to read yet, nothing wrong shown
        release.set()
        # the save opens in a thread: allow for a busy machine (a fixed count of pauses was 4 s)
        await wait_for(lambda: isinstance(app.screen, FacilitatorScreen) and app.screen.query("#status"), 30,
                       "the console after the save opened", pilot=pilot)
        await pilot.pause()
        assert isinstance(app.screen, FacilitatorScreen)
        assert app.session is opened[0]
        assert "Loading" in str(app.screen.query_one("#status").render())
        assert not any(isinstance(s, LoadingScreen) for s in app.screen_stack)
    assert app.open_error is None
    opened[0].close()


async def test_a_save_that_does_not_open_ends_the_app_with_the_reason(folder):
    (folder / saves.SCENARIO).write_text("{not json", "utf-8")
    app = make_app(opener=lambda: services.open_session(folder), opening=folder.name)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(lambda: app.open_error, 30, "the reason the save does not open", pilot=pilot)
    assert "scenario copy of this save is damaged" in app.open_error
    assert app.return_code == 1
    assert app.session is None


CHANGED = "the scenario files changed since this exercise started; it goes on with the copy saved with it"


@pytest.fixture
def edited(tmp_path, monkeypatch):
    """A save of a local scenario whose file was edited after the save was made."""
    import shutil

    here = tmp_path / "here"
    shutil.copytree(MINI.parent.parent, here)
    monkeypatch.chdir(here)  # the scenario is found by id in ./scenarios, as a user's would be
    loaded = loader.load_scenario(here / "scenarios" / "mini.toml", Problems())
    s = Session.create(loaded.scenario, loaded.texts, tmp_path / "saves", name="Edited")
    s.close()
    with open(here / "scenarios" / "mini.toml", "a", encoding="utf-8") as f:
        f.write("\n# edited after the exercise started\n")
    return s.folder


def test_services_open_save_warns_that_the_scenario_files_changed(edited):
    opened = services.open_save(edited)
    try:
        assert opened.ok and opened.error is None
        assert opened.warnings == (CHANGED,)
    finally:
        opened.session.close()


async def test_resuming_from_the_start_screen_opens_behind_a_loading_screen_and_warns(edited, monkeypatch):
    from textual.widgets import DataTable

    from exercise.tui.facilitator import FacilitatorScreen

    release = threading.Event()
    threads = []
    real = services.open_session

    def slow_open(folder):  # held until the test has seen the loading screen
        threads.append(threading.current_thread())
        release.wait(10)
        return real(folder)

    monkeypatch.setattr(services, "open_session", slow_open)
    app = make_app(saves_root=edited.parent)
    told = []
    shown = app.notify
    app.notify = lambda message, **kw: (told.append((kw.get("title", ""), message)), shown(message, **kw))[-1]
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("2")
        await pilot.pause()
        assert app.screen.query_one("#saves", DataTable).row_count == 1
        app.screen.action_resume()
        await pilot.pause()
        # the event loop is free while the save opens: a frame of the loading screen is drawn
        assert isinstance(app.screen, LoadingScreen) and app.session is None
        assert edited.name in str(app.screen.query_one("#status").render())
        release.set()
        await wait_for(lambda: isinstance(app.screen, FacilitatorScreen), 30, "the console after the save opened",
                       pilot=pilot)
        assert threads and threads[0] is not threading.main_thread()
        assert ("Resumed", CHANGED) in told
        # and on screen, as a toast over the console
        await wait_for(lambda: any("scenario files changed" in str(t.render()) for t in app.screen.query("Toast")),
                       10, "the toast saying the scenario files changed", pilot=pilot)
    app.session.close()


async def test_a_save_that_does_not_open_from_the_start_screen_is_named_and_the_screen_stays(folder):
    from exercise.tui.start import StartScreen

    (folder / saves.SCENARIO).write_text("{not json", "utf-8")
    app = make_app(saves_root=folder.parent)
    told = []
    shown = app.notify
    app.notify = lambda message, **kw: (told.append((kw.get("title", ""), message)), shown(message, **kw))[-1]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        app.screen.action_resume()
        await wait_for(lambda: told, 30, "the message naming the save", pilot=pilot)
        await pilot.pause()
        assert isinstance(app.screen, StartScreen) and app.session is None and app.is_running
        assert told and told[0][0] == "Cannot resume" and "scenario copy of this save is damaged" in told[0][1]
