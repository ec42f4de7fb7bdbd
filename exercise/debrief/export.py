"""`exercise export`: the after-action report of a save, written atomically to a file of
the user's choosing (never into the save folder, which another process may be running)."""

from __future__ import annotations

from pathlib import Path

from exercise.debrief import html, markdown
from exercise.debrief.record import DebriefError, Record
from exercise.debrief.report import build

_ELSEWHERE = "choose another -o, or -o - to write to standard output"
FORMATS = {"md": markdown.render, "html": html.render}


def render(record: Record, fmt: str, name_feedback: bool = False) -> str:
    return FORMATS[fmt](build(record, name_feedback=name_feedback))


def default_path(record: Record, fmt: str) -> Path:
    """`<save id>-aar.<fmt>` in the current folder."""
    return Path(f"{record.id}-aar.{fmt}")


def export(record: Record, fmt: str, out: Path | None = None, name_feedback: bool = False) -> Path:
    """Render and write the report; returns where. Raises DebriefError with a one-line reason."""
    from exercise.fsutil import NotRegularFile, atomic_write, not_regular

    path = Path(out) if out is not None else default_path(record, fmt)
    if path.resolve().parent == record.folder.resolve() or record.folder.resolve() in path.resolve().parents:
        raise DebriefError(f"{path}: is inside the save folder {record.folder}; write the report elsewhere "
                           f"(the save belongs to the exercise)")
    if path.is_dir() and not path.is_symlink():
        raise DebriefError(f"{path}: is a folder; give a file name, e.g. {path / default_path(record, fmt)}")
    problem = not_regular(path)  # lstat: a symlink is not followed, a device not replaced
    if problem:
        raise DebriefError(f"{path}: {problem}; {_ELSEWHERE}")
    if path.parent.exists() and not path.parent.is_dir():
        raise DebriefError(f"{path}: {path.parent} is a file, not a folder; choose another -o")
    if not path.parent.is_dir():
        raise DebriefError(f"{path}: the folder {path.parent} does not exist; create it or choose another -o")
    text = render(record, fmt, name_feedback)
    try:
        atomic_write(path, text)
    except NotRegularFile as e:  # it appeared meanwhile
        raise DebriefError(f"{e}; {_ELSEWHERE}") from None
    except OSError as e:
        raise DebriefError(f"{path}: cannot write the report ({e.strerror or e})") from None
    return path
