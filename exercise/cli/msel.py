"""`exercise msel export` / `exercise msel import`: MSEL spreadsheets in and out
(docs/interop.md). openpyxl is imported only for .xlsx files, csv only for .csv ones."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.group()
def msel() -> None:
    """MSEL spreadsheets (xlsx or csv): export a scenario's injects, import a pack."""


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise click.UsageError(f"{path}: name an .xlsx or a .csv file")
    return suffix


@msel.command("export")
@click.argument("scenario")
@click.option("--out", "-o", "out", type=click.Path(path_type=Path), required=True,
              help="The file to write: NAME.xlsx (one sheet per pack) or NAME.csv (one file, a pack column, "
                   "and NAME.packs.csv with the packs' titles).")
@click.option("--pack", "packs", multiple=True, metavar="ID", help="Only this pack (repeatable).")
def export_cmd(scenario: str, out: Path, packs: tuple[str, ...]) -> None:
    """Write every inject of SCENARIO (an id or a path) as an MSEL row."""
    from exercise.cli.common import fail
    from exercise.cli.common import load_scenario as opened_scenario
    from exercise.interop import InteropError
    from exercise.interop import msel as core

    suffix = _kind(out)
    sc = opened_scenario(scenario).scenario
    try:
        sheets = core.sheets_for(sc, packs)
        if suffix == ".xlsx":
            core.write_xlsx(out, sheets)
            written = [out]
        else:
            written = core.write_csv(out, sheets)
    except InteropError as e:
        fail(str(e))
    rows = sum(len(s.rows) for s in sheets)
    click.echo(f"wrote {', '.join(map(str, written))}: {rows} inject(s) as rows, "
               f"{len(sheets)} pack(s)" + (" as sheets" if suffix == ".xlsx" else " in the 'pack' column"))


@msel.command("import")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--out", "-o", "out", type=click.Path(path_type=Path), required=True,
              help="The pack to write, e.g. injects/NAME.toml (its file name is the pack id).")
@click.option("--pack", metavar="ID", help="The sheet (xlsx) or pack column value (csv) to import "
                                           "(default: the one named like the output file, or the only one).")
@click.option("--scenario", "-s", metavar="ID|PATH",
              help="Check the pack against this scenario (default: the ones that include it, or deadline-2027).")
@click.option("--force", is_flag=True, help="Overwrite an existing pack file.")
def import_cmd(source: Path, out: Path, pack: str | None, scenario: str | None, force: bool) -> None:
    """Read an MSEL (xlsx or csv) and write it as an inject pack that validates.

    Every cell that cannot be read is listed as file:sheet:row:column with what to do,
    and nothing is written. Columns the pack format has no key for are kept as comments.
    """
    from exercise.cli.common import fail
    from exercise.interop import InteropError, check_pack, hosts_of, write_text
    from exercise.interop import msel as core

    _kind(source)
    if out.suffix != ".toml":
        raise click.UsageError(f"{out}: the pack is written as NAME.toml")
    name = out.stem
    try:
        imported, _sheet = core.import_file(source, name, pack)
    except InteropError as e:
        fail(str(e))
    if imported.text is None:
        for p in imported.problems[:200]:
            click.echo(f"{p}", err=True)
        if len(imported.problems) > 200:
            click.echo(f"... and {len(imported.problems) - 200} more", err=True)
        fail(f"{len(imported.problems)} cell(s) could not be read; fix them in the spreadsheet and import again "
             "(nothing was written)")
    found = check_pack(imported.text, name, scenario, str(out))
    # point at the cells the values came from: the pack file was never written
    errors = core.cell_problems(imported, found, "error")
    warnings = core.cell_problems(imported, found, "warning")
    for p in errors:
        click.echo(f"{p}", err=True)
    for p in warnings:
        click.echo(f"warning: {p}", err=True)
    if errors:
        fail(f"the pack does not validate ({len(errors)} error(s) above); fix the spreadsheet and import again "
             "(nothing was written)")
    try:
        write_text(out, imported.text, force)
    except InteropError as e:
        fail(str(e))
    note = f"; {imported.unmapped} cell(s) of unmapped columns kept as comments" if imported.unmapped else ""
    click.echo(f"wrote {out}: {imported.injects} inject(s){note}")
    hosts = hosts_of(name)
    if not hosts:
        click.echo(f"next: add \"{name}\" to a scenario's packs, then run: exercise validate {out}")
    for host, loads in hosts:
        from exercise.packs.problems import display_path

        if loads is not None and loads.resolve() == out.resolve():
            click.echo(f"{display_path(host)} includes \"{name}\" and loads this file; next: exercise validate "
                       f"{display_path(host)}")
        else:
            click.echo(f"{display_path(host)} includes \"{name}\" but loads "
                       f"{display_path(loads) if loads else 'no such file'}, not this one; to play it with this pack: "
                       f"exercise new scenario NAME --like {host.stem} --dir "
                       f"{display_path(out.resolve().parent.parent / 'scenarios')}")
    sys.exit(0)
