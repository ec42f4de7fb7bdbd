"""The debrief's core: read-only loading, the report, the Markdown and HTML exports
(golden files), fork, and the command line's answers to bad input.

Regenerate the golden files after an intended change with
`UPDATE_GOLDEN=1 python -m pytest tests/test_debrief_export.py` and read the diff.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_debrief_support import EVIL, GOLDEN, scripted_save
from textual_free import assert_runs_without_textual

from exercise import engine
from exercise.cli import main
from exercise.debrief import html, markdown, record
from exercise.debrief.export import export
from exercise.debrief.fork import fork
from exercise.debrief.record import DebriefError
from exercise.debrief.report import build
from exercise.session import Session, state_hash


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> Path:
    return scripted_save(tmp_path_factory.mktemp("saves"))


@pytest.fixture(scope="module")
def rec(saved):
    return record.load(saved)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under a folder and a digest of its bytes (to prove nothing was written)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# -- golden files ---------------------------------------------------------------------------
@pytest.mark.parametrize("fmt,render", [("md", markdown.render), ("html", html.render)])
def test_export_matches_the_golden_file(rec, fmt, render):
    text = render(build(rec))
    golden = GOLDEN / f"debrief-drill.{fmt}"
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), "no golden file: run UPDATE_GOLDEN=1 python -m pytest tests/test_debrief_export.py"
    assert text == golden.read_text(encoding="utf-8"), (
        f"{golden} differs; if the change is intended: UPDATE_GOLDEN=1 python -m pytest tests/test_debrief_export.py")


# -- the report's content -------------------------------------------------------------------
def test_report_gathers_ratings_strengths_and_areas_for_improvement(rec):
    r = build(rec)
    (air,) = r.objectives
    assert air.rating == "U" and [x for _, x in air.ratings] == ["S", "M", "U"]
    assert [n.text for n in air.strengths] == ["East answered within minutes and shot the drones down"]
    assert air.strengths[0].inject == "Drones over the border"
    assert [n.text for n in air.improvements] == ["West did not explain its allocation to the room",
                                                  "Nobody took the lead of JFC North"]
    assert r.improvement_plan() == [("Defend the airspace", n.text) for n in air.improvements]
    assert air.injects == ()  # no drill inject names an objective


def test_report_puts_each_decision_beside_the_expected_actions(rec):
    rows = [(d.turn, d.inject, d.team, d.choice, d.default, d.expected) for d in build(rec).decisions]
    assert rows[0] == (1, "Drones over the border", "East", "Shoot them down", False, ("SECRET-EXPECTED",))
    assert (2, "Summit", "East", "Pledge", True, ()) in rows  # the default, taken when East did not answer
    assert (2, "Summit", "West", "Pledge", False, ()) in rows


def test_report_says_which_outcome_held_and_why_with_values(rec):
    out = build(rec).outcome
    assert out.ended and out.name == "Coordination cuts" and out.turn == 4
    first, last = out.tried
    assert (first.name, first.held) == ("Europe-led", False)
    # criterion by criterion, in words: no raw expression
    assert first.values == ("US trust: 4, needs at least 6 — not met; "
                            "JFC North led by a player team's ally: no — not met")
    assert (last.name, last.held, last.condition) == ("Coordination cuts", True, "")


def test_timeline_has_adjudication_override_notes_by_turn(rec):
    r = build(rec)
    turn1 = next(t for t in r.timeline if t.turn == 1)
    texts = [x.text for x in turn1.key_lines()]
    assert any(x.startswith("Adjudicated East's action \"Close the border crossings\": rolled 9.")
               and x.endswith(" against a 70 % chance -> SUCCESS. The border guard is ready") for x in texts), texts
    assert any(x.startswith("Override: US trust 4.5 -> 4. US desk") for x in texts)
    assert not any(x.category == "phase" for x in turn1.key_lines())
    assert any(x.category == "phase" for x in turn1.lines)
    assert [t.turn for t in r.timeline] == [0, 1, 2, 3, 4]


def test_chart_series_follow_the_states_of_each_turn(rec):
    r = build(rec)
    states = rec.states_by_turn()
    money = next(c for c in r.charts if c.id == "money")
    east = next(s for s in money.series if s.name == "East")
    assert east.values == (None, *[states[t].cash["east"] for t in range(1, 5)])
    trust = next(c for c in r.charts if c.id == "track-trust")
    assert trust.series[0].values == tuple(states[t].tracks["trust"] for t in range(0, 5))


# -- HTML ------------------------------------------------------------------------------------
class Outline(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.tags, self.svg, self.text = [], [], 0, []
        self.polylines = self.links = 0
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if a.get("id"):
            self.ids.append(a["id"])
        if tag == "svg":
            self.svg += 1
        if tag == "polyline":
            self.polylines += 1
        for k in ("href", "src"):
            if k in a:
                self.urls.append(a[k])

    def handle_data(self, data):
        self.text.append(data)


def test_html_is_one_self_contained_file_with_its_sections_and_charts(rec):
    r = build(rec)
    page = html.render(r)
    p = Outline()
    p.feed(page)
    for section in ("overview", "outcome", "objectives", "decisions", "timeline", "charts", "improvement-plan"):
        assert section in p.ids, section
    assert [i for i in p.ids if i.startswith("chart-")] == [f"chart-{c.id}" for c in r.charts]
    assert p.svg == len(r.charts) == 6 and p.polylines >= 6
    assert all(u.startswith("#") for u in p.urls), p.urls  # no network, no file
    assert "script" not in p.tags and "link" not in p.tags and "img" not in p.tags
    assert "@media print" in page
    # Text from the save is shown as written, never as markup.
    assert EVIL in "".join(p.text)
    assert "<script>" not in page


def test_markdown_tables_are_well_formed_and_escape_the_save_text(rec):
    text = markdown.render(build(rec))
    width = None
    for line in text.splitlines():
        if not line.startswith("|"):
            width = None
            continue
        cells = len(re.findall(r"(?<!\\)\|", line))
        width = width or cells
        assert cells == width, line
    assert "<script>" not in text and "\\<script\\>" in text


# -- read-only ---------------------------------------------------------------------------------
def test_loading_a_running_exercise_writes_nothing_and_ignores_a_torn_tail(tmp_path):
    folder = scripted_save(tmp_path, end=False, name="Running")
    s = Session.open(folder)  # another process "runs" it: journal open for appending
    before_state = s.state_hash()
    with open(folder / "journal.jsonl", "ab") as f:
        f.write(b'deadbeef {"type":"command","n":')  # a write under way
    before = snapshot(folder)
    rec = record.load(folder)
    out = export(rec, "html", tmp_path / "aar.html")
    export(rec, "md", tmp_path / "aar.md")
    assert snapshot(folder) == before
    assert out.read_text().startswith("<!DOCTYPE html>")
    assert "journal.jsonl:" in rec.notice and "left out" in rec.notice
    assert state_hash(rec.final()) == before_state
    assert build(rec).outcome.ended is False
    s.close()


def test_export_refuses_to_write_into_the_save_folder(rec, saved):
    with pytest.raises(DebriefError, match="inside the save folder"):
        export(rec, "md", saved / "aar.md")
    assert not (saved / "aar.md").exists()


# -- fork ----------------------------------------------------------------------------------------
def test_a_fork_replays_equal_to_the_original_up_to_turn_n(tmp_path, rec):
    original = rec.states_by_turn()
    for n in range(1, rec.last_turn + 1):
        forked = fork(rec, n, tmp_path / "forks")
        again = record.load(forked.folder)  # the fork as saved, replayed from its journal
        assert again.header["parent"]["exercise"] == rec.id and again.header["parent"]["turn"] == n
        states = again.states_by_turn()
        assert max(states) == n
        for t in range(0, n):
            assert state_hash(states[t]) == state_hash(original[t]), (n, t)
        k = rec.start_of_turn(n)
        assert state_hash(again.final()) == state_hash(rec.state_after(k)) == forked.state_hash
        assert again.final().phase == "briefing" and again.final().turn == n
        meta = json.loads((forked.folder / "meta.json").read_text())
        assert meta["parent"]["turn"] == n and meta["turn"] == n


def test_a_fork_given_the_same_commands_ends_as_the_original(tmp_path, rec):
    forked = fork(rec, 2, tmp_path)
    s = Session.open(forked.folder)
    for r in rec.records[forked.records:]:
        s.execute(engine.from_dict(r["command"]))
    assert s.state_hash() == state_hash(rec.final())
    s.close()


# -- the command line ------------------------------------------------------------------------------
def run(*args, saves=None):
    res = CliRunner().invoke(main, [*args, *(["--saves", str(saves)] if saves else [])])
    assert "Traceback" not in res.output and not isinstance(res.exception, Exception) or isinstance(
        res.exception, SystemExit), res.output
    return res


def test_cli_export_and_fork(tmp_path, saved):
    res = run("export", str(saved), "--format", "html", "-o", str(tmp_path / "r.html"))
    assert res.exit_code == 0 and res.output == f"wrote {tmp_path / 'r.html'}\n"
    res = run("export", saved.name, "-o", "-", saves=saved.parent)
    assert res.exit_code == 0 and res.output.startswith("# After-action report: Golden drill")
    res = run("fork", saved.name, "--turn", "3", "--name", "What if", saves=tmp_path)
    assert res.exit_code == 2 and "no save" in res.output  # not in that saves folder
    res = run("fork", str(saved), "--turn", "3", "--name", "What if", saves=tmp_path)
    assert res.exit_code == 0 and "into " + str(tmp_path / "what-if") in res.output


@pytest.mark.parametrize("args,message", [
    (["export", "nope"], "no save 'nope'"),
    (["fork", "{save}", "--turn", "9"], "turn 9 is out of range; this exercise reached turn 4; give a turn from 1 to 4"),
    (["fork", "{save}", "--turn", "0"], "turn 0 is out of range"),
    (["export", "{save}", "-o", "{save}/x.md"], "inside the save folder"),
    (["export", "{save}", "-o", "/nonexistent/dir/x.md"], "does not exist"),
])
def test_cli_bad_input_is_one_clear_line(saved, args, message):
    res = run(*[a.format(save=saved) for a in args])
    assert res.exit_code in (1, 2)
    assert message in res.output
    if res.exit_code == 1:
        assert res.output.count("\n") == 1 and res.output.startswith("error: ")


def test_cli_damaged_journal_names_the_line(tmp_path):
    folder = scripted_save(tmp_path, name="Damaged")
    lines = (folder / "journal.jsonl").read_bytes().split(b"\n")
    lines[5] = lines[5][:20] + b"X" + lines[5][21:]
    (folder / "journal.jsonl").write_bytes(b"\n".join(lines))
    before = snapshot(folder)
    res = run("export", str(folder), "-o", str(tmp_path / "x.md"))
    assert res.exit_code == 1
    assert res.output == (f"error: {folder / 'journal.jsonl'}:6: corrupt record (its checksum or JSON does not "
                          "match: the line was changed or damaged). 5 record(s) before it are intact. Nothing was "
                          f"changed. To continue from the intact part, run `exercise verify {folder} "
                          "--cut-at-damage`: the damaged line and everything after it are moved to a side file, "
                          "never deleted.\n")
    assert snapshot(folder) == before
    (folder / "scenario.json").unlink()
    res = run("fork", str(folder), "--turn", "1")
    assert res.exit_code == 1 and "scenario.json: missing" in res.output


def test_simulated_runs_export_and_never_import_textual(tmp_path):
    code = (
        "import sys, json\n"
        "from click.testing import CliRunner\n"
        "from exercise.cli import main\n"
        f"root = {str(tmp_path)!r}\n"
        "r = CliRunner()\n"
        "res = r.invoke(main, ['simulate', '--runs', '1', '--save', '--saves', root, '--json'])\n"
        "assert res.exit_code == 0, res.output\n"
        "save = json.loads(res.output)['saved'][0]\n"
        "for args in (['export', save, '--format', 'html', '-o', root + '/a.html'],\n"
        "             ['export', save, '-o', root + '/a.md'], ['fork', save, '--turn', '2', '--saves', root]):\n"
        "    res = r.invoke(main, args)\n"
        "    assert res.exit_code == 0, (args, res.output)\n"
    )
    assert_runs_without_textual(code)
    assert "simulated run (bots played every team)" in (tmp_path / "a.md").read_text()
    assert (tmp_path / "a.html").read_text().count("<svg") == 11


def test_an_argued_action_without_an_intended_result_reads_cleanly():
    from support import MINI, load_fixture

    from exercise.narrate import Narrator

    mini = load_fixture(MINI)
    n = Narrator(mini.scenario)
    base = {"kind": "action_argued", "action_id": "action-1", "team": "east", "turn": 1, "reasons": ""}
    assert n.line({**base, "action": "Close the border", "result": ""}).endswith("argues: Close the border")
    assert n.line({**base, "action": "Close the border", "result": "Fewer drones"}).endswith(
        "argues: Close the border, intending: Fewer drones")


def test_markdown_escapes_what_would_format_and_keeps_ids_readable():
    from exercise.debrief.markdown import md

    assert md("us_trust rose") == "us_trust rose"
    assert md("_emph_ and __bold__") == "\\_emph\\_ and \\_\\_bold\\_\\_"
    assert md("# not a heading\n- not a list\n1. not a list") == "\\# not a heading\n\\- not a list\n1\\. not a list"
    assert md("a *b* [c](d) <e> | f `g`") == "a \\*b\\* \\[c\\](d) \\<e\\> \\| f \\`g\\`"


# -- cases found in review -----------------------------------------------------------------------
HOSTILE_NOTE = "First line\r\n~~~\ncode?\n\n---\n# not a heading\n    indented\n&amp; ~~struck~~ and an end"


def _live_save(tmp_path, notes):
    from support import MINI, load_fixture

    from exercise.engine import commands as cm

    mini = load_fixture(MINI)
    s = Session.create(mini.scenario, mini.texts, tmp_path)
    s.execute(cm.Start())
    for text, tags in notes:
        s.execute(cm.AddNote(text, tags))
    s.close()
    return s.folder


def test_multi_line_notes_stay_inside_their_list_item_in_markdown(tmp_path):
    from markdown_it import MarkdownIt

    folder = _live_save(tmp_path, [(HOSTILE_NOTE, ("improvement",))])
    text = markdown.render(build(record.load(folder)))
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    kinds = {t.type for t in tokens}
    assert "fence" not in kinds and "code_block" not in kinds and "hr" not in kinds
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert "not a heading" not in " ".join(headings)
    assert {"Decisions", "Timeline", "Improvement plan"} <= set(headings)  # nothing was swallowed
    rendered = MarkdownIt("commonmark").enable("table").render(text)
    assert "<s>" not in rendered and "&amp;amp;" in rendered  # shown as written, not as markup
    plan = text[text.index("## Improvement plan"):]
    assert plan.count("First line") == 1 and "\r" not in text


def test_notes_that_name_no_objective_reach_the_analysis_and_the_plan(tmp_path):
    folder = _live_save(tmp_path, [("Radios failed twice", ("#improvement",)), ("Good chairing", ("strength",))])
    r = build(record.load(folder))
    assert r.general is not None and r.general.name == "General observations"
    assert [n.text for n in r.general.improvements] == ["Radios failed twice"]
    assert [n.text for n in r.general.strengths] == ["Good chairing"]
    assert ("General observations", "Radios failed twice") in r.improvement_plan()
    assert "General observations" in markdown.render(r) and "General observations" in html.render(r)


def test_scenario_ids_cannot_break_out_of_the_html_charts():
    from exercise.debrief.html import svg_chart
    from exercise.debrief.report import Chart, Series

    chart = Chart(id='track-air"><script>x</script>', title="Air", unit="", labels=("start", "T1"),
                  low=0, high=10, series=(Series("East", (1.0, 2.0)),))
    svg = svg_chart(chart)
    assert "<script>" not in svg and '"><' not in svg.split("<title")[0]


def test_a_fork_records_where_its_parent_is_and_says_how_to_continue(tmp_path, monkeypatch):
    folder = _live_save(tmp_path / "saves", [])
    monkeypatch.chdir(tmp_path)
    out = CliRunner().invoke(main, ["fork", "saves/" + folder.name, "--turn", "1", "--saves", str(tmp_path / "forks")])
    assert out.exit_code == 0, out.output
    forked = next((tmp_path / "forks").iterdir())
    meta = json.loads((forked / "meta.json").read_text())
    assert Path(meta["parent"]["folder"]).is_absolute() and Path(meta["parent"]["folder"]) == folder.resolve()
    assert f"exercise resume {forked}" in out.output
