"""What a play-tester found cut where the cut hid the meaning, or a number with no unit or
cause, read as drawn at the screen's size (support.screen_lines): the controller's Injects
"To" ("Brunssum…" for East and West alike) and its Actions "Result" ("Resul"); the debrief's
Decisions at 80 columns (team "Brunss", the choice off screen) and its status line ("under
way: turn 3 of"); the team's Procurement catalogue at 80x24 (2 rows); the facilitator's
Overview ("Sou" at 80 columns, "Communications and l" at 120); the team's Commands "Forces
7.5 in 3", the Overview's "Staff 0 of 6", the Terminals dialog without a controller's scope;
and the adjudication form that rolled on a stray Enter."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import DEFAULT, load_fixture, play_default, screen_lines, to_deliberation, wait_for
from textual.widgets import Button, Input, Select

from exercise.engine import commands as cm
from exercise.engine.seats import Seat
from exercise.ports import LocalSeatPort
from exercise.session import Session

HOSPITAL = Path(__file__).parent.parent / "scenarios" / "hospital-ransomware.toml"


def start(path: Path, root: Path, name: str = "Fit") -> Session:
    loaded = load_fixture(path)
    s = Session.create(loaded.scenario, loaded.texts, root, name=name, seed=7)
    to_deliberation(s)
    return s


@pytest.fixture
def deadline(tmp_path):
    s = start(DEFAULT, tmp_path)
    yield s
    s.close()


@pytest.fixture
def hospital(tmp_path):
    s = start(HOSPITAL, tmp_path)
    yield s
    s.close()


def console(session):
    from exercise.tui.app import make_app

    app = make_app(session=session)
    app.animation_level = "none"
    return app


def row_of(lines: list[str], start: str) -> list[str]:
    """The lines of the table row whose first cell starts with `start` (a wrapped row's
    next lines: those whose first column is blank)."""
    at = next(i for i, line in enumerate(lines) if line.lstrip().startswith(start))
    out = [lines[at]]
    for line in lines[at + 1:]:
        if not line.startswith("  ") or not line.strip():
            break
        out.append(line)
    return out


# -- 1 the controller's console ---------------------------------------------------------------
@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_controller_reads_which_teams_an_inject_goes_to_and_every_action_column(deadline, size):
    """At 80 columns "Another explosion" (East and West) and "Three MiG-31s" (East and
    Norfolk) both read "Brunssum…"; with an action argued open and counter-argued twice,
    the Actions header read "Resul"."""
    from exercise.tui.seat.controller import ControllerScreen

    s = deadline
    s.execute(cm.Argue("brunssum-east", "brunssum-east", "Close the border crossings to all freight",
                       "Fewer drones", "Public pressure", open=True))
    aid = next(iter(s.state.actions))
    for team in ("brunssum-west", "norfolk"):
        s.execute(cm.CounterArgue(team, aid, "their guards are stretched thin", team=team))
    app = console(s)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        app.push_screen(ControllerScreen(LocalSeatPort(s, Seat("alice", "controller", "Alice (controller)")),
                                         hot_seat=True))
        await pilot.pause()
        lines = screen_lines(app)
        assert not any("Brunssum…" in line for line in lines), "\n".join(lines)
        assert "Brunssum West" in " ".join(row_of(lines, "Another explosion")), "\n".join(lines)
        await pilot.press("2")
        await pilot.pause()
        lines = screen_lines(app)
        head = next(line for line in lines if line.lstrip().startswith("Team "))
        assert head.split() == ["Team", "Turn", "Action", "Seen", "by", "Odds", "Result"], "\n".join(lines)
        assert "open · 2 counters" in " ".join(lines)


# -- 2 the debrief ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def played(tmp_path_factory):
    s = play_default(tmp_path_factory.mktemp("played"))
    yield s
    s.close()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_debriefs_decisions_show_team_and_choice_whole(played, size):
    from exercise.debrief.record import from_session
    from exercise.tui.debrief import make_debrief_app

    app = make_debrief_app(from_session(played))
    async with app.run_test(size=size) as pilot:
        await pilot.press("4")
        await pilot.pause()
        lines = screen_lines(app)
        first = " ".join(" ".join(row_of(lines, "1     Washington")).split())  # the first decision, its lines
        assert "Brunssum East" in first and "Accept the deadline publicly" in first, "\n".join(lines)
        assert "Washington sets the" in first and "clock: 2027" in first, "\n".join(lines)  # wrapped, whole


async def test_the_debriefs_status_line_is_never_cut(tmp_path):
    """A longer title at 80 columns: the line read "… · under way: turn 1 of" (cut)."""
    from exercise.debrief.record import from_session
    from exercise.tui.debrief import make_debrief_app

    s = start(DEFAULT, tmp_path, name="Deadline 2027 tabletop, Brussels")
    app = make_debrief_app(from_session(s))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        status = screen_lines(app)[0].rstrip()
        assert status.endswith("· under way"), status
        assert "end of turn 1 of 8" in status
    app = make_debrief_app(from_session(s))
    async with app.run_test(size=(120, 40)) as pilot:  # room for it all: as it was
        await pilot.pause()
        assert screen_lines(app)[0].rstrip().endswith("· under way: turn 1 of 8")
    s.close()


# -- 3 the team's Procurement tab ---------------------------------------------------------------
async def test_the_catalogue_shows_four_items_at_80x24(deadline):
    from exercise.tui.team import TeamScreen

    app = console(deadline)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.show_team("norfolk")
        await wait_for(lambda: isinstance(app.screen, TeamScreen) and app.screen.view, pilot=pilot)
        await pilot.press("3")
        await pilot.pause()
        lines = screen_lines(app)
        names = [i.name for i in app.screen.view.catalogue]
        shown = [n for n in names if any(line.startswith(" " + n[:14]) for line in lines)]
        assert len(shown) >= 4, "\n".join(lines)
        # the rest of the tab is still on the screen: the basket, the orders, the capacity for sale
        text = "\n".join(lines)
        assert "Basket empty" in text and "Selected order:" in text and "Capacity for sale" in text, text


# -- 4 the facilitator's Overview -----------------------------------------------------------------
async def test_the_overview_shows_every_teams_capabilities_at_80_columns(deadline):
    app = console(deadline)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        lines = screen_lines(app)
        head = next(line for line in lines if line.lstrip().startswith("Track "))
        assert head.split()[-1] == "South", "\n".join(lines)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_a_long_team_name_is_never_cut_on_the_overview_and_injects(hospital, size):
    """"Communications and leadership" read "Communications and l" even at 120 columns."""
    app = console(hospital)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for tab in "12":
            await pilot.press(tab)
            await pilot.pause()
            lines = screen_lines(app)
            text = "\n".join(lines)
            assert "Communications and l " not in text and "Communications and l…" not in text, text
            assert "leadership" in text, text


# -- 5 numbers with their unit and cause ----------------------------------------------------------
async def test_forces_in_a_command_say_points_and_capabilities(deadline):
    from exercise.tui.team import TeamScreen

    app = console(deadline)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.show_team("norfolk")
        await wait_for(lambda: isinstance(app.screen, TeamScreen) and app.screen.view, pilot=pilot)
        await pilot.press("4")
        await pilot.pause()
        text = "\n".join(screen_lines(app))
        assert "Your forces" in text, text
        forces = app.screen.view.me.forces
        many = next(f for f in forces.values() if f.capabilities > 1)
        assert f"{many.points:g} pts in {many.capabilities} capabilities" in text, text


async def test_the_overviews_staff_says_what_is_counted(deadline):
    app = console(deadline)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        lines = screen_lines(app)
        at = next(i for i, line in enumerate(lines) if line.lstrip().startswith("Team "))
        # the header's two lines: "Staff" over "officers", the scenario's word
        assert lines[at].rstrip().endswith("Staff") and lines[at + 1].rstrip().endswith("officers"), "\n".join(lines)
        assert any("0 of 6 in use" in line for line in lines), "\n".join(lines)


def test_the_terminals_page_says_a_controllers_scope(deadline):
    from exercise.tui.facilitator.seats import seats_markdown

    class Server:
        url = "ws://127.0.0.1:9150"

        def connected(self):
            return {}

        def join_commands(self):
            return [(Seat("alice", "controller", "Alice", scope=("brunssum-east", "norfolk")), "join alice"),
                    (Seat("bob", "controller", "Bob"), "join bob")]

    page = seats_markdown(Server(), deadline)
    assert "| Alice | controller | Brunssum East, Norfolk | alice | 0 |" in page, page
    assert "| Bob | controller | every team | bob | 0 |" in page, page


# -- 6 the adjudication form and Enter --------------------------------------------------------------
async def test_enter_in_the_adjudication_form_moves_on_and_never_rolls(deadline):
    from exercise.tui.modals import FormModal

    s = deadline
    s.execute(cm.Argue("brunssum-east", "brunssum-east", "Close the border crossings", "Fewer drones", "Pressure"))
    app = console(s)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("3", "j")
        await wait_for(lambda: isinstance(app.screen, FormModal), pilot=pilot)
        form = app.screen
        form.query_one("#f-rationale", Input).focus()
        await pilot.press(*"plausible", "enter")
        await pilot.pause()
        assert app.screen is form and form.query_one("#f-track", Select).has_focus  # the next field
        form.query_one("#f-add", Input).focus()
        await pilot.press("1", "enter")  # the last field: the button next, nothing rolled
        await pilot.pause()
        assert app.screen is form and form.query_one("#submit", Button).has_focus
        assert all(a.likelihood is None for a in s.state.actions.values())
        await pilot.press("enter")  # on the Roll button: rolled
        await wait_for(lambda: app.screen is not form, pilot=pilot)
        assert all(a.likelihood == 50 for a in s.state.actions.values())


async def test_enter_submits_a_form_of_one_field(deadline):
    from exercise.tui.modals import Field, FormModal

    app = console(deadline)
    got = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(FormModal("Go to turn", [Field("turn", "Turn", "integer", default=2)], "Go"), got.append)
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(lambda: got, pilot=pilot)
        assert got == [{"turn": 2}]
