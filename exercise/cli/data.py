"""`exercise data`: a save's tables for analysts (docs/debrief.md, "Data for analysts").

Reads the save without writing to it (it may still be running) and writes jsonl, a csv
folder or an xlsx workbook elsewhere. Never imports Textual; openpyxl only for xlsx.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from exercise.cli.common import SAVES_OPTION, fail


@click.command()
@click.argument("save")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "xlsx"]), default="xlsx", show_default=True,
              help="xlsx: one workbook, a sheet per table; csv: a new folder, a file per table; "
                   "jsonl: one file, a line per row with its table named in the field 'table'.")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None,
              help="Where to write (default: SAVE-data.xlsx, SAVE-data.jsonl or the folder SAVE-data/ here; "
                   "- for standard output, jsonl only). Nothing existing is replaced by a csv folder, and a "
                   "device, FIFO or symlink is never replaced.")
@click.option("--anonymise", "--anonymize", "anonymise", is_flag=True,
              help="Replace team, author, participant and exercise names (and team ids) the same way in every "
                   "table, free texts included (docs/debrief.md says what it cannot catch).")
@SAVES_OPTION
def data(save: str, fmt: str, output: Path | None, anonymise: bool, saves_root: Path | None) -> None:
    """Write the tables of SAVE for analysts: turns, events, decisions, orders,
    adjudications, overrides, notes and ratings, tracks and money per turn, red actions
    and feedback forms. Columns and units: docs/debrief.md."""
    from exercise.cli.debrief import _record
    from exercise.debrief import datafiles
    from exercise.debrief.data import build
    from exercise.debrief.record import DebriefError

    record = _record(save, saves_root)
    if output is not None and str(output) == "-":
        if fmt != "jsonl":
            fail(f"-o - writes to standard output in jsonl only; give a file name for {fmt}")
        for line in datafiles.jsonl_lines(build(record, anonymise)):
            sys.stdout.write(line)
        return
    path = output if output is not None else datafiles.default_path("exercise" if anonymise else record.id, fmt)
    try:
        tables = build(record, anonymise)
        written = datafiles.write(tables, fmt, path)
    except DebriefError as e:
        fail(str(e))
    sizes = ", ".join(f"{t.name} {len(t.rows)}" for t in tables)
    click.echo(f"wrote {written} ({len(tables)} tables; rows: {sizes})")
