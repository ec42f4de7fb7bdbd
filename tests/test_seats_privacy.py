"""Privacy of every seat of the room, both ways, as properties over random play of the red
fixture (two teams, an adversary):

- the wall and the red cell see nothing of any team's private state: changing it (money,
  orders, answers, split, private tracks) never changes their view, and their event
  streams carry no team's private event;
- a controller's view holds only its scope's teams' private data: changing another
  team's private state never changes it;
- no player seat (team, red, wall) is ever told a note, the facilitator's or an evaluator's,
  in its view or its events; and adding an evaluator's note changes no team's view;
- every seat is refused what its role may not send, in names (never ids);
- no seat but the lead facilitator's sees the dice (the seed and the roll counter).
"""

from __future__ import annotations

import json

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import FIXTURES, load_fixture

from exercise.engine import Rejected, execute, initial_state
from exercise.engine import commands as cm
from exercise.engine import seats as se
from exercise.engine.ledger import LedgerBuilder
from exercise.engine.seats import Seat
from exercise.engine.state import Order
from exercise.engine.view_json import unstructure

RED = FIXTURES / "red" / "scenarios" / "red.toml"
TEAMS = ("east", "west")
MARK = "zq"  # every note's text starts with it: found in a JSON text, a note leaked

team_move = st.one_of(
    st.builds(lambda t, item, q: cm.PlaceOrder(t, t, item, q), st.sampled_from(TEAMS), st.sampled_from(["sam", "jet"]),
              st.integers(1, 2)),
    st.builds(lambda t, s: cm.Allocate(t, t, {"sustain": s, "invest": round(1 - s, 2)}), st.sampled_from(TEAMS),
              st.sampled_from([0.2, 0.5, 0.7])),
    st.builds(lambda t: cm.Argue(t, t, f"secret plan of {t}", "win"), st.sampled_from(TEAMS)),
    st.builds(lambda t: cm.Submit(t, t), st.sampled_from(TEAMS)),
)
white_move = st.one_of(
    st.builds(lambda t, n: cm.AddNote(f"{MARK}note{n}", team=t), st.sampled_from([None, *TEAMS]), st.integers(0, 99)),
    st.builds(lambda t, n: cm.AddNote(f"{MARK}eval{n}", team=t,
                                      author="Eve"), st.sampled_from([None, *TEAMS]), st.integers(0, 99)),
    st.builds(lambda t, v: cm.Override("money", v, f"{MARK}because", team=t), st.sampled_from(TEAMS),
              st.sampled_from([10.0, 500.0])),
    st.builds(lambda t: cm.FireAdHoc("Adhoc", f"text for {t}", to=(t,)), st.sampled_from(TEAMS)),
)
red_move = st.one_of(
    st.builds(cm.RedAct, st.just("sabotage"), st.sampled_from(TEAMS)),
    st.builds(cm.RedAct, st.just("disinfo")),
)
step = st.one_of(team_move, white_move, red_move, st.just(cm.Advance(force=True)))

SEATS = {
    "wall": Seat("projector", "wall", "Projector"),
    "red": Seat("red", "red", "Russia (red cell)"),
    "evaluator": Seat("eve", "evaluator", "Eve"),
    "ctl-east": Seat("alice", "controller", "Alice", scope=("east",)),
    "ctl-all": Seat("bob", "controller", "Bob"),
    "east": Seat("east", "team", "East", team="east"),
    "west": Seat("west", "team", "West", team="west"),
}


def play(seed: int, commands):
    sc = load_fixture(RED).scenario
    s = initial_state(sc, seed)
    ledger = LedgerBuilder()
    batches = []
    for c in [cm.Start(), cm.Advance(), cm.Advance(), *commands]:
        try:
            after, events = execute(s, c)
        except Rejected:
            continue
        ledger.feed(s, events)
        batches.append((after, events))
        s = after
    return s, batches, ledger


def with_secrets_changed(s, teams=TEAMS):
    """The state with `teams`' private state changed (money, orders, answers, split,
    private tracks, budget): what a seat that may not see them must not notice."""
    places = s.rules.money_places
    team_tracks = {k: (v if not (s.rules.tracks[k[1]].private and k[0] in teams) else round(v + 1.25, places))
                   for k, v in s.team_tracks.items()}
    orders = {k: (attrs.evolve(o, quantity=o.quantity + 7) if o.team in teams else o) for k, o in s.orders.items()}
    for t in teams:
        orders[f"secret-{t}"] = Order(f"secret-{t}", t, "sam", 9, 9.0, 1, 3)
    return attrs.evolve(
        s, cash={t: round(v + 123.45, places) if t in teams else v for t, v in s.cash.items()},
        allocation={t: (0.33, 0.67) if t in teams else a for t, a in s.allocation.items()}, orders=orders,
        answers={**{k: v for k, v in s.answers.items() if k[1] not in teams}, **{("x", t): ("a", False) for t in teams}},
        budget={t: (999.0, {"sustain": 1.0, "invest": 998.0}) if t in teams else b for t, b in s.budget.items()},
        team_tracks=team_tracks)


def keys_of(data, out=None) -> set[str]:
    """Every key of every object in JSON data, at any depth."""
    out = set() if out is None else out
    if isinstance(data, dict):
        out.update(data)
        for v in data.values():
            keys_of(v, out)
    elif isinstance(data, list):
        for v in data:
            keys_of(v, out)
    return out


def text(x) -> str:
    return json.dumps(unstructure(x) if not isinstance(x, list) else x, default=str)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31), commands=st.lists(step, max_size=25))
def test_no_seat_sees_what_its_role_may_not(seed, commands):
    s, batches, ledger = play(seed, commands)
    lg = ledger.changes
    # wall and red: nothing of any team's private state
    hidden = with_secrets_changed(s)
    for key in ("wall", "red"):
        seat = SEATS[key]
        assert se.view_for(seat, hidden, lg) == se.view_for(seat, s, lg), key
        shown = text(se.view_for(seat, s, lg))
        assert "secret plan" not in shown and "Hold the line." not in shown, key
    # a controller of east: nothing of west's private state, all of east's
    alice = SEATS["ctl-east"]
    v = se.view_for(alice, s, lg)
    assert set(v.teams_private) == {"east"} and v.red is None
    assert all(a.team == "east" for a in v.actions)
    assert all(n.team in (None, "east") for n in v.notes)
    assert all(set(i.answers) <= {"east"} for i in v.injects)
    assert se.view_for(alice, with_secrets_changed(s, ("west",)), lg) == v
    assert se.view_for(alice, with_secrets_changed(s, ("east",)), lg) != v  # it does see east's
    assert "secret plan of west" not in text(v)
    assert not any(o.target in ("money", "team_track") and not (o.key == "east" or o.key.startswith("east."))
                   for o in v.overrides), v.overrides  # west's money set by hand is west's
    assert all(c.team in (None, "east") for c in v.thresholds_crossed)
    # no note reaches a player seat, in views or events
    for key in ("wall", "red", "east", "west"):
        seat = SEATS[key]
        assert MARK not in text(se.view_for(seat, s, lg)), key
        for after, events in batches:
            told = se.events_for(seat, after, events)
            assert MARK not in text(told), (key, told)
            assert not any(d["kind"] == "note_added" for d in told)
    # the event streams of wall and red: nothing a team keeps to itself
    for after, events in batches:
        for key in ("wall", "red"):
            for d in se.events_for(SEATS[key], after, events):
                assert "secret plan" not in json.dumps(d) and d["kind"] not in (
                    "order_placed", "allocated", "argued", "answered", "cash_changed", "overridden"), (key, d)
        for d in se.events_for(alice, after, events):
            assert d.get("team") in (None, "east") or d.get("team") not in TEAMS, d
        # a team's stream is its own: west's argument never in east's
        assert "secret plan of west" not in text(se.events_for(SEATS["east"], after, events))
    # an evaluator sees every team's view and every note
    ev = se.view_for(SEATS["evaluator"], s, lg)
    assert set(ev.views) == set(TEAMS) and len(ev.notes) == len(s.notes)
    # the dice are the lead facilitator's alone: with the seed and the roll counter anyone
    # could compute the next roll before the odds are set
    dice = attrs.evolve(s, seed=s.seed + 1, rolls=s.rolls + 5)
    for key, seat in SEATS.items():
        shown = se.view_for(seat, s, lg)
        assert not {"seed", "rolls"} & keys_of(unstructure(shown)), key
        assert se.view_for(seat, dice, lg) == shown, key
    lead = unstructure(se.view_for(se.facilitator_seat(), s, lg))
    assert (lead["seed"], lead["rolls"]) == (s.seed, s.rolls)  # the lead facilitator's still holds them


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31), commands=st.lists(step, max_size=15), team=st.sampled_from([None, *TEAMS]),
       rating=st.sampled_from([None, "P", "S", "M", "U"]))
def test_an_evaluator_note_changes_no_player_seat(seed, commands, team, rating):
    s, _, ledger = play(seed, commands)
    lg = ledger.changes
    objective = s.rules.scenario.all_objectives()[0].id if rating else None
    after, events = execute(s, cm.AddNote(f"{MARK}rated", team=team, objective=objective, rating=rating, author="Eve"))
    for key in ("east", "west", "wall", "red"):
        seat = SEATS[key]
        assert se.view_for(seat, after, lg) == se.view_for(seat, s, lg), key
        assert se.events_for(seat, after, events) == [], key
    assert any(n.text == f"{MARK}rated" and n.author == "Eve" for n in se.view_for(SEATS["evaluator"], after, lg).notes)
    told = se.events_for(SEATS["evaluator"], after, events)
    assert [d["kind"] for d in told] == ["note_added"]


def test_each_role_is_refused_what_it_may_not_send():
    s, _, _ = play(3, [])
    wall, red, eve, alice, bob = (SEATS[k] for k in ("wall", "red", "evaluator", "ctl-east", "ctl-all"))
    assert "sends nothing" in se.refusal(wall, cm.AddNote("x"), s)
    assert se.refusal(red, cm.RedAct("jam", "north", actor="russia"), s) is None
    assert "acts as Russia only" in se.refusal(red, cm.RedAct("jam", "north", actor="facilitator"), s)
    assert "not its" in se.refusal(red, cm.AddNote("x", actor="russia"), s)
    assert se.refusal(eve, cm.AddNote("x", author="Eve (evaluator)"), s) is None
    assert "signed" in se.refusal(eve, cm.AddNote("x", author="Mallory"), s)
    assert "notes) only" in se.refusal(eve, cm.Pause(), s)
    assert "lead facilitator" in se.refusal(alice, cm.Advance(), s)
    assert "red cell" in se.refusal(alice, cm.RedAct("jam", "north"), s)
    assert "outside your scope" in se.refusal(alice, cm.FireAdHoc("x", "z", to=("west",)), s)
    assert "whole exercise" in se.refusal(alice, cm.FireAdHoc("x", "z", to=("all",)), s)
    assert se.refusal(alice, cm.FireAdHoc("x", "z", to=("east",)), s) is None
    assert se.refusal(bob, cm.FireAdHoc("x", "z", to=("all",)), s) is None


def test_red_counter_argue_for_a_team_is_refused_in_names():
    s, _, _ = play(3, [])
    s, _ = execute(s, cm.Argue("east", "east", "Block the port", "win", "because", open=True))
    action = next(iter(s.actions))
    for team, name in (("east", "East"), ("west", "West")):
        try:
            execute(s, cm.CounterArgue("russia", action, "it will not hold", team=team))
            raise AssertionError("a red counter-argument for a team was accepted")
        except Rejected as e:
            assert "Russia" in e.reason and name in e.reason, e.reason
            assert "russia" not in e.reason and team not in e.reason, e.reason  # names, never ids
    _, events = execute(s, cm.CounterArgue("russia", action, "it will not hold"))
    assert [e.by_name for e in events] == ["Russia"]
