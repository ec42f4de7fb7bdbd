"""Map key paths such as ("inject", 3, "option", 1, "label") to line:col in TOML text.

tomllib gives positions only for syntax errors, so after a successful parse we scan the
text once more for the places where keys, tables and array elements start. The scan
trusts that the text is valid TOML (tomllib said so) and records positions only; it
never builds values. Lookups fall back to the nearest recorded ancestor, so a reported
position is always the key itself or the table that holds it, never an invented one.
"""

from __future__ import annotations

import re

Path = tuple  # of str | int

# Runs matched by the regex engine, not a Python step per character: a file with errors
# everywhere is located in one pass at a fraction of the cost of parsing it.
_BLANKS = re.compile(r"[ \t\r]*")
_BLANKS_NL = re.compile(r"(?:[ \t\r\n]+|#[^\n]*)*")
_BARE_KEY = re.compile(r"[A-Za-z0-9_\-]+")
_SCALAR = re.compile(r"[^,\]}\n#]*")
_SIMPLE_KEYVAL = re.compile(r"[ \t\r]*([A-Za-z0-9_\-]+)[ \t\r]*=[ \t\r]*")  # `key = ` (most lines)


class SourceMap:
    """Positions of keys in one file, scanned on first use: a clean file never pays."""

    def __init__(self, text: str):
        self.text = text
        self._positions: dict[Path, tuple[int, int]] | None = None
        self._lines: list[str] | None = None

    def line(self, number: int) -> str:
        """The text of a line (1 = first), '' past the end; split once, not per lookup."""
        if self._lines is None:
            self._lines = self.text.splitlines()
        return self._lines[number - 1] if 0 < number <= len(self._lines) else ""

    @property
    def positions(self) -> dict[Path, tuple[int, int]]:
        if self._positions is None:
            self._positions = {}
            try:
                _Scanner(self.text, self._positions).run()
            except (IndexError, ValueError):
                # Positions are a convenience; a scanner gap degrades to coarser locations.
                pass
        return self._positions

    def find(self, path: Path) -> tuple[int, int] | None:
        """(line, col) of the path, or of its nearest ancestor; None for the whole file."""
        path = tuple(path)
        while path:
            pos = self.positions.get(path)
            if pos is not None:
                return pos
            path = path[:-1]
        return None


class _Scanner:
    def __init__(self, text: str, out: dict):
        self.s = text
        self.i = 0
        self.line = 1
        self.col0 = 0  # offset where the current line starts
        self.out = out
        self.table: tuple = ()
        self.aot: dict[tuple, int] = {}  # array-of-tables path -> count so far

    # -- helpers -------------------------------------------------------------
    def here(self) -> tuple[int, int]:
        return (self.line, self.i - self.col0 + 1)

    def mark(self, path: tuple):
        self.out.setdefault(path, self.here())

    def advance(self, n: int = 1):
        if n == 1:  # the common step over one bracket or comma
            if self.s[self.i] == "\n":
                self.line += 1
                self.col0 = self.i + 1
            self.i += 1
            return
        start, end = self.i, self.i + n
        if end > len(self.s):
            raise IndexError("past the end")
        lines = self.s.count("\n", start, end)
        if lines:
            self.line += lines
            self.col0 = self.s.rfind("\n", start, end) + 1
        self.i = end

    def skip_ws(self, newlines: bool = False):
        if newlines:
            end = _BLANKS_NL.match(self.s, self.i).end()
            if end != self.i:
                self.advance(end - self.i)
        else:
            self.i = _BLANKS.match(self.s, self.i).end()

    def skip_comment_eol(self):
        self.skip_ws()
        if self.i < len(self.s) and self.s[self.i] == "#":
            end = self.s.find("\n", self.i)
            self.i = len(self.s) if end < 0 else end

    # -- keys ----------------------------------------------------------------
    def key_part(self) -> str:
        s = self.s
        ch = s[self.i]
        if ch in "\"'":
            return self.string()
        m = _BARE_KEY.match(s, self.i)
        if m is None:
            raise ValueError("not a key")
        self.i = m.end()
        return m.group()

    def dotted_key(self) -> list[tuple[str, tuple[int, int]]]:
        parts = []
        while True:
            self.skip_ws()
            pos = self.here()
            parts.append((self.key_part(), pos))
            self.skip_ws()
            if self.i < len(self.s) and self.s[self.i] == ".":
                self.i += 1
                continue
            return parts

    # -- values --------------------------------------------------------------
    def string(self) -> str:
        s = self.s
        q = s[self.i]
        if s.startswith(q * 3, self.i):
            end = s.find(q * 3, self.i + 3)
            while q == '"' and end > 0 and _escaped(s, end):
                end = s.find(q * 3, end + 1)
            # A multi-line string may end with up to two extra quotes.
            while s.startswith(q, end + 3):
                end += 1
            value = s[self.i + 3 : end]
            self.advance(end + 3 - self.i)
            return value
        # Jump from quote to quote (str.find), skipping escaped ones: a long one-line string
        # costs one scan in C, not a Python step per character.
        j = s.index(q, self.i + 1)
        while q == '"' and _escaped(s, j):
            j = s.index(q, j + 1)
        value = s[self.i + 1 : j]
        self.i = j + 1
        return value

    def value(self, path: tuple):
        s = self.s
        ch = s[self.i]
        if ch in "\"'":
            self.string()
        elif ch == "[":
            self.advance()
            idx = 0
            while True:
                self.skip_ws(newlines=True)
                if s[self.i] == "]":
                    self.advance()
                    return
                self.mark(path + (idx,))
                self.value(path + (idx,))
                idx += 1
                self.skip_ws(newlines=True)
                if s[self.i] == ",":
                    self.advance()
        elif ch == "{":
            self.advance()
            while True:
                self.skip_ws()
                if s[self.i] == "}":
                    self.advance()
                    return
                self.keyval(path)
                self.skip_ws()
                if s[self.i] == ",":
                    self.advance()
        else:
            self.i = _SCALAR.match(s, self.i).end()

    def keyval(self, base: tuple):
        m = _SIMPLE_KEYVAL.match(self.s, self.i)
        if m is not None:  # one bare key: no dotted parts to walk
            path = base + (m.group(1),)
            self.out.setdefault(path, (self.line, m.start(1) - self.col0 + 1))
            self.i = m.end()
            self.value(path)
            return
        parts = self.dotted_key()
        path = base
        for name, pos in parts:
            path = path + (name,)
            self.out.setdefault(path, pos)
        self.skip_ws()
        self.i += 1  # '='
        self.skip_ws()
        self.value(path)

    # -- top level -----------------------------------------------------------
    def header(self):
        s = self.s
        double = s.startswith("[[", self.i)
        start = self.here()
        self.i += 2 if double else 1
        parts = [p for p, _ in self.dotted_key()]
        self.i += 2 if double else 1
        path: tuple = ()
        for n, name in enumerate(parts):
            path = path + (name,)
            last = n == len(parts) - 1
            if last and double:
                count = self.aot.get(path, 0)
                self.aot[path] = count + 1
                self.out.setdefault(path, start)
                path = path + (count,)
            elif path in self.aot:
                path = path + (self.aot[path] - 1,)
        self.out.setdefault(path, start)
        self.table = path

    def run(self):
        s = self.s
        while self.i < len(s):
            self.skip_ws(newlines=True)
            if self.i >= len(s):
                break
            if s[self.i] == "[":
                self.header()
            else:
                self.keyval(self.table)
            self.skip_comment_eol()


def _escaped(s: str, i: int) -> bool:
    n = 0
    while i - 1 - n >= 0 and s[i - 1 - n] == "\\":
        n += 1
    return n % 2 == 1
