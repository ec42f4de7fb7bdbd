"""`exercise debrief`, `exercise export`, `exercise fork`: look back at a save.

All three read the save without writing to it (it may belong to an exercise that is
still running); `export` writes the report elsewhere and `fork` creates a new save.
Export and fork never import Textual.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from exercise.cli.common import SAVES_OPTION, fail, save_folder


def _record(save: str, saves_root: Path | None):
    """The save read for the debrief, or a one-line error and exit status 1."""
    from exercise.debrief.record import DebriefError, load

    folder = save_folder(save, saves_root)
    try:
        record = load(folder)
    except DebriefError as e:
        fail(str(e))
    if record.notice:
        click.echo(f"note: {record.notice}", err=True)
    return record


@click.command()
@click.argument("save")
@SAVES_OPTION
def debrief(save: str, saves_root: Path | None) -> None:
    """Open the debrief of SAVE: timeline, time travel by turn, charts, decisions,
    objectives and the outcome. Reads the save only (it may still be running)."""
    record = _record(save, saves_root)
    if not sys.stdout.isatty() or not sys.stdin.isatty():
        fail("the debrief screen needs a terminal; for a file use `exercise export SAVE --format md|html`")
    from exercise.debrief.record import load
    from exercise.tui.debrief import make_debrief_app

    make_debrief_app(record, saves_root, reload=lambda: load(record.folder)).run()


@click.command()
@click.argument("save")
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default="md", show_default=True,
              help="Markdown (tables) or one self-contained HTML file (inline SVG charts, prints cleanly).")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None,
              help="File to write (default: SAVE-aar.md or .html in this folder; - for standard output). "
                   "A device, FIFO or symlink there is never replaced: use - and a redirection.")
@click.option("--name-feedback", is_flag=True,
              help="Name each participant feedback text's team (and participant); anonymised without it.")
@SAVES_OPTION
def export(save: str, fmt: str, output: Path | None, saves_root: Path | None, name_feedback: bool = False) -> None:
    """Write the after-action report (HSEEP AAR/IP shape) of SAVE."""
    from exercise.debrief.export import export as write
    from exercise.debrief.export import render
    from exercise.debrief.record import DebriefError

    record = _record(save, saves_root)
    if output is not None and str(output) == "-":
        click.echo(render(record, fmt, name_feedback), nl=False)
        return
    try:
        path = write(record, fmt, output, name_feedback)
    except DebriefError as e:
        fail(str(e))
    click.echo(f"wrote {path}")


@click.command()
@click.argument("save")
@click.option("--turn", "-t", type=int, required=True, help="Start the new exercise at the start of this turn.")
@click.option("--name", help="Name of the new exercise (default: '<title> fork at turn N').")
@SAVES_OPTION
def fork(save: str, turn: int, name: str | None, saves_root: Path | None) -> None:
    """Start a new exercise from SAVE as it was at the start of turn N ("what if")."""
    from exercise.debrief.fork import fork as make
    from exercise.debrief.record import DebriefError
    from exercise.journal import saves

    record = _record(save, saves_root)
    try:
        forked = make(record, turn, saves.saves_dir(saves_root), name)
    except DebriefError as e:
        fail(str(e))
    click.echo(f"forked {record.id} at the start of turn {turn} ({forked.records} record(s) kept) "
               f"into {forked.folder}; state hash {forked.state_hash}")
    click.echo(f"continue it with `exercise resume {forked.folder}`")

