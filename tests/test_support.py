"""The shared test helpers: the polling helper fails loudly, naming what it waited for."""

from __future__ import annotations

import asyncio

import pytest
from support import wait_for


async def test_wait_for_returns_once_the_condition_holds():
    seen: list[int] = []
    asyncio.get_running_loop().call_later(0.02, lambda: seen.append(1))
    await wait_for(lambda: seen, 2)
    assert seen


async def test_wait_for_fails_naming_what_it_waited_for():
    with pytest.raises(AssertionError, match=r"timed out after 0.05 s waiting for: the moon"):
        await wait_for(lambda: False, 0.05, "the moon")
    # without a description, the predicate's own source says what it was
    with pytest.raises(AssertionError, match=r"waiting for: .*lambda: 1 == 2"):
        await wait_for(lambda: 1 == 2, 0.05)
