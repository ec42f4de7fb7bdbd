"""`exercise pack-save` and `exercise unpack-save`: a whole save folder as one zip, to move
an exercise, journal and all, to another machine; verified on arrival (docs/debrief.md,
"Moving a save"). Never imports Textual."""

from __future__ import annotations

from pathlib import Path

import click

from exercise.cli.common import SAVES_OPTION, fail, save_folder


def _replayed(folder: Path) -> tuple[str, str]:
    """(summary, state hash) of a save read without changing it; ArchiveError if it does not replay."""
    from exercise.debrief.record import DebriefError, load
    from exercise.journal.archive import ArchiveError
    from exercise.session import state_hash

    try:
        record = load(folder)
    except DebriefError as e:
        raise ArchiveError(str(e)) from None
    final = record.final()
    digest = state_hash(final)
    return (f"{len(record.records)} command(s), turn {final.turn} of {record.scenario.calendar.turns}, "
            f"status {final.status}; state hash {digest}"), digest


@click.command("pack-save")
@click.argument("save")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None,
              help="The archive to write (default: SAVE.zip here); never replaces an existing file.")
@click.option("--with-tokens", is_flag=True,
              help="Also pack tokens.json, the seats' secret tokens for `exercise serve` (left out by default: "
                   "whoever holds the archive could then take a team's seat).")
@SAVES_OPTION
def pack_save(save: str, output: Path | None, with_tokens: bool, saves_root: Path | None) -> None:
    """Zip the save folder SAVE (journal, scenario copy, meta, turn logs) with a manifest
    of every file's sha256, to move the exercise to another machine (`exercise unpack-save`
    there). The save is checked first and never changed."""
    from exercise.journal import archive, saves

    folder = save_folder(save, saves_root)
    try:
        summary, _ = _replayed(folder)
    except archive.ArchiveError as e:
        fail(f"{e}; the save was not packed (`exercise verify` says more)")
    try:
        meta = saves.Meta.read(folder)
    except OSError:  # not a regular file: the title is only a label
        meta = None
    out = output if output is not None else Path(f"{folder.name}.zip")
    try:
        packed = archive.pack(folder, out, with_tokens, title=meta.title if meta else "", packed_at=saves.now())
    except archive.ArchiveError as e:
        fail(str(e))
    except OSError as e:
        fail(f"{out}: cannot write the archive ({e.strerror or e})")
    for why in packed.left_out:
        click.echo(f"note: left out {why}", err=True)
    click.echo(f"packed {folder.name} into {packed.path}: {packed.files} file(s), {packed.bytes:,} bytes "
               f"({packed.size:,} zipped){'; with the seats tokens' if packed.tokens else ''}")
    click.echo(f"the save: {summary}")
    click.echo(f"unpack it with `exercise unpack-save {packed.path}`")


@click.command("unpack-save")
@click.argument("archive_path", metavar="ARCHIVE", type=click.Path(path_type=Path))
@click.option("--name", default=None, help="Name of the save folder (default: the exercise's id in the archive).")
@SAVES_OPTION
def unpack_save(archive_path: Path, name: str | None, saves_root: Path | None) -> None:
    """Unpack ARCHIVE (from `exercise pack-save`) as a save in the saves folder: every file
    is checked against the manifest's sha256 and the journal is replayed before the save is
    put in place. An existing save is never overwritten; a refused archive leaves nothing."""
    from exercise.journal import archive, saves

    root = saves.saves_dir(saves_root)

    def check(folder: Path) -> str:
        try:
            return _replayed(folder)[0]
        except archive.ArchiveError as e:  # said of the archive, not of the staging folder that is removed
            why = str(e).replace(str(folder), "save").split(". Nothing was changed")[0]
            raise archive.ArchiveError(f"{archive_path}: its journal does not check out ({why}); "
                                       f"nothing was unpacked") from None

    try:
        done = archive.unpack(archive_path, root, name, check=check)
    except archive.ArchiveError as e:
        fail(str(e))
    click.echo(f"unpacked {archive_path} into {done.folder}: {done.files} file(s), {done.bytes:,} bytes, "
               f"every sha256 as in the manifest")
    click.echo(f"the journal replays: {done.checked}")
    click.echo(f"continue it with `exercise resume {done.folder}`, or `exercise debrief {done.folder}`")
