"""A row's detail under a table repaints itself on a cursor move; the screen is laid out
again only when the detail's height changes (issue 18: the cursor key laid out the whole
screen on every row, most of its cost)."""

from __future__ import annotations

import pytest
from rich.text import Text
from textual.app import App
from textual.screen import Screen
from textual.widgets import Static

from exercise.session import Session
from exercise.tui.app import make_app
from exercise.tui.base import Detail


@pytest.fixture
def layouts(monkeypatch) -> list[Screen]:
    """Every screen layout done (the screens laid out, in order)."""
    done: list[Screen] = []
    original = Screen._refresh_layout

    def counted(self, *args, **kwargs):
        done.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Screen, "_refresh_layout", counted)
    return done


async def test_moving_the_cursor_in_the_injects_table_lays_nothing_out(mini, tmp_path, layouts):
    from exercise.engine import commands as cm

    session = Session.create(mini.scenario, mini.texts, tmp_path, name="Pilot")
    for command in (cm.Start(), cm.Advance(), cm.Advance()):
        session.execute(command)
    try:
        app = make_app(session=session)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("2")
            await pilot.pause()
            detail = app.screen.query_one("#inject-detail", Static)
            seen = {str(detail.visual)}
            layouts.clear()
            for key in ("down", "down", "up"):
                await pilot.press(key)
                await pilot.pause()
                seen.add(str(detail.visual))
            assert len(seen) > 1  # the detail did follow the cursor
            assert layouts == []
    finally:
        session.close()


class DetailApp(App):
    CSS = "#detail { height: auto; max-height: 6; padding: 0 1; }"

    def compose(self):
        yield Detail("one line", id="detail")
        yield Static("below", id="below")


async def test_a_detail_whose_height_changes_is_laid_out_again(layouts):
    app = DetailApp()
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        detail, below = app.query_one("#detail", Detail), app.query_one("#below", Static)
        assert (detail.size.height, below.region.y) == (1, 1)
        layouts.clear()
        detail.update(Text("another line"))  # the same height: a repaint alone
        await pilot.pause()
        assert layouts == [] and "another line" in str(detail.visual)

        detail.update(Text("three\nlines\nnow"))
        await pilot.pause()
        assert layouts  # grown: the screen is laid out again
        assert (detail.size.height, below.region.y) == (3, 3)

        detail.update(Text("\n".join(map(str, range(10)))))  # past its max-height: 6 lines
        await pilot.pause()
        assert (detail.size.height, below.region.y) == (6, 6)
        layouts.clear()
        detail.update(Text("\n".join(map(str, range(20)))))  # still 6: nothing moves
        await pilot.pause()
        assert layouts == [] and below.region.y == 6
