"""The team inbox's columns fit the terminal at 80, 100 and 120 columns, and the Decision
column says the whole default (or the answer): wrapped over two lines when it does not fit
its column, never cut ("OPEN · default: Sign…" at 100 columns). They follow a resize."""

from __future__ import annotations

import pytest
from support import DEFAULT, load_fixture, to_deliberation, wait_for
from textual.widgets import DataTable

from exercise.session import Session
from exercise.tui.app import make_app
from exercise.tui.team import TeamScreen


@pytest.fixture
def deliberation(tmp_path):
    loaded = load_fixture(DEFAULT)
    s = Session.create(loaded.scenario, loaded.texts, tmp_path, name="Inbox", seed=7)
    to_deliberation(s)
    yield s
    s.close()


def check_inbox(app, team_id: str, width: int, session) -> None:
    table = app.screen.query_one("#tm-inbox", DataTable)
    view = app.screen.view
    assert table.row_count == len(view.me.inbox) > 0
    total = sum(c.get_render_width(table) for c in table.ordered_columns)
    assert total <= width - 1, f"the inbox is {total} columns wide at {width} (a column for the scrollbar)"
    for inj in view.me.inbox:
        decision = str(table.get_cell(inj.id, table.ordered_columns[2].key))
        default = next(o.label for o in inj.options if o.default) if inj.options else ""
        assert "…" not in decision and " ".join(decision.split()) == f"OPEN · default: {default}", (width, decision)
        assert max(map(len, decision.split("\n"))) <= table.ordered_columns[2].content_width
        sender = str(table.get_cell(inj.id, table.ordered_columns[3].key))
        assert sender.split()[0].rstrip("…") == inj.sender.split()[0][:len(sender.split()[0].rstrip("…"))] != ""


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40)])
async def test_the_decision_is_whole_and_the_inbox_fits(deliberation, size):
    app = make_app(session=deliberation, team="brunssum-east")
    app.animation_level = "none"
    async with app.run_test(size=size) as pilot:
        await wait_for(lambda: isinstance(app.screen, TeamScreen) and app.screen.view, pilot=pilot)
        await pilot.pause()
        check_inbox(app, "brunssum-east", size[0], deliberation)


async def test_the_inbox_follows_a_resize(deliberation):
    app = make_app(session=deliberation, team="brunssum-east")
    app.animation_level = "none"
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(lambda: isinstance(app.screen, TeamScreen) and app.screen.view, pilot=pilot)
        for width, height in [(100, 30), (80, 24), (120, 40)]:  # 100 -> 80 stays "narrow" for the screen
            await pilot.resize_terminal(width, height)
            await wait_for(lambda w=width: app.size.width == w, pilot=pilot)
            await pilot.pause()
            check_inbox(app, "brunssum-east", width, deliberation)
