"""The adversary (red cell): its model and validation, its commands, the rolls and effects of
its actions, what the ledger tells each side, and replay == live."""

from __future__ import annotations

import pytest
from support import FIXTURES, load_fixture

from exercise.engine import Rejected, execute, initial_state, replay
from exercise.engine import commands as cm
from exercise.engine import events as ev
from exercise.engine.ledger import UNEXPLAINED, build, for_team
from exercise.engine.rolls import roll
from exercise.packs import check

RED = FIXTURES / "red" / "scenarios" / "red.toml"


def scenario():
    return load_fixture(RED).scenario


class Game:
    """A red fixture exercise driven command by command, its events kept per command."""

    def __init__(self, seed: int | None = None):
        self.initial = self.state = initial_state(scenario(), seed)
        self.batches: list[list] = []

    def do(self, command):
        self.state, events = execute(self.state, command)
        self.batches.append(events)
        return events

    def refused(self, command) -> str:
        with pytest.raises(Rejected) as e:
            execute(self.state, command)
        return e.value.reason

    def to_deliberation(self):
        for c in (cm.Start(), cm.Advance(), cm.Advance()):
            self.do(c)
        return self

    def events(self):
        return [e for b in self.batches for e in b]


# -- the model and its validation ----------------------------------------------------------------
def test_the_fixture_loads_with_its_adversary():
    adv = scenario().adversary
    assert adv is not None and adv.id == "russia" and adv.budget == 5 and adv.unit == "points"
    assert [a.id for a in adv.actions] == ["sabotage", "jam", "disinfo"]
    assert adv.actions[1].target == "command" and adv.actions[1].max_uses == 3


def test_scenarios_without_an_adversary_keep_none():
    from support import MINI

    assert load_fixture(MINI).scenario.adversary is None
    assert all(not i.fixed for i in load_fixture(MINI).scenario.all_injects())


BAD = [
    ('id = "russia"', 'id = "east"', "adversary's id 'east' is a team's id"),
    ('id = "russia"', 'id = "PL"', "adversary's id 'PL' is an ally's id"),
    ('escalation_track = "tension"', 'escalation_track = "air"', "escalation_track 'air' is not a world track"),
    ('objectives = ["divide"]', 'objectives = ["divid"]', "unknown objective 'divid'"),
    ('budget = 5', 'budget = -1', "budget must be 0 or more"),
    ('cost = 3', 'cost = -3', "cost must be 0 or more"),
    ('detection = 0.6', 'detection = 1.5', "detection is a chance between 0 and 1"),
    ('attribution = 0.5', 'attribution = -0.1', "attribution is a chance between 0 and 1"),
    ('id = "jam"', 'id = "sabotage"', "duplicate adversary action id 'sabotage'"),
    ('effects = [{ track = "air", team = "self", add = -1 }]', 'effects = [{ track = "aair", team = "self", add = -1 }]',
     "unknown track 'aair'"),
    ('attributed_effects = [{ track = "cohesion", add = 0.5 }]', 'attributed_effects = [{ track = "cohesion", team = "nobody", add = 0.5 }]',
     "unknown team 'nobody'"),
    ('from_turn = 2', 'from_turn = 9', "from_turn 9 is outside the calendar"),
    ('max_uses = 3', 'max_uses = -1', "max_uses must be 0"),
    ('measure = "track.cohesion"', 'measure = "team.east.secret"', "'secret' is a private team track, which the adversary"),
    ('measure = "track.cohesion"', 'measure = "avg(\\"secret\\") + ordered(\\"jet\\")"',
     "avg() reads a private team track, which the adversary"),
    ('resisted_by = "sustain"', 'resisted_by = "sustian"', "resisted_by 'sustian' is not a budget category"),
    ('resist = 0.5', 'resist = 1.5', "resist must be between 0 and 1"),
    ('resist_share = 0.6', 'resist_share = -0.2', "resist_share must be between 0 and 1"),
]


@pytest.mark.parametrize("old,new,msg", BAD, ids=[b[2][:30] for b in BAD])
def test_bad_adversary_keys_are_located_errors(tmp_path, old, new, msg):
    text = RED.read_text()
    assert old in text
    path = tmp_path / "red.toml"
    path.write_text(text.replace(old, new, 1))
    errors = [str(p) for p in check.validate([path]).problems.errors]
    hit = [e for e in errors if msg in e]
    assert hit, errors
    line = text[: text.index(old)].count("\n") + 1  # the key replaced: its own line
    assert f"red.toml:{line}:" in hit[0], (line, hit[0])


# -- the commands ---------------------------------------------------------------------------------
def test_red_is_credited_each_turn_and_pays_when_it_plans():
    g = Game().to_deliberation()
    assert g.state.red_cash == 5
    g.do(cm.RedAct("sabotage", "east"))
    assert g.state.red_cash == 2
    move = g.state.red_acts["red-1"]
    assert (move.action, move.target, move.turn, move.cost, move.status) == ("sabotage", "east", 1, 3, "planned")
    g.do(cm.RedWithdraw("red-1"))
    assert g.state.red_cash == 5 and g.state.red_acts["red-1"].status == "withdrawn"
    g.do(cm.RedAct("jam", "north"))
    g.do(cm.Advance(force=True))
    g.do(cm.Advance())
    g.do(cm.Advance())
    assert g.state.turn == 2 and g.state.red_cash == 9  # 4 left + 5: unspent points carry over


def test_money_stays_exact_over_many_turns(tmp_path):
    g = Game().to_deliberation()
    for _ in range(3):
        g.do(cm.RedAct("jam", "north"))
        g.do(cm.Advance(force=True))
        g.do(cm.Advance())
        g.do(cm.Advance())
        g.do(cm.Advance())
        g.do(cm.Advance())
    assert g.state.red_cash == 5 * 4 - 3


@pytest.mark.parametrize("command,reason", [
    (cm.RedAct("nope", "east"), "unknown action of Russia 'nope'"),
    (cm.RedAct("sabotage"), "Rail sabotage targets one team: name it"),
    (cm.RedAct("sabotage", "north"), "unknown team 'north'"),
    (cm.RedAct("jam", "east"), "unknown command 'east'"),
    (cm.RedAct("disinfo"), "available from turn 2 (now turn 1)"),
    (cm.RedAct("jam", "north", actor="east"), "only the facilitator (or Russia's own seat)"),
    (cm.RedWithdraw("red-9"), "no planned action 'red-9' of Russia"),
])
def test_red_commands_are_refused_with_reasons(command, reason):
    g = Game().to_deliberation()
    assert reason in g.refused(command)


def test_limits_and_phase():
    g = Game().to_deliberation()
    g.do(cm.RedAct("sabotage", "east"))
    assert "already planned this turn (at most 1 a turn)" in g.refused(cm.RedAct("sabotage", "west"))
    g.do(cm.RedAct("jam", "north"))
    g.do(cm.RedAct("jam", "north"))  # 2 a turn
    assert "already planned 2 times this turn (at most 2 a turn)" in g.refused(cm.RedAct("jam", "north"))
    g.do(cm.Advance(force=True))
    assert "only during Deliberation (now: Adjudication, turn 1)" in g.refused(cm.RedAct("jam", "north"))
    assert "only during Deliberation" in g.refused(cm.RedWithdraw("red-1"))
    for _ in range(4):
        g.do(cm.Advance())
    assert "Act 1 (Rail sabotage) is resolved (turn 1)" in g.refused(cm.RedWithdraw("red-1"))
    g.do(cm.RedAct("jam", "north"))  # the third use
    assert "used 3 times, its limit over the exercise" in g.refused(cm.RedAct("jam", "north"))


def test_not_enough_points_names_the_cost_and_the_cash():
    g = Game().to_deliberation()
    g.do(cm.RedAct("sabotage", "east"))  # 5 - 3 = 2
    g.do(cm.RedAct("jam", "north"))  # 1 left
    g.do(cm.Advance(force=True))
    for _ in range(4):
        g.do(cm.Advance())
    g.do(cm.RedAct("disinfo"))  # 6 - 2 = 4
    g.do(cm.RedAct("sabotage", "west"))  # 1 left
    assert g.state.red_cash == 1
    g.do(cm.RedAct("jam", "north"))
    assert "not enough points: it costs 1, Russia has 0" in g.refused(cm.RedAct("jam", "north"))


def test_no_adversary_refuses_red_commands():
    from support import MINI

    s = initial_state(load_fixture(MINI).scenario)
    with pytest.raises(Rejected, match="has no adversary"):
        execute(s, cm.RedAct("x"))


# -- resolving: rolls, effects, escalation --------------------------------------------------------
def test_resolution_records_every_roll_from_the_state_counter():
    g = Game().to_deliberation()
    g.do(cm.RedAct("sabotage", "east"))
    g.do(cm.RedAct("jam", "north"))
    before = g.state.rolls
    events = g.do(cm.Advance(force=True))
    resolved = [e for e in events if isinstance(e, ev.RedActionResolved)]
    assert [e.id for e in resolved] == ["red-1", "red-2"]
    n = before
    for e in resolved:
        assert e.detect_roll == roll(g.state.seed, n)
        n += 1
        if e.detected:
            assert e.attribute_roll == roll(g.state.seed, n)
            n += 1
        else:
            assert e.attribute_roll is None and not e.attributed
    assert g.state.rolls == n
    jam = resolved[1]
    assert jam.teams == ("east", "west") and jam.detected and jam.attributed  # chance 1 both
    assert jam.headline == "GPS jamming over the Baltic" and jam.attributed_to == "Russia"
    assert g.state.tracks["tension"] == 2.5  # escalation 0.5 when attributed


def test_effects_hit_the_target_and_attributed_effects_follow():
    seen = set()
    for seed in range(1, 40):
        g = Game(seed).to_deliberation()
        air = g.state.team_tracks[("east", "air")]
        cohesion = g.state.tracks["cohesion"]
        g.do(cm.RedAct("sabotage", "east"))
        events = g.do(cm.Advance(force=True))
        r = next(e for e in events if isinstance(e, ev.RedActionResolved))
        assert g.state.team_tracks[("east", "air")] == air - 1
        assert g.state.team_tracks[("west", "air")] == 3
        assert g.state.tracks["cohesion"] == cohesion + (0.5 if r.attributed else 0)
        assert g.state.tracks["tension"] == 2 + (1 if r.attributed else 0)
        seen.add((r.detected, r.attributed))
    assert seen == {(False, False), (True, False), (True, True)}


def test_a_team_spending_enough_on_the_resisting_category_takes_half_the_harm():
    """[adversary] resisted_by = "sustain", resist_share = 0.6, resist = 0.5: East at 70 %
    Sustain loses half of the sabotage's air; West at the default 50 % loses all of it;
    world effects and gains are not softened; the event names who resisted and the
    facilitator's cause says why."""
    for seed in (1, 2, 3):
        lost = {}
        for sustain in (0.7, 0.5):
            g = Game(seed).to_deliberation()
            if sustain != 0.5:
                g.do(cm.Allocate("east", "east", {"sustain": sustain, "invest": 1 - sustain}))
            east, world = g.state.team_tracks[("east", "air")], dict(g.state.tracks)
            g.do(cm.RedAct("sabotage", "east"))
            events = g.do(cm.Advance(force=True))
            hit = next(e for e in events if isinstance(e, ev.RedActionResolved))
            assert hit.resisted == (("east",) if sustain == 0.7 else ())
            lost[sustain] = east - g.state.team_tracks[("east", "air")]
            if hit.attributed:  # the attributed effects on world tracks are not softened
                assert g.state.tracks["cohesion"] == world["cohesion"] + 0.5
            causes = [e.cause for e in events if isinstance(e, ev.TrackSet) and e.team == "east" and e.track == "air"]
            assert ("50% of the harm spared by Sustain spending" in causes[0]) == (sustain == 0.7)
            assert replay(g.initial, g.events()) == g.state
        assert lost == {0.7: 0.5, 0.5: 1}


def test_a_resisting_team_that_noticed_reads_what_its_spending_spared():
    """East (70 % Sustain, resisting) reads the incident and 'your Sustain spending spared
    50% of the harm' on its own track's row; when it did not notice the act, only
    'cause unknown' (resistance does not give an unnoticed act away); the facilitator always
    reads what was spared."""
    seen = set()
    for seed in range(1, 30):
        g = Game(seed).to_deliberation()
        g.do(cm.Allocate("east", "east", {"sustain": 0.7, "invest": 0.3}))
        g.do(cm.RedAct("sabotage", "east"))
        g.do(cm.Advance(force=True))
        r = g.state.red_acts["red-1"]
        changes = build(g.initial, g.batches).changes
        row = [e for e in for_team(changes, "east") if e.what == "Air defence" and e.phase == "adjudication"][0]
        if r.detected:
            assert row.cause.startswith("incident: “Rail line cut near the border”")
            assert row.cause.endswith("; your Sustain spending spared 50% of the harm")
        else:
            assert row.cause == UNEXPLAINED
        fac = [e for e in for_team(changes, "east", facilitator=True) if e.what == "Air defence"
               and e.phase == "adjudication"][0]
        assert fac.cause.startswith("Russia's action “Rail sabotage” (act 1,")
        assert fac.cause.endswith("; Sustain spending spared 50% of the harm")
        seen.add(r.detected)
    assert seen == {True, False}


def test_a_world_effect_moves_once_when_some_teams_resist():
    """Disinformation made to harm each team's air too (cohesion -1 and air -1, every team
    hit), with East resisting and West not: cohesion moves by 1, once, with the plain cause
    (the play-test saw it moved twice, the second time 'spared'); East's air by 0.5, West's
    by 1. Plain disinformation (cohesion only) is resisted by nobody: the event's
    `resisted` names only teams whose own harm was softened."""
    import attrs

    from exercise.engine.state import initial_state as start

    def game(action_effects):
        sc = scenario()
        adv = sc.adversary
        acts = tuple(attrs.evolve(a, effects=action_effects, from_turn=1) if a.id == "disinfo" else a
                     for a in adv.actions)
        g = Game(1)
        g.initial = g.state = start(attrs.evolve(sc, adversary=attrs.evolve(adv, actions=acts)), 1)
        g.to_deliberation()
        g.do(cm.Allocate("east", "east", {"sustain": 0.7, "invest": 0.3}))
        return g

    from exercise import model

    both = (model.Effect(track="cohesion", add=-1), model.Effect(track="air", team="self", add=-1))
    g = game(both)
    cohesion, east, west = (g.state.tracks["cohesion"], g.state.team_tracks[("east", "air")],
                            g.state.team_tracks[("west", "air")])
    g.do(cm.RedAct("disinfo"))
    events = g.do(cm.Advance(force=True))
    hit = next(e for e in events if isinstance(e, ev.RedActionResolved))
    assert hit.resisted == ("east",)
    moved = [e for e in events if isinstance(e, ev.TrackSet) and e.track == "cohesion"]
    assert len(moved) == 1 and "spared" not in moved[0].cause
    assert g.state.tracks["cohesion"] == cohesion - 1
    assert (g.state.team_tracks[("east", "air")], g.state.team_tracks[("west", "air")]) == (east - 0.5, west - 1)
    assert replay(g.initial, g.events()) == g.state

    g = game((model.Effect(track="cohesion", add=-1),))
    g.do(cm.RedAct("disinfo"))
    events = g.do(cm.Advance(force=True))
    assert next(e for e in events if isinstance(e, ev.RedActionResolved)).resisted == ()


def test_the_ledger_names_red_for_the_facilitator_and_tells_teams_only_what_they_noticed():
    found = set()
    for seed in range(1, 30):
        g = Game(seed).to_deliberation()
        g.do(cm.RedAct("sabotage", "east"))
        g.do(cm.Advance(force=True))
        r = g.state.red_acts["red-1"]
        changes = build(g.initial, g.batches).changes
        fac = [e for e in for_team(changes, "east", facilitator=True) if e.what == "Air defence" and e.turn == 1
               and e.phase == "adjudication"]
        team = [e for e in for_team(changes, "east") if e.what == "Air defence" and e.phase == "adjudication"]
        assert "Russia's action “Rail sabotage” (act 1," in fac[0].cause
        if not r.detected:
            assert team[0].cause == UNEXPLAINED
        elif r.attributed:
            assert team[0].cause == "incident: “Rail line cut near the border” (attributed to Russia)"
        else:
            assert team[0].cause == "incident: “Rail line cut near the border” (unattributed)"
        for e in for_team(changes, "west"):
            assert "Rail sabotage" not in e.cause and "act 1" not in e.cause
        found.add((r.detected, r.attributed))
    assert len(found) == 3


def test_replay_equals_live_with_red_acts():
    g = Game(3).to_deliberation()
    g.do(cm.RedAct("sabotage", "west"))
    g.do(cm.RedAct("jam", "north"))
    g.do(cm.RedWithdraw("red-1"))
    g.do(cm.RedAct("sabotage", "east"))
    g.do(cm.Advance(force=True))
    assert replay(g.initial, g.events()) == g.state
    assert replay(g.initial, [ev.from_dict(ev.to_dict(e)) for e in g.events()]) == g.state


def test_red_objectives_are_scored_apart_from_the_teams():
    from exercise.engine.red import objectives

    g = Game().to_deliberation()
    rows = objectives(g.state)
    assert [(o.id, o.value, o.target, o.better, o.met) for o in rows] == [("divide", 6.0, 4.0, "lower", False)]
    from exercise.engine import scorecard

    assert all(o["team"] != "russia" for o in scorecard.objectives(g.state))


# -- the default scenario's adversary and the facilitator's records --------------------------------
def test_the_default_scenario_has_russia_with_a_sourced_menu_that_bites():
    from support import DEFAULT

    sc = load_fixture(DEFAULT).scenario
    adv = sc.adversary
    assert adv is not None and adv.name == "Russia" and adv.escalation_track == "escalation"
    assert 8 <= len(adv.actions) <= 10
    assert all(a.source and a.notice and a.cost > 0 for a in adv.actions)
    assert {a.target for a in adv.actions} == {"team", "command", "world"}
    # two turns' points spent on one team lower its capabilities by a visible amount
    s = initial_state(sc, 1)
    for c in (cm.Start(), cm.Advance(), cm.Advance()):
        s = execute(s, c)[0]
    before = dict(s.team_tracks)
    s = execute(s, cm.RedAct("rail-sabotage", "brunssum-east"))[0]
    s = execute(s, cm.Advance(force=True))[0]
    while s.phase != "deliberation":  # the next turn's points pay for a second action
        s = execute(s, cm.Advance(force=True))[0]
    s = execute(s, cm.RedAct("warehouse-arson", "brunssum-east"))[0]
    s = execute(s, cm.Advance(force=True))[0]
    lost = sum(before[k] - v for k, v in s.team_tracks.items() if k[0] == "brunssum-east")
    assert lost >= 0.7, lost
    fixed = [i.id for i in sc.all_injects() if i.fixed]
    assert "deadline-letter" in fixed and "rail-line-blast" in fixed


def test_the_turn_log_names_red_moves(tmp_path):
    from exercise.session import Session

    loaded = load_fixture(RED)
    s = Session.create(loaded.scenario, loaded.texts, tmp_path / "red")
    try:
        for c in (cm.Start(), cm.Advance(), cm.Advance(), cm.RedAct("sabotage", "east"), cm.RedAct("jam", "north"),
                  cm.RedWithdraw("red-2"), cm.Advance(force=True)):
            s.execute(c)
        log = s.write_turn_log(1).read_text()
    finally:
        s.close()
    assert "- the facilitator planned “Rail sabotage” against East (act 1, 3 points)" in log
    assert "- the facilitator withdrew “Electronic warfare on navigation” (act 2, 1 point back)" in log


def test_one_point_of_red_reads_point_in_the_log_and_on_the_red_screens():
    """Red's budget, costs and refunds say "1 point" and "2 points" (engine.ledger.units),
    in the facilitator's log (narrate) and in the red screens' texts (tui.seat.redparts)."""
    from exercise.engine.decision import number
    from exercise.engine.view import red_view
    from exercise.narrate import Narrator
    from exercise.tui.seat import redparts as rp

    g = Game()
    g.to_deliberation()
    g.do(cm.RedAct("jam", "north"))
    g.do(cm.RedWithdraw("red-1"))
    g.do(cm.RedAct("jam", "north"))
    narrator = Narrator(scenario())
    lines = [narrator.line(ev.to_dict(e)) for b in g.batches for e in b]
    said = "\n".join(x for x in lines if x)
    assert "RED: Russia plans Electronic warfare on navigation against JFC North for 1 point" in said, said
    assert "withdraws Electronic warfare on navigation (1 point back)" in said, said
    red = red_view(g.state, facilitator=True)
    n = lambda x: number(x, 2)
    assert "1 planned this turn (1 point)" in rp.budget_text(red, n).plain
    (jam,) = [a for a in red.actions if a.id == "jam"]
    assert rp.pts(red, n, jam.cost) == "1 point" and rp.pts(red, n, 2.0) == "2 points"
    assert rp.pts(red, n, 0.5) == "0.5 points" and rp.pts(red, n, 0.999) == "1 point"  # as shown
    assert any("Electronic warfare on navigation: 1 point, a command" in x for x in rp.menu_lines(red, n))
    assert "withdrawn (refunded 1 point)" in [rp.result(m, red, n) for m in red.moves]
    assert "1 point refunded to Russia" in rp.withdraw_body(next(m for m in red.moves if m.status == "planned"), red, n)
