"""The world tracks (value, band, trend over the turns); overriding a value."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from exercise.debrief.plot import sparkline
from exercise.engine import commands as cm
from exercise.engine.decision import number
from exercise.engine.view_types import FacilitatorView, TrackView
from exercise.history import track_series
from exercise.tui.base import console
from exercise.tui.facilitator.panel import Panel, team_options
from exercise.tui.facilitator.wording import override_choice
from exercise.tui.modals import Field, FormModal
from exercise.tui.text import plain

SPARK_WIDTH = 14  # cells, as .track-spark in app.tcss


class TrackRow(Horizontal):
    """A world track: name, value and band, and its trend over the turns."""

    def __init__(self, track_id: str, **kw):
        super().__init__(classes="track-row", **kw)
        self.track_id = track_id

    def compose(self) -> ComposeResult:
        yield Static("", classes="track-label")
        # bars drawn on the track's own scale (Textual's Sparkline scales to the data, so
        # 5 -> 5.5 would look like floor to top)
        yield Static("", classes="track-spark")

    def show(self, track: TrackView, series: list[float]) -> None:
        band = f" · {track.band}" if track.band else ""  # a band may start with its rung ("2 Deniable…")
        self.query_one(".track-label", Static).update(
            Text.assemble((f"{plain(track.name):<20.20}", "bold"), f" {number(track.value, track.decimals):>5}", (band, "italic")))
        bars = sparkline(list(series), track.min, track.max)
        wide = "".join(b * max(1, SPARK_WIDTH // max(len(bars), 1)) for b in bars)[-SPARK_WIDTH:]
        self.query_one(".track-spark", Static).update(Text(wide, style="green"))


class WorldPanel(Panel, Vertical):
    """The World box of the Overview; the override of any value (tracks and money)."""

    TAB = "overview"
    PANEL_ID = "world-box"
    HELP_HEADING = "Values"
    KEYS = [Binding("o", "override", "Override", tooltip="override a value, with a rationale")]

    def __init__(self, session):
        super().__init__(id=self.PANEL_ID)
        self.session = session

    def compose(self) -> ComposeResult:
        yield Static("World", classes="section-title")
        for t in self.session.scenario.tracks:
            if t.scope == "world":
                yield TrackRow(t.id, id=f"track-{t.id}")

    def show(self, view: FacilitatorView) -> None:
        super().show(view)
        series = track_series(self.session.scenario, self.session.records)
        for track in view.tracks:
            row = self.query(f"#track-{track.id}")
            if row:
                row.first(TrackRow).show(track, series.get((track.id, None), [track.value]))

    @work
    async def action_override(self) -> None:
        sc, st = self.session.scenario, self.session.state
        names = {t.id: t.name for t in sc.teams}

        def now(t) -> str:  # what it is now, so the new value is chosen knowing the old one
            if t.scope == "world":
                return override_choice(t.name, "world", {"": st.tracks[t.id]})
            return override_choice(t.name, "team", {names[team]: st.team_tracks[(team, t.id)] for team in names})

        fields = [
            Field("what", "Value to change", "select",
                  tuple((now(t), t.id) for t in sc.tracks)
                  + ((override_choice("Money of a team", sc.words.procurement, {names[team]: st.cash[team] for team in names},
                                      sc.budget.unit), "@money"),)),
            Field("team", "Team (for a team track or money)", "select", team_options(sc, False), required=False),
            Field("value", "New value", "number"),
            Field("rationale", "Rationale (recorded for the debrief)", "text"),
        ]
        form = await self.app.push_screen_wait(FormModal("Override a value", fields, "Override"))
        if not form:
            return
        if form["what"] == "@money":
            command = cm.Override("money", form["value"], form["rationale"], team=form["team"])
        else:
            track = next(t for t in sc.tracks if t.id == form["what"])
            if track.scope == "team":
                command = cm.Override("team_track", form["value"], form["rationale"], track=track.id, team=form["team"])
            else:
                command = cm.Override("track", form["value"], form["rationale"], track=track.id)
        console(self).run_command(command)
