"""Open arguments on screen: a team argues openly, another team reads it and counter-argues
it from its Inbox (c), the facilitator's adjudication form shows every side, and the result
reaches every team that saw the argument. Snapshots of the inbox with an open argument."""

from __future__ import annotations

import pytest
from support import notifications, to_deliberation, wait_for
from test_tui_team import SIZE, open_team, rows, team_app
from textual.widgets import DataTable, Select, Static, TextArea

from exercise.engine import commands as cm
from exercise.session import Session
from exercise.tui.app import make_app
from exercise.tui.modals import FormModal, TextModal
from exercise.tui.team import TeamScreen


async def form(pilot, app, key: str, values: dict, submit: bool = True) -> FormModal:
    """Press `key`, fill the form that opens (a multiline field too) and submit it (ctrl+s) unless not `submit`."""
    await pilot.press(key)
    await wait_for(lambda: isinstance(app.screen, FormModal), pilot=pilot)
    modal = app.screen
    for name, value in values.items():
        widget = modal.query_one(f"#f-{name}")
        if isinstance(widget, TextArea):
            widget.text = value
        else:
            widget.value = value if isinstance(widget, Select) else str(value)
    if submit:
        await pilot.press("ctrl+s")
        await wait_for(lambda: not isinstance(app.screen, FormModal), pilot=pilot)
        await pilot.pause()
    return modal


@pytest.fixture
def session(tmp_path, mini):
    s = Session.create(mini.scenario, mini.texts, tmp_path / "args")
    to_deliberation(s)
    yield s
    s.close()


async def test_a_team_argues_openly_from_its_inbox(session):
    app = team_app(session, "east")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_team(pilot, app, "east")
        await form(pilot, app, "u", {"action": "Close the border", "open": "open"})
        record = session.records[-1]["command"]
        assert (record["kind"], record["open"]) == ("argue", True)
        assert rows(screen, "tm-actions") == ["1 | Close the border | all · 0 counters | - | waiting"]
        await form(pilot, app, "u", {"action": "Quiet talks"})  # the default: secret
        assert "open" not in session.records[-1]["command"]
        assert rows(screen, "tm-actions")[1] == "1 | Quiet talks | you + white cell | - | waiting"


async def test_another_team_counter_argues_and_reads_the_adjudication(session):
    session.execute(cm.Argue("east", "east", "Close the border", "fewer drones", "public pressure", open=True))
    session.execute(cm.Argue("east", "east", "SECRET talks", "a deal", "back channel"))
    app = team_app(session, "west")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_team(pilot, app, "west")
        assert rows(screen, "tm-open") == ["1 | East | Close the border | 0 | - | waiting"]
        assert "SECRET" not in str(screen.view)
        modal = await form(pilot, app, "c", {"reasons": "their guards are stretched thin"})
        assert "East argues (turn 1): Close the border" in modal.intro
        record = session.records[-1]["command"]
        assert (record["kind"], record["actor"], record["team"], record["reasons"]) == (
            "counter_argue", "west", "west", "their guards are stretched thin")
        await wait_for(lambda: rows(screen, "tm-open") == ["1 | East | Close the border | 1 | - | waiting"],
                       pilot=pilot)
        before = len(session.records)
        first = await form(pilot, app, "c", {"reasons": "and again"}, submit=False)
        await pilot.press("ctrl+s")  # refused: one per team, and said why
        await wait_for(lambda: any("West has already counter-argued" in n for n in notifications(app)), pilot=pilot)
        assert len(session.records) == before
        # the form comes back with what was typed and why; escape drops it (nothing new typed: no question)
        await wait_for(lambda: isinstance(app.screen, FormModal) and app.screen is not first, pilot=pilot)
        assert app.screen.query_one("#f-reasons", TextArea).text == "and again"
        assert "West has already counter-argued" in app.screen.intro
        await pilot.press("escape")
        await wait_for(lambda: not isinstance(app.screen, FormModal), pilot=pilot)
        aid = next(iter(session.state.actions))
        session.execute(cm.Adjudicate(aid, 30, "the counter-argument holds"))
        await wait_for(lambda: "30 %" in rows(screen, "tm-open")[0], pilot=pilot)
        screen.query_one("#tm-open", DataTable).focus()
        await pilot.press("r")
        await wait_for(lambda: isinstance(app.screen, TextModal), pilot=pilot)
        page = app.screen.markdown
        assert "**West** (turn 1): their guards are stretched thin" in page
        assert "judged 30 % likely to work" in page and "against a 30 % chance" in page
        assert "the counter\\-argument holds" in page  # markdown-escaped, as every text of a player


def footer(screen) -> list[str]:
    return [b.binding.description for b in screen.active_bindings.values() if b.binding.show]


async def test_the_counter_key_shows_only_while_an_open_argument_waits(session):
    app = team_app(session, "west")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_team(pilot, app, "west")
        assert not screen.query_one("#tm-open", DataTable).display and "Counter" not in footer(screen)
        await pilot.press("c")
        await pilot.pause()
        assert not isinstance(app.screen, FormModal)
        session.execute(cm.Argue("east", "east", "Close the border", open=True))
        await wait_for(lambda: "Counter" in footer(screen), pilot=pilot)
        session.execute(cm.Argue("west", "west", "Our own", open=True))  # its own: nothing to counter there
        aid = next(iter(session.state.actions))
        session.execute(cm.Adjudicate(aid, 50, "even"))
        await wait_for(lambda: "Counter" not in footer(screen), pilot=pilot)
        assert screen.query_one("#tm-open", DataTable).display  # the result stays to read


async def test_the_adjudication_form_shows_every_side(session):
    session.execute(cm.Argue("east", "east", "Close the border", "fewer drones", "public pressure", open=True))
    aid = next(iter(session.state.actions))
    session.execute(cm.CounterArgue("west", aid, "their guards are stretched thin", team="west"))
    app = make_app(session=session)
    app.animation_level = "none"
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("3")
        table = app.screen.query_one("#action-table", DataTable)
        assert " | ".join(str(c) for c in table.get_row_at(0)).count("open · 1 counter") == 1
        await pilot.pause()  # the selected action's detail lists its counters, outside the j form too
        detail = str(app.screen.query_one("#action-detail", Static).render())
        assert "East argues (turn 1, open to every seat): Close the border" in detail
        assert "Counter-argued by West (turn 1): their guards are stretched thin" in detail
        await pilot.press("j")
        await wait_for(lambda: isinstance(app.screen, FormModal), pilot=pilot)
        intro = app.screen.intro
        assert "East argues openly: Close the border" in intro
        assert "Counter-argued by West: their guards are stretched thin" in intro
        assert "Every team will see the odds" in intro and "red cell" not in intro  # mini has no adversary


# -- snapshots ----------------------------------------------------------------------------------
def _inbox_app(session: Session):
    session.execute(cm.Argue("east", "east", "Close the border to drone traffic", "fewer incursions",
                             "public pressure", open=True))
    session.execute(cm.Argue("west", "west", "Escort the convoy", "supplies arrive", "ships", open=True))
    session.execute(cm.Argue("east", "east", "Jam the drones' links", "no control", "we have the kit", open=True))
    east = next(iter(session.state.actions))
    session.execute(cm.CounterArgue("west", east, "their guards are stretched thin", team="west"))
    session.execute(cm.Adjudicate(east, 30, "the counter-argument holds"))
    app = make_app(session=session)
    app.animation_level = "none"

    async def run_before(pilot) -> None:
        app.show_team("west")
        for _ in range(20):
            if isinstance(app.screen, TeamScreen):
                break
            await pilot.pause()
        await pilot.pause()

    return app, run_before


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_inbox_with_open_arguments(snap_compare, session, size):
    app, run_before = _inbox_app(session)
    assert snap_compare(app, terminal_size=size, run_before=run_before)
