"""The `?` help, written from the bindings: a key is described once, where it is bound.

A screen that mixes in KeyHelp gives the prose (HELP_INTRO, HELP_OUTRO) and says how its
keys group (`help_groups`: the screen's own keys, then each tab's); the key tables are
built from the Binding objects: the key, and the binding's tooltip (its longer
description) or its description. The tab keys 1..N become one row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from textual.binding import Binding

_KEY_NAMES = {"question_mark": "?", "escape": "escape", "enter": "enter"}


def key_text(binding: Binding) -> str:
    """'left,p' -> 'left / p'; 'question_mark' -> '?'; 'ctrl+q' stays."""
    if binding.key_display:
        return binding.key_display
    return " / ".join(_KEY_NAMES.get(k.strip(), k.strip()) for k in binding.key.split(","))


def _md(s: str) -> str:
    return s.replace("|", "\\|")


def key_rows(bindings: Iterable[Binding]) -> list[str]:
    """Markdown table rows, one per binding; consecutive tab keys ('1'..'N') make one row, and
    so do consecutive keys for the same action ('m / n', the first one's description)."""
    rows: list[str] = []
    tabs: list[Binding] = []
    last: Binding | None = None

    def flush_tabs() -> None:
        if tabs:
            keys = f"{tabs[0].key}-{tabs[-1].key}" if len(tabs) > 1 else tabs[0].key
            rows.append(f"| {keys} | tabs: {', '.join(b.description.lower() for b in tabs)} |")
            tabs.clear()

    for b in bindings:
        if re.fullmatch(r"tab\(.*\)", b.action) and b.key.isdigit():
            tabs.append(b)
            last = None
            continue
        flush_tabs()
        if last is not None and rows and b.action == last.action:  # another key for the same thing
            keys, what = rows[-1][2:].split(" | ", 1)
            rows[-1] = f"| {keys} / {_md(key_text(b))} | {what}"
            continue
        last = b
        rows.append(f"| {_md(key_text(b))} | {_md(b.tooltip or b.description)} |")
    flush_tabs()
    return rows


def key_table(bindings: Iterable[Binding]) -> str:
    rows = key_rows(bindings)
    return "\n".join(["| key | what it does |", "|---|---|", *rows]) if rows else ""


def _class_bindings(node_type: type) -> list[Binding]:
    """The bindings this project's classes declare, base classes first (as Textual merges them).

    Textual's own (focus moves, the palette key) are its business, not this help's."""
    out: list[Binding] = []
    for cls in reversed(node_type.__mro__):
        if not cls.__module__.startswith("exercise."):
            continue
        for b in cls.__dict__.get("BINDINGS", ()):
            if isinstance(b, Binding):
                out.append(b)
            else:  # a (key, action, description) tuple
                out.append(Binding(*b))
    return out


class KeyHelp:
    """Mixed into a Screen: its `?` help is generated from its bindings."""

    HELP_TITLE = "Help"
    HELP_INTRO = ""
    HELP_OUTRO = ""

    @classmethod
    def help_groups(cls) -> list[tuple[str, list[Binding]]]:
        """(heading, bindings) in the order the help shows them; "" for no heading."""
        return [("", [b for b in _class_bindings(cls) if b.description])]

    @classmethod
    def help_markdown(cls, app=None, hide: Iterable[str] = ()) -> str:
        """The help; `hide`: actions left out (a key the screen does not offer where it runs,
        as escape back to a console that is not there)."""
        hidden = set(hide)
        groups = [(heading, [b for b in bindings if b.action not in hidden])
                  for heading, bindings in cls.help_groups()]
        if app is not None and groups:  # the app's own keys (help, quit) belong with the screen's
            shown = {b.key for _, bindings in groups for b in bindings}
            at = next((i for i, (heading, _) in enumerate(groups) if not heading), 0)  # the screen's own keys
            heading, first = groups[at]
            extra = [b for b in _class_bindings(type(app)) if b.key not in shown and b.description]
            groups = [*groups[:at], (heading, first + extra), *groups[at + 1:]]
        parts = [cls.HELP_INTRO.strip()] if cls.HELP_INTRO else []
        for heading, bindings in groups:
            table = key_table(bindings)
            if table:
                parts.append((f"**{heading}**\n\n" if heading else "") + table)
        if cls.HELP_OUTRO:
            parts.append(cls.HELP_OUTRO.strip())
        return "\n\n".join(parts) + "\n"

    @staticmethod
    def help_markdown_for(screen, app) -> str:
        """Help for any screen: its keys and the app's."""
        bindings = [b for b in _class_bindings(type(screen)) + _class_bindings(type(app)) if b.description]
        return "Keys are shown in the footer; every action is also in the command palette (**ctrl+p**).\n\n" \
            + key_table(bindings) + "\n"
