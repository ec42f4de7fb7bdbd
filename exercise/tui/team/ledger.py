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
from exercise.tui.team.base import TeamTab
from exercise.tui.team.format import clip
from exercise.tui.text import cells, text


def totals_line(turn: LedgerTurn) -> str:
    """"Budget +0.5 USD bn · Air defence −0.5 points"."""
    return " · ".join(f"{t.what} {signed(t.delta, t.unit)}" for t in turn.totals) or "nothing changed"


def _value(x: float | None) -> str:
    return "—" if x is None else number(x)


class LedgerTab(TeamTab, Vertical):
    # reading only (no keys of its own): the arrows move, the line below says the whole change

    def compose(self) -> ComposeResult:
        yield Static("", id="tm-ledger-summary")
        yield DataTable(id="tm-ledger", cursor_type="row")
        yield Static("", id="tm-ledger-detail")

    def on_mount(self) -> None:
        self.query_one("#tm-ledger", DataTable).add_columns(*cells("Turn", "What", "Before", "After", "Change", "Why"))

    def render_view(self) -> None:
        assert self.view is not None  # the screen sets it before anything renders or acts
        v = self.view
        turns = list(reversed(v.ledger))  # newest first: this turn is what a room asks about
        current = next((t for t in turns if t.turn == v.turn), None)
        head = (f"Turn {v.turn}: " + totals_line(current)) if current else f"Turn {v.turn}: nothing changed yet"
        self._show("tm-ledger-summary", text(f"{head}. Each change of your money and capabilities, and why "
                                             "(the line below the table says the whole cause)."))
        what = self._w(18, 24)
        # the cause takes what the other columns leave (about 62 cells); the line below says it whole
        why = max(20, (self.size.width or 120) - 62 - what)
        rows: list[tuple[str, tuple]] = []
        for t in turns:
            label = f"Turn {t.turn}" + (f" · {t.label}" if t.label else "")
            rows.append((f"t{t.turn}", (Text(label, style="bold"), "", "", "", "", "")))
            if t.omitted:
                more = ("older turn: its net change only" if not t.entries
                        else f"{t.omitted} earlier change(s) this turn not shown")
                rows.append((f"t{t.turn}-more", ("", "", "", "", "", more)))
            for k, e in enumerate(t.entries):
                rows.append((f"t{t.turn}-{k}", (f"  {e.phase}", clip(e.what, what), _value(e.before),
                                                _value(e.after), signed(e.delta, e.unit),
                                                "\n".join(textwrap.wrap(e.cause, why)) or "")))
            for k, x in enumerate(t.totals):
                rows.append((f"t{t.turn}-net{k}", (Text("  net change", style="bold"), Text(clip(x.what, what), style="bold"),
                                                   _value(x.before), number(x.after),
                                                   Text(signed(x.delta, x.unit), style="bold"), "over the turn")))
        self._fill("tm-ledger", rows, tall=True)  # a cause wraps over lines: no cell is cut
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
        return f"{describe(e)}\nWhy: {e.cause}"
