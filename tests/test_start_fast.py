"""The start screen draws its first frame without the scenarios: the pack loader, the model
and the Markdown widget (markdown-it) are loaded in a thread after it (issue 18)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from support import MINI, record_notifications, wait_for

from exercise.tui.app import make_app

ROOT = Path(__file__).resolve().parent.parent
SLOW = ("exercise.packs.loader", "exercise.packs.validate", "exercise.model", "exercise.journal", "markdown_it",
        "textual.widgets._markdown")

# `exercise` with no arguments, ended at its first frame: the modules imported when the app
# hands its first update of the start screen to the (headless) driver. The saves, the
# scenarios and the Markdown widget come after it.
FIRST_FRAME = """
import os, sys
from pathlib import Path
from textual.app import App
from exercise.tui.app import make_app
display = App._display
def first_frame(self, screen, update):
    display(self, screen, update)
    if update is not None and type(screen).__name__ == "StartScreen":
        os.write(1, " ".join(sorted(sys.modules)).encode())  # not print: the app captures stdout
        os._exit(0)
App._display = first_frame
make_app(saves_root=Path(sys.argv[1])).run(headless=True, size=(120, 40))
os._exit(1)
"""


def test_the_first_frame_imports_no_scenario_loader_model_journal_or_markdown(tmp_path):
    (tmp_path / "saves" / "one").mkdir(parents=True)  # a save (a bad one) to list: after the frame too
    r = subprocess.run([sys.executable, "-c", FIRST_FRAME, str(tmp_path / "saves")], capture_output=True,
                       text=True, cwd=tmp_path, env={"PYTHONPATH": str(ROOT), "PATH": ""}, timeout=120)
    assert r.returncode == 0, r.stderr
    modules = set(r.stdout.split())
    assert "exercise.tui.start" in modules and "textual.widgets._option_list" in modules
    assert not [m for m in modules for slow in SLOW if m == slow or m.startswith(slow + ".")]


async def test_before_the_scenarios_are_loaded_the_screen_says_so_and_then_lists_them(tmp_path, monkeypatch):
    from exercise.tui import start

    monkeypatch.chdir(tmp_path)  # only the bundled scenarios
    load = start.StartScreen._load_scenarios
    held = []  # the loading thread is started by hand, after ctrl+n
    monkeypatch.setattr(start.StartScreen, "_load_scenarios", lambda self: held.append(self))
    app = make_app(saves_root=tmp_path / "saves")
    told = record_notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert held == [screen] and not screen.scenarios_ready
        options = screen.query_one("#scenarios")
        assert options.option_count == 1 and "loading scenarios" in str(options.get_option_at_index(0).prompt)
        assert not screen.query("#briefing")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.session is None and app.screen is screen
        assert any("still loading" in str(t) for t in told), told
        load(screen)
        await wait_for(lambda: screen.scenarios_ready, 30, "the scenarios", pilot=pilot)
        assert options.option_count >= 2 and options.get_option_at_index(options.highlighted).id == "deadline-2027"
        await wait_for(lambda: "Deadline" in (screen.query_one("#briefing").source or ""), 10, "the briefing",
                       pilot=pilot)


async def test_a_scenario_given_by_path_is_listed_and_picked_once_loaded(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app(saves_root=tmp_path / "saves", scenario=str(MINI))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await wait_for(lambda: screen.scenarios_ready, 30, "the scenarios", pilot=pilot)
        options = screen.query_one("#scenarios")
        assert options.get_option_at_index(options.highlighted).id == str(MINI)
        await wait_for(lambda: "Mini" in (screen.query_one("#briefing").source or ""), 10, "the briefing",
                       pilot=pilot)
