"""Automatic players for dry runs: pure decision functions (state, team, dice) -> commands.

They sit outside the engine (they are clients of its rules, like a team at a console) and
are used by the dry-run shell (`exercise.dryrun`) and the tests. See `policies`, `planner`
(the goal-seeking bots), `plans` (their budget-split and purchase variants) and `freerider`.

`REDS` holds the adversary's bots, RedPolicy = (state, dice) -> the adversary's commands for
this deliberation; "scripted" is never in it (it means no red commands: injects only).
"""

from collections.abc import Callable

from exercise.bots.freerider import freerider
from exercise.bots.planner import coordinated, planner, selfish
from exercise.bots.policies import POLICIES, Policy, allocation, cautious, random_policy, spender
from exercise.bots.red import red_bot
from exercise.engine.rolls import Dice
from exercise.engine.state import State

# The goal-seeking bots live in their own modules (they build on the policies' helpers).
# "planner" stays the coordinated bot's old name (`--policy planner`, and `mixed` draws it).
POLICIES["planner"] = planner
POLICIES["coordinated"] = coordinated
POLICIES["selfish"] = selfish
POLICIES["freerider"] = freerider

RedPolicy = Callable[[State, Dice], list]
REDS: dict[str, RedPolicy] = {"bot": red_bot}

__all__ = ["POLICIES", "REDS", "Policy", "RedPolicy", "allocation", "cautious", "coordinated", "freerider",
           "planner", "random_policy", "red_bot", "selfish", "spender"]
