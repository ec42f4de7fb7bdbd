"""The one converter between views (exercise.engine.view_types) and JSON-able data.

A view is plain data until it reaches the network edge (or a digest): `unstructure` gives
the dict the protocol sends (docs/protocol.md), `structure` reads it back into the same
typed view, so a screen gets the same object whether its port is local or remote.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from exercise.engine import view_types
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
_ONCE = (view_types.InjectView, view_types.FacilitatorInject)
_MADE = ByIdentity(50_000)  # a big scenario's inboxes: ~13,000 objects


def _once(make):
    return lambda obj: _MADE.made(obj, make)


def _converter(digest: bool = False) -> cattrs.Converter:
    # tuples become lists: the JSON (and the dicts of today's protocol) has lists
    conv = cattrs.Converter(unstruct_collection_overrides={Sequence: list})

    def unstructure_fn(cls):
        make = make_dict_unstructure_fn(cls, conv, **_renames(cls, digest))
        return _once(make) if cls in _ONCE and not digest else make

    conv.register_unstructure_hook_factory(_is_view, unstructure_fn)
    conv.register_structure_hook_factory(_is_view, lambda cls: make_dict_structure_fn(cls, conv, **_renames(cls)))
    return conv


CONVERTER = _converter()
_DIGEST = _converter(digest=True)


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
