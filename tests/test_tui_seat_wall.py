"""The wall (the room's public display) through a LocalSeatPort on a real Session: what it
shows (turn, phase, tracks as bars with exact values, public team tracks, the injects fired
to every team, newest first, the outcome), what it never shows (an inject to one team, a
private track, a track the teams only estimate), and that it follows the exercise by itself."""

from __future__ import annotations

from support import DEFAULT, FIXTURES, load_fixture, to_deliberation, wait_for
from textual.widgets import Digits, Static

from exercise.engine import commands as cm
from exercise.engine.seats import Seat
from exercise.session import Session
from exercise.tui.app import make_app
from exercise.tui.seat.wall import Drawn, WallScreen, bar, teams_text, world_text

RED = FIXTURES / "red" / "scenarios" / "red.toml"
WALL = Seat("wall", "wall", "Wall display")


def red_session(tmp_path, **kw) -> Session:
    loaded = load_fixture(RED)
    return Session.create(loaded.scenario, loaded.texts, tmp_path, name="Wall", seed=3, **kw)


def shown(screen) -> str:
    parts = [str(w.render()) for w in screen.query(Static)]
    parts += [w.render().plain for w in screen.query(Drawn)]
    return "\n".join(parts)


def test_a_bar_is_exact_to_an_eighth_and_fills_its_width():
    assert bar(5, 0, 10, 8).plain == "████░░░░"
    assert bar(0, 0, 10, 4).plain == "░░░░"
    assert bar(10, 0, 10, 4).plain == "████"
    assert bar(12, 0, 10, 4).plain == "████"  # past the scale: full, never longer
    assert bar(1, 0, 8, 1).plain == "▏"  # an eighth


def test_world_tracks_keep_values_in_a_column_and_hide_an_estimate():
    from exercise.engine.view_types import WallTrack

    tracks = (WallTrack("a", "US trust", 4.5, 0, 10, "Impatient", 2),
              WallTrack("b", "European cohesion", 6, 0, 10, "", 2),
              WallTrack("c", "Escalation", None, 0, 7, "", 2))
    lines = world_text(tracks, 80).plain.split("\n")
    assert lines[0].startswith("US trust") and "4.5 of 0–10  Impatient" in lines[0]
    assert lines[0].index("4.5") + 2 == lines[1].index("6 of")  # right-aligned: the values line up
    assert "estimated by the teams: its value is not shown" in lines[2] and "7" not in lines[2]
    assert all(len(line) <= 80 for line in lines)
    narrow = world_text(tracks, 40).plain.split("\n")
    assert narrow[0] == "US trust  4.5 of 0–10  Impatient" and len(narrow[1]) == 40  # two lines a track


def test_team_tracks_grid_fits_its_width(tmp_path):
    s = red_session(tmp_path)
    from exercise.engine.seats import wall_view

    v = wall_view(s.state)
    teams = [(t.id, t.name) for t in v.teams]
    for width in (40, 80, 200):
        lines = teams_text(v.team_tracks, teams, width).plain.split("\n")
        assert all(len(line) <= width for line in lines), (width, lines)
    assert "Secret reserves" not in teams_text(v.team_tracks, teams, 80).plain  # private: never on the wall
    s.close()


async def test_the_wall_shows_the_public_picture_and_follows_the_exercise(tmp_path):
    s = red_session(tmp_path)
    app = make_app(session=s, clock=lambda: 0.0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.show_seat(WALL)
        await wait_for(lambda: isinstance(app.screen, WallScreen) and app.screen.view is not None, pilot=pilot)
        wall = app.screen
        assert "Not started yet" in shown(wall)
        s.execute(cm.Start())
        await wait_for(lambda: "Turn 1 of 4" in shown(wall), pilot=pilot)
        assert "Briefing" in shown(wall)
        s.execute(cm.Advance())
        await wait_for(lambda: "Injects" in str(wall.query_one("#wall-phase", Static).render()), pilot=pilot)
        s.execute(cm.FireAdHoc("Storm over the Baltic", "Ports closed."))
        s.execute(cm.FireAdHoc("For East only", "A secret.", to=("east",)))
        s.execute(cm.FireAdHoc("Ceasefire talk", "Rumours."))
        await wait_for(lambda: "Ceasefire talk" in shown(wall), pilot=pilot)
        text = shown(wall)
        assert text.index("Ceasefire talk") < text.index("Storm over the Baltic")  # newest first
        assert "For East only" not in text and "A secret" not in text  # to one team: not the room's
        assert "US trust" in text and "5 of 0–10" in text
        assert "Air defence" in text and "Secret reserves" not in text  # a private team track stays off
        s.execute(cm.Pause())
        await wait_for(lambda: wall.has_class("-paused"), pilot=pilot)
        assert "PAUSED" in shown(wall)
        s.execute(cm.Resume())
        app.set_timer_minutes(12)
        await wait_for(lambda: wall.query_one("#wall-timer", Digits).display, pilot=pilot)
        assert wall.query_one("#wall-timer", Digits).value == "12:00"
        await pilot.press("escape")  # hot-seat: back to the console
        await pilot.pause()
        assert not isinstance(app.screen, WallScreen)
    s.close()


async def test_the_wall_shows_the_outcome_once_judged(tmp_path):
    s = red_session(tmp_path)
    to_deliberation(s)
    s.execute(cm.End("the room ran out of time"))
    app = make_app(session=s)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.show_seat(WALL)
        await wait_for(lambda: isinstance(app.screen, WallScreen) and app.screen.view is not None, pilot=pilot)
        outcome = app.screen.query_one("#wall-outcome", Static)
        if s.state.verdict is None:  # a scorecard: the verdict waits for the US desk
            assert not outcome.display
            s.execute(cm.Judge(None, "as proposed"))
        await wait_for(lambda: outcome.display, pilot=pilot)
        assert f"Outcome: {s.state.verdict.name}" in str(outcome.render())
        assert "The exercise has ended" in shown(app.screen)
    s.close()


async def test_the_wall_has_no_key_that_acts(tmp_path):
    loaded = load_fixture(DEFAULT)
    s = Session.create(loaded.scenario, loaded.texts, tmp_path, name="Wall", seed=1)
    to_deliberation(s)
    app = make_app(session=s)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.show_seat(WALL)
        await wait_for(lambda: isinstance(app.screen, WallScreen) and app.screen.view is not None, pilot=pilot)
        before = len(s.records)
        for key in "anpswo":
            await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, WallScreen) and len(s.records) == before
        assert "Escalation" in shown(app.screen) and "estimated by the teams" in shown(app.screen)
        keys = {b.binding.action for b in app.screen.active_bindings.values()
                if not b.binding.action.startswith(("app.focus", "scroll_", "page_"))}  # Textual's own moves
        assert keys <= {"back", "help", "quit", "command_palette", "screen.copy_text"}, keys
    s.close()


class NetPort:
    """A wall's network port whose status the test sets (as the client does), telling its
    subscribers (the client's status change is such a change)."""

    def __init__(self, session: Session):
        from exercise.ports import LocalSeatPort

        self._local = LocalSeatPort(session, WALL)
        self.seat = WALL
        self.status = "connected"
        self._callbacks: list = []

    def view(self):
        return self._local.view()

    def subscribe(self, callback):
        self._callbacks.append(callback)
        return lambda: self._callbacks.remove(callback)

    def set_status(self, status: str) -> None:
        self.status = status
        for c in list(self._callbacks):
            c()


async def test_the_wall_says_plainly_when_the_server_is_lost_and_clears_when_back(tmp_path):
    s = red_session(tmp_path)
    app = make_app(session=s, clock=lambda: 0.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        port = NetPort(s)
        wall = WallScreen(port)
        app.push_screen(wall)
        await wait_for(lambda: app.screen is wall and wall.view is not None, pilot=pilot)
        banner = wall.query_one("#wall-offline", Static)
        assert not banner.display and "NO CONNECTION" not in shown(wall)
        port.set_status("reconnecting… (attempt 2)")
        await wait_for(lambda: banner.display, pilot=pilot)
        said = str(banner.render())
        assert "NO CONNECTION" in said and "reconnecting… (attempt 2)" in said and "last one received" in said
        assert wall.has_class("-offline")
        assert banner.region.height >= 4 and banner.region.width == 80  # across the wall, not a corner mark
        port.set_status("connected")
        await wait_for(lambda: not banner.display, pilot=pilot)
        assert not wall.has_class("-offline")
    s.close()
