"""Moving exercises to and from the formats exercise staff already use (docs/interop.md).

- `msel`: a Master Scenario Event List as a spreadsheet (xlsx via openpyxl, csv via the
  standard library), one row per inject, one sheet per pack.
- `openaev`: OpenAEV's scenario export archive (a zip holding one JSON document).

Pure functions where possible (model -> rows or JSON, rows or JSON -> TOML text) with a
thin file layer; nothing here draws a screen, and neither openpyxl nor csv is imported
until a command that uses it runs. This module holds what both share: writing a pack as
commented TOML, canonical forms to compare, and checking a pack before it is written.
"""

from __future__ import annotations

import json
import math
import re
import tempfile
from pathlib import Path

import attrs

from exercise import model
from exercise.convert import unstructure

_ID_CHARS = re.compile(r"[^a-z0-9]+")


class InteropError(Exception):
    """A problem with an input or output file, said for a person (never a traceback)."""


def slug(text: str, taken: set[str] | None = None, fallback: str = "item") -> str:
    """A lowercase-dash id from a name ('Drones over Poland' -> 'drones-over-poland'),
    unique among `taken` (which it extends)."""
    base = _ID_CHARS.sub("-", text.lower()).strip("-")[:60].strip("-") or fallback
    out, n = base, 2
    while taken is not None and out in taken:
        out, n = f"{base}-{n}", n + 1
    if taken is not None:
        taken.add(out)
    return out


# -- TOML values written inline (a spreadsheet cell holds one) ---------------------------


def toml_value(value) -> str:
    """A TOML inline value: strings, numbers, booleans, lists and tables (inline)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        text = repr(value)
        return text if any(c in text for c in ".en") else text + ".0"
    if isinstance(value, str):
        # JSON's escapes are all TOML escapes; TOML also forbids a raw DEL
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{_key(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _key(k: str) -> str:
    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else toml_value(k)


def parse_toml_value(text: str):
    """The value of one inline TOML value (a cell): raises ValueError with the reason."""
    import tomli

    try:
        return tomli.loads("v = " + text.strip())["v"]
    except tomli.TOMLDecodeError as e:
        raise ValueError(str(e).replace("(at line 1, column", "(at column")) from None
    except RecursionError:
        raise ValueError("nested too deeply") from None


# -- model -> plain TOML data, without keys at their defaults ----------------------------


def _defaults(cls) -> dict:
    out = {}
    for f in attrs.fields(cls):
        if f.default is attrs.NOTHING:
            continue
        factory = getattr(f.default, "factory", None)
        d = factory() if factory is not None else f.default
        out[model.toml_key(f)] = _plain(unstructure(d) if attrs.has(type(d)) else d)
    return out


def _plain(value):
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def compact(obj) -> dict:
    """An attrs object as the TOML a trainer would write: keys at their defaults left out,
    nested tables (options, effects) compacted the same way."""
    data = _plain(unstructure(obj))
    return _compact_dict(type(obj), data)


def _compact_dict(cls, data: dict) -> dict:
    attrs.resolve_types(cls, globalns=vars(model))  # the model's annotations are strings
    defaults = _defaults(cls)
    if cls is model.Option:
        defaults.pop("effects", None)  # the validator asks for `effects = []` written out on an option
    fields = {model.toml_key(f): f for f in attrs.fields(cls)}
    out = {}
    for key, value in data.items():
        if key in defaults and value == defaults[key]:
            continue
        if value is None:
            continue
        inner = _inner_class(fields[key].type) if key in fields else None
        if inner is not None and isinstance(value, list):
            value = [_compact_dict(inner, v) if isinstance(v, dict) else v for v in value]
        elif inner is not None and isinstance(value, dict):
            value = _compact_dict(inner, value)
        out[key] = value
    return out


def _inner_class(t):
    import typing

    if attrs.has(t):
        return t
    for a in typing.get_args(t):
        if attrs.has(a):
            return a
    return None


# -- writing a pack: tomli-w, with comments for what was not mapped ----------------------


def pack_toml(info: dict, injects: list[dict], objectives: list[dict] | None = None,
              header: list[str] | None = None, comments: dict[int, list[str]] | None = None) -> str:
    """A pack's TOML text: `header` comment lines, [pack], objectives, then each inject
    with the comment lines `comments[i]` written above it."""
    import tomli_w

    parts = ["#:schema ../docs/schema/pack.schema.json\n"]
    parts += [_comment(line) for line in header or []]
    parts.append("\n" + tomli_w.dumps({"pack": info}, multiline_strings=True))
    for obj in objectives or []:
        parts.append("\n" + _table_of_array("objective", obj))
    for i, inj in enumerate(injects):
        parts.append("\n")
        parts += [_comment(line) for line in (comments or {}).get(i, [])]
        parts.append(_table_of_array("inject", inj))
    return "".join(parts)


def _table_of_array(key: str, row: dict) -> str:
    """`[[key]]` and the row's keys. tomli-w writes a short one-element array of tables
    inline (`key = [{ ... }]`), which after another table would become a key of it."""
    import tomli_w

    text = tomli_w.dumps({key: [row]}, multiline_strings=True)
    if text.startswith(f"[[{key}]]"):
        return text
    return f"[[{key}]]\n" + "".join(f"{_key(k)} = {toml_value(v)}\n" for k, v in row.items())


def _comment(line: str) -> str:
    # one comment per line of the note: a newline in a cell must not end the comment
    return "".join(f"# {part}".rstrip() + "\n" for part in str(line).splitlines() or [""])


# -- checking a pack before it is written --------------------------------------------------


@attrs.frozen
class PackProblem:
    """A problem of a pack checked before it is written: as `exercise validate` prints it
    (`text`), and its key path in the pack (("inject", 3, "requires", 0)) when known, so
    that an import can point at where the value came from instead of a file never written."""

    severity: str
    message: str
    text: str
    path: tuple | None


def check_pack_text(text: str, name: str, scenario: str | None, shown_as: str) -> tuple[list[str], list[str]]:
    """Validate a pack's TOML text as `name`.toml against a scenario (the one given, the
    ones that include a pack of that id, or the default), replacing any pack of the same
    id the scenario already includes. Returns (errors, warnings) as printable lines."""
    found = check_pack(text, name, scenario, shown_as)
    return ([p.text for p in found if p.severity == "error"], [p.text for p in found if p.severity != "error"])


def hosts_of(pack_id: str) -> list[tuple[Path, Path | None]]:
    """The scenarios (in ./scenarios and the bundled ones) that name a pack of this id, each
    with the pack file it loads under that id (a bundled scenario loads the bundled pack)."""
    from exercise.packs import loader
    from exercise.packs.check import _naming

    return [(h, loader.find_pack(pack_id, h)) for h in _naming(pack_id, list(loader.discover("scenarios")))]


def check_pack(text: str, name: str, scenario: str | None, shown_as: str) -> list[PackProblem]:
    """`check_pack_text`'s problems with their key paths."""
    from exercise.packs import loader
    from exercise.packs.check import _naming
    from exercise.packs.problems import Problems
    from exercise.packs.validate import check_scenario

    problems = Problems()
    with tempfile.TemporaryDirectory(prefix="exercise-import-") as tmp:
        path = Path(tmp) / f"{name}.toml"
        path.write_text(text, encoding="utf-8")
        broken: set = set()
        pack, src, doc = loader.load_pack(path, problems, broken)
        if pack is not None and doc is not None:
            hosts: list[Path | None]
            if scenario:
                hosts = [loader.find_scenario(scenario)]
            else:
                hosts = list(_naming(pack.pack.id, list(loader.discover("scenarios")))) or [
                    loader.find_scenario("deadline-2027")]
            for host in [h for h in hosts if h is not None]:
                hp = Problems()
                loaded = loader.load_scenario(host, hp)
                if loaded.scenario is None:
                    problems.error(src, (), f"the scenario {host} used to check the pack does not load")
                    continue
                same = [p for p in loaded.scenario.included if p.pack.id == pack.pack.id]
                old = {f.display for f in loaded.files if Path(f.path).stem == pack.pack.id and f is not loaded.files[0]}
                loaded.origins = {k: o for k, o in loaded.origins.items() if o.file.display not in old}
                loaded.scenario = attrs.evolve(
                    loaded.scenario,
                    included=tuple(p for p in loaded.scenario.included if p not in same) + (pack,))
                loaded.files.append(src)
                loader._record(loaded, model.Pack, doc, src, hp)
                loaded.broken |= broken
                check_scenario(loaded, hp)
                for p in hp.items:
                    if p.file == src.display:
                        problems.keep(p)
        # a problem's key path, read before it is located (locating forgets it)
        paths = {id(p): at[1] for p in problems.items if (at := getattr(p, "_at", None)) is not None}
        return [PackProblem(p.severity, p.message, str(p).replace(src.display, shown_as), paths.get(id(p)) or None)
                for p in problems.sorted(limit=None)]


def write_text(path: Path, text: str, force: bool) -> None:
    """Write a file created by an import: never over an existing one without --force."""
    from exercise.fsutil import atomic_write

    path = Path(path)
    if path.exists() and not force:
        raise InteropError(f"{path} exists; choose another name or pass --force")
    if not path.parent.is_dir():
        raise InteropError(f"{path.parent} is not a folder; create it first")
    try:
        atomic_write(path, text)
    except OSError as e:
        raise InteropError(f"cannot write {path}: {e.strerror or e}") from None


def save_via_temp(path: Path, save) -> None:
    """Save through a temporary file in the same folder, renamed over `path` when done."""
    import os
    import tempfile

    from exercise.fsutil import not_regular

    path = Path(path)
    problem = not_regular(path)
    if problem:
        raise InteropError(f"{path}: {problem}")
    if not path.parent.is_dir():
        raise InteropError(f"{path.parent} is not a folder; create it first")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        save(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except OSError as e:
        raise InteropError(f"cannot write {path}: {e.strerror or e}") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _umask() -> int:
    from exercise.fsutil import _umask as umask

    return umask()
