"""`exercise join`: a seat's console whose port is a network client.

The server's welcome says which seat the token holds (a team, the red cell, a controller,
an evaluator, the wall); the console for it opens: a team's TeamScreen, any other seat's
screen from exercise.tui.seat. They are the same screens the hot-seat uses; only their
port differs. Until the first snapshot arrives a small screen says where it is connecting
and how it is going.
"""

from __future__ import annotations

import asyncio

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from exercise.engine.seats import ROLE_NAMES, Seat
from exercise.net.client import Client, RemoteSeatPort, RemoteTeamPort
from exercise.tui.base import BaseApp
from exercise.tui.footer import FitFooter
from exercise.tui.keyhelp import KeyHelp
from exercise.tui.text import plain, text


class ConnectingScreen(KeyHelp, Screen):
    HELP_TITLE = "Help: joining the exercise"
    HELP_INTRO = """\
**Joining**: this terminal is connecting to the facilitator's machine with the join
command the facilitator gave you. It keeps trying; your console opens as soon as the
facilitator's machine answers. If it never does, check the address and the token with
the facilitator (the console's **c** key lists each seat's join command).
"""
    HELP_OUTRO = "Once your console is open, **?** there lists its keys."
    BINDINGS = [Binding("ctrl+q", "app.quit", "Quit", priority=True)]

    def __init__(self, client: Client, seat_id: str):
        super().__init__()
        self.client = client
        self.seat_id = seat_id

    def compose(self) -> ComposeResult:
        yield Static("", id="join-status")
        yield FitFooter()

    def on_mount(self) -> None:
        self.show()

    def show(self) -> None:
        seat = welcome_seat(self.client.welcome)
        who = (f"Team {seat.name}" if seat.role == "team" else f"{seat.name} ({ROLE_NAMES.get(seat.role, seat.role)})"
               ) if seat is not None else f"Seat {self.seat_id}"  # its role is told by the server's welcome
        self.query_one("#join-status", Static).update(text(  # the server's words, shown as sent
            f"{who}: connecting to {self.client.url}\n\n{self.client.status}\n"
            f"{self.client.last_error}\n\n"
            "The console opens as soon as the facilitator's machine answers. ctrl+q quits."))


def welcome_seat(welcome: dict | None) -> Seat | None:
    """The seat the server's welcome names: its `seat` ({"id", "role", "name", "team",
    "scope"}), or, from a server older than seats, a team's (or the facilitator's) from
    `role` and `team`."""
    if not welcome:
        return None
    data = welcome.get("seat")
    if isinstance(data, dict) and data.get("id") and data.get("role"):
        return Seat(str(data["id"]), str(data["role"]), str(data.get("name") or data["id"]),
                    team=data.get("team"), scope=tuple(data.get("scope") or ()))
    team = welcome.get("team")
    if welcome.get("role") == "team" and team:
        name = next((t.get("name", team) for t in welcome.get("teams") or () if t.get("id") == team), team)
        return Seat(team, "team", name, team=team)
    return Seat("facilitator", "facilitator", "the facilitator")


class JoinApp(BaseApp):
    TITLE = "exercise join"
    # a key's worker here mostly waits on the network (see BaseApp.KEY_HOLD_LIMIT)
    KEY_HOLD_NOTICE = ("The server has not answered the last key after {seconds:g} s: the keys typed from now on "
                       "go to this screen; what that key asked for comes when the server answers (the status line "
                       "says whether this console is connected).")
    BINDINGS = [Binding("question_mark", "help", "Help", key_display="?", tooltip="this help"),
                Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(self, client: Client, seat_id: str):
        super().__init__()
        self.client = client
        self.seat_id = seat_id  # a team's seat id is the team's id
        self.port: RemoteTeamPort | RemoteSeatPort | None = None
        self._task: asyncio.Task | None = None
        self._opened = False
        self._connecting: ConnectingScreen | None = None

    @property
    def team(self) -> str:
        """The seat asked for (a team's id for a team), as before seats."""
        return self.seat_id

    def on_mount(self) -> None:
        self.sub_title = plain(self.client.url)
        self._connecting = ConnectingScreen(self.client, self.seat_id)
        self.push_screen(self._connecting)
        self.client.subscribe(self._client_changed)
        self.client.subscribe(self.tick)  # the server set or stopped the timer
        self._task = asyncio.create_task(self.client.run())

    def _client_changed(self) -> None:
        if self.client.fatal:
            self.exit(return_code=1, message=f"exercise join: {self.client.fatal}")
            return
        seat = welcome_seat(self.client.welcome)
        if seat is not None and seat.id != self.seat_id:
            held = "the facilitator" if seat.role == "facilitator" else \
                seat.name if seat.role == "team" else f"{seat.name} ({ROLE_NAMES.get(seat.role, seat.role)})"
            self.exit(return_code=1, message=(
                f"exercise join: this token is for {held}, not {self.seat_id}; "
                "check the join command the facilitator gave you"))
            return
        if not self._opened and seat is not None and self.client.view is not None:
            from exercise.tui.seat import screen_class

            if seat.role != "team" and screen_class(seat.role) is None:
                self.exit(return_code=1, message=(
                    f"exercise join: this token is for {seat.name} ({ROLE_NAMES.get(seat.role, seat.role)}), a seat "
                    "with no console of its own here" + ("; the facilitator's console is the one `exercise serve` "
                                                         "opens" if seat.role == "facilitator" else "")))
                return
            self._opened = True
            self.switch_screen(self._screen_for(seat))
        elif not self._opened and self._connecting is not None and self._connecting.is_mounted:
            self._connecting.show()

    def _screen_for(self, seat: Seat) -> Screen:
        if seat.role == "team":
            from exercise.tui.team import TeamScreen

            self.port = RemoteTeamPort(self.client, seat.team or seat.id)
            return TeamScreen(self.port)
        from exercise.tui.seat import screen_for

        self.port = RemoteSeatPort(self.client, seat)
        self.sub_title = plain(f"{seat.name} · {self.client.url}")
        return screen_for(self.port)

    def timer_left(self) -> float | None:
        return self.client.timer_left()  # the server says when it stops

    async def on_unmount(self) -> None:
        await self.client.close()
        if self._task is not None:
            self._task.cancel()
