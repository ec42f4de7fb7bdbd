"""The consoles of the room's seats other than the facilitator and the player teams: the
wall (a public display for a projector), the red cell, the evaluator and the controllers.

`screen_for(port)` gives the screen for `port.seat.role`; the same screens run hot-seat (a
LocalSeatPort in the facilitator's console) and over the network (`exercise join`, a
RemoteSeatPort).
"""

from __future__ import annotations

import importlib

from textual.screen import Screen

# role -> (module under exercise.tui.seat, screen class)
SCREENS = {"wall": ("wall", "WallScreen"), "red": ("red", "RedSeatScreen"),
           "evaluator": ("evaluator", "EvaluatorScreen"), "controller": ("controller", "ControllerScreen")}


def screen_class(role: str) -> type[Screen] | None:
    """The screen class for a seat's role, or None when this install has no console for it."""
    where = SCREENS.get(role)
    if where is None:
        return None
    try:
        module = importlib.import_module(f"exercise.tui.seat.{where[0]}")
    except ModuleNotFoundError:
        return None
    return getattr(module, where[1], None)


def screen_for(port) -> Screen:
    """The console for the seat `port` holds (its view and commands come through the port)."""
    role = port.seat.role
    cls = screen_class(role)
    if cls is None:
        raise ValueError(f"no console for a {role} seat in this version of exercise")
    return cls(port)  # every seat screen takes its port


__all__ = ["SCREENS", "screen_class", "screen_for"]
