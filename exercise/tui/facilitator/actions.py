"""The actions teams argued, and their adjudication (likelihood, roll, rationale)."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from exercise import engine
from exercise.engine import commands as cm
from exercise.engine.decision import roll_words
from exercise.engine.view_types import FacilitatorView
from exercise.model import LIKELIHOODS
from exercise.tui.base import Detail, console
from exercise.tui.facilitator.panel import Panel
from exercise.tui.facilitator.wording import action_lines, adjudication_intro, seen_by
from exercise.tui.modals import Field, FormModal, lead_answer_fields
from exercise.tui.names import wrapped
from exercise.tui.tables import selected_key, sync_rows
from exercise.tui.text import cells, fit
from exercise.words import short


class ActionsPanel(Panel, Vertical):
    """The Actions tab: every argued action, the ones waiting, and adjudicating one."""

    TAB = "actions"
    PANEL_ID = "actions-panel"
    HELP_HEADING = "Argued actions"
    KEYS = [
        Binding("j", "adjudicate", "Adjudicate", show=False,
                tooltip="adjudicate an argued action (likelihood, roll, rationale): "
                        "the one selected in the Actions tab, else the first waiting"),
        Binding("g", "decide_lead", "Lead request", show=False,
                tooltip="approve or refuse (with a reason) a team's request to lead a {command}: the one "
                        "selected in the Actions tab's lead requests, else the first waiting"),
    ]

    def __init__(self, session):
        super().__init__(id=self.PANEL_ID)
        self.session = session

    def compose(self) -> ComposeResult:
        yield DataTable(id="action-table", cursor_type="row")
        yield Detail("", id="action-detail")
        yield DataTable(id="lead-table", cursor_type="row")
        yield Static("", id="lead-detail")

    def _requests(self, view: FacilitatorView) -> list:
        """(command name, request view) of every lead request, the waiting ones first."""
        out = [(c.name, q) for c in view.commands for q in c.requests]
        return sorted(out, key=lambda cq: cq[1].status != "pending")

    def show(self, view: FacilitatorView) -> None:
        super().show(view)
        table = self.query_one("#action-table", DataTable)
        if not table.columns:
            table.add_columns("Team", "Turn", "Action", "Seen by", "Odds", "Result")
        names = {t.id: wrapped(short(t.name), 20) for t in view.teams}  # a long name over lines, never cut
        rows = []
        for a in view.actions:
            odds = f"{a.likelihood}%" if a.likelihood is not None else "-"
            result = "-" if a.success is None else ("success" if a.success else "failure")
            rows.append((a.id, cells(names.get(a.team, a.team), a.turn, fit(a.action, 36), seen_by(a), odds, result)))
        sync_rows(table, rows, height=None)
        self._action_detail()
        requests = self._requests(view)
        leads = self.query_one("#lead-table", DataTable)
        leads.display = bool(requests)  # scenarios whose leads need no approval never show it
        self.query_one("#lead-detail", Static).display = bool(requests)
        if not requests:
            return
        if not leads.columns:
            leads.add_columns("Team", "Asks that", "Lead", "Turn", "Answer")
        lead_rows = []
        for command, q in requests:
            answer = {"pending": "waiting for " + " and ".join(q.waiting_for),
                      "approved": f"approved by {q.by}",
                      "refused": f"refused by {q.by}: {q.reason}"}.get(q.status, q.status)
            lead_rows.append((q.id, cells(names.get(q.team, q.team), q.ally_name, fit(command, 32), q.turn,
                                          fit(answer, 44))))
        sync_rows(leads, lead_rows)
        waiting = [q for _, q in requests if q.status == "pending"]
        self.query_one("#lead-detail", Static).update(Text(
            f"{len(waiting)} lead request(s) waiting: select one and press g to approve or refuse it" if waiting
            else "No lead request waits for an answer."))

    @on(DataTable.RowHighlighted, "#action-table")
    def _action_detail(self) -> None:
        """The count waiting, then the selected action in full: who sees it, every
        counter-argument (who, turn, why) and its adjudication."""
        view = getattr(self, "view", None)
        if view is None:
            return
        pending = [a for a in view.actions if a.likelihood is None]
        out = Text(f"{len(pending)} action(s) waiting for adjudication: select one and press j" if pending
                   else "No argued action waits for adjudication.")
        aid = selected_key(self.query_one("#action-table", DataTable))
        a = next((x for x in view.actions if x.id == aid), None)
        if a is not None:
            team = next((t.name for t in view.teams if t.id == a.team), a.team)
            out.append("\n" + "\n".join(action_lines(team, a)))
        self.query_one("#action-detail", Static).update(out)

    @work
    async def action_decide_lead(self) -> None:
        waiting = [(c, q) for c, q in self._requests(self.view) if q.status == "pending"]
        if not waiting:
            self.notify("No lead request waits for an answer.")
            return
        rid = selected_key(self.query_one("#lead-table", DataTable)) if self.on_its_tab() else None
        command, q = next(((c, x) for c, x in waiting if x.id == rid), waiting[0])
        com = next((c for c in self.view.commands if c.name == command), None)
        rules = com.lead_rules if com else ""
        overrides = ""
        if com is not None and com.approval == "members":  # the facilitator may decide for the teams: say so
            still = f" ({', '.join(q.waiting_for)} still to answer)" if q.waiting_for else ""
            overrides = (f"\nIts member teams vote on it{still}: your answer decides it for them, "
                         "overriding their vote, and the log says so.")
        intro = (f"{q.team_name} asks (turn {q.turn}) that {q.ally_name} lead {command}."
                 + (f"\n{rules}" if rules else "") + overrides
                 + "\nApproving gives the lead now, with its effects and cost.")
        form = await self.app.push_screen_wait(FormModal(
            f"Lead request: {fit(command, 40)}", lead_answer_fields("Answer", "Reason", "the team"), "Answer",
            intro=intro))
        if not form:
            return
        yes = form["approve"] == "yes"
        if console(self).run_command(cm.DecideLead(q.id, yes, form["reason"] or "")):
            self.notify(f"{q.ally_name} {'leads' if yes else 'does not lead'} {command}",
                        title="Lead request approved" if yes else "Lead request refused", markup=False)

    @work
    async def action_adjudicate(self) -> None:
        pending = [a for a in self.view.actions if a.likelihood is None]
        if not pending:
            self.notify("No argued action waits for adjudication.")
            return
        aid = selected_key(self.query_one("#action-table", DataTable)) if self.on_its_tab() else None
        action = next((a for a in pending if a.id == aid), pending[0])
        sc = self.session.scenario
        team = next((t.name for t in self.view.teams if t.id == action.team), action.team)
        intro = adjudication_intro(team, action, sc.adversary is not None)
        form = await self.app.push_screen_wait(FormModal(f"Adjudicate: {fit(action.action, 50)}", [
            Field("likelihood", "Likelihood", "select", tuple((f"{p} %", p) for p in LIKELIHOODS), default=50),
            Field("rationale", "Rationale (required)", "text"),
            Field("track", "On success: track", "select", tuple((t.name, t.id) for t in sc.tracks),
                  required=False),
            Field("add", "On success: amount to add", "number", required=False),
        ], "Roll", intro=intro))
        if not form:
            return
        effects: tuple[dict, ...] = ()
        if form["track"] and form["add"] is not None:
            track = next(t for t in sc.tracks if t.id == form["track"])
            effect = {"track": track.id, "add": form["add"]}
            if track.scope == "team":
                effect["team"] = action.team
            effects = (effect,)
        if console(self).run_command(cm.Adjudicate(action.id, form["likelihood"], form["rationale"], effects)):
            done = next(a for a in engine.facilitator_view(self.session.state).actions if a.id == action.id)
            verdict = "SUCCESS" if done.success else "FAILURE"
            self.notify(f"{roll_words(done.roll or 0.0, done.likelihood or 0).capitalize()}: {verdict}",
                        title=fit(action.action, 50), timeout=10, markup=False)
