"""Charts as text: a one-line sparkline and a larger braille plot, for terminals and
Markdown. Pure functions of numbers (None: no value at that point)."""

from __future__ import annotations

import math

BARS = "▁▂▃▄▅▆▇█"
# Braille dots by (column 0/1, row 0..3 from the top) within one character cell.
_DOTS = ((0x01, 0x02, 0x04, 0x40), (0x08, 0x10, 0x20, 0x80))


def num(x) -> str:
    """A number as people write it: 2, 2.5, 0.33 (two decimals at most)."""
    if x is None:
        return "-"
    if isinstance(x, float):
        return f"{x:.2f}".rstrip("0").rstrip(".") or "0"
    return str(x)


def bounds(series: list[list[float | None]], low: float | None = None, high: float | None = None) -> tuple[float, float]:
    """The range to draw: the data's range, widened to the given bounds when they are close."""
    values = [v for s in series for v in s if v is not None]
    lo = min(values, default=0.0)
    hi = max(values, default=1.0)
    if low is not None:
        lo = min(lo, low)
    if high is not None:
        hi = max(hi, high)
    if hi - lo < 1e-9:
        lo, hi = lo - 1, hi + 1
    return lo, hi


def ticks(lo: float, hi: float, most: int = 5) -> list[float]:
    """Round values for an axis from lo to hi (widened to the nearest round steps)."""
    span = hi - lo
    raw = span / max(most - 1, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.floor(lo / step + 1e-9) * step
    out = []
    v = first
    while v < hi + step - 1e-9:
        out.append(round(v, 10))
        if v >= hi - 1e-9:
            break
        v += step
    return out


def sparkline(values: list[float | None], low: float | None = None, high: float | None = None) -> str:
    """'▁▃▅█': one character per value (a space where there is none)."""
    lo, hi = bounds([values], low, high)
    out = []
    for v in values:
        if v is None:
            out.append(" ")
        else:
            out.append(BARS[min(len(BARS) - 1, int((v - lo) / (hi - lo) * (len(BARS) - 1) + 0.5))])
    return "".join(out)


def braille(values: list[float | None], width: int = 60, height: int = 8, low: float | None = None,
            high: float | None = None, mark: int | None = None) -> list[str]:
    """A line chart `height` rows by `width` columns in braille dots, the value axis on the
    left. `mark` is the index of a point drawn as a vertical line (the turn in view)."""
    lo, hi = bounds([values], low, high)
    label_w = max(len(num(lo)), len(num(hi)))
    dots_x, dots_y = width * 2, height * 4
    n = len(values)
    grid = [[0] * width for _ in range(height)]

    def dot(x: int, y: int) -> None:
        x = min(max(x, 0), dots_x - 1)
        y = min(max(y, 0), dots_y - 1)
        grid[y // 4][x // 2] |= _DOTS[x % 2][y % 4]

    def at(i: int) -> int:
        return 0 if n <= 1 else round(i * (dots_x - 1) / (n - 1))

    def level(v: float) -> int:
        return round((hi - v) / (hi - lo) * (dots_y - 1))

    if mark is not None and 0 <= mark < n:
        for y in range(0, dots_y, 2):
            dot(at(mark), y)
    prev = None
    for i, v in enumerate(values):
        if v is None:
            prev = None
            continue
        x, y = at(i), level(v)
        if prev is None:
            dot(x, y)
        else:
            (x0, y0) = prev
            steps = max(abs(x - x0), abs(y - y0), 1)
            for s in range(steps + 1):
                dot(round(x0 + (x - x0) * s / steps), round(y0 + (y - y0) * s / steps))
        prev = (x, y)
    rows = []
    for r, cells in enumerate(grid):
        axis = num(hi) if r == 0 else (num(lo) if r == height - 1 else "")
        rows.append(f"{axis:>{label_w}} ┤" + "".join(chr(0x2800 + c) for c in cells))
    return rows
