"""The rules an effect obeys, as a pure function of the scenario: used by the pack checks
(`packs.validate`) and by the engine for effects the facilitator types live, so both
refuse exactly the same effects with the same words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from exercise import conditions as cond
from exercise import model
from exercise.exact import MAX_DECIMALS, decimals_of
from exercise.suggest import did_you_mean, hint_last

# (word, choices) -> " (did you mean 'x'?)" or ""; the word may be None (a missing id), shown as written
Suggest = Callable[[object, Iterable[str]], str]


def names_of(s: model.Scenario) -> cond.Names:
    injects = s.all_injects()
    return cond.Names(
        world_tracks=frozenset(t.id for t in s.tracks if t.scope == "world"),
        team_tracks=frozenset(t.id for t in s.tracks if t.scope == "team"),
        teams=frozenset(t.id for t in s.teams),
        allies=frozenset(a.id for a in s.allies),
        injects=frozenset(i.id for i in injects),
        options={i.id: frozenset(o.id for o in i.options) for i in injects},
        items=frozenset(i.id for i in s.items),
        commands=frozenset(c.id for c in s.commands),
    )


def too_precise(key: str, value: float | None, places: int, subject: str, fix: str) -> str | None:
    """The complaint about a number with more decimals than what it changes is kept to
    (so an add of 0.125 on a track kept to 2 never rounds away silently), or None."""
    if value is None:
        return None
    n = decimals_of(value)
    if n <= places:
        return None
    other = f", or {fix.format(n=n)}" if n <= MAX_DECIMALS else ""
    return f"{key} {value!r} has {n} decimals; {subject} is kept to {places} (round it{other})"


_TRACK_PLACES: dict[int, tuple[model.Scenario, dict[str, int]]] = {}


def track_places(scenario: model.Scenario) -> dict[str, int]:
    """Track id -> decimals, built once per scenario object (packs have many effects)."""
    hit = _TRACK_PLACES.get(id(scenario))
    if hit is None or hit[0] is not scenario:
        if len(_TRACK_PLACES) > 16:
            _TRACK_PLACES.clear()
        hit = _TRACK_PLACES[id(scenario)] = (scenario, {t.id: t.decimals for t in scenario.tracks})
    return hit[1]


def effect_faults(e: model.Effect, names: cond.Names, scenario: model.Scenario,
                  suggest: Suggest = did_you_mean) -> list[tuple[str, tuple]]:
    """What is wrong with one effect: (message, key path inside the effect) pairs."""
    faults: list[tuple[str, tuple]] = []

    def bad(msg, where=()):
        faults.append((msg, where))

    targets = [k for k in ("track", "budget", "item", "inject", "ally") if getattr(e, k) is not None]
    if len(targets) != 1:
        bad("an effect names exactly one of track, budget, item, inject or ally"
            + (f" (found {', '.join(targets)})" if targets else ""))
        return faults
    target = targets[0]
    teams = names.teams | {"self", "all"}
    if e.team is not None and e.team not in teams:
        bad(f"unknown team {e.team!r} in effect{suggest(e.team, teams)}; use 'self', 'all' or a team id", ("team",))
    if target == "track":
        pool = names.world_tracks | names.team_tracks
        if e.track not in pool:
            bad(f"unknown track {e.track!r}{suggest(e.track, pool)}", ("track",))
        elif e.narrow is not None:
            # an estimate is per team, so a narrowing names whose ('self' when it does not)
            est = {t.id: t.estimate for t in scenario.tracks}.get(e.track or "", 0.0)
            if not est:
                bad(f"narrow needs a track with an estimate (track {e.track!r} has none: give it estimate = ...)",
                    ("narrow",))
            if e.narrow <= 0:
                bad(f"narrow must be above 0 (found {e.narrow:g})", ("narrow",))
            if e.add is not None or e.set is not None:
                bad("a narrow effect changes what a team sees, not the track: remove add and set")
        elif e.track in names.world_tracks and e.team is not None:
            bad(f"track {e.track!r} is a world track; remove team", ("team",))
        if e.narrow is None and (e.add is None) == (e.set is None):
            bad("a track effect needs add or set (one of them)")
        if e.combine is not None and (e.add is None or e.track in names.team_tracks):
            bad("combine is only for an add on a world track (how the teams' choices of an option combine); "
                "remove it", ("combine",))
        if e.diminishing is not None and (e.add is None or not 0 <= e.diminishing < 1):
            bad("diminishing is for an add: the share of the scale where it shrinks, from 0 up to (not "
                f"including) 1 (found {e.diminishing:g})", ("diminishing",))
        places = track_places(scenario).get(e.track or "")
        if places is not None:
            for key in ("add", "set"):
                msg = too_precise(key, getattr(e, key), places, f"track {e.track!r}",
                                  "give the track decimals = {n}")
                if msg:
                    bad(msg, (key,))
    else:
        for key in ("combine", "diminishing"):
            if getattr(e, key) is not None:
                bad(f"{key} is only for a track effect; remove it", (key,))
    if target == "budget":
        cats = {c.id for c in scenario.budget.categories} | {"total"}
        if e.budget not in cats:
            bad(f"unknown budget category {e.budget!r}{suggest(e.budget, cats)}", ("budget",))
        if e.add is None:
            bad("a budget effect needs add (money per turn, negative to cut)")
        msg = too_precise("add", e.add, scenario.budget.decimals, "money",
                          "set decimals = {n} in [budget]")
        if msg:
            bad(msg, ("add",))
        if e.turns is not None and e.turns < 1:
            bad("turns must be at least 1", ("turns",))
    elif target == "item":
        if e.item not in names.items:
            bad(f"unknown item {e.item!r}{suggest(e.item, names.items)}", ("item",))
        if e.lead_time is None:
            bad("an item effect needs lead_time (turns added, negative to shorten)")
    elif target == "inject":
        if e.inject not in names.injects:
            bad(f"unknown inject {e.inject!r}{suggest(e.inject, names.injects)}", ("inject",))
        if e.action is None:
            bad("an inject effect needs action: 'enable', 'cancel' or 'fire'")
    elif target == "ally":
        if e.ally not in names.allies:
            bad(f"unknown ally {e.ally!r}{suggest(e.ally, names.allies)}", ("ally",))
        if e.command is None or e.command not in names.commands:
            bad("an ally effect needs command, the id of the command it moves to"
                + (suggest(e.command, names.commands) if e.command else ""), ("command",))
    return faults


def effect_problems(scenario: model.Scenario, effects, label: str = "effect") -> list[str]:
    """What is wrong with effects typed outside a file (by the facilitator, live): the
    same rules a pack's effects obey, worded as the pack checks word them."""
    names = names_of(scenario)
    out: list[str] = []
    for k, e in enumerate(effects, 1):
        where = f" in {label} {str(k)!r}"
        for msg, _ in effect_faults(e, names, scenario):
            message = hint_last(msg, where)
            if message not in out:  # the pack collector keeps each problem once
                out.append(message)
    return out
