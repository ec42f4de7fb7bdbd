"""The participant feedback form at a team's console: offered once the exercise has ended,
sent through the team's port, thanks, and another participant's form; at 80x24 and 120x40."""

from __future__ import annotations

import pytest
from support import DEFAULT, load_fixture, notifications, record_notifications, to_deliberation, wait_for
from test_fit_small_screens import problems
from textual.widgets import Input, Select, TextArea

from exercise.engine import commands as cm
from exercise.session import Session
from exercise.tui.app import make_app
from exercise.tui.modals import FormModal
from exercise.tui.team import TeamScreen

MARKUP = "[bold red]loud[/] [link=x]click[/]"


@pytest.fixture
def ended(tmp_path):
    loaded = load_fixture(DEFAULT)
    s = Session.create(loaded.scenario, loaded.texts, tmp_path, name="Feedback", seed=7)
    to_deliberation(s)
    yield s
    s.close()


async def _team(pilot, app) -> TeamScreen:
    if app.first_team != "norfolk":  # not opened on its screen (make_app's team): the hot-seat
        app.show_team("norfolk")
    await wait_for(lambda: isinstance(app.screen, TeamScreen) and app.screen.view, pilot=pilot)
    return app.screen


async def _form(pilot, app) -> FormModal:
    await pilot.press("f")
    await wait_for(lambda: isinstance(app.screen, FormModal), what="the feedback form", pilot=pilot)
    await pilot.pause()
    return app.screen


def _keys(screen) -> list[str]:
    return [b.binding.description for b in screen.active_bindings.values() if b.binding.show]


async def test_the_form_opens_after_the_end_and_each_participant_sends_one(ended):
    s = ended
    app = make_app(session=s, team="norfolk")
    app.animation_level = "none"
    record_notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _team(pilot, app)
        assert "Feedback" not in _keys(screen)
        await pilot.press("f")  # not yet: nothing opens
        await pilot.pause()
        assert app.screen is screen
        s.execute(cm.End("out of time"))
        await wait_for(lambda: screen.view.status == "ended", pilot=pilot)
        await pilot.pause()
        assert "Feedback" in _keys(screen)
        assert "Press f to give your feedback" in str(screen.query_one("#tm-banner").render())

        form = await _form(pilot, app)
        await pilot.press("ctrl+s")  # empty: the engine says so, and the form opens again
        await wait_for(lambda: any("the form is empty" in n for n in notifications(app)), pilot=pilot)
        form = app.screen
        assert isinstance(form, FormModal)
        form.query_one("#f-participant", Input).value = "Ann"
        form.query_one("#f-strength1", Input).value = MARKUP
        form.query_one("#f-improvement2", Input).value = "More time"
        form.query_one("#f-missed", TextArea).text = "The rail link"
        form.query_one("#f-rate-structure", Select).value = 4
        form.query_one("#f-rate-preparedness", Select).value = 5
        label = form.query_one("#f-strength1", Input)
        assert label.value == MARKUP  # typed markup is text
        await pilot.press("ctrl+s")
        await wait_for(lambda: len(s.state.feedback) == 1, pilot=pilot)
        await wait_for(lambda: any(n.startswith("Feedback sent: Thank you") for n in notifications(app)),
                       pilot=pilot)
        f = s.state.feedback[0]
        assert (f.team, f.participant, f.strengths, f.improvements, f.missed) == (
            "norfolk", "Ann", (MARKUP,), ("More time",), "The rail link")
        assert f.ratings == {"structure": 4, "preparedness": 5}
        assert app.screen is screen

        form = await _form(pilot, app)  # the next participant: a blank form
        assert form.query_one("#f-strength1", Input).value == ""
        form.query_one("#f-strength1", Input).value = "Good map"
        await pilot.press("ctrl+s")
        await wait_for(lambda: len(s.state.feedback) == 2, pilot=pilot)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_feedback_form_fits(ended, size):
    s = ended
    s.execute(cm.End("out of time"))
    app = make_app(session=s, team="norfolk")
    app.animation_level = "none"
    async with app.run_test(size=size) as pilot:
        screen = await _team(pilot, app)
        await pilot.pause()
        bad = problems(app, "team console at the end")
        shown = [k.description for k in screen.query("FooterKey")]
        assert "Feedback" in shown, shown
        await _form(pilot, app)
        bad += problems(app, "feedback form")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
    assert bad == [], "\n".join(bad)
