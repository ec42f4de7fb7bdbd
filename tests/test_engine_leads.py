"""Command leads as negotiations: who may lead, requests approved or refused with a reason,
manning over turns, and forces assigned read by conditions and inject odds."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import DEFAULT
from test_engine_support import Game, drill, load, of

from exercise import model
from exercise.bots.policies import facilitator_leads
from exercise.dryrun.simulate import play
from exercise.engine import commands as cm
from exercise.engine import events as ev
from exercise.engine.state import initial_state
from exercise.engine.world import StateWorld


def _with(**north) -> model.Scenario:
    """The drill scenario without injects, JFC North changed as given."""
    s = drill(injects=(), included=())
    coms = tuple(attrs.evolve(c, **north) if c.id == "north" else c for c in s.commands)
    return attrs.evolve(s, commands=coms)


def _deliberating(scenario) -> Game:
    g = Game(scenario)
    g.to(1, "deliberation")
    return g


# -- who may lead ---------------------------------------------------------------------------
def test_defaults_keep_the_old_rule_a_lead_is_taken_at_once_and_fully_manned():
    g = _deliberating(_with())
    events = g.team(cm.TakeLead, "east", command="north", ally="PL")
    assert g.kinds(events) == ["lead_taken", "track_set", "budget_set"]
    assert g.s.manned("north") == 1.0


def test_eligible_allies_size_and_area_are_refused_in_words():
    g = _deliberating(_with(eligible=("DE",)))
    g.reject(cm.TakeLead("east", "east", "north", "PL"),
             "Poland may not lead JFC North: the scenario lets only Germany lead it")
    g = _deliberating(_with(min_gdp=500))
    g.reject(cm.TakeLead("east", "east", "north", "PL"),
             "Poland is too small to lead JFC North: a GDP of 400 USD bn, the command needs at least 500")
    g = _deliberating(_with(min_defence=20))  # Poland: 400 x 4 % = 16 a year
    g.reject(cm.TakeLead("east", "east", "north", "PL"), "Poland's defence spending is too low to lead JFC North: 16 USD bn")
    s = drill(injects=(), included=())
    s = attrs.evolve(s, commands=tuple(attrs.evolve(c, members_only=True) for c in s.commands))
    g = Game(s)
    g.to(1, "deliberation")
    g.team(cm.HandBack, "west", command="south")
    g.to(2, "deliberation")
    g.reject(cm.TakeLead("east", "east", "south", "PL"),
             "Poland may not lead JFC South: only an ally in its area may, and Poland belongs to JFC North")


def test_the_default_scenario_keeps_estonia_from_norfolk_and_luxembourg_from_naples():
    s = load(DEFAULT)
    g = Game(s)
    g.to(1, "deliberation")
    why = g.reject(cm.TakeLead("brunssum-east", "brunssum-east", "jfc-norfolk", "EE"))
    assert "Estonia may not lead Joint Force Command Norfolk" in why
    why = g.reject(cm.TakeLead("brunssum-west", "brunssum-west", "jfc-naples", "LU"))
    assert "Luxembourg may not lead Joint Force Command Naples" in why
    # the UK may ask; SACEUR (the facilitator) decides
    events = g.team(cm.TakeLead, "norfolk", command="jfc-norfolk", ally="UK")
    assert g.kinds(events) == ["lead_requested"]


# -- requests and decisions ------------------------------------------------------------------
def test_a_request_waits_for_the_facilitator_who_approves_or_refuses_with_a_reason():
    g = _deliberating(_with(approval="facilitator"))
    events = g.team(cm.TakeLead, "east", command="north", ally="PL")
    assert g.kinds(events) == ["lead_requested"]
    assert g.s.leads["north"] == "US"  # nothing taken, nothing paid yet
    (q,) = g.s.pending_leads("east")
    g.reject(cm.TakeLead("east", "east", "north", "PL"), "has asked to lead JFC North already")
    g.reject(cm.DecideLead(q.id, False), "a refusal needs a reason")
    g.reject(cm.DecideLead(q.id, True, actor="west", team="west"), "West does not decide")
    g.do(cm.DecideLead(q.id, False, "SACEUR wants a larger framework nation"))
    q = g.s.lead_requests[q.id]
    assert (q.status, q.by, q.reason) == ("refused", "facilitator", "SACEUR wants a larger framework nation")
    g.reject(cm.DecideLead(q.id, True), "was refused already")
    # asked again, and approved: the lead is taken as before, with its effects and cost
    g.team(cm.TakeLead, "east", command="north", ally="PL")
    (q2,) = g.s.pending_leads("east")
    assert q2.id != q.id
    events = g.do(cm.DecideLead(q2.id, True, "NAC agrees"))
    assert g.kinds(events) == ["lead_decided", "lead_taken", "track_set", "budget_set"]
    assert g.s.leads["north"] == "PL" and g.s.lead_requests[q2.id].status == "approved"
    assert g.replayed() == g.s


def test_approval_rechecks_the_rules_so_a_rival_bid_lapses():
    g = _deliberating(_with(approval="facilitator"))
    g.team(cm.HandBack, "west", command="south")
    g.to(2, "deliberation")
    s = drill(injects=(), included=())
    g.team(cm.TakeLead, "east", command="north", ally="PL")
    g.team(cm.TakeLead, "west", command="north", ally="DE")
    east, west = g.s.pending_leads()
    events = g.do(cm.DecideLead(west.id, True))
    decided = of(events, ev.LeadDecided)
    assert [(d.request, d.approved) for d in decided] == [(west.id, True), (east.id, False)]
    assert "JFC North went to Germany (West)" in g.s.lead_requests[east.id].reason
    assert s  # the drill is unchanged by the game


def test_member_teams_decide_where_the_scenario_says_so():
    g = _deliberating(_with(approval="members"))
    g.team(cm.TakeLead, "east", command="north", ally="PL")
    (q,) = g.s.pending_leads()
    g.reject(cm.DecideLead(q.id, True, actor="east", team="east"), "East does not decide")
    g.do(cm.DecideLead(q.id, False, "Berlin will not serve under Warsaw", actor="west", team="west"))
    q = g.s.lead_requests[q.id]
    assert (q.status, q.by, q.reason) == ("refused", "west", "Berlin will not serve under Warsaw")
    assert q.votes == (("west", False, "Berlin will not serve under Warsaw"),)
    g.to(2, "deliberation")
    g.team(cm.TakeLead, "east", command="north", ally="PL")
    (q,) = g.s.pending_leads()
    events = g.do(cm.DecideLead(q.id, True, actor="west", team="west"))
    assert g.kinds(events)[:3] == ["lead_voted", "lead_decided", "lead_taken"]
    assert g.s.lead_requests[q.id].by == "members" and g.s.leads["north"] == "PL"
    assert g.replayed() == g.s


# -- manning ----------------------------------------------------------------------------------
def test_manning_builds_over_turns_and_conditions_read_it():
    g = _deliberating(_with(manning_turns=3))
    w = StateWorld(g.s)
    assert w.call("manned", ("north",)) == 0.0  # US-led: no European staff in post
    assert w.call("manned", ("south",)) == 1.0  # led by Germany from the start: full
    g.team(cm.TakeLead, "east", command="north", ally="PL")
    seen = [StateWorld(g.s).call("manned", ("north",))]
    for turn in (2, 3, 4):
        g.to(turn, "briefing")
        seen.append(StateWorld(g.s).call("manned", ("north",)))
    assert seen == [pytest.approx(1 / 3), pytest.approx(2 / 3), 1.0, 1.0]


def test_a_lead_taken_in_the_last_turn_is_not_a_full_lead_for_the_verdict():
    s = _with(manning_turns=3)
    s = attrs.evolve(s, outcomes=(model.Outcome("win", "Win", 'manned("north") >= 1'), model.Outcome("lose", "Lose")))
    g = Game(s)
    g.to(4, "deliberation")
    g.team(cm.TakeLead, "east", command="north", ally="PL")
    g.to(4, "summary")
    g.advance()
    assert g.s.verdict.outcome == "lose"
    assert "Share of JFC North's lead staff in post: 0.33" in g.s.verdict.reason


# -- forces assigned --------------------------------------------------------------------------
def test_forces_assigned_are_read_by_conditions():
    g = _deliberating(_with())
    assert StateWorld(g.s).call("forces", ("north", "air")) == 1.0
    g.team(cm.Assign, "west", command="north", capability="air", amount=2.5)
    assert StateWorld(g.s).call("forces", ("north", "air")) == 3.5
    g.team(cm.Assign, "east", command="north", capability="air", amount=0)
    assert StateWorld(g.s).call("forces", ("north", "air")) == 2.5


def test_forces_move_an_injects_odds_and_the_roll_records_the_chance_used():
    odds = (model.Odds('forces("north", "air") >= 3', -0.5, "air defence deters"),)
    inj = model.Inject("raid", "Raid", window=(2, 4), chance=0.6, odds=odds)
    s = _with()
    s = attrs.evolve(s, injects=(inj,))
    g = Game(s)
    g.to(2, "injects")
    assert [r.chance for r in of(g.events, ev.InjectRolled)][-1] == 0.6 or "raid" in g.s.fired
    g = Game(s)
    g.to(1, "deliberation")
    g.team(cm.Assign, "west", command="north", capability="air", amount=3)
    g.to(2, "injects")
    rolled = of(g.events, ev.InjectRolled)
    assert rolled and rolled[-1].chance == pytest.approx(0.1)
    assert g.replayed() == g.s


# -- dry runs ----------------------------------------------------------------------------------
def test_the_dry_run_facilitator_approves_what_the_rules_allow_and_refuses_the_rest():
    g = _deliberating(_with(approval="facilitator"))
    g.team(cm.TakeLead, "east", command="north", ally="PL")
    (d,) = facilitator_leads(g.s)
    assert d.approve and d.actor == cm.FACILITATOR
    g.do(cm.Override("money", 0.0, "test", team="east"))
    g.team(cm.HandBack, "west", command="south")  # west has staff and money for south
    assert facilitator_leads(g.s)[0].approve


def test_dry_runs_on_the_default_scenario_request_and_decide_leads():
    s = load(DEFAULT)
    kinds: list = []
    for seed in range(6):
        play(s, seed, "spender", record=lambda c, events: kinds.extend(events))
    requested = [e for e in kinds if isinstance(e, ev.LeadRequested)]
    decided = [e for e in kinds if isinstance(e, ev.LeadDecided)]
    assert requested and decided
    assert {e.ally for e in requested} <= {"PL", "DE", "NL", "BE", "UK", "NO", "SE", "CA", "FR", "IT", "ES"}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["east", "west"]), st.sampled_from(["north", "south"]),
                          st.booleans(), st.booleans()), max_size=12))
def test_any_requests_and_decisions_keep_one_lead_per_command_and_replay(steps):
    s = _with(approval="facilitator")
    s = attrs.evolve(s, commands=tuple(attrs.evolve(c, approval="facilitator", manning_turns=2) for c in s.commands))
    g = _deliberating(s)
    for team, com, approve, hand_back in steps:
        if g.s.phase != "deliberation":
            g.to(g.s.turn + 1, "deliberation") if g.s.turn < 4 else None
            if g.s.phase != "deliberation":
                break
        ally = "PL" if team == "east" else "DE"
        try:
            g.team(cm.HandBack if hand_back else cm.TakeLead, team, command=com,
                   **({} if hand_back else {"ally": ally}))
        except Exception as e:  # refusals are fine, crashes are not
            assert type(e).__name__ == "Rejected", e
        for q in g.s.pending_leads():
            try:
                g.do(cm.DecideLead(q.id, approve, "" if approve else "no"))
            except Exception as e:
                assert type(e).__name__ == "Rejected", e
        if dict(g.s.leads) and g.s.turn % 2 == 0:
            g.to(g.s.turn, "adjudication") if g.s.phase == "deliberation" else None
        for c in ("north", "south"):
            assert 0.0 <= g.s.manned(c) <= 1.0
            approved_now = [q for q in g.s.lead_requests.values() if q.command == c and q.status == "approved"
                            and q.decided == g.s.turn]
            assert len(approved_now) <= 1
    assert g.replayed() == g.s
    assert initial_state(s).lead_requests == {}


def test_the_log_says_who_asked_who_answered_and_why():
    from exercise.engine.events import to_dict
    from exercise.narrate import Narrator

    g = _deliberating(_with(approval="facilitator"))
    g.team(cm.TakeLead, "east", command="north", ally="PL")
    (q,) = g.s.pending_leads()
    g.do(cm.DecideLead(q.id, False, "SACEUR wants a larger framework nation"))
    n = Narrator(g.scenario)
    lines = [n.line(to_dict(e)) for e in g.events if e.kind.startswith("lead_")]
    assert lines == ["East asked that Poland lead JFC North",
                     "East's request that Poland lead JFC North refused by the facilitator: "
                     "SACEUR wants a larger framework nation"]
