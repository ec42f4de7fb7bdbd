"""Listing saves: the start screen's first frame and `exercise saves`, with many saves and a big one.

A generated saves folder: 200 small saves of the default scenario (a few commands each),
and one save whose journal holds 100,000 events (notes, one event a record), each timed
on its own and together.

- Start screen: a fresh process opening the start screen (`exercise` with no arguments)
  on that folder and ending at its first frame, against a fresh process running a bare
  Textual app (one Static) the same way, in the same run; also on no saves at all. Goal:
  at most 1.3x. Also timed: until the scenarios are listed (loaded in a thread after the
  first frame), and until every save's journal has been checked (the rows are final).
  Peak memory (max RSS) of each process.
- `exercise saves` on that folder, whole process, against `exercise saves` on an empty
  saves folder (the same imports and output path). Goal: at most 1.5x.

Runs are interleaved (7 rounds, medians) so that a busy moment of the machine falls on
both sides of a ratio. Run: python bench/bench_saves.py [--small N] [--events N] [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The first frame: the first update of a screen (named, or any) that the app hands to its
# (headless) driver. The process ends there at once (os._exit), not after its tear-down nor
# after the start screen's loading thread (which the interpreter would wait for at exit).
FIRST_FRAME = """
import os
from textual.app import App
_display = App._display
def _first_frame(self, screen, update):
    _display(self, screen, update)
    if update is not None and type(screen).__name__ in {screens!r}:
        os._exit(0)
App._display = _first_frame
"""

BARE = FIRST_FRAME.format(screens=("Screen",)) + """
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("hello")
Bare().run(headless=True, size=(120, 40))
"""

# `exercise` with no arguments: the start screen, ended at its first frame.
START = FIRST_FRAME.format(screens=("StartScreen",)) + """
import sys
from pathlib import Path
from exercise.tui.app import make_app
make_app(saves_root=Path(sys.argv[1])).run(headless=True, size=(120, 40))
"""

# The same, until the start screen says `attribute` (its scenarios listed: "scenarios_ready";
# every save's journal checked, the table's rows final: "checked") and has drawn it.
START_UNTIL = """
import os, sys
from pathlib import Path
from exercise.tui.app import make_app
app = make_app(saves_root=Path(sys.argv[1]))
def poll():
    screen = app.screen
    if type(screen).__name__ == "StartScreen" and getattr(screen, sys.argv[2], True):
        timer.stop()
        screen.call_after_refresh(os._exit, 0)
def start():
    global timer
    timer = app.set_interval(0.005, poll)
app.call_later(start)
app.run(headless=True, size=(120, 40))
"""

SAVES = "import sys; from exercise.cli import main; sys.argv[0] = 'exercise'; main()"


def make_saves(root: Path, small: int, events: int) -> tuple[Path, Path, Path]:
    """Three saves folders under root: `many` (small saves), `big` (one save of `events`
    events), `both`. The small saves are copies of one real save, each with its own meta."""
    from exercise.engine import commands as cm
    from exercise.journal import log, saves
    from exercise.packs import loader
    from exercise.packs.problems import Problems
    from exercise.session import Session

    loaded = loader.load_scenario(loader.find_scenario("deadline-2027"), Problems())
    work = root / "work"
    s = Session.create(loaded.scenario, loaded.texts, work, name="template")
    s.execute(cm.Start())
    s.execute(cm.Advance())
    s.execute(cm.AddNote(text="the first observation of the day"))
    s.close()
    template = s.folder
    many, big, both = root / "many", root / "big", root / "both"
    for parent in (many, big, both):
        parent.mkdir()
    meta = json.loads((template / saves.META).read_text())
    for i in range(small):
        for parent in (many, both):
            folder = parent / f"exercise-{i:03d}"
            shutil.copytree(template, folder)
            (folder / saves.META).write_text(json.dumps({**meta, "id": folder.name, "title": f"Exercise {i}"}))
    # The big one: the template's journal, then one note a record up to `events` events.
    lines = (template / saves.JOURNAL).read_bytes().splitlines(keepends=True)
    note = log.decode(lines[-1].rstrip(b"\n"))
    assert note is not None
    for key in log.CHAIN_KEYS:
        note.pop(key)
    folder = big / "long-exercise"
    shutil.copytree(template, folder)
    tip, n = log.line_hash(lines[-1]), len(lines)
    with open(folder / saves.JOURNAL, "ab") as f:
        chunk = []
        for _ in range(events):
            n += 1
            line = log.encode_chained({**note, "n": n}, n, tip)
            tip = log.line_hash(line)
            chunk.append(line)
            if len(chunk) == 5000:
                f.write(b"".join(chunk))
                chunk = []
        f.write(b"".join(chunk))
    (folder / saves.META).write_text(json.dumps({**meta, "id": folder.name, "title": "Long exercise"}))
    shutil.copytree(folder, both / folder.name)
    shutil.rmtree(work)
    return many, big, both


def _proc(code: str, *args: str) -> tuple[float, float]:
    """Wall time (s) and peak memory (MiB) of a fresh interpreter running code."""
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.DEVNULL, stderr=err, env=env)
        _, status, usage = os.wait4(p.pid, 0)
        elapsed = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode != 0:
            err.seek(0)
            raise SystemExit(err.read().decode())
    return elapsed, usage.ru_maxrss / 1024


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--small", type=int, default=200)
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args(argv if argv is not None else [])
    tmp = Path(tempfile.mkdtemp(prefix="bench-saves-"))
    try:
        many, big, both = make_saves(tmp, args.small, args.events)
        empty = tmp / "empty"
        empty.mkdir()
        cases = {
            "bare": (BARE,), "start_empty": (START, str(empty)), "start_many": (START, str(many)),
            "start_big": (START, str(big)),
            "start_both": (START, str(both)), "listed_both": (START_UNTIL, str(both), "scenarios_ready"),
            "checked_both": (START_UNTIL, str(both), "checked"),
            "saves_empty": (SAVES, "saves", "--saves", str(empty)), "saves_many": (SAVES, "saves", "--saves", str(many)),
            "saves_big": (SAVES, "saves", "--saves", str(big)), "saves_both": (SAVES, "saves", "--saves", str(both)),
        }
        for case in cases.values():  # warm the caches
            _proc(*case)
        runs = [{name: _proc(*case) for name, case in cases.items()} for _ in range(args.rounds)]
    finally:
        shutil.rmtree(tmp)
    t = {name: statistics.median(r[name][0] for r in runs) * 1000 for name in cases}
    mem = {name: max(r[name][1] for r in runs) for name in cases}
    print(f"{args.small} small saves, one of {args.events:,} events; medians of {args.rounds} interleaved rounds")
    print(f"start screen, first frame: bare Textual app {t['bare']:.0f} ms ({mem['bare']:.0f} MiB)")
    for name, label in (("start_empty", "no saves"), ("start_many", f"{args.small} saves"),
                        ("start_big", "the big save"),
                        ("start_both", "both"), ("listed_both", "both, until the scenarios are listed"),
                        ("checked_both", "both, until every journal is checked")):
        print(f"  {label}: {t[name]:.0f} ms, {t[name] / t['bare']:.2f}x (goal <= 1.3x), {mem[name]:.0f} MiB")
    print(f"`exercise saves`: empty saves folder (baseline) {t['saves_empty']:.0f} ms ({mem['saves_empty']:.0f} MiB)")
    for name, label in (("saves_many", f"{args.small} saves"), ("saves_big", "the big save"), ("saves_both", "both")):
        print(f"  {label}: {t[name]:.0f} ms, {t[name] / t['saves_empty']:.2f}x (goal <= 1.5x), {mem[name]:.0f} MiB")
    return {"bench": "saves", "ms": t, "max_rss_mib": mem,
            "start_ratio": t["start_both"] / t["bare"], "start_goal": 1.3,
            "saves_ratio": t["saves_both"] / t["saves_empty"], "saves_goal": 1.5}


if __name__ == "__main__":
    main(sys.argv[1:])
