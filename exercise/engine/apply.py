"""`apply(state, event) -> state`: fold one recorded fact into the state.

Nothing here rolls, reads a clock or decides: events carry their results (new values,
rolls, reserved slots), so a replay gives exactly the live state. Handlers change a `Tx`
(a private copy) in place; `apply` never changes its input.
"""

from __future__ import annotations

import attrs

from exercise import model
from exercise.engine import events as ev
from exercise.engine.state import Action, BudgetEffect, Note, Order, OverrideRecord, State, Tx, Verdict

_evolve = attrs.evolve


def _started(tx: Tx, e: ev.ExerciseStarted):
    tx.d["status"] = "running"
    tx.d["seed"] = e.seed


def _turn_started(tx: Tx, e: ev.TurnStarted):
    d = tx.d
    s = tx.s
    d["turn"] = e.turn
    d["phase"] = "briefing"
    d["submitted"] = frozenset()
    d["spending_base"] = dict(s.spending)  # never share one dict between two fields
    r = s.rules
    if r.proc is not None:
        k = r.cat_ids.index(r.proc)
        d["invest_base"] = {t: a[k] for t, a in s.allocation.items()}
    d["budget"] = tx.owned["budget"] = {}
    if s.budget_effects:
        d["budget_effects"] = tuple(b for b in s.budget_effects if b.last >= e.turn)


def _phase(tx: Tx, e: ev.PhaseChanged):
    tx.d["phase"] = e.phase


def _paused(tx: Tx, e):
    tx.d["paused"] = True


def _resumed(tx: Tx, e):
    tx.d["paused"] = False


def _ended(tx: Tx, e: ev.ExerciseEnded):
    tx.d["status"] = "ended"
    tx.d["paused"] = False
    tx.d["verdict"] = Verdict(e.outcome, e.name, e.reason, e.turn, e.early, e.note)


def _track_set(tx: Tx, e: ev.TrackSet):
    if e.team is None:
        tx.w("tracks")[e.track] = e.value
    else:
        tx.w("team_tracks")[(e.team, e.track)] = e.value


def _crossed(tx: Tx, e: ev.ThresholdCrossed):
    tx.w("crossed")[(e.track, e.team or "", e.at)] = tx.s.turn


def _overridden(tx: Tx, e: ev.Overridden):
    if e.target == "track":
        tx.w("tracks")[e.track] = e.value
        key = e.track
    elif e.target == "team_track":
        tx.w("team_tracks")[(e.team, e.track)] = e.value
        key = f"{e.team}.{e.track}"
    elif e.target == "money":
        tx.w("cash")[e.team] = e.value
        key = e.team
    else:  # spending
        tx.w("spending")[e.ally] = e.value
        key = e.ally
    tx.d["overrides"] = tx.s.overrides + (
        OverrideRecord(e.turn, e.target, key, e.previous, e.value, e.rationale),)


def _budget_set(tx: Tx, e: ev.BudgetSet):
    tx.w("budget")[e.team] = (e.total, e.amounts)
    tx.w("cash")[e.team] = e.cash


def _allocation(tx: Tx, e: ev.AllocationSet):
    r = tx.s.rules
    tx.w("allocation")[e.team] = tuple(e.shares[c] for c in r.cat_ids)


def _spending(tx: Tx, e: ev.SpendingSet):
    tx.w("spending")[e.ally] = e.spending


def _budget_effect(tx: Tx, e: ev.BudgetEffectAdded):
    tx.d["budget_effects"] = tx.s.budget_effects + (
        BudgetEffect(e.team, e.category, e.amount, e.first, e.last, e.cause),)


def _order_placed(tx: Tx, e: ev.OrderPlaced):
    tx.w("orders")[e.order] = Order(e.order, e.team, e.item, e.quantity, e.cost, e.turn, e.due,
                                    e.slots, status="draft")
    use = tx.w("line_use")
    line = tx.s.rules.line[e.item]
    for turn, units in e.slots:
        use[(line, turn)] = use.get((line, turn), 0) + units
    ordered = tx.w("ordered")
    ordered[e.item] = ordered.get(e.item, 0) + e.quantity
    tx.w("cash")[e.team] = e.cash


def _order_cancelled(tx: Tx, e: ev.OrderCancelled):
    orders = tx.w("orders")
    o = orders[e.order]
    orders[e.order] = o.replace(status="cancelled")
    if o.slots:
        use = tx.w("line_use")
        line = tx.s.rules.line[o.item]
        for turn, units in o.slots:
            left = use.get((line, turn), 0) - units
            if left > 0:
                use[(line, turn)] = left
            else:
                use.pop((line, turn), None)
    ordered = tx.w("ordered")
    ordered[o.item] = ordered.get(o.item, 0) - o.quantity
    tx.w("cash")[e.team] = e.cash


def _slip(tx: Tx, e: ev.SlipRolled):
    tx.d["rolls"] = tx.s.rolls + 1
    orders = tx.w("orders")
    orders[e.order] = orders[e.order].replace(slip_rolled=True, due=e.due)


def _delivered(tx: Tx, e: ev.OrderDelivered):
    orders = tx.w("orders")
    orders[e.order] = orders[e.order].replace(status="delivered", delivered=e.turn)
    dl = tx.w("delivered")
    key = (e.team, e.item)
    dl[key] = dl.get(key, 0) + e.quantity


def _lead_time(tx: Tx, e: ev.LeadTimeChanged):
    lt = tx.w("lead_time")
    lt[e.item] = lt.get(e.item, 0) + e.delta


def _assigned(tx: Tx, e: ev.ForceAssigned):
    a = tx.w("assigned")
    key = (e.command, e.team, e.capability)
    if e.amount:
        a[key] = e.amount
    else:
        a.pop(key, None)


def _lead_taken(tx: Tx, e: ev.LeadTaken):
    tx.w("leads")[e.command] = e.ally
    tx.w("lead_changed")[e.command] = e.turn


def _lead_back(tx: Tx, e: ev.LeadHandedBack):
    tx.w("leads")[e.command] = e.to
    tx.w("lead_changed")[e.command] = e.turn


def _ally_moved(tx: Tx, e: ev.AllyMoved):
    tx.w("ally_command")[e.ally] = e.command


def _inject_rolled(tx: Tx, e: ev.InjectRolled):
    tx.d["rolls"] = tx.s.rolls + 1


def _adhoc(tx: Tx, e: ev.AdHocInject):
    from exercise.engine.effects import structure_effects, structure_options  # rare: import lazily

    tx.w("adhoc")[e.inject] = model.Inject(
        id=e.inject, title=e.title, text=e.text, to=e.to, reserve=True,
        effects=structure_effects(e.effects), options=structure_options(e.options),
    )


def _fired(tx: Tx, e: ev.InjectFired):
    tx.w("fired")[e.inject] = e.turn
    if e.inject in tx.s.fire_at:
        tx.w("fire_at").pop(e.inject)


def _controlled(tx: Tx, e: ev.InjectControlled):
    a = e.action
    if a == "hold":
        tx.w("inject_status")[e.inject] = "held"
    elif a == "skip":
        tx.w("inject_status")[e.inject] = "skipped"
    elif a == "cancel":
        tx.w("inject_status")[e.inject] = "cancelled"
    elif a == "enable":
        tx.w("inject_status")[e.inject] = "enabled"
    elif a == "release":
        tx.w("inject_status").pop(e.inject, None)
    elif a == "delay":
        sh = tx.w("inject_shift")
        sh[e.inject] = sh.get(e.inject, 0) + e.turns
        tx.w("not_before")[e.inject] = tx.s.turn + e.turns
        if e.inject in tx.s.fire_at:
            fa = tx.w("fire_at")
            fa[e.inject] += e.turns
    elif a == "queue":
        tx.w("fire_at")[e.inject] = e.turns
    else:  # pragma: no cover - decide never emits another action
        raise ValueError(f"unknown inject action {a!r}")


def _answered(tx: Tx, e: ev.DecisionAnswered):
    tx.w("answers")[(e.inject, e.team)] = (e.option, e.default)


def _submitted(tx: Tx, e: ev.Submitted):
    s = tx.s
    tx.d["submitted"] = s.submitted | {e.team}
    drafts = s.drafts(e.team)
    if drafts:
        orders = tx.w("orders")
        for o in drafts:
            orders[o.id] = o.replace(status="ordered")


def _reopened(tx: Tx, e: ev.Reopened):
    tx.d["submitted"] = tx.s.submitted - {e.team}
    if e.orders:
        orders = tx.w("orders")
        for oid in e.orders:
            orders[oid] = orders[oid].replace(status="draft")


def _argued(tx: Tx, e: ev.ActionArgued):
    tx.w("actions")[e.action_id] = Action(e.action_id, e.team, e.turn, e.action, e.result, e.reasons)


def _adjudicated(tx: Tx, e: ev.ActionAdjudicated):
    tx.d["rolls"] = tx.s.rolls + 1
    acts = tx.w("actions")
    acts[e.action_id] = _evolve(acts[e.action_id], likelihood=e.likelihood, roll=e.roll,
                                success=e.success, rationale=e.rationale, effects=e.effects,
                                failure_effects=e.failure_effects)


def _note(tx: Tx, e: ev.NoteAdded):
    tx.d["notes"] = tx.s.notes + (Note(e.turn, e.phase, e.text, e.tags, e.inject, e.objective, e.rating),)


HANDLERS = {
    ev.ExerciseStarted: _started,
    ev.TurnStarted: _turn_started,
    ev.PhaseChanged: _phase,
    ev.Paused: _paused,
    ev.Resumed: _resumed,
    ev.ExerciseEnded: _ended,
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
    ev.OrderDelivered: _delivered,
    ev.LeadTimeChanged: _lead_time,
    ev.ForceAssigned: _assigned,
    ev.LeadTaken: _lead_taken,
    ev.LeadHandedBack: _lead_back,
    ev.AllyMoved: _ally_moved,
    ev.InjectRolled: _inject_rolled,
    ev.AdHocInject: _adhoc,
    ev.InjectFired: _fired,
    ev.InjectControlled: _controlled,
    ev.DecisionAnswered: _answered,
    ev.Submitted: _submitted,
    ev.Reopened: _reopened,
    ev.ActionArgued: _argued,
    ev.ActionAdjudicated: _adjudicated,
    ev.NoteAdded: _note,
}
assert set(HANDLERS) == set(ev.EVENTS.values()), "every event kind needs an apply handler"


def apply(state: State, event) -> State:
    """The state after `event`. `state` is left as it was."""
    tx = Tx(state)
    HANDLERS[type(event)](tx, event)
    return tx.s


def replay(initial: State, events) -> State:
    """Fold events into a state (one private copy for the whole fold)."""
    tx = Tx(initial)
    h = HANDLERS
    for e in events:
        h[type(e)](tx, e)
    return tx.s
