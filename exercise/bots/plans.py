"""Plan variants for the goal-seeking bots: which budget split and which purchase rule.

The balance report plays each variant under each base policy to ask whether one plan wins
everywhere (a dominant plan is a balance problem). A variant is a `planner.Plan`, a frozen
value; the policy `policy(base, split, purchase)` returns is a pure function of (state, team,
dice) and touches no module global, so many variants can play in one process. What a plan
memoises lives in the rules' memo under keys that name it (or that do not depend on it).
"""

from __future__ import annotations

from exercise import model
from exercise.bots.planner import (
    COORDINATED,
    SELFISH,
    Plan,
    Rank,
    Split,
    checked,
    floor_shares,
    make,
    rank_value,
    rest_to_procurement,
    split_floors,
)
from exercise.bots.policies import Policy, allocation
from exercise.engine.scenario_rules import ScenarioRules
from exercise.engine.state import State

SPLITS: dict[str, str] = {
    "floors": "each category just over the floor that stops its tracks decaying, the rest to procurement",
    "balanced": "the scenario's default shares (procurement no higher than this turn's limit)",
    "readiness": "the floors, procurement halfway down to its minimum, the rest to the other categories",
    "surge": "procurement at the most it may have, the other categories at their minimum shares (tracks decay)",
    "resilient": "the floors, and the share that makes the adversary's actions do less harm (when the scenario has one), "
                 "the rest to procurement",
}

PURCHASES: dict[str, str] = {
    "value": "points per unit of money, best first",
    "soonest": "what lands earliest first, then points per money",
    "european": "made in Europe first, then points per money",
    "cheap": "the cheapest items first (many small orders), then points per money",
}


def _memo(rules: ScenarioRules, key: tuple, build) -> dict[str, float] | None:
    if key not in rules.memo:
        rules.memo[key] = build()
    shares = rules.memo[key]
    return None if shares is None else dict(shares)


def split_balanced(state: State, rules: ScenarioRules, team: str) -> dict[str, float] | None:
    limit = state.invest_limit(team)
    if rules.proc is None or limit is None:
        return None
    return allocation(rules, min(rules.cat[rules.proc].default_share, limit))


def split_readiness(state: State, rules: ScenarioRules, team: str) -> dict[str, float] | None:
    limit = state.invest_limit(team)
    if rules.proc is None or limit is None:
        return None
    return _memo(rules, ("split-readiness", limit), lambda: _readiness(rules, limit))


def _readiness(rules: ScenarioRules, limit: float) -> dict[str, float] | None:
    assert rules.proc is not None  # split_readiness asks only then
    shares = floor_shares(rules)
    proc = rules.cat[rules.proc]
    most = max(proc.min_share, min(1.0 - sum(shares.values()), proc.max_share, limit))
    shares[rules.proc] = (proc.min_share + most) / 2
    spare = 1.0 - sum(shares.values())
    # the spare by default share, the sustaining category first if a share runs out of room
    others = sorted((c for c in rules.cats if c.id != rules.proc), key=lambda c: c.id != rules.sustain)
    weight = sum(c.default_share or 1.0 for c in others) or 1.0
    for c in others:
        k = min(spare * (c.default_share or 1.0) / weight, c.max_share - shares[c.id])
        shares[c.id] += k
    spare = 1.0 - sum(shares.values())
    for c in others:
        k = min(spare, c.max_share - shares[c.id])
        shares[c.id] += k
        spare -= k
    return checked(rules, shares, limit)


def split_resilient(state: State, rules: ScenarioRules, team: str) -> dict[str, float] | None:
    limit = state.invest_limit(team)
    if rules.proc is None or limit is None:
        return None
    return _memo(rules, ("split-resilient", limit), lambda: _resilient(rules, limit))


def _resilient(rules: ScenarioRules, limit: float) -> dict[str, float] | None:
    """The floors split with the adversary's `resisted_by` category raised to its
    `resist_share` (half a point over: compared in money, cut to the cent)."""
    adv = rules.adversary
    shares = floor_shares(rules)
    if adv is not None and adv.resisted_by in shares and adv.resist:
        cat = rules.cat[adv.resisted_by]
        shares[cat.id] = min(cat.max_share, max(shares[cat.id], adv.resist_share + 0.005))
    return rest_to_procurement(rules, shares, limit)


def split_surge(state: State, rules: ScenarioRules, team: str) -> dict[str, float] | None:
    limit = state.invest_limit(team)
    if rules.proc is None or limit is None:
        return None
    return allocation(rules, limit)


def _per_money(value: float, item: model.Item) -> float:
    return -value / item.cost


def rank_soonest(state: State, rules: ScenarioRules, scored: list[tuple[float, model.Item]]) -> list[model.Item]:
    lead = state.lead_time
    return [i for _, i in sorted(scored, key=lambda p: (p[1].lead_time + lead.get(p[1].id, 0), _per_money(*p)))]


def rank_european(state: State, rules: ScenarioRules, scored: list[tuple[float, model.Item]]) -> list[model.Item]:
    return [i for _, i in sorted(scored, key=lambda p: (p[1].origin.lower() != "europe", _per_money(*p)))]


def rank_cheap(state: State, rules: ScenarioRules, scored: list[tuple[float, model.Item]]) -> list[model.Item]:
    return [i for _, i in sorted(scored, key=lambda p: (p[1].cost, _per_money(*p)))]


_SPLIT_FUNCS: dict[str, Split] = {"floors": split_floors, "balanced": split_balanced,
                                  "readiness": split_readiness, "surge": split_surge,
                                  "resilient": split_resilient}
_RANK_FUNCS: dict[str, Rank] = {"value": rank_value, "soonest": rank_soonest,
                                "european": rank_european, "cheap": rank_cheap}
_BASES = {"coordinated": COORDINATED, "selfish": SELFISH}


def variant(base: str, split: str | None = None, purchase: str | None = None) -> Plan:
    """The `Plan` of a base policy with a split and a purchase rule (None: the base's own:
    selfish "floors", coordinated its guarded floors (`planner.split_guarded`), and "value").
    A named split is forced, "floors" included. A ValueError names what is unknown and what
    is known."""
    if base not in _BASES:
        raise ValueError(f"unknown base policy {base!r}: use one of {', '.join(_BASES)}")
    if split is not None and split not in SPLITS:
        raise ValueError(f"unknown split {split!r}: use one of {', '.join(SPLITS)}")
    if purchase is not None and purchase not in PURCHASES:
        raise ValueError(f"unknown purchase plan {purchase!r}: use one of {', '.join(PURCHASES)}")
    plan = _BASES[base]
    s_fn = plan.split if split is None else _SPLIT_FUNCS[split]
    p_fn = plan.rank if purchase is None else _RANK_FUNCS[purchase]
    if s_fn is plan.split and p_fn is plan.rank:
        return plan  # the base's own plan: a named split or purchase that is its own changes nothing
    # a named split is forced (the coordinated base's own split guards against the adversary)
    s, p = split or _split_name(plan.split), purchase or "value"
    return Plan(f"{base}/{s}/{p}", plan.selfish, s_fn, p_fn)


def _split_name(fn: Split) -> str:
    return next((k for k, f in _SPLIT_FUNCS.items() if f is fn), "guarded")


def policy(base: str, split: str | None = None, purchase: str | None = None) -> Policy:
    """A policy (state, team, dice) -> commands: `base` ("coordinated" or "selfish") playing
    the budget split `split` (a key of SPLITS) and the purchase plan `purchase` (a key of
    PURCHASES). The defaults give the base policy itself (POLICIES[base])."""
    from exercise.bots import POLICIES

    plan = variant(base, split, purchase)
    if plan is _BASES[base]:
        return POLICIES[base]
    return make(plan)
