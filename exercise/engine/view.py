"""What each side may see, as plain JSON-able data.

`player_view(state, team)` is the only way a team's screen or terminal learns about the
exercise: its own budget, orders, inbox and decisions, the shared world, and nothing
private of another team (briefing, orders, answers, inbox, money, argued actions), no
facilitator notes, no inject notes, no reserve or not-yet-fired or facilitator-only
injects. `facilitator_view(state)` shows everything.
"""

from __future__ import annotations

from exercise import model
from exercise.engine.commands import MAX_VIEW_CANCELLED
from exercise.engine.decision import EPS
from exercise.engine.events import EVENTS, to_dict
from exercise.engine.scenario_rules import ScenarioRules as Rules  # short name kept until the views are typed
from exercise.engine.state import State


def _band(track: model.Track, value: float) -> str:
    label = ""
    for th in track.thresholds:
        if value >= th.at:
            label = th.label
    return label


def _turn_label(s: State, r: Rules) -> str:
    return r.scenario.calendar.label(s.turn) if s.turn else ""


def _phase_name(s: State, r: Rules) -> str:
    for p in r.scenario.phases:
        if p.id == s.phase:
            return p.name or p.id.capitalize()
    return s.phase.capitalize()


def _common(s: State, r: Rules, viewer: str | None = None) -> dict:
    sc = r.scenario
    return {
        "scenario": {"id": sc.id, "title": sc.title, "briefing": sc.scenario.briefing},
        "status": s.status,
        "paused": s.paused,
        "turn": s.turn,
        "turns": r.turns,
        "turn_label": _turn_label(s, r),
        "phase": s.phase,
        "phase_name": _phase_name(s, r),
        "unit": r.budget.unit,
        "teams": [
            {"id": t.id, "name": t.name, "allies": list(t.allies), "submitted": t.id in s.submitted}
            for t in sc.teams
        ],
        "allies": [
            {"id": a.id, "name": a.name, "gdp": a.gdp, "spending": s.spending[a.id],
             "command": s.ally_command.get(a.id), "team": r.ally_team.get(a.id),
             "estimated": a.estimated}
            for a in sc.allies
        ],
        "tracks": [
            {"id": t.id, "name": t.name, "description": t.description, "value": s.tracks[t.id],
             "min": t.min, "max": t.max, "band": _band(t, s.tracks[t.id])}
            for t in sc.tracks if t.scope == "world"
        ],
        "commands": [_command(s, r, c) for c in sc.commands],
        "catalogue": [
            {"id": i.id, "name": i.name, "cost": i.cost, "origin": i.origin,
             "lead_time": max(0, i.lead_time + s.lead_time.get(i.id, 0)), "capacity": i.capacity,
             "max_quantity": i.max_quantity, "cancel_penalty": i.cancel_penalty,
             "description": i.description, "arrives": _arrives(s, r, i, viewer)}
            for i in sc.items
        ],
        "categories": [
            {"id": c.id, "name": c.name, "description": c.description, "min_share": c.min_share,
             "max_share": c.max_share, "procurement": c.procurement}
            for c in r.cats
        ],
    }


def _arrives(s: State, r: Rules, item: model.Item, viewer: str | None) -> int:
    """The earliest turn one unit would arrive if ordered now: lead time, then the queue
    on its line as the viewer may know it (orders placed before the exercise and its own).

    Other teams' orders and cancellations are their private business, so a team's
    estimate ignores them; the order itself reports the real due turn. The facilitator
    (viewer None) sees the whole queue.
    """
    line = r.line[item.id]
    if viewer is None:
        use = {t: k for (ln, t), k in s.line_use.items() if ln == line}
    else:
        use = {}
        for o in s.orders.values():
            if (o.backlog or o.team == viewer) and o.status != "cancelled" and r.line[o.item] == line:
                for t, k in o.slots:
                    use[t] = use.get(t, 0) + k
    t = max(s.turn, 1) + max(0, item.lead_time + s.lead_time.get(item.id, 0))
    while use.get(t, 0) >= item.capacity:
        t += 1
    return t


def _command(s: State, r: Rules, c: model.Command) -> dict:
    lead = s.leads.get(c.id)
    return {
        "id": c.id, "name": c.name, "area": c.area, "lead": lead,
        "lead_name": r.allies[lead].name if lead in r.allies else None,
        "lead_team": r.ally_team.get(lead) if lead else None,
        "lead_cost": c.lead_cost, "lead_staff": c.lead_staff,
        "allies": [a for a, cid in s.ally_command.items() if cid == c.id],
        "forces": [
            {"team": team, "capability": cap, "amount": v}
            for (cid, team, cap), v in s.assigned.items() if cid == c.id
        ],
    }


def _team_tracks(s: State, r: Rules, viewer: str | None) -> list[dict]:
    out = []
    for tid in r.team_tracks:
        t = r.tracks[tid]
        teams = r.team_ids if (viewer is None or not t.private) else (viewer,)
        values = {team: s.team_tracks[(team, tid)] for team in teams}
        out.append({"id": t.id, "name": t.name, "description": t.description, "private": t.private,
                    "min": t.min, "max": t.max, "values": values,
                    "bands": {team: _band(t, v) for team, v in values.items()}})
    return out


def _inject_for_team(s: State, r: Rules, iid: str, team: str) -> dict:
    inj = s.inject(iid)
    answer = s.answers.get((iid, team))
    return {
        "id": iid, "title": inj.title, "from": inj.sender, "channel": inj.channel,
        "synopsis": inj.synopsis, "text": inj.text, "turn": s.fired[iid], "severity": inj.severity,
        "options": [{"id": o.id, "label": o.label, "text": o.text, "default": o.default} for o in inj.options],
        "answer": answer[0] if answer else None,
        "answered_by_default": bool(answer and answer[1]),
    }


def _private(s: State, r: Rules, team: str) -> dict:
    """Everything a team may see about itself (and no one else may)."""
    t = r.teams[team]
    total, amounts = s.budget.get(team, (0.0, {}))
    step = r.budget.max_spending_step
    objectives = [r.objectives[o] for o in t.objectives if o in r.objectives]
    orders, hidden = _orders(s, team)
    return {
        "id": team,
        "name": t.name,
        "briefing": t.briefing,
        "allies": list(t.allies),
        "objectives": [{"id": o.id, "name": o.name, "description": o.description} for o in objectives],
        "staff": t.staff,
        "staff_used": s.used_staff(team),
        "submitted": team in s.submitted,
        "budget": {
            "total": total,
            "categories": {cid: {"share": sh, "amount": amounts.get(cid, 0.0)}
                           for cid, sh in zip(r.cat_ids, s.allocation[team])},
            "money": s.cash[team],
            "procurement": r.proc,
            "invest_limit": s.invest_limit(team),
            "effects": [
                # no cause: it may name another team's decision
                {"category": b.category, "amount": b.amount, "first": b.first, "last": b.last}
                for b in s.budget_effects if b.team == team and b.last >= s.turn
            ],
            "spending_limits": {
                a: [round(max(0.0, s.spending_base[a] - step), 6), round(s.spending_base[a] + step, 6)]
                for a in t.allies
            },
        },
        "orders": [
            {"id": o.id, "item": o.item, "name": r.items[o.item].name, "quantity": o.quantity,
             "cost": o.cost, "placed": o.placed, "due": o.due, "status": o.status,
             "delivered": o.delivered, "backlog": o.backlog, "note": o.note,
             "after_exercise": o.status in ("ordered", "draft") and o.due > r.turns}
            for o in orders
        ],
        "orders_hidden": hidden,
        "inbox": [_inject_for_team(s, r, iid, team) for iid in s.fired if team in s.targets(iid)],
        "pending": s.pending_decisions(team),
        "actions": [
            {"id": a.id, "turn": a.turn, "action": a.action, "result": a.result, "reasons": a.reasons,
             "likelihood": a.likelihood, "roll": a.roll, "success": a.success, "rationale": a.rationale}
            for a in s.actions.values() if a.team == team
        ],
    }


def _cancel_preview(r: Rules, o) -> dict:
    """What cancelling the order now would return and lose, by the rules' own formula
    (rules._cancel_order): a draft is withdrawn free, a binding order loses its item's
    cancel penalty; None when it cannot be cancelled (delivered, cancelled, or placed
    before the exercise)."""
    if o.backlog or o.status not in ("draft", "ordered"):
        return {"refund": None, "penalty": None}
    refund = o.cost if o.status == "draft" else o.cost * (1 - r.items[o.item].cancel_penalty)
    return {"refund": refund, "penalty": o.cost - refund}


def _affordable(item: model.Item, cash: float) -> int:
    """How many units the team's money buys (rules._order: cost * quantity <= money + EPS);
    a free item is limited only by its most in one order."""
    if item.cost <= 0:
        return item.max_quantity
    n = max(0, int((cash + EPS) // item.cost))
    # the floor of a float division can miss by one either way: settle it by the rule's test
    while item.cost * (n + 1) <= cash + EPS:
        n += 1
    while n and item.cost * n > cash + EPS:
        n -= 1
    return n


def _forces(s: State, r: Rules, team: str) -> dict:
    """The team's points per capability: assigned over all commands, and per command
    here and elsewhere (summed in the scenario's order of commands)."""
    mine: dict[str, list[tuple[str, float]]] = {c.id: [] for c in r.scenario.commands}
    for (cid, tm, cap), v in s.assigned.items():
        if tm == team and cid in mine:
            mine[cid].append((cap, v))
    assigned = {cap: 0.0 for cap in r.team_tracks}
    for forces in mine.values():
        for cap, v in forces:
            assigned[cap] = assigned.get(cap, 0.0) + v
    per_command = {}
    for cid, forces in mine.items():
        here: dict[str, float] = {}
        for cap, v in forces:
            here[cap] = here.get(cap, 0.0) + v
        elsewhere: dict[str, float] = {}
        for other, theirs in mine.items():
            if other != cid:
                for cap, v in theirs:
                    elsewhere[cap] = elsewhere.get(cap, 0.0) + v
        nonzero = [v for _, v in forces if v]
        per_command[cid] = {"here": here, "elsewhere": elsewhere, "points": sum(nonzero),
                            "capabilities": len(nonzero)}
    return {"assigned": assigned, "forces": per_command}


def _orders(s: State, team: str) -> tuple[list, int]:
    """The team's orders, but of the cancelled ones only the newest few (placing and
    withdrawing orders costs nothing, and every update carries the view); and how many
    cancelled ones are left out."""
    mine = [o for o in s.orders.values() if o.team == team]
    cancelled = sum(1 for o in mine if o.status == "cancelled")
    hidden = max(0, cancelled - MAX_VIEW_CANCELLED)
    if hidden:
        skip = hidden
        kept = []
        for o in mine:  # oldest first: drop the oldest cancelled ones
            if skip and o.status == "cancelled":
                skip -= 1
                continue
            kept.append(o)
        mine = kept
    return mine, hidden


def player_view(state: State, team_id: str) -> dict:
    """What team `team_id` may see, as plain data (dicts, lists, str, numbers, bool, None)."""
    r = state.rules
    if team_id not in r.teams:
        raise KeyError(f"unknown team {team_id!r}")
    view = _common(state, r, team_id)
    view["team_tracks"] = _team_tracks(state, r, team_id)
    view["me"] = me = _private(state, r, team_id)
    # What the team's screen shows that takes the rules' arithmetic, computed here once (the
    # player view only: the facilitator's view is digested into the state hash of saves).
    for o in me["orders"]:
        o.update(_cancel_preview(r, state.orders[o["id"]]))
    me["affordable"] = {i.id: _affordable(i, state.cash[team_id]) for i in r.scenario.items}
    me.update(_forces(state, r, team_id))
    v = state.verdict
    view["outcome"] = None if v is None else {
        "id": v.outcome, "name": v.name, "turn": v.turn, "early": v.early,
        "text": next((o.text for o in r.scenario.outcomes if o.id == v.outcome), ""),
    }
    return view


def _inject_status(s: State, r: Rules, inj: model.Inject) -> str:
    iid = inj.id
    if iid in s.fired:
        return f"fired in turn {s.fired[iid]}"
    st = s.inject_status.get(iid)
    if st and st != "enabled":
        return st
    if iid in s.fire_at:
        return f"queued for turn {s.fire_at[iid]}"
    shift = s.inject_shift.get(iid, 0)
    delayed = f" (delayed {shift})" if shift else ""
    if inj.reserve and st != "enabled":
        return "reserve"
    if inj.turn is not None:
        return f"turn {inj.turn + shift}{delayed}"
    if inj.window is not None:
        return f"window {inj.window[0] + shift}-{inj.window[1] + shift}{delayed}"
    if inj.requires:
        return "after " + ", ".join(inj.requires) + delayed
    if inj.condition:
        return "when its condition holds" + delayed
    return "enabled" if st == "enabled" else "unscheduled"


def facilitator_view(state: State) -> dict:
    """Everything, for the white cell: every team's private data, all injects, notes."""
    s = state
    r = s.rules
    view = _common(s, r)
    view["seed"] = s.seed
    view["rolls"] = s.rolls
    view["team_tracks"] = _team_tracks(s, r, None)
    view["teams_private"] = {team: _private(s, r, team) for team in r.team_ids}
    injects = list(r.scenario.all_injects()) + list(s.adhoc.values())
    view["injects"] = [
        {"id": i.id, "title": i.title, "from": i.sender, "to": list(i.to), "channel": i.channel,
         "synopsis": i.synopsis, "text": i.text, "severity": i.severity, "reserve": i.reserve,
         "status": _inject_status(s, r, i), "fired": s.fired.get(i.id), "notes": i.notes,
         "expected": list(i.expected), "objectives": list(i.objectives), "tags": list(i.tags),
         "source": i.source, "adhoc": i.id in s.adhoc,
         "options": [{"id": o.id, "label": o.label, "default": o.default} for o in i.options],
         "answers": {team: s.answers[(i.id, team)][0] for team in r.team_ids if (i.id, team) in s.answers}}
        for i in injects
    ]
    view["actions"] = [
        {"id": a.id, "team": a.team, "turn": a.turn, "action": a.action, "result": a.result,
         "reasons": a.reasons, "likelihood": a.likelihood, "roll": a.roll, "success": a.success,
         "rationale": a.rationale, "effects": [dict(e) for e in a.effects],
         "failure_effects": [dict(e) for e in a.failure_effects]}
        for a in s.actions.values()
    ]
    view["notes"] = [
        {"turn": n.turn, "phase": n.phase, "text": n.text, "tags": list(n.tags), "inject": n.inject,
         "objective": n.objective, "rating": n.rating}
        for n in s.notes
    ]
    view["overrides"] = [
        {"turn": o.turn, "target": o.target, "key": o.key, "previous": o.previous, "value": o.value,
         "rationale": o.rationale}
        for o in s.overrides
    ]
    view["thresholds_crossed"] = [
        {"track": t, "team": team or None, "at": at, "turn": turn} for (t, team, at), turn in s.crossed.items()
    ]
    v = s.verdict
    view["outcome"] = None if v is None else {
        "id": v.outcome, "name": v.name, "reason": v.reason, "turn": v.turn, "early": v.early,
        "note": v.note, "text": next((o.text for o in r.scenario.outcomes if o.id == v.outcome), ""),
    }
    return view



# -- events a team may be told about as they happen -------------------------------------
# Each event class declares its Visibility where it is defined (exercise.engine.events);
# these tables are read from those declarations, never written here.
def _table(audience: str) -> dict[str, tuple[str, ...]]:
    return {k: cls.visibility.fields for k, cls in EVENTS.items() if cls.visibility.audience == audience}


_PUBLIC = _table("public")
_OWN = _table("own")  # only when the event's team is the viewer
_SHARED = _table("shared")  # world-wide (team None) or the viewer's own


def visible_events(state: State, team_id: str, events: list) -> list[dict]:
    """The events (as dicts, allowed fields only) team `team_id` may see, from a batch just
    applied to `state`."""
    out = []
    for e in events:
        vis = e.visibility
        audience = vis.audience
        if audience == "public":
            pass
        elif audience == "own":
            if getattr(e, "team", None) != team_id:
                continue
        elif audience == "shared":
            if getattr(e, "team", None) not in (None, team_id):
                continue
        elif audience == "addressed":
            if team_id not in e.to:
                continue
        elif audience == "arguer":
            if getattr(state.actions.get(e.action_id), "team", None) != team_id:
                continue
        else:  # the facilitator's only
            continue
        d = to_dict(e)
        out.append({"kind": e.kind, **{f: d[f] for f in vis.fields}})
    return out
