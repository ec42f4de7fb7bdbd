"""The white cell's other tools: override a value, add a note, adjudicate an argued action."""

from __future__ import annotations

import math

from exercise import model
from exercise.engine import commands as cm
from exercise.engine import events as ev
from exercise.engine.budget import rebudget
from exercise.engine.commands import Rejected
from exercise.engine.decision import MAX_SPENDING, Decision, check_facilitator, check_not_ended, number, unknown
from exercise.engine.effects import apply_effects, parse_effects


def override(decision: Decision, command: cm.Override) -> None:
    check_facilitator(decision, command, "override a value", running=False)
    check_not_ended(decision.state, "override a value")
    state, rules = decision.state, decision.rules
    if not command.rationale.strip():
        raise Rejected("an override needs a rationale: say why, for the debrief")
    value = float(command.value)
    if not math.isfinite(value):
        raise Rejected("the value must be a number")
    target = command.target
    if target in ("track", "team_track"):
        t = rules.tracks.get(command.track) if command.track is not None else None
        if t is None:
            raise unknown("track", command.track, rules.tracks)
        if not t.min <= value <= t.max:
            raise Rejected(f"{t.name} goes from {number(t.min)} to {number(t.max)}; {number(value)} is outside")
        value = round(value, t.decimals)  # kept to the track's decimals, like every change
        if t.scope == "world":
            if target != "track" or command.team is not None:
                raise Rejected(f"{t.name} is a world track: override it without a team")
            previous = state.tracks[t.id]
        else:
            if command.team not in rules.teams:
                raise Rejected(f"{t.name} is a team track: name the team") if command.team is None else unknown(
                    "team", command.team, rules.teams)
            previous = state.team_tracks[(command.team, t.id)]
            target = "team_track"
        decision.emit(ev.Overridden(target, value, previous, command.rationale, state.turn, track=t.id,
                             team=command.team if t.scope == "team" else None))
    elif target == "money":
        if command.team not in rules.teams:
            raise unknown("team", command.team, rules.teams)
        if value < 0:
            raise Rejected("money cannot be negative")
        value = round(value, rules.money_places)
        decision.emit(ev.Overridden("money", value, state.cash[command.team], command.rationale, state.turn,
                                    team=command.team))
    elif target == "spending":
        if command.ally not in rules.allies:
            raise unknown(rules.scenario.words.ally, command.ally, rules.allies)
        if not 0 <= value <= MAX_SPENDING:
            raise Rejected(f"spending is a % of GDP between 0 and {number(MAX_SPENDING)}")
        decision.emit(ev.Overridden("spending", value, state.spending[command.ally], command.rationale,
                                    state.turn, ally=command.ally))
        team = rules.ally_team.get(command.ally)
        if team is not None and state.status == "running":
            rebudget(decision, team, "spending overridden by the facilitator")
    else:
        raise Rejected(f"cannot override {target!r}: choose track, team_track, money or spending")


def add_note(decision: Decision, command: cm.AddNote) -> None:
    check_facilitator(decision, command, "add a note", running=False)
    state, rules = decision.state, decision.rules
    if not command.text.strip():
        raise Rejected("the note is empty")
    if command.inject is not None and command.inject not in rules.injects and command.inject not in state.adhoc:
        raise unknown("inject", command.inject, rules.injects)
    if command.objective is not None and command.objective not in rules.objectives:
        raise unknown("objective", command.objective, rules.objectives)
    if command.team is not None and command.team not in rules.teams:
        raise unknown("team", command.team, rules.teams)
    if len(command.author) > 80:
        raise Rejected("who rated is a name of at most 80 characters")
    if command.rating is not None:
        if command.rating not in model.RATINGS:
            raise Rejected(f"rating is one of {', '.join(model.RATINGS)} (performed without / with some / "
                           "with major challenges / unable to be performed)")
        if command.objective is None:
            raise Rejected("a rating rates an objective: name the objective")
    decision.emit(ev.NoteAdded(state.turn, state.phase, command.text, tuple(command.tags), command.inject,
                               command.objective, command.rating, command.team, command.author.strip()))


def adjudicate(decision: Decision, command: cm.Adjudicate) -> None:
    check_facilitator(decision, command, "adjudicate an action")
    state = decision.state
    act = state.actions.get(command.action)
    if act is None:
        raise unknown("action", command.action, state.actions)
    if act.likelihood is not None:
        raise Rejected(f"“{act.action}” was adjudicated already ({act.likelihood}%, "
                       f"{'success' if act.success else 'failure'})")
    if command.likelihood not in model.LIKELIHOODS:
        raise Rejected(f"likelihood is one of {', '.join(f'{x}%' for x in model.LIKELIHOODS)}")
    if not command.rationale.strip():
        raise Rejected("say why you set these odds (the rationale is recorded for the debrief)")
    ok = parse_effects(command.effects, decision.rules.scenario, "effect on success")
    bad = parse_effects(command.failure_effects, decision.rules.scenario, "effect on failure")
    x = decision.roll()
    success = x < command.likelihood / 100.0
    decision.emit(ev.ActionAdjudicated(command.action, command.likelihood, x, success, command.rationale, state.turn,
                                tuple(dict(e) for e in command.effects),
                                tuple(dict(e) for e in command.failure_effects)))
    apply_effects(decision, ok if success else bad, (act.team,),
                  f"{decision.rules.team_name(act.team)}'s action “{act.action}” {'succeeded' if success else 'failed'}")
