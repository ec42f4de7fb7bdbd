"""The balance targets judged on synthetic sections and synthetic runs: each target flips
exactly at its bound, and a missing measurement is "not measured", never "met"."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import MINI, load_fixture

from exercise.dryrun import balance as bal
from exercise.dryrun.simulate import Lineup, RunResult


def _policy(name: str, best: float, runs: int = 100) -> bal.PolicyRow:
    return bal.PolicyRow(name, name, runs, (), best, None)


def report(coordinated=60.0, random=5.0, drops=(-15.0, -12.0), winners=(("split", "coordinated", ("a",)),
           ("split", "selfish", ("b",))), dominant=(), swing=10.0, red=(50.0, 60.0), never=(), always=(),
           runs: int = 1_000_000) -> bal.BalanceReport:
    """A synthetic report; `runs` per configuration (a million: margins of ~0.1 point, so the
    targets are judged at their bounds)."""
    rows = tuple(x for x in (_policy("random", random, runs) if random is not None else None,
                             _policy("coordinated", coordinated, runs) if coordinated is not None else None) if x)
    teams = bal.Teams(coordinated, tuple(bal.TeamRow(f"t{i}", f"Team {i}", runs, coordinated + d, d)
                                         for i, d in enumerate(drops)))
    dice_rows = () if swing is None else (bal.RollRow(("slip", "t0", "jet", "3"), "slip roll", "on time", "slipped",
                                                      5000, 70.0, 5000, 70.0 - swing, swing,
                                                      bal.margin(70.0, 5000, 70.0 - swing, 5000)),)
    red_sec = bal.Red(False, 0, coordinated, None, None, ("not measured: no adversary",)) if red is None else \
        bal.Red(True, runs, red[1], red[0], red[0] - red[1])
    inj = lambda i: bal.InjectRow(i, i.title(), 0, 0.0)
    return bal.BalanceReport(
        "s", "S", 1, 100, 10, "win", "Win", bal.Skill(rows, None, None, None), teams,
        bal.Plans((), tuple(winners), tuple(dominant)), bal.Criteria(200, (), (), ()),
        bal.Dice(100, 10, 5, len(dice_rows), dice_rows), bal.Injects(200, tuple(map(inj, never)), tuple(map(inj, always)), (), judged=3),
        red_sec, ())


def status(r: bal.BalanceReport) -> dict[str, str]:
    return {t.id: t.status for t in bal.judge(r)}


def test_a_balanced_report_meets_every_target():
    assert set(status(report()).values()) == {"met"}


@pytest.mark.parametrize(("value", "expected"), [(40.0, "met"), (80.0, "met"), (39.99, "not met"),
                                                 (80.01, "not met"), (100.0, "not met")])
def test_coordinated_within_40_80(value, expected):
    assert status(report(coordinated=value))["coordinated-40-80"] == expected


@pytest.mark.parametrize(("value", "expected"), [(10.0, "met"), (10.01, "not met"), (0.0, "met")])
def test_random_at_most_10(value, expected):
    assert status(report(random=value))["random-10"] == expected


@pytest.mark.parametrize(("drops", "expected"), [((-10.5, -30.0), "met"), ((-9.99, -30.0), "not met"),
                                                 ((-30.0, 5.0), "not met"), ((), "not measured")])
def test_every_team_matters(drops, expected):
    assert status(report(drops=drops))["every-team"] == expected


def test_a_plan_best_under_every_policy_misses_the_target():
    r = report(winners=(("split", "coordinated", ("a",)), ("split", "selfish", ("a",))), dominant=(("split", "a"),))
    assert status(r)["no-dominant-plan"] == "not met"
    assert status(report(winners=(("split", "coordinated", ("a",)),)))["no-dominant-plan"] == "not measured"
    assert status(report(winners=()))["no-dominant-plan"] == "not measured"


@pytest.mark.parametrize(("swing", "expected"), [(20.0, "met"), (-20.0, "met"), (22.5, "not met"),
                                                 (-35.0, "not met"), (None, "met")])
def test_no_roll_swings_more_than_20_points(swing, expected):
    assert status(report(swing=swing))["dice-20"] == expected


@pytest.mark.parametrize(("red", "expected"), [((50.0, 60.0), "met"), ((60.0, 60.0), "not met"), ((59.95, 60.0), "not met"),
                                               ((70.0, 60.0), "not met"), (None, "not measured")])
def test_the_red_bot_must_lower_the_rate(red, expected):
    assert status(report(red=red))["red-bot"] == expected


def test_injects_never_or_always_fired_miss_the_target():
    assert status(report(never=("a",)))["injects"] == "not met"
    assert status(report(always=("b",)))["injects"] == "not met"


def _result(best: bool, criteria=(), rolls=(), fired=(), outcome=None) -> RunResult:
    return RunResult(outcome or ("win" if best else "lose"), tuple(fired), (), (), (), (), 0, (), best=best,
                     score=90.0 if best else 40.0, criteria=tuple(criteria), rolls=tuple(rolls))


def test_build_from_synthetic_runs():
    """Tallies of hand-made runs: rates, the dice section's conditional rates and its
    minimum count, injects never/always fired, a reserve inject's change."""
    sc = load_fixture(MINI).scenario
    scheduled = [i.id for i in sc.all_injects() if not i.reserve]
    configs = [bal.Config("policy:random", Lineup(policy="random")),
               bal.Config("policy:coordinated", Lineup(policy="planner")),
               bal.Config("reserve:reserve-cyber", Lineup(policy="planner", reserve="reserve-cyber", reserve_turn=2))]
    tallies = [bal.Tally() for _ in configs]
    for i in range(20):
        tallies[0].add(_result(False, fired=scheduled[:1]))
        # coordinated: the slip roll decides (on time: best), a rare roll is below the minimum count
        on_time = i % 2 == 0
        rolls = [(("slip", "east", "jet", "3"), on_time)] + ([(("inject", "rare"), True)] if i < 2 else [])
        tallies[1].add(_result(on_time, rolls=rolls, fired=scheduled[:1]))
        tallies[2].add(_result(i < 5, fired=("reserve-cyber",)))
    r = bal.build(sc, 1, 20, configs, tallies)
    assert [(x.policy, x.best_pct) for x in r.skill.rows] == [("random", 0.0), ("coordinated", 50.0)]
    assert r.skill.spread_points == 50.0
    assert r.dice.min_arm == 5 and r.dice.sites == 2 and r.dice.judged == 1
    row = r.dice.rows[0]
    assert (row.passed_runs, row.passed_best_pct, row.failed_runs, row.failed_best_pct, row.swing_points) == \
        (10, 100.0, 10, 0.0, 100.0)
    assert {t.id: t.status for t in r.targets}["dice-20"] == "not met"
    assert [x.id for x in r.injects.always] == scheduled[:1]
    assert {x.id for x in r.injects.never} == set(scheduled[1:])
    (res,) = r.injects.reserve
    assert (res.best_pct, res.baseline_pct, res.delta_points, res.fired_pct) == (25.0, 50.0, -25.0, 100.0)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=40))
def test_tally_counts_add_up(runs):
    """Whatever the runs: conditional counts add up to the runs that rolled, and the rates
    are the counted shares."""
    t = bal.Tally()
    for best, passed in runs:
        t.add(_result(best, rolls=[(("inject", "x"), passed)]))
    np_, bp, nf, bf = t.rolls[("inject", "x")]
    assert np_ + nf == len(runs) == t.runs
    assert bp + bf == t.best == sum(b for b, _ in runs)
    assert t.best_pct == round(100 * t.best / t.runs, 2)


def test_report_is_frozen_data():
    r = report()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        r.seed = 2  # type: ignore[misc]


def test_a_fixed_inject_is_not_flagged_always_fired():
    """`fixed = true` (model.Inject.fixed, the red helper's field) says an inject is meant to
    fire in every run: the report does not list it as always fired."""
    from exercise import model

    if "fixed" not in attrs.fields_dict(model.Inject):
        pytest.skip("model.Inject has no `fixed` yet (comes with the merge)")
    sc = load_fixture(MINI).scenario
    scheduled = [i for i in sc.all_injects() if not i.reserve]
    fixed = attrs.evolve(scheduled[0], fixed=True)
    sc = attrs.evolve(sc, injects=(fixed, *(i for i in sc.injects if i.id != fixed.id)),
                      included=tuple(attrs.evolve(p, injects=tuple(i for i in p.injects if i.id != fixed.id))
                                     for p in sc.included))
    configs = [bal.Config("policy:random", Lineup(policy="random"))]
    t = bal.Tally()
    for _ in range(4):
        t.add(_result(False, fired=(fixed.id, scheduled[1].id)))
    r = bal.build(sc, 1, 4, configs, [t])
    assert [x.id for x in r.injects.always] == [scheduled[1].id]


def test_a_plan_tied_for_best_is_not_dominant():
    """Plans tied under one policy (every selfish run lost, whatever the mean scores) do not
    make the plan best under the other policy dominant."""
    sc = load_fixture(MINI).scenario
    configs, tallies = [], []
    for base, plan, best, score in (("coordinated", "a", 30, 90.0), ("coordinated", "b", 10, 80.0),
                                    ("selfish", "a", 0, 10.0), ("selfish", "b", 0, 10.0)):
        configs.append(bal.Config(f"plan:{base}:split:{plan}", Lineup(policy=base, split=plan)))
        t = bal.Tally()
        for i in range(40):
            t.add(attrs.evolve(_result(i < best), score=score))
        tallies.append(t)
    r = bal.build(sc, 1, 40, configs, tallies)
    assert ("split", "coordinated", ("a",)) in r.plans.winners
    assert ("split", "selfish", ("a", "b")) in r.plans.winners
    assert r.plans.dominant == ()
    tallies[3] = bal.Tally()
    tallies[2] = bal.Tally()
    for i in range(40):  # now "a" wins under selfish too: 75 % against 0 %, far beyond the noise
        tallies[2].add(attrs.evolve(_result(i < 30), score=80.0))
        tallies[3].add(attrs.evolve(_result(False), score=5.0))
    r = bal.build(sc, 1, 40, configs, tallies)
    assert r.plans.dominant == (("split", "a"),)
    assert {t.id: t.status for t in r.targets}["no-dominant-plan"] == "not met"


def test_plans_the_runs_cannot_tell_apart_are_tied():
    """68 % against 65 % over 100 runs each is within the noise: both best, none dominant;
    68 % against 40 % is not."""
    sc = load_fixture(MINI).scenario
    def build(b_wins):
        configs, tallies = [], []
        for base, plan, wins in (("coordinated", "a", 68), ("coordinated", "b", b_wins),
                                 ("selfish", "a", 90), ("selfish", "b", 20)):
            configs.append(bal.Config(f"plan:{base}:split:{plan}", Lineup(policy=base, split=plan)))
            t = bal.Tally()
            for i in range(100):
                t.add(attrs.evolve(_result(i < wins), score=50.0))
            tallies.append(t)
        return bal.build(sc, 1, 100, configs, tallies)
    close = build(65)
    assert ("split", "coordinated", ("a", "b")) in close.plans.winners and close.plans.dominant == ()
    assert build(40).plans.dominant == (("split", "a"),)


def test_every_policy_row_has_the_same_outcome_columns():
    """A run without a verdict under one policy adds "No verdict" to every policy's row."""
    sc = load_fixture(MINI).scenario
    configs = [bal.Config("policy:random", Lineup(policy="random")),
               bal.Config("policy:cautious", Lineup(policy="cautious"))]
    tallies = [bal.Tally(), bal.Tally()]
    tallies[0].add(_result(False))
    tallies[1].add(attrs.evolve(_result(False), outcome=None))
    r = bal.build(sc, 1, 1, configs, tallies)
    assert [[o.name for o in x.outcomes] for x in r.skill.rows] == [["Europe-led", "Coordination cuts", "No verdict"]] * 2
    assert [o.runs for o in r.skill.rows[1].outcomes] == [0, 0, 1]


def test_a_swing_the_runs_cannot_tell_from_noise_does_not_miss_the_target():
    """15 runs each way at 60 % against 26.7 %: a 33-point swing, but within the 95 % margin
    of so few runs; the same swing over 2,000 runs each way is real and misses the target."""
    few = bal.RollRow(("slip", "t0", "jet", "3"), "slip roll", "on time", "slipped", 15, 60.0, 15, 26.67, 33.33,
                      bal.margin(60.0, 15, 26.67, 15))
    many = attrs.evolve(few, passed_runs=2000, failed_runs=2000, margin_points=bal.margin(60.0, 2000, 26.67, 2000))
    assert few.least_points == 0.0 and many.least_points > 30
    base = report()
    for row, expected in ((few, "met"), (many, "not met")):
        r = attrs.evolve(base, dice=attrs.evolve(base.dice, rows=(row,)))
        assert {t.id: t.status for t in bal.judge(r)}["dice-20"] == expected


def test_a_drop_within_the_runs_noise_does_not_meet_a_target():
    """Over 100 runs a 15-point drop for a free rider and a 10-point drop for the red bot
    are within the 95 % margin (~13-14 points): neither counts as shown."""
    few = status(report(drops=(-15.0, -30.0), red=(50.0, 60.0), runs=100))
    assert few["every-team"] == "not met" and few["red-bot"] == "not met"
    many = status(report(drops=(-15.0, -30.0), red=(50.0, 60.0), runs=1000))
    assert many["every-team"] == "met" and many["red-bot"] == "met"
