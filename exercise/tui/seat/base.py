"""What the consoles of the room's other seats share (the wall, the red cell, ...): a port
(exercise.ports.SeatPort) they read their view from and send commands through, re-rendering
when it says the view changed; the `?` help and the footer; escape back to the facilitator's
console when opened there (hot-seat: a local port).

A seat screen holds no rules: the port (the seat's role, then the engine) refuses what may
not be done, and the refusal is shown as a notification.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen

from exercise import engine
from exercise.journal.log import JournalError
from exercise.tui.keyhelp import KeyHelp
from exercise.tui.text import plain_tree


class FollowsPort:
    """Mixed into a seat's screen: it follows its port (`self.port`), re-rendering through
    `refresh_view` when the port says the view may have changed. Call `follow_port()` on mount."""

    class PortChanged(Message):
        """The port says the view may have changed (posted from any thread)."""

    port: Any
    _pending = False
    _unsubscribe: Callable[[], None] | None = None

    def follow_port(self) -> None:
        self._unsubscribe = self.port.subscribe(self._port_changed)

    def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def _port_changed(self) -> None:
        # may come from another thread (a network port): post, and coalesce bursts
        if not self._pending:
            self._pending = True
            self.post_message(self.PortChanged())  # type: ignore[attr-defined]

    def on_follows_port_port_changed(self, _message: PortChanged) -> None:
        self._pending = False
        self.refresh_view()  # type: ignore[attr-defined]


class SeatScreen(FollowsPort, KeyHelp, Screen):
    """Subclasses render `self.view` in `render_view` and may bind keys of their own."""

    BINDINGS = [
        Binding("escape", "back", "Back", tooltip="back to the facilitator's console (hot-seat)"),
        Binding("question_mark", "help", "Help", key_display="?", tooltip="this help"),
    ]

    def __init__(self, port):
        super().__init__()
        self.port = port
        self.view = None
        self._offline = False

    @property
    def hot_seat(self) -> bool:
        """Opened in the facilitator's console (a local port): escape goes back to it."""
        return self.connection() == "local"

    def connection(self) -> str:
        return getattr(self.port, "status", "local")

    def on_mount(self) -> None:
        self.follow_port()
        self.refresh_view()
        if hasattr(self.app, "timer"):  # the app reads its clock; this screen is told when the text changes
            self.watch(self.app, "timer", self._timer_changed, init=False)

    def refresh_view(self) -> None:
        try:
            view = plain_tree(self.port.view())  # no control character reaches the terminal
        except OSError as e:  # a network port that lost its connection: keep the last view
            if not self._offline:
                self._offline = True
                self.notify(str(e), title="No connection", severity="warning", markup=False)
            return
        self._offline = False
        self.view = view
        self.set_class(self.connection() not in ("local", "connected"), "-offline")
        self.render_view()

    def render_view(self) -> None:
        raise NotImplementedError

    def _timer_changed(self, _text: str) -> None:
        if self.view is not None:
            self.render_view()

    def timer_left(self) -> float | None:
        """Seconds left on the turn timer (the facilitator's app, or the server's over the network)."""
        left = getattr(self.app, "timer_left", None)
        return left() if callable(left) else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return self.hot_seat
        return True

    def action_back(self) -> None:
        if self.hot_seat:
            self.app.clear_notifications()  # this seat's toasts stay with it
            self.app.pop_screen()

    def action_help(self) -> None:
        from exercise.tui.modals import TextModal

        self.app.push_screen(TextModal(self.HELP_TITLE, self.help_text(self.app)))  # in its scenario's words

    async def send(self, command) -> bool:
        """Through the port (the seat's role, the engine, the journal); a refusal becomes a notification."""
        try:
            await self.port.send(command)
        except engine.Rejected as e:
            self.notify(str(e), title="Not done", severity="error", timeout=8, markup=False)
            return False
        except JournalError as e:
            self.notify(str(e), title="Not saved", severity="error", timeout=20, markup=False)
            return False
        except OSError as e:
            self.notify(str(e), title="Not sent", severity="error", timeout=12, markup=False)
            return False
        self.refresh_view()
        return True
