"""Saves: durable appends per second, and resuming a 100,000-event journal.

- Appends: `Journal.append` of real command records (CRC, JSON, O_APPEND write, fsync)
  against a bare `os.write` + `os.fsync` of the same bytes, in the same run, the two sides
  interleaved record by record.
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
    from exercise.dryrun.simulate import play
    from exercise.journal.records import command_record
    from exercise.packs import loader
    from exercise.packs.problems import Problems

    loaded = loader.load_scenario(loader.find_scenario("deadline-2027"), Problems())
    sc = loaded.scenario
    per_turn = 22  # measured: bots make ~23 events a turn once the scheduled injects are spent
    turns = max(8, target_events // per_turn)
    long = attrs.evolve(sc, calendar=attrs.evolve(sc.calendar, turns=turns, labels=()))
    records: list = []

    def record(command, events):
        records.append(command_record(len(records) + 1, command, events, at="2026-01-01T00:00:00+00:00"))

    play(long, 2027, "mixed", record)
    return long, loaded.texts, records


def bench_appends(folder: Path, records: list, n: int = 300, rounds: int = 6) -> dict:
    """Durable appends, the two sides interleaved record by record: `Journal.append` of a
    record, then a bare write + fsync of the same record's bytes to a file in the same
    folder, and so on, each timed on its own. The figure is the ratio of the sums; the
    rounds (blocks of n / rounds records) give its spread. Timing one whole block and then
    the other let the disk's mood swing the ratio from 0.6x to 2.5x."""
    from exercise.journal.log import Journal, encode
    from exercise.journal.records import to_json

    sample = [to_json(r) for r in records[:n]]
    blobs = [encode(r) for r in sample]
    j = Journal.create(folder / "appends.jsonl")
    fd = os.open(folder / "bare.bin", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    t_journal, t_bare = [0.0] * rounds, [0.0] * rounds
    clock = time.perf_counter
    for i, (r, b) in enumerate(zip(sample, blobs)):
        k = i * rounds // len(sample)
        t0 = clock()
        j.append(r)
        t1 = clock()
        os.write(fd, b)
        os.fsync(fd)
        t2 = clock()
        t_journal[k] += t1 - t0
        t_bare[k] += t2 - t1
    j.close()
    os.close(fd)
    ratios = [a / b for a, b in zip(t_journal, t_bare)]
    return {"appends_per_s": n / sum(t_journal), "bare_per_s": n / sum(t_bare),
            "ratio": sum(t_journal) / sum(t_bare), "ratio_min": min(ratios), "ratio_max": max(ratios),
            "rounds": rounds, "mean_record_bytes": sum(map(len, blobs)) / len(blobs)}


def main() -> dict:
    from exercise.journal import saves
    from exercise.session import Session

    tmp = Path(tempfile.mkdtemp(prefix="bench-journal-"))
    try:
        sc, sources, records = _records(100_000)
        events = sum(len(r.events) for r in records)
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
          f"bare write+fsync ({appends['ratio']:.2f}x, interleaved record by record; "
          f"{appends['ratio_min']:.2f}-{appends['ratio_max']:.2f}x over {appends['rounds']} blocks), records of {appends['mean_record_bytes']:.0f} bytes")
    return {"bench": "journal", "events": events, "bare_ms": t_bare * 1000, "resume_ms": t_resume * 1000,
            "ratio": ratio, "goal": 2.0, **{f"append_{k}": v for k, v in appends.items()}}


def _time(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
