"""The ledger's money adds up: every change of a team's money is an entry, in order.

For the default scenario played by bots (leads taken, splits, orders, budget effects,
spending changes), per team and quantity: each entry starts where the one before ended,
its change is after - before exactly in decimal, the turn's changes sum from its start
to its end, and the last entry ends on the state's value. No entry says "±0" except the
turn's budget line, which is told every turn with its terms.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from support import DEFAULT, load_fixture
from test_engine_support import Game

from exercise.bots.policies import cautious, random_policy, spender
from exercise.dryrun.simulate import bot_turn
from exercise.engine import commands as cm
from exercise.engine import ledger as lg
from exercise.engine.rolls import Dice
from exercise.engine.rules import Rejected


def d(x) -> Decimal:
    return Decimal(repr(float(x)))


def played(seed: int, turns: int) -> Game:
    g = Game(load_fixture(DEFAULT).scenario, seed=seed)
    dice = Dice(seed)
    bots = (spender, random_policy, cautious, spender)

    def run(state, command):
        g.do(command)
        return g.state

    while g.s.status == "running" and g.s.turn <= turns:
        if g.s.phase == "deliberation":
            for k, team in enumerate(g.s.rules.team_ids):
                bot_turn(g.s, team, bots[k % len(bots)], dice, run=run)
            if g.s.turn == 2:  # a lead handed back: the money comes back to the categories
                for cid, ally in list(g.s.leads.items()):
                    team = g.s.rules.ally_team.get(ally)
                    if team is not None:
                        if team in g.s.submitted:
                            g.do(cm.Reopen(team))
                        try:
                            g.team(cm.HandBack, team, command=cid)
                        except Rejected:
                            pass
                        break
        g.advance(force=True)
    return g


def money_value(s, team: str, what: str):
    rules = s.rules
    if what == "Budget":
        return s.budget[team][0]
    if what == "Money for orders":
        return s.cash[team]
    for cid in rules.cat_ids:
        if what == f"{rules.cat[cid].name} money":
            return s.budget[team][1][cid]
    for a in rules.team_allies[team]:
        if what == f"{rules.allies[a].name}'s defence spending":
            return s.spending[a]
    raise AssertionError(f"unknown money quantity {what!r}")


@pytest.mark.parametrize("seed", [1, 2027])
def test_every_money_change_is_an_entry_and_they_add_up_exactly(seed):
    g = played(seed, 5)
    changes = lg.build(g.initial, g.batches).changes
    assert any(e.entry.what == "Budget" and "running cost" in e.entry.cause for e in changes), "no lead was taken"
    for team in g.s.rules.team_ids:
        es = lg.for_team(changes, team, facilitator=True)
        last: dict[str, object] = {}
        for e in es:
            if e.kind != "money":
                continue
            where = f"{team} turn {e.turn} {e.phase}: {lg.describe(e)} | {e.cause}"
            if e.what in last:
                assert e.before == last[e.what], f"starts at {e.before}, the last entry ended at {last[e.what]}: {where}"
            assert d(e.after) - (d(e.before) if e.before is not None else 0) == d(e.delta), where
            if e.delta == 0:
                assert e.what == "Budget" and e.phase == "briefing" and e.cause.startswith(f"turn {e.turn}'s budget"), \
                    f"a ±0 entry: {where}"
            last[e.what] = e.after
        for what, after in last.items():
            assert after == money_value(g.s, team, what), f"{team}: {what} ends at {after} in the ledger"
        # each turn: the changes sum from the turn's start to its end
        for turn in {e.turn for e in es}:
            mine = [e for e in es if e.turn == turn and e.kind == "money"]
            for what in {e.what for e in mine}:
                chain = [e for e in mine if e.what == what]
                start = d(chain[0].before) if chain[0].before is not None else Decimal(0)
                assert start + sum((d(e.delta) for e in chain), Decimal(0)) == d(chain[-1].after), (team, turn, what)


@pytest.mark.parametrize("seed", [1, 2027])
def test_no_entry_says_no_change(seed):
    g = played(seed, 4)
    for c in lg.build(g.initial, g.batches).changes:
        e = c.entry
        if e.delta == 0:
            assert e.kind == "money" and e.what == "Budget" and e.phase == "briefing", lg.describe(e) + " | " + e.cause


def test_a_quantity_that_comes_back_nets_no_line():
    g = played(2027, 4)
    es = lg.for_team(lg.build(g.initial, g.batches).changes, g.s.rules.team_ids[0], facilitator=True)
    for t in lg.by_turn(es):
        for x in t.totals:
            assert x.delta != 0 or x.before is None, f"turn {t.turn}: {lg.describe(x)}"


@pytest.mark.parametrize("seed", [1, 2027])
def test_the_turns_budget_line_adds_up_to_the_budget(seed):
    """East turn 2 of the play-test listed +0.4 and -0.15 (effects on one category) in a
    budget that stayed 1.56: the terms of the total now add up to it."""
    import re

    g = played(seed, 4)
    for c in lg.build(g.initial, g.batches).changes:
        e = c.entry
        if e.what != "Budget" or e.phase != "briefing" or not e.cause.startswith(f"turn {e.turn}'s budget"):
            continue
        terms = e.cause.split(": ", 1)[1].split(" = ")[0].split("; not in the total")[0]
        amounts = [Decimal(m.group(1).replace("−", "-")) for m in re.finditer(r"(?:^|; )([+−]?[\d.]+) USD bn", terms)]
        assert amounts and sum(amounts) == d(e.after) or e.after == 0, e.cause
