"""Exact numbers: money and tracks kept to the scenario's decimal places.

Values stay Python floats (the journal, the views and JSON keep plain numbers), but every
stored money or track value is quantized with `round(x, places)` after each step, so it
is the double nearest to a decimal with at most `places` digits. Doubles nearest to
distinct short decimals are distinct and ordered like them, so comparing two stored values
(or a stored value with a literal of the scenario) agrees with decimal arithmetic: 4.1 - 0.1
is stored as 4.0, never 3.9999999999999996. Where a rule divides (an average over teams),
conditions compute with fractions (`to_fraction`) so the comparison stays exact.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

MAX_DECIMALS = 6  # beyond that, doubles of everyday sizes stop holding every decimal exactly


def decimals_of(x: float) -> int:
    """How many decimal places x has as written (4.125 -> 3, 4.0 -> 0, 1e-07 -> 7)."""
    if isinstance(x, int) or not math.isfinite(x):
        return 0
    exp = Decimal(repr(x)).normalize().as_tuple().exponent
    return -exp if isinstance(exp, int) and exp < 0 else 0


def split(total: float, shares, places: int) -> tuple[float, ...]:
    """`total` (already to `places` decimals) split by `shares`, each part to `places`
    decimals and the parts adding up to the total exactly: the largest-remainder method
    (100 in thirds is 33.34, 33.33, 33.33; the earlier category wins a tie).

    Shares adding up to 1 within the allocation's tolerance split the whole total;
    otherwise the parts add up to the total times their sum, rounded.
    """
    unit = 10 ** places
    whole = round(total * unit)
    s = sum(shares)
    target = whole if abs(s - 1.0) <= 1e-6 else round(whole * s)
    raw = [whole * sh for sh in shares]
    # round(.., 9) first: 349.99999999999994 is 350 units, and ties are decided by order,
    # not by which float happened to land a hair above the other
    base = [math.floor(round(r, 9)) for r in raw]
    left = target - sum(base)
    if left:
        rest = [round(r - b, 9) for r, b in zip(raw, base)]
        order = sorted(range(len(base)), key=lambda i: (-rest[i], i))
        if left > 0:
            for k in range(left):
                base[order[k % len(order)]] += 1
        else:
            for i in reversed(order):
                if not left:
                    break
                if base[i] > 0:
                    base[i] -= 1
                    left += 1
    return tuple(b / unit for b in base)


_FRACTIONS: dict[float, Fraction] = {}


def to_fraction(v) -> Fraction:
    """The exact decimal a stored value stands for (4.1 -> 41/10, not the double's binary value)."""
    if isinstance(v, Fraction):
        return v
    if isinstance(v, float):
        f = _FRACTIONS.get(v)
        if f is None:
            if len(_FRACTIONS) > 4096:
                _FRACTIONS.clear()
            f = _FRACTIONS[v] = Fraction(repr(v)) if math.isfinite(v) else Fraction(0)
        return f
    return Fraction(int(v))


def exact_sum(values) -> Fraction:
    """The exact sum of the decimals `values` stand for (as `sum(map(to_fraction, values))`).

    Added over one common denominator: a Fraction sum reduces by a gcd at every step, which
    made these sums a tenth of a dry run's time (conditions such as avg() run every turn)."""
    fs = [to_fraction(v) for v in values]
    if not fs:
        return Fraction(0)
    d = math.lcm(*(f.denominator for f in fs))
    return Fraction(sum(f.numerator * (d // f.denominator) for f in fs), d)
