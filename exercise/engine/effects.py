"""Effects: carrying them out (tracks and their thresholds, budgets, items, injects,
allies), and reading the effects the facilitator types live (ad-hoc injects, adjudications).

Typed effects are structured with the model's converter and checked by the same effect
rules a pack file obeys (`exercise.effect_rules`), so an effect typed live obeys exactly
what a pack file would.
"""

from __future__ import annotations

import math

from exercise import model
from exercise.engine import events as ev
from exercise.engine.budget import rebudget
from exercise.engine.commands import Rejected
from exercise.engine.decision import Decision, number, teams_named
from exercise.engine.fog import narrow
from exercise.engine.state import State
from exercise.engine.trackfx import EACH, combine_of, soften, zone_of


def apply_effects(decision: Decision, effects, selves: tuple[str, ...], cause: str, times: int = 1,
                  source: str = "", answer: bool = False) -> None:
    """Carry out effects; 'self' is each of `selves` (every team when there is none).
    `source` is the kind of cause the events record (see events.TrackSet.source).
    `answer`: the effects of an option a team chose; those that combine over the teams
    ('once', 'mean') wait for deliberation to close (`combine_choices`)."""
    if not selves:
        selves = decision.rules.team_ids
    tracks = decision.rules.tracks
    for effect in effects:
        if answer and effect.track in tracks and combine_of(effect, tracks[effect.track]) != EACH:
            continue
        _apply_effect(decision, effect, selves, cause, times, source)


def _apply_effect(decision: Decision, effect: model.Effect, selves, cause: str, times: int, source: str) -> None:
    rules, state = decision.rules, decision.state
    track = effect.track
    if track is not None:
        t = rules.tracks.get(track)
        if t is None:
            return
        value, add = effect.set, (effect.add or 0.0) * times
        named = teams_named(decision, effect.team, selves)
        if effect.narrow is not None:  # shared intelligence: the teams' view, not the value
            narrow(decision, effect, named, cause, times)
            return
        for team in (None,) if t.scope == "world" else named:  # a world track has one value
            if value is not None:
                set_track(decision, track, team, value, cause, source)
            else:
                add_track(decision, t, team, add, zone_of(effect, t), cause, source)
    elif effect.budget is not None:
        if not effect.add:
            return
        first = max(1, state.turn)
        last = first + max(1, effect.turns or 1) - 1
        for team in teams_named(decision, effect.team, selves):
            amount = round(effect.add * times, rules.money_places)
            decision.emit(ev.BudgetEffectAdded(team, effect.budget, amount, first, last, cause, source))
            if state.status == "running":
                rebudget(decision, team, cause, source=source)
    elif effect.item is not None:
        if effect.lead_time and effect.item in rules.items:
            decision.emit(ev.LeadTimeChanged(effect.item, effect.lead_time * times, cause))
    elif effect.inject is not None:
        _inject_effect(decision, effect.inject, effect.action, cause)
    elif effect.ally is not None:
        if (effect.command in rules.commands and effect.ally in rules.allies
                and state.ally_command.get(effect.ally) != effect.command):
            decision.emit(ev.AllyMoved(effect.ally, effect.command, cause))


def add_track(decision: Decision, t: model.Track, team: str | None, add: float, zone: float, cause: str,
              source: str = "") -> None:
    """Add to a track; within `zone` (a share of its scale) of the bound it moves towards,
    the add shrinks (`trackfx.soften`), and the event records what was asked."""
    old = decision.fields["tracks"][t.id] if team is None else decision.fields["team_tracks"][(team, t.id)]
    if zone > 0 and add:
        value = soften(old, add, t.min, t.max, zone)
        asked = add if round(value, t.decimals) != round(old + add, t.decimals) else None
        set_track(decision, t.id, team, value, cause, source, asked=asked)
    else:
        set_track(decision, t.id, team, old + add, cause, source)


def set_track(decision: Decision, track: str, team: str | None, value: float, cause: str, source: str = "",
              asked: float | None = None) -> None:
    """Set a track (clamped to its bounds, rounded to its decimals: 4.1 - 0.1 is 4, not
    3.9999999999999996); crossing a threshold downwards applies its effects once."""
    rules = decision.rules
    lo, hi = rules.bounds[track]
    value = round(float(min(hi, max(lo, value))), rules.places[track])
    old = decision.fields["tracks"][track] if team is None else decision.fields["team_tracks"][(team, track)]
    if value == old:
        return
    decision.emit(ev.TrackSet(track, team, value, cause, source, asked))
    ths = rules.thresholds.get(track)
    if ths and value < old:
        t = rules.tracks[track]
        for th in reversed(ths):  # highest first: the order in which a falling value meets them
            if value < th.at <= old and (track, team or "", th.at) not in decision.state.crossed:
                decision.emit(ev.ThresholdCrossed(track, team, th.at, th.label))
                apply_effects(decision, th.effects, (team,) if team else decision.rules.team_ids,
                              f"{t.name} fell below {number(th.at, t.decimals)}", source="threshold")


def _inject_effect(decision: Decision, target: str, action: str | None, cause: str) -> None:
    state = decision.state
    inj = decision.rules.injects.get(target)
    if inj is None or target in state.fired:
        return
    status = state.inject_status.get(target)
    if action == "enable":
        if status == "held":
            decision.emit(ev.InjectControlled(target, "release", cause=cause))
            if inj.reserve:  # released to its reserve it would wait for a hand: the effect enables it
                decision.emit(ev.InjectControlled(target, "enable", cause=cause))
            else:  # the same rule as the facilitator's release: after its turn, it is queued
                back_on_schedule(decision, target, f"released after its turn by {cause}")
        elif inj.reserve and status is None:
            decision.emit(ev.InjectControlled(target, "enable", cause=cause))
    elif action == "cancel":
        if status != "cancelled":
            decision.emit(ev.InjectControlled(target, "cancel", cause=cause))
    elif action == "fire":
        if state.fire_at.get(target) != state.turn + 1:
            decision.emit(ev.InjectControlled(target, "queue", turns=state.turn + 1, cause=cause))


# -- an inject brought back after its turn -------------------------------------------------
def next_injects_turn(state: State) -> int:
    """The turn whose injects go out next: this one while its briefing lasts, else the next."""
    if state.status == "ready" or state.phase in ("", "briefing"):
        return max(state.turn, 1)
    return state.turn + 1


def passed(state: State, iid: str, at: int) -> bool:
    """True if the inject's own schedule has no turn left from `at` on (its turn or window)."""
    inj = state.rules.injects[iid]
    if iid in state.fire_at or inj.reserve:  # queued: it goes out anyway; reserve: by hand
        return False
    shift = state.inject_shift.get(iid, 0)
    if inj.turn is not None:
        return inj.turn + shift < at
    if inj.window is not None:
        return inj.window[1] + shift < at
    return False  # chained or conditional: looked at every turn


def back_on_schedule(decision: Decision, iid: str, why: str) -> None:
    """Queue an inject brought back after its turn for the next injects phase (if there is one)."""
    at = next_injects_turn(decision.state)
    if at <= decision.rules.turns and passed(decision.state, iid, at):
        decision.emit(ev.InjectControlled(iid, "queue", turns=at, cause=why))


# -- effects typed live -----------------------------------------------------------------
# Typed effects are rare (an ad-hoc inject, an adjudication): the converter (cattrs) and
# the effect rules are imported on first use, not with the engine.
def structure_effects(dicts) -> tuple[model.Effect, ...]:
    """Effects from dicts already checked (by `parse_effects`)."""
    from exercise import convert

    return tuple(convert.converter().structure(dict(d), model.Effect) for d in dicts)


def structure_options(dicts) -> tuple[model.Option, ...]:
    from exercise import convert

    return tuple(convert.converter().structure(dict(d), model.Option) for d in dicts)


def _structure(d, cls, label: str):
    from exercise import convert

    if not isinstance(d, dict):
        raise Rejected(f"{label}: expected a table of keys, found {type(d).__name__}")
    obj, errs = convert.structure(dict(d), cls)
    if obj is None:
        msgs = "; ".join(f"{'.'.join(map(str, path)) or 'it'}: {msg}{hint}" for path, msg, hint in errs)
        raise Rejected(f"{label}: {msgs}")
    return obj


def check_effects(effects, scenario: model.Scenario, label: str = "effect") -> None:
    """Rejected listing every problem of the effects (unknown ids, missing add/set, ...)."""
    from exercise.effect_rules import effect_problems  # the pack rules for effects, not a copy

    if not effects:
        return
    for k, e in enumerate(effects, 1):
        if any(v is not None and not math.isfinite(v) for v in (e.add, e.set)):
            raise Rejected(f"{label} {k}: add and set must be ordinary numbers")
    errors = effect_problems(scenario, effects, label)
    if errors:
        raise Rejected("; ".join(errors))


def parse_effects(dicts, scenario: model.Scenario, label: str = "effect") -> tuple[model.Effect, ...]:
    """Structure and check effect dicts; Rejected lists every problem found."""
    effects = tuple(_structure(d, model.Effect, f"{label} {k}") for k, d in enumerate(dicts, 1))
    check_effects(effects, scenario, label)
    return effects


def parse_options(dicts, scenario: model.Scenario) -> tuple[model.Option, ...]:
    options = tuple(_structure(d, model.Option, f"option {k}") for k, d in enumerate(dicts, 1))
    ids = [o.id for o in options]
    if len(set(ids)) != len(ids):
        raise Rejected("option ids must differ")
    if sum(o.default for o in options) > 1:
        raise Rejected("at most one option can be the default")
    for o in options:
        check_effects(o.effects, scenario, f"effect of option {o.id!r}")
    return options
