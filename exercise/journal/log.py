"""The append-only, durable record log under every save.

One record per line: `crc32 SP compact-json LF`, the CRC (8 hex digits) over the JSON
bytes. `append` writes with O_APPEND and fsyncs before it returns, so a record that was
acknowledged survives a crash or a power cut.

On open, the file is scanned from the start. A torn or corrupt *tail* (the last records
cut by a crash) is recovered: the longest valid prefix is kept, and the bad bytes are
moved to a side file next to the log, never deleted. A bad record followed by good ones
is damage in the middle: it is reported with its line number and the log is not opened
for writing, because skipping it silently would change history.

fsync errors are fatal for the log (Linux may drop the dirty pages and a retry could
falsely succeed, the PostgreSQL "fsyncgate" lesson); a failed write (disk full, I/O
error) refuses that record and truncates back, so the log stays valid.
"""

from __future__ import annotations

import errno
import json
import os
import sys
import zlib
from pathlib import Path
from typing import Iterator

import attrs

from exercise.fsutil import fsync_dir


class JournalError(Exception):
    """A problem with a journal, with a message a person can act on."""


class JournalDamaged(JournalError):
    """A corrupt record in the middle of the journal: it is not opened for writing."""

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


class JournalInUse(JournalError):
    """Another process has this journal open for writing (a console, `exercise serve`)."""


def lock(fd: int, path: Path) -> None:
    """Take the journal's writer lock, or raise JournalInUse: two processes appending to one
    journal would interleave records. (An advisory flock, released when the fd closes, so
    a crashed process never leaves it behind; not on Windows.)"""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        raise JournalInUse(f"{path}: this exercise is open in another process (a console or `exercise serve`); "
                           "close it there first. `exercise debrief` and `export` can read it meanwhile, and "
                           "`exercise fork` copies it.") from None


def in_use(path: Path) -> bool:
    """Is the journal open for writing in another process? (Takes and drops the lock.)"""
    fd = os.open(path, os.O_RDONLY)
    try:
        lock(fd, path)
        return False
    except JournalInUse:
        return True
    finally:
        os.close(fd)


class JournalBroken(JournalError):
    """An fsync failed: durability is unknown, so the journal takes no more writes."""


def encode(record: dict) -> bytes:
    body = json.dumps(record, separators=(",", ":"), ensure_ascii=False, sort_keys=True).encode("utf-8")
    return b"%08x %s\n" % (zlib.crc32(body), body)


def decode(line: bytes) -> dict | None:
    """The record of one line (without its newline), or None if it is not intact."""
    if len(line) < 10 or line[8:9] != b" ":
        return None
    body = line[9:]
    head = line[:8]
    # Exactly what encode writes: lowercase hex, so a flipped letter case is caught too.
    if head.strip(b"0123456789abcdef"):
        return None
    crc = int(head, 16)
    if zlib.crc32(body) != crc:
        return None
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: a line nested ~100k deep is damage too
        return None
    return value if isinstance(value, dict) else None


@attrs.frozen
class Scan:
    """What a scan of a journal file found."""

    records: list[dict]
    good_bytes: int  # length of the valid prefix
    total_bytes: int
    bad_line: int | None  # first bad line number (1-based), if any
    damaged_middle: bool  # good records follow the first bad one

    @property
    def torn(self) -> bool:
        return self.good_bytes < self.total_bytes and not self.damaged_middle


def scan_bytes(data: bytes) -> Scan:
    records: list[dict] = []
    pos, line_no = 0, 0
    n = len(data)
    while pos < n:
        end = data.find(b"\n", pos)
        line_no += 1
        if end < 0:  # no newline: the write was cut
            break
        rec = decode(data[pos:end])
        if rec is None:
            break
        records.append(rec)
        pos = end + 1
    if pos >= n:
        return Scan(records, pos, n, None, False)
    # Is there any intact record after the bad one? Then this is damage in the middle.
    later = False
    rest = data[pos:]
    for line in rest.split(b"\n")[1:]:
        if line and decode(line) is not None:
            later = True
            break
    return Scan(records, pos, n, line_no, later)


def scan_file(path: Path) -> Scan:
    return scan_bytes(Path(path).read_bytes())


def _fsync(fd: int) -> None:
    if sys.platform == "darwin":  # pragma: no cover - fsync does not flush the drive there
        import fcntl

        fcntl.fcntl(fd, fcntl.F_FULLFSYNC)
    else:
        os.fsync(fd)


class Journal:
    """An open journal: the records read so far, and durable appends."""

    def __init__(self, path: Path, records: list[dict], size: int, recovered: str | None, fd: int | None = None):
        self.path = Path(path)
        self.records = records
        self.size = size
        self.recovered = recovered  # what recovery did, for the user, or None
        self.broken: str | None = None
        self._fd = fd  # open, and holding the writer lock, from create/open until close

    @classmethod
    def create(cls, path: Path) -> "Journal":
        path = Path(path)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o600)
        try:
            lock(fd, path)
            _fsync(fd)
        except BaseException:
            os.close(fd)
            raise
        fsync_dir(path.parent)
        return cls(path, [], 0, None, fd)

    @classmethod
    def open(cls, path: Path, recover: bool = True) -> "Journal":
        """Open for appending, recovering a torn tail; refuses damage in the middle."""
        path = Path(path)
        if not path.exists():
            raise JournalError(f"{path}: no journal here; is this a save folder?")
        fd = os.open(path, os.O_WRONLY | os.O_APPEND)
        try:
            lock(fd, path)  # before recovery: a tail being written by another process is not torn
            return cls._opened(path, recover, fd)
        except BaseException:
            os.close(fd)
            raise

    @classmethod
    def _opened(cls, path: Path, recover: bool, fd: int) -> "Journal":
        scan = scan_file(path)
        if scan.damaged_middle:
            raise JournalDamaged(
                f"{path}:{scan.bad_line}: corrupt record in the middle of the journal (records after it are "
                f"intact); it was not opened, so nothing is lost. Inspect the line, or resume a copy "
                f"forked before it with `exercise fork`.", scan.bad_line)
        recovered = None
        if scan.torn:
            if not recover:
                raise JournalError(f"{path}:{scan.bad_line}: the journal ends with a torn record")
            side = set_aside(path, scan.good_bytes)
            cut = scan.total_bytes - scan.good_bytes
            recovered = (f"the last {cut} byte(s) of the journal (from line {scan.bad_line}) were cut by a crash; "
                         f"kept {len(scan.records)} intact record(s) and moved the rest to {side.name}")
        return cls(path, scan.records, scan.good_bytes, recovered, fd)

    def _handle(self) -> int:
        if self._fd is None:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
            try:
                lock(fd, self.path)
            except JournalInUse:
                os.close(fd)
                raise
            self._fd = fd
        return self._fd

    def append(self, record: dict) -> None:
        """Write one record durably; returns only once it is on disk."""
        self.append_many([record])

    def append_many(self, records: list[dict]) -> None:
        """Write records as one durable unit (one write, one fsync)."""
        if self.broken:
            raise JournalBroken(self.broken)
        data = b"".join(encode(r) for r in records)
        fd = self._handle()
        try:
            written = os.write(fd, data)
            if written != len(data):
                raise OSError(errno.ENOSPC, "short write")
        except OSError as e:
            self._undo_partial()
            raise JournalError(_write_message(self.path, e)) from e
        try:
            _fsync(fd)
        except OSError as e:
            self.broken = (f"{self.path}: the disk reported an error while saving ({e.strerror or e}); "
                           "the journal takes no more writes. Copy the save folder to another disk "
                           "and resume from the copy.")
            self.close()
            raise JournalBroken(self.broken) from e
        self.size += len(data)
        self.records.extend(records)

    def _undo_partial(self) -> None:
        """After a failed write, cut the file back to its last good length."""
        try:
            os.truncate(self.path, self.size)
        except OSError:
            # If even this fails, the next open recovers the torn tail.
            pass

    def close(self) -> None:
        if self._fd is not None:
            try:
                os.close(self._fd)
            finally:
                self._fd = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _write_message(path: Path, e: OSError) -> str:
    if e.errno == errno.ENOSPC:
        return f"{path}: the disk is full; the last action was not saved and not applied. Free some space and try again."
    return f"{path}: could not save ({e.strerror or e}); the last action was not saved and not applied."


def set_aside(path: Path, keep: int) -> Path:
    """Move the bytes after `keep` to a new side file, then truncate the journal to `keep`."""
    data = Path(path).read_bytes()
    n = 1
    while True:
        side = path.with_name(f"{path.name}.damaged-{n}")
        if not side.exists():
            break
        n += 1
    fd = os.open(side, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, data[keep:])
        os.fsync(fd)
    finally:
        os.close(fd)
    fsync_dir(path.parent)
    with open(path, "r+b") as f:
        f.truncate(keep)
        f.flush()
        os.fsync(f.fileno())
    return side


def iter_records(path: Path) -> Iterator[dict]:
    """Read-only: the intact prefix of a journal (for debriefs of a running exercise)."""
    yield from scan_file(path).records
