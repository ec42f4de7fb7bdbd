"""Automatic players for dry runs: pure functions of (state, team, dice) -> commands.

A policy returns the next batch of commands its team sends during a deliberation. A batch
of answers or leads only is preliminary (their effects may move money): the policy is
asked again on the new state, until it returns its plan for the turn (usually ending with
Submit). `exercise.dryrun.simulate.bot_turn` runs that loop. It reads the state directly
(it is not the player view: bots are a design tool, not players, and they do not see
other teams' private data anyway). The dice are a
seeded roll source of their own, so a run is reproducible from its seed.

    random    random legal commands (and answers)
    cautious  keeps sustain high, orders little, takes every default
    spender   asks for a command lead if one is free (with an ally the scenario lets lead
              it), puts all it may into procurement, buys production capacity for sale with half its money, then the dearest
              items it can afford (keeping next turn's instalments)
    planner   plays toward the scenario's goals (see `planner`); the same bot as coordinated
    coordinated  the planner: the teams share out the command leads and play the scorecard
    selfish   goal-seeking for its own objectives, the scorecard at its share only (`planner`)
    freerider does the minimum: defaults, floors, yes votes, nothing else (`freerider`)

`plans.policy(base, split, purchase)` gives the goal-seeking bots' variants, and `REDS` the
adversary's bots (`red`).

Every policy answers the lead requests it is asked to approve (a command whose approval is
'members'): cautious and spender approve, random approves half of them. `facilitator_leads`
is the dry runs' facilitator for lead requests: it approves each request the rules still
allow and refuses the others with the rules' reason (docs/engine.md, "Command leads").
"""

from __future__ import annotations

from collections.abc import Callable

from exercise import model
from exercise.engine import commands as cm
from exercise.engine import fog
from exercise.engine.budget import committed, team_budget
from exercise.engine.rolls import Dice
from exercise.engine.scenario_rules import ScenarioRules
from exercise.engine.state import State
from exercise.engine.team_moves import eligible_allies, lead_members, lead_request_refusal

Policy = Callable[[State, str, Dice], list]


def allocation(rules: ScenarioRules, proc_share: float, favour: str | None = None) -> dict[str, float] | None:
    """A legal split with `proc_share` for procurement (moved into bounds if it must be);
    the rest goes first to `favour` (up to its max), then to the others by default share.
    (A pure function of its arguments, memoised on the rules: bots ask for the same few splits.)"""
    memo = rules.memo
    key = ("allocation", proc_share, favour)
    if key in memo:
        shares = memo[key]
    else:
        if len(memo) > 4096:
            memo.clear()
        shares = memo[key] = _allocation(rules, proc_share, favour)
    return None if shares is None else dict(shares)


def _allocation(rules: ScenarioRules, proc_share: float, favour: str | None = None) -> dict[str, float] | None:
    cats = rules.cats
    if not cats:
        return None
    proc = rules.cat.get(rules.proc) if rules.proc else None
    others = [c for c in cats if c is not proc]
    lo = sum(c.min_share for c in others)
    hi = sum(c.max_share for c in others)
    p = 0.0
    if proc is not None:
        p = min(max(proc_share, proc.min_share, 1 - hi), proc.max_share, 1 - lo)
    shares = {c.id: c.min_share for c in others}
    left = 1 - p - lo
    if favour in shares and left > 0:
        room = rules.cat[favour].max_share - shares[favour]
        k = min(room, left)
        shares[favour] += k
        left -= k
    for _ in range(len(others) + 1):
        if left <= 1e-12:
            break
        open_ = [c for c in others if shares[c.id] < c.max_share - 1e-12]
        if not open_:
            break
        weight = sum(c.default_share or 1.0 for c in open_)
        given = 0.0
        for c in open_:
            k = min(left * (c.default_share or 1.0) / weight, c.max_share - shares[c.id])
            shares[c.id] += k
            given += k
        left -= given
    if proc is not None:
        shares[proc.id] = p
    total = sum(shares.values())
    if abs(total - 1) > 1e-6:
        return None
    return {c.id: shares[c.id] for c in cats}


def _cash_after(state: State, rules: ScenarioRules, team: str, shares: dict[str, float] | None) -> float:
    """The money for orders once `shares` is in force (an estimate for planning)."""
    cash = state.cash[team]
    if shares is None or rules.proc is None or rules.proc_index is None:  # index and id go together
        return cash
    total = team_budget(state, rules, team)[0]
    return cash + total * (shares[rules.proc] - state.allocation[team][rules.proc_index])


def bills(state: State, rules: ScenarioRules, team: str) -> float:
    """Money a careful team keeps back: next turn's instalments, and the running cost of a
    lead it asked for, so the lead is still affordable when the answer comes."""
    return committed(state, team, state.turn + 1) + sum(rules.commands[q.command].lead_cost
                                                         for q in state.pending_leads(team))


def ordered_units(state: State, team: str) -> dict[str, int]:
    """Item -> units the team ordered in the exercise (as `team_moves.ordered_by` counts),
    every item in one scan of the orders."""
    out: dict[str, int] = {}
    for o in state.orders.values():
        if o.team == team and not o.backlog and o.status != "cancelled":
            out[o.item] = out.get(o.item, 0) + o.quantity
    return out


def _limits(state: State, rules: ScenarioRules, team: str) -> dict[str, int] | None:
    """What `_left` needs: the team's units ordered per item when the scenario limits
    them over the whole exercise, else None (the limit is per order)."""
    return ordered_units(state, team) if rules.budget.max_quantity_per == "exercise" else None


def _left(item: model.Item, ordered: dict[str, int] | None) -> int:
    """The most units of `item` one order may have now: max_quantity, less what the team
    ordered already (`ordered`, from `_limits`) when it limits the whole exercise."""
    if ordered is not None:
        return max(0, item.max_quantity - ordered.get(item.id, 0))
    return item.max_quantity


def _units(item: model.Item, cash: float, most: int) -> int:
    """How many units `cash` pays for now (only the share due on order, for an item paid in
    instalments), up to `most`."""
    due = item.cost * item.paid_on_order
    if due <= 0:
        return most
    return max(0, min(most, int((cash + 1e-9) // due)))


def _expansions(state: State, rules: ScenarioRules, team: str, cash: float, reserve: float) -> list:
    """Buy production capacity still for sale whose cost leaves `reserve` (spender bots)."""
    out = []
    for x in rules.scenario.expansions:
        if x.id not in state.expansions and x.cost <= cash - reserve:
            out.append(cm.BuyExpansion(team, team, x.id))
            cash -= x.cost
    return out


def _options(state: State, iid: str) -> tuple[model.Option, ...]:
    inject = state.inject(iid)
    assert inject is not None  # a pending decision is a fired inject
    return inject.options


def _answers(state: State, team: str, pick) -> list:
    return [cm.Answer(team, team, iid, pick(iid)) for iid in state.pending_decisions(team)]


def _sustain(rules: ScenarioRules) -> str | None:
    """The category that keeps the most tracks from decaying."""
    return rules.sustain


def cautious(state: State, team: str, dice: Dice) -> list:
    rules = state.rules
    out = _answers(state, team, state.default_option) + lead_votes(state, team, lambda q: True)
    if out:
        return out
    shares = None
    if rules.proc is not None:
        shares = allocation(rules, 0.0, _sustain(rules))
        if shares and tuple(shares[c] for c in rules.cat_ids) != state.allocation[team]:
            out.append(cm.Allocate(team, team, shares))
        else:
            shares = None
        cash = _cash_after(state, rules, team, shares)
        items = rules.items_by_cost
        if items and cash >= 3 * items[0].cost and dice.chance(0.5) and _left(items[0], _limits(state, rules, team)):
            out.append(cm.PlaceOrder(team, team, items[0].id, 1))
            cash -= items[0].cost
        out += _priority(state, rules, team, cash / 2)  # a cautious team buys down the risk of what is due soon
    out.append(cm.Submit(team, team))
    return out


def _priority(state: State, rules: ScenarioRules, team: str, spare: float) -> list:
    """Priority for the team's orders due by next turn whose slip risk can be bought down,
    while `spare` money lasts."""
    out = []
    for o in state.orders.values():
        if o.team != team or o.due > state.turn + 1:
            continue
        risk = fog.slip_risk(rules, o)
        if risk is not None and risk.expedite_cost is not None and risk.expedite_cost <= spare:
            out.append(cm.ExpediteOrder(team, team, o.id))
            spare -= risk.expedite_cost
    return out


def _lead_free_command(state: State, rules: ScenarioRules, team: str) -> list:
    """Ask for the lead of the first command no team leads, if the staff allows it, with
    its largest ally the scenario lets lead it; not again once refused, nor while asking."""
    free = rules.teams[team].staff - state.used_staff(team)
    if any(a in rules.team_allies[team] for a in state.leads.values()):
        return []  # one lead is enough
    asked = {q.command for q in state.lead_requests.values() if q.team == team and q.status != "approved"}
    if state.pending_leads(team):
        return []
    for cid, com in rules.commands.items():
        lead = state.leads.get(cid)
        if (cid not in asked and lead not in rules.ally_team and com.lead_staff <= free
                and state.lead_changed.get(cid) != state.turn):
            allies = eligible_allies(state, rules, team, cid)
            if allies:
                return [cm.TakeLead(team, team, cid, allies[0])]
    return []


def lead_votes(state: State, team: str, approve) -> list:
    """The team's answers to lead requests it is asked to approve; approve(request) -> bool."""
    rules = state.rules
    out = []
    for q in state.pending_leads():
        com = rules.commands[q.command]
        if (com.approval == "members" and team in lead_members(state, rules, com.id, q.team)
                and not any(t == team for t, _, _ in q.votes)):
            yes = bool(approve(q))
            out.append(cm.DecideLead(q.id, yes, "" if yes else "we will not serve under that lead",
                                     actor=team, team=team))
    return out


def facilitator_leads(state: State) -> list:
    """The dry runs' facilitator (SACEUR / the NAC): approve every pending lead request the
    rules still allow, refuse the others with the rules' reason."""
    out = []
    for q in state.pending_leads():
        why = lead_request_refusal(state, state.rules, q)
        out.append(cm.DecideLead(q.id, why is None, why or "approved: eligible (dry run)"))
    return out


def spender(state: State, team: str, dice: Dice) -> list:
    rules = state.rules
    out = _answers(state, team, lambda iid: _options(state, iid)[0].id) + lead_votes(state, team, lambda q: True)
    if out:
        return out
    lead = _lead_free_command(state, rules, team)
    if lead:
        return lead  # asked again once it is taken: the lead changes the money
    out = []
    limit = state.invest_limit(team)
    if limit is not None:  # None: no procurement category
        shares = allocation(rules, limit)
        if shares and tuple(shares[c] for c in rules.cat_ids) != state.allocation[team]:
            out.append(cm.Allocate(team, team, shares))
        else:
            shares = None
        cash = _cash_after(state, rules, team, shares) - bills(state, rules, team)  # a spender still pays them
        buy = _expansions(state, rules, team, cash, reserve=cash / 2)
        out += buy
        cash -= sum(rules.expansions[c.expansion].cost for c in buy)
        ordered = _limits(state, rules, team)  # once: the orders below are not placed yet
        for item in rules.items_dearest_first:
            q = _units(item, cash, _left(item, ordered))
            if q >= 1:
                out.append(cm.PlaceOrder(team, team, item.id, q))
                cash -= q * item.cost * item.paid_on_order
    out.append(cm.Submit(team, team))
    return out


def random_policy(state: State, team: str, dice: Dice) -> list:
    rules = state.rules
    out = _answers(state, team, lambda iid: dice.choice(_options(state, iid)).id)
    out += lead_votes(state, team, lambda q: dice.chance(0.5))
    if out:
        return out
    shares = None
    if rules.proc is not None and dice.chance(0.3):
        proc = rules.cat[rules.proc]
        lim = state.invest_limit(team)
        assert lim is not None  # there is a procurement category
        favour = dice.choice(rules.cat_ids)
        # not the memoised `allocation`: a random share never recurs, it would only fill the memo
        shares = _allocation(rules, proc.min_share + dice.random() * max(0.0, lim - proc.min_share), favour)
        if shares:
            out.append(cm.Allocate(team, team, shares))
    if dice.chance(0.2) and rules.teams[team].allies:  # a team with funds only has no spending to set
        ally = dice.choice(rules.teams[team].allies)
        steps = int(rules.budget.max_spending_step * 10 + 1e-9)
        if steps:
            delta = (dice.below(2 * steps + 1) - steps) / 10
            new = round(state.spending[ally] + delta, 6)
            if delta and new >= 0:
                out.append(cm.SetSpending(team, team, ally, new))
    if rules.commands and dice.chance(0.1):
        com = dice.choice(list(rules.commands))
        if state.leads.get(com) in rules.team_allies[team]:
            out.append(cm.HandBack(team, team, com))
        elif rules.teams[team].allies:
            out.append(cm.TakeLead(team, team, com, dice.choice(rules.teams[team].allies)))
    if rules.commands and rules.team_tracks and dice.chance(0.1):
        cap = dice.choice(rules.team_tracks)
        have = state.team_tracks[(team, cap)]
        out.append(cm.Assign(team, team, dice.choice(list(rules.commands)), cap, round(dice.random() * have / 2, 2)))
    cash = _cash_after(state, rules, team, shares)
    items = list(rules.items.values())
    for _ in range(dice.below(3)):
        if not items:
            break
        item = dice.choice(items)
        q = _units(item, cash, _left(item, _limits(state, rules, team)))
        if q >= 1:
            q = 1 + dice.below(q)
            out.append(cm.PlaceOrder(team, team, item.id, q))
            cash -= q * item.cost * item.paid_on_order
    if rules.scenario.expansions and dice.chance(0.05):
        out.append(cm.BuyExpansion(team, team, dice.choice(rules.scenario.expansions).id))
    if dice.chance(0.05):
        mine = [o.id for o in state.orders.values() if o.team == team and o.status == "ordered" and not o.backlog]
        if mine:
            out.append(cm.CancelOrder(team, team, dice.choice(mine)))
    if dice.chance(0.1):
        out += _priority(state, rules, team, cash)
    if dice.chance(0.05):
        out.append(cm.Argue(team, team, "a bold move", "it works", "because we say so"))
    if dice.chance(0.9):
        out.append(cm.Submit(team, team))
    return out


POLICIES: dict[str, Policy] = {
    "random": random_policy,
    "cautious": cautious,
    "spender": spender,
}
