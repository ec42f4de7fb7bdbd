"""The rows of the report's tables as plain text, shared by the Markdown and HTML
exporters (and the screen), so the three say the same thing in the same words."""

from __future__ import annotations

from exercise.debrief.plot import num
from exercise.debrief.report import RATING_NAMES, NoteItem, Report

PLAN_HEAD = ["Objective", "Area for improvement", "Corrective action", "Responsible", "Start", "Completion"]
DECISION_HEAD = ["Turn", "Inject", "Team", "Decision", "Expected player actions"]
OUTCOME_HEAD = ["Outcome", "Condition", "Held", "Values"]
OBJECTIVE_HEAD = ["Objective", "Team", "Rating"]
NOTE_SECTIONS = (("strengths", "Strengths"), ("improvements", "Areas for improvement"),
                 ("observations", "Other observations"))


def status_line(r: Report) -> str:
    if r.status == "ready":
        return "not started"
    if r.status == "ended":
        return f"ended in turn {r.turn} of {r.turns}"
    return f"under way: turn {r.turn} of {r.turns}"


def overview_rows(r: Report) -> list[list[str]]:
    rows = [
        ["Exercise", f"{r.title} ({r.id})"],
        ["Scenario", f"{r.scenario_title} ({r.scenario_id})"],
        ["Dates", f"{r.started} to {r.last_activity}"],
        ["Turns", f"{status_line(r)} (the scenario runs {r.period})"],
        ["Seed", str(r.seed)],
        ["Outcome", r.outcome.name + ("" if r.outcome.ended else " (if it ended now)")],
    ]
    if r.simulated:
        rows.append(["Kind", "simulated run (bots played every team)"])
    if r.parent:
        rows.append(["Forked from", f"{r.parent.get('exercise')} at the start of turn {r.parent.get('turn')}"])
    return rows


def team_rows(r: Report) -> list[list[str]]:
    return [[name, ", ".join(allies)] for name, allies in r.teams]


def objective_rows(r: Report) -> list[list[str]]:
    return [[o.name, o.team, rating_text(o.rating)] for o in r.objectives]


def rating_text(rating: str | None) -> str:
    return f"{rating}: {RATING_NAMES[rating]}" if rating else "not rated"


def ratings_given(o) -> str:
    """'S in turn 1, M in turn 3' when an objective was rated more than once."""
    return ", ".join(f"{x} in turn {t}" for t, x in o.ratings) if len(o.ratings) > 1 else ""


def note_text(n: NoteItem) -> str:
    bits = [f"turn {n.turn}"]
    if n.rating:
        bits.append(f"rated {n.rating}")
    if n.inject:
        bits.append(f"on {n.inject}")
    return f"{n.text} ({', '.join(bits)})"


def outcome_head(r: Report) -> str:
    o = r.outcome
    if o.ended:
        return f"{o.name} in turn {o.turn}" + (" (ended early)" if o.early else "")
    return f"Not ended yet; if it ended now: {o.name}"


def outcome_rows(r: Report) -> list[list[str]]:
    return [[t.name, t.condition or "(always)", "yes" if t.held else "no", t.values or "-"] for t in r.outcome.tried]


def decision_rows(r: Report) -> list[list[str]]:
    return [[str(d.turn), d.inject, d.team or "facilitator", d.choice + (" (default)" if d.default else ""),
             "; ".join(d.expected) or "-"] for d in r.decisions]


def chart_rows(chart) -> list[list[str]]:
    return [[s.name, *[num(v) for v in s.values]] for s in chart.series]


def plan_rows(r: Report) -> list[list[str]]:
    return [[obj, afi, "", "", "", ""] for obj, afi in r.improvement_plan()] or [[""] * len(PLAN_HEAD)]
