"""`exercise verify`: replay a save's journal and account for every byte of it."""

from __future__ import annotations

from pathlib import Path

import attrs

from exercise.journal import saves
from exercise.journal.log import in_use, scan_file, set_aside


@attrs.define
class Verdict:
    ok: bool
    lines: list[str]


def verify(folder: Path, cut_at_damage: bool = False) -> Verdict:
    from exercise.session import Session

    journal = folder / saves.JOURNAL
    out: list[str] = []
    if not journal.exists():
        return Verdict(False, [f"{folder}: no {saves.JOURNAL}; not a save folder"])
    if in_use(journal):
        return _verify_read_only(folder)
    scan = scan_file(journal)
    if scan.damaged_middle:
        if not cut_at_damage:
            return Verdict(False, [
                f"{journal}:{scan.bad_line}: corrupt record (intact records follow it, so this is not a crash "
                f"at the end). {len(scan.records)} record(s) before it are intact. Nothing was changed.",
                "To continue from the intact part, run again with --cut-at-damage: the damaged record and "
                "everything after it are moved to a side file, never deleted.",
            ])
        side = set_aside(journal, scan.good_bytes)
        out.append(f"cut at line {scan.bad_line}: kept {len(scan.records)} record(s); "
                   f"moved {scan.total_bytes - scan.good_bytes} byte(s) to {side.name}")
    try:
        session = Session.open(folder)
    except saves.SaveError as e:
        return Verdict(False, out + [str(e)])
    try:
        out += session.notices
        events = sum(len(r["events"]) for r in session.records)
        s = session.state
        out.append(f"{folder.name}: {len(session.records)} command(s), {events} event(s), "
                   f"turn {s.turn} of {session.scenario.calendar.turns}, phase {s.phase or '-'}, "
                   f"status {s.status}; state hash {session.state_hash()}")
    finally:
        session.close()
    return Verdict(True, out)


def _verify_read_only(folder: Path) -> Verdict:
    """The exercise is running in another process: check what is on disk, repair nothing
    (a last line being written there is not a torn one)."""
    from exercise.debrief.record import DebriefError, load
    from exercise.session import state_hash

    try:
        record = load(folder)
    except DebriefError as e:
        return Verdict(False, [str(e), "The exercise is open in another process: nothing was changed."])
    states = record.states_by_turn()
    state = states[max(states)]
    events = sum(len(r["events"]) for r in record.records)
    lines = [f"{folder.name} is open in another process: checked read-only, nothing repaired"]
    if record.notice:
        lines.append(f"note: {record.notice}")
    lines.append(f"{folder.name}: {len(record.records)} command(s), {events} event(s), "
                 f"turn {state.turn} of {record.scenario.calendar.turns}, phase {state.phase or '-'}, "
                 f"status {state.status}; state hash {state_hash(state)}")
    return Verdict(True, lines)
