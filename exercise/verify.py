"""`exercise verify`: replay a save's journal and account for every byte of it.

It names the first line that is wrong (a bad CRC, a broken chain: a line deleted,
duplicated, moved or edited) and changes nothing unless asked to cut there
(--cut-at-damage: that line and all after it go to a side file; what is kept is a valid
chain). A scenario copy changed since the start is reported too (cutting does not fix it).
"""

from __future__ import annotations

from pathlib import Path

import attrs

from exercise.journal import saves
from exercise.journal.log import in_use, scan_file, set_aside

OLD_FORMAT = ("note: this save is in format 1 (from before the chained journal): a deleted, duplicated or "
              "reordered line, or an edited scenario copy, is not tamper-evident in it. It opens and "
              "resumes as before; a new exercise (or a fork of this one) is written in format 2.")


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
    if cut_at_damage:  # otherwise Session.open scans it once and names the damage in the same words
        scan = scan_file(journal)
        if scan.damaged_middle:
            side = set_aside(journal, scan.good_bytes)
            out.append(f"cut at line {scan.bad_line}: kept {len(scan.records)} record(s); "
                       f"moved {scan.total_bytes - scan.good_bytes} byte(s) to {side.name}")
    try:
        session = Session.open(folder)
    except saves.SaveError as e:
        return Verdict(False, out + [str(e)])
    try:
        out += session.notices
        if not session.journal.chained:
            out.append(OLD_FORMAT)
        events = sum(len(r.events) for r in session.records)
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
    events = sum(len(r.events) for r in record.records)
    lines = [f"{folder.name} is open in another process: checked read-only, nothing repaired"]
    if record.notice:
        lines.append(f"note: {record.notice}")
    if record.header.format < 2:
        lines.append(OLD_FORMAT)
    lines.append(f"{folder.name}: {len(record.records)} command(s), {events} event(s), "
                 f"turn {state.turn} of {record.scenario.calendar.turns}, phase {state.phase or '-'}, "
                 f"status {state.status}; state hash {state_hash(state)}")
    return Verdict(True, lines)
