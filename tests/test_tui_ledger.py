"""The team console's Ledger tab and the facilitator's view of every team's ledger."""

from __future__ import annotations

from support import DRILL, load_fixture, wait_for
from test_tui_team import open_team, rows, team_app

from exercise.engine import commands as cm
from exercise.session import Session

SIZE = (120, 40)


def played_turn(tmp_path) -> Session:
    """The drill after turn 1's adjudication: East answered, split under the floor, got drones."""
    loaded = load_fixture(DRILL)
    s = Session.create(loaded.scenario, loaded.texts, tmp_path / "drill")
    s.execute(cm.Start())
    s.execute(cm.Advance())
    s.execute(cm.Advance())
    s.execute(cm.Answer("east", "east", "drones", "shoot"))
    s.execute(cm.Allocate("east", "east", {"sustain": 0.2, "invest": 0.6, "resilience": 0.2}))
    s.execute(cm.PlaceOrder("east", "east", "drone", 2))
    s.execute(cm.Submit("east", "east"))
    s.execute(cm.Advance(force=True))  # adjudication: delivery, then decay
    return s


async def test_the_ledger_tab_shows_each_cause_with_before_and_after(tmp_path):
    s = played_turn(tmp_path)
    app = team_app(s, "east")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_team(pilot, app, "east")
        await pilot.press("7")
        await wait_for(lambda: screen.query_one("#tm-tabs").active == "ledger", pilot=pilot)
        assert app.focused is not None and app.focused.id == "tm-ledger"
        table = [r.replace("\n", " ") for r in rows(screen, "tm-ledger")]  # a long cause wraps in its cell
        text = "\n".join(table)
        assert table[0].startswith("Turn 1 · 2026 Q1")
        assert "net change | Air defence | 2 | 3.5 | +1.5 points | over the turn" in text
        assert "Air defence | 2 | 3 | +1 point | East chose “Shoot them down” in “Drones over the border”" in text
        assert "Air defence | 3 | 4 | +1 point | delivery of 2 Drone lot" in text
        assert "Air defence | 4 | 3.5 | −0.5 points | decay: Sustain got 20% of the budget, under its floor of 30%" in text
        # the line under the table says the selected change in full
        await pilot.press("down")
        await pilot.pause()
        detail = screen.query_one("#tm-ledger-detail").content.plain
        assert "Why: turn 1's budget: 2 USD bn from its allies' defence spending (Poland 4 % of GDP)" in detail
    s.close()


async def test_the_facilitator_opens_a_teams_ledger(tmp_path):
    from exercise.tui.facilitator import FacilitatorScreen
    from exercise.tui.modals import TextModal

    s = played_turn(tmp_path)
    app = team_app(s)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(lambda: isinstance(app.screen, FacilitatorScreen), pilot=pilot)
        await pilot.pause()
        await pilot.press("l")  # the teams table: East is selected
        await wait_for(lambda: isinstance(app.screen, TextModal), pilot=pilot)
        body = app.screen.markdown
        assert app.screen.title_text == "Ledger of East (newest turn first)"
        assert "delivery of 2 Drone lot" in body and "Air defence" in body
    s.close()


async def test_the_debrief_shows_each_teams_ledger_for_the_turn_in_view(tmp_path):
    from test_debrief_support import scripted_save

    from exercise.debrief import record
    from exercise.tui.debrief import make_debrief_app

    app = make_debrief_app(record.load(scripted_save(tmp_path)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("7")
        await pilot.pause()
        body = app.screen.query_one("#ledger-body").content.plain
        assert "Turn 4: what changed for each team, and why" in body
        assert "Air defence: 3.5 → 3 points (−0.5 points)" in body and "because decay: Sustain got 25%" in body
        await pilot.press("home", "right")  # turn 1
        body = app.screen.query_one("#ledger-body").content.plain
        assert "because delivery of 1 Drone lot" in body
        assert "rationale: US desk reacts to the border incident" in body  # the facilitator's debrief
