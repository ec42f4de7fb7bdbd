"""File writes that survive a crash: never a half-written file under the real name."""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path


@functools.cache
def _umask() -> int:
    """The process umask, read once (setting it to read it is not thread-safe, so once)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write(path: Path, text: str) -> None:
    """Write via a temp file in the same folder, fsync, rename, fsync the folder.

    The file gets the permissions a plain open() would give it (mkstemp's are 0600: a
    report or a turn log is meant to be shared).
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # by path: os.fchmod is not on Windows before 3.13
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
