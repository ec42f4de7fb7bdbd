"""Tables updated in place (exercise.tui.tables.sync_rows) and a footer rebuilt only when
its keys change (exercise.tui.footer.FitFooter): what made every key slow on a big scenario."""

from __future__ import annotations

import pytest
from rich.text import Text
from textual.app import App
from textual.binding import Binding
from textual.widgets import DataTable
from textual.widgets._footer import FooterKey

from exercise.session import Session
from exercise.tui.app import make_app
from exercise.tui.footer import FitFooter
from exercise.tui.tables import REFILL_OVER, selected_key, sync_rows


def rows(*spec: str) -> list[tuple[str, list[Text]]]:
    """'a' -> ('a', [Text('a'), Text('cell of a')])."""
    return [(k, [Text(k), Text(f"cell of {k}")]) for k in spec]


class OneTable(App):
    def compose(self):
        yield DataTable(id="t", cursor_type="row")

    def on_mount(self):
        self.query_one(DataTable).add_columns("Key", "Cell")


def keys(table: DataTable) -> list[str]:
    return [str(r.key.value) for r in table.ordered_rows]


def shown(table: DataTable) -> list[list[str]]:
    return [[c.plain for c in table.get_row(k)] for k in keys(table)]


async def test_rows_added_removed_and_changed_in_place_the_cursor_kept():
    app = OneTable()
    async with app.run_test() as pilot:
        table = app.query_one(DataTable)
        sync_rows(table, rows("a", "b", "c", "d"))
        table.move_cursor(row=2)  # on c
        await pilot.pause()
        row_a, cell_c = table.rows[table.ordered_rows[0].key], table.get_row("c")[1]
        new = rows("a", "c", "d", "e")  # b gone, e new, d changed
        new[2] = ("d", [Text("d"), Text("d changed")])
        sync_rows(table, new)
        await pilot.pause()
        assert keys(table) == ["a", "c", "d", "e"]
        assert shown(table)[2] == ["d", "d changed"]
        assert selected_key(table) == "c"  # its row, one line up now
        # not refilled: the row kept and its unchanged cell not put again
        assert table.rows[table.ordered_rows[0].key] is row_a
        assert table.get_row("c")[1] is cell_c


async def test_a_row_out_of_place_moves_and_a_style_change_counts():
    app = OneTable()
    async with app.run_test() as pilot:
        table = app.query_one(DataTable)
        sync_rows(table, rows("a", "b", "c"))
        table.move_cursor(row=0)  # on a
        await pilot.pause()
        moved = rows("b", "c", "a")
        moved[2] = ("a", [Text("a", style="dim"), Text("cell of a")])  # fired: dimmed, goes last
        sync_rows(table, moved)
        await pilot.pause()
        assert keys(table) == ["b", "c", "a"]
        assert str(table.get_row("a")[0].style) == "dim"
        assert selected_key(table) == "a"
        sync_rows(table, rows("c", "a"), keep="index")  # the line kept, whatever row is on it now
        await pilot.pause()
        assert table.cursor_row == 1 and selected_key(table) == "a"


async def test_columns_grow_to_a_wider_cell_and_narrow_when_the_widest_goes_or_shortens():
    """A column is as wide as its widest cell (or its label): it grows to a wider cell and
    narrows when its widest row goes, its widest cell gets shorter or the table is refilled
    (the Overview's Drafts column stayed "12 draft" wide over a "-")."""
    app = OneTable()
    async with app.run_test() as pilot:
        table = app.query_one(DataTable)
        wide = rows("a", "b")
        wide[1] = ("b", [Text("b"), Text("x" * 30)])
        sync_rows(table, wide)
        await pilot.pause()
        assert table.ordered_columns[1].content_width == 30
        sync_rows(table, [("a", [Text("a"), Text("y" * 40)])])  # a cell changed wider: never cut
        await pilot.pause()
        assert table.ordered_columns[1].content_width == 40
        table.move_cursor(row=0)
        sync_rows(table, [("a", [Text("a"), Text("y" * 40)]), ("b", [Text("b"), Text("x" * 30)])])
        await pilot.pause()
        sync_rows(table, [("a", [Text("a"), Text("short")]), ("b", [Text("b"), Text("x" * 30)])])  # in place
        await pilot.pause()
        assert table.ordered_columns[1].content_width == 30  # the widest now
        assert table.virtual_size.width < 40 + 10
        assert selected_key(table) == "a"
        sync_rows(table, [("a", [Text("a"), Text("short")])])  # the widest row gone
        await pilot.pause()
        assert table.ordered_columns[1].content_width == 5
        sync_rows(table, [("a", [Text("a"), Text("-")])])  # narrower than the label "Cell"
        await pilot.pause()
        assert table.ordered_columns[1].content_width == 4
        many = [(f"k{i}", [Text(f"k{i}"), Text("z" * 20)]) for i in range(REFILL_OVER + 2)]
        sync_rows(table, many)
        await pilot.pause()
        assert table.ordered_columns[1].content_width == 20
        sync_rows(table, [(k, [Text(k), Text("w")]) for k, _ in reversed(many)])  # refilled
        await pilot.pause()
        assert table.ordered_columns[1].content_width == 4
        assert table.ordered_columns[0].content_width == 3


class CountedFooter(FitFooter):
    composed = 0

    def compose(self):
        CountedFooter.composed += 1
        yield from super().compose()


class TwoTables(App):
    """Two tables whose own bindings are not shown: focus moving between them changes no key
    of the footer; `x` switches a shown key off (check_action)."""

    BINDINGS = [Binding("n", "next", "Next"), Binding("x", "toggle", "Toggle")]
    off = False

    def compose(self):
        yield DataTable(id="one")
        yield DataTable(id="two")
        yield CountedFooter()

    def check_action(self, action, parameters):
        return not (action == "next" and self.off)

    def action_toggle(self):
        self.off = not self.off
        self.refresh_bindings()


async def test_the_footer_is_not_rebuilt_when_its_keys_stay_the_same():
    app = TwoTables()
    async with app.run_test() as pilot:
        await pilot.pause()
        app.query_one("#one").focus()
        await pilot.pause()
        before = CountedFooter.composed
        for target in ("#two", "#one", "#two"):
            app.query_one(target).focus()
            await pilot.pause()
        assert CountedFooter.composed == before
        await pilot.press("x")  # n is no longer offered: rebuilt without it
        await pilot.pause()
        assert CountedFooter.composed == before + 1
        assert [k.key for k in app.query(FooterKey)] == ["x", "ctrl+p"]


@pytest.fixture
def session(tmp_path, mini):
    s = Session.create(mini.scenario, mini.texts, tmp_path, name="Keys")
    yield s
    s.close()


async def test_a_tab_key_leaves_the_footer_and_the_hidden_tables_alone(session, monkeypatch):
    """A tab key focuses that tab's table: the footer shows the same keys; a change draws the
    shown tab only, the others when they are shown."""
    calls = []
    compose = FitFooter.compose

    def counted(self):
        calls.append(self)
        return compose(self)

    monkeypatch.setattr(FitFooter, "compose", counted)
    app = make_app(session=session)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        calls.clear()
        for key in "2323":  # Injects, Actions: each focuses its table
            await pilot.press(key)
            await pilot.pause()
        assert calls == []
        await pilot.press("n")  # start, on the Actions tab: the Injects tab is not drawn now
        await pilot.pause()
        injects = app.screen.query_one("#inject-table", DataTable)
        before = shown(injects)
        await pilot.press("n")  # deliver the first injects
        await pilot.pause()
        assert shown(injects) == before
        await pilot.press("2")
        await pilot.pause()
        assert shown(injects) != before


async def test_pausing_colours_the_status_bar_only(session):
    """The paused style (app.tcss `.paused #status`) is set next to the status bar, not on the
    screen: restyling every widget of the screen was ~40 % of a pause."""
    from textual.color import Color

    app = make_app(session=session)
    async with app.run_test(size=(120, 40)) as pilot:
        bar = app.screen.query_one("#status")
        colours = app.get_css_variables()
        await pilot.press("n")
        await pilot.pause()
        assert bar.styles.background == Color.parse(colours["primary"])
        await pilot.press("p")
        await pilot.pause()
        assert session.state.paused and bar.styles.background == Color.parse(colours["warning"])
        await pilot.press("p")
        await pilot.pause()
        assert not session.state.paused and bar.styles.background == Color.parse(colours["primary"])
