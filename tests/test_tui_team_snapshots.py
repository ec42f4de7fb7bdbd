"""Snapshots of the team console at 80x24 (readable) and 120x40 (comfortable).

Update them with `pytest tests/test_tui_team_snapshots.py --snapshot-update` after a
deliberate change of the screen, and look at the SVGs in tests/__snapshots__/ before
committing them. Everything shown is deterministic: the scenario's seed, no turn timer.
"""

from __future__ import annotations

import pytest
from support import to_deliberation

from exercise.engine import commands as cm
from exercise.packs import loader
from exercise.packs.problems import Problems
from exercise.session import Session
from exercise.tui.app import make_app
from exercise.tui.team import TeamScreen


@pytest.fixture(scope="module")
def deadline():
    return loader.load_scenario(loader.find_scenario("deadline-2027"), Problems())


@pytest.fixture
def deliberation(tmp_path):
    """A factory: a new exercise (closed after the test) in the deliberation of turn 1."""
    made = []

    def make(loaded) -> Session:
        s = Session.create(loaded.scenario, loaded.texts, tmp_path)
        made.append(s)
        to_deliberation(s)
        return s

    yield make
    for s in made:
        s.close()


def team_app(s: Session, team: str, *keys: str):
    app = make_app(session=s, team=team)  # the team's screen, as the hot-seat opens it
    app.animation_level = "none"

    async def run_before(pilot) -> None:
        for _ in range(20):
            if isinstance(app.screen, TeamScreen):
                break
            await pilot.pause()
        for key in keys:
            await pilot.press(key)
        await pilot.pause()

    return app, run_before


@pytest.mark.parametrize("size,tab", [((80, 24), "1"), ((80, 24), "3"), ((120, 40), "2"), ((120, 40), "4")])
def test_team_screen(snap_compare, deadline, deliberation, size, tab):
    s = deliberation(deadline)
    app, run_before = team_app(s, "brunssum-east", tab)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_team_screen_after_submitting(snap_compare, mini, deliberation):
    """The waiting state, with a binding order in the pipeline and a decision taken."""
    s = deliberation(mini)
    s.execute(cm.Override("money", 5.0, "snapshot", team="east"))
    s.execute(cm.PlaceOrder("east", "east", "sam", 2))
    s.execute(cm.Answer("east", "east", "drones", "shoot"))
    s.execute(cm.Submit("east", "east"))
    app, run_before = team_app(s, "east", "3")
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
