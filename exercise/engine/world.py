"""The conditions `World` over an engine state, and the verdict at the end."""

from __future__ import annotations

from collections.abc import Callable

from exercise import conditions as cond
from exercise.engine.scenario_rules import ScenarioRules
from exercise.exact import exact_sum, to_fraction


class StateWorld:
    """What a condition may read, from a state. Cheap: make one per evaluation batch.

    It reads `state` attributes on every call, so it also sees a transaction's state as
    events change it.
    """

    __slots__ = ("s", "r")

    def __init__(self, state, rules: ScenarioRules | None = None):
        self.s = state
        self.r = rules or state.rules

    @property
    def turn(self) -> int:
        return self.s.turn

    @property
    def turns(self) -> int:
        return self.r.turns

    def track(self, track_id: str) -> float:
        return self.s.tracks.get(track_id, 0.0)

    def team_track(self, team_id: str, track_id: str) -> float:
        return self.s.team_tracks.get((team_id, track_id), 0.0)

    def ally(self, ally_id: str, attribute: str) -> float:
        if attribute == "spending":
            return self.s.spending.get(ally_id, 0.0)
        a = self.r.allies.get(ally_id)
        return a.gdp if a else 0.0

    def call(self, function: str, args: tuple[str, ...]):
        return _FUNCTIONS[function](self.s, self.r, *args)


def _team_values(s, r, track):
    tt = s.team_tracks
    return [tt.get((t, track), 0.0) for t in r.team_ids] or [0.0]


def _chosen(s, r, inject, option):
    answers = s.answers
    return sum(1 for t in r.team_ids if answers.get((inject, t), ("",))[0] == option)


def _delivered(s, r, item):
    d = s.delivered
    return sum(d.get((t, item), 0) for t in r.team_ids)


def _leads(s, r, team, command):
    return s.leads.get(command) in r.team_allies.get(team, ())


def _led(s, r, command):
    return s.leads.get(command) in r.ally_team


def _forces(s, r, command, capability):
    # summed as the decimals the points stand for, as _avg
    return float(exact_sum(v for (c, _, cap), v in s.assigned.items() if c == command and cap == capability))


_MEANS: dict[tuple[float, ...], float] = {}


def _avg(s, r, track):
    # Summed as the decimals the values stand for: the float nearest the exact mean, so
    # avg("x") >= 0.4 holds for 0.7 and 0.1 (whose float sum is 0.7999999999999999).
    # Memoised: the scorecard, the injects' odds and the bots ask the same means many
    # times a turn, and the exact sum costs ten times the lookup.
    values = tuple(_team_values(s, r, track))
    mean = _MEANS.get(values)
    if mean is None:
        if len(_MEANS) > 4096:
            _MEANS.clear()
        mean = _MEANS[values] = float(exact_sum(values) / len(values))
    return mean


def _spending(s, r, team):
    gdp = total = to_fraction(0)
    for a in r.teams[team].allies if team in r.teams else ():
        g = to_fraction(r.allies[a].gdp)
        gdp += g
        total += g * to_fraction(s.spending.get(a, 0.0))
    return float(total / gdp) if gdp else 0.0


def _fired_tagged(s, r, tag):
    fired = s.fired
    return sum(1 for i in r.tagged.get(tag, ()) if i in fired)


def _delivered_value(s, r):
    # the backlog was paid before the exercise (cost 0): the teams' own orders count
    return float(exact_sum(o.cost for o in s.orders.values() if o.status == "delivered" and not o.backlog))


def _on_order_value(s, r):
    # credible: due within the exercise or the scorecard's window after it (a slip moves `due`)
    last = r.turns + (r.scenario.scorecard.credible_within if r.scenario.scorecard else 4)
    return float(exact_sum(o.cost for o in s.orders.values() if o.status == "ordered" and o.due <= last and not o.backlog))


_FUNCTIONS: dict[str, Callable[..., float | bool]] = {  # (state, rules, *args) -> value
    "fired": lambda s, r, i: i in s.fired,
    "chosen": _chosen,
    "delivered": _delivered,
    "delivered_to": lambda s, r, team, item: s.delivered.get((team, item), 0),
    "ordered": lambda s, r, item: s.ordered.get(item, 0),
    "leads": _leads,
    "led": _led,
    "manned": lambda s, r, c: s.manned(c),
    "forces": _forces,
    "avg": _avg,
    "min": lambda s, r, t: min(_team_values(s, r, t)),
    "max": lambda s, r, t: max(_team_values(s, r, t)),
    "spending": _spending,
    "fired_tagged": _fired_tagged,
    "delivered_value": _delivered_value,
    "on_order_value": _on_order_value,
}
assert set(_FUNCTIONS) == set(cond.FUNCTIONS), "every condition function needs an implementation"


def labels_of(rules: ScenarioRules) -> cond.Labels:
    """The scenario's names for the condition explainer (built once per scenario: every
    verdict reads them)."""
    labels = rules.memo.get("condition-labels")
    if labels is None:
        labels = rules.memo["condition-labels"] = _labels(rules)
    return labels


def _labels(rules: ScenarioRules) -> cond.Labels:
    s = rules.scenario
    return cond.Labels(
        tracks={t.id: t.name for t in s.tracks},
        teams=dict(rules.names),
        allies={a.id: a.name for a in s.allies},
        injects={i: inj.title for i, inj in rules.injects.items()},
        options={(i, o.id): o.label for i, inj in rules.injects.items() for o in inj.options},
        items={i: it.name for i, it in rules.items.items()},
        commands={c: cmd.name for c, cmd in rules.commands.items()},
        team_count=len(rules.team_ids),
    )


def _criteria(tree, w: StateWorld, labels: cond.Labels) -> list[str]:
    return [f"- {c}" for c in cond.explain(tree, w, labels)]


def judge(state, rules: ScenarioRules | None = None, rows: tuple[dict, ...] | None = None) -> tuple[str | None, str, str]:
    """(outcome id, name, reason): the first outcome whose condition holds, and why, in
    words: each earlier outcome's criteria (what was missed) and the verdict's own.
    `rows`: the scorecard's criteria on this state when the caller has them already."""
    r = rules or state.rules
    if r.scenario.scorecard is not None:
        return _judge_scored(state, r, rows)
    w = StateWorld(state, r)
    labels = labels_of(r)
    missed: list[str] = []
    for outcome, tree, fn in r.outcomes:
        if fn is None:
            why = missed or ["No outcome has a condition: this is the scenario's verdict."]
            return outcome.id, outcome.name, "\n".join(why)
        if fn(w):
            head = (f"{outcome.name} was reached: one of its criteria was met:" if tree[0] == "or"
                    else f"{outcome.name} was reached: every criterion was met:")
            return outcome.id, outcome.name, "\n".join([*missed, head, *_criteria(tree, w, labels)])
        missed += [f"{outcome.name} was not reached:", *_criteria(tree, w, labels)]
    return None, "No verdict", "no outcome's condition held (the scenario has no final outcome without one)"


def _judge_scored(state, r: ScenarioRules, rows: tuple[dict, ...] | None = None) -> tuple[str | None, str, str]:
    """With a scorecard: the first outcome whose score band (if it has one) and condition (if
    it has one) both hold; the reason starts with the scorecard, criterion by criterion."""
    from exercise.engine import scorecard as sc  # scorecard reads a StateWorld: import late

    if rows is None:
        rows = sc.criteria(state, r)
    pct = sc.score(rows)
    why = sc.describe(rows, pct, r)
    w = StateWorld(state, r)
    labels = labels_of(r)
    for outcome, tree, fn in r.outcomes:
        band = r.bands.get(outcome.id)
        missed = []
        if band is not None and not sc.band_holds(band, pct, rows):
            limit = "" if band.max_not_met is None else f" with {sc.not_met_words(band.max_not_met)}"
            missed.append(f"- needs {band.score:g} % of the points{limit}")
        if fn is not None and not fn(w):
            missed += _criteria(tree, w, labels)
        if not missed:
            how = f"{band.score:g} % of the points or more" if band is not None else "its condition held"
            if band is None and fn is None:
                how = "no other outcome was reached"
            return outcome.id, outcome.name, "\n".join([*why, f"Proposed: {outcome.name} ({how})."])
        why += [f"{outcome.name} was not reached:", *missed]
    return None, "No verdict", "\n".join([*why, "No outcome's band or condition held."])


def explain_outcome(state, rules: ScenarioRules | None = None) -> str:
    """The reason `judge` gives for a state: the debrief shows it for saves whose recorded
    reason is an older, raw expression (the record itself is left as it was)."""
    return judge(state, rules)[2]
