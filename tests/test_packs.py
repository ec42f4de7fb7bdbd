"""Loading, round-tripping, conditions, schema and the starter pack."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from support import FIXTURES, MINI, run_cli
from textual_free import assert_runs_without_textual

from exercise import conditions as cond
from exercise import model
from exercise.convert import structure, unstructure
from exercise.packs import loader
from exercise.packs.check import validate
from exercise.packs.locate import SourceMap
from exercise.packs.problems import Problems
from exercise.packs.schema import schemas

ROOT = Path(__file__).parent.parent
MINI_PACK = FIXTURES / "mini" / "injects" / "mini-pack.toml"


def load(path: Path) -> model.Scenario:
    problems = Problems()
    loaded = loader.load_scenario(path, problems)
    assert not problems.errors, [str(p) for p in problems.items]
    return loaded.scenario


def test_mini_loads_with_its_pack():
    s = load(MINI)
    assert s.id == "mini"
    assert [p.pack.id for p in s.included] == ["mini-pack"]
    assert {i.id for i in s.all_injects()} == {"drones", "sabotage", "follow-up", "reserve-cyber"}
    drones = next(i for i in s.all_injects() if i.id == "drones")
    assert drones.sender == "Border guard"
    assert [o.id for o in drones.options] == ["shoot", "watch"]
    assert s.calendar.label(1) == "2026 Q1" and s.calendar.label(4) == "2026 Q4"
    assert s.calendar.label(5) == "2027 Q1"


def test_round_trip_unstructure_structure():
    s = load(MINI)
    again, errors = structure(unstructure(s), model.Scenario)
    assert errors == []
    assert again == s


def test_bundled_content_round_trips():
    for path in loader.discover("scenarios"):
        s = load(path)
        again, errors = structure(unstructure(s), model.Scenario)
        assert errors == [] and again == s


# -- the locator --------------------------------------------------------------------


def test_locator_points_at_keys_tables_and_array_elements():
    text = MINI_PACK.read_text()
    sm = SourceMap(text)
    lines = text.splitlines()
    line, col = sm.find(("inject", 0, "option", 1, "default"))
    assert lines[line - 1].startswith("default = true")
    line, col = sm.find(("inject", 3, "effects", 0, "budget"))
    assert lines[line - 1][col - 1:].startswith('budget = "sustain"')
    # Unknown paths fall back to the nearest table, never an invented line.
    line, _ = sm.find(("inject", 2, "nope", 3))
    assert lines[line - 1] == "[[inject]]"


def test_locator_is_not_fooled_by_multiline_strings():
    text = 'a = """\n[[inject]]\nturn = 3\n"""\n[[inject]]\nturn = 4\n'
    sm = SourceMap(text)
    assert sm.find(("inject", 0, "turn")) == (6, 1)
    assert ("inject", 1) not in sm.positions


# -- conditions ---------------------------------------------------------------------


class FakeWorld:
    turn = 4
    turns = 8

    def track(self, t):
        return {"us_trust": 2.0}[t]

    def team_track(self, team, t):
        return 3.0

    def ally(self, ally, attr):
        return 2.5

    def call(self, fn, args):
        return {"fired": args == ("rail-blast",), "avg": 5.0}[fn]


NAMES = cond.Names(
    world_tracks=frozenset({"us_trust"}), team_tracks=frozenset({"air"}), teams=frozenset({"east"}),
    allies=frozenset({"PL"}), injects=frozenset({"rail-blast"}),
    options={"rail-blast": frozenset({"a"})},
)


@pytest.mark.parametrize("text,value", [
    ('track.us_trust <= 2 and turn >= 4 and fired("rail-blast")', True),
    ("track.us_trust > 2 or turn == 3", False),
    ("not (turn < 4)", True),
    ("team.east.air + 1 >= 4", True),
    ("ally.PL.spending * 2 == 5", True),
    ('avg("air") / 0 == 0', True),
    ("-turn < 0 and true", True),
])
def test_conditions_evaluate(text, value):
    tree = cond.parse(text)
    assert cond.check(tree, NAMES) == []
    assert bool(cond.compile_expr(tree)(FakeWorld())) is value


@pytest.mark.parametrize("text,fragment,offset", [
    ("turn >=", "expected a value, found the end", 7),
    ("turn >= 1 turn", "missing 'and' or 'or'", 10),
    ("1 < turn < 3", "chained comparisons", 9),
    ("turn @ 2", "unexpected character '@'", 5),
    ('"x" == 1', "quoted id can only be an argument", 0),
    ("fired(x)", "arguments of fired() are quoted ids", 6),
])
def test_condition_syntax_errors_have_offsets(text, fragment, offset):
    with pytest.raises(cond.ConditionError) as e:
        cond.parse(text)
    assert fragment in e.value.message
    assert e.value.offset == offset


@pytest.mark.parametrize("text,fragment", [
    ("track.us_trsut > 1", "unknown track 'us_trsut' (did you mean 'us_trust'?)"),
    ("track.air > 1", "'air' is a team track"),
    ('avg("us_trust") > 1', "'us_trust' is a world track"),
    ('fired("rail")', "unknown inject 'rail'"),
    ('chosen("rail-blast", "b")', "unknown option 'b' of inject 'rail-blast'"),
    ('fired("a", "b")', "fired() takes 1 argument(s)"),
    ("budget > 1", "unknown name 'budget'"),
    ("team.west.air > 1", "unknown team 'west'"),
])
def test_condition_name_checks(text, fragment):
    problems = cond.check(cond.parse(text), NAMES)
    assert any(fragment in p.message for p in problems), [p.message for p in problems]


def test_describe_shows_values():
    tree = cond.parse('track.us_trust <= 2 and fired("rail-blast")')
    assert cond.describe(tree, FakeWorld()) == 'track.us_trust = 2, fired("rail-blast") = true'


# -- hostile conditions: bounded, located, never a traceback ------------------------


def test_condition_longer_than_the_limit_is_refused_before_tokenizing(monkeypatch):
    longest = "turn >= 1 and " * 98 + "turn >= 1 or turn ==   1"  # 200 values
    assert len(longest) < cond.MAX_LENGTH
    assert cond.check(cond.parse(longest.ljust(cond.MAX_LENGTH)), NAMES) == []

    def no_tokens(src):
        raise AssertionError("a condition over the limit must not be tokenized")

    monkeypatch.setattr(cond, "_tokens", no_tokens)
    text = "turn >= 1 and " * 300_000  # 4.2 MB
    with pytest.raises(cond.ConditionError) as e:
        cond.parse(text)
    assert e.value.offset == 0
    assert f"{len(text):,} characters long; the limit is 4,000" in e.value.message


@pytest.mark.parametrize("text,offset", [
    ("(" * 130 + "turn" + ")" * 130, 32),
    ("not " * 40 + "true", 4 * 32),
    ("-" * 40 + "1 < 0", 32),
    ("(not " * 20 + "true" + ")" * 20, 5 * 16),
])
def test_nesting_deeper_than_the_limit_is_a_located_error(text, offset):
    with pytest.raises(cond.ConditionError) as e:
        cond.parse(text)
    assert "nested too deeply: more than 32 levels" in e.value.message
    assert e.value.offset == offset


def test_nesting_up_to_the_limit_parses_checks_and_evaluates():
    text = "(" * 32 + "turn >= 4" + ")" * 32
    tree = cond.parse(text)
    assert cond.check(tree, NAMES) == []
    quoted = cond.parse('fired("' + "(" * 40 + '") or (turn > 1)')  # brackets in an id do not nest
    assert "unknown inject" in cond.check(quoted, NAMES)[0].message
    assert cond.compile_expr(tree)(FakeWorld()) is True
    assert cond.compile_expr(cond.parse("not " * 31 + "not false"))(FakeWorld()) is False


def test_more_values_than_the_limit_is_a_located_error():
    text = " or ".join(["1"] * 700)
    assert len(text) <= cond.MAX_LENGTH
    with pytest.raises(cond.ConditionError) as e:
        cond.parse(text)
    assert "more than 200 values" in e.value.message
    assert e.value.offset == 5 * 200  # the 201st value


def test_thousands_of_terms_never_recurse_per_term(monkeypatch):
    # With the limits lifted, chains of 5,000 or/and/+ terms still parse, check, compile,
    # evaluate and describe: none of them recurses once per term.
    monkeypatch.setattr(cond, "MAX_LENGTH", 10**7)
    monkeypatch.setattr(cond, "MAX_TERMS", 10**6)
    ors = " or ".join(["turn == 3"] * 4999 + ['fired("rail-blast")'])
    ands = " and ".join(['fired("rail-blast")'] * 5000)
    sums = " + ".join(["1"] * 5000) + " == 5000 and " + " - ".join(["turn"] * 5000) + " == -19992"
    mixed = " or ".join(f"(turn == {k} and not fired(\"nope{k}\"))" for k in range(5000))
    for text, value in [(ors, True), (ands, True), (sums, True), (mixed, True)]:
        tree = cond.parse(text)
        assert bool(cond.compile_expr(tree)(FakeWorld())) is value, text[:40]
        problems = cond.check(tree, NAMES)
        assert len(problems) == (5000 if text is mixed else 0)
        assert cond.describe(tree, FakeWorld())
    assert cond.describe(cond.parse(ors), FakeWorld()) == 'turn = 4, fired("rail-blast") = true'


class AnyWorld(FakeWorld):
    def call(self, fn, args):
        return 1.0


_TOKENS = ["turn", "turns", "track.us_trust", "team.east.air", "ally.PL.spending", "track", "team",
           'fired("rail-blast")', 'chosen("rail-blast", "a")', 'avg("air")', "fired(", '"x"', "'y'",
           "and", "or", "not", "true", "false", "(", ")", "(", ")", ",", ".", "<", "<=", ">", ">=",
           "==", "!=", "+", "-", "*", "/", "0", "1", "2.5", "@", "#", "\n", "\\", '"', "é"]


@settings(max_examples=200, deadline=None)
@given(st.one_of(
    st.lists(st.sampled_from(_TOKENS), max_size=80).map(" ".join),
    st.lists(st.sampled_from(_TOKENS), max_size=80).map("".join),
    st.text(max_size=60),
    st.one_of(st.integers(0, 40), st.integers(100, 1200)).map(lambda n: "(" * n + "turn" + ")" * n),
    st.one_of(st.integers(1, 40), st.integers(190, 6000)).map(lambda n: " or ".join(["1"] * n)),
))
# Hypothesis raises the recursion limit while it runs, so these are far deeper than the
# 130 parentheses and 1,000 terms that used to end in a RecursionError outside it.
@example("(" * 1000 + "turn" + ")" * 1000)
@example(" or ".join(["1"] * 6000))
@example("turn >= 1 and " * 1000)
def test_any_text_is_a_tree_or_a_located_error(text):
    try:
        tree = cond.parse(text)
    except cond.ConditionError as e:
        assert 0 <= e.offset <= len(text)
        assert e.message
        return
    problems = cond.check(tree, NAMES)
    for problem in problems:
        assert 0 <= problem.offset <= len(text)
    if not problems:  # what checks can be compiled, evaluated and described
        cond.compile_expr(tree)(AnyWorld())
        cond.describe(tree, AnyWorld())


# -- property: mutations never crash ------------------------------------------------

BASE = tomllib.loads(MINI_PACK.read_text())
garbage = st.one_of(st.integers(), st.floats(allow_nan=False), st.text(max_size=8), st.booleans(),
                    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=4), st.integers(), max_size=2))


@st.composite
def mutated_pack(draw):
    import copy

    import tomli_w

    doc = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 4))):
        inj = draw(st.sampled_from(doc["inject"]))
        keys = sorted(inj)
        action = draw(st.sampled_from(["type", "remove", "rename", "add"]))
        key = draw(st.sampled_from(keys))
        if action == "type":
            inj[key] = draw(garbage)
        elif action == "remove":
            inj.pop(key)
        elif action == "rename":
            inj[key + draw(st.sampled_from(["x", "_", "s"]))] = inj.pop(key)
        else:
            inj[draw(st.sampled_from(["turn", "window", "requires", "condition", "to", "option", "effects"]))] = draw(garbage)
    text = tomli_w.dumps(doc).encode()
    if draw(st.booleans()):
        pos = draw(st.integers(0, len(text)))
        text = text[:pos] + draw(st.binary(max_size=6)) + text[pos:]
    return text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=mutated_pack())
def test_mutated_packs_only_ever_give_problems(tmp_path, data):
    (tmp_path / "injects").mkdir(exist_ok=True)
    path = tmp_path / "injects" / "mini-pack.toml"
    path.write_bytes(data)
    report = validate([path], str(MINI))  # must not raise
    for p in report.problems.items:
        assert p.file and p.message
        if p.line is not None:
            assert 1 <= p.line <= data.count(b"\n") + 1


# -- import hygiene, schema, starter, bundled content -------------------------------


def test_commands_that_draw_no_screen_never_import_textual(tmp_path):
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from exercise.cli import main\n"
        "r = CliRunner()\n"
        f"for args in (['validate', {str(MINI)!r}], ['schema'], ['new', 'pack', 'zz', '--dir', {str(tmp_path)!r}], ['--help']):\n"
        "    res = r.invoke(main, args)\n"
        "    assert res.exit_code == 0, (args, res.output)\n"
    )
    assert_runs_without_textual(code)


def test_checked_in_schema_matches_the_model():
    for name, body in schemas().items():
        on_disk = json.loads((ROOT / "docs" / "schema" / name).read_text())
        assert on_disk == body, f"docs/schema/{name} is stale: run `exercise schema -o docs/schema`"


def test_schema_lists_every_inject_key():
    inject = schemas()["pack.schema.json"]["$defs"]["Inject"]
    assert {"from", "to", "turn", "window", "option", "condition", "reserve"} <= set(inject["properties"])
    assert inject["additionalProperties"] is False


def test_bundled_files_reference_the_schema():
    for path in loader.discover("scenarios") + loader.discover("injects"):
        first = path.read_text().splitlines()[0]
        kind = "scenario" if path.parent.name == "scenarios" else "pack"
        assert first == f"#:schema ../docs/schema/{kind}.schema.json", path
        assert (path.parent / first.split()[1]).resolve().is_file()


def test_bundled_content_validates_from_any_folder(tmp_path):
    res = run_cli("validate", cwd=tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    summary = res.stdout.strip().splitlines()[-1]
    assert summary.startswith("ok: ") and " 0 error(s)" in summary
    n = int(summary.split(" inject(s)")[0].rsplit(" ", 1)[1])
    assert n >= 24


def test_default_scenario_shape():
    s = load(loader.find_scenario("deadline-2027"))
    assert s.calendar.turns == 8 and s.calendar.label(1) == "2026 Q1" and s.calendar.label(8) == "2027 Q4"
    assert len(s.teams) == 4 and len(s.included) >= 4
    injects = s.all_injects()
    assert len(injects) >= 24
    assert sum(1 for i in injects if i.options) > len(injects) / 2
    assert any(i.reserve for i in injects) and any(i.condition for i in injects)
    assert all(i.source for i in injects), "every inject names the incident it is grounded in"


def test_new_pack_validates(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = run_cli("new", "pack", "baltic-cables")
    assert res.returncode == 0, res.stderr
    path = tmp_path / "injects" / "baltic-cables.toml"
    report = validate([path])
    assert not report.problems.errors, [str(p) for p in report.problems.items]
    again = run_cli("new", "pack", "baltic-cables")
    assert again.returncode == 2 and "exists" in again.stderr
    bad = run_cli("new", "pack", "Bad Name")
    assert bad.returncode == 2 and "lowercase" in bad.stderr


def test_authoring_reference_is_current():
    from exercise.packs.reference import reference

    text = (ROOT / "docs" / "authoring.md").read_text()
    assert reference() in text, "docs/authoring.md reference is stale: regenerate it with `exercise schema --reference`"


def test_wheel_ships_the_bundled_content(tmp_path):
    pytest.importorskip("hatchling")
    res = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
                          "-q", "-w", str(tmp_path)], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    import zipfile

    (wheel,) = tmp_path.glob("exercise-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in loader.discover("scenarios") + loader.discover("injects"):
        assert f"exercise/bundled/{path.parent.name}/{path.name}" in names
    assert "exercise/bundled/docs/schema/pack.schema.json" in names
