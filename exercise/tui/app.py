"""The Textual application: one factory used by the CLI and the tests.

    make_app(session=...)            the facilitator console of an open exercise
    make_app(opener=..., opening=...)   the same, opened after the first frame (resume)
    make_app(saves_root=..., scenario=...)   the start screen (pick a scenario or a save)

Starting fast: this module imports Textual and nothing heavy. The engine, the save and
the dialogs are imported when they are needed; with `opener`, the first frame is a
loading screen and the save is opened (engine imported, journal replayed) in a thread
right after it, so something is on screen in about the time of a bare Textual app.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

from textual import work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import LoadingIndicator, Static

from exercise.tui.base import BaseApp
from exercise.tui.text import markup_safe, md, plain, text


class LoadingScreen(Screen):
    """Shown while a save opens: says so, and holds no data (nothing stale or partial)."""

    BINDINGS = [Binding("ctrl+q", "app.quit", "Quit", priority=True)]

    def __init__(self, opening: str):
        super().__init__()
        self.opening = opening

    def compose(self) -> ComposeResult:
        yield Static(text(f"{self.opening} · opening…"), id="status")
        with Middle(id="loading-body"):
            with Center():
                yield Static(text(f"Opening {self.opening}: loading the engine and replaying the journal…"),
                             id="loading-text")
            yield LoadingIndicator(id="loading-indicator")


class ExerciseApp(BaseApp):
    TITLE = "exercise"
    BINDINGS = [
        Binding("question_mark", "help", "Help", key_display="?", tooltip="this help"),
        Binding("ctrl+q", "quit", "Quit", priority=True,
                tooltip="quit: everything is already saved; exercise resume continues"),
    ]

    def __init__(self, session=None, saves_root: Path | None = None, scenario: str | None = None,
                 clock=time.monotonic, server=None, opener: Callable[[], object] | None = None,
                 opening: str = "the exercise"):
        super().__init__()
        self.session = session
        self.opener = opener  # opens the Session after the first frame (see LoadingScreen)
        self.opening = opening
        self.open_error: str | None = None  # why the opener failed; the app has exited
        self.server = server  # `exercise serve`: team consoles over the network
        self.saves_root = saves_root
        self.scenario_name = scenario
        self.clock = clock
        self.timer_deadline: float | None = None
        self._timer_warned = False

    async def on_mount(self) -> None:
        if self.server is not None:  # on this app's loop: the console and the network share the Session
            self.server.log = lambda msg: self.log.info(msg)
            self.server.connection_listeners.add(self._connections_changed)
            await self.server.start()
        if self.session is not None:
            self.open_session(self.session)
        elif self.opener is not None:
            self.push_screen(LoadingScreen(self.opening))
            self.call_after_refresh(self._open_in_background)
        else:
            from exercise.tui.start import StartScreen

            self.push_screen(StartScreen(self.saves_root, self.scenario_name))

    def open_session(self, session) -> None:
        from exercise.tui.facilitator import FacilitatorScreen

        self.session = session
        self.sub_title = plain(session.meta.title)
        session.listeners.add(self._session_changed)
        self._connections_changed()
        self.push_screen(FacilitatorScreen(session))
        for notice in session.notices:
            self.notify(notice, title="Resumed", timeout=10, markup=False)

    @work(thread=True, exclusive=True, group="open")
    def _open_in_background(self) -> None:
        """Open the save (engine, scenario copy, journal replay) off the event loop."""
        from exercise.journal.saves import SaveError

        assert self.opener is not None  # only started when there is one (on_mount)
        try:
            session = self.opener()
        except SaveError as e:
            self.call_from_thread(self._open_failed, str(e))
            return
        import exercise.tui.facilitator  # noqa: F401 - its widgets too, before the loop needs them

        self.call_from_thread(self._opened, session)

    def _opened(self, session) -> None:
        if isinstance(self.screen, LoadingScreen):
            self.pop_screen()
        self.open_session(session)

    def _open_failed(self, reason: str) -> None:
        self.open_error = reason
        self.exit(return_code=1)

    # -- the one way a console acts -------------------------------------------------------
    def run_command(self, command) -> bool:
        """Through the engine and the journal; a refusal becomes a notification."""
        from exercise import engine
        from exercise.journal.log import JournalError

        known = len(self.session.problems)
        try:
            self.session.execute(command)
        except engine.Rejected as e:
            self.notify(str(e), title="Not done", severity="error", timeout=8, markup=False)
            return False
        except JournalError as e:
            self.notify(str(e), title="Not saved", severity="error", timeout=20, markup=False)
            return False
        for problem in self.session.problems[known:]:  # saved, but something after it failed
            self.notify(problem, title="Saved, with a problem", severity="warning", timeout=15, markup=False)
        return True

    # -- hot-seat -------------------------------------------------------------------------
    def action_pick_team(self) -> None:
        if self.session is None:
            return
        from exercise.tui.modals import Field, FormModal

        teams = self.session.scenario.teams

        def chosen(form):
            if form:
                self.show_team(form["team"])

        self.push_screen(FormModal("Switch to a team's screen", [
            Field("team", "Team", "select", tuple((t.name, t.id) for t in teams), default=teams[0].id)],
            "Open"), chosen)

    def show_team(self, team: str) -> None:
        from exercise.ports import LocalTeamPort
        from exercise.tui.team import TeamScreen

        self.clear_notifications()  # hot-seat: what the last seat was told is not this team's to read
        self.push_screen(TeamScreen(LocalTeamPort(self.session, team), hot_seat=True))

    def extra_commands(self) -> Iterable[SystemCommand]:
        if self.session is not None:
            for t in self.session.scenario.teams:
                # the palette parses titles as markup: the pack's team name is escaped
                yield SystemCommand(f"Team screen: {markup_safe(t.name)}",
                                    f"Hot-seat: show only what {markup_safe(t.name)} may see",
                                    lambda team=t.id: self.show_team(team))

    def default_help(self) -> tuple[str, str]:
        """The start and loading screens show the console's help (what is coming)."""
        from exercise.tui.facilitator import FacilitatorScreen

        return FacilitatorScreen.HELP_TITLE, FacilitatorScreen.help_markdown(self)

    async def on_unmount(self) -> None:
        if self.server is not None:
            self.server.connection_listeners.remove(self._connections_changed)
            await self.server.stop()

    # -- served over the network ------------------------------------------------------------
    def _connections_changed(self) -> None:
        self.connections = self.connections_text()

    def connections_text(self) -> str:
        """For the status bar: how many team terminals are connected."""
        if self.server is None or self.session is None:
            return ""
        counts = self.server.connected()
        teams = sum(1 for t in self.session.scenario.teams if counts.get(t.id))
        return f"{teams}/{len(self.session.scenario.teams)} teams online"

    def action_connections(self) -> None:
        if self.server is None:
            self.notify("This exercise is not served on the network: start it with `exercise serve` "
                        "for team terminals.", title="Not served", timeout=8)
            return

        from exercise.tui.modals import TextModal

        counts = self.server.connected()
        rows = ["| team | id | terminals |", "|---|---|---|"]
        rows += [f"| {md(t.name)} | {md(t.id)} | {counts.get(t.id, 0)} |" for t in self.session.scenario.teams]
        joins = "\n".join(f"exercise join {self.server.url} --team {t.id} --token {self.server.tokens.teams[t.id]}"
                          for t in self.session.scenario.teams)
        self.push_screen(TextModal("Team terminals", f"Served on **{self.server.url}**.\n\n" + "\n".join(rows)
                                   + "\n\nEach team runs its line (the tokens are also in `tokens.json` in the "
                                   f"save folder, {md(self.session.folder)}):\n\n```\n" + joins + "\n```",
                                   wide=True))

    # -- the turn timer (shown to every console; expiry is a notice, never an advance) --------
    def set_timer_minutes(self, minutes: float) -> None:
        self.timer_deadline = None if not minutes else self.clock() + minutes * 60
        self._timer_warned = False
        if self.server is not None:
            self.server.set_timer(minutes * 60 if minutes else None)
        self.tick()

    def _session_changed(self, session, command, events) -> None:
        if self.timer_deadline is None:
            return
        if session.state.status == "ended":
            self.set_timer_minutes(0)  # no turn left to time (and the teams are told)
        elif self._timer_warned and any(e.kind in ("phase_changed", "turn_started") for e in events):
            self.set_timer_minutes(0)  # "time is up" was for the phase just left, not this one

    def timer_left(self) -> float | None:
        return None if self.timer_deadline is None else self.timer_deadline - self.clock()

    def tick(self) -> None:
        super().tick()
        if self.timer_expired():
            self.notify("The turn timer has run out. Advance when the room is ready.", title="Time",
                        severity="warning", timeout=8)

    def timer_expired(self) -> bool:
        """True once, when the timer runs out."""
        if self.timer_deadline is None or self._timer_warned or self.clock() < self.timer_deadline:
            return False
        self._timer_warned = True
        return True


def make_app(session=None, saves_root: Path | None = None, scenario: str | None = None, clock=time.monotonic,
             server=None, opener: Callable[[], object] | None = None, opening: str = "the exercise"):
    return ExerciseApp(session=session, saves_root=saves_root, scenario=scenario, clock=clock, server=server,
                       opener=opener, opening=opening)
