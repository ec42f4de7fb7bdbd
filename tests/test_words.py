"""Wording the play-test found wrong: rolls, thresholds, option effects, turn-log lines."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from support import DEFAULT, load_fixture

from exercise.engine.decision import roll_words
from exercise.narrate import Narrator


def _shown(text: str) -> tuple[float, float]:
    m = re.search(r"rolled ([\d.]+) against a ([\d.]+) % chance", text)
    assert m, text
    return float(m.group(1)), float(m.group(2))


@settings(max_examples=200, deadline=None)
@given(roll=st.floats(0, 1, exclude_max=True), chance=st.sampled_from([0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.7, 0.9]))
def test_a_roll_is_shown_so_its_comparison_with_the_chance_is_true(roll, chance):
    shown_roll, shown_chance = _shown(roll_words(roll, chance * 100))
    assert shown_chance == round(chance * 100, 2)
    assert (shown_roll < shown_chance) == (roll < chance), roll_words(roll, chance * 100)


def test_the_play_tests_slip_reads_true():
    n = Narrator(load_fixture(DEFAULT).scenario)
    line = n.line({"kind": "slip_rolled", "order": "x", "roll": 0.149, "chance": 0.15, "slipped": True, "due": 8})
    assert "15 < 15" not in line and "rolled 14.9 against a 15 % chance" in line, line
    line = n.line({"kind": "slip_rolled", "order": "x", "roll": 0.14999, "chance": 0.15, "slipped": True, "due": 8})
    assert "rolled 14.999 against a 15 % chance" in line, line
    line = n.line({"kind": "action_adjudicated", "action_id": "a", "likelihood": 70, "roll": 0.6999, "success": True,
                   "rationale": "ok", "turn": 1})
    assert "rolled 69.99 against a 70 % chance" in line, line
