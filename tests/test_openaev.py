"""OpenAEV scenario archives: the export has OpenAEV's shape, the hand-made archive in
tests/fixtures/openaev imports, a round trip keeps what both models hold, and hostile
archives end with a message, never a traceback or a file outside -o."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from exercise.cli import main
from exercise.interop import openaev
from exercise.packs import loader
from exercise.packs.problems import Problems

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "openaev" / "scenario.json"
SCENARIOS = [*sorted((ROOT / "scenarios").glob("*.toml")), ROOT / "tests/fixtures/mini/scenarios/mini.toml"]

# The keys OpenAEV keeps per object (export/Mixins.java) and at the top (ScenarioFileExport)
TOP = {"export_version", "scenario_information", "scenario_teams", "scenario_objectives", "scenario_users",
       "scenario_organizations", "scenario_injects", "scenario_tags", "scenario_documents", "scenario_channels",
       "scenario_articles", "scenario_challenges", "scenario_lessons_categories", "scenario_lessons_questions",
       "scenario_variables"}
INJECT = {"inject_id", "inject_title", "inject_description", "inject_country", "inject_city", "inject_enabled",
          "inject_injector_contract", "inject_all_teams", "inject_depends_on", "inject_depends_duration",
          "inject_tags", "inject_documents", "inject_teams", "inject_content"}
INFO = {"scenario_id", "scenario_name", "scenario_description", "scenario_subtitle", "scenario_category",
        "scenario_main_focus", "scenario_severity", "scenario_message_header", "scenario_message_footer",
        "scenario_mail_from", "scenario_tags", "scenario_documents"}


def archive(path: Path, doc: dict | bytes, extra: list[tuple[str, bytes, str]] = ()) -> Path:
    """A zip as OpenAEV writes it: the JSON entry commented 'Scenario', attachments 'Attachment'."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo("Hospital ransomware.json")
        info.comment = b"Scenario"
        z.writestr(info, doc if isinstance(doc, bytes) else json.dumps(doc))
        for name, data, comment in extra:
            i = zipfile.ZipInfo(name)
            i.comment = comment.encode()
            z.writestr(i, data)
    return path


def _scenario(path: Path):
    problems = Problems()
    loaded = loader.load_scenario(path, problems)
    assert loaded.scenario is not None and not problems.errors, [str(p) for p in problems.items]
    return loaded.scenario


def test_export_has_openaevs_shape(tmp_path):
    out = tmp_path / "s.zip"
    r = CliRunner().invoke(main, ["openaev", "export", "deadline-2027", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "left out" in r.output and "options (decisions)" in r.output
    with zipfile.ZipFile(out) as z:
        (entry,) = z.infolist()
        assert entry.comment == b"Scenario" and entry.filename == "Deadline 2027.json"
        doc = json.loads(z.read(entry))
    assert set(doc) == TOP and doc["export_version"] == 1
    assert set(doc["scenario_information"]) == INFO
    assert all(set(i) == INJECT for i in doc["scenario_injects"])
    ids = {i["inject_id"] for i in doc["scenario_injects"]}
    for i in doc["scenario_injects"]:
        assert i["inject_injector_contract"]["injector_contract_id"] == openaev.EMAIL_CONTRACT
        assert "injector_contract_payload" in i["inject_injector_contract"]
        for dep in i["inject_depends_on"]:
            rel = dep["dependency_relationship"]
            assert rel["inject_children_id"] == i["inject_id"] and rel["inject_parent_id"] in ids
            assert dep["dependency_condition"]["conditions"] == [{"key": "Execution", "operator": "eq", "value": True}]
    # the bundled scenario's turns are 75 minutes (its phases): turn 4 starts 225 minutes in
    by_title = {i["inject_title"]: i for i in doc["scenario_injects"]}
    assert by_title["Halfway: the US desk asks for numbers"]["inject_depends_duration"] == 3 * 75 * 60


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_round_trip_keeps_what_both_models_hold(path, tmp_path, monkeypatch):
    sc = _scenario(path)
    out = tmp_path / "s.zip"
    openaev.write_zip(out, openaev.export_scenario(sc))
    doc, notes = openaev.read_zip(out)
    assert notes == []
    imported = openaev.import_document(doc, "back", str(out))
    assert openaev.check_import(imported, "back") == []
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "injects").mkdir()
    (tmp_path / "scenarios" / "back.toml").write_text(imported.scenario_text)
    (tmp_path / "injects" / "back.toml").write_text(imported.pack_text)
    monkeypatch.chdir(tmp_path)
    back = _scenario(tmp_path / "scenarios" / "back.toml")
    assert openaev.survivors(back) == openaev.survivors(sc)  # calendar, words, funds, budget and phases too
    assert back.calendar.turns == sc.calendar.turns and back.words == sc.words
    assert [t.funds for t in back.teams] == [t.funds for t in sc.teams]


def test_the_hand_made_archive_imports(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    src = archive(tmp_path / "in.zip", json.loads(FIXTURE.read_text()),
                  [("downtime-procedures.pdf", b"%PDF-1.4", "Attachment")])
    r = CliRunner().invoke(main, ["openaev", "import", str(src), "-o", "scenarios/hospital.toml"])
    assert r.exit_code == 1 and "scenarios is not a folder" in r.output
    assert not (tmp_path / "injects").exists()
    (tmp_path / "scenarios").mkdir()
    r = CliRunner().invoke(main, ["openaev", "import", str(src), "-o", "scenarios/hospital.toml"])
    assert r.exit_code == 0, r.output
    for line in ("1 players", "1 documents", "1 lessons-learned questions", "contract 'whoami'",
                 "attachment 'downtime-procedures.pdf'"):
        assert line in r.output
    sc = _scenario(tmp_path / "scenarios" / "hospital.toml")
    assert [t.name for t in sc.teams] == ["Crisis cell", "IT department"]
    assert [o.name for o in sc.objectives] == ["Keep patient care safe"]
    first, press, whoami = sc.all_injects()
    assert first.to == ("all",) and first.turn == 1 and first.tags == ("ransomware",)
    assert first.text == ("All workstations in the emergency department show a ransom note.\n\n"
                          "Call the crisis cell & IT.\n\n")
    assert first.expected == ("Declare a major incident",)
    assert press.requires == (first.id,) and press.after == 2 and press.to == ("crisis-cell",)
    assert whoami.reserve and "whoami" in whoami.notes and whoami.to == ("it-department",)


BOMB = "bomb"


@pytest.mark.parametrize("case", ["not-zip", "not-json", "traversal", "bomb", "entries", "exercise", "version",
                                  "wrong-shape", "deep"])
def test_hostile_archives(case, tmp_path, monkeypatch):
    doc = json.loads(FIXTURE.read_text())
    path = tmp_path / "in.zip"
    if case == "not-zip":
        path.write_text("hello")
        expected = "not a readable zip archive"
    elif case == "not-json":
        archive(path, b"{not json")
        expected = "is not JSON (line 1, column 2"
    elif case == "traversal":
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("../../evil.json", json.dumps(doc))
        expected = "no scenario in the archive (an entry commented 'Scenario' or a .json file); entry " \
                   "'../../evil.json' has an unsafe name (absolute or '..'): skipped"
    elif case == "bomb":
        monkeypatch.setattr(openaev, "MAX_UNZIPPED", 1_000_000)
        archive(path, doc, [("zeros.bin", b"\0" * 2_000_000, "Attachment")])
        expected = "a zip bomb?"
    elif case == "entries":
        monkeypatch.setattr(openaev, "MAX_ENTRIES", 5)
        archive(path, doc, [(f"a{i}.txt", b"x", "Attachment") for i in range(10)])
        expected = "11 entries, more than 5"
    elif case == "exercise":
        archive(path, {"export_version": 1, "exercise_information": {}})
        expected = "an OpenAEV simulation (exercise) export, not a scenario"
    elif case == "version":
        archive(path, {**doc, "export_version": 7})
        expected = "only version 1 is known"
    elif case == "wrong-shape":
        archive(path, {**doc, "scenario_injects": [{"inject_title": 5}]})
        expected = "scenario_injects[0].inject_title: expected text, found a number"
    else:
        archive(path, b"[" * 100_000 + b"]" * 100_000)
        expected = "nested too deeply"
    out = tmp_path / "scenarios" / "x.toml"
    out.parent.mkdir()
    r = CliRunner().invoke(main, ["openaev", "import", str(path), "-o", str(out)])
    assert r.exit_code == 1, r.output
    assert expected in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)
    written = {p for p in tmp_path.rglob("*") if p.is_file()} - {path}
    assert written == set(), written


def _river_flood(tmp_path: Path) -> Path:
    """A scenario outside defence as `exercise new scenario` writes it: hour turns, [words],
    teams with funds; 6 turns of 6 hours, its last inject in turn 5."""
    r = CliRunner().invoke(main, ["new", "scenario", "river-flood", "--dir", str(tmp_path / "scenarios")])
    assert r.exit_code == 0, r.output
    path = tmp_path / "scenarios" / "river-flood.toml"
    text = path.read_text("utf-8")
    assert "every = 4" in text and "turns = 6" in text
    text = text.replace("every = 4", "every = 6") + (
        '\n[[inject]]\nid = "levee-breach"\ntitle = "The levee breaks"\nturn = 5\ntext = "Water in the streets."\n')
    path.write_text(text, "utf-8")
    return path


def test_a_scenario_outside_defence_comes_back_whole(tmp_path, monkeypatch):
    """6 turns of 6 hours, [words] and team funds survive export and import (they travel in
    the scenario variable exercise_scenario); no ally or GDP is made up for a funded team."""
    monkeypatch.chdir(tmp_path)
    src = _river_flood(tmp_path)
    sc = _scenario(src)
    r = CliRunner().invoke(main, ["openaev", "export", str(src), "-o", "rf.zip"])
    assert r.exit_code == 0, r.output
    assert "the calendar: 6 turns of 6 hours, from 'Day 1 08:00'" in r.output
    assert "team(s)' funds per turn (Operations: 100 k EUR" in r.output
    with zipfile.ZipFile(tmp_path / "rf.zip") as z:
        doc = json.loads(z.read(z.infolist()[0]))
    (var,) = doc["scenario_variables"]
    assert set(var) == {"variable_id", "variable_key", "variable_value", "variable_description"}
    assert var["variable_key"] == openaev.CARRIED_KEY
    assert "turns: 6" in [t["tag_name"] for t in doc["scenario_tags"]]
    r = CliRunner().invoke(main, ["openaev", "import", "rf.zip", "-o", "scenarios/back.toml"])
    assert r.exit_code == 0, r.output
    assert "made up" not in r.output and "placeholder" not in r.output
    back = _scenario(tmp_path / "scenarios" / "back.toml")
    assert back.calendar.turns == 6 and back.calendar.label(1) == "Day 1 08:00"
    assert back.calendar.label(5) == "Day 2 08:00" and back.calendar == sc.calendar
    assert back.words == sc.words and back.words.ally == "partner"
    assert back.budget.unit == "k EUR" and back.budget.categories == sc.budget.categories
    assert [(t.name, t.funds, t.allies) for t in back.teams] == [(t.name, t.funds, ()) for t in sc.teams]
    assert back.allies == ()
    assert openaev.survivors(back) == openaev.survivors(sc)


def test_what_the_archive_does_not_say_is_named(tmp_path, monkeypatch):
    """An archive without the variable (OpenAEV's own) or with it emptied (OpenAEV exports
    values only when asked): the turn count and the placeholder allies are named as made up."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scenarios").mkdir()
    doc = json.loads(FIXTURE.read_text())
    r = CliRunner().invoke(main, ["openaev", "import", str(archive(tmp_path / "a.zip", doc)), "-o",
                                  "scenarios/a.toml"])
    assert r.exit_code == 0, r.output
    assert "made up (the archive does not say" in r.output
    assert "the number of turns: 3, the last inject's turn" in r.output
    assert "team 'Crisis cell': one placeholder ally (GDP 1, spending 1 %)" in r.output
    # an export of ours whose variable lost its value on the way through OpenAEV
    src = _river_flood(tmp_path)
    export = openaev.export_scenario(_scenario(src))
    del export.document["scenario_variables"][0]["variable_value"]
    r = CliRunner().invoke(main, ["openaev", "import", str(archive(tmp_path / "b.zip", export.document)), "-o",
                                  "scenarios/b.toml"])
    assert r.exit_code == 0, r.output
    assert "'exercise_scenario' has no value (OpenAEV exported the scenario without variable values)" in r.output
    assert "team 'Operations': one placeholder ally" in r.output
    assert "the number of turns" not in r.output  # the 'turns: 6' tag says it
    assert _scenario(tmp_path / "scenarios" / "b.toml").calendar.turns == 6


def test_an_unsafe_entry_beside_the_scenario_is_skipped_and_reported(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scenarios").mkdir()
    src = archive(tmp_path / "in.zip", json.loads(FIXTURE.read_text()), [("../../evil.json", b"{}", "")])
    r = CliRunner().invoke(main, ["openaev", "import", str(src), "-o", "scenarios/h.toml"])
    assert r.exit_code == 0, r.output
    assert "note: entry '../../evil.json' has an unsafe name (absolute or '..'): skipped" in r.output
    assert not (tmp_path.parent / "evil.json").exists()


@pytest.mark.parametrize("value, expected", [
    ("{not json", "'exercise_scenario' is not JSON of format 1"),
    (json.dumps({"format": 1, "calendar": {"turns": "six"}, "words": {"ally": 3}, "teams": [{"name": "Crisis cell",
                                                                                          "funds": "lots"}]}),
     "its calendar table does not fit this format"),
])
def test_a_broken_carried_variable_is_named_and_not_read(value, expected, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scenarios").mkdir()
    doc = json.loads(FIXTURE.read_text())
    doc["scenario_variables"] = [{"variable_id": "v1", "variable_key": openaev.CARRIED_KEY, "variable_value": value,
                                  "variable_description": ""}]
    r = CliRunner().invoke(main, ["openaev", "import", str(archive(tmp_path / "a.zip", doc)), "-o", "scenarios/a.toml"])
    assert r.exit_code == 0, r.output
    assert expected in r.output
    assert "1 variables" not in r.output  # ours is not counted as OpenAEV's
    sc = _scenario(tmp_path / "scenarios" / "a.toml")
    assert sc.calendar.turns == 3 and sc.words == type(sc.words)()
    if "format" in value:
        assert "its words table does not fit this format" in r.output
        assert "team 'Crisis cell' does not fit this format: its funds are not read" in r.output
