"""Did-you-mean hints for unknown ids: pure, shared by the pack checks and the engine."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

_LARGE_POOL = 300  # above this many choices, look up near ids in an index instead of difflib
_INDEXED_LENGTH = 40  # longer words are not indexed (their deletions would cost too much)


def did_you_mean(word: object, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the closest choice, or ''. Unbudgeted: for small pools
    (keys of a table, pack names, a command's ids); the pack checks use
    `packs.problems.Problems.did_you_mean`, which budgets them."""
    return hint(str(word), frozenset(map(str, choices)), {})


def hint(word: str, pool: frozenset, indexes: dict) -> str:
    """The hint for `word` among `pool`; `indexes` caches the index of large pools."""
    if len(pool) <= _LARGE_POOL:
        close = difflib.get_close_matches(word, sorted(pool), n=1, cutoff=0.6)
        return f" (did you mean {close[0]!r}?)" if close else ""
    # Large pool: only ids one deletion away from a deletion of the word (an edit or two:
    # a typo, a swap, a missing or extra character), ranked by difflib. Costs the word's
    # length squared, not the pool's size.
    if len(word) > _INDEXED_LENGTH:
        return ""
    index = indexes.get(pool)
    if index is None:
        index = indexes[pool] = _deletion_index(pool)
    near: set[str] = set()
    for variant in _deletions(word):
        near.update(index.get(variant, ()))
    close = difflib.get_close_matches(word, sorted(near), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _deletions(word: str) -> set[str]:
    return {word} | {word[:i] + word[i + 1:] for i in range(len(word))}


def _deletion_index(pool: frozenset) -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for choice in pool:
        if len(choice) <= _INDEXED_LENGTH + 1:
            for variant in _deletions(choice):
                index.setdefault(variant, []).append(choice)
    return index


def hint_last(msg: str, where: str) -> str:
    """'unknown team 'eats' in inject 'x' (did you mean 'east'?)': context, then the hint."""
    if " (did you mean" in msg:
        head, rest = msg.split(" (did you mean", 1)
        head, sep, tail = head.partition(";")
        suggestion, after = rest.split(")", 1)
        return f"{head}{where} (did you mean{suggestion})" + (f";{tail}" if sep else "") + after
    return msg + where
