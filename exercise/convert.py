"""The cattrs converter between TOML documents and the model, strict about types and keys.

TOML already has types, so nothing is coerced: "3" is not an integer and 1 is not a
string. Errors come back as (key path, message) pairs for the locator.
"""

from __future__ import annotations

import functools
import typing
from typing import Any, Literal, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from exercise.model import toml_key
from exercise.suggest import did_you_mean


class Mismatch(ValueError):
    pass


_KIND = {str: "a string", int: "a whole number", float: "a number", bool: "true or false"}


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _expect(kind, value):
    raise Mismatch(f"expected {_KIND[kind]}, found {_describe(value)}")


def _str(value, _):
    if not isinstance(value, str):
        _expect(str, value)
    return value


def _int(value, _):
    if isinstance(value, bool) or not isinstance(value, int):
        _expect(int, value)
    return value


def _float(value, _):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        _expect(float, value)
    return float(value)


def _bool(value, _):
    if not isinstance(value, bool):
        _expect(bool, value)
    return value


def _window(value, _):
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise Mismatch("expected [first, last], two turn numbers")
    return (_int(value[0], None), _int(value[1], None))


@functools.cache
def converter() -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True)
    conv.register_structure_hook(str, _str)
    conv.register_structure_hook(int, _int)
    conv.register_structure_hook(float, _float)
    conv.register_structure_hook(bool, _bool)
    conv.register_structure_hook_func(lambda t: t == tuple[int, int], _window)
    conv.register_structure_hook_func(_is_list_of_tables, _sequence_hook(conv))
    conv.register_structure_hook_func(_is_literal, _literal)
    conv.register_structure_hook_func(_is_str_tuple, _str_tuple)

    def renames(cls):
        return {f.name: override(rename=toml_key(f)) for f in attrs.fields(cls) if toml_key(f) != f.name}

    # Factories run lazily, so a class's hook is built after those of the classes it holds.
    conv.register_structure_hook_factory(
        attrs.has, lambda cls: make_dict_structure_fn(cls, conv, _cattrs_forbid_extra_keys=True, **renames(cls))
    )
    conv.register_unstructure_hook_factory(
        attrs.has, lambda cls: make_dict_unstructure_fn(cls, conv, **renames(cls))
    )
    return conv


def _is_literal(t) -> bool:
    return get_origin(t) is Literal


def _literal(value, t):
    allowed = get_args(t)
    if value not in allowed:
        choices = ", ".join(repr(a) for a in allowed)
        raise Mismatch(f"expected one of {choices}, found {value!r}{did_you_mean(value, map(str, allowed))}")
    return value


def _is_str_tuple(t) -> bool:
    return t == tuple[str, ...]


def _str_tuple(value, _):
    # A single string where a list is expected is a common slip: `to = "all"`.
    if isinstance(value, str):
        raise Mismatch(f'expected a list of strings, found a string: write ["{value}"]')
    if not isinstance(value, (list, tuple)):
        raise Mismatch(f"expected a list of strings, found {_describe(value)}")
    errors = []
    for i, v in enumerate(value):
        if not isinstance(v, str):
            e = Mismatch(f"expected a string, found {_describe(v)}")
            e.__notes__ = [IterableValidationNote(f"index {i}", i, str)]
            errors.append(e)
    if errors:
        raise IterableValidationError("list of strings", errors, tuple[str, ...])
    return tuple(value)


def _is_list_of_tables(t) -> bool:
    return get_origin(t) is tuple and len(get_args(t)) == 2 and get_args(t)[1] is Ellipsis and attrs.has(get_args(t)[0])


def _sequence_hook(conv):
    def hook(value, t):
        if not isinstance(value, (list, tuple)):
            raise Mismatch(f"expected a list of tables, found {_describe(value)}")
        inner = get_args(t)[0]
        out, errors = [], []
        for i, v in enumerate(value):
            try:
                if not isinstance(v, dict):
                    raise Mismatch(f"expected a table, found {_describe(v)}")
                out.append(conv.structure(v, inner))
            except Exception as e:
                e.__notes__ = getattr(e, "__notes__", []) + [IterableValidationNote(f"index {i}", i, inner)]
                errors.append(e)
        if errors:
            raise IterableValidationError("list", errors, t)
        return tuple(out)

    return hook


def structure(doc: object, cls):
    """(object or None, [(path, message, hint)]) — every problem, not only the first."""
    if not isinstance(doc, dict):
        return None, [((), f"expected a table, found {_describe(doc)}", "")]
    try:
        return converter().structure(doc, cls), []
    except Exception as exc:
        return None, list(_flatten(exc, (), cls))


def structure_pruned(doc: dict, cls):
    """Structure; when parts are broken, leave them out and structure the rest.

    A bad key is removed (its default applies); a table that still fails (say, a
    required key is missing) is removed from its list. Returns (object or None,
    problems of the first attempt, dropped rows as (table, index)), so later checks run
    on what is sound and do not cascade.
    """
    import copy

    obj, errs = structure(doc, cls)
    if obj is not None:
        return obj, errs, []
    work = copy.deepcopy(doc)
    dropped: set[tuple[str, int]] = set()
    current = errs
    for _ in range(3):
        progress = False
        for path, _, _ in current:
            if _remove_key(work, path):
                progress = True
        obj, current = structure(work, cls)
        if obj is not None:
            break
        if not progress:
            rows = {(p[0], p[1]) for p, _, _ in current if len(p) >= 2 and isinstance(p[1], int)}
            if not rows or any(len(p) < 2 or not isinstance(p[1], int) for p, _, _ in current):
                return None, errs, []
            for key, i in rows:
                work[key][i] = None  # placeholder keeps the indexes of the others
                dropped.add((key, i))
            for key in {k for k, _ in rows}:
                work[key] = [r for r in work[key] if r is not None]
            obj, current = structure(work, cls)
            if obj is not None:
                break
    return obj, errs, sorted(dropped)


def _remove_key(doc, path) -> bool:
    """Delete the deepest table key on `path`, if it is there; True when something went."""
    node, parent, last = doc, None, None
    for part in path:
        try:
            parent, last, node = node, part, node[part]
        except (KeyError, IndexError, TypeError):
            return False
    if isinstance(parent, dict) and isinstance(last, str):
        del parent[last]
        return True
    if isinstance(parent, list) and len(path) >= 2 and isinstance(path[-2], str):
        # a bad element of a list value: drop the whole key
        return _remove_key(doc, path[:-1])
    return False


def _flatten(exc: BaseException, path: tuple, cls) -> typing.Iterator[tuple[tuple, str, str]]:
    if isinstance(exc, (ClassValidationError, IterableValidationError)):
        owner = getattr(exc, "cl", None)
        for sub in exc.exceptions:
            p, sub_cls = path, cls
            for note in getattr(sub, "__notes__", []):
                if isinstance(note, AttributeValidationNote):
                    field = _field(owner, note.name)
                    p = p + (toml_key(field) if field else note.name,)
                    sub_cls = _inner(field.type) if field else None
                elif isinstance(note, IterableValidationNote):
                    p = p + (note.index,)
                    sub_cls = _inner(note.type) or sub_cls
            yield from _flatten(sub, p, sub_cls)
    elif isinstance(exc, ForbiddenExtraKeysError):
        names = [toml_key(f) for f in attrs.fields(exc.cl)]
        for key in sorted(exc.extra_fields):
            yield path + (key,), f"unknown key {key!r}", did_you_mean(key, names)
    elif isinstance(exc, KeyError):
        yield path, f"missing required key {exc.args[0]!r}", ""
    else:
        text = str(exc) if isinstance(exc, Mismatch) else f"invalid value: {exc}"
        keys = [k for k in path if isinstance(k, str)]
        if keys:
            text = f"{keys[-1]!r}: {text}"
        hint = ""
        if " (did you mean" in text:
            text, hint = text.split(" (did you mean", 1)
            hint = " (did you mean" + hint
        yield path, text, hint


def _field(cls, name):
    if cls is None or not attrs.has(cls):
        return None
    for f in attrs.fields(cls):
        if f.name == name:
            return f
    return None


def _inner(t):
    if t is None:
        return None
    if attrs.has(t):
        return t
    for a in get_args(t):
        if attrs.has(a):
            return a
    return None


def unstructure(obj) -> dict:
    return converter().unstructure(obj)
