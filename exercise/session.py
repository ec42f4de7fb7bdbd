"""The live exercise: the pure engine plus its durable journal, as one object.

Every view (the facilitator console, team consoles, network clients, the debrief) goes
through a Session. A command is decided by the engine, its events are written to the
journal and fsynced, and only then applied and shown: what a user saw acknowledged is on
disk. A rejected command writes nothing; a failed write applies nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

from exercise import engine, model
from exercise.engine import commands as cm
from exercise.engine import events as ev
from exercise.engine import view_json
from exercise.engine.ledger import Change, LedgerBuilder
from exercise.engine.ledger import build as build_ledger
from exercise.journal import saves
from exercise.journal.log import Journal, JournalError
from exercise.journal.records import CommandRecord, Header, RecordError, command_record, structure, to_json
from exercise.journal.turnlog import render_turn
from exercise.listeners import Listeners, describe

Listener = Callable[["Session", object, list], None]


def verdict_bot(words) -> str:
    """The rationale of the bot that confirms the scorecard's proposal (--us-desk bot), named as
    the scenario names who gives the verdict ([words] verdict_by)."""
    return f"{words.cap('verdict_by')} (bot): the scorecard's proposal"


US_DESK_BOT = "The US desk (bot): the scorecard's proposal"  # the defence scenario's verdict_bot


def red_dice(state):
    """The red bot's dice for this turn of a live session (it is a client of the rules, not
    the game's rolls): the same seed and turn give the same dice."""
    from exercise.engine.rolls import Dice, derive_seed

    return Dice(derive_seed(state.seed, 1000 + state.turn))


class Session:
    def __init__(self, folder: Path, scenario: model.Scenario, state, journal: Journal, meta: saves.Meta,
                 records: list[CommandRecord], notices: list[str], header: Header):
        self.folder = Path(folder)
        self.scenario = scenario
        self.state = state
        self.journal = journal
        self.meta = meta
        self.records = records  # every command record, in order (turn logs and the debrief use them)
        self.notices = notices  # what resuming had to say (recovery, changed scenario files)
        self.header = header
        self.problems: list[str] = []  # failures after a command was saved (derived files, views)
        # one broken view must not undo a saved command: its failure is a problem, the others still hear
        self.listeners: Listeners[[Session, object, list]] = Listeners(lambda listener, e: self.problems.append(describe(listener, e)))
        self._ledger: LedgerBuilder | None = None  # built on first use (ledger())
        # who plays the adversary and the US desk in a live session (`exercise run --red/--us-desk`):
        # "facilitator" (the console's keys) or "bot" (this shell plays them, through execute)
        self.red = "facilitator"
        self.us_desk = "facilitator"

    # -- creating and opening ---------------------------------------------------------
    @classmethod
    def create(cls, scenario: model.Scenario, sources: dict[str, str], root: Path, name: str | None = None,
               seed: int | None = None, parent: dict | None = None, simulated: bool = False,
               history: list[CommandRecord] | None = None) -> Session:
        """A new exercise folder; `history` (command records) starts it from a fork."""
        seed = scenario.scenario.seed if seed is None else seed
        title = name or scenario.title
        folder = saves.new_folder(Path(root), title)
        journal = None
        try:
            digest = saves.write_scenario(folder, scenario, sources)
            journal = Journal.create(folder / saves.JOURNAL)
            # The header pins the scenario copy: an edited copy with a recomputed digest is still caught.
            header = Header(exercise=folder.name, title=title, scenario=scenario.id, seed=seed, at=saves.now(),
                            parent=parent, format=saves.FORMAT, scenario_digest=digest)
            records = list(history or [])
            journal.append_many([to_json(header)] + [to_json(r) for r in records])
            meta = saves.Meta(id=folder.name, title=title, scenario=scenario.id, scenario_title=scenario.title,
                              seed=seed, created=header.at, updated=header.at,
                              turns=scenario.calendar.turns, teams=[t.id for t in scenario.teams],
                              parent=parent, simulated=simulated)
            state = engine.replay(engine.initial_state(scenario, seed),
                                  [engine.from_dict(e) for r in records for e in r.events])
            session = cls(folder, scenario, state, journal, meta, records, [], header)
            session._sync_meta()
            session._write_missing_turn_logs()
        except BaseException as e:
            # Whatever failed (a full disk most likely), the half-made folder goes: no orphan.
            if journal is not None:
                journal.close()
            saves.remove_failed(folder)
            if isinstance(e, (OSError, JournalError)):
                raise saves.creation_failed(Path(root), e) from None
            raise
        return session

    @classmethod
    def open(cls, folder: Path, current_sources: dict[str, str] | None = None) -> Session:
        """Resume: recover a torn tail, replay the journal, say what changed."""
        folder = Path(folder)
        scenario, body = saves.read_scenario(folder)
        problem = saves.journal_problem(folder)  # opening a FIFO would hang
        if problem:
            raise saves.SaveError(problem)
        try:  # a save from before saves were private: other local users lose access now
            os.chmod(folder, 0o700)
        except OSError:
            pass
        try:
            old_meta = saves.Meta.read(folder)
        except OSError as e:  # a FIFO or a device as meta.json: it cannot be rewritten
            raise saves.SaveError(f"{e}; move it away and resume again (it is rebuilt)") from None
        try:
            journal = Journal.open(folder / saves.JOURNAL)
        except JournalError as e:
            raise saves.SaveError(str(e)) from None
        notices = []
        if journal.recovered:
            notices.append(f"recovered after a crash: {journal.recovered}")
        if not journal.records or journal.records[0].get("type") != "header":
            journal.close()
            raise saves.SaveError(f"{journal.path}: the journal has no header record; this is not a save")
        problem = header_problem(journal.path, journal.records[0], journal.chained, body)
        header = None
        if not problem:
            try:
                header = structure(journal.records[0], Header)
            except RecordError as e:
                problem = f"{journal.path}:1: the header cannot be read ({e}); this journal was damaged or is not a save"
        if problem or header is None:
            journal.close()
            raise saves.SaveError(problem)
        if current_sources is not None and saves.sources_digest(current_sources) != body.get("digest"):
            notices.append("the scenario files changed since this exercise started; "
                           "it goes on with the copy saved with it")
        records, events = [], []
        for n, raw in enumerate(journal.records[1:], start=2):
            if raw.get("type") != "command":
                continue
            try:
                r = structure(raw, CommandRecord)
                events += [engine.from_dict(e) for e in r.events]
            except Exception as e:
                journal.close()
                raise saves.SaveError(f"{journal.path}:{n}: this record cannot be read ({e}); "
                                      "the save was not changed") from None
            records.append(r)
        try:
            state = engine.replay(engine.initial_state(scenario, header.seed), events)
        except Exception as e:
            journal.close()
            raise saves.SaveError(f"{journal.path}: the journal does not replay ({e}); "
                                  "the save was not changed") from None
        meta = old_meta or saves.Meta(
            id=folder.name, title=header.title or folder.name, scenario=scenario.id,
            scenario_title=scenario.title, seed=header.seed, created=header.at, updated=header.at,
            turns=scenario.calendar.turns, teams=[t.id for t in scenario.teams], parent=header.parent)
        session = cls(folder, scenario, state, journal, meta, records, notices, header)
        session._sync_meta()
        session._write_missing_turn_logs()
        return session

    # -- acting -------------------------------------------------------------------------
    def execute(self, command, via: dict | None = None) -> list:
        """Decide, save durably, apply, notify. Raises engine.Rejected or JournalError.

        `via` says where a command came from (a network client's id for it), so a command
        resent after a reconnect or a server restart is recognised and not done twice.

        With `red == "bot"`, an advance out of deliberation first lets the red bot plan the
        adversary's acts (each its own journaled command, before the turn is adjudicated);
        with `us_desk == "bot"`, a verdict waiting at the end is confirmed as proposed.
        """
        if self.red == "bot" and isinstance(command, cm.Advance) and self.state.phase == "deliberation" \
                and self.state.status == "running" and self.state.rules.adversary is not None:
            engine.execute(self.state, command)  # refused (teams not submitted): red plans nothing yet
            self.red_bot_plans()
        events = self._execute(command, via)
        if self.us_desk == "bot" and self.state.proposal is not None and self.state.verdict is None:
            self._execute(cm.Judge(None, verdict_bot(self.scenario.words)))
        return events

    def red_bot_commands(self) -> list:
        """What the red bot would plan now (none without a red bot): the commands, not run."""
        import exercise.bots

        bot = getattr(exercise.bots, "REDS", {}).get("bot")
        return [] if bot is None else list(bot(self.state, red_dice(self.state)))

    def red_bot_plans(self) -> list:
        """The red bot's commands for this deliberation, each executed (refused ones skipped)."""
        done: list = []
        for command in self.red_bot_commands():
            try:
                done += self._execute(command)
            except engine.Rejected as e:
                self.problems.append(f"the red bot's {command.kind} was refused: {e}")
        return done

    def _execute(self, command, via: dict | None = None) -> list:
        new_state, events = engine.execute(self.state, command)
        record = command_record(len(self.records) + 1, command, events, via)
        self.journal.append(to_json(record))  # durable before anything is shown
        before = self.state
        self.state = new_state
        self.records.append(record)
        if self._ledger is not None:
            self._ledger.feed(before, events)
        # From here the command is done: what follows is derived (turn log, meta, screens,
        # network updates) and must not make anyone believe otherwise.
        try:
            self._after(before, events)
        except OSError as e:
            self.problems.append(f"could not write the turn log or meta ({e}); they are rebuilt on resume")
        self.listeners.emit(self, command, events)
        return events

    def _after(self, before, events) -> None:
        ends_turn = any(isinstance(e, ev.PhaseChanged) and e.phase == "summary" for e in events) or any(
            isinstance(e, ev.ExerciseEnded) for e in events)
        phase_moved = any(isinstance(e, (ev.PhaseChanged, ev.ExerciseEnded, ev.TurnStarted, ev.Paused,
                                         ev.Resumed, ev.ExerciseStarted)) for e in events)
        if ends_turn:
            self.write_turn_log(self.state.turn)
        if phase_moved:
            self._sync_meta()

    def _sync_meta(self) -> None:
        s = self.state
        self.meta.turn = s.turn
        self.meta.phase = s.phase
        self.meta.status = s.status
        self.meta.updated = saves.now()
        self.meta.write(self.folder)

    # -- turn logs ----------------------------------------------------------------------
    def turn_records(self, turn: int) -> list[CommandRecord]:
        return _records_by_turn(self.records).get(turn, [])

    def write_turn_log(self, turn: int, state=None, records: list[CommandRecord] | None = None) -> Path:
        """The Markdown log of a turn, from its records and the state at its end."""
        from exercise.fsutil import atomic_write

        folder = self.folder / saves.TURNS
        folder.mkdir(mode=0o700, exist_ok=True)
        path = folder / f"turn-{turn:02d}.md"
        records = self.turn_records(turn) if records is None else records
        text = render_turn(self.scenario, self.state if state is None else state, turn, records, self.meta.title,
                           self.ledger_of(records))
        atomic_write(path, text, private=True)
        return path

    def _write_missing_turn_logs(self) -> None:
        """Rebuild the logs of finished turns that are missing, each from the state as it
        was when that turn ended (one replay pass, only when something is missing)."""
        done = self.state.turn - (0 if self.state.phase == "summary" or self.state.status == "ended" else 1)
        folder = self.folder / saves.TURNS
        missing = {t for t in range(1, max(done, 0) + 1) if not (folder / f"turn-{t:02d}.md").exists()}
        if not missing:
            return
        by_turn = _records_by_turn(self.records)
        state = engine.initial_state(self.scenario, self.meta.seed)
        for turn in range(0, max(missing) + 1):
            events = [engine.from_dict(e) for r in by_turn.get(turn, []) for e in r.events]
            state = engine.replay(state, events)
            if turn in missing:
                self.write_turn_log(turn, state, by_turn.get(turn, []))

    # -- reading ------------------------------------------------------------------------
    def ledger(self) -> list[Change]:
        """Every change of money and tracks so far, with its cause (exercise.engine.ledger):
        built from the journal on first use, then kept up to date by `execute`."""
        if self._ledger is None:
            self._ledger = build_ledger(engine.initial_state(self.scenario, self.header.seed),
                                        ([engine.from_dict(e) for e in r.events] for r in self.records))
        return self._ledger.changes

    def ledger_of(self, records: list[CommandRecord]) -> list[Change]:
        """The ledger changes those records' commands made (records of this session)."""
        self.ledger()
        assert self._ledger is not None
        mine = {id(r) for r in records}
        return self._ledger.of_batches(i for i, r in enumerate(self.records) if id(r) in mine)

    def events(self) -> list:
        return [engine.from_dict(e) for r in self.records for e in r.events]

    def state_hash(self) -> str:
        return state_hash(self.state)

    def close(self) -> None:
        self.journal.close()


def header_problem(path: Path, header: dict, chained: bool, body: dict) -> str:
    """Why a journal's header does not fit its journal or its scenario copy, or "".

    Format 2 saves are chained and their header holds the digest of the scenario copy;
    format 1 saves (from before) are neither, and are read as they always were."""
    fmt = header.get("format", 1)
    if not isinstance(fmt, int) or isinstance(fmt, bool) or fmt < 1:
        return f"{path}:1: the header has no valid format ({fmt!r}); this journal was damaged or is not a save"
    if fmt > saves.FORMAT:
        return (f"{path}:1: this save is in format {fmt}, written by a newer version of exercise "
                f"(this one reads up to {saves.FORMAT}); open it with that version")
    if (fmt >= 2) != chained:
        how = "not chained" if fmt >= 2 else "chained"
        return (f"{path}:1: the header says format {fmt} but the journal is {how}: the first line was "
                f"changed. Nothing was changed; put the original journal back, or fork an earlier copy")
    # `body` comes from saves.read_scenario, which has checked its copy_digest against its content
    if fmt >= 2 and header.get("scenario_digest") != body.get("copy_digest"):
        return saves.scenario_changed(path.parent / saves.SCENARIO)
    return ""


def _records_by_turn(records: list[CommandRecord]) -> dict[int, list[CommandRecord]]:
    """Command records grouped by the turn they happened in (0: before the first)."""
    out: dict[int, list[CommandRecord]] = {}
    current = 0
    for r in records:
        for e in r.events:
            if e.get("kind") == "turn_started":
                current = e["turn"]
        out.setdefault(current, []).append(r)
    return out


def state_hash(state) -> str:
    """A digest of everything the facilitator can see: equal states, equal hashes."""
    # the view as JSON data (through the one converter of views), without the scenario's
    # static wording (view_json.for_digest): the digest of saves made before the views were
    # typed, or before options and items were explained in words, stays the same
    view = view_json.for_digest(engine.facilitator_view(state))
    return hashlib.sha256(json.dumps(view, sort_keys=True, default=str).encode()).hexdigest()[:16]


FACILITATOR = cm.FACILITATOR
