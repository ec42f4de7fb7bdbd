"""Injects: firing this turn's (scheduled, windowed, conditional, chained, queued, by
chance) and the facilitator's controls (fire, type one ad hoc, hold, release, skip, delay).
"""

from __future__ import annotations

from collections.abc import Iterable

from exercise import model
from exercise.engine import commands as cm
from exercise.engine import events as ev
from exercise.engine.commands import Rejected
from exercise.engine.decision import Decision, check_facilitator, check_not_ended, unknown
from exercise.engine.effects import apply_effects, parse_effects, parse_options
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
        if inj.chance < 1.0:
            x = decision.roll()
            hit = x < inj.chance
            decision.emit(ev.InjectRolled(iid, x, inj.chance, hit))
            if not hit:
                continue
        fire(decision, iid, "schedule")


def fire(decision: Decision, iid: str, by: str) -> None:
    inj = decision.rules.injects.get(iid) or decision.state.adhoc[iid]
    to = decision.state.targets(iid)
    decision.emit(ev.InjectFired(iid, decision.state.turn, to, by))
    if inj.effects:
        apply_effects(decision, inj.effects, to, f"the inject “{inj.title}”")


def _scenario_inject(decision: Decision, iid: str, verb: str) -> model.Inject:
    inj = decision.rules.injects.get(iid)
    if inj is None:
        if iid in decision.state.adhoc:
            raise Rejected(f"{iid!r} was typed during the exercise and has fired already")
        raise unknown("inject", iid, decision.rules.injects)
    if iid in decision.state.fired:
        raise Rejected(f"cannot {verb} {iid!r}: it fired in turn {decision.state.fired[iid]}")
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
        raise Rejected('say who receives it: "all", "facilitator" or team ids')
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
    _scenario_inject(decision, command.inject, "hold")
    status = decision.state.inject_status.get(command.inject)
    if status in ("held", "skipped", "cancelled"):
        raise Rejected(f"{command.inject!r} is {status} already")
    decision.emit(ev.InjectControlled(command.inject, "hold", cause="facilitator"))


def release(decision: Decision, command: cm.ReleaseInject) -> None:
    check_facilitator(decision, command, "release an inject", running=False)
    check_not_ended(decision.state, "release an inject")
    _scenario_inject(decision, command.inject, "release")
    if decision.state.inject_status.get(command.inject) != "held":
        raise Rejected(f"{command.inject!r} is not held")
    decision.emit(ev.InjectControlled(command.inject, "release", cause="facilitator"))


def skip(decision: Decision, command: cm.SkipInject) -> None:
    check_facilitator(decision, command, "skip an inject", running=False)
    check_not_ended(decision.state, "skip an inject")
    _scenario_inject(decision, command.inject, "skip")
    status = decision.state.inject_status.get(command.inject)
    if status in ("skipped", "cancelled"):
        raise Rejected(f"{command.inject!r} is {status} already")
    decision.emit(ev.InjectControlled(command.inject, "skip", cause="facilitator"))


def delay(decision: Decision, command: cm.DelayInject) -> None:
    check_facilitator(decision, command, "delay an inject", running=False)
    check_not_ended(decision.state, "delay an inject")
    _scenario_inject(decision, command.inject, "delay")
    if not isinstance(command.turns, int) or command.turns < 1:
        raise Rejected("delay by at least 1 turn")
    status = decision.state.inject_status.get(command.inject)
    if status in ("skipped", "cancelled"):
        raise Rejected(f"{command.inject!r} is {status}; there is nothing to delay")
    decision.emit(ev.InjectControlled(command.inject, "delay", turns=command.turns, cause="facilitator"))
