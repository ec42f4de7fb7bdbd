"""Text from users, packs and saves, made safe to put on a screen.

The rule: such text is shown as typed, never parsed as markup (a `[/x]` in a team's
action crashed the console; a `[@click=app.quit]` ran an action). Widgets get `Text`
objects built here, not markup strings. `plain` also keeps control characters and
terminal escape sequences from reaching the terminal raw: Rich passes ESC through.

Only Rich is imported (no Textual), so helpers that build strings can use `plain` too.
"""

from __future__ import annotations

import re

import attrs
from rich.text import Text

from exercise.controls import visible
from exercise.identity import ByIdentity


def plain(s: object) -> str:
    """`s` as a string with controls replaced by visible symbols (newline and tab kept)."""
    return visible(s)


def text(s: object, style: str = "") -> Text:
    """A Text showing `s` exactly (controls made visible), never parsed as markup."""
    return Text(plain(s), style=style)


def cells(*values) -> list[Text]:
    """DataTable cells and column headers as Text: a str would be parsed as markup."""
    return [text(v) for v in values]


# Most parts of a new view are the objects of the last one: a part already made plain is
# found again by identity (exercise/identity.py).
_PLAINED = ByIdentity(50_000)


def plain_tree(value):
    """A view (attrs classes, dicts, tuples, strings) with every string made `plain`.

    A part with nothing to change is returned as it is, not copied."""
    if isinstance(value, str):
        return plain(value)
    if attrs.has(type(value)):
        return _PLAINED.made(value, _plain_attrs)
    if isinstance(value, dict):
        made_d = {k: plain_tree(v) for k, v in value.items()}
        return value if all(made_d[k] is v for k, v in value.items()) else made_d
    if isinstance(value, (list, tuple)):
        made_l = [plain_tree(v) for v in value]
        if all(m is v for m, v in zip(made_l, value)):
            return value
        return type(value)(made_l)
    return value


def _plain_attrs(value):
    fields = attrs.fields(type(value))
    made = [plain_tree(getattr(value, f.name)) for f in fields]
    if all(m is getattr(value, f.name) for f, m in zip(fields, made)):
        return value
    return type(value)(**{f.alias: m for f, m in zip(fields, made)})


def markup_safe(s: object) -> str:
    """For the few places Textual only takes a markup string (the command palette).

    Textual's `escape` misses cases (`[/(` still raises), and markup has no way to write
    a backslash right before a bracket: that backslash is shown as ⧵, every `[` escaped.
    """
    out = re.sub(r"\\+(?=\[)", lambda m: "\u29f5" * len(m.group()), plain(s))
    return out.replace("[", "\\[")


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~&])")


def md(s: object) -> str:
    """User text inside a Markdown page: shown as typed, not as Markdown (no links, headings)."""
    lines = plain(s).replace("\r", "").split("\n")
    return "  \n".join(_MD_SPECIAL.sub(r"\\\1", line) for line in lines)


def safe(t: Text) -> Text:
    """`t` with its controls made visible in place (one character for one: styles stay put)."""
    clean = plain(t.plain)
    if clean != t.plain:
        t.plain = clean
    return t


_PERCENT = re.compile(r"(\d) %")


def unit_kept(s: str) -> str:
    """`s` with each % kept with its number ("70 %" -> "70%"), so a wrapping widget never
    leaves the % alone at the start of the next line. (A no-break space would not do:
    Textual breaks lines at any whitespace, U+00A0 included.)"""
    return _PERCENT.sub("\\1%", s)


_LIST_ITEM = re.compile(r"\s*(?:[-*]|\d+\.)\s")


def reflow(s: str) -> str:
    """An inject's or outcome's text for a widget that wraps: the pack's hard line breaks
    inside a paragraph joined ("several large drones were\nseen" read ragged), blank-line
    paragraph breaks kept (one), and a line starting a list item ("- ", "* ", "1. ") kept on
    its own line. Plain text in, plain text out: nothing is parsed as markup."""
    out: list[str] = []
    joinable = False  # the last line out is text a next line may continue
    for raw in s.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        if not line:
            if out and out[-1] != "":
                out.append("")
            joinable = False
        elif joinable and not _LIST_ITEM.match(raw):
            out[-1] += " " + line
        else:
            out.append(raw.rstrip() if _LIST_ITEM.match(raw) else line)
            joinable = True
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out)


def note_widths(total: int, team: int, by: int, note: int = 50, objective: int = 30) -> tuple[int, int, int]:
    """Widths of a notes table's Note, Objective and By cells (Turn, Team, Note, Objective,
    Rating, By) in `total` columns: By (the author, "Eve (evaluator)", up to 24) and the short
    columns whole, Note and Objective sharing the rest (at most `note` and `objective`), so
    no author is cut at the screen's edge. Each DataTable cell has 2 columns of padding; 2
    more are kept for a scrollbar."""
    by = min(max(by, 2), 24)
    rest = total - 2 - 6 * 2 - 4 - max(team, 4) - 6 - by
    objective_w = max(10, min(objective, rest * 3 // 8))
    note_w = max(12, min(note, rest - objective_w))
    return note_w, objective_w, by


def fit(s: str, n: int) -> str:
    """`s` in at most `n` characters without cutting a word in two: whole words and an
    ellipsis ('when its condition h' read as nonsense; 'when its condition…' does not)."""
    if len(s) <= n:
        return s
    cut = s[: n - 1]
    if s[n - 1].isalnum() and " " in cut.strip():
        cut = cut[: cut.rstrip().rfind(" ")]
    return cut.rstrip(" ,;:-(") + "…"
