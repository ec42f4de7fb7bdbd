"""`exercise run`, `resume`, `saves`, `verify`: playing an exercise and its saves."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from exercise.cli.common import (
    DEFAULT_SCENARIO,
    SAVES_OPTION,
    check_red_bot,
    give_roles,
    has_terminal,
    new_session,
    no_terminal,
    open_session,
    roles_options,
    run_tui,
    save_folder,
)


@click.command()
@click.argument("scenario", required=False, default=DEFAULT_SCENARIO)
@click.option("--name", help="Name of this exercise (default: the scenario's title).")
@click.option("--seed", type=int, default=None, help="Seed of the random rolls (default: the scenario's).")
@roles_options
@SAVES_OPTION
def run(scenario: str, name: str | None, seed: int | None, red: str, us_desk: str, saves_root: Path | None) -> None:
    """Start a new exercise of SCENARIO (default: deadline-2027) in the facilitator console."""
    if not has_terminal():  # before the save is created: no empty exercise is left behind
        no_terminal()
    check_red_bot(red)
    session = new_session(scenario, name, seed, saves_root)
    give_roles(session, red, us_desk)
    click.echo(f"saving to {session.folder}", err=True)
    run_tui(session, saves_root)


@click.command("saves")
@SAVES_OPTION
def saves_cmd(saves_root: Path | None) -> None:
    """List saved exercises: id, scenario, turn, last activity and state."""
    from exercise import services

    listed = services.list_saves(saves_root)
    if listed.error is not None:
        click.echo(f"error: {listed.error}", err=True)
        sys.exit(1)
    if not listed.saves:
        click.echo(f"no saved exercises in {listed.root}")
        return
    rows = [("ID", "SCENARIO", "TURN", "LAST ACTIVITY (UTC)", "STATE")]
    for s in listed.saves:
        state = s.state + (f": {s.detail}" if s.detail else "")
        rows.append((s.id, s.scenario, f"{s.turn}/{s.turns}", s.last_activity.replace("+00:00", ""), state))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        click.echo("  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[4])


@click.command()
@click.argument("save")
@SAVES_OPTION
@click.option("--cut-at-damage", is_flag=True,
              help="When a record is damaged or the chain of records breaks, keep what precedes it and move the rest aside.")
def verify(save: str, saves_root: Path | None, cut_at_damage: bool) -> None:
    """Replay a save's journal; report events, turns and a state hash; recover a torn tail."""
    from exercise import services

    verdict = services.verify_save(save_folder(save, saves_root), cut_at_damage)
    for line in verdict.lines:
        click.echo(line)
    sys.exit(0 if verdict.ok else 1)


@click.command()
@click.argument("save")
@SAVES_OPTION
@click.option("--summary", is_flag=True, help="Print where the exercise stands instead of opening it.")
@roles_options
def resume(save: str, saves_root: Path | None, summary: bool, red: str, us_desk: str) -> None:
    """Continue a saved exercise."""
    check_red_bot(red)
    if not summary and has_terminal():
        from exercise import services

        def opener():
            session = services.open_session(folder)
            give_roles(session, red, us_desk)
            return session

        # The console draws its first frame at once and opens the save behind it.
        folder = save_folder(save, saves_root)
        run_tui(None, saves_root, opener=opener, opening=folder.name)
        return
    session = open_session(save, saves_root)
    if not summary:
        give_roles(session, red, us_desk)
        run_tui(session, saves_root)
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
        sub = "submitted" if view.teams_private[team.id].submitted else "not submitted"
        lines.append(f"  {team.name}: {sub}")
    if view.outcome:
        lines.append(f"outcome: {view.outcome.name}: {view.outcome.reason}")
    return "\n".join(lines)
