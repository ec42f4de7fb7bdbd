"""Problems found in scenario and pack files, reported compiler-style.

    injects/hybrid.toml:42:5: error: unknown key 'trun' in inject 'rail-blast' (did you mean 'turn'?)

Loading never stops at the first problem: every check adds to a `Problems` collector.
A hostile file cannot make that slow or the report useless: adding a problem is O(1),
did-you-mean hints have a budget per collector (MAX_SUGGESTIONS lookups) and use an index
for large pools, and at most MAX_SHOWN_PER_FILE problems per file are printed.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

MAX_SUGGESTIONS = 50  # did-you-mean lookups per collector; after that, messages carry no hint
MAX_SHOWN_PER_FILE = 200  # problems printed per file; the rest are counted on one line

import attrs

from exercise.packs.locate import SourceMap
from exercise.suggest import hint


class Problem:
    """One problem. Its line:col may be found lazily (`at`: a source map and a key path, and
    an offset inside that key's string value), so that only the problems printed pay for
    locating: a file with thousands of errors is scanned only as far as the first shown."""

    __slots__ = ("_at", "_col", "_line", "file", "message", "severity")

    def __init__(self, file: str, line: int | None, col: int | None,
                 severity: Literal["error", "warning", "note"], message: str,
                 at: tuple[SourceMap, tuple, int | None] | None = None):
        self.file, self.severity, self.message = file, severity, message
        self._line, self._col, self._at = line, col, at

    def _resolve(self, scan: bool = True) -> None:
        """Locate; `scan=False` when the caller knows the scan so far settles it."""
        if self._at is None:
            return  # already located
        sm, path, offset = self._at
        self._at = None
        pos = sm.find(path, scan) if offset is None else sm.in_string(path, offset, scan)
        if pos:
            self._line, self._col = pos

    @property
    def line(self) -> int | None:
        if self._at is not None:
            self._resolve()
        return self._line

    @property
    def col(self) -> int | None:
        if self._at is not None:
            self._resolve()
        return self._col

    def key(self) -> tuple:
        """What makes two problems the same, without locating a lazy one."""
        if self._at is not None:
            sm, path, offset = self._at
            return (self.file, self.severity, self.message, id(sm), path, offset)
        return (self.file, self.severity, self.message, self._line, self._col)

    def __eq__(self, other) -> bool:
        if not isinstance(other, Problem):
            return NotImplemented
        return (self.file, self.line, self.col, self.severity, self.message) == (
            other.file, other.line, other.col, other.severity, other.message)

    def __hash__(self) -> int:
        return hash((self.file, self.line, self.col, self.severity, self.message))

    def __repr__(self) -> str:
        return (f"Problem(file={self.file!r}, line={self.line!r}, col={self.col!r}, "
                f"severity={self.severity!r}, message={self.message!r})")

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}:{self.col or 1}"
        return f"{where}: {self.severity}: {self.message}"


@attrs.define
class SourceFile:
    """A file that parsed, with its positions, for locating problems."""

    path: Path
    display: str
    source: SourceMap | None = None
    data: dict | None = None  # the parsed document

    def has(self, path) -> bool:
        """Whether the key path was written in the file (cheap: reads the parsed data)."""
        node: Any = self.data
        for part in path:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return False
        return node is not None


def display_path(path: Path) -> str:
    """The path as a user would type it: relative to the current folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


@attrs.define
class Problems:
    items: list[Problem] = attrs.field(factory=list)
    _seen: set = attrs.field(factory=set, init=False, repr=False)
    _suggestions_left: int = attrs.field(default=MAX_SUGGESTIONS, init=False, repr=False)
    _indexes: dict = attrs.field(factory=dict, init=False, repr=False)

    def did_you_mean(self, word: object, choices: Iterable[str]) -> str:
        """Like `did_you_mean`, within this collector's budget of lookups, so that thousands
        of unknown ids against thousands of known ones stay linear."""
        if self._suggestions_left <= 0:
            return ""
        self._suggestions_left -= 1
        pool = choices if isinstance(choices, frozenset) else frozenset(map(str, choices))
        return hint(str(word), pool, self._indexes)

    def keep(self, problem: Problem) -> None:
        """Add a problem unless the same one is already there (O(1))."""
        key = problem.key()
        if key not in self._seen:
            self._seen.add(key)
            self.items.append(problem)

    def add(self, file: SourceFile | str, path=(), message: str = "", severity="error",
            line: int | None = None, col: int | None = None, offset: int | None = None) -> None:
        """Add a problem at the key path (located lazily: see `Problem`), or at line:col.
        `offset`: the problem is at that character of the key's one-line string value."""
        at = None
        if isinstance(file, SourceFile):
            if line is None and file.source is not None and path:
                at = (file.source, tuple(path), offset)
            name = file.display
        else:
            name = file
        self.keep(Problem(name, line, col, severity, message, at))

    def error(self, file, path, message, **kw):
        self.add(file, path, message, "error", **kw)

    def warning(self, file, path, message, **kw):
        self.add(file, path, message, "warning", **kw)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]

    def sorted(self, limit: int | None = MAX_SHOWN_PER_FILE, without: tuple[str, ...] = ()) -> list[Problem]:
        """In file order; at most `limit` per file (None: all), then one note per file
        saying how many more there are: thousands of lines help no one. `without`:
        severities left out before counting (validate --quiet: ("warning",))."""
        by_file: dict[str, list[Problem]] = {}
        for p in self.items:
            if p.severity not in without:
                by_file.setdefault(p.file, []).append(p)
        out: list[Problem] = []
        for file in sorted(by_file):
            group = by_file[file]
            if limit is None or len(group) <= limit:
                out += sorted(group, key=_position)
                continue
            shown = _first_located(group, limit)
            out += shown
            taken = set(map(id, shown))
            counts = [0, 0]
            for p in group:
                if id(p) not in taken:
                    counts[p.severity != "error"] += 1
            more = " and ".join(f"{n} more {kind}{'s' if n != 1 else ''}"
                                for n, kind in zip(counts, ("error", "warning")) if n)
            out.append(Problem(file, None, None, "note",
                               f"{more} in this file not shown (the first {limit} are above); "
                               "fix those and run validate again"))
        return out

    def __bool__(self) -> bool:
        return bool(self.errors)


def _position(p: Problem) -> tuple[int, int]:
    return (p.line or 0, p.col or 0)


_SCAN_STEP = 256  # top-level statements scanned between two tries at deciding (then doubled)


def _first_located(group: list[Problem], limit: int) -> list[Problem]:
    """The first `limit` problems of one file in (line, col) order, exactly as sorting them
    all would give (ties in the order they were found), while scanning the file only as far
    as needed: the scan goes in document order, so a problem whose key was recorded, or
    whose element of an array of tables was closed by the next one's header, is final, and
    one in an element not reached yet can only land further down."""
    sources = {id(p._at[0]): p._at[0] for p in group if p._at is not None}
    if len(sources) != 1:
        for sm in sources.values():
            sm.scan_some()
        return sorted(group, key=_position)[:limit]
    (sm,) = sources.values()
    step = _SCAN_STEP
    while not sm.scan_some(step):
        step *= 2
        decided = _decide(group, sm, limit)
        if decided is not None:
            return decided
    return sorted(group, key=_position)[:limit]


def _decide(group: list[Problem], sm: SourceMap, limit: int) -> list[Problem] | None:
    final: list[tuple[tuple[int, int], int, Problem]] = []
    pending_floor: tuple[int, int] | None = None  # the lowest place a pending one can land
    ahead = (sm.scanned_line, 0)
    for n, p in enumerate(group):
        if p._at is None:
            final.append(((p._line or 0, p._col or 0), n, p))
            continue
        _, path, _ = p._at
        state = (sm.element_state(path[0], path[1])
                 if len(path) >= 2 and isinstance(path[1], int) else None)
        if path in sm._positions or state == "closed":
            p._resolve(scan=False)
            final.append((_position(p), n, p))
            continue
        if state == "ahead":
            floor = ahead
        else:  # it may yet stay at an ancestor's place, or at none (the top of the file)
            pos = sm.find_scanned(path)
            floor = (pos[0], 0) if pos else (0, 0)
        if pending_floor is None or floor < pending_floor:
            pending_floor = floor
    if len(final) < limit:
        return None
    final.sort(key=lambda t: (t[0], t[1]))
    if pending_floor is not None and pending_floor <= final[limit - 1][0]:
        return None
    return [p for _, _, p in final[:limit]]
