"""Command start-up: commands that draw no screen, each a fresh process, against a baseline.

The baseline is a fresh interpreter importing what every command needs anyway:
`python -c "import attrs, cattrs, click"`. Cases, each the whole process (imports, work,
output to /dev/null):

- `exercise --help` (the command list: no command's heavy module may be imported)
- `exercise validate` of the bundled default scenario (deadline-2027.toml)
- `exercise verify SAVE` of a small save made in a temporary folder (started, one
  advance, one note)
- `exercise saves` on that folder (one save)
- `exercise simulate -n 1` (the default scenario played once by the bots)

Goal: at most 1.5x the baseline. Runs are interleaved (every case once a round, 9 rounds,
medians) so that a busy moment of the machine falls on both sides of a ratio. Wall time
and CPU time (user + system of the process, which a loaded machine disturbs less) are
both reported; the package's bytecode is compiled first, as an installed program's is. Run: python bench/bench_startup.py [--rounds N]
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BASELINE = "import attrs, cattrs, click"
# What the `exercise` console script runs.
EXERCISE = "import sys; from exercise.cli import main; sys.argv[0] = 'exercise'; sys.exit(main())"


def make_save(root: Path) -> str:
    """A small save in root (started, one advance, one note); returns its id."""
    from exercise.engine import commands as cm
    from exercise.packs import loader
    from exercise.packs.problems import Problems
    from exercise.session import Session

    loaded = loader.load_scenario(loader.find_scenario("deadline-2027"), Problems())
    s = Session.create(loaded.scenario, loaded.texts, root, name="small")
    s.execute(cm.Start())
    s.execute(cm.Advance())
    s.execute(cm.AddNote(text="the first observation of the day"))
    s.close()
    return s.folder.name


def _proc(code: str, *args: str, cwd: Path) -> tuple[float, float]:
    """Wall time and CPU time (s) of a fresh interpreter running code."""
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.DEVNULL, stderr=err,
                             env=env, cwd=cwd)
        _, status, usage = os.wait4(p.pid, 0)
        elapsed = time.perf_counter() - t0
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            raise SystemExit(f"{args}: {err.read().decode()}")
    return elapsed, usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=9)
    args = ap.parse_args(argv if argv is not None else [])
    tmp = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    try:
        save = make_save(tmp / "saves")
        scenario = str(ROOT / "scenarios" / "deadline-2027.toml")
        cases = {
            "baseline": (BASELINE,),
            "help": (EXERCISE, "--help"),
            "validate": (EXERCISE, "validate", scenario),
            "verify": (EXERCISE, "verify", "--saves", str(tmp / "saves"), save),
            "saves": (EXERCISE, "saves", "--saves", str(tmp / "saves")),
            "simulate": (EXERCISE, "simulate", "-n", "1"),
        }
        # An installed program starts from cached bytecode (pip compiles it); a checkout run
        # with PYTHONDONTWRITEBYTECODE would compile every module it imports at every start.
        compileall.compile_dir(ROOT / "exercise", quiet=1)
        for case in cases.values():  # warm the caches (and fail early)
            _proc(*case, cwd=tmp)
        runs = [{name: _proc(*case, cwd=tmp) for name, case in cases.items()} for _ in range(args.rounds)]
    finally:
        shutil.rmtree(tmp)
    t = {name: statistics.median(r[name][0] for r in runs) * 1000 for name in cases}
    cpu = {name: statistics.median(r[name][1] for r in runs) * 1000 for name in cases}
    print(f"medians of {args.rounds} interleaved rounds, fresh processes; wall (CPU) time")
    print(f"baseline `python -c \"{BASELINE}\"`: {t['baseline']:.0f} ms ({cpu['baseline']:.0f} ms CPU)")
    for name, label in (("help", "exercise --help"), ("validate", "exercise validate deadline-2027.toml"),
                        ("verify", "exercise verify SAVE (small)"), ("saves", "exercise saves (one save)"),
                        ("simulate", "exercise simulate -n 1")):
        print(f"  {label}: {t[name]:.0f} ms, {t[name] / t['baseline']:.2f}x "
              f"({cpu[name]:.0f} ms CPU, {cpu[name] / cpu['baseline']:.2f}x; goal <= 1.5x)")
    return {"bench": "startup", "ms": t, "cpu_ms": cpu,
            "ratios": {name: t[name] / t["baseline"] for name in cases if name != "baseline"},
            "cpu_ratios": {name: cpu[name] / cpu["baseline"] for name in cases if name != "baseline"}, "goal": 1.5}

if __name__ == "__main__":
    main(sys.argv[1:])
