"""What each side may see, as plain data (frozen attrs classes, exercise.engine.view_types).

`player_view(state, team)` is the only way a team's screen or terminal learns about the
exercise: its own budget, orders, inbox and decisions, the shared world, and nothing
private of another team (briefing, orders, answers, inbox, money, secret argued actions), no
facilitator notes, no inject notes, no reserve or not-yet-fired or facilitator-only
injects. `facilitator_view(state)` shows everything.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from itertools import islice
from typing import Any, TypeVar

import attrs

from exercise import model
from exercise.engine import explain, fog, red, scorecard
from exercise.engine import view_types as vt
from exercise.engine.budget import carry_limit, committed, year_ends_before
from exercise.engine.commands import MAX_VIEW_CANCELLED
from exercise.engine.decision import EPS, number, phase_word
from exercise.engine.events import EVENTS, to_dict
from exercise.engine.ledger import Change, by_turn, for_team
from exercise.engine.parts import made_from
from exercise.engine.scenario_rules import ScenarioRules
from exercise.engine.state import Action, Order, State
from exercise.engine.team_moves import (
    ally_refusal,
    cancel_refund,
    expansion_refusal,
    hand_back_refusal,
    lead_members,
    lead_refusal,
    line_capacity,
    ordered_by,
)

# -- parts kept from one view to the next ---------------------------------------------------
# A state is an immutable value whose dicts a transaction copies before writing them
# (State.writable): a field that is the same object holds the same data. Most of a view
# reads none of the injects' bookkeeping, the notes or the overrides; those parts are kept
# (in the rules' memo, as the inject texts are) while every other field of the state is the
# same object, so firing an inject rebuilds inboxes and the inject list, not whole views,
# and the network edge finds the kept parts' JSON by identity (view_json).
_NOT_READ = frozenset({"fired", "inject_status", "inject_shift", "fire_at", "not_before", "adhoc", "answers",
                       "skipped_from", "combined", "unanswered", "uncombined", "notes", "overrides", "feedback"})
_READ = operator.attrgetter(*(f.name for f in attrs.fields(State) if f.name not in _NOT_READ))
T = TypeVar("T")


def _kept(s: State, key: tuple, build: Callable[[], T]) -> T:
    """`build()`, made again only when a field of the state but those of `_NOT_READ` is not
    the same object as when it was last made for `key` (build must read none of those)."""
    seen = _READ(s)
    memo = s.rules.memo.get(key)
    if memo is not None and all(map(operator.is_, memo[0], seen)):
        return memo[1]
    out = build()
    s.rules.memo[key] = (seen, out)
    return out


def _band(track: model.Track, value: float) -> str:
    label = ""
    for th in track.thresholds:
        if value >= th.at:
            label = th.label
    return label


def _turn_label(s: State, r: ScenarioRules) -> str:
    return r.scenario.calendar.label(s.turn) if s.turn else ""


def _common(s: State, r: ScenarioRules, viewer: str | None = None) -> dict[str, Any]:
    """The fields of `vt.CommonView`, as keywords for either view's class."""
    sc = r.scenario
    return dict(
        scenario=vt.ScenarioInfo(sc.id, sc.title, sc.scenario.briefing),
        status=s.status,
        paused=s.paused,
        turn=s.turn,
        turns=r.turns,
        turn_label=_turn_label(s, r),
        phase=s.phase,
        phase_name=phase_word(r, s.phase),
        unit=r.budget.unit,
        words=sc.words,
        turn_span=sc.calendar.span(),
        adversary=sc.adversary is not None,
        phases=tuple(phase_word(r, p) for p in model.PHASES),
        teams=tuple(vt.TeamInfo(t.id, t.name, tuple(t.allies), t.id in s.submitted) for t in sc.teams),
        allies=tuple(
            vt.AllyView(a.id, a.name, a.gdp, s.spending[a.id], s.ally_command.get(a.id), r.ally_team.get(a.id),
                        a.estimated)
            for a in sc.allies
        ),
        tracks=tuple(_world_track(s, r, t, viewer) for t in sc.tracks if t.scope == "world"),
        commands=tuple(_command(s, r, c, viewer) for c in sc.commands),
        catalogue=tuple(
            vt.ItemView(i.id, i.name, i.cost, i.origin, max(0, i.lead_time + s.lead_time.get(i.id, 0)),
                        line_capacity(s, r, i, max(s.turn, 1)),
                        i.max_quantity, i.cancel_penalty, i.description, _arrives(s, r, i, viewer),
                        _gains(r, i), i.paid_on_order, r.budget.max_quantity_per)
            for i in sc.items
        ),
        categories=tuple(
            vt.CategoryView(c.id, c.name, c.description, c.min_share, c.max_share, c.procurement, _floors(r, c.id),
                            _resists(r, c.id))
            for c in r.cats
        ),
    )


def _resists(r: ScenarioRules, category: str) -> str:
    """What a share of this category does against hostile actions (the public rule, never
    the adversary's menu or points): "" unless it is the adversary's `resisted_by`."""
    adv = r.adversary
    if adv is None or adv.resisted_by != category or not adv.resist:
        return ""
    return (f"{number(adv.resist_share * 100)} % or more of your budget here spares you "
            f"{number(adv.resist * 100)} % of the harm hostile actions do to your capabilities")


def _world_track(s: State, r: ScenarioRules, t: model.Track, viewer: str | None) -> vt.TrackView:
    """A world track; one teams only estimate is, in a team's view, its estimate: the
    track's value never reaches the team (fog.estimate) until the verdict is judged
    (fog.revealed: the scorecard then tells it anyway)."""
    if viewer in r.teams and t.estimate > 0 and not fog.revealed(s):
        assert viewer is not None
        e = fog.estimate(s, t, viewer)
        return vt.TrackView(t.id, t.name, t.description, e.value, t.min, t.max, _band(t, e.value), t.decimals,
                            estimate=fog.estimate_words(t, e), low=e.low, high=e.high, width=e.width)
    return vt.TrackView(t.id, t.name, t.description, s.tracks[t.id], t.min, t.max, _band(t, s.tracks[t.id]),
                        t.decimals)


def _gains(r: ScenarioRules, item: model.Item) -> tuple[str, ...]:
    memo = r.memo.get(("gains", item.id))  # worded once per scenario: every update carries them
    if memo is None:
        memo = r.memo[("gains", item.id)] = explain.item_gains(item, r)
    return memo


def _floors(r: ScenarioRules, cat: str) -> tuple[vt.FloorView, ...]:
    return tuple(vt.FloorView(t, r.tracks[t].name, floor, decay) for t, c, floor, decay in r.funded if c == cat)


def _option(r: ScenarioRules, o: model.Option) -> vt.OptionView:
    """An option as a team sees it: hidden effects left out, only said to exist."""
    key = ("option", o)  # frozen, compared by value: worded once per scenario (and ad hoc option)
    memo = r.memo.get(key)
    if memo is None:
        memo = r.memo[key] = explain.option_effects(o, r)
    return vt.OptionView(o.id, o.label, o.text, o.default, *memo)


def _arrives(s: State, r: ScenarioRules, item: model.Item, viewer: str | None) -> int:
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
    if not item.ramp and line not in r.line_expansions:
        while use.get(t, 0) >= item.capacity:
            t += 1
        return t
    stop = t + 1000  # a ramp down to 0 for good: say the first turn looked at
    while use.get(t, 0) >= line_capacity(s, r, item, t) and t < stop:
        t += 1
    return t


def _command(s: State, r: ScenarioRules, c: model.Command, viewer: str | None = None) -> vt.CommandView:
    lead = s.leads.get(c.id)
    player = viewer in r.teams  # what a team reads before it acts (the facilitator's view, hashed, is as before)
    taken = [e for e in c.lead_effects if not e.hidden] if player else []
    back = [e for e in c.hand_back_effects if not e.hidden] if player else []
    return vt.CommandView(
        id=c.id, name=c.name, area=c.area, lead=lead,
        lead_name=r.allies[lead].name if lead in r.allies else None,
        lead_team=r.ally_team.get(lead) if lead else None,
        lead_cost=c.lead_cost, lead_staff=c.lead_staff,
        allies=tuple(a for a, cid in s.ally_command.items() if cid == c.id),
        forces=tuple(vt.ForceView(team, cap, v) for (cid, team, cap), v in s.assigned.items() if cid == c.id),
        lead_effects=tuple(explain.effect_text(e, r) for e in taken),
        lead_unknown=player and len(taken) < len(c.lead_effects),
        hand_back_effects=tuple(explain.effect_text(e, r) for e in back),
        hand_back_unknown=player and len(back) < len(c.hand_back_effects),
        lead_refusal=_lead_refusal(s, r, viewer, c.id) if player and viewer is not None else None,
        hand_back_refusal=hand_back_refusal(s, r, viewer, c.id) if player and viewer is not None else None,
        lead_rules=explain.lead_rules_words(c, r),
        approval=c.approval,
        ineligible=tuple((a, why) for a in r.teams[viewer].allies
                         if (why := ally_refusal(s, r, a, c.id)) is not None) if player and viewer else (),
        manned=s.manned(c.id) if c.manning_turns > 1 else None,
        manning_turns=c.manning_turns,
        requests=tuple(_request(s, r, q, viewer) for q in s.lead_requests.values() if q.command == c.id),
    )


def _lead_refusal(s: State, r: ScenarioRules, team: str, command: str) -> str | None:
    """Why the team cannot take (or ask for) the lead now: the engine's rule, or that none of
    its allies may lead the command (the first ally's reason says why)."""
    why = lead_refusal(s, r, team, command)
    if why is None:
        reasons = [ally_refusal(s, r, a, command) for a in r.teams[team].allies]
        if reasons and all(reasons):
            why = (f"none of {r.team_name(team)}'s {r.scenario.words.allies} may lead "
                   f"{r.commands[command].name}: {reasons[0]}")
    return why


def _request(s: State, r: ScenarioRules, q, viewer: str | None) -> vt.LeadRequestView:
    com = r.commands[q.command]
    waiting: tuple[str, ...] = ()
    you = False
    if q.status == "pending":
        if com.approval == "members":
            voted = {t for t, _, _ in q.votes}
            members = [t for t in lead_members(s, r, com.id, q.team) if t not in voted]
            waiting = tuple(r.team_name(t) for t in members)
            you = viewer in members or viewer not in r.teams
        else:
            waiting = ("the facilitator",)
            you = viewer not in r.teams
    by = {"facilitator": "the facilitator", "members": "the member teams"}.get(q.by, r.team_name(q.by) if q.by else "")
    return vt.LeadRequestView(q.id, q.team, r.team_name(q.team), q.ally, r.allies[q.ally].name, q.turn, q.status,
                              by, q.reason, waiting, you)


def _team_tracks(s: State, r: ScenarioRules, viewer: str | None) -> tuple[vt.TeamTrackView, ...]:
    out = []
    for tid in r.team_tracks:
        t = r.tracks[tid]
        teams = r.team_ids if (viewer is None or not t.private) else (viewer,)
        values = {team: s.team_tracks[(team, tid)] for team in teams}
        out.append(vt.TeamTrackView(t.id, t.name, t.description, t.private, t.min, t.max, values,
                                    {team: _band(t, v) for team, v in values.items()}, t.decimals))
    return tuple(out)


def _inject_for_team(s: State, r: ScenarioRules, iid: str, team: str) -> vt.InjectView:
    inj = s.inject(iid)
    assert inj is not None  # a fired inject is one of the scenario's or an ad hoc one
    answer = s.answers.get((iid, team))
    # the same object while nothing it shows changes, and for every team that gave the same
    # answer (or none: an inject fired to all is one object in every inbox): views share it,
    # and the network edge encodes its text once (view_json, net.protocol), however many
    # views and updates carry it
    key = ("inbox", iid, answer)
    memo = r.memo.get(key)
    if memo is not None and memo[0] is inj and memo[1] == s.fired[iid]:
        return memo[2]
    view = r.memo[key] = (inj, s.fired[iid], _new_inject_for_team(s, r, inj, iid, answer))
    return view[2]


def _new_inject_for_team(s: State, r: ScenarioRules, inj: model.Inject, iid: str,
                         answer: tuple | None) -> vt.InjectView:
    return vt.InjectView(
        id=iid, title=inj.title, sender=inj.sender, channel=inj.channel,
        synopsis=inj.synopsis, text=inj.text, turn=s.fired[iid], severity=inj.severity,
        options=tuple(_option(r, o) for o in inj.options),
        answer=answer[0] if answer else None,
        answered_by_default=bool(answer and answer[1]),
        attribution=fog.confidence_words(inj.attribution, inj.confidence),
        confidence=tuple((o.id, fog.CONFIDENCE[o.confidence]) for o in inj.options if o.confidence),
    )


def _private(s: State, r: ScenarioRules, team: str, player: bool = False) -> dict[str, Any]:
    """Everything a team may see about itself (and no one else may): the fields of
    `vt.TeamPrivate` but its inbox and pending decisions (`_injects_of`, which read the
    injects' bookkeeping) and its orders (the two views show them differently). player: the
    team's own view, which also says the rule behind its procurement limit (left out of the
    facilitator's view, whose digest old saves' state hashes record)."""
    t = r.teams[team]
    total, amounts = s.budget.get(team, (0.0, {}))
    step = r.budget.max_spending_step
    objectives = [r.objectives[o] for o in t.objectives if o in r.objectives]
    orders, hidden = _orders(s, team)
    return dict(
        id=team,
        name=t.name,
        briefing=t.briefing,
        allies=tuple(t.allies),
        objectives=tuple(vt.ObjectiveView(o.id, o.name, o.description) for o in objectives),
        staff=t.staff,
        staff_used=s.used_staff(team),
        submitted=team in s.submitted,
        budget=vt.Budget(
            total=total,
            categories={cid: vt.CategoryShare(sh, amounts.get(cid, 0.0))
                        for cid, sh in zip(r.cat_ids, s.allocation[team])},
            money=s.cash[team],
            procurement=r.proc,
            invest_limit=s.invest_limit(team),
            invest_base=s.invest_base[team] if player and r.proc is not None else None,
            invest_growth=r.budget.max_invest_growth if player and r.proc is not None else None,
            effects=tuple(
                # no cause: it may name another team's decision
                vt.BudgetEffectView(b.category, b.amount, b.first, b.last)
                for b in s.budget_effects if b.team == team and b.last >= s.turn
            ),
            spending_limits={
                a: (round(max(0.0, s.spending_base[a] - step), 6), round(s.spending_base[a] + step, 6))
                for a in t.allies
            },
            playable_share=r.budget.playable_share,
            places=r.money_places,
            funds=r.team_funds[team],
            **(_budget_cycle(s, r, team) if player else {}),
        ),
        orders=orders,
        orders_hidden=hidden,
        actions=tuple(
            vt.ActionView(a.id, a.turn, a.action, a.result, a.reasons, a.likelihood, a.roll, a.success, a.rationale,
                          a.open, _counters(a))
            for a in s.actions.values() if a.team == team
        ),
    )


def _inbox(s: State, r: ScenarioRules, team: str) -> tuple[vt.InjectView, ...]:
    """The injects fired to `team`, oldest first, with its answers. A state's dicts are
    copied when a transaction writes them (State.writable), never changed after: while
    these three are the same objects, so is the inbox (a big scenario's is hundreds long)."""
    key = ("inbox of", team)
    seen = (s.fired, s.answers, s.adhoc)
    memo = r.memo.get(key)
    if memo is not None:
        (fired, answers, adhoc), out = memo
        if fired is s.fired and answers is s.answers and adhoc is s.adhoc:
            return out
        if _grown(r, "fired", fired, s.fired) and _grown(r, "adhoc", adhoc, s.adhoc) \
                and _grown(r, "answers", answers, s.answers):
            # injects fired and answers given since, nothing else: the inbox as it was, the
            # injects this team answered since made again, the ones fired since added
            mine = {iid for iid, t in islice(s.answers, len(answers), None) if t == team}
            places = [n for n, v in enumerate(out) if v.id in mine] if mine else []
            rows = list(out)
            for n in places:
                rows[n] = _inject_for_team(s, r, rows[n].id, team)
            rows += [_inject_for_team(s, r, iid, team) for iid in islice(s.fired, len(fired), None)
                     if team in s.targets(iid)]
            new = made_from(tuple(rows), out, places)  # the network edge looks at those places only
            r.memo[key] = (seen, new)
            return new
    out = tuple(_inject_for_team(s, r, iid, team) for iid in s.fired if team in s.targets(iid))
    r.memo[key] = (seen, out)
    return out


def _grown(r: ScenarioRules, name: str, old: dict, new: dict) -> bool:
    """Whether `new` holds `old`'s entries first, equal, and maybe more after them (the
    fired injects and the ad hoc ones only grow while nothing is undone); the last answer
    for the state field `name` is kept (every team's inbox asks the same)."""
    if new is old:
        return True
    key = ("grown", name)
    memo = r.memo.get(key)
    if memo is not None and memo[0] is old and memo[1] is new:
        return memo[2]
    grown = len(new) >= len(old) and list(islice(new.items(), len(old))) == list(old.items())
    r.memo[key] = (old, new, grown)
    return grown


def _counters(a: Action) -> tuple[vt.CounterView, ...]:
    return tuple(vt.CounterView(c.by, c.by_name, c.reasons, c.turn) for c in a.counters)


def open_actions(state: State, viewer: str | None = None) -> tuple[vt.OpenActionView, ...]:
    """The actions argued open (never a secret one), but the viewer's own: what every seat
    may see of them, the adjudication once made."""
    r = state.rules
    return tuple(vt.OpenActionView(a.id, a.team, r.team_name(a.team), a.turn, a.action, a.result, a.reasons,
                                   _counters(a), a.likelihood, a.roll, a.success, a.rationale)
                 for a in state.actions.values() if a.open and a.team != viewer)


def _budget_cycle(s: State, r: ScenarioRules, team: str) -> dict[str, Any]:
    """The team's annual budget cycle and what its orders still owe (player view only)."""
    out: dict[str, Any] = dict(committed=committed(s, team), due_next=committed(s, team, s.turn + 1))
    if r.budget.carry_over is not None and r.proc is not None:
        end = max(s.turn, 1)
        while end < r.turns and not year_ends_before(r, end + 1):
            end += 1
        out.update(carry_over=r.budget.carry_over, carry_limit=carry_limit(s, r, team), year_end=end)
    return out


def _expansions(s: State, r: ScenarioRules, team: str) -> tuple[vt.ExpansionView, ...]:
    out = []
    for x in r.scenario.expansions:
        line = r.line.get(x.line, x.line)
        made = ", ".join(i.name for i in r.scenario.items if r.line[i.id] == line) or x.line
        got = s.expansions.get(x.id)
        out.append(vt.ExpansionView(x.id, x.name, made, x.capacity, x.cost, x.lead_time, x.description,
                                    r.team_name(got[0]) if got else None, got[2] if got else None,
                                    expansion_refusal(s, r, team, x.id)))
    return tuple(out)


def _order_fields(r: ScenarioRules, o: Order) -> dict[str, Any]:
    return dict(id=o.id, item=o.item, name=r.items[o.item].name, quantity=o.quantity, cost=o.cost,
                placed=o.placed, due=o.due, status=o.status, delivered=o.delivered, backlog=o.backlog,
                note=o.note, after_exercise=o.status in ("ordered", "draft") and o.due > r.turns)


def _slip_fields(r: ScenarioRules, o: Order) -> dict[str, Any]:
    """The slip risk an order of the team still runs, and what buying it down costs."""
    risk = fog.slip_risk(r, o)
    if risk is None:
        return dict(slip_note=o.slip_note, expedited=o.expedited)
    return dict(slip_chance=risk.chance, slip_turns=risk.turns, slip_units=risk.units,
                expedite_cost=risk.expedite_cost, expedite_chance=risk.expedite_chance, expedited=o.expedited,
                risk=fog.risk_words(r, o, risk), slip_note=o.slip_note)


def _team_private(s: State, r: ScenarioRules, team: str) -> dict[str, Any]:
    """The fields of `vt.TeamPrivate` but its inbox and pending decisions."""
    fields = _private(s, r, team)
    fields["orders"] = tuple(vt.Order(**_order_fields(r, o)) for o in fields["orders"])
    return fields


def _injects_of(s: State, r: ScenarioRules, team: str) -> dict[str, Any]:
    """A team's inbox and the decisions it has still to take."""
    return dict(inbox=_inbox(s, r, team), pending=_pending(s, r, team))


def _pending(s: State, r: ScenarioRules, team: str) -> tuple[str, ...]:
    """The decisions `team` has still to take: found again only when a state field they
    read is another object (the team's and the facilitator's views ask in turn), and the
    same tuple while they are equal (of ids: equal is the same JSON), its JSON made once."""
    seen = (s.unanswered, s.answers, s.adhoc, s.fired)
    memo = r.memo.get(("pending", team))
    if memo is not None and all(map(operator.is_, memo[0], seen)):
        return memo[1]
    pending = tuple(s.pending_decisions(team))
    if memo is not None and memo[1] == pending:
        pending = memo[1]
    r.memo[("pending", team)] = (seen, pending)
    return pending


def _cancel_preview(r: ScenarioRules, o: Order) -> tuple[float | None, float | None]:
    """What cancelling the order now would return and lose (team_moves.cancel_refund, the
    rule's own formula); None when it cannot be cancelled (delivered, cancelled, or placed
    before the exercise)."""
    if o.backlog or o.status not in ("draft", "ordered"):
        return None, None
    refund = cancel_refund(r, o)
    return refund, round(o.paid(r.money_places) - refund, r.money_places)  # as team_moves.cancel words it


def _left(s: State, item: model.Item, team: str) -> int:
    """Units of `item` the team may still order (max_quantity over the exercise)."""
    return max(0, item.max_quantity - ordered_by(s, team, item.id))


def _affordable(r: ScenarioRules, item: model.Item, cash: float, left: int | None = None) -> int:
    """How many units the team's money buys (team_moves.place_order's test: what is due on
    order <= money + EPS; the whole cost when paid on order), within what it may still
    order; a free item is limited only by its most in one order (or what is left)."""
    most = item.max_quantity if left is None else left
    if item.cost <= 0:
        return most
    if item.paid_on_order <= 0.0:  # nothing due on order: only the limit binds
        return most
    if item.paid_on_order < 1.0:
        # paid in instalments: the share due on order decides (the rule's own rounding)
        places, share = r.money_places, item.paid_on_order
        due = lambda k: round(round(item.cost * k, places) * share, places)
        n = max(0, int((cash + EPS) // (item.cost * share)))
        while due(n + 1) <= cash + EPS:
            n += 1
        while n and due(n) > cash + EPS:
            n -= 1
        return min(n, most) if left is not None else n
    n = max(0, int((cash + EPS) // item.cost))
    # the floor of a float division can miss by one either way: settle it by the rule's test
    while item.cost * (n + 1) <= cash + EPS:
        n += 1
    while n and item.cost * n > cash + EPS:
        n -= 1
    return min(n, most) if left is not None else n


def _forces(s: State, r: ScenarioRules, team: str) -> tuple[dict[str, float], dict[str, vt.CommandForces]]:
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
    per_command: dict[str, vt.CommandForces] = {}
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
        per_command[cid] = vt.CommandForces(here, elsewhere, sum(nonzero), len(nonzero))
    return assigned, per_command


def _orders(s: State, team: str) -> tuple[list[Order], int]:
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


# The ledger travels with every update: entries of this turn and the last one only (older
# turns give their totals), and at most this many entries a turn (a team that splits its
# budget again and again must not make every update heavy).
LEDGER_TURNS = 2
MAX_VIEW_LEDGER = 80


def ledger_turns(state: State, team: str, ledger: Iterable[Change] | None,
                 facilitator: bool = False) -> tuple[vt.LedgerTurn, ...]:
    """A team's ledger by turn, as the team (or the facilitator) may see it."""
    if ledger is None:
        return ()
    r = state.rules
    if type(ledger) is list:  # the session's: it only grows, so its length says whether it changed
        key = ("ledger", team, facilitator)
        seen = (len(ledger), state.turn, fog.revealed(state))
        memo = r.memo.get(key)
        if memo is not None and memo[0] is ledger and memo[1] == seen:
            return memo[2]
        out = _ledger_turns(state, team, ledger, facilitator)
        r.memo[key] = (ledger, seen, out)
        return out
    return _ledger_turns(state, team, ledger, facilitator)


def _ledger_turns(state: State, team: str, ledger: Iterable[Change], facilitator: bool) -> tuple[vt.LedgerTurn, ...]:
    r = state.rules
    entries = for_team(ledger, team, facilitator)
    label = lambda turn: r.scenario.calendar.label(turn) if turn else "before the start"
    if facilitator:
        return by_turn(entries, label)
    fogged = {t.name for t in fog.estimated(r)} if not fog.revealed(state) else set()
    if fogged:  # a track the team only estimates: its changes would tell the value
        entries = [e for e in entries if not (e.kind == "world" and e.what in fogged)]
    return by_turn(entries, label, full_from=state.turn - LEDGER_TURNS + 1, most=MAX_VIEW_LEDGER)


def player_view(state: State, team_id: str, ledger: Iterable[Change] | None = None) -> vt.PlayerView:
    """What team `team_id` may see (plain data: `view_json.unstructure` makes it JSON).

    `ledger`: the exercise's ledger changes (`exercise.engine.ledger`, kept by the
    session); without it the view's ledger is empty.
    """
    r = state.rules
    if team_id not in r.teams:
        raise KeyError(f"unknown team {team_id!r}")
    if ledger is None or type(ledger) is list:  # the session's ledger only grows: its length says
        key = ("player view", team_id)  # the server builds it for the team's seat and for evaluators
        seen = (ledger, len(ledger) if ledger is not None else 0)
        memo = r.memo.get(key)
        if memo is not None and memo[0] is state and memo[1][0] is seen[0] and memo[1][1] == seen[1]:
            return memo[2]
        view = _player_view(state, team_id, ledger)
        r.memo[key] = (state, seen, view)
        return view
    return _player_view(state, team_id, ledger)


def _player_view(state: State, team_id: str, ledger: Iterable[Change] | None) -> vt.PlayerView:
    (common, me, rest), made = player_parts(state, team_id, ledger)
    return vt.PlayerView(**common, me=vt.Me(**me, inbox=made["inbox"], pending=made["pending"]),
                         ledger=made["ledger"], **rest)


def player_parts(state: State, team_id: str, ledger: Iterable[Change] | None
                 ) -> tuple[tuple[dict[str, Any], dict[str, Any], dict[str, Any]], dict[str, Any]]:
    """What team `team_id`'s player view is made of: (the kept parts, the same object while
    every field they read is: the common fields, the fields of `me` but its inbox and pending
    decisions, the others but the ledger; the parts made for this state: `inbox` and `pending`
    of `me`, and `ledger`). The server patches a team's last view from the second alone
    while the first is the same object (net.protocol.player_update)."""
    kept = _kept(state, ("player parts", team_id), lambda: _player_parts(state, team_id))
    return kept, dict(**_injects_of(state, state.rules, team_id), ledger=ledger_turns(state, team_id, ledger))


def _player_parts(state: State, team_id: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The fields of the player view but the inbox, the pending decisions and the ledger:
    (the common fields, the fields of `me`, the others)."""
    r = state.rules
    me = _private(state, r, team_id, player=True)
    # What the team's screen shows that takes the rules' arithmetic, computed here once (the
    # player view only: the facilitator's view is digested into the state hash of saves).
    me["orders"] = tuple(vt.PlayerOrder(**_order_fields(r, o), refund=refund, penalty=penalty, **_slip_fields(r, o),
                                        paid=o.paid(r.money_places) if o.schedule else None,
                                        schedule=o.schedule if o.status in ("draft", "ordered") else (),
                                        instalments=o.instalments)
                         for o in me["orders"] for refund, penalty in (_cancel_preview(r, o),))
    per_exercise = r.budget.max_quantity_per == "exercise"
    assigned, forces = _forces(state, r, team_id)
    me.update(affordable={i.id: _affordable(r, i, state.cash[team_id], _left(state, i, team_id) if per_exercise else None)
                          for i in r.scenario.items},
              assigned=assigned, forces=forces, expansions=_expansions(state, r, team_id),
              ordered={i.id: ordered_by(state, team_id, i.id) for i in r.scenario.items} if per_exercise else {},
              forced=team_id in state.forced)
    v = state.verdict
    rest = dict(
        team_tracks=_team_tracks(state, r, team_id),
        outcome=None if v is None else vt.PlayerOutcome(
            v.outcome, v.name, v.turn, v.early,
            next((o.text for o in r.scenario.outcomes if o.id == v.outcome), ""),
            **_scored_for_team(state.proposal, v, team_id, state.rules)),
        incidents=incidents(state, team_id),
        open_actions=open_actions(state, team_id),
    )
    return _common(state, r, team_id), me, rest


def incidents(state: State, team: str) -> tuple[vt.Incident, ...]:
    """The adversary's actions `team` noticed, as it knows them (headline, turn, attribution)."""
    adv = state.rules.adversary
    if adv is None or not state.red_acts:
        return ()
    acts = state.rules.red_actions
    return tuple(vt.Incident(m.turn, acts[m.action].notice or "an incident",
                             adv.name if m.attributed else "unattributed")
                 for m in state.red_acts.values() if m.status == "resolved" and m.detected and team in m.teams)


def red_view(state: State, facilitator: bool = False) -> vt.RedView:
    """What the adversary may see (`facilitator`: with its rolls, for the white cell's red section).

    Its intelligence knows what is public or observable: world tracks, the teams' tracks that
    are not private, allies' spending and commands' leads; never a team's money, orders,
    split, answers, briefing or private tracks."""
    if state.rules.adversary is None:
        raise KeyError("this scenario has no adversary")
    # its objectives may be conditions on anything (fired injects, answers); the rest reads
    # none of the injects' bookkeeping
    return vt.RedView(**_kept(state, ("red parts", facilitator), lambda: _red_parts(state, facilitator)),
                      objectives=red.objectives(state))


def _red_parts(s: State, facilitator: bool) -> dict[str, Any]:
    """The red view's fields but its objectives."""
    r = s.rules
    adv = r.adversary
    assert adv is not None
    actions = []
    for a in adv.actions:
        why = red.refusal(s, a)
        if a.target == "team":
            targets = r.team_ids
        elif a.target == "command":
            targets = tuple(c for c in r.commands if red.targets_of(s, c))
        else:
            targets = ()
        if why is None and a.target == "command" and not targets:
            w = r.scenario.words
            why = f"no {w.command} has a team's {w.ally} in it"
        actions.append(vt.RedActionView(
            a.id, a.name, a.description, a.cost, a.target, a.detection, a.attribution, a.escalation, a.notice,
            tuple(explain.effect_text(e, r, facilitator=True) for e in a.effects),
            tuple(explain.effect_text(e, r, facilitator=True) for e in a.attributed_effects),
            a.max_per_turn, a.max_uses, a.from_turn, red.uses(s, a.id), red.uses(s, a.id, s.turn) if s.turn else 0,
            why is None, why or "", targets, a.source))
    moves = tuple(
        vt.RedMoveView(m.id, m.action, r.red_actions[m.action].name, m.target,
                       (r.names.get(m.target) or (r.commands[m.target].name if m.target in r.commands else m.target))
                       if m.target else "every team",
                       m.turn, m.cost, m.status, m.teams, m.detected, m.attributed,
                       m.detect_roll if facilitator else None, m.attribute_roll if facilitator else None)
        for m in s.red_acts.values())
    commands = []
    for c in r.scenario.commands:
        lead = s.leads.get(c.id)
        commands.append(vt.IntelCommand(c.id, c.name, lead, r.allies[lead].name if lead in r.allies else "",
                                        r.ally_team.get(lead) if lead else None, red.targets_of(s, c.id)))
    return dict(
        status=s.status, paused=s.paused, turn=s.turn, turns=r.turns, turn_label=_turn_label(s, r), phase=s.phase,
        phase_name=phase_word(r, s.phase), words=r.scenario.words, adversary=adv.id, name=adv.name, briefing=adv.briefing, cash=s.red_cash, income=adv.budget, unit=adv.unit,
        actions=tuple(actions), moves=moves,
        teams=tuple(vt.TeamInfo(t.id, t.name, tuple(t.allies), t.id in s.submitted) for t in r.scenario.teams),
        world=tuple(_world_track(s, r, t, None) for t in r.scenario.tracks if t.scope == "world"),
        team_tracks=tuple(t for t in _team_tracks(s, r, None) if not t.private),
        allies=tuple(vt.AllyView(a.id, a.name, a.gdp, s.spending[a.id], s.ally_command.get(a.id),
                                 r.ally_team.get(a.id), a.estimated) for a in r.scenario.allies),
        commands=tuple(commands),
        escalation_track=adv.escalation_track,
        open_actions=open_actions(s),
    )


def _inject_status(s: State, r: ScenarioRules, inj: model.Inject) -> str:
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


def facilitator_view(state: State) -> vt.FacilitatorView:
    """Everything, for the white cell: every team's private data, all injects, notes."""
    s = state
    r = s.rules
    common, own, rest = _kept(s, ("facilitator parts",), lambda: _facilitator_parts(s))
    return vt.FacilitatorView(
        **common,
        **rest,
        seed=s.seed,
        rolls=s.rolls,
        teams_private={team: vt.TeamPrivate(**own[team], **_injects_of(s, r, team)) for team in r.team_ids},
        injects=_facilitator_injects(s, r),
        notes=_notes(s),
        overrides=s.overrides,
        red=red_view(s, facilitator=True) if r.adversary is not None else None,
    )


def _facilitator_parts(s: State) -> tuple[dict[str, Any], dict[str, dict[str, Any]], dict[str, Any]]:
    """The facilitator view's fields that read none of the injects' bookkeeping, notes or
    overrides: (the common fields, each team's private fields, the others)."""
    r = s.rules
    v = s.verdict
    rest = dict(
        team_tracks=_team_tracks(s, r, None),
        actions=tuple(
            vt.FacilitatorAction(a.id, a.team, a.turn, a.action, a.result, a.reasons, a.likelihood, a.roll,
                                 a.success, a.rationale, tuple(dict(e) for e in a.effects),
                                 tuple(dict(e) for e in a.failure_effects), a.open, _counters(a))
            for a in s.actions.values()
        ),
        thresholds_crossed=tuple(vt.CrossingView(t, team or None, at, turn)
                                 for (t, team, at), turn in s.crossed.items()),
        outcome=None if v is None else vt.FacilitatorOutcome(
            v.outcome, v.name, v.reason, v.turn, v.early, v.note,
            next((o.text for o in r.scenario.outcomes if o.id == v.outcome), ""),
            **_scored(s.proposal, v, s.rules)),
        proposal=None if s.proposal is None or v is not None else vt.FacilitatorProposal(
            s.proposal.outcome, s.proposal.name, s.proposal.reason, s.proposal.score,
            _rows(s.proposal, r), _objective_rows(s.proposal.objectives),
            tuple((o.id, o.name) for o in r.scenario.outcomes)),
    )
    return _common(s, r), {team: _team_private(s, r, team) for team in r.team_ids}, rest


def _notes(s: State) -> tuple[vt.NoteView, ...]:
    key = ("notes",)
    memo = s.rules.memo.get(key)
    if memo is not None and memo[0] is s.notes:
        return memo[1]
    out = tuple(vt.NoteView(n.turn, n.phase, n.text, tuple(n.tags), n.inject, n.objective, n.rating, n.team, n.author)
                for n in s.notes)
    s.rules.memo[key] = (s.notes, out)
    return out


def _facilitator_injects(s: State, r: ScenarioRules) -> tuple[vt.FacilitatorInject, ...]:
    """Every inject of the scenario, then the ad hoc ones: the same tuple while what they
    show is (each inject the same object while its own status and answers are)."""
    key = ("facilitator injects",)
    seen = (s.fired, s.inject_status, s.inject_shift, s.fire_at, s.adhoc, s.answers)
    memo = r.memo.get(key)
    if memo is not None:
        old, out = memo
        if all(map(operator.is_, old, seen)):
            return out
        if all(map(operator.is_, old[1:4], seen[1:4])) and _grown(r, "fired", old[0], s.fired) \
                and _grown(r, "adhoc", old[4], s.adhoc) and _grown(r, "answers", old[5], s.answers):
            # injects fired and answers given since (ad hoc injects added), nothing else: only
            # their rows change
            moved = dict.fromkeys([*islice(s.fired, len(old[0]), None),
                                   *(iid for iid, _team in islice(s.answers, len(old[5]), None))])
            out = _rows_again(s, r, out, moved, islice(s.adhoc.values(), len(old[4]), None))
            r.memo[key] = (seen, out)
            return out
    answers: dict[str, dict[str, str]] = {}
    for (iid, team), (option, _) in s.answers.items():
        answers.setdefault(iid, {})[team] = option
    out = tuple(_facilitator_inject(s, r, i, answers.get(i.id, {}))
                for injects in (r.scenario.all_injects(), s.adhoc.values()) for i in injects)
    r.memo[key] = (seen, out)
    return out


def _rows_again(s: State, r: ScenarioRules, out: tuple[vt.FacilitatorInject, ...], moved: Iterable[str],
                added: Iterable[model.Inject]) -> tuple[vt.FacilitatorInject, ...]:
    """The facilitator's inject list `out` with the rows of the injects `moved` made again,
    and those `added` (ad hoc) after them."""
    rows = list(out)
    places = []
    at = r.memo.get(("inject rows",))
    if at is None:
        at = r.memo[("inject rows",)] = {i.id: n for n, i in enumerate(r.scenario.all_injects())}
    for iid in moved:
        n = at.get(iid)
        if n is None:  # an ad hoc inject already listed, or one added now (made below)
            if iid not in s.adhoc:
                continue  # no inject of this exercise: never listed
            n = len(at) + list(s.adhoc).index(iid)
            if n >= len(rows):
                continue
        inj = s.inject(iid)
        assert inj is not None
        rows[n] = _facilitator_inject(s, r, inj, _answers_to(s, r, iid))
        places.append(n)
    rows += [_facilitator_inject(s, r, i, _answers_to(s, r, i.id)) for i in added]
    return made_from(tuple(rows), out, places)  # the network edge looks at those places only


def _answers_to(s: State, r: ScenarioRules, iid: str) -> dict[str, str]:
    return {team: s.answers[(iid, team)][0] for team in r.team_ids if (iid, team) in s.answers}


def _facilitator_inject(s: State, r: ScenarioRules, i: model.Inject, answers: dict[str, str]) -> vt.FacilitatorInject:
    """An inject as the white cell sees it (`answers`: each team's choice): the same object
    while its status and answers stay (as `_inject_for_team`)."""
    status = (_inject_status(s, r, i), s.fired.get(i.id), i.id in s.adhoc,
              {team: answers[team] for team in r.team_ids if team in answers})
    key = ("facilitator inject", i.id)
    memo = r.memo.get(key)
    if memo is not None and memo[0] is i and memo[1] == status:
        return memo[2]
    text, fired, adhoc, answers = status
    view = vt.FacilitatorInject(
        id=i.id, title=i.title, sender=i.sender, to=tuple(i.to), channel=i.channel, synopsis=i.synopsis,
        text=i.text, severity=i.severity, reserve=i.reserve, status=text,
        fired=fired, notes=i.notes, expected=tuple(i.expected), objectives=tuple(i.objectives),
        tags=tuple(i.tags), source=i.source, adhoc=adhoc,
        options=tuple(vt.FacilitatorOption(o.id, o.label, o.default, explain.facilitator_effects(o, r))
                      for o in i.options),
        answers=answers)
    r.memo[key] = (i, status, view)
    return view


def _rows(p, rules) -> tuple[vt.ScoreRow, ...]:
    return tuple(vt.ScoreRow(x["id"], x["name"], x["value"], x["band"], x["points"], x["weight"], x.get("unit", ""),
                             *scorecard.thresholds(rules, x["id"]))
                 for x in p.criteria)


def _objective_rows(objectives) -> tuple[vt.ObjectiveScore, ...]:
    return tuple(vt.ObjectiveScore(x["id"], x["team"], x["name"], x["value"], x["target"], x["better"], x["met"])
                 for x in objectives)


def _scored(p, v, rules) -> dict:
    """The scorecard fields of a judged verdict (none without a scorecard: old saves' views stay)."""
    if p is None:
        return {}
    return {"proposed": v.proposed, "overridden": v.overridden, "rationale": v.rationale,
            "score": p.score, "criteria": _rows(p, rules), "objectives": _objective_rows(p.objectives)}


def _scored_for_team(p, v, team: str, rules) -> dict:
    if p is None:
        return {}
    names = {o.id: o.name for o in rules.scenario.outcomes}
    return {"score": p.score, "criteria": _rows(p, rules), "overridden": v.overridden, "rationale": v.rationale,
            "proposed_name": names.get(v.proposed or "", "No verdict") if v.overridden else None,
            "objectives": _objective_rows(x for x in p.objectives if x["team"] == team)}


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
    fogged = {t.id for t in fog.estimated(state.rules)}
    for e in events:
        vis = e.visibility
        audience = vis.audience
        if fogged and getattr(e, "team", "") is None and getattr(e, "track", None) in fogged:
            continue  # a track the team only estimates: its value (or a threshold it crossed) is not told
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
        elif audience == "argument":  # the arguer; every seat (the teams, the red cell) when argued open
            act = state.actions.get(e.action_id)
            if act is None or not (act.team == team_id or act.open):
                continue
        elif audience == "noticed":  # an adversary action: only the targeted teams that noticed it
            if not e.detected or team_id not in e.teams:
                continue
        else:  # the facilitator's only
            continue
        d = to_dict(e)  # a field left out of the journal at its default is still told
        out.append({"kind": e.kind, **{f: d[f] if f in d else getattr(e, f) for f in vis.fields}})
    return out
