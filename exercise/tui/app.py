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
from pathlib import Path
from typing import Callable, Iterable

from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import LoadingIndicator, Static

from exercise.tui.text import markup_safe, md, plain, text

HELP = """\
**The facilitator console** runs the exercise. Keys are shown in the footer; every action
is also in the command palette (**ctrl+p**). The mouse works too.

| key | what it does |
|---|---|
| n | next phase: start, deliver injects, close deliberation (asks before forcing), adjudicate, next turn |
| t | switch to a team's screen (hot-seat); **escape** comes back |
| 1-5 | tabs: overview, injects, actions, log, notes |
| f / h / r / k / d | fire / hold / release / skip / delay the selected inject (Injects tab) |
| v | read the selected inject in full |
| a | write and fire an ad-hoc inject now |
| j | adjudicate an argued action (likelihood, roll, rationale) |
| o | override a value, with a rationale |
| m | add a note or observation (tags, inject, P/S/M/U rating of an objective) |
| p | pause / resume |
| T | set the turn timer (teams see it; when it runs out you are told, nothing advances) |
| e | end the exercise now (asks for a reason) and show the outcome |
| D | the debrief: timeline, time travel by turn, charts, decisions, objectives, outcome (`exercise debrief SAVE`) |
| u | reopen the selected team's turn (a submit by mistake): its orders of this turn become drafts |
| c | team terminals: who is connected, and each team's join command (`exercise serve`) |
| ? | this help |
| ctrl+q | quit: everything is already saved; `exercise resume` continues |

**A turn**: briefing, injects (delivered when you press n), deliberation (teams decide and
submit), adjudication (deliveries, decay, rolls), summary. Teams act only in deliberation.

**Team screens** show only what that team may see. Keys there: enter answers the selected
decision, b sets the budget split, o orders the selected catalogue item, x withdraws or
cancels an order, l / g take or hand back a command lead, a assigns forces, u argues an
action, s submits the team's orders.

Everything you do is written to the save folder before the screen shows it.
"""


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


class ExerciseApp(App):
    CSS_PATH = ["app.tcss", "team.tcss"]
    TITLE = "exercise"
    BINDINGS = [
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
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

    def notify(self, message: str, *, title: str = "", severity="information", timeout: float | None = None,
               markup: bool = True) -> None:
        """Every notification is plain text: they quote teams, packs, saves and the server."""
        super().notify(plain(message), title=plain(title), severity=severity, timeout=timeout, markup=False)

    async def on_mount(self) -> None:
        if self.server is not None:  # on this app's loop: the console and the network share the Session
            self.server.log = lambda msg: self.log.info(msg)
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
        session.listeners.append(self._session_changed)
        self.push_screen(FacilitatorScreen(session))
        for notice in session.notices:
            self.notify(notice, title="Resumed", timeout=10, markup=False)

    @work(thread=True, exclusive=True, group="open")
    def _open_in_background(self) -> None:
        """Open the save (engine, scenario copy, journal replay) off the event loop."""
        from exercise.journal.saves import SaveError

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
        from exercise.tui.port import LocalTeamPort
        from exercise.tui.team import TeamScreen

        self.push_screen(TeamScreen(LocalTeamPort(self.session, team), hot_seat=True))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help", "Keys and how a turn works", self.action_help)
        if self.session is not None:
            for t in self.session.scenario.teams:
                # the palette parses titles as markup: the pack's team name is escaped
                yield SystemCommand(f"Team screen: {markup_safe(t.name)}",
                                    f"Hot-seat: show only what {markup_safe(t.name)} may see",
                                    lambda team=t.id: self.show_team(team))
        for binding in screen.active_bindings.values():
            b = binding.binding
            if b.action.startswith("tab(") or b.key in ("question_mark",) or not b.description:
                continue
            yield SystemCommand(b.description, f"key: {b.key_display or b.key}",
                                lambda node=binding.node, action=b.action: self.run_action(action, node))

    def action_help(self) -> None:
        from exercise.tui.modals import TextModal

        self.push_screen(TextModal("Help", HELP))

    async def on_unmount(self) -> None:
        if self.server is not None:
            await self.server.stop()

    # -- served over the network ------------------------------------------------------------
    def connections_text(self) -> str:
        """For the status bar: how many team terminals are connected."""
        if self.server is None:
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

    def _session_changed(self, session, command, events) -> None:
        if self.timer_deadline is not None and session.state.status == "ended":
            self.set_timer_minutes(0)  # no turn left to time (and the teams are told)

    def timer_text(self) -> str:
        return timer_label(None if self.timer_deadline is None else self.timer_deadline - self.clock())

    def timer_expired(self) -> bool:
        """True once, when the timer runs out."""
        if self.timer_deadline is None or self._timer_warned or self.clock() < self.timer_deadline:
            return False
        self._timer_warned = True
        return True


def timer_label(left: float | None) -> str:
    """The turn timer as every console shows it: seconds left, or None for no timer."""
    if left is None:
        return ""
    if left <= 0:
        return "time is up"
    return f"{int(left) // 60:02d}:{int(left) % 60:02d} left"


def make_app(session=None, saves_root: Path | None = None, scenario: str | None = None, clock=time.monotonic,
             server=None, opener: Callable[[], object] | None = None, opening: str = "the exercise"):
    return ExerciseApp(session=session, saves_root=saves_root, scenario=scenario, clock=clock, server=server,
                       opener=opener, opening=opening)
