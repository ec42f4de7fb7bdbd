"""The coordinated bot against an adversary: it funds the public resist share once a team
has noticed incidents against it (never on what it could not know), keeps a margin under a
criterion that wants a track low, and stays a different plan from the 'resilient' variant."""

from __future__ import annotations

import attrs
import pytest
from support import DEFAULT
from test_bots import deliberation, final_batch
from test_engine_support import load

from exercise.bots import POLICIES, plans
from exercise.bots.planner import COORDINATED, SELFISH, _effects_value, _Goals, split_floors, split_guarded
from exercise.dryrun.simulate import Lineup, play
from exercise.engine import commands as cm
from exercise.engine.red import resisting
from exercise.engine.rules import execute
from exercise.engine.state import RedMove


@pytest.fixture(scope="module")
def start():
    return deliberation()


def hit(s, team: str, detected: bool = True):
    """`s` with one resolved adversary action that hit `team` (noticed or not)."""
    move = RedMove("red-1", "gps-jamming", "jfc-brunssum", s.turn, 2.0, status="resolved", teams=(team,),
                   detect_roll=0.1 if detected else 0.99, detected=detected)
    return attrs.evolve(s, red_acts={"red-1": move})


def allocation_of(s, team: str):
    out = [c for c in final_batch(POLICIES["coordinated"], s, team) if isinstance(c, cm.Allocate)]
    return out[0].shares if out else None


def test_a_team_that_noticed_an_incident_stands_at_the_resist_share(start):
    rules = start.rules
    adv = rules.adversary
    s = hit(start, "brunssum-west")
    shares = allocation_of(s, "brunssum-west")
    assert shares is not None and shares[adv.resisted_by] > adv.resist_share
    after, _ = execute(s, cm.Allocate("brunssum-west", "brunssum-west", shares))
    assert resisting(after, rules, adv, "brunssum-west")  # the engine agrees: the harm is halved
    # a team that saw nothing keeps the floors: the money stays in procurement
    assert allocation_of(s, "norfolk") == split_floors(s, rules, "norfolk")
    assert not resisting(execute(s, cm.Allocate("norfolk", "norfolk", allocation_of(s, "norfolk")))[0],
                         rules, adv, "norfolk")


def test_an_incident_the_team_did_not_notice_changes_nothing(start):
    s = hit(start, "brunssum-west", detected=False)
    assert split_guarded(s, s.rules, "brunssum-west") == split_floors(s, s.rules, "brunssum-west")


def test_the_shield_makes_up_for_money_decisions_took_from_resilience(start):
    """A decision that cut this turn's Resilience money: the share rises by as much, so the
    team still stands at the resist share (and not at all when that costs too much)."""
    rules, adv = start.rules, start.rules.adversary
    team = "brunssum-west"
    s = hit(start, team)
    total, amounts = s.budget[team]
    cut = round(0.05 * total, 2)
    s = attrs.evolve(s, budget={**s.budget, team: (total, {**amounts, adv.resisted_by: amounts[adv.resisted_by] - cut})})
    shares = split_guarded(s, rules, team)
    assert shares[adv.resisted_by] >= adv.resist_share + cut / total
    after, _ = execute(s, cm.Allocate(team, team, shares))
    assert resisting(after, rules, adv, team)
    big = round(0.3 * total, 2)  # beyond what the shield is worth: the floors, nothing wasted short of it
    s = attrs.evolve(s, budget={**s.budget, team: (total, {**amounts, adv.resisted_by: amounts[adv.resisted_by] - big})})
    assert split_guarded(s, rules, team) == split_floors(s, rules, team)


def test_the_resilient_variant_and_the_default_coordinated_split_are_different_plans(start):
    rules = start.rules
    assert plans.variant("coordinated").split is split_guarded
    assert plans.variant("coordinated", "resilient").split is not COORDINATED.split
    # a named split is forced, even 'floors' (the coordinated base's own split is not it)
    floors = plans.policy("coordinated", "floors")
    assert floors is not POLICIES["coordinated"] and floors.plan.split is split_floors
    assert plans.policy("selfish", "floors") is POLICIES["selfish"] and SELFISH.split is split_floors
    resilient = plans.variant("coordinated", "resilient").split(start, rules, "norfolk")
    assert COORDINATED.split(start, rules, "norfolk") != resilient  # no incident yet: floors, not the shield


def escalation_at(s, value: float, roll: float = 0.0):
    """`s` with escalation at `value` and every team's estimate roll at `roll` (0: the band
    the team reads tops out at the true value; 1: a whole width over it)."""
    rolls = {**s.estimate_rolls, **{("escalation", t): roll for t in s.rules.team_ids}}
    return attrs.evolve(s, tracks={**s.tracks, "escalation": value}, estimate_rolls=rolls)


def test_a_rise_the_scorecard_wants_low_weighs_more_near_its_ceiling(start):
    from exercise import model

    rules = start.rules
    effects = (model.Effect(track="escalation", add=0.3),)

    def value(s, plan=COORDINATED):
        return _effects_value(s, rules, "brunssum-east", effects, _Goals(rules, "brunssum-east", plan.selfish))

    low, near, over = (value(escalation_at(start, v)) for v in (2.0, 3.4, 4.5))
    assert low < 0 and near < 2 * low and over < near  # the ceiling is 3.5 (criterion 'escalation')
    assert over == pytest.approx(5 * low)
    # what the team reads (the top of its estimate's band), not the truth: a low rung read
    # high weighs as a high one
    assert value(escalation_at(start, 2.5, roll=1.0)) == pytest.approx(over)
    # the selfish bot is left as it was: a flat weight
    assert value(escalation_at(start, 4.5), SELFISH) == pytest.approx(value(escalation_at(start, 2.0), SELFISH))


def test_coordinated_teams_resist_the_red_bot_only_after_they_noticed_it():
    sc = load(DEFAULT)
    resisted = 0
    for seed in range(2):
        seen: set[str] = set()

        def record(command, events, seen=seen):
            nonlocal resisted
            for e in events:
                if e.kind == "red_action_resolved":
                    assert set(e.resisted) <= seen  # never before an incident it noticed
                    resisted += len(e.resisted)
                    if e.detected:
                        seen.update(e.teams)

        play(sc, seed, Lineup(policy="coordinated", red="bot"), record=record)
    assert resisted >= 4
