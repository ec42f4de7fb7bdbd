"""What every tab of the team console shares: the view it is given, the link it acts
through, and tables and texts that only redraw when their content changed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.reactive import var
from textual.widgets import DataTable, Static

from exercise.engine.view_types import PlayerView
from exercise.tui.base import in_hidden_tab
from exercise.tui.keyhelp import word_slots, worded
from exercise.tui.tables import selected_key, sync_rows
from exercise.tui.team.format import not_now
from exercise.tui.text import text
from exercise.words import short

WIDE = 160  # from this width the footer shows every key on every tab (the screen's, in one order)
# what a team can no longer do once the exercise has ended (the engine refuses it): no key for it
ENDED_OFF = frozenset({"answer", "argue", "counter", "submit", "order", "withdraw", "expedite", "expand", "assign", "lead",
                       "hand_back", "answer_request", "budget", "spending"})


COMMAND_KEYS = ("assign", "lead", "hand_back", "answer_request")


def can_now(view: PlayerView | None, action: str) -> bool:
    """False for a key that cannot be done in this view: anything that acts once the exercise
    has ended (and the feedback form before it), answering a lead request when none waits for this team,
    counter-arguing when no other team's open argument waits for its adjudication, and buying production
    capacity where the scenario sells none."""
    if action == "expand" and not (view is not None and view.me.expansions):
        return False
    if action == "feedback":  # the participant feedback form opens at the end, and only then
        return view is not None and view.status == "ended"
    if view is None:
        return True
    if view.status == "ended" and action in ENDED_OFF:
        return False
    if action in COMMAND_KEYS and not view.commands:
        return False  # a scenario without commands (outside defence) has nothing to lead or assign to
    if action == "spending" and not view.me.allies:
        return False  # a team with funds only has no allies' spending to set
    if action == "answer_request":
        return any(q.status == "pending" and q.you_decide for c in view.commands for q in c.requests)
    if action == "counter":  # only while another team's open argument waits for its adjudication
        return any(o.likelihood is None for o in view.open_actions)
    return True


@dataclass(frozen=True)
class Link:
    """How a tab acts: `send` a command through the screen's port (True when the engine
    accepted it and the view was refreshed; a refusal is notified), and ask how the port
    is connected ("local" hot-seat, "connected", "reconnecting… (attempt 2)")."""

    send: Callable[[object], Awaitable[bool]]
    connection: Callable[[], str]
    refusal: Callable[[], str] = lambda: ""  # why the last send was refused (a form reopens with it)


class ShowTab(Message):
    """A tab asks the screen to show another tab (and focus its table)."""

    def __init__(self, tab: str) -> None:
        super().__init__()
        self.tab = tab


def _cell_key(cell):
    if isinstance(cell, Text):
        return (cell.plain, str(cell.style), tuple(cell.spans))
    return cell


if TYPE_CHECKING:  # for the type checker a tab is the widget it is mixed into
    from textual.widget import Widget as _Mixin
else:
    _Mixin = object


class TeamTab(_Mixin):
    """What a tab widget mixes in, first: `class InboxTab(TeamTab, Vertical)` (a mixin, not a
    Widget, so the tab keeps its container's default styles). The screen sets `view` (the
    team's player view, as plain data) and `narrow` (a narrow terminal clips columns more);
    the tab re-renders itself."""

    view: var[PlayerView | None] = var(None, always_update=True)  # None until the screen sets it
    narrow: var[bool] = var(False)

    def __init__(self, link: Link, **kwargs) -> None:
        super().__init__(**kwargs)
        self.link = link
        self._rows: dict[str, list] = {}
        self._texts: dict[str, object] = {}

    # -- rendering ------------------------------------------------------------------------
    def watch_view(self) -> None:
        if self.view:
            self.render_view()

    def watch_narrow(self) -> None:
        if self.view:
            self.render_view()  # columns clip differently

    def render_view(self) -> None:
        """Show `self.view` (called when it or the width class changes)."""
        raise NotImplementedError

    def _w(self, narrow: int, wide: int) -> int:
        """A column's width in characters: narrow terminals clip more."""
        return narrow if self.narrow else wide

    def _fill(self, table_id: str, rows: list[tuple[str, tuple]], tall: bool = False) -> None:
        """Replace a table's rows if they changed, keeping the cursor on the same row.
        tall: a row is as high as its cells' lines (a cell wrapped over lines), not one line."""
        signature = [(k, tuple(_cell_key(c) for c in cells)) for k, cells in rows]
        if self._rows.get(table_id) == signature:
            return
        self._rows[table_id] = signature
        # in place: rows added, removed and changed, the cursor on its row (a str cell would
        # be parsed as markup)
        sync_rows(self.query_one(f"#{table_id}", DataTable),
                  [(key, [c if isinstance(c, Text) else text(c) for c in cells]) for key, cells in rows],
                  height=None if tall else 1)

    def _show(self, static_id: str, content: Text | str) -> None:
        """Update a Static only when its text changed (an update costs a layout)."""
        key = _cell_key(content)
        if self._texts.get(static_id) != key:
            self._texts[static_id] = key
            self.query_one(f"#{static_id}", Static).update(content if isinstance(content, Text) else text(content))

    def _say(self, s: str) -> str:
        """`s` in the scenario's words: "{command}", "{Forces}", "{others}"... (keyhelp.worded)."""
        v = self.view
        return worded(s, None if v is None else word_slots(v.words, v.adversary))

    def _headings(self, table_id: str, *labels: str) -> None:
        """A table's column headings, first to last, in the scenario's words (set when they
        change; the column is at least as wide as its heading)."""
        table = self.query_one(f"#{table_id}", DataTable)
        changed = False
        for column, label in zip(table.ordered_columns, labels, strict=False):
            said = self._say(label)
            if column.label.plain != said:
                column.label = Text(said)
                column.content_width = max(column.content_width, len(said))
                changed = True
        if changed:
            table.refresh()

    def _selected(self, table_id: str) -> str | None:
        return selected_key(self.query_one(f"#{table_id}", DataTable))

    def _team_name(self, team_id: str | None) -> str:
        assert self.view is not None  # the screen sets it before anything renders or acts
        return next((short(t.name) for t in self.view.teams if t.id == team_id), team_id or "")

    def _track_name(self, track_id: str) -> str:
        assert self.view is not None  # the screen sets it before anything renders or acts
        return next((t.name for t in self.view.team_tracks if t.id == track_id), track_id)

    # -- acting ---------------------------------------------------------------------------
    def _me(self) -> str:
        assert self.view is not None  # the screen sets it before anything renders or acts
        return self.view.me.id

    def _warning(self) -> str:
        assert self.view is not None  # the screen sets it before anything renders or acts
        return not_now(self.view, self.link.connection())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A wide terminal shows every tab's keys in the screen's one order: the tab's own
        # shown bindings step aside there, and the screen's (relaying here) take the key.
        if not can_now(self.view, action) or in_hidden_tab(self):
            return False  # a tab not shown has no keys (the screen's relay acts on the shown one)
        if self.screen.size.width >= WIDE and any(
                isinstance(b, Binding) and b.action == action and b.show and not b.priority for b in self.BINDINGS):
            return False
        return super().check_action(action, parameters)
