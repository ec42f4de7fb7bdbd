"""What the three apps share: the console (`exercise run/serve/resume`), the team terminal
(`exercise join`) and the debrief (`exercise debrief`).

The stylesheets, plain-text notifications, the key help (built from the bindings, see
keyhelp.py), the command palette's commands and the turn timer. The timer is a reactive:
the app reads its clock once a second and screens watch `timer` (they are told when the
text changes; they do not ask the app).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, cast

from textual import events, on
from textual.app import App, SystemCommand
from textual.reactive import reactive
from textual.screen import Screen

from exercise.tui.keyhelp import KeyHelp
from exercise.tui.text import plain

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from exercise.tui.app import ExerciseApp


def console(node: DOMNode) -> ExerciseApp:
    """The facilitator console's app, typed: screens of the console call its commands
    (run_command, open_session...) through this rather than an untyped `self.app`."""
    return cast("ExerciseApp", node.app)


def timer_label(left: float | None) -> str:
    """The turn timer as every console shows it: seconds left, or None for no timer."""
    if left is None:
        return ""
    if left <= 0:
        return "time is up"
    return f"{int(left) // 60:02d}:{int(left) % 60:02d} left"


class BaseApp(App):
    CSS_PATH = ["app.tcss", "team.tcss"]
    TIMED = True  # reads the turn timer once a second (the debrief has none)
    # every screen gets -narrow / -wide and -short / -tall: styles (.tcss) fit 80x24 with these
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]

    timer: reactive[str] = reactive("", init=False)  # the turn timer's text, "" for none
    connections: reactive[str] = reactive("", init=False)  # "3/5 teams online" when served, else ""

    @on(events.Mount)  # a handler of its own: the apps' on_mount (sync or async) need not call it
    def _start_clock(self) -> None:
        if self.TIMED:
            self.set_interval(1.0, self.tick)  # a countdown needs a clock; screens watch `timer`

    def notify(self, message: str, *, title: str = "", severity="information", timeout: float | None = None,
               markup: bool = True) -> None:
        """Every notification is plain text: they quote teams, packs, saves and the server."""
        super().notify(plain(message), title=plain(title), severity=severity, timeout=timeout, markup=False)

    # -- the turn timer -------------------------------------------------------------------
    def timer_left(self) -> float | None:
        """Seconds left on the turn timer, or None for no timer."""
        return None

    def timer_text(self) -> str:
        return timer_label(self.timer_left())

    def tick(self) -> None:
        """Read the clock now (every second; tests call it after moving their clock)."""
        self.timer = self.timer_text()

    # -- help and the command palette ---------------------------------------------------------
    def default_help(self) -> tuple[str, str]:
        """(title, Markdown) for a screen that has no key help of its own."""
        return "Help", KeyHelp.help_markdown_for(self.screen, self)

    def action_help(self) -> None:
        from exercise.tui.modals import TextModal

        screen = self.screen
        if isinstance(screen, KeyHelp):
            title, body = screen.HELP_TITLE, screen.help_markdown(self)
        else:
            title, body = self.default_help()
        self.push_screen(TextModal(title, body))

    def extra_commands(self) -> Iterable[SystemCommand]:
        """Commands of this app beyond help and the screen's keys."""
        return ()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help", "Keys and how a turn works", self.action_help)
        yield from self.extra_commands()
        for binding in screen.active_bindings.values():  # every key is also in the palette
            b = binding.binding
            if b.action.startswith("tab(") or b.key in ("question_mark",) or not b.description:
                continue
            yield SystemCommand(b.description, f"key: {b.key_display or b.key}",
                                lambda node=binding.node, action=b.action: self.run_action(action, node))
