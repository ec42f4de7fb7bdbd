"""A fast typist's burst of keys (a terminal over SSH delivers them in bursts): every key
reaches, in order, the widget focused once the key before it has gone its whole way (its
binding run, a dialog it opened mounted and focused), however long the burst and however
slow the machine, and ctrl+s saves exactly what was typed.

The keys are posted to the app as Textual's driver does (`App._post_message` from its input
thread: one `events.Key` per key, on the app's queue, in order). Two ways they arrive:
all at once before the app reads any (one read of the terminal), and three at each turn of
the event loop (keys coming in while the app is busy with the ones before).
The machine is made slow without a clock: the hold's time limit is zero (on a loaded
machine every wait outlasts it), and, in the slow runs, every key's handling in the text
widgets yields to the event loop many times (so timers, workers and later keys run in the
middle of it). Nothing waits on the wall clock: `wait_for` polls a condition."""

from __future__ import annotations

import asyncio

import pytest
from support import DEFAULT, load_fixture, record_notifications, to_deliberation, wait_for
from textual import events, work
from textual.binding import Binding
from textual.keys import _character_to_key
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Static, TextArea

from exercise.engine import commands as cm
from exercise.session import Session
from exercise.tui.app import make_app
from exercise.tui.base import BaseApp
from exercise.tui.facilitator import FacilitatorScreen
from exercise.tui.modals import FormModal
from exercise.tui.team import TeamScreen

# 200 characters, with letters that are keys of the screens behind the forms (r reads, s
# submits, u argues, b, o, x, 1-6 switch tabs, m writes a note), spaces and punctuation
WORDS = ("Riverton Council overrode the bridge closure, so buses 1 2 3 and 4 ran; "
         "Mayor Quinn's office (5 staff) briefed 6 wards by 09:40 - excellent relay, "
         "fast & exact! Next: fix radio gaps, drill x2/yr, and budget $70k.")
TEXT = (WORDS + " Again: " + WORDS)[:199] + "."
assert len(TEXT) == 200 and TEXT == TEXT.strip()

ARRIVALS = ["at-once", "trickle"]
SLOW = ["fast", "slow"]


def key(character: str) -> events.Key:
    """The event the driver makes of one typed character."""
    return events.Key(_character_to_key(character), character)


def keys(text: str) -> list[events.Key]:
    return [key(c) for c in text]


def tab() -> events.Key:  # a new event each time: Textual marks an event as it goes (forwarded, stopped)
    return events.Key("tab", "\t")


def ctrl_s() -> events.Key:
    return events.Key("ctrl+s", None)


def deliver(app, burst: list[events.Key], arrival: str) -> None:
    """Post `burst` to the app as the driver would: all now, or three each turn of the event
    loop (the rest of the burst reaching it while it works on the first keys)."""
    if arrival == "at-once":
        for k in burst:
            app.post_message(k)
        return

    async def trickle() -> None:
        left = list(burst)
        while left:
            for k in left[:3]:
                app.post_message(k)
            del left[:3]
            await asyncio.sleep(0)

    app.run_worker(trickle(), group="test-typist")


def make_slow(monkeypatch, app, slow: str) -> None:
    """A machine so loaded that every time limit of the hold passes while keys are still on
    their way; `slow`: also each key in a text widget takes many turns of the event loop."""
    app.KEY_HOLD_LIMIT = 1e-6  # (Textual refuses a timer of 0 s)
    if slow != "slow":
        return
    for cls in (Input, TextArea):
        original = cls._on_key

        async def slow_key(self, event, original=original):
            for _ in range(20):
                await asyncio.sleep(0)  # timers, workers and the next keys run meanwhile
            await original(self, event)

        monkeypatch.setattr(cls, "_on_key", slow_key)


@pytest.fixture
def ended(tmp_path):
    loaded = load_fixture(DEFAULT)
    s = Session.create(loaded.scenario, loaded.texts, tmp_path, name="Burst", seed=7)
    to_deliberation(s)
    s.execute(cm.End("out of time"))
    yield s
    s.close()


@pytest.fixture
def playing(tmp_path):
    loaded = load_fixture(DEFAULT)
    s = Session.create(loaded.scenario, loaded.texts, tmp_path, name="Burst", seed=7)
    to_deliberation(s)
    yield s
    s.close()


def where(app) -> str:
    """Where the keys are: the screens, the focused widget and what the form's fields hold."""
    fields = {w.id: (w.value if isinstance(w, Input) else w.text) for w in app.screen.query("Input, TextArea")}
    return (f"screens {[type(s).__name__ for s in app.screen_stack]}, focused {app.focused!r}, "
            f"fields {fields}, hold {app._key_busy} next {app._key_next!r} waiting {len(app._keys_waiting)}")


async def saved(app, pilot, condition) -> None:
    """Wait until `condition()` (the form saved, its screen closed); else say where the keys are."""
    try:
        await wait_for(condition, timeout=60, pilot=pilot)
    except AssertionError as error:
        raise AssertionError(f"{error}; {where(app)}") from None


def last_command(session) -> dict:
    return session.records[-1]["command"]


@pytest.mark.parametrize("slow", SLOW)
@pytest.mark.parametrize("arrival", ARRIVALS)
async def test_f_then_a_name_tab_and_200_characters_go_whole_into_the_feedback_form(ended, monkeypatch, arrival, slow):
    app = make_app(session=ended, team="norfolk")
    app.animation_level = "none"
    make_slow(monkeypatch, app, slow)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(lambda: isinstance(app.screen, TeamScreen) and app.screen.view, pilot=pilot)
        team = app.screen
        # f opens the form (a worker pushes it); the name, Tab, the strength and ctrl+s follow at once
        deliver(app, [key("f"), *keys("Carol White"), tab(), *keys(TEXT), ctrl_s()], arrival)
        await saved(app, pilot, lambda: len(ended.state.feedback) == 1 and app.screen is team)
        given = last_command(ended)
        assert given["kind"] == "give_feedback"
        assert given["participant"] == "Carol White"
        assert given["strengths"] == [TEXT]  # whole, in order: nothing went to the screen behind
        assert app.screen is team and len(app.screen_stack) == 2  # no read view opened by a stray r


@pytest.mark.parametrize("slow", SLOW)
@pytest.mark.parametrize("arrival", ARRIVALS)
async def test_m_then_200_characters_go_whole_into_the_note(playing, monkeypatch, arrival, slow):
    app = make_app(session=playing)
    app.animation_level = "none"
    make_slow(monkeypatch, app, slow)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(lambda: isinstance(app.screen, FacilitatorScreen), pilot=pilot)
        console = app.screen
        notes = len(playing.state.notes)
        deliver(app, [key("m"), *keys(TEXT), ctrl_s()], arrival)
        await saved(app, pilot, lambda: len(playing.state.notes) == notes + 1 and app.screen is console)
        note = last_command(playing)
        assert note["kind"] == "note" and note["text"] == TEXT  # its first letter, every space in place
        assert app.screen is console and len(app.screen_stack) == 2


@pytest.mark.parametrize("slow", SLOW)
@pytest.mark.parametrize("arrival", ARRIVALS)
async def test_u_then_200_characters_go_whole_into_an_argued_action(playing, monkeypatch, arrival, slow):
    app = make_app(session=playing, team="norfolk")
    app.animation_level = "none"
    make_slow(monkeypatch, app, slow)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(lambda: isinstance(app.screen, TeamScreen) and app.screen.view, pilot=pilot)
        team = app.screen
        before = set(playing.state.actions)
        deliver(app, [key("u"), *keys(TEXT), tab(), *keys("Bridge open"), ctrl_s()], arrival)
        await saved(app, pilot, lambda: len(playing.state.actions) == len(before) + 1 and app.screen is team)
        argued = last_command(playing)
        assert argued["kind"] == "argue"
        assert (argued["action"], argued["result"]) == (TEXT, "Bridge open")
        assert app.screen is team and len(app.screen_stack) == 2


@pytest.mark.parametrize("arrival", ARRIVALS)
async def test_keys_behind_a_dialog_key_wait_for_its_focus_however_slow_the_dialog(ended, monkeypatch, arrival):
    """The dialog's first field gets the focus only many event-loop turns after the dialog
    opens (a slow compose under load): the first letters typed still land in it."""
    app = make_app(session=ended, team="norfolk")
    app.animation_level = "none"
    app.KEY_HOLD_LIMIT = 1e-6  # (Textual refuses a timer of 0 s)
    original = FormModal.on_mount

    async def slow_mount(self):
        for _ in range(50):
            await asyncio.sleep(0)
        original(self)

    monkeypatch.setattr(FormModal, "on_mount", slow_mount)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(lambda: isinstance(app.screen, TeamScreen) and app.screen.view, pilot=pilot)
        team = app.screen
        deliver(app, [key("f"), *keys("Riverton"), tab(), *keys("Calm radio"), ctrl_s()], arrival)
        await saved(app, pilot, lambda: len(ended.state.feedback) == 1 and app.screen is team)
        given = last_command(ended)
        assert (given["participant"], given["strengths"]) == ("Riverton", ["Calm radio"])


# -- a key whose worker waits (on the network) before it opens its dialog ---------------------
class AskModal(ModalScreen):
    def compose(self):
        yield Input(id="ask")

    def on_mount(self) -> None:
        self.query_one("#ask", Input).focus()


class BehindScreen(Screen):
    """The screen behind the dialog: its keys count what reached it."""

    BINDINGS = [Binding("b", "ask", "Ask"), Binding("x", "hit", "Hit"), Binding("y", "hit", "Hit")]

    def __init__(self, wait: float):
        super().__init__()
        self.wait = wait
        self.hits = 0

    def compose(self):
        yield Static("behind")

    def action_hit(self) -> None:
        self.hits += 1

    @work
    async def action_ask(self) -> None:
        await asyncio.sleep(self.wait)  # the server takes its time to answer
        self.app.push_screen(AskModal())


class WaitingApp(BaseApp):
    CSS_PATH = None
    TIMED = False

    def __init__(self, wait: float):
        super().__init__()
        self.behind = BehindScreen(wait)

    def on_mount(self) -> None:
        self.push_screen(self.behind)


@pytest.mark.parametrize("arrival", ARRIVALS)
async def test_keys_behind_a_worker_that_waits_1_5_s_before_its_dialog_go_into_the_dialog(arrival):
    """b's worker waits 1.5 s (the network) and then opens a form: the keys typed after b
    wait for it and go into the form, none to the screen behind (its x and y)."""
    app = WaitingApp(1.5)
    said = record_notifications(app)
    async with app.run_test() as pilot:
        await wait_for(lambda: app.screen is app.behind, pilot=pilot)
        deliver(app, [key("b"), *keys("xy xyz")], arrival)
        await saved(app, pilot, lambda: isinstance(app.screen, AskModal)
                    and app.screen.query_one(Input).value == "xy xyz")
        assert app.behind.hits == 0
        assert not said  # no "still waiting": it came within the hold


async def test_a_worker_that_hangs_lets_the_keys_go_after_the_bound_and_says_so():
    """A hung network must not freeze the keyboard: after KEY_HOLD_LIMIT the keys go on to
    the screen and a notification says why; the dialog, when it comes, gets the keys after."""
    app = WaitingApp(2.0)
    app.KEY_HOLD_LIMIT = 0.5
    said = record_notifications(app)
    async with app.run_test() as pilot:
        await wait_for(lambda: app.screen is app.behind, pilot=pilot)
        deliver(app, [key("b"), key("x")], "at-once")
        await wait_for(lambda: app.behind.hits == 1, timeout=1.8, pilot=pilot)  # before the dialog came
        assert app.screen is app.behind
        assert any(s.startswith("Still waiting: The last key is still being worked on after 0.5 s") for s in said), said
        await wait_for(lambda: isinstance(app.screen, AskModal), pilot=pilot)
        deliver(app, keys("ok"), "at-once")
        await saved(app, pilot, lambda: app.screen.query_one(Input).value == "ok")
        assert app.behind.hits == 1


async def test_join_says_it_is_the_server_that_has_not_answered():
    """In `exercise join` a key's worker waits on the server: the notification says so."""
    from support import free_port

    from exercise.net.client import Client
    from exercise.tui.join import JoinApp

    assert JoinApp.KEY_HOLD_LIMIT >= 3  # a slow network's answer is waited for
    app = JoinApp(Client(f"ws://127.0.0.1:{free_port()}", "token", backoff=(0.5, 0.5)), "east")
    app.KEY_HOLD_LIMIT = 0.3
    said = record_notifications(app)
    behind = BehindScreen(1.0)
    async with app.run_test() as pilot:
        await app.push_screen(behind)
        deliver(app, [key("b"), key("x")], "at-once")
        await wait_for(lambda: behind.hits == 1, timeout=0.9, pilot=pilot)
        assert any(s.startswith("Still waiting: The server has not answered the last key after 0.3 s") for s in said), said
