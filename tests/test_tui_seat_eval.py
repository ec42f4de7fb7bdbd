"""The evaluator's console (exercise/tui/seat/evaluator.py), driven with Pilot through a
hot-seat seat port on a real Session: switching teams, writing a rated observation (signed,
journaled with the seat), refused without an objective; and its snapshots at 80x24 and 120x40."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from support import record_notifications, to_deliberation
from textual.widgets import DataTable, Select, Static, TabbedContent, TextArea

from exercise import engine
from exercise.engine import commands as cm
from exercise.engine.decision import roll_words
from exercise.engine.seats import Seat
from exercise.ports import LocalSeatPort
from exercise.session import Session
from exercise.tui.app import make_app
from exercise.tui.modals import FormModal, TextModal
from exercise.tui.seat.evaluator import EvaluatorScreen

SEAT = Seat("ann", "evaluator", "Ann (evaluator)")


@pytest.fixture
def session(tmp_path, mini):
    """Deliberation of turn 1: East answered the drones, argued an action, ordered; a rated note."""
    s = Session.create(mini.scenario, mini.texts, tmp_path, name="Seats")
    to_deliberation(s)
    s.execute(cm.Override("money", 5.0, "test", team="east"))
    s.execute(cm.PlaceOrder("east", "east", "sam", 1))
    s.execute(cm.Answer("east", "east", "drones", "shoot"))
    s.execute(cm.Argue("east", "east", "Close the border crossings", "Fewer drones", "Public pressure"))
    s.execute(cm.AddNote("East briefed well", ("strength",), "drones", "air", "S", team="east", author="Maj. Berg"))
    yield s
    s.close()


def evaluator_app(s: Session, *keys: str):
    app = make_app(session=s)
    app.animation_level = "none"

    async def run_before(pilot) -> None:
        await pilot.pause()
        app.push_screen(EvaluatorScreen(LocalSeatPort(s, SEAT), hot_seat=True))
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
        await pilot.pause()

    return app, run_before


def shown(app, widget_id: str) -> str:
    return str(app.screen.query_one(f"#{widget_id}", Static).render())


async def fill(pilot, app, values: dict) -> None:
    form = app.screen
    assert isinstance(form, FormModal), type(form)
    for name, value in values.items():
        widget = form.query_one(f"#f-{name}")
        if isinstance(widget, Select):
            widget.value = value
        elif isinstance(widget, TextArea):
            widget.text = str(value)
        else:
            widget.value = str(value)
    await pilot.pause()
    form.action_submit()
    await pilot.pause()


async def test_evaluator_switches_teams_and_sees_the_guide(session):
    app, run_before = evaluator_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        await run_before(pilot)
        screen = app.screen
        assert isinstance(screen, EvaluatorScreen)
        assert "▶1 East◀" in shown(app, "ev-teambar")
        assert screen.team == "east"
        await pilot.press("2")
        assert screen.team == "west" and "▶2 West◀" in shown(app, "ev-teambar")
        assert shown(app, "ev-team-summary").startswith("West")
        await pilot.press("right_square_bracket")
        assert screen.team == "east"
        await pilot.press("left_square_bracket")
        assert screen.team == "west"
        record_notifications(app)
        await pilot.press("7")  # two teams: said, nothing changes
        assert screen.team == "west"
        await pilot.press("1", "g")
        assert app.screen.query_one(TabbedContent).active == "ev-guide-tab"
        assert "Injects fired to East" in shown(app, "ev-injects-title")
        await pilot.press("o")
        table = app.screen.query_one("#ev-notes", DataTable)
        assert table.row_count == 1 and app.screen.focused is table
        assert "Maj. Berg" in shown(app, "ev-note-detail")
        await pilot.press("question_mark")
        assert isinstance(app.screen, TextModal) and "evaluator" in app.screen.markdown
        assert "1-9" in app.screen.markdown and "| n / m |" in app.screen.markdown


async def test_a_rated_observation_needs_an_objective_and_lands_signed_in_the_journal(session):
    app, run_before = evaluator_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        await run_before(pilot)
        await pilot.press("2")  # West shown: the observation is about West by default
        n = len(session.records)
        await pilot.press("n")
        assert isinstance(app.screen, FormModal)
        assert app.screen.query_one("#f-team", Select).value == "west"
        await fill(pilot, app, {"text": "West hesitated on the air picture", "rating": "M"})
        # refused before sending: the same form again, with what was typed and why
        assert isinstance(app.screen, FormModal)
        assert "A rating needs both an objective and a rating" in app.screen.intro
        assert app.screen.query_one("#f-text", TextArea).text == "West hesitated on the air picture"
        assert len(session.records) == n
        await fill(pilot, app, {"objective": "air", "tags": "tempo"})
        assert not isinstance(app.screen, FormModal)
        record = session.records[-1]
        note = record["command"]
        assert (note["kind"], note["text"], note["objective"], note["rating"], note["team"], note["author"]) == (
            "note", "West hesitated on the air picture", "air", "M", "west", "Ann (evaluator)")
        assert note["tags"] == ["evaluator", "tempo"]
        assert record["via"] == {"by": "evaluator:ann", "seat": "Ann (evaluator)"}
        # shown at once in the Observations tab, with who wrote it
        assert app.screen.query_one(TabbedContent).active == "ev-notes-tab"
        table = app.screen.query_one("#ev-notes", DataTable)
        assert table.row_count == 2
        assert "Ann (evaluator)" in [c.plain for c in table.get_row_at(1)][-1]


async def test_the_engine_refuses_a_rating_without_an_objective_and_the_seat_anything_but_notes(session):
    port = LocalSeatPort(session, SEAT)
    with pytest.raises(engine.Rejected, match="a rating rates an objective"):
        await port.send(cm.AddNote("x", rating="P", author=SEAT.name))
    with pytest.raises(engine.Rejected, match="observations and ratings"):
        await port.send(cm.FireInject("sabotage"))


async def test_a_refused_observation_is_told_in_the_seats_words_and_kept(session):
    """The port refuses (a seat signed otherwise, here: a port whose seat name differs)."""
    app = make_app(session=session)
    port = LocalSeatPort(session, SEAT)
    port.send = _refuse  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        said = record_notifications(app)
        app.push_screen(EvaluatorScreen(port, hot_seat=True))
        await pilot.pause()
        await pilot.press("n")
        await fill(pilot, app, {"text": "Kept"})
        assert isinstance(app.screen, FormModal) and "Not saved: the server is gone" in app.screen.intro
        assert app.screen.query_one("#f-text", TextArea).text == "Kept"
        assert any("the server is gone" in x for x in said)


async def _refuse(command) -> None:
    raise engine.Rejected("the server is gone")


@pytest.mark.parametrize("size,keys", [((80, 24), ()), ((80, 24), ("g",)), ((120, 40), ()), ((120, 40), ("o",))])
def test_evaluator_screen(snap_compare, session, size, keys):
    app, run_before = evaluator_app(session, *keys)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


async def test_evaluators_observations_reach_the_after_action_report_with_who_wrote_them(session):
    """A rating says who rated; an observation without a rating is there too, with its author."""
    from exercise.debrief import html, markdown
    from exercise.debrief.record import from_session
    from exercise.debrief.report import build

    port = LocalSeatPort(session, SEAT)
    await port.send(cm.AddNote("West held the line", ("evaluator",), None, "air", "P", team="west", author=SEAT.name))
    await port.send(cm.AddNote("East's cell argued at length", ("evaluator",), team="east", author=SEAT.name))
    r = build(from_session(session))
    text = markdown.render(r)
    assert "- West: **P: Performed without challenges**; turn 1: P (by Ann (evaluator))" in text, text
    assert "West held the line (turn 1, West, rated P by Ann (evaluator))" in text
    assert "rated S by Maj. Berg" in text
    line = next(x for x in text.splitlines() if "East's cell argued at length" in x)
    assert line.endswith("(turn 1, East, by Ann (evaluator))"), line
    page = html.render(r)
    assert "rated P by Ann (evaluator)" in page and "by Ann (evaluator)" in page


async def test_an_adjudicated_action_says_its_roll_against_its_chance(session):
    """The roll in the words of every other console: "rolled 57.1 against a 70 % chance"."""
    action = next(iter(session.state.actions))  # East's, argued in the fixture
    session.execute(cm.Adjudicate(action, 70, "Plausible"))
    app, run_before = evaluator_app(session)
    async with app.run_test(size=(120, 40)) as pilot:
        await run_before(pilot)
        a = session.state.actions[action]
        words = rendered(app, "ev-actions")
        assert f"({roll_words(a.roll, 70)})" in words, words


async def test_an_order_from_before_the_exercise_says_it_was_paid_then(session):
    """West's backlog jet: the scenario gives it no price, so no "0.00 USD bn" cost."""
    app, run_before = evaluator_app(session, "2")
    async with app.run_test(size=(120, 40)) as pilot:
        await run_before(pilot)
        assert app.screen.team == "west"
        words = rendered(app, "ev-orders")
        assert "paid before the exercise" in words and "0.00" not in words, words


def rendered(app, widget_id: str) -> str:
    """A block's table as text on one line, wide enough not to wrap."""
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(app.screen.query_one(f"#{widget_id}", Static).content)
    return " ".join(console.export_text().split())


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_orders_table_is_whole_at_80_and_120_columns(tmp_path, mini, size):
    """West's backlog jet (ordered, backlog, paid before the exercise) and a jet due after
    the end, under a long name: every cell reads in full at the screen's width (wrapped,
    never "…"); it was cut at 80 and at 120 columns ("turn 6 (after the e…", "ordered (back…",
    "Uni…")."""
    import attrs

    long = "Jet squadron (12 two-seat trainers, spares and simulators)"
    sc = mini.scenario
    scenario = attrs.evolve(sc, items=tuple(attrs.evolve(i, name=long) if i.id == "jet" else i for i in sc.items))
    s = Session.create(scenario, mini.texts, tmp_path, name="Orders")
    try:
        to_deliberation(s)
        s.execute(cm.Override("money", 50.0, "test", team="west"))
        s.execute(cm.PlaceOrder("west", "west", "jet", 1))
        app, run_before = evaluator_app(s, "2")
        async with app.run_test(size=size) as pilot:
            await run_before(pilot)
            assert app.screen.team == "west"
            block = app.screen.query_one("#ev-orders", Static)
            console = Console(width=block.content_region.width, record=True, file=io.StringIO())
            console.print(block.content)
            lines = console.export_text().splitlines()
            words = " ".join(" ".join(lines).split())
            assert "…" not in words, "\n".join(lines)
            for part in ("Item Units Cost Placed Due Status", "(backlog)", "paid before"):
                assert part in words, "\n".join(lines)
            for word in (*long.split(), "turn", "6", "(after", "the", "end)"):
                assert word in words.split(), "\n".join(lines)
            assert max(len(x.rstrip()) for x in lines) <= block.content_region.width
    finally:
        s.close()
