"""Engine throughput: whole dry-run exercises per second and the cost of one `apply`.

    python bench/bench_engine.py [SCENARIO] [--seconds S]

Figures are printed with a baseline measured in the same run (a bare loop copying a
state-sized dict and building a small object per event), so the ratios mean something on
any machine. Not a test: nothing fails, it reports.

Where the time goes (default scenario, bots): ~205 commands and ~580 events per exercise;
the profile is flat (no function above ~5 %): checking commands and building and folding
events, ~15 % in the bots. Already done: conditions compiled once per scenario, per-turn
inject candidates and other lookups precomputed in `ScenarioRules`, copy-on-write dicts copied at
most once per transaction, a bot's batch of commands run in one transaction
(`rules.execute_all`), memoised bot budget splits, events that carry results so a replay
is a tight loop. The goal of 1,000 exercises/s per core is not met (see
docs/performance.md); a mutable fast path for dry runs is ruled out by design (a dry run
plays by exactly the rules of a live one).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from exercise.dryrun.simulate import play
from exercise.engine import apply, execute, initial_state, replay
from exercise.engine import commands as cm
from exercise.engine.rolls import derive_seed
from exercise.packs import loader
from exercise.packs.problems import Problems


def timed(fn, seconds: float) -> tuple[int, float]:
    """(calls, elapsed): call fn() repeatedly for about `seconds`."""
    n, start = 0, time.perf_counter()
    while True:
        fn()
        n += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return n, elapsed


def best_rate(fn, seconds: float, rounds: int = 3) -> float:
    return max(n / t for n, t in (timed(fn, seconds / rounds) for _ in range(rounds)))


def journal(scenario, seed: int) -> tuple[object, list]:
    """The events of one forced dry run (no bots), for the apply benchmark."""
    state = initial_state(scenario, seed)
    events = []
    state, e = execute(state, cm.Start())
    events += e
    while state.status == "running":
        state, e = execute(state, cm.Advance(force=True))
        events += e
    return state, events


def main() -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario", nargs="?", default="deadline-2027")
    ap.add_argument("--seconds", type=float, default=3.0, help="time spent on each figure")
    ap.add_argument("--rounds", type=int, default=5, help="interleaved rounds of the big case")
    ap.add_argument("--big-only", action="store_true", help="only the big case (default vs big)")
    args = ap.parse_args([] if __name__ != "__main__" else None)
    problems = Problems()
    loaded = loader.load_scenario(loader.find_scenario(args.scenario), problems)
    if loaded.scenario is None:
        sys.exit("\n".join(str(p) for p in problems.errors))
    sc = loaded.scenario
    gc.freeze()  # as `exercise simulate` does: the collector no longer rescans the scenario
    if args.big_only:
        return {"bench": "engine", "scenario": sc.id, "big": big_case(sc, args.rounds)}
    final, events = journal(sc, 1)
    n_events = len(events)
    state0 = initial_state(sc, 1)
    width = len(state0.__dict__)

    # Baseline: per event, copy a dict as wide as the state and build a small object.
    template = dict(state0.__dict__)

    class Small:
        __slots__ = ("a", "b", "c")

        def __init__(self, a, b, c):
            self.a, self.b, self.c = a, b, c

    def baseline():
        d = template
        for i in range(n_events):
            d = dict(d)
            d["turn"] = Small(i, d, None)

    base_us = 1e6 / (best_rate(baseline, args.seconds / 2, rounds=5) * n_events)

    print(f"scenario {sc.id}: {len(sc.teams)} teams, {sc.calendar.turns} turns, "
          f"{len(sc.all_injects())} injects; the state has {width} fields")
    counter = iter(range(10**9))
    rates = {}
    for policy in ("mixed", "cautious", "spender", "random"):
        # policy=policy: bind this round's policy in the lambda (B023)
        rates[policy] = best_rate(lambda policy=policy: play(sc, derive_seed(7, next(counter)), policy),
                                  args.seconds, rounds=5)
        print(f"  dry runs, bots '{policy}'{' ' * (9 - len(policy))} {rates[policy]:7.0f} exercises/s on one core")
    forced = best_rate(lambda: journal(sc, next(counter)), args.seconds, rounds=5)
    print(f"  forced run, no bots          {forced:7.0f} exercises/s ({n_events} events each)")

    # apply: one event at a time (a new state per event), and a whole replay.
    per_event = []
    for _ in range(7):
        t = time.perf_counter()
        s = state0
        for e in events:
            s = apply(s, e)
        per_event.append((time.perf_counter() - t) / n_events)
    assert s == final
    apply_us = min(per_event) * 1e6
    replay_us = 1e6 / (best_rate(lambda: replay(state0, events), args.seconds / 2, rounds=5) * n_events)
    print(f"  apply, one event             {apply_us:7.2f} us per event ({apply_us / base_us:.1f}x baseline)")
    print(f"  replay, a whole journal      {replay_us:7.2f} us per event ({replay_us / base_us:.1f}x baseline)")
    print(f"  baseline: dict copy + object {base_us:7.2f} us per event")
    print(f"  goal: 1,000 exercises/s per core; reached {rates['mixed']:.0f} with bots "
          f"({rates['mixed'] / 10:.0f}%), {forced:.0f} without ({forced / 10:.0f}%)")
    return {"bench": "engine", "scenario": sc.id, "events_per_forced_run": n_events,
            "exercises_per_s": rates, "forced_exercises_per_s": forced, "apply_us": apply_us,
            "replay_us_per_event": replay_us, "baseline_us": base_us,
            "apply_ratio": apply_us / base_us, "goal_exercises_per_s": 1000,
            "big": big_case(sc, args.rounds)}


def big_case(default, rounds: int) -> dict:
    """Cost per event on the default scenario and on one 16x its size (bench/bigscenario.py:
    12 teams, 24 turns, 1,012 injects), measured in interleaved rounds (default, big,
    default, big ...), medians. Goal: the big scenario within 1.1x the default per event.

    - bots: whole dry runs with bots ('mixed'), time / events recorded;
    - forced: the facilitator forces every turn, no bots;
    - apply: the forced run's events applied one at a time (a new state per event);
    - replay: the same events folded in one transaction.
    """
    import bigscenario

    with tempfile.TemporaryDirectory(prefix="bench-big-") as tmp:
        problems = Problems()
        big = loader.load_scenario(bigscenario.generate(Path(tmp)), problems).scenario
        if big is None:
            sys.exit("\n".join(str(p) for p in problems.errors))
    cases = {"default": default, "big": big}
    journals = {k: journal(sc, 1) for k, sc in cases.items()}
    runs = {"default": 12, "big": 1}  # about 0.5 s of dry runs a side and round
    seeds = iter(range(10**9))
    figures: dict[str, dict[str, list[float]]] = {k: {m: [] for m in ("bots", "forced", "apply", "replay")}
                                                  for k in cases}

    def per_event(fn, n: int) -> float:
        gc.collect()
        t = time.perf_counter()
        events = fn(n)
        return (time.perf_counter() - t) / events * 1e6

    def bots(sc):
        def go(n):
            count = [0]
            for _ in range(n):
                play(sc, derive_seed(11, next(seeds)), "mixed", lambda c, e: count.__setitem__(0, count[0] + len(e)))
            return count[0]
        return go

    def forced(sc):
        return lambda n: sum(len(journal(sc, next(seeds))[1]) for _ in range(n))

    def one_by_one(state0, events):
        def go(n):
            for _ in range(n):
                s = state0
                for e in events:
                    s = apply(s, e)
            return n * len(events)
        return go

    def folded(state0, events):
        def go(n):
            for _ in range(n):
                replay(state0, events)
            return n * len(events)
        return go

    for _ in range(rounds):
        for k, sc in cases.items():
            final, events = journals[k]
            state0 = initial_state(sc, 1)
            figures[k]["bots"].append(per_event(bots(sc), runs[k]))
            figures[k]["forced"].append(per_event(forced(sc), runs[k] * 2))
            figures[k]["apply"].append(per_event(one_by_one(state0, events), runs[k] * 2))
            figures[k]["replay"].append(per_event(folded(state0, events), runs[k] * 10))
    med = {k: {m: statistics.median(v) for m, v in f.items()} for k, f in figures.items()}
    print(f"big case: {big.id}, {len(big.teams)} teams, {big.calendar.turns} turns, {len(big.all_injects())} injects "
          f"({len(journals['big'][1]):,} events in a forced run, {len(journals['default'][1])} by default); "
          f"medians of {rounds} interleaved rounds")
    out: dict = {"rounds": rounds, "injects": len(big.all_injects())}
    for m in ("bots", "forced", "apply", "replay"):
        ratio = med["big"][m] / med["default"][m]
        out[m] = {"default_us": med["default"][m], "big_us": med["big"][m], "ratio": ratio}
        print(f"  {m:7s} {med['default'][m]:6.2f} us per event by default, {med['big'][m]:6.2f} big: "
              f"{ratio:.2f}x (goal <= 1.10x)")
    return out


if __name__ == "__main__":
    main()
