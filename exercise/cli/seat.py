"""`exercise seat add|revoke|list`: the room's seats (red cell, controllers, evaluators,
wall displays) in a save's tokens.json.

These edit tokens.json only, never the journal: `exercise serve` may be running on the
save, and it re-reads the file within half a second, journals the seat added or revoked
and cuts a revoked seat's terminals at once. Light imports: no engine run, no Textual.
"""

from __future__ import annotations

from pathlib import Path

import click

from exercise.cli.common import SAVES_OPTION, fail, save_folder

ADDED_ROLES = ("controller", "evaluator", "wall", "red")


def _scenario(folder: Path):
    from exercise.journal.saves import SaveError, read_scenario

    try:
        return read_scenario(folder)[0]
    except SaveError as e:
        fail(str(e))


@click.group()
def seat() -> None:
    """The seats of a room beyond the teams: the red cell, controllers, evaluators, walls.

    Each seat has its own token and join command (`exercise join URL --seat ID --token T`).
    A running `exercise serve` takes a change in within a second and journals it.
    """


@seat.command("add")
@click.argument("save")
@click.option("--role", required=True, type=click.Choice(ADDED_ROLES),
              help="controller (white cell, within --scope), evaluator (reads, writes notes and ratings), "
                   "wall (a public display), red (the adversary's cell).")
@click.option("--name", required=True, help="Who sits there, as the journal and the screens name them.")
@click.option("--scope", default="", metavar="TEAM,TEAM",
              help="A controller's teams (ids, comma separated; default: every team).")
@click.option("--url", default="", metavar="URL", help="The address `exercise serve` printed, for the join command.")
@SAVES_OPTION
def add(save: str, role: str, name: str, scope: str, url: str, saves_root: Path | None) -> None:
    """Add a seat to SAVE (a save's id or folder) and print its join command."""
    from exercise.net import tokens as tk

    folder = save_folder(save, saves_root)
    sc = _scenario(folder)
    teams = {t.id: t.name for t in sc.teams}
    try:
        _tokens, entry = tk.add_seat(folder, role, name, [t for t in scope.split(",") if t.strip()],
                                     teams=teams, adversary=sc.adversary is not None)
    except tk.SeatError as e:
        raise click.UsageError(str(e)) from None
    except tk.TokenError as e:
        fail(str(e))
    click.echo(f"added {tk.describe(entry.seat, teams)}, seat id {entry.seat.id}; its join command:")
    click.echo(f"    exercise join {url or 'URL'} --seat {entry.seat.id} --token {entry.token}")
    if not url:
        click.echo("(URL: the address `exercise serve` printed, e.g. ws://192.168.1.20:8765)")


@seat.command("revoke")
@click.argument("save")
@click.argument("seat_id")
@SAVES_OPTION
def revoke(save: str, seat_id: str, saves_root: Path | None) -> None:
    """Revoke seat SEAT_ID of SAVE: its token opens nothing from now on, and a running
    server closes its terminals at once (a lost laptop)."""
    from exercise.net import tokens as tk

    folder = save_folder(save, saves_root)
    teams = {t.id: t.name for t in _scenario(folder).teams}
    try:
        tokens = tk.revoke(folder, seat_id)
    except tk.SeatError as e:
        raise click.UsageError(str(e)) from None
    except tk.TokenError as e:
        fail(str(e))
    entry = tokens.entry(seat_id)
    assert entry is not None
    click.echo(f"revoked {tk.describe(entry.seat, teams)}; a running server cuts it off within a second")


@seat.command("list")
@click.argument("save")
@click.option("--tokens", "show_tokens", is_flag=True, help="Show each seat's token too (keep it private).")
@SAVES_OPTION
def list_(save: str, show_tokens: bool, saves_root: Path | None) -> None:
    """The seats of SAVE: who, role, scope, revoked or not (teams and the facilitator first)."""
    from exercise.engine.seats import ROLE_NAMES
    from exercise.net import tokens as tk

    folder = save_folder(save, saves_root)
    teams = {t.id: t.name for t in _scenario(folder).teams}
    try:
        tokens = tk.load(folder)
    except tk.TokenError as e:
        fail(str(e))
    rows = [("id", "who", "role", "scope", "state", *(("token",) if show_tokens else ()))]
    rows.append(("facilitator", "Lead facilitator", ROLE_NAMES["facilitator"], "", "",
                 *((tokens.facilitator,) if show_tokens else ())))
    for tid, tok in tokens.teams.items():
        rows.append((tid, teams.get(tid, tid), ROLE_NAMES["team"], "", "", *((tok,) if show_tokens else ())))
    for entry in tokens.seats:
        s = entry.seat
        scope = (", ".join(teams.get(t, t) for t in s.scope) or "every team") if s.role == "controller" else ""
        rows.append((s.id, s.name, ROLE_NAMES.get(s.role, s.role), scope, "revoked" if entry.revoked else "",
                     *((entry.token,) if show_tokens else ())))
    from exercise.controls import visible

    rows = [tuple(visible(c) for c in r) for r in rows]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        click.echo("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
