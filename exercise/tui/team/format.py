"""How the team console writes numbers and names (display only: no rules here)."""

from __future__ import annotations

from exercise.engine.view_types import PlayerView
from exercise.tui.keyhelp import phase_slots
from exercise.tui.text import fit


def money(x: float) -> str:
    return f"{x:,.2f}"


def pct(share: float) -> str:
    return f"{share * 100:.1f}".rstrip("0").rstrip(".") + " %"


def num(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def turns(n: int) -> str:
    """'1 turn', '2 turns'."""
    return f"{n} turn" if n == 1 else f"{n} turns"


def clip(s: str, n: int) -> str:
    return fit(s, n)  # whole words only: a cut word loses its meaning


def arrival(view: PlayerView, turn: int, brief: bool = False) -> str:
    if turn <= view.turns:
        return f"turn {turn}"
    return f"turn {turn} · after end" if brief else f"turn {turn}, after the exercise ends"


def not_now(view: PlayerView, connection: str) -> str:
    """A line for forms opened when they will not be done (no connection, not deliberation)."""
    if connection not in ("local", "connected"):
        return f"Not connected to the server ({connection}): this will not be sent until it says connected.\n"
    if view.status != "running":
        return "The exercise is not running: this will be refused.\n"
    if view.paused:
        return "The exercise is paused: this will be refused until it resumes.\n"
    if view.me.submitted:
        return "You have submitted for this turn: this will be refused.\n"
    if view.phase != "deliberation":
        acting = phase_slots(view.phases)["deliberation"]  # the scenario's name for it
        return f"Teams act in {acting} (now: {view.phase_name}): this will be refused.\n"
    return ""
