"""Dry runs: the bots, determinism whatever the workers, the report and the command line."""

from __future__ import annotations

import json
import math
from collections import Counter

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from test_engine_support import DRILL, Game, drill

from exercise.bots import POLICIES, allocation
from exercise.cli.simulate import MIXED, simulate
from exercise.dryrun.simulate import Tally, _stats, bot_turn, iter_runs, play, run_many, summarise
from exercise.engine.rolls import Dice
from exercise.engine.scenario_rules import rules_for


def test_cli_lists_every_policy():
    policy = next(p for p in simulate.params if p.name == "policy")
    assert list(policy.type.choices) == [MIXED, *POLICIES]


def test_allocation_helper_gives_legal_splits():
    r = rules_for(drill())
    for p in (0.0, 0.2, 0.5, 0.8, 1.0):
        for favour in (None, "sustain", "resilience"):
            shares = allocation(r, p, favour)
            assert abs(sum(shares.values()) - 1) < 1e-9
            for c in r.cats:
                assert c.min_share - 1e-9 <= shares[c.id] <= c.max_share + 1e-9


@pytest.mark.parametrize(("name", "seeds"), [("cautious", 10), ("spender", 10), ("planner", 10),
                                           ("coordinated", 4), ("selfish", 4), ("freerider", 4)])
def test_every_goal_or_rule_bound_policy_sends_only_legal_commands_and_replays(name, seeds):
    for seed in range(seeds):
        g = Game(drill(), seed=seed)
        dice = Dice(seed)
        def run(state, command, g=g):
            g.do(command)
            return g.state

        while g.s.status == "running":
            if g.s.phase == "deliberation":
                for team in ("east", "west"):
                    _, refused = bot_turn(g.s, team, POLICIES[name], dice, run)
                    assert refused == 0
            g.advance()
        assert g.replayed() == g.state


def test_policies_differ_as_described():
    sc = drill()
    cautious = play(sc, 5, "cautious")
    spender = play(sc, 5, "spender")
    ordered = lambda res: sum(1 for _ in res.deliveries)
    assert ordered(spender) > ordered(cautious)
    assert cautious.rejected == 0 and spender.rejected == 0
    # cautious takes every default
    assert all(opt in ("watch", "pledge") for _, _, opt, _ in cautious.answers)


def test_same_seed_same_report_whatever_the_workers():
    sc = drill()
    one = summarise(sc, run_many(sc, 24, seed=9, workers=1), 9, "mixed")
    two = summarise(sc, run_many(sc, 24, seed=9, workers=2), 9, "mixed")
    assert one == two
    other = summarise(sc, run_many(sc, 24, seed=10, workers=1), 10, "mixed")
    assert other != one


def test_report_contents():
    sc = drill()
    report = summarise(sc, run_many(sc, 30, seed=1, policy="random"), 1, "random")
    assert report["runs"] == 30
    assert sum(o["runs"] for o in report["outcomes"]) == 30
    fired = {i["id"]: i["runs"] for i in report["injects"]}
    assert fired["drones"] == 30 and fired["reserve-cyber"] == 30  # queued by shake-up on turn 3
    assert fired["crisis"] < 30
    assert "white-note" not in report["never_fired"]
    assert {d["inject"] for d in report["decisions"]} == {"drones", "summit"}
    jet = next(d for d in report["deliveries"] if d["item"] == "jet")
    assert jet["turns"]["3"] == 30 and jet["after_exercise"] >= 30  # west's backlog; east's after the end
    air = next(t for t in report["team_tracks"] if t["id"] == "air")
    assert set(air["teams"]) == {"east", "west"} and air["teams"]["east"]["min"] <= air["teams"]["east"]["mean"]


def test_cli_json_parses_and_matches_across_workers():
    runner = CliRunner()
    a = runner.invoke(simulate, [str(DRILL), "--runs", "12", "--seed", "3", "--json", "--workers", "1"])
    b = runner.invoke(simulate, [str(DRILL), "--runs", "12", "--seed", "3", "--json", "--workers", "2"])
    assert a.exit_code == 0, a.output
    assert json.loads(a.output) == json.loads(b.output)
    assert json.loads(a.output)["runs"] == 12


def test_cli_text_report():
    result = CliRunner().invoke(simulate, [str(DRILL), "--runs", "5", "--policy", "cautious"])
    assert result.exit_code == 0, result.output
    for heading in ("Outcomes", "Injects fired", "Decisions", "Final world tracks", "Final team tracks",
                    "Deliveries"):
        assert heading in result.output
    assert "reserve (fired only by the facilitator): SECRET-RESERVE-CYBER" in result.output


def test_cli_reports_a_broken_scenario_without_a_traceback(tmp_path):
    bad = tmp_path / "scenarios" / "bad.toml"
    bad.parent.mkdir()
    bad.write_text('[scenario]\nid = "bad"\ntitle = "Bad"\n[calendar]\nstart_year = 2026\ntrun = 3\n')
    result = CliRunner().invoke(simulate, [str(bad), "--runs", "2"])
    assert result.exit_code == 1
    assert "unknown key 'trun'" in result.output
    assert "Traceback" not in result.output
    result = CliRunner().invoke(simulate, ["no-such-scenario"])
    assert result.exit_code == 1 and "no scenario 'no-such-scenario'" in result.output


def test_planner_plays_toward_the_goals():
    """The goal-seeking bot ends with more of what the outcomes ask for than the blind ones:
    the measure a balance test rests on (a plan should beat no plan)."""
    sc = drill()
    r = rules_for(sc)

    def capabilities(res):
        return sum(res.team)

    plans = [play(sc, seed, "planner") for seed in range(8)]
    blind = [play(sc, seed, "cautious") for seed in range(8)]
    assert sum(map(capabilities, plans)) > sum(map(capabilities, blind))
    assert all(p.rejected == 0 for p in plans)
    assert r.team_tracks  # the drill has capabilities to buy


def _list_stats(values: list) -> dict:
    """The track statistics as computed from every run's value in run order (before runs
    were folded into counts)."""
    n = len(values)
    mean = math.fsum(values) / n
    var = math.fsum((v - mean) ** 2 for v in values) / n
    return {"mean": round(mean, 4), "sd": round(math.sqrt(var), 4),
            "min": round(min(values), 4), "max": round(max(values), 4)}


_track_values = st.one_of(st.sampled_from([0, 0.0, -0.0, 1, 1.0, 2.5, -3.25, 100.0]),
                          st.floats(-1e6, 1e6, allow_nan=False), st.integers(-50, 50))


@given(st.lists(_track_values, min_size=1, max_size=60))
def test_track_stats_from_counts_are_those_of_the_list(values):
    # repr: 0 vs 0.0 vs -0.0 print differently in the report and its JSON
    assert repr(_stats(Counter(values))) == repr(_list_stats(values))


def test_report_folds_runs_as_they_arrive():
    sc = drill()
    done: list[int] = []
    runs = iter_runs(sc, 40, seed=4, progress=done.append)
    first = next(runs)
    assert done == [5]  # one chunk (40 runs / 8) played, not all 40
    tally = Tally(sc)
    tally.add(first)
    for x in runs:
        tally.add(x)
    assert done[-1] == 40
    assert summarise(sc, tally, 4, "mixed") == summarise(sc, run_many(sc, 40, seed=4), 4, "mixed")
