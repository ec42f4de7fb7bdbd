"""The Textual application: one factory used by the CLI and the tests.

    make_app(session=...)            the facilitator console of an open exercise
    make_app(opener=..., opening=...)   the same, opened after the first frame (resume)
    make_app(saves_root=..., scenario=...)   the start screen (pick a scenario or a save)
    make_app(session=..., team=...)  the same console, opened on one team's screen (hot-seat):
                                     a shared terminal handed to that team first; escape
                                     opens the facilitator's console (built only then)

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
from exercise.tui.text import markup_safe, plain, text


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
                tooltip="quit: everything is already saved; exercise resume continues (served: asks "
                        "first, as it stops the server)"),
    ]

    def __init__(self, session=None, saves_root: Path | None = None, scenario: str | None = None,
                 clock=time.monotonic, server=None, opener: Callable[[], object] | None = None,
                 opening: str = "the exercise", team: str | None = None):
        super().__init__()
        self.session = session
        self.first_team = team  # open on this team's screen; the console waits for its escape
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
        if self.first_team is not None:
            self.show_team(self.first_team)  # the console's notices wait for the console (pop_screen)
            return
        self.push_screen(FacilitatorScreen(session))
        self._tell_notices(session)

    def _tell_notices(self, session) -> None:
        for notice in session.notices:
            self.notify(notice, title="Resumed", timeout=10, markup=False)

    def pop_screen(self):
        """Opened on a team's screen (`team`): its escape opens the facilitator's console in
        its place, as the hot-seat's escape goes back to it."""
        if self.first_team is not None and self.session is not None and len(self.screen_stack) == 2:
            from exercise.tui.facilitator import FacilitatorScreen

            self.first_team = None
            waited = self.switch_screen(FacilitatorScreen(self.session))
            self._tell_notices(self.session)
            return waited
        return super().pop_screen()

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

    def action_pick_seat(self) -> None:
        """Hot-seat: open any seat's screen here (a team, the red cell, an evaluator, the wall,
        a controller of the server's); escape comes back to the console."""
        if self.session is None:
            return
        from exercise.tui.facilitator.seats import hot_seats
        from exercise.tui.modals import Field, FormModal

        seats = hot_seats(self.session, self.server)
        by_key = {str(i): seat for i, (_label, seat) in enumerate(seats)}

        def chosen(form):
            if form:
                self.show_seat(by_key[form["seat"]])

        self.push_screen(FormModal("Open a seat's screen on this terminal", [
            Field("seat", "Seat", "select", tuple((label, str(i)) for i, (label, _seat) in enumerate(seats)),
                  default="0")], "Open",
            intro="The screen shows only what that seat may see and sends only what its role may send; "
                  "escape comes back to the facilitator's console."), chosen)

    def show_seat(self, seat) -> None:
        if seat.role == "team":
            self.show_team(seat.team or seat.id)
            return
        from exercise.ports import LocalSeatPort
        from exercise.tui.seat import screen_for

        self.clear_notifications()  # hot-seat: what the last seat was told is not this seat's to read
        self.push_screen(screen_for(LocalSeatPort(self.session, seat)))

    def extra_commands(self) -> Iterable[SystemCommand]:
        if self.session is not None:
            from exercise.engine.seats import Seat, red_seat

            yield SystemCommand("Seat screen: the wall", "Hot-seat: the room's public display",
                                lambda: self.show_seat(Seat("wall", "wall", "Wall display")))
            if self.session.state.rules.adversary is not None:
                yield SystemCommand("Seat screen: the red cell", "Hot-seat: the adversary's own console",
                                    lambda: self.show_seat(red_seat(self.session.state)))
            for t in self.session.scenario.teams:
                # the palette parses titles as markup: the pack's team name is escaped
                yield SystemCommand(f"Team screen: {markup_safe(t.name)}",
                                    f"Hot-seat: show only what {markup_safe(t.name)} may see",
                                    lambda team=t.id: self.show_team(team))

    def default_help(self) -> tuple[str, str]:
        """The start and loading screens show the console's help (what is coming), in words that
        fit any scenario (none is known yet)."""
        from exercise.tui.facilitator import FacilitatorScreen
        from exercise.tui.keyhelp import neutral_slots

        return FacilitatorScreen.HELP_TITLE, FacilitatorScreen.help_markdown(self, slots=neutral_slots())

    async def action_quit(self) -> None:
        """Quit; everything is already saved. Serving the room (`exercise serve`), quitting stops
        the server and every seat goes to "reconnecting…": ask first (escape keeps it running)."""
        if self.server is None:
            self.exit()
            return
        from exercise.tui.modals import ConfirmModal

        if any(isinstance(s, ConfirmModal) and s.id == "confirm-quit" for s in self.screen_stack):
            return  # already asking
        self.push_screen(ConfirmModal("Stop the server?", self.quit_question(), "Quit", id="confirm-quit"),
                         lambda stop: self.exit() if stop else None)

    def quit_question(self) -> str:
        n = sum(self.server.connected().values()) if self.server is not None else 0
        terminals = "1 terminal is" if n == 1 else f"{n} terminals are"
        save = f"`exercise serve --resume {self.session.folder.name}`" if self.session is not None \
            else "`exercise serve --resume` with this save"
        return (f"Quitting stops the server: {terminals} connected; they show \"reconnecting…\" and "
                f"reconnect when you {save}. Everything is saved. The join commands are printed on exit.")

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
                        "for the room's terminals.", title="Not served", timeout=8)
            return
        from exercise.tui.facilitator.seats import SeatsModal, seats_markdown

        manage = hasattr(self.server, "add_seat")  # a server that keeps seats (issue 16)
        self.push_screen(SeatsModal(seats_markdown(self.server, self.session), self.add_seat if manage else None,
                                    self.revoke_seat if manage else None))

    @work(exclusive=True, group="seats")
    async def add_seat(self) -> None:
        """Add a seat mid-exercise (a late evaluator, a replacement controller, a wall)."""
        from exercise.engine.seats import NAMED_ROLES, ROLE_NAMES
        from exercise.net.tokens import TokenError
        from exercise.tui.facilitator.seats import scope_of
        from exercise.tui.modals import Field, FormModal

        assert self.session is not None and self.server is not None
        teams = self.session.scenario.teams
        roles = [(ROLE_NAMES[r], r) for r in NAMED_ROLES]
        if self.session.state.rules.adversary is not None:
            roles.append((ROLE_NAMES["red"], "red"))
        values: dict | None = None
        while True:  # a refused seat: the form again, with what was typed
            values = await self.push_screen_wait(FormModal("Add a seat", [
                Field("role", "Role", "select", tuple(roles), default=(values or {}).get("role", "controller")),
                Field("name", "Name (as the room reads it: Alice, Observer 2, Projector)",
                      default=(values or {}).get("name"), required_when=lambda v: v["role"] != "red", required=False,
                      missing="A seat needs a name (the journal says which seat did what)."),
                Field("scope", "A controller's teams, comma separated (empty: every team)", required=False,
                      default=(values or {}).get("scope"), help="Teams: " + ", ".join(t.name for t in teams))],
                "Add", intro="The seat gets its own token and join command; its person runs the command."))
            if values is None:
                self.action_connections()
                return
            scope, unknown = scope_of(values.get("scope") or "", teams)
            if unknown:
                self.notify(f"No team called {unknown}: name the teams as the scenario does.", title="Not added",
                            severity="error", timeout=8)
                continue
            if values["role"] != "controller":
                scope = ()
            try:
                seat, line = self.server.add_seat(values["role"], values.get("name") or "", scope)
            except (TokenError, OSError, ValueError) as e:  # the tokens' SeatError is a TokenError
                self.notify(str(e), title="Not added", severity="error", timeout=10)
                continue
            self.notify(f"{seat.name} ({ROLE_NAMES.get(seat.role, seat.role)}): {line}", title="Seat added",
                        timeout=20)
            self.action_connections()
            return

    @work(exclusive=True, group="seats")
    async def revoke_seat(self) -> None:
        """Revoke a seat (a lost laptop): its terminals are cut off at once, the journal says so."""
        from exercise.net.tokens import TokenError
        from exercise.tui.facilitator.seats import join_commands, who
        from exercise.tui.modals import ConfirmModal, Field, FormModal

        assert self.session is not None and self.server is not None
        names = {t.id: t.name for t in self.session.scenario.teams}
        seats = [s for s, _line in join_commands(self.server, self.session) if s.role not in ("team", "facilitator")]
        if not seats:
            self.notify("No seat to revoke: only the teams' (their tokens stay, as `exercise serve` made them).",
                        title="Nothing to revoke")
            self.action_connections()
            return
        form = await self.push_screen_wait(FormModal("Revoke a seat", [
            Field("seat", "Seat", "select", tuple((who(s, names), s.id) for s in seats), default=seats[0].id)],
            "Revoke…"))
        seat = next((s for s in seats if form and s.id == form["seat"]), None)
        if seat is not None and await self.push_screen_wait(ConfirmModal(
                "Revoke this seat?", f"{who(seat, names)}: its terminals are cut off now and its token opens "
                "nothing any more (the journal says so). A new seat can be added for the same person.", "Revoke")):
            try:
                self.server.revoke(seat.id)
            except (TokenError, OSError, ValueError) as e:
                self.notify(str(e), title="Not revoked", severity="error", timeout=10)
            else:
                self.notify(f"{who(seat, names)} is revoked.", title="Seat revoked")
        self.action_connections()

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
             server=None, opener: Callable[[], object] | None = None, opening: str = "the exercise",
             team: str | None = None):
    """The console (see the module's docstring); `team` (with `session`) opens it on that
    team's screen, the facilitator's console coming with the first escape."""
    return ExerciseApp(session=session, saves_root=saves_root, scenario=scenario, clock=clock, server=server,
                       opener=opener, opening=opening, team=team)
