"""`exercise data`: a save's tables for analysts (exercise.debrief.data, .datafiles).

The scripted drill (tests/test_debrief_support.py) gives every kind of row with fixed
times; a simulated save (`exercise simulate --save`) must open in a spreadsheet with one
sheet per table and the documented columns; the red fixture gives red actions."""

from __future__ import annotations

import csv
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import FIXTURES, MINI
from test_debrief_support import EVIL, drill, fixed_clock, scripted_save

from exercise.cli import main
from exercise.debrief import data, datafiles
from exercise.debrief.record import load
from exercise.engine import commands as cm
from exercise.journal import saves
from exercise.session import Session

RED = FIXTURES / "red" / "scenarios" / "red.toml"
DOCS = Path(__file__).parent.parent / "docs" / "debrief.md"
FORMULA = "=HYPERLINK(\"http://evil.example\",\"click\")"


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> Path:
    """The scripted drill, then an evaluator's rating, a money override and two feedback forms."""
    folder = scripted_save(tmp_path_factory.mktemp("saves"), end=True, name="Operation Copper")
    loaded = drill()
    with pytest.MonkeyPatch.context() as mp:
        clock = fixed_clock()
        for _ in range(200):  # past the scripted save's times
            clock()
        mp.setattr(saves, "now", clock)
        s = Session.open(folder)
        s.execute(cm.AddNote(f"{FORMULA} East was slow\x07", ("improvement",), None, "air", "M", team="east",
                             author="Col. Diaz"))
        s.execute(cm.GiveFeedback("west", "west", ("West's map was clear", "Zulu pace"), ("More time",),
                                  "East's doubts", {"structure": 4, "realism": 2}, "Ann Smith"))
        s.execute(cm.GiveFeedback("east", "east", (EVIL,), (), "", {"structure": 5}))
        s.close()
    assert loaded.scenario is not None
    return folder


@pytest.fixture(scope="module")
def tables(saved):
    return {t.name: t for t in data.build(load(saved))}


def rows(table) -> list[dict]:
    return [dict(zip(table.head, r)) for r in table.rows]


def test_the_tables_and_their_columns_are_the_schema(tables):
    assert list(tables) == [n for n in data.SCHEMA if n != "red_actions"]  # the drill has no adversary
    for name, t in tables.items():
        assert t.head == tuple(c.name for c in data.SCHEMA[name][1])
        assert all(len(r) == len(t.head) for r in t.rows)


def test_decisions_name_the_team_inject_and_option_and_the_time_taken(tables):
    east = next(r for r in rows(tables["decisions"]) if r["team"] == "east" and r["inject"] == "drones")
    assert east["team_name"] == "East" and east["option"] == "shoot" and east["default"] is False
    assert east["option_label"] and east["inject_title"] and east["option_label"] != "shoot"
    # the fixed clock ticks a minute a call: fired by record 2 (the injects phase), answered by record 4
    assert east["fired_at"] == "2026-03-02T09:04:00+00:00" and east["answered_at"] == "2026-03-02T09:08:00+00:00"
    assert east["seconds"] == 240 and east["record"] == 4
    defaults = [r for r in rows(tables["decisions"]) if r["default"]]
    assert defaults and all(r["option"] for r in defaults)


def test_adjudications_overrides_and_notes(tables):
    (a,) = rows(tables["adjudications"])
    assert (a["team"], a["likelihood"], a["rationale"]) == ("east", 70, "The border guard is ready")
    assert isinstance(a["roll"], Decimal) and a["success"] == (a["roll"] < Decimal("0.7"))
    assert a["action_text"] == "Close the border crossings" and a["seconds"] is not None and a["seconds"] > 0
    (o,) = rows(tables["overrides"])
    assert (o["target"], o["track"], o["track_name"], o["value"], o["unit"]) == ("track", "trust", "US trust",
                                                                               Decimal("4"), "")
    assert o["rationale"] == "US desk reacts to the border incident"
    notes = rows(tables["notes"])
    rated = [n for n in notes if n["rating"]]
    assert [n["rating"] for n in rated] == ["S", "M", "U", "M"]
    assert rated[0]["rating_meaning"] == "Performed with some challenges" and rated[0]["objective_name"]
    diaz = rated[-1]
    assert (diaz["author"], diaz["team"], diaz["team_name"]) == ("Col. Diaz", "east", "East")
    assert any(n["text"] == EVIL for n in notes) and diaz["text"].startswith("=HYPERLINK")


def test_tracks_and_money_per_turn_are_exact(tables):
    trust = {r["turn"]: r["value"] for r in rows(tables["tracks"]) if r["track"] == "trust"}
    assert trust[0] == Decimal("5") and trust[1] == Decimal("4")  # overridden to 4 in turn 1
    assert sorted(trust) == list(range(0, max(trust) + 1))
    air = [r for r in rows(tables["tracks"]) if r["track"] == "air"]
    assert {r["team"] for r in air} == {"east", "west"} and all(r["scope"] == "team" for r in air)
    for t in tables.values():
        for r in t.rows:
            for v in r:
                assert not isinstance(v, float), (t.name, r)  # exact decimals, never a float
                if isinstance(v, Decimal):
                    assert len(str(v)) < 20, (t.name, v)  # no binary noise (0.30000000000000004)
    (order,) = [r for r in rows(tables["orders"]) if r["placed_turn"] == 1]
    assert order["item"] == "drone" and isinstance(order["cost"], Decimal) and order["placed_at"]


def test_feedback_forms_one_row_each(tables):
    forms = rows(tables["feedback"])
    assert [f["team"] for f in forms] == ["west", "east"] and forms[0]["participant"] == "Ann Smith"
    assert forms[0]["strength_2"] == "Zulu pace" and forms[0]["strength_3"] == ""
    assert forms[0]["rating_structure"] == 4 and forms[1]["rating_realism"] is None


def test_anonymise_replaces_names_everywhere_and_consistently(saved):
    tables = {t.name: t for t in data.build(load(saved), anonymise=True)}
    text = "".join(datafiles.jsonl_lines(tables.values()))
    for name in ("East", "West", "Col. Diaz", "Diaz", "Ann Smith", "Operation Copper", "operation-copper"):
        assert not re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.I), name
    assert "Team A" in text and "Author 1" in text and "Participant 1" in text
    # the same team is the same pseudonym in every table
    east_decision = next(r for r in rows(tables["decisions"]) if r["inject"] == "drones")
    assert (east_decision["team"], east_decision["team_name"]) == ("team-a", "Team A")
    order = next(r for r in rows(tables["orders"]) if r["placed_turn"] == 1)
    assert (order["team"], order["order"]) == ("team-a", "order-team-a-1")  # ids that hold a team id too
    assert {r["team"] for r in rows(tables["feedback"])} == {"team-a", "team-b"}
    note = next(r for r in rows(tables["notes"]) if r["author"])
    assert note["author"] == "Author 1" and note["text"].endswith("Team A was slow\x07")
    assert dict(tables["about"].rows)["anonymised"] == "yes"
    for line in text.splitlines():
        row = json.loads(line)
        if row["table"] == "events" and row["kind"] == "decision_answered":
            assert json.loads(row["data"])["team"] in ("team-a", "team-b")


def test_xlsx_one_sheet_per_table_header_and_text_kept_as_text(saved, tmp_path):
    from openpyxl import load_workbook

    result = CliRunner().invoke(main, ["data", str(saved), "--format", "xlsx", "-o", str(tmp_path / "d.xlsx")])
    assert result.exit_code == 0, result.output
    wb = load_workbook(tmp_path / "d.xlsx")
    tables = data.build(load(saved))
    assert wb.sheetnames == [t.name for t in tables]
    for t in tables:
        ws = wb[t.name]
        assert tuple(c.value for c in ws[1]) == t.head
        assert ws.max_row == len(t.rows) + 1
    notes = wb["notes"]
    evil = next(c for c in notes["O"][1:] if c.value and "HYPERLINK" in c.value)
    assert evil.value.startswith("=HYPERLINK") and evil.data_type == "s"  # kept as typed, as text
    assert "\x07" not in evil.value and "\ufffd" in evil.value  # a control character a workbook cannot hold
    assert not any(c.data_type == "f" for r in notes.iter_rows() for c in r)  # no formula anywhere


def test_csv_folder_a_file_per_table_and_formulas_defused(saved, tmp_path):
    out = tmp_path / "csv"
    result = CliRunner().invoke(main, ["data", str(saved), "--format", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    tables = data.build(load(saved))
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t.name}.csv" for t in tables)
    for t in tables:
        with open(out / f"{t.name}.csv", encoding="utf-8", newline="") as f:
            got = list(csv.reader(f))
        assert tuple(got[0]) == t.head and len(got) == len(t.rows) + 1
    with open(out / "notes.csv", encoding="utf-8", newline="") as f:
        notes = list(csv.DictReader(f))
    assert any(n["text"] == "'" + EVIL for n in notes) is False  # EVIL starts with "<": left as it is
    assert any(n["text"] == EVIL for n in notes)
    assert any(n["text"].startswith("'=HYPERLINK") for n in notes)
    assert datafiles.csv_value("=1+1") == "'=1+1" and datafiles.csv_value("-3 points") == "'-3 points"
    assert datafiles.csv_value(Decimal("-3.5")) == "-3.5"  # numbers are numbers
    again = CliRunner().invoke(main, ["data", str(saved), "--format", "csv", "-o", str(out)])
    assert again.exit_code == 1 and "already exists" in again.output and "Traceback" not in again.output


def test_jsonl_to_standard_output_a_table_field_per_line(saved):
    result = CliRunner().invoke(main, ["data", str(saved), "--format", "jsonl", "-o", "-"])
    assert result.exit_code == 0
    lines = [json.loads(x) for x in result.output.splitlines()]
    tables = data.build(load(saved))
    assert len(lines) == sum(len(t.rows) for t in tables)
    assert list(lines[0]) == ["table", "field", "value"]
    costs = [x["cost"] for x in lines if x["table"] == "orders"]
    assert all(isinstance(c, (int, float)) for c in costs)
    assert not re.search(r"\d\.\d*(0000000|9999999)\d", result.output)  # no float drift on the way out


def test_a_simulated_save_opens_in_a_spreadsheet_with_every_documented_column(tmp_path):
    from openpyxl import load_workbook

    runner = CliRunner()
    sim = runner.invoke(main, ["simulate", str(MINI), "--runs", "1", "--save", "--saves", str(tmp_path / "s")])
    assert sim.exit_code == 0, sim.output
    (folder,) = [p for p in (tmp_path / "s").iterdir() if p.is_dir()]
    out = tmp_path / "sim.xlsx"
    result = runner.invoke(main, ["data", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output and "decisions" in result.output
    wb = load_workbook(out, read_only=True)
    for name in wb.sheetnames:
        head = next(wb[name].iter_rows(max_row=1, values_only=True))
        assert head == tuple(c.name for c in data.SCHEMA[name][1]), name
    assert {"turns", "events", "decisions", "orders", "tracks"} <= set(wb.sheetnames)
    assert dict(next(t for t in data.build(load(folder)) if t.name == "about").rows)["simulated"] == "yes"


def test_red_actions_when_the_scenario_has_an_adversary(tmp_path):
    from support import load_fixture

    loaded = load_fixture(RED)
    s = Session.create(loaded.scenario, loaded.texts, tmp_path, name="Red drill")
    s.red = "bot"
    s.execute(cm.Start())
    while s.state.status == "running":
        s.execute(cm.Advance(force=True))
    folder = s.folder
    s.close()
    tables = {t.name: t for t in data.build(load(folder))}
    acts = rows(tables["red_actions"])
    assert acts, "the red bot planned nothing"
    assert all(a["status"] in ("planned", "withdrawn", "resolved") for a in acts)
    resolved = [a for a in acts if a["status"] == "resolved"]
    assert resolved and all(isinstance(a["detect_roll"], Decimal) and isinstance(a["cost"], Decimal)
                            for a in resolved)
    assert all(a["action_name"] and a["target_name"] for a in acts)


@pytest.mark.parametrize("args, message", [
    (["--format", "xlsx", "-o", "-"], "standard output in jsonl only"),
    (["-o", "missing/d.xlsx"], "does not exist"),
])
def test_bad_outputs_say_what_to_do(saved, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["data", str(saved), *args])
    assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output


def test_a_symlink_or_fifo_is_never_replaced_and_an_unknown_save_is_a_usage_error(saved, tmp_path):
    import os

    link = tmp_path / "d.jsonl"
    link.symlink_to(tmp_path / "elsewhere")
    result = CliRunner().invoke(main, ["data", str(saved), "--format", "jsonl", "-o", str(link)])
    assert result.exit_code == 1 and "symbolic link" in result.output and not (tmp_path / "elsewhere").exists()
    os.mkfifo(tmp_path / "fifo")
    result = CliRunner().invoke(main, ["data", str(saved), "--format", "xlsx", "-o", str(tmp_path / "fifo")])
    assert result.exit_code == 1 and "FIFO" in result.output
    result = CliRunner().invoke(main, ["data", "no-such-save", "--saves", str(tmp_path)])
    assert result.exit_code == 2 and "no save" in result.output and "Traceback" not in result.output


def test_docs_list_every_table_and_column():
    text = DOCS.read_text(encoding="utf-8")
    for line in data.columns_doc():
        assert line in text, f"docs/debrief.md lacks: {line}"


def test_exact_and_letters():
    assert data.exact(4.1 - 0.1, 2) == Decimal("4") and data.exact(0.1 + 0.2, 2) == Decimal("0.3")
    assert data.exact(0.123456789) == Decimal("0.123456789") and data.exact(None) is None
    assert [data.letters(i) for i in (0, 25, 26, 27)] == ["A", "Z", "AA", "AB"]
    assert datafiles.json_value(Decimal("33.34")) == 33.34 and json.dumps(datafiles.json_value(Decimal("33.34"))) == "33.34"


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "jsonl"])
def test_data_files_are_private_like_the_save(saved, tmp_path, fmt):
    """0600 (the csv folder 0700), whatever the umask: a save's data is no more public than the save."""
    import os
    import stat

    out = tmp_path / ("d" if fmt == "csv" else f"d.{fmt}")
    old = os.umask(0o022)
    try:
        result = CliRunner().invoke(main, ["data", str(saved), "--format", fmt, "-o", str(out)])
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(out.stat().st_mode) == (0o700 if fmt == "csv" else 0o600)
    for f in out.iterdir() if fmt == "csv" else ():
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f


def test_the_about_table_keeps_numbers_as_numbers(tables, saved, tmp_path):
    from openpyxl import load_workbook

    about = dict(tables["about"].rows)
    assert all(isinstance(about[k], int) and not isinstance(about[k], bool)
               for k in ("seed", "turn", "turns", "money_decimals")), about
    out = tmp_path / "d.xlsx"
    assert CliRunner().invoke(main, ["data", str(saved), "-o", str(out)]).exit_code == 0
    sheet = {r[0].value: r[1] for r in load_workbook(out)["about"].iter_rows(min_row=2)}
    assert sheet["seed"].data_type == "n" and sheet["turn"].data_type == "n" and sheet["title"].data_type == "s"
    lines = [json.loads(x) for x in CliRunner().invoke(main, ["data", str(saved), "--format", "jsonl", "-o", "-"])
             .output.splitlines()]
    assert isinstance(next(x["value"] for x in lines if x.get("field") == "seed"), int)
