"""At 80x24 every screen stays usable; at 120x40 too: walked with one app per size.

For each screen and tab (start screen, facilitator tabs 1-6 and their dialogs, a team's tabs
1-7 and their dialogs, the debrief's tabs): the footer shows each key whole or not at all (a
key cut at the edge, "m▏^p palette", is a failure); each table shows all its columns within
the screen, or scrolls sideways with its first (key) column whole; a dialog's buttons are on
the screen.
"""

from __future__ import annotations

import pytest
from support import DEFAULT, load_fixture, to_deliberation, wait_for
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, DataTable, Static
from textual.widgets._footer import FooterKey

from exercise.engine import commands as cm
from exercise.session import Session


def problems(app, where: str) -> list[str]:
    """What does not fit on the screen now."""
    screen = app.screen
    width, height = screen.size
    out = []
    for key in screen.query(FooterKey):
        if key.region.width and key.region.right > width:
            out.append(f"{where}: footer key {key.key_display} {key.description!r} cut at the edge")
    for table in screen.query(DataTable):
        if not table.region.width or not table.columns:
            continue  # not on the tab shown
        columns = list(table.columns.values())
        need = sum(c.get_render_width(table) for c in columns)
        if need > table.region.width:
            first = columns[0].get_render_width(table)
            if table.max_scroll_x <= 0 or first > table.region.width:
                out.append(f"{where}: table {table.id} needs {need} columns of {table.region.width} "
                           "and does not scroll with its first column whole")
    if isinstance(screen, ModalScreen):
        out += cut_texts(screen, where)
        for b in screen.query(Button):
            r = b.region
            if r.width and (r.right > width or r.bottom > height - 1 or r.height < 3):
                out.append(f"{where}: button {b.label} not whole on the screen ({r})")
    return out


def cut_texts(screen, where: str) -> list[str]:
    """A dialog's texts (title, intro, each field's label and help, a select's value) that
    run past the right edge of what holds them: wider than the room there is, so cut rather
    than wrapped (what holds them scrolls down, never sideways)."""
    out = []
    for w in screen.query(Static):
        parent = w.parent
        if not w.region.width or not isinstance(parent, Widget):
            continue
        room = parent.scrollable_content_region
        if w.region.right > room.right:
            out.append(f"{where}: {' '.join(sorted(w.classes)) or type(w).__name__} "
                       f"{str(w.render())[:50]!r}… is {w.region.width} wide in {room.width} columns: cut")
    return out


@pytest.fixture
def deliberation(tmp_path):
    loaded = load_fixture(DEFAULT)
    s = Session.create(loaded.scenario, loaded.texts, tmp_path, name="Fit", seed=7)
    to_deliberation(s)
    team = s.state.rules.team_ids[0]
    s.execute(cm.Argue(team, team, "Close the border crossings", "Fewer drones", "Public pressure"))
    s.execute(cm.RedAct("rail-sabotage", team))  # the Red tab's acts table has a row
    yield s
    s.close()


async def _dialog(pilot, app, key: str, where: str, bad: list[str]) -> None:
    await pilot.press(key)
    await wait_for(lambda: isinstance(app.screen, ModalScreen), what=f"{where} opens", pilot=pilot)
    await pilot.pause()
    bad += problems(app, where)
    await pilot.press("escape")
    await pilot.pause()
    while isinstance(app.screen, ModalScreen):  # a form with text asks before dropping it
        await pilot.press("escape")
        await pilot.pause()


async def facilitator_fits(pilot, app, bad: list[str]) -> None:
    for tab in "123456":  # 6: the Red tab (the default scenario has an adversary)
        await pilot.press(tab)
        await pilot.pause()
        bad += problems(app, f"facilitator tab {tab}")
    for key, name in [("a", "plan a red act"), ("w", "withdraw a red act")]:
        await _dialog(pilot, app, key, f"facilitator {name}", bad)
    await pilot.press("2")
    for key, name in [("f", "fire"), ("k", "skip"), ("a", "ad-hoc inject")]:
        await _dialog(pilot, app, key, f"facilitator {name}", bad)
    await pilot.press("3")
    await _dialog(pilot, app, "j", "facilitator adjudicate", bad)
    await pilot.press("1")
    for key, name in [("o", "override"), ("m", "note"), ("T", "timer"), ("l", "ledger"), ("n", "force advance")]:
        await _dialog(pilot, app, key, f"facilitator {name}", bad)


async def team_fits(pilot, app, bad: list[str]) -> None:
    from exercise.tui.team import TeamScreen

    # Norfolk's seat: the UK may ask for the Norfolk lead (the first team's Baltic states and
    # Poland may lead no free command, so its "l" is refused before any form opens)
    app.show_team("norfolk")
    await wait_for(lambda: isinstance(app.screen, TeamScreen) and app.screen.view, pilot=pilot)
    for tab in "1234567":
        await pilot.press(tab)
        await pilot.pause()
        bad += problems(app, f"team tab {tab}")
    for tab, key, name in [("1", "u", "argue"), ("2", "b", "budget split"), ("2", "dollar_sign", "spending"),
                           ("3", "o", "order"), ("4", "l", "take lead")]:
        await pilot.press(tab)
        if key == "l":  # a lead that can be taken now: the others are refused before any form
            table = app.screen.query_one("#tm-commands", DataTable)
            free = next(c.id for c in app.screen.view.commands if c.lead_refusal is None)
            table.move_cursor(row=table.get_row_index(free))
            await pilot.pause()
        await _dialog(pilot, app, key, f"team {name}", bad)


# The facilitator's console and a team's are walked by separate tests (each with its own
# app), so xdist runs them side by side: one walk of both was the suite's longest test.
@pytest.mark.parametrize("walk", [facilitator_fits, team_fits], ids=["facilitator", "team"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_every_console_screen_fits(deliberation, size, walk):
    from exercise.tui.app import make_app

    app = make_app(session=deliberation)
    app.animation_level = "none"
    bad: list[str] = []
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await walk(pilot, app, bad)
    assert bad == [], "\n".join(bad)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_start_screen_and_the_debrief_fit(deliberation, tmp_path, monkeypatch, size):
    from exercise.debrief.record import from_session
    from exercise.tui.app import make_app
    from exercise.tui.debrief import make_debrief_app

    bad: list[str] = []
    monkeypatch.chdir(tmp_path)
    app = make_app(saves_root=tmp_path / "saves")
    async with app.run_test(size=size) as pilot:
        # the scenarios and the briefing are filled in after the first frame: fit them too
        await wait_for(lambda: getattr(app.screen, "scenarios_ready", False), 30, "the scenarios", pilot=pilot)
        for tab in "12":
            await pilot.press(tab)
            await pilot.pause()
            bad += problems(app, f"start tab {tab}")
    app = make_debrief_app(from_session(deliberation))
    async with app.run_test(size=size) as pilot:
        for tab in "1234567":
            await pilot.press(tab)
            await pilot.pause()
            bad += problems(app, f"debrief tab {tab}")
    assert bad == [], "\n".join(bad)


async def seat_forms_fit(pilot, app, bad: list[str]) -> None:
    """The seat consoles' forms: the controller's adjudicate, note, delay and fire; the
    evaluator's observation (with its rating); the red cell's plan (action, then target) and
    counter; a team's argue, counter-argue and the participant feedback form."""
    from exercise.engine import seats
    from exercise.engine.seats import Seat
    from exercise.tui.modals import FormModal, feedback_fields

    s = app.session
    first = s.state.rules.team_ids[0]
    s.execute(cm.Argue(s.state.rules.team_ids[1], s.state.rules.team_ids[1], "Open the ports to allied convoys",
                       "Faster reinforcement", "Shipping lanes are free", open=True))
    walks = [(Seat("alice", "controller", "Alice (controller)"), [("2", "j"), ("1", "m"), ("1", "d"), ("1", "f")]),
             (Seat("eve", "evaluator", "Eve (evaluator)"), [("", "n")]),
             (seats.red_seat(s.state), [("", "a"), ("", "c")])]
    for seat, keys in walks:
        app.show_seat(seat)
        await pilot.pause()
        for tab, key in keys:
            if tab:
                await pilot.press(tab)
            await _dialog(pilot, app, key, f"{seat.role} {key}", bad)
            if seat.role == "red" and key == "a":  # the act's second step: its target
                await pilot.press("a")
                await wait_for(lambda: isinstance(app.screen, ModalScreen), pilot=pilot)
                app.screen.action_submit()
                await wait_for(lambda: isinstance(app.screen, ModalScreen) and "on which" in str(
                    app.screen.title_text), what="the target step", pilot=pilot)
                await pilot.pause()
                bad += problems(app, "red plan: target")
                await pilot.press("escape")
                await pilot.pause()
        await pilot.press("escape")  # back to the facilitator's console (hot-seat)
        await pilot.pause()
    app.show_team(first)
    await pilot.pause()
    await _dialog(pilot, app, "u", "team argue", bad)
    await _dialog(pilot, app, "c", "team counter-argue", bad)
    app.push_screen(FormModal("Participant feedback", feedback_fields(), "Send"))
    await pilot.pause()
    bad += problems(app, "team feedback")


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_every_seat_form_is_readable(deliberation, size):
    """Each form's labels, help and intro wrap within the dialog (a label cut at the edge, as
    the plan's "Target (a team for a team action, a command for…" was, is a failure)."""
    from exercise.tui.app import make_app

    app = make_app(session=deliberation)
    app.animation_level = "none"
    bad: list[str] = []
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await seat_forms_fit(pilot, app, bad)
    assert bad == [], "\n".join(bad)
