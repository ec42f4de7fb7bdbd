"""Results kept per object and found again by identity, for immutable view parts.

Views are rebuilt after every command, but most of their parts are the very objects of
the last view (the engine memoises inject texts, inboxes, ledger turns), so what was made
from a part (its JSON data, its text made plain) is looked up by the part's identity
instead of made again. Each entry holds the part itself, so its id cannot be reused while
it is cached; the cache is emptied when it reaches its bound.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class ByIdentity:
    """`made(obj, make)`: `make(obj)`, once per object while it stays cached."""

    def __init__(self, limit: int):
        self.limit = limit
        self._made: dict[int, tuple[Any, Any]] = {}  # id(obj) -> (obj, what was made of it)

    def made(self, obj: Any, make: Callable[[Any], Any]) -> Any:
        hit = self._made.get(id(obj))
        if hit is not None and hit[0] is obj:
            return hit[1]
        out = make(obj)
        if len(self._made) >= self.limit:
            self._made.clear()
        self._made[id(obj)] = (obj, out)
        return out

    def __len__(self) -> int:
        return len(self._made)
