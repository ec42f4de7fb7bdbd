"""The wire protocol between `exercise serve` and its clients (docs/protocol.md).

Pure: JSON text in, checked messages out, and the messages the server sends. No
sockets here, so every rule about what a message may hold is tested without a network.

A message is one JSON object per WebSocket text frame with a `type`. The client speaks
first (`hello` with its token); the token alone decides who it is: which seat of the room
(exercise.engine.seats: the facilitator, a team, the red cell, a controller, an evaluator,
a wall display). Commands carry no identity of their own: the server fills in `actor` and
`team` (an evaluator's note: its `author`) from the seat.
"""

from __future__ import annotations

import json
import math
import sys
import types
import typing
from typing import Any

import attrs

from exercise.engine import commands as cm
from exercise.engine import seats, view_json
from exercise.engine import view_types as vt
from exercise.engine.parts import changed_at
from exercise.engine.seats import Seat
from exercise.engine.state import State
from exercise.engine.view import player_parts
from exercise.engine.view_types import PlayerView

VERSION = 4  # 4: an update carries a patch of the view (what changed), a view or patch over MAX_FRAME comes in parts; 3: estimates with bands, slip risk, instalments, lead requests, the scorecard; 2: the player view carries the team's ledger, options their effects in words, items their gains, categories their floors
MAX_MESSAGE = 64 * 1024  # bytes in one frame; the biggest honest command is a few KB
MAX_FRAME = 1024 * 1024  # characters of view in one frame the server sends: more comes in `parts` frames
MAX_ID = 64  # characters in a client's command id
MAX_CLIENT_NAME = 100  # characters in the client's name in hello (it is logged)
HELLO_TIMEOUT = 10.0  # seconds a new connection has to say hello
RATE = 20.0  # messages a second, sustained, per connection (a person sends a few a minute)
BURST = 100  # messages at once before the rate applies (scripts, resends after a drop)
SYNC_RATE = 1.0  # `sync` requests a second, sustained, per connection: each is answered with
SYNC_BURST = 10  # the whole view (an honest client asks once per patch that does not fit)

# close codes (RFC 6455): a client gives up on 1008 and 1003 (reconnecting would not help)
# and reconnects, after a pause, on the others
CLOSE_POLICY = 1008  # refused: a bad token or a message that breaks the protocol
CLOSE_BINARY = 1003  # a binary frame
CLOSE_TRY_LATER = 1013  # rate limit, no hello in time, too many connections: slow down, retry
CLOSE_SHUTDOWN = 1001  # the server is going away (clients reconnect)
# 1009 (a frame over MAX_MESSAGE) is sent by the websockets library itself

class ProtocolError(Exception):
    """A message that breaks the protocol: the connection is closed with this reason."""

    def __init__(self, reason: str, code: int = CLOSE_POLICY):
        super().__init__(reason)
        self.reason = reason
        self.code = code


class Refused(Exception):
    """A well-formed command this connection may not send (answered, not closed)."""


def _team_kinds() -> frozenset[str]:
    """Commands a team sends: those whose `actor` has no default (it must be the team)."""
    out = set()
    for kind, cls in cm.COMMANDS.items():
        fields = attrs.fields_dict(cls)
        if "team" in fields and fields["actor"].default is attrs.NOTHING:
            out.add(kind)
    return frozenset(out)


TEAM_KINDS = _team_kinds()
FACILITATOR_KINDS = frozenset(cm.COMMANDS) - TEAM_KINDS
# sent by the facilitator as itself, and by a team as itself too: a member team's answer to a
# lead request where the scenario lets members decide (the engine says whether it may)
MEMBER_KINDS = frozenset({"decide_lead"})


# -- reading what a client sends ----------------------------------------------------------
def _reject_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


class _OutOfRange(ValueError):
    pass


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _OutOfRange(f"{text[:20]}... is too large a number (any number must fit a 64-bit float)")
    return value


def _int(text: str) -> int:
    """A JSON integer, no larger than a float can hold: every numeric field may be read
    as a float (1 followed by 400 zeros is valid JSON, and would overflow there)."""
    value = int(text)
    if not -_FLOAT_MAX <= value <= _FLOAT_MAX:
        raise _OutOfRange(f"{text[:20]}... is too large a number (any number must fit a 64-bit float)")
    return value


_FLOAT_MAX = sys.float_info.max


def parse(text: str | bytes) -> dict:
    """A client frame as a dict with a known `type`, or ProtocolError saying what is wrong."""
    if isinstance(text, bytes):
        raise ProtocolError("binary frames are not part of the protocol; send JSON text", CLOSE_BINARY)
    try:
        msg = json.loads(text, parse_constant=_reject_constant, parse_float=_finite, parse_int=_int)
        json.dumps(msg, ensure_ascii=False).encode()  # a lone surrogate (\ud800) is not text
    except _OutOfRange as e:
        raise ProtocolError(str(e)) from None
    except (ValueError, RecursionError) as e:
        raise ProtocolError(f"not JSON text: {str(e)[:60]}") from None
    if not isinstance(msg, dict):
        raise ProtocolError("a message must be a JSON object")
    kind = msg.get("type")
    if not isinstance(kind, str) or kind not in CLIENT_TYPES:  # a list or a dict is not hashable
        raise ProtocolError(f"unknown message type {str(kind)[:30]!r}; expected one of {', '.join(CLIENT_TYPES)}")
    CLIENT_TYPES[kind](msg)
    return msg


def _only(msg: dict, allowed: set[str]) -> None:
    extra = set(msg) - allowed - {"type"}
    if extra:
        raise ProtocolError(f"{msg['type']}: unknown field(s) {', '.join(sorted(extra))[:60]}")


def _check_hello(msg: dict) -> None:
    _only(msg, {"protocol", "token", "client"})
    version = msg.get("protocol")
    if type(version) is not int or version != VERSION:  # True == 1 and 1.0 == 1 in Python
        raise ProtocolError(f"protocol version {str(msg.get('protocol'))[:10]} is not spoken here; "
                            f"this server speaks version {VERSION}: update the client")
    if not isinstance(msg.get("token"), str) or not msg["token"]:
        raise ProtocolError("hello: a token (string) is needed")
    if "client" in msg and not (isinstance(msg["client"], str) and len(msg["client"]) <= MAX_CLIENT_NAME):
        raise ProtocolError(f"hello: client must be a string of at most {MAX_CLIENT_NAME} characters")


def _check_command(msg: dict) -> None:
    _only(msg, {"id", "command"})
    cid = msg.get("id")
    if not isinstance(cid, str) or not 0 < len(cid) <= MAX_ID:
        raise ProtocolError(f"command: id must be a string of 1-{MAX_ID} characters, unique per command")
    if not isinstance(msg.get("command"), dict):
        raise ProtocolError("command: `command` must be an object with a `kind`")
    check_command(msg["command"])


def _check_sync(msg: dict) -> None:
    _only(msg, set())


CLIENT_TYPES = {"hello": _check_hello, "command": _check_command, "sync": _check_sync}


# -- commands: every field checked against the engine's own command classes ---------------
def check_command(body: dict) -> None:
    """Raise ProtocolError unless `body` is a command the engine can be given.

    `actor` and `team` may be left out: the server fills them in from the token.
    """
    kind = body.get("kind")
    cls = cm.COMMANDS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise ProtocolError(f"unknown command kind {str(kind)[:30]!r}")
    hints = _hints(cls)
    fields = {a.name: a for a in attrs.fields(cls)}
    for name, value in body.items():
        if name == "kind":
            continue
        if name not in fields:
            raise ProtocolError(f"{kind}: unknown field {name[:30]!r}")
        if not _fits(value, hints[name]):
            raise ProtocolError(f"{kind}: {name} has the wrong type (expected {_type_name(hints[name])})")

    missing = [n for n, a in fields.items()
               if a.default is attrs.NOTHING and n not in body and n not in ("actor", "team")]
    if missing:
        raise ProtocolError(f"{kind}: missing field(s) {', '.join(missing)}")


_HINTS: dict[type, dict] = {}


def _hints(cls) -> dict:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls, vars(cm))
    return _HINTS[cls]


def _fits(value, tp) -> bool:
    """Does a JSON value fit a command field's annotation? (lists stand for tuples)"""
    if tp is Any:
        return True
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return any(_fits(value, t) for t in typing.get_args(tp))
    if tp is type(None):
        return value is None
    if tp is bool:
        return isinstance(value, bool)
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if tp is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if tp is str:
        return isinstance(value, str)
    if origin is tuple:
        args = typing.get_args(tp)
        return isinstance(value, list) and all(_fits(v, args[0]) for v in value)
    if origin is dict:
        kt, vt = typing.get_args(tp)
        return isinstance(value, dict) and all(_fits(k, kt) and _fits(v, vt) for k, v in value.items())
    return False


def _type_name(tp) -> str:
    return getattr(tp, "__name__", None) or str(tp).replace("typing.", "")


def command_for(body: dict, role: str, team: str | None):
    """The engine command a connection may send, with its identity from the token.

    A team may send team commands only, as itself. The facilitator may send anything;
    for a team command it names the team and the command is done as that team.
    Raises Refused (answered, connection kept) for identity problems.
    """
    kind = body["kind"]
    body = dict(body)
    if role == "team":
        if kind not in TEAM_KINDS and kind not in MEMBER_KINDS:
            raise Refused(f"{kind} is a facilitator command; a team cannot send it")
        for name in ("actor", "team"):
            if body.get(name, team) != team:
                raise Refused(f"this connection acts for {team} only (its token says so); "
                              f"leave out `{name}` or set it to {team!r}")
        body["actor"] = body["team"] = team
    else:
        if kind in TEAM_KINDS:
            if not isinstance(body.get("team"), str):
                raise Refused(f"{kind} is a team command: name the team it is done for in `team`")
            if body.get("actor", body["team"]) != body["team"]:
                raise Refused("the facilitator acts for a team as that team: leave out `actor`")
            body["actor"] = body["team"]
        else:
            if body.get("actor", cm.FACILITATOR) != cm.FACILITATOR:
                raise Refused("facilitator commands are done as the facilitator: leave out `actor`")
            body["actor"] = cm.FACILITATOR
    return _build(body)


def seat_command(body: dict, seat: Seat, state: State):
    """The engine command `seat` sends with `body`, its identity filled in from the seat,
    and allowed for the seat's role (exercise.engine.seats.refusal); the engine still
    decides whether the command itself may be done now.

    facilitator and team: as `command_for`. red: as the adversary (actor = its id).
    controller: as the white cell (actor "facilitator"), within its scope. evaluator: notes
    only, signed with the seat's name (filled in when left out). wall: nothing.
    Raises Refused (answered, connection kept) with the reason in the seat's words.
    """
    role = seat.role
    if role in ("facilitator", "team"):
        command = command_for(body, role, seat.team)
    elif role == "wall":
        raise Refused(seats.refusal(seat, _Probe(body["kind"], cm.FACILITATOR, None, ""), state) or "read-only")
    else:
        kind = body["kind"]
        body = dict(body)
        adv = state.rules.adversary
        if role == "red":
            if adv is None:
                raise Refused("this scenario has no adversary: the red cell has nothing to do")
            actor = adv.id
        else:
            actor = cm.FACILITATOR
        if body.get("actor", actor) != actor:
            who = f"the red cell acts as {adv.name}" if role == "red" and adv else \
                f"{_a(seats.ROLE_NAMES.get(role, role))} acts as the white cell"
            raise Refused(f"{who}: leave out `actor`")
        body["actor"] = actor
        if role in ("evaluator", "controller") and kind == "note" and not body.get("author"):
            body["author"] = seat.signature
        if kind in TEAM_KINDS and not (role == "red" and kind == "counter_argue"):
            # decided before the command is built: it has no team to be built with
            probe = _Probe(kind, actor, body.get("team"), body.get("author", ""))
            raise Refused((seats.refusal(seat, probe, state) if role != "controller" else None)
                          or f"{_a(seats.ROLE_NAMES.get(role, role))} acts as the white cell, not as a team: "
                             f"{kind} is a team's command")
        if role in ("red", "evaluator"):
            why = seats.refusal(seat, _Probe(kind, actor, body.get("team"), body.get("author", "")), state)
            if why:
                raise Refused(why)
        command = _build(body)
    why = seats.refusal(seat, command, state)
    if why:
        raise Refused(why)
    return command


def _a(noun: str) -> str:
    """"an evaluator", "a controller"."""
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


@attrs.frozen
class _Probe:
    """What `seats.refusal` reads of a command, for a kind refused before it is built."""

    kind: str
    actor: str
    team: str | None
    author: str


def _build(body: dict):
    from exercise.engine import from_dict

    try:
        return from_dict(body)
    except (TypeError, ValueError) as e:
        raise ProtocolError(f"{body['kind']}: {str(e)[:80]}") from None


def view_type(role: str) -> type:
    """The view class a seat of `role` is sent (to structure a snapshot's or update's view)."""
    return {"facilitator": vt.FacilitatorView, "controller": vt.FacilitatorView, "team": PlayerView,
            "red": vt.RedView, "evaluator": vt.EvaluatorView, "wall": vt.WallView}[role]


def view_from(data: dict, role: str):
    """The view a snapshot or update carried to a seat of `role`, typed again."""
    return view_json.structure(data, view_type(role))


def seat_data(seat: Seat) -> dict:
    """A seat as the welcome carries it."""
    return {"id": seat.id, "role": seat.role, "name": seat.name, "team": seat.team, "scope": list(seat.scope)}


def seat_from(data: dict) -> Seat:
    """The seat a welcome names (a client's own seat)."""
    return Seat(data["id"], data["role"], data["name"], team=data.get("team"), scope=tuple(data.get("scope") or ()))


# -- what the server sends ----------------------------------------------------------------
def dumps(msg: dict | list) -> str:
    return json.dumps(msg, separators=(",", ":"), default=str)


def welcome(role: str, team: str | None, exercise: dict, teams: list[dict], server: str,
            seat: Seat | None = None) -> dict:
    """`role` and `team` as before seats (an old client reads them); `seat` names the seat."""
    out = {"type": "welcome", "protocol": VERSION, "server": server, "role": role, "team": team,
           "exercise": exercise, "teams": teams}
    if seat is not None:
        out["seat"] = seat_data(seat)
    return out


def view_data(view) -> dict:
    """A view (exercise.engine.view_types) as the JSON data a snapshot or update carries:
    the one converter of views (exercise.engine.view_json) at the network edge."""
    return view_json.unstructure(view)


def player_view_from(data: dict) -> PlayerView:
    """The player view a snapshot or update carried, typed again for the team's screens."""
    return view_json.structure(data, PlayerView)


# -- views on the wire: a snapshot holds the whole view, an update a patch of it --------------
# A patch is a list of ops on the view's JSON data, each at a path of keys (objects) and
# indices (lists): {"at": path, "set": value} puts a value there (an index one past a
# list's end appends); {"at": path, "del": true} removes an object's key; {"at": path,
# "len": n} cuts a list to n items. Applied in order, they turn the view the client holds
# into the server's, so an inject's text travels once, when it first reaches the seat.
def diff(old: Any, new: Any, at: tuple = ()) -> list[dict]:
    """The patch that turns JSON data `old` into `new` (none when they are equal)."""
    if old is new or (type(old) is type(new) and old == new and _exactly(old, new)):
        return []
    if type(old) is dict and type(new) is dict:
        ops: list[dict] = [{"at": [*at, k], "del": True} for k in old if k not in new]
        for k, v in new.items():
            if k not in old:
                ops.append({"at": [*at, k], "set": v})
            elif old[k] is not v:  # a part the views share: nothing to walk
                ops += diff(old[k], v, (*at, k))
        return ops
    if type(old) is list and type(new) is list and any(type(x) in (dict, list) for x in new[:1]):
        # a list of objects (an inbox, the injects): item by item, new ones appended;
        # when most items changed (a list kept newest first) the list whole is shorter
        keep = min(len(old), len(new))
        ops = []
        changed = 0
        for i in changed_at(old, new):  # the parts the views share (most of a long list): not walked
            more = diff(old[i], new[i], (*at, i))
            changed += bool(more)
            ops += more
        if changed * 2 <= keep:
            ops += [{"at": [*at, i], "set": new[i]} for i in range(keep, len(new))]
            if len(old) > keep:
                ops.append({"at": list(at), "len": keep})
            return ops
    return [{"at": list(at), "set": new}]


def player_update(last: dict, kept: tuple | None, state: State, team: str, ledger) -> tuple[tuple, dict, list[dict]] | None:
    """A team's view data and its patch from `last`, the data of its view whose kept parts
    (engine view.player_parts) were `kept`, when they still are: only its inbox, pending
    decisions and ledger are made for this state, and only they are compared. None when
    the kept parts changed (the view is built whole). (kept, data, patch)"""
    now, made = player_parts(state, team, ledger)
    if now is not kept:
        return None
    me = last["me"]
    inbox = view_json.field_data(vt.Me, "inbox", made["inbox"])
    pending = view_json.field_data(vt.Me, "pending", made["pending"])
    turns = view_json.field_data(vt.PlayerView, "ledger", made["ledger"])
    ops = diff(me["inbox"], inbox, ("me", "inbox")) + diff(me["pending"], pending, ("me", "pending")) \
        + diff(last["ledger"], turns, ("ledger",))
    if not ops:
        return now, last, []
    data = dict(last)  # the same keys in the same order: a snapshot of it is a fresh one's text
    data["me"] = {**me, "inbox": inbox, "pending": pending}
    data["ledger"] = turns
    return now, data, ops


def _exactly(old: Any, new: Any) -> bool:
    """Data already equal (==) is the same JSON too: inside a list or an object False == 0
    and 1 == 1.0, but a client must get the exact value. Parts the views share are the same
    object and are not walked again."""
    if old is new:
        return True
    kind = type(old)
    if kind is not type(new):
        return False
    if kind is dict:
        return all(_exactly(v, new[k]) for k, v in old.items())
    if kind is list:
        return all(map(_exactly, old, new))
    return True  # equal scalars of one type


def patched(view: dict, ops: list[dict]) -> dict:
    """`view` with the patch `ops` applied: a new object; `view` and what it holds are left
    as they were (what did not change is shared). Raises LookupError, TypeError or
    ValueError for a patch that does not fit the view."""
    root = dict(view)
    fresh = {id(root)}  # containers copied for this patch: changed in place from now on

    def own(parent, key):
        child = parent[key]
        if id(child) not in fresh:
            child = dict(child) if type(child) is dict else list(child)
            parent[key] = child
            fresh.add(id(child))
        return child

    for op in ops:
        at = op["at"]
        if not isinstance(at, list) or not at:
            raise ValueError("a patch op needs a path")
        parent = root
        for key in at[:-1]:
            parent = own(parent, key)
        last = at[-1]
        if "set" in op:
            if type(parent) is list and last == len(parent):
                parent.append(op["set"])
            else:
                parent[last] = op["set"]
        elif op.get("del") is True and type(parent) is dict:
            del parent[last]
        elif "len" in op:
            del own(parent, last)[op["len"]:]
        else:
            raise ValueError(f"unknown patch op {str(op)[:40]}")
    return root


# The JSON text of a part an op sets, by the part's identity: view data shares the parts
# that are the same (an inject fired to every team is one object in every inbox), so the
# updates of every team encode it once. Small parts only (a row, not a whole list), and
# each entry holds its part, so its id is not reused while it is kept.
_TEXTS: dict[int, tuple[Any, str]] = {}
TEXTS, TEXT_MAX = 2048, 16_384


def _set_text(value: Any) -> str:
    hit = _TEXTS.get(id(value))
    if hit is not None and hit[0] is value:
        return hit[1]
    text = dumps(value)
    if len(text) <= TEXT_MAX:
        if len(_TEXTS) >= TEXTS:
            _TEXTS.clear()
        _TEXTS[id(value)] = (value, text)
    return text


def _op_texts(op: dict, limit: int) -> list[str]:
    """An op as JSON, split into several (an empty object or list, then its items) while
    it is over `limit` characters; an item bigger than that on its own goes whole (a
    client takes frames far bigger than MAX_FRAME)."""
    value: Any = op.get("set")
    if type(value) is dict and len(op) == 2:  # {"at": ..., "set": {...}}, as dumps writes it
        text = f'{{"at":{dumps(op["at"])},"set":{_set_text(value)}}}'
    else:
        text = dumps(op)
    if len(text) <= limit or type(value) not in (dict, list) or len(value) < 2:
        return [text]
    at = op["at"]
    items = value.items() if type(value) is dict else enumerate(value)
    out = [dumps({"at": at, "set": {} if type(value) is dict else []})]
    for k, v in items:
        out += _op_texts({"at": [*at, k], "set": v}, limit)
    return out


def _framed(head: str, ops: list[dict], limit: int) -> list[str]:
    """A message that carries a patch, in frames of about `limit` characters at most:
    `head` (a JSON object's text without its closing brace) with the ops that fit and
    "more": true while `parts` frames follow with the rest."""
    texts = [t for op in ops for t in _op_texts(op, limit)]
    frames: list[list[str]] = [[]]
    size = len(head)
    for text in texts:
        if frames[-1] and size + len(text) > limit:
            frames.append([])
            size = 0
        frames[-1].append(text)
        size += len(text) + 1
    out = []
    for i, chunk in enumerate(frames):
        more = ',"more":true' if i < len(frames) - 1 else ""
        start = head if i == 0 else '{"type":"parts"'
        out.append(f'{start},"patch":[{",".join(chunk)}]{more}}}')
    return out


def snapshot_frames(seq: int, view: dict, limit: int | None = None) -> list[str]:
    """The snapshot of `view` (its JSON data): one frame, or when the view is bigger than
    `limit` (MAX_FRAME), an empty view and `parts` frames that fill it in."""
    limit = limit or MAX_FRAME
    text = dumps(view)
    if len(text) <= limit:
        return [f'{{"type":"snapshot","seq":{seq},"view":{text}}}']
    return _framed(f'{{"type":"snapshot","seq":{seq},"view":{{}}', [{"at": [k], "set": v} for k, v in view.items()],
                   limit)


def update_frames(seq: int, base: int, events: list[dict], ops: list[dict], limit: int | None = None) -> list[str]:
    """An update: the events the seat is told and the patch from the view it has held since
    `base` (a client holding an older view asks for a snapshot instead), in frames of
    `limit` (MAX_FRAME) characters or so."""
    limit = limit or MAX_FRAME
    return _framed(f'{{"type":"update","seq":{seq},"base":{base},"events":{dumps(events)}', ops, limit)


def result(cid: str, ok: bool, seq: int, reason: str = "", duplicate: bool = False) -> dict:
    out = {"type": "result", "id": cid, "ok": ok, "seq": seq}
    if reason:
        out["reason"] = reason
    if duplicate:
        out["duplicate"] = True
    return out


def timer(remaining: float | None) -> dict:
    return {"type": "timer", "remaining": remaining}


def error(reason: str) -> dict:
    return {"type": "error", "reason": reason}


def printable(text, limit: int) -> str:
    """`text` safe for a log line or a terminal: control and other unprintable characters
    escaped (no terminal escape sequences, no line breaks that would forge a line), cut to
    `limit`."""
    text = str(text)
    if not text.isprintable():
        text = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def close_reason(text: str) -> str:
    """A WebSocket close reason must fit in 123 bytes of UTF-8."""
    data = text.encode()
    if len(data) <= 123:
        return text
    return data[:120].decode(errors="ignore") + "..."
