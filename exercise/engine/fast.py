"""The engine's micro-optimisations, in one place.

A dry run carries out ~200 commands and folds ~600 events; each command (a `Decision`)
and each `apply` starts from a private copy of the state. `State` is a frozen attrs class
with ~40 fields, so `attrs.evolve` or its generated `__init__` would cost several times
a plain dict copy. A copy is made here instead: a new instance whose `__dict__` is a copy
of the original's, without running `__init__` (its fields are already valid) and around
the frozen `__setattr__` (nothing else holds the copy yet). This is the only place that
goes behind attrs' back; bench/bench_engine.py measures what it buys.
"""

from __future__ import annotations

_new = object.__new__
_setattr = object.__setattr__


def private_copy(state):
    """(copy, copy.__dict__): a new instance of `state`'s class sharing every field value
    with `state`; the caller may write the returned dict until it hands the copy out."""
    fields = state.__dict__.copy()  # .copy() is several times faster than dict(...) here
    copy = _new(state.__class__)
    _setattr(copy, "__dict__", fields)
    return copy, fields
