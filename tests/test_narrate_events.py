"""Every event kind the engine records reads as words in the facilitator's Log and the
debrief timeline: never its raw kind name (`money_lapsed`), never an id, and with the team
and the amount when the event has them."""

from __future__ import annotations

import re

import attrs
import pytest
from support import DEFAULT, load_fixture

from exercise.debrief.report import CATEGORY
from exercise.engine.events import EVENTS
from exercise.narrate import Narrator

# Bookkeeping that is deliberately no line: the budget (its causes are their own lines), an
# inject's chance roll (the inject fired is the line) and an ad-hoc inject's text (ditto).
SILENT = frozenset({"budget_set", "inject_rolled", "adhoc_inject"})


@pytest.fixture(scope="module")
def sc():
    return load_fixture(DEFAULT).scenario


def sample(sc, cls) -> dict:
    """An event of `cls` as the journal holds it, with the default scenario's ids."""
    team = sc.teams[1]
    track = next(t for t in sc.tracks if t.scope == "world" and t.estimate > 0)
    inject = next(i for i in sc.all_injects() if i.options)
    item = sc.items[0]
    command = sc.commands[0]
    values = {
        "team": team.id, "track": track.id, "item": item.id, "order": "backlog-1", "command": command.id,
        "ally": sc.allies[0].id, "expansion": sc.expansions[0].id, "inject": inject.id,
        "option": inject.options[0].id, "request": "lead-1", "by": "facilitator", "to": (sc.teams[0].id,),
        "turn": 4, "first": 2, "last": 3, "due": 6, "ready": 5, "number": 2, "of": 5, "quantity": 3,
        "amount": 0.75, "lapsed": 7.26, "kept": 2.42, "limit": 2.42, "cash": 2.42, "cost": 1.25,
        "available": 0.1, "refund": 0.5, "penalty": 0.25, "chance": 0.1, "roll": 0.7, "value": 4.5,
        "previous": 3.5, "at": 3.0, "spending": 2.1, "steps": 1, "delta": 1, "likelihood": 60, "seed": 7,
        "score": 55.0, "approve": False, "approved": False, "slipped": True, "success": True, "fired": True,
        "action_id": "act-1", "action": "Escort the convoy", "phase": "decision", "target": "track",
        "rationale": "because", "reason": "Italy already hosts the southern HQ", "name": "Partial",
        "text": "a note", "note": "", "criteria": (), "title": "A title", "label": "Low", "result": "it works", "reasons": "why",
        "early": False, "default": False, "forced": False, "shares": {sc.budget.categories[0].id: 1.0},
        "amounts": {}, "total": 10.0, "schedule": ((5, 0.4), (6, 0.4)), "slots": ((6, 3),),
        "scenario": sc.id, "outcome": sc.outcomes[0].id if sc.outcomes else "x",
        "capability": next(t.id for t in sc.tracks if t.scope == "team"), "category": sc.budget.categories[0].id,
        "id": "red-1", "teams": (team.id,), "detect_roll": 0.3, "detected": True, "by_name": "Red cell",
    }
    out = {"kind": cls.kind}
    for f in attrs.fields(cls):
        if f.name in values:
            out[f.name] = values[f.name]
        elif f.default is attrs.NOTHING:
            raise AssertionError(f"{cls.kind}: give field {f.name!r} a sample value in this test")
    return out


@pytest.mark.parametrize("kind", sorted(EVENTS))
def test_every_event_kind_narrates_in_words(sc, kind):
    e = sample(sc, EVENTS[kind])
    line = Narrator(sc).line(e)
    if kind in SILENT:
        assert line is None
        return
    assert line, f"{kind}: no line"
    # a one-word kind ("paused") may be an ordinary word of its line; no snake_case name is
    assert not re.search(r"[a-z]+_[a-z_]+", line), f"{kind}: a raw name in {line!r}"
    ids = {"team": e.get("team"), "track": e.get("track"), "item": e.get("item"), "command": e.get("command"),
           "ally": e.get("ally"), "expansion": e.get("expansion"), "inject": e.get("inject")}
    for key, i in ids.items():  # an id is never printed: its name is
        if i:
            assert not re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", line), f"{kind}: {key} id {i!r} in {line!r}"

# the team and the money moved must be in the line of each money event
MONEY = {"instalment_paid": "0.75", "instalment_deferred": "0.75", "money_lapsed": "7.26",
         "expansion_bought": "1.25", "order_expedited": "1.25"}


@pytest.mark.parametrize("kind", sorted(MONEY))
def test_a_money_event_names_the_team_and_the_amount(sc, kind):
    line = Narrator(sc).line(sample(sc, EVENTS[kind]))
    assert sc.teams[1].name.split(" (")[0] in line, line
    assert MONEY[kind] in line, line
    assert sc.budget.unit in line, line


def test_every_narrated_event_kind_has_a_timeline_category_other_than_other():
    missing = sorted(k for k in EVENTS if k not in CATEGORY and k not in SILENT and k != "turn_started")
    assert not missing, f"debrief timeline files these under 'other': {missing}"


def test_an_overridden_verdict_names_the_proposal_and_lapsed_money_reads_whole(sc):
    """Re-check of the play-test: the override line gave the proposal's id ("the proposed
    coordination-cuts") and a lapse at its limit ended "…carried over, the most that may"."""
    n = Narrator(sc)
    line = n.line({"kind": "exercise_ended", "outcome": "partial", "name": "Partial handover", "reason": "",
                   "turn": 8, "early": False, "proposed": "coordination-cuts", "overridden": True,
                   "rationale": "the pipeline is credible"})
    assert line == "Verdict: Partial handover, overriding the proposed Coordination cuts: the pipeline is credible"
    lapse = n.line({"kind": "money_lapsed", "team": sc.teams[1].id, "turn": 4, "lapsed": 7.26, "kept": 2.42,
                    "limit": 2.42})
    assert lapse.endswith("2.42 USD bn carried over, the most that may carry over"), lapse
