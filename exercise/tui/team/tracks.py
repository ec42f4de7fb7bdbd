"""5 Tracks: the team's capabilities (and what it assigned of them to commands) and the world's tracks, in
the scenario's words."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Static

from exercise.engine.decision import number
from exercise.tui.team.base import TeamTab
from exercise.tui.team.format import clip, num


class TracksTab(TeamTab, VerticalScroll):
    BINDINGS = [Binding("a", "assign", "Assign", tooltip="assign {forces} from the selected one of your {capabilities} to a {command}")]

    class AssignCapability(Message):
        """Assign forces of this capability to the command selected in the Commands tab."""

        def __init__(self, capability: str | None) -> None:
            super().__init__()
            self.capability = capability

    def compose(self) -> ComposeResult:
        yield Static("Your capabilities (a assigns them to a command)", id="tm-tracks-heading", classes="tm-section")
        yield DataTable(id="tm-team-tracks", cursor_type="row", zebra_stripes=True)
        yield Static("The world", classes="tm-section")
        yield DataTable(id="tm-world-tracks", cursor_type="row")

    def on_mount(self) -> None:
        self.query_one("#tm-team-tracks", DataTable).add_columns("Capability", "Yours", "Band", "Assigned",
                                                                 "Other teams")
        self.query_one("#tm-world-tracks", DataTable).add_columns("Track", "Value", "Band", "Scale")

    def render_view(self) -> None:
        assert self.view is not None  # the screen sets it before anything renders or acts
        v, me = self.view, self.view.me
        # after the end nothing can be assigned: the heading offers no key
        w = v.words
        self._show("tm-tracks-heading", f"Your {w.capabilities}" if v.status == "ended" or not v.commands
                   else f"Your {w.capabilities} (a assigns them to a {w.command})")
        table = self.query_one("#tm-team-tracks", DataTable)
        if not v.commands and len(table.columns) == 5:  # nothing to assign to: no Assigned column
            table.remove_column(table.ordered_columns[3].key)
        self._headings("tm-team-tracks", "{Capabilities}", "Yours", "Band", *(("Assigned",) if v.commands else ()),
                       "Other teams")
        rows: list[tuple[str, tuple]] = []
        for t in v.team_tracks:
            value = t.values.get(me.id, 0.0)
            others = " · ".join(f"{self._team_name(team)} {number(val, t.decimals)}" for team, val in t.values.items()
                                if team != me.id)
            assigned = (num(me.assigned.get(t.id, 0.0)),) if v.commands else ()
            rows.append((t.id, (clip(t.name, 34), number(value, t.decimals), clip(t.bands.get(me.id, ""), 28),
                                   *assigned, "(private)" if t.private else others)))
        self._fill("tm-team-tracks", rows)
        # a track the team only estimates shows the estimate's band and source, never a value
        rows = [(t.id, (clip(t.name, 34), clip(t.estimate, 44) if t.estimate else number(t.value, t.decimals),
                           clip(("about: " if t.estimate else "") + t.band, 44), f"{num(t.min)}-{num(t.max)}"))
                for t in v.tracks]
        self._fill("tm-world-tracks", rows)

    def action_assign(self) -> None:
        self.post_message(self.AssignCapability(self._selected("tm-team-tracks")))
