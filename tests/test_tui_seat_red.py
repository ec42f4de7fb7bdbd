"""The red cell's own console (RedSeatScreen) through a LocalSeatPort on a real Session:
it plans an act (action, then target, with the cost and chances shown first) and withdraws
it (after asking), the journal says the red seat did it, and the facilitator's Red tab shows
the same acts; the seat sends nothing else (its role's refusal is shown); c appears only
with an open argument to counter."""

from __future__ import annotations

from support import FIXTURES, load_fixture, notifications, record_notifications, to_deliberation, wait_for
from textual.widgets import DataTable, Select, Static

from exercise.engine import commands as cm
from exercise.engine import seats
from exercise.ports import LocalSeatPort
from exercise.session import Session
from exercise.tui.app import make_app
from exercise.tui.modals import ConfirmModal, FormModal
from exercise.tui.seat.red import RedSeatScreen

RED = FIXTURES / "red" / "scenarios" / "red.toml"


def red_session(tmp_path) -> Session:
    loaded = load_fixture(RED)
    s = Session.create(loaded.scenario, loaded.texts, tmp_path, name="Red", seed=3)
    to_deliberation(s)
    return s


def shown(screen) -> str:
    parts = [str(w.render()) for w in screen.query(Static)]
    for table in screen.query(DataTable):
        parts += [" ".join(getattr(c, "plain", str(c)) for c in table.get_row_at(i)) for i in range(table.row_count)]
    return "\n".join(parts)


async def open_red(app, pilot):
    app.show_seat(seats.red_seat(app.session.state))
    await wait_for(lambda: isinstance(app.screen, RedSeatScreen) and app.screen.view is not None, pilot=pilot)
    return app.screen


async def test_red_plans_and_withdraws_from_its_own_console_and_the_white_cell_sees_it(tmp_path):
    s = red_session(tmp_path)
    app = make_app(session=s)
    record_notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        red = await open_red(app, pilot)
        text = shown(red)
        assert "Russia: 5 points left · income 5 points a turn" in text
        assert "Rail sabotage 3 points a team 60 % 50 % yes" in text
        assert "Divide" in text  # its objectives (the Picture tab)
        await pilot.press("a")
        await wait_for(lambda: isinstance(app.screen, FormModal), pilot=pilot)
        app.screen.query_one("#f-action", Select).value = "sabotage"
        await pilot.press("ctrl+s")
        await wait_for(lambda: isinstance(app.screen, FormModal) and app.screen.query("#f-target"), pilot=pilot)
        intro = "\n".join(str(w.render()) for w in app.screen.query(Static))
        assert "3 points, paid now; 5 points left now, 2 points after it" in intro  # cost and points left
        assert "Noticed 60%, then attributed 50%" in intro  # its chances
        options = [str(label) for label, _value in app.screen.query_one("#f-target", Select)._options]
        assert "West" in options and "East" in options  # the teams it may strike, by name
        app.screen.query_one("#f-target", Select).value = "west"
        await pilot.press("ctrl+s")
        await wait_for(lambda: s.state.red_acts, pilot=pilot)
        act = next(iter(s.state.red_acts.values()))
        assert (act.action, act.target, act.status) == ("sabotage", "west", "planned")
        record = s.records[-1]
        assert record["command"]["actor"] == "russia"  # as the adversary, from its seat
        assert record["via"] == {"by": "red:red", "seat": "Russia (red cell)"}
        await wait_for(lambda: "2 points left" in shown(red), pilot=pilot)
        assert "planned" in shown(red)

        await pilot.press("escape")  # back to the facilitator: its Red tab shows the act
        await wait_for(lambda: not isinstance(app.screen, RedSeatScreen), pilot=pilot)
        await pilot.press("6")
        await pilot.pause()
        assert "Rail sabotage" in shown(app.screen) and "West" in shown(app.screen)

        red = await open_red(app, pilot)
        await pilot.press("w")
        await wait_for(lambda: isinstance(app.screen, ConfirmModal), pilot=pilot)
        await pilot.press("escape")  # asked first: cancelling keeps it
        await pilot.pause()
        assert act.id in s.state.red_acts and s.state.red_acts[act.id].status == "planned"
        await pilot.press("w")
        await wait_for(lambda: isinstance(app.screen, ConfirmModal), pilot=pilot)
        await pilot.press("y")
        await wait_for(lambda: s.state.red_acts[act.id].status == "withdrawn", pilot=pilot)
        await wait_for(lambda: "withdrawn (refunded 3 points)" in shown(red), pilot=pilot)
        assert "Act withdrawn" in " ".join(notifications(app))
    s.close()


async def test_the_red_seat_sends_only_red_commands():
    from exercise import engine

    loaded = load_fixture(RED)
    import tempfile
    from pathlib import Path

    s = Session.create(loaded.scenario, loaded.texts, Path(tempfile.mkdtemp()), name="Red", seed=3)
    to_deliberation(s)
    port = LocalSeatPort(s, seats.red_seat(s.state))
    before = len(s.records)
    for command in (cm.Advance(), cm.RedAct("sabotage", "east"), cm.AddNote("x", ())):
        try:
            await port.send(command)
        except engine.Rejected as e:
            assert "red cell" in str(e)
        else:
            raise AssertionError(f"{command} was sent from the red seat")
    assert len(s.records) == before  # RedAct as the facilitator: refused too (the seat acts as Russia)
    wall = LocalSeatPort(s, seats.Seat("wall", "wall", "Wall"))
    try:
        await wall.send(cm.Pause())
    except engine.Rejected as e:
        assert "only shows" in str(e)
    assert len(s.records) == before
    s.close()


async def test_a_refused_act_shows_the_engines_reason_and_c_is_hidden_without_open_arguments(tmp_path):
    s = red_session(tmp_path)
    app = make_app(session=s)
    record_notifications(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        red = await open_red(app, pilot)
        assert not red.check_action("counter", ())  # no open argument here (or no counter-arguments at all)
        await pilot.press("a")
        await wait_for(lambda: isinstance(app.screen, FormModal), pilot=pilot)
        app.screen.query_one("#f-action", Select).value = "disinfo"  # not usable now (the view says why)
        await pilot.press("ctrl+s")
        await wait_for(lambda: any("not now" in n for n in notifications(app)), pilot=pilot)
        assert not s.state.red_acts
    s.close()
