"""`apply(state, event) -> state`: fold one recorded fact into the state.

Nothing here rolls, reads a clock or decides: events carry their results (new values,
rolls, reserved slots), so a replay gives exactly the live state. Handlers change a
`Transaction` (a private copy) in place; `apply` never changes its input.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from exercise import model
from exercise.engine import events as ev
from exercise.engine.state import (
    Action,
    BudgetEffect,
    Counter,
    LeadRequest,
    Note,
    Order,
    OverrideRecord,
    RedMove,
    State,
    Transaction,
    Verdict,
)

_evolve = attrs.evolve


def _started(tx: Transaction, e: ev.ExerciseStarted):
    tx.fields["status"] = "running"
    tx.fields["seed"] = e.seed


def _turn_started(tx: Transaction, e: ev.TurnStarted):
    d = tx.fields
    state = tx.state
    d["turn"] = e.turn
    d["phase"] = "briefing"
    d["submitted"] = d["forced"] = frozenset()
    d["spending_base"] = dict(state.spending)  # never share one dict between two fields
    rules = state.rules
    k = rules.proc_index
    if k is not None:
        d["invest_base"] = {t: a[k] for t, a in state.allocation.items()}
    d["budget"] = tx.owned["budget"] = {}
    if state.unanswered:  # the index of State (see there) drops the decisions every team answered
        answers, targets = state.answers, rules.targets
        d["unanswered"] = tuple(i for i in state.unanswered if any((i, t) not in answers for t in targets[i]))
    if state.budget_effects:
        d["budget_effects"] = tuple(b for b in state.budget_effects if b.last >= e.turn)
        by_team: dict[str, tuple[BudgetEffect, ...]] = {}  # the index State.team_budget_effects
        for b in d["budget_effects"]:
            by_team[b.team] = by_team.get(b.team, ()) + (b,)
        d["team_budget_effects"] = tx.owned["team_budget_effects"] = by_team


def _phase(tx: Transaction, e: ev.PhaseChanged):
    tx.fields["phase"] = e.phase
    state = tx.state
    if e.phase == "adjudication" and state.uncombined:
        # Deliberation has just closed (combine_choices ran): the index of State (see there)
        # drops the injects combined, and those every team had answered with nothing to
        # combine (answers are final: they never will be).
        answers, combined = state.answers, state.combined
        tx.fields["uncombined"] = tuple(
            i for i in state.uncombined
            if i not in combined and any((i, t) not in answers for t in state.targets(i)))


def _paused(tx: Transaction, e):
    tx.fields["paused"] = True


def _resumed(tx: Transaction, e):
    tx.fields["paused"] = False


def _ended(tx: Transaction, e: ev.ExerciseEnded):
    tx.fields["status"] = "ended"
    tx.fields["paused"] = False
    tx.fields["verdict"] = Verdict(e.outcome, e.name, e.reason, e.turn, e.early, e.note,
                                   e.proposed, e.overridden, e.rationale)


def _proposed(tx: Transaction, e: ev.VerdictProposed):
    tx.fields["status"] = "ended"
    tx.fields["paused"] = False
    tx.fields["proposal"] = e


def _track_set(tx: Transaction, e: ev.TrackSet):
    if e.team is None:
        tx.writable("tracks")[e.track] = e.value
    else:
        tx.writable("team_tracks")[(e.team, e.track)] = e.value


def _crossed(tx: Transaction, e: ev.ThresholdCrossed):
    tx.writable("crossed")[(e.track, e.team or "", e.at)] = tx.state.turn


def _overridden(tx: Transaction, e: ev.Overridden):
    if e.target == "track":
        tx.writable("tracks")[e.track] = e.value
        key = e.track
    elif e.target == "team_track":
        tx.writable("team_tracks")[(e.team, e.track)] = e.value
        key = f"{e.team}.{e.track}"
    elif e.target == "money":
        tx.writable("cash")[e.team] = e.value
        key = e.team
    else:  # spending
        tx.writable("spending")[e.ally] = e.value
        key = e.ally
    assert key is not None  # the override rule names the id of what it sets
    tx.fields["overrides"] = tx.state.overrides + (
        OverrideRecord(e.turn, e.target, key, e.previous, e.value, e.rationale),)


def _budget_set(tx: Transaction, e: ev.BudgetSet):
    tx.writable("budget")[e.team] = (e.total, e.amounts)
    tx.writable("cash")[e.team] = e.cash


def _allocation(tx: Transaction, e: ev.AllocationSet):
    rules = tx.state.rules
    tx.writable("allocation")[e.team] = tuple(e.shares[c] for c in rules.cat_ids)


def _spending(tx: Transaction, e: ev.SpendingSet):
    tx.writable("spending")[e.ally] = e.spending


def _budget_effect(tx: Transaction, e: ev.BudgetEffectAdded):
    b = BudgetEffect(e.team, e.category, e.amount, e.first, e.last, e.cause)
    tx.fields["budget_effects"] = tx.state.budget_effects + (b,)
    by_team = tx.writable("team_budget_effects")  # the index of State (see there)
    by_team[e.team] = by_team.get(e.team, ()) + (b,)


def _order_placed(tx: Transaction, e: ev.OrderPlaced):
    tx.writable("orders")[e.order] = Order(e.order, e.team, e.item, e.quantity, e.cost, e.turn, e.due,
                                           e.slots, status="draft", schedule=e.schedule,
                                           instalments=len(e.schedule) + 1 if e.schedule else 0)
    use = tx.writable("line_use")
    line = tx.state.rules.line[e.item]
    for turn, units in e.slots:
        use[(line, turn)] = use.get((line, turn), 0) + units
    ordered = tx.writable("ordered")
    ordered[e.item] = ordered.get(e.item, 0) + e.quantity
    tx.writable("cash")[e.team] = e.cash


def _order_cancelled(tx: Transaction, e: ev.OrderCancelled):
    orders = tx.writable("orders")
    o = orders[e.order]
    orders[e.order] = o.replace(status="cancelled")  # its schedule stays: what was paid; none is due any more
    if o.slots:
        use = tx.writable("line_use")
        line = tx.state.rules.line[o.item]
        for turn, units in o.slots:
            left = use.get((line, turn), 0) - units
            if left > 0:
                use[(line, turn)] = left
            else:
                use.pop((line, turn), None)
    ordered = tx.writable("ordered")
    ordered[o.item] = ordered.get(o.item, 0) - o.quantity
    tx.writable("cash")[e.team] = e.cash


def _instalment_paid(tx: Transaction, e: ev.InstalmentPaid):
    orders = tx.writable("orders")
    o = orders[e.order]
    orders[e.order] = o.replace(schedule=o.schedule[1:])
    tx.writable("cash")[e.team] = e.cash


def _instalment_deferred(tx: Transaction, e: ev.InstalmentDeferred):
    orders = tx.writable("orders")
    orders[e.order] = orders[e.order].replace(due=e.due, schedule=e.schedule)


def _lapsed(tx: Transaction, e: ev.MoneyLapsed):
    tx.writable("cash")[e.team] = e.cash


def _expansion(tx: Transaction, e: ev.ExpansionBought):
    tx.writable("expansions")[e.expansion] = (e.team, e.turn, e.ready)
    tx.writable("cash")[e.team] = e.cash


def _slip(tx: Transaction, e: ev.SlipRolled):
    tx.fields["rolls"] = tx.state.rolls + 1
    orders = tx.writable("orders")
    o = orders[e.order]
    from exercise.engine.fog import slip_note  # here: fog's rules import the decision, which imports apply

    note = slip_note(tx.state.rules, o, e)
    if e.late and e.late < o.quantity:
        # a partial slip: the late units become an order of their own (cost and line slots
        # shared pro rata), due later and rolled already; the rest stays due now
        late_cost = round(o.cost * e.late / o.quantity, tx.state.rules.money_places)
        orders[e.order] = attrs.evolve(o, quantity=o.quantity - e.late, cost=round(o.cost - late_cost, 9),
                                       slip_rolled=True, slip_note=note)
        orders[e.late_order] = attrs.evolve(o, id=e.late_order, quantity=e.late, cost=late_cost, due=e.due,
                                            slots=(), slip_rolled=True, slip_note=note)
    else:
        orders[e.order] = o.replace(slip_rolled=True, due=e.due, slip_note=note)


def _expedited(tx: Transaction, e: ev.OrderExpedited):
    orders = tx.writable("orders")
    orders[e.order] = attrs.evolve(orders[e.order], expedited=True)
    tx.writable("cash")[e.team] = e.cash


def _estimate_rolled(tx: Transaction, e: ev.EstimateRolled):
    tx.fields["rolls"] = tx.state.rolls + 1
    tx.writable("estimate_rolls")[(e.track, e.team)] = e.roll


def _estimate_narrowed(tx: Transaction, e: ev.EstimateNarrowed):
    n = tx.writable("narrowed")
    n[(e.track, e.team)] = round(n.get((e.track, e.team), 0.0) + e.amount, 9)


def _delivered(tx: Transaction, e: ev.OrderDelivered):
    orders = tx.writable("orders")
    orders[e.order] = orders[e.order].replace(status="delivered", delivered=e.turn)
    dl = tx.writable("delivered")
    key = (e.team, e.item)
    dl[key] = dl.get(key, 0) + e.quantity


def _lead_time(tx: Transaction, e: ev.LeadTimeChanged):
    lt = tx.writable("lead_time")
    lt[e.item] = lt.get(e.item, 0) + e.delta


def _assigned(tx: Transaction, e: ev.ForceAssigned):
    a = tx.writable("assigned")
    key = (e.command, e.team, e.capability)
    if e.amount:
        a[key] = e.amount
    else:
        a.pop(key, None)


def _lead_taken(tx: Transaction, e: ev.LeadTaken):
    tx.writable("leads")[e.command] = e.ally
    tx.writable("lead_changed")[e.command] = e.turn


def _lead_back(tx: Transaction, e: ev.LeadHandedBack):
    tx.writable("leads")[e.command] = e.to
    tx.writable("lead_changed")[e.command] = e.turn


def _lead_requested(tx: Transaction, e: ev.LeadRequested):
    tx.writable("lead_requests")[e.request] = LeadRequest(e.request, e.team, e.command, e.ally, e.turn)


def _lead_voted(tx: Transaction, e: ev.LeadVoted):
    qs = tx.writable("lead_requests")
    q = qs[e.request]
    qs[e.request] = _evolve(q, votes=q.votes + ((e.team, e.approve, e.reason),))


def _lead_decided(tx: Transaction, e: ev.LeadDecided):
    qs = tx.writable("lead_requests")
    qs[e.request] = _evolve(qs[e.request], status="approved" if e.approved else "refused", by=e.by,
                            reason=e.reason, decided=e.turn)


def _ally_moved(tx: Transaction, e: ev.AllyMoved):
    tx.writable("ally_command")[e.ally] = e.command


def _inject_rolled(tx: Transaction, e: ev.InjectRolled):
    tx.fields["rolls"] = tx.state.rolls + 1


def _adhoc(tx: Transaction, e: ev.AdHocInject):
    from exercise.engine.effects import structure_effects, structure_options  # rare: import lazily

    tx.writable("adhoc")[e.inject] = model.Inject(
        id=e.inject, title=e.title, text=e.text, to=e.to, reserve=True,
        effects=structure_effects(e.effects), options=structure_options(e.options),
    )


def _fired(tx: Transaction, e: ev.InjectFired):
    if e.inject not in tx.state.fired:  # a first firing: the indexes of State (see there)
        _index_fired(tx, e.inject)
    tx.writable("fired")[e.inject] = e.turn
    if e.inject in tx.state.fire_at:
        tx.writable("fire_at").pop(e.inject)


def _index_fired(tx: Transaction, iid: str) -> None:
    """Keep State.unanswered and State.uncombined as `fired` gains `iid` (see State)."""
    state, rules = tx.state, tx.state.rules
    if iid in rules.options:  # a decision of the scenario
        tx.fields["unanswered"] = state.unanswered + (iid,)
    if iid in rules.combines or iid not in rules.injects:  # an ad hoc inject may combine too
        tx.fields["uncombined"] = state.uncombined + (iid,)


def _controlled(tx: Transaction, e: ev.InjectControlled):
    a = e.action
    if a == "hold":
        tx.writable("inject_status")[e.inject] = "held"
    elif a == "skip":
        tx.writable("inject_status")[e.inject] = "skipped"
        if e.was:
            tx.writable("skipped_from")[e.inject] = e.was
    elif a == "cancel":
        tx.writable("inject_status")[e.inject] = "cancelled"
    elif a == "enable":
        tx.writable("inject_status")[e.inject] = "enabled"
    elif a == "release":
        tx.writable("inject_status").pop(e.inject, None)
    elif a == "delay":
        sh = tx.writable("inject_shift")
        sh[e.inject] = sh.get(e.inject, 0) + e.turns
        tx.writable("not_before")[e.inject] = tx.state.turn + e.turns
        if e.inject in tx.state.fire_at:
            fa = tx.writable("fire_at")
            fa[e.inject] += e.turns
    elif a == "queue":
        tx.writable("fire_at")[e.inject] = e.turns
    else:  # pragma: no cover - decide never emits another action
        raise ValueError(f"unknown inject action {a!r}")


def _unskipped(tx: Transaction, e: ev.InjectUnskipped):
    if e.status:
        tx.writable("inject_status")[e.inject] = e.status
    else:
        tx.writable("inject_status").pop(e.inject, None)
    if e.inject in tx.state.skipped_from:
        tx.writable("skipped_from").pop(e.inject)


def _combined(tx: Transaction, e: ev.ChoicesCombined):
    tx.writable("combined")[e.inject] = e.turn


def _answered(tx: Transaction, e: ev.DecisionAnswered):
    tx.writable("answers")[(e.inject, e.team)] = (e.option, e.default)


def _submitted(tx: Transaction, e: ev.Submitted):
    state = tx.state
    tx.fields["submitted"] = state.submitted | {e.team}
    if e.forced:
        tx.fields["forced"] = state.forced | {e.team}
    drafts = state.drafts(e.team)
    if drafts:
        orders = tx.writable("orders")
        for o in drafts:
            orders[o.id] = o.replace(status="ordered")


def _reopened(tx: Transaction, e: ev.Reopened | ev.DecisionReopened):
    tx.fields["submitted"] = tx.state.submitted - {e.team}
    tx.fields["forced"] = tx.state.forced - {e.team}
    if e.orders:
        orders = tx.writable("orders")
        for oid in e.orders:
            orders[oid] = orders[oid].replace(status="draft")


def _argued(tx: Transaction, e: ev.ActionArgued):
    tx.writable("actions")[e.action_id] = Action(e.action_id, e.team, e.turn, e.action, e.result, e.reasons,
                                                 open=e.open)


def _countered(tx: Transaction, e: ev.ActionCountered):
    acts = tx.writable("actions")
    act = acts[e.action_id]
    acts[e.action_id] = _evolve(act, counters=act.counters + (Counter(e.by, e.by_name, e.reasons, e.turn),))


def _adjudicated(tx: Transaction, e: ev.ActionAdjudicated):
    tx.fields["rolls"] = tx.state.rolls + 1
    acts = tx.writable("actions")
    acts[e.action_id] = _evolve(acts[e.action_id], likelihood=e.likelihood, roll=e.roll,
                                success=e.success, rationale=e.rationale, effects=e.effects,
                                failure_effects=e.failure_effects)


def _feedback(tx: Transaction, e: ev.FeedbackGiven):
    tx.fields["feedback"] = tx.state.feedback + (e,)


def _note(tx: Transaction, e: ev.NoteAdded):
    tx.fields["notes"] = tx.state.notes + (Note(e.turn, e.phase, e.text, e.tags, e.inject, e.objective, e.rating, e.team, e.author),)


def _red_credited(tx: Transaction, e: ev.RedBudgetCredited):
    tx.fields["red_cash"] = e.cash


def _red_planned(tx: Transaction, e: ev.RedActionPlanned):
    tx.fields["red_cash"] = e.cash
    tx.writable("red_acts")[e.id] = RedMove(e.id, e.action, e.target, e.turn, e.cost)


def _red_withdrawn(tx: Transaction, e: ev.RedActionWithdrawn):
    tx.fields["red_cash"] = e.cash
    acts = tx.writable("red_acts")
    acts[e.id] = _evolve(acts[e.id], status="withdrawn")


def _red_resolved(tx: Transaction, e: ev.RedActionResolved):
    tx.fields["rolls"] = tx.state.rolls + 1 + (e.attribute_roll is not None)
    acts = tx.writable("red_acts")
    acts[e.id] = _evolve(acts[e.id], status="resolved", teams=e.teams, detect_roll=e.detect_roll,
                         detected=e.detected, attribute_roll=e.attribute_roll, attributed=e.attributed)


HANDLERS: dict[type, Callable[[Transaction, Any], None]] = {  # event class -> its fold
    ev.ExerciseStarted: _started,
    ev.TurnStarted: _turn_started,
    ev.PhaseChanged: _phase,
    ev.Paused: _paused,
    ev.Resumed: _resumed,
    ev.ExerciseEnded: _ended,
    ev.VerdictProposed: _proposed,
    ev.TrackSet: _track_set,
    ev.ThresholdCrossed: _crossed,
    ev.Overridden: _overridden,
    ev.BudgetSet: _budget_set,
    ev.AllocationSet: _allocation,
    ev.SpendingSet: _spending,
    ev.BudgetEffectAdded: _budget_effect,
    ev.OrderPlaced: _order_placed,
    ev.OrderCancelled: _order_cancelled,
    ev.SlipRolled: _slip,
    ev.InstalmentPaid: _instalment_paid,
    ev.InstalmentDeferred: _instalment_deferred,
    ev.MoneyLapsed: _lapsed,
    ev.ExpansionBought: _expansion,
    ev.OrderDelivered: _delivered,
    ev.OrderExpedited: _expedited,
    ev.EstimateRolled: _estimate_rolled,
    ev.EstimateNarrowed: _estimate_narrowed,
    ev.LeadTimeChanged: _lead_time,
    ev.ForceAssigned: _assigned,
    ev.LeadTaken: _lead_taken,
    ev.LeadHandedBack: _lead_back,
    ev.LeadRequested: _lead_requested,
    ev.LeadVoted: _lead_voted,
    ev.LeadDecided: _lead_decided,
    ev.AllyMoved: _ally_moved,
    ev.InjectRolled: _inject_rolled,
    ev.AdHocInject: _adhoc,
    ev.InjectFired: _fired,
    ev.InjectControlled: _controlled,
    ev.DecisionAnswered: _answered,
    ev.ChoicesCombined: _combined,
    ev.Submitted: _submitted,
    ev.Reopened: _reopened,
    ev.DecisionReopened: _reopened,  # the same fold: why it was reopened is the event's kind
    ev.InjectUnskipped: _unskipped,
    ev.ActionArgued: _argued,
    ev.ActionCountered: _countered,
    ev.ActionAdjudicated: _adjudicated,
    ev.NoteAdded: _note,
    ev.RedBudgetCredited: _red_credited,
    ev.RedActionPlanned: _red_planned,
    ev.RedActionWithdrawn: _red_withdrawn,
    ev.RedActionResolved: _red_resolved,
    ev.FeedbackGiven: _feedback,
}
assert set(HANDLERS) == set(ev.EVENTS.values()), "every event kind needs an apply handler"


def apply(state: State, event) -> State:
    """The state after `event`. `state` is left as it was."""
    tx = Transaction(state)
    HANDLERS[type(event)](tx, event)
    return tx.state


def replay(initial: State, events) -> State:
    """Fold events into a state (one private copy for the whole fold)."""
    tx = Transaction(initial)
    h = HANDLERS
    for e in events:
        h[type(e)](tx, e)
    return tx.state
