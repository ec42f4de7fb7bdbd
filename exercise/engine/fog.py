"""Fog and chance players can see: world tracks teams only estimate, intelligence that
narrows an estimate, and the slip risk of an order (shown, bought down, partial).

Pure: the rules (`roll_estimates`, `narrow`, `expedite`, `roll_slip`) emit events with
every roll recorded; the readers (`estimate`, `slip_risk`, `slip_note`) compute what a
team sees from the state alone, so a replay needs no generator.
"""

from __future__ import annotations

import math

import attrs

from exercise import model
from exercise.engine import commands as cm
from exercise.engine import events as ev
from exercise.engine.commands import Rejected
from exercise.engine.decision import EPS, Decision, check_team, number, percent, roll_words, unknown
from exercise.engine.scenario_rules import ScenarioRules
from exercise.engine.state import Order, State

CONFIDENCE = {"low": "low confidence", "moderate": "moderate confidence", "high": "high confidence"}


# -- estimated tracks ---------------------------------------------------------------------
def estimated(rules: ScenarioRules) -> tuple[model.Track, ...]:
    memo = rules.memo.get("estimated")
    if memo is None:
        memo = rules.memo["estimated"] = tuple(t for t in rules.scenario.tracks
                                               if t.scope == "world" and t.estimate > 0)
    return memo


def roll_estimates(decision: Decision, turn: int) -> None:
    """At the start of a turn: each team's noise on each estimated track, one recorded roll
    each (a scenario without estimates rolls nothing: its dice stay as they were)."""
    for t in estimated(decision.rules):
        for team in decision.rules.team_ids:
            decision.emit(ev.EstimateRolled(t.id, team, turn, decision.roll()))


def narrow(decision: Decision, effect: model.Effect, teams, cause: str, times: int = 1) -> None:
    """An effect with `narrow`: each team's band of the track shrinks (never below nothing)."""
    t = decision.rules.tracks.get(effect.track or "")
    if t is None or not t.estimate or not effect.narrow:
        return
    for team in teams:
        left = width(decision.state, t, team)
        amount = round(min(left, effect.narrow * times), 9)
        if amount > 0:
            decision.emit(ev.EstimateNarrowed(t.id, team, amount, cause))


def revealed(state: State) -> bool:
    """Once the verdict is judged the exercise is over: teams see the true values (the
    scorecard they read measures them), no longer their estimates."""
    return state.verdict is not None


def width(state: State, track: model.Track, team: str) -> float:
    """The half-width of the band `team` sees of `track` now."""
    return round(max(0.0, track.estimate - state.narrowed.get((track.id, team), 0.0)), 9)


@attrs.frozen
class Estimate:
    value: float  # the estimate's centre (the value plus noise)
    low: float
    high: float
    width: float  # ± half-width
    source: str
    rolled: bool  # False before the first turn's roll: the band is the whole scale


def estimate(state: State, track: model.Track, team: str) -> Estimate:
    """What `team` sees of an estimated world track: value + (2 roll - 1) * width, and the band
    of that width around it, within the track's bounds. The true value is always inside the
    band; before the exercise starts (no roll yet) the band is the whole scale."""
    w = width(state, track, team)
    u = state.estimate_rolls.get((track.id, team))
    places = track.decimals
    if u is None:
        mid = round((track.min + track.max) / 2, places)
        return Estimate(mid, track.min, track.max, w, track.estimate_source, False)
    centre = state.tracks[track.id] + (2 * u - 1) * w
    centre = round(min(track.max, max(track.min, centre)), places)
    low = round(max(track.min, centre - w), places)
    high = round(min(track.max, centre + w), places)
    # rounding the band outward keeps the true value inside it
    value = state.tracks[track.id]
    low, high = min(low, value) if low > value else low, max(high, value) if high < value else high
    return Estimate(centre, low, high, w, track.estimate_source, True)


def estimate_words(track: model.Track, e: Estimate) -> str:
    """'5-7 (estimate, NATO intelligence, ±1)'."""
    p = track.decimals
    band = number(e.low, p) if e.low == e.high else f"{number(e.low, p)}-{number(e.high, p)}"
    parts = ["estimate"] + ([e.source] if e.source else []) + [f"±{number(e.width, p)}"]
    if not e.rolled:
        parts.append("first estimate at the start")
    return f"{band} ({', '.join(parts)})"


def confidence_words(attribution: str, confidence: str) -> str:
    """'Attributed to Russia, moderate confidence' (or '' when the inject says neither)."""
    conf = CONFIDENCE.get(confidence, "")
    if attribution:
        return f"Attributed to {attribution}" + (f", {conf}" if conf else "")
    return conf[:1].upper() + conf[1:] if conf else ""


# -- slip risk ----------------------------------------------------------------------------
@attrs.frozen
class SlipRisk:
    chance: float  # 0-1, now (the expedited chance once bought)
    turns: int  # what a slip costs
    units: int  # how many of the order's units would slip
    expedite_cost: float | None  # money to buy it down now; None: cannot (item, or done, or rolled)
    expedite_chance: float | None


def slip_chance(item: model.Item, o: Order) -> float:
    return item.expedite_chance if o.expedited else item.slip_chance


def late_units(item: model.Item, quantity: int) -> int:
    """Units that slip when the roll fails: the item's share, rounded up, at least one."""
    if item.slip_share >= 1:
        return quantity
    return max(1, min(quantity, math.ceil(quantity * item.slip_share - 1e-9)))


def expedite_cost(rules: ScenarioRules, item: model.Item, o: Order) -> float:
    """The priority fee: a share of the order's price at catalogue cost (an order placed
    before the exercise, paid then, pays it too)."""
    return round(item.cost * o.quantity * item.expedite_cost, rules.money_places)


def slip_risk(rules: ScenarioRules, o: Order) -> SlipRisk | None:
    """The risk an open order still runs (None when it runs none: no chance, rolled, done)."""
    item = rules.items[o.item]
    if o.status not in ("draft", "ordered") or o.slip_rolled or item.slip_turns <= 0:
        return None
    chance = slip_chance(item, o)
    if chance <= 0 and not o.expedited:
        return None
    can = item.expedite_cost > 0 and not o.expedited
    return SlipRisk(chance, item.slip_turns, late_units(item, o.quantity),
                    expedite_cost(rules, item, o) if can else None, item.expedite_chance if can else None)


def risk_words(rules: ScenarioRules, o: Order, risk: SlipRisk | None) -> str:
    """'25 % chance 1 of 4 slips 1 turn' for the orders screen."""
    if risk is None:
        return ""
    turns = f"{risk.turns} turn" + ("s" if risk.turns != 1 else "")
    if risk.units < o.quantity:
        what = f"{risk.units} of {o.quantity} slip"
    else:
        what = "it slips" if o.quantity == 1 else f"all {o.quantity} slip"
    prio = ", priority bought" if o.expedited else ""
    return f"{percent(risk.chance)} chance {what} {turns}{prio}"


def roll_slip(decision: Decision, o: Order, turn: int) -> bool:
    """The slip roll of an order falling due (as before, plus priority and partial slips):
    True when the whole order slipped (nothing to deliver now)."""
    rules = decision.rules
    item = rules.items[o.item]
    chance = slip_chance(item, o)
    x = decision.roll()
    slipped = x < chance
    due = turn + item.slip_turns if slipped else turn
    late = late_units(item, o.quantity) if slipped else 0
    if not slipped or late >= o.quantity:
        decision.emit(ev.SlipRolled(o.id, x, chance, slipped, due))
        return slipped
    late_id = f"{o.id}-late"
    n = 2
    while late_id in decision.state.orders:
        late_id, n = f"{o.id}-late{n}", n + 1
    decision.emit(ev.SlipRolled(o.id, x, chance, slipped, due, late, late_id))
    return False


def slip_note(rules: ScenarioRules, o: Order, e: ev.SlipRolled) -> str:
    """'2 of 8 SAMP/T NG fire unit slipped to turn 6: rolled 12 against a 20 % chance of
    slipping' (percent against percent, as the facilitator's log words the same roll)."""
    name = rules.items[o.item].name
    roll = f"{roll_words(e.roll, e.chance * 100)} of slipping"
    if not e.slipped:
        return f"on time: {roll}"
    what = f"{e.late} of {o.quantity} {name}" if e.late and e.late < o.quantity else f"all {o.quantity} {name}"
    return f"{what} slipped to turn {e.due}: {roll}"


def expedite(decision: Decision, command: cm.ExpediteOrder) -> None:
    team = check_team(decision, command, "expedite an order")
    state, rules = decision.state, decision.rules
    o = state.orders.get(command.order)
    if o is None or o.team != team:
        mine = {k: v for k, v in state.orders.items() if v.team == team}
        raise unknown("order", command.order, mine)
    item = rules.items[o.item]
    if item.expedite_cost <= 0:
        raise Rejected(f"{item.name} cannot be expedited: its maker offers no priority")
    if o.expedited:
        raise Rejected(f"this order of {o.quantity} {item.name} already has priority")
    if o.status not in ("draft", "ordered") or o.slip_rolled:
        raise Rejected(f"this order of {o.quantity} {item.name} is past its slip roll: priority buys nothing now")
    cost = expedite_cost(rules, item, o)
    cash = state.cash[team]
    if cost > cash + EPS:
        raise Rejected(f"priority for {o.quantity} {item.name} costs {number(cost)} {rules.budget.unit}; "
                       f"{number(cash)} available")
    decision.emit(ev.OrderExpedited(o.id, team, cost, item.expedite_chance,
                                    max(0.0, round(cash - cost, rules.money_places))))
