"""Track effects beyond plain addition: diminishing returns near a track's bounds, and an
option's add on a world track combined over the teams that choose it (each, once, mean).

`Game` checks after every command that the state is the fold of its events (replay equals
live) and that every event survives a JSON round trip.
"""

from __future__ import annotations

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st
from test_engine_support import Game, drill, of, with_injects

from exercise import model
from exercise.engine import commands as cm
from exercise.engine import events as ev
from exercise.engine import ledger
from exercise.engine.trackfx import soften

E = model.Effect
O = model.Option
PLUS_ONE = (E(track="trust", add=1.0),)


def scenario(trust: dict | None = None, effects=PLUS_ONE, **inj):
    """The drill with trust (world, 0-10) changed as asked and one decision in turn 1 whose
    option 'a' has `effects`; option 'b' does nothing."""
    base = drill()
    tracks = tuple(attrs.evolve(t, **(trust or {})) if t.id == "trust" else t for t in base.tracks)
    dec = model.Inject("d", "Washington asks", turn=1,
                       options=(O("a", "Say yes", effects=tuple(effects)), O("b", "Say no", default=True)), **inj)
    return with_injects(dec, tracks=tracks)


def answer_all(g: Game, choices: dict[str, str]) -> None:
    g.to(1, "deliberation")
    for team, option in choices.items():
        g.team(cm.Answer, team, inject="d", option=option)


# -- diminishing returns ------------------------------------------------------------------
def test_an_add_near_the_top_gives_less_than_in_the_middle():
    assert soften(5, 1, 0, 10, 0.3) == 6  # outside the zone: all of it
    near = soften(9, 1, 0, 10, 0.3)
    assert 9 < near < 9.5  # +1 at 9/10 moves less
    assert round(near, 2) == 9.28  # 10 - 1 * e^(-1/3)
    assert soften(9, -1, 0, 10, 0.3) == 8  # away from the bound: all of it
    assert round(soften(1, -1, 0, 10, 0.3), 2) == 0.72  # the bottom shrinks alike
    assert soften(9, 1, 0, 10, 0) == 10  # 0: today's rule


@settings(max_examples=150, deadline=None)
@given(st.floats(0, 10), st.floats(0, 5), st.floats(0, 5), st.floats(0.05, 0.95))
def test_softened_adds_stay_inside_compose_and_never_exceed_the_plain_add(x, a, b, share):
    one = soften(x, a + b, 0, 10, share)
    two = soften(soften(x, a, 0, 10, share), b, 0, 10, share)
    assert abs(one - two) < 1e-9  # +a then +b lands where +(a+b) does: the order of teams does not matter
    assert x <= one <= min(10, x + a + b) + 1e-12
    assert one <= 10


def test_the_answer_moves_trust_less_near_the_top_and_the_ledger_says_by_how_much():
    g = Game(scenario(trust={"initial": 9.0, "diminishing": 0.3}))
    answer_all(g, {"east": "a"})
    sets = of(g.events, ev.TrackSet)
    assert [(e.value, e.asked) for e in sets if e.track == "trust"] == [(9.28, 1.0)]
    changes = ledger.build(g.initial, g.batches).changes
    rows = [c.entry.cause for c in changes if c.entry.what == "US trust"]
    assert any("+1 asked, +0.28 applied: near the top of the scale" in r for r in rows), rows
    assert g.replayed() == g.state


def test_an_effect_can_say_its_own_diminishing():
    g = Game(scenario(trust={"initial": 9.0}, effects=(E(track="trust", add=1.0, diminishing=0.3),)))
    answer_all(g, {"east": "a"})
    assert g.s.tracks["trust"] == 9.28


def test_without_diminishing_the_event_is_written_as_before():
    g = Game(scenario(trust={"initial": 9.0}))
    answer_all(g, {"east": "a"})
    e = next(e for e in g.events if isinstance(e, ev.TrackSet) and e.track == "trust")
    assert e.value == 10 and e.asked is None and "asked" not in ev.to_dict(e)  # old journals' bytes stay


# -- combining over the teams -----------------------------------------------------------------
def test_each_adds_every_teams_choice_at_once_as_today():
    g = Game(scenario())
    answer_all(g, {"east": "a", "west": "a"})
    assert g.s.tracks["trust"] == 7  # 5 + 1 + 1, before deliberation closes
    g.advance(force=True)
    assert g.s.tracks["trust"] == 7 and not of(g.events, ev.ChoicesCombined)


def test_a_default_taken_counts_like_a_choice_once_per_team():
    # docs/authoring.md: with "each" the effect applies once per team that chooses the option,
    # and a team that does not answer takes the default, whose effects count like a choice
    dec = model.Inject("d", "Washington asks", turn=1,
                       options=(O("a", "Say yes", effects=PLUS_ONE, default=True), O("b", "Say no")))
    g = Game(with_injects(dec))
    g.to(1, "deliberation")
    g.advance(force=True)  # neither team answered: both take 'a'
    assert g.s.tracks["trust"] == 7  # 5 + 1 + 1


def test_once_applies_a_chosen_option_once_when_deliberation_closes():
    g = Game(scenario(trust={"combine": "once"}))
    answer_all(g, {"east": "a", "west": "a"})
    assert g.s.tracks["trust"] == 5  # waits for every answer
    events = g.advance(force=True)
    assert g.s.tracks["trust"] == 6
    assert [e.inject for e in of(events, ev.ChoicesCombined)] == ["d"]
    rows = [c.entry.cause for c in ledger.build(g.initial, g.batches).changes if c.entry.what == "US trust"]
    assert rows == ["2 teams chose “Say yes” in “Washington asks” (counted once)"], rows
    g.advance(force=True)
    g.to(2, "adjudication")  # combined once, not again at the next close
    assert g.s.tracks["trust"] == 6
    assert g.replayed() == g.state


def test_mean_is_the_mean_of_the_addressed_teams_choices_with_defaults():
    g = Game(scenario(trust={"combine": "mean"}, effects=(E(track="trust", add=0.5),)))
    answer_all(g, {"east": "a"})  # west does not answer: its default ('b') counts 0
    g.advance(force=True)
    assert g.s.tracks["trust"] == 5.25  # (0.5 + 0) / 2, exact to the track's decimals
    rows = [c.entry.cause for c in ledger.build(g.initial, g.batches).changes if c.entry.what == "US trust"]
    assert rows == ["the mean of 2 teams' choices in “Washington asks”"], rows
    assert g.replayed() == g.state


def test_a_mean_over_one_team_is_worded_as_that_teams_choice():
    g = Game(scenario(trust={"combine": "mean"}, effects=(E(track="trust", add=0.5),), to=("east",)))
    answer_all(g, {"east": "a"})
    g.advance(force=True)
    assert g.s.tracks["trust"] == 5.5  # the only team asked: its add whole
    rows = [c.entry.cause for c in ledger.build(g.initial, g.batches).changes if c.entry.what == "US trust"]
    assert len(rows) == 1 and "1 teams" not in rows[0] and "mean" not in rows[0], rows
    assert rows[0].endswith("choice in “Washington asks” (the only team asked)"), rows
    assert g.replayed() == g.state


def test_the_effect_s_combine_overrides_the_track_s():
    g = Game(scenario(trust={"combine": "mean"}, effects=(E(track="trust", add=1.0, combine="each"),
                                                          E(track="cohesion", add=1.0, combine="once"))))
    answer_all(g, {"east": "a", "west": "a"})
    assert g.s.tracks["trust"] == 7 and g.s.tracks["cohesion"] == 6
    g.advance(force=True)
    assert g.s.tracks["trust"] == 7 and g.s.tracks["cohesion"] == 7


def test_once_and_diminishing_together():
    g = Game(scenario(trust={"combine": "once", "diminishing": 0.3, "initial": 9.0}))
    answer_all(g, {"east": "a", "west": "a"})
    g.advance(force=True)
    assert g.s.tracks["trust"] == 9.28
    assert g.replayed() == g.state


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(["each", "once", "mean"]), st.lists(st.sampled_from("ab"), min_size=2, max_size=2),
       st.sampled_from([0.0, 0.2, 0.5]))
def test_replay_equals_live_and_trust_stays_in_bounds(how, picks, share):
    g = Game(scenario(trust={"combine": how, "diminishing": share, "initial": 8.5},
                      effects=(E(track="trust", add=1.5),)))
    answer_all(g, dict(zip(("east", "west"), picks)))
    g.to(2, "summary")
    assert 0 <= g.s.tracks["trust"] <= 10
    chosen = picks.count("a")
    if share == 0:
        want = {"each": 8.5 + 1.5 * chosen, "once": 8.5 + 1.5 * (chosen > 0), "mean": 8.5 + 1.5 * chosen / 2}[how]
        assert g.s.tracks["trust"] == round(min(10, want), 2)
    assert g.replayed() == g.state


# -- the words a team reads ---------------------------------------------------------------------
def test_an_option_says_how_its_world_track_effect_combines_and_shrinks():
    from exercise.engine.explain import effect_text, effect_view, what_it_did
    from exercise.engine.scenario_rules import rules_for

    r = rules_for(scenario(trust={"combine": "mean", "diminishing": 0.3}))
    up, down = E(track="trust", add=1.0), E(track="trust", add=-1.0, combine="once")
    assert effect_text(up, r, option=True) == "US trust +1 (averaged over the teams' answers; less near the top)"
    assert effect_text(down, r, option=True) == (
        "US trust -1 (counted once however many teams choose it; less near the bottom)")
    assert effect_text(E(track="trust", add=1.0, combine="each", diminishing=0.0), r, option=True) == "US trust +1"
    view = effect_view(up, r)
    assert view.waits
    option = type("Option", (), {"effects": (view,)})()
    assert what_it_did(None, None, option) == [
        "US trust +1 (averaged over the teams' answers; less near the top): applies when deliberation closes"]
    plain = rules_for(drill())
    assert effect_text(up, plain) == "US trust +1" and not effect_view(up, plain).waits  # today's words


def test_every_reserve_crisis_of_the_default_scenario_costs_the_players_when_fired():
    from support import DEFAULT, load_fixture

    s = load_fixture(DEFAULT).scenario
    reserves = [i for i in s.all_injects() if i.reserve]
    assert reserves
    for inj in reserves:
        costs = [e for e in inj.effects if e.note and (
            (e.budget is not None and (e.add or 0) < 0)
            or (e.track is not None and e.track != "escalation" and (e.add or 0) < 0))]
        assert costs, f"reserve inject {inj.id!r} costs nothing when fired (money, a capability or a world track, with a note)"


def test_the_default_scenario_averages_us_trust_and_softens_it():
    from support import DEFAULT, load_fixture

    t = next(t for t in load_fixture(DEFAULT).scenario.tracks if t.id == "us_trust")
    assert t.combine == "mean" and 0 < t.diminishing < 1


def test_lead_and_inject_effects_are_worded_as_applied_in_full_not_combined():
    """Play-test problem 9: only an option's effect combines over the teams' answers; a
    lead's, a hand-back's, an inject's or a delivery's applies in full and says nothing of it."""
    from exercise.engine.explain import effect_text, facilitator_effects, item_gains, option_effects
    from exercise.engine.scenario_rules import rules_for
    from exercise.engine.view import player_view

    base = scenario(trust={"combine": "mean", "diminishing": 0.3})
    commands = tuple(attrs.evolve(c, lead_effects=(E(track="trust", add=0.8),),
                                  hand_back_effects=(E(track="trust", add=-0.5, combine="once"),))
                     for c in base.commands)
    s = attrs.evolve(base, commands=commands)
    r = rules_for(s)
    up = E(track="trust", add=0.8)
    assert effect_text(up, r) == "US trust +0.8 (less near the top)"
    assert effect_text(up, r, option=True) == "US trust +0.8 (averaged over the teams' answers; less near the top)"
    g = Game(s)
    g.to(1, "deliberation")
    for c in player_view(g.s, "east").commands:
        assert c.lead_effects == ("US trust +0.8 (less near the top)",)
        assert c.hand_back_effects == ("US trust -0.5 (less near the bottom)",)
    # the decision's option still says how it combines, to the team and to the facilitator
    option = next(o for i in s.injects for o in i.options if o.id == "a")
    assert option_effects(option, r)[0][0].text == "US trust +1 (averaged over the teams' answers; less near the top)"
    assert facilitator_effects(option, r) == ("US trust +1 (averaged over the teams' answers; less near the top)",)
    item = attrs.evolve(s.items[0], effects=(up,))
    assert all("averaged" not in w for w in item_gains(item, r))
