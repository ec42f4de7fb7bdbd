"""Authoring, as a trainer finds it: the warnings of `exercise validate` (a pack no scenario
includes, a local scenario with a bundled scenario's id), which scenario an id opens, what
`exercise simulate` reports (choices by team, firing turns, outcomes by policy, one pack),
and the facts docs/authoring.md states (packs by file name, the operators, the required
tables)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import attrs
import pytest
import tomli
import tomli_w
from click.testing import CliRunner

from exercise import conditions as cond
from exercise.cli import main
from exercise.effect_rules import names_of
from exercise.packs import loader
from exercise.packs.check import validate

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini" / "scenarios" / "mini.toml"
MINI_PACK = ROOT / "tests" / "fixtures" / "mini" / "injects" / "mini-pack.toml"
BUNDLED = ROOT / "scenarios" / "deadline-2027.toml"
DOCS = (ROOT / "docs" / "authoring.md").read_text("utf-8")
WARNING = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<col>\d+): warning: (?P<msg>.*)$", re.M)


def _run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text("utf-8").splitlines(), 1) if line.startswith(text))


@pytest.fixture
def room(tmp_path, monkeypatch):
    """A trainer's folder with scenarios/ and injects/, the current folder."""
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "injects").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


# -- validate: a pack no scenario includes ---------------------------------------------------
def test_a_pack_no_scenario_includes_is_a_warning_at_its_id_line(room):
    assert _run("new", "pack", "baltic-cables").exit_code == 0
    pack = room / "injects" / "baltic-cables.toml"
    res = _run("validate", "injects/baltic-cables.toml")
    assert res.exit_code == 0, res.output  # a warning, not an error
    hits = [m for m in WARNING.finditer(res.output) if "no scenario includes this pack" in m["msg"]]
    assert len(hits) == 1, res.output
    assert hits[0]["file"] == "injects/baltic-cables.toml"
    assert int(hits[0]["line"]) == _line_of(pack, "id = ")
    assert '"baltic-cables" (its file name)' in hits[0]["msg"]
    assert "1 warning(s)" in res.output.splitlines()[-1]


def test_a_pack_a_scenario_includes_by_file_name_is_not_warned_about(room):
    shutil.copy(MINI_PACK, room / "injects" / "mini-pack.toml")
    shutil.copy(MINI, room / "scenarios" / "mini.toml")
    res = _run("validate", "injects/mini-pack.toml")
    assert res.exit_code == 0 and "no scenario includes" not in res.output, res.output
    # the same pack under another file name is another pack: nothing includes it
    shutil.move(room / "injects" / "mini-pack.toml", room / "injects" / "renamed.toml")
    res = _run("validate", "injects/renamed.toml", "--scenario", "scenarios/mini.toml")
    assert "no scenario includes this pack" in res.output, res.output


def test_validating_everything_warns_of_the_unincluded_pack_only(room):
    shutil.copy(MINI_PACK, room / "injects" / "mini-pack.toml")
    shutil.copy(MINI, room / "scenarios" / "mini.toml")
    assert _run("new", "pack", "spare").exit_code == 0
    res = _run("validate")
    assert res.exit_code == 0, res.output
    warned = [m["file"] for m in WARNING.finditer(res.output) if "no scenario includes" in m["msg"]]
    assert warned == ["injects/spare.toml"], res.output  # the bundled packs are all included
    assert "warning:" not in _run("validate", "-q").output


# -- a local scenario with a bundled one's id --------------------------------------------------
def _copy_keeping_the_id(room: Path, name: str = "baltic") -> Path:
    path = room / "scenarios" / f"{name}.toml"
    text = BUNDLED.read_text("utf-8").replace('title = "Deadline 2027', 'title = "Baltic copy', 1)
    assert "Baltic copy" in text
    path.write_text(text)
    return path


def test_a_local_scenario_keeping_a_bundled_id_is_a_warning_saying_which_wins(room):
    path = _copy_keeping_the_id(room)
    res = _run("validate", "scenarios/baltic.toml")
    assert res.exit_code == 0, res.output
    hits = [m for m in WARNING.finditer(res.output) if "also the id of the bundled scenario" in m["msg"]]
    assert len(hits) == 1, res.output
    assert hits[0]["file"] == "scenarios/baltic.toml"
    assert int(hits[0]["line"]) == _line_of(path, "id = ")
    assert "local scenarios (./scenarios) win over bundled ones" in hits[0]["msg"]
    assert "opens this file" in hits[0]["msg"]


def test_a_bundled_id_opens_the_local_scenario_and_every_command_says_so(room):
    _copy_keeping_the_id(room)
    assert loader.find_scenario("deadline-2027") == Path("scenarios/baltic.toml").absolute()
    res = CliRunner().invoke(main, ["simulate", "deadline-2027", "-n", "1"])
    assert res.exit_code == 0, res.output
    assert "Baltic copy" in res.stdout.splitlines()[0]  # the local one ran
    assert "note: 'deadline-2027' opens scenarios/baltic.toml" in res.stderr
    assert "local scenarios win over bundled ones" in res.stderr
    res = CliRunner().invoke(main, ["validate", "--scenario", "deadline-2027", str(MINI_PACK)])
    assert "note: 'deadline-2027' opens scenarios/baltic.toml" in res.stderr
    # the start screen lists the local one, not the bundled one it hides
    assert "baltic" in loader.scenario_ids() and "deadline-2027" not in loader.scenario_ids()


def test_without_a_local_copy_the_bundled_scenario_opens_and_nothing_is_said(room):
    res = CliRunner().invoke(main, ["simulate", "deadline-2027", "-n", "1"])
    assert res.exit_code == 0 and "note:" not in res.stderr, res.stderr
    assert loader.is_bundled(loader.find_scenario("deadline-2027"))


def test_a_scenario_elsewhere_with_a_bundled_id_is_told_it_does_not_win(room, tmp_path_factory):
    away = tmp_path_factory.mktemp("away") / "scenarios"
    away.mkdir()
    path = away / "mine.toml"
    path.write_text(BUNDLED.read_text("utf-8"))
    report = validate([path])
    msgs = [p.message for p in report.problems.warnings if "bundled scenario" in p.message]
    assert len(msgs) == 1 and "not this file" in msgs[0], msgs


# -- simulate ---------------------------------------------------------------------------------
def _simulate(*args: str) -> str:
    res = _run("simulate", str(MINI), "-n", "12", *args)
    assert res.exit_code == 0, res.output
    return res.output


def _section(out: str, title: str) -> list[str]:
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start:end]


def test_simulate_shows_choices_by_team_that_add_up_to_the_decisions():
    out = _simulate()
    data = json.loads(_run("simulate", str(MINI), "-n", "12", "--json").output)
    drones = next(d for d in data["decisions"] if d["inject"] == "drones")
    assert drones["teams"], drones
    for o in drones["options"]:
        assert sum(t["chosen"] for t in o["teams"].values()) == o["chosen"]
        assert sum(t["by_default"] for t in o["teams"].values()) == o["by_default"]
    section = _section(out, "Choices by team")
    assert drones["teams"] == ["east"]  # the inject goes to one team: one column
    assert any(line.strip() == "East" for line in section), section
    shoot = next(o for o in drones["options"] if o["id"] == "shoot")
    row = next(line for line in section if line.strip().startswith(shoot["label"]))
    expected = [str(t["chosen"]) + (f"+{t['by_default']}d" if t["by_default"] else "") for t in shoot["teams"].values()]
    assert row.split()[-len(expected):] == expected


def test_simulate_shows_the_turn_each_windowed_inject_fired():
    out = _simulate()
    data = json.loads(_run("simulate", str(MINI), "-n", "12", "--json").output)
    row = next(w for w in data["fired_turns"] if w["inject"] == "sabotage")
    assert row["window"] == [2, 3]
    assert set(row["turns"]) <= {"2", "3"}
    fired = next(i for i in data["injects"] if i["id"] == "sabotage")["runs"]
    assert sum(row["turns"].values()) == fired and row["not_fired"] == 12 - fired
    section = _section(out, "When injects fired")
    assert any("(window T2-T3)" in line for line in section), section
    # a fixed-turn inject has nothing to show
    assert all(w["inject"] != "drones" for w in data["fired_turns"])


def test_simulate_under_mixed_shows_outcomes_by_policy_and_not_otherwise():
    data = json.loads(_run("simulate", str(MINI), "-n", "12", "--json").output)
    rows = data["outcomes_by_policy"]
    assert sum(r["team_runs"] for r in rows) == sum(data["policies"].values()) == 12 * 2
    for r in rows:
        assert sum(o["team_runs"] for o in r["outcomes"]) == r["team_runs"]
    out = _simulate()
    section = _section(out, "Outcomes by policy")
    assert {line.split()[0] for line in section[2:]} == {r["policy"] for r in rows}
    assert all(line.rstrip().endswith("%") for line in section[2:])
    assert "Outcomes by policy" not in _simulate("--policy", "cautious")


def test_simulate_reports_one_packs_injects_only():
    whole = json.loads(_run("simulate", str(BUNDLED), "-n", "2", "--json").output)
    res = _run("simulate", str(BUNDLED), "-n", "2", "--json", "--pack", "peace-talks")
    one = json.loads(res.output)
    pack_ids = {i["id"] for i in tomli.loads((ROOT / "injects" / "peace-talks.toml").read_text("utf-8"))["inject"]}
    assert {i["id"] for i in one["injects"]} == pack_ids
    assert {i["id"] for i in whole["injects"]} > pack_ids  # the other packs' injects are left out
    assert {d["inject"] for d in one["decisions"]} <= pack_ids
    assert {w["inject"] for w in one["fired_turns"]} <= pack_ids
    assert one["outcomes"] == whole["outcomes"]  # the runs are the same
    assert one["pack"] == "peace-talks"
    assert "only" in _simulate("--pack", "mini-pack").splitlines()[1]
    res = CliRunner().invoke(main, ["simulate", str(MINI), "-n", "1", "--pack", "nope"])
    assert res.exit_code == 2 and "no pack 'nope'" in res.output and "mini-pack" in res.output
    assert "Traceback" not in res.output


def test_simulate_text_has_no_float_noise():
    out = _simulate()
    assert not re.search(r"\d\.\d{5,}", out), out  # no 0.30000000000000004 anywhere


# -- what docs/authoring.md states ----------------------------------------------------------------
def test_docs_say_packs_are_included_by_file_name_as_the_loader_does(room):
    assert "by **file name**" in DOCS
    assert "scenarios include the pack by this id" not in DOCS
    # the loader: a pack whose id differs from its file name is included by the file name
    text = MINI_PACK.read_text("utf-8").replace('id = "mini-pack"', 'id = "other-id"', 1)
    (room / "injects" / "mini-pack.toml").write_text(text)
    shutil.copy(MINI, room / "scenarios" / "mini.toml")
    report = validate([room / "scenarios" / "mini.toml"])
    assert not report.problems.errors, [str(p) for p in report.problems.errors]
    assert any("differs from the file name" in p.message for p in report.problems.warnings)


def test_docs_list_every_operator_with_an_example_that_checks():
    ops = {op for op, _, _ in cond.OPERATORS}
    grammar = set(re.findall(r'"([^"]+)"', cond.__doc__.split("Grammar")[1].split("Division")[0]))
    grammar -= {"true", "false", "(", ")", ",", "."}  # values and the parts of names and calls
    assert grammar <= ops | {"(", ")"}, grammar - ops
    assert "( )" in ops
    sc = loader.load_scenario(BUNDLED, __import__("exercise.packs.problems").packs.problems.Problems()).scenario
    names = names_of(sc)
    names = attrs.evolve(names, injects=names.injects | {"cable-cut"},  # the tutorial's inject
                         options={**names.options, "cable-cut": frozenset({"board", "escort"})})
    for op, meaning, example in cond.OPERATORS:
        assert cond.check(cond.parse(example), names) == [], example
        assert f"| `{op}` | {meaning} | `{example}` |" in DOCS
    with pytest.raises(cond.ConditionError, match="chained"):
        cond.parse("1 < turn < 4")
    assert "Comparisons do not chain" in DOCS


def test_docs_have_no_broken_article():
    assert "In a inline" not in DOCS and "In a a " not in DOCS
    assert "In an inline table of any effects list." in DOCS


def test_docs_define_held_and_explain_policies_and_rejected_commands():
    from exercise.bots import POLICIES

    assert "**Held** means" in DOCS
    for name in POLICIES:
        assert f"| `{name}` |" in DOCS, name
    assert "**Rejected bot commands**" in DOCS
    assert "once per team that chooses" in DOCS


def _minimal() -> dict:
    return {
        "scenario": {"id": "tiny", "title": "Tiny"},
        "calendar": {"start_year": 2026},
        "budget": {"category": [{"id": "all", "name": "All", "default_share": 1.0}]},
        "team": [{"id": "a", "name": "A", "allies": ["X"]}],
        "ally": [{"id": "X", "name": "X", "gdp": 100, "spending": 2}],
        "outcome": [{"id": "end", "name": "End"}],
    }


@pytest.mark.parametrize("drop", ["scenario", "calendar", "budget", "category", "team", "ally", None])
def test_the_required_tables_the_docs_state_are_the_ones_validate_requires(drop, room):
    assert "**What a scenario must have.**" in DOCS
    doc = _minimal()
    if drop == "category":
        doc["budget"].pop("category")
    elif drop is not None:
        doc.pop(drop)
    path = room / "scenarios" / "tiny.toml"
    path.write_text(tomli_w.dumps(doc))
    report = validate([path])
    if drop is None:
        assert not report.problems.errors and not report.problems.warnings, [str(p) for p in report.problems.items]
    else:
        assert report.problems.errors, f"validate accepts a scenario without {drop}"
