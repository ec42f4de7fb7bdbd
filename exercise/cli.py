"""The `exercise` command line.

Commands that draw no screen import only what they need, and never Textual: validating,
simulating or exporting must start fast and work over SSH on any terminal.
"""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

import click


class _Main(click.Group):
    """The command group, which also ends cleanly when standard output cannot be written
    (a full disk, `> /dev/full`, a closed pipe): a one-line message, never a traceback."""

    def main(self, *args, **kwargs):
        try:
            return super().main(*args, **kwargs)
        except OSError as e:
            # Writes to stdout fail with no file name; any file the commands touch has one.
            output = (e.filename is None and e.errno in _OUTPUT_ERRNOS) or _stdout_broken()
            if output:
                _silence_stdout()
                if e.errno != errno.EPIPE:  # a reader that went away wants no message
                    click.echo(f"error: cannot write to standard output ({e.strerror or e})", err=True)
            else:  # a last resort (schema -o onto a FIFO, say): one line, not a traceback
                click.echo(f"error: {e}", err=True)
            sys.exit(1)


_OUTPUT_ERRNOS = {errno.ENOSPC, errno.EPIPE, errno.EIO, errno.EBADF, errno.EFBIG,
                  getattr(errno, "EDQUOT", errno.ENOSPC)}


def _stdout_broken() -> bool:
    try:
        sys.stdout.flush()
        return False
    except (OSError, ValueError, AttributeError):
        return True


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the flush at exit does not fail a second time."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


@click.group(cls=_Main, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="exercise")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Run tabletop exercises and wargames in the terminal.

    With no command, opens the start screen: pick a scenario (or a save) and play.
    """
    if ctx.invoked_subcommand is None:
        _run_tui(None, None)


def _has_terminal() -> bool:
    return sys.stdout.isatty() and sys.stdin.isatty()


def _no_terminal():
    click.echo("the console needs a terminal; for scripts see `exercise --help` "
               "(validate, simulate, saves, verify, resume --summary)", err=True)
    sys.exit(2)


def _run_tui(session, saves_root: Path | None, scenario: str | None = None, opener=None,
             opening: str = "the exercise") -> None:
    """The console; with `opener`, the save is opened after the first frame (a loading
    screen meanwhile) and a save that does not open ends it with the reason."""
    if not _has_terminal():
        _no_terminal()
    from exercise.tui.app import make_app

    app = make_app(session=session, saves_root=saves_root, scenario=scenario, opener=opener, opening=opening)
    try:
        app.run()
    finally:
        if app.session is not None:
            app.session.close()
    if app.open_error is not None:
        click.echo(f"error: {app.open_error}", err=True)
        sys.exit(1)


@main.command()
@click.argument("scenario", required=False, default="deadline-2027")
@click.option("--name", help="Name of this exercise (default: the scenario's title).")
@click.option("--seed", type=int, default=None, help="Seed of the random rolls (default: the scenario's).")
@click.option("--saves", "saves_root", type=click.Path(path_type=Path), default=None,
              help="Folder of saved exercises (default: $EXERCISE_SAVES or ./saves).")
def run(scenario: str, name: str | None, seed: int | None, saves_root: Path | None) -> None:
    """Start a new exercise of SCENARIO (default: deadline-2027) in the facilitator console."""
    if not _has_terminal():  # before the save is created: no empty exercise is left behind
        _no_terminal()
    session = new_session(scenario, name, seed, saves_root)
    click.echo(f"saving to {session.folder}", err=True)
    _run_tui(session, saves_root)


def new_session(scenario: str, name: str | None, seed: int | None, saves_root: Path | None):
    """A new exercise of a scenario (id or path), or exit with its problems listed."""
    from exercise.journal import saves
    from exercise.session import Session
    from exercise.simulate_cli import _load

    sc, sources = _load(scenario)
    try:
        return Session.create(sc, sources, saves.saves_dir(saves_root), name=name, seed=seed)
    except saves.SaveError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(1)


@main.command()
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
    report = run(list(paths), scenario)
    for p in report.problems.sorted():
        if quiet and p.severity == "warning":
            continue
        click.echo(str(p))
    click.echo(report.summary())
    sys.exit(1 if report.problems.errors else 0)


@main.command()
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


@main.group()
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


SAVES_OPTION = click.option(
    "--saves", "saves_root", type=click.Path(path_type=Path), default=None,
    help="Folder of saved exercises (default: $EXERCISE_SAVES or ./saves).")


def _save_folder(name: str, saves_root: Path | None) -> Path:
    from exercise.journal import saves

    try:
        return saves.find_save(name, saves.saves_dir(saves_root))
    except saves.SaveError as e:
        raise click.UsageError(str(e)) from None


@main.command("saves")
@SAVES_OPTION
def saves_cmd(saves_root: Path | None) -> None:
    """List saved exercises: id, scenario, turn, last activity and state."""
    from exercise.journal import saves

    root = saves.saves_dir(saves_root)
    try:
        found = saves.list_saves(root)
    except saves.SaveError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(1)
    if not found:
        click.echo(f"no saved exercises in {root}")
        return
    rows = [("ID", "SCENARIO", "TURN", "LAST ACTIVITY (UTC)", "STATE")]
    for s in found:
        state = s.state + (f": {s.detail}" if s.detail else "")
        rows.append((s.id, s.scenario, f"{s.turn}/{s.turns}", s.last_activity.replace("+00:00", ""), state))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        click.echo("  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[4])


@main.command()
@click.argument("save")
@SAVES_OPTION
@click.option("--cut-at-damage", is_flag=True,
              help="When a record is damaged or the chain of records breaks, keep what precedes it and move the rest aside.")
def verify(save: str, saves_root: Path | None, cut_at_damage: bool) -> None:
    """Replay a save's journal; report events, turns and a state hash; recover a torn tail."""
    from exercise.journal.verify import verify as run

    verdict = run(_save_folder(save, saves_root), cut_at_damage)
    for line in verdict.lines:
        click.echo(line)
    sys.exit(0 if verdict.ok else 1)


def _current_sources(scenario_id: str) -> dict[str, str] | None:
    from exercise.packs import loader
    from exercise.packs.problems import Problems

    path = loader.find_scenario(scenario_id)
    if path is None or not path.exists():
        return None
    loaded = loader.load_scenario(path, Problems())
    return loaded.texts if loaded.scenario is not None else None


def open_session(save: str, saves_root: Path | None):
    """Open a save for resuming, or exit with the reason (never a traceback)."""
    from exercise.journal import saves

    folder = _save_folder(save, saves_root)
    try:
        return _open_folder(folder)
    except saves.SaveError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(1)


def _open_folder(folder: Path):
    """Session.open, saying whether the scenario files changed; raises saves.SaveError."""
    from exercise.journal import saves
    from exercise.session import Session

    try:
        meta = saves.Meta.read(folder)
    except OSError:  # not a regular file: Session.open says so
        meta = None
    return Session.open(folder, _current_sources(meta.scenario) if meta else None)


@main.command()
@click.argument("save")
@SAVES_OPTION
@click.option("--summary", is_flag=True, help="Print where the exercise stands instead of opening it.")
def resume(save: str, saves_root: Path | None, summary: bool) -> None:
    """Continue a saved exercise."""
    if not summary and _has_terminal():
        # The console draws its first frame at once and opens the save behind it.
        folder = _save_folder(save, saves_root)
        _run_tui(None, saves_root, opener=lambda: _open_folder(folder), opening=folder.name)
        return
    session = open_session(save, saves_root)
    if not summary:
        _run_tui(session, saves_root)
        return
    try:
        for n in session.notices:
            click.echo(f"note: {n}")
        click.echo(describe(session))
    finally:
        session.close()


def describe(session) -> str:
    s = session.state
    sc = session.scenario
    lines = [f"{session.meta.title} ({sc.title}), save {session.folder}"]
    if s.status == "ready":
        lines.append("not started yet")
    else:
        label = sc.calendar.label(s.turn) if s.turn else ""
        lines.append(f"turn {s.turn} of {sc.calendar.turns} ({label}), phase {s.phase}, {s.status}")
    from exercise.engine import facilitator_view

    view = facilitator_view(s)
    for team in sc.teams:
        me = view["teams_private"][team.id]
        sub = "submitted" if me.get("submitted") else "not submitted"
        lines.append(f"  {team.name}: {sub}")
    if view.get("outcome"):
        lines.append(f"outcome: {view['outcome']['name']}: {view['outcome']['reason']}")
    return "\n".join(lines)


from exercise.simulate_cli import simulate  # noqa: E402 - light: imports the engine when run

main.add_command(simulate)

from exercise.net_cli import join, serve  # noqa: E402 - light: imports the network code when run

main.add_command(serve)
main.add_command(join)


from exercise.debrief_cli import COMMANDS as _DEBRIEF_COMMANDS  # noqa: E402 - debrief, export, fork

for _command in _DEBRIEF_COMMANDS:
    main.add_command(_command)
