"""The team console, driven with the keyboard through Textual's Pilot.

Every test acts through the screen (keys, forms, confirmations) and checks both what the
screen shows and what reached the session (its state and the journal's command records).
"""

from __future__ import annotations

import pytest
from support import notifications, team_app, toast_visible, wait_for
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Markdown, Select, Static

from exercise.engine import commands as cm
from exercise.packs import loader
from exercise.packs.problems import Problems
from exercise.ports import LocalTeamPort
from exercise.session import Session
from exercise.tui.app import make_app
from exercise.tui.facilitator import FacilitatorScreen
from exercise.tui.modals import ConfirmModal, FormModal, TextModal
from exercise.tui.team import TeamScreen

SIZE = (80, 24)  # the smallest supported terminal (and the fastest to render)


@pytest.fixture(scope="module")
def deadline():
    return loader.load_scenario(loader.find_scenario("deadline-2027"), Problems())


@pytest.fixture
def new_session(tmp_path):
    """A factory of exercises (closed after the test), started and advanced to a phase of turn 1."""
    made = []

    def make(loaded, phase: str = "deliberation", money: dict | None = None) -> Session:
        s = Session.create(loaded.scenario, loaded.texts, tmp_path / str(len(made)))
        made.append(s)
        if phase != "setup":
            s.execute(cm.Start())
            while s.state.phase != phase:
                s.execute(cm.Advance())
        for team, amount in (money or {}).items():
            s.execute(cm.Override("money", amount, "test budget", team=team))
        return s

    yield make
    for s in made:
        s.close()


def kinds(s: Session) -> list[str]:
    return [r["command"]["kind"] for r in s.records]


def shown(screen) -> str:
    """Every text the screen holds in its widgets (all tabs), as one string."""
    parts = []
    for st in screen.query(Static):
        c = st.content
        parts.append(getattr(c, "plain", str(c)))
    for table in screen.query(DataTable):
        for i in range(table.row_count):
            parts.append(" | ".join(getattr(c, "plain", str(c)) for c in table.get_row_at(i)))
    for md in screen.query(Markdown):
        parts.append(md.source or "")
    return "\n".join(parts)


def rows(screen, table_id: str) -> list[str]:
    table = screen.query_one(f"#{table_id}", DataTable)
    return [" | ".join(getattr(c, "plain", str(c)) for c in table.get_row_at(i)) for i in range(table.row_count)]


async def open_team(pilot, app, team: str) -> TeamScreen:
    if app.first_team != team:  # not opened on this team's screen (team_app(s, team)): the hot-seat
        app.show_team(team)
    await wait_for(lambda: isinstance(app.screen, TeamScreen) and app.screen.view, pilot=pilot)  # mounted and rendered
    return app.screen


async def form(pilot, app, key: str | None, values: dict | None = None, submit: bool = True) -> FormModal:
    """Press `key` (None: the form is open already), wait for the form, fill it and submit (ctrl+s)."""
    if key is not None:
        await pilot.press(key)
    await wait_for(lambda: isinstance(app.screen, FormModal), pilot=pilot)
    modal = app.screen
    for name, value in (values or {}).items():
        widget = modal.query_one(f"#f-{name}")
        widget.value = value if isinstance(widget, Select) else str(value)
    if submit:
        await pilot.press("ctrl+s")
        await wait_for(lambda: not isinstance(app.screen, FormModal), pilot=pilot)
        await pilot.pause()
    return modal


async def confirm(pilot, app, key: str, yes: bool = True) -> str:
    """Press `key`, wait for the confirmation, answer it; returns its body text."""
    await pilot.press(key)
    await wait_for(lambda: isinstance(app.screen, ConfirmModal), pilot=pilot)
    body = app.screen.body
    await pilot.press("y" if yes else "escape")
    await wait_for(lambda: not isinstance(app.screen, ConfirmModal), pilot=pilot)
    await pilot.pause()
    return body


# -- getting there and back ----------------------------------------------------------------
async def test_facilitator_opens_team_screen_and_escape_comes_back(mini, new_session):
    s = new_session(mini, phase="setup")
    app = team_app(s)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(3):  # start, deliver injects, open deliberation
            await pilot.press("n")
            await pilot.pause()
        assert s.state.phase == "deliberation"
        await pilot.press("t")
        await wait_for(lambda: isinstance(app.screen, FormModal), pilot=pilot)
        app.screen.query_one("#f-team", Select).value = "east"
        await pilot.press("ctrl+s")
        await wait_for(lambda: isinstance(app.screen, TeamScreen), pilot=pilot)
        screen = app.screen
        await pilot.pause()
        assert screen.port.team == "east" and screen.hot_seat
        status = shown(screen)
        assert "East · Turn 1/4 2026 Q1 · Deliberation" in status
        assert "Deliberation: decide, order, then press s to submit" in status
        assert "1 decision(s) open" in status
        listeners = len(s.listeners)
        await pilot.press("escape")
        await wait_for(lambda: isinstance(app.screen, FacilitatorScreen), pilot=pilot)
        assert len(s.listeners) == listeners - 1  # the team screen unsubscribed
        assert kinds(s)[-1] == "advance"


async def test_opened_on_a_teams_screen_escape_opens_the_console_and_its_notices(mini, new_session):
    """make_app(team=...): a terminal handed to a team first; the console comes with escape."""
    s = new_session(mini)
    s.notices.append("recovered after a crash: 1 line")  # for the facilitator, not the team
    app = team_app(s, "west")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(lambda: isinstance(app.screen, TeamScreen) and app.screen.view, pilot=pilot)
        assert app.screen.port.team == "west" and app.screen.hot_seat
        assert not any(isinstance(x, FacilitatorScreen) for x in app.screen_stack) and not notifications(app)
        await pilot.press("?")  # a dialog over the team's screen closes back to it
        await wait_for(lambda: isinstance(app.screen, TextModal), pilot=pilot)
        await pilot.press("escape")
        await wait_for(lambda: isinstance(app.screen, TeamScreen), pilot=pilot)
        await pilot.press("escape")
        await wait_for(lambda: isinstance(app.screen, FacilitatorScreen), pilot=pilot)
        assert notifications(app) == ["Resumed: recovered after a crash: 1 line"]
        await pilot.press("escape")  # the console stays: the team's screen was not under it
        await pilot.pause()
        assert isinstance(app.screen, FacilitatorScreen) and len(app.screen_stack) == 2


async def test_outside_deliberation_the_screen_says_so_and_the_engine_refuses(mini, new_session):
    s = new_session(mini, phase="briefing")
    app = team_app(s, "east")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_team(pilot, app, "east")
        assert "Orders and decisions open in Deliberation (now: Briefing)" in shown(screen)
        assert screen.query_one("#tm-banner").has_class("-closed")
        await pilot.press("3")
        modal = await form(pilot, app, "o", submit=False)
        assert "will be refused" in modal.intro
        await pilot.press("escape")
        await wait_for(lambda: app.screen is screen, pilot=pilot)
        before = len(s.records)
        await pilot.press("s")  # no confirmation: the engine says why not
        await wait_for(lambda: any("only during Deliberation" in n for n in notifications(app)), pilot=pilot)
        assert len(s.records) == before
        assert isinstance(app.screen, TeamScreen)


# -- inbox: answer, read ---------------------------------------------------------------------
async def test_read_and_answer_a_decision(mini, new_session):
    s = new_session(mini)
    app = team_app(s, "east")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_team(pilot, app, "east")
        assert rows(screen, "tm-inbox") == ["1 | Drones over the border | OPEN · default: Watch | Border guard"]
        await pilot.press("r")  # read it in full first
        await wait_for(lambda: isinstance(app.screen, TextModal), pilot=pilot)
        assert app.screen.title_text == "Drones over the border"
        assert "Shoot them down" in app.screen.markdown and "*(default)*" in app.screen.markdown
        await pilot.press("escape")
        await wait_for(lambda: app.screen is screen, pilot=pilot)
        modal = await form(pilot, app, "enter", submit=False)
        select = modal.query_one("#f-option", Select)
        assert select.value == "watch"  # the default is preselected ...
        assert "(default)" in dict((v, k) for k, v in modal.fields[0].options)["watch"]  # ... and marked
        select.value = "shoot"
        await pilot.press("ctrl+s")
        await wait_for(lambda: app.screen is screen, pilot=pilot)
        await pilot.pause()
        record = s.records[-1]["command"]
        assert (record["kind"], record["team"], record["inject"], record["option"]) == (
            "answer", "east", "drones", "shoot")
        assert ("drones", "east") in s.state.answers
        assert rows(screen, "tm-inbox") == ["1 | Drones over the border | decided: Shoot them down | Border guard"]
        assert "● Shoot them down" in shown(screen)
        assert "0 decision(s) open" not in shown(screen) and "no decision open" in shown(screen)
        # answering again: told, nothing sent
        before = len(s.records)
        await pilot.press("enter")
        await wait_for(lambda: any("Already answered" in n for n in notifications(app)), pilot=pilot)
        assert len(s.records) == before and app.screen is screen


# -- budget and spending ---------------------------------------------------------------------
async def test_budget_split_and_ally_spending_done_and_refused(mini, new_session):
    s = new_session(mini)
    app = team_app(s, "east")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_team(pilot, app, "east")
        modal = await form(pilot, app, "b", {"sustain": 60, "invest": 40})  # from the Inbox: keys work on every tab
        assert "20–100 %" in modal.fields[0].label  # the allowed range is shown
        record = s.records[-1]["command"]
        assert record["kind"] == "allocate" and record["shares"] == {"sustain": 0.6, "invest": 0.4}
        assert s.state.allocation["east"] == (0.6, 0.4)
        assert rows(screen, "tm-categories")[0].startswith("Sustain | 60 %")
        before = len(s.records)
        await form(pilot, app, "b", {"sustain": 50, "invest": 40}, submit=False)
        await pilot.press("ctrl+s")
        await wait_for(lambda: any("add up to 90%, not 100%" in n for n in notifications(app)), pilot=pilot)
        assert any("Your shares added up to 90 %" in n for n in notifications(app))
        await wait_for(lambda: isinstance(app.screen, FormModal), pilot=pilot)  # back, as typed
        await pilot.press("escape")  # what was typed differs from what it opened with: asked first
        await wait_for(lambda: isinstance(app.screen, ConfirmModal), pilot=pilot)
        await pilot.press("y")
        await wait_for(lambda: app.screen is screen, pilot=pilot)
        assert len(s.records) == before and s.state.allocation["east"] == (0.6, 0.4)
        assert rows(screen, "tm-categories")[0].startswith("Sustain | 60 %")

        # an ally's spending, with $ (or c)
        assert rows(screen, "tm-allies") == ["Poland | 40 USD bn | 4 % GDP | 3.5-4.5 % | JFC North"]
        modal = await form(pilot, app, "dollar_sign", {"spending": 4.1})
        assert "from 3.5 to 4.5 % of GDP" in modal.intro
        record = s.records[-1]["command"]
        assert (record["kind"], record["ally"], record["spending"]) == ("set_spending", "PL", 4.1)
        assert s.state.spending["PL"] == pytest.approx(4.1)
        assert "4.1 % GDP" in rows(screen, "tm-allies")[0]
        before = len(s.records)
        await form(pilot, app, "dollar_sign", {"spending": 9})  # refused: beyond the step
        await wait_for(lambda: any("may change by at most 0.5 % of GDP" in n for n in notifications(app)), pilot=pilot)
        assert len(s.records) == before and s.state.spending["PL"] == pytest.approx(4.1)


async def test_budget_changes_are_listed_with_their_turns(mini, new_session):
    s = new_session(mini)
    s.execute(cm.FireAdHoc("Windfall", to=("east",), effects=({"budget": "invest", "add": 5, "turns": 2, "team": "self"},)))
    app = team_app(s, "east")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_team(pilot, app, "east")
        assert "+5.00 USD bn (turns 1-2)" in shown(screen)


# -- procurement -------------------------------------------------------------------------------
async def test_order_refused_over_budget_withdraw_a_draft_cancel_a_binding_order(mini, new_session):
    s = new_session(mini, money={"east": 5.0})
    app = team_app(s, "east")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_team(pilot, app, "east")
        await pilot.press("3")
        assert rows(screen, "tm-catalogue") == ["SAM battery | 1.00 USD bn | +1 Air defence | Europe | 2 turns | turn 3",
                                                "Jet | 2.00 USD bn | - | US | 5 turns | turn 6 · after end"]
        assert "Basket empty" in shown(screen)
        modal = await form(pilot, app, "o", {"quantity": 2})
        assert "arrives in turn 3" in modal.intro and "Money left: 5.00 USD bn (enough for 5)" in modal.intro
        record = s.records[-1]["command"]
        assert (record["kind"], record["item"], record["quantity"]) == ("order", "sam", 2)
        assert rows(screen, "tm-orders") == ["2 × SAM battery | 2.00 USD bn | DRAFT | turn 4 | 50 %"]
        # the line under the table says the rest of the selected order, whole
        assert ("Selected order: 2 × SAM battery · placed in turn 1 · a draft until you submit · 2.00 USD bn · "
                "slip risk: 50% chance all 2 slip 1 turn") in shown(screen)
        assert "Basket: 1 draft order(s), 2.00 USD bn" in shown(screen)
        assert "Money 3.00 USD bn" in shown(screen)

        # over budget: the engine refuses, the notification is on screen, nothing changes
        before = len(s.records)
        await pilot.press("down")  # the jet
        await form(pilot, app, "o", {"quantity": 10})
        await wait_for(lambda: toast_visible(app, "cannot order 10 Jet"), pilot=pilot)
        assert len(s.records) == before
        assert len(rows(screen, "tm-orders")) == 1

        # withdraw the draft: free
        screen.query_one("#tm-orders", DataTable).focus()
        body = await confirm(pilot, app, "x")
        assert "withdrawn free" in body and "SAM battery (placed in turn 1" in body and "order-east-1" not in body
        record = s.records[-1]["command"]
        assert (record["kind"], record["order"]) == ("cancel_order", "order-east-1")
        assert s.state.orders["order-east-1"].status == "cancelled"
        assert "withdrawn" in rows(screen, "tm-orders")[0]
        assert "Money 5.00 USD bn" in shown(screen)

        # a binding order (submitted last turn) is cancelled at a stated penalty
        screen.query_one("#tm-catalogue", DataTable).move_cursor(row=0)  # the SAM battery
        await form(pilot, app, "o", {"quantity": 1})
        await confirm(pilot, app, "s")
        s.execute(cm.Advance(force=True))
        while s.state.phase != "deliberation":
            s.execute(cm.Advance())
        await wait_for(lambda: "Turn 2/4" in shown(screen), pilot=pilot)
        assert rows(screen, "tm-orders")[0] == "1 × SAM battery | 1.00 USD bn | ordered | turn 3 | 50 %"
        screen.query_one("#tm-orders", DataTable).move_cursor(row=0)
        body = await confirm(pilot, app, "x", yes=False)  # thought better of it
        assert "binding" in body and "25 %" in body and "0.25 USD bn" in body
        assert s.state.orders["order-east-2"].status == "ordered"
        await confirm(pilot, app, "x")
        assert s.records[-1]["command"]["kind"] == "cancel_order"
        assert s.state.orders["order-east-2"].status == "cancelled"


# -- commands: assign, take the lead, hand it back --------------------------------------------
async def test_assign_forces_take_the_lead_and_hand_it_back_next_turn(mini, new_session):
    s = new_session(mini)
    app = team_app(s, "east")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_team(pilot, app, "east")
        await pilot.press("4")
        assert rows(screen, "tm-commands") == ["JFC North | United States | 1 pt | 3 staff, 0.2 USD bn/turn | Poland"]
        modal = await form(pilot, app, "a", submit=False)
        assert modal.query_one("#f-capability", Select).value == "air"
        assert modal.query_one("#f-amount", Input).value == "1"  # what is assigned there now
        await form(pilot, app, None, {"amount": 2})
        record = s.records[-1]["command"]
        assert (record["kind"], record["command"], record["capability"], record["amount"]) == (
            "assign", "north", "air", 2.0)
        assert s.state.assigned[("north", "east", "air")] == 2.0
        assert rows(screen, "tm-commands")[0].startswith("JFC North | United States | 2 pts | 3 staff")
        assert "Your forces: Air defence 2" in shown(screen)
        assert rows(screen, "tm-team-tracks")[0].startswith("Air defence | 2 |  | 2 | West 3")

        modal = await form(pilot, app, "l", submit=False)
        assert modal.query_one("#f-ally", Select).value == "PL"
        assert "3 staff officers" in modal.intro and "You have 10 staff officers free" in modal.intro
        await form(pilot, app, None)
        record = s.records[-1]["command"]
        assert (record["kind"], record["command"], record["ally"]) == ("take_lead", "north", "PL")
        assert s.state.leads["north"] == "PL"
        assert rows(screen, "tm-commands")[0].startswith("JFC North | Poland (you)")
        assert "Staff officers: 3 of 10 in use" in shown(screen)

        before = len(s.records)
        await pilot.press("g")  # taken this turn: said before any confirmation is asked
        await wait_for(lambda: any("changed this turn already" in n for n in notifications(app)), pilot=pilot)
        assert len(s.records) == before and not isinstance(app.screen, ModalScreen)

        # the facilitator moves on to turn 2's deliberation: the screen follows through the port
        s.execute(cm.Advance(force=True))
        while s.state.phase != "deliberation":
            s.execute(cm.Advance())
        await wait_for(lambda: "Turn 2/4" in shown(screen), pilot=pilot)
        body = await confirm(pilot, app, "g")
        assert "Poland stops leading JFC North" in body
        assert s.records[-1]["command"]["kind"] == "hand_back"
        assert s.state.leads.get("north") != "PL"
        assert rows(screen, "tm-commands")[0].startswith("JFC North | United States")


# -- argue, submit ---------------------------------------------------------------------------
async def test_argue_an_action_and_read_its_adjudication(mini, new_session):
    s = new_session(mini)
    app = team_app(s, "east")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_team(pilot, app, "east")
        assert "No action argued yet" in shown(screen)
        await form(pilot, app, "u", {"action": "Close the airspace to drones", "result": "No more incursions"})
        record = s.records[-1]["command"]
        assert (record["kind"], record["action"], record["result"]) == (
            "argue", "Close the airspace to drones", "No more incursions")
        assert rows(screen, "tm-actions") == ["1 | Close the airspace to drones | you + white cell | - | waiting"]
        s.execute(cm.Adjudicate("action-east-1", 90, "Plenty of interceptors"))
        await wait_for(lambda: "90 %" in rows(screen, "tm-actions")[0], pilot=pilot)
        screen.query_one("#tm-actions", DataTable).focus()
        await pilot.press("r")
        await wait_for(lambda: isinstance(app.screen, TextModal), pilot=pilot)
        assert "Plenty of interceptors" in app.screen.markdown and "against a 90 % chance" in app.screen.markdown


async def test_submit_lists_open_decisions_and_drafts_then_waits(mini, new_session):
    s = new_session(mini, money={"east": 5.0})
    app = team_app(s, "east")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_team(pilot, app, "east")
        await form(pilot, app, "o", {"quantity": 1})
        body = await confirm(pilot, app, "s", yes=False)
        assert "Drones over the border → Watch" in body
        assert "1 × SAM battery, 1.00 USD bn" in body
        assert "submit" not in kinds(s)
        await confirm(pilot, app, "s")
        assert kinds(s)[-1] == "submit" and "east" in s.state.submitted
        assert s.state.orders["order-east-1"].status == "ordered"
        assert "SUBMITTED — waiting for the facilitator" in shown(screen)
        assert screen.query_one("#tm-banner").has_class("-waiting")
        assert "ordered" in rows(screen, "tm-orders")[0]
        # a second submit is refused by the engine, without a confirmation
        before = len(s.records)
        await pilot.press("s")
        await wait_for(lambda: any("has already submitted for turn 1" in n for n in notifications(app)), pilot=pilot)
        assert len(s.records) == before and app.screen is screen


# -- what a team may see ----------------------------------------------------------------------
async def test_a_team_never_sees_another_teams_private_data(mini, new_session):
    s = new_session(mini, money={"east": 5.0})
    s.execute(cm.FireAdHoc("Press question [urgent]", "Journalists ask [b]about[/b] the border.",
                           options=({"id": "deny", "label": "Deny everything", "default": True},
                                    {"id": "confirm", "label": "Confirm the reports"})))
    app = team_app(s)
    async with app.run_test(size=SIZE) as pilot:
        east = await open_team(pilot, app, "east")
        await form(pilot, app, "o", {"quantity": 3})
        await pilot.press("r")  # texts that look like markup are shown as written
        await wait_for(lambda: isinstance(app.screen, TextModal), pilot=pilot)
        assert app.screen.title_text == "Press question [urgent]"  # plain text: the dialog shows it as is
        assert app.screen.query_one(".dialog-title").content.plain == "Press question [urgent]"
        await pilot.press("escape")
        await wait_for(lambda: app.screen is east, pilot=pilot)
        modal = await form(pilot, app, "enter", {"option": "confirm"})  # newest first: the press question
        assert "[b]about[/b]" in modal.intro
        await form(pilot, app, "u", {"action": "Secret plan Zebra"})
        assert ("adhoc-1", "east") in s.state.answers
        assert rows(east, "tm-orders") and "Secret plan Zebra" in shown(east)
        await pilot.press("escape")
        west = await open_team(pilot, app, "west")
        text = shown(west)
        assert not any("SAM battery" in r for r in rows(west, "tm-orders"))  # east's order is east's alone
        for private in ("Secret plan Zebra", "Hold the line.", "Defend the airspace",
                        "Drones over the border", "decided: Confirm"):
            assert private not in text, private
        assert "Press question" in text  # sent to all: west sees it, still open for west
        assert any(r.startswith("1 | Press question [urgent] | OPEN") for r in rows(west, "tm-inbox"))


async def test_new_injects_come_into_view_even_when_an_old_one_was_selected(mini, new_session):
    s = new_session(mini)
    for i in range(8):  # more than the inbox shows at 80x24
        s.execute(cm.FireAdHoc(f"Old news {i}", to=("east",)))
    app = team_app(s, "east")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_team(pilot, app, "east")
        inbox = screen.query_one("#tm-inbox", DataTable)
        inbox.move_cursor(row=inbox.row_count - 1)  # reading the oldest one, at the bottom
        await pilot.pause()
        s.execute(cm.FireAdHoc("Breaking news", to=("east",)))
        await wait_for(lambda: inbox.row_count == 10, pilot=pilot)
        await pilot.pause()
        assert inbox.cursor_row == 0 and inbox.scroll_y == 0  # the new inject is in view and selected
        assert "Breaking news" in str(screen.query_one("#tm-inbox-detail", Static).content)


# -- live updates, keys, palette -----------------------------------------------------------------
class RemotePort:
    """What `exercise join` will hand the screen: the port's interface and no Session."""

    def __init__(self, session: Session, team: str):
        self._local = LocalTeamPort(session, team)
        self.team = team
        self.status = "reconnecting…"
        self.down = False

    def view(self) -> dict:
        if self.down:
            raise ConnectionError("the facilitator's machine does not answer")
        return self._local.view()

    async def send(self, command) -> None:
        if self.down:
            raise ConnectionError("not connected")
        await self._local.send(command)

    def subscribe(self, callback):
        return self._local.subscribe(callback)


async def test_a_remote_port_pause_end_and_a_lost_connection(mini, new_session):
    s = new_session(mini)
    app = team_app(s)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(lambda: isinstance(app.screen, FacilitatorScreen), pilot=pilot)
        port = RemotePort(s, "east")
        screen = TeamScreen(port)  # not hot-seat: escape has nowhere to go
        app.push_screen(screen)
        await wait_for(lambda: app.screen is screen and screen.view, pilot=pilot)  # mounted and rendered
        assert "Money 0.10 USD bn · reconnecting…" in shown(screen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert "back" not in [b.binding.action for b in screen.active_bindings.values()]

        # the facilitator pauses and resumes: the screen follows what the port reports
        s.execute(cm.Pause())
        await wait_for(lambda: "PAUSED" in shown(screen), pilot=pilot)
        assert screen.has_class("-paused") and screen.query_one("#tm-banner").has_class("-paused")
        s.execute(cm.Resume())
        await wait_for(lambda: "PAUSED" not in shown(screen), pilot=pilot)

        # the connection drops: the last view stays, sending says so, nothing crashes
        port.down = True
        s.execute(cm.Pause())
        await wait_for(lambda: any("does not answer" in n for n in notifications(app)), pilot=pilot)
        assert "PAUSED" not in shown(screen)
        before = len(s.records)
        modal = await form(pilot, app, "u", {"action": "Call Washington"}, submit=False)
        assert "Not connected to the server (reconnecting…): this will not be sent" in modal.intro
        await pilot.press("ctrl+s")
        await wait_for(lambda: any(n.startswith("Not sent: not connected") for n in notifications(app)), pilot=pilot)
        assert len(s.records) == before
        # the refused action comes back as typed, with why; sent again once the server is back
        await wait_for(lambda: isinstance(app.screen, FormModal) and app.screen is not modal, pilot=pilot)
        again = app.screen
        assert again.query_one("#f-action").value == "Call Washington"
        assert again.intro.startswith("Not sent: not connected") and "What you typed is kept" in again.intro
        port.down = False
        s.execute(cm.Resume())
        before = len(s.records)
        await pilot.press("ctrl+s")
        await wait_for(lambda: not isinstance(app.screen, FormModal), pilot=pilot)
        await wait_for(lambda: len(s.records) == before + 1, pilot=pilot)
        assert [a.action for a in s.state.actions.values()] == ["Call Washington"]

        s.execute(cm.End("out of time"))
        await wait_for(lambda: "The exercise has ended" in shown(screen), pilot=pilot)
        outcome = s.state.verdict.name
        assert f"The exercise has ended: {outcome}" in shown(screen)
        assert f"## Outcome: {outcome}" in screen.query_one("#tm-briefing", Markdown).source


async def test_footer_shows_the_keys_of_the_tab_and_the_palette_has_every_action(mini, new_session):
    s = new_session(mini)
    app = team_app(s, "east")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_team(pilot, app, "east")

        def footer() -> set[str]:
            return {b.binding.description for b in screen.active_bindings.values() if b.binding.show}

        assert {"Answer", "Read", "Argue", "Submit", "Back"} <= footer()
        assert "Order" not in footer()
        await pilot.press("3")
        assert {"Order", "Withdraw/cancel", "Submit"} <= footer() and "Answer" not in footer()
        await pilot.press("4")
        assert {"Assign", "Take lead", "Hand back"} <= footer()
        await pilot.press("2")
        assert {"Budget split", "Spending"} <= footer()
        palette = {c.title for c in app.get_system_commands(screen)}
        assert {"Budget split", "Spending", "Order", "Withdraw/cancel", "Assign", "Take lead", "Hand back",
                "Argue", "Read", "Submit", "Back"} <= palette
        await pilot.resize_terminal(200, 50)
        await pilot.pause()
        assert {"Order", "Assign", "Budget split", "Argue"} <= footer()  # a wide terminal shows them all
        assert "Answer" not in footer()  # but enter stays the tables' key outside the Inbox


async def test_default_scenario_team_screen(deadline, new_session):
    s = new_session(deadline)
    app = team_app(s, "brunssum-east")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_team(pilot, app, "brunssum-east")
        assert rows(screen, "tm-inbox") and all("OPEN" in r for r in rows(screen, "tm-inbox"))
        table = screen.query_one("#tm-catalogue", DataTable)
        table.move_cursor(row=[r.split(" | ")[0] for r in rows(screen, "tm-catalogue")].index(
            "Counter-drone sector package"))
        await form(pilot, app, "o", {"quantity": 2})
        record = s.records[-1]["command"]
        assert (record["kind"], record["item"], record["quantity"]) == ("order", "counter-drone", 2)
        assert rows(screen, "tm-orders")[0].startswith("2 × Counter-drone… | 0.24 USD bn | DRAFT | turn 3 |")


async def test_the_turn_timer_reaches_the_team_screen_when_it_changes(new_session, mini):
    """The team screen watches the app's timer (it does not poll the app): set, counting, up."""
    s = new_session(mini)
    now = [1000.0]
    app = make_app(session=s, clock=lambda: now[0])
    app.animation_level = "none"
    async with app.run_test(size=(120, 40)) as pilot:
        east = await open_team(pilot, app, "east")
        money = lambda: east.query_one("#tm-money", Static).content.plain
        assert "left" not in money()
        app.set_timer_minutes(2)
        app.tick()
        await wait_for(lambda: "02:00 left" in money(), pilot=pilot)
        now[0] += 121
        app.tick()
        await wait_for(lambda: "time is up" in money(), pilot=pilot)


async def test_team_help_is_written_from_the_bindings(new_session, mini):
    """Every key a tab binds is in the `?` help with its longer description, under its tab."""
    app = team_app(new_session(mini), "east")
    async with app.run_test(size=(120, 40)) as pilot:
        east = await open_team(pilot, app, "east")
        await pilot.press("question_mark")
        await wait_for(lambda: isinstance(app.screen, TextModal), pilot=pilot)
        body = app.screen.markdown
        from exercise.tui.keyhelp import word_slots, worded
        from exercise.tui.team.screen import TABS

        said = word_slots(mini.scenario.words, mini.scenario.adversary is not None)  # "{command}" written out
        assert east.help_hidden() == ("expand",)  # mini sells no production capacity: no e in its help
        for _tab, label, widget in TABS:
            for b in widget.__dict__.get("BINDINGS", ()):
                if b.description and b.action != "expand":
                    assert b.tooltip and worded(b.tooltip, said) in body, (label, b.key)
        assert "submit: drafts become binding" in body and east is not None


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_the_orders_table_fits_so_no_cell_is_cut_into_another_fact(deadline, new_session, size):
    """Play-test at 120x40: the draft Patriot read "DRAFT (basket) · | turn 1 | turn 1 |" (its
    Due, "turn 13 · after end", cut at the screen's edge), slip risk and instalments far right;
    the capacity for sale showed one row. Pre-exercise orders cost "0.00 USD bn"."""
    s = new_session(deadline)
    s.execute(cm.PlaceOrder("brunssum-west", "brunssum-west", "patriot", 2))
    app = team_app(s, "brunssum-west")
    async with app.run_test(size=size) as pilot:
        screen = await open_team(pilot, app, "brunssum-west")
        await pilot.press("3")
        await pilot.pause()
        orders = screen.query_one("#tm-orders", DataTable)
        assert orders.virtual_size.width <= orders.size.width  # every column on screen, none cut
        first = rows(screen, "tm-orders")[0]
        assert first.endswith(" | 2.20 USD bn | DRAFT | turn 13 · after end | 20 %"), first
        assert all("0.00" not in r for r in rows(screen, "tm-orders"))  # before the exercise: "paid before"
        detail = shown(screen)
        assert "paid 0.44 of 2.2 USD bn; next 0.14 in turn 2 (instalment 2 of 13)" in detail
        assert "slip risk: 20% chance all 2 slip 1 turn" in detail
        if size == (120, 40):
            capacity = screen.query_one("#tm-expansions", DataTable)
            assert capacity.virtual_size.width <= capacity.size.width  # no scrollbar across a row
            assert capacity.row_count == 2 and capacity.scrollable_content_region.height >= capacity.row_count + 1


async def test_an_expansion_already_bought_offers_no_buy_button(deadline, new_session):
    s = new_session(deadline)
    xid = deadline.scenario.expansions[0].id
    s.execute(cm.BuyExpansion("norfolk", "norfolk", xid))
    app = team_app(s, "brunssum-west")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await open_team(pilot, app, "brunssum-west")
        await pilot.press("3")
        screen.query_one("#tm-expansions", DataTable).move_cursor(row=0)
        await pilot.press("e")
        await wait_for(lambda: any("it can be bought once" in n for n in notifications(app)), pilot=pilot)
        assert not isinstance(app.screen, ConfirmModal)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_the_inbox_columns_fit_so_the_sender_is_not_cut_at_the_edge(deadline, new_session, size):
    """Play-test: the From column read "Lithuani", "European Co" (cut at the screen's edge)."""
    import types

    import attrs

    sc = deadline.scenario
    injects = tuple(attrs.evolve(i, sender="Lithuanian Ministry of National Defence") for i in sc.injects)
    s = new_session(types.SimpleNamespace(scenario=attrs.evolve(sc, injects=injects), texts=deadline.texts))
    app = team_app(s, "brunssum-west")
    async with app.run_test(size=size) as pilot:
        screen = await open_team(pilot, app, "brunssum-west")
        await pilot.pause()
        inbox = screen.query_one("#tm-inbox", DataTable)
        assert inbox.row_count and inbox.virtual_size.width <= inbox.size.width
        words = {w for i in screen.view.me.inbox for w in i.sender.split()}
        for r in rows(screen, "tm-inbox"):  # the sender in whole words
            sender = r.split(" | ")[-1].removesuffix("…")
            assert sender and all(w in words for w in sender.split()), r


def on_screen(app) -> str:
    """The terminal's text as drawn (not the widgets' data): what the player reads."""
    import html
    import re

    svg = app.export_screenshot()
    return html.unescape(" ".join(re.findall(r"<text[^>]*>(.*?)</text>", svg))).replace("\xa0", " ")


async def test_right_after_ordering_the_new_draft_is_drawn_whole_and_selected(deadline, new_session):
    """Re-check N3: right after ordering, the draft's Due cell was drawn "turn 1" (the column's
    old width; "turn 13 · after end") and "Selected order" still described the F-35A."""
    s = new_session(deadline)
    app = team_app(s, "brunssum-east")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_team(pilot, app, "brunssum-east")  # its orders were all due "turn 3", "turn 7"
        await pilot.press("3")
        await pilot.pause()
        assert rows(screen, "tm-catalogue")[0].startswith("Patriot fire unit")
        await form(pilot, app, "o", {"quantity": 1})
        await pilot.pause()
        drawn = on_screen(app)
        at = drawn.find("1 × Patriot fire unit")
        assert at >= 0 and "DRAFT  turn 13 · after end" in drawn[at:at + 80], drawn[at:at + 80]
        detail = screen.query_one("#tm-order-detail", Static).content
        assert getattr(detail, "plain", str(detail)).startswith("Selected order: 1 × Patriot fire unit")


async def test_a_draft_withdrawn_by_a_forced_advance_reads_withdrawn(deadline, new_session):
    """Re-check N6: the force-advance dialog said "withdrawn, the money back"; the orders
    table then said "cancelled" (the engine keeps one status for both)."""
    s = new_session(deadline)
    s.execute(cm.PlaceOrder("brunssum-east", "brunssum-east", "patriot", 1))
    s.execute(cm.Advance(force=True))
    app = team_app(s, "brunssum-east")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_team(pilot, app, "brunssum-east")
        await pilot.press("3")
        await pilot.pause()
        screen.query_one("#tm-orders", DataTable).move_cursor(row=rows(screen, "tm-orders").index(
            next(r for r in rows(screen, "tm-orders") if "Patriot" in r)))
        await pilot.pause()
        row = next(r for r in rows(screen, "tm-orders") if "Patriot" in r)
        # the engine keeps one status for a draft withdrawn and a binding order cancelled: the
        # cell names both (never only "cancelled", which read as a penalty), the detail which costs what
        assert " | withdrawn/cancelled | " in row, row
        detail = getattr(screen.query_one("#tm-order-detail", Static).content, "plain", "")
        assert "a draft came back in full" in detail, detail


async def test_a_team_closed_by_force_is_told_so_and_that_its_drafts_were_dropped(deadline, new_session):
    """A forced close read "SUBMITTED — ... your orders are binding" and dropped the drafts
    unsaid: the banner says who closed it and what it did, a notice tells it once."""
    s = new_session(deadline)
    s.execute(cm.PlaceOrder("brunssum-east", "brunssum-east", "patriot", 1))
    s.execute(cm.Submit("norfolk", "norfolk"))
    s.execute(cm.Advance(force=True))
    assert s.state.forced == {t for t in s.state.submitted if t != "norfolk"}
    app = team_app(s)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_team(pilot, app, "brunssum-east")
        banner = str(screen.query_one("#tm-banner", Static).content)
        assert banner.startswith("CLOSED BY THE FACILITATOR before you submitted turn 1. ") and "SUBMITTED" not in banner
        assert "any draft order was withdrawn, its money back in full" in banner, banner
        assert sum("draft order was withdrawn" in n for n in notifications(app)) == 1, notifications(app)
        await pilot.press("7")  # the Ledger tab it points to lists the withdrawn draft
        await wait_for(lambda: screen.query_one("#tm-tabs").active == "ledger", pilot=pilot)
        ledger = " ".join(" ".join(rows(screen, "tm-ledger")).split())
        assert "1 Patriot fire unit withdrawn: the team did not submit: 0.22 USD bn back" in ledger, ledger
    app = team_app(s)
    async with app.run_test(size=(120, 40)) as pilot:  # the team that submitted reads as before
        screen = await open_team(pilot, app, "norfolk")
        assert str(screen.query_one("#tm-banner", Static).content).startswith("SUBMITTED — waiting")
        assert not any("withdrawn" in n for n in notifications(app))
    while s.state.turn == 1:
        s.execute(cm.Advance())
    assert s.state.forced == frozenset()  # a new turn, a new deliberation


async def test_capacity_bought_by_a_team_names_it_whole_at_120(deadline, new_session):
    """Re-check N7: the Status cell read "bought by Norfolk (UK, Nordics and C" at 120 wide."""
    s = new_session(deadline)
    s.execute(cm.BuyExpansion("norfolk", "norfolk", deadline.scenario.expansions[0].id))
    app = team_app(s, "brunssum-west")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_team(pilot, app, "brunssum-west")
        await pilot.press("3")
        await pilot.pause()
        capacity = screen.query_one("#tm-expansions", DataTable)
        assert capacity.virtual_size.width <= capacity.size.width  # no cell past the edge
        bought = next(r for r in rows(screen, "tm-expansions") if "bought by" in r)
        assert "bought by Norfolk; ready turn " in bought and "(" not in bought.split(" | ")[-1], bought
        drawn = on_screen(app)
        assert "bought by Norfolk; ready turn " in drawn


async def test_after_the_end_procurement_and_tracks_offer_nothing(deadline, new_session):
    """Re-check N5: after the end, Procurement said "Submitted: … the basket opens again next
    turn" and listed capacity "for sale"; Tracks said "(a assigns them to a command)"."""
    s = new_session(deadline)
    s.execute(cm.Submit("brunssum-west", "brunssum-west"))
    s.execute(cm.End("out of time"))
    app = team_app(s, "brunssum-west")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_team(pilot, app, "brunssum-west")
        await pilot.press("3")
        await pilot.pause()
        text = shown(screen)
        assert "The exercise has ended: no more orders" in text, text
        assert "opens again next turn" not in text and "for sale" not in text
        header = screen.query_one("#tm-expansions", DataTable).ordered_columns[0].label.plain
        assert "for sale" not in header and "buys" not in header, header
        assert "a assigns" not in shown(screen)


async def test_the_resisting_category_says_what_it_does_on_the_budget_tab_and_in_the_split(new_session):
    from support import FIXTURES

    red = loader.load_scenario(FIXTURES / "red" / "scenarios" / "red.toml", Problems())
    s = new_session(red)
    app = team_app(s, "east")
    words = "60 % or more of your budget here spares you 50 % of the harm hostile actions do to your capabilities"
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_team(pilot, app, "east")
        floors = screen.query_one("#tm-floors", Static).content
        floors = " ".join(getattr(floors, "plain", str(floors)).split())
        assert floors.startswith("Sustain: under 30 %") and f"; {words}" in floors
        modal = await form(pilot, app, "b", submit=False)
        assert f"Sustain: {words}." in modal.intro
        text = shown(screen).lower()
        assert "russia" not in text and "point" not in text
