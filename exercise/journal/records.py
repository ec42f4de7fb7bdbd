"""The records of a save's journal, as classes: one `Header`, then one `CommandRecord`
per accepted command.

JSON only at the edges, through one cattrs converter: `to_json` makes the dict a record
is written as (built in one place, `command_record`, for a live session, a saved dry run
and a fork alike), `from_json` reads one back. `log.encode` sorts the keys, so the bytes
on disk, and the hash chain over them, do not depend on the order of the fields here.

The events inside a command record stay the engine's JSON dicts (`engine.from_dict`
makes events of them, the narrator reads them as they are): decoding every event of a
long journal into objects once more would double the cost of a resume.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

JsonObject = dict[str, Any]  # a JSON object as json.loads gives it (an engine command or event, `via`, `parent`)


class _ReadOnlyMapping:
    """`record["events"]`, `record.get("via")`, `"via" in record`: the dict face records
    had before they were classes, for the callers (screens, tests) not yet reading
    attributes. It answers exactly what the JSON line holds: a field written only when
    set is absent when it is None."""

    __slots__ = ()
    _omit_if_none: ClassVar[frozenset[str]] = frozenset()
    type: ClassVar[str]

    def __getitem__(self, key: str) -> Any:
        if key == "type":
            return self.type
        if key in _field_names(type(self)):
            value = getattr(self, key)
            if value is not None or key not in self._omit_if_none:
                return value
        raise KeyError(key)

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key, _MISSING) is not _MISSING


_MISSING = object()
_NAMES: dict[type, frozenset[str]] = {}


def _field_names(cls: type) -> frozenset[str]:
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = frozenset(a.name for a in attrs.fields(cls))
    return names


@attrs.frozen
class Header(_ReadOnlyMapping):
    """Line 1 of a journal: which exercise, of which scenario, from which seed.

    Format 2 pins the scenario copy (`scenario_digest`); format 1 saves have none."""

    scenario: str
    seed: int
    at: str
    exercise: str = ""  # the save folder's name when it was created
    title: str = ""
    parent: JsonObject | None = None  # a fork's parent: exercise, folder, turn, records, state_hash
    format: int = 1  # a header without one is format 1
    scenario_digest: str | None = None
    type: ClassVar[Literal["header"]] = "header"
    _omit_if_none: ClassVar[frozenset[str]] = frozenset({"scenario_digest"})


@attrs.frozen
class CommandRecord(_ReadOnlyMapping):
    """One accepted command and the events it made, in journal order (n from 1)."""

    n: int
    at: str  # when it was accepted (a fork keeps its parent's times)
    command: JsonObject  # engine.to_dict of the command
    events: tuple[JsonObject, ...]  # engine.to_dict of each event, in order
    # {"by": principal, "id": ..., "seat": name}: who sent it (a seat other than the lead
    # facilitator's and the teams' is named) and a network client's id for it (resends)
    via: JsonObject | None = None
    type: ClassVar[Literal["command"]] = "command"
    _omit_if_none: ClassVar[frozenset[str]] = frozenset({"via"})

    @property
    def seat(self) -> str:
        """The name of the seat that sent it when that is neither the lead facilitator nor a
        team playing itself (a controller, an evaluator, the red cell's seat); "" otherwise."""
        via = self.via
        if not via:
            return ""
        by, name = via.get("by"), via.get("seat")
        if not isinstance(by, str) or not isinstance(name, str) or by == "facilitator" or by.startswith("team:"):
            return ""
        return name

    def sign(self, line: str) -> str:
        """`line` (a narrated event of this record) signed by its seat, once: "(by facilitator)"
        becomes "(by Alice (controller))"; a line that already names the seat stays."""
        seat = self.seat
        if not seat or seat in line:
            return line
        if "(by facilitator)" in line:
            return line.replace("(by facilitator)", f"(by {seat})")
        return f"{line} (by {seat})"


Record = Header | CommandRecord


class RecordError(ValueError):
    """A journal line that is not a record of the kind expected (the message says why)."""


def _strict(kind: type):
    """Structure a scalar only if it already is one: cattrs would turn "7" into 7, and a
    record that is not what the engine wrote is damage to report, not to guess at."""

    def check(value, _):
        if type(value) is not kind and not (kind is float and type(value) is int):
            raise RecordError(f"expected {kind.__name__}, got {type(value).__name__}")
        return value

    return check


def _json_object(value, _) -> JsonObject:
    if not isinstance(value, dict):
        raise RecordError(f"expected a JSON object, got {type(value).__name__}")
    return value  # as read: the engine structures commands and events itself


def _json_objects(value, _) -> tuple[JsonObject, ...]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise RecordError("expected a list of JSON objects")
    return tuple(value)


def _converter() -> cattrs.Converter:
    conv = cattrs.Converter()
    for kind in (int, str, bool, float):
        conv.register_structure_hook(kind, _strict(kind))
    conv.register_structure_hook_func(lambda t: t == JsonObject, _json_object)
    conv.register_structure_hook_func(lambda t: t == tuple[JsonObject, ...], _json_objects)
    # Plain JSON is written as it is (no copy of each event dict on a fork of a long save).
    conv.register_unstructure_hook_func(lambda t: t == JsonObject, lambda v: v)
    conv.register_unstructure_hook_func(lambda t: t == tuple[JsonObject, ...], list)
    for cls in (Header, CommandRecord):
        omit: dict[str, Any] = {name: override(omit_if_default=True) for name in cls._omit_if_none}
        conv.register_structure_hook(cls, make_dict_structure_fn(cls, conv))
        conv.register_unstructure_hook(cls, make_dict_unstructure_fn(cls, conv, **omit))
    conv.register_structure_hook(CommandRecord, _fast_command(conv.get_structure_hook(CommandRecord)))
    return conv


def _fast_command(general):
    """Resume reads every command record of a journal (55,000 in the long benchmark): the
    well-formed ones are built directly, three times faster than the general hook, which
    still reads (and explains) anything else."""

    def structure_command(d, cls):
        n, at, command, events, via = d.get("n"), d.get("at"), d.get("command"), d.get("events"), d.get("via")
        if (type(n) is int and type(at) is str and type(command) is dict and type(events) is list
                and (via is None or type(via) is dict) and all(type(e) is dict for e in events)):
            return CommandRecord(n, at, command, tuple(events), via)
        return general(d, cls)

    return structure_command


CONVERTER = _converter()
_HOOKS = {cls: CONVERTER.get_structure_hook(cls) for cls in (Header, CommandRecord)}  # no dispatch per record


def to_json(record: Record) -> JsonObject:
    """The dict a record is written as, its `type` included (the journal's one writer)."""
    out = CONVERTER.unstructure(record)
    out["type"] = record.type
    return out


def from_json(data: JsonObject) -> Record:
    """The record a journal line holds; RecordError (with why) when it is not one."""
    kind = data.get("type") if isinstance(data, dict) else None
    cls = _TYPES.get(kind)
    if cls is None:
        raise RecordError(f"not a journal record (type {kind!r})")
    return structure(data, cls)


def structure(data: JsonObject, cls: type[Record]) -> Any:
    try:
        return _HOOKS[cls](data, cls)
    except RecordError:
        raise
    except (cattrs.BaseValidationError, KeyError, TypeError, ValueError) as e:
        raise RecordError(_why(e)) from None


def _why(e: BaseException) -> str:
    """One line from cattrs' grouped errors: the first field that is missing or wrong."""
    if isinstance(e, cattrs.BaseValidationError) and e.exceptions:
        inner = e.exceptions[0]
        note = next(iter(getattr(inner, "__notes__", ()) or ()), "")
        return f"{_why(inner)}{f' ({note})' if note else ''}"
    if isinstance(e, KeyError):
        return f"missing field {e.args[0]!r}"
    return str(e)


_TYPES: dict[str | None, type] = {"header": Header, "command": CommandRecord}


def command_record(n: int, command, events, via: JsonObject | None = None, at: str | None = None) -> CommandRecord:
    """The record of command number n (from 1) and the engine events it made."""
    from exercise.engine.events import to_dict
    from exercise.journal.saves import now

    return CommandRecord(n=n, at=now() if at is None else at, command=to_dict(command),
                         events=tuple(to_dict(e) for e in events), via=via)
