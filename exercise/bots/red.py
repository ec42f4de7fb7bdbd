"""The red bot: the adversary's player in dry runs, aiming at what hurts a coordinated plan.

`red_bot(state, dice)` returns the adversary's `RedAct` commands for this deliberation. It
scores every (action, target) the rules allow by the harm its effects do to what the
scenario judges (the coordinated planner's goals, `planner.goals`), per point of cost:

- a team action hits harder at the weakest team (furthest below the others on the team
  tracks the goals count) and on a track near a scorecard criterion's threshold (where a
  little makes a band drop);
- a command action aims at the seam: a command no team leads counts half as much again,
  and a led one by how little of its lead staff is in post (a new lead is the weak spot);
- effects when attributed (and the escalation they add) count by their chance; when the
  escalation track is high, an action likely to be attributed is worth less (red keeps
  below the threshold of war and avoids giving the alliance a reason to close ranks).

It then plans the best while its points last (each action at most once a target a turn),
within each action's cost, `from_turn`, `max_per_turn` and `max_uses`. Deterministic: it rolls no dice (ties break by id), so a
run's red moves follow from the state alone.

It plays from what red may know (the same bot plays red in live sessions): it reads the
state, but never a team's private track (neither its value nor a criterion measuring it)
nor the teams' money, orders or answers. A track the goals do not name still counts a
little (`UNNAMED`), so a scenario without a scorecard, or whose goals miss what red can
hit, still meets a red cell that acts.
"""

from __future__ import annotations

from exercise import model
from exercise.bots.planner import _NAMES, MONEY, goals
from exercise.engine import commands as cm
from exercise.engine import red
from exercise.engine.rolls import Dice
from exercise.engine.scenario_rules import ScenarioRules
from exercise.engine.scorecard import _number, _reaches
from exercise.engine.state import State
from exercise.engine.world import StateWorld

EPS = 1e-9
# The weight of lowering a track the goals do not name (a harasser's default).
UNNAMED = 0.25
# How far from a criterion's threshold a track counts as "near" it, as a share of its scale.
NEAR = 0.1


def red_bot(state: State, dice: Dice) -> list:
    rules = state.rules
    adv = rules.adversary
    if adv is None or state.status != "running" or state.phase != "deliberation":
        return []
    cash = state.red_cash
    ranked = _candidates(state, rules, adv)
    out: list = []
    planned: dict[str, int] = {}
    for _, action, target in ranked:
        if action.cost > cash + EPS:
            continue
        n = planned.get(action.id, 0)
        if n and not _room_for_one_more(state, action, n):
            continue
        out.append(cm.RedAct(action.id, target, actor=adv.id))
        planned[action.id] = n + 1
        cash -= action.cost
    return out


def _room_for_one_more(state: State, action: model.RedAction, planned: int) -> bool:
    """Whether the rules allow one more use on top of `planned` this batch (the first was
    checked by `red.refusal` on the state)."""
    if action.max_uses and red.uses(state, action.id) + planned >= action.max_uses:
        return False
    return red.uses(state, action.id, state.turn) + planned < action.max_per_turn


def _candidates(state: State, rules: ScenarioRules, adv: model.Adversary) -> list:
    """(score, action, target) for every action it may plan now and every fit target, best
    first; only those that do harm."""
    weights = goals(rules)
    near = _near(state, rules)
    weak = _weakness(state, rules, weights)
    stealth_at = _escalation(state, rules, adv)
    out = []
    for action in adv.actions:
        if red.refusal(state, action) is not None:
            continue
        stealth = 1.0 - stealth_at * action.detection * action.attribution
        for target in _targets(state, rules, action):
            if red.target_refusal(state, action, target) is not None:
                continue
            teams = red.hit_teams(state, action, target)
            harm = _harm(state, rules, action.effects, teams, weights, near, weak)
            p = action.detection * action.attribution  # the chance it is attributed
            if p:
                harm += p * _harm(state, rules, action.attributed_effects, teams, weights, near, weak)
                if adv.escalation_track in weights and action.escalation:
                    harm -= p * weights[adv.escalation_track] * action.escalation
            harm *= stealth * _seam(state, rules, action, target)
            if harm > EPS:
                out.append((harm / max(action.cost, 0.01), action, target))
    out.sort(key=lambda c: (-c[0], c[1].id, c[2] or ""))
    return out


def _targets(state: State, rules: ScenarioRules, action: model.RedAction) -> tuple:
    if action.target == "world":
        return (None,)
    if action.target == "command":
        return tuple(rules.commands)
    return rules.team_ids


def _harm(state: State, rules: ScenarioRules, effects, teams: tuple[str, ...], weights: dict[str, float],
          near: dict[str, float], weak: dict[str, float]) -> float:
    """What `effects` cost the alliance in goal points (positive: they hurt)."""
    harm = 0.0
    hidden = _private(rules)
    for e in effects:
        if e.track in rules.tracks and e.add:
            w = weights.get(e.track, UNNAMED)
            lo, hi = rules.bounds[e.track]
            if e.track in rules.team_tracks:
                for t in _named(rules, e.team, teams):
                    if e.track in hidden:  # red cannot see how far it can still fall
                        moved = e.add
                    else:
                        value = state.team_tracks[(t, e.track)]
                        # what the add can still move: a track at its floor cannot fall further
                        moved = max(e.add, lo - value) if e.add < 0 else min(e.add, hi - value)
                    harm -= w * moved * (1.0 + near.get(e.track, 0.0)) * (1.0 + weak.get(t, 0.0))
            else:
                value = state.tracks[e.track]
                moved = max(e.add, lo - value) if e.add < 0 else min(e.add, hi - value)
                harm -= w * moved * (1.0 + near.get(e.track, 0.0))
        elif e.budget and e.add:
            harm -= MONEY * e.add * len(_named(rules, e.team, teams))
    return harm


def _private(rules: ScenarioRules) -> frozenset[str]:
    """The team tracks only their own team sees (red does not)."""
    if "red-private" not in rules.memo:
        rules.memo["red-private"] = frozenset(t.id for t in rules.scenario.tracks if t.scope == "team" and t.private)
    return rules.memo["red-private"]


def _named(rules: ScenarioRules, who: str | None, teams: tuple[str, ...]) -> tuple[str, ...]:
    """The teams an effect's `team` names (as the engine's `teams_named`)."""
    if who is None or who == "self":
        return teams
    if who == "all":
        return rules.team_ids
    return (who,) if who in rules.teams else ()


def _near(state: State, rules: ScenarioRules) -> dict[str, float]:
    """Track -> 0-1, how near the criteria that name it are to dropping a band (1: at the
    threshold it just reaches). Without a scorecard, nothing is near."""
    out: dict[str, float] = {}
    world = None
    for c, fn, named in _track_criteria(rules):
        world = world or StateWorld(state, rules)
        value = _number(fn(world))
        if _reaches(value, c.met, c.better):
            at = c.met
        elif c.partly is not None and _reaches(value, c.partly, c.better):
            at = c.partly
        else:
            continue  # not met: nothing left to drop
        lo, hi = rules.bounds[named[0]]
        gap = abs(value - at) / ((hi - lo) * NEAR or 1.0)
        for n in named:
            out[n] = max(out.get(n, 0.0), max(0.0, 1.0 - gap))
    return out


def _track_criteria(rules: ScenarioRules) -> list:
    """(criterion, its compiled measure, the tracks it names) for the criteria that name a
    track (measuring only these keeps the bot fast: orders' value costs more to count)."""
    if "red-track-criteria" not in rules.memo:
        rows = []
        hidden = _private(rules)
        for c, fn in rules.criteria:
            named = [n for n in _NAMES.findall(c.measure) if n in rules.tracks]
            if named and not hidden.intersection(named):  # a private track's criterion would give it away
                rows.append((c, fn, named))
        rules.memo["red-track-criteria"] = rows
    return rules.memo["red-track-criteria"]


def _weakness(state: State, rules: ScenarioRules, weights: dict[str, float]) -> dict[str, float]:
    """Team -> how far it lies below the average team on the team tracks the goals raise
    (a share of the scale, summed; 0 for a team at or above the average)."""
    teams = rules.team_ids
    if not teams:
        return {}
    out = {t: 0.0 for t in teams}
    hidden = _private(rules)
    for track in rules.team_tracks:
        if weights.get(track, 0.0) <= 0 or track in hidden:
            continue
        lo, hi = rules.bounds[track]
        values = [state.team_tracks[(t, track)] for t in teams]
        mean = sum(values) / len(values)
        for t, v in zip(teams, values):
            out[t] += (mean - v) / ((hi - lo) or 1.0)
    return {t: max(0.0, w) for t, w in out.items()}


def _escalation(state: State, rules: ScenarioRules, adv: model.Adversary) -> float:
    """0-1: how high the adversary's escalation track stands on its scale (0: no track)."""
    track = adv.escalation_track
    if track is None or track not in rules.bounds:
        return 0.0
    lo, hi = rules.bounds[track]
    return max(0.0, min(1.0, (state.tracks[track] - lo) / ((hi - lo) or 1.0)))


def _seam(state: State, rules: ScenarioRules, action: model.RedAction, target: str | None) -> float:
    """A command action's weight at the seam: 1.5 where no team leads, 1-2 by how little
    of the lead staff is in post; 1 for other actions."""
    if action.target != "command" or target is None:
        return 1.0
    if state.leads.get(target) not in rules.ally_team:
        return 1.5
    return 2.0 - state.manned(target)
