"""The one converter between views (exercise.engine.view_types) and JSON-able data.

A view is plain data until it reaches the network edge (or a digest): `unstructure` gives
the dict the protocol sends (docs/protocol.md), `structure` reads it back into the same
typed view, so a screen gets the same object whether its port is local or remote.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from types import UnionType
from typing import Any, TypeVar, Union, get_args, get_origin

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from exercise.engine import view_types
from exercise.engine.parts import changed_at, made_from, source
from exercise.identity import ByIdentity

T = TypeVar("T")


def _is_view(t: Any) -> bool:
    return isinstance(t, type) and attrs.has(t) and t.__module__ == view_types.__name__


def _renames(cls: type, digest: bool = False) -> dict[str, Any]:
    out = {f.name: override(rename=f.metadata["json"]) for f in attrs.fields(cls) if "json" in f.metadata}
    # a field added later, left out at its default: the digest of older saves stays the same
    out.update({f.name: override(omit_if_default=True) for f in attrs.fields(cls) if f.metadata.get("omit_default")})
    if digest:  # the scenario's static wording is not the state's
        out.update({f.name: override(omit=True) for f in attrs.fields(cls) if f.metadata.get("static")})
    return out


# Views share the objects of what did not change (an inject in an inbox: engine/view.py
# keeps it while its answer stays): their data is made once, kept while the object lives
# here, and shared by every view that holds it, so it must not be changed in place.
_ONCE = (view_types.InjectView, view_types.FacilitatorInject, view_types.GuideInject, view_types.WallInject)
_MADE = ByIdentity(50_000)  # a big scenario's inboxes: ~13,000 objects


# A view's containers are made again after every command, but most of their fields are the
# very objects of the last view (engine/view.py keeps every part the command did not touch):
# each such field's data is looked up by identity too, so the data of two views shares what
# did not change (and the patch between them skips it without walking it).
_CONTAINERS = (view_types.PlayerView, view_types.Me, view_types.FacilitatorView, view_types.TeamPrivate,
               view_types.EvaluatorView, view_types.RedView, view_types.WallView)
_SCALARS = (str, int, float, bool, type(None))


def _once(make):
    return lambda obj: _MADE.made(obj, make)


class _Recent:
    """`made(obj, make)` by identity for the parts of the views built lately: a part the next
    build uses again stays, one no build has used for a while goes (a view's containers make
    new tuples each build, an inbox one a command: kept by count alone, the old ones would
    hold memory until the cache is full)."""

    def __init__(self, limit: int):
        self.limit = limit
        self.new: dict[int, tuple[Any, Any]] = {}  # id(obj) -> (obj, data): used since the last turn-over
        self.old: dict[int, tuple[Any, Any]] = {}  # the ones before

    def made(self, obj: Any, make) -> Any:
        hit = self.new.get(id(obj))
        if hit is not None and hit[0] is obj:
            return hit[1]
        hit = self.old.get(id(obj))
        if hit is None or hit[0] is not obj:
            hit = (obj, make(obj))
        if len(self.new) >= self.limit:
            self.old, self.new = self.new, {}
        self.new[id(obj)] = hit
        return hit[1]


_PARTS = _Recent(1024)  # a big scenario's 12 teams and facilitator: ~300 parts a build


def _part_once(make):
    return lambda obj: _PARTS.made(obj, make)


# A long list of shared parts (an inbox, the facilitator's injects) is mostly the last one
# with an item added or replaced: its data is the last list's where the part at that place
# is the same object. The last list is the one the engine made it from (engine/parts.py,
# which also says at which places), else the last one made with the same first part (a list
# made whole, compared item by item). The newest LISTS lists' data are kept, by the list and
# by its first part (an inbox per team, the facilitator's injects, each controller's).
_LISTS: OrderedDict[int, tuple[tuple, list]] = OrderedDict()
_FIRST: OrderedDict[int, tuple[tuple, list]] = OrderedDict()
LISTS = 256


def _last_list(parts: tuple) -> tuple[tuple, list] | None:
    made = source(parts)
    last = _LISTS.get(id(made)) if made is not None else None
    if last is not None and last[0] is made:
        return last
    last = _FIRST.get(id(parts[0]))
    return last if last is not None and last[0][0] is parts[0] else None


def _keep(index: OrderedDict[int, tuple[tuple, list]], key: int, entry: tuple[tuple, list]) -> None:
    index[key] = entry
    index.move_to_end(key)
    if len(index) > LISTS:
        index.popitem(last=False)


def _list_of_parts(make_one):
    def make(parts: tuple) -> list:
        if not parts:
            return []
        last = _last_list(parts)
        if last is None:
            data = [make_one(x) for x in parts]
        else:
            old, old_data = last
            data = old_data[:len(parts)]
            places = changed_at(old, parts)
            for i in places:
                data[i] = make_one(parts[i])
            data += [make_one(x) for x in parts[len(old):]]
            made_from(data, old_data, places)  # the patch from the last data looks there only
        _keep(_LISTS, id(parts), (parts, data))
        _keep(_FIRST, id(parts[0]), (parts, data))
        return data
    return make


def _parts_once(cls: type, conv: cattrs.Converter) -> dict[str, Any]:
    """Overrides for `cls`'s fields that hold parts (anything but a scalar): made once per object."""
    attrs.resolve_types(cls)
    out = {}
    for f in attrs.fields(cls):
        args = get_args(f.type)
        if f.type in _SCALARS or (get_origin(f.type) in (Union, UnionType) and all(a in _SCALARS for a in args)):
            continue  # a scalar, or None or a scalar
        if get_origin(f.type) is tuple and len(args) == 2 and args[1] is Ellipsis and args[0] in _ONCE:
            out[f.name] = _part_once(_list_of_parts(conv.get_unstructure_hook(args[0])))
        else:
            out[f.name] = _part_once(conv.get_unstructure_hook(f.type))
    return out


_FIELDS: dict[tuple[type, str], Any] = {}  # (container class, field) -> its hook, for field_data


def _converter(digest: bool = False) -> cattrs.Converter:
    # tuples become lists: the JSON (and the dicts of today's protocol) has lists
    conv = cattrs.Converter(unstruct_collection_overrides={Sequence: list})

    def unstructure_fn(cls):
        fields = _renames(cls, digest)
        if cls in _CONTAINERS and not digest:
            for name, hook in _parts_once(cls, conv).items():
                _FIELDS[(cls, name)] = hook
                old = fields.get(name)
                fields[name] = override(rename=old.rename if old else None,
                                        omit_if_default=old.omit_if_default if old else None, unstruct_hook=hook)
        make = make_dict_unstructure_fn(cls, conv, **fields)
        return _once(make) if cls in _ONCE and not digest else make

    conv.register_unstructure_hook_factory(_is_view, unstructure_fn)
    conv.register_structure_hook_factory(_is_view, lambda cls: make_dict_structure_fn(cls, conv, **_renames(cls)))
    return conv


CONVERTER = _converter()
_DIGEST = _converter(digest=True)


def field_data(cls: type, name: str, value: Any) -> Any:
    """The data `unstructure` makes of `value` as field `name` of a `cls` container (the
    same hook: the same object for the same part). The field must hold parts, not be
    renamed, and not be left out at its default."""
    if (cls, name) not in _FIELDS:
        CONVERTER.get_unstructure_hook(cls)  # its hooks are made with the container's
    return _FIELDS[(cls, name)](value)


def unstructure(view: Any) -> Any:
    """The view as JSON-able data (dicts, lists, str, numbers, bool, None); parts of it may
    be shared with other views' data: read it, do not change it in place."""
    return CONVERTER.unstructure(view)


def for_digest(view: Any) -> Any:
    """`unstructure` without the scenario's static wording (fields marked STATIC): what a
    state hash digests, so it changes with what events change, not with how rules are worded."""
    return _DIGEST.unstructure(view)


def structure(data: Any, cls: type[T]) -> T:
    """JSON-able data (as `unstructure` made it) back into a view of class `cls`."""
    return CONVERTER.structure(data, cls)
