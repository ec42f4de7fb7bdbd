"""Money: a team's budget this turn, and recomputing it when something changes it."""

from __future__ import annotations

import math

from exercise.engine import events as ev
from exercise.engine.commands import Rejected
from exercise.engine.decision import EPS, Decision
from exercise.engine.scenario_rules import ScenarioRules
from exercise.engine.state import State
from exercise.exact import split


def team_budget(state: State, rules: ScenarioRules, team: str) -> tuple[float, dict[str, float]]:
    """This turn's budget of a team: (total, money per category).

    total = the allies' playable defence money + 'total' budget effects - lead costs;
    each category gets its share of the total plus its own budget effects. Never negative.
    Money is kept to the scenario's decimals, and the shares of the total add up to it
    exactly (largest remainders: 100 in thirds is 33.34 + 33.33 + 33.33).
    """
    d = state.__dict__
    turn = d["turn"]
    mine = rules.team_allies[team]
    spending = d["spending"]
    base = 0.0
    for a, f in rules.team_factors[team]:
        base += f * spending[a]
    extra: dict[str, float] | None = None
    for b in d["budget_effects"]:
        if b.team == team and b.first <= turn <= b.last:
            if b.category == "total":
                base += b.amount
            else:
                if extra is None:
                    extra = {}
                extra[b.category] = extra.get(b.category, 0.0) + b.amount
    lead_cost = rules.lead_cost
    for cid, ally in d["leads"].items():
        if ally in mine:
            base -= lead_cost[cid]
    places = rules.money_places
    total = round(base, places) if base > 0.0 else 0.0  # to the cent: no 0.6000000000000001
    shares = d["allocation"][team]
    key = (total, shares)
    parts = rules.splits.get(key)
    if parts is None:  # the same few splits recur every turn
        if len(rules.splits) > 65536:
            rules.splits.clear()
        parts = rules.splits[key] = split(total, shares, places)
    if extra is None:
        amounts = dict(zip(rules.cat_ids, parts))
    else:
        amounts = {cid: max(0.0, round(p + extra.get(cid, 0.0), places)) for cid, p in zip(rules.cat_ids, parts)}
    return total, amounts


def rebudget(decision: Decision, team: str, cause: str, strict=None, source: str = "") -> None:
    """Recompute this turn's budget of a team; the procurement money moves by the difference.

    strict: a function (shortfall) -> reason; when given, a change that would leave
    negative money is Rejected (a team's own command). Otherwise (injects, effects) the
    money stops at 0.
    """
    state, rules = decision.state, decision.rules
    total, amounts = team_budget(state, rules, team)
    old = state.budget.get(team)
    cash = state.cash[team]
    if rules.proc is not None:
        new_cash = round(cash + amounts[rules.proc] - (old[1][rules.proc] if old else 0.0), rules.money_places)
        if new_cash < 0.0:
            if strict is not None and new_cash < -EPS:
                raise Rejected(strict(-new_cash))
            new_cash = 0.0
    else:
        new_cash = cash
    if old is not None and old[0] == total and old[1] == amounts and new_cash == cash:
        return
    decision.emit(ev.BudgetSet(team, total, amounts, new_cash, cause, source))


def under_floor(amount: float, total: float, floor: float, places: int) -> bool:
    """Whether a category's money this turn is under its floor share of the total.

    Compared in money, to the cent below: a split at exactly the floor is never under it,
    though the largest-remainder split may leave the category a cent short of the exact
    share (35 % of 6.09 is 2.1315; the category gets 2.13, which is 34.98 %)."""
    if total <= 0.0:
        return floor > EPS
    unit = 10 ** places
    need = math.floor(round(floor * total * unit, 9)) / unit
    return amount < need - EPS
