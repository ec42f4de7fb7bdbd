"""Seats on one shared terminal and over `exercise join`: the facilitator console's s opens
each seat's screen (a team, the red cell, the wall; an evaluator and controllers when this
install has their screens) and escape comes back; the Terminals dialog lists every seat's
join command and adds and revokes seats through the server; JoinApp opens the screen of the
seat the server's welcome names."""

from __future__ import annotations

import asyncio

from support import FIXTURES, load_fixture, notifications, record_notifications, to_deliberation, wait_for
from textual.widgets import Input, Select

from exercise.engine import seats
from exercise.engine.seats import Seat
from exercise.engine.view_json import unstructure
from exercise.listeners import Listeners
from exercise.session import Session
from exercise.tui.app import make_app
from exercise.tui.facilitator import FacilitatorScreen
from exercise.tui.facilitator.seats import hot_seats, scope_of
from exercise.tui.modals import ConfirmModal, FormModal, TextModal
from exercise.tui.seat import screen_class
from exercise.tui.seat.red import RedSeatScreen
from exercise.tui.seat.wall import WallScreen
from exercise.tui.team import TeamScreen

RED = FIXTURES / "red" / "scenarios" / "red.toml"


def red_session(tmp_path) -> Session:
    loaded = load_fixture(RED)
    s = Session.create(loaded.scenario, loaded.texts, tmp_path, name="Room", seed=3)
    to_deliberation(s)
    return s


async def test_s_opens_each_seat_and_escape_comes_back(tmp_path):
    s = red_session(tmp_path)
    app = make_app(session=s)
    expected = {"team": TeamScreen, "red": RedSeatScreen, "wall": WallScreen}
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        offered = hot_seats(s, None)
        roles = [seat.role for _label, seat in offered]
        assert roles[:3] == ["team", "team", "red"] and "wall" in roles
        assert ("evaluator" in roles) == (screen_class("evaluator") is not None)  # only with its screen
        first = {}
        for i, (label, seat) in enumerate(offered):
            first.setdefault(seat.role, (i, label, seat))  # one of each role: a second team is the same screen
        for i, label, seat in first.values():
            await pilot.press("s")
            await wait_for(lambda: isinstance(app.screen, FormModal), pilot=pilot)
            select = app.screen.query_one("#f-seat", Select)
            assert [str(x) for x, _ in select._options][i] == label
            select.value = str(i)
            await pilot.press("ctrl+s")
            cls = expected.get(seat.role, screen_class(seat.role))
            await wait_for(lambda cls=cls: isinstance(app.screen, cls), pilot=pilot, what=label)
            await pilot.pause()
            await pilot.press("escape")
            await wait_for(lambda: isinstance(app.screen, FacilitatorScreen), pilot=pilot, what=f"back from {label}")
    s.close()


def test_a_controllers_scope_is_read_from_names_or_ids(tmp_path):
    s = red_session(tmp_path)
    teams = s.scenario.teams
    assert scope_of("East, west", teams) == (("east", "west"), "")
    assert scope_of("", teams) == ((), "")
    assert scope_of("East, Mars", teams) == (("east",), "Mars")
    s.close()


class FakeServer:
    """The server's face the console uses (exercise.net.server.ExerciseServer, with seats)."""

    def __init__(self, session, tokens: dict[str, str], keeps_seats: bool = True):
        self.session = session
        self.url = "ws://127.0.0.1:8765"
        self.tokens = type("T", (), {"teams": tokens})()
        self.connection_listeners = Listeners()
        self.added: list[tuple] = []
        self.revoked: list[str] = []
        self.extra: list[tuple[Seat, str]] = []
        if not keeps_seats:  # an older server: teams only
            del FakeServer.add_seat
        self.log = None

    async def start(self):
        pass

    async def stop(self):
        pass

    def set_timer(self, seconds):
        pass

    def connected(self) -> dict[str, int]:
        return {"west": 1, "red": 2}

    def join_commands(self):
        teams = [(Seat(t.id, "team", t.name, team=t.id),
                  f"exercise join {self.url} --team {t.id} --token {self.tokens.teams[t.id]}")
                 for t in self.session.scenario.teams]
        return teams + [(s, line) for s, line in self.extra if s.id not in self.revoked]

    def add_seat(self, role, name, scope=()):
        seat = Seat(name.lower() or role, role, name or "Russia (red cell)", scope=tuple(scope))
        line = f"exercise join {self.url} --seat {seat.id} --token t-{seat.id}"
        self.added.append((role, name, tuple(scope)))
        self.extra.append((seat, line))
        return seat, line

    def revoke(self, seat_id):
        self.revoked.append(seat_id)


async def test_the_terminals_dialog_lists_every_seat_and_adds_and_revokes(tmp_path):
    s = red_session(tmp_path)
    server = FakeServer(s, {"east": "tok-e", "west": "tok-w"})
    server.extra.append((Seat("proj", "wall", "Projector"), "exercise join ws://127.0.0.1:8765 --seat proj --token p"))
    app = make_app(session=s, server=server)
    record_notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await wait_for(lambda: isinstance(app.screen, TextModal), pilot=pilot)
        page = app.screen.markdown
        assert "exercise join ws://127.0.0.1:8765 --team east --token tok-e" in page
        assert "--seat proj --token p" in page and "| Projector | wall display | - | proj | 0 |" in page
        assert "| west | 1 |" in page
        await pilot.press("a")
        await wait_for(lambda: isinstance(app.screen, FormModal), pilot=pilot)
        app.screen.query_one("#f-role", Select).value = "controller"
        app.screen.query_one("#f-name", Input).value = "Alice"
        app.screen.query_one("#f-scope", Input).value = "East"
        await pilot.press("ctrl+s")
        await wait_for(lambda: server.added, pilot=pilot)
        assert server.added == [("controller", "Alice", ("east",))]
        await wait_for(lambda: isinstance(app.screen, TextModal) and "--seat alice" in app.screen.markdown,
                       pilot=pilot)  # the dialog again, with the new seat's line
        assert "Alice (controller: East)" in app.screen.markdown
        assert "| Alice | controller | East | alice | 0 |" in app.screen.markdown  # its scope in the table
        await pilot.press("r")
        await wait_for(lambda: isinstance(app.screen, FormModal), pilot=pilot)
        app.screen.query_one("#f-seat", Select).value = "alice"
        await pilot.press("ctrl+s")
        await wait_for(lambda: isinstance(app.screen, ConfirmModal), pilot=pilot)
        await pilot.press("y")
        await wait_for(lambda: server.revoked == ["alice"], pilot=pilot)
        assert any("revoked" in n for n in notifications(app))
        # the hot-seat picker offers the server's controllers too (when this install has their screen)
        assert any(seat.id == "proj" for _label, seat in hot_seats(s, server))
    s.close()


class FakeClient:
    """What JoinApp uses of exercise.net.client.Client: a welcome and a view, then nothing."""

    def __init__(self, welcome: dict, view: dict):
        self.url = "ws://127.0.0.1:8765"
        self.status = "connecting…"
        self.last_error = ""
        self.fatal = None
        self.welcome: dict | None = None
        self.view: dict | None = None
        self._welcome, self._view = welcome, view
        self._listeners: Listeners[[]] = Listeners()
        self.sent: list[dict] = []
        self.released = True  # False: the welcome waits until the test lets it come

    def subscribe(self, cb):
        return self._listeners.add(cb)

    async def run(self):
        while not self.released:
            await asyncio.sleep(0.01)
        self.welcome = self._welcome
        self._listeners.emit()
        self.view, self.status = self._view, "connected"
        self._listeners.emit()
        await asyncio.sleep(3600)

    async def send(self, body):
        self.sent.append(body)
        return {"ok": False, "reason": "the wall display only shows the exercise; it sends nothing"}

    def timer_left(self):
        return None

    async def close(self):
        pass


async def test_join_opens_the_screen_of_the_seat_the_welcome_names(tmp_path):
    from exercise.tui.join import ConnectingScreen, JoinApp

    s = red_session(tmp_path)
    wall = Seat("proj", "wall", "Projector")
    red = seats.red_seat(s.state)
    cases = [(wall, WallScreen), (red, RedSeatScreen)]
    for seat, cls in cases:
        view = unstructure(seats.view_for(seat, s.state))
        client = FakeClient({"type": "welcome", "role": seat.role, "team": None,
                             "seat": {"id": seat.id, "role": seat.role, "name": seat.name, "team": None,
                                      "scope": []}}, view)
        client.released = False
        app = JoinApp(client, seat.id)
        async with app.run_test(size=(100, 30)) as pilot:
            assert isinstance(app.screen, ConnectingScreen)
            assert "Team" not in str(app.screen.query_one("#join-status").render())  # not a team's seat
            assert f"Seat {seat.id}: connecting" in str(app.screen.query_one("#join-status").render())
            client.released = True
            await wait_for(lambda cls=cls, app=app: isinstance(app.screen, cls) and app.screen.view is not None,
                           pilot=pilot)
            assert app.screen.view == seats.view_for(seat, s.state)  # typed again from the JSON
            assert not app.screen.check_action("back", ())  # over the network: no facilitator to go back to
    # a token for another seat than asked: the reason, and out
    client = FakeClient({"type": "welcome", "role": "wall", "team": None,
                         "seat": {"id": "proj", "role": "wall", "name": "Projector", "team": None, "scope": []}},
                        unstructure(seats.view_for(wall, s.state)))
    app = JoinApp(client, "alice")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.3)
    assert app.return_code == 1
    # an older server: role and team only, a team's token
    team = Seat("east", "team", "East", team="east")
    client = FakeClient({"type": "welcome", "role": "team", "team": "east", "teams": [{"id": "east", "name": "East"}]},
                        unstructure(seats.view_for(team, s.state)))
    app = JoinApp(client, "east")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(lambda: isinstance(app.screen, TeamScreen) and app.screen.view is not None, pilot=pilot)
    s.close()
