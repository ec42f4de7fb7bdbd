"""Control characters in text from users, packs and saves, made visible.

A terminal obeys ESC sequences and bidi overrides in whatever it prints: a pack whose
names hold them would recolour, move or hide text when a facilitator `cat`s a turn log or
an export. Screens and files alike show them as symbols instead (␛, ␀, ...). Plain Python,
no screen library: the engine's shells (journal, debrief, reports) use it as the TUI does.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls, and the bidi overrides/isolates
# that would reorder what follows them on the terminal line.
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _picture(m: re.Match) -> str:
    c = ord(m.group())
    if c < 0x20:
        return chr(0x2400 + c)  # ␀ ␇ ␛ ...: visible, one cell
    if c == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"


def visible(s: object) -> str:
    """`s` as a string with controls replaced by visible symbols (newline and tab kept)."""
    s = s if isinstance(s, str) else str(s)
    return CONTROLS.sub(_picture, s)
