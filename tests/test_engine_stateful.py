"""Random sequences of legal and illegal commands keep the engine's invariants.

- money is never negative, tracks stay within their bounds, production lines are never
  booked over capacity, a team submits at most once per turn;
- a rejected command changes nothing;
- the state is always the fold of the events (replayed one by one, or all at once).
"""

from __future__ import annotations

from collections import Counter

import attrs
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from test_engine_support import drill

from exercise import model
from exercise.engine import Rejected, apply, execute, initial_state, replay
from exercise.engine import commands as cm
from exercise.engine import events as ev
from exercise.engine.scenario_rules import rules_for

SCENARIO = drill()
R = rules_for(SCENARIO)
TEAMS = list(R.team_ids)
ACTORS = TEAMS + ["facilitator", "nobody"]
ITEMS = list(R.items) + ["tank"]
INJECTS = list(R.injects) + ["nope", "adhoc-1"]
TRACKS = list(R.tracks) + ["mood"]
COMMANDS = list(R.commands) + ["nowhere"]
ALLIES = list(R.allies)

money = st.floats(-1, 12, allow_nan=False)
share = st.sampled_from([0.0, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8])


def _fields(state):
    return {k: dict(v) if isinstance(v, dict) else v for k, v in attrs.asdict(state, recurse=False).items()}


class Exercise(RuleBasedStateMachine):
    @initialize(seed=st.integers(0, 2**32), start=st.integers(0, 9), rich=st.booleans())
    def setup(self, seed, start, rich):
        self.initial = initial_state(SCENARIO, seed)
        self.state = self.initial
        self.events: list = []
        self.accepted = 0
        if start:  # mostly started, sometimes not (everything but Start must then be refused)
            self.run(cm.Start())
            if rich:
                for team in TEAMS:
                    self.run(cm.Override("money", 6, "a rich game", team=team))
            self.to_deliberation()

    def run(self, command):
        before = self.state
        snapshot = _fields(before)
        try:
            after, events = execute(before, command)
        except Rejected as r:
            assert r.reason and isinstance(r.reason, str)
            assert _fields(before) == snapshot  # nothing changed
            return
        assert _fields(before) == snapshot  # the input is never changed either
        step = before
        for e in events:
            step = apply(step, e)
        assert step == after
        self.state = after
        self.events.extend(events)
        self.accepted += 1

    # -- the facilitator -------------------------------------------------------------------
    @rule(force=st.booleans())
    def advance(self, force):
        self.run(cm.Advance(force=force))

    @rule()
    def to_deliberation(self):
        for _ in range(5):
            if self.state.phase == "deliberation" or self.state.status != "running" or self.state.paused:
                return
            self.run(cm.Advance(force=True))

    @rule()
    def start(self):
        self.run(cm.Start())

    @rule(inject=st.sampled_from(INJECTS), action=st.sampled_from(["fire", "hold", "release", "skip", "delay"]),
          turns=st.integers(-1, 3))
    def control_inject(self, inject, action, turns):
        cls = {"fire": cm.FireInject, "hold": cm.HoldInject, "release": cm.ReleaseInject,
               "skip": cm.SkipInject}.get(action)
        self.run(cls(inject) if cls else cm.DelayInject(inject, turns))

    @rule(what=st.sampled_from(["track", "team_track", "money", "spending", "bogus"]),
          track=st.sampled_from(TRACKS), team=st.sampled_from(TEAMS + [None]), ally=st.sampled_from(ALLIES),
          value=money, rationale=st.sampled_from(["", "because"]))
    def override(self, what, track, team, ally, value, rationale):
        self.run(cm.Override(what, value, rationale, track=track, team=team, ally=ally))

    @rule(track=st.sampled_from(TRACKS), add=st.floats(-5, 5, allow_nan=False),
          to=st.sampled_from([("all",), ("east",), ("facilitator",), ("east", "all")]),
          budget=st.sampled_from(["invest", "total", "sustain"]), options=st.booleans())
    def adhoc(self, track, add, to, budget, options):
        opts = ({"id": "a", "label": "A", "effects": [{"budget": budget, "team": "self", "add": add}]},
                {"id": "b", "label": "B", "default": True}) if options else ()
        self.run(cm.FireAdHoc("Flash", "text", to, effects=({"track": track, "add": add},), options=opts))

    @rule(likelihood=st.sampled_from([10, 50, 90, 40]), add=st.floats(-5, 5, allow_nan=False),
          which=st.integers(1, 3))
    def adjudicate(self, likelihood, add, which):
        self.run(cm.Adjudicate(f"action-{which}", likelihood, "odds",
                               effects=({"track": "air", "team": "self", "add": add},),
                               failure_effects=({"budget": "total", "team": "self", "add": -add},)))

    @rule(which=st.sampled_from(["pause", "resume", "note", "end"]))
    def white_cell(self, which):
        if which == "end" and self.accepted % 7:
            return  # ending early is rare, or little else would be explored
        self.run({"pause": cm.Pause(), "resume": cm.Resume(), "note": cm.AddNote("obs", rating="S", objective="air"),
                  "end": cm.End("early")}[which])

    # -- teams -------------------------------------------------------------------------------
    @rule(actor=st.sampled_from(ACTORS), team=st.sampled_from(TEAMS), item=st.sampled_from(ITEMS),
          quantity=st.integers(0, 5))
    def order(self, actor, team, item, quantity):
        self.run(cm.PlaceOrder(actor, team, item, quantity))

    @rule(team=st.sampled_from(TEAMS), item=st.sampled_from(["drone", "sam"]), quantity=st.integers(1, 2))
    def buy(self, team, item, quantity):
        self.run(cm.PlaceOrder(team, team, item, quantity))

    @precondition(lambda self: self.state.orders)
    @rule(team=st.sampled_from(TEAMS), data=st.data())
    def cancel(self, team, data):
        order = data.draw(st.sampled_from(sorted(self.state.orders) + ["order-99"]))
        self.run(cm.CancelOrder(team, team, order))

    @rule(team=st.sampled_from(TEAMS), s=share, i=share, off=st.sampled_from([0, 0, 0, 0.05]))
    def allocate(self, team, s, i, off):
        r = round(1 - s - i + off, 6)
        self.run(cm.Allocate(team, team, {"sustain": s, "invest": i, "resilience": r}))

    @rule(team=st.sampled_from(TEAMS), ally=st.sampled_from(ALLIES), delta=st.integers(-6, 6))
    def spending(self, team, ally, delta):
        self.run(cm.SetSpending(team, team, ally, round(self.state.spending[ally] + delta / 10, 6)))

    @rule(team=st.sampled_from(TEAMS), command=st.sampled_from(COMMANDS), ally=st.sampled_from(ALLIES),
          hand_back=st.booleans())
    def lead(self, team, command, ally, hand_back):
        self.run(cm.HandBack(team, team, command) if hand_back else cm.TakeLead(team, team, command, ally))

    @rule(team=st.sampled_from(TEAMS), command=st.sampled_from(COMMANDS), cap=st.sampled_from(TRACKS),
          amount=st.floats(-1, 5, allow_nan=False))
    def assign(self, team, command, cap, amount):
        self.run(cm.Assign(team, team, command, cap, amount))

    @rule(actor=st.sampled_from(ACTORS), team=st.sampled_from(TEAMS), inject=st.sampled_from(INJECTS),
          option=st.sampled_from(["shoot", "watch", "pledge", "abstain", "a", "b", "x"]))
    def answer(self, actor, team, inject, option):
        self.run(cm.Answer(actor, team, inject, option))

    @rule(team=st.sampled_from(TEAMS))
    def argue(self, team):
        self.run(cm.Argue(team, team, "move", "result", "reasons"))

    @rule(actor=st.sampled_from(ACTORS), team=st.sampled_from(TEAMS))
    def submit(self, actor, team):
        self.run(cm.Submit(actor, team))

    @rule(actor=st.sampled_from(ACTORS), team=st.sampled_from(TEAMS))
    def reopen(self, actor, team):
        self.run(cm.Reopen(team, actor=actor))

    # -- invariants ----------------------------------------------------------------------------
    @invariant()
    def money_is_never_negative(self):
        s = self.state
        assert all(v >= 0 for v in s.cash.values()), s.cash
        for total, amounts in s.budget.values():
            assert total >= 0 and all(v >= 0 for v in amounts.values())

    @invariant()
    def tracks_stay_in_bounds(self):
        s = self.state
        for tid, v in s.tracks.items():
            assert R.tracks[tid].min <= v <= R.tracks[tid].max
        for (_, tid), v in s.team_tracks.items():
            assert R.tracks[tid].min <= v <= R.tracks[tid].max

    @invariant()
    def lines_are_not_overbooked(self):
        for (line, _), used in self.state.line_use.items():
            cap = next(i.capacity for i in SCENARIO.items if (i.line or i.id) == line)
            assert 0 < used <= cap

    @invariant()
    def one_submission_per_team_and_turn(self):
        # once per turn, unless the facilitator reopened it (by hand, or by firing a decision
        # at a team that had submitted): then once more
        counts = Counter((e.team, e.turn) for e in self.events if isinstance(e, ev.Submitted))
        reopened = Counter((e.team, e.turn) for e in self.events
                           if isinstance(e, (ev.Reopened, ev.DecisionReopened)))
        assert all(reopened[k] <= n <= reopened[k] + 1 for k, n in counts.items())
        assert all(counts[k] >= n for k, n in reopened.items())

    @invariant()
    def phase_is_known(self):
        assert self.state.phase in ("",) + model.PHASES

    def teardown(self):
        if hasattr(self, "initial"):
            assert replay(self.initial, self.events) == self.state


Exercise.TestCase.settings = settings(
    max_examples=100, stateful_step_count=60, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestExercise = Exercise.TestCase
