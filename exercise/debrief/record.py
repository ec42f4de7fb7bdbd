"""A save read for the debrief: never written to, never "recovered".

`load(folder)` reads `scenario.json`, `meta.json` and `journal.jsonl` of a save that
another process may still be running. Unlike `Session.open` it changes nothing: a torn
final line (a write under way, or a crash) is simply left out, and damage in the middle
of the journal (a bad CRC, a broken chain, even in the last complete line) is an error
naming the file, the line and what to do, exactly as `exercise.journal.log` checks it; so
is a scenario copy changed since the exercise started.

`Record` then answers "what was the state at the start or the end of turn N" by folding
the recorded events, without rolling a die.
"""

from __future__ import annotations

from pathlib import Path

import attrs

from exercise import engine, model
from exercise.fsutil import NotRegularFile, read_regular
from exercise.journal import saves
from exercise.journal.log import damage_message, scan_bytes
from exercise.journal.records import CommandRecord, Header, RecordError, structure


class DebriefError(saves.SaveError):
    """A save the debrief cannot read, with what to do about it (one line)."""


@attrs.frozen(eq=False)
class Record:
    folder: Path
    scenario: model.Scenario
    sources: dict[str, str]
    header: Header
    records: tuple[CommandRecord, ...]  # the command records, in order
    meta: saves.Meta | None
    notice: str = ""  # what the reading left out (a torn final line), for the user

    # -- identity -----------------------------------------------------------------------
    @property
    def id(self) -> str:
        return self.header.exercise or self.folder.name

    @property
    def title(self) -> str:
        return self.header.title or (self.meta.title if self.meta else self.folder.name)

    @property
    def seed(self) -> int:
        return self.header.seed

    @property
    def simulated(self) -> bool:
        return bool(self.meta and self.meta.simulated)

    # -- turns and states ----------------------------------------------------------------
    def initial(self):
        return engine.initial_state(self.scenario, self.seed)

    def final(self):
        return self.state_after(len(self.records))

    def state_after(self, k: int):
        """The state after the first k command records."""
        events = [engine.from_dict(e) for r in self.records[:k] for e in r.events]
        return engine.replay(self.initial(), events)

    @property
    def last_turn(self) -> int:
        """The last turn that started (0: the exercise was never started)."""
        return max((t for t, _ in self.turn_starts()), default=0)

    def turn_starts(self) -> list[tuple[int, int]]:
        """(turn, k): turn N starts with command record k (1-based) of the journal."""
        out = []
        for k, r in enumerate(self.records, 1):
            for e in r.events:
                if e.get("kind") == "turn_started":
                    out.append((e["turn"], k))
        return out

    def start_of_turn(self, turn: int) -> int:
        """How many records make "the start of turn N": up to and including the record
        whose events start turn N (the start, or the advance out of the summary)."""
        for t, k in self.turn_starts():
            if t == turn:
                return k
        raise DebriefError(f"{self.folder}: turn {turn} is out of range; this exercise "
                           f"{_reached(self.last_turn)}")

    def turn_ends(self) -> dict[int, int]:
        """turn -> how many records it takes to reach the end of that turn (the moment
        before the next turn starts; for the last turn, the end of the journal)."""
        starts = self.turn_starts()
        ends = {0: starts[0][1] - 1 if starts else len(self.records)}
        for (t, _), nxt in zip(starts, starts[1:] + [(None, len(self.records) + 1)]):
            ends[t] = nxt[1] - 1
        return ends

    def states_by_turn(self) -> dict[int, engine.State]:
        """turn -> the state at the end of that turn (0: before the start), in one pass."""
        ends = self.turn_ends()
        state = self.initial()
        out: dict[int, engine.State] = {}
        done = 0
        for turn in sorted(ends):
            k = ends[turn]
            state = engine.replay(state, [engine.from_dict(e) for r in self.records[done:k] for e in r.events])
            out[turn], done = state, k
        return out


def _reached(last: int) -> str:
    return f"reached turn {last}; give a turn from 1 to {last}" if last else "was never started"


def load(folder: Path) -> Record:
    """Read a save without changing it; raises DebriefError with a one-line reason."""
    folder = Path(folder)
    try:
        scenario, body = saves.read_scenario(folder)
    except saves.SaveError as e:
        raise DebriefError(str(e)) from None
    path = folder / saves.JOURNAL
    try:
        data = read_regular(path)  # a FIFO is refused at once, not waited on
    except NotRegularFile as e:
        raise DebriefError(f"{e}; this save is damaged") from None
    except OSError as e:
        raise DebriefError(f"{path}: cannot read the journal ({e.strerror or e})") from None
    scan = scan_bytes(data)
    if scan.damaged_middle:
        raise DebriefError(damage_message(path, scan))
    notice = ""
    if scan.torn:
        notice = (f"{path}:{scan.bad_line}: the last line is incomplete (a write under way or a crash); "
                  f"it was left out")
    if not scan.records or scan.records[0].get("type") != "header":
        raise DebriefError(f"{path}:1: the journal has no header record; this is not a save")
    if not isinstance(scan.records[0].get("seed"), int):
        raise DebriefError(f"{path}:1: the header has no seed; this is not a save")
    from exercise.session import header_problem

    problem = header_problem(path, scan.records[0], scan.chained, body)
    if problem:
        raise DebriefError(problem)
    try:
        header = structure(scan.records[0], Header)
    except RecordError as e:
        raise DebriefError(f"{path}:1: the header cannot be read ({e}); this is not a save") from None
    records = []
    events = []  # decoded once: checked here, replayed below
    for line, raw in enumerate(scan.records[1:], start=2):
        if raw.get("type") != "command":
            continue
        try:
            r = structure(raw, CommandRecord)
            events += [engine.from_dict(event) for event in r.events]
        except Exception as exc:
            raise DebriefError(f"{path}:{line}: this record cannot be read ({exc})") from None
        records.append(r)
    try:
        meta = saves.Meta.read(folder)
    except OSError:  # a FIFO as meta.json: the debrief does without it
        meta = None
    record = Record(folder=folder, scenario=scenario, sources=dict(body.get("sources") or {}), header=header,
                    records=tuple(records), meta=meta, notice=notice)
    try:
        engine.replay(record.initial(), events)
    except Exception as e:
        raise DebriefError(f"{path}: the journal does not replay ({e}); `exercise verify` says more") from None
    return record


def from_session(session) -> Record:
    """The debrief of an exercise open in this process (nothing is read from disk)."""
    return Record(folder=session.folder, scenario=session.scenario, sources={},
                  header=session.header, records=tuple(session.records), meta=session.meta)
