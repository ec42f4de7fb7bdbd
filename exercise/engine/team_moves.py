"""What teams do in deliberation: split the budget, set spending, order and cancel, assign
forces, take and hand back command leads, answer decisions, argue actions, submit.
"""

from __future__ import annotations

import math

from exercise import model
from exercise.engine import commands as cm
from exercise.engine import events as ev
from exercise.engine.budget import payment_schedule, rebudget
from exercise.engine.commands import Rejected
from exercise.engine.decision import (
    EPS,
    MAX_SPENDING,
    Decision,
    article,
    check_facilitator,
    check_running,
    check_team,
    moment,
    number,
    percent,
    phase_word,
    unknown,
)
from exercise.engine.effects import add_track, apply_effects
from exercise.engine.scenario_rules import ScenarioRules
from exercise.engine.state import State
from exercise.engine.trackfx import MEAN, ONCE, combine_of, mean_add, zone_of
from exercise.suggest import did_you_mean


def allocate(decision: Decision, command: cm.Allocate) -> None:
    team = check_team(decision, command, "allocate the budget")
    state, rules = decision.state, decision.rules
    name = rules.team_name(team)
    shares = dict(command.shares)
    for k in shares:
        if k not in rules.cat:
            raise unknown("budget category", k, rules.cat)
    missing = [cid for cid in rules.cat_ids if cid not in shares]
    if missing:
        raise Rejected(f"give a share for every category (missing: {', '.join(missing)})")
    for cat in rules.cats:
        v = shares[cat.id]
        if not isinstance(v, (int, float)) or not math.isfinite(v):
            raise Rejected(f"the share of {cat.name} must be a number")
        if v < cat.min_share - EPS or v > cat.max_share + EPS:
            raise Rejected(f"{cat.name} must get between {percent(cat.min_share)} and {percent(cat.max_share)} "
                           f"of the budget ({percent(v)} asked)")
    total = sum(shares.values())
    if abs(total - 1.0) > 1e-6:
        raise Rejected(f"the shares add up to {percent(total)}, not 100%")
    proc = rules.proc
    proc_name = rules.cat[proc].name if proc is not None else ""  # no procurement: no limit, no shortfall
    limit = state.invest_limit(team)
    if limit is not None and proc is not None and shares[proc] > limit + EPS:
        raise Rejected(f"{proc_name} may grow by at most "
                       f"{percent(rules.budget.max_invest_growth)} a turn: "
                       f"at most {percent(limit)} of the budget this turn (it was {percent(state.invest_base[team])})")
    if tuple(float(shares[cid]) for cid in rules.cat_ids) == state.allocation[team]:
        raise Rejected(f"{name}'s budget is already split that way")
    decision.emit(ev.AllocationSet(team, {cid: float(shares[cid]) for cid in rules.cat_ids}))
    rebudget(decision, team, "budget split anew", strict=lambda short: (
        f"{name} has already spent this turn's {proc_name} money: this split leaves "
        f"{number(short)} {rules.budget.unit} too little"))


def set_spending(decision: Decision, command: cm.SetSpending) -> None:
    w = decision.rules.scenario.words
    team = check_team(decision, command, f"change {w.spending}")
    state, rules = decision.state, decision.rules
    name = rules.team_name(team)
    if command.ally not in rules.allies:
        raise unknown(w.ally, command.ally, rules.allies)
    ally = rules.allies[command.ally]
    if command.ally not in rules.team_allies[team]:
        raise Rejected(f"{ally.name} is not played by {name}")
    new = float(command.spending)
    if not math.isfinite(new) or not 0 <= new <= MAX_SPENDING:
        raise Rejected(f"spending is a % of GDP between 0 and {number(MAX_SPENDING)}")
    current = state.spending[command.ally]
    delta = new - current
    steps = round(abs(delta) * 10)
    if abs(abs(delta) * 10 - steps) > 1e-6:
        raise Rejected("change spending in steps of 0.1 % of GDP")
    if steps == 0:
        raise Rejected(f"{ally.name} already spends {number(current)} % of GDP")
    base = state.spending_base[command.ally]
    step = rules.budget.max_spending_step
    if abs(new - base) > step + 1e-6:
        lo, hi = max(0.0, base - step), base + step
        raise Rejected(f"{ally.name}'s spending may change by at most {number(step)} % of GDP a turn: "
                       f"between {number(lo)} and {number(hi)} this turn")
    new = round(new, 6)
    decision.emit(ev.SpendingSet(team, command.ally, new, steps))
    fx = rules.budget.raise_effects if delta > 0 else rules.budget.cut_effects
    apply_effects(decision, fx, (team,), f"{ally.name} spending {'raised' if delta > 0 else 'cut'}", times=steps)
    rebudget(decision, team, f"{w.spending} changed", strict=lambda short: (
        f"{name} has already spent this turn's money: this cut leaves {number(short)} {rules.budget.unit} too little"))


def place_order(decision: Decision, command: cm.PlaceOrder) -> None:
    team = check_team(decision, command, "order")
    state, rules = decision.state, decision.rules
    item = rules.items.get(command.item)
    if item is None:
        raise unknown("item", command.item, rules.items)
    q = command.quantity
    if not isinstance(q, int) or isinstance(q, bool) or q < 1:
        raise Rejected("order at least 1 unit")
    # the team's own orders, whatever their status: one scan serves every count below
    mine = [o for o in state.orders.values() if o.team == team and not o.backlog]
    if rules.budget.max_quantity_per == "exercise":
        had = sum(o.quantity for o in mine if o.item == item.id and o.status != "cancelled")  # as ordered_by
        if had + q > item.max_quantity:
            left = max(0, item.max_quantity - had)
            raise Rejected(f"at most {item.max_quantity} {item.name} per team over the exercise: "
                           f"{rules.team_name(team)} has {had} on order or delivered, "
                           + (f"so at most {left} more" if left else "so no more"))
    elif q > item.max_quantity:
        raise Rejected(f"at most {item.max_quantity} {item.name} in one order")
    cost = round(item.cost * q, rules.money_places)
    cash = state.cash[team]
    lead = max(0, item.lead_time + state.lead_time.get(item.id, 0))
    slots = _reserve(state, rules, item, state.turn + lead, q)
    due = slots[-1][0]
    now, schedule = payment_schedule(cost, item.paid_on_order, state.turn, due, rules.money_places)
    if now > cash + EPS:
        where = rules.cat[rules.proc].name if rules.proc else "the budget"
        needed = f"{number(cost)} {rules.budget.unit} needed" if not schedule else (
            f"{number(now)} {rules.budget.unit} due on order (of {number(cost)})")
        raise Rejected(f"{rules.team_name(team)} cannot order {q} {item.name}: "
                       f"{needed}, {number(cash)} available in {where}")
    if sum(1 for o in mine if o.placed == state.turn) >= cm.MAX_ORDERS_PER_TURN:
        raise Rejected(f"{rules.team_name(team)} has placed {cm.MAX_ORDERS_PER_TURN} orders this turn (withdrawn ones "
                       "count), the most one turn allows; order more next turn")
    oid = _new_id(state.orders, "order", team, mine)
    decision.emit(ev.OrderPlaced(oid, team, item.id, q, cost, state.turn, due, slots,
                                 max(0.0, round(cash - now, rules.money_places)), schedule))


def ordered_by(state: State, team: str, item: str) -> int:
    """Units of `item` the team has ordered in the exercise (on order, draft or delivered;
    not cancelled, not the backlog from before it)."""
    return sum(o.quantity for o in state.orders.values()
               if o.team == team and o.item == item and not o.backlog and o.status != "cancelled")


def line_capacity(state: State, rules: ScenarioRules, item, turn: int) -> int:
    """Units `item`'s line delivers in `turn`: its capacity (or its ramp's step in force)
    plus the expansions bought that are ready by then."""
    cap = item.capacity
    for r in item.ramp:
        if r.turn <= turn:
            cap = r.capacity
        else:
            break
    extra = rules.line_expansions.get(rules.line[item.id])
    if extra and state.expansions:
        for x in extra:
            got = state.expansions.get(x.id)
            if got is not None and got[2] <= turn:
                cap += x.capacity
    return cap


def _new_id(taken, prefix: str, team: str, mine) -> str:
    """An id counted per team ("order-east-3": east's third order), so the ids a team sees
    say nothing of how much other teams did. Saves made before this numbering (global
    "order-17") replay unchanged: ids are in the events, and only decide makes new ones."""
    n = sum(1 for _ in mine) + 1
    while f"{prefix}-{team}-{n}" in taken:  # an old save's id could be taken
        n += 1
    return f"{prefix}-{team}-{n}"


def _reserve(state: State, rules: ScenarioRules, item, earliest: int, quantity: int):
    """The (turn, units) slots a new order gets: first free capacity from `earliest` on."""
    use = state.line_use
    line = rules.line[item.id]
    fixed = item.capacity if not item.ramp and line not in rules.line_expansions else None
    slots = []
    t, left = earliest, quantity
    stuck = 0
    while left:
        capacity = fixed if fixed is not None else line_capacity(state, rules, item, t)
        if capacity <= 0:  # a ramp at 0: wait for the next step (none after: never)
            stuck += 1
            if stuck > 1000:
                raise Rejected(f"the {item.name} line has no capacity in any later turn")
            t += 1
            continue
        free = capacity - use.get((line, t), 0)
        if free > 0:
            k = free if free < left else left
            slots.append((t, k))
            left -= k
        t += 1
    return tuple(slots)


def cancel_order(decision: Decision, command: cm.CancelOrder) -> None:
    team = check_team(decision, command, "cancel an order")
    state, rules = decision.state, decision.rules
    name = rules.team_name(team)
    o = state.orders.get(command.order)
    if o is None or o.team != team:
        mine = [k for k, v in state.orders.items() if v.team == team]
        raise Rejected(f"{name} has no order {command.order!r}{did_you_mean(command.order, mine)}")
    what = f"the order of {o.quantity} {rules.items[o.item].name}"  # its words, not its id
    if o.backlog:
        raise Rejected(f"{what} was placed before the exercise; it cannot be cancelled in the game")
    if o.status == "delivered":
        raise Rejected(f"{what} was delivered in turn {o.delivered}")
    if o.status == "cancelled":
        raise Rejected(f"{what} is cancelled already")
    if o.status == "draft":
        cancel(decision, o, cancel_refund(rules, o), "withdrawn before submitting (no penalty)")
    else:
        penalty = rules.items[o.item].cancel_penalty
        if o.schedule:
            cancel(decision, o, cancel_refund(rules, o),
                   f"cancelled: {percent(penalty)} of the cost lost, out of what was paid; "
                   "the instalments still to come are not paid")
        else:
            cancel(decision, o, cancel_refund(rules, o), f"cancelled: {percent(penalty)} of the cost lost")


def cancel_refund(rules: ScenarioRules, o) -> float:
    """What cancelling an order returns: a draft what was paid, a binding order what was paid
    less its item's cancel penalty (a share of the whole cost), never below 0: an order paid
    in instalments loses at most what was paid, and owes nothing more (the player view's
    preview uses this too), to the cent."""
    places = rules.money_places
    if o.status == "draft":
        return o.paid(places)
    penalty = rules.items[o.item].cancel_penalty
    if not o.schedule:
        return round(o.cost * (1 - penalty), places)  # as before payment profiles, to the cent
    return max(0.0, round(o.paid(places) - o.cost * penalty, places))


def cancel(decision: Decision, o, refund: float, reason: str) -> None:
    places = decision.rules.money_places
    cash = round(decision.state.cash[o.team] + refund, places)
    decision.emit(ev.OrderCancelled(o.id, o.team, refund, round(o.paid(places) - refund, places), cash, reason))


def expansion_refusal(state: State, rules: ScenarioRules, team: str, expansion: str) -> str | None:
    """Why `team` cannot buy `expansion` now (None: it can). Also asked by the view."""
    x = rules.expansions[expansion]
    got = state.expansions.get(expansion)
    if got is not None:
        return (f"{x.name} was bought by {rules.team_name(got[0])} in turn {got[1]} "
                f"(ready in turn {got[2]}); it can be bought once")
    cash = state.cash[team]
    if x.cost > cash + EPS:
        where = rules.cat[rules.proc].name if rules.proc else "the budget"
        return (f"{rules.team_name(team)} cannot buy {x.name}: {number(x.cost)} {rules.budget.unit} needed, "
                f"{number(cash)} available in {where}")
    return None


def buy_expansion(decision: Decision, command: cm.BuyExpansion) -> None:
    team = check_team(decision, command, "buy production capacity")
    state, rules = decision.state, decision.rules
    if command.expansion not in rules.expansions:
        raise unknown("production expansion", command.expansion, rules.expansions)
    why = expansion_refusal(state, rules, team, command.expansion)
    if why is not None:
        raise Rejected(why)
    x = rules.expansions[command.expansion]
    cash = round(state.cash[team] - x.cost, rules.money_places)
    decision.emit(ev.ExpansionBought(x.id, team, state.turn, state.turn + x.lead_time, x.cost, max(0.0, cash)))


def assign(decision: Decision, command: cm.Assign) -> None:
    w = decision.rules.scenario.words
    team = check_team(decision, command, f"assign {w.forces}")
    state, rules = decision.state, decision.rules
    name = rules.team_name(team)
    if command.command not in rules.commands:
        raise unknown(w.command, command.command, rules.commands)
    t = rules.tracks.get(command.capability)
    if t is None or t.scope != "team":
        raise Rejected(f"{command.capability!r} is not one of the team's {w.capabilities}; assign one of: "
                       f"{', '.join(rules.team_tracks)}")
    amount = float(command.amount)
    if not math.isfinite(amount) or amount < 0:
        raise Rejected("assign 0 or more points (0 withdraws)")
    amount = round(amount, t.decimals)  # points are the capability's, kept to its decimals
    have = state.team_tracks[(team, t.id)]
    others = sum(v for (cid, tm, cap), v in state.assigned.items()
                 if tm == team and cap == t.id and cid != command.command)
    if others + amount > have + EPS:
        raise Rejected(f"{name} has {number(have)} {t.name} in all and {number(others)} assigned elsewhere: "
                       f"at most {number(max(0.0, have - others))} can go to {rules.commands[command.command].name}")
    if state.assigned.get((command.command, team, t.id), 0.0) == amount:
        raise Rejected(f"{number(amount)} {t.name} is already assigned to {rules.commands[command.command].name}")
    decision.emit(ev.ForceAssigned(team, command.command, t.id, amount))


def lead_refusal(state: State, rules: ScenarioRules, team: str, command: str) -> str | None:
    """Why `team` cannot take the lead of `command` now, whichever of its allies would lead
    (None: it can, money permitting). The rule take_lead applies, also asked by the view so
    a screen offers only what can be taken."""
    name = rules.team_name(team)
    com = rules.commands[command]
    cur = state.leads.get(com.id)
    if cur in rules.team_allies[team]:
        return f"{name} already leads {com.name} through {rules.allies[cur].name}"
    if cur in rules.ally_team:
        other = rules.ally_team[cur]
        return (f"{com.name} is led by {rules.allies[cur].name} ({rules.team_name(other)}); "
                f"{rules.team_name(other)} must hand it back first")
    if state.lead_changed.get(com.id) == state.turn:
        return f"the lead of {com.name} changed this turn already; try next turn"
    free = rules.teams[team].staff - state.used_staff(team)
    if com.lead_staff > free:
        return f"{name} has {free} {rules.scenario.words.staff} free; leading {com.name} needs {com.lead_staff}"
    return None


def ally_refusal(state: State, rules: ScenarioRules, ally: str, command: str) -> str | None:
    """Why `ally` may not lead `command` under the scenario's rules (who is eligible, size,
    geography), in words; None: it may. Applies whoever approves."""
    com = rules.commands[command]
    a = rules.allies[ally]
    w = rules.scenario.words
    if com.eligible and ally not in com.eligible:
        names = ", ".join(rules.allies[x].name for x in com.eligible if x in rules.allies)
        return f"{a.name} may not lead {com.name}: the scenario lets only {names} lead it"
    if com.members_only and state.ally_command.get(ally) != com.id:
        where = state.ally_command.get(ally)
        home = rules.commands[where].name if where in rules.commands else f"no {w.command}"
        return (f"{a.name} may not lead {com.name}: only {article(w.ally)} {w.ally} in its area may, and {a.name} "
                f"belongs to {home}")
    if a.gdp < com.min_gdp:
        return (f"{a.name} is too small to lead {com.name}: a GDP of {number(a.gdp)} {rules.budget.unit}, "
                f"the {w.command} needs at least {number(com.min_gdp)}")
    defence = a.gdp * state.spending.get(ally, a.spending) / 100
    if defence < com.min_defence:
        return (f"{a.name}'s {w.spending} is too low to lead {com.name}: {number(round(defence, 2))} "
                f"{rules.budget.unit} a year, the {w.command} needs at least {number(com.min_defence)}")
    return None


def eligible_allies(state: State, rules: ScenarioRules, team: str, command: str) -> list[str]:
    """The team's allies that may lead `command`, largest GDP first."""
    mine = sorted(rules.teams[team].allies, key=lambda a: -rules.allies[a].gdp)
    return [a for a in mine if ally_refusal(state, rules, a, command) is None]


def lead_members(state: State, rules: ScenarioRules, command: str, team: str) -> list[str]:
    """The other teams with an ally in `command` (who approve where approval is 'members')."""
    out = []
    for t in rules.team_ids:
        if t != team and any(state.ally_command.get(a) == command for a in rules.team_allies[t]):
            out.append(t)
    return out


def take_lead(decision: Decision, command: cm.TakeLead) -> None:
    w = decision.rules.scenario.words
    team = check_team(decision, command, f"take the lead of {article(w.command)} {w.command}")
    state, rules = decision.state, decision.rules
    name = rules.team_name(team)
    com = rules.commands.get(command.command)
    if com is None:
        raise unknown(w.command, command.command, rules.commands)
    if command.ally not in rules.allies:
        raise unknown(w.ally, command.ally, rules.allies)
    if command.ally not in rules.team_allies[team]:
        raise Rejected(f"{rules.allies[command.ally].name} is not played by {name}")
    why = lead_refusal(state, rules, team, com.id) or ally_refusal(state, rules, command.ally, com.id)
    if why is not None:
        raise Rejected(why)
    if com.approval == "none":
        _lead(decision, team, com, command.ally)
        return
    for q in state.pending_leads(team):
        if q.command == com.id:
            raise Rejected(f"{name} has asked to lead {com.name} already (turn {q.turn}); wait for the answer")
    mine = [q for q in state.lead_requests.values() if q.team == team]
    decision.emit(ev.LeadRequested(_new_id(state.lead_requests, "lead", team, mine), team, com.id,
                                   command.ally, state.turn))


def _lead(decision: Decision, team: str, com, ally: str) -> None:
    state, rules = decision.state, decision.rules
    name = rules.team_name(team)
    decision.emit(ev.LeadTaken(team, com.id, ally, state.turn))
    apply_effects(decision, com.lead_effects, (team,), f"{name} took the lead of {com.name}")
    rebudget(decision, team, f"running cost of leading {com.name}", strict=lambda short: (
        f"{name} cannot afford to lead {com.name}: it costs {number(com.lead_cost)} {rules.budget.unit} a turn "
        f"and leaves {number(short)} too little"))


def lead_request_refusal(state: State, rules: ScenarioRules, request) -> str | None:
    """Why a pending request can no longer be approved as it stands (None: it can): the
    rules checked when it was made, checked again now (another lead, staff, area)."""
    if state.status != "running":
        return "the exercise is not running"
    return (lead_refusal(state, rules, request.team, request.command)
            or ally_refusal(state, rules, request.ally, request.command))


def decide_lead(decision: Decision, command: cm.DecideLead) -> None:
    state, rules = decision.state, decision.rules
    q = state.lead_requests.get(command.request)
    if command.actor == cm.FACILITATOR:
        check_facilitator(decision, command, "decide a lead request")
        voter = None
    else:
        voter = check_team(decision, command, "answer a lead request")
    if q is None:
        raise unknown("lead request", command.request, [x.id for x in state.pending_leads()])
    com = rules.commands[q.command]
    what = f"{rules.team_name(q.team)}'s request that {rules.allies[q.ally].name} lead {com.name}"
    if q.status != "pending":
        raise Rejected(f"{what} was {q.status} already")
    reason = command.reason.strip()
    if not command.approve and not reason:
        raise Rejected("a refusal needs a reason: say why, the team sees it")
    if voter is not None:
        if com.approval != "members" or voter not in lead_members(state, rules, com.id, q.team):
            raise Rejected(f"{rules.team_name(voter)} does not decide {what}")
        if any(t == voter for t, _, _ in q.votes):
            raise Rejected(f"{rules.team_name(voter)} has answered {what} already")
        decision.emit(ev.LeadVoted(q.id, voter, bool(command.approve), reason))
        q = decision.state.lead_requests[q.id]
        members = lead_members(decision.state, rules, com.id, q.team)
        if not command.approve:
            _decide(decision, q, False, voter, reason)
        elif all(any(t == m for t, _, _ in q.votes) for m in members):
            _decide(decision, q, True, "members", reason or "every member team agreed")
        return
    if command.approve:
        why = lead_request_refusal(state, rules, q)
        if why is not None:
            raise Rejected(f"{what} cannot be approved now: {why}; refuse it with that reason")
    _decide(decision, q, bool(command.approve), cm.FACILITATOR, reason or "approved")


def _decide(decision: Decision, q, approve: bool, by: str, reason: str) -> None:
    state, rules = decision.state, decision.rules
    com = rules.commands[q.command]
    if approve:
        why = lead_request_refusal(state, rules, q)
        if why is not None:  # members agreed, but the lead went elsewhere meanwhile
            approve, reason = False, why
    decision.emit(ev.LeadDecided(q.id, approve, by, reason, state.turn, q.team, q.command, q.ally))
    if not approve:
        return
    _lead(decision, q.team, com, q.ally)
    for other in decision.state.pending_leads():  # a rival bid for the same command lapses
        if other.command == com.id:
            decision.emit(ev.LeadDecided(other.id, False, by, f"{com.name} went to {rules.allies[q.ally].name} "
                                         f"({rules.team_name(q.team)})", state.turn, other.team, other.command,
                                         other.ally))


def hand_back_refusal(state: State, rules: ScenarioRules, team: str, command: str) -> str | None:
    """Why `team` cannot hand back `command` now (None: it can). The rule hand_back applies,
    also asked by the view so a screen says it before asking to confirm."""
    com = rules.commands[command]
    if state.leads.get(com.id) not in rules.team_allies[team]:
        return f"{rules.team_name(team)} does not lead {com.name}"
    if state.lead_changed.get(com.id) == state.turn:
        return f"the lead of {com.name} changed this turn already; hand it back next turn"
    return None


def hand_back(decision: Decision, command: cm.HandBack) -> None:
    w = decision.rules.scenario.words
    team = check_team(decision, command, f"hand back {article(w.command)} {w.command}")
    state, rules = decision.state, decision.rules
    name = rules.team_name(team)
    com = rules.commands.get(command.command)
    if com is None:
        raise unknown(w.command, command.command, rules.commands)
    why = hand_back_refusal(state, rules, team, com.id)
    if why is not None:
        raise Rejected(why)
    original = com.lead
    to = original if original is not None and original not in rules.ally_team else None
    decision.emit(ev.LeadHandedBack(team, com.id, to, state.turn))
    apply_effects(decision, com.hand_back_effects, (team,), f"{name} handed back {com.name}")
    rebudget(decision, team, f"handed back {com.name}")


def answer(decision: Decision, command: cm.Answer) -> None:
    team = check_team(decision, command, "answer a decision")
    state, rules = decision.state, decision.rules
    iid = command.inject
    if (iid, team) in state.answers:
        inj = state.inject(iid)
        chosen = state.answers[(iid, team)][0]
        label = next((o.label for o in inj.options if o.id == chosen), chosen) if inj else chosen
        raise Rejected(f"{rules.team_name(team)} has already answered “{inj.title if inj else iid}” (“{label}”)")
    opts = rules.options.get(iid)
    if opts is not None and iid in state.fired and team in rules.targets[iid] and command.option in opts:
        record_answer(decision, team, iid, command.option, default=False)  # the common case: a valid answer
        return
    inj = rules.injects.get(iid) or state.adhoc.get(iid)
    if inj is None:
        raise Rejected(f"no decision {iid!r} is waiting for {rules.team_name(team)}")
    if iid not in state.fired or not inj.options or team not in state.targets(iid):
        raise Rejected(f"no decision “{inj.title}” is waiting for {rules.team_name(team)}")
    if command.option not in (rules.options[iid] if iid in rules.options else [o.id for o in inj.options]):
        options = [o.id for o in inj.options]
        choices = ", ".join(f"“{o.label}”" for o in inj.options)  # the typed option is unknown: quoted as typed
        raise Rejected(f"“{inj.title}” has no option {command.option!r}{did_you_mean(command.option, options)}; "
                       f"choose one of: {choices}")
    record_answer(decision, team, iid, command.option, default=False)


def record_answer(decision: Decision, team: str, iid: str, option: str, default: bool) -> None:
    decision.emit(ev.DecisionAnswered(team, iid, option, default))
    rules = decision.rules
    opts = rules.options.get(iid)
    opt = opts[option] if opts is not None else next(o for o in decision.state.adhoc[iid].options if o.id == option)
    if opt.effects:
        inj = decision.state.inject(iid)
        title = inj.title if inj is not None else iid
        apply_effects(decision, opt.effects, (team,), f"{rules.names[team]} chose “{opt.label}” in “{title}”",
                      answer=True)


def combine_choices(decision: Decision) -> None:
    """Deliberation closes, every answer is in: apply the option effects on world tracks
    that combine over the teams ('once': each chosen option's effect once; 'mean': the sum
    of the addressed teams' adds divided by their number), one decision at a time, in
    firing order. Recorded with ChoicesCombined, so a decision is combined once."""
    state, rules = decision.state, decision.rules
    if not rules.combining and not state.adhoc:
        return
    tracks = rules.tracks
    for iid in state.uncombined:  # the fired injects not combined yet (an index kept by apply)
        if iid in decision.state.combined or (iid in rules.injects and iid not in rules.combines):
            continue  # combined already, or none of its options' effects combine
        inj = state.inject(iid)
        if inj is None or not inj.options:
            continue
        to = state.targets(iid)
        chosen = [(t, state.answers[(iid, t)][0]) for t in to if (iid, t) in state.answers]
        if not chosen or len(chosen) < len(to):
            continue  # not every answer is in (it fired after this deliberation began to close)
        labels = {o.id: o for o in inj.options}
        once: dict[tuple[str, int], tuple[model.Effect, list[str]]] = {}
        mean: dict[str, list[float]] = {}
        for team, oid in chosen:
            opt = labels.get(oid)
            for k, e in enumerate(opt.effects if opt else ()):
                t = tracks.get(e.track) if e.track is not None else None
                if t is None:
                    continue
                how = combine_of(e, t)
                if how == ONCE:
                    once.setdefault((oid, k), (e, []))[1].append(team)
                elif how == MEAN:
                    mean.setdefault(t.id, []).append(e.add or 0.0)
        if not once and not mean:
            continue
        decision.emit(ev.ChoicesCombined(iid, state.turn))
        for (oid, _), (e, teams) in once.items():
            assert e.track is not None  # collected above from effects on a track
            t = tracks[e.track]
            who = rules.names[teams[0]] if len(teams) == 1 else f"{len(teams)} teams"
            add_track(decision, t, None, e.add or 0.0, zone_of(e, t),
                      f"{who} chose “{labels[oid].label}” in “{inj.title}” (counted once)")
        for tid, adds in mean.items():
            t = tracks[tid]
            add = mean_add(adds, len(to))
            # a mean has no one effect: the first option effect on the track naming a diminishing, else the track's
            zone = next((e.diminishing for o in inj.options for e in o.effects
                         if e.track == tid and e.diminishing is not None), t.diminishing)
            # one team asked: no mean to speak of, its choice counts whole
            whose = (f"{rules.names[to[0]]}'s choice in “{inj.title}” (the only team asked)" if len(to) == 1
                     else f"the mean of {len(to)} teams' choices in “{inj.title}”")
            add_track(decision, t, None, add, zone, whose)


def argue(decision: Decision, command: cm.Argue) -> None:
    team = check_team(decision, command, "argue an action")
    if not command.action.strip():
        raise Rejected("say what the team does (the action)")
    mine = [a for a in decision.state.actions.values() if a.team == team]
    waiting = sum(1 for a in mine if a.likelihood is None)
    if waiting >= cm.MAX_OPEN_ACTIONS:
        raise Rejected(f"{decision.rules.names[team]} has {waiting} argued actions waiting for the facilitator "
                       f"(at most {cm.MAX_OPEN_ACTIONS}): argue more once some are adjudicated")
    aid = _new_id(decision.state.actions, "action", team, mine)
    decision.emit(ev.ActionArgued(aid, team, decision.state.turn, command.action, command.result, command.reasons,
                                  open=bool(command.open)))


def counter_party(decision: Decision, command: cm.CounterArgue) -> tuple[str, str]:
    """(id, name) of who counter-argues: a team (as itself), or the red cell (its own seat,
    actor its id, or the facilitator playing it, team None); refused, with why, if neither."""
    rules, state = decision.rules, decision.state
    adv = rules.adversary
    verb = "counter-argue an action"
    if command.actor in rules.teams:
        if command.team not in (None, command.actor):
            check_team(decision, command, verb)  # says who may act for whom
        as_team = cm.CounterArgue(command.actor, command.action, command.reasons, team=command.actor)
        return check_team(decision, as_team, verb), rules.names[command.actor]
    if command.actor == cm.FACILITATOR and command.team in rules.teams:
        check_team(decision, command, verb)  # "the facilitator cannot ... for East: only East can"
    red = adv is not None and (command.actor == adv.id or command.actor == cm.FACILITATOR)
    if not red or command.team not in (None, adv.id if adv else None):
        if command.actor == cm.FACILITATOR:
            raise Rejected("this scenario has no red cell: the facilitator counter-argues only on its behalf; "
                           "the teams post their own counter-arguments" if adv is None else
                           f"the facilitator counter-argues only as {adv.name} (leave the team out)")
        if adv is not None and command.actor == adv.id:  # names, never ids: "Russia", not 'russia'
            named = rules.names.get(command.team or "", "another party")
            raise Rejected(f"the red cell counter-argues only as {adv.name}, not for {named}: leave the team out "
                           "(each team posts its own counter-arguments)")
        raise Rejected(f"{command.actor!r} is neither a team nor the red cell: it cannot {verb}")
    assert adv is not None
    if state.status != "running":
        check_running(state, verb)
    if state.paused:
        raise Rejected(f"the exercise is paused: {adv.name} can {verb} once the facilitator resumes it")
    if state.phase != "deliberation":
        raise Rejected(f"{adv.name} can {verb} only during {phase_word(state.rules, 'deliberation')} (now: {moment(state)})")
    return adv.id, adv.name


def counter_argue(decision: Decision, command: cm.CounterArgue) -> None:
    by, name = counter_party(decision, command)
    state = decision.state
    act = state.actions.get(command.action)
    if act is None or not act.open:  # a secret action is not said to exist
        opened = [a for a in state.actions.values() if a.open]
        raise Rejected(f"there is no open argued action {command.action!r}"
                       f"{did_you_mean(command.action, [a.id for a in opened])}: only actions argued "
                       "open to the other teams and the red cell can be counter-argued")
    if act.team == by:
        raise Rejected(f"{name} argued “{act.action}” itself: it cannot counter-argue its own action")
    if act.likelihood is not None:
        raise Rejected(f"“{act.action}” was adjudicated already ({act.likelihood} % likely, "
                       f"{'success' if act.success else 'failure'}): too late to counter-argue it")
    if act.turn != state.turn:
        raise Rejected(f"“{act.action}” was argued in turn {act.turn}: counter-arguments are posted during "
                       "the deliberation of the turn an action is argued")
    if not command.reasons.strip():
        raise Rejected("say why the action would not work, or would work less well (the reasons)")
    mine = next((c for c in act.counters if c.by == by), None)
    if mine is not None:
        raise Rejected(f"{name} has already counter-argued “{act.action}” (one counter-argument per team "
                       "and action): the adjudicator reads the one posted")
    decision.emit(ev.ActionCountered(act.id, by, name, command.reasons, state.turn))


def submit(decision: Decision, command: cm.Submit) -> None:
    team = check_team(decision, command, "submit")
    decision.emit(ev.Submitted(team, decision.state.turn, forced=False))
