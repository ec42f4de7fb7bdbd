"""The controller's footer shows the keys that apply to the tab shown and its selected row
(docs/seats.md lists h/r, k/b, d, v: none hidden at 80 or 120 columns; `?` lists every key),
and its note form asks for one of its teams (the seat refuses a note about all teams)."""

from __future__ import annotations

import attrs
import pytest
from support import to_deliberation, wait_for
from textual.widgets import DataTable, Label, Select
from textual.widgets._footer import FooterKey

from exercise.engine import commands as cm
from exercise.engine.seats import Seat
from exercise.model import Inject
from exercise.ports import LocalSeatPort
from exercise.session import Session
from exercise.tui.app import make_app
from exercise.tui.modals import FormModal
from exercise.tui.seat.controller import ControllerScreen

SEAT = Seat("alice", "controller", "Alice (controller)", scope=("east",))


@pytest.fixture
def session(tmp_path, mini):
    extra = (Inject(id="east-call", title="Call from Warsaw", to=("east",), turn=3),
             Inject(id="east-held", title="Held for later", to=("east",), turn=3),
             Inject(id="east-skip", title="Skipped drill", to=("east",), turn=4))
    scenario = attrs.evolve(mini.scenario, injects=mini.scenario.injects + extra)
    s = Session.create(scenario, mini.texts, tmp_path, name="Keys")
    to_deliberation(s)
    s.execute(cm.HoldInject("east-held"))
    s.execute(cm.SkipInject("east-skip"))
    yield s
    s.close()


def footer_keys(screen) -> list[str]:
    return [k.key for k in screen.query(FooterKey) if k.display]


async def open_controller(app, pilot, session, seat=SEAT):
    await pilot.pause()
    app.push_screen(ControllerScreen(LocalSeatPort(session, seat), hot_seat=True))
    await wait_for(lambda: isinstance(app.screen, ControllerScreen) and app.screen.view is not None, pilot=pilot)
    await pilot.pause()
    return app.screen


async def select(pilot, screen, key: str) -> None:
    table = screen.query_one("#ct-inject-table", DataTable)
    table.move_cursor(row=table.get_row_index(key))
    await pilot.pause()
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_footer_shows_the_keys_of_the_tab_and_row(session, size):
    app = make_app(session=session)
    async with app.run_test(size=size) as pilot:
        screen = await open_controller(app, pilot, session)
        await select(pilot, screen, "east-call")
        keys = footer_keys(screen)
        for k in ("f", "h", "k", "d", "v", "question_mark"):
            assert k in keys, (size, keys)
        assert "r" not in keys and "b" not in keys  # not held, not skipped: nothing to release or bring back
        await select(pilot, screen, "east-held")
        keys = footer_keys(screen)
        assert "r" in keys and "h" not in keys, keys  # held: r Release
        await select(pilot, screen, "east-skip")
        keys = footer_keys(screen)
        assert "b" in keys and "k" not in keys, keys  # skipped: b Bring back
        help_key = next(k for k in screen.query(FooterKey) if k.key == "question_mark")
        assert help_key.description == "All keys"
        await pilot.press("2")  # Actions: j Adjudicate, not the inject keys
        await pilot.pause()
        await pilot.pause()
        keys = footer_keys(screen)
        assert "j" in keys and "f" not in keys and "d" not in keys, keys
        await pilot.press("4")
        await pilot.pause()
        await pilot.pause()
        assert "m" in footer_keys(screen)
        right = max(k.region.right for k in screen.query(FooterKey) if k.display)
        assert right <= size[0]  # every key shown whole
        await pilot.press("1", "d")  # a key not of the tab shown still works where it applies
        await wait_for(lambda: isinstance(app.screen, FormModal), pilot=pilot)


async def test_scoped_controller_note_names_one_of_its_teams(session):
    app = make_app(session=session)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_controller(app, pilot, session)
        await pilot.press("m")
        await wait_for(lambda: isinstance(app.screen, FormModal), pilot=pilot)
        form = app.screen
        labels = [str(w.content) for w in form.query(Label)]
        assert "About team (one of yours)" in labels and "About team (optional)" not in labels, labels
        team = form.query_one("#f-team", Select)
        assert team.value == "east"  # its only team, chosen
        options = [v for _label, v in team._options if v is not Select.NULL]
        assert options == ["east"]
        assert screen is not None
