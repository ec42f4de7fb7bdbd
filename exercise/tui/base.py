"""What the three apps share: the console (`exercise run/serve/resume`), the team terminal
(`exercise join`) and the debrief (`exercise debrief`).

The stylesheets, plain-text notifications, the key help (built from the bindings, see
keyhelp.py), the command palette's commands and the turn timer. The timer is a reactive:
the app reads its clock once a second and screens watch `timer` (they are told when the
text changes; they do not ask the app).
"""

from __future__ import annotations

import asyncio
from collections import deque
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
    # A terminal delivers a fast typist's keys together (over SSH, in bursts). Textual forwards
    # each key to the focused widget and runs its binding when it bubbles back, so the key
    # after `b` was forwarded to the screen behind before `b`'s dialog (opened by a worker)
    # existed: it switched a tab instead of typing into the form. So a key waits until the one
    # before has gone its whole way: its binding run, a dialog it opened mounted and focused.
    #
    # The waiting keys are a queue of their own, in the order the terminal sent them, and only
    # the key at its head is ever let go (posted back to the app, which knows it). Keys used to
    # be posted back all together at the end of the app's queue, behind keys that had arrived
    # meanwhile and were not held yet: those went first ("R iverton Counciloverrode"), and a
    # ctrl+s went before the end of the text it was to save. Nothing about a key's way depends
    # on the clock (a loaded machine let a 2 s timer release keys while the key before was still
    # on its way, into the screen behind a form): its way through the widgets is followed step
    # by step, a dialog it opens is waited for until it is mounted and focused. A worker the
    # key started (awaiting the network, a thread) is waited for until it ends or opens its
    # dialog: one that first asks the server, then opens a form, gets the keys typed meanwhile
    # (a 1 s limit let them go to the screen behind). So that a hung network never freezes the
    # keyboard, that wait lasts at most KEY_HOLD_LIMIT; then the keys go on and a notification
    # says so (KEY_HOLD_NOTICE). A watchdog lets the next key go, in order, if the key in flight
    # has made no step for KEY_STUCK_LIMIT (a dead widget: the app must not stop answering).
    KEY_HOLD_LIMIT = 5.0  # seconds a worker started by a key holds the keys behind (until it ends or opens a dialog)
    KEY_HOLD_NOTICE = ("The last key is still being worked on after {seconds:g} s: the keys typed from now on go "
                       "to this screen.")
    KEY_STUCK_LIMIT = 10.0  # seconds without a step of the key in flight before the next one goes anyway
    _key_busy = False  # a key is on its way, or the next one has been let go and not yet begun
    _key_next: events.Key | None = None  # the key let go (posted back to the app), to begin when it comes
    _key_serial = 0  # the key in flight (its end happens once)
    _key_progress = 0  # steps made by keys (the watchdog's measure)
    _key_watched: tuple[int, int] = (0, 0)  # (key, steps) at the watchdog's last look

    @property
    def _keys_waiting(self) -> deque[events.Key]:
        """The keys behind the one in flight, oldest first."""
        waiting = self.__dict__.get("_keys_waiting_queue")
        if waiting is None:
            waiting = self.__dict__["_keys_waiting_queue"] = deque()
        return waiting

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            if event is self._key_next:  # the head of the queue, let go: its turn
                self._key_next = None
            elif self._key_busy:  # from the terminal, behind the others
                self._keys_waiting.append(event)
                return
            self._key_busy = True
            self._key_serial += 1
            serial = self._key_serial
            workers, screen = set(self.workers), self.screen
            target = self.focused or self.screen
            self._key_progress += 1
            try:
                await super().on_event(event)
            finally:
                self._after_key(target, workers, screen, serial)
            return
        await super().on_event(event)

    def _key_done(self, serial: int) -> None:
        """The key numbered `serial` has gone its way (once): the next waiting key goes."""
        if serial != self._key_serial or not self._key_busy:
            return
        self._key_serial += 1  # a later call for the same key does nothing
        waiting = self._keys_waiting
        while waiting:
            key = waiting.popleft()
            self._key_next = key
            if self.post_message(key):  # the app begins it when it comes (keys arriving meanwhile wait behind)
                return
        self._key_next = None
        self._key_busy = False

    def _key_watchdog(self) -> None:
        """Every KEY_STUCK_LIMIT: a key in flight that has made no step since the last look is
        stuck (a dead widget); the next key goes (still in order: the head of the queue)."""
        seen, self._key_watched = self._key_watched, (self._key_serial, self._key_progress)
        if self._key_busy and self._key_next is None and seen == self._key_watched:
            self._key_done(self._key_serial)

    def _after_key(self, target, workers: set, screen: Screen, serial: int) -> None:
        """Follow the key up the widgets it bubbles through (a callback queued behind it at
        each level: a queue is handled in order, so the key was handled there before it), then
        wait for what its binding started."""
        chain = []
        node = target
        while node is not None and node is not self:
            chain.append(node)
            node = node.parent
        chain.append(self)

        def step(i: int) -> None:
            self._key_progress += 1
            while i < len(chain):
                if chain[i].is_attached and chain[i].call_later(step, i + 1):
                    return
                i += 1  # gone (a closed dialog): on to its parent
            if self.screen is screen and not self._fresh_workers(workers):
                self._key_done(serial)  # the binding did all it does: the next key goes
                return

            async def settle() -> None:  # a coroutine made only if the worker runs (the app may be closing)
                await self._settle(workers, screen, serial)

            self.run_worker(cast(Any, settle), group="key-hold", exit_on_error=False)  # Textual types its result

        step(0)

    def _fresh_workers(self, workers: set) -> list:
        """The workers started since `workers` (not the hold's own) still on their way."""
        return [w for w in self.workers if w not in workers and w.group != "key-hold" and not w.is_finished]

    async def _settle(self, workers: set, screen: Screen, serial: int) -> None:
        """Wait for what the key started: a dialog it opened (or closed), until it is mounted
        and its on_mount's focus has been given, however long that takes; a worker that has not
        begun yet, until it has (its first step opens its dialog); a worker on its way (to the
        server, then maybe a dialog), until it ends or opens one, at most KEY_HOLD_LIMIT (then
        a notification says the keys go on)."""
        from textual.worker import WorkerState

        loop = asyncio.get_running_loop()
        end: float | None = None
        turns = 0
        try:
            while not self._exit and serial == self._key_serial:
                self._key_progress += 1
                new = self.screen
                if new is not screen:  # a screen opened (or closed): once its on_mount has focused
                    if new.is_mounted:
                        for node in (new, self):  # a focus() it asked for is queued: let it run
                            await self._drained(node)
                        if self.screen is new:
                            break
                        screen = new  # another one meanwhile: wait for that one
                        continue
                    await asyncio.sleep(0.002)
                    continue
                fresh = self._fresh_workers(workers)
                if not fresh:
                    break  # nothing started by the key is still on its way to a dialog
                turns += 1
                if any(w.state == WorkerState.PENDING for w in fresh) and turns < 100:
                    await asyncio.sleep(0)  # a worker begins at the next turn of the loop
                    continue
                now = loop.time()
                if end is None:
                    end = now + self.KEY_HOLD_LIMIT
                elif now >= end:  # still on its way (a hung network?): the keys go on, and the person is told
                    self.notify(self.KEY_HOLD_NOTICE.format(seconds=self.KEY_HOLD_LIMIT), title="Still waiting",
                                severity="warning", timeout=8)
                    break
                # quick at first (a dialog a moment away), then a lighter poll for a long wait
                await asyncio.sleep(0.002 if end - now > self.KEY_HOLD_LIMIT - 0.2 else 0.02)
        finally:
            self._key_done(serial)

    @staticmethod
    async def _drained(node) -> None:
        """Once what is queued on `node` now has been handled (at once if it is closed)."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def finish() -> None:
            if not done.done():
                done.set_result(None)

        if not node.call_later(finish):
            return
        while not done.done() and node.is_running:  # a queue closing still handles what it holds
            await asyncio.wait([done], timeout=0.05)

    @on(events.Mount)  # a handler of its own: the apps' on_mount (sync or async) need not call it
    def _start_clock(self) -> None:
        self.set_interval(self.KEY_STUCK_LIMIT, self._key_watchdog)
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
