"""A goal-seeking bot: the coordinated, judicious player a balance test needs.

The other policies play blind (random) or by one reflex (cautious, spender). This one reads
what the scenario judges and plays toward it, so a dry run can say whether a good plan wins
and whether one formula wins every time:

- it answers each decision with the option whose known effects serve the goals best;
- the teams share out the commands (each takes the free command its allies weigh most in);
- it funds every category just to the floors that stop decay, the rest to procurement;
- it orders what raises the tracks it still lacks, by points per unit of money, if the
  delivery lands before the last turn.

Goals come from the scenario, never from a table here: a world track that decides an outcome
on its own (`track.escalation >= 7`) is one to keep low; the other tracks the outcome
conditions name are ones to raise. It reads the state directly, as every bot does.
"""

from __future__ import annotations

import math
import re

from exercise import model
from exercise.bots.policies import _cash_after, _left, _units, allocation, bills
from exercise.engine import commands as cm
from exercise.engine.rolls import Dice
from exercise.engine.scenario_rules import ScenarioRules
from exercise.engine.state import State
from exercise.engine.team_moves import eligible_allies, lead_refusal, line_capacity

# A capability is "enough" at this share of its scale: past it, orders for it count little.
ENOUGH = 0.7
_NAMES = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_COMPARISON = re.compile(r"(>=|<=|>|<|==)")


def goals(rules: ScenarioRules) -> dict[str, float]:
    """Track id -> weight (+ raise it, - keep it low), from the scorecard's criteria (their
    weights and direction) and the outcome conditions."""
    memo = rules.memo
    if "planner-goals" in memo:
        return memo["planner-goals"]
    weights: dict[str, float] = {}
    tracks = set(rules.tracks)
    card = rules.scenario.scorecard
    for c in card.criteria if card else ():
        for n in _NAMES.findall(c.measure):
            if n in tracks:
                weights[n] = weights.get(n, 0.0) + (c.weight if c.better == "higher" else -c.weight)
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
    memo["planner-goals"] = weights
    return weights


def targets(rules: ScenarioRules) -> dict[str, float]:
    """Track id -> the value that is enough: a scorecard criterion's `met` for a track its
    measure names alone (e.g. avg("munitions") >= 5.5); else 70 % of the scale."""
    memo = rules.memo
    if "planner-targets" in memo:
        return memo["planner-targets"]
    out: dict[str, float] = {}
    card = rules.scenario.scorecard
    for c in card.criteria if card else ():
        named = [n for n in _NAMES.findall(c.measure) if n in rules.tracks]
        if len(named) == 1 and c.better == "higher":
            out[named[0]] = max(out.get(named[0], c.met), c.met)
    for t, (lo, hi) in rules.bounds.items():
        out.setdefault(t, lo + ENOUGH * (hi - lo))
    memo["planner-targets"] = out
    return out


def _need(state: State, rules: ScenarioRules, team: str, track: str) -> float:
    """How much more of a track this team wants: the gap to "enough" as a share of the
    scale (a little once it has enough), so the scarcest capability is bought first."""
    lo, hi = rules.bounds[track]
    value = state.team_tracks[(team, track)] if track in rules.team_tracks else state.tracks[track]
    # aim a little over the target: decay and other teams' shortfalls pull an average down
    gap = (targets(rules)[track] + 0.05 * (hi - lo) - value) / ((hi - lo) or 1)
    return max(gap * 4, 0.1)


def _effects_value(state: State, rules: ScenarioRules, team: str, effects: tuple[model.Effect, ...]) -> float:
    weights = goals(rules)
    value = 0.0
    for e in effects:
        if e.hidden:
            continue  # a player cannot weigh what the option does not show
        if e.track and e.track in weights:
            amount = e.add if e.add is not None else 0.0
            w = weights[e.track]
            if w > 0:
                value += w * amount * _need(state, rules, team, e.track)
            else:
                value += w * amount
        elif e.budget and e.add is not None:
            value += 0.5 * e.add  # money: worth about half a point per unit
    return value


def _best_option(state: State, rules: ScenarioRules, team: str, iid: str) -> str:
    inject = state.inject(iid)
    assert inject is not None  # a pending decision is a fired inject
    best = max(inject.options, key=lambda o: _effects_value(state, rules, team, o.effects))
    return best.id


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


def _lead(state: State, rules: ScenarioRules, team: str) -> list:
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
        ally = allowed[0]
    return [cm.TakeLead(team, team, cid, ally)]


def _split(rules: ScenarioRules, limit: float | None) -> dict[str, float] | None:
    """Each category at the floor that stops its tracks decaying, the rest to procurement
    (up to `limit`, the most it may have this turn); what procurement may not take goes to
    the category that keeps the most tracks from decaying."""
    if rules.proc is None or limit is None:
        return None
    floors: dict[str, float] = {}
    for _, cat, floor, _ in rules.funded:
        floors[cat] = max(floors.get(cat, 0.0), floor)
    # Half a point over each floor: the engine compares floors in money, cut to the cent.
    shares = {c.id: max(c.min_share, floors.get(c.id, 0.0) + 0.005) for c in rules.cats if c.id != rules.proc}
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
    if abs(sum(shares.values()) - 1) > 1e-9 or any(not c.min_share - 1e-9 <= shares[c.id] <= c.max_share + 1e-9 for c in rules.cats):
        return allocation(rules, limit, rules.sustain)
    return {c.id: round(shares[c.id], 6) for c in rules.cats}


def _room(state: State, rules: ScenarioRules, item: model.Item, taken: dict, last: int) -> int:
    """Units of `item` its production line can still deliver by turn `last`."""
    line = rules.line[item.id]
    first = state.turn + max(0, item.lead_time + state.lead_time.get(item.id, 0))
    return sum(max(0, line_capacity(state, rules, item, t) - state.line_use.get((line, t), 0) - taken.get((line, t), 0))
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


def _orders(state: State, rules: ScenarioRules, team: str, cash: float) -> list:
    """Orders that land in time, best points per money first, while the money lasts; then,
    if the scorecard counts orders due soon after the end, those (the pipeline the US desk
    wants to see), with what is left."""
    card = rules.scenario.scorecard
    later = rules.turns + card.credible_within if card and any(
        "on_order_value" in c.measure for c in card.criteria) else rules.turns
    scored = []
    for item in rules.items.values():
        value = _effects_value(state, rules, team, item.effects)
        if value > 0 and item.cost > 0:
            scored.append((value / item.cost, item))
    out = []
    taken: dict = {}
    ranked = [item for _, item in sorted(scored, key=lambda p: -p[0])]
    per_exercise = rules.budget.max_quantity_per == "exercise"
    bought: dict[str, int] = {}
    for last in sorted({rules.turns, later}):
        for item in ranked:
            left = _left(state, rules, team, item) - (bought.get(item.id, 0) if per_exercise else 0)
            q = min(_units(item, cash, left), _room(state, rules, item, taken, last))
            if q >= 1:
                out.append(cm.PlaceOrder(team, team, item.id, q))
                _take(state, rules, item, q, taken)
                bought[item.id] = bought.get(item.id, 0) + q
                cash -= q * item.cost * item.paid_on_order  # the share due on order; the rest comes later
    return out


_FORCES = re.compile(r'forces\(\s*"([^"]+)"\s*,\s*"([^"]+)"\s*\)')


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


def _assignments(state: State, rules: ScenarioRules, team: str) -> list:
    """Send free capability points where a scorecard criterion wants forces, a little over
    the mark (decay and other teams' moves take some back)."""
    out = []
    given: dict[str, float] = {}  # capability -> points this batch already sends
    for cmd, cap, wanted in force_goals(rules):
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


def planner(state: State, team: str, dice: Dice) -> list:
    rules = state.rules
    answers = [cm.Answer(team, team, iid, _best_option(state, rules, team, iid)) for iid in state.pending_decisions(team)]
    if answers:
        return answers
    lead = _lead(state, rules, team)
    if lead:
        return lead  # asked again once it is taken: the lead changes the money
    out: list = []
    shares = _split(rules, state.invest_limit(team))
    if shares is not None:
        if shares and tuple(shares[c] for c in rules.cat_ids) != state.allocation[team]:
            out.append(cm.Allocate(team, team, shares))
        else:
            shares = None
    cash = _cash_after(state, rules, team, shares) - bills(state, rules, team)
    out.extend(_orders(state, rules, team, cash))
    out.extend(_assignments(state, rules, team))
    out.append(cm.Submit(team, team))
    return out
