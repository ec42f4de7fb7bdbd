"""The durable record log: crashes, torn tails, bit flips and failing disks."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exercise.journal import log
from exercise.journal.log import Journal, JournalBroken, JournalDamaged, JournalError, encode, scan_bytes

RECORDS = [{"n": i, "text": "é" * (i % 5), "xs": list(range(i % 4))} for i in range(40)]
BLOB = b"".join(encode(r) for r in RECORDS)
ENDS = [len(b"".join(encode(r) for r in RECORDS[: i + 1])) for i in range(len(RECORDS))]


def test_append_and_reopen(tmp_path):
    j = Journal.create(tmp_path / "j")
    j.append(RECORDS[0])
    j.append_many(RECORDS[1:3])
    j.close()
    again = Journal.open(tmp_path / "j")
    assert again.records == RECORDS[:3] and again.recovered is None


@settings(max_examples=200, deadline=None)
@given(cut=st.integers(0, len(BLOB)))
def test_any_truncation_recovers_an_exact_prefix(tmp_path_factory, cut):
    folder = tmp_path_factory.mktemp("t")
    path = folder / "j"
    path.write_bytes(BLOB[:cut])
    j = Journal.open(path)
    kept = sum(1 for e in ENDS if e <= cut)
    assert j.records == RECORDS[:kept]
    side = list(folder.glob("j.damaged-*"))
    if cut in ENDS or cut == 0:
        assert not side and j.recovered is None
    else:  # the cut bytes are kept aside, never deleted
        assert len(side) == 1 and side[0].read_bytes() == BLOB[ENDS[kept - 1] if kept else 0:cut]
        assert path.read_bytes() + side[0].read_bytes() == BLOB[:cut]


@settings(max_examples=200, deadline=None)
@given(pos=st.integers(0, len(BLOB) - 1), bit=st.integers(0, 7))
def test_bit_flip_is_caught_never_skipped(tmp_path_factory, pos, bit):
    folder = tmp_path_factory.mktemp("f")
    path = folder / "j"
    data = bytearray(BLOB)
    data[pos] ^= 1 << bit
    path.write_bytes(bytes(data))
    hit = next(i for i, e in enumerate(ENDS) if pos < e)  # the record the flip landed in
    scan = scan_bytes(bytes(data))
    # What is read is always an exact prefix of what was written, and stops at the flip.
    assert scan.records == RECORDS[: len(scan.records)]
    assert len(scan.records) <= hit
    if scan.damaged_middle:
        # Damage followed by intact records is reported with its line, never skipped.
        with pytest.raises(JournalDamaged) as e:
            Journal.open(path)
        assert e.value.line == len(scan.records) + 1
        assert path.read_bytes() == bytes(data)  # nothing touched
    else:
        # Only the tail was hit: keep the prefix, set the rest aside.
        j = Journal.open(path)
        assert j.records == scan.records
        (side,) = folder.glob("j.damaged-*")
        assert path.read_bytes() + side.read_bytes() == bytes(data)


def _flaky(monkeypatch, name: str, fail_on: int, err: int):
    real = getattr(os, name)
    calls = {"n": 0}

    def wrapper(*a, **kw):
        calls["n"] += 1
        if calls["n"] == fail_on:
            raise OSError(err, os.strerror(err))
        return real(*a, **kw)

    monkeypatch.setattr(log.os, name, wrapper)


@pytest.mark.parametrize("err", [errno.ENOSPC, errno.EIO])
@pytest.mark.parametrize("nth", [1, 2, 5])
def test_failed_write_refuses_the_record_and_keeps_the_journal_valid(tmp_path, monkeypatch, err, nth):
    j = Journal.create(tmp_path / "j")
    _flaky(monkeypatch, "write", nth, err)
    acked = []
    for r in RECORDS[:8]:
        try:
            j.append(r)
            acked.append(r)
        except JournalError as e:
            assert ("disk is full" in str(e)) == (err == errno.ENOSPC)
    j.close()
    monkeypatch.undo()
    assert len(acked) == 7
    assert Journal.open(tmp_path / "j").records == acked


@pytest.mark.parametrize("nth", [1, 3])
def test_fsync_failure_is_fatal_for_the_journal(tmp_path, monkeypatch, nth):
    j = Journal.create(tmp_path / "j")
    _flaky(monkeypatch, "fsync", nth, errno.EIO)
    acked = []
    with pytest.raises(JournalBroken):
        for r in RECORDS[:8]:
            j.append(r)
            acked.append(r)
    with pytest.raises(JournalBroken):  # no retry that could falsely succeed
        j.append(RECORDS[9])
    monkeypatch.undo()
    assert Journal.open(tmp_path / "j").records[: len(acked)] == acked


def test_short_write_is_undone(tmp_path, monkeypatch):
    j = Journal.create(tmp_path / "j")
    j.append(RECORDS[0])
    real = os.write
    monkeypatch.setattr(log.os, "write", lambda fd, data: real(fd, data[:5]))
    with pytest.raises(JournalError):
        j.append(RECORDS[1])
    monkeypatch.undo()
    j.append(RECORDS[2])
    j.close()
    assert Journal.open(tmp_path / "j").records == [RECORDS[0], RECORDS[2]]


WRITER = r"""
import sys
from exercise.journal.log import Journal
path = sys.argv[1]
j = Journal.open(path) if __import__('os').path.exists(path) else Journal.create(path)
n = len(j.records)
while True:
    j.append({"n": n, "pad": "x" * (n % 300)})
    print(n, flush=True)   # acknowledged only after the durable append
    n += 1
"""


def test_sigkill_at_random_moments_loses_nothing_acknowledged(tmp_path):
    import random

    rnd = random.Random(1234)
    path = tmp_path / "j"
    acked = -1
    for trial in range(50):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True)
        # Wait for at least one acknowledgement, then kill at a random moment.
        line = proc.stdout.readline()
        assert line, "writer did not start"
        time.sleep(rnd.uniform(0, 0.03))
        proc.send_signal(signal.SIGKILL)
        out = line + proc.stdout.read()
        proc.wait()
        numbers = [int(x) for x in out.split()]
        acked = max(acked, max(numbers))
        j = Journal.open(path)
        got = [r["n"] for r in j.records]
        assert got == list(range(len(got))), "records are an exact prefix, in order"
        assert len(got) - 1 >= acked, f"trial {trial}: acknowledged {acked} but only {len(got)} kept"
        j.close()
