"""7 Ledger: what changed for the team, turn by turn, and why (the engine's ledger, as the
player view carries it: this turn's and the last turn's entries, older turns' totals)."""

from __future__ import annotations

import textwrap

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from exercise.engine.decision import number
from exercise.engine.ledger import describe, signed
from exercise.engine.view_types import LedgerEntry, LedgerTurn
from exercise.tui.base import Detail
from exercise.tui.team.base import TeamTab
from exercise.tui.team.format import clip
from exercise.tui.text import cells, text


def totals_line(turn: LedgerTurn) -> str:
    """"Budget +0.5 USD bn · Air defence −0.5 points"."""
    return " · ".join(f"{t.what} {signed(t.delta, t.unit, t.places)}" for t in turn.totals) or "nothing changed"


def _value(x: float | None, places: int = 2) -> str:
    return "—" if x is None else number(x, places)


COLUMNS = ("Turn", "What", "Before", "After", "Change", "Why")
NARROW_COLUMNS = ("What", "Before → after", "Change", "Why")


class LedgerTab(TeamTab, Vertical):
    # reading only (no keys of its own): the arrows move, the line below says the whole change
    _columns: tuple[str, ...] = ()  # the table's columns now (they depend on the width)

    def compose(self) -> ComposeResult:
        yield Static("", id="tm-ledger-summary")
        yield DataTable(id="tm-ledger", cursor_type="row")
        yield Detail("", id="tm-ledger-detail")

    def _set_columns(self, names: tuple[str, ...]) -> None:
        """A narrow terminal drops the phase and puts before and after in one column."""
        if self._columns != names:
            self._columns = names
            self.query_one("#tm-ledger", DataTable).clear(columns=True).add_columns(*cells(*names))
            self._rows.pop("tm-ledger", None)

    def render_view(self) -> None:
        assert self.view is not None  # the screen sets it before anything renders or acts
        v = self.view
        turns = list(reversed(v.ledger))  # newest first: this turn is what a room asks about
        current = next((t for t in turns if t.turn == v.turn), None)
        self._show("tm-ledger-summary", text(f"Turn {v.turn}: " + (totals_line(current) if current else
                                                                  "nothing changed yet")))
        narrow = self.narrow
        self._set_columns(NARROW_COLUMNS if narrow else COLUMNS)
        what = self._w(18, 24)
        # the cause takes what the other columns leave; the line below the table says it whole
        why = max(20, (self.size.width or 120) - (38 if narrow else 62) - what)

        def row(first, name, before, after, change, cause) -> tuple:
            if narrow:
                return (name, f"{before} → {after}" if before or after else "", change, cause)
            return (first, name, before, after, change, cause)

        def cause(words: str) -> str:
            # wide: wrapped whole; narrow: one line per entry, so a 24-line screen shows more
            # than two of them (cut at a word; the line below the table says it whole)
            return clip(words, why) if narrow else "\n".join(textwrap.wrap(words, why))

        rows: list[tuple[str, tuple]] = []
        for t in turns:
            label = Text(f"Turn {t.turn}" + (f" · {t.label}" if t.label else ""), style="bold")
            rows.append((f"t{t.turn}", (label, "", "", "") if narrow else (label, "", "", "", "", "")))
            if t.omitted:
                more = ("older turn: its net change only" if not t.entries
                        else f"{t.omitted} earlier change(s) this turn not shown")
                rows.append((f"t{t.turn}-more", row("", "", "", "", "", more)))
            for k, e in enumerate(t.entries):
                rows.append((f"t{t.turn}-{k}", row(f"  {e.phase}", clip(e.what, what), _value(e.before, e.places),
                                                   _value(e.after, e.places), signed(e.delta, e.unit, e.places),
                                                   cause(e.cause))))
            for k, x in enumerate(t.totals):
                rows.append((f"t{t.turn}-net{k}", row(Text("  net change", style="bold"),
                                                      Text(clip(("= " if narrow else "") + x.what, what), style="bold"),
                                                      _value(x.before, x.places), number(x.after, x.places),
                                                      Text(signed(x.delta, x.unit, x.places), style="bold"),
                                                      "over the turn" + (f", {signed(x.outside, x.unit, x.places)} of it from "
                                                                         "outside your team" if x.outside else ""))))
        self._fill("tm-ledger", rows, tall=not narrow)  # wide, a cause wraps over lines: no cell is cut
        self._detail()

    def on_resize(self) -> None:
        if self.view:
            self.render_view()  # the cause column takes the width there is

    @on(DataTable.RowHighlighted, "#tm-ledger")
    def _highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._detail()

    def _detail(self) -> None:
        """The selected row in full: the cause is often longer than its column."""
        key = self._selected("tm-ledger")
        self._show("tm-ledger-detail", text(self._describe(key) if key else ""))

    def _describe(self, key: str) -> str:
        assert self.view is not None
        turn_part, _, rest = key.partition("-")
        turn = next((t for t in self.view.ledger if f"t{t.turn}" == turn_part), None)
        if turn is None:
            return ""
        if not rest:
            return f"Turn {turn.turn}, net change: " + "; ".join(describe(t) for t in turn.totals) if turn.totals else ""
        if rest.startswith("net"):
            return f"Net change over turn {turn.turn}: {describe(turn.totals[int(rest[3:])])}"
        if rest == "more":
            return "Only this turn's and the last turn's changes are sent to your console; the debrief has them all."
        e: LedgerEntry = turn.entries[int(rest)]
        return f"{describe(e)} ({e.phase})\nWhy: {e.cause}"
