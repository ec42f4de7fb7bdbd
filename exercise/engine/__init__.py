"""The game engine: a functional core with no files, sockets, clocks, threads or screens.

    state = initial_state(scenario, seed=None)
    state, events = execute(state, command)      # or: events = decide(state, command)
    state = apply(state, event)                  # one recorded fact
    state = replay(initial_state(scenario), events)
    player_view(state, "east"), facilitator_view(state), red_view(state)
    visible_events(state, "east", events)        # what a team is told as it happens

Commands are in `exercise.engine.commands`, events in `exercise.engine.events`;
`to_dict` / `from_dict` (de)serialise both. docs/engine.md describes the rules.
"""

from exercise.engine.apply import apply, replay
from exercise.engine.commands import FACILITATOR, Rejected
from exercise.engine.events import from_dict, to_dict
from exercise.engine.rules import decide, execute
from exercise.engine.state import State, initial_state
from exercise.engine.view import facilitator_view, player_view, red_view, visible_events
from exercise.engine.world import StateWorld, judge

__all__ = [
    "FACILITATOR", "Rejected", "State", "StateWorld", "apply", "decide", "execute",
    "facilitator_view", "from_dict", "initial_state", "judge", "player_view", "red_view", "replay",
    "to_dict", "visible_events",
]
