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

    total = the team's funds + the allies' playable defence money + 'total' budget effects - lead costs;
    each category gets its share of the total plus its own budget effects. Never negative.
    Money is kept to the scenario's decimals, and the shares of the total add up to it
    exactly (largest remainders: 100 in thirds is 33.34 + 33.33 + 33.33).
    """
    d = state.__dict__
    turn = d["turn"]
    mine = rules.team_allies[team]
    spending = d["spending"]
    base = rules.team_funds[team]
    for a, f in rules.team_factors[team]:
        base += f * spending[a]
    extra: dict[str, float] | None = None
    for b in d["team_budget_effects"].get(team, ()):  # the team's budget_effects (an index of State)
        if b.first <= turn <= b.last:
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
        # bounded as the other memos: a dry run adds ~3 new keys a run, and at 65,536 the
        # memo held ~20 MB by 20,000 runs (`simulate`'s memory grew with --runs); a miss
        # rate of 3.3 in 73 calls a run either way
        if len(rules.splits) > 4096:
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


# -- payment profiles ------------------------------------------------------------------
def payment_schedule(cost: float, paid_on_order: float, turn: int, due: int,
                     places: int) -> tuple[float, tuple[tuple[int, float], ...]]:
    """(paid now, the (turn, amount) instalments after): `paid_on_order` of the cost now,
    the rest in equal instalments at the start of turns turn+1 .. due, to the cent (the
    last takes the rounding). All now when the profile says so or delivery is this turn."""
    if paid_on_order >= 1.0 or due <= turn:
        return cost, ()
    now = round(cost * paid_on_order, places)
    rest = round(cost - now, places)
    n = due - turn
    unit = 10 ** places
    each = math.floor(round(rest / n * unit, 9)) / unit
    amounts = [each] * (n - 1) + [round(rest - each * (n - 1), places)]
    return now, tuple((turn + k + 1, a) for k, a in enumerate(amounts) if a > 0.0)


def pay_instalments(decision: Decision) -> None:
    """At the start of a turn, after its budget: each order's instalment due now is paid
    from the team's procurement money, oldest order first. One the team cannot pay is
    deferred: it and the later instalments move a turn, and the order arrives a turn later
    (the programme is stretched, as a ministry short of money stretches it)."""
    state, rules = decision.state, decision.rules
    turn, places = state.turn, rules.money_places
    for o in [o for o in state.orders.values() if o.schedule and o.status in ("ordered", "draft")]:
        when, amount = o.schedule[0]
        if when > turn:
            continue
        cash = decision.state.cash[o.team]
        if amount <= cash + EPS:
            number = o.instalments - len(o.schedule) + 1
            decision.emit(ev.InstalmentPaid(o.id, o.team, turn, amount, number, o.instalments,
                                            max(0.0, round(cash - amount, places))))
        else:
            moved = tuple((t + 1, a) for t, a in o.schedule)
            decision.emit(ev.InstalmentDeferred(o.id, o.team, turn, amount, cash, max(o.due + 1, moved[-1][0]),
                                                moved))


def committed(state: State, team: str, turn: int | None = None) -> float:
    """The team's instalments still to pay (in `turn` only, when given)."""
    total = 0.0
    for o in state.orders.values():
        if o.team == team and o.schedule and o.status in ("ordered", "draft"):
            total += sum(a for t, a in o.schedule if turn is None or t == turn)
    return round(total, state.rules.money_places)


# -- the annual budget cycle -------------------------------------------------------------
def year_ends_before(rules: ScenarioRules, turn: int) -> bool:
    """Whether a budget year ends before `turn` begins (years counted from the calendar's
    start quarter when a year is four turns, else from turn 1)."""
    tpy = rules.budget.turns_per_year
    offset = rules.scenario.calendar.start_quarter - 1 if tpy == 4 else 0
    return turn > 1 and (offset + turn - 1) % tpy == 0


def carry_limit(state: State, rules: ScenarioRules, team: str) -> float | None:
    """The most unspent procurement money the team may carry into the next year (None: no limit)."""
    share = rules.budget.carry_over
    if share is None or rules.proc is None:
        return None
    old = state.budget.get(team)
    year = (old[1].get(rules.proc, 0.0) if old else 0.0) * rules.budget.turns_per_year
    return round(share * year, rules.money_places)


def close_year(decision: Decision) -> None:
    """At the end of a budget year (before the new year's first turn): money above the
    carry-over limit lapses."""
    state, rules = decision.state, decision.rules
    for team in rules.team_ids:
        limit = carry_limit(state, rules, team)
        if limit is None:
            continue
        cash = state.cash[team]
        if cash > limit + EPS:
            lapsed = round(cash - limit, rules.money_places)
            decision.emit(ev.MoneyLapsed(team, state.turn, lapsed, limit, limit, limit))
