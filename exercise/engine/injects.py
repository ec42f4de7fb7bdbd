"""Injects: firing this turn's (scheduled, windowed, conditional, chained, queued, by
chance) and the facilitator's controls (fire, type one ad hoc, hold, release, skip,
unskip, delay).

Two promises to the facilitator: an inject brought back (released or unskipped, or
released by a scenario effect: `effects.back_on_schedule` is the one rule) after its turn
has passed is queued for the next injects phase rather than silently never firing;
a decision fired during deliberation reopens the turn of each addressed team that had
submitted, so the team answers it instead of being given the default.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from exercise import model
from exercise.engine import commands as cm
from exercise.engine import events as ev
from exercise.engine.commands import Rejected
from exercise.engine.decision import Decision, check_facilitator, check_not_ended, unknown
from exercise.engine.effects import apply_effects, back_on_schedule, parse_effects, parse_options
from exercise.engine.state import State
from exercise.engine.world import StateWorld


def fire_scheduled(decision: Decision) -> None:
    """Fire this turn's injects: scheduled, windowed, conditional, chained, queued."""
    state, rules = decision.state, decision.rules
    turn = state.turn
    cands: Iterable[str] = rules.candidates.get(turn, ())
    extra = [*state.fire_at, *state.inject_shift, *(i for i, st in state.inject_status.items() if st == "enabled")]
    if extra:
        cands = sorted(set(cands).union(rules.by_turn.get(turn, ()), rules.floating, extra), key=rules.rank.__getitem__)
    world = None
    for iid in cands:
        fired = state.fired  # read again each time: an emitted event may have replaced the dict
        if iid in fired:
            continue
        status = state.inject_status.get(iid)
        if status is not None and status != "enabled":
            continue
        at = state.fire_at.get(iid)
        if at is not None and at <= turn:
            fire(decision, iid, "effect")
            continue
        inj = rules.injects[iid]
        if inj.reserve and status != "enabled":
            continue
        shift = state.inject_shift.get(iid, 0)
        if shift:
            if state.not_before.get(iid, 0) > turn:
                continue
        if inj.turn is not None:
            if turn != inj.turn + shift:
                continue
        elif inj.window is not None:
            if not inj.window[0] + shift <= turn <= inj.window[1] + shift:
                continue
        if inj.requires:
            last = 0
            ok = True
            for req in inj.requires:
                t = fired.get(req)
                if t is None:
                    ok = False
                    break
                last = t if t > last else last
            if not ok or turn < last + inj.after:
                continue
        test = rules.conds.get(iid)
        if test is not None:
            if world is None:
                world = StateWorld(state, rules)
            if not test(world):
                continue
        chance = inj.chance
        odds = rules.odds.get(iid)
        if odds is not None:  # forces assigned (or any condition) move the chance
            if world is None:
                world = StateWorld(state, rules)
            chance = min(1.0, max(0.0, round(chance + sum(add for test, add in odds if test(world)), 6)))
        if chance < 1.0:
            x = decision.roll()
            hit = x < chance
            decision.emit(ev.InjectRolled(iid, x, chance, hit))
            if not hit:
                continue
        fire(decision, iid, "schedule")


def fire(decision: Decision, iid: str, by: str) -> None:
    state = decision.state
    inj = decision.rules.injects.get(iid) or state.adhoc[iid]
    to = state.targets(iid)
    decision.emit(ev.InjectFired(iid, state.turn, to, by))
    for team in reopened_by(state, iid):  # their answer, not the default: the turn opens again
        decision.emit(ev.DecisionReopened(team, state.turn, iid, binding_orders(state, team)))
    if inj.effects:
        apply_effects(decision, inj.effects, to, f"the inject “{inj.title}”")


def reopened_by(state: State, iid: str) -> tuple[str, ...]:
    """The teams whose submitted turn firing `iid` now would reopen: it asks a decision,
    deliberation is under way (later, the decision waits for next turn's deliberation)."""
    inj = state.inject(iid)
    if inj is None or not inj.options or state.phase != "deliberation" or state.status != "running":
        return ()
    return tuple(t for t in state.targets(iid) if t in state.submitted)


def binding_orders(state: State, team: str) -> tuple[str, ...]:
    """The orders of this turn the team's submission made binding (drafts again if reopened)."""
    return tuple(o.id for o in state.orders.values()
                 if o.team == team and o.placed == state.turn and o.status == "ordered" and not o.backlog)


@attrs.frozen
class FirePreview:
    """What firing an inject now does to the teams, for the facilitator to confirm."""

    title: str
    to: tuple[str, ...]  # names of the teams it goes to (none: the facilitator only)
    decision: bool  # it asks the teams to choose an option
    reopens: tuple[str, ...]  # names of the teams whose submitted turn reopens to answer it
    effects: int  # how many effects it applies
    every: bool = False  # it goes to every team


def fire_preview(state: State, iid: str) -> FirePreview:
    inj = state.inject(iid)
    assert inj is not None, iid  # the facilitator picks from the view's injects
    names, to = state.rules.names, state.targets(iid)
    return FirePreview(inj.title, tuple(names[t] for t in to), bool(inj.options),
                       tuple(names[t] for t in reopened_by(state, iid)), len(inj.effects),
                       every=len(state.rules.team_ids) > 1 and set(to) == set(state.rules.team_ids))


def _scenario_inject(decision: Decision, iid: str, verb: str) -> model.Inject:
    inj = decision.rules.injects.get(iid)
    if inj is None:
        if iid in decision.state.adhoc:
            title = decision.state.adhoc[iid].title
            raise Rejected(f"cannot {verb} “{title}”: it was typed during the exercise and has fired already")
        raise unknown("inject", iid, decision.rules.injects)
    if iid in decision.state.fired:
        raise Rejected(f"cannot {verb} “{inj.title}”: it fired in turn {decision.state.fired[iid]}")
    return inj


def fire_inject(decision: Decision, command: cm.FireInject) -> None:
    check_facilitator(decision, command, "fire an inject")
    _scenario_inject(decision, command.inject, "fire")
    fire(decision, command.inject, "facilitator")


def fire_adhoc(decision: Decision, command: cm.FireAdHoc) -> None:
    check_facilitator(decision, command, "fire an inject")
    rules = decision.rules
    if not command.title.strip():
        raise Rejected("an inject needs a title")
    to = tuple(command.to)
    if not to:
        raise Rejected('say who receives it: "all", "facilitator" or the teams')
    for t in to:
        if t not in rules.teams and t not in ("all", "facilitator"):
            raise unknown("team", t, list(rules.teams) + ["all", "facilitator"])
    if len(to) > 1 and set(to) & {"all", "facilitator"}:
        raise Rejected('"all" and "facilitator" stand alone in to')
    parse_effects(command.effects, rules.scenario)
    if command.options:
        if to == ("facilitator",):
            raise Rejected("an inject for the facilitator only cannot ask teams to decide")
        parse_options(command.options, rules.scenario)
    n = len(decision.state.adhoc) + 1
    while f"adhoc-{n}" in rules.injects or f"adhoc-{n}" in decision.state.adhoc:
        n += 1
    iid = f"adhoc-{n}"
    decision.emit(ev.AdHocInject(iid, command.title, command.text, to, tuple(dict(e) for e in command.effects),
                          tuple(dict(o) for o in command.options)))
    fire(decision, iid, "facilitator")


def hold(decision: Decision, command: cm.HoldInject) -> None:
    check_facilitator(decision, command, "hold an inject", running=False)
    check_not_ended(decision.state, "hold an inject")
    inj = _scenario_inject(decision, command.inject, "hold")
    status = decision.state.inject_status.get(command.inject)
    if status in ("held", "skipped", "cancelled"):
        raise Rejected(f"“{inj.title}” is {status} already")
    decision.emit(ev.InjectControlled(command.inject, "hold", cause="facilitator"))


def release(decision: Decision, command: cm.ReleaseInject) -> None:
    check_facilitator(decision, command, "release an inject", running=False)
    check_not_ended(decision.state, "release an inject")
    inj = _scenario_inject(decision, command.inject, "release")
    if decision.state.inject_status.get(command.inject) != "held":
        raise Rejected(f"“{inj.title}” is not held; there is nothing to release")
    decision.emit(ev.InjectControlled(command.inject, "release", cause="facilitator"))
    back_on_schedule(decision, command.inject, "released after its turn")


def skip(decision: Decision, command: cm.SkipInject) -> None:
    check_facilitator(decision, command, "skip an inject", running=False)
    check_not_ended(decision.state, "skip an inject")
    inj = _scenario_inject(decision, command.inject, "skip")
    status = decision.state.inject_status.get(command.inject)
    if status in ("skipped", "cancelled"):
        raise Rejected(f"“{inj.title}” is {status} already")
    # what it replaces (a reserve inject an effect enabled, a held one): an unskip restores it
    decision.emit(ev.InjectControlled(command.inject, "skip", cause="facilitator", was=status or ""))


def unskip(decision: Decision, command: cm.UnskipInject) -> None:
    check_facilitator(decision, command, "bring back an inject", running=False)
    check_not_ended(decision.state, "bring back an inject")
    inj = _scenario_inject(decision, command.inject, "bring back")
    if decision.state.inject_status.get(command.inject) != "skipped":
        raise Rejected(f"“{inj.title}” is not skipped; there is nothing to bring back")
    was = decision.state.skipped_from.get(command.inject, "")
    decision.emit(ev.InjectUnskipped(command.inject, decision.state.turn, status=was))
    if was != "held":  # held again: it waits for its release, which reschedules it
        back_on_schedule(decision, command.inject, "brought back after its turn")


def delay(decision: Decision, command: cm.DelayInject) -> None:
    check_facilitator(decision, command, "delay an inject", running=False)
    check_not_ended(decision.state, "delay an inject")
    inj = _scenario_inject(decision, command.inject, "delay")
    if not isinstance(command.turns, int) or command.turns < 1:
        raise Rejected("delay by at least 1 turn")
    status = decision.state.inject_status.get(command.inject)
    if status in ("skipped", "cancelled"):
        raise Rejected(f"“{inj.title}” is {status}; there is nothing to delay")
    decision.emit(ev.InjectControlled(command.inject, "delay", turns=command.turns, cause="facilitator"))
