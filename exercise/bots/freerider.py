"""The free rider: a team that does the minimum and lets the others carry the alliance.

It takes every decision's default, votes yes to every lead request it is asked about, keeps
each budget category at the floor that stops its tracks decaying (the planner's cheapest
legal split: the rest sits in procurement, unspent), and orders, leads and assigns nothing.
Instalments already due are paid by the engine, not by it. The balance report plays it for
one team at a time to ask whether every team matters.
"""

from __future__ import annotations

from exercise.bots.planner import split_floors
from exercise.bots.policies import _answers, lead_votes
from exercise.engine import commands as cm
from exercise.engine.rolls import Dice
from exercise.engine.state import State


def freerider(state: State, team: str, dice: Dice) -> list:
    rules = state.rules
    out = _answers(state, team, state.default_option) + lead_votes(state, team, lambda q: True)
    if out:
        return out
    shares = split_floors(state, rules, team)
    if shares and tuple(shares[c] for c in rules.cat_ids) != state.allocation[team]:
        out.append(cm.Allocate(team, team, shares))
    out.append(cm.Submit(team, team))
    return out
