"""The end of the exercise explains its outcome criterion by criterion, with names, values,
thresholds and met / not met, never as a raw expression (conditions.explain)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from support import load_fixture

from exercise import conditions as cond
from exercise.engine import commands as cm
from exercise.engine.world import StateWorld, explain_outcome, labels_of

ROOT = Path(__file__).parent.parent
DEFAULT = ROOT / "scenarios" / "deadline-2027.toml"


class FakeWorld:
    def __init__(self, tracks=None, team=None, calls=None, turn=8):
        self.tracks, self.team, self.calls, self._turn = tracks or {}, team or {}, calls or {}, turn

    @property
    def turn(self):
        return self._turn

    @property
    def turns(self):
        return 8

    def track(self, t):
        return self.tracks.get(t, 0.0)

    def team_track(self, team, t):
        return self.team.get((team, t), 0.0)

    def ally(self, a, attr):
        return 2.0

    def call(self, f, args):
        return self.calls[(f, args)]


LABELS = cond.Labels(
    tracks={"intelligence": "Intelligence", "us_trust": "US trust"},
    teams={"norfolk": "Norfolk"}, commands={"jfc-naples": "JFC Naples"},
    injects={"rail-blast": "Rail line blast"}, team_count=4)


def test_each_criterion_of_an_and_is_one_line_with_names_values_and_threshold():
    tree = cond.parse('avg("intelligence") >= 6 and track.us_trust >= 4 and led("jfc-naples")')
    w = FakeWorld({"us_trust": 4.5}, calls={("avg", ("intelligence",)): 5.075, ("led", ("jfc-naples",)): False})
    lines = cond.explain(tree, w, LABELS)
    assert [c.text for c in lines] == [
        "Average Intelligence across the four teams: 5.08, needs at least 6",
        "US trust: 4.5, needs at least 4",
        "JFC Naples led by a player team's ally: no",
    ]
    assert [c.met for c in lines] == [False, True, False]
    assert str(lines[0]) == "Average Intelligence across the four teams: 5.08, needs at least 6 — not met"
    assert str(lines[1]).endswith("— met")


def test_rounding_never_makes_a_value_look_like_it_meets_a_threshold_it_misses():
    tree = cond.parse("track.us_trust >= 6")
    (c,) = cond.explain(tree, FakeWorld({"us_trust": 5.999}), LABELS)
    assert not c.met and "5.999" in c.text


@settings(max_examples=100, deadline=None)
@given(st.floats(-20, 20, allow_nan=False), st.sampled_from(["<", "<=", ">", ">=", "==", "!="]),
       st.integers(-20, 20))
def test_met_agrees_with_the_compiled_condition(value, op, threshold):
    tree = cond.parse(f"track.us_trust {op} {threshold}")
    w = FakeWorld({"us_trust": value})
    (c,) = cond.explain(tree, w, LABELS)
    assert c.met == bool(cond.compile_expr(tree)(w))
    assert "track." not in c.text and "us_trust" not in c.text


def test_the_default_scenarios_end_is_explained_in_words(tmp_path):
    from exercise.session import Session

    loaded = load_fixture(DEFAULT)
    s = Session.create(loaded.scenario, loaded.texts, tmp_path)
    s.execute(cm.Start())
    s.execute(cm.End("time"))
    s.execute(cm.Judge())  # the default scenario has a scorecard: the US desk confirms it
    reason = s.state.verdict.reason
    s.close()
    assert "avg(" not in reason and "led(" not in reason and "track." not in reason
    assert "- Intelligence and ISR: 4.75 of 10, team average — met at 6.5, partly at 5.5: not met (0 of 1 point)" in reason
    assert "Europe-led was not reached:\n- needs 90 % of the points with every criterion at least partly met" in reason
    # the explanation can be made again from any state: the debrief of an old save uses it
    assert explain_outcome(s.state, s.state.rules) == reason
    assert isinstance(labels_of(s.state.rules), cond.Labels) and StateWorld


def test_an_old_saves_raw_reason_is_kept_in_the_record_and_explained_in_the_report(tmp_path):
    import attrs

    from exercise.debrief import report

    loaded = load_fixture(DEFAULT)
    s = new_session(loaded, tmp_path)
    s.execute(cm.Start())
    s.execute(cm.End("time"))
    s.execute(cm.Judge())
    raw = "no earlier outcome's condition held"  # what saves recorded before
    old = attrs.evolve(s.state, verdict=attrs.evolve(s.state.verdict, reason=raw))
    out = report._outcome(old)
    s.close()
    assert old.verdict.reason == raw  # the state is left as it was
    assert "Europe-led was not reached:" in out.reason and ": not met (0 of" in out.reason


def new_session(loaded, root):
    from exercise.session import Session

    return Session.create(loaded.scenario, loaded.texts, root)
