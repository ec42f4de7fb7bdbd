"""Seeded rolls as a pure function of (seed, counter).

The engine never holds a generator: a roll is `roll(seed, counter)`, the counter lives in
the state and every event that used a roll records its value, so `apply` never rolls and a
replay needs no generator. splitmix64 mixes well enough for dice and costs one multiply
chain per roll.
"""

from __future__ import annotations

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_M1 = 0xBF58476D1CE4E5B9
_M2 = 0x94D049BB133111EB
_TO_UNIT = 2.0 ** -53


def mix64(x: int) -> int:
    """The splitmix64 finaliser: a 64-bit integer to a well-scrambled 64-bit integer."""
    z = x & _MASK
    z = ((z ^ (z >> 30)) * _M1) & _MASK
    z = ((z ^ (z >> 27)) * _M2) & _MASK
    return z ^ (z >> 31)


def roll(seed: int, counter: int) -> float:
    """A float in [0, 1), the same for the same (seed, counter) on every machine."""
    # mix64(seed * _GOLDEN + (counter + 1) * _M1), inlined (a hot path of dry runs)
    z = (seed * _GOLDEN + (counter + 1) * _M1) & _MASK
    z = ((z ^ (z >> 30)) * _M1) & _MASK
    z = ((z ^ (z >> 27)) * _M2) & _MASK
    return ((z ^ (z >> 31)) >> 11) * _TO_UNIT


def derive_seed(seed: int, index: int) -> int:
    """A seed for sub-run `index` of a run seeded `seed` (dry runs, bots)."""
    return mix64((seed & _MASK) ^ mix64(index * _GOLDEN + 0x5851F42D4C957F2D)) >> 1


class Dice:
    """A roll source for the bots: `roll(seed, n)` for n = 0, 1, 2, ...

    Not part of the game state (the game's own rolls use the state's counter); a bot is a
    pure function of the state and the rolls it draws from this.
    """

    __slots__ = ("seed", "counter")

    def __init__(self, seed: int, counter: int = 0):
        self.seed = seed
        self.counter = counter

    def random(self) -> float:
        n = self.counter
        self.counter = n + 1
        return roll(self.seed, n)

    def below(self, n: int) -> int:
        """An integer in [0, n)."""
        return min(int(self.random() * n), n - 1) if n > 0 else 0

    def choice(self, seq):
        return seq[self.below(len(seq))]

    def chance(self, p: float) -> bool:
        n = self.counter
        self.counter = n + 1
        return roll(self.seed, n) < p
