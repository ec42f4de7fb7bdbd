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
from exercise.fsutil import atomic_write
from exercise.model import toml_key

SCHEMA_BASE = "https://exercise.invalid/schema/"  # an id, never fetched


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
        props[key] = prop
    out = {"type": "object", "additionalProperties": False, "properties": props}
    if cls.__doc__:
        out["description"] = cls.__doc__.strip().splitlines()[0]
    if required:
        out["required"] = required
    return out


def scenario_schema() -> dict:
    defs: dict = {}
    body = _class_schema(model.Scenario, defs, skip=("included",))
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
