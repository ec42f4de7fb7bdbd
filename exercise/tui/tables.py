"""What every screen's tables share."""

from __future__ import annotations

from textual.widgets import DataTable


def selected_key(table: DataTable) -> str | None:
    """The key of the row under the cursor, or None for an empty table."""
    if not table.row_count:
        return None
    return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value


def widen(table: DataTable, rows: list) -> None:
    """Widen the columns to the rows just added: DataTable measures new rows only when idle,
    and a draw before that caches the new cells cut to the old width (team/base.py does the same)."""
    from rich.cells import cell_len

    for column, cells in zip(table.ordered_columns, zip(*rows)):
        column.content_width = max(column.content_width,
                                   *(cell_len(line) for c in cells for line in str(getattr(c, "plain", c)).split("\n")))
