"""The US desk's scorecard: criteria measured on the state at the end, banded and weighted,
and the outcome the score bands propose; the teams' own objectives scored against their
targets. Pure: reads a state, returns plain values (the end event records them).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from exercise.engine.ledger import POINTS, units
from exercise.engine.scenario_rules import ScenarioRules
from exercise.engine.world import StateWorld
from exercise.exact import exact_sum, to_fraction

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
    total = exact_sum(x["weight"] for x in rows)
    got = exact_sum(x["points"] for x in rows)
    return min(float(round(got * 100 / total, 1)), 100.0) if total else 0.0


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


def shown(value: float, met: float | None = None, partly: float | None = None, better: str = "higher") -> str:
    """A criterion's value as shown: to 2 decimals, half up as written (4.775 -> 4.78,
    4.1125 -> 4.11); with all its digits when the rounded value would seem to fall in
    another band than the value does (5.4999 against a met of 5.5)."""
    rounded = float(Decimal(repr(float(value))).quantize(Decimal("0.01"), ROUND_HALF_UP))
    for at in (met, partly):
        if at is not None and _reaches(rounded, at, better) != _reaches(value, at, better):
            return f"{value:g}"
    return f"{rounded:g}"


def needed_words(met: float | None, partly: float | None, better: str = "higher") -> str:
    """What a criterion needs: 'met at 6.5, partly at 5.5'; with lower better 'met at 3.5 or
    less, partly at 4.5 or less'; '' when the threshold is unknown."""
    if met is None:
        return ""
    tail = " or less" if better == "lower" else ""
    words = f"met at {met:g}{tail}"
    return words + (f", partly at {partly:g}{tail}" if partly is not None else "")


def thresholds(rules: ScenarioRules | None, criterion_id: str) -> tuple[float | None, float | None, str]:
    """(met, partly, better) of a criterion of the scenario; (None, None, 'higher') if it has
    none by that id (a row recorded by a scenario since changed)."""
    card = rules.scenario.scorecard if rules is not None else None
    c = next((c for c in card.criteria if c.id == criterion_id), None) if card is not None else None
    return (None, None, "higher") if c is None else (float(c.met), None if c.partly is None else float(c.partly), c.better)


def row_line(row: dict, rules: ScenarioRules | None) -> str:
    """criterion_line for a recorded row (a dict of `criteria`), its thresholds from the rules."""
    met, partly, better = thresholds(rules, row["id"])
    return criterion_line(row["name"], row["value"], row.get("unit", ""), row["band"], row["points"], row["weight"],
                          met, partly, better)


def describe(rows, pct: float, rules: ScenarioRules | None = None) -> list[str]:
    """The scorecard in words, one line per criterion, for the reason and the debrief."""
    return [f"Scorecard: {pct:g} % of the points.", *(f"- {row_line(x, rules)}" for x in rows)]


def criterion_line(name: str, value: float, unit: str, band: str, points: float, weight: float,
                   met: float | None = None, partly: float | None = None, better: str = "higher") -> str:
    """One criterion in words, with what it needed: 'Intelligence and ISR: 4.78 of 10, team
    average — met at 6.5, partly at 5.5: not met (0 of 1 point)'."""
    needed = needed_words(met, partly, better)
    value_words = f"{shown(value, met, partly, better)}{' ' + unit if unit else ''}"
    return f"{name}: {value_words}{' — ' + needed + ':' if needed else ','} {band} ({points_of(points, weight)})"


def points_of(points: float, weight: float) -> str:
    """What a criterion scored of its weight: '0.5 of 1 point', '2 of 3 points'."""
    return f"{points:g} of {weight:g} {units(weight, POINTS, 9)}"


def band_words(band) -> str:
    """A score band's cut-off: '90 % with every criterion at least partly met'."""
    limit = "" if band.max_not_met is None else f" with {not_met_words(band.max_not_met)}"
    return f"{band.score:g} %{limit}"


def cutoffs(rules: ScenarioRules, pct: float, not_met: int, proposed: str | None) -> list[str]:
    """Each outcome's cut-off in the scenario's order and which the proposal comes from: the
    engine proposes the first reached, so those before it were not reached."""
    ids = [o.id for o in rules.scenario.outcomes]
    at = ids.index(proposed) if proposed in ids else len(ids)
    out = []
    for k, o in enumerate(rules.scenario.outcomes):
        band = rules.bands.get(o.id)
        if band is not None:
            need = f"needs {band_words(band)}" + (" and its condition" if o.condition else "")
        elif o.condition:
            need = "decided by its condition, not by the score"
        else:
            need = "when no outcome above is reached"
        state = " — not reached" if k < at else " — reached: the proposal" if k == at else ""
        out.append(f"- {o.name}: {need}{state}")
    return out


def objective_line(name: str, value: float, target: float, better: str, met: bool) -> str:
    """One team objective in words: 'German industrial share: 4, target at least 6 — not met'."""
    side = "at most" if better == "lower" else "at least"
    return f"{name}: {value:g}, target {side} {target:g} — {'met' if met else 'not met'}"


def verdict_words(proposed_name: str | None, name: str, overridden: bool, rationale: str,
                  by: str = "the US desk") -> str:
    """Whether the US desk (`by`: who gives the verdict, the scenario's words' verdict_by)
    confirmed the scorecard's proposal or overrode it, and why."""
    who = by[:1].upper() + by[1:]
    if overridden:
        return f"{who} overrode the proposal ({proposed_name or 'no verdict'}) with {name}: {rationale}"
    why = f": {rationale}" if rationale else ""
    return f"{who} confirmed the scorecard's proposal, {name}{why}"
