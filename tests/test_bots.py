"""The goal-seeking bots (coordinated, selfish), the free rider and the plan variants the
balance report plays: legal, deterministic, and different where they say they differ."""

from __future__ import annotations

from collections import Counter

import pytest
from support import DEFAULT
from test_engine_support import load

from exercise.bots import POLICIES, REDS, plans
from exercise.bots.planner import own_flank, split_floors
from exercise.dryrun.simulate import play
from exercise.engine import commands as cm
from exercise.engine.rolls import Dice
from exercise.engine.scenario_rules import rules_for
from exercise.engine.state import initial_state

NEW = ("coordinated", "selfish", "freerider")


def commands_of(policy, seed: int, scenario=None) -> list:
    """Every command a whole dry run accepted, in order."""
    out: list = []
    play(scenario or load(DEFAULT), seed, policy, record=lambda c, _: out.append(c))
    return out


def deliberation(scenario=None):
    """The default scenario's first deliberation (started, advanced once)."""
    from exercise.engine.rules import execute

    s, _ = execute(initial_state(scenario or load(DEFAULT), 3), cm.Start())
    while s.phase != "deliberation":
        s, _ = execute(s, cm.Advance(force=True))
    return s


def final_batch(policy, s, team: str) -> list:
    """The policy's plan for the turn: its preliminary batches (answers, leads) carried out."""
    from exercise.dryrun.simulate import PRELIMINARY
    from exercise.engine.rules import execute

    for _ in range(4):
        out = policy(s, team, Dice(1))
        if not all(isinstance(c, PRELIMINARY) for c in out):
            return out
        for c in out:
            s, _ = execute(s, c)
    raise AssertionError("no plan after four preliminary batches")


def test_the_registry_names_the_contracts_policies():
    assert list(POLICIES)[:4] == ["random", "cautious", "spender", "planner"]  # mixed draws these, in order
    assert {"coordinated", "selfish", "freerider"} <= set(POLICIES)
    assert POLICIES["planner"] is POLICIES["coordinated"]  # the old name plays the same bot
    assert "scripted" not in REDS


@pytest.mark.parametrize("name", NEW)
def test_same_seed_same_commands(name):
    assert commands_of(name, 7) == commands_of(name, 7)


@pytest.mark.parametrize("name", NEW)
def test_each_policy_plays_the_default_scenario_with_no_refused_command(name):
    sc = load(DEFAULT)
    for seed in range(3):
        result = play(sc, seed, name)
        assert result.rejected == 0
        assert result.outcome is not None


def test_selfish_differs_from_coordinated():
    sc = load(DEFAULT)
    rules = rules_for(sc)
    for seed in range(3):
        mine = commands_of("selfish", seed)
        ours = commands_of("coordinated", seed)
        assert mine != ours
        # a selfish team sends forces only to its own flank (its allies' command, or one it leads)
        flank = {t: own_flank(initial_state(sc, seed), rules, t) for t in rules.team_ids}
        leads = {(c.team, c.command) for c in mine if isinstance(c, cm.TakeLead)}
        for c in mine:
            if isinstance(c, cm.Assign):
                assert c.command in flank[c.team] or (c.team, c.command) in leads
        assert any(isinstance(c, cm.Assign) and c.command not in flank[c.team] for c in ours)


def test_the_free_rider_spends_on_nothing_beyond_the_floors():
    sc = load(DEFAULT)
    rules = rules_for(sc)
    for seed in range(3):
        sent = commands_of("freerider", seed)
        kinds = Counter(type(c).__name__ for c in sent)
        assert set(kinds) <= {"Start", "Advance", "Answer", "DecideLead", "Allocate", "Submit", "Judge"}, kinds
        assert kinds["Submit"] == rules.turns * len(rules.team_ids)
        s = initial_state(sc, seed)
        for c in sent:
            if isinstance(c, cm.Answer):  # every answer the default
                assert c.option == s.default_option(c.inject)
            if isinstance(c, cm.Allocate):  # each category at its floor, the rest left in procurement
                floors = {cat: f for _, cat, f, _ in rules.funded}
                for cat, f in floors.items():
                    assert f <= c.shares[cat] <= f + 0.01


def test_the_free_rider_on_one_team_is_played_by_name():
    s = deliberation()
    out = final_batch(POLICIES["freerider"], s, "norfolk")
    assert out[-1] == cm.Submit("norfolk", "norfolk")
    assert not any(isinstance(c, (cm.PlaceOrder, cm.TakeLead, cm.Assign, cm.BuyExpansion)) for c in out)


def test_every_split_gives_a_different_allocation_and_every_purchase_plan_different_orders():
    s = deliberation()
    rules = s.rules
    splits = {name: plans._SPLIT_FUNCS[name](s, rules, "brunssum-west") for name in plans.SPLITS}
    assert splits["floors"] == split_floors(s, rules, "brunssum-west")
    assert len({tuple(sorted(v.items())) for v in splits.values()}) == len(plans.SPLITS)
    for shares in splits.values():
        assert abs(sum(shares.values()) - 1) < 1e-9
        assert all(c.min_share - 1e-9 <= shares[c.id] <= c.max_share + 1e-9 for c in rules.cats)
    assert splits["readiness"][rules.proc] < splits["floors"][rules.proc] < splits["surge"][rules.proc] + 1e-9
    first = {name: final_batch(plans.policy("coordinated", purchase=name), s, "brunssum-west")
             for name in plans.PURCHASES}
    bought = {name: [(c.item, c.quantity) for c in out if isinstance(c, cm.PlaceOrder)] for name, out in first.items()}
    assert all(bought.values())
    made_in = {i.id: i.origin for i in rules.items.values()}
    assert made_in[bought["european"][0][0]] == "Europe"
    assert rules.items[bought["cheap"][0][0]].cost == min(rules.items[i].cost for i, _ in bought["value"] + bought["cheap"])
    lands = {i.id: i.lead_time for i in rules.items.values()}
    assert lands[bought["soonest"][0][0]] == min(lands[i] for i, _ in bought["value"] + bought["soonest"])
    # over a whole run every purchase plan orders differently
    runs = {}
    try:
        for name in plans.PURCHASES:
            POLICIES["_v"] = plans.policy("coordinated", purchase=name)
            runs[name] = tuple((c.team, c.item, c.quantity) for c in commands_of("_v", 2) if isinstance(c, cm.PlaceOrder))
    finally:
        del POLICIES["_v"]
    assert len(set(runs.values())) == len(plans.PURCHASES)


def test_variants_are_pure_and_play_side_by_side_in_one_process():
    """No variant leaks into another: interleaved runs give what each gives alone."""
    a = plans.policy("coordinated", "readiness", "soonest")
    b = plans.policy("selfish", "surge", "cheap")
    try:
        POLICIES["_a"], POLICIES["_b"] = a, b
        first = commands_of("_a", 4)
        other = commands_of("_b", 4)
        again = commands_of("_a", 4)
        base = commands_of("coordinated", 4)
    finally:
        del POLICIES["_a"], POLICIES["_b"]
    assert first == again
    assert first != other and first != base
    assert base == commands_of("planner", 4)


def test_plan_policy_defaults_and_bad_names():
    assert plans.policy("coordinated") is POLICIES["coordinated"]
    assert plans.policy("selfish", "floors", "value") is POLICIES["selfish"]
    assert plans.variant("selfish", "balanced").name == "selfish/balanced/value"
    with pytest.raises(ValueError, match="unknown base policy 'greedy': use one of coordinated, selfish"):
        plans.policy("greedy")
    with pytest.raises(ValueError, match="unknown split 'x'"):
        plans.policy("coordinated", split="x")
    with pytest.raises(ValueError, match="unknown purchase plan 'y'"):
        plans.policy("coordinated", purchase="y")
    assert set(plans.SPLITS) == set(plans._SPLIT_FUNCS) and set(plans.PURCHASES) == set(plans._RANK_FUNCS)
    assert all(isinstance(v, str) and v for v in {**plans.SPLITS, **plans.PURCHASES}.values())


def test_a_selfish_team_leads_only_what_its_objectives_name_once_it_pays_for_itself():
    def leads(policy):
        turn, out = 0, {}
        def record(command, events):
            nonlocal turn
            for e in events:
                turn = getattr(e, "turn", turn) if type(e).__name__ == "TurnStarted" else turn
            if isinstance(command, cm.TakeLead):
                out.setdefault(command.team, (command.command, turn))
        play(load(DEFAULT), 3, policy, record=record)
        return out

    ours, mine = leads("coordinated"), leads("selfish")
    assert {t: c for t, (c, _) in mine.items()} == {"norfolk": "jfc-norfolk", "south": "jfc-naples"}  # their objectives
    for team, (command, turn) in mine.items():
        assert ours[team][0] == command and turn > ours[team][1]  # later: once the running cost is worth it
