"""Problems found in scenario and pack files, reported compiler-style.

    injects/hybrid.toml:42:5: error: unknown key 'trun' in inject 'rail-blast' (did you mean 'turn'?)

Loading never stops at the first problem: every check adds to a `Problems` collector.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Iterable, Literal

import attrs

from exercise.packs.locate import SourceMap


@attrs.frozen
class Problem:
    file: str
    line: int | None
    col: int | None
    severity: Literal["error", "warning"]
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


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(word), sorted(set(choices)), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


@attrs.define
class Problems:
    items: list[Problem] = attrs.field(factory=list)

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
        problem = Problem(name, line, col, severity, message)
        if problem not in self.items:
            self.items.append(problem)

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

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=lambda p: (p.file, p.line or 0, p.col or 0))

    def __bool__(self) -> bool:
        return bool(self.errors)
