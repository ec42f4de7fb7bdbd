"""The facilitator's notes and observations (tags, inject, P/S/M/U rating of an objective)."""

from __future__ import annotations

from textual import events, work
from textual.binding import Binding
from textual.widgets import DataTable

from exercise.engine import commands as cm
from exercise.engine.view_types import FacilitatorView
from exercise.model import RATINGS
from exercise.tui.base import console
from exercise.tui.facilitator.panel import Panel, short
from exercise.tui.modals import Field, FormModal
from exercise.tui.tables import sync_rows
from exercise.tui.text import cells, fit, note_widths


class NotesPanel(Panel, DataTable):
    """The Notes tab: one row per note; writing one."""

    TAB = "notes"
    PANEL_ID = "note-table"
    HELP_HEADING = "Notes"
    KEYS = [
        Binding("m", "note", "Note",
                tooltip="add a note or observation (tags, inject, P/S/M/U rating of an objective)"),
    ]

    def __init__(self, session):
        super().__init__(id=self.PANEL_ID, cursor_type="row")
        self.session = session
        self._shown_for = 0  # the terminal's width the cells were cut for

    def show(self, view: FacilitatorView) -> None:
        super().show(view)
        if not self.columns:
            self.add_columns("Turn", "Team", "Note", "Objective", "Rating", "By")
        self._shown_for = self.app.size.width
        names = {t.id: t.name for t in view.teams}
        objectives = {o.id: o.name for o in self.session.scenario.all_objectives()}
        rows = []
        teams = [short(names.get(n.team, n.team)) if n.team else "all teams" for n in view.notes]
        # whole words, and narrow enough that "By" stays whole on the screen (80 columns too)
        note_w, obj_w, by_w = note_widths(self.app.size.width, max(map(len, teams), default=4),
                                          max((len(n.author or "facilitator") for n in view.notes), default=2), 40, 26)
        for i, (n, team) in enumerate(zip(view.notes, teams)):  # only ever added: the n-th stays the n-th
            obj = objectives.get(n.objective, n.objective) if n.objective else ""
            rows.append((str(i), cells(n.turn, team, fit(n.text, note_w), fit(obj, obj_w), n.rating or "",
                                       fit(n.author or "facilitator", by_w))))
        sync_rows(self, rows)

    def on_resize(self, event: events.Resize) -> None:
        """The terminal was resized (or the tab shown after it was): the cells are cut again
        for the new width, not at the next change of the notes (By went off a narrowed screen,
        and a widened one kept the notes cut short)."""
        if getattr(self, "view", None) is not None and self._shown_for != self.app.size.width:
            self.show(self.view)

    @work
    async def action_note(self) -> None:
        sc = self.session.scenario
        injects = tuple((i.title[:40], i.id) for i in self.view.injects if i.fired)
        teams = tuple((t.name, t.id) for t in self.view.teams)
        form: dict = {}
        problem = ""
        while True:  # a form to fix comes back as it was typed: an observation is never lost
            answer = await self.app.push_screen_wait(FormModal("Note or observation", [
                Field("text", "Observation", "multiline", default=form.get("text")),
                Field("tags", "Tags (comma separated)", required=False, default=form.get("tags")),
                Field("team", "About team", "select", (("All teams", ""), *teams), required=False,
                      default=form.get("team") or ""),
                Field("inject", "About inject", "select", injects, required=False, default=form.get("inject")),
                Field("objective", "Rates objective", "select",
                      tuple((o.name, o.id) for o in sc.all_objectives()), required=False,
                      default=form.get("objective")),
                Field("rating", "Rating", "select", (("P: performed without challenges", "P"),
                      ("S: with some challenges", "S"), ("M: with major challenges", "M"),
                      ("U: unable to be performed", "U")), required=False, default=form.get("rating")),
                Field("author", "Rated by (blank: the facilitator)", required=False, default=form.get("author")),
            ], "Save note", intro=problem))
            if not answer:
                return
            form = answer
            if (form["objective"] is None) == (form["rating"] is None):
                break
            problem = "A rating needs both an objective and a rating (P/S/M/U): choose both, or neither."
        tags = tuple(t.strip() for t in (form["tags"] or "").split(",") if t.strip())
        assert form["rating"] in (None, *RATINGS)
        console(self).run_command(cm.AddNote(form["text"], tags, form["inject"], form["objective"], form["rating"],
                                                  team=form["team"], author=form["author"] or ""))
