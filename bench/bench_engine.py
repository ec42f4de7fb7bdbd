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
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

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
    args = ap.parse_args([] if __name__ != "__main__" else None)
    problems = Problems()
    loaded = loader.load_scenario(loader.find_scenario(args.scenario), problems)
    if loaded.scenario is None:
        sys.exit("\n".join(str(p) for p in problems.errors))
    sc = loaded.scenario
    gc.freeze()  # as `exercise simulate` does: the collector no longer rescans the scenario
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
            "apply_ratio": apply_us / base_us, "goal_exercises_per_s": 1000}


if __name__ == "__main__":
    main()
