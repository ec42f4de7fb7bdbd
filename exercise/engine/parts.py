"""Where a long list of view parts changed from the list it was made from.

An inbox, or the facilitator's inject list, is hundreds of parts long and after a command
mostly the very objects of the last one: a few places made again, a few parts added at
the end. Whoever makes such a list from the last one says which places it made again
(`made_from`); the JSON data of the list (view_json) and the patch between two views' data
(net.protocol.diff) then look at those places and at the parts added, instead of comparing
every item (`changed_at`). A list made any other way is compared item by item, in C.

Each record holds both lists, so neither id can be reused while it is kept; the newest
LIMIT are kept (a few per connected kind of seat and command).
"""

from __future__ import annotations

import operator
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import TypeVar

L = TypeVar("L", bound=Sequence)

LIMIT = 512
# id(new) -> (new, old, the places below len(old) where new holds another object)
_FROM: OrderedDict[int, tuple[Sequence, Sequence, tuple[int, ...]]] = OrderedDict()


def made_from(new: L, old: Sequence, places: Iterable[int]) -> L:
    """Record that `new` is `old` with the parts at `places` made again (and maybe more
    after its end); returns `new`. Every place where `new` holds another object than `old`
    must be named (naming one more is harmless)."""
    if new is not old:
        _FROM[id(new)] = (new, old, tuple(places))
        _FROM.move_to_end(id(new))
        if len(_FROM) > LIMIT:
            _FROM.popitem(last=False)
    return new


def source(new: Sequence) -> Sequence | None:
    """The list `new` was recorded as made from, if it was (and the record is kept)."""
    hit = _FROM.get(id(new))
    return hit[1] if hit is not None and hit[0] is new else None


def changed_at(old: Sequence, new: Sequence) -> list[int]:
    """The places (below both lengths) where `new` may hold another object than `old`:
    those recorded when `new` was made from `old`, else every place where it does."""
    keep = min(len(old), len(new))
    hit = _FROM.get(id(new))
    if hit is not None and hit[0] is new and hit[1] is old:
        return sorted(i for i in set(hit[2]) if i < keep)
    # compared in C (map(operator.is_), then list.index): a walk item by item in Python was
    # most of a patch's cost
    same = list(map(operator.is_, old, new))
    out: list[int] = []
    at = -1
    try:
        while True:
            at = same.index(False, at + 1)
            out.append(at)
    except ValueError:
        return out
