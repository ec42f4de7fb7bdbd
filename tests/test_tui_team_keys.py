"""Which keys the team console offers where, and that each works from every tab.

The tabs own their keys; the screen relays them from the other tabs. These tests pin the
behaviour from before the console was split into one widget per tab: the footer's order
on a wide terminal, a tab's keys in the footer while the tab bar has the focus, a key
pressed on another tab, and Tracks' own assign (it offers the selected capability).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support import to_deliberation, wait_for
from textual.widgets import DataTable, Select, Tabs

from exercise.engine import commands as cm
from exercise.packs import loader
from exercise.packs.problems import Problems
from exercise.session import Session
from exercise.tui.app import make_app
from exercise.tui.modals import FormModal
from exercise.tui.team import TeamScreen

MINI = Path(__file__).parent / "fixtures" / "mini" / "scenarios" / "mini.toml"
EVERY_KEY = ["Read", "Argue", "Budget split", "Spending", "Order", "Withdraw/cancel", "Priority", "Assign",
             "Take lead",
             "Hand back", "Submit", "Back", "Help", "Quit"]


@pytest.fixture
def session(tmp_path):
    loaded = loader.load_scenario(MINI, Problems())
    s = Session.create(loaded.scenario, loaded.texts, tmp_path)
    to_deliberation(s)
    yield s
    s.close()


async def until(pilot, cond):
    # a time limit, not a count of pauses: under load 40 pauses could pass before a dialog mounted
    await wait_for(cond, pilot=pilot)


async def open_team(pilot, app) -> TeamScreen:
    if app.first_team != "east":  # not opened on east's screen (make_app's team): the hot-seat
        app.show_team("east")
    await until(pilot, lambda: isinstance(app.screen, TeamScreen) and app.screen.view)
    return app.screen


def footer(screen) -> list[str]:
    return [b.binding.description for b in screen.active_bindings.values() if b.binding.show]


async def test_a_wide_footer_shows_every_key_in_one_order_on_every_tab(session):
    app = make_app(session=session, team="east")
    app.animation_level = "none"
    async with app.run_test(size=(200, 40)) as pilot:
        screen = await open_team(pilot, app)
        assert footer(screen) == ["Answer", *EVERY_KEY]
        for tab in "23456":
            await pilot.press(tab)
            await pilot.pause()
            assert footer(screen) == EVERY_KEY, tab


async def test_the_footer_shows_the_tabs_keys_while_the_tab_bar_has_the_focus(session):
    app = make_app(session=session, team="east")
    app.animation_level = "none"
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_team(pilot, app)
        await pilot.press("3")
        screen.query_one(Tabs).focus()
        await pilot.pause()
        assert footer(screen) == ["Order", "Withdraw/cancel", "Priority", "Submit", "Back", "Help", "Quit"]


async def test_a_tabs_key_works_from_another_tab(session):
    app = make_app(session=session, team="east")
    app.animation_level = "none"
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_team(pilot, app)
        screen.query_one("#tm-catalogue", DataTable).move_cursor(row=1)
        await pilot.press("o")  # on the Inbox: orders the item selected in Procurement
        await until(pilot, lambda: isinstance(app.screen, FormModal))
        assert app.screen.title_text == f"Order: {session.scenario.items[1].name}"


@pytest.mark.parametrize("width", [80, 200])  # on a wide terminal the screen's copy of the key acts
async def test_assign_on_the_tracks_tab_offers_the_selected_capability(session, width):
    tracks = [t.id for t in session.scenario.tracks if t.scope == "team"]
    app = make_app(session=session, team="east")
    app.animation_level = "none"
    async with app.run_test(size=(width, 30)) as pilot:
        screen = await open_team(pilot, app)
        await pilot.press("5")
        screen.query_one("#tm-team-tracks", DataTable).move_cursor(row=len(tracks) - 1)
        await pilot.press("a")
        # the form's Select (and its overlay) mount after the modal is the screen: wait for them
        await until(pilot, lambda: isinstance(app.screen, FormModal) and app.screen.query("#f-capability"))
        await pilot.pause()
        assert app.screen.query_one("#f-capability", Select).value == tracks[-1]


async def test_no_focus_and_no_key_stays_in_a_tab_not_shown(session):
    """A table of the tab left behind kept the focus, so its tab's keys fired from another tab
    (play-test: on Procurement a key opened the Commands tab's "Assign forces")."""
    from textual.widgets import TabbedContent

    from exercise.tui.base import in_hidden_tab
    from exercise.tui.team.commands import CommandsTab

    app = make_app(session=session, team="east")
    app.animation_level = "none"
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_team(pilot, app)
        await pilot.press("4")
        await pilot.pause()
        assert app.focused is screen.query_one("#tm-commands")
        screen.query_one(TabbedContent).active = "procurement"  # switched without moving the focus
        await until(pilot, lambda: app.focused is not None and not in_hidden_tab(app.focused))
        assert app.focused is screen.query_one("#tm-catalogue")
        commands = screen.query_one(CommandsTab)
        assert commands.check_action("assign", ()) is False  # a tab not shown has no keys of its own
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, FormModal))
        assert app.screen.title_text.startswith("Order: ")


def shown_keys(screen) -> list[str]:
    """The keys the footer draws (FitFooter drops what does not fit)."""
    from textual.widgets._footer import FooterKey

    return [k.description for k in screen.query(FooterKey)]


async def test_submit_stays_in_a_narrow_footer(tmp_path):
    """Play-test at 80x24: Procurement's footer dropped s Submit (the tab's keys came first)."""
    loaded = loader.load_scenario(loader.find_scenario("deadline-2027"), Problems())
    s = Session.create(loaded.scenario, loaded.texts, tmp_path)
    try:
        to_deliberation(s)
        app = make_app(session=s, team="brunssum-west")
        app.animation_level = "none"
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, TeamScreen) and app.screen.view)
            screen = app.screen
            await pilot.press("3")
            await until(pilot, lambda: "Order" in shown_keys(screen))
            assert "Submit" in shown_keys(screen), shown_keys(screen)
    finally:
        s.close()


async def test_after_the_end_the_team_footer_offers_nothing_that_acts(session):
    app = make_app(session=session, team="east")
    app.animation_level = "none"
    async with app.run_test(size=(200, 40)) as pilot:
        screen = await open_team(pilot, app)
        assert {"Answer", "Argue", "Submit", "Order"} <= set(footer(screen))
        session.execute(cm.End("over"))
        await until(pilot, lambda: screen.view.status == "ended")
        await pilot.pause()
        assert footer(screen) == ["Read", "Feedback", "Back", "Help", "Quit"]


async def test_v_shows_when_a_lead_request_waits_for_the_team(tmp_path):
    import attrs

    loaded = loader.load_scenario(MINI, Problems())
    sc = loaded.scenario
    north = next(c for c in sc.commands if c.id == "north")
    sc = attrs.evolve(sc, commands=tuple(attrs.evolve(c, approval="members") if c is north else c
                                         for c in sc.commands))
    s = Session.create(sc, loaded.texts, tmp_path)
    try:
        to_deliberation(s)
        app = make_app(session=s, team="east")
        app.animation_level = "none"
        async with app.run_test(size=(200, 40)) as pilot:
            screen = await open_team(pilot, app)  # east
            assert "Answer request" not in footer(screen)
            other = next(t.id for t in sc.teams if t.id != "east")
            ally = next(t.allies[0] for t in sc.teams if t.id == other)
            s.execute(cm.TakeLead(other, other, "north", ally))
            await until(pilot, lambda: any(q.you_decide for c in screen.view.commands for q in c.requests))
            await pilot.pause()
            assert "Answer request" in footer(screen)
    finally:
        s.close()
