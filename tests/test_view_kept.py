"""Views are built part by part: what a command did not touch is kept from the last view
(exercise/engine/view.py: `_kept`, the inject, inbox and injects memos in the rules' memo)
and its JSON is found again by identity (exercise/engine/view_json.py). After any sequence
of commands, every seat's view, and its JSON byte for byte, is the one built from nothing."""

from __future__ import annotations

import json
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import DEFAULT, load_fixture

from exercise.bots import POLICIES, REDS
from exercise.engine import Rejected, execute, initial_state, seats
from exercise.engine import commands as cm
from exercise.engine.rolls import Dice
from exercise.engine.seats import Seat
from exercise.engine.view_json import unstructure


def _seats(state) -> list[Seat]:
    r = state.rules
    out = [seats.facilitator_seat(), Seat("carla", "controller", "Carla", scope=(r.team_ids[0],)),
           Seat("all", "controller", "All"), Seat("eve", "evaluator", "Eve"), Seat("wall", "wall", "Wall")]
    out += [seats.team_seat(state, t) for t in r.team_ids]
    if r.adversary is not None:
        out.append(seats.red_seat(state))
    return out


def _command(state, rng: random.Random, dice: Dice) -> list:
    r = state.rules
    if state.status == "ready":
        return [cm.Start()]
    team = rng.choice(r.team_ids)
    injects = [i.id for i in r.scenario.all_injects()]
    roll = rng.random()
    if roll < 0.3:  # a team's bot plays its turn (answers, orders, splits, leads, submits)
        policy = POLICIES[rng.choice(["cautious", "spender", "random", "coordinated"])]
        return list(policy(state, team, dice))
    if roll < 0.42:
        return [cm.Advance(force=True)]
    if roll < 0.5:
        options = ({"id": "yes", "label": "Yes"}, {"id": "no", "label": "No", "default": True}) if rng.random() < 0.5 else ()
        return [cm.FireAdHoc(f"Flash {rng.randint(0, 999)}", "News.", to=(rng.choice([team, "all"]),), options=options)]
    if roll < 0.6:
        kind = rng.choice([cm.FireInject, cm.HoldInject, cm.ReleaseInject, cm.SkipInject, cm.UnskipInject, cm.DelayInject])
        return [kind(rng.choice(injects))]
    if roll < 0.68:
        pending = state.pending_decisions(team)
        if pending:
            iid = rng.choice(pending)
            inj = state.inject(iid)
            return [cm.Answer(team, team, iid, rng.choice(inj.options).id)]
        return []
    if roll < 0.73:
        return [cm.AddNote(f"note {rng.randint(0, 99)}", team=rng.choice([None, team]))]
    if roll < 0.77:
        return [cm.Override("money", rng.randint(0, 50), "by hand", team=team)]
    if roll < 0.82:
        return [cm.Argue(team, team, "Close the crossings", "Fewer drones", "Pressure", open=rng.random() < 0.5)]
    if roll < 0.86:
        open_ = [a.id for a in state.actions.values() if a.likelihood is None]
        return [cm.Adjudicate(rng.choice(open_), rng.randint(0, 100), "ruled")] if open_ else []
    if roll < 0.9:
        return [cm.Pause() if not state.paused else cm.Resume()]
    if roll < 0.94 and r.adversary is not None:
        return list(REDS["bot"](state, dice))
    if roll < 0.97:
        return [cm.Reopen(team)]
    return [cm.Submit(team, team)]


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1), st.integers(10, 50))
def test_kept_views_are_the_views_built_from_nothing(seed, steps):
    state = initial_state(load_fixture(DEFAULT).scenario, seed)
    r = state.rules
    rng, dice = random.Random(seed), Dice(seed)
    room = _seats(state)
    for _ in range(steps):
        for command in _command(state, rng, dice):
            try:
                state, _events = execute(state, command)
            except Rejected:
                continue
        for seat in room:
            try:
                kept = seats.view_for(seat, state)
            except KeyError:  # no adversary
                continue
            memo, r.memo = r.memo, {}
            try:
                fresh = seats.view_for(seat, state)
            finally:
                r.memo = memo
            assert kept == fresh, seat
            assert json.dumps(unstructure(kept)) == json.dumps(unstructure(fresh)), seat
