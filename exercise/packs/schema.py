"""JSON Schema for scenario and pack files, built from the model's field docs.

Editors with TOML schema support (Taplo, Even Better TOML) read the `#:schema` first line
of a file and then complete keys and flag mistakes as a trainer types.
"""

from __future__ import annotations

import json
import types
from pathlib import Path
from typing import Literal, Union, get_args, get_origin

import attrs

from exercise import model
from exercise.exact import MAX_DECIMALS
from exercise.fsutil import atomic_write
from exercise.model import toml_key

SCHEMA_BASE = "https://exercise.invalid/schema/"  # an id, never fetched


# -- what the validator checks that a schema can say too ---------------------------------------
# exercise/packs/validate.py and exercise/effect_rules.py are the authority; these mirror every
# check of theirs on one file that JSON Schema can express (ranges, "one of these keys",
# "this key only with that one"), so an editor underlines what `exercise validate` refuses.
# What needs the whole scenario (ids that exist, a pack's ids against its scenario, decimals
# against a track's precision, a window that ends before it starts) stays the validator's.
# tests/test_schema_strict.py checks both ways: bundled files pass, bad ones fail in both.

_SHARE = {"minimum": 0, "maximum": 1}  # a chance or a share, 0-1
_COUNT0 = {"minimum": 0}
_COUNT1 = {"minimum": 1}
_DECIMALS = {"minimum": 0, "maximum": MAX_DECIMALS}
_TARGETS = ("track", "budget", "item", "inject", "ally")  # an effect names exactly one
_SPECIAL_TARGETS = ("all", "facilitator")

# (class, toml key) -> keywords added to the key's schema
RANGES: dict[tuple[str, str], dict] = {
    ("Calendar", "turns"): _COUNT1,
    ("Calendar", "start_quarter"): {"minimum": 1, "maximum": 4},
    ("Budget", "playable_share"): {"exclusiveMinimum": 0, "maximum": 1},
    ("Budget", "turns_per_year"): _COUNT1,
    ("Budget", "carry_over"): _SHARE,
    ("Budget", "decimals"): _DECIMALS,
    ("Budget", "category"): {"minItems": 1},
    ("Category", "min_share"): _SHARE,
    ("Category", "max_share"): _SHARE,
    ("Category", "default_share"): _SHARE,
    ("Team", "allies"): {"minItems": 1},
    ("Team", "id"): {"not": {"enum": list(_SPECIAL_TARGETS)}},
    ("Ally", "gdp"): {"exclusiveMinimum": 0},
    ("Ally", "spending"): {"minimum": 0, "maximum": 50},
    ("Command", "min_gdp"): _COUNT0,
    ("Command", "min_defence"): _COUNT0,
    ("Command", "manning_turns"): {"minimum": 1, "maximum": 20},
    ("Track", "decimals"): _DECIMALS,
    ("Track", "diminishing"): {"minimum": 0, "exclusiveMaximum": 1},
    ("Track", "decay"): _COUNT0,
    ("Track", "estimate"): _COUNT0,
    ("Item", "cost"): {"exclusiveMinimum": 0},
    ("Item", "lead_time"): _COUNT0,
    ("Item", "capacity"): _COUNT1,
    ("Item", "max_quantity"): _COUNT1,
    ("Item", "slip_chance"): _SHARE,
    ("Item", "cancel_penalty"): _SHARE,
    ("Item", "slip_turns"): _COUNT0,
    ("Item", "slip_share"): {"exclusiveMinimum": 0, "maximum": 1},
    ("Item", "expedite_cost"): _SHARE,
    ("Item", "expedite_chance"): _SHARE,
    ("Item", "paid_on_order"): _SHARE,
    ("Ramp", "turn"): _COUNT1,
    ("Ramp", "capacity"): _COUNT0,
    ("Expansion", "capacity"): _COUNT1,
    ("Expansion", "cost"): _COUNT0,
    ("Expansion", "lead_time"): _COUNT0,
    ("Backlog", "quantity"): _COUNT1,
    ("Backlog", "arrives"): _COUNT1,
    ("Inject", "turn"): _COUNT1,
    ("Inject", "window"): {"prefixItems": [{"type": "integer", "minimum": 1}] * 2},
    ("Inject", "chance"): _SHARE,
    ("Inject", "after"): _COUNT0,
    ("Inject", "to"): {"minItems": 1},
    ("Odds", "add"): {"minimum": -1, "maximum": 1},
    ("Effect", "turns"): _COUNT1,
    ("Effect", "narrow"): {"exclusiveMinimum": 0},
    ("Effect", "diminishing"): {"minimum": 0, "exclusiveMaximum": 1},
    ("Scorecard", "credible_within"): _COUNT0,
    ("Scorecard", "criterion"): {"minItems": 1},
    ("Criterion", "weight"): {"exclusiveMinimum": 0},
    ("Criterion", "partly_points"): _SHARE,
    ("ScoreBand", "score"): {"minimum": 0, "maximum": 100},
    ("ScoreBand", "max_not_met"): _COUNT0,
    ("Adversary", "budget"): _COUNT0,
    ("Adversary", "resist_share"): _SHARE,
    ("Adversary", "resist"): _SHARE,
    ("RedAction", "cost"): _COUNT0,
    ("RedAction", "detection"): _SHARE,
    ("RedAction", "attribution"): _SHARE,
    ("RedAction", "escalation"): _COUNT0,
    ("RedAction", "max_per_turn"): _COUNT1,
    ("RedAction", "max_uses"): _COUNT0,
    ("RedAction", "from_turn"): _COUNT1,
}


def _has(*keys: str) -> dict:
    return {"required": list(keys)}


def _when(condition: dict, then: dict) -> dict:
    return {"if": condition, "then": then}


def _not_key(key: str) -> dict:
    return {"not": _has(key)}


# class -> rules over several keys of one table (added as allOf)
RULES: dict[str, list[dict]] = {
    "Inject": [
        {"not": _has("turn", "window")},  # either turn or window, not both
        # "all" and "facilitator" stand alone in to
        _when({"properties": {"to": {"contains": {"enum": list(_SPECIAL_TARGETS)}}}, **_has("to")},
              {"properties": {"to": {"maxItems": 1}}}),
        # an inject for the facilitator only asks no team to decide
        _when({"properties": {"to": {"const": ["facilitator"]}}, **_has("to")},
              {"properties": {"option": {"maxItems": 0}}}),
    ],
    "Effect": [
        {"oneOf": [_has(k) for k in _TARGETS]},  # exactly one target
        # a track effect: add, set or narrow (exactly one)
        _when(_has("track"), {"oneOf": [_has("add"), _has("set"), _has("narrow")]}),
        _when(_has("budget"), _has("add")),
        _when(_has("item"), _has("lead_time")),
        _when(_has("inject"), _has("action")),
        _when(_has("ally"), _has("command")),
        # combine and diminishing: only on an add to a track
        _when(_has("combine"), _has("track", "add")),
        _when(_has("diminishing"), _has("track", "add")),
    ],
    "Track": [
        # what only a world track or only a team track has ('world' is the default scope)
        _when({**_has("combine"), "properties": {"combine": {"not": {"const": "each"}}}},
              {"properties": {"scope": {"const": "world"}}}),
        _when({"anyOf": [_has("initial_by_team"), _has("funded_by")]},
              {"properties": {"scope": {"const": "team"}}, **_has("scope")}),
        _when({"properties": {"estimate": {"exclusiveMinimum": 0}}, **_has("estimate")},
              {"properties": {"scope": {"const": "world"}}}),
    ],
    "Budget": [_has("category")],  # "budget has no categories" is an error
    "Scorecard": [_has("criterion")],  # so is a scorecard without criteria
    "Objective": [
        {"dependentRequired": {"measure": ["target"], "target": ["measure"]}},
    ],
}


def _phases() -> dict:
    """The phases, when written: all five, in this order."""
    return {"prefixItems": [{"properties": {"id": {"const": p}}} for p in model.PHASES],
            "minItems": len(model.PHASES), "maxItems": len(model.PHASES)}


def _type_schema(t, defs: dict) -> dict:
    origin = get_origin(t)
    if t is str:
        return {"type": "string"}
    if t is bool:
        return {"type": "boolean"}
    if t is int:
        return {"type": "integer"}
    if t is float:
        return {"type": "number"}
    if origin is Literal:
        return {"enum": list(get_args(t))}
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(t) if a is not type(None)]
        return _type_schema(args[0], defs) if len(args) == 1 else {"anyOf": [_type_schema(a, defs) for a in args]}
    if origin is tuple:
        members = get_args(t)
        if len(members) == 2 and members[1] is Ellipsis:
            return {"type": "array", "items": _type_schema(members[0], defs)}
        return {"type": "array", "prefixItems": [_type_schema(a, defs) for a in members],
                "minItems": len(members), "maxItems": len(members)}
    if origin is dict:
        return {"type": "object", "additionalProperties": _type_schema(get_args(t)[1], defs)}
    if attrs.has(t):
        name = t.__name__
        if name not in defs:
            defs[name] = {}  # placeholder against recursion
            defs[name] = _class_schema(t, defs)
        return {"$ref": f"#/$defs/{name}"}
    raise TypeError(f"no schema for {t!r}")


def _class_schema(cls, defs: dict, skip: tuple[str, ...] = ()) -> dict:
    props, required = {}, []
    for f in attrs.fields(attrs.resolve_types(cls)):
        if f.name in skip:
            continue
        key = toml_key(f)
        prop = _type_schema(f.type, defs)
        prop = dict(prop, description=f.metadata.get("doc", ""))
        # attrs.Factory is a class at run time; the stubs type it as a function
        if f.default is not attrs.NOTHING and not isinstance(f.default, attrs.Factory):  # type: ignore[arg-type]
            default = f.default
            if isinstance(default, tuple) and not any(attrs.has(type(x)) for x in default):
                default = list(default)
            if default is None or isinstance(default, (str, int, float, bool, list)):
                prop["default"] = default
        if f.default is attrs.NOTHING:
            required.append(key)
        prop.update(RANGES.get((cls.__name__, key), {}))
        props[key] = prop
    out = {"type": "object", "additionalProperties": False, "properties": props}
    if cls.__doc__:
        out["description"] = cls.__doc__.strip().splitlines()[0]
    if required:
        out["required"] = required
    if cls.__name__ in RULES:
        out["allOf"] = RULES[cls.__name__]
    return out


def scenario_schema() -> dict:
    defs: dict = {}
    body = _class_schema(model.Scenario, defs, skip=("included",))
    body["properties"]["phase"].update(_phases())
    body["properties"]["team"]["minItems"] = 1  # "the scenario has no teams" is an error
    body["required"] = [*body.get("required", ()), "budget", "team"]
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": SCHEMA_BASE + "scenario.schema.json",
            "title": "exercise scenario file", **body, "$defs": defs}


def pack_schema() -> dict:
    defs: dict = {}
    body = _class_schema(model.Pack, defs)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": SCHEMA_BASE + "pack.schema.json",
            "title": "exercise inject pack file", **body, "$defs": defs}


def schemas() -> dict[str, dict]:
    return {"scenario.schema.json": scenario_schema(), "pack.schema.json": pack_schema()}


def write_schemas(folder: Path) -> list[Path]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, body in schemas().items():
        path = folder / name
        atomic_write(path, json.dumps(body, indent=2) + "\n")
        out.append(path)
    return out
