"""The rows of the report's tables as plain text, shared by the Markdown and HTML
exporters (and the screen), so the three say the same thing in the same words."""

from __future__ import annotations

from exercise.debrief.plot import num
from exercise.debrief.report import RATING_NAMES, NoteItem, Report
from exercise.engine.ledger import POINTS, units

PLAN_HEAD = ["Objective", "Area for improvement", "Corrective action", "Responsible", "Start", "Completion"]
DECISION_HEAD = ["Turn", "Inject", "Team", "Decision", "Expected player actions"]
OUTCOME_HEAD = ["Outcome", "Held", "Criteria on the values at the end"]
OBJECTIVE_HEAD = ["Objective", "Team", "Rating", "Ratings turn by turn (who rated)"]
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
    """One row per objective and team it concerns: its last rating and every rating given."""
    rows = []
    for o in r.objectives:
        for team, rating, history in o.by_team or ((o.team, o.rating, o.history),):
            rows.append([o.name, team, rating_text(rating), history_text(history, team) or "-"])
    return rows


def rater(author: str) -> str:
    return f"by {author}" if author else "by the facilitator"


def history_text(history, team: str | None = None) -> str:
    """'turn 1: S (all teams, by the facilitator); turn 3: M (by Col. Diaz)'; a rating of
    `team` itself does not repeat the team's name."""
    out = []
    for h in history:
        who = [] if h.team and h.team == team else [h.team or "all teams"]
        out.append(f"turn {h.turn}: {h.rating} ({', '.join([*who, rater(h.author)])})")
    return "; ".join(out)


def rating_text(rating: str | None) -> str:
    return f"{rating}: {RATING_NAMES[rating]}" if rating else "not rated"


def ratings_given(o) -> str:
    """Every rating of an objective, turn by turn, with its team and who rated."""
    return history_text(o.history)


def note_text(n: NoteItem) -> str:
    bits = [f"turn {n.turn}"]
    if n.team:
        bits.append(n.team)
    if n.rating:
        bits.append(f"rated {n.rating} {rater(n.author)}")
    elif n.author:
        bits.append(rater(n.author))
    if n.inject:
        bits.append(f"on {n.inject}")
    return f"{n.text} ({', '.join(bits)})"


def outcome_head(r: Report) -> str:
    o = r.outcome
    if o.ended:
        return f"{o.name} in turn {o.turn}" + (" (ended early)" if o.early else "")
    return f"Not ended yet; if it ended now: {o.name}"


def outcome_rows(r: Report) -> list[list[str]]:
    return [[t.name, "yes" if t.held else "no", t.values or "(no condition: the verdict when none above held)"]
            for t in r.outcome.tried]


SCORE_HEAD = ["Criterion", "Value", "Needed", "Band", "Points"]
TEAM_OBJECTIVE_HEAD = ["Team", "Objective", "Value", "Target", "Result"]


def score_rows(r: Report) -> list[list[str]]:
    return [list(x) for x in r.outcome.scorecard]


def points_words(cell: str) -> str:
    """A scorecard row's points cell ("0 of 1", as report._scored writes it) with its unit:
    "0 of 1 point", "1.5 of 2 points" (the unit agrees with the weight, the cell's last number)."""
    return f"{cell} {units(float(cell.rsplit(' ', 1)[-1]), POINTS, 9)}"


def team_objective_rows(r: Report) -> list[list[str]]:
    return [list(x) for x in r.outcome.team_objectives]


def score_head(r: Report) -> str:
    by = r.words.verdict_by
    return f"{by[:1].upper() + by[1:]}'s scorecard: {r.outcome.score:g} % of the points. {r.outcome.judged}"


def reason_lines(reason: str) -> list[tuple[int, str]]:
    """The outcome's reason as (depth, text) lines: an explained reason's criteria ('- ...')
    sit under the outcome they belong to."""
    return [(1, x[2:]) if x.startswith("- ") else (0, x) for x in reason.splitlines() if x.strip()]


def decision_rows(r: Report) -> list[list[str]]:
    return [[str(d.turn), d.inject, d.team or "facilitator", d.choice + (" (default)" if d.default else ""),
             "; ".join(d.expected) or "-"] for d in r.decisions]


def chart_rows(chart) -> list[list[str]]:
    return [[s.name, *[num(v) for v in s.values]] for s in chart.series]


def plan_rows(r: Report) -> list[list[str]]:
    return [[obj, afi, "", "", "", ""] for obj, afi in r.improvement_plan()] or [[""] * len(PLAN_HEAD)]


RED_OBJECTIVE_HEAD = ["Objective", "Value at the end", "Needed", "Result"]
RED_ACT_HEAD = ["Turn", "Action", "Target", "Result", "Teams hit", "Resisted (their spending spared them part)"]


def red_head(r: Report) -> str:
    red = r.red
    assert red is not None
    return (f"{red.name}, the adversary (the red cell): its objectives measured at the end, and its acts "
            f"(each paid in {red.unit} when planned), what the teams noticed and which resisted.")


def red_objective_rows(r: Report) -> list[list[str]]:
    return [[o.name, o.value, o.needed or "-", o.result] for o in r.red.objectives] if r.red else []


def red_act_rows(r: Report) -> list[list[str]]:
    return [[str(a.turn), a.action, a.target, a.result, a.hit or "-", a.resisted or "-"]
            for a in r.red.acts] if r.red else []


FEEDBACK_HEAD = ["Statement", "Ratings", "Mean (1-5)", "1", "2", "3", "4", "5"]
FEEDBACK_LISTS = (("strengths", "Strengths"), ("improvements", "Areas for improvement"),
                  ("missed", "What the evaluators might have missed"))


def feedback_head(r: Report) -> str:
    f = r.feedback
    assert f is not None
    forms = f"{f.forms} participant feedback form" + ("s" if f.forms != 1 else "")
    return (f"{forms}, rated 1 (strongly disagree) to 5 (strongly agree). "
            + ("Each text names its team (exported with --name-feedback)." if f.named else
               "Anonymised: no team or participant is named, and the texts are in alphabetical order."))


def feedback_rows(r: Report) -> list[list[str]]:
    from exercise.engine.decision import number

    return [[x.question, str(x.count), number(x.mean, 2) if x.mean is not None else "-", *map(str, x.spread)]
            for x in r.feedback.ratings] if r.feedback else []
