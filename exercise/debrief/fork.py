"""`exercise fork`: a new exercise from the state at the start of turn N of another.

The fork keeps the parent's scenario copy, seed and every command record up to and
including the one that started turn N (the start for turn 1, else the advance out of the
summary of turn N-1), so it opens in the briefing of turn N exactly as the parent was
then: same state, same dice to come. The parent is read, never written.
"""

from __future__ import annotations

from pathlib import Path

import attrs

from exercise.debrief.record import DebriefError, Record
from exercise.journal.saves import SaveError
from exercise.session import Session, state_hash


@attrs.frozen
class Forked:
    folder: Path
    records: int  # command records kept
    state_hash: str


def fork(record: Record, turn: int, root: Path, name: str | None = None) -> Forked:
    """Create the fork under `root`; raises DebriefError with a one-line reason."""
    if not record.sources:
        raise DebriefError(f"{record.folder}: the scenario copy has no source texts; cannot fork it")
    k = record.start_of_turn(turn)
    expected = state_hash(record.state_after(k))
    parent = {"exercise": record.id, "folder": str(record.folder.resolve()), "turn": turn, "records": k,
              "state_hash": expected}
    title = name or f"{record.title} fork at turn {turn}"
    try:
        session = Session.create(record.scenario, record.sources, Path(root), name=title, seed=record.seed,
                                 parent=parent, history=list(record.records[:k]))
    except SaveError as e:  # a full disk, a file as --saves: nothing was left behind
        raise DebriefError(str(e)) from None
    try:
        got = session.state_hash()
        if got != expected:  # the replay is deterministic: this would be a bug, said plainly
            raise DebriefError(f"{session.folder}: the fork replays to {got}, not {expected}; do not use it")
        return Forked(session.folder, k, got)
    finally:
        session.close()
