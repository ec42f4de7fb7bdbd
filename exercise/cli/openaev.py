"""`exercise openaev export` / `exercise openaev import`: whole scenarios to and from
OpenAEV's scenario export archive (docs/interop.md)."""

from __future__ import annotations

from pathlib import Path

import click


@click.group()
def openaev() -> None:
    """OpenAEV scenario archives (.zip): export a scenario, import one."""


@openaev.command("export")
@click.argument("scenario")
@click.option("--out", "-o", "out", type=click.Path(path_type=Path), required=True,
              help="The archive to write, e.g. scenario.zip (OpenAEV: Scenarios > Import).")
@click.option("--turn-minutes", type=click.IntRange(1, 100_000), default=None,
              help="Minutes of OpenAEV's timeline per turn (default: the scenario's phases added up).")
def export_cmd(scenario: str, out: Path, turn_minutes: int | None) -> None:
    """Write SCENARIO (an id or a path) as the archive OpenAEV imports, and say what it cannot carry."""
    from exercise.cli.common import fail
    from exercise.cli.common import load_scenario as opened_scenario
    from exercise.interop import InteropError
    from exercise.interop.openaev import CARRIED_KEY, export_scenario, write_zip

    if out.suffix.lower() != ".zip":
        raise click.UsageError(f"{out}: the archive is written as NAME.zip")
    sc = opened_scenario(scenario).scenario
    export = export_scenario(sc, turn_minutes)
    try:
        write_zip(out, export)
    except InteropError as e:
        fail(str(e))
    doc = export.document
    minutes = next(t["tag_name"] for t in doc["scenario_tags"] if t["tag_name"].startswith("turn length"))
    click.echo(f"wrote {out}: {len(doc['scenario_injects'])} inject(s), {len(doc['scenario_teams'])} team(s), "
               f"{len(doc['scenario_objectives'])} objective(s); {minutes}")
    if export.carried:
        click.echo(f"kept for `exercise openaev import` in the scenario variable {CARRIED_KEY!r} (OpenAEV keeps it "
                   "and uses it nowhere; export from OpenAEV with variable values to keep it):")
        for line in export.carried:
            click.echo(f"  - {line}")
    if export.left_out:
        click.echo("left out (OpenAEV has no place for them):")
        for line in export.left_out:
            click.echo(f"  - {line}")


@openaev.command("import")
@click.argument("archive", type=click.Path(path_type=Path))
@click.option("--out", "-o", "out", type=click.Path(path_type=Path), required=True,
              help="The scenario to write, e.g. scenarios/NAME.toml; its injects go to injects/NAME.toml beside it.")
@click.option("--turn-minutes", type=click.IntRange(1, 100_000), default=None,
              help="Minutes of OpenAEV's timeline per turn (default: the archive's 'turn length' tag, or 60).")
@click.option("--force", is_flag=True, help="Overwrite existing files.")
def import_cmd(archive: Path, out: Path, turn_minutes: int | None, force: bool) -> None:
    """Read an OpenAEV scenario export (.zip) and write a scenario and its inject pack.

    What OpenAEV keeps and exercise has no place for is listed, and written as comments
    at the top of the pack. Nothing is written if the result would not validate.
    """
    from exercise.cli.common import fail
    from exercise.interop import InteropError, write_text
    from exercise.interop.openaev import check_import, import_document, read_zip

    if out.suffix != ".toml":
        raise click.UsageError(f"{out}: the scenario is written as NAME.toml")
    name = out.stem
    pack_out = out.resolve().parent.parent / "injects" / f"{name}.toml"
    try:
        doc, notes = read_zip(archive)
        imported = import_document(doc, name, str(archive), turn_minutes)
    except InteropError as e:
        fail(str(e))
    for line in notes:
        click.echo(f"note: {line}")
    errors = check_import(imported, name)
    for line in errors:
        click.echo(line, err=True)
    if errors:
        fail(f"the imported scenario does not validate ({len(errors)} error(s) above); nothing was written")
    if not out.parent.is_dir():
        fail(f"{out.parent} is not a folder; create it first (the pack goes to {pack_out.parent} beside it)")
    for target in (out, pack_out):
        if target.exists() and not force:
            fail(f"{target} exists; choose another name or pass --force")
    try:
        pack_out.parent.mkdir(exist_ok=True)
        write_text(pack_out, imported.pack_text, force)
        write_text(out, imported.scenario_text, force)
    except InteropError as e:
        fail(str(e))
    except OSError as e:
        fail(f"{e.filename}: {e.strerror or e}")
    click.echo(f"wrote {out} ({imported.teams} team(s)) and {pack_out} ({imported.injects} inject(s))")
    if imported.left_out:
        click.echo("left out (OpenAEV keeps them, exercise has no place for them):")
        for line in imported.left_out:
            click.echo(f"  - {line}")
    if imported.made_up:
        click.echo("made up (the archive does not say; edit the scenario before playing):")
        for line in imported.made_up:
            click.echo(f"  - {line}")
    click.echo(f"next: exercise validate {out}")
