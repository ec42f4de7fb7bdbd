"""Money that binds: payment profiles (instalments), the annual budget cycle, production
capacity bought or ramping, and max_quantity over the exercise."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import DEFAULT
from test_engine_support import Game, drill, load, of, with_injects

from exercise import model
from exercise.bots import POLICIES
from exercise.dryrun.simulate import bot_turn
from exercise.engine import commands as cm
from exercise.engine import events as ev
from exercise.engine import ledger
from exercise.engine.budget import payment_schedule
from exercise.engine.rolls import Dice
from exercise.engine.view import player_view


def items(**by_item) -> tuple[model.Item, ...]:
    """The drill's catalogue with some items changed: items(jet={"paid_on_order": 0.25})."""
    return tuple(attrs.evolve(i, **by_item[i.id]) if i.id in by_item else i for i in drill().items)


def game(money: float = 10.0, **changes) -> Game:
    g = Game(with_injects(**changes))
    for team in ("east", "west"):
        g.do(cm.Override("money", money, "test", team=team))
    g.to(1, "deliberation")
    return g


# -- payment profiles ---------------------------------------------------------------------
@settings(max_examples=200, deadline=None)
@given(st.integers(1, 10**6), st.floats(0, 1), st.integers(1, 8), st.integers(0, 20), st.integers(0, 4))
def test_a_payment_schedule_adds_up_to_the_cost_to_the_cent(cents, share, turn, lead, places):
    cost = round(cents / 100, places)
    now, schedule = payment_schedule(cost, share, turn, turn + lead, places)
    assert round(now + sum(a for _, a in schedule), places) == cost
    assert all(a > 0 for _, a in schedule) and now >= 0
    turns = [t for t, _ in schedule]
    assert turns == sorted(set(turns)) and all(turn < t <= turn + lead for t in turns)
    if share >= 1 or lead == 0:
        assert (now, schedule) == (cost, ())


def test_an_order_is_paid_a_share_on_order_and_the_rest_in_instalments_until_delivery():
    g = game(items=items(jet={"paid_on_order": 0.25}))
    (placed,) = of(g.team(cm.PlaceOrder, "east", item="jet", quantity=1), ev.OrderPlaced)
    assert placed.cost == 2.0 and placed.due == 6
    assert placed.schedule == ((2, 0.3), (3, 0.3), (4, 0.3), (5, 0.3), (6, 0.3))
    assert g.s.cash["east"] == 9.5  # 25 % of 2.0 on order
    g.team(cm.Submit, "east")
    cash = g.s.cash["east"]
    events = g.to(2, "briefing")
    (paid,) = of(events, ev.InstalmentPaid)
    assert (paid.amount, paid.number, paid.of, paid.turn) == (0.3, 2, 6, 2)
    budget = g.s.budget["east"][1]["invest"]
    assert g.s.cash["east"] == round(cash + budget - 0.3, 2)
    assert g.s.orders[placed.order].paid(2) == 0.8
    rows = [e.cause for e in ledger.for_team(ledger.build(g.initial, g.batches).changes, "east")]
    assert any(r.startswith("ordered 1 Jet for 2 USD bn; 0.5 USD bn now (instalment 1 of 6), 5 more") for r in rows)
    assert "instalment 2 of 6 for 1 Jet (ordered in turn 1)" in rows
    me = player_view(g.s, "east").me
    order = next(o for o in me.orders if o.id == placed.order)
    assert order.paid == 0.8 and order.schedule[0] == (3, 0.3) and order.instalments == 6
    assert me.budget.committed == 1.2 and me.budget.due_next == 0.3
    assert g.replayed() == g.s


def test_an_instalment_the_team_cannot_pay_is_deferred_and_the_delivery_slips_a_turn():
    # a tiny playable share: the next turn's money does not cover the instalment
    g2 = game(items=items(sam={"paid_on_order": 0.5, "slip_chance": 0.0}),
              budget=attrs.evolve(drill().budget, playable_share=0.01))
    g2.do(cm.Override("money", 0.5, "test", team="east"))
    (placed,) = of(g2.team(cm.PlaceOrder, "east", item="sam", quantity=1), ev.OrderPlaced)
    g2.team(cm.Submit, "east")
    g2.to(1, "summary")
    events = g2.to(2, "briefing")
    (deferred,) = of(events, ev.InstalmentDeferred)
    assert deferred.amount == 0.25 and deferred.due == 4 and deferred.schedule == ((3, 0.25), (4, 0.25))
    assert deferred.available < 0.25
    assert g2.s.orders[placed.order].due == 4
    rows = [e.cause for e in ledger.for_team(ledger.build(g2.initial, g2.batches).changes, "east")]
    assert any("instalment 2 of 3 for 1 SAM battery (0.25 USD bn) not paid" in r and "slips to turn 4" in r
               for r in rows)
    assert g2.replayed() == g2.s


def test_cancelling_an_order_in_instalments_loses_the_penalty_out_of_what_was_paid():
    g = game(items=items(jet={"paid_on_order": 0.25}))
    (placed,) = of(g.team(cm.PlaceOrder, "east", item="jet", quantity=1), ev.OrderPlaced)
    g.team(cm.Submit, "east")
    g.to(2, "deliberation")  # paid 0.5 + 0.3 = 0.8 of 2.0; penalty 25 % of 2.0 = 0.5
    cash = g.s.cash["east"]
    (c,) = of(g.team(cm.CancelOrder, "east", order=placed.order), ev.OrderCancelled)
    assert (c.refund, c.penalty) == (0.3, 0.5)
    assert g.s.cash["east"] == round(cash + 0.3, 2)
    assert "not paid" in c.reason
    g.to(3, "deliberation")
    assert not of(g.events, ev.InstalmentPaid)[1:]  # nothing more is paid once cancelled
    # a draft in instalments gives back what was paid
    (d,) = of(g.team(cm.PlaceOrder, "east", item="jet", quantity=1), ev.OrderPlaced)
    (w,) = of(g.team(cm.CancelOrder, "east", order=d.order), ev.OrderCancelled)
    assert (w.refund, w.penalty) == (0.5, 0.0)


def test_an_order_paid_in_instalments_needs_only_the_share_due_on_order():
    g = game(money=0.6, items=items(jet={"paid_on_order": 0.25}))
    assert player_view(g.s, "east").me.affordable["jet"] == 1
    g.reject(cm.PlaceOrder("east", "east", "jet", 2), "1 USD bn due on order (of 4), 0.6 available")
    g.team(cm.PlaceOrder, "east", item="jet", quantity=1)


# -- the annual budget cycle -----------------------------------------------------------------
def test_money_above_the_carry_over_limit_lapses_at_the_end_of_the_year():
    budget = attrs.evolve(drill().budget, turns_per_year=2, carry_over=0.25)
    g = game(money=10.0, budget=budget)
    g.to(2, "summary")
    invest = g.s.budget["east"][1]["invest"]
    limit = round(0.25 * invest * 2, 2)
    events = g.to(3, "briefing")
    lapsed = {e.team: e for e in of(events, ev.MoneyLapsed)}
    assert lapsed["east"].limit == limit and lapsed["east"].turn == 2
    assert lapsed["east"].cash == limit
    assert g.s.cash["east"] == round(limit + g.s.budget["east"][1]["invest"], 2)
    rows = [e.cause for e in ledger.for_team(ledger.build(g.initial, g.batches).changes, "east")]
    assert any(r.startswith("end of the budget year (2026 Q2):") and "lapsed" in r for r in rows)
    assert not of(g.to(4, "briefing"), ev.MoneyLapsed)  # the next year ends after turn 4
    b = player_view(g.s, "east").me.budget
    assert b.carry_over == 0.25 and b.year_end == 4
    assert g.replayed() == g.s


def test_without_a_carry_over_limit_no_money_lapses():
    g = game(money=10.0, budget=attrs.evolve(drill().budget, turns_per_year=2))
    g.to(4, "summary")
    assert not of(g.events, ev.MoneyLapsed)
    assert player_view(g.s, "east").me.budget.carry_over is None


# -- production capacity ---------------------------------------------------------------------
def test_a_bought_expansion_adds_capacity_from_its_ready_turn_once():
    x = model.Expansion("sam-line", "Second SAM line", line="sam", capacity=2, cost=1.5, lead_time=2)
    g = game(expansions=(x,))
    (b,) = of(g.team(cm.BuyExpansion, "east", expansion="sam-line"), ev.ExpansionBought)
    assert (b.ready, b.cost, b.cash) == (3, 1.5, 8.5)
    g.reject(cm.BuyExpansion("west", "west", "sam-line"), "was bought by East in turn 1 (ready in turn 3)")
    g.reject(cm.BuyExpansion("west", "west", "tank-line"), "unknown production expansion 'tank-line'")
    (o,) = of(g.team(cm.PlaceOrder, "west", item="sam", quantity=5), ev.OrderPlaced)
    assert o.slots == ((3, 3), (4, 2))  # 1 a turn, 3 from turn 3
    view = player_view(g.s, "west")
    (xv,) = view.me.expansions
    assert xv.bought_by is not None and xv.bought_by.startswith("East") and xv.ready == 3
    assert xv.refusal and "bought by East" in xv.refusal
    assert g.replayed() == g.s


def test_an_expansion_costs_money_the_team_has():
    x = model.Expansion("sam-line", "Second SAM line", line="sam", capacity=2, cost=20.0)
    g = game(expansions=(x,))
    g.reject(cm.BuyExpansion("east", "east", "sam-line"), "East cannot buy Second SAM line: 20 USD bn needed")


def test_a_line_ramps_its_capacity_over_the_turns():
    ramp = (model.Ramp(2, 3, "second hall"), model.Ramp(4, 0, "closed"))
    g = game(items=items(drone={"ramp": ramp, "max_quantity": 20}))
    assert player_view(g.s, "east").catalogue[2].capacity == 2
    (o,) = of(g.team(cm.PlaceOrder, "east", item="drone", quantity=8), ev.OrderPlaced)
    assert o.slots == ((1, 2), (2, 3), (3, 3))  # 2 a turn, 3 from turn 2, none from turn 4
    g.reject(cm.PlaceOrder("west", "west", "drone", 1), "the Drone lot line has no capacity in any later turn")
    assert g.replayed() == g.s


# -- max_quantity over the exercise ------------------------------------------------------------
def test_max_quantity_limits_a_team_over_the_exercise_when_the_scenario_says_so():
    g = game(budget=attrs.evolve(drill().budget, max_quantity_per="exercise"))
    g.team(cm.PlaceOrder, "east", item="drone", quantity=3)
    g.reject(cm.PlaceOrder("east", "east", "drone", 2),
             "at most 4 Drone lot per team over the exercise: East has 3 on order or delivered, so at most 1 more")
    g.team(cm.PlaceOrder, "west", item="drone", quantity=4)  # per team: West has its own 4
    (o,) = of(g.team(cm.PlaceOrder, "east", item="drone", quantity=1), ev.OrderPlaced)
    g.reject(cm.PlaceOrder("east", "east", "drone", 1), "so no more")
    g.team(cm.CancelOrder, "east", order=o.order)  # a cancelled order frees its units
    g.team(cm.PlaceOrder, "east", item="drone", quantity=1)
    assert player_view(g.s, "east").me.ordered["drone"] == 4
    assert player_view(g.s, "east").me.affordable["drone"] == 0


def test_by_default_max_quantity_limits_one_order():
    g = game()
    g.team(cm.PlaceOrder, "east", item="drone", quantity=4)
    g.team(cm.PlaceOrder, "east", item="drone", quantity=4)
    g.reject(cm.PlaceOrder("east", "east", "drone", 5), "at most 4 Drone lot in one order")


# -- the default scenario, played by bots: invariants and replay ---------------------------
@pytest.mark.parametrize("policy", sorted(POLICIES))
def test_bots_play_the_default_scenario_money_stays_whole_and_replays(policy):
    g = Game(load(DEFAULT), seed=11)
    dice = Dice(5)
    bot = POLICIES[policy]

    def run(state, command):
        g.do(command)
        return g.state

    while g.s.status == "running":
        if g.s.phase == "deliberation":
            for team in g.s.rules.team_ids:
                bot_turn(g.s, team, bot, dice, run=run)
        g.advance(force=True)
        assert all(v >= 0 for v in g.s.cash.values())
        for o in g.s.orders.values():  # what an order paid and still owes is its cost
            assert round(o.paid(2) + sum(a for _, a in o.schedule), 2) == o.cost
            assert all(t > o.placed for t, _ in o.schedule)
            if o.schedule and o.status == "ordered":
                assert o.schedule[-1][0] <= o.due
    kinds = {type(e) for e in g.events}
    assert ev.MoneyLapsed in kinds or policy in ("spender", "planner", "coordinated", "selfish")  # these spend it all
    if policy == "spender":
        assert ev.ExpansionBought in kinds and ev.InstalmentPaid in kinds
    assert g.replayed() == g.s


# -- validation: the new keys' errors name file, line and column --------------------------------
def test_bad_money_keys_are_located_errors(tmp_path):
    import shutil

    from support import DRILL

    from exercise.packs.check import validate

    shutil.copytree(DRILL.parent.parent, tmp_path / "fx")  # with its pack
    path = tmp_path / "fx" / "scenarios" / "drill.toml"
    text = path.read_text()
    text = text.replace("max_spending_step = 0.5\n", "max_spending_step = 0.5\ncarry_over = 1.5\n", 1)
    text = text.replace('cancel_penalty = 0.25\n', 'cancel_penalty = 0.25\npaid_on_order = 2\n', 1)
    text = text.replace('effects = [{ track = "air", team = "self", add = 1 }]\n',
                        'effects = [{ track = "air", team = "self", add = 1 }]\n'
                        '\n[[item.ramp]]\nturn = 3\ncapacity = 2\n\n[[item.ramp]]\nturn = 2\ncapacity = -1\n', 1)
    text += '\n[[expansion]]\nid = "x"\nname = "X"\nline = "tanks"\ncapacity = 0\ncost = 1.234\n'
    path.write_text(text)
    lines = text.splitlines()

    def at(fragment: str) -> str:
        return f"drill.toml:{next(k for k, line in enumerate(lines, 1) if line.startswith(fragment))}:1: error: "

    out = "\n".join(str(p) for p in validate([path]).problems.sorted())
    assert at("carry_over") + "carry_over must be between 0 and 1 (found 1.5)" in out
    assert at("paid_on_order") + "paid_on_order must be between 0 and 1" in out
    assert at("turn = 2") + "ramp steps must be listed earliest first" in out
    assert at("capacity = -1") + "a ramp step's capacity must be 0 or more" in out
    assert at('line = "tanks"') + "unknown production line 'tanks' in expansion 'x'" in out
    assert at("capacity = 0") + "capacity must be at least 1 extra unit per turn" in out
    assert at("cost = 1.234") + "cost 1.234 has 3 decimals" in out
    assert out.count("error:") == 7, out
