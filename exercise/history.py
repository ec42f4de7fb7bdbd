"""Series over the turns, read from journal records: what sparklines and charts draw.

Pure functions of the scenario and the records (no screen, no files), shared by the
facilitator console and the debrief.
"""

from __future__ import annotations

from exercise import model
from exercise.journal.records import CommandRecord


def track_series(scenario: model.Scenario, records: list[CommandRecord]) -> dict[tuple[str, str | None], list[float]]:
    """(track, team or None) -> [value at the start, at the end of turn 1, 2, ...].

    The last entry is the current value (the turn under way ends there for now).
    """
    current: dict[tuple[str, str | None], float] = {}
    for t in scenario.tracks:
        if t.scope == "world":
            current[(t.id, None)] = t.initial
        else:
            for team in scenario.teams:
                current[(t.id, team.id)] = t.initial_by_team.get(team.id, t.initial)
    series = {k: [v] for k, v in current.items()}
    turn = 0
    for r in records:
        for e in r.events:
            kind = e.get("kind")
            if kind == "turn_started":
                if turn:
                    for k, v in current.items():
                        series[k].append(v)
                turn = e["turn"]
            elif kind == "track_set":
                current[(e["track"], e.get("team"))] = e["value"]
            elif kind == "overridden" and e.get("track"):
                current[(e["track"], e.get("team"))] = e["value"]
    if turn:
        for k, v in current.items():
            series[k].append(v)
    return series
