"""The US desk's scorecard: criteria measured on the state at the end, banded and weighted,
and the outcome the score bands propose; the teams' own objectives scored against their
targets. Pure: reads a state, returns plain values (the end event records them).
"""

from __future__ import annotations

from exercise.engine.scenario_rules import ScenarioRules
from exercise.engine.world import StateWorld
from exercise.exact import to_fraction

MET, PARTLY, NOT_MET = "met", "partly met", "not met"


def _number(v) -> float:
    return float(v) if not isinstance(v, bool) else (1.0 if v else 0.0)


def _reaches(value: float, at: float, better: str) -> bool:
    return value <= at if better == "lower" else value >= at


def criteria(state, rules: ScenarioRules | None = None) -> tuple[dict, ...]:
    """Each criterion as {id, name, value, band, points, weight, unit}, in the scorecard's order.
    Points are rounded to 2 places (as shown); a criterion's band is the best it reaches."""
    r = rules or state.rules
    w = StateWorld(state, r)
    out = []
    for c, fn in r.criteria:
        value = round(_number(fn(w)), 4)
        if _reaches(value, c.met, c.better):
            band, share = MET, 1.0
        elif c.partly is not None and _reaches(value, c.partly, c.better):
            band, share = PARTLY, c.partly_points
        else:
            band, share = NOT_MET, 0.0
        # to the hundredth, never more than the weight (a weight of 1.015625 met is 1.015625, not 1.02)
        points = float(c.weight) if share == 1.0 else float(min(round(to_fraction(c.weight) * to_fraction(share), 2),
                                                               to_fraction(c.weight)))
        out.append({"id": c.id, "name": c.name, "value": value, "band": band,
                    "points": points, "weight": float(c.weight), "unit": c.unit})
    return tuple(out)


def score(rows) -> float:
    """The score in % of the points available, to one decimal (0 with no weight)."""
    total = sum(to_fraction(x["weight"]) for x in rows)
    got = sum(to_fraction(x["points"]) for x in rows)
    return float(min(round(got * 100 / total, 1), 100)) if total else 0.0


def not_met_words(limit: int) -> str:
    """A band's limit on criteria not met, in words."""
    if limit == 0:
        return "every criterion at least partly met"
    return f"at most {limit} criterion not met" if limit == 1 else f"at most {limit} criteria not met"


def band_holds(band, pct: float, rows) -> bool:
    if pct < band.score:
        return False
    unmet = sum(1 for x in rows if x["band"] == NOT_MET)
    return band.max_not_met is None or unmet <= band.max_not_met


def objectives(state, rules: ScenarioRules | None = None) -> tuple[dict, ...]:
    """Each scored objective per team as {id, team, name, value, target, better, met}: an
    objective with a team is that team's; one without belongs to each team that lists it."""
    r = rules or state.rules
    w = StateWorld(state, r)
    out = []
    for o, fn in r.scored_objectives:
        target = float(o.target or 0.0)  # scored objectives always have one (ScenarioRules)
        value = round(_number(fn(w)), 4)
        met = _reaches(value, target, o.better)
        teams = (o.team,) if o.team else tuple(t for t in r.team_ids if o.id in r.teams[t].objectives)
        for t in teams:
            out.append({"id": o.id, "team": t, "name": o.name, "value": value,
                        "target": target, "better": o.better, "met": met})
    return tuple(out)


def describe(rows, pct: float) -> list[str]:
    """The scorecard in words, one line per criterion, for the reason and the debrief."""
    lines = [f"Scorecard: {pct:g} % of the points."]
    for x in rows:
        unit = f" {x['unit']}" if x.get("unit") else ""
        lines.append(f"- {x['name']}: {x['value']:g}{unit}, {x['band']} ({x['points']:g} of {x['weight']:g} points)")
    return lines


def criterion_line(name: str, value: float, unit: str, band: str, points: float, weight: float) -> str:
    """One criterion in words: 'Maritime and Arctic: 4.3 of 10, partly met (0.5 of 1 points)'."""
    return f"{name}: {value:g}{' ' + unit if unit else ''}, {band} ({points:g} of {weight:g} points)"


def objective_line(name: str, value: float, target: float, better: str, met: bool) -> str:
    """One team objective in words: 'German industrial share: 4, target at least 6 — not met'."""
    side = "at most" if better == "lower" else "at least"
    return f"{name}: {value:g}, target {side} {target:g} — {'met' if met else 'not met'}"


def verdict_words(proposed_name: str | None, name: str, overridden: bool, rationale: str) -> str:
    """Whether the US desk confirmed the scorecard's proposal or overrode it, and why."""
    if overridden:
        return f"The US desk overrode the proposal ({proposed_name or 'no verdict'}) with {name}: {rationale}"
    why = f": {rationale}" if rationale else ""
    return f"The US desk confirmed the scorecard's proposal, {name}{why}"
