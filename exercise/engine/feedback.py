"""The participant feedback form (HSEEP's Participant Feedback Form), given at a team's seat
once the exercise has ended: top three strengths, top three areas for improvement, what the
evaluators might have missed, and 1-5 ratings of how the exercise was designed and run.

The answers are the facilitator's only (a `feedback_given` event no team is sent) and go into
the after-action report, without team or participant names unless asked (docs/debrief.md).
"""

from __future__ import annotations

from exercise.engine import commands as cm
from exercise.engine import events as ev
from exercise.engine.commands import FACILITATOR, Rejected
from exercise.engine.decision import Decision, unknown

# (id, statement rated 1 strongly disagree .. 5 strongly agree), after HSEEP's form
QUESTIONS: tuple[tuple[str, str], ...] = (
    ("structure", "The exercise was well structured and organised."),
    ("objectives", "The exercise scenario was aligned with the exercise objectives."),
    ("realism", "The exercise scenario was plausible and realistic."),
    ("materials", "Exercise documentation and materials were useful."),
    ("facilitation", "The facilitator/controller(s) kept the exercise on track."),
    ("participation", "Participation in the exercise was appropriate for someone in my position."),
    ("participants", "The participants included the right people in terms of level and mix of disciplines."),
    ("preparedness", "The exercise increased my preparedness."),
)
QUESTION_TEXT = dict(QUESTIONS)
SCALE = (1, 2, 3, 4, 5)
SCALE_WORDS = {1: "strongly disagree", 2: "disagree", 3: "neutral", 4: "agree", 5: "strongly agree"}
MAX_ITEMS = 3  # strengths, and areas for improvement: the form's "top three"
MAX_ITEM = 1_000  # characters in one strength or area for improvement
MAX_PARTICIPANT = 80  # characters in the participant's name or role


def _items(values, what: str) -> tuple[str, ...]:
    if not isinstance(values, (tuple, list)):
        raise Rejected(f"{what} is a list of at most {MAX_ITEMS} texts")
    out = []
    for i, v in enumerate(values, 1):
        if not isinstance(v, str):
            raise Rejected(f"{what} {i} is not a text")
        if len(v) > MAX_ITEM:
            raise Rejected(f"{what} {i} is too long: {len(v):,} characters, at most {MAX_ITEM:,}; shorten it")
        if v.strip():
            out.append(v.strip())
    if len(out) > MAX_ITEMS:
        raise Rejected(f"{len(out)} {what}: the form asks for the top {MAX_ITEMS}; keep the {MAX_ITEMS} that matter most")
    return tuple(out)


def give_feedback(decision: Decision, command: cm.GiveFeedback) -> None:
    state, rules = decision.state, decision.rules
    team = command.team
    if team not in rules.teams:
        raise unknown("team", team, rules.teams)
    if command.actor != team:
        who = "the facilitator" if command.actor == FACILITATOR else (
            rules.team_name(command.actor) if command.actor in rules.teams else repr(command.actor))
        raise Rejected(f"{who} cannot give feedback for {rules.names[team]}: the form is filled in at its own seat")
    if state.status != "ended":
        raise Rejected("the feedback form opens when the exercise has ended")
    strengths = _items(command.strengths, "strengths")
    improvements = _items(command.improvements, "areas for improvement")
    missed = command.missed.strip() if isinstance(command.missed, str) else None
    if missed is None:
        raise Rejected("what the evaluators might have missed is a text")
    participant = command.participant.strip() if isinstance(command.participant, str) else None
    if participant is None or len(participant) > MAX_PARTICIPANT:
        raise Rejected(f"the participant is a name or role of at most {MAX_PARTICIPANT} characters")
    if not isinstance(command.ratings, dict):
        raise Rejected("ratings are {question: 1-5}")
    ratings: dict[str, int] = {}
    for q, r in command.ratings.items():
        if q not in QUESTION_TEXT:
            raise unknown("question", q, QUESTION_TEXT)
        if r is None:  # left blank on the form
            continue
        if isinstance(r, bool) or not isinstance(r, int) or r not in SCALE:
            raise Rejected(f"“{QUESTION_TEXT[q]}” is rated 1 (strongly disagree) to 5 (strongly agree), not {r!r}")
        ratings[q] = r
    if not (strengths or improvements or missed or ratings):
        raise Rejected("the form is empty: give a strength, an area for improvement, what was missed or a rating")
    ordered = {q: ratings[q] for q, _ in QUESTIONS if q in ratings}  # the form's order, whatever was sent
    decision.emit(ev.FeedbackGiven(team, strengths, improvements, missed, ordered, participant))
