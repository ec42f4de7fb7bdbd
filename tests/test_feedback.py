"""The participant feedback form in the engine: who may give it, when, what is refused, and
that nobody but the facilitator is told of it."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_engine_support import Game, drill

from exercise.engine import Rejected, execute, from_dict, initial_state, replay, to_dict
from exercise.engine import commands as cm
from exercise.engine import events as ev
from exercise.engine.feedback import QUESTIONS

FULL = dict(strengths=("clear injects", "good pace"), improvements=("more time",), missed="the logistics gap",
            ratings={"structure": 4, "realism": 5, "preparedness": 3}, participant="Logistics lead")


def ended() -> Game:
    g = Game(drill())
    while g.state.status == "running":
        g.advance(force=True)
    return g


def team(g: Game) -> str:
    return g.state.rules.team_ids[0]


def test_a_team_gives_several_forms_after_the_end_and_replay_equals_live():
    g = ended()
    a, b = g.state.rules.team_ids[:2]
    g.do(cm.GiveFeedback(a, a, **FULL))
    g.do(cm.GiveFeedback(a, a, strengths=("  the wall  ", ""), ratings={"facilitation": 2}))
    g.do(cm.GiveFeedback(b, b, missed="nothing"))
    fb = g.state.feedback
    assert [f.team for f in fb] == [a, a, b]
    assert fb[1].strengths == ("the wall",)  # blanks dropped, text trimmed
    assert list(fb[0].ratings) == ["structure", "realism", "preparedness"]
    assert g.replayed() == g.state
    lines = [json.dumps(to_dict(e)) for e in g.events]
    assert replay(initial_state(g.scenario), [from_dict(json.loads(x)) for x in lines]) == g.state


def test_the_event_is_the_facilitators_only():
    assert ev.FeedbackGiven.visibility == ev.FACILITATOR_ONLY


def test_feedback_waits_for_the_end_and_comes_from_the_team_itself():
    g = Game(drill())
    t = team(g)
    g.reject(cm.GiveFeedback(t, t, **FULL), "opens when the exercise has ended")
    while g.state.status == "running":
        g.advance(force=True)
    other = g.state.rules.team_ids[1]
    g.reject(cm.GiveFeedback(other, t, **FULL), "at its own seat")
    g.reject(cm.GiveFeedback(cm.FACILITATOR, t, **FULL), "the facilitator cannot give feedback")
    g.reject(cm.GiveFeedback("nobody", "nobody", **FULL), "unknown team")


def test_bad_forms_are_refused_with_reasons():
    g = ended()
    t = team(g)
    g.reject(cm.GiveFeedback(t, t), "the form is empty")
    g.reject(cm.GiveFeedback(t, t, strengths=(" ", ""), missed="  "), "the form is empty")
    g.reject(cm.GiveFeedback(t, t, strengths=("a", "b", "c", "d")), "4 strengths: the form asks for the top 3")
    g.reject(cm.GiveFeedback(t, t, improvements=("a", "b", "c", "d")), "areas for improvement")
    g.reject(cm.GiveFeedback(t, t, ratings={"structure": 6}), "rated 1 (strongly disagree) to 5")
    g.reject(cm.GiveFeedback(t, t, ratings={"structure": 0}), "not 0")
    g.reject(cm.GiveFeedback(t, t, ratings={"structure": True}), "rated 1")
    g.reject(cm.GiveFeedback(t, t, ratings={"pace": 3}), "unknown question 'pace'")
    g.reject(cm.GiveFeedback(t, t, strengths=("x" * 1001,)), "strengths 1 is too long: 1,001 characters")
    g.reject(cm.GiveFeedback(t, t, missed="x" * 4001), "is too long: 4,001 characters, at most 4,000")
    g.reject(cm.GiveFeedback(t, t, missed="x", participant="p" * 81), "at most 80 characters")


def test_every_question_can_be_rated():
    g = ended()
    t = team(g)
    g.do(cm.GiveFeedback(t, t, ratings={q: 5 for q, _ in QUESTIONS}))
    assert len(g.state.feedback[0].ratings) == len(QUESTIONS)


_ENDED = None


def _ended_state():
    global _ENDED
    if _ENDED is None:
        _ENDED = ended()
    return _ENDED


_any = st.one_of(st.none(), st.booleans(), st.integers(-3, 9), st.text(max_size=5), st.floats(allow_nan=True))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(actor=st.sampled_from(["blue", "red", "facilitator", "", "x"]),
       strengths=st.lists(st.one_of(st.text(max_size=20), _any), max_size=6),
       improvements=st.lists(st.text(max_size=1100), max_size=5),
       missed=st.one_of(st.text(max_size=30), _any),
       ratings=st.dictionaries(st.one_of(st.sampled_from([q for q, _ in QUESTIONS]), st.text(max_size=4)), _any,
                               max_size=10),
       participant=st.one_of(st.text(max_size=100), _any))
def test_any_form_is_taken_or_refused_never_a_crash(actor, strengths, improvements, missed, ratings, participant):
    g = _ended_state()
    t = actor if actor in g.state.rules.teams else team(g)
    # as the network would hand it over: lists and dicts straight from JSON
    raw = {"kind": "give_feedback", "actor": actor or t, "team": t, "strengths": strengths,
           "improvements": improvements, "missed": missed, "ratings": ratings, "participant": participant}
    try:
        command = from_dict(json.loads(json.dumps(raw, default=str)))
    except (TypeError, ValueError):
        return
    try:
        state, events = execute(g.state, command)
    except Rejected as r:
        assert r.reason
        return
    assert events and isinstance(events[0], ev.FeedbackGiven)
    for e in events:  # what was taken survives the journal
        assert from_dict(json.loads(json.dumps(to_dict(e)))) == e
    assert replay(g.state, events) == state
