"""The turn logs (saves/<x>/turns/turn-NN.md) tell the issue-14 money and lead rules: money
that lapsed at the end of a budget year (per team, amount, why, and in the team's net line),
instalments paid, priority and production capacity bought, and lead requests with the
member teams' votes and the decisions with their reasons."""

from __future__ import annotations

import re

import pytest
from support import DEFAULT, load_fixture, to_deliberation

from exercise.engine import commands as cm
from exercise.engine.decision import number
from exercise.session import Session


@pytest.fixture(scope="module")
def played(tmp_path_factory):
    """The default scenario to the summary of turn 5 (its budget year ends after turn 4):
    lead requests in turns 1 to 3 (the last decided by the facilitator for the member teams), orders paid in instalments, priority and an expansion."""
    loaded = load_fixture(DEFAULT)
    s = Session.create(loaded.scenario, loaded.texts, tmp_path_factory.mktemp("turnlog"), name="Log", seed=7)
    to_deliberation(s)
    s.execute(cm.HandBack("brunssum-west", "brunssum-west", "jfc-brunssum"))
    s.execute(cm.TakeLead("south", "south", "jfc-naples", "IT"))
    s.execute(cm.TakeLead("norfolk", "norfolk", "jfc-norfolk", "UK"))
    asked = {q.team: q.id for q in s.state.lead_requests.values()}
    s.execute(cm.DecideLead(asked["south"], False, "Italy already hosts the southern HQ"))
    s.execute(cm.DecideLead(asked["norfolk"], True))
    s.execute(cm.PlaceOrder("norfolk", "norfolk", "pac3-mse", 2))
    s.execute(cm.PlaceOrder("south", "south", "samp-t-ng", 1))
    order = next(o.id for o in s.state.orders.values() if o.team == "south" and not o.backlog)
    s.execute(cm.ExpediteOrder("south", "south", order))
    s.execute(cm.BuyExpansion("brunssum-west", "brunssum-west", "ammo-155-shifts"))
    for team in ("norfolk", "south"):
        s.execute(cm.Submit(team, team))
    s.execute(cm.Advance(force=True))
    while s.state.phase != "deliberation":
        s.execute(cm.Advance())
    s.execute(cm.TakeLead("brunssum-east", "brunssum-east", "jfc-brunssum", "PL"))
    asked = {q.team: q.id for q in s.state.lead_requests.values() if q.status == "pending"}
    s.execute(cm.DecideLead(asked["brunssum-east"], False, "Germany wants Brunssum back",
                            actor="brunssum-west", team="brunssum-west"))
    s.execute(cm.Advance(force=True))
    while s.state.phase != "deliberation":
        s.execute(cm.Advance())
    s.execute(cm.TakeLead("brunssum-east", "brunssum-east", "jfc-brunssum", "PL"))
    asked = {q.team: q.id for q in s.state.lead_requests.values() if q.status == "pending"}
    s.execute(cm.DecideLead(asked["brunssum-east"], True))  # over the member teams' vote
    while s.state.turn < 5 or s.state.phase != "summary":
        s.execute(cm.Advance(force=True))
    yield s
    s.close()


def log(s, turn: int) -> str:
    return (s.folder / "turns" / f"turn-{turn:02d}.md").read_text()


def ledger_of(text: str, team: str) -> str:
    part = text.split("## Ledger: what changed for each team, and why", 1)[1]
    return part.split(f"### {team}", 1)[1].split("\n### ", 1)[0]


def lapses(s) -> list[dict]:
    return [e for r in s.records for e in r.events if e["kind"] == "money_lapsed"]


def test_money_lapsed_at_the_end_of_the_budget_year_is_in_the_next_turns_log(played):
    assert lapses(played), "the default scenario's budget year must end after turn 4"
    text = log(played, 5)
    for e in lapses(played):
        team = played.state.rules.team_name(e["team"]).split(" (")[0]
        assert (f"End of the budget year (2026 Q4): {number(e['lapsed'])} USD bn of {team}'s unspent money "
                f"lapsed; {number(e['kept'])} USD bn carried over, the most that may carry over") in text
        assert f"{number(e['lapsed'])} USD bn unspent lapsed" in ledger_of(text, played.state.rules.team_name(e["team"]))


def test_a_teams_net_money_line_adds_up_with_the_lapse(played):
    text = log(played, 5)
    for e in lapses(played):
        mine = ledger_of(text, played.state.rules.team_name(e["team"]))
        net = re.search(r"Money for orders (\S+) → (\S+) USD bn \(([+−])(\S+) USD bn\)", mine)
        assert net, mine
        before = e["cash"] + e["lapsed"]  # what it had when the year ended
        assert net.group(1) == number(before), (net.group(0), before)
        assert net.group(2) == number(played.state.cash[e["team"]])
        rows = re.findall(r"\| [^|]+ \| Money for orders \| (\S+) \| (\S+) \|", mine)
        assert rows[0][0] == net.group(1) and rows[-1][1] == net.group(2), rows  # the rows chain to it
        assert all(a[1] == b[0] for a, b in zip(rows, rows[1:])), rows


def test_instalments_priority_and_expansions_are_in_the_turn_logs(played):
    one, two = log(played, 1), log(played, 2)
    assert "South paid 0.09 USD bn for priority on its order of 1 x SAMP/T NG fire unit" in one
    assert "Brunssum West bought Extra shifts at European shell plants for 0.5 USD bn" in one
    assert re.search(r"Norfolk paid instalment 2 of \d+ on its order of 2 x PAC-3 MSE", two), two
    assert "instalment_paid" not in two and "money_lapsed" not in log(played, 5)


def test_lead_requests_votes_and_decisions_with_their_reasons_are_in_the_turn_logs(played):
    one, two = log(played, 1), log(played, 2)
    assert "South asked that Italy lead Joint Force Command Naples" in one
    assert ("South's request that Italy lead Joint Force Command Naples refused by the facilitator: "
            "Italy already hosts the southern HQ") in one
    assert "Norfolk asked that United Kingdom lead Joint Force Command Norfolk" in one
    assert "Brunssum East asked that Poland lead Joint Force Command Brunssum" in two
    assert ("Brunssum West refused Brunssum East's request for Joint Force Command Brunssum: "
            "Germany wants Brunssum back") in two


def test_the_facilitator_deciding_for_the_member_teams_says_it_overrode_their_vote(played):
    three = log(played, 3)
    asked = "Brunssum East's request that Poland lead Joint Force Command Brunssum"
    assert f"{asked} approved by the facilitator, deciding for the member teams (over their vote)" in three
    assert f"- approved {asked.replace('Brunssum East', 'Brunssum East (Poland and the Baltic states)')}, " \
           "deciding for the member teams (over their vote)" in three
    one = log(played, 1)  # a request the facilitator decides anyway: no such note
    assert "approved by the facilitator\n" in one and "over their vote" not in one
