"""The event log: every event of the exercise, narrated, newest last."""

from __future__ import annotations

from textual.widgets import RichLog

from exercise.engine.view_types import FacilitatorView
from exercise.narrate import Narrator
from exercise.tui.facilitator.panel import Panel
from exercise.tui.text import text

LOG_LINES = 20_000


class LogPanel(Panel, RichLog):
    """The Log tab: appends the events of the commands it has not shown yet."""

    TAB = "log"
    PANEL_ID = "event-log"

    def __init__(self, session):
        super().__init__(id=self.PANEL_ID, max_lines=LOG_LINES, wrap=True, markup=False)
        self.session = session
        self.narrator = Narrator(session.scenario)
        self._logged = 0

    def show(self, view: FacilitatorView) -> None:
        super().show(view)
        records = self.session.records
        for r in records[self._logged:]:
            for e in r["events"]:
                line = self.narrator.line(e)
                if line:  # signed by a controller's, an evaluator's, the red seat's
                    self.write(text(r.sign(line)))  # the narrator quotes teams and packs: Text, never markup
        self._logged = len(records)
