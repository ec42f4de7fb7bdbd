"""People see names, never ids: the default scenario played for a few turns by bots (with
the facilitator's notes, an argued action and its adjudication, inject controls), then
every screen, the debrief, the turn logs and the dry-run report are searched for the
scenario's ids (teams, injects, items, options, commands, objectives, allies, budget
categories) that differ from their names."""

from __future__ import annotations

import html as htmllib
import re

import attrs
import pytest
from support import DEFAULT, load_fixture, play_default, wait_for
from textual.widgets import DataTable, Markdown, RichLog, Static

from exercise.debrief import html, markdown
from exercise.debrief.record import from_session
from exercise.debrief.report import build
from exercise.dryrun.simulate import render, run_many, summarise

HUMAN_FIELDS = {"name", "title", "label", "text", "synopsis", "briefing", "description", "notes", "source",
                "expected", "result", "sender", "channel", "unit", "labels"}


def _human_text(obj, out: list[str]) -> None:
    """Every piece of text of the scenario written for people (names, titles, texts)."""
    if attrs.has(type(obj)):
        for f in attrs.fields(type(obj)):
            v = getattr(obj, f.name)
            if f.name in HUMAN_FIELDS and isinstance(v, str):
                out.append(v)
            elif f.name in HUMAN_FIELDS and isinstance(v, tuple) and all(isinstance(x, str) for x in v):
                out.extend(v)
            else:
                _human_text(v, out)
    elif isinstance(obj, (list, tuple)):
        for x in obj:
            _human_text(x, out)
    elif isinstance(obj, dict):
        for x in obj.values():
            _human_text(x, out)


def scenario_ids(sc) -> set[str]:
    """Ids a person must never read: those that are not also a word of the scenario's own
    text (an id such as 'south' may be an ordinary word of a briefing)."""
    ids = {t.id for t in sc.teams} | {i.id for i in sc.all_injects()} | {i.id for i in sc.items}
    ids |= {o.id for i in sc.all_injects() for o in i.options} | {c.id for c in sc.commands}
    ids |= {o.id for o in sc.all_objectives()} | {a.id for a in sc.allies}
    ids |= {c.id for c in sc.budget.categories}
    words: list[str] = []
    _human_text(sc, words)
    prose = set(re.findall(r"[\w-]+", "\n".join(words)))
    return {i for i in ids if i not in prose and len(i) > 2}


def all_ids(session) -> set[str]:
    """The scenario's ids and those the exercise made (argued actions, orders)."""
    return scenario_ids(session.scenario) | set(session.state.actions) | {str(o) for o in session.state.orders}


def ids_in(text: str, ids: set[str]) -> set[str]:
    return {w for w in re.findall(r"(?<![\w-])[\w][\w-]*[\w](?![\w-])", text) if w in ids}


@pytest.fixture(scope="module")
def played(tmp_path_factory):
    s = play_default(tmp_path_factory.mktemp("names"))
    yield s
    s.close()


def test_the_debrief_report_names_and_never_ids(played):
    ids = all_ids(played)
    assert {"brunssum-east", "lead-conventional-defence"} <= ids, "the test must look for the ids people must not see"
    r = build(from_session(played))
    assert ids_in(markdown.render(r), ids) == set()
    assert ids_in(htmllib.unescape(re.sub(r"<[^>]+>", " ", html.render(r))), ids) == set()


def test_the_turn_logs_name_and_never_ids(played):
    ids = all_ids(played)
    logs = sorted((played.folder / "turns").glob("turn-*.md"))
    assert len(logs) >= 3
    for log in logs:
        assert ids_in(log.read_text("utf-8"), ids) == set(), log.name


def test_the_dry_run_report_names_and_never_ids():
    loaded = load_fixture(DEFAULT)
    ids = scenario_ids(loaded.scenario)
    text = "\n".join(render(summarise(loaded.scenario, run_many(loaded.scenario, 3, 1), 1, "mixed")))
    assert ids_in(text, ids) == set()


def shown(screen) -> str:
    parts = []
    for st in screen.query(Static):
        c = st.content
        parts.append(getattr(c, "plain", str(c)))
    for table in screen.query(DataTable):
        parts.append(" ".join(getattr(c, "plain", str(c)) for c in table.ordered_columns and
                              [col.label for col in table.ordered_columns]))
        for i in range(table.row_count):
            parts.append(" | ".join(getattr(c, "plain", str(c)) for c in table.get_row_at(i)))
    for md in screen.query(Markdown):
        parts.append(md.source or "")
    for log in screen.query(RichLog):  # the facilitator's live log
        parts += ["".join(seg.text for seg in strip) for strip in log.lines]
    return "\n".join(parts)


async def test_the_facilitator_and_team_screens_name_and_never_ids(played):
    from exercise.tui.app import make_app
    from exercise.tui.team import TeamScreen

    ids = all_ids(played)
    app = make_app(session=played)
    app.animation_level = "none"
    found: dict[str, set[str]] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for key in "123456":  # 6: the Red tab
            await pilot.press(key)
            await pilot.pause()
            found[f"facilitator tab {key}"] = ids_in(shown(app.screen), ids)
        for team in played.state.rules.team_ids:
            app.show_team(team)
            await wait_for(lambda: isinstance(app.screen, TeamScreen) and app.screen.view, pilot=pilot)
            found[f"team {team}"] = ids_in(shown(app.screen), ids)
            await pilot.press("escape")
            await pilot.pause()
    assert {k: v for k, v in found.items() if v} == {}


async def test_the_debrief_screen_names_and_never_ids(played):
    from exercise.tui.debrief import make_debrief_app

    ids = all_ids(played)
    app = make_debrief_app(from_session(played))
    found = {}
    async with app.run_test(size=(120, 40)) as pilot:
        for key in "12345":
            await pilot.press(key)
            await pilot.pause()
            found[key] = ids_in(shown(app.screen), ids)
    assert {k: v for k, v in found.items() if v} == {}
