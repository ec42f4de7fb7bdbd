"""`exercise simulate` memory: peak RSS against the number of runs.

    python bench/bench_simulate.py [SCENARIO] [--runs 500,2000,8000] [--workers 1,2]
                                   [--policy mixed] [--compare /path/to/other/checkout]

Each measure is a fresh process running `exercise simulate SCENARIO -n RUNS -w WORKERS`
(the report printed to /dev/null) and reporting its own peak RSS (`ru_maxrss`) and that of
its largest worker process (the pool's workers, with -w 2), with its CPU time. The
report is folded as runs arrive, so the peak should not depend on the number of runs:
goal (issue 18), the most runs within 1.1x the fewest, for each number of workers.
`--compare` runs another checkout's code the same way, interleaved with this one
(e.g. the tree before the change). Not a test: nothing fails, it reports.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# One measure: the command in-process, then its peak RSS and that of its largest child.
CHILD = """
import json, os, resource, sys, time
from exercise.cli.simulate import simulate
args = sys.argv[1:]
start_cpu, start = time.process_time(), time.monotonic()
with open(os.devnull, "w") as out:
    stdout, sys.stdout = sys.stdout, out
    try:
        simulate.main(args, standalone_mode=False)
    finally:
        sys.stdout = stdout
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"peak": me.ru_maxrss / 1024, "worker": kids.ru_maxrss / 1024,
                  "cpu": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
                  "wall": time.monotonic() - start}))
"""


def measure(tree: Path, scenario: str, runs: int, workers: int, policy: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    args = [scenario, "-n", str(runs), "-w", str(workers), "-p", policy, "-s", "1"]
    res = subprocess.run([sys.executable, "-c", CHILD, *args], cwd=tree, env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", nargs="?", default="deadline-2027")
    ap.add_argument("--runs", default="500,2000,8000", help="numbers of runs, comma-separated")
    ap.add_argument("--workers", default="1,2", help="numbers of workers, comma-separated")
    ap.add_argument("--policy", default="mixed")
    ap.add_argument("--compare", type=Path, default=None, help="another checkout, measured the same way")
    a = ap.parse_args([] if __name__ != "__main__" else None)  # bench/run.py: the defaults
    runs = [int(x) for x in a.runs.split(",")]
    workers = [int(x) for x in a.workers.split(",")]
    trees = [("this", ROOT)] + ([("compare", a.compare.resolve())] if a.compare else [])
    print(f"exercise simulate {a.scenario} -p {a.policy}: peak RSS MiB (the process; its largest worker),"
          f" CPU s; load average {os.getloadavg()[0]:.1f}")
    peaks: dict[tuple[str, int, int], float] = {}
    for w in workers:
        for n in runs:
            for name, tree in trees:  # interleaved: the two trees side by side
                m = measure(tree, a.scenario, n, w, a.policy)
                peaks[name, w, n] = m["peak"]
                worker = f"; worker {m['worker']:6.1f}" if w > 1 else ""
                print(f"  {name:<8} -w {w} -n {n:>6}: {m['peak']:6.1f}{worker}  "
                      f"({m['cpu']:.1f} CPU s, {m['wall']:.1f} s wall)", flush=True)
    print(f"peak at {runs[-1]} runs / at {runs[0]} runs (goal: at most 1.1x)")
    ratios = {}
    for name, _ in trees:
        for w in workers:
            ratios[f"{name} -w {w}"] = peaks[name, w, runs[-1]] / peaks[name, w, runs[0]]
            print(f"  {name:<8} -w {w}: {ratios[f'{name} -w {w}']:.2f}x")
    return {"bench": "simulate", "scenario": a.scenario, "policy": a.policy, "runs": runs,
            "peak_mib": {f"{name} -w {w} -n {n}": v for (name, w, n), v in peaks.items()}, "ratios": ratios}


if __name__ == "__main__":
    main()
