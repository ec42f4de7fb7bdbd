"""Resuming in the console: a loading screen first, the save opened behind it."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from exercise import services
from exercise.journal import saves
from exercise.packs import loader
from exercise.packs.problems import Problems
from exercise.session import Session
from exercise.tui.app import LoadingScreen, make_app

MINI = Path(__file__).parent / "fixtures" / "mini" / "scenarios" / "mini.toml"


@pytest.fixture
def folder(tmp_path):
    loaded = loader.load_scenario(MINI, Problems())
    s = Session.create(loaded.scenario, loaded.texts, tmp_path, name="Loading")
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
        for _ in range(200):
            await pilot.pause(0.02)
            if isinstance(app.screen, FacilitatorScreen) and app.screen.query("#status"):
                break
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
        for _ in range(200):
            await pilot.pause(0.02)
            if app.open_error:
                break
    assert "scenario copy of this save is damaged" in app.open_error
    assert app.return_code == 1
    assert app.session is None
