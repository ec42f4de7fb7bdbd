"""The teams at a glance (money, submitted, drafts, decisions, staff) and their capabilities (in the
scenario's words)."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from exercise.engine import commands as cm
from exercise.engine.decision import number
from exercise.engine.view import ledger_turns
from exercise.engine.view_types import FacilitatorView
from exercise.journal.turnlog import ledger_markdown
from exercise.tui.base import console
from exercise.tui.facilitator.panel import Panel, money
from exercise.tui.modals import ConfirmModal, TextModal
from exercise.tui.names import lines_in, wrapped
from exercise.tui.tables import selected_key, sync_rows
from exercise.tui.text import cells, md, text
from exercise.words import short

TEAM_WIDTH = 20  # a team's name wider than this is wrapped over lines


class TeamsPanel(Panel, Vertical):
    """The Teams table of the Overview; reopens a team's turn."""

    TAB = "overview"
    PANEL_ID = "teams-box"
    HELP_HEADING = "Overview: teams"
    KEYS = [
        Binding("u", "reopen", "Reopen team", show=False,
                tooltip="reopen the selected team's turn (a submit by mistake): its orders of this turn become drafts"),
        Binding("l", "ledger", "Ledger", show=False,
                tooltip="the selected team's ledger: every change of its money and {capabilities}, turn by turn, "
                        "and why (with your rationales)"),
    ]

    def __init__(self, session):
        super().__init__(id=self.PANEL_ID)
        self.session = session

    def compose(self) -> ComposeResult:
        yield Static("Teams", classes="section-title")
        yield DataTable(id="teams", cursor_type="row", zebra_stripes=True)

    def show(self, view: FacilitatorView) -> None:
        super().show(view)
        table = self.query_one("#teams", DataTable)
        leads = bool(view.commands)  # staff (for leads) only where the scenario has commands to lead
        if not table.columns:
            # the unit and the staff's word come from the pack; over two lines, so the staff's
            # column ("0 of 6 in use") stays beside the World panel at 120 columns
            heads = ("Team", wrapped(f"Money {self.session.scenario.budget.unit}", 6), "Submitted", "Drafts",
                     "Decisions", *((wrapped(self.session.scenario.words.cap("staff"), 9),) if leads else ()))
            table.header_height = max(lines_in(h) for h in heads)
            table.add_columns(*cells(*heads))
        rows = []
        for t in view.teams:
            me = view.teams_private[t.id]
            drafts = sum(1 for o in me.orders if o.status == "draft")
            done = "submitted" if me.submitted else ("waiting" if view.phase == "deliberation" else "-")
            # a long name over two lines, never cut ("Communications and l")
            rows.append((t.id, cells(wrapped(short(t.name), TEAM_WIDTH), money(me.budget.money), done,
                                     f"{drafts} draft" if drafts else "-",
                                     f"{len(me.pending)} open" if me.pending else "-",
                                     # of the staff a team has, how many its leads tie up ("0 of 6"
                                     # under "Staff" said neither what nor why)
                                     *((f"{me.staff_used} of {me.staff} in use",) if leads else ()))))
        sync_rows(table, rows, height=None)

    def _team_name(self, team: str) -> str:
        return next((t.name for t in self.view.teams if t.id == team), team)

    def action_ledger(self) -> None:
        """The selected team's whole ledger, every cause in full (the facilitator's)."""
        team = selected_key(self.query_one("#teams", DataTable))
        if team is None:
            return
        s = self.session
        turns = ledger_turns(s.state, team, s.ledger(), facilitator=True)
        body = "\n".join(ledger_markdown(tuple(reversed(turns)), esc=lambda x: md(" ".join(str(x).split()))))
        self.app.push_screen(TextModal(f"Ledger of {self._team_name(team)} (newest turn first)",
                                       body or "Nothing has changed yet.", wide=True))

    @work
    async def action_reopen(self) -> None:
        """A team submitted by mistake: let it act again (its new binding orders become drafts)."""
        team = selected_key(self.query_one("#teams", DataTable))
        if team is None:
            return
        me = self.view.teams_private[team]
        if not me.submitted:
            self.notify(f"{short(self._team_name(team))} has not submitted: it can still act. Select a team that "
                        "has (Overview, Teams table) and press u.", title="Nothing to reopen", timeout=8, markup=False)
            return
        binding = [o for o in me.orders if o.placed == self.view.turn and o.status == "ordered"
                   and not o.backlog]
        body = (f"{self._team_name(team)} can act again this turn and must submit again."
                + (f" Its {len(binding)} order(s) of this turn go back to its basket as drafts." if binding else ""))
        if await self.app.push_screen_wait(ConfirmModal(f"Reopen the turn of {short(self._team_name(team))}?",
                                                         body, "Reopen")):
            console(self).run_command(cm.Reopen(team))


class CapabilitiesPanel(Panel, Vertical):
    """Each team's value of each team track, side by side."""

    TAB = "overview"
    PANEL_ID = "caps-box"

    def __init__(self, session):
        super().__init__(id=self.PANEL_ID)
        self.session = session

    def compose(self) -> ComposeResult:
        yield Static(text(f"{self.session.scenario.words.cap('capabilities')} by team"), classes="section-title")
        yield DataTable(id="team-tracks", cursor_type="row")

    def show(self, view: FacilitatorView) -> None:
        super().show(view)
        tt = self.query_one("#team-tracks", DataTable)
        teams = [wrapped(short(t.name), 16) for t in self.session.scenario.teams]
        if not tt.columns:  # a team's long name over two lines of the header, never cut
            tt.header_height = max(lines_in(n) for n in teams)
            tt.add_columns(*cells("Track", *teams))
        # the track's name gives way (wrapped over lines) so every team's column is on the
        # screen: at 80 columns the last one read "Sou"
        room = (self.size.width or self.app.size.width - 2) - 1  # within the box's padding; a scrollbar
        width = max(14, min(34, room - 2 - sum(max(len(x) for x in n.split("\n")) + 2 for n in teams)))
        sync_rows(tt, [(track.id, cells(wrapped(track.name, width),
                                        *[number(track.values[t.id], track.decimals) for t in view.teams]))
                       for track in view.team_tracks], height=None)

    def on_resize(self) -> None:
        if getattr(self, "view", None) is not None:
            self.show(self.view)
