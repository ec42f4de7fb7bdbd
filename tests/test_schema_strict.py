"""The JSON Schema (docs/schema, exercise/packs/schema.py) is as strict as `exercise validate`
where a schema can say it: every bundled and fixture file passes, and bad files the validator
refuses are refused by the schema too.

The `jsonschema` package is not in the venv, so a small checker of draft 2020-12 for the
keywords the schema uses lives here; it refuses a keyword it does not know, so the schema
cannot grow one that this test silently ignores.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
import tomli

from exercise.packs import loader
from exercise.packs.check import validate
from exercise.packs.schema import schemas

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
IGNORED = {"$schema", "$id", "title", "description", "default", "$defs"}


class SchemaError(Exception):
    pass


def _type_ok(value, t: str) -> bool:
    if t == "object":
        return isinstance(value, dict)
    if t == "array":
        return isinstance(value, list)
    if t == "string":
        return isinstance(value, str)
    if t == "boolean":
        return isinstance(value, bool)
    if t == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if t == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    raise SchemaError(f"unknown type {t!r}")


def errors(value, schema: dict, root: dict, at: str = "") -> list[str]:
    """What is wrong with `value` under `schema` (empty: valid)."""
    out: list[str] = []
    for key, arg in schema.items():
        if key in IGNORED:
            continue
        if key == "$ref":
            m = re.fullmatch(r"#/\$defs/(\w+)", arg)
            assert m, arg
            out += errors(value, root["$defs"][m.group(1)], root, at)
        elif key == "type":
            if not _type_ok(value, arg):
                out.append(f"{at}: not a {arg}")
        elif key == "enum":
            if value not in arg or any(v == value and type(v) is not type(value) for v in arg if v == value):
                out.append(f"{at}: {value!r} not in {arg}")
        elif key == "const":
            if value != arg:
                out.append(f"{at}: {value!r} is not {arg!r}")
        elif key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            if _type_ok(value, "number"):
                bad = {"minimum": value < arg, "maximum": value > arg,
                       "exclusiveMinimum": value <= arg, "exclusiveMaximum": value >= arg}[key]
                if bad:
                    out.append(f"{at}: {value!r} fails {key} {arg}")
        elif key in ("minItems", "maxItems"):
            if isinstance(value, list) and (len(value) < arg if key == "minItems" else len(value) > arg):
                out.append(f"{at}: {len(value)} items fails {key} {arg}")
        elif key == "required":
            if isinstance(value, dict):
                out += [f"{at}: missing {k!r}" for k in arg if k not in value]
        elif key == "dependentRequired":
            if isinstance(value, dict):
                out += [f"{at}: {k!r} needs {d!r}" for k, deps in arg.items() if k in value
                        for d in deps if d not in value]
        elif key == "properties":
            if isinstance(value, dict):
                for k, sub in arg.items():
                    if k in value:
                        out += errors(value[k], sub, root, f"{at}.{k}")
        elif key == "additionalProperties":
            if isinstance(value, dict):
                known = schema.get("properties", {})
                for k, v in value.items():
                    if k in known:
                        continue
                    if arg is False:
                        out.append(f"{at}: unknown key {k!r}")
                    elif isinstance(arg, dict):
                        out += errors(v, arg, root, f"{at}.{k}")
        elif key == "items":
            if isinstance(value, list):
                start = len(schema.get("prefixItems", ()))
                for i, v in enumerate(value[start:], start):
                    out += errors(v, arg, root, f"{at}[{i}]")
        elif key == "prefixItems":
            if isinstance(value, list):
                for i, (v, sub) in enumerate(zip(value, arg)):
                    out += errors(v, sub, root, f"{at}[{i}]")
        elif key == "contains":
            if isinstance(value, list) and not any(not errors(v, arg, root) for v in value):
                out.append(f"{at}: contains nothing matching")
        elif key == "allOf":
            for sub in arg:
                out += errors(value, sub, root, at)
        elif key == "anyOf":
            if all(errors(value, sub, root, at) for sub in arg):
                out.append(f"{at}: matches none of anyOf")
        elif key == "oneOf":
            n = sum(1 for sub in arg if not errors(value, sub, root, at))
            if n != 1:
                out.append(f"{at}: matches {n} of oneOf, not exactly one")
        elif key == "not":
            if not errors(value, arg, root, at):
                out.append(f"{at}: matches what it must not")
        elif key == "if":
            branch = "then" if not errors(value, arg, root, at) else "else"
            if branch in schema:
                out += errors(value, schema[branch], root, at)
        elif key in ("then", "else"):
            continue  # with "if"
        else:
            raise SchemaError(f"the checker does not know the keyword {key!r}")
    return out


SCENARIO = schemas()["scenario.schema.json"]
PACK = schemas()["pack.schema.json"]


def schema_errors(doc: dict) -> list[str]:
    root = SCENARIO if "scenario" in doc else PACK
    return errors(doc, root, root)


def _files() -> list[Path]:
    bundled = loader.discover("scenarios") + loader.discover("injects")
    return bundled + sorted(FIXTURES.glob("*/scenarios/*.toml")) + sorted(FIXTURES.glob("*/injects/*.toml"))


@pytest.mark.parametrize("path", _files(), ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}/{p.name}")
def test_every_bundled_and_fixture_file_passes_the_schema(path):
    doc = tomli.loads(path.read_text("utf-8"))
    if "pack" not in doc and "scenario" not in doc:
        pytest.skip("not a scenario or a pack")
    assert schema_errors(doc) == []


def test_the_checker_can_fail():
    assert errors(1.5, {"minimum": 0, "maximum": 1}, {}) != []
    assert errors({"a": 1}, {"oneOf": [{"required": ["a"]}, {"required": ["b"]}]}, {}) == []
    assert errors({"a": 1, "b": 1}, {"oneOf": [{"required": ["a"]}, {"required": ["b"]}]}, {}) != []
    with pytest.raises(SchemaError):
        errors(1, {"patternProperties": {}}, {})


# -- bad files: the validator refuses each, and so does the schema ----------------------------
MINI = FIXTURES / "mini" / "scenarios" / "mini.toml"
PACK_HEAD = '[pack]\nid = "bad"\ntitle = "Bad"\n\n'


def _inject(body: str) -> str:
    return PACK_HEAD + f'[[inject]]\nid = "x"\ntitle = "X"\nto = ["all"]\n{body}\n'


BAD_PACKS = {
    "chance above 1": _inject("turn = 2\nchance = 1.5"),
    "chance below 0": _inject("turn = 2\nchance = -0.1"),
    "turn and window": _inject("turn = 2\nwindow = [1, 3]"),
    "window from turn 0": _inject("window = [0, 2]"),
    "turn 0": _inject("turn = 0"),
    "negative after": _inject('requires = ["y"]\nafter = -1') + '\n[[inject]]\nid = "y"\ntitle = "Y"\nturn = 1\n',
    "two targets in an effect": _inject("turn = 2\neffects = [{ track = \"T\", budget = \"B\", add = 1 }]"),
    "no target in an effect": _inject("turn = 2\neffects = [{ add = 1 }]"),
    "add and set": _inject("turn = 2\neffects = [{ track = \"T\", add = 1, set = 2 }]"),
    "track without add or set": _inject("turn = 2\neffects = [{ track = \"T\" }]"),
    "budget without add": _inject("turn = 2\neffects = [{ budget = \"B\" }]"),
    "inject without action": _inject("turn = 2\neffects = [{ inject = \"x\" }]"),
    "item without lead_time": _inject("turn = 2\neffects = [{ item = \"I\" }]"),
    "ally without command": _inject("turn = 2\neffects = [{ ally = \"A\" }]"),
    "combine on a budget": _inject("turn = 2\neffects = [{ budget = \"B\", add = 1, combine = \"once\" }]"),
    "diminishing of 1": _inject("turn = 2\neffects = [{ track = \"T\", add = 1, diminishing = 1 }]"),
    "budget turns 0": _inject("turn = 2\neffects = [{ budget = \"B\", add = 1, turns = 0 }]"),
    "to empty": PACK_HEAD + '[[inject]]\nid = "x"\ntitle = "X"\nto = []\nturn = 2\n',
    "all with a team": PACK_HEAD + '[[inject]]\nid = "x"\ntitle = "X"\nto = ["all", "T"]\nturn = 2\n',
    "options for the facilitator": PACK_HEAD + '[[inject]]\nid = "x"\ntitle = "X"\nto = ["facilitator"]\nturn = 2\n'
    '[[inject.option]]\nid = "o"\nlabel = "O"\ndefault = true\neffects = []\n',
    "odds add above 1": _inject('turn = 2\nodds = [{ condition = "turn > 1", add = 1.5 }]'),
    "severity unknown": _inject('turn = 2\nseverity = "huge"'),
    "measure without target": PACK_HEAD + '[[objective]]\nid = "o"\nname = "O"\nmeasure = "turn"\n',
}


@pytest.mark.parametrize("name", list(BAD_PACKS))
def test_a_bad_pack_is_refused_by_the_validator_and_the_schema(name, tmp_path):
    path = tmp_path / "injects" / "bad.toml"
    path.parent.mkdir()
    path.write_text(BAD_PACKS[name])
    report = validate([path], str(MINI))
    assert report.problems.errors, f"the validator accepts {name!r}"
    assert schema_errors(tomli.loads(BAD_PACKS[name])), f"the schema accepts {name!r}"


def _drop(key):
    return lambda d: d.pop(key)


def _set(*path_and_value):
    *path, value = path_and_value

    def edit(d):
        for k in path[:-1]:
            d = d[k]
        d[path[-1]] = value
    return edit


# name -> an edit of the mini scenario's parsed document
SCENARIO_EDITS = {
    "no teams": _drop("team"),
    "no budget": _drop("budget"),
    "no budget categories": lambda d: d["budget"].pop("category"),
    "turns 0": _set("calendar", "turns", 0),
    "start_quarter 5": _set("calendar", "start_quarter", 5),
    "a share above 1": _set("budget", "category", 0, "max_share", 1.5),
    "playable_share 0": _set("budget", "playable_share", 0),
    "a team plays no ally": _set("team", 0, "allies", []),
    "a team called all": _set("team", 0, "id", "all"),
    "phases out of order": lambda d: d["phase"].reverse(),
    "a track's diminishing of 1": _set("track", 0, "diminishing", 1.0),
    "an item's slip_share 0": _set("item", 0, "slip_share", 0.0),
    "an item's cost 0": _set("item", 0, "cost", 0),
    "gdp 0": _set("ally", 0, "gdp", 0),
}


@pytest.mark.parametrize("name", list(SCENARIO_EDITS))
def test_a_bad_scenario_is_refused_by_the_validator_and_the_schema(name, tmp_path):
    import tomli_w

    doc = tomli.loads(MINI.read_text("utf-8"))
    SCENARIO_EDITS[name](doc)
    for kind in ("scenarios", "injects"):
        (tmp_path / kind).mkdir()
    path = tmp_path / "scenarios" / "mini.toml"
    path.write_text(tomli_w.dumps(doc))
    for f in (MINI.parent.parent / "injects").glob("*.toml"):
        (tmp_path / "injects" / f.name).write_text(f.read_text("utf-8"))
    report = validate([path])
    assert report.problems.errors, f"the validator accepts {name!r}"
    assert schema_errors(doc), f"the schema accepts {name!r}"
