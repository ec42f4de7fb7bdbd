"""The wall and the red cell's console at 80x24 and 120x40 (pytest-textual-snapshot), on the
red fixture scenario (not the bundled content, so editing that leaves these alone): turn 2's
deliberation, two red acts of turn 1 resolved and one planned, two injects fired to every
team and one to East only (not on the wall), a turn timer running (12:00 on a still clock).

Update after an intended change with `pytest tests/test_tui_seat_snapshots.py --snapshot-update`."""

from __future__ import annotations

import pytest
from support import FIXTURES, load_fixture, to_deliberation

from exercise.engine import commands as cm
from exercise.engine import seats
from exercise.session import Session
from exercise.tui.app import make_app

RED = FIXTURES / "red" / "scenarios" / "red.toml"


def room(tmp_path) -> Session:
    loaded = load_fixture(RED)
    s = Session.create(loaded.scenario, loaded.texts, tmp_path, name="Snapshot", seed=3)
    to_deliberation(s)
    s.execute(cm.FireAdHoc("Storm closes the Baltic ports", "Shipping stops for a week."))
    s.execute(cm.RedAct("sabotage", "east"))
    s.execute(cm.RedAct("jam", "north"))
    s.execute(cm.Advance(force=True))
    while s.state.phase != "deliberation":
        s.execute(cm.Advance())
    s.execute(cm.FireAdHoc("Washington asks for a plan by Friday", "The US desk wants each team's plan."))
    s.execute(cm.FireAdHoc("For East only", "Not the room's.", to=("east",)))
    s.execute(cm.RedAct("disinfo"))
    return s


def opened(seat_of):
    async def run_before(pilot) -> None:
        app = pilot.app
        app.set_timer_minutes(12)
        app.show_seat(seat_of(app.session.state))
        await pilot.pause()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_wall(snap_compare, tmp_path, size):
    app = make_app(session=room(tmp_path), clock=lambda: 0.0)
    assert snap_compare(app, terminal_size=size, run_before=opened(lambda _s: seats.Seat("wall", "wall", "Wall")))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_red_seat(snap_compare, tmp_path, size):
    app = make_app(session=room(tmp_path), clock=lambda: 0.0)
    assert snap_compare(app, terminal_size=size, run_before=opened(seats.red_seat))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_red_seat_picture(snap_compare, tmp_path, size):
    app = make_app(session=room(tmp_path), clock=lambda: 0.0)
    assert snap_compare(app, terminal_size=size, press=["2"], run_before=opened(seats.red_seat))


class LostPort:
    """The wall's network port with the server gone: its last view, and the client's status."""

    def __init__(self, session: Session):
        from exercise.ports import LocalSeatPort

        self._local = LocalSeatPort(session, seats.Seat("wall", "wall", "Wall"))
        self.seat = self._local.seat
        self.status = "reconnecting… (attempt 3)"

    def view(self):
        return self._local.view()

    def subscribe(self, callback):
        return self._local.subscribe(callback)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_wall_without_the_server(snap_compare, tmp_path, size):
    """The server lost: the wall says so across its width, above the last picture."""
    from exercise.tui.seat.wall import WallScreen

    async def run_before(pilot) -> None:
        app = pilot.app
        app.set_timer_minutes(12)
        app.push_screen(WallScreen(LostPort(app.session)))
        await pilot.pause()
        await pilot.pause()

    app = make_app(session=room(tmp_path), clock=lambda: 0.0)
    assert snap_compare(app, terminal_size=size, run_before=run_before)
