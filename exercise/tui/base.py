"""What the three apps share: the console (`exercise run/serve/resume`), the team terminal
(`exercise join`) and the debrief (`exercise debrief`).

The stylesheets, plain-text notifications, the key help (built from the bindings, see
keyhelp.py), the command palette's commands and the turn timer. The timer is a reactive:
the app reads its clock once a second and screens watch `timer` (they are told when the
text changes; they do not ask the app).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from textual import events, on
from textual.app import App, SystemCommand
from textual.reactive import reactive
from textual.screen import Screen
from textual.visual import VisualType
from textual.widgets import Static

from exercise.tui.keyhelp import KeyHelp
from exercise.tui.text import plain

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from exercise.tui.app import ExerciseApp


def console(node: DOMNode) -> ExerciseApp:
    """The facilitator console's app, typed: screens of the console call its commands
    (run_command, open_session...) through this rather than an untyped `self.app`."""
    return cast("ExerciseApp", node.app)


def in_hidden_tab(widget) -> bool:
    """True when `widget` lies in a TabPane that is not its TabbedContent's shown one: its keys
    must not fire and it must not keep the focus (the keys of a tab not shown acted)."""
    from textual.widgets import ContentSwitcher, TabPane

    for node in widget.ancestors_with_self:
        if isinstance(node, TabPane) and isinstance(node.parent, ContentSwitcher) and node.parent.current != node.id:
            return True
    return False


class ShownTabFocus:
    """Mixed into a screen with tabs: the focus never stays in a tab not shown. When it lands
    there (a tab switched while a table kept the focus, a dialog closing and giving the focus
    back to where it was opened), the screen's `action_tab` focuses the shown tab's own widget."""

    TABS_ID: str = ""  # the TabbedContent's id

    def _refocus_shown_tab(self) -> None:
        from textual.widgets import TabbedContent

        focused = self.focused  # type: ignore[attr-defined]
        if focused is None or not in_hidden_tab(focused):
            return
        tabs = self.query_one(f"#{self.TABS_ID}", TabbedContent)  # type: ignore[attr-defined]
        self.action_tab(tabs.active)  # type: ignore[attr-defined]

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:  # by name: a mixin has no @on
        if in_hidden_tab(event.widget):
            self.call_later(self._refocus_shown_tab)  # type: ignore[attr-defined]


class Detail(Static):
    """The selected row's detail under a table, updated on every move of the cursor.

    `Static.update` lays the whole screen out again, in case the new text takes more or
    fewer lines: that was most of a cursor key. This one asks for a layout only when its
    height would change; else it repaints itself alone (a widget with no children does not
    scroll: its region is all the layout knows of it)."""

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        width = self.size.width
        if not layout or not width or self._sized_by_layout():  # not laid out yet: the layout sizes it
            super().update(content, layout=layout and not width)
            return
        shown, before = self.outer_size.height, self._text_height(width)
        super().update(content, layout=False)
        after = self._text_height(width)
        # height: auto gave it its text's height within its min and max heights: if that was
        # cut to the height shown, the max (or min) is that height, and a text as tall (as
        # short) or more gets the same; else only a text of the same height does
        same = after >= shown if before > shown else after <= shown if before < shown else after == before
        if not same:
            self.refresh(layout=True)

    def _sized_by_layout(self) -> bool:
        """True when the layout gives this widget its size whatever its text (a fixed or
        fractional height, a width not set by the text)."""
        height, width = self.styles.height, self.styles.width
        return height is not None and not height.is_auto and (width is None or not width.is_auto)

    def _text_height(self, width: int) -> int:
        """The height its text asks for at this width, padding and border included, as the
        layout asks it (the container and viewport matter only to a container)."""
        return self.get_content_height(self.size, self.size, width) + self.styles.gutter.height


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

    # -- keys, one at a time ---------------------------------------------------------------
    # A terminal delivers a fast typist's keys together. Textual forwards each key to the
    # focused widget and runs its binding when it bubbles back, so the key after `b` was
    # forwarded to the screen behind before `b`'s dialog (opened by a worker) existed: it
    # switched a tab instead of typing into the form. So a key is held until the one before
    # has gone its whole way (its binding run, a dialog it opens mounted and focused).
    KEY_HOLD_LIMIT = 1.0  # seconds: a key is never held longer (a slow worker, a dialog without focus)
    _held_keys: list[events.Key] | None = None  # keys waiting for the one before; None: none in flight
    _key_serial = 0  # the key in flight (its release happens once)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            if self._held_keys is not None:
                self._held_keys.append(event)
                return
            self._held_keys = []
            self._key_serial += 1
            serial = self._key_serial
            # whatever happens to this key, the keys behind it are let go in time
            self.set_timer(2 * self.KEY_HOLD_LIMIT, lambda: self._release_keys(serial))
            workers, screen = set(self.workers), self.screen
            target = self.focused or self.screen
            try:
                await super().on_event(event)
            finally:
                self._after_key(target, workers, screen, serial)
            return
        await super().on_event(event)

    def _release_keys(self, serial: int) -> None:
        """Let the held keys go (once, for the key numbered `serial`)."""
        if serial != self._key_serial or self._held_keys is None:
            return
        self._key_serial += 1  # a later call for the same key does nothing
        held, self._held_keys = self._held_keys, None
        for key in held:  # in order: the first goes its way, the others are held behind it again
            self.post_message(key)

    def _after_key(self, target, workers: set, screen: Screen, serial: int) -> None:
        """Follow the key up the widgets it bubbles through (a callback queued behind it at
        each level), then wait for what its binding started."""
        chain = []
        node = target
        while node is not None and node is not self:
            chain.append(node)
            node = node.parent
        chain.append(self)

        def step(i: int) -> None:
            while i < len(chain):
                if chain[i].is_attached and chain[i].call_later(step, i + 1):
                    return
                i += 1  # gone (a closed dialog): on to its parent
            async def settle() -> None:  # a coroutine made only if the worker runs (the app may be closing)
                await self._settle(workers, screen, serial)

            self.run_worker(cast(Any, settle), group="key-hold", exit_on_error=False)  # Textual types its result

        step(0)

    async def _settle(self, workers: set, screen: Screen, serial: int) -> None:
        loop = asyncio.get_running_loop()
        end = loop.time() + self.KEY_HOLD_LIMIT
        try:
            while loop.time() < end:
                new = self.screen
                if new is not screen:  # a screen opened (or closed): once its on_mount has focused
                    if new.is_mounted:
                        for node in (new, self):  # a focus() it asked for is queued: let it run
                            await self._drained(node)
                        break
                elif not any(w not in workers and w.group != "key-hold" and not w.is_finished for w in self.workers):
                    break  # nothing started by the key is still on its way to a dialog
                await asyncio.sleep(0.002)
        except TimeoutError:
            pass  # a dialog slow to settle: its keys go now
        finally:
            self._release_keys(serial)

    @staticmethod
    async def _drained(node) -> None:
        """Once what is queued on `node` now has been handled."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def finish() -> None:
            if not done.done():
                done.set_result(None)

        if not node.call_later(finish):
            return
        await asyncio.wait_for(done, 1.0)

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
            title, body = screen.HELP_TITLE, screen.help_text(self)
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
