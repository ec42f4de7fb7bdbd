"""The ledger (exercise.engine.ledger): per team, per turn, every change and why."""

from __future__ import annotations

import json
import shutil

from hypothesis import given, settings
from hypothesis import strategies as st
from support import FIXTURES
from test_engine_support import Game, drill
from test_engine_view import OTHER, TEAMS, play_to

from exercise.engine import commands as cm
from exercise.engine import ledger as lg
from exercise.engine import player_view
from exercise.engine.rules import Rejected, execute
from exercise.engine.view_json import structure, unstructure
from exercise.engine.view_types import PlayerView


def entries(g: Game, team: str, facilitator: bool = False):
    return lg.for_team(lg.build(g.initial, g.batches).changes, team, facilitator)


def find(es, what: str, cause: str):
    found = [e for e in es if e.what == what and cause in e.cause]
    assert found, f"no {what!r} entry caused by {cause!r} in:\n" + "\n".join(f"{lg.describe(e)} | {e.cause}" for e in es)
    return found


def turn_one(g: Game) -> None:
    """East answers a decision, splits its budget under the Sustain floor and orders drones."""
    g.to(1, "deliberation")
    g.team(cm.Answer, "east", inject="drones", option="shoot")
    g.team(cm.Allocate, "east", shares={"sustain": 0.2, "invest": 0.6, "resilience": 0.2})
    g.team(cm.PlaceOrder, "east", item="drone", quantity=2)
    g.team(cm.Submit, "east")
    g.team(cm.Submit, "west")
    g.advance()  # adjudication: the drones arrive, air defence decays


def test_a_turn_of_decision_delivery_and_decay_says_why_with_before_and_after():
    g = Game(drill())
    turn_one(g)
    es = entries(g, "east")
    (d,) = find(es, "Air defence", "East chose “Shoot them down” in “Drones over the border”")
    assert (d.turn, d.phase, d.kind, d.before, d.after, d.delta, d.unit) == (1, "deliberation", "capability", 2, 3, 1,
                                                                            "points")
    (dl,) = find(es, "Air defence", "delivery of 2 Drone lot")
    assert (dl.phase, dl.before, dl.after) == ("adjudication", 3, 4)
    (dc,) = find(es, "Air defence", "decay: Sustain got 20% of the budget, under its floor of 30%")
    assert (dc.before, dc.after, dc.delta) == (4, 3.5, -0.5)
    (b,) = find(es, "Budget", "turn 1's budget")
    assert (b.before, b.after, b.unit) == (None, 2.0, "USD bn")
    assert "Poland 4 % of GDP" in b.cause
    (sp,) = find(es, "Sustain money", "East split its budget anew: Sustain 50% → 20%")
    assert (sp.before, sp.after, sp.delta) == (1.0, 0.4, -0.6)
    (o,) = find(es, "Money for orders", "ordered 2 Drone lot for 1 USD bn")
    assert (o.before, o.after) == (1.2, 0.2)
    (w,) = find(es, "US trust", "the inject “Drones over the border”")
    assert (w.kind, w.team, w.before, w.after) == ("world", None, 5, 4)
    # names, never ids, in what people read
    for e in es:
        for ident in ("drones", "shoot", "order-east", "sustain", "invest"):
            assert ident not in e.cause.replace("Drones", "").replace("Sustain", "").replace("Invest", ""), e.cause


def test_leads_spending_cancellations_overrides_and_adjudications_say_why():
    g = Game(drill())
    g.to(2, "deliberation")
    g.team(cm.TakeLead, "east", command="north", ally="PL")
    g.team(cm.SetSpending, "east", ally="PL", spending=4.2)
    g.team(cm.PlaceOrder, "east", item="drone", quantity=1)
    g.team(cm.CancelOrder, "east", order=next(o for o in g.s.orders if o.startswith("order-east")))
    g.team(cm.Argue, "west", action="Patrol", result="calm", reasons="ships")
    g.do(cm.Adjudicate("action-west-1", 70, "SECRET-RATIONALE plausible", effects=({"track": "cohesion", "add": 1},),
                       failure_effects=({"track": "cohesion", "add": -1},)))
    g.do(cm.Override("team_track", 1, "SECRET-OVERRIDE the raid", track="air", team="west"))
    g.to(3, "briefing")
    east = entries(g, "east")
    (lead,) = find(east, "Budget", "East took the lead of JFC North through Poland: its running cost is 0.5 USD bn")
    assert (lead.before, lead.after) == (2.0, 1.5)
    (sp,) = find(east, "Poland's defence spending", "East raised Poland's defence spending from 4 to 4.2 % of GDP")
    assert (sp.before, sp.after, sp.unit) == (4.0, 4.2, "% of GDP")
    find(east, "Money for orders", "withdrawn before submitting (no penalty): 0.5 USD bn back")
    (t3,) = find(east, "Budget", "turn 3's budget")
    assert t3.before == t3.after and t3.delta == 0  # told every turn, changed or not
    assert "−0.5 USD bn running cost of leading JFC North" in t3.cause
    west = entries(g, "west")
    (adj,) = find(west, "European cohesion", "West's action “Patrol” ")
    assert "ed (rolled " in adj.cause and " against a 70 % chance)" in adj.cause
    assert adj.kind == "world" and "SECRET-RATIONALE" not in adj.cause
    (ov,) = find(west, "Air defence", "set by the facilitator")
    assert (ov.before, ov.after) == (3.0, 1.0) and "SECRET-OVERRIDE" not in ov.cause
    facilitator = entries(g, "west", facilitator=True)
    find(facilitator, "Air defence", "set by the facilitator; rationale: SECRET-OVERRIDE the raid")
    find(facilitator, "European cohesion", "rationale: SECRET-RATIONALE plausible")
    # West's adjudicated action moved a world track: in West's ledger, not East's
    assert not [e for e in east if "Patrol" in e.cause]


def test_a_decision_that_names_another_team_hides_its_cause_from_that_team():
    from exercise.engine import events as ev

    g = Game(drill())
    g.to(2, "deliberation")
    answered = g.team(cm.Answer, "west", inject="summit", option="pledge")
    # an effect of West's answer on East, as a pack may write one (team = "east")
    b = lg.LedgerBuilder()
    s = g.initial
    for batch in g.batches:
        s = b.feed(s, [*batch, ev.TrackSet("air", "east", 5.0, "x")] if batch is answered else batch)
    (hidden,) = [e for e in lg.for_team(b.changes, "east") if e.what == "Air defence"]
    assert hidden.cause == lg.HIDDEN_CAUSE and (hidden.before, hidden.after) == (2.0, 5.0)
    (whole,) = [e for e in lg.for_team(b.changes, "east", facilitator=True) if e.what == "Air defence"]
    assert whole.cause == "West chose “Pledge” in “Summit”"
    assert not [e for e in lg.for_team(b.changes, "east") if "Pledge" in e.cause and e.team is None]


def test_the_player_view_carries_the_ledger_by_turn_with_totals_and_survives_json():
    g = Game(drill())
    turn_one(g)
    g.to(3, "deliberation")
    changes = lg.build(g.initial, g.batches).changes
    view = player_view(g.s, "east", changes)
    assert [t.turn for t in view.ledger] == [1, 2, 3]
    old, last, now = view.ledger
    assert old.entries == () and old.omitted > 0 and old.totals  # older turns: their totals only
    assert last.entries and now.entries
    air = next(t for t in old.totals if t.what == "Air defence")
    assert (air.before, air.after, air.delta) == (2, 3.5, 1.5)
    data = json.loads(json.dumps(unstructure(view)))
    assert structure(data, PlayerView) == view
    assert player_view(g.s, "east").ledger == ()  # no ledger given: none shown


def test_a_burst_of_budget_splits_is_capped_in_the_view():
    g = Game(drill())
    g.to(1, "deliberation")
    for k in range(60):
        share = 0.3 + (k % 2) * 0.1
        g.team(cm.Allocate, "east", shares={"sustain": share, "invest": 0.6 - share + 0.2, "resilience": 0.2})
    view = player_view(g.s, "east", lg.build(g.initial, g.batches).changes)
    (t,) = view.ledger
    assert len(t.entries) == 80 and t.omitted > 0
    assert len(json.dumps(unstructure(view.ledger))) < 60_000


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32), turn=st.integers(1, 4))
def test_a_teams_ledger_never_holds_another_teams_private_changes(seed, turn):
    g = play_to(seed, turn, "summary")
    changes = lg.build(g.initial, g.batches).changes
    for team in TEAMS:
        other = OTHER[team]
        mine = lg.for_team(changes, team)
        text = json.dumps(unstructure(player_view(g.s, team, changes).ledger))
        for marker in ("SECRET-OVERRIDE", "SECRET-FAC-NOTE", f"SECRET-ACTION-{other}", "SECRET-RATIONALE",
                       "SECRET-RESERVE-CYBER" if "reserve-cyber" not in g.s.fired else "\0"):
            assert marker not in text, marker
        assert all(e.team in (None, team) for e in mine)
        other_name = g.s.rules.names[other]
        for e in mine:
            assert e.what != "Secret stockpile" or e.team == team
            if e.team is None and other_name in e.cause:
                raise AssertionError(f"{team} is told of {other}'s move: {e.cause}")


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32), turn=st.integers(1, 4),
       moves=st.lists(st.sampled_from(["order", "allocate", "argue", "cancel", "answer"]), min_size=1, max_size=5))
def test_another_teams_private_moves_do_not_change_my_ledger(seed, turn, moves):
    g = play_to(seed, turn, "deliberation")
    if g.s.status != "running":
        return
    before = player_view(g.s, "east", lg.build(g.initial, g.batches).changes).ledger
    for move in moves:
        command = {
            "order": cm.PlaceOrder("west", "west", "sam", 1),
            "allocate": cm.Allocate("west", "west", {"sustain": 0.3, "invest": 0.6, "resilience": 0.1}),
            "argue": cm.Argue("west", "west", "quietly", "it works", "trust us"),
            "cancel": cm.CancelOrder("west", "west", next(reversed(g.s.orders))),
            "answer": cm.Answer("west", "west", "summit", "pledge"),
        }[move]
        try:
            state, events = execute(g.s, command)
        except Rejected:
            continue
        g.state = state
        g.batches.append(events)
    after = player_view(g.s, "east", lg.build(g.initial, g.batches).changes).ledger
    # West's answer may move a world track (its decision's effect): that is West's, not East's
    assert after == before


def test_an_old_save_still_gives_a_ledger(tmp_path):
    from exercise.session import Session

    folder = tmp_path / "format-one"
    shutil.copytree(FIXTURES / "format1-save", folder)
    s = Session.open(folder)
    try:
        team = s.scenario.teams[0].id
        es = lg.for_team(s.ledger(), team)
        assert any(e.kind == "money" and e.before is not None and e.before != e.after for e in es)
        assert all(e.cause for e in es)
        view = player_view(s.state, team, s.ledger())
        assert view.ledger and view.ledger[-1].turn == s.state.turn
        # kept up to date as the exercise goes on, the same as built afresh
        s.execute(cm.Override("money", 3, "resumed", team=team))
        kept = list(s.ledger())
        s._ledger = None
        assert s.ledger() == kept and kept[-1].entry.after == 3
    finally:
        s.close()


def test_the_turn_log_has_the_facilitators_actions_splits_capabilities_and_ledgers(tmp_path):
    from support import DRILL, load_fixture

    from exercise.session import Session

    loaded = load_fixture(DRILL)
    s = Session.create(loaded.scenario, loaded.texts, tmp_path / "drill")
    try:
        s.execute(cm.Start())
        s.execute(cm.Advance())
        s.execute(cm.Advance())
        s.execute(cm.Answer("east", "east", "drones", "shoot"))
        s.execute(cm.Allocate("east", "east", {"sustain": 0.2, "invest": 0.6, "resilience": 0.2}))
        s.execute(cm.SetSpending("east", "east", "PL", 4.5))
        s.execute(cm.PlaceOrder("east", "east", "drone", 2))
        s.execute(cm.Submit("east", "east"))
        s.execute(cm.Argue("west", "west", "Patrol the coast", "calm", "ships"))
        s.execute(cm.HoldInject("late"))
        s.execute(cm.DelayInject("late", 1))
        s.execute(cm.Override("team_track", 1, "the raid | hit hard", track="air", team="west"))
        s.execute(cm.Advance(force=True))
        s.execute(cm.Adjudicate("action-west-1", 70, "plausible with ships"))
        s.execute(cm.Advance())
        log = (s.folder / "turns" / "turn-01.md").read_text()
    finally:
        s.close()
    assert "## Facilitator's actions" in log
    assert "- held the inject “SECRET-LATE-INJECT”" in log and "- delayed the inject “SECRET-LATE-INJECT” by 1 turn(s)" in log
    assert "- overrode Air defence of West: 3 → 1; rationale: the raid \\| hit hard" in log
    assert "- adjudicated West's action “Patrol the coast”: rolled " in log and " against a 70 % chance, " in log
    assert "rationale: plausible with ships" in log
    assert "- closed deliberation without West's submission (forced)" in log
    assert "## Budget splits and defence spending" in log  # the spending word ([words]) where teams play allies
    assert "- East split its budget: Sustain 20%, Invest 60%, Resilience 20%" in log
    assert "- East set Poland's defence spending to 4.5 % of GDP" in log
    assert "## Capabilities at the start and end of the turn" in log
    assert "| East | 2 → 3.5 | 1 (no change) |" in log
    assert "| West | 3 → 1 | 7.25 (no change) |" in log
    assert "## Ledger: what changed for each team, and why" in log and "### East" in log and "### West" in log
    assert "| adjudication | Air defence | 3 | 4 | +1 point | delivery of 2 Drone lot |" in log
    assert "| deliberation | Air defence | 3 | 1 | −2 points | set by the facilitator; rationale: the raid \\| hit hard |" in log
    for ident in ("drones", "order-east", "action-west"):
        assert ident not in log.replace("Drones", ""), ident


def test_a_three_decimals_track_is_told_to_three_places_in_the_ledger_narrate_and_effect_words():
    import attrs
    from test_engine_support import with_injects

    from exercise import model
    from exercise.engine.events import to_dict
    from exercise.engine.explain import effect_text
    from exercise.narrate import Narrator

    base = drill()
    tracks = tuple(attrs.evolve(t, decimals=3) if t.id == "air" else t for t in base.tracks)
    gain = model.Effect(track="air", add=0.125)
    scenario = with_injects(model.Inject("boost", "Boost", turn=1, effects=(gain,)), tracks=tracks)
    g = Game(scenario)
    g.to(1, "deliberation")
    g.do(cm.Override("team_track", 2.375, "by hand", track="air", team="east"))
    es = entries(g, "east")
    (e,) = find(es, "Air defence", "“Boost”")
    assert (e.after, e.places) == (2.125, 3)
    assert lg.describe(e) == "Air defence: 2 → 2.125 points (+0.125 points)"
    (o,) = find(es, "Air defence", "set by the facilitator")
    assert lg.describe(o) == "Air defence: 2.125 → 2.375 points (+0.25 points)"
    [total] = [t for t in lg.totals(es) if t.what == "Air defence"]
    assert lg.describe(total) == "Air defence: 2 → 2.375 points (+0.375 points)"
    narrator = Narrator(scenario)
    lines = [narrator.line(to_dict(x)) for x in g.events if x.kind in ("track_set", "overridden")]
    assert any("-> 2.125" in (x or "") for x in lines) and any("2.125 -> 2.375" in (x or "") for x in lines), lines
    assert effect_text(gain, g.s.rules) == "Air defence +0.125"


# -- causes recognised by their kind, old id-bearing causes reworded -------------------------------
def _threshold_game() -> Game:
    from test_engine_support import with_injects

    from exercise import model

    g = Game(with_injects(model.Inject("slap", "Slap", turn=1, effects=(model.Effect(track="trust", add=-2.5),))))
    g.to(1, "injects")  # trust 5 -> 2.5: "Strained" (below 3) takes 1 from cohesion
    return g


def test_a_thresholds_effects_are_known_by_their_kind_whatever_their_wording():
    import attrs

    from exercise.engine import events as ev

    g = _threshold_game()
    es = entries(g, "east", facilitator=True)
    (c,) = find(es, "European cohesion", "US trust fell below 3: from Strained to Broken")
    renamed = [[attrs.evolve(e, cause="US trust dropped under 3") if getattr(e, "source", "") == "threshold" else e
                for e in batch] for batch in g.batches]
    assert any(e.cause == "US trust dropped under 3" for b in renamed for e in b if isinstance(e, ev.TrackSet))
    again = lg.for_team(lg.build(g.initial, renamed).changes, "east", True)
    assert again == es  # the same ledger: recognised by `source`, not by the words
    (t,) = find(again, "US trust", "“Slap”")


def test_an_old_saves_id_bearing_and_threshold_causes_give_a_ledger_without_ids():
    from exercise.engine import events as ev

    g = Game(drill())
    g.to(1, "deliberation")
    g.team(cm.Argue, "west", action="Patrol the coast", result="calm", reasons="ships")
    s0 = g.s
    [aid] = s0.actions
    # events as engines before the ledger recorded them: causes with ids, no `source`
    old = [ev.TrackSet("trust", None, 2.5, "inject drones"),
           ev.ThresholdCrossed("trust", None, 3.0, "Strained"),
           ev.TrackSet("cohesion", None, 4.0, "US trust fell below 3"),
           ev.TrackSet("air", "east", 3.0, "East (Poland and the Baltics) chose 'shoot' in drones"),
           ev.TrackSet("air", "west", 4.0, f"action {aid}"),
           ev.TrackSet("air", "west", 3.5, "decay: Sustain at 20%, under 30%"),
           ev.BudgetSet("east", 2.0, {"sustain": 0.8, "invest": 1.0, "resilience": 0.2}, 1.0, "allocation")]
    b = lg.LedgerBuilder()
    b.feed(s0, old)
    causes = [c.entry.cause for c in b.changes]
    assert causes[:4] == ["the inject “Drones over the border”", "US trust fell below 3: from Strained to Broken",
                          "East chose “Shoot them down” in “Drones over the border”",
                          "West's action “Patrol the coast”"], causes
    assert causes[4] == "decay: Sustain at 20%, under 30%" and causes[5] == "budget split anew"
    ids = {"drones", "shoot", aid, "allocation"}
    assert not [c for c in causes if any(i in c for i in ids)]


def test_the_format_one_save_gives_ledger_lines_and_log_lines_without_ids(tmp_path):
    import re

    from exercise.narrate import Narrator
    from exercise.session import Session

    folder = tmp_path / "format-one"
    shutil.copytree(FIXTURES / "format1-save", folder)
    s = Session.open(folder)
    try:
        sc = s.scenario
        ids = {i.id for i in sc.all_injects()} | {o.id for i in sc.all_injects() for o in i.options}
        ids |= {t.id for t in sc.teams}
        pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(ids, key=len, reverse=True))) + r")\b")
        raw = [line for line in (FIXTURES / "format1-save" / "journal.jsonl").read_text().splitlines()]
        assert any('"inject drones"' in line for line in raw)  # the old save does carry an id-bearing cause
        lines = [lg.describe(e) + " | " + e.cause for t in sc.teams for e in lg.for_team(s.ledger(), t.id, True)]
        assert lines and not [x for x in lines if pattern.search(x)], lines
        narrator = Narrator(sc)
        told = [narrator.line(e) or "" for r in s.records for e in r.events]
        assert any("“Drones over the border”" in x for x in told)
        assert not [x for x in told if "inject drones" in x]
    finally:
        s.close()


def test_a_world_track_moved_between_a_teams_own_entries_says_what_came_from_outside():
    # the second play-test: East's net read "European cohesion 5.5 → 6 (+0.5)" while its own
    # rows added up to +0.2 (other teams' answers moved it in between)
    from exercise.engine import view_types as vt
    from exercise.engine.ledger import describe, totals

    def entry(before, after):
        return vt.LedgerEntry(1, "deliberation", None, "world", "European cohesion", before, after,
                              round(after - before, 9), "points", "an answer")

    (t,) = totals([entry(5.5, 5.6), entry(5.9, 6.0)])
    assert (t.before, t.after, t.delta, t.outside) == (5.5, 6.0, 0.5, 0.3)
    assert describe(t) == ("European cohesion: 5.5 → 6 points (+0.5 points: +0.2 points from the changes above, "
                           "+0.3 points from outside your team)")
    (t,) = totals([entry(5.5, 5.6), entry(5.6, 6.0)])
    assert t.outside == 0 and describe(t) == "European cohesion: 5.5 → 6 points (+0.5 points)"
