"""Evaluation a facilitator can use: a note or rating names a team (or all teams), an
objective and an inject, and who rated; the debrief and the after-action report rate each
objective per team, with the history of ratings turn by turn and who gave them."""

from __future__ import annotations

import pytest
from support import record_notifications
from test_debrief_support import drill
from textual.widgets import Input, Select

from exercise.debrief import html, markdown
from exercise.debrief import tables as tb
from exercise.debrief.record import from_session
from exercise.debrief.report import build
from exercise.engine import commands as cm
from exercise.session import Session
from exercise.tui.app import make_app
from exercise.tui.modals import FormModal


@pytest.fixture
def rated(tmp_path):
    loaded = drill()
    s = Session.create(loaded.scenario, loaded.texts, tmp_path, name="Rated")
    s.execute(cm.Start())
    s.execute(cm.AddNote("Both teams slow", (), None, "air", "S"))  # all teams, the facilitator
    s.execute(cm.AddNote("East shot the drones down", (), None, "air", "P", team="east", author="Maj. Berg"))
    for _ in range(5):
        s.execute(cm.Advance(force=True))
    s.execute(cm.AddNote("East hesitated", (), None, "air", "M", team="east", author="Col. Diaz"))
    yield s
    s.close()


def test_a_rating_names_its_team_and_who_rated_and_unknown_teams_are_refused(rated):
    note = rated.state.notes[1]
    assert (note.team, note.author) == ("east", "Maj. Berg")
    assert rated.state.notes[0].team is None and rated.state.notes[0].author == ""
    with pytest.raises(cm.Rejected, match="unknown team 'north'"):
        rated.execute(cm.AddNote("x", team="north"))


def test_the_report_rates_each_objective_per_team_with_its_history_and_raters(rated):
    r = build(from_session(rated))
    rows = tb.objective_rows(r)
    assert rows == [
        ["Defend the airspace", "East", "M: Performed with major challenges",
         "turn 1: S (all teams, by the facilitator); turn 1: P (by Maj. Berg); turn 2: M (by Col. Diaz)"],
        ["Defend the airspace", "West", "S: Performed with some challenges",
         "turn 1: S (all teams, by the facilitator)"],
    ]
    md = markdown.render(r)
    page = html.render(r)
    for text in (md, page):
        assert "Col. Diaz" in text and "Maj. Berg" in text and "by the facilitator" in text
        assert "turn 2: M" in text
    assert "East hesitated (turn 2, East, rated M by Col. Diaz)" in md


async def test_the_notes_panel_chooses_team_objective_and_inject_by_name_and_asks_who_rated(tmp_path, mini):
    s = Session.create(mini.scenario, mini.texts, tmp_path, name="Notes")
    app = make_app(session=s)
    record_notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        s.execute(cm.Start())
        await pilot.press("5")  # the Notes tab
        await pilot.pause()
        app.screen.query_one("#note-table").focus()
        await pilot.press("m")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormModal)
        team = form.query_one("#f-team", Select)
        labels = [str(p[0]) for p in team._options]
        assert any("All teams" in x for x in labels) and "East" in labels and "east" not in labels
        form.query_one("#f-text").text = "East briefed well"
        team.value = "east"
        form.query_one("#f-objective", Select).value = "air"
        form.query_one("#f-rating", Select).value = "P"
        form.query_one("#f-author", Input).value = "Lt. Moss"
        await pilot.pause()
        form.action_submit()
        await pilot.pause()
        note = s.records[-1]["command"]
        assert (note["team"], note["author"], note["rating"]) == ("east", "Lt. Moss", "P")
        table = app.screen.query_one("#note-table")
        row = [str(c) for c in table.get_row_at(0)]
        assert row == ["1", "East", "East briefed well", "Defend the airspace", "P", "Lt. Moss"]
    s.close()
