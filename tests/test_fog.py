"""Fog and chance players can see: estimated world tracks (the value never in a team's
JSON), narrowing by shared intelligence, attribution with a confidence, slip risk shown per
order, bought down with priority, and partial slips."""

from __future__ import annotations

import json
import re

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st
from test_engine_support import Game, of, with_injects

from exercise import model
from exercise.engine import commands as cm
from exercise.engine import events as ev
from exercise.engine import fog
from exercise.engine.decision import number
from exercise.engine.ledger import LedgerBuilder
from exercise.engine.rolls import roll
from exercise.engine.view import player_view, visible_events
from exercise.engine.view_json import unstructure

E = model.Effect


def _fogged(*injects: model.Inject, width: float = 1.0, **item_changes) -> model.Scenario:
    """The drill with US trust estimated for teams and the SAM item changed."""
    s = with_injects(*injects)
    tracks = tuple(attrs.evolve(t, estimate=width, estimate_source="NATO intelligence") if t.id == "trust" else t
                   for t in s.tracks)
    items = tuple(attrs.evolve(i, **item_changes) if i.id == "sam" and item_changes else i for i in s.items)
    return attrs.evolve(s, tracks=tracks, items=items)


def _team_json(g: Game, team: str = "east") -> dict:
    ledger = LedgerBuilder()
    st = g.initial
    for batch in g.batches:
        st = ledger.feed(st, batch)
    return unstructure(player_view(g.s, team, ledger.changes))


def _trust(view: dict) -> dict:
    return next(t for t in view["tracks"] if t["id"] == "trust")


def test_a_team_sees_a_band_with_its_source_and_the_facilitator_the_value():
    g = Game(_fogged(), seed=3)
    g.to(1, "deliberation")
    rolled = of(g.events, ev.EstimateRolled)
    assert sorted((e.track, e.team, e.turn) for e in rolled) == [("trust", "east", 1), ("trust", "west", 1)]
    u = g.s.estimate_rolls[("trust", "east")]
    assert u == next(e.roll for e in rolled if e.team == "east")
    t = _trust(_team_json(g))
    centre = round(5 + (2 * u - 1) * 1.0, 2)
    assert t["value"] == centre and t["low"] <= 5 <= t["high"]
    assert t["estimate"] == f"{t['low']:g}-{t['high']:g} (estimate, NATO intelligence, ±1)"


def test_the_true_value_never_reaches_a_team_json_view_or_feed():
    # a value no estimate can hit by chance: 4.37 after an effect, noise moves it
    inj = model.Inject("nudge", "Nudge", turn=1, effects=(E(track="trust", add=-0.63),))
    for seed in range(20):
        g = Game(_fogged(inj), seed=seed)
        events = g.to(1, "deliberation")
        assert g.s.tracks["trust"] == 4.37
        u = g.s.estimate_rolls[("trust", "east")]
        if abs(u - 0.5) < 1e-3:
            continue  # the rare roll that lands on the value itself
        text = json.dumps(_team_json(g))
        assert "4.37" not in text
        assert all("4.37" not in json.dumps(e) for e in visible_events(g.s, "east", events))
        assert not [e for e in visible_events(g.s, "east", events) if e.get("track") == "trust"]


def test_old_scenarios_roll_nothing_and_show_the_value():
    g = Game(with_injects(), seed=3)
    g.to(1, "deliberation")
    assert not of(g.events, ev.EstimateRolled)
    t = _trust(_team_json(g))
    assert t["value"] == 5 and "estimate" not in t and "low" not in t


def test_shared_intelligence_narrows_the_band_of_the_team_that_chose_it():
    share = model.Inject("share", "Share intelligence", turn=1, options=(
        model.Option("yes", "Pool it", effects=(E(track="trust", team="self", narrow=0.5),), default=True),
        model.Option("no", "Keep it")))
    g = Game(_fogged(share, width=1.0), seed=5)
    g.to(1, "deliberation")
    (inbox,) = [i for i in _team_json(g)["me"]["inbox"] if i["id"] == "share"]
    assert inbox["options"][0]["effects"][0]["text"] == "your estimate of US trust narrows by ±0.5"
    events = g.team(cm.Answer, "east", inject="share", option="yes")
    assert of(events, ev.EstimateNarrowed) == [ev.EstimateNarrowed("trust", "east", 0.5, events[-1].cause)]
    assert fog.width(g.s, g.s.rules.tracks["trust"], "east") == 0.5
    assert fog.width(g.s, g.s.rules.tracks["trust"], "west") == 1.0
    t = _trust(_team_json(g))
    assert t["estimate"].endswith("±0.5)") and t["high"] - t["low"] <= 1.0 + 1e-9
    assert g.replayed() == g.s


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**31), st.floats(0.1, 3), st.floats(0, 2.9))
def test_the_band_always_holds_the_value(seed, width, narrowed):
    g = Game(_fogged(width=round(width, 2)), seed=seed)
    g.to(1, "deliberation")
    s = attrs.evolve(g.s, narrowed={("trust", "east"): round(narrowed, 2)})
    e = fog.estimate(s, s.rules.tracks["trust"], "east")
    assert e.low <= s.tracks["trust"] <= e.high
    assert 0 <= e.low and e.high <= 10


def test_attribution_and_option_confidence_reach_the_team():
    inj = model.Inject("blast", "Rail blast", turn=1, attribution="Russia", confidence="moderate",
                       options=(model.Option("name", "Name Russia", confidence="moderate", default=True),
                                model.Option("wait", "Investigate")))
    g = Game(with_injects(inj), seed=1)
    g.to(1, "deliberation")
    (view,) = [i for i in _team_json(g)["me"]["inbox"] if i["id"] == "blast"]
    assert view["attribution"] == "Attributed to Russia, moderate confidence"
    assert view["confidence"] == [["name", "moderate confidence"]]


# -- slips ---------------------------------------------------------------------------------
def _ordered(seed: int, quantity: int = 4, **item) -> tuple[Game, str]:
    g = Game(_fogged(capacity=4, **item), seed=seed)  # the four due together in turn 3
    g.do(cm.Override("money", 10, "test", team="east"))
    g.to(1, "deliberation")
    placed = of(g.team(cm.PlaceOrder, "east", item="sam", quantity=quantity), ev.OrderPlaced)[0]
    return g, placed.order


def test_the_order_shows_its_slip_risk_and_what_priority_costs():
    g, oid = _ordered(1, slip_share=0.25, expedite_cost=0.1, expedite_chance=0.1)
    (o,) = [o for o in _team_json(g)["me"]["orders"] if o["id"] == oid]
    assert (o["slip_chance"], o["slip_turns"], o["slip_units"]) == (0.5, 1, 1)
    assert (o["expedite_cost"], o["expedite_chance"]) == (0.4, 0.1)
    assert o["risk"] == "50% chance 1 of 4 slip 1 turn"


def test_priority_is_paid_and_lowers_the_chance_the_roll_uses():
    g, oid = _ordered(1, slip_share=1.0, expedite_cost=0.1, expedite_chance=0.1)
    cash = g.s.cash["east"]
    events = g.team(cm.ExpediteOrder, "east", order=oid)
    assert of(events, ev.OrderExpedited) == [ev.OrderExpedited(oid, "east", 0.4, 0.1, round(cash - 0.4, 2))]
    ledger = [e for turn in _team_json(g)["ledger"] for e in turn["entries"]]
    assert any("priority for 4 SAM battery: 0.4" in e["cause"] and "50% → 10%" in e["cause"] for e in ledger)
    g.reject(cm.ExpediteOrder("east", "east", oid), "already has priority")
    g.reject(cm.ExpediteOrder("west", "west", oid), "unknown order")
    g.team(cm.Submit, "east")
    events = g.to(3, "adjudication")
    (slip,) = of(events, ev.SlipRolled)
    assert slip.chance == 0.1
    (o,) = [o for o in _team_json(g)["me"]["orders"] if o["id"] == oid]
    assert o["expedited"] is True
    assert g.replayed() == g.s


def test_an_item_without_priority_refuses_it():
    g, oid = _ordered(1)
    g.reject(cm.ExpediteOrder("east", "east", oid), "cannot be expedited")


def test_a_partial_slip_delivers_the_rest_on_time_and_says_why():
    for seed in range(60):
        g, oid = _ordered(seed, quantity=4, slip_share=0.25)
        g.team(cm.Submit, "east")
        events = g.to(3, "adjudication")
        (slip,) = of(events, ev.SlipRolled)
        if not slip.slipped:
            continue
        assert slip.late == 1 and slip.late_order == f"{oid}-late" and slip.due == 4
        (delivered,) = [d for d in of(events, ev.OrderDelivered) if d.team == "east"]
        assert (delivered.order, delivered.quantity) == (oid, 3)
        assert g.s.team_tracks[("east", "air")] == 2 + 3
        late = g.s.orders[slip.late_order]
        assert (late.quantity, late.due, late.status, late.slip_rolled) == (1, 4, "ordered", True)
        assert late.cost + g.s.orders[oid].cost == 4.0
        words = g.s.orders[oid].slip_note
        # worded as the facilitator's log words it: percent against percent
        assert words.startswith("1 of 4 SAM battery slipped to turn 4: rolled ") and words.endswith(
            " against a 50 % chance of slipping")
        ledger = [e for turn in _team_json(g)["ledger"] for e in turn["entries"]]
        assert any(e["cause"] == f"delivery of 3 SAM battery ({words})" for e in ledger)
        events = g.to(4, "adjudication")
        assert [(d.order, d.quantity) for d in of(events, ev.OrderDelivered) if d.team == "east"] == [
            (slip.late_order, 1)]
        assert not of(events, ev.SlipRolled)
        assert g.s.orders[slip.late_order].status == "delivered"
        assert g.s.delivered[("east", "sam")] == 4
        assert g.replayed() == g.s
        assert slip.roll == roll(g.s.seed, sum(1 for e in g.events[: g.events.index(slip)]
                                               if isinstance(e, (ev.SlipRolled, ev.InjectRolled,
                                                                 ev.ActionAdjudicated, ev.EstimateRolled))))
        break
    else:
        raise AssertionError("no seed made the order slip")


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 12), st.sampled_from([0.1, 0.25, 0.5, 0.99, 1.0]))
def test_late_units_are_a_share_rounded_up_never_none_never_more(q, share):
    item = model.Item("x", "X", 1.0, 1, "EU", slip_share=share)
    late = fog.late_units(item, q)
    assert 1 <= late <= q
    assert late == q if share == 1.0 else late >= q * share - 1e-9


def test_the_default_scenario_played_by_cautious_bots_replays_and_hides_escalation():
    """Escalation is estimated, Denmark's SAMP/T priority is bought: replay equals live, and
    no team's JSON carries the escalation value where the estimate shows."""
    from support import DEFAULT, load_fixture

    from exercise.bots.policies import cautious
    from exercise.dryrun.simulate import bot_turn
    from exercise.engine.rolls import Dice

    scenario = load_fixture(DEFAULT).scenario
    g = Game(scenario, seed=11)
    dice = Dice(11)
    for turn in range(1, 4):
        g.to(turn, "deliberation")
        for team in g.s.rules.team_ids:
            bot_turn(g.s, team, cautious, dice, run=lambda state, command: (g.do(command), g.s)[1])
        for team in g.s.rules.team_ids:
            esc = next(t for t in _team_json(g, team)["tracks"] if t["id"] == "escalation")
            assert "NATO intelligence" in esc["estimate"] and esc["low"] <= g.s.tracks["escalation"] <= esc["high"]
    assert of(g.events, ev.OrderExpedited), "the cautious bots bought priority for an order due soon"
    assert of(g.events, ev.EstimateRolled)
    assert g.replayed() == g.s


def test_the_new_fields_survive_the_network_round_trip():
    from exercise.net.protocol import player_view_from

    inj = model.Inject("blast", "Rail blast", turn=1, attribution="Russia", confidence="high",
                       options=(model.Option("name", "Name Russia", confidence="low", default=True),))
    g = Game(_fogged(inj, capacity=4, slip_share=0.25, expedite_cost=0.1, expedite_chance=0.1), seed=2)
    g.do(cm.Override("money", 10, "test", team="east"))
    g.to(1, "deliberation")
    g.team(cm.PlaceOrder, "east", item="sam", quantity=4)
    view = player_view(g.s, "east")
    data = json.loads(json.dumps(unstructure(view)))
    assert player_view_from(data) == view


def test_a_slip_roll_reads_the_same_to_the_team_and_the_facilitator():
    from exercise.engine.decision import roll_words

    g, oid = _ordered(1)
    o = g.s.orders[oid]
    for roll_, slipped in ((0.087, True), (0.62, False)):
        e = ev.SlipRolled(oid, roll_, 0.1, slipped, 4 if slipped else 3)
        words = fog.slip_note(g.s.rules, o, e)
        assert roll_words(roll_, 10.0) + " of slipping" in words, words
    assert fog.slip_note(g.s.rules, o, ev.SlipRolled(oid, 0.087, 0.1, True, 4)) == (
        "all 4 SAM battery slipped to turn 4: rolled 8.7 against a 10 % chance of slipping")
    assert fog.slip_note(g.s.rules, o, ev.SlipRolled(oid, 0.62, 0.1, False, 3)) == (
        "on time: rolled 62 against a 10 % chance of slipping")


# -- what a team is told of a track it only estimates (play-test problem 4) -----------------
NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _asks(*options: model.Option) -> model.Inject:
    return model.Inject("ask", "Washington asks", turn=1, options=options)


def _answer(g: Game, option: str, team: str = "east", band: list | None = None) -> list[str]:
    """What the team's screen says its answer did (the notice after answering); `band`
    gets the (low, high) the team sees then."""
    from exercise.engine.explain import what_it_did

    before = player_view(g.s, team)
    g.team(cm.Answer, team, inject="ask", option=option)
    after = player_view(g.s, team)
    (inj,) = [i for i in after.me.inbox if i.id == "ask"]
    if band is not None:
        (t,) = [t for t in after.tracks if t.id == "trust"]
        band.append((t.low, t.high))
    return what_it_did(before, after, next(o for o in inj.options if o.id == option))


def test_a_narrowing_answer_says_it_narrowed_the_estimate_not_that_the_track_moved():
    share = _asks(model.Option("pool", "Pool it", effects=(E(track="trust", team="self", narrow=0.5),), default=True))
    g = Game(_fogged(share), seed=4)
    g.to(1, "deliberation")
    (line,) = _answer(g, "pool")
    t = _trust(_team_json(g))
    band = t["estimate"].split(" (")[0]
    assert line == f"your estimate of US trust is now ±0.5: {band}", line
    assert "→" not in line


def test_an_answer_that_moves_an_estimated_track_says_the_estimate_not_the_value():
    push = _asks(model.Option("push", "Push", effects=(E(track="trust", add=-0.63),), default=True))
    g = Game(_fogged(push), seed=4)
    g.to(1, "deliberation")
    (line,) = _answer(g, "push")
    band = _trust(_team_json(g))["estimate"].split(" (")[0]
    assert line == f"US trust -0.63: your estimate is now {band}", line


def _said_numbers(text: str) -> list[float]:
    return [float(x) for x in NUMBER.findall(text)]


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**31), st.sampled_from([-0.63, 0.37, -2.0, 1.5]), st.sampled_from([0.25, 0.5, 1.0]))
def test_no_team_facing_text_shows_the_value_of_an_estimated_track(seed, add, narrow):
    """Notices, the ledger and the feed of a team: no number about the track outside the
    team's band but the amounts the scenario states, and never the true value unless it is
    one of the band's own numbers."""
    ask = _asks(model.Option("push", "Push", effects=(E(track="trust", add=add),), default=True),
                model.Option("pool", "Pool it", effects=(E(track="trust", team="self", narrow=narrow),)),
                model.Option("both", "Both", effects=(E(track="trust", add=add), E(track="trust", narrow=narrow))))
    g = Game(_fogged(ask, width=1.0), seed=seed)
    g.to(1, "deliberation")
    seen: list = []
    lines = _answer(g, ["push", "pool", "both"][seed % 3], band=seen)
    low, high = seen[0]
    truth = g.s.tracks["trust"]  # when the notice was shown
    others = _answer(g, "push", "west")
    assert all("→" not in line for line in others)
    events = g.to(2, "deliberation")
    view = _team_json(g)
    t = _trust(view)
    value = g.s.tracks["trust"]
    stated = {abs(add), narrow, 1.0, round(1.0 - narrow, 2)}  # amounts stated, and the width left
    for line in lines:
        assert "→" not in line and " stays at " not in line, line
        for x in _said_numbers(line):
            assert x in stated or low <= x <= high, (line, low, high)
        if truth not in (low, high) and truth not in stated:
            assert number(truth) not in NUMBER.findall(line), (line, truth)
    ledger = [e for turn in view["ledger"] for e in turn["entries"]]
    assert not [e for e in ledger if e["what"] == "US trust"]
    assert not [e for turn in view["ledger"] for e in turn.get("totals", ()) if e["what"] == "US trust"]
    feed = visible_events(g.s, "east", events)
    assert not [e for e in feed if e.get("track") == "trust" and "value" in e]
    assert t["low"] <= value <= t["high"] and "estimate" in t  # still a band, holding the value


def test_after_the_verdict_the_team_sees_the_value_and_the_ledger_its_changes():
    push = _asks(model.Option("push", "Push", effects=(E(track="trust", add=-0.63),), default=True))
    g = Game(_fogged(push), seed=4)
    g.to(2, "deliberation")
    assert "estimate" in _trust(_team_json(g))
    g.do(cm.End("time"))
    assert g.s.verdict is not None
    t = _trust(_team_json(g))
    assert t["value"] == g.s.tracks["trust"] and "estimate" not in t and "low" not in t
    rows = [e for turn in _team_json(g)["ledger"] for e in turn["entries"] if e["what"] == "US trust"]
    assert [(e["before"], e["after"]) for e in rows] == [(5.0, 4.37)]  # east's own answer (west's is west's)


def test_reading_an_inject_in_full_keeps_its_attribution_and_each_options_confidence():
    """Play-test problem 12: `r` on the Inbox left out what the detail pane shows."""
    from exercise.tui.team.inbox import InboxTab

    inj = model.Inject("blast", "Rail blast", turn=1, text="Another explosion on the railway.",
                       attribution="Russian military intelligence (GRU)", confidence="moderate",
                       options=(model.Option("name", "Name Russia", confidence="moderate", default=True),
                                model.Option("wait", "Investigate")))
    g = Game(with_injects(inj), seed=1)
    g.to(1, "deliberation")
    (view,) = [i for i in player_view(g.s, "east").me.inbox if i.id == "blast"]
    page = InboxTab.read_page(view)
    assert "*Attributed to Russian military intelligence \\(GRU\\), moderate confidence*" in page, page
    assert "- **Name Russia** (moderate confidence) *(default)*" in page
    assert "- **Investigate** *(default)*" not in page and "Investigate** (" in page
