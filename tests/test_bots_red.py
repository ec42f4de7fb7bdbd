"""The red bot (REDS["bot"]): legal, deterministic, within its limits, and aimed where the
alliance is weakest (the weakest team, the seam between commands, stealth when escalation is
high)."""

from __future__ import annotations

from collections import Counter

import attrs
from support import DEFAULT, FIXTURES, load_fixture
from test_engine_support import load

from exercise.bots import POLICIES, REDS
from exercise.bots.policies import facilitator_leads
from exercise.bots.red import _candidates, _seam, red_bot
from exercise.dryrun.simulate import bot_turn
from exercise.engine import Rejected, execute, initial_state, replay
from exercise.engine import commands as cm
from exercise.engine.rolls import Dice
from exercise.engine.rules import execute_all

RED = FIXTURES / "red" / "scenarios" / "red.toml"


def scenario():
    return load_fixture(RED).scenario


def to_deliberation(seed: int = 1):
    s = initial_state(scenario(), seed)
    for c in (cm.Start(), cm.Advance(), cm.Advance()):
        s, _ = execute(s, c)
    assert s.phase == "deliberation"
    return s


def play(seed: int, teams: str = "coordinated", red=None, sc=None):
    """A whole fixture exercise: bots for the teams, the red bot for the adversary.
    Returns (first state, final state, red commands sent per turn, red commands refused,
    every event)."""
    first = s = initial_state(sc or scenario(), seed)
    dice = Dice(seed)
    events: list = []
    sent: list = []
    refused = 0

    def run(state, command):
        nonlocal refused
        try:
            state, evs = execute(state, command)
        except Rejected:
            refused += 1
            return state
        events.extend(evs)
        return state

    def batch(state, commands):
        return execute_all(state, commands, lambda _, evs: events.extend(evs))

    s = run(s, cm.Start())
    while s.status == "running":
        if s.phase == "deliberation":
            if red is None:
                commands = REDS["bot"](s, dice)
                assert commands == red_bot(s, Dice(99))  # the dice do not matter: the state decides
            else:
                commands = red(s, dice)
            sent.append(commands)
            for c in commands:
                s = run(s, c)
            for team in s.rules.team_ids:
                s, _ = bot_turn(s, team, POLICIES[teams], dice, batch=batch)
            for c in facilitator_leads(s):
                s = run(s, c)
        s = run(s, cm.Advance(force=True))
    return first, s, sent, refused, events


def test_the_registry_holds_the_red_bot():
    assert REDS["bot"] is red_bot
    assert "scripted" not in REDS


def test_no_adversary_no_red_commands():
    s = initial_state(attrs.evolve(load(DEFAULT), adversary=None), 1)
    for c in (cm.Start(), cm.Advance(), cm.Advance()):
        s, _ = execute(s, c)
    assert s.phase == "deliberation" and red_bot(s, Dice(1)) == []


def test_the_red_bot_plays_russia_in_the_default_scenario():
    """Legal moves all through, several kinds of action, and the alliance ends worse off
    than against no red moves (same seeds, same team bots)."""
    sc = load(DEFAULT)
    assert sc.adversary is not None

    def damage(state):
        return sum(state.team_tracks.values()) + state.tracks["european_cohesion"] + state.tracks["us_trust"]

    hit, calm = 0.0, 0.0
    for seed in range(2):
        first, s, sent, refused, events = play(seed, sc=sc)
        assert refused == 0
        kinds = {c.action for turn in sent for c in turn}
        assert len(kinds) >= 3, kinds
        assert s.red_cash >= 0
        hit += damage(s)
        calm += damage(play(seed, sc=sc, red=lambda state, dice: [])[1])
    assert hit < calm


def test_the_red_bot_sends_only_legal_commands_within_its_limits():
    for seed in range(6):
        _, s, sent, refused, _ = play(seed)
        assert refused == 0
        acts = [c for turn in sent for c in turn]
        assert acts and all(c.actor == "russia" for c in acts)
        by_turn = [Counter(c.action for c in turn) for turn in sent]
        actions = {a.id: a for a in s.rules.adversary.actions}
        for turn, counts in enumerate(by_turn, start=1):
            for aid, n in counts.items():
                assert n <= actions[aid].max_per_turn
                assert turn >= actions[aid].from_turn
        total = Counter(c.action for c in acts)
        assert all(total[a] <= x.max_uses for a, x in actions.items() if x.max_uses)
        assert s.red_cash >= 0
        assert sum(m.cost for m in s.red_acts.values() if m.status != "withdrawn") <= 5 * s.rules.turns


def test_same_seed_same_red_moves():
    assert play(3)[2] == play(3)[2]


def test_it_hits_the_weakest_team():
    s = to_deliberation()
    hits = [c.target for c in red_bot(s, Dice(1)) if c.action == "sabotage"]
    assert hits == ["east"]  # east starts with less air defence (2 against 3)
    strong_east = attrs.evolve(s, team_tracks={**s.team_tracks, ("east", "air"): 5.0})
    assert [c.target for c in red_bot(strong_east, Dice(1)) if c.action == "sabotage"] == ["west"]


def test_the_seam_a_command_with_no_lead_or_a_new_one():
    s = to_deliberation()
    jam = s.rules.red_actions["jam"]
    assert _seam(s, s.rules, jam, "north") == 1.5  # led by the US: no European lead at the seam
    new = attrs.evolve(s, leads={**s.leads, "north": "PL"}, lead_changed={**s.lead_changed, "north": s.turn})
    old = attrs.evolve(s, leads={**s.leads, "north": "PL"}, lead_changed={})
    assert _seam(s, s.rules, jam, "north") > _seam(new, s.rules, jam, "north") >= _seam(old, s.rules, jam, "north") == 1.0


def test_high_escalation_makes_attributable_actions_worth_less():
    s = to_deliberation()

    def score(state, aid):
        return max(c[0] for c in _candidates(state, state.rules, state.rules.adversary) if c[1].id == aid)

    calm = attrs.evolve(s, tracks={**s.tracks, "tension": 0.0})
    tense = attrs.evolve(s, tracks={**s.tracks, "tension": 9.0})
    # jamming is always attributed, sabotage half the times it is noticed
    assert score(tense, "jam") / score(calm, "jam") < score(tense, "sabotage") / score(calm, "sabotage") < 1


def test_it_spends_no_more_than_it_has():
    s = attrs.evolve(to_deliberation(), red_cash=3.5)
    acts = red_bot(s, Dice(1))
    assert sum(s.rules.red_actions[c.action].cost for c in acts) <= 3.5
    assert red_bot(attrs.evolve(s, red_cash=0.5), Dice(1)) == []


def test_red_moves_replay_to_the_live_state():
    first, s, _, _, events = play(2)
    assert s.red_acts and all(m.status == "resolved" for m in s.red_acts.values())
    assert replay(first, events) == s


def test_the_red_bot_lowers_the_teams_tracks():
    """Against the same team bots, red's moves leave the alliance worse off than no red."""
    def air(seed, with_red):
        s = play(seed, red=None if with_red else (lambda state, dice: []))[1]
        return sum(v for (t, k), v in s.team_tracks.items() if k == "air") + s.tracks["cohesion"]
    assert sum(air(seed, True) for seed in range(4)) < sum(air(seed, False) for seed in range(4))


def test_the_red_bot_plays_from_what_red_may_know():
    """The same bot plays red in live sessions, so its moves must not depend on the teams'
    secrets: a private team track (munitions in Deadline 2027), the teams' money and
    splits. Its candidates' scores and its commands stay the same when they change."""
    from exercise.engine.view import red_view

    sc = load_fixture(DEFAULT).scenario
    private = [t.id for t in sc.tracks if t.scope == "team" and t.private]
    assert private  # the property needs one
    s = initial_state(sc, 3)
    for c in (cm.Start(), cm.Advance(), cm.Advance()):
        s, _ = execute(s, c)
    base = red_bot(s, Dice(1))
    base_scores = [(round(x, 9), a.id, t) for x, a, t in _candidates(s, s.rules, s.rules.adversary)]
    for k, value in enumerate((0.0, 0.5, 9.5)):
        tracks = {key: (value + 0.1 * i if key[1] in private else v)
                  for i, (key, v) in enumerate(s.team_tracks.items())}
        cash = {team: c * (k + 2) for team, c in s.cash.items()}
        other = attrs.evolve(s, team_tracks=tracks, cash=cash)
        assert red_view(other) == red_view(s)  # the engine's view agrees: nothing red may see moved
        assert red_bot(other, Dice(1)) == base
        assert [(round(x, 9), a.id, t) for x, a, t in _candidates(other, other.rules, other.rules.adversary)] \
            == base_scores


def test_the_red_bot_acts_on_what_the_goals_do_not_name():
    """A trainer's adversary whose only action lowers a world track the scenario's goals
    never name (the fixture's disinformation against cohesion) still meets a red cell that
    spends its points: a loss the goals do not name counts a little (red.UNNAMED)."""
    from exercise.bots.planner import goals
    from exercise.engine.scenario_rules import rules_for

    sc = scenario()
    adv = sc.adversary
    only = tuple(attrs.evolve(a, from_turn=1) for a in adv.actions if a.id == "disinfo")
    sc = attrs.evolve(sc, adversary=attrs.evolve(adv, actions=only))
    assert "cohesion" not in goals(rules_for(sc))
    s = initial_state(sc, 1)
    for c in (cm.Start(), cm.Advance(), cm.Advance()):
        s, _ = execute(s, c)
    moves = red_bot(s, Dice(1))
    assert [m.action for m in moves] == ["disinfo"]
    s, _ = execute(s, moves[0])
