"""The append-only, durable record log under every save.

One record per line: `crc32 SP compact-json LF`, the CRC (8 hex digits) over the JSON
bytes. `append` writes with O_APPEND and fsyncs before it returns, so a record that was
acknowledged survives a crash or a power cut.

Chained journals (save format 2): each record's JSON also carries `seq`, its line number
(1-based), and `prev`, the first 32 hex digits of the SHA-256 of the previous line's bytes
(its CRC, JSON and newline; `GENESIS` for line 1). A deleted, duplicated, moved or
replaced line then breaks the chain at a line that names itself. A journal is chained when
its first line is; in a chained journal every line must be, and in an unchained (format 1)
one none may be. The chain has no secret: it catches accidents and casual edits, not
someone who rewrites every line after theirs. The reader hands out records without `seq`
and `prev`, so the rest of the program never sees the framing.

On open, the file is scanned from the start. Only a last line *without its newline* is a
torn tail (a write cut by a crash): it is moved to a side file next to the log, never
deleted, and the records before it are kept. Any complete line that is wrong (a bad CRC,
bad JSON, a broken chain) is damage, even the last one: it is reported with its line
number and the log is not opened for writing, because skipping it silently would change
history (`exercise verify --cut-at-damage` sets it and what follows aside, on request).

fsync errors are fatal for the log (Linux may drop the dirty pages and a retry could
falsely succeed, the PostgreSQL "fsyncgate" lesson); a failed write (disk full, I/O
error) refuses that record and truncates back, so the log stays valid.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

import attrs

from exercise.fsutil import fsync_dir


class JournalError(Exception):
    """A problem with a journal, with a message a person can act on."""


class JournalDamaged(JournalError):
    """A corrupt record in the middle of the journal: it is not opened for writing."""

    def __init__(self, message: str, line: int, reason: str = ""):
        super().__init__(message)
        self.line = line
        self.reason = reason


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


GENESIS = "0" * 32  # the `prev` of line 1
CHAIN_KEYS = ("seq", "prev")


def encode(record: dict) -> bytes:
    """An unchained (format 1) line."""
    body = json.dumps(record, separators=(",", ":"), ensure_ascii=False, sort_keys=True).encode("utf-8")
    return b"%08x %s\n" % (zlib.crc32(body), body)


def encode_chained(record: dict, seq: int, prev: str) -> bytes:
    """A chained (format 2) line: the record with its line number and the previous line's hash."""
    return encode({**record, "seq": seq, "prev": prev})


def line_hash(line: bytes) -> str:
    """What the next line's `prev` holds: the hash of this line's bytes, newline included."""
    return hashlib.sha256(line).hexdigest()[:32]


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

    records: list[dict]  # the intact prefix, without the chain's keys
    good_bytes: int  # length of the valid prefix
    total_bytes: int
    bad_line: int | None  # first bad line number (1-based), if any
    damaged_middle: bool  # a complete line is wrong: damage (even the last line), not a torn tail
    chained: bool = True  # format 2 (or empty); False for an old, unchained journal
    tip: str = GENESIS  # the hash of the last intact line, which the next line chains to
    reason: str = ""  # why bad_line is bad, for a person

    @property
    def torn(self) -> bool:
        return self.good_bytes < self.total_bytes and not self.damaged_middle


CORRUPT = "corrupt record (its checksum or JSON does not match: the line was changed or damaged)"


def _chain_break(seq, prev, line_no: int) -> str:
    """Why a chained line with these `seq` and `prev` does not belong at line_no."""
    if seq is None or prev is None:
        return ("a record without its place in the chain (seq, prev) in a chained journal: "
                "it was pasted in from elsewhere, or the first line was changed")
    if seq != line_no:
        return (f"the chain breaks here: this record is number {seq} but sits at line {line_no}, "
                f"so a line before it was deleted, duplicated or moved")
    return (f"the chain breaks here: this record does not follow line {line_no - 1} as written "
            f"(that line or this one was edited or replaced)")


UNCHAINED_BREAK = ("a chained record in an unchained (format 1) journal: the first line was changed, "
                   "or this line was pasted in from another save")


class _Scanner:
    """The scan of a journal fed in pieces of whole lines (a file read in chunks, so memory
    stays flat), or all at once. `keep=False` keeps no records, only what the scan found."""

    def __init__(self, keep: bool = True):
        self.keep = keep
        self.records: list[dict] = []
        self.good = 0  # bytes of intact lines so far
        self.line_no = 0  # lines read so far
        self.intact = 0  # intact records so far (len(records) when kept)
        self.tip, self.reason, self.damaged = GENESIS, "", False
        self.chained: bool | None = None  # known from the first line
        self.stopped = False  # a bad line was met: the rest is not read

    def feed(self, data: bytes) -> None:
        """Scan the complete lines of data (which starts at a line's start); a last line
        without its newline is left for `finish`."""
        if self.chained is None:
            # A journal is chained when its first line is (one rule for every later line).
            first = data.find(b"\n")
            head = decode(data[:first]) if first > 0 else None
            self.chained = head is None or "seq" in head
        chained, keep, records = self.chained, self.keep, self.records
        view = memoryview(data)  # hash lines without copying them
        sha = hashlib.sha256
        tip, line_no, intact = self.tip, self.line_no, self.intact
        pos, n = 0, len(data)
        while pos < n:
            end = data.find(b"\n", pos)
            if end < 0:  # no newline: left for the next piece, or a torn tail
                break
            line_no += 1
            rec = decode(data[pos:end])
            if rec is None:
                self.reason, self.damaged = CORRUPT, True
                break
            if chained:
                seq, prev = rec.pop("seq", None), rec.pop("prev", None)
                if seq != line_no or prev != tip or type(seq) is not int:
                    self.reason, self.damaged = _chain_break(seq, prev, line_no), True
                    break
                tip = sha(view[pos:end + 1]).hexdigest()[:32]
            elif "seq" in rec or "prev" in rec:
                self.reason, self.damaged = UNCHAINED_BREAK, True
                break
            if keep:
                records.append(rec)
            intact += 1
            pos = end + 1
        self.tip, self.line_no, self.intact = tip, line_no, intact
        self.good += pos
        self.stopped = self.damaged

    def finish(self, total: int) -> Scan:
        """The scan of a journal of `total` bytes, once every whole line was fed."""
        chained = True if self.chained is None else self.chained
        if self.good >= total:
            return Scan(self.records, self.good, total, None, False, chained, self.tip)
        if not self.damaged:  # no newline: the write was cut (the only thing a crash leaves)
            self.line_no += 1
            self.reason = "the last line has no newline: a write cut by a crash"
        return Scan(self.records, self.good, total, self.line_no, self.damaged, chained, self.tip, self.reason)


def scan_bytes(data: bytes) -> Scan:
    scanner = _Scanner()
    scanner.feed(data)
    return scanner.finish(len(data))


def scan_file(path: Path) -> Scan:
    return scan_bytes(Path(path).read_bytes())


CHUNK = 1 << 20


class ScanStopped(Exception):
    """A scan given up on request (its screen went away)."""


def check_fd(fd: int, stop: Callable[[], bool] | None = None) -> Scan:
    """Scan an open journal in chunks, keeping no records: what a scan finds (damage, a
    torn tail) in memory that does not grow with the journal. `records` is empty; a line
    longer than a chunk is read whole. Raises ScanStopped when `stop()` says so (asked
    between chunks)."""
    scanner = _Scanner(keep=False)
    total, rest = 0, b""
    while True:
        if stop is not None and stop():
            raise ScanStopped()
        chunk = os.read(fd, CHUNK)
        total += len(chunk)
        if not chunk:
            break
        data = rest + chunk if rest else chunk
        cut = data.rfind(b"\n") + 1
        if cut:
            scanner.feed(data[:cut] if cut < len(data) else data)
            if scanner.stopped:
                return scanner.finish(total + _size_after(fd))
        rest = data[cut:]
    if rest and not scanner.stopped:
        scanner.feed(rest)  # a last line without its newline: nothing is scanned, it is torn
    return scanner.finish(total)


def _size_after(fd: int) -> int:
    """The bytes of fd not yet read."""
    return os.fstat(fd).st_size - os.lseek(fd, 0, os.SEEK_CUR)


def damage_message(path: Path, scan: Scan) -> str:
    """What to tell a person about damage, with the line and what to do."""
    folder = Path(path).parent
    return (f"{path}:{scan.bad_line}: {scan.reason}. {len(scan.records)} record(s) before it are intact. "
            f"Nothing was changed. To continue from the intact part, run `exercise verify {folder} "
            f"--cut-at-damage`: the damaged line and everything after it are moved to a side file, "
            f"never deleted.")


def _fsync(fd: int) -> None:
    if sys.platform == "darwin":  # pragma: no cover - fsync does not flush the drive there
        import fcntl

        fcntl.fcntl(fd, fcntl.F_FULLFSYNC)
    else:
        os.fsync(fd)


class Journal:
    """An open journal: the records read so far, and durable appends."""

    def __init__(self, path: Path, records: list[dict], size: int, recovered: str | None, fd: int | None = None,
                 chained: bool = True, tip: str = GENESIS, lines: int | None = None):
        self.path = Path(path)
        self.records = records
        self.size = size
        self.recovered = recovered  # what recovery did, for the user, or None
        self.broken: str | None = None
        self._fd = fd  # open, and holding the writer lock, from create/open until close
        self.chained = chained  # new journals are; an old one stays unchained (never mixed)
        self.tip = tip  # the hash of the last line written, which the next one chains to
        self.lines = len(records) if lines is None else lines

    @classmethod
    def create(cls, path: Path, chained: bool = True) -> Journal:
        path = Path(path)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o600)
        try:
            lock(fd, path)
            _fsync(fd)
        except BaseException:
            os.close(fd)
            raise
        fsync_dir(path.parent)
        return cls(path, [], 0, None, fd, chained)

    @classmethod
    def open(cls, path: Path, recover: bool = True) -> Journal:
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
    def _opened(cls, path: Path, recover: bool, fd: int) -> Journal:
        scan = scan_file(path)
        if scan.damaged_middle:
            assert scan.bad_line is not None  # damage is found on a line
            raise JournalDamaged(damage_message(path, scan), scan.bad_line, scan.reason)
        recovered = None
        if scan.torn:
            if not recover:
                raise JournalError(f"{path}:{scan.bad_line}: the journal ends with a torn record")
            side = set_aside(path, scan.good_bytes)
            cut = scan.total_bytes - scan.good_bytes
            recovered = (f"the last {cut} byte(s) of the journal (from line {scan.bad_line}) were cut by a crash; "
                         f"kept {len(scan.records)} intact record(s) and moved the rest to {side.name}")
        return cls(path, scan.records, scan.good_bytes, recovered, fd, scan.chained, scan.tip)

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
        if self.chained:
            lines, tip = [], self.tip
            for seq, r in enumerate(records, self.lines + 1):
                line = encode_chained(r, seq, tip)
                tip = line_hash(line)
                lines.append(line)
            data = b"".join(lines)
        else:
            data, tip = b"".join(encode(r) for r in records), self.tip
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
        self.lines += len(records)
        self.tip = tip

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

