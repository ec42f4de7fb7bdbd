"""The save folder of an exercise: `saves/<exercise-id>/`.

    journal.jsonl      the events, one durable record per accepted command (the save itself)
    scenario.json      the scenario and its packs as they were when the exercise started
    meta.json          title, scenario, created, turn, status, teams, parent (atomic writes)
    turns/turn-NN.md   a readable log of each turn, written atomically when the turn ends

Everything but the journal can be rebuilt from the journal and the scenario copy.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
import stat
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from exercise.fsutil import NotRegularFile, atomic_write, kind, not_regular, private_dir, read_regular
from exercise.journal import log

if TYPE_CHECKING:  # the model is imported by what reads a scenario copy, not by listing saves
    from exercise import model

JOURNAL = "journal.jsonl"
SCENARIO = "scenario.json"
META = "meta.json"
TURNS = "turns"
FORMAT = 2  # 2: chained journal, digest of the scenario copy (docs/architecture.md, "Save format")
ENV_SAVES = "EXERCISE_SAVES"


def saves_dir(option: str | Path | None = None) -> Path:
    """--saves, else $EXERCISE_SAVES, else ./saves."""
    return Path(option or os.environ.get(ENV_SAVES) or "saves")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:48] or "exercise"


class SaveError(Exception):
    """A save that cannot be used, with what to do about it."""


def _not_a_folder(root: Path) -> SaveError:
    return SaveError(f"{root}: is a file, not a folder; choose another --saves")


def _reason(e: BaseException) -> str:
    """The OS's reason behind a failed write, said once (a JournalError carries its OSError)."""
    cause = e if isinstance(e, OSError) else e.__cause__
    if isinstance(cause, OSError) and cause.errno == errno.ENOSPC:
        return "the disk is full"
    if isinstance(cause, OSError):
        return cause.strerror or str(cause)
    return str(e)


def creation_failed(root: Path, e: BaseException) -> SaveError:
    full = "the disk is full" == _reason(e)
    return SaveError(f"{root}: cannot create a save there ({_reason(e)}); "
                     + ("free some space and try again" if full else "choose another --saves"))


def new_folder(root: Path, name: str) -> Path:
    """A fresh private folder under root for an exercise called `name` (never reuses
    one). Raises SaveError when root is not a folder or nothing can be created in it."""
    if root.exists() and not root.is_dir():
        raise _not_a_folder(root)
    try:
        if not root.exists():
            root.parent.mkdir(parents=True, exist_ok=True)
            try:
                private_dir(root)  # a saves folder we create holds only private saves
            except FileExistsError:
                pass
        base = slug(name)
        n = 1
        while True:
            folder = root / (base if n == 1 else f"{base}-{n}")
            try:
                private_dir(folder)
                return folder
            except FileExistsError:
                n += 1
    except NotADirectoryError:
        raise SaveError(f"{root}: a part of this path is a file, not a folder; choose another --saves") from None
    except OSError as e:
        raise creation_failed(root, e) from None


def remove_failed(folder: Path) -> None:
    """Remove a save folder whose creation failed half way (no empty orphan is left)."""
    shutil.rmtree(folder, ignore_errors=True)


def sources_digest(sources: dict[str, str]) -> str:
    h = hashlib.sha256()
    for name in sorted(sources):
        h.update(name.encode() + b"\0" + sources[name].encode() + b"\0")
    return h.hexdigest()


def copy_digest(body: dict) -> str:
    """The digest of a scenario copy's content (the scenario as loaded, and its sources), so an
    edit of the copy is caught: `sources_digest` only says whether the pack files changed."""
    content = {"scenario": body.get("scenario"), "sources": body.get("sources")}
    text = json.dumps(content, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_scenario(folder: Path, scenario: model.Scenario, sources: dict[str, str]) -> str:
    """Write the scenario copy; returns its copy_digest (the journal's header records it too)."""
    from exercise.convert import unstructure

    # Digest what a reader will load (JSON turns tuples into lists, keys into strings).
    body = json.loads(json.dumps({"format": FORMAT, "digest": sources_digest(sources), "sources": sources,
                                  "scenario": unstructure(scenario)}, ensure_ascii=False))
    body["copy_digest"] = copy_digest(body)
    atomic_write(folder / SCENARIO, json.dumps(body, ensure_ascii=False) + "\n", private=True)
    return body["copy_digest"]


def scenario_changed(path: Path) -> str:
    return (f"{path}: the scenario copy was changed after the exercise started (its content no longer "
            f"matches the digest recorded when the exercise was created), so replaying the journal "
            f"would not give what happened. Nothing was changed. Put the original scenario.json back "
            f"(from a backup or a copy of this folder); to play the changed scenario, start a new exercise.")



def read_scenario(folder: Path) -> tuple[model.Scenario, dict]:
    from exercise import model
    from exercise.convert import structure

    path = folder / SCENARIO
    try:
        body = json.loads(read_regular(path).decode("utf-8"))
    except FileNotFoundError:
        raise SaveError(f"{path}: missing; this folder is not a complete save") from None
    except NotRegularFile as e:
        raise SaveError(f"{e}; the scenario copy of this save is damaged") from None
    except (OSError, ValueError, RecursionError) as e:
        raise SaveError(f"{path}: unreadable ({e}); the scenario copy of this save is damaged") from None
    if not isinstance(body, dict):
        raise SaveError(f"{path}: not a scenario copy (a JSON object is expected); this save is damaged")
    # Format 2 digests the whole copy; format 1 only its source texts, still worth checking.
    if "copy_digest" in body:
        if copy_digest(body) != body["copy_digest"]:
            raise SaveError(scenario_changed(path))
    elif isinstance(body.get("sources"), dict) and "digest" in body:
        try:
            changed = sources_digest(body["sources"]) != body["digest"]
        except (AttributeError, TypeError):
            changed = True
        if changed:
            raise SaveError(scenario_changed(path))
    scenario, errors = structure(body.get("scenario"), model.Scenario)
    if scenario is None:
        raise SaveError(f"{path}: the scenario copy does not load ({errors[0][1]} at {errors[0][0]})")
    return scenario, body


@attrs.define
class Meta:
    id: str
    title: str
    scenario: str
    scenario_title: str
    seed: int
    created: str
    updated: str
    turn: int = 0
    turns: int = 0
    phase: str = ""
    status: str = "ready"
    teams: list[str] = attrs.field(factory=list)
    parent: dict | None = None
    simulated: bool = False

    def write(self, folder: Path) -> None:
        atomic_write(folder / META, json.dumps(attrs.asdict(self), indent=2) + "\n", private=True)

    @classmethod
    def read(cls, folder: Path) -> Meta | None:
        """The meta of a save, or None when it is missing or junk (it is rebuilt on resume).
        A FIFO or device in its place raises NotRegularFile (it cannot be replaced)."""
        try:
            data = json.loads(read_regular(folder / META).decode("utf-8"))
        except NotRegularFile:
            raise
        except (OSError, ValueError, RecursionError):
            return None
        if not isinstance(data, dict):
            return None
        fields = {f.name: f for f in attrs.fields(cls)}
        kept = {k: v for k, v in data.items() if k in fields}
        for name, f in fields.items():
            if name not in kept:
                if f.default is attrs.NOTHING:
                    return None
                continue
            if not _META_TYPES[name](kept[name]):
                return None
        return cls(**kept)


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


_META_TYPES = {
    "id": lambda v: isinstance(v, str), "title": lambda v: isinstance(v, str),
    "scenario": lambda v: isinstance(v, str), "scenario_title": lambda v: isinstance(v, str),
    "seed": _is_int, "created": lambda v: isinstance(v, str), "updated": lambda v: isinstance(v, str),
    "turn": _is_int, "turns": _is_int, "phase": lambda v: isinstance(v, str),
    "status": lambda v: isinstance(v, str),
    "teams": lambda v: isinstance(v, list) and all(isinstance(t, str) for t in v),
    "parent": lambda v: v is None or isinstance(v, dict), "simulated": lambda v: isinstance(v, bool),
}


def journal_problem(folder: Path) -> str | None:
    """Why folder's journal cannot be opened (a FIFO would hang the reader), or None."""
    problem = not_regular(folder / JOURNAL, follow=True)
    return f"{folder / JOURNAL}: {problem}; this save is damaged" if problem else None


@attrs.frozen
class SaveInfo:
    """One line of `exercise saves`."""

    id: str
    folder: Path
    scenario: str
    title: str
    turn: int
    turns: int
    last_activity: str
    state: str  # running, ended, damaged, ...
    detail: str = ""


def _folders(root: Path) -> list[Path]:
    """The sub-folders of a saves folder; SaveError when it is a file or cannot be read."""
    try:
        if not root.exists():
            return []
        if not root.is_dir():
            raise _not_a_folder(root)
        return sorted(p for p in root.iterdir() if p.is_dir())
    except OSError as e:
        raise SaveError(f"{root}: cannot read the saves folder ({e.strerror or e})") from None


def list_saves(root: Path, deep: bool = True) -> list[SaveInfo]:
    """Every save under root, the bad ones included with the reason (one never stops the
    listing). Raises SaveError only when root itself is a file or cannot be read.

    Each save is listed from its meta.json and its journal's ends (`_quick_scan`), never by
    reading a big journal whole. `deep` also counts the journal's lines (a line inserted or
    deleted anywhere); without it a listing costs the same whatever the journals' sizes,
    and `check` finds what only a full scan can (a line changed in the middle)."""
    out = []
    for folder in _folders(root):
        try:
            if not os.path.lexists(folder / JOURNAL) and not os.path.lexists(folder / META):
                continue  # not a save
            out.append(_info(folder, deep))
        except OSError as e:  # an unreadable folder or file: named, and the listing goes on
            out.append(_unreadable(folder, e))
    return out


def check(info: SaveInfo, stop: Callable[[], bool] | None = None) -> SaveInfo:
    """A listed save after a full scan of its journal (in chunks: memory stays flat), so a
    line changed anywhere is found too; the listing's own verdict when it already found
    one. An unreadable save is named; raises log.ScanStopped only when `stop()` says so."""
    if info.state == "damaged":
        return info
    try:
        return _info(info.folder, deep=True, full=True, stop=stop)
    except OSError as e:
        return _unreadable(info.folder, e)


def _unreadable(folder: Path, e: OSError) -> SaveInfo:
    return SaveInfo(id=folder.name, folder=folder, scenario="?", title=folder.name, turn=0, turns=0,
                    last_activity="?", state="damaged", detail=f"cannot read it ({e.strerror or e})")


TAIL = 64 * 1024  # the bytes read at each end of a journal to list it


def _quick_scan(fd: int, size: int, deep: bool, full: bool, stop: Callable[[], bool] | None = None) -> log.Scan:
    """What listing a save needs to know of its journal: damage, a torn tail. A journal up
    to TAIL bytes is scanned whole, as are old unchained ones and any whose ends look wrong
    (so the message is as exact as a full scan's); otherwise only the first line and the
    last two are read: the first opens the chain, the last two must chain to each other,
    and a cut last line is a torn tail at the line after the last complete one. `deep`
    also counts the lines (the last record's number must be their count); `full` scans
    everything (in chunks, keeping no records)."""
    if full or size <= TAIL:
        return log.check_fd(fd, stop)
    head = os.pread(fd, TAIL, 0)
    first = head.find(b"\n")
    rec = log.decode(head[:first]) if first > 0 else None
    if rec is None or rec.get("seq") != 1 or rec.get("prev") != log.GENESIS:
        return log.check_fd(fd)  # damage at line 1, an unchained journal, a huge first line
    tail = os.pread(fd, TAIL, size - TAIL)
    cut = tail.rfind(b"\n") + 1  # a torn last line starts there (none: cut == len(tail))
    lines = tail[:cut].split(b"\n")[:-1]
    if len(lines) < 3:  # two whole lines after the window's first (maybe partial) one
        return log.check_fd(fd)
    last, before = lines[-1] + b"\n", lines[-2] + b"\n"
    rec, prev_rec = log.decode(last[:-1]), log.decode(before[:-1])
    if rec is None or prev_rec is None:
        return log.check_fd(fd)
    seq, good = rec.get("seq"), size - len(tail) + cut
    if (type(seq) is not int or prev_rec.get("seq") != seq - 1 or rec.get("prev") != log.line_hash(before)
            or (deep and _count_lines(fd, good) != seq)):
        return log.check_fd(fd)
    if good == size:
        return log.Scan([], size, size, None, False, True, log.line_hash(last))
    return log.Scan([], good, size, seq + 1, False, True, log.line_hash(last),
                    "the last line has no newline: a write cut by a crash")


def _count_lines(fd: int, upto: int) -> int:
    """The newlines in the first `upto` bytes of fd, read in chunks."""
    count, pos = 0, 0
    while pos < upto:
        chunk = os.pread(fd, min(log.CHUNK, upto - pos), pos)
        if not chunk:
            break
        count += chunk.count(b"\n")
        pos += len(chunk)
    return count


def _info(folder: Path, deep: bool = True, full: bool = False, stop: Callable[[], bool] | None = None) -> SaveInfo:
    journal = folder / JOURNAL
    try:
        meta, meta_problem = Meta.read(folder), ""
    except NotRegularFile as e:
        meta, meta_problem = None, f"{META} {str(e).split(': ', 1)[1]}"

    def info(state: str, detail: str = "", mtime: str = "?") -> SaveInfo:
        return SaveInfo(id=folder.name, folder=folder, scenario=meta.scenario if meta else "?",
                        title=meta.title if meta else folder.name, turn=meta.turn if meta else 0,
                        turns=meta.turns if meta else 0, last_activity=mtime, state=state, detail=detail)

    problem = not_regular(journal, follow=True)
    if not os.path.lexists(journal):
        return info("damaged", f"{JOURNAL} missing")
    if problem:
        return info("damaged", f"{JOURNAL} {problem}")
    fd = os.open(journal, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # replaced since it was looked at: a FIFO would hang a read
            return info("damaged", f"{JOURNAL} is {kind(st.st_mode)}, not a regular file")
        mtime = datetime.fromtimestamp(st.st_mtime, UTC).isoformat(timespec="seconds")
        scan = _quick_scan(fd, st.st_size, deep, full, stop)
    finally:
        os.close(fd)
    if scan.damaged_middle:
        # which kind: a changed line, or a break in the chain (a line deleted, moved or duplicated)
        what = "corrupt record" if scan.reason.startswith("corrupt") else "chain broken"
        return info("damaged", f"{what} at line {scan.bad_line} (exercise verify says more)", mtime)
    if scan.torn:
        return info("damaged", f"torn tail at line {scan.bad_line} (recovered on resume)", mtime)
    if meta_problem:
        return info("damaged", meta_problem, mtime)
    if meta is None:
        return info("damaged", f"{META} missing or unreadable (rebuilt on resume)", mtime)
    return info(meta.status, "", mtime)


def _is_save(folder: Path) -> bool:
    try:
        return os.path.lexists(folder / JOURNAL)
    except OSError:
        return False


def find_save(name: str, root: Path) -> Path:
    """A save by folder path or by id under root; SaveError when there is none, or when its
    journal is not a regular file (reading a FIFO would hang)."""
    p = Path(name)
    for folder in (p, root / name):
        if _is_save(folder):
            problem = journal_problem(folder)
            if problem:
                raise SaveError(problem)
            return folder
    known = [s.id for s in list_saves(root)]
    from exercise.suggest import did_you_mean

    hint = did_you_mean(name, known) if known else ""
    raise SaveError(f"no save {name!r} in {root}{hint}; `exercise saves` lists them")
