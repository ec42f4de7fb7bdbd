"""The facilitator console: time to first frame, and key-press-to-screen with a big log.

- First frame: a fresh process that opens the facilitator console of a saved exercise
  (default scenario) as `exercise resume` does and exits after its first refresh (the
  loading screen; the save opens behind it), against a fresh process running a bare
  Textual app (one Static) the same way, in the same run. Goal: at most 1.5x. Also timed:
  until the console shows the exercise, and the old way (save opened before the app).
- Key press: with 5,000 lines in the event log, the time from a key press (switching
  tabs, which repaints the screen) until the screen has refreshed, against the same
  presses on a console whose log is nearly empty.

Run: python bench/bench_tui.py
"""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE = """
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("hello")
    def on_mount(self):
        self.call_after_refresh(self.exit)
Bare().run(headless=True, size=(120, 40))
"""

# As `exercise resume` opens a save: the first frame is the loading screen, the save is
# opened (engine imported, journal replayed) behind it.
CONSOLE = """
import sys
from exercise.tui.app import make_app
def opener():
    from exercise.session import Session
    return Session.open(sys.argv[1])
app = make_app(opener=opener, opening="bench")
def first_frame():
    app.call_after_refresh(app.exit)
app.call_later(first_frame)
app.run(headless=True, size=(120, 40))
"""

# The same, until the console shows the exercise (its first refresh with the data).
CONSOLE_FILLED = """
import sys
from exercise.tui.app import make_app
def opener():
    from exercise.session import Session
    return Session.open(sys.argv[1])
app = make_app(opener=opener, opening="bench")
def poll():
    if type(app.screen).__name__ == "FacilitatorScreen":
        timer.stop()
        app.screen.call_after_refresh(app.exit)
def start():
    global timer
    timer = app.set_interval(0.005, poll)
app.call_later(start)
app.run(headless=True, size=(120, 40))
"""

# Before the loading screen (opened first, then drawn): what the first frame used to cost.
CONSOLE_EAGER = """
import sys
from exercise.session import Session
from exercise.tui.app import make_app
app = make_app(session=Session.open(sys.argv[1]))
def first_frame():
    app.call_after_refresh(app.exit)
app.call_later(first_frame)
app.run(headless=True, size=(120, 40))
"""


# Tab switches animate for ~0.3 s by default; the bench measures rendering, not animation.
os.environ["TEXTUAL_ANIMATIONS"] = "none"


async def _bare_presses(n: int = 20) -> list[float]:
    """The same tab-switch presses in a bare app with two tabs: Pilot's own cost."""
    from textual.app import App
    from textual.widgets import Static, TabbedContent, TabPane

    class Bare(App):
        BINDINGS = [("1", "tab('a')", ""), ("4", "tab('b')", "")]

        def compose(self):
            with TabbedContent(id="tc"):
                with TabPane("a", id="a"):
                    yield Static("a")
                with TabPane("b", id="b"):
                    yield Static("b")

        def action_tab(self, tab):
            self.query_one("#tc", TabbedContent).active = tab

    out = []
    async with Bare().run_test(size=(120, 40)) as pilot:
        for i in range(n):
            t0 = time.perf_counter()
            await pilot.press("1" if i % 2 else "4")
            await pilot.pause()
            out.append(time.perf_counter() - t0)
    return out


def _make_save(root: Path, notes: int) -> Path:
    from exercise.engine import commands as cm
    from exercise.packs import loader
    from exercise.packs.problems import Problems
    from exercise.session import Session

    loaded = loader.load_scenario(loader.find_scenario("deadline-2027"), Problems())
    s = Session.create(loaded.scenario, loaded.texts, root, name=f"bench-{notes}")
    s.execute(cm.Start())
    s.execute(cm.Advance())
    s.execute(cm.Advance())
    for i in range(notes):
        s.execute(cm.AddNote(text=f"observation {i}: the team discussed the inject at length"))
    s.close()
    return s.folder


def _proc(code: str, *args: str) -> float:
    t0 = time.perf_counter()
    res = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(res.stderr)
    return time.perf_counter() - t0


async def _presses(folder: Path, n: int = 20) -> list[float]:
    from exercise.session import Session
    from exercise.tui.app import make_app

    session = Session.open(folder)
    app = make_app(session=session)
    out = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")  # the log tab: its lines are laid out once
        await pilot.pause()
        for i in range(n):
            key = "1" if i % 2 else "4"
            t0 = time.perf_counter()
            await pilot.press(key)
            await pilot.pause()  # until the screen has processed and refreshed
            out.append(time.perf_counter() - t0)
    session.close()
    return out


def main() -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="bench-tui-"))
    try:
        small = _make_save(tmp, 10)
        big = _make_save(tmp, 5000)
        _proc(BARE)  # warm the caches
        _proc(CONSOLE_EAGER, str(small))
        # Interleaved, so that a busy moment of the machine falls on both sides of a ratio.
        runs = [(_proc(BARE), _proc(CONSOLE, str(small)), _proc(CONSOLE_FILLED, str(small)),
                 _proc(CONSOLE_EAGER, str(small))) for _ in range(7)]
        t_bare, t_console, t_filled, t_eager = (statistics.median(r[i] for r in runs) for i in range(4))
        p_bare = statistics.median(asyncio.run(_bare_presses()))
        p_small = statistics.median(asyncio.run(_presses(small)))
        p_big = statistics.median(asyncio.run(_presses(big)))
    finally:
        shutil.rmtree(tmp)
    ratio = t_console / t_bare
    print(f"first frame: bare Textual app {t_bare * 1000:.0f} ms, facilitator console {t_console * 1000:.0f} ms "
          f"(whole process, loading screen), ratio {ratio:.2f}x (goal <= 1.5x)")
    print(f"console showing the exercise: {t_filled * 1000:.0f} ms ({t_filled / t_bare:.2f}x); opened before the "
          f"first frame (no loading screen): {t_eager * 1000:.0f} ms ({t_eager / t_bare:.2f}x)")
    print(f"key press to screen (tab switch, via Pilot, animations off): bare app {p_bare * 1000:.1f} ms, "
          f"console {p_small * 1000:.1f} ms with a short log, {p_big * 1000:.1f} ms with 5,000 log lines "
          f"({p_big / p_bare:.2f}x the bare app)")
    return {"bench": "tui", "bare_ms": t_bare * 1000, "console_ms": t_console * 1000, "ratio": ratio, "goal": 1.5,
            "filled_ms": t_filled * 1000, "filled_ratio": t_filled / t_bare,
            "eager_ms": t_eager * 1000, "eager_ratio": t_eager / t_bare,
            "press_bare_ms": p_bare * 1000, "press_small_ms": p_small * 1000, "press_5000_ms": p_big * 1000}


if __name__ == "__main__":
    main()
