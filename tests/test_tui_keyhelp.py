"""The `?` help is built from the bindings, and the README's tour names only bound keys."""

from __future__ import annotations

import re
from pathlib import Path

from exercise.tui.app import ExerciseApp
from exercise.tui.debrief import DebriefScreen
from exercise.tui.facilitator import FacilitatorScreen
from exercise.tui.facilitator.screen import PANELS
from exercise.tui.keyhelp import key_text, worded

README = Path(__file__).parent.parent / "README.md"


def facilitator_bindings():
    return list(FacilitatorScreen.BINDINGS) + list(ExerciseApp.BINDINGS)


def test_every_facilitator_key_is_in_the_help_once_with_its_description():
    help_md = FacilitatorScreen.help_markdown(ExerciseApp())
    rows = [line for line in help_md.splitlines() if line.startswith("| ") and not line.startswith("| key")]
    for b in facilitator_bindings():
        if b.action.startswith("tab("):
            continue
        row = f"| {key_text(b)} | {worded(b.tooltip or b.description)} |"  # the defence scenario's words
        assert rows.count(row) == 1, row
    assert "| 1-6 | tabs: overview, injects, actions, log, notes, red (scenarios with an adversary) |" in rows
    assert "facilitator console" in help_md


def test_each_panel_owns_the_actions_of_its_keys_and_the_screen_binds_them():
    bound = {b.action for b in FacilitatorScreen.BINDINGS}
    for panel in PANELS:
        for b in panel.KEYS:
            assert callable(getattr(panel, f"action_{b.action}")), (panel, b.action)
            assert b.action in bound and callable(getattr(FacilitatorScreen, f"action_{b.action}"))


def test_debrief_help_lists_every_described_key():
    help_md = DebriefScreen.help_markdown()
    for b in DebriefScreen.BINDINGS:
        if not b.action.startswith("tab("):
            assert f"| {key_text(b)} | {b.tooltip or b.description} |" in help_md
    assert "| left / p | the turn before |" in help_md and "| 1-7 | tabs: timeline" in help_md and "ledger |" in help_md


def test_the_readme_tour_of_the_facilitator_names_bound_keys_only():
    text = README.read_text(encoding="utf-8")
    tour = text[text.index("The facilitator console ("):text.index("A team's screen shows")]
    keys = set()
    for quoted in re.findall(r"`([^`]+)`", tour):
        keys.update(quoted.split("/"))
    bound = {k for b in facilitator_bindings() for k in b.key.split(",")} | {"?"}
    outside = {"escape", "ctrl+p"}  # the team screen's way back; Textual's command palette
    assert keys and keys - outside <= bound, keys - outside - bound
