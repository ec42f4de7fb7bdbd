"""The turn's flow, the facilitator's to drive: start, advance through the phases (firing
injects, closing deliberation, adjudicating the turn), end, reopen a team's turn, pause.
"""

from __future__ import annotations

import attrs

from exercise.engine import commands as cm
from exercise.engine import events as ev
from exercise.engine import fog, red
from exercise.engine import scorecard as sc
from exercise.engine.budget import close_year, pay_instalments, rebudget, under_floor, year_ends_before
from exercise.engine.commands import Rejected
from exercise.engine.decision import Decision, check_facilitator, moment, percent, phase_word
from exercise.engine.effects import apply_effects, set_track
from exercise.engine.injects import binding_orders, fire_scheduled
from exercise.engine.state import State
from exercise.engine.team_moves import cancel, combine_choices, record_answer
from exercise.engine.world import judge


def start(decision: Decision, command: cm.Start) -> None:
    check_facilitator(decision, command, "start the exercise", running=False)
    if decision.state.status != "ready":
        raise Rejected("the exercise has already started" if decision.state.status == "running"
                       else "the exercise has ended")
    decision.emit(ev.ExerciseStarted(decision.rules.scenario.id, decision.state.seed))
    start_turn(decision, 1)


def start_turn(decision: Decision, turn: int) -> None:
    if year_ends_before(decision.rules, turn):
        close_year(decision)
    decision.emit(ev.TurnStarted(turn))
    fog.roll_estimates(decision, turn)
    red.credit(decision, turn)
    for team in decision.rules.team_ids:
        rebudget(decision, team, f"turn {turn}'s budget")
    pay_instalments(decision)


def advance(decision: Decision, command: cm.Advance) -> None:
    check_facilitator(decision, command, "advance the exercise", paused_ok=False)
    state = decision.state
    phase, turn = state.phase, state.turn
    if phase == "briefing":
        decision.emit(ev.PhaseChanged(turn, "injects"))
        fire_scheduled(decision)
    elif phase == "injects":
        decision.emit(ev.PhaseChanged(turn, "deliberation"))
    elif phase == "deliberation":
        _close_deliberation(decision, command.force)
        decision.emit(ev.PhaseChanged(turn, "adjudication"))
        _adjudicate_turn(decision)
    elif phase == "adjudication":
        decision.emit(ev.PhaseChanged(turn, "summary"))
    elif turn >= decision.rules.turns:
        end(decision, early=False)
    else:
        start_turn(decision, turn + 1)


def _close_deliberation(decision: Decision, force: bool) -> None:
    state, rules = decision.state, decision.rules
    missing = [t for t in rules.team_ids if t not in state.submitted]
    if missing and not force:
        names = ", ".join(rules.team_name(t) for t in missing)
        raise Rejected(f"waiting for {names} to submit; advance with force to go on without them "
                       "(their unanswered decisions take the default, their draft orders are withdrawn)")
    for team in rules.team_ids:
        for iid in state.pending_decisions(team):
            record_answer(decision, team, iid, state.default_option(iid), default=True)
        if team not in state.submitted:
            for o in state.drafts(team):
                cancel(decision, o, o.paid(rules.money_places), "withdrawn: the team did not submit")
            decision.emit(ev.Submitted(team, state.turn, forced=True))
    combine_choices(decision)


@attrs.frozen
class TeamLoss:
    """What one team loses if deliberation is closed by force now."""

    team: str
    name: str
    submitted: bool  # it submitted, with decisions left open
    decisions: tuple[tuple[str, str], ...]  # (inject title, the default option's label that will apply)
    drafts: tuple[tuple[str, int, float], ...]  # (item name, quantity, cost) withdrawn, money back


def force_losses(state: State) -> tuple[TeamLoss, ...]:
    """Team by team, what a forced advance out of deliberation takes: the open decisions
    (answered with their default) and, of a team that has not submitted, its draft orders
    (withdrawn). Teams that lose nothing are left out. The same as `_close_deliberation` does."""
    rules = state.rules
    out = []
    for team in rules.team_ids:
        submitted = team in state.submitted
        decisions = []
        for iid in state.pending_decisions(team):
            inj = state.inject(iid)
            assert inj is not None  # a pending decision is a fired inject
            default = state.default_option(iid)
            label = next((o.label for o in inj.options if o.id == default), default)
            decisions.append((inj.title, label))
        drafts = () if submitted else tuple((rules.items[o.item].name, o.quantity, o.paid(rules.money_places))
                                            for o in state.drafts(team))
        if decisions or drafts or not submitted:
            out.append(TeamLoss(team, rules.names[team], submitted, tuple(decisions), drafts))
    return tuple(out)


def _adjudicate_turn(decision: Decision) -> None:
    """Rigid rules and dice when deliberation closes: deliveries, slips, decay, then the
    adversary's actions."""
    state, rules = decision.state, decision.rules
    turn = state.turn
    for o in [o for o in state.orders.values() if o.status == "ordered" and o.due <= turn]:
        item = rules.items[o.item]
        if not o.slip_rolled and fog.slip_chance(item, o) > 0 and item.slip_turns > 0:
            if fog.roll_slip(decision, o, turn):
                continue
            o = decision.state.orders[o.id]  # a partial slip left fewer units due now
        decision.emit(ev.OrderDelivered(o.id, o.team, o.item, o.quantity, turn))
        apply_effects(decision, item.effects, (o.team,), f"delivery of {o.quantity} {item.name}", times=o.quantity)
    for track, cat, floor, decay in rules.funded:
        for team in rules.team_ids:
            total, amounts = state.budget.get(team, (0.0, {}))
            share = amounts.get(cat, 0.0) / total if total > 0 else 0.0
            if under_floor(amounts.get(cat, 0.0), total, floor, rules.money_places):
                set_track(decision, track, team, state.team_tracks[(team, track)] - decay,
                          f"decay: {rules.cat[cat].name} got {percent(share)} of the budget, under its floor of {percent(floor)}",
                          source="decay")
    red.resolve(decision)  # the adversary's actions land last, on the turn as the teams left it


def end(decision: Decision, early: bool, note: str = "") -> None:
    state, rules = decision.state, decision.rules
    if rules.scenario.scorecard is None:
        oid, name, reason = judge(state, rules)
        decision.emit(ev.ExerciseEnded(oid, name, reason, state.turn, early, note))
        return
    rows = sc.criteria(state, rules)  # measured once: the verdict's reason reads the same rows
    oid, name, reason = judge(state, rules, rows)
    decision.emit(ev.VerdictProposed(oid, name, reason, state.turn, early, note, sc.score(rows), rows,
                                     sc.objectives(state, rules)))


def judge_verdict(decision: Decision, command: cm.Judge) -> None:
    """The facilitator (the US desk) confirms the proposed outcome or overrides it."""
    state, rules = decision.state, decision.rules
    check_facilitator(decision, command, "judge the verdict", running=False)
    p = state.proposal
    if p is None or state.verdict is not None:
        raise Rejected("there is no proposed verdict to judge" if state.verdict is None
                       else f"the verdict is already judged: {state.verdict.name}")
    outcomes = {o.id: o for o in rules.scenario.outcomes}
    chosen = p.outcome if command.outcome is None else command.outcome
    if chosen is not None and chosen not in outcomes:
        raise Rejected(f"unknown outcome {chosen!r}; outcomes: {', '.join(outcomes)}")
    overridden = chosen != p.outcome
    rationale = command.rationale.strip()
    if overridden and not rationale:
        raise Rejected("overriding the proposed outcome needs a rationale: say why")
    name = outcomes[chosen].name if chosen is not None else "No verdict"
    decision.emit(ev.ExerciseEnded(chosen, name, p.reason, p.turn, p.early, p.note,
                                   proposed=p.outcome, overridden=overridden, rationale=rationale))


def end_early(decision: Decision, command: cm.End) -> None:
    check_facilitator(decision, command, "end the exercise")
    end(decision, early=True, note=command.reason)


def reopen(decision: Decision, command: cm.Reopen) -> None:
    check_facilitator(decision, command, "reopen a team's turn")
    state, rules = decision.state, decision.rules
    if command.team not in rules.teams:
        raise Rejected(f"unknown team {command.team!r}; teams: {', '.join(rules.team_ids)}")
    if state.phase != "deliberation":
        raise Rejected(f"a team's turn can be reopened in {phase_word(state.rules, 'deliberation')} only "
                       f"(now: {moment(state)})")
    if command.team not in state.submitted:
        raise Rejected(f"{rules.names[command.team]} has not submitted: it can still act this turn")
    decision.emit(ev.Reopened(command.team, state.turn, binding_orders(state, command.team)))


def pause(decision: Decision, command: cm.Pause) -> None:
    check_facilitator(decision, command, "pause the exercise")
    if decision.state.paused:
        raise Rejected("the exercise is already paused")
    decision.emit(ev.Paused())


def resume(decision: Decision, command: cm.Resume) -> None:
    check_facilitator(decision, command, "resume the exercise")
    if not decision.state.paused:
        raise Rejected("the exercise is not paused")
    decision.emit(ev.Resumed())
