"""The durable record log: crashes, torn tails, bit flips and failing disks."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time

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


def chain(records: list[dict]) -> bytes:
    """The bytes a chained (format 2) journal holds for these records."""
    out, prev = [], log.GENESIS
    for seq, r in enumerate(records, 1):
        line = log.encode_chained(r, seq, prev)
        out.append(line)
        prev = log.line_hash(line)
    return b"".join(out)


CHAINED = chain(RECORDS)


@settings(max_examples=200, deadline=None)
@given(chained=st.booleans(), pos=st.integers(0, len(CHAINED) - 1), bit=st.integers(0, 7))
def test_bit_flip_is_caught_never_skipped(tmp_path_factory, chained, pos, bit):
    folder = tmp_path_factory.mktemp("f")
    path = folder / "j"
    data = bytearray(CHAINED if chained else BLOB)
    pos %= len(data)
    data[pos] ^= 1 << bit
    path.write_bytes(bytes(data))
    scan = scan_bytes(bytes(data))
    # What is read is always an exact prefix of what was written, and stops at the flip.
    assert scan.records == RECORDS[: len(scan.records)]
    assert scan.bad_line == len(scan.records) + 1
    if pos < len(data) - 1:
        # Any flip but in the final newline leaves a complete line that is wrong: damage,
        # reported with its line and never "recovered" as if a crash had cut it, even
        # when it is the last line.
        assert scan.damaged_middle and not scan.torn
        with pytest.raises(JournalDamaged) as e:
            Journal.open(path)
        assert e.value.line == len(scan.records) + 1
        assert path.read_bytes() == bytes(data)  # nothing touched
    else:
        # The final newline lost: the last line is torn, as a crash leaves it.
        assert scan.torn and len(scan.records) == len(RECORDS) - 1
        j = Journal.open(path)
        assert j.records == scan.records
        (side,) = folder.glob("j.damaged-*")
        assert path.read_bytes() + side.read_bytes() == bytes(data)


def test_a_new_journal_is_chained_and_reads_back_the_same_records(tmp_path):
    j = Journal.create(tmp_path / "j")
    j.append(RECORDS[0])
    j.append_many(RECORDS[1:5])
    j.close()
    assert (tmp_path / "j").read_bytes() == chain(RECORDS[:5])
    again = Journal.open(tmp_path / "j")
    assert again.records == RECORDS[:5] and again.chained
    again.append(RECORDS[5])  # the chain goes on across a reopen
    again.close()
    assert (tmp_path / "j").read_bytes() == chain(RECORDS[:6])


def _edit(lines: list[bytes], how: str, i: int, j: int) -> tuple[list[bytes], int]:
    """One line-level edit of a journal, and the line (1-based) where it must be caught."""
    lines = list(lines)
    if how == "delete":
        del lines[i]
        return lines, i + 1
    if how == "duplicate":
        lines.insert(i + 1, lines[i])
        return lines, i + 2
    if how == "swap":
        lines[i], lines[j] = lines[j], lines[i]
        return lines, min(i, j) + 1
    # move: take line i out and put it back elsewhere
    line = lines.pop(i)
    lines.insert(j, line)
    return lines, min(i, j) + 1


@settings(max_examples=100, deadline=None)
@given(how=st.sampled_from(["delete", "duplicate", "swap", "move"]), i=st.integers(0, len(RECORDS) - 1),
       j=st.integers(0, len(RECORDS) - 1))
def test_any_deleted_duplicated_or_reordered_line_is_caught_at_its_line(tmp_path_factory, how, i, j):
    lines = CHAINED.splitlines(keepends=True)
    if how == "delete" and i == len(lines) - 1:
        i -= 1  # a deleted last line leaves a valid shorter chain: that case is documented
    if how in ("swap", "move") and i == j:
        j = (i + 1) % len(lines)
    edited, line = _edit(lines, how, i, j)
    data = b"".join(edited)
    scan = scan_bytes(data)
    assert scan.damaged_middle and not scan.torn and scan.bad_line == line, (how, i, j, scan.reason)
    assert scan.records == RECORDS[: line - 1]
    path = tmp_path_factory.mktemp("e") / "j"
    path.write_bytes(data)
    with pytest.raises(JournalDamaged) as e:
        Journal.open(path)
    assert e.value.line == line and f"j:{line}:" in str(e.value) and "--cut-at-damage" in str(e.value)
    assert path.read_bytes() == data  # refused, nothing touched


def test_cutting_at_a_chain_break_leaves_a_valid_chain_that_goes_on(tmp_path):
    lines = CHAINED.splitlines(keepends=True)
    path = tmp_path / "j"
    path.write_bytes(b"".join(lines[:10] + lines[11:]))  # line 11 deleted: break at line 11
    scan = log.scan_file(path)
    assert scan.bad_line == 11
    log.set_aside(path, scan.good_bytes)
    j = Journal.open(path)
    assert j.records == RECORDS[:10]
    j.append(RECORDS[10])
    j.close()
    assert path.read_bytes() == chain(RECORDS[:11])


def test_a_chained_journal_with_an_unchained_line_is_damage_and_so_is_the_reverse(tmp_path):
    lines = CHAINED.splitlines(keepends=True)
    mixed = b"".join(lines[:3] + [encode(RECORDS[3])] + lines[4:])
    scan = scan_bytes(mixed)
    assert scan.damaged_middle and scan.bad_line == 4 and "chain" in scan.reason
    old = BLOB.splitlines(keepends=True)
    # A format-1 journal (header of format 1: no chain) with a chained line in it: the
    # header was rewritten to look old, or lines were pasted in from a newer save.
    scan = scan_bytes(b"".join(old[:5] + [lines[5]] + old[6:]))
    assert scan.damaged_middle and scan.bad_line == 6
    # A chained journal whose first line lost its chain is caught at line 2.
    scan = scan_bytes(b"".join([encode(RECORDS[0])] + lines[1:]))
    assert scan.damaged_middle and scan.bad_line == 2


def test_an_old_unchained_journal_still_opens_and_grows_unchained(tmp_path):
    path = tmp_path / "j"
    path.write_bytes(BLOB)
    j = Journal.open(path)
    assert j.records == RECORDS and not j.chained
    j.append({"n": 99})
    j.close()
    assert path.read_bytes() == BLOB + encode({"n": 99})


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
