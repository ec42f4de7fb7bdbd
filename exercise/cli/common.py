"""What several command modules share: the --saves option, the terminal check, the console,
and presenting exercise.services' results (a one-line error and an exit status, never a
traceback). Light: importing it imports click and nothing of the engine or Textual."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import NoReturn

import click

SAVES_OPTION = click.option(
    "--saves", "saves_root", type=click.Path(path_type=Path), default=None,
    help="Folder of saved exercises (default: $EXERCISE_SAVES or ./saves).")

DEFAULT_SCENARIO = "deadline-2027"


def roles_options(f):
    """--red and --us-desk: who plays the adversary and the US desk in a live session (run,
    resume, serve; a resumed exercise takes them again, the facilitator by default)."""
    f = click.option("--us-desk", "us_desk", type=click.Choice(["facilitator", "bot"]), default="facilitator",
                     show_default=True,
                     help="Who judges the verdict at the end (scenarios with a scorecard): the facilitator (key V), "
                          "or a bot that confirms the scorecard's proposal with the rationale "
                          "'The US desk (bot): the scorecard's proposal' (who gives the verdict in the scenario's words).")(f)
    return click.option("--red", type=click.Choice(["facilitator", "bot"]), default="facilitator", show_default=True,
                        help="Who plays the adversary (scenarios with one): the facilitator (Red tab, keys a, w, B), "
                             "or the red bot, which plans red's acts at the end of each deliberation, before the "
                             "turn is adjudicated (journaled like any command).")(f)


def check_red_bot(red: str) -> None:
    """Refuse --red bot before anything is created when this install has no red bot."""
    import exercise.bots

    if red == "bot" and getattr(exercise.bots, "REDS", {}).get("bot") is None:
        fail("--red bot: this install has no red bot (exercise.bots.REDS['bot']); use --red facilitator")


def give_roles(session, red: str, us_desk: str) -> None:
    """Hand the adversary and the US desk to whom the options say."""
    session.red, session.us_desk = red, us_desk
    if red == "bot" and session.scenario.adversary is None:
        click.echo("note: --red bot: this scenario has no adversary; nothing for the red bot to play", err=True)


def fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


class Progress:
    """A one-line progress bar on stderr (simulate, balance), drawn only when `enabled`
    (stderr a terminal) and after half a second; `close()` wipes it."""

    def __init__(self, total: int, enabled: bool):
        self.total = total
        self.enabled = enabled
        self.start = time.monotonic()
        self.shown = False

    def __call__(self, done: int, total: int | None = None) -> None:
        if not self.enabled:
            return
        if total is not None:
            self.total = total
        elapsed = time.monotonic() - self.start
        if elapsed < 0.5 and not self.shown:
            return
        self.shown = True
        width = 30
        fill = int(width * done / max(1, self.total))
        eta = elapsed / done * (self.total - done) if done else 0
        sys.stderr.write(f"\r[{'#' * fill}{'.' * (width - fill)}] {done}/{self.total} runs, {eta:4.0f} s left ")
        sys.stderr.flush()

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\r" + " " * 70 + "\r")
            sys.stderr.flush()


def has_terminal() -> bool:
    return sys.stdout.isatty() and sys.stdin.isatty()


def no_terminal() -> NoReturn:
    click.echo("the console needs a terminal; for scripts see `exercise --help` "
               "(validate, simulate, saves, verify, resume --summary)", err=True)
    sys.exit(2)


def run_tui(session, saves_root: Path | None, scenario: str | None = None, opener=None,
            opening: str = "the exercise") -> None:
    """The console; with `opener`, the save is opened after the first frame (a loading
    screen meanwhile) and a save that does not open ends it with the reason."""
    if not has_terminal():
        no_terminal()
    from exercise.tui.app import make_app

    app = make_app(session=session, saves_root=saves_root, scenario=scenario, opener=opener, opening=opening)
    try:
        app.run()
    finally:
        if app.session is not None:
            app.session.close()
    if app.open_error is not None:
        fail(app.open_error)


def load_scenario(name: str):
    """The scenario (id or path) and its source texts, or its problems printed and exit 1."""
    from exercise import services

    opened = services.open_scenario(name)
    if opened.note:
        click.echo(opened.note, err=True)
    if opened.scenario is None:
        for p in opened.problems.sorted():
            click.echo(str(p), err=True)
        if opened.reason:
            click.echo(opened.reason, err=True)
        elif opened.path is not None and opened.path.is_file():
            # the command that was run (balance, simulate, run, new) says it, not one of them
            ctx = click.get_current_context(silent=True)
            command = f"`exercise {ctx.info_name}`" if ctx is not None and ctx.info_name else "exercise"
            click.echo(f"{opened.path}: {command} cannot use a scenario with errors; "
                       f"see `exercise validate {opened.path}`", err=True)
        sys.exit(1)
    return opened


def save_folder(name: str, saves_root: Path | None) -> Path:
    """A save by id or path; a usage error naming what is there when there is none."""
    from exercise import services
    from exercise.journal.saves import SaveError

    try:
        return services.find_save(name, saves_root)
    except SaveError as e:
        raise click.UsageError(str(e)) from None


def new_session(scenario: str, name: str | None, seed: int | None, saves_root: Path | None):
    """A new exercise of a scenario (id or path), or exit with its problems listed."""
    from exercise import services

    created = services.create_save(load_scenario(scenario), saves_root, name=name, seed=seed)
    if created.session is None:
        fail(created.error or "the save was not created")
    return created.session


def open_session(save: str, saves_root: Path | None):
    """Open a save for resuming, or exit with the reason (never a traceback)."""
    from exercise import services

    opened = services.open_save(save_folder(save, saves_root))
    if opened.session is None:
        fail(opened.error or "the save did not open")
    return opened.session
