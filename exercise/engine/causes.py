"""A recorded cause in the words people read: the one rewording the narrator and the
ledger share.

Engines before the ledger recorded causes with ids ("inject rail-blast", "East chose
'shoot' in drones", "action action-west-1", "budget of turn 2"); saves keep them. Today's
engine words causes with names, which pass through unchanged. Pure: the lookups come in
as functions, so the narrator (a scenario and journal dicts) and the ledger (a state) use
the same rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import attrs

Lookup = Callable[[str], "str | None"]

_INJECT = re.compile(r"inject ([\w-]+)")
_CHOICE = re.compile(r"(.+) chose '([^']*)' in ([\w-]+)")
_ACTION = re.compile(r"action ([\w-]+)")
_BUDGET = re.compile(r"budget of turn (\d+)")
_WORDS = {"allocation": "budget split anew", "spending": "defence spending changed"}  # bare words of old BudgetSets


@attrs.frozen
class Names:
    """How to name what an old cause names by id; each returns None for an unknown id."""

    inject: Lookup = lambda _i: None  # an inject's title
    option: Callable[[str, str], str | None] = lambda _i, _o: None  # an option's label
    action: Lookup = lambda _a: None  # an argued action: "West's action “Patrol the coast”"


def reword(cause: str, names: Names) -> str:
    """`cause` with the ids of old saves replaced by names; anything else as it is."""
    m = _INJECT.fullmatch(cause)
    if m:
        title = names.inject(m.group(1))
        return f"the inject “{title}”" if title is not None else "an inject"
    m = _CHOICE.fullmatch(cause)
    if m:
        team = m.group(1).split(" (")[0]
        title = names.inject(m.group(3))
        label = names.option(m.group(3), m.group(2)) if title is not None else None
        return (f"{team} chose “{label or 'an option'}” in “{title}”" if title is not None
                else f"{team} chose an option in a decision")
    m = _ACTION.fullmatch(cause)
    if m:
        return names.action(m.group(1)) or "an argued action"
    m = _BUDGET.fullmatch(cause)
    if m:
        return f"turn {m.group(1)}'s budget"
    return _WORDS.get(cause, cause)


def fell_below(name: str, at: float, at_text: str, label: str, thresholds) -> str:
    """A crossed threshold in words: the band left (the crossed threshold's label: it holds at
    and above `at`) and the band entered (the next lower threshold's), "US trust fell below 4:
    from Impatient to Coordination cuts"."""
    lower = [th for th in thresholds if th.at < at]
    entered = max(lower, key=lambda th: th.at).label if lower else ""
    if label and entered:
        return f"{name} fell below {at_text}: from {label} to {entered}"
    if label:
        return f"{name} fell below {at_text}: out of {label}, its lowest band"
    return f"{name} fell below {at_text}" + (f": now {entered}" if entered else "")
