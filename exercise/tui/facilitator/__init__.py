"""The white cell's console: the whole exercise at a glance, every control on a key.

One widget per part of the facilitator view, each rendering its part and owning its
actions (the keys it declares in KEYS): teams.py (the teams and their capabilities),
world.py (the world tracks, overrides), injects.py, actions.py (argued actions), notes.py,
log.py. screen.py composes them into the tabs, keeps the status line and the turn flow
(next phase, pause, timer, end, debrief) and tells every panel when the exercise changed.
"""

from exercise.tui.facilitator.screen import FacilitatorScreen

__all__ = ["FacilitatorScreen"]
