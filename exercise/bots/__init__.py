"""Automatic players for dry runs: pure decision functions (state, team, dice) -> commands.

They sit outside the engine (they are clients of its rules, like a team at a console) and
are used by the dry-run shell (`exercise.dryrun`) and the tests. See `policies`.
"""

from exercise.bots.policies import POLICIES, Policy, allocation, cautious, random_policy, spender

__all__ = ["POLICIES", "Policy", "allocation", "cautious", "random_policy", "spender"]
