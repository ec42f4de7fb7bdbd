"""The controller's console (exercise/tui/seat/controller.py), driven with Pilot through a
hot-seat seat port on a real Session: a controller of East fires an inject to East, is refused
one that goes to West too (the scope's reason shown), adjudicates an East action and writes a
note signed with its name; no lifecycle key; and its snapshots at 80x24 and 120x40."""

from __future__ import annotations

import attrs
import pytest
from support import record_notifications, to_deliberation
from textual.widgets import DataTable, Select, Static, TabbedContent, TextArea

from exercise.engine import commands as cm
from exercise.engine.seats import Seat
from exercise.model import Inject
from exercise.ports import LocalSeatPort
from exercise.session import Session
from exercise.tui.app import make_app
from exercise.tui.modals import ConfirmModal, FormModal, TextModal
from exercise.tui.seat.controller import ControllerScreen

SEAT = Seat("alice", "controller", "Alice (controller)", scope=("east",))


@pytest.fixture
def session(tmp_path, mini):
    """The mini scenario with two more injects (one to East, one to East and West), in the
    deliberation of turn 1; East argued an action; a rated note about East."""
    extra = (Inject(id="east-call", title="Call from Warsaw", to=("east",), turn=3,
                    expected=("Brief the minister",), objectives=("air",)),
             Inject(id="joint", title="Joint air drill", to=("east", "west"), turn=3))
    scenario = attrs.evolve(mini.scenario, injects=mini.scenario.injects + extra)
    s = Session.create(scenario, mini.texts, tmp_path, name="Seats")
    to_deliberation(s)
    s.execute(cm.Argue("east", "east", "Close the border crossings", "Fewer drones", "Public pressure"))
    s.execute(cm.AddNote("East briefed well", ("strength",), "drones", "air", "S", team="east", author="Maj. Berg"))
    yield s
    s.close()


def controller_app(s: Session, *keys: str, seat: Seat = SEAT):
    app = make_app(session=s)
    app.animation_level = "none"

    async def run_before(pilot) -> None:
        await pilot.pause()
        app.push_screen(ControllerScreen(LocalSeatPort(s, seat), hot_seat=True))
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
        await pilot.pause()

    return app, run_before


def select_row(app, table_id: str, key: str) -> None:
    table = app.screen.query_one(f"#{table_id}", DataTable)
    table.move_cursor(row=table.get_row_index(key))


async def test_controller_fires_in_scope_and_is_refused_out_of_it(session):
    app, run_before = controller_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        said = record_notifications(app)
        await run_before(pilot)
        screen = app.screen
        assert isinstance(screen, ControllerScreen)
        assert "Your scope: East" in str(screen.query_one("#ct-scope", Static).render())
        rows = screen.query_one("#ct-inject-table", DataTable)
        keys = {r.value for r in rows.rows}
        assert "east-call" in keys and "joint" in keys  # to West only: not in its view at all
        # fire East's inject: asked first, in the facilitator console's words
        select_row(app, "ct-inject-table", "east-call")
        await pilot.pause()
        await pilot.press("f")
        assert isinstance(app.screen, ConfirmModal)
        assert app.screen.title_text == "Fire Call from Warsaw now?"
        assert "It goes out now to East." in app.screen.body
        await pilot.press("y")
        await pilot.pause()
        record = session.records[-1]
        assert record["command"]["kind"] == "fire_inject" and record["command"]["inject"] == "east-call"
        assert record["via"] == {"by": "controller:alice", "seat": "Alice (controller)"}
        assert "east-call" in session.state.fired
        # one that goes to West too: refused, the reason shown, nothing journaled
        n = len(session.records)
        select_row(app, "ct-inject-table", "joint")
        await pilot.pause()
        await pilot.press("f")  # told whose it is before anything is asked: no dialog
        await pilot.pause()
        assert app.screen is screen and len(session.records) == n and "joint" not in session.state.fired
        assert any("Joint air drill also goes to West, outside your scope (East): ask the lead facilitator (or a "
                   "controller with West in scope, if there is one) to fire it." in x for x in said), said
        await pilot.press("k")  # skipping it too
        await pilot.pause()
        assert app.screen is screen and any("to skip it." in x for x in said), said
        # the port (the server) stays the authority: sent anyway, it is refused in its words
        assert "outside your scope (East): it concerns West" in (await screen.send(cm.FireInject("joint")) or "")
        assert len(session.records) == n and "joint" not in session.state.fired
        # hold and delay are the controller's too
        select_row(app, "ct-inject-table", "drones")
        await pilot.press("h")  # fired already: the engine's words
        await pilot.pause()
        assert any("it fired in turn 1" in x for x in said), said


async def test_controller_adjudicates_an_east_action_and_writes_a_signed_note(session):
    app, run_before = controller_app(session, "2")
    async with app.run_test(size=(80, 24)) as pilot:
        said = record_notifications(app)
        await run_before(pilot)
        assert app.screen.query_one(TabbedContent).active == "ct-actions"
        await pilot.press("j")
        form = app.screen
        assert isinstance(form, FormModal) and "East argues (secret): Close the border crossings" in form.intro
        assert "the team sees the odds" in form.intro and "Counter-argued" not in form.intro
        form.query_one("#f-likelihood", Select).value = 70
        form.query_one("#f-rationale").value = "plausible at the border"
        form.query_one("#f-track", Select).value = ("team", "air")
        form.query_one("#f-add").value = "1"
        await pilot.pause()
        form.action_submit()
        await pilot.pause()
        record = session.records[-1]
        assert record["command"]["kind"] == "adjudicate" and record["command"]["likelihood"] == 70
        assert record["command"]["effects"] == [{"track": "air", "add": 1.0, "team": "east"}]
        assert record["via"]["by"] == "controller:alice"
        action = next(iter(session.state.actions.values()))
        assert action.roll is not None  # the engine rolled
        assert any("against a 70 % chance" in x for x in said), said
        assert "Adjudicated: 70 %" in str(app.screen.query_one("#ct-action-detail", Static).render())
        # a note: about East (its scope), signed
        await pilot.press("m")
        form = app.screen
        assert isinstance(form, FormModal)
        assert next(f.options for f in form.fields if f.name == "team") == (("East", "east"),)
        assert form.query_one("#f-team", Select).value == "east"
        form.query_one("#f-text", TextArea).text = "Good call on the border"
        await pilot.pause()
        form.action_submit()
        await pilot.pause()
        note = session.records[-1]["command"]
        assert (note["kind"], note["team"], note["author"]) == ("note", "east", "Alice (controller)")
        assert app.screen.query_one(TabbedContent).active == "ct-notes"


async def test_no_lifecycle_keys_and_a_lead_only_command_is_refused(session):
    app, run_before = controller_app(session)
    async with app.run_test(size=(120, 40)) as pilot:
        await run_before(pilot)
        screen = app.screen
        actions = {b.action for b in ControllerScreen.BINDINGS}
        assert not actions & {"advance", "pause", "end", "verdict", "timer"}
        n = len(session.records)
        await pilot.press("p", "e", "V", "T")  # the facilitator's keys: nothing happens here
        await pilot.pause()
        assert app.screen is screen and len(session.records) == n
        assert await screen.send(cm.Advance()) is not None
        await pilot.press("question_mark")
        assert isinstance(app.screen, TextModal) and "lead facilitator" in app.screen.markdown


async def test_an_unscoped_controller_sees_every_team_and_the_header_says_so(session):
    seat = Seat("bob", "controller", "Bob", scope=())
    app, run_before = controller_app(session, "3", seat=seat)
    async with app.run_test(size=(80, 24)) as pilot:
        await run_before(pilot)
        assert "Your scope: all teams" in str(app.screen.query_one("#ct-scope", Static).render())
        assert "Bob (controller)" in str(app.screen.query_one("#ct-status", Static).render())
        assert app.screen.query_one("#ct-team-table", DataTable).row_count == 2


async def test_the_counters_of_an_open_action_are_shown_to_the_controller(session):
    session.execute(cm.Argue("east", "east", "Jam the drones' links", "no control", "we have the kit", open=True))
    aid = next(a for a in session.state.actions if session.state.actions[a].open)
    session.execute(cm.CounterArgue("west", aid, "their guards are stretched thin", team="west"))
    app, run_before = controller_app(session, "2")
    async with app.run_test(size=(120, 40)) as pilot:
        await run_before(pilot)
        table = app.screen.query_one("#ct-action-table", DataTable)
        assert table.ordered_columns[3].label.plain == "Seen by"
        assert [str(table.get_row_at(i)[3]) for i in range(table.row_count)] == ["secret", "open · 1 counter"]
        select_row(app, "ct-action-table", aid)
        await pilot.pause()
        detail = str(app.screen.query_one("#ct-action-detail", Static).render())
        assert "East argues (turn 1, open to every seat): Jam the drones' links" in detail
        assert "Counter-argued by West (turn 1): their guards are stretched thin" in detail
        await pilot.press("j")
        form = app.screen
        assert isinstance(form, FormModal) and "East argues openly: Jam the drones' links" in form.intro
        assert "Counter-argued by West: their guards are stretched thin" in form.intro
        assert "Every team will see the odds" in form.intro and "red cell" not in form.intro  # no adversary here


async def test_the_help_lists_every_key_and_escape_only_hot_seat(session):
    for hot in (True, False):
        app = make_app(session=session)
        app.animation_level = "none"
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            app.push_screen(ControllerScreen(LocalSeatPort(session, SEAT), hot_seat=hot))
            await pilot.pause()
            await pilot.press("question_mark")
            help_md = app.screen.markdown
            rows = [line.split(" | ")[0][2:] for line in help_md.splitlines() if line.startswith("| ")]
            # the inject keys first, then the others; escape (back to the facilitator's console) only hot-seat
            assert [r for r in rows if r != "key"] == ["f", "h", "r", "k", "b", "d", "v", "j", "m / n",
                                                       *(["escape"] if hot else []), "?", "1-4"]
            assert "| n | Note |" not in help_md


@pytest.mark.parametrize("width", [80, 120])
async def test_the_status_lines_fit(session, width):
    app, run_before = controller_app(session)
    async with app.run_test(size=(width, 24)) as pilot:
        await run_before(pilot)
        for line in ("#ct-status", "#ct-scope"):
            said = str(app.screen.query_one(line, Static).render())
            assert len(said) <= width - 2 and "…" not in said.split(" · ", 1)[1], said
        assert str(app.screen.query_one("#ct-scope", Static).render()).startswith("Your scope: East · the lead")


@pytest.mark.parametrize("size,keys", [((80, 24), ()), ((80, 24), ("2",)), ((120, 40), ("3",)),
                                       ((120, 40), ())])
def test_controller_screen(snap_compare, session, size, keys):
    app, run_before = controller_app(session, *keys)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_teams_budget_split_is_whole_and_named(tmp_path, size):
    """Deadline 2027's categories have long names ("Sustain (readiness)"): at 120 columns each
    share reads by its short name, at 80 the shares alone under a legend naming the
    categories; never cut ("Sustain (readiness) 40 %, Invest…" was) and within the screen."""
    from support import DEFAULT, load_fixture

    loaded = load_fixture(DEFAULT)
    s = Session.create(loaded.scenario, loaded.texts, tmp_path, name="Split")
    try:
        to_deliberation(s)
        app, run_before = controller_app(s, "3", seat=Seat("bob", "controller", "Bob", scope=()))
        async with app.run_test(size=size) as pilot:
            await run_before(pilot)
            await pilot.pause()
            table = app.screen.query_one("#ct-team-table", DataTable)
            column = table.ordered_columns[3]
            split = [getattr(c, "plain", c) for c in table.get_column(column.key)]
            assert len(split) == len(s.state.rules.team_ids)
            assert all("…" not in x for x in split), split
            need = sum(c.get_render_width(table) for c in table.ordered_columns)
            assert need <= table.region.width, (need, table.region.width)
            names = [c.name for c in s.scenario.budget.categories]
            legend = app.screen.query_one("#ct-team-legend", Static)
            if size[0] >= 120:
                assert not legend.display
                assert split[0] == "Sustain 40 %, Invest 40 %, Resilience 20 %", split
            else:
                assert legend.display and split[0] == "40 / 40 / 20 %", split
                said = str(legend.render())
                assert said.startswith("Budget split, % to ") and all(n in said for n in names), said
    finally:
        s.close()


async def test_a_note_rating_another_teams_objective_shows_its_name_to_the_controller(session):
    """A controller of West reads a note about West that rates East's objective: the objective's
    name, not its id (the controller has no private data of East's, where the name was read)."""
    session.execute(cm.AddNote("West covered East's airspace", (), None, "air", "P", team="west", author="Eve"))
    app, run_before = controller_app(session, "4", seat=Seat("bob", "controller", "Bob (controller)", scope=("west",)))
    async with app.run_test(size=(120, 40)) as pilot:
        await run_before(pilot)
        table = app.screen.query_one("#ct-note-table", DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert [r[3] for r in rows if "covered" in r[2]] == ["Defend the airspace"], rows
        assert not any(r[3] == "air" for r in rows)
