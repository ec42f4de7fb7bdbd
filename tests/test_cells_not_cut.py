"""No cell is cut so that it loses its meaning at 120x40: every DataTable cell of the
facilitator's tabs, each team's tabs and the debrief, on the default scenario played for
three turns, is checked against the pack's text; a cell that stops in the middle of a
word of it ('medi', 'failur', 'when its condition h') is a failure."""

from __future__ import annotations

import re

import attrs
import pytest
from support import play_default, wait_for
from textual.widgets import DataTable

from exercise.debrief.record import from_session


def _strings(obj, out: set[str]) -> None:
    if isinstance(obj, str):
        if len(obj) > 3:
            out.add(" ".join(obj.split()))
    elif attrs.has(type(obj)):
        for f in attrs.fields(type(obj)):
            _strings(getattr(obj, f.name), out)
    elif isinstance(obj, (list, tuple, set, frozenset)):
        for x in obj:
            _strings(x, out)
    elif isinstance(obj, dict):
        for x in obj.values():
            _strings(x, out)


# words the screens say themselves, next to the pack's text
WORDS = {"medium", "critical", "failure", "success", "delivered", "cancelled", "ordered", "waiting",
         "deliberation", "adjudication", "briefing", "summary", "scheduled", "held", "skipped", "fired", "all"}


def cut_cells(table: DataTable, texts: set[str]) -> list[str]:
    """Cells that are a piece of a pack text (or a word above) stopped inside a word."""
    bad = []
    for i in range(table.row_count):
        for c in table.get_row_at(i):
            cell = " ".join(getattr(c, "plain", str(c)).split()).rstrip("…").rstrip()
            if len(cell) < 3 or cell in texts:  # a whole text is never cut
                continue
            for full in texts:
                if full != cell and full.startswith(cell) and re.match(r"\w", full[len(cell)]) \
                        and re.search(r"\w$", cell):
                    bad.append(f"{table.id}: {cell!r} (of {full[:60]!r})")
                    break
    return bad


@pytest.fixture(scope="module")
def played(tmp_path_factory):
    s = play_default(tmp_path_factory.mktemp("cells"))
    yield s
    s.close()


def texts_of(session) -> set[str]:
    out: set[str] = set(WORDS)
    _strings(session.scenario, out)
    out |= {x.split(" (")[0] for x in out}  # short names: 'South (France, ...)' -> 'South'
    out -= {"lower", "higher"}  # a scorecard criterion's `better` keyword, never shown in a cell
    return out


async def test_no_table_cell_of_the_consoles_is_cut_mid_word_at_120x40(played):
    from exercise.tui.app import make_app
    from exercise.tui.team import TeamScreen

    texts = texts_of(played)
    app = make_app(session=played)
    app.animation_level = "none"
    bad: set[str] = set()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for table in app.screen.query(DataTable):
            bad.update(cut_cells(table, texts))
        for team in played.state.rules.team_ids:
            app.show_team(team)
            await wait_for(lambda: isinstance(app.screen, TeamScreen) and app.screen.view, pilot=pilot)
            for table in app.screen.query(DataTable):
                bad.update(f"{team} {x}" for x in cut_cells(table, texts))
            await pilot.press("escape")
            await pilot.pause()
    assert sorted(bad) == [], "\n".join(sorted(bad))


async def test_no_table_cell_of_the_debrief_is_cut_mid_word_at_120x40(played):
    from exercise.tui.debrief import make_debrief_app

    texts = texts_of(played)
    app = make_debrief_app(from_session(played))
    bad: set[str] = set()
    async with app.run_test(size=(120, 40)) as pilot:
        for key in "12345":
            await pilot.press(key)
            await pilot.pause()
            for table in app.screen.query(DataTable):
                bad.update(cut_cells(table, texts))
    assert sorted(bad) == [], "\n".join(sorted(bad))
