"""The play-test's behaviour items, driven with Pilot: a team's toasts stay with its seat,
a form reopened after a refusal still asks before Escape drops what was typed, the lead
dialogs say what taking or handing back costs and does (and offer only what can be taken),
the first key after opening a screen or dialog reaches it, the ledgers scroll from the
keyboard, the budget dialog shows its focused field, the override dialog shows the value
it changes, and after the end the footer offers only what can still be done."""

from __future__ import annotations

import pytest
from support import notifications, record_notifications, to_deliberation, toast_visible, wait_for
from textual import events
from textual.widgets import DataTable, Input

from exercise.engine import commands as cm
from exercise.engine import explain
from exercise.engine.decision import number
from exercise.session import Session
from exercise.tui.app import make_app
from exercise.tui.facilitator import FacilitatorScreen
from exercise.tui.modals import ConfirmModal, FormModal
from exercise.tui.team import TeamScreen


@pytest.fixture
def session(tmp_path, mini):
    s = Session.create(mini.scenario, mini.texts, tmp_path, name="Pilot")
    to_deliberation(s)
    yield s
    s.close()


def app_for(s, team: str | None = None):
    app = make_app(session=s, team=team)  # with a team: opened on its screen
    app.animation_level = "none"
    record_notifications(app)
    return app


async def open_team(pilot, app, team: str) -> TeamScreen:
    if app.first_team != team:  # not opened on this team's screen (app_for(s, team)): the hot-seat
        app.show_team(team)
    await wait_for(lambda: isinstance(app.screen, TeamScreen) and app.screen.view, pilot=pilot)
    return app.screen


async def test_the_first_key_after_opening_a_dialog_goes_into_it(session):
    app = app_for(session, "east")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_team(pilot, app, "east")
        # both keys queued at once, as a terminal delivers a fast typist's keys (pilot.press
        # would wait for the app to be idle between them and hide the race)
        app.post_message(events.Key("b", "b"))
        app.post_message(events.Key("3", "3"))
        await wait_for(lambda: isinstance(app.screen, FormModal) and app.screen.query("#f-sustain"), pilot=pilot)
        field = app.screen.query_one("#f-sustain", Input)
        await wait_for(lambda: field.value.endswith("3"), pilot=pilot)  # the held key lands (or never: fails)
        assert app.screen.focused is field
        assert field.value.endswith("3"), field.value


async def test_a_teams_toasts_do_not_follow_the_facilitator_to_another_seat(session):
    app = app_for(session)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await open_team(pilot, app, "east")
        await pilot.press("b")
        await wait_for(lambda: isinstance(app.screen, FormModal), pilot=pilot)
        app.screen.query_one("#f-sustain", Input).value = "60"
        app.screen.query_one("#f-invest", Input).value = "40"
        await pilot.press("ctrl+s")
        await wait_for(lambda: app.screen is screen and toast_visible(app, "Sustain 60 %"), pilot=pilot)
        await pilot.press("escape")  # back to the console: East's toast stays with East
        await wait_for(lambda: isinstance(app.screen, FacilitatorScreen), pilot=pilot)
        assert not toast_visible(app, "Sustain 60 %")
        await open_team(pilot, app, "east")
        await pilot.press("b")
        await wait_for(lambda: isinstance(app.screen, FormModal), pilot=pilot)
        await pilot.press("ctrl+s")  # the same split again: refused, a toast on East's seat
        await wait_for(lambda: any("Not done" in n for n in notifications(app)), pilot=pilot)
        await pilot.press("escape")
        await wait_for(lambda: isinstance(app.screen, TeamScreen), pilot=pilot)
        assert any(toast_visible(app, n.split(": ", 1)[1][:20]) for n in notifications(app)[-2:])
        app.pop_screen()
        await pilot.pause()
        await open_team(pilot, app, "west")  # straight to another team's screen
        assert not any(toast_visible(app, n.split(": ", 1)[1][:20]) for n in notifications(app))


async def test_escape_after_a_refused_split_asks_before_dropping_what_was_typed(session):
    app = app_for(session, "east")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await open_team(pilot, app, "east")
        await pilot.press("b")
        await wait_for(lambda: isinstance(app.screen, FormModal), pilot=pilot)
        first = app.screen
        first.query_one("#f-sustain", Input).value = "5"
        first.query_one("#f-invest", Input).value = "30"
        await pilot.press("ctrl+s")
        await wait_for(lambda: isinstance(app.screen, FormModal) and app.screen is not first, pilot=pilot)
        assert app.screen.query_one("#f-sustain", Input).value == "5"  # reopened as typed
        await pilot.press("escape")
        await wait_for(lambda: isinstance(app.screen, ConfirmModal), pilot=pilot)
        assert app.screen.title_text == "Discard what you typed?"
        await pilot.press("y")
        await wait_for(lambda: app.screen is screen, pilot=pilot)


async def test_the_override_dialog_shows_the_current_values_with_their_units(session):
    session.execute(cm.Override("track", 4.1, "test", track="cohesion"))
    app = app_for(session)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("o")
        await wait_for(lambda: isinstance(app.screen, FormModal), pilot=pilot)
        labels = " ".join(label for label, _ in app.screen.fields[0].options)
        assert "European cohesion (world): now 4.1 points" in labels, labels
        assert "Air defence (team): now East 2 points, West 3 points" in labels, labels
        cash = number(session.state.cash["east"])
        assert f"Money of a team (procurement): now East {cash} USD bn" in labels, labels


async def test_after_the_end_the_footer_offers_only_what_can_still_be_done(session):
    session.execute(cm.End("test over"))
    app = app_for(session)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        while not isinstance(screen, FacilitatorScreen):
            app.pop_screen()
            await pilot.pause()
            screen = app.screen
        shown = {b.binding.action for b in screen.active_bindings.values() if b.enabled}
        for gone in ("advance", "fire", "override", "hold", "skip", "pause"):
            assert gone not in shown, gone
        for kept in ("team", "debrief", "note", "end"):  # e shows the outcome once ended
            assert kept in shown, kept


async def test_the_ledgers_scroll_from_the_keyboard(session):
    from exercise.tui.modals import TextModal

    for split in (0.3, 0.4):  # two turns of changes: more lines than a small terminal shows
        session.execute(cm.Allocate("east", "east", {"sustain": split, "invest": 1 - split}))
        session.execute(cm.Advance(force=True))
        while session.state.phase != "deliberation":
            session.execute(cm.Advance())
    app = app_for(session)
    async with app.run_test(size=(80, 16)) as pilot:
        screen = await open_team(pilot, app, "east")
        await pilot.press("7")
        table = screen.query_one("#tm-ledger", DataTable)
        assert screen.focused is table and table.row_count > 2
        await pilot.press("down", "pagedown")
        assert table.cursor_row > 1
        app.pop_screen()
        await wait_for(lambda: isinstance(app.screen, FacilitatorScreen), pilot=pilot)
        await pilot.press("l")  # the selected team's ledger in full
        await wait_for(lambda: isinstance(app.screen, TextModal), pilot=pilot)
        await pilot.pause()
        body = app.screen.query_one(".page-body")
        assert body.max_scroll_y > 0
        await pilot.press("pagedown")
        await wait_for(lambda: body.scroll_y > 0, pilot=pilot)
        await pilot.press("up")
        await pilot.press("home")
        await wait_for(lambda: body.scroll_y == 0, pilot=pilot)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_every_budget_field_is_on_screen_when_it_has_the_focus(tmp_path, size):
    from support import DEFAULT, load_fixture

    loaded = load_fixture(DEFAULT)
    s = Session.create(loaded.scenario, loaded.texts, tmp_path)
    to_deliberation(s)
    app = app_for(s, s.scenario.teams[0].id)
    try:
        async with app.run_test(size=size) as pilot:
            await open_team(pilot, app, s.scenario.teams[0].id)
            await pilot.press("b")
            await wait_for(lambda: isinstance(app.screen, FormModal), pilot=pilot)
            modal = app.screen
            names = [f.name for f in modal.fields]
            assert len(names) >= 3
            for i, name in enumerate(names):
                field = modal.query_one(f"#f-{name}", Input)
                if i:
                    await pilot.press("tab")  # as a person moves on: the form scrolls to the field
                assert modal.focused is field, (name, modal.focused)
                region = field.region
                assert region.height > 0 and region.bottom <= size[1], (name, region)
                widget, _ = app.screen.get_widget_at(region.x + 1, region.y)
                assert widget is field, (name, widget)
    finally:
        s.close()


async def test_the_lead_dialogs_say_cost_and_consequences_and_a_lead_that_cannot_be_taken_says_why(session):
    app = app_for(session, "east")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await open_team(pilot, app, "east")
        await pilot.press("4", "l")
        await wait_for(lambda: isinstance(app.screen, FormModal), pilot=pilot)
        intro = app.screen.intro
        assert "costs 0.2 USD bn a turn" in intro and "3 staff officers" in intro
        assert "Taking the lead: US trust +1" in intro  # the scenario's lead effect
        await pilot.press("ctrl+s")
        await wait_for(lambda: app.screen is screen, pilot=pilot)
        assert session.state.leads["north"] == "PL"
        session.execute(cm.Advance(force=True))
        while session.state.phase != "deliberation":
            session.execute(cm.Advance())
        await pilot.pause()
        await pilot.press("g")
        await wait_for(lambda: isinstance(app.screen, ConfirmModal), pilot=pilot)
        body = app.screen.body
        assert "Poland stops leading JFC North" in body
        assert "Handing back: no effect on the tracks" in body
        assert "running cost of 0.2 USD bn a turn" in body
        await pilot.press("y")
        await wait_for(lambda: app.screen is screen and session.state.leads.get("north") != "PL", pilot=pilot)
        before = len(session.records)
        await pilot.press("l")  # changed this turn already: said now, not after a form
        await wait_for(lambda: any("changed this turn already" in n for n in notifications(app)), pilot=pilot)
        assert app.screen is screen and len(session.records) == before


def test_hand_back_words_state_the_scenarios_effects_and_the_saving():
    from exercise.engine import view_types as vt

    c = vt.CommandView("naples", "JFC Naples", "south", "PL", "Poland", "east", 0.35, 4, (), (),
                       hand_back_effects=("US trust -1.5", "European cohesion -0.2"), hand_back_unknown=True)
    words = explain.hand_back_words(c, "USD bn")
    assert "Poland stops leading JFC Naples for your team." in words
    assert "Handing back: US trust -1.5; European cohesion -0.2 · and consequences you cannot know" in words
    assert "running cost of 0.35 USD bn a turn and 4 staff officers" in words
    assert "threshold" in words


async def test_the_budget_tab_states_each_limit_once_and_names_the_floor(session):
    from textual.widgets import Static

    session.execute(cm.Allocate("east", "east", {"sustain": 0.25, "invest": 0.75}))
    app = app_for(session, "east")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_team(pilot, app, "east")
        await pilot.press("2")
        summary = str(screen.query_one("#tm-budget-summary", Static).content)
        assert "Invest: 0–100 %, this turn at most 75 % (it may grow by 50 % a turn, from 50 %)" in summary
        assert "may take at most" not in summary  # said once, in one way
        table = screen.query_one("#tm-categories", DataTable)
        sustain = [getattr(c, "plain", str(c)) for c in table.get_row_at(0)]
        assert "25 % under its 30 % floor" in sustain, sustain
        assert "after this turn's decision costs" in str(screen.query_one("#tm-floors", Static).content)
        await pilot.press("b")
        await wait_for(lambda: isinstance(app.screen, FormModal), pilot=pilot)
        labels = [f.label for f in app.screen.fields]
        assert labels[1] == "Invest: % of the budget, 0–100 %, this turn at most 75 % (it may grow by 50 % a turn, from 50 %)"
