"""`exercise join`: a team console whose port is a network client.

The team screen is the same one the hot-seat uses; only its port differs. Until the
first snapshot arrives a small screen says where it is connecting and how it is going.
"""

from __future__ import annotations

import asyncio

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from exercise.net.client import Client, RemoteTeamPort
from exercise.tui.base import BaseApp
from exercise.tui.footer import FitFooter
from exercise.tui.keyhelp import KeyHelp
from exercise.tui.text import plain, text


class ConnectingScreen(KeyHelp, Screen):
    HELP_TITLE = "Help: joining the exercise"
    HELP_INTRO = """\
**Joining**: this terminal is connecting to the facilitator's machine with the join
command the facilitator gave your team. It keeps trying; the team console opens as soon as
the facilitator's machine answers. If it never does, check the address and the token with
the facilitator (the console's **c** key lists each team's join command).
"""
    HELP_OUTRO = "Once the team console is open, **?** there lists its keys."
    BINDINGS = [Binding("ctrl+q", "app.quit", "Quit", priority=True)]

    def __init__(self, client: Client, team: str):
        super().__init__()
        self.client = client
        self.team = team

    def compose(self) -> ComposeResult:
        yield Static("", id="join-status")
        yield FitFooter()

    def on_mount(self) -> None:
        self.show()

    def show(self) -> None:
        self.query_one("#join-status", Static).update(text(  # the server's words, shown as sent
            f"Team {self.team}: connecting to {self.client.url}\n\n{self.client.status}\n"
            f"{self.client.last_error}\n\n"
            "The console opens as soon as the facilitator's machine answers. ctrl+q quits."))


class JoinApp(BaseApp):
    TITLE = "exercise join"
    BINDINGS = [Binding("question_mark", "help", "Help", key_display="?", tooltip="this help"),
                Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(self, client: Client, team: str):
        super().__init__()
        self.client = client
        self.team = team
        self.port = RemoteTeamPort(client, team)
        self._task: asyncio.Task | None = None
        self._opened = False
        self._connecting: ConnectingScreen | None = None

    def on_mount(self) -> None:
        self.sub_title = plain(self.client.url)
        self._connecting = ConnectingScreen(self.client, self.team)
        self.push_screen(self._connecting)
        self.client.subscribe(self._client_changed)
        self.client.subscribe(self.tick)  # the server set or stopped the timer
        self._task = asyncio.create_task(self.client.run())

    def _client_changed(self) -> None:
        if self.client.fatal:
            self.exit(return_code=1, message=f"exercise join: {self.client.fatal}")
            return
        welcome = self.client.welcome
        if welcome and welcome.get("team") != self.team:
            self.exit(return_code=1, message=(
                f"exercise join: this token is for {welcome.get('team') or 'the facilitator'}, not {self.team}; "
                "check the join command the facilitator gave you"))
            return
        if not self._opened and self.client.view is not None:
            from exercise.tui.team import TeamScreen

            self._opened = True
            self.switch_screen(TeamScreen(self.port))
        elif not self._opened and self._connecting is not None and self._connecting.is_mounted:
            self._connecting.show()

    def timer_left(self) -> float | None:
        return self.client.timer_left()  # the server says when it stops

    async def on_unmount(self) -> None:
        await self.client.close()
        if self._task is not None:
            self._task.cancel()
