"""Automatic players for dry runs: pure decision functions (state, team, dice) -> commands.

They sit outside the engine (they are clients of its rules, like a team at a console) and
are used by the dry-run shell (`exercise.dryrun`) and the tests. See `policies`.
"""

from exercise.bots.planner import planner
from exercise.bots.policies import POLICIES, Policy, allocation, cautious, random_policy, spender

# The goal-seeking bot lives in its own module (it builds on the policies' helpers).
POLICIES["planner"] = planner

__all__ = ["POLICIES", "Policy", "allocation", "cautious", "planner", "random_policy", "spender"]
