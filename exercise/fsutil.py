"""File writes that survive a crash: never a half-written file under the real name; and
reads and writes that never mistake a device, a FIFO or a symlink for a file."""

from __future__ import annotations

import functools
import os
import stat
import tempfile
from pathlib import Path

PRIVATE_FILE = 0o600  # files inside a save: a team's moves are not for other local users
PRIVATE_DIR = 0o700


class NotRegularFile(OSError):
    """A path that exists but is not a regular file (device, FIFO, socket, symlink, folder)."""


def kind(mode: int) -> str:
    """What a file of this st_mode is, said for a person ('a FIFO')."""
    for test, name in ((stat.S_ISREG, "a regular file"), (stat.S_ISDIR, "a folder"),
                       (stat.S_ISLNK, "a symbolic link"), (stat.S_ISFIFO, "a FIFO"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device")):
        if test(mode):
            return name
    return "not a regular file"  # pragma: no cover - door files and the like


def not_regular(path: Path, follow: bool = False) -> str | None:
    """'is a FIFO, not a regular file' if `path` exists and is not a regular file (a
    symlink counts as one unless `follow`); None if it is one or does not exist."""
    try:
        st = os.stat(path) if follow else os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    if stat.S_ISREG(st.st_mode):
        return None
    return f"is {kind(st.st_mode)}, not a regular file"


def read_regular(path: Path) -> bytes:
    """The bytes of a regular file (a symlink to one is fine). Anything else raises
    NotRegularFile at once: opening a FIFO to read would wait forever for a writer."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(f"{path}: is {kind(st.st_mode)}, not a regular file")
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


@functools.cache
def _umask() -> int:
    """The process umask, read once (setting it to read it is not thread-safe, so once)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write(path: Path, text: str, private: bool = False) -> None:
    """Write via a temp file in the same folder, fsync, rename, fsync the folder.

    The file gets the permissions a plain open() would give it (mkstemp's are 0600: a
    report is meant to be shared), or 0600 when `private` (files inside a save).
    Something at `path` that is not a regular file (a device, a FIFO, a symlink) is never
    replaced: NotRegularFile says what it is.
    """
    path = Path(path)
    problem = not_regular(path)
    if problem:
        raise NotRegularFile(f"{path}: {problem}")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # by path: os.fchmod is not on Windows before 3.13
        os.chmod(tmp, PRIVATE_FILE if private else 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    fsync_dir(path.parent)


def private_dir(folder: Path) -> None:
    """Create `folder` (not its parents) as 0700, exactly, whatever the umask; raises
    FileExistsError if it exists."""
    os.mkdir(folder, PRIVATE_DIR)
    os.chmod(folder, PRIVATE_DIR)


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new file in `folder` durable (POSIX; Windows cannot open a
    folder, and NTFS journals its metadata itself)."""
    if os.name == "nt":  # pragma: no cover
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
