"""The wall: a read-only public display for a projector (the `wall` seat).

It shows what the whole room may see (exercise.engine.seats.wall_view): the exercise, the
turn and its phase (paused, ended), the turn timer when one runs, the world's public tracks
as bars with their exact values, scales and bands (a track the teams only estimate is named,
its value not shown), the public team tracks for every team, the injects fired to every team
(newest first) and, once judged, the outcome. Over the network, a lost server is
said across the wall in large words (reconnecting…), until it is back. It sends nothing: its
only keys are help and quit (and escape back to the facilitator's console when opened there).

The texts are built here from the view and the space the widget has, so the wall fills an
80x24 terminal, a 120x40 one and a projector's 200x60 alike.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Digits, Static

from exercise.engine.decision import number
from exercise.engine.view_types import TeamTrackView, WallTrack, WallView
from exercise.tui.base import timer_label
from exercise.tui.footer import FitFooter
from exercise.tui.seat.base import SeatScreen
from exercise.tui.text import fit, reflow
from exercise.words import short

EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(value: float, low: float, high: float, width: int) -> Text:
    """`value` on the scale low..high as a bar `width` cells long, to an eighth of a cell; the
    rest of the scale shown faintly."""
    if width <= 0:
        return Text()
    share = 0.0 if high <= low else min(1.0, max(0.0, (value - low) / (high - low)))
    eighths = round(share * width * 8)
    full, part = divmod(eighths, 8)
    filled = "█" * full + (EIGHTHS[part] if part and full < width else "")
    out = Text(filled, style="cyan")
    out.append("░" * (width - cell_len(filled)), style="dim")
    return out


def scale(low: float, high: float) -> str:
    return f"{number(low, 6)}–{number(high, 6)}"


def world_text(tracks: tuple[WallTrack, ...], width: int) -> Text:
    """One line a track: name, bar, value of its scale, band (values and bands in columns);
    two lines a track when narrow."""
    out = Text()
    if not tracks:
        return Text("No world track in this scenario.", style="italic")
    name_w = min(max(cell_len(t.name) for t in tracks), max(10, width // 3))
    values = {t.id: f"{number(t.value, t.decimals)} of {scale(t.min, t.max)}" for t in tracks if t.value is not None}
    value_w = max((cell_len(x) for x in values.values()), default=0)
    band_w = min(max((cell_len(t.band) for t in tracks), default=0), max(8, width // 5))
    one_line = width >= 60
    bar_w = max(8, width - name_w - value_w - band_w - 6) if one_line else width
    for i, t in enumerate(tracks):
        if i:
            out.append("\n")
        name = fit(t.name, name_w).ljust(name_w) if one_line else t.name
        out.append(name, style="bold")
        if t.value is None:
            out.append("  " if one_line else "\n")
            out.append("estimated by the teams: its value is not shown", style="italic")
            continue
        if one_line:
            out.append("  ")
            out.append_text(bar(t.value, t.min, t.max, bar_w))
            out.append("  " + values[t.id].rjust(value_w), style="bold")
            if t.band:
                out.append("  " + fit(t.band, band_w))
        else:
            out.append("  " + values[t.id], style="bold")
            if t.band:
                out.append("  " + t.band)
            out.append("\n")
            out.append_text(bar(t.value, t.min, t.max, width))
    return out


def teams_text(tracks: tuple[TeamTrackView, ...], teams: list[tuple[str, str]], width: int) -> Text:
    """A grid: a row a public team track, a column a team; each cell the exact value, a small
    bar on the track's scale and, where it fits whole, its band. `teams`: (id, name) in the
    scenario's order."""
    if not tracks:
        return Text("No public team track in this scenario.", style="italic")
    if not teams:
        return Text()
    name_w = min(max(cell_len(t.name) for t in tracks), max(12, width // 4))
    col_w = max(6, (width - name_w) // len(teams) - 1)
    out = Text()
    out.append(" " * name_w)
    for _tid, tname in teams:
        out.append(" " + fit(short(tname), col_w).ljust(col_w), style="bold")
    value_w = max((cell_len(number(x, t.decimals)) for t in tracks for x in t.values.values()), default=1)
    bar_w = min(10, col_w - value_w - 1)
    for t in tracks:
        out.append("\n")
        out.append(fit(t.name, name_w).ljust(name_w))
        for tid, _tname in teams:
            out.append(" ")
            if tid not in t.values:
                out.append("–".ljust(col_w))
                continue
            cell = Text(number(t.values[tid], t.decimals).rjust(value_w), style="bold")
            if bar_w >= 3:
                cell.append(" ")
                cell.append_text(bar(t.values[tid], t.min, t.max, bar_w))
            band = t.bands.get(tid, "")
            if band and cell.cell_len + 1 + cell_len(band) <= col_w:
                cell.append(" " + band)
            cell.pad_right(col_w - cell.cell_len)
            out.append_text(cell)
    return out


def injects_text(view: WallView, gap: bool = False) -> Text:
    """The injects fired to every team, newest first: turn, title, from, synopsis (`gap`: a
    blank line between them, when the screen is tall)."""
    if not view.injects:
        return Text("No inject has been fired to every team yet.", style="italic")
    out = Text()
    for i, inj in enumerate(view.injects):
        if i:
            out.append("\n\n" if gap else "\n")
        style = {"critical": "bold red", "high": "bold yellow"}.get(inj.severity, "bold")
        out.append(f"Turn {inj.turn} · ", style="dim")
        out.append(inj.title, style=style)
        if inj.severity in ("critical", "high"):
            out.append(f" ({inj.severity})", style=style)
        out.append(f"\nfrom {inj.sender}", style="italic")
        if inj.synopsis:
            out.append(f"\n{reflow(inj.synopsis)}")
    return out


def where_text(view: WallView) -> str:
    if view.status == "ready":
        return "Not started yet"
    if view.status == "ended":
        return "The exercise has ended"
    label = f" · {view.turn_label}" if view.turn_label else ""
    return f"Turn {view.turn} of {view.turns}{label}"


def offline_text(status: str) -> str:
    """'reconnecting… (attempt 3)' -> what the wall says while the server does not answer."""
    return (f"NO CONNECTION to the facilitator's machine · {status}\n"
            "The picture below is the last one received: it is not updated until the connection is back.")


class Drawn(Widget):
    """A text drawn for the width it gets (bars and columns fill it): `draw(width) -> Text`."""

    DEFAULT_CSS = "Drawn { height: auto; }"

    def __init__(self, draw, **kwargs):
        super().__init__(**kwargs)
        self.draw = draw

    def render(self) -> Text:
        return self.draw(max(20, self.content_size.width))

    def update(self, draw) -> None:
        self.draw = draw
        self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self.draw(max(20, width)).wrap(self.app.console, max(20, width)))


class WallScreen(SeatScreen):
    """The room's wall: turn, clock, public tracks, the injects fired to all, the outcome."""

    CSS_PATH = "seat.tcss"
    HELP_TITLE = "Help: the wall"
    HELP_INTRO = """\
**The wall** is the room's public display (a projector): the turn and its phase, the turn
timer when the facilitator runs one, the world's tracks and every team's public tracks, and
the injects fired to every team, newest first. It shows only what the whole room may see:
no team's private data, no facilitator notes, nothing of an adversary's plans. A track the
teams only estimate is named, its value kept off the wall. It follows the exercise by
itself; nothing here can change it.
"""

    def compose(self) -> ComposeResult:
        with Horizontal(id="wall-header"):
            yield Digits("", id="wall-turn")
            with Vertical(id="wall-titles"):
                yield Static("", id="wall-title")
                yield Static("", id="wall-where")
                yield Static("", id="wall-phase")
            yield Digits("", id="wall-timer")
            yield Static("", id="wall-time-up")
        yield Static("", id="wall-offline")  # the server lost: said in large, plain words
        with VerticalScroll(id="wall-body"):
            yield Static("", id="wall-outcome")
            yield Static("The world", classes="wall-section")
            yield Drawn(lambda w: Text(), id="wall-world")
            yield Static("The teams", classes="wall-section", id="wall-teams-title")
            yield Drawn(lambda w: Text(), id="wall-teams")
            yield Static("Injects to every team, newest first", classes="wall-section")
            yield Static("", id="wall-injects")
        yield FitFooter()

    def render_view(self) -> None:
        v: WallView | None = self.view
        if v is None:
            return
        self.query_one("#wall-turn", Digits).update(str(v.turn) if v.status == "running" else "")
        self.query_one("#wall-turn", Digits).display = v.status == "running"
        self.query_one("#wall-title", Static).update(Text(v.title, style="bold"))
        self.query_one("#wall-where", Static).update(Text(where_text(v)))
        phase = Text()
        if v.status == "running":
            phase.append(v.phase_name, style="bold")
        if v.paused:
            phase.append(" · PAUSED" if phase else "PAUSED", style="bold reverse")
        self.query_one("#wall-phase", Static).update(phase)
        self.set_class(v.paused, "-paused")
        self.set_class(v.status == "ended", "-ended")
        self._show_timer(v)
        self._show_connection()

        outcome = self.query_one("#wall-outcome", Static)
        outcome.display = v.outcome is not None
        if v.outcome is not None:
            text = Text()
            text.append(f"Outcome: {v.outcome.name}", style="bold")
            text.append(f" (judged in turn {v.outcome.turn})")
            if v.outcome.text:
                text.append(f"\n{reflow(v.outcome.text)}")
            outcome.update(text)

        tracks = v.tracks
        self.query_one("#wall-world", Drawn).update(lambda w: world_text(tracks, w))
        teams = [(t.id, t.name) for t in v.teams]
        team_tracks = v.team_tracks
        self.query_one("#wall-teams", Drawn).update(lambda w: teams_text(team_tracks, teams, w))
        self.query_one("#wall-injects", Static).update(injects_text(v, gap=self.size.height >= 32))

    def on_resize(self) -> None:
        if self.view is not None:
            self.render_view()

    def _show_connection(self) -> None:
        """Over the network, with the server lost: a banner across the wall (a projector's room
        reads it from the back) saying so, and that the picture is the last one; gone once back."""
        status = self.connection()
        offline = self.query_one("#wall-offline", Static)
        offline.display = status not in ("local", "connected")
        if offline.display:
            offline.update(Text(offline_text(status), style="bold"))

    def _show_timer(self, v: WallView) -> None:
        left = self.timer_left() if v.status == "running" else None
        digits = self.query_one("#wall-timer", Digits)
        up = self.query_one("#wall-time-up", Static)
        digits.display = left is not None and left > 0
        up.display = left is not None and left <= 0
        if left is not None and left > 0:
            digits.update(f"{int(left) // 60:02d}:{int(left) % 60:02d}")
        elif left is not None:
            up.update(Text(timer_label(left), style="bold"))
