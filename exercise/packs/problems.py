"""Problems found in scenario and pack files, reported compiler-style.

    injects/hybrid.toml:42:5: error: unknown key 'trun' in inject 'rail-blast' (did you mean 'turn'?)

Loading never stops at the first problem: every check adds to a `Problems` collector.
A hostile file cannot make that slow or the report useless: adding a problem is O(1),
did-you-mean hints have a budget per collector (MAX_SUGGESTIONS lookups) and use an index
for large pools, and at most MAX_SHOWN_PER_FILE problems per file are printed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Literal

MAX_SUGGESTIONS = 50  # did-you-mean lookups per collector; after that, messages carry no hint
MAX_SHOWN_PER_FILE = 200  # problems printed per file; the rest are counted on one line

import attrs

from exercise.packs.locate import SourceMap
from exercise.suggest import did_you_mean, hint  # noqa: F401 (did_you_mean: re-exported for packs)


@attrs.frozen
class Problem:
    file: str
    line: int | None
    col: int | None
    severity: Literal["error", "warning", "note"]
    message: str

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
        node = self.data
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

    def did_you_mean(self, word: str, choices: Iterable[str]) -> str:
        """Like `did_you_mean`, within this collector's budget of lookups, so that thousands
        of unknown ids against thousands of known ones stay linear."""
        if self._suggestions_left <= 0:
            return ""
        self._suggestions_left -= 1
        pool = choices if isinstance(choices, frozenset) else frozenset(map(str, choices))
        return hint(str(word), pool, self._indexes)

    def keep(self, problem: Problem) -> None:
        """Add a problem unless the same one is already there (O(1))."""
        if problem not in self._seen:
            self._seen.add(problem)
            self.items.append(problem)

    def add(self, file: SourceFile | str, path=(), message: str = "", severity="error",
            line: int | None = None, col: int | None = None) -> None:
        if isinstance(file, SourceFile):
            if line is None and file.source is not None:
                pos = file.source.find(path)
                if pos:
                    line, col = pos
            name = file.display
        else:
            name = file
        self.keep(Problem(name, line, col, severity, message))

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

    def sorted(self, limit: int | None = MAX_SHOWN_PER_FILE) -> list[Problem]:
        """In file order; at most `limit` per file (None: all), then one note per file
        saying how many more there are: thousands of lines help no one."""
        ordered = sorted(self.items, key=lambda p: (p.file, p.line or 0, p.col or 0))
        if limit is None:
            return ordered
        out: list[Problem] = []
        hidden: dict[str, list[int]] = {}
        shown: dict[str, int] = {}
        for p in ordered:
            n = shown.get(p.file, 0)
            if n < limit:
                shown[p.file] = n + 1
                out.append(p)
            else:
                counts = hidden.setdefault(p.file, [0, 0])
                counts[p.severity != "error"] += 1
        for file, (errors, warnings) in hidden.items():
            more = " and ".join(f"{n} more {kind}{'s' if n != 1 else ''}"
                                for n, kind in ((errors, "error"), (warnings, "warning")) if n)
            at = max(i for i, p in enumerate(out) if p.file == file)
            out.insert(at + 1, Problem(file, None, None, "note",
                                       f"{more} in this file not shown (the first {limit} are above); "
                                       "fix those and run validate again"))
        return out

    def __bool__(self) -> bool:
        return bool(self.errors)
