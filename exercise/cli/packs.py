"""`exercise validate`, `exercise schema`, `exercise new pack`: writing scenarios and packs.

Nothing here imports the engine, the journal, the network or Textual."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--scenario", "-s", metavar="ID|PATH",
              help="Check packs against this scenario (default: the scenarios that include them).")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors and the summary.")
def validate(paths: tuple[Path, ...], scenario: str | None, quiet: bool) -> None:
    """Check scenario and inject-pack files; with no PATH, all bundled and local ones.

    Exit status: 0 when clean (warnings allowed), 1 when any error, 2 for usage errors.
    """
    import gc

    from exercise.packs.check import validate as run

    # The process ends after printing: the cyclic collector's full passes over a large
    # pack's millions of objects would only slow it down (~30 % on a 4.5 MB pack).
    gc.disable()
    if scenario:
        from exercise.packs.loader import find_scenario, shadow_note

        note = shadow_note(scenario, find_scenario(scenario))
        if note:
            click.echo(note, err=True)
    report = run(list(paths), scenario)
    for p in report.problems.sorted(without=("warning",) if quiet else ()):
        click.echo(str(p))
    click.echo(report.summary())
    sys.exit(1 if report.problems.errors else 0)


@click.command()
@click.option("--out", "-o", type=click.Path(path_type=Path), help="Folder to write the schema files to.")
@click.option("--reference", is_flag=True, help="Print the key reference of docs/authoring.md instead.")
def schema(out: Path | None, reference: bool) -> None:
    """Write JSON Schema for scenario and pack files (for editors such as Taplo)."""
    from exercise.packs.schema import schemas, write_schemas

    if reference:
        from exercise.packs.reference import reference as text

        click.echo(text())
        return

    if out is None:
        import json

        click.echo(json.dumps(schemas(), indent=2))
        return
    for path in write_schemas(out):
        click.echo(f"wrote {path}")


@click.group()
def new() -> None:
    """Create a starter file."""


@new.command("pack")
@click.argument("name")
@click.option("--dir", "folder", type=click.Path(path_type=Path), default=Path("injects"),
              show_default=True, help="Folder to write the pack into.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def new_pack(name: str, folder: Path, force: bool) -> None:
    """Write a commented starter inject pack NAME.toml that validates."""
    from exercise.packs.starter import write_starter

    try:
        path = write_starter(name, folder, force)
    except (ValueError, FileExistsError, OSError) as e:
        raise click.UsageError(str(e)) from None
    click.echo(f"wrote {path}")
    click.echo(f"next: edit it, add \"{name}\" to a scenario's packs, then run: exercise validate {path}")


@new.command("scenario")
@click.argument("name")
@click.option("--like", "like", metavar="SCENARIO",
              help="Start from a copy of this scenario (an id such as deadline-2027, or a file), id and title changed.")
@click.option("--blank", is_flag=True,
              help="Start from the commented blank scenario (the default): funds per turn, hour turns, own words.")
@click.option("--dir", "folder", type=click.Path(path_type=Path), default=Path("scenarios"),
              show_default=True, help="Folder to write the scenario into.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def new_scenario(name: str, like: str | None, blank: bool, folder: Path, force: bool) -> None:
    """Write a starter scenario NAME.toml that validates: blank, or --like another."""
    from exercise.packs.loader import find_scenario, scenario_ids
    from exercise.packs.starter import write_scenario

    if like and blank:
        raise click.UsageError("give --like SCENARIO or --blank, not both")
    source = None
    if like:
        source = find_scenario(like)
        if source is None or not source.is_file():
            raise click.UsageError(f"no scenario {like!r}; scenarios found: {', '.join(scenario_ids()) or 'none'}")
    try:
        path = write_scenario(name, folder, source, force)
    except (ValueError, FileExistsError, OSError) as e:
        raise click.UsageError(str(e)) from None
    click.echo(f"wrote {path}" + (f" (a copy of {source})" if source else ""))
    click.echo(f"next: edit it, then run: exercise validate {path}")
