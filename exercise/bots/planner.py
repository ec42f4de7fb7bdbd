"""Goal-seeking bots: the judicious players a balance test needs.

The other policies play blind (random) or by one reflex (cautious, spender). These read what
the scenario judges and play toward it, so a dry run can say whether a good plan wins and
whether one formula wins every time. One engine, `play(plan, ...)`, parameterised by a `Plan`:

- it answers each decision with the option whose known effects serve the goals best;
- it takes a command lead: `coordinated`, the teams share out the commands (each takes the
  free command its allies weigh most in); `selfish`, a team takes only a command its own
  objectives name, and only once the lead pays for itself;
- it splits its budget by the plan's split (default: every category just to the floor that
  stops decay, the rest to procurement; see `exercise.bots.plans` for the others). The
  coordinated default guards (`split_guarded`): once a team has noticed incidents against
  it, it raises the adversary's `resisted_by` category to the public `resist_share` (the
  rule is data every team can read; the adversary's menu and plans are not), if that costs
  at most GUARD of its budget, since short of the share the money is wasted;
- it orders what raises the tracks it still lacks, ranked by the plan's purchase rule
  (default: points per unit of money), if the delivery lands in time;
- it assigns forces where the scorecard wants them (`selfish`: only to its own flank).

A coordinated team also keeps a margin under a criterion that wants a track low (e.g.
escalation <= 3.5): a rise counts up to five times its weight as its own reading of the
track (the top of the estimate's band it sees, not the truth) nears the ceiling; selfish teams weigh it flat.

Goals come from the scenario, never from a table here: a world track that decides an outcome
on its own (`track.escalation >= 7`) is one to keep low; the other tracks the outcome
conditions name are ones to raise. A `selfish` team weighs the scorecard's criteria by its
share only (a quarter of each, with four teams) and its own objectives in full. It reads the
state directly, as every bot does.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

import attrs

from exercise import model
from exercise.bots.policies import Policy, _cash_after, _units, allocation, bills, lead_votes, ordered_units
from exercise.engine import commands as cm
from exercise.engine import fog
from exercise.engine.rolls import Dice
from exercise.engine.scenario_rules import ScenarioRules
from exercise.engine.state import State
from exercise.engine.team_moves import eligible_allies, lead_refusal, line_capacity

# A capability is "enough" at this share of its scale: past it, orders for it count little.
ENOUGH = 0.7
# The most of its budget a coordinated team moves out of procurement to stand at the
# adversary's `resist_share` (more when decisions took money out of that category this turn):
# dearer than this, the shield is not worth the orders it costs (measured: 0.15 of the
# budget beat 0.1 and 0.3 against the red bot on the default scenario).
GUARD = 0.15
# Money is worth about half a point per unit (a point: a criterion's weight times a track's add).
MONEY = 0.5
_NAMES = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_COMPARISON = re.compile(r"(>=|<=|>|<|==)")
_FORCES = re.compile(r'forces\(\s*"([^"]+)"\s*,\s*"([^"]+)"\s*\)')
_LEADS = re.compile(r'leads\(\s*"([^"]+)"\s*,\s*"([^"]+)"\s*\)')
_MANNED = re.compile(r'(?:manned|led)\(\s*"([^"]+)"\s*\)')
_ITEMS = re.compile(r'(?:ordered|delivered_to\(\s*"[^"]+"\s*,)\(?\s*"([^"]+)"\s*\)')
_TEAM_TRACK = re.compile(r"team\.([A-Za-z0-9_-]+)\.([A-Za-z_][A-Za-z0-9_]*)")

Split = Callable[[State, ScenarioRules, str], "dict[str, float] | None"]
Rank = Callable[[State, ScenarioRules, "list[tuple[float, model.Item]]"], "list[model.Item]"]


def split_floors(state: State, rules: ScenarioRules, team: str) -> dict[str, float] | None:
    """Each category at the floor that stops its tracks decaying, the rest to procurement
    (up to the most it may have this turn); what procurement may not take goes to the
    category that keeps the most tracks from decaying."""
    limit = state.invest_limit(team)
    if rules.proc is None or limit is None:
        return None
    key = ("split-floors", limit)  # a pure function of the rules and the limit
    if key not in rules.memo:
        rules.memo[key] = _split_floors(rules, limit)
    shares = rules.memo[key]
    return None if shares is None else dict(shares)


def _split_floors(rules: ScenarioRules, limit: float) -> dict[str, float] | None:
    return rest_to_procurement(rules, floor_shares(rules), limit)


def rest_to_procurement(rules: ScenarioRules, shares: dict[str, float], limit: float) -> dict[str, float] | None:
    """`shares` for every category but procurement, completed: procurement takes the rest
    (up to the most it may have this turn), what it may not take goes to the category that
    keeps the most tracks from decaying first."""
    assert rules.proc is not None  # the splits that call it ask only then
    proc = rules.cat[rules.proc]
    rest = 1.0 - sum(shares.values())
    shares[rules.proc] = max(proc.min_share, min(rest, proc.max_share, limit))
    spare = 1.0 - sum(shares.values())
    for c in sorted(rules.cats, key=lambda c: c.id != rules.sustain):  # the sustaining one first
        if c.id == rules.proc or spare <= 1e-12:
            continue
        k = min(spare, c.max_share - shares[c.id])
        shares[c.id] += k
        spare -= k
    return checked(rules, shares, limit)


def floor_shares(rules: ScenarioRules) -> dict[str, float]:
    """Each category but procurement at the floor that stops its tracks decaying (at least
    its minimum share)."""
    floors: dict[str, float] = {}
    for _, cat, floor, _ in rules.funded:
        floors[cat] = max(floors.get(cat, 0.0), floor)
    # Half a point over each floor: the engine compares floors in money, cut to the cent.
    return {c.id: max(c.min_share, floors.get(c.id, 0.0) + 0.005) for c in rules.cats if c.id != rules.proc}


def checked(rules: ScenarioRules, shares: dict[str, float], limit: float) -> dict[str, float] | None:
    """`shares` rounded if they are a legal split, else the nearest legal one with `limit`
    for procurement."""
    if abs(sum(shares.values()) - 1) > 1e-9 or any(not c.min_share - 1e-9 <= shares[c.id] <= c.max_share + 1e-9 for c in rules.cats):
        return allocation(rules, limit, rules.sustain)
    return {c.id: round(shares[c.id], 6) for c in rules.cats}


def split_guarded(state: State, rules: ScenarioRules, team: str) -> dict[str, float] | None:
    """The floors split, and, once the team has noticed hostile incidents against it, the
    adversary's `resisted_by` category raised to its `resist_share` (the rule is public data,
    the incidents are what the team saw): the money comes out of procurement, so it is
    spent only where the adversary has been hitting."""
    shares = split_floors(state, rules, team)
    adv = rules.adversary
    if shares is None or adv is None or not adv.resist or adv.resisted_by not in shares or rules.proc is None:
        return shares
    if not _under_attack(state, team):
        return shares
    cat, proc = rules.cat[adv.resisted_by], rules.cat[rules.proc]
    total, amounts = state.budget.get(team, (0.0, {}))
    if total <= 0:
        return shares
    # money the decisions' budget effects add to (or cut from) the category this turn, on top of its share
    now = state.allocation[team][rules.cat_ids.index(cat.id)]
    extra = amounts.get(cat.id, 0.0) - now * total
    # half a point over: the engine compares in money, cut to the cent
    want = max(shares[cat.id], adv.resist_share + 0.005 - extra / total)
    k = want - shares[cat.id]
    if k > GUARD or want > cat.max_share or shares[proc.id] - k < proc.min_share:
        return shares  # the shield costs too much this turn (or cannot be had): short of it, the money is wasted
    if k > 0:
        shares[cat.id] = round(shares[cat.id] + k, 4)
        shares[proc.id] = round(1.0 - sum(v for c, v in shares.items() if c != proc.id), 6)
    return checked(rules, shares, state.invest_limit(team) or proc.max_share)


def _under_attack(state: State, team: str) -> bool:
    """Whether the team noticed an incident against it (a resolved, detected adversary
    action that hit it): what its own screens told it, not the adversary's plans."""
    return any(m.detected and team in m.teams for m in state.red_acts.values())


def rank_value(state: State, rules: ScenarioRules, scored: list[tuple[float, model.Item]]) -> list[model.Item]:
    """Points per unit of money, best first."""
    return [item for _, item in sorted(scored, key=lambda p: -p[0] / p[1].cost)]


@attrs.frozen
class Plan:
    """How a goal-seeking team plays: for whose goals, with which split and purchase rule.
    `name` names the variant (it keys what the plan keeps in the rules' memo)."""

    name: str = "coordinated"
    selfish: bool = False
    split: Split = split_floors
    rank: Rank = rank_value


# -- goals --------------------------------------------------------------------------------------
def goals(rules: ScenarioRules, team: str | None = None) -> dict[str, float]:
    """Track id -> weight (+ raise it, - keep it low), from the scorecard's criteria (their
    weights and direction) and the outcome conditions. With `team`, the team's selfish
    weights: each criterion counts its share only, and each of the team's own objectives
    about a track counts in full."""
    memo = rules.memo
    key = "planner-goals" if team is None else ("selfish-goals", team)
    if key in memo:
        return memo[key]
    share = 1.0 if team is None else 1.0 / max(1, len(rules.team_ids))
    weights: dict[str, float] = {}
    tracks = set(rules.tracks)
    card = rules.scenario.scorecard
    for c in card.criteria if card else ():
        for n in _NAMES.findall(c.measure):
            if n in tracks:
                weights[n] = weights.get(n, 0.0) + share * (c.weight if c.better == "higher" else -c.weight)
    if team is not None:
        for o in own_objectives(rules, team):
            for t in _objective_tracks(rules, team, o):
                sign = 1.0 if o.better == "higher" else -1.0
                weights[t] = weights.get(t, 0.0) + sign
    for outcome in rules.scenario.outcomes:
        if not outcome.condition:
            continue
        named = [n for n in _NAMES.findall(outcome.condition) if n in tracks]
        if len(_COMPARISON.findall(outcome.condition)) == 1 and len(named) == 1:
            weights[named[0]] = min(weights.get(named[0], 0.0), -1.0)  # decided by this alone: a cliff
        else:
            for n in named:
                weights.setdefault(n, 1.0)
    for t in rules.team_tracks:
        weights.setdefault(t, 0.3)  # a capability nothing names still helps a little
    memo[key] = weights
    return weights


def own_objectives(rules: ScenarioRules, team: str) -> list[model.Objective]:
    """The team's objectives: those its team lists and those that name it as their team."""
    key = ("own-objectives", team)
    if key not in rules.memo:
        listed = set(rules.teams[team].objectives)
        rules.memo[key] = [o for o in rules.scenario.all_objectives()
                           if o.team == team or (o.team is None and o.id in listed)]
    return rules.memo[key]


def _objective_tracks(rules: ScenarioRules, team: str, o: model.Objective) -> list[str]:
    named = {t for who, t in _TEAM_TRACK.findall(o.measure or "") if who == team and t in rules.tracks}
    if o.capability in rules.tracks:
        named.add(o.capability)
    return sorted(named)


def targets(rules: ScenarioRules, team: str | None = None) -> dict[str, float]:
    """Track id -> the value that is enough: a scorecard criterion's `met` for a track its
    measure names alone (e.g. avg("munitions") >= 5.5); with `team`, also its own
    objectives' targets; else 70 % of the scale."""
    memo = rules.memo
    key = "planner-targets" if team is None else ("selfish-targets", team)
    if key in memo:
        return memo[key]
    out: dict[str, float] = {}
    card = rules.scenario.scorecard
    for c in card.criteria if card else ():
        named = [n for n in _NAMES.findall(c.measure) if n in rules.tracks]
        if len(named) == 1 and c.better == "higher":
            out[named[0]] = max(out.get(named[0], c.met), c.met)
    if team is not None:
        for o in own_objectives(rules, team):
            named = _objective_tracks(rules, team, o)
            if len(named) == 1 and o.target is not None and o.better == "higher":
                out[named[0]] = max(out.get(named[0], o.target), o.target)
    for t, (lo, hi) in rules.bounds.items():
        out.setdefault(t, lo + ENOUGH * (hi - lo))
    memo[key] = out
    return out


def ceilings(rules: ScenarioRules) -> dict[str, float]:
    """Track id -> the most a scorecard criterion that wants it low accepts as met (e.g.
    track.escalation <= 3.5), for a track its measure names alone."""
    if "planner-ceilings" not in rules.memo:
        out: dict[str, float] = {}
        card = rules.scenario.scorecard
        for c in card.criteria if card else ():
            named = [n for n in _NAMES.findall(c.measure) if n in rules.tracks]
            if len(named) == 1 and c.better == "lower":
                out[named[0]] = min(out.get(named[0], c.met), c.met)
        rules.memo["planner-ceilings"] = out
    return rules.memo["planner-ceilings"]


def item_bonus(rules: ScenarioRules, team: str) -> dict[str, float]:
    """Item id -> points per unit its own objectives give a selfish team (an objective that
    counts units ordered or delivered: worth one point over its target's units)."""
    key = ("selfish-items", team)
    if key not in rules.memo:
        out: dict[str, float] = {}
        for o in own_objectives(rules, team):
            for iid in _ITEMS.findall(o.measure or ""):
                if iid in rules.items and o.target:
                    out[iid] = out.get(iid, 0.0) + 1.0 / o.target
        rules.memo[key] = out
    return rules.memo[key]


class _Goals:
    """What one team plays for on this state: weights, targets, the selfish extras, and
    each track's need (worked out once a call: every option and item asks for it)."""

    __slots__ = ("weights", "targets", "bonus", "needs", "ceilings")

    def __init__(self, rules: ScenarioRules, team: str, selfish: bool):
        who = team if selfish else None
        self.weights = goals(rules, who)
        self.targets = targets(rules, who)
        self.bonus = item_bonus(rules, team) if selfish else {}
        self.needs: dict[str, float] = {}
        # the coordinated keep a margin under the criteria that want a track low (selfish: as before)
        self.ceilings = {} if selfish else ceilings(rules)

    def pressure(self, state: State, rules: ScenarioRules, team: str, track: str) -> float:
        """How much a rise of a track the scorecard wants low hurts now: 1 well under its
        ceiling, more as the team's reading of it nears the ceiling, 5 a margin over it."""
        key = "-" + track
        n = self.needs.get(key)
        if n is None:
            n = self.needs[key] = _pressure(state, rules, team, track, self.ceilings[track])
        return n

    def need(self, state: State, rules: ScenarioRules, team: str, track: str) -> float:
        n = self.needs.get(track)
        if n is None:
            n = self.needs[track] = _need(state, rules, team, track, self.targets)
        return n


def _need(state: State, rules: ScenarioRules, team: str, track: str, aims: dict[str, float]) -> float:
    """How much more of a track this team wants: the gap to "enough" as a share of the
    scale (a little once it has enough), so the scarcest capability is bought first."""
    lo, hi = rules.bounds[track]
    value = state.team_tracks[(team, track)] if track in rules.team_tracks else state.tracks[track]
    # aim a little over the target: decay and other teams' shortfalls pull an average down
    gap = (aims[track] + 0.05 * (hi - lo) - value) / ((hi - lo) or 1)
    return max(gap * 4, 0.1)


# A track the scorecard wants low counts more from this far under its ceiling (share of scale).
MARGIN = 0.1


def _pressure(state: State, rules: ScenarioRules, team: str, track: str, ceiling: float) -> float:
    lo, hi = rules.bounds[track]
    t = rules.tracks[track]
    # what the team reads (fair play: not the truth): where the track is estimated, the top of
    # the band it sees, as a prudent team would read a ceiling it must stay under
    value = fog.estimate(state, t, team).high if t.scope == "world" and t.estimate else state.tracks.get(track, lo)
    margin = MARGIN * ((hi - lo) or 1.0)
    over = value - (ceiling - margin)
    return 1.0 + 2.0 * min(2.0, max(0.0, over / margin))


def _effects_value(state: State, rules: ScenarioRules, team: str, effects: tuple[model.Effect, ...],
                   g: _Goals) -> float:
    weights = g.weights
    value = 0.0
    for e in effects:
        if e.hidden:
            continue  # a player cannot weigh what the option does not show
        if e.track and e.track in weights:
            amount = e.add if e.add is not None else 0.0
            w = weights[e.track]
            if w > 0:
                value += w * amount * g.need(state, rules, team, e.track)
            elif e.track in g.ceilings:
                value += w * amount * g.pressure(state, rules, team, e.track)
            else:
                value += w * amount
        elif e.budget and e.add is not None:
            value += MONEY * e.add
    return value


def _best_option(state: State, rules: ScenarioRules, team: str, iid: str, g: _Goals) -> str:
    inject = state.inject(iid)
    assert inject is not None  # a pending decision is a fired inject
    best = max(inject.options, key=lambda o: _effects_value(state, rules, team, o.effects, g))
    return best.id


# -- command leads ------------------------------------------------------------------------------
def _share_out_commands(rules: ScenarioRules) -> dict[str, tuple[str, str]]:
    """Team -> (command, ally): each team takes the command its allies weigh most in, in
    team order, so the teams never race for the same one."""
    memo = rules.memo
    if "planner-commands" in memo:
        return memo["planner-commands"]
    plan: dict[str, tuple[str, str]] = {}
    taken: set[str] = set()
    for cid, com in rules.commands.items():  # a command a team leads at the start stays its own
        team = rules.ally_team.get(com.lead or "")
        if team is not None and team not in plan:
            plan[team] = (cid, com.lead or "")
            taken.add(cid)
    # Then the heaviest pairs first: a team takes the command its allies weigh most in.
    pairs = sorted(
        ((sum(rules.allies[a].gdp for a in rules.teams[team].allies if rules.allies[a].command == cid), team, cid)
         for team in rules.team_ids for cid in rules.commands),
        key=lambda p: -p[0],
    )
    for _, team, cid in pairs:
        allies = rules.teams[team].allies
        if team in plan or cid in taken or not allies:
            continue
        plan[team] = (cid, max(allies, key=lambda a: rules.allies[a].gdp))
        taken.add(cid)
    memo["planner-commands"] = plan
    return plan


def lead_stakes(rules: ScenarioRules, team: str) -> dict[str, float]:
    """Command -> points a selfish team sees in leading it: 1 for each of its objectives
    that names the lead, and its share of each criterion that counts the command led or
    manned."""
    key = ("selfish-leads", team)
    if key not in rules.memo:
        out: dict[str, float] = {}
        for o in own_objectives(rules, team):
            for who, cid in _LEADS.findall(o.measure or ""):
                if who == team and cid in rules.commands:
                    out[cid] = out.get(cid, 0.0) + 1.0
        card = rules.scenario.scorecard
        share = 1.0 / max(1, len(rules.team_ids))
        for c in card.criteria if card else ():
            named = [cid for cid in _MANNED.findall(c.measure) if cid in rules.commands]
            for cid in named:
                if cid in out:  # only a command it wants for itself: the rest is the others' job
                    out[cid] += share * c.weight / len(named)
        rules.memo[key] = out
    return rules.memo[key]


def _lead(state: State, rules: ScenarioRules, team: str, plan: Plan) -> list:
    if plan.selfish:
        cid = _selfish_command(state, rules, team)
        if cid is None:
            return []
        planned: tuple[str, str] | None = (cid, "")
    else:
        planned = _share_out_commands(rules).get(team)
    if planned is None:
        return []
    cid, ally = planned
    if lead_refusal(state, rules, team, cid) is not None:
        return []  # ours already, a partner's (never race it), changed this turn, or too few staff
    if any(q.team == team and q.command == cid and q.status != "approved" for q in state.lead_requests.values()):
        return []  # asked already (waiting, or refused: not again)
    allowed = eligible_allies(state, rules, team, cid)
    if not allowed:
        return []
    if ally not in allowed:
        ally = max(allowed, key=lambda a: rules.allies[a].gdp) if plan.selfish else allowed[0]
    return [cm.TakeLead(team, team, cid, ally)]


def _selfish_command(state: State, rules: ScenarioRules, team: str) -> str | None:
    """The command a selfish team would lead now: the one it sees most in, once the points
    are worth the running cost over the turns left (a lead that pays for itself)."""
    left = rules.turns - state.turn + 1
    for cid, points in sorted(lead_stakes(rules, team).items(), key=lambda p: -p[1]):
        if points / MONEY >= rules.lead_cost[cid] * left:
            return cid
    return None


# -- orders -------------------------------------------------------------------------------------
def _room(state: State, rules: ScenarioRules, item: model.Item, taken: dict, last: int) -> int:
    """Units of `item` its production line can still deliver by turn `last`."""
    line = rules.line[item.id]
    first = state.turn + max(0, item.lead_time + state.lead_time.get(item.id, 0))
    use = state.line_use
    return sum(max(0, line_capacity(state, rules, item, t) - use.get((line, t), 0) - taken.get((line, t), 0))
               for t in range(first, last + 1))


def _take(state: State, rules: ScenarioRules, item: model.Item, q: int, taken: dict) -> None:
    line = rules.line[item.id]
    t = state.turn + max(0, item.lead_time + state.lead_time.get(item.id, 0))
    while q:
        free = max(0, line_capacity(state, rules, item, t) - state.line_use.get((line, t), 0) - taken.get((line, t), 0))
        k = min(free, q)
        taken[(line, t)] = taken.get((line, t), 0) + k
        q -= k
        t += 1


def _orders(state: State, rules: ScenarioRules, team: str, cash: float, plan: Plan, g: _Goals) -> list:
    """Orders that land in time, in the plan's order, while the money lasts; then, if the
    scorecard counts orders due soon after the end, those (the pipeline the US desk wants
    to see), with what is left."""
    later, cheapest = _order_limits(rules)
    if cash + 1e-9 < cheapest:
        return []  # not even the cheapest item's share due on order: nothing to weigh
    scored = []
    bonus = g.bonus
    for item in rules.items.values():
        value = _effects_value(state, rules, team, item.effects, g) + bonus.get(item.id, 0.0)
        if value > 0 and item.cost > 0:
            scored.append((value, item))
    ranked = plan.rank(state, rules, scored)
    out = []
    taken: dict = {}
    # units the team may still order of each item: max_quantity, less what it ordered in the
    # exercise when the limit is per exercise (counted once, not per item and pass)
    per_exercise = rules.budget.max_quantity_per == "exercise"
    before = ordered_units(state, team) if per_exercise else {}
    for last in sorted({rules.turns, later}):
        for item in ranked:
            q = _units(item, cash, max(0, item.max_quantity - before.get(item.id, 0)))
            if q < 1:
                continue  # checked first: the line's room costs more to count
            q = min(q, _room(state, rules, item, taken, last))
            if q >= 1:
                out.append(cm.PlaceOrder(team, team, item.id, q))
                _take(state, rules, item, q, taken)
                if per_exercise:
                    before[item.id] = before.get(item.id, 0) + q
                cash -= q * item.cost * item.paid_on_order  # the share due on order; the rest comes later
                if cash + 1e-9 < cheapest:
                    return out
    return out


def _order_limits(rules: ScenarioRules) -> tuple[int, float]:
    """(the last turn a delivery counts in: the end, or the credible date after it when the
    scorecard counts orders still due; the least any item asks on order)."""
    if "planner-order-limits" not in rules.memo:
        card = rules.scenario.scorecard
        later = rules.turns + card.credible_within if card and any(
            "on_order_value" in c.measure for c in card.criteria) else rules.turns
        dues = [i.cost * i.paid_on_order for i in rules.items.values() if i.cost > 0]
        rules.memo["planner-order-limits"] = (later, min(dues, default=0.0))
    return rules.memo["planner-order-limits"]


# -- forces -------------------------------------------------------------------------------------
def force_goals(rules: ScenarioRules) -> list[tuple[str, str, float]]:
    """(command, capability, points wanted) from the scorecard's criteria that measure forces
    assigned (a criterion summing several shares its `met` between them)."""
    memo = rules.memo
    if "planner-forces" in memo:
        return memo["planner-forces"]
    out = []
    card = rules.scenario.scorecard
    for c in card.criteria if card else ():
        terms = _FORCES.findall(c.measure)
        if c.better == "higher":
            out += [(cmd, cap, c.met / len(terms)) for cmd, cap in terms if cmd in rules.commands and cap in rules.tracks]
    memo["planner-forces"] = out
    return out


def own_flank(state: State, rules: ScenarioRules, team: str) -> set[str]:
    """Commands a selfish team defends: those its allies serve in, and those it leads."""
    mine = rules.team_allies[team]
    serve = {c for a in rules.teams[team].allies if (c := rules.allies[a].command) is not None}
    return serve | {c for c, a in state.leads.items() if a in mine}


def _assignments(state: State, rules: ScenarioRules, team: str, selfish: bool = False) -> list:
    """Send free capability points where a scorecard criterion wants forces, a little over
    the mark (decay and other teams' moves take some back); a selfish team only to its own
    flank."""
    out = []
    given: dict[str, float] = {}  # capability -> points this batch already sends
    flank = own_flank(state, rules, team) if selfish else None
    for cmd, cap, wanted in force_goals(rules):
        if flank is not None and cmd not in flank:
            continue
        have = sum(v for (c, _, k), v in state.assigned.items() if c == cmd and k == cap)
        short = wanted * 1.1 - have
        if short <= 0:
            continue
        places = rules.places[cap]
        mine = state.assigned.get((cmd, team, cap), 0.0)
        used = sum(v for (_, tm, k), v in state.assigned.items() if tm == team and k == cap) + given.get(cap, 0.0)
        # a hundredth under what is free: the engine compares in the track's decimals
        give = math.floor(min(state.team_tracks[(team, cap)] - used, short) * 10 ** places) / 10 ** places
        if give > 0:
            out.append(cm.Assign(team, team, cmd, cap, round(mine + give, places)))
            given[cap] = given.get(cap, 0.0) + give
    return out


# -- the turn -----------------------------------------------------------------------------------
def play(plan: Plan, state: State, team: str, dice: Dice) -> list:
    """The next batch of a goal-seeking team's commands under `plan` (see the module)."""
    rules = state.rules
    g = _Goals(rules, team, plan.selfish)
    answers = [cm.Answer(team, team, iid, _best_option(state, rules, team, iid, g)) for iid in state.pending_decisions(team)]
    if plan.selfish:  # a selfish team refuses a lead it wants for itself; the coordinated leave it to SACEUR
        stakes = lead_stakes(rules, team)
        answers += lead_votes(state, team, lambda q: q.command not in stakes)
    if answers:
        return answers
    lead = _lead(state, rules, team, plan)
    if lead:
        return lead  # asked again once it is taken: the lead changes the money
    out: list = []
    shares = plan.split(state, rules, team)
    if shares is not None:
        if shares and tuple(shares[c] for c in rules.cat_ids) != state.allocation[team]:
            out.append(cm.Allocate(team, team, shares))
        else:
            shares = None
    cash = _cash_after(state, rules, team, shares) - bills(state, rules, team)
    out.extend(_orders(state, rules, team, cash, plan, g))
    out.extend(_assignments(state, rules, team, plan.selfish))
    out.append(cm.Submit(team, team))
    return out


def make(plan: Plan) -> Policy:
    """The policy (state, team, dice) -> commands that plays `plan`."""
    def policy(state: State, team: str, dice: Dice) -> list:
        return play(plan, state, team, dice)

    policy.__name__ = policy.__qualname__ = plan.name
    policy.plan = plan  # type: ignore[attr-defined]  # what a report may want to name
    return policy


COORDINATED = Plan("coordinated", split=split_guarded)
SELFISH = Plan("selfish", selfish=True)
planner = coordinated = make(COORDINATED)
selfish = make(SELFISH)
