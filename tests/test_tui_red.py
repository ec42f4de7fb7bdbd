"""The red cell on screen: the facilitator's Red tab (plan with a, refused with the engine's
reason, withdraw with w, the red bot with B), the incidents a team reads (and nothing else of
red), and a live session with the red bot and the US desk bot (`exercise run --red bot
--us-desk bot`)."""

from __future__ import annotations

import pytest
from support import (
    CONSOLE,
    DEFAULT,
    FIXTURES,
    load_fixture,
    notifications,
    record_notifications,
    to_deliberation,
    wait_for,
)
from textual.widgets import DataTable, Select, Static

from exercise.engine import commands as cm
from exercise.session import US_DESK_BOT, Session
from exercise.tui.app import make_app

RED = FIXTURES / "red" / "scenarios" / "red.toml"
SEED_NOTICED_UNATTRIBUTED = 3  # sabotage on East noticed but not attributed; jam attributed (checked below)


def red_session(tmp_path, seed: int | None = None, path=RED) -> Session:
    loaded = load_fixture(path)
    s = Session.create(loaded.scenario, loaded.texts, tmp_path, name="Red", seed=seed)
    to_deliberation(s)
    return s


def shown_text(screen) -> str:
    """Every Static's and table cell's text on a screen (hidden tabs too)."""
    parts = [str(w.render()) for w in screen.query(Static)]
    for table in screen.query(DataTable):
        parts += [" ".join(getattr(c, "plain", str(c)) for c in table.get_row_at(i)) for i in range(table.row_count)]
        parts += [getattr(c.label, "plain", str(c.label)) for c in table.columns.values()]
    return "\n".join(parts)


async def test_the_red_tab_is_there_only_with_an_adversary(tmp_path):
    loaded = load_fixture(CONSOLE)
    s = Session.create(loaded.scenario, loaded.texts, tmp_path / "a", name="No red")
    app = make_app(session=s)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert not app.screen.query("#red") and not app.screen.query("#red-panel")
        await pilot.press("6")
        assert app.screen.query_one("#tabs").active == "overview"  # 6 does nothing there
        assert not any(app.screen.check_action(a, ()) for a in ("red_plan", "red_withdraw", "red_bot"))
    app = make_app(session=red_session(tmp_path / "b"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("6")
        await pilot.pause()
        assert app.screen.query_one("#tabs").active == "red"
        text = shown_text(app.screen)
        assert "Russia: 5 points left · income 5 points a turn" in text
        # the menu: names, cost with unit, target kind, chances, usable now (from the view)
        assert "Rail sabotage 3 points a team 60 % 50 % yes" in text
        assert "Disinformation 2 points every team 0 % 0 % no" in text
        assert "Divide" in text  # its objectives


async def _plan(pilot, app, action: str, target: str | None) -> None:
    await pilot.press("a")
    await wait_for(lambda: app.screen.query("#f-action"), pilot=pilot)
    app.screen.query_one("#f-action", Select).value = action
    app.screen.query_one("#f-target", Select).value = target or ""
    await pilot.press("ctrl+s")
    await pilot.pause()


async def test_a_plans_an_act_and_a_refusal_says_the_engines_reason(tmp_path):
    s = red_session(tmp_path)
    app = make_app(session=s)
    record_notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        await pilot.press("a")  # elsewhere than the Red tab, a is still the ad-hoc inject
        await pilot.pause()
        assert app.screen.query("#f-text") or "ad-hoc" in str(app.screen.query_one(".dialog-title").render()).lower()
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("6")
        await _plan(pilot, app, "jam", "north")
        assert [(m.action, m.target, m.status) for m in s.state.red_acts.values()] == [("jam", "north", "planned")]
        assert s.state.red_cash == 4
        assert any("1 point paid, 4 points left" in n for n in notifications(app))
        assert "1 Electronic warfare on navigation JFC North planned" in shown_text(app.screen)
        # spend the rest, then over budget: the engine's reason is shown, nothing is planned
        s.execute(cm.RedAct("sabotage", "east"))  # 1 left
        s.execute(cm.RedAct("jam", "north"))  # 0 left
        await pilot.pause()
        await _plan(pilot, app, "sabotage", "west")
        assert len(s.state.red_acts) == 3
        said = notifications(app)[-1]
        assert "Rail sabotage cannot be planned: already planned this turn (at most 1 a turn)" in said
        s.execute(cm.Advance(force=True))
        while s.state.phase != "deliberation":
            s.execute(cm.Advance())
        s.execute(cm.RedAct("disinfo"))
        s.execute(cm.RedAct("sabotage", "east"))  # 5 + 0 - 2 - 3: nothing left
        await pilot.pause()
        await _plan(pilot, app, "jam", "north")
        assert "not enough points: it costs 1, Russia has 0" in notifications(app)[-1]
        assert len(s.state.red_acts) == 5


async def test_w_withdraws_the_selected_act_after_asking(tmp_path):
    s = red_session(tmp_path)
    s.execute(cm.RedAct("sabotage", "east"))
    s.execute(cm.RedAct("jam", "north"))
    app = make_app(session=s)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("6")
        await pilot.pause()
        moves = app.screen.query_one("#red-moves", DataTable)
        moves.move_cursor(row=1)  # newest first: the sabotage
        await pilot.press("w")
        await pilot.pause()
        assert "Withdraw this act?" in str(app.screen.query_one(".dialog-title").render())
        await pilot.press("y")
        await wait_for(lambda: s.state.red_acts["red-1"].status == "withdrawn", pilot=pilot)
        assert s.state.red_acts["red-2"].status == "planned" and s.state.red_cash == 4


async def test_B_lets_the_red_bot_plan_legal_acts(tmp_path):
    s = red_session(tmp_path, seed=7, path=DEFAULT)
    app = make_app(session=s)
    record_notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("B")
        await wait_for(lambda: s.state.red_acts, pilot=pilot)
        assert app.screen.query_one("#tabs").active == "red"
        assert all(m.status == "planned" for m in s.state.red_acts.values())
        assert s.state.red_cash >= 0
        assert not any("Not done" in n for n in notifications(app))  # no command of the bot was refused
        assert any("The red bot planned" in n for n in notifications(app))
        assert [r.command["kind"] for r in s.records[-len(s.state.red_acts):]] == ["red_act"] * len(s.state.red_acts)


async def test_a_team_reads_its_incidents_and_nothing_else_of_red(tmp_path):
    from exercise.tui.team import TeamScreen

    s = red_session(tmp_path, seed=SEED_NOTICED_UNATTRIBUTED)
    s.execute(cm.RedAct("sabotage", "east"))
    s.execute(cm.RedAct("jam", "north"))
    s.execute(cm.Advance(force=True))
    acts = s.state.red_acts
    assert (acts["red-1"].detected, acts["red-1"].attributed) == (True, False)
    assert (acts["red-2"].detected, acts["red-2"].attributed) == (True, True)
    while s.state.phase != "deliberation":  # turn 2's deliberation: red plans again, which no team may see
        s.execute(cm.Advance())
    s.execute(cm.RedAct("disinfo"))
    app = make_app(session=s, team="east")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(lambda: isinstance(app.screen, TeamScreen) and app.screen.view, pilot=pilot)
        await pilot.pause()
        text = shown_text(app.screen)
        assert "Rail line cut near the border" in text and "Unattributed" in text
        assert "GPS jamming over the Baltic" in text and "Attributed to Russia" in text
        for secret in ("Rail sabotage", "Electronic warfare", "Disinformation", "red-1", "red-3", "points left", "income",
                       "roll", "planned", "Divide"):
            assert secret not in text, secret
        # the detail pane of the selected incident says what the team knows
        table = app.screen.query_one("#tm-inbox", DataTable)
        keys = [r.key.value for r in table.ordered_rows]
        table.move_cursor(row=keys.index("incident-0"))
        await pilot.pause()
        detail = str(app.screen.query_one("#tm-inbox-detail", Static).render())
        assert "Rail line cut near the border" in detail and "Unattributed" in detail and "turn 1" in detail


def _play_to_the_end(s: Session) -> None:
    s.execute(cm.Start())
    while s.state.status == "running":
        s.execute(cm.Advance(force=True) if s.state.phase == "deliberation" else cm.Advance())


def test_a_session_with_the_red_bot_and_the_us_desk_bot(tmp_path):
    loaded = load_fixture(DEFAULT)
    s = Session.create(loaded.scenario, loaded.texts, tmp_path, name="Bots", seed=7)
    s.red, s.us_desk = "bot", "bot"
    _play_to_the_end(s)
    kinds = [(r.command["kind"], r.command.get("actor")) for r in s.records]
    # red's acts are journaled each turn, before the advance that adjudicates it
    turns = {m.turn for m in s.state.red_acts.values()}
    assert turns == set(range(1, s.scenario.calendar.turns + 1))
    assert ("red_act", "russia") in kinds
    assert all(m.status == "resolved" for m in s.state.red_acts.values())
    # the US desk bot confirmed the scorecard's proposal, with its rationale
    assert s.state.verdict is not None and kinds[-1][0] == "judge"
    assert s.records[-1].command["rationale"] == US_DESK_BOT and s.records[-1].command["outcome"] is None
    from exercise import engine

    assert engine.facilitator_view(s.state).outcome.id == s.state.proposal.outcome
    # the journal replays to the same state (the bots' commands are in it)
    live = s.state_hash()
    s.close()
    again = Session.open(s.folder)
    assert again.state_hash() == live
    again.close()


def test_a_refused_advance_lets_the_red_bot_plan_nothing(tmp_path):
    loaded = load_fixture(RED)
    s = Session.create(loaded.scenario, loaded.texts, tmp_path, name="Bots")
    s.red = "bot"
    to_deliberation(s)
    from exercise.engine import Rejected

    with pytest.raises(Rejected):
        s.execute(cm.Advance())  # the teams have not submitted: refused, and red waits
    assert not s.state.red_acts
    s.execute(cm.Advance(force=True))
    assert s.state.red_acts and s.state.phase != "deliberation"


def test_run_takes_red_and_us_desk(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from exercise.cli import play

    seen = {}
    monkeypatch.setattr(play, "has_terminal", lambda: True)
    monkeypatch.setattr(play, "run_tui", lambda session, root: seen.update(red=session.red, desk=session.us_desk))
    result = CliRunner().invoke(play.run, ["--red", "bot", "--us-desk", "bot", "--saves", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert seen == {"red": "bot", "desk": "bot"}
    result = CliRunner().invoke(play.run, ["--red", "robot", "--saves", str(tmp_path)])
    assert result.exit_code == 2 and "robot" in result.output


def test_resume_takes_red_and_us_desk_again(tmp_path, monkeypatch):
    """A resumed exercise is handed to the red bot and the US desk bot again when asked
    (the facilitator by default), like `exercise run`."""
    from click.testing import CliRunner

    from exercise.cli import play

    monkeypatch.setattr(play, "has_terminal", lambda: True)
    monkeypatch.setattr(play, "run_tui", lambda session, root: session.close())
    result = CliRunner().invoke(play.run, ["--saves", str(tmp_path)])
    assert result.exit_code == 0, result.output
    save = next(p for p in tmp_path.iterdir() if p.is_dir()).name
    opened = {}

    def run_tui(session, root, opener=None, opening=None):
        s = session or opener()
        opened.update(red=s.red, desk=s.us_desk)
        s.close()

    monkeypatch.setattr(play, "run_tui", run_tui)
    result = CliRunner().invoke(play.resume, [save, "--red", "bot", "--us-desk", "bot", "--saves", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert opened == {"red": "bot", "desk": "bot"}
    result = CliRunner().invoke(play.resume, [save, "--saves", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert opened == {"red": "facilitator", "desk": "facilitator"}


async def test_the_red_tab_names_and_never_ids(tmp_path):
    import re

    s = red_session(tmp_path, seed=SEED_NOTICED_UNATTRIBUTED)
    s.execute(cm.RedAct("sabotage", "east"))
    s.execute(cm.RedAct("jam", "north"))
    s.execute(cm.Advance(force=True))
    while s.state.phase != "deliberation":
        s.execute(cm.Advance())
    s.execute(cm.RedAct("disinfo"))
    ids = {"jam", "disinfo", "east", "west", "north", "russia", "divide", "red-1", "red-2", "red-3"}
    app = make_app(session=s)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("6")
        await pilot.pause()
        for row in range(3):  # each act's detail line too
            app.screen.query_one("#red-moves", DataTable).move_cursor(row=row)
            await pilot.pause()
            text = shown_text(app.screen.query_one("#red-panel"))
            assert {w for w in re.findall(r"(?<![\w-])[\w][\w-]*[\w](?![\w-])", text) if w in ids} == set()
        assert "Rail sabotage on East" in text and "detection rolled" in text and "against a 60 % chance" in text


async def test_without_a_red_bot_B_is_hidden_and_the_session_plans_nothing(tmp_path, monkeypatch):
    import exercise.bots

    monkeypatch.setattr(exercise.bots, "REDS", {})
    s = red_session(tmp_path)
    app = make_app(session=s)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("6")
        await pilot.pause()
        assert app.screen.check_action("red_bot", ()) is False
        assert app.screen.check_action("red_withdraw", ()) is not False
        await pilot.press("B")
        await pilot.pause()
        assert not s.state.red_acts
    s.red = "bot"
    s.execute(cm.Advance(force=True))
    assert not s.state.red_acts


async def test_the_red_bot_toast_counts_and_names_what_it_planned(tmp_path, monkeypatch):
    import exercise.bots

    def bot(state, dice):  # one act: the title says "1 act", the body names it and its target
        return [cm.RedAct("sabotage", "east", actor="russia")]

    monkeypatch.setattr(exercise.bots, "REDS", {"bot": bot})
    s = red_session(tmp_path)
    app = make_app(session=s)
    record_notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("B")
        await wait_for(lambda: s.state.red_acts, pilot=pilot)
        await pilot.pause()
        assert "The red bot planned 1 act: • Rail sabotage on East" in notifications(app)


async def test_a_withdrawn_act_stays_listed_with_its_refund(tmp_path):
    s = red_session(tmp_path)
    s.execute(cm.RedAct("sabotage", "east"))
    s.execute(cm.RedWithdraw("red-1"))
    app = make_app(session=s)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("6")
        await pilot.pause()
        assert "1 Rail sabotage East withdrawn (refunded 3 points)" in shown_text(app.screen)


async def test_the_red_menu_and_acts_fit_80_columns(tmp_path):
    s = red_session(tmp_path, seed=7, path=DEFAULT)
    s.execute(cm.RedAct("gps-jamming", next(iter(s.state.rules.commands))))
    s.execute(cm.RedWithdraw("red-1"))
    s.execute(cm.RedAct("rail-sabotage", s.state.rules.team_ids[0]))  # "withdrawn (refunded 2 points)": the longest result
    app = make_app(session=s)
    async with app.run_test(size=(120, 40)) as pilot:  # wide names first, then a terminal made small
        await pilot.press("6")
        await pilot.pause()
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        for tid in ("#red-actions", "#red-moves"):
            table = app.screen.query_one(tid, DataTable)
            need = sum(c.get_render_width(table) for c in table.columns.values())
            assert need <= table.region.width, (tid, need, table.region.width)


async def test_the_plan_form_opens_on_a_usable_action(tmp_path):
    s = red_session(tmp_path)  # turn 1: Disinformation (from turn 2) cannot be used yet
    app = make_app(session=s)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("6")
        await pilot.pause()
        menu = app.screen.query_one("#red-actions", DataTable)

        async def preset(row: int) -> str:
            menu.move_cursor(row=row)
            await pilot.press("a")
            await wait_for(lambda: app.screen.query("#f-action"), pilot=pilot)
            value = app.screen.query_one("#f-action", Select).value
            await pilot.press("escape")
            await wait_for(lambda: not app.screen.query("#f-action"), pilot=pilot)
            return value

        assert await preset(2) == "sabotage"  # the selected row cannot be used: the first usable one
        assert await preset(1) == "jam"  # the selected row can be used: it
        s.execute(cm.RedAct("sabotage", "east"))  # its limit a turn reached
        await pilot.pause()
        assert await preset(0) == "jam"


async def test_w_withdraws_a_new_act_without_selecting_it_first(tmp_path):
    """The play-test pressed w after planning and was told to select an act (the cursor
    stayed on last turn's act): the cursor now follows a newly planned act, and the only
    planned act needs no selection."""
    s = red_session(tmp_path)
    s.execute(cm.RedAct("sabotage", "east"))
    s.execute(cm.Advance(force=True))
    while s.state.phase != "deliberation":
        s.execute(cm.Advance())
    app = make_app(session=s)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("6")
        await pilot.pause()
        moves = app.screen.query_one("#red-moves", DataTable)
        assert moves.row_count == 1  # last turn's act, under the cursor
        s.execute(cm.RedAct("jam", "north"))
        await wait_for(lambda: moves.row_count == 2, pilot=pilot)
        assert moves.cursor_row == 0  # the new act, newest first
        await pilot.press("w")
        await pilot.pause()
        assert "Withdraw this act?" in str(app.screen.query_one(".dialog-title").render())
        await pilot.press("y")
        await wait_for(lambda: s.state.red_acts["red-2"].status == "withdrawn", pilot=pilot)
