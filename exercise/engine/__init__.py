"""The game engine: a functional core with no files, sockets, clocks, threads or screens.

    state = initial_state(scenario, seed=None)
    state, events = execute(state, command)      # or: events = decide(state, command)
    state = apply(state, event)                  # one recorded fact
    state = replay(initial_state(scenario), events)
    player_view(state, "east"), facilitator_view(state), red_view(state)
    visible_events(state, "east", events)        # what a team is told as it happens

Commands are in `exercise.engine.commands`, events in `exercise.engine.events`;
`to_dict` / `from_dict` (de)serialise both. docs/engine.md describes the rules.

The names above are imported from their modules on first use: replaying a journal
(`exercise verify`) needs the events, the state and `apply`, not the rules or the views,
and a command that draws no screen should not pay for what it does not use (issue 18).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Imported now, not on first use: importing the submodule `exercise.engine.apply` (which
# every replay does) would otherwise set this package's `apply` to that module.
from exercise.engine.apply import apply, replay

if TYPE_CHECKING:
    from exercise.engine.commands import FACILITATOR, Rejected
    from exercise.engine.events import from_dict, to_dict
    from exercise.engine.rules import decide, execute
    from exercise.engine.state import State, initial_state
    from exercise.engine.view import facilitator_view, player_view, red_view, visible_events
    from exercise.engine.world import StateWorld, judge

# name -> the module that defines it (the same as the imports above)
_HOME = {  # (apply, replay: above)
    "FACILITATOR": "commands", "Rejected": "commands",
    "from_dict": "events", "to_dict": "events",
    "decide": "rules", "execute": "rules",
    "State": "state", "initial_state": "state",
    "facilitator_view": "view", "player_view": "view", "red_view": "view", "visible_events": "view",
    "StateWorld": "world", "judge": "world",
}

__all__ = [
    "FACILITATOR", "Rejected", "State", "StateWorld", "apply", "decide", "execute",
    "facilitator_view", "from_dict", "initial_state", "judge", "player_view", "red_view", "replay",
    "to_dict", "visible_events",
]


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value  # found once; later uses are plain module attributes
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
