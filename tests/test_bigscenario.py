"""bench/bigscenario.py writes a valid scenario that plays (a small size here, to stay fast)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from exercise.dryrun.simulate import play
from exercise.packs import loader
from exercise.packs.check import validate
from exercise.packs.problems import Problems

ROOT = Path(__file__).parent.parent


def _generator():
    spec = importlib.util.spec_from_file_location("bigscenario", ROOT / "bench" / "bigscenario.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_scenario_validates_and_plays(tmp_path):
    gen = _generator()
    path = gen.generate(tmp_path / "a", teams_x=2, turns_x=2, copies=3)
    report = validate([path])
    assert not report.problems.items, [str(p) for p in report.problems.items]
    assert len(report.injects) == 46 * 3  # the default's 46 injects, 3 times
    problems = Problems()
    sc = loader.load_scenario(path, problems).scenario
    assert not problems.errors and sc is not None
    assert len(sc.teams) == 8 and sc.calendar.turns == 16
    # copies keep their chains: a copied inject requires the same copy of its parent
    chained = [i for i in sc.all_injects() if i.requires and i.id.endswith("-c2")]
    assert chained and all(r.endswith("-c2") for i in chained for r in i.requires)
    # copies reach their team copy
    assert any("norfolk-2" in i.to for i in sc.all_injects())
    play(sc, 1, "mixed")  # it plays to the end with bots
    # deterministic: the same arguments write the same bytes
    again = gen.generate(tmp_path / "b", teams_x=2, turns_x=2, copies=3)
    assert again.read_bytes() == path.read_bytes()


def test_state_indexes_match_the_scans_they_replace(tmp_path):
    """State.unanswered, .uncombined and .team_budget_effects (kept by apply) give what a
    scan of every fired inject or budget effect gives, at every event of a bots' run."""
    from exercise.engine import apply, initial_state

    path = _generator().generate(tmp_path, teams_x=2, turns_x=1, copies=2)
    sc = loader.load_scenario(path, Problems()).scenario
    events: list = []
    play(sc, 3, "mixed", lambda command, evs: events.extend(evs))
    s = initial_state(sc, 3)
    r = s.rules
    checked = 0
    for e in events:
        s = apply(s, e)
        for team in r.team_ids:
            scan = [i for i in s.fired if i in r.decisions_for[team] and (i, team) not in s.answers]
            assert s.pending_decisions(team) == scan
            assert s.team_budget_effects.get(team, ()) == tuple(b for b in s.budget_effects if b.team == team)
        may_combine = [i for i in s.fired if i in r.combines and i not in s.combined
                       and any((i, t) not in s.answers for t in r.targets[i])]
        assert [i for i in s.uncombined if i in may_combine] == may_combine
        checked += 1
    assert checked > 500 and s.status == "ended"
