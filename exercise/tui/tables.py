"""What every screen's tables share."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import Column

# Past this many rows out of place, removing them one by one (each removal renumbers every
# row) costs more than clearing the table and adding them all again.
REFILL_OVER = 32


def selected_key(table: DataTable) -> str | None:
    """The key of the row under the cursor, or None for an empty table."""
    if not table.row_count:
        return None
    return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value


def widen(table: DataTable, rows: list) -> None:
    """Widen the columns to the rows just added: DataTable measures new rows only when idle,
    and a draw before that caches the new cells cut to the old width (team/base.py does the same)."""
    for column, cells in zip(table.ordered_columns, zip(*rows)):
        column.content_width = max(column.content_width,
                                   *(cell_len(line) for c in cells for line in str(getattr(c, "plain", c)).split("\n")))


def narrow(table: DataTable, column: Column) -> None:
    """Narrow a column to its widest cell (or its label) now that its widest cell went or
    got shorter: a "12 draft" once shown no longer keeps "-" 8 columns wide."""
    widest = max(((_width(cell), row.key) for row, cell in zip(table.ordered_rows, table.get_column(column.key))),
                 default=None, key=lambda x: x[0])
    column.content_width = max(_width(column.label), widest[0] if widest else 0)
    if widest is not None:  # the table lays itself out again (rows removed or added do too)
        table.update_cell(widest[1], column.key, table.get_cell(widest[1], column.key), update_width=True)


def same_cell(a: object, b: object) -> bool:
    """The same cell on screen: a Text compares its text, style and spans (Rich's == only
    compares the text and spans, so a row dimmed once fired would not be redrawn)."""
    if isinstance(a, Text) and isinstance(b, Text):
        return (a.plain == b.plain and str(a.style) == str(b.style) and a.spans == b.spans
                and a.justify == b.justify and a.overflow == b.overflow and a.no_wrap == b.no_wrap)
    return type(a) is type(b) and a == b


def _width(cell: object) -> int:
    return max(cell_len(line) for line in str(getattr(cell, "plain", cell)).split("\n"))


def sync_rows(table: DataTable, rows: Sequence[tuple[str, Sequence[object]]], *, height: int | None = 1,
              keep: Literal["row", "index"] = "row") -> None:
    """Make the table show `rows` ((key, cells), in this order) by changing only what changed:
    rows gone are removed, new rows added, changed cells updated in place, the rest left as
    they are. Clearing and filling a table again measured and laid out every row on every
    refresh (pausing on a big scenario took a third of a second).

    The cursor stays on its row (keep="row"; on the same line if its row went) or on the
    same line (keep="index": the next inject once one is fired); the scroll stays. Rows
    that changed place are added again from the first one out of place (new rows come
    last in most tables, so that is rare).
    """
    before, line = selected_key(table), table.cursor_row
    wanted = [key for key, _ in rows]
    kept = set(wanted)
    shown = [str(row.key.value) for row in table.ordered_rows]
    survivors = [key for key in shown if key in kept]
    in_place = 0  # rows already shown in the wanted order, from the top
    while in_place < len(survivors) and survivors[in_place] == wanted[in_place]:
        in_place += 1
    changed = [i for i, (key, cells) in enumerate(rows[:in_place])
               if not all(same_cell(old, new) for old, new in zip(table.get_row(key), cells))]
    if height is None and changed:  # a row as high as its cells: added again to be measured again
        in_place = changed[0]
    gone = [key for key in shown if key not in kept] + survivors[in_place:]
    refill = len(gone) > REFILL_OVER
    columns = table.ordered_columns
    shrunk: set[int] = set()  # columns whose widest cell went or got narrower
    if refill:
        table.clear()  # the cursor is put back below (the scroll follows it)
        for column in columns:  # measured again from the rows put back
            column.content_width = _width(column.label)
        in_place = 0
    else:
        for key in gone:
            shrunk.update(i for i, (column, cell) in enumerate(zip(columns, table.get_row(key)))
                          if _width(cell) >= column.content_width)
            table.remove_row(key)
    fresh = []  # the cells put in: the columns grow to them now (see `widen`)
    for i in changed:
        if i >= in_place:
            break
        key, cells = rows[i]
        for c, (column, old, new) in enumerate(zip(columns, table.get_row(key), cells)):
            if not same_cell(old, new):
                if _width(old) >= column.content_width > _width(new):
                    shrunk.add(c)
                table.update_cell(key, column.key, new, update_width=_width(new) > column.content_width)
        fresh.append(cells)
    for key, cells in rows[in_place:]:
        table.add_row(*cells, key=key, height=height)
        fresh.append(cells)
    for c in sorted(shrunk):
        narrow(table, columns[c])
    if fresh:
        widen(table, fresh)
    if not wanted:
        return
    if keep == "row" and before in kept:
        target = wanted.index(before)
    else:
        target = min(max(line, 0), len(wanted) - 1)
    if target != table.cursor_row or refill:
        table.move_cursor(row=target)
