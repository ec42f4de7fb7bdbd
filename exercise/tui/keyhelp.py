"""The `?` help, written from the bindings: a key is described once, where it is bound.

A screen that mixes in KeyHelp gives the prose (HELP_INTRO, HELP_OUTRO) and says how its
keys group (`help_groups`: the screen's own keys, then each tab's); the key tables are
built from the Binding objects: the key, and the binding's tooltip (its longer
description) or its description. The tab keys 1..N become one row.

A key's text may name what the scenario calls things: "{command}", "{Procurement}" are the
scenario's words ([words], model.Words; a capital first letter capitalises the word). The help
and the footer (`worded_bindings`) write them out; a screen gives its scenario's words
(`help_slots`) and leaves out the keys of features its scenario lacks (`help_hidden`).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType

import attrs
from textual.binding import ActiveBinding, Binding

from exercise.words import NEUTRAL, Words

_KEY_NAMES = {"question_mark": "?", "escape": "escape", "enter": "enter"}


def key_text(binding: Binding) -> str:
    """'left,p' -> 'left / p'; 'question_mark' -> '?'; 'ctrl+q' stays."""
    if binding.key_display:
        return binding.key_display
    return " / ".join(_KEY_NAMES.get(k.strip(), k.strip()) for k in binding.key.split(","))


_SLOT = re.compile(r"\{(\w+)\}")


@functools.cache
def word_slots(words: Words | None = None, adversary: bool = True) -> Mapping[str, str]:
    """What "{ally}", "{Commands}"... stand for in a scenario: its words (model.Words, a
    capital first letter capitalised), and "{others}": who sees an action argued open (the
    other teams, and the red cell where the scenario has an adversary). None: the defence
    words."""
    w = words or Words()
    out = {}
    for a in attrs.fields(Words):
        out[a.name] = str(getattr(w, a.name))
        out[a.name[:1].upper() + a.name[1:]] = w.cap(a.name)
    out["others"] = "the other teams and the red cell" if adversary else "the other teams"
    out["Others"] = out["others"].capitalize()
    out["red_cell"] = "the red cell, " if adversary else ""  # in a list of seats: "a team, {red_cell}an evaluator"
    return MappingProxyType(out)


def neutral_slots() -> Mapping[str, str]:
    """The slots of a help shown before any scenario is known (words.NEUTRAL: 'structure', 'the
    judge'), with the red cell's keys said as for scenarios with an adversary."""
    return word_slots(NEUTRAL)


def phase_slots(phases: tuple[str, ...]) -> dict[str, str]:
    """"{phases}" (the turn's phases in order, as the scenario names them) and "{deliberation}"
    (the phase a team acts in); `phases` () (none told): the engine's own names."""
    if len(phases) != 5:
        phases = ("briefing", "injects", "deliberation", "adjudication", "summary")
    return {"phases": ", ".join(phases), "deliberation": phases[2]}


def worded(s: str, slots: Mapping[str, str] | None = None) -> str:
    """`s` with "{command}" as the scenario's word ("cell"), "{Commands}" capitalised
    ("Cells"), "{others}"... (`word_slots`); braces that name none stay as written.
    `slots`: None, the defence scenario's."""
    if "{" not in s:
        return s
    said = word_slots() if slots is None else slots
    return _SLOT.sub(lambda m: said.get(m.group(1), m.group(0)), s)


def worded_binding(b: Binding, slots: Mapping[str, str] | None) -> Binding:
    """The binding with its description and tooltip in the scenario's words (itself when they
    name none)."""
    if "{" not in b.description and "{" not in b.tooltip:
        return b
    return dataclasses.replace(b, description=worded(b.description, slots), tooltip=worded(b.tooltip, slots))


def worded_bindings(active: dict[str, ActiveBinding], slots: Mapping[str, str] | None) -> dict[str, ActiveBinding]:
    """A screen's active bindings (what the footer and the palette show) in its scenario's words
    (a footer's tooltip is markup: the words, which come from a pack, are escaped)."""
    from textual.markup import escape

    out = {}
    safe: dict[str, str] | None = None
    for key, ab in active.items():
        if "{" not in ab.binding.description and "{" not in ab.binding.tooltip:
            out[key] = ab
            continue
        if safe is None:
            safe = {k: escape(v) for k, v in (word_slots() if slots is None else slots).items()}
        b = worded_binding(ab.binding, safe)
        out[key] = ab if b is ab.binding else ActiveBinding(ab.node, b, ab.enabled, b.tooltip)
    return out


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
    def help_markdown(cls, app=None, hide: Iterable[str] = (), slots: Mapping[str, str] | None = None,
                      outro: str | None = None) -> str:
        """The help; `hide`: actions left out (a key the screen does not offer where it runs,
        as escape back to a console that is not there, or the keys of a feature its scenario
        lacks); `slots`: the scenario's words for "{command}"... (`word_slots`; None: the defence's);
        `outro`: the closing prose, when the screen words it for its scenario."""
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
            table = key_table([worded_binding(b, slots) for b in bindings])
            if table:
                parts.append((f"**{worded(heading, slots)}**\n\n" if heading else "") + table)
        outro = cls.HELP_OUTRO if outro is None else outro
        if outro:
            parts.append(outro.strip())
        return worded("\n\n".join(parts), slots) + "\n"

    # -- what the screen shown says: its scenario's words and features ----------------------
    def help_slots(self) -> Mapping[str, str] | None:
        """The words of the scenario this screen shows (`word_slots`; None: the defence's)."""
        return None

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The footer's and the palette's keys, in the words of `help_slots` (as the help)."""
        return worded_bindings(super().active_bindings, self.help_slots())  # type: ignore[misc]

    def help_hidden(self) -> tuple[str, ...]:
        """The actions of features this screen's scenario lacks (no commands, no adversary...)."""
        return ()

    def help_outro(self) -> str | None:
        """The closing prose for this screen's scenario (None: HELP_OUTRO)."""
        return None

    def help_text(self, app=None) -> str:
        """The help of this screen as shown: its scenario's words, without the keys it lacks."""
        return self.help_markdown(app, self.help_hidden(), self.help_slots(), self.help_outro())

    @staticmethod
    def help_markdown_for(screen, app) -> str:
        """Help for any screen: its keys and the app's."""
        bindings = [b for b in _class_bindings(type(screen)) + _class_bindings(type(app)) if b.description]
        return "Keys are shown in the footer; every action is also in the command palette (**ctrl+p**).\n\n" \
            + key_table(bindings) + "\n"
