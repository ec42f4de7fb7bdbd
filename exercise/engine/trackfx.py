"""How effects move a track beyond plain addition (pure: numbers and rules only).

Diminishing returns: a track (or one effect) names the share of its scale next to each
bound where adds shrink. Outside that zone a change counts in full; inside it, a change
towards the bound moves the track by less the closer it gets: the room left to the bound
falls in proportion to itself (room' = -room / zone), so +0.5 then +0.5 lands where +1
does, and the bound is approached but never reached by adds alone. Changes away from the
bound always count in full. The result is rounded to the track's decimals by `set_track`,
and the event records what was asked and what was applied (replay reads the value).

Combining: an option's add on a world track is applied for each team that chooses it
('each', the default, at once), or 'once' however many choose it, or as the 'mean' of the
addressed teams' choices (teams whose choice does not touch the track count 0). The last
two are applied together when deliberation closes, when every answer is in.
"""

from __future__ import annotations

import math

from exercise import model
from exercise.exact import exact_sum

EACH, ONCE, MEAN = "each", "once", "mean"


def zone_of(effect: model.Effect, track: model.Track) -> float:
    """The diminishing share that applies to `effect` on `track` (the effect's wins)."""
    return track.diminishing if effect.diminishing is None else effect.diminishing


def combine_of(effect: model.Effect, track: model.Track) -> str:
    """How `effect` on `track` combines over teams: the effect's, else the track's; 'each'
    for anything that is not an add on a world track (a set, a team track)."""
    if effect.add is None or track.scope != "world":
        return EACH
    return effect.combine or track.combine


def soften(old: float, add: float, lo: float, hi: float, share: float) -> float:
    """The value `add` takes `old` to when adds shrink within `share` of the scale of
    each bound (unrounded; the caller rounds to the track's decimals and clamps)."""
    if not add or share <= 0 or hi <= lo:
        return old + add
    zone = share * (hi - lo)
    room = (hi - old) if add > 0 else (old - lo)
    step = abs(add)
    if room <= 0:
        return old  # at or past the bound already: an add towards it moves nothing
    free = room - zone  # what the track can move before it enters the zone
    if step <= free:
        return old + add
    if free > 0:
        step -= free
        room = zone
    left = room * math.exp(-step / zone)
    # never past the plain add nor behind the start (float error on tiny adds)
    if add > 0:
        return max(old, min(hi - left, old + add))
    return min(old, max(lo + left, old + add))


_MEANS: dict[tuple[tuple[float, ...], int], float] = {}


def mean_add(adds, teams: int) -> float:
    """The mean of the teams' adds (exact, as a fraction, then a float for `set_track`)."""
    key = (tuple(adds), teams)
    mean = _MEANS.get(key)  # memoised: the same few options' adds are combined every turn
    if mean is None:
        if len(_MEANS) > 4096:
            _MEANS.clear()
        mean = _MEANS[key] = float(exact_sum(adds) / teams) if teams else 0.0
    return mean


def why_less(track: model.Track, asked: float, applied: float) -> str:
    """"+1 asked, +0.28 applied: near the top of the scale" (empty when all of it applied)."""
    places = track.decimals
    if round(asked, places) == round(applied, places):
        return ""
    where = "top" if asked > 0 else "bottom"
    return (f"{_signed(asked, places)} asked, {_signed(applied, places)} applied: "
            f"near the {where} of the scale")


def _signed(x: float, places: int) -> str:
    from exercise.engine.decision import number

    return ("+" if x >= 0 else "-") + number(abs(x), places)
