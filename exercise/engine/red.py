"""The adversary (red cell): its points each turn, planning and withdrawing its actions in
deliberation, and resolving them when the turn is adjudicated.

Red is played by the facilitator (actor "facilitator") or by its own seat (actor = the
adversary's id). An action is paid when planned and refunded when withdrawn; when
deliberation closes each planned action rolls for detection (the targeted teams notice
it) and, once noticed, for attribution, both recorded in its `red_action_resolved`
event; its effects follow with a cause that names it for the facilitator. What a team
learns is worded in the ledger and the views (docs/engine.md, "The adversary").
"""

from __future__ import annotations

import attrs

from exercise import model
from exercise.engine import commands as cm
from exercise.engine import events as ev
from exercise.engine.budget import under_floor
from exercise.engine.commands import FACILITATOR, Rejected
from exercise.engine.decision import EPS, Decision, article, check_running, moment, number, percent, phase_word, unknown
from exercise.engine.effects import add_track, apply_effects
from exercise.engine.scenario_rules import ScenarioRules
from exercise.engine.state import State


# -- what the rules allow (shared with the red view) -------------------------------------------
def targets_of(state: State, command: str) -> tuple[str, ...]:
    """The teams at a command's seam: every team with an ally in it (as allies stand now)."""
    r = state.rules
    mine = {a for a, c in state.ally_command.items() if c == command}
    return tuple(t for t in r.team_ids if r.team_allies[t] & mine)


def hit_teams(state: State, action: model.RedAction, target: str | None) -> tuple[str, ...]:
    """The teams an action with this target hits: the team, the command's teams, or all."""
    if action.target == "world":
        return state.rules.team_ids
    if action.target == "command":
        return targets_of(state, target or "")
    return (target,) if target in state.rules.teams else ()


def uses(state: State, action: str, turn: int | None = None) -> int:
    """How many times an action was planned (not withdrawn), over the exercise or in one turn."""
    return sum(1 for m in state.red_acts.values()
               if m.action == action and m.status != "withdrawn" and (turn is None or m.turn == turn))


def refusal(state: State, action: model.RedAction, cash: float | None = None) -> str | None:
    """Why the adversary cannot plan `action` now (None: it can), whatever its target."""
    r = state.rules
    adv = r.adversary
    assert adv is not None
    if state.status != "running":
        return "the exercise is not running" if state.status == "ready" else "the exercise has ended"
    if state.phase != "deliberation":
        return f"actions are planned during {phase_word(state.rules, 'deliberation')} (now: {moment(state)})"
    if state.turn < action.from_turn:
        return f"available from turn {action.from_turn} (now turn {state.turn})"
    if action.max_uses and uses(state, action.id) >= action.max_uses:
        return f"used {action.max_uses} time{'s' if action.max_uses != 1 else ''}, its limit over the exercise"
    if uses(state, action.id, state.turn) >= action.max_per_turn:
        n = action.max_per_turn
        return f"already planned {'' if n == 1 else f'{n} times '}this turn (at most {n} a turn)"
    cash = state.red_cash if cash is None else cash
    if action.cost > cash + EPS:
        return (f"not enough {adv.unit}: it costs {number(action.cost, r.money_places)}, "
                f"{adv.name} has {number(cash, r.money_places)}")
    return None


def target_refusal(state: State, action: model.RedAction, target: str | None) -> str | None:
    """Why `target` is not a fit target for the action (None: it is)."""
    r = state.rules
    if action.target == "world":
        return None if not target else f"{action.name} hits every team: give no target"
    if action.target == "team":
        if not target:
            return f"{action.name} targets one team: name it ({', '.join(r.team_ids)})"
        if target not in r.teams:
            return f"unknown team {target!r}; teams: {', '.join(r.team_ids)}"
        return None
    w = r.scenario.words
    if not target:
        return f"{action.name} targets {article(w.command)} {w.command}'s seam: name the {w.command} ({', '.join(r.commands)})"
    if target not in r.commands:
        return f"unknown {w.command} {target!r}; {w.commands}: {', '.join(r.commands)}"
    if not targets_of(state, target):
        return f"no team has {article(w.ally)} {w.ally} in {r.commands[target].name}: the action would hit nobody"
    return None


# -- the commands ----------------------------------------------------------------------------------
def _check_red(decision: Decision, command, verb: str) -> model.Adversary:
    r, state = decision.rules, decision.state
    adv = r.adversary
    if adv is None:
        raise Rejected("this scenario has no adversary: add an [adversary] table to play one")
    if command.actor not in (FACILITATOR, adv.id):
        who = r.team_name(command.actor) if command.actor in r.teams else repr(command.actor)
        raise Rejected(f"only the facilitator (or {adv.name}'s own seat) can {verb}; {who} cannot")
    if state.status != "running":
        check_running(state, verb)
    if state.paused:
        raise Rejected(f"the exercise is paused: resume it before you {verb}")
    if state.phase != "deliberation":
        raise Rejected(f"{adv.name} can {verb} only during {phase_word(state.rules, 'deliberation')} (now: {moment(state)})")
    return adv


def red_act(decision: Decision, command: cm.RedAct) -> None:
    adv = _check_red(decision, command, "plan an adversary action")
    r, state = decision.rules, decision.state
    action = r.red_actions.get(command.action)
    if action is None:
        raise unknown(f"action of {adv.name}", command.action, r.red_actions)
    why = target_refusal(state, action, command.target) or refusal(state, action)
    if why:
        raise Rejected(f"{action.name} cannot be planned: {why}")
    places = r.money_places
    cash = round(state.red_cash - action.cost, places)
    decision.emit(ev.RedActionPlanned(f"red-{len(state.red_acts) + 1}", action.id, command.target or None,
                                      state.turn, action.cost, cash))


def red_withdraw(decision: Decision, command: cm.RedWithdraw) -> None:
    adv = _check_red(decision, command, "withdraw an adversary action")
    state, r = decision.state, decision.rules
    move = state.red_acts.get(command.id)
    if move is None:
        planned = [f"{act_words(m.id)} ({_action_name(r, m.action)})" for m in state.red_acts.values()
                   if m.status == "planned"]
        raise Rejected(f"no planned action {command.id!r} of {adv.name}"
                       + (f"; planned now: {', '.join(planned)}" if planned else "; none is planned"))
    if move.status != "planned" or move.turn != state.turn:
        raise Rejected(f"{act_words(move.id).capitalize()} ({_action_name(r, move.action)}) is {move.status} "
                       f"(turn {move.turn}): only an action planned this turn can be withdrawn")
    cash = round(state.red_cash + move.cost, decision.rules.money_places)
    decision.emit(ev.RedActionWithdrawn(move.id, move.action, state.turn, move.cost, cash))


# -- the turn --------------------------------------------------------------------------------------
def credit(decision: Decision, turn: int) -> None:
    """At the start of a turn: the adversary's points (none without an adversary or budget)."""
    adv = decision.rules.adversary
    if adv is None or not adv.budget:
        return
    places = decision.rules.money_places
    amount = round(adv.budget, places)
    decision.emit(ev.RedBudgetCredited(turn, amount, round(decision.state.red_cash + amount, places)))


def facilitator_cause(rules: ScenarioRules, action: model.RedAction, move_id: str, detected: bool,
                      attributed: bool) -> str:
    """The cause the facilitator reads on an action's effects (the teams read less: ledger.py)."""
    adv = rules.adversary
    name = adv.name if adv is not None else "the adversary"
    how = "attributed" if attributed else "noticed, unattributed" if detected else "undetected"
    return f"{name}'s action “{action.name}” ({act_words(move_id)}, {how})"


def _action_name(r: ScenarioRules, action_id: str) -> str:
    a = r.red_actions.get(action_id)
    return a.name if a is not None else action_id


def act_words(move_id: str) -> str:
    """'red-3' -> 'act 3': an act as people name it (the adversary's third of the exercise), not its id."""
    n = move_id.rpartition("-")[2]
    return f"act {n}" if n.isdigit() else move_id


def incident_words(headline: str, attributed_to: str) -> str:
    """A noticed incident as a team reads it: "incident: “Rail line cut” (attributed to Russia)"."""
    who = f"attributed to {attributed_to}" if attributed_to else "unattributed"
    return f"incident: “{headline or 'an incident'}” ({who})"


def resolve(decision: Decision) -> None:
    """When the turn is adjudicated: roll and apply each action planned this turn, in order."""
    r = decision.rules
    adv = r.adversary
    if adv is None:
        return
    for move in [m for m in decision.state.red_acts.values() if m.status == "planned"]:
        _resolve(decision, adv, r.red_actions[move.action], move)


def resisting(state: State, rules: ScenarioRules, adv: model.Adversary, team: str) -> bool:
    """Whether `team` puts at least the adversary's `resist_share` of its budget this turn
    into the `resisted_by` category (compared in money to the cent below, as floors are)."""
    if adv.resisted_by is None or not adv.resist:
        return False
    total, amounts = state.budget.get(team, (0.0, {}))
    return total > 0 and not under_floor(amounts.get(adv.resisted_by, 0.0), total, adv.resist_share,
                                         rules.money_places)


def _resolve(decision: Decision, adv: model.Adversary, action: model.RedAction, move) -> None:
    state, r = decision.state, decision.rules
    teams = hit_teams(state, action, move.target)
    detect_roll = decision.roll()
    detected = bool(teams) and detect_roll < action.detection
    attribute_roll = None
    attributed = False
    if detected:
        # the event of the first roll is not emitted yet: the second is the counter's next
        from exercise.engine.rolls import roll

        attribute_roll = roll(state.seed, state.rolls + 1)
        attributed = attribute_roll < action.attribution
    track = adv.escalation_track if attributed and action.escalation else None
    # only an action that harms the teams' own tracks can be resisted (a world effect is not)
    harms = any(_harms_self(r, e) for e in action.effects)
    resisted = tuple(t for t in teams if harms and resisting(state, r, adv, t))
    decision.emit(ev.RedActionResolved(
        move.id, action.id, move.target, state.turn, teams, detect_roll, detected, attribute_roll, attributed,
        action.notice if detected else "", adv.name if attributed else "",
        action.escalation if track else 0.0, resisted))
    cause = facilitator_cause(r, action, move.id, detected, attributed)
    if not resisted or adv.resisted_by is None:  # resisting() says none without resisted_by
        _apply(decision, action.effects, teams, cause)
    else:
        # world tracks move once for the whole action; only the harm to each team's own
        # tracks ('self') is softened for the teams that resist
        own = tuple(e for e in action.effects if _harms_self(r, e))
        _apply(decision, tuple(e for e in action.effects if e not in own), teams, cause)
        exposed = tuple(t for t in teams if t not in resisted)
        if exposed:
            _apply(decision, own, exposed, cause)
        spared = f"{cause}; {percent(adv.resist)} of the harm spared by {r.cat[adv.resisted_by].name} spending"
        _apply(decision, softened(own, adv.resist), resisted, spared)
    if attributed:
        _apply(decision, action.attributed_effects, teams, cause)
        if track is not None and track in r.tracks:
            add_track(decision, r.tracks[track], None, action.escalation, 0.0, cause, source="red")


def _harms_self(rules: ScenarioRules, effect: model.Effect) -> bool:
    """Whether `effect` lowers the hit team's own track (what resistance softens)."""
    track = rules.tracks.get(effect.track) if effect.track else None
    return (track is not None and track.scope == "team" and effect.team == "self"
            and effect.add is not None and effect.add < 0)


def softened(effects: tuple[model.Effect, ...], resist: float) -> tuple[model.Effect, ...]:
    """`effects` (harm to the team's own tracks) with what they take off cut by `resist`."""
    return tuple(attrs.evolve(e, add=round(e.add * (1 - resist), 9)) if e.add is not None else e for e in effects)


def _apply(decision: Decision, effects, teams: tuple[str, ...], cause: str) -> None:
    if not effects:
        return
    if not teams:  # a seam nobody stands at any more: only the world feels it ('self' is nobody)
        world = set(decision.rules.world_tracks)
        effects = tuple(e for e in effects if e.track in world)
        teams = ("",)  # no team: team effects with 'self' find nobody
    apply_effects(decision, effects, teams, cause, source="red")


# -- its objectives -------------------------------------------------------------------------------
def objectives(state: State):
    """The adversary's objectives, measured now like a team's (value against target)."""
    from exercise.engine import view_types as vt
    from exercise.engine.scorecard import _number, _reaches
    from exercise.engine.world import StateWorld

    r = state.rules
    if not r.red_objectives:
        return ()
    w = StateWorld(state, r)
    out = []
    for o, fn in r.red_objectives:
        value = round(_number(fn(w)), 4) if fn is not None else None
        target = float(o.target) if o.target is not None else None
        met = _reaches(value, target, o.better) if value is not None and target is not None else None
        out.append(vt.RedObjective(o.id, o.name, o.description, value, target, o.better, met))
    return tuple(out)
