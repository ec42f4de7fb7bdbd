"""The facilitator console: time to first frame, and key-press-to-screen with a big log.

- First frame: a fresh process that opens the facilitator console of a saved exercise
  (default scenario) as `exercise resume` does and exits after its first refresh (the
  loading screen; the save opens behind it), against a fresh process running a bare
  Textual app (one Static) the same way, in the same run. Goal: at most 1.5x. Also timed:
  until the console shows the exercise, and the old way (save opened before the app).
- Key press: with 5,000 lines in the event log, the time from a key press (switching
  tabs, which repaints the screen) until the screen has refreshed, against the same
  presses on a console whose log is nearly empty.
- Key latency (issue 18): each key a facilitator presses most (a tab key, the cursor in
  the Injects table, p to pause and resume, v to open an inject and escape to close it)
  on the default scenario and on the big one (bench/bigscenario.py), against a bare
  Textual app with the same kinds of widgets (tabs, DataTables of the same row counts, a
  status line, a Footer with as many keys, the same dialog) doing the same with the same
  key. Rounds interleave the bare app and the consoles; medians. The figure is the CPU
  time (process time) from the key until Textual is idle again: the machine is shared,
  and a bare app's idle wait would otherwise dilute every ratio. Goal: at most 1.3x.
  The team console (hot-seat, default scenario) is timed the same way, for a tab key and
  the cursor in its inbox, against a bare app with its tabs and tables.

Run: python bench/bench_tui.py [--keys-only] [--rounds 3] [--presses 8]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
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



# -- key latency: the console against a bare app with the same widgets ----------------------

# Each case: (name, keys pressed before timing, keys timed in turn). The keys alternate so
# that each press does the same work (two tabs, down/up, pause/resume, open/close).
KEY_CASES = (
    ("tab switch (2/3)", ("2",), ("3", "2")),
    ("cursor in a table (down/up)", ("2",), ("down", "up")),
    ("pause / resume (p)", ("2",), ("p", "p")),
    ("open a dialog (v)", ("2",), ("v", "escape")),
)
# The team console (hot-seat, the first team of the default scenario): a tab key (each
# focuses that tab's table) and the cursor in its inbox, whose detail follows the row.
TEAM_KEY_CASES = (
    ("team: tab switch (3/4)", ("3",), ("4", "3")),
    ("team: cursor in the inbox (down/up)", ("1",), ("down", "up")),
)
DIALOG_BODY = ("*From the NATO Defence Planning desk, via email*\n\nThe ministers meet in a week; "
               "each delegation brings its figures. " * 6)


def _bare_keys_app(shape: dict):
    """A plain Textual app shaped like the facilitator console: a status line, six tabs
    with DataTables of the console's row counts, a log, a Footer with as many shown keys,
    and a Markdown dialog. Its keys do what the console's do, with no exercise behind."""
    from rich.text import Text
    from textual.app import App
    from textual.binding import Binding
    from textual.containers import Horizontal, Vertical, VerticalScroll
    from textual.screen import ModalScreen
    from textual.widgets import Button, DataTable, Footer, Label, Markdown, RichLog, Static, TabbedContent, TabPane

    class Dialog(ModalScreen):
        BINDINGS = [Binding("escape", "close", "Close")]

        def compose(self):
            with Vertical():
                yield Label("Inject")
                with VerticalScroll():
                    yield Markdown(DIALOG_BODY)
                with Horizontal():
                    yield Button("Close", id="close")

        def on_mount(self):
            self.query_one("#close", Button).focus()

        def action_close(self):
            self.dismiss(None)

    tables = {"overview": ("teams", shape["teams"], 6), "injects": ("inject-table", shape["injects"], 4),
              "actions": ("action-table", shape["actions"], 6), "notes": ("note-table", shape["notes"], 6)}

    class Bare(App):
        CSS = ".paused #status { background: red; }"
        BINDINGS = [Binding("1", "tab('overview')", show=False), Binding("2", "tab('injects')", show=False),
                    Binding("3", "tab('actions')", show=False), Binding("4", "tab('log')", show=False),
                    Binding("5", "tab('notes')", show=False), Binding("p", "pause", "Pause/resume"),
                    Binding("v", "dialog", "Read inject")] + [
            Binding(k, "nothing", f"Key {k}") for k in "nfaujglmoTe"[:max(0, shape["footer_keys"] - 2)]]

        paused = False

        def compose(self):
            yield Static("Exercise · Turn 1/8 · deliberation", id="status")
            with TabbedContent(id="tabs"):
                for tab in ("overview", "injects", "actions", "log", "notes", "red"):
                    with TabPane(tab, id=tab):
                        if tab in tables:
                            yield DataTable(id=tables[tab][0], cursor_type="row", zebra_stripes=True)
                            yield Static("", id=f"{tab}-detail")
                        elif tab == "log":
                            yield RichLog(id="event-log")
                        else:
                            yield Static(tab)
            yield Footer()

        def on_mount(self):
            for _tab, (tid, rows, columns) in tables.items():
                t = self.query_one(f"#{tid}", DataTable)
                t.add_columns(*(f"Column {c}" for c in range(columns)))
                for r in range(rows):
                    t.add_row(*(Text(f"row {r} cell {c} with some words") for c in range(columns)), key=str(r))
            self.query_one("#teams", DataTable).focus()

        def on_data_table_row_highlighted(self, event):
            self.query_one("#injects-detail", Static).update(Text(f"Row {event.cursor_row}: the inject's synopsis"))

        def action_tab(self, tab):
            self.query_one("#tabs", TabbedContent).active = tab
            if tab in tables:
                self.query_one(f"#{tables[tab][0]}").focus()

        def action_pause(self):
            self.paused = not self.paused
            self.query_one("#status", Static).update(Text("Exercise · Turn 1/8" + (" · PAUSED" if self.paused else "")))
            self.screen.set_class(self.paused, "paused")

        def action_dialog(self):
            self.push_screen(Dialog())

        def action_nothing(self):
            pass

    return Bare()


def _bare_team_app(shape: dict):
    """A plain Textual app shaped like the team console: a status line of two parts, a
    banner, its tabs each with the console's DataTables (same row and column counts) and a
    detail line under each, a Footer with as many shown keys. A tab key focuses the tab's
    first table; the first table's cursor updates the detail under it."""
    from rich.text import Text
    from textual.app import App
    from textual.binding import Binding
    from textual.containers import Horizontal, Vertical
    from textual.widgets import DataTable, Footer, Static, TabbedContent, TabPane

    tabs: list[tuple[str, list[tuple[str, int, int]]]] = shape["tabs"]

    class Bare(App):
        BINDINGS = [Binding(str(i), f"tab('{tab}')", show=False) for i, (tab, _) in enumerate(tabs, 1)] + [
            Binding(k, "nothing", f"Key {k}") for k in "sfbaoxcgejlm"[:shape["footer_keys"]]]

        def compose(self):
            with Horizontal(id="statusbar"):
                yield Static("Team · Turn 1/8 · deliberation")
                yield Static("$ 1,000")
            yield Static("", id="banner")
            with TabbedContent(id="tabs"):
                for tab, tables in tabs:
                    with TabPane(tab, id=tab), Vertical():
                        for tid, _rows, _cols in tables:
                            yield DataTable(id=tid, cursor_type="row", zebra_stripes=True)
                            yield Static("", id=f"{tid}-detail")
                        if not tables:
                            yield Static(tab)
            yield Footer()

        def on_mount(self):
            for _tab, tables in tabs:
                for tid, rows, columns in tables:
                    t = self.query_one(f"#{tid}", DataTable)
                    t.add_columns(*(f"Column {c}" for c in range(columns)))
                    for r in range(rows):
                        t.add_row(*(Text(f"row {r} cell {c} with some words") for c in range(columns)), key=str(r))
            self.action_tab(tabs[0][0])

        def on_data_table_row_highlighted(self, event):
            self.query_one(f"#{event.data_table.id}-detail", Static).update(
                Text(f"Row {event.cursor_row}: what the row is, in full"))

        def action_tab(self, tab):
            self.query_one("#tabs", TabbedContent).active = tab
            tables = dict(tabs)[tab]
            if tables:
                self.query_one(f"#{tables[0][0]}").focus()

        def action_nothing(self):
            pass

    return Bare()


def _team_shape(screen) -> dict:
    """The team screen's tabs and their tables (id, rows, columns), and its footer's keys."""
    from textual.widgets import DataTable, TabPane
    from textual.widgets._footer import FooterKey

    return {"tabs": [(pane.id, [(t.id, t.row_count, len(t.columns)) for t in pane.query(DataTable)])
                     for pane in screen.query(TabPane)],
            "footer_keys": len(screen.query(FooterKey))}


def _big_scenario(root: Path):
    """The big scenario (bench/bigscenario.py: 12 teams, 24 turns, 1,012 injects), loaded."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bigscenario

    from exercise.packs import loader
    from exercise.packs.problems import Problems

    problems = Problems()
    loaded = loader.load_scenario(bigscenario.generate(root / "big-scenario"), problems)
    if loaded.scenario is None:
        raise SystemExit("\n".join(str(p) for p in problems.errors))
    return loaded


def _running_save(root: Path, loaded, name: str) -> Path:
    """A save in deliberation of turn 1 (injects delivered), with a few notes."""
    from exercise.engine import commands as cm
    from exercise.session import Session

    s = Session.create(loaded.scenario, loaded.texts, root, name=name)
    s.execute(cm.Start())
    s.execute(cm.Advance())
    s.execute(cm.Advance())
    for i in range(10):
        s.execute(cm.AddNote(text=f"observation {i}: the team discussed the inject at length"))
    s.close()
    return s.folder


async def _timed_keys(app, cases, presses: int, shape: dict | None = None,
                      team: str | None = None) -> dict[str, list[float]]:
    """CPU ms from each timed key until the app is idle again, per case (on `team`'s
    screen, hot-seat, if given)."""
    out: dict[str, list[float]] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        if team is not None:
            app.show_team(team)
            while not (type(app.screen).__name__ == "TeamScreen" and app.screen.view):
                await pilot.pause()
            await pilot.pause()
            if shape is not None:
                shape.update(_team_shape(app.screen))
        elif shape is not None:  # the console: what the bare app is to look like (its rows, from its view)
            from textual.widgets._footer import FooterKey

            view = app.screen.view
            shape.update(teams=len(view.teams), injects=len(view.injects), actions=len(view.actions),
                         notes=len(view.notes), footer_keys=len(app.screen.query(FooterKey)))
        for name, before, timed in cases:
            for k in before:
                await pilot.press(k)
                await pilot.pause()
            out[name] = []
            gc.collect()
            for i in range(presses):
                key = timed[i % len(timed)]
                t0 = time.process_time()
                await pilot.press(key)
                await pilot.pause()
                out[name].append((time.process_time() - t0) * 1000)
            if len(timed) % 2 == 0 and presses % 2:  # leave it as found (a dialog closed, resumed)
                await pilot.press(timed[presses % len(timed)])
                await pilot.pause()
    return out


def key_latency(rounds: int, presses: int) -> dict:
    """Every case on the default and the big scenario, each against its bare app."""
    from exercise.packs import loader
    from exercise.packs.problems import Problems
    from exercise.session import Session
    from exercise.tui.app import make_app

    tmp = Path(tempfile.mkdtemp(prefix="bench-keys-"))
    try:
        saves = {"default": _running_save(tmp, loader.load_scenario(loader.find_scenario("deadline-2027"), Problems()),
                                          "keys-default"),
                 "big": _running_save(tmp, _big_scenario(tmp), "keys-big")}
        shapes: dict[str, dict] = {k: {} for k in saves}
        team_shape: dict = {}
        samples: dict[tuple[str, str, str], list[float]] = {}
        for r in range(rounds + 1):  # round 0 warms up and learns the console's shape
            for size, folder in saves.items():
                session = Session.open(folder)
                try:
                    console = asyncio.run(_timed_keys(make_app(session=session), KEY_CASES, presses,
                                                      shapes[size] if r == 0 else None))
                finally:
                    session.close()
                bare = asyncio.run(_timed_keys(_bare_keys_app(shapes[size]), KEY_CASES, presses))
                if size == "default":  # the team console: one scenario is enough (a team sees its own)
                    session = Session.open(folder)
                    try:
                        team = session.scenario.teams[0].id
                        console.update(asyncio.run(_timed_keys(make_app(session=session), TEAM_KEY_CASES, presses,
                                                               team_shape if r == 0 else None, team=team)))
                    finally:
                        session.close()
                    bare.update(asyncio.run(_timed_keys(_bare_team_app(team_shape), TEAM_KEY_CASES, presses)))
                if r == 0:
                    continue
                for name in console:
                    samples.setdefault((size, name, "console"), []).extend(console[name])
                    samples.setdefault((size, name, "bare"), []).extend(bare[name])
    finally:
        shutil.rmtree(tmp)
    out: dict = {"rounds": rounds, "presses": presses, "shapes": shapes, "team_shape": team_shape, "goal": 1.3,
                 "cases": {}}
    print(f"key latency: CPU ms from the key until idle, median of {rounds} rounds x {presses} presses "
          f"(goal <= 1.3x a bare app with the same widgets)")
    for size in saves:
        sh = shapes[size]
        print(f"  {size} scenario: {sh['teams']} teams, {sh['injects']} injects, {sh['actions']} actions, "
              f"{sh['notes']} notes, {sh['footer_keys']} keys in the footer")
        if size == "default":
            print(f"    (team console: tables {[t for _, ts in team_shape['tabs'] for t in ts]}, "
                  f"{team_shape['footer_keys']} keys in the footer)")
        for name, _, _ in KEY_CASES + (TEAM_KEY_CASES if size == "default" else ()):
            c = statistics.median(samples[(size, name, "console")])
            b = statistics.median(samples[(size, name, "bare")])
            out["cases"][f"{size}: {name}"] = {"console_ms": c, "bare_ms": b, "ratio": c / b}
            print(f"    {name:30s} console {c:7.1f} ms, bare {b:6.1f} ms: {c / b:5.2f}x")
    return out


def main() -> dict:
    ap = argparse.ArgumentParser(description="the facilitator console's first frame and keys")
    ap.add_argument("--keys-only", action="store_true", help="only the key latency (issue 18's keys)")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds of the key latency")
    ap.add_argument("--presses", type=int, default=8, help="timed presses of each key a round")
    args, _ = ap.parse_known_args()  # bench/run.py passes the benches' names
    keys = key_latency(args.rounds, args.presses)
    if args.keys_only:
        return {"bench": "tui", "keys": keys}
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
            "press_bare_ms": p_bare * 1000, "press_small_ms": p_small * 1000, "press_5000_ms": p_big * 1000,
            "keys": keys}


if __name__ == "__main__":
    main()
