"""Rolls, (de)serialisation, purity of apply, replay, and the engine's import hygiene."""

from __future__ import annotations

import json

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_engine_support import MINI, Game, drill, load
from textual_free import assert_runs_without_textual

from exercise.engine import apply, execute, from_dict, initial_state, replay, to_dict
from exercise.engine import commands as cm
from exercise.engine import events as ev
from exercise.engine.rolls import Dice, derive_seed, roll


@given(st.integers(-(2**70), 2**70), st.integers(0, 2**40))
def test_rolls_are_in_the_unit_interval_and_pure(seed, counter):
    x = roll(seed, counter)
    assert 0.0 <= x < 1.0
    assert roll(seed, counter) == x


def test_rolls_look_uniform_and_streams_differ():
    xs = [roll(7, i) for i in range(20000)]
    assert abs(sum(xs) / len(xs) - 0.5) < 0.01
    assert sum(x < 0.1 for x in xs) == pytest.approx(2000, rel=0.08)
    assert roll(7, 0) != roll(8, 0)
    assert derive_seed(1, 0) != derive_seed(1, 1) != derive_seed(2, 1)
    d = Dice(3)
    assert [d.below(6) for _ in range(1000)].count(5) > 100


def test_event_and_command_kinds_are_unique_and_stable():
    assert not set(ev.EVENTS) & set(cm.COMMANDS)
    assert set(ev.EVENTS) == {
        "exercise_started", "turn_started", "phase_changed", "paused", "resumed", "exercise_ended",
        "track_set", "threshold_crossed", "overridden", "budget_set", "allocation_set", "spending_set",
        "budget_effect_added", "order_placed", "order_cancelled", "slip_rolled", "order_delivered",
        "lead_time_changed", "force_assigned", "lead_taken", "lead_handed_back", "ally_moved",
        "inject_rolled", "adhoc_inject", "inject_fired", "inject_controlled", "decision_answered",
        "submitted", "reopened", "action_argued", "action_countered", "action_adjudicated", "note_added",
        "inject_unskipped", "decision_reopened", "choices_combined", "estimate_rolled", "estimate_narrowed",
        "order_expedited", "verdict_proposed", "lead_requested", "lead_voted", "lead_decided",
        "instalment_paid", "instalment_deferred", "money_lapsed", "expansion_bought",
        "red_budget_credited", "red_action_planned", "red_action_withdrawn", "red_action_resolved",
        "feedback_given",
    }


def _sample(cls):
    """An instance of an event or command class with plausible field values."""
    values = {}
    for a in attrs.fields(cls):
        t = str(a.type)
        if a.default is not attrs.NOTHING:
            continue
        if "dict" in t:
            values[a.name] = {"a": 1.5}
        elif "tuple[tuple" in t:
            values[a.name] = ((1, 2), (3, 4))
        elif "tuple" in t:
            values[a.name] = ("x",)
        elif "float" in t:
            values[a.name] = 0.25
        elif "bool" in t:
            values[a.name] = True
        elif "int" in t:
            values[a.name] = 3
        else:
            values[a.name] = "s"
    return cls(**values)


@pytest.mark.parametrize("cls", list(ev.EVENTS.values()) + list(cm.COMMANDS.values()), ids=lambda c: c.kind)
def test_every_event_and_command_round_trips_through_json(cls):
    obj = _sample(cls)
    d = to_dict(obj)
    assert d["kind"] == cls.kind
    assert from_dict(json.loads(json.dumps(d))) == obj


def test_from_dict_refuses_unknown_kinds():
    with pytest.raises(ValueError, match="unknown kind"):
        from_dict({"kind": "teleport"})


def _fields(state) -> dict:
    """A copy of every field, dicts copied one level deep (their values are immutable)."""
    return {k: dict(v) if isinstance(v, dict) else v for k, v in attrs.asdict(state, recurse=False).items()}


def test_apply_never_changes_its_input():
    g = Game(drill())
    g.to(3, "summary")
    state = g.initial
    for e in g.events:
        before = _fields(state)
        new = apply(state, e)
        assert _fields(state) == before, e
        state = new
    assert state == g.state


def test_replay_equals_the_live_state_for_a_whole_exercise():
    g = Game(drill())
    while g.s.status == "running":
        g.advance(force=True)
    assert g.replayed() == g.state
    # and through JSON lines, as the journal will store them
    lines = [json.dumps(to_dict(e)) for e in g.events]
    assert replay(initial_state(g.scenario), [from_dict(json.loads(x)) for x in lines]) == g.state


def test_seed_override_changes_rolls_and_the_start_event_records_it():
    a = Game(drill(), seed=1)
    b = Game(drill(), seed=2)
    assert a.events[0] == ev.ExerciseStarted("drill", 1)
    for g in (a, b):
        g.to(3, "injects")
    rolls = lambda g: [e.roll for e in g.events if isinstance(e, ev.InjectRolled)]
    assert rolls(a) != rolls(b)
    assert initial_state(drill()).seed == 11


def test_the_mini_fixture_plays_to_the_end():
    state = initial_state(load(MINI))
    state, _ = execute(state, cm.Start())
    while state.status == "running":
        state, _ = execute(state, cm.Advance(force=True))
    assert state.verdict.outcome == "lose"


def test_engine_modules_do_not_import_textual():
    assert_runs_without_textual("import exercise.engine, exercise.dryrun.simulate, exercise.bots")


# What the pure engine may not import, even lazily inside a function: the packs' loading
# and validation, the journal, sessions, the network, screens (the layers above it).
_ABOVE_THE_ENGINE = ("exercise.packs", "exercise.journal", "exercise.session", "exercise.net",
                     "exercise.tui", "exercise.debrief", "exercise.dryrun", "exercise.bots",
                     "textual", "websockets")


def _imports(path):
    import ast

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module
            yield from (f"{node.module}.{a.name}" for a in node.names)


def test_the_engine_imports_nothing_above_it():
    from pathlib import Path

    import exercise.engine

    engine_dir = Path(exercise.engine.__file__).parent
    bad = sorted(f"{p.name}: {name}" for p in engine_dir.glob("*.py") for name in _imports(p)
                 if name.startswith(_ABOVE_THE_ENGINE))
    assert len(list(engine_dir.glob("*.py"))) > 10
    assert not bad, bad
