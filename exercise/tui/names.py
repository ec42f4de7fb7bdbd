"""Team names in a table cell that is too narrow for them: wrapped over lines, never cut.

A cut list of teams ("Brunssum…") read the same for East and West, and a name cut at 20
characters ("Communications and l") lost its meaning. Plain functions: no Textual here.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence


def wrapped(s: str, width: int) -> str:
    """`s` over lines of at most `width` characters, broken between words (a word longer
    than `width` keeps its own line whole)."""
    if len(s) <= width:
        return s
    return "\n".join(textwrap.wrap(s, max(width, 1), break_long_words=False, break_on_hyphens=False)) or s


def name_list(names: Sequence[str], width: int) -> str:
    """Names joined by ', ' on one line when they fit in `width`; else one name a line (a
    name too long for the line wrapped between its words)."""
    joined = ", ".join(names)
    if len(joined) <= width:
        return joined
    lines = [wrapped(n + ("," if i < len(names) - 1 else ""), width) for i, n in enumerate(names)]
    return "\n".join(lines)


def lines_in(cell: str) -> int:
    return cell.count("\n") + 1
