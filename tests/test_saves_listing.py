"""Listing saves reads meta.json and the journal's ends, not every journal whole; what it
says of a journal is what a full scan says (damage, a torn tail), and the start screen
scans each journal whole after its first frame."""

from __future__ import annotations

import os
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exercise.engine import commands as cm
from exercise.journal import log, saves
from exercise.session import Session

LINES = 600  # note records: the journal is then well over saves.TAIL


def _big(root: Path, mini, name: str = "big") -> Path:
    """A real save whose journal holds LINES more chained note records (over saves.TAIL)."""
    s = Session.create(mini.scenario, mini.texts, root, name=name)
    s.execute(cm.Start())
    s.execute(cm.AddNote(text="the first observation " * 4))
    s.close()
    journal = s.folder / saves.JOURNAL
    lines = journal.read_bytes().splitlines(keepends=True)
    note = log.decode(lines[-1][:-1])
    assert note is not None
    for key in log.CHAIN_KEYS:
        note.pop(key)
    tip, n, out = log.line_hash(lines[-1]), len(lines), []
    for _ in range(LINES):
        n += 1
        line = log.encode_chained({**note, "n": n}, n, tip)
        tip = log.line_hash(line)
        out.append(line)
    with open(journal, "ab") as f:
        f.write(b"".join(out))
    assert journal.stat().st_size > 2 * saves.TAIL
    return s.folder


def _state(folder: Path, **kw) -> str:
    info = saves._info(folder, **kw)
    return info.state + (f": {info.detail}" if info.detail else "")


def _full(folder: Path) -> str:
    """What listing said before: the whole journal read and scanned at once."""
    with mock.patch.object(saves, "TAIL", 1 << 62):
        return _state(folder)


@pytest.fixture
def big(tmp_path, mini) -> Path:
    return _big(tmp_path, mini)


def test_a_big_healthy_journal_is_listed_from_its_ends(big):
    with mock.patch.object(log, "check_fd", side_effect=AssertionError("the whole journal was read")):
        assert _state(big, deep=False) == "running"
        assert _state(big, deep=True) == "running"
    assert _full(big) == "running"


def test_a_torn_tail_of_a_big_journal_names_its_line(big):
    journal = big / saves.JOURNAL
    lines = journal.read_bytes().count(b"\n")
    with open(journal, "ab") as f:
        f.write(b'1234abcd {"type": "comm')
    with mock.patch.object(log, "check_fd", side_effect=AssertionError("the whole journal was read")):
        says = _state(big, deep=False)
    assert says == _full(big) == f"damaged: torn tail at line {lines + 1} (recovered on resume)"


def _lines(folder: Path) -> list[bytes]:
    return (folder / saves.JOURNAL).read_bytes().splitlines(keepends=True)


def _write(folder: Path, lines: list[bytes]) -> None:
    (folder / saves.JOURNAL).write_bytes(b"".join(lines))


@pytest.mark.parametrize("change", ["insert", "delete", "duplicate", "last", "first"])
def test_a_line_added_or_removed_anywhere_is_found_by_exercise_saves(big, change):
    lines = _lines(big)
    if change == "insert":
        lines.insert(3, log.encode({"a": 1}))
    elif change == "delete":
        del lines[5]
    elif change == "duplicate":
        lines.insert(7, lines[6])
    elif change == "last":  # the last line changed: caught from the tail alone
        lines[-1] = lines[-1].replace(b'"n":', b'"m":')
    else:
        lines[0] = lines[0].replace(b'"type"', b'"typo"')
    _write(big, lines)
    expected = _full(big)
    assert expected.startswith("damaged: ")
    assert _state(big, deep=True) == expected  # what `exercise saves` says
    assert saves.check(saves._info(big, deep=False)).detail == expected.split(": ", 1)[1]


def test_a_line_changed_in_the_middle_is_found_by_the_full_check(big):
    lines = _lines(big)
    body = log.decode(lines[100][:-1])
    assert body is not None
    lines[100] = log.encode({**body, "at": "2030-01-01T00:00:00+00:00"})  # a valid line, its CRC redone
    _write(big, lines)
    listed = saves._info(big, deep=True)
    assert listed.state == "running"  # only a full scan can see it
    checked = saves.check(listed)
    assert checked.state == "damaged" and checked.detail == "chain broken at line 102 (exercise verify says more)"
    assert checked.detail == _full(big).split(": ", 1)[1]


def test_the_full_check_stops_when_asked(big):
    listed = saves._info(big, deep=False)
    with mock.patch.object(log, "CHUNK", 4096), pytest.raises(log.ScanStopped):
        saves.check(listed, stop=iter([False, False, True]).__next__)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), chunk=st.sampled_from([64, 1000, 4096, 1 << 20]))
def test_the_chunked_scan_finds_what_the_whole_scan_finds(big, data, chunk):
    journal = (big / saves.JOURNAL).read_bytes()
    at = data.draw(st.integers(0, len(journal) - 1))
    how = data.draw(st.sampled_from(["flip", "cut", "drop", "newline"]))
    if how == "flip":
        changed = journal[:at] + bytes([journal[at] ^ 0x20]) + journal[at + 1:]
    elif how == "cut":
        changed = journal[:at]
    elif how == "drop":
        changed = journal[:at] + journal[at + 1:]
    else:
        changed = journal[:at] + b"\n" + journal[at:]
    whole = log.scan_bytes(changed)
    path = big / "changed.jsonl"
    path.write_bytes(changed)
    fd = os.open(path, os.O_RDONLY)
    try:
        with mock.patch.object(log, "CHUNK", chunk):
            part = log.check_fd(fd)
    finally:
        os.close(fd)
    assert part.records == []
    assert (part.good_bytes, part.total_bytes, part.bad_line, part.damaged_middle, part.chained, part.tip,
            part.reason) == (whole.good_bytes, whole.total_bytes, whole.bad_line, whole.damaged_middle,
                             whole.chained, whole.tip, whole.reason)


async def test_the_start_screen_lists_first_then_names_damage_found_by_the_full_scan(tmp_path, mini):
    from textual.widgets import DataTable

    from exercise.tui.app import make_app

    folder = _big(tmp_path / "saves", mini)
    lines = _lines(folder)
    body = log.decode(lines[100][:-1])
    assert body is not None
    lines[100] = log.encode({**body, "at": "2030-01-01T00:00:00+00:00"})
    _write(folder, lines)
    app = make_app(saves_root=tmp_path / "saves")
    with mock.patch.object(saves, "check", wraps=saves.check) as check:
        async with app.run_test(size=(160, 50)) as pilot:
            await pilot.pause()  # the first frame: the scan starts after it
            await app.workers.wait_for_complete()
            await pilot.press("2")
            await pilot.pause()
            screen = app.screen
            table = screen.query_one("#saves", DataTable)
            assert check.call_count == 1 and screen.checked
            assert str(table.get_row_at(0)[4]) == "damaged: chain broken at line 102 (exercise verify says more)"
