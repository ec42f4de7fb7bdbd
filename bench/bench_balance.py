"""Balance report throughput: dry-run exercises/s per core for each bot policy, and the
wall time of the whole `exercise balance` report on two workers.

    python bench/bench_balance.py [SCENARIO] [--seconds S] [--runs N] [--workers W]

Each policy's rate is printed with the rate of a forced run (the facilitator advancing
every phase, no bots) measured in the same run, so the ratio says what the bots and the
moves they make cost on any machine. Rates are per CPU-second of this process (the
machine is often shared: wall-clock rates say more about the neighbours). Then, for the
line-up most of the report plays (coordinated teams, the red bot), where an exercise's
time goes: the team bots, the red bot, and the engine with the dry-run loop. Goals
(issue 15): at least 200 exercises/s per core with bots; the report of the default
scenario within 60 s on two cores. Not a test: nothing fails, it reports.
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_engine import journal  # the same baseline

from exercise import bots
from exercise.bots import POLICIES
from exercise.cli.balance import DEFAULT_RUNS
from exercise.dryrun.balance import balance, configurations
from exercise.dryrun.simulate import Lineup, play
from exercise.engine.rolls import derive_seed
from exercise.packs import loader
from exercise.packs.problems import Problems


def best_rate(fn, seconds: float, rounds: int = 3) -> float:
    """Calls of fn per CPU-second of this process, the best of `rounds` (~seconds in all)."""
    best = 0.0
    for _ in range(rounds):
        n, start = 0, time.process_time()
        while (spent := time.process_time() - start) < seconds / rounds:
            fn()
            n += 1
        best = max(best, n / spent)
    return best


def split(sc, lineup: Lineup, runs: int) -> dict[str, float]:
    """CPU ms an exercise in the team bots, the red bot and the rest (the engine and the
    dry-run loop), over `runs` exercises: the bots' entry points are timed in place."""
    spent = {"team bots": 0.0, "red bot": 0.0}

    def timed_bot(fn, key):
        def bot(*args):
            start = time.process_time()
            try:
                return fn(*args)
            finally:
                spent[key] += time.process_time() - start
        return bot

    saved = dict(POLICIES), dict(getattr(bots, "REDS", {}))
    POLICIES.update({k: timed_bot(f, "team bots") for k, f in saved[0].items()})
    bots.REDS.update({k: timed_bot(f, "red bot") for k, f in saved[1].items()})
    try:
        start = time.process_time()
        for i in range(runs):
            play(sc, derive_seed(11, i), lineup)
        total = time.process_time() - start
    finally:
        POLICIES.update(saved[0])
        bots.REDS.update(saved[1])
    out = {k: 1000 * v / runs for k, v in spent.items()}
    out["engine and loop"] = 1000 * total / runs - sum(out.values())
    return out


def main() -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario", nargs="?", default="deadline-2027")
    ap.add_argument("--seconds", type=float, default=3.0, help="time spent on each rate")
    ap.add_argument("--runs", type=int, default=DEFAULT_RUNS, help="runs per configuration of the report")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args([] if __name__ != "__main__" else None)
    problems = Problems()
    loaded = loader.load_scenario(loader.find_scenario(args.scenario), problems)
    if loaded.scenario is None:
        sys.exit("\n".join(str(p) for p in problems.errors))
    sc = loaded.scenario
    gc.freeze()
    counter = iter(range(10**9))
    forced = best_rate(lambda: journal(sc, next(counter)), args.seconds, rounds=3)
    print(f"scenario {sc.id}: forced run, no bots (baseline) {forced:7.0f} exercises/s on one core")
    rates = {}
    for policy in POLICIES:
        lineup = Lineup(policy=policy)
        rates[policy] = best_rate(lambda lineup=lineup: play(sc, derive_seed(7, next(counter)), lineup),
                                  args.seconds, rounds=3)
        print(f"  bots '{policy}'{' ' * (12 - len(policy))} {rates[policy]:7.0f} exercises/s on one core "
              f"({rates[policy] / forced:.2f}x the baseline; goal 200: {'met' if rates[policy] >= 200 else 'NOT met'})")
    coord = "coordinated" if "coordinated" in POLICIES else "planner"
    rolls = Lineup(policy=coord, rolls=True)
    rates["rolls recorded"] = best_rate(lambda: play(sc, derive_seed(7, next(counter)), rolls), args.seconds, rounds=3)
    print(f"  coordinated with its rolls recorded (the report's dice) {rates['rolls recorded']:7.0f} exercises/s")
    costs = {}
    if getattr(bots, "REDS", {}).get("bot") and sc.adversary is not None:
        red = Lineup(policy=coord, red="bot")
        rates["coordinated, red bot"] = best_rate(lambda: play(sc, derive_seed(7, next(counter)), red),
                                                  args.seconds, rounds=3)
        print(f"  coordinated with the red bot (most of the report) {rates['coordinated, red bot']:7.0f} exercises/s "
              f"({rates['coordinated, red bot'] / forced:.2f}x the baseline)")
        costs = split(sc, red, max(20, int(rates["coordinated, red bot"] * args.seconds / 3)))
        print("    where its time goes, CPU ms an exercise: "
              + ", ".join(f"{k} {v:.2f}" for k, v in costs.items())
              + f" (the forced run alone: {1000 / forced:.2f})")

    configs, _ = configurations(sc)
    before = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    balance(sc, args.runs, 2027, args.workers)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU time of this process and its (joined) workers: on a shared machine the wall time
    # says more about the neighbours than about the report
    cpu = sum(a.ru_utime + a.ru_stime - b.ru_utime - b.ru_stime for a, b in zip(after, before))
    total = args.runs * len(configs)
    print(f"  balance report: {len(configs)} configurations x {args.runs} runs = {total} exercises in {wall:.1f} s "
          f"on {args.workers} workers, {cpu:.1f} CPU s ({1000 * cpu / total:.1f} ms an exercise; "
          f"{cpu / args.workers:.1f} s on {args.workers} idle cores; goal 60 s: "
          f"{'met' if wall <= 60 else 'NOT met'} by the wall time)")
    return {"bench": "balance", "scenario": sc.id, "forced_exercises_per_s": forced, "exercises_per_s": rates,
            "ratios": {k: v / forced for k, v in rates.items()}, "split_ms": costs, "report_configurations": len(configs),
            "report_runs": args.runs, "report_workers": args.workers, "report_seconds": wall,
            "report_cpu_seconds": cpu}


if __name__ == "__main__":
    main()
