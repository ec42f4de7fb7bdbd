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


def _end_of(pattern: re.Pattern[str], s: str, i: int) -> int:
    """Where `pattern`, which matches the empty string, stops matching from `i`."""
    m = pattern.match(s, i)
    return m.end() if m else i


class SourceMap:
    """Positions of keys in one file, scanned on first use: a clean file never pays.

    The scan can also be advanced a few statements at a time (`scan_some`), so that a
    file with thousands of problems is scanned only as far as the ones that are shown.
    """

    def __init__(self, text: str):
        self.text = text
        self._positions: dict[Path, tuple[int, int]] = {}
        self._scanner: _Scanner | None = None
        self.done = False
        self._lines: list[str] | None = None

    def line(self, number: int) -> str:
        """The text of a line (1 = first), '' past the end; split once, not per lookup."""
        if self._lines is None:
            self._lines = self.text.splitlines()
        return self._lines[number - 1] if 0 < number <= len(self._lines) else ""

    def scan_some(self, statements: int | None = None) -> bool:
        """Scan up to `statements` more top-level statements (None: all); True when done."""
        if self.done:
            return True
        if self._scanner is None:
            self._scanner = _Scanner(self.text, self._positions)
        try:
            self.done = self._scanner.run(statements)
        except (IndexError, ValueError):
            # Positions are a convenience; a scanner gap degrades to coarser locations.
            self.done = True
        return self.done

    @property
    def scanned_line(self) -> int:
        """Every position recorded from now on is on this line or after it."""
        return self._scanner.line if self._scanner is not None else 1

    def element_state(self, key: str, index: int) -> str | None:
        """For the element `index` of a top-level array of tables `key`, as far as scanned:
        'closed' (the next element's header was seen: nothing under it can be recorded any
        more), 'open', 'ahead' (its header is still to come), or None (not known)."""
        if self._scanner is None:
            return None
        count = self._scanner.aot.get((key,))
        if count is None:
            return None
        return "closed" if index < count - 1 else "open" if index == count - 1 else "ahead"

    @property
    def positions(self) -> dict[Path, tuple[int, int]]:
        self.scan_some()
        return self._positions

    def find(self, path: Path, scan: bool = True) -> tuple[int, int] | None:
        """(line, col) of the path, or of its nearest ancestor; None for the whole file.
        `scan=False`: over what has been scanned so far."""
        if scan:
            self.scan_some()
        return self.find_scanned(path)

    def find_scanned(self, path: Path) -> tuple[int, int] | None:
        """Like `find`, over what has been scanned so far (no further scanning)."""
        path = tuple(path)
        positions = self._positions
        while path:
            pos = positions.get(path)
            if pos is not None:
                return pos
            path = path[:-1]
        return None

    def in_string(self, path: Path, offset: int, scan: bool = True) -> tuple[int, int] | None:
        """line:col of character `offset` inside the one-line string value at `path`, else
        the key's own position (a multi-line or non-string value)."""
        pos = self.find(path, scan)
        if pos is None:
            return None
        line, col = pos
        text = self.line(line)
        eq = text.find("=", col - 1)
        q = eq + 1 + (len(text[eq + 1:]) - len(text[eq + 1:].lstrip())) if eq >= 0 else -1
        if 0 <= q < len(text) and text[q] in "\"'" and not text.startswith(text[q] * 3, q):
            return line, q + 2 + offset
        return line, col


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
            end = _end_of(_BLANKS_NL, self.s, self.i)
            if end != self.i:
                self.advance(end - self.i)
        else:
            self.i = _end_of(_BLANKS, self.s, self.i)

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
            self.i = _end_of(_SCALAR, s, self.i)

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

    def run(self, statements: int | None = None) -> bool:
        """Scan on from where the last call stopped; True when the end is reached."""
        s = self.s
        n = 0
        while self.i < len(s):
            if statements is not None and n >= statements:
                return False
            n += 1
            self.skip_ws(newlines=True)
            if self.i >= len(s):
                break
            if s[self.i] == "[":
                self.header()
            else:
                self.keyval(self.table)
            self.skip_comment_eol()
        return True


def _escaped(s: str, i: int) -> bool:
    n = 0
    while i - 1 - n >= 0 and s[i - 1 - n] == "\\":
        n += 1
    return n % 2 == 1
