"""Saves: durable appends per second, and resuming a 100,000-event journal.

- Appends: `Journal.append` of real command records (CRC, JSON, O_APPEND write, fsync)
  against a bare `os.write` + `os.fsync` of the same bytes, in the same run.
- Resume: `Session.open` of a save whose journal holds >= 100,000 events (one long
  exercise of the default scenario stretched to many turns, played by bots), against a
  bare `json.loads` of the same lines. Goal: at most 2x.

Run: python bench/bench_journal.py
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import attrs


def _records(target_events: int):
    from exercise import engine
    from exercise.dryrun.simulate import play
    from exercise.packs import loader
    from exercise.packs.problems import Problems

    loaded = loader.load_scenario(loader.find_scenario("deadline-2027"), Problems())
    sc = loaded.scenario
    per_turn = 22  # measured: bots make ~23 events a turn once the scheduled injects are spent
    turns = max(8, target_events // per_turn)
    long = attrs.evolve(sc, calendar=attrs.evolve(sc.calendar, turns=turns, labels=()))
    records: list[dict] = []

    def record(command, events):
        records.append({"type": "command", "n": len(records) + 1, "at": "2026-01-01T00:00:00+00:00",
                        "command": engine.to_dict(command), "events": [engine.to_dict(e) for e in events]})

    play(long, 2027, "mixed", record)
    return long, loaded.texts, records


def bench_appends(folder: Path, records: list[dict], n: int = 300) -> dict:
    from exercise.journal.log import Journal, encode

    sample = records[:n]
    j = Journal.create(folder / "appends.jsonl")
    t0 = time.perf_counter()
    for r in sample:
        j.append(r)
    t_journal = time.perf_counter() - t0
    j.close()
    blobs = [encode(r) for r in sample]
    fd = os.open(folder / "bare.bin", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    t0 = time.perf_counter()
    for b in blobs:
        os.write(fd, b)
        os.fsync(fd)
    t_bare = time.perf_counter() - t0
    os.close(fd)
    return {"appends_per_s": n / t_journal, "bare_per_s": n / t_bare, "ratio": t_journal / t_bare,
            "mean_record_bytes": sum(map(len, blobs)) / len(blobs)}


def main() -> dict:
    from exercise.journal import saves
    from exercise.session import Session

    tmp = Path(tempfile.mkdtemp(prefix="bench-journal-"))
    try:
        sc, sources, records = _records(100_000)
        events = sum(len(r["events"]) for r in records)
        session = Session.create(sc, sources, tmp, name="long", history=records)
        folder = session.folder
        session.close()
        journal = folder / saves.JOURNAL
        lines = journal.read_bytes().splitlines()

        def bare():
            data = journal.read_bytes()
            return [json.loads(line[9:]) for line in data.splitlines()]

        def resume():
            s = Session.open(folder)
            s.close()
            return s

        bare()  # warm the cache
        t_bare = statistics.median(_time(bare) for _ in range(3))
        t_resume = statistics.median(_time(resume) for _ in range(3))
        appends = bench_appends(tmp, records)
    finally:
        shutil.rmtree(tmp)
    ratio = t_resume / t_bare
    print(f"resume: {events:,} events in {len(records):,} records ({len(lines):,} lines, "
          f"{sc.calendar.turns} turns): bare json.loads {t_bare * 1000:.0f} ms, "
          f"Session.open {t_resume * 1000:.0f} ms, ratio {ratio:.2f}x (goal <= 2x)")
    print(f"durable appends: {appends['appends_per_s']:.0f}/s journal vs {appends['bare_per_s']:.0f}/s "
          f"bare write+fsync ({appends['ratio']:.2f}x), records of {appends['mean_record_bytes']:.0f} bytes")
    return {"bench": "journal", "events": events, "bare_ms": t_bare * 1000, "resume_ms": t_resume * 1000,
            "ratio": ratio, "goal": 2.0, **{f"append_{k}": v for k, v in appends.items()}}


def _time(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
