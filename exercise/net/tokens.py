"""Access tokens: one per seat of the room, kept in the save folder.

They live beside the journal (`tokens.json`, owner read/write only) so a server restarted
with `--resume` accepts the same join commands and nobody has to be handed a new one.
A token is 128 bits from `secrets`; it is compared in constant time.

The facilitator and every team have one from the start. Other seats (the red cell,
controllers, evaluators, wall displays: exercise.engine.seats) are added by the
facilitator, at `exercise serve` time, from the console, or with `exercise seat add` in
another shell while the server runs (it re-reads this file). A revoked seat keeps its
entry (its role and name, for the record) with `"revoked": true`; its token opens nothing.

    {"facilitator": TOKEN, "teams": {TEAM_ID: TOKEN, ...},
     "seats": [{"id": "alice", "role": "controller", "name": "Alice", "scope": ["east"],
                "token": TOKEN, "revoked": false}, ...]}

A file without "seats" (written before seats existed) loads unchanged.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import attrs

from exercise.controls import CONTROLS
from exercise.engine.seats import ROLE_NAMES, Seat, facilitator_seat
from exercise.fsutil import read_regular

TOKENS = "tokens.json"
LOCK = ".tokens.lock"
ADDED_ROLES = ("controller", "evaluator", "wall", "red")  # the seats the facilitator adds
MAX_SEAT_NAME = 60  # characters in a seat's name (it is shown on screens and in the journal)
MAX_SEATS = 200  # seats in one room, revoked ones included
RESERVED_IDS = frozenset({"facilitator", "all"})


class TokenError(Exception):
    pass


class SeatError(TokenError):
    """A seat that cannot be added or revoked as asked; the message says why and what would work."""


@attrs.frozen
class SeatEntry:
    seat: Seat
    token: str
    revoked: bool = False


@attrs.frozen
class Tokens:
    facilitator: str
    teams: dict[str, str]
    seats: tuple[SeatEntry, ...] = ()

    def identify(self, token: str, names: Mapping[str, str] | None = None) -> Seat | None:
        """The seat `token` opens, or None for an unknown or revoked one. A team's seat is
        named from `names` (team id -> name; the id when not given).

        Every stored token is compared (constant time each), so the time taken does not
        say which one, if any, a guess came close to.
        """
        given = token.encode()
        found: Seat | None = None
        if hmac.compare_digest(given, self.facilitator.encode()):
            found = facilitator_seat()
        for team, t in self.teams.items():
            if hmac.compare_digest(given, t.encode()):
                found = Seat(team, "team", (names or {}).get(team, team), team=team)
        for entry in self.seats:
            if hmac.compare_digest(given, entry.token.encode()) and not entry.revoked:
                found = entry.seat
        return found

    def revoked(self, token: str) -> SeatEntry | None:
        """The revoked seat `token` belonged to, if any (to tell its holder why it is refused)."""
        given = token.encode()
        found = None
        for entry in self.seats:
            if hmac.compare_digest(given, entry.token.encode()) and entry.revoked:
                found = entry
        return found

    def entry(self, seat_id: str) -> SeatEntry | None:
        return next((e for e in self.seats if e.seat.id == seat_id), None)

    def live(self) -> tuple[SeatEntry, ...]:
        """The seats not revoked, in the order they were added."""
        return tuple(e for e in self.seats if not e.revoked)


def _new() -> str:
    return secrets.token_urlsafe(16)


# -- reading and writing the file --------------------------------------------------------------
def _path(folder: Path) -> Path:
    return Path(folder) / TOKENS


def _bad(path: Path, why: str) -> TokenError:
    return TokenError(f"{path}: cannot read the tokens ({why}); delete the file to issue new ones "
                      "(every seat then needs its new join command)")


def _entry(d) -> SeatEntry:
    if not isinstance(d, dict):
        raise ValueError("a seat is not an object")
    sid, role, name, token = d.get("id"), d.get("role"), d.get("name"), d.get("token")
    scope = d.get("scope", [])
    if not (isinstance(sid, str) and isinstance(role, str) and isinstance(name, str) and isinstance(token, str)
            and sid and role and name and token):
        raise ValueError("a seat needs an id, a role, a name and a token (strings)")
    if role not in ADDED_ROLES:
        raise ValueError(f"seat {sid!r}: unknown role {role!r}")
    if not isinstance(scope, list) or not all(isinstance(t, str) for t in scope):
        raise ValueError(f"seat {sid!r}: scope must be a list of team ids")
    revoked = d.get("revoked", False)
    if not isinstance(revoked, bool):
        raise ValueError(f"seat {sid!r}: revoked must be true or false")
    return SeatEntry(Seat(sid, role, name, scope=tuple(scope)), token, revoked)


def _parse(path: Path, data) -> Tokens:
    if not isinstance(data, dict) or not isinstance(data.get("facilitator"), str) \
            or not isinstance(data.get("teams"), dict):
        raise _bad(path, "facilitator or teams missing")
    teams = data["teams"]
    if not all(isinstance(v, str) for v in teams.values()):
        raise _bad(path, "a team's token is not a string")
    seats = data.get("seats", [])
    if not isinstance(seats, list):
        raise _bad(path, "seats must be a list")
    try:
        entries = tuple(_entry(d) for d in seats)
    except ValueError as e:
        raise _bad(path, str(e)) from None
    if len({e.seat.id for e in entries}) != len(entries):
        raise _bad(path, "two seats have the same id")
    return Tokens(facilitator=data["facilitator"], teams=dict(teams), seats=entries)


def load(folder: Path) -> Tokens:
    """The save's tokens as they are in the file now (TokenError if missing or unreadable)."""
    path = _path(folder)
    try:
        data = json.loads(read_regular(path).decode("utf-8"))  # a FIFO must not hang serve
    except FileNotFoundError:
        raise TokenError(f"{path}: no tokens yet; `exercise serve` (or `exercise seat add`) makes them") from None
    except (OSError, ValueError, RecursionError) as e:
        raise _bad(path, str(e)) from None
    return _parse(path, data)


def signature(folder: Path) -> tuple[int, int, int] | None:
    """What changes when the file is written (it is replaced, so its inode changes too): a
    cheap check before reading it again. None when it is not there."""
    try:
        st = os.stat(_path(folder))
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """One writer of tokens.json at a time (the server and `exercise seat` in another shell)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no advisory lock
        yield
        return
    fd = os.open(Path(folder) / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def load_or_create(folder: Path, teams: list[str]) -> Tokens:
    """The save's tokens; created (0600) on first use, and a team added since gets one."""
    path = _path(folder)
    with _locked(folder):
        data = None
        if path.exists():
            data = load(folder)
            os.chmod(path, 0o600)  # in case it was copied with looser permissions
        tokens = Tokens(facilitator=data.facilitator if data else _new(),
                        teams={t: (data.teams.get(t) if data else None) or _new() for t in teams},
                        seats=data.seats if data else ())
        if data is None or set(tokens.teams) - set(data.teams):
            _write(path, tokens)
    return tokens


def _write(path: Path, tokens: Tokens) -> None:
    """Written to a temp file created 0600, then renamed: never readable by others."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    body: dict = {"facilitator": tokens.facilitator, "teams": tokens.teams}
    if tokens.seats:
        body["seats"] = [{"id": e.seat.id, "role": e.seat.role, "name": e.seat.name, "scope": list(e.seat.scope),
                          "token": e.token, "revoked": e.revoked} for e in tokens.seats]
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(body, f, indent=2)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# -- seats ---------------------------------------------------------------------------------------
def check_name(name: str) -> str:
    """A seat's name as people will read it, or SeatError saying what is wrong with it."""
    if not isinstance(name, str):
        raise SeatError("a seat's name must be text")
    shown = name.strip()
    if not shown:
        raise SeatError("a seat needs a name (who sits there: \"Alice\", \"Projector\")")
    if CONTROLS.search(shown) or "\n" in shown or "\t" in shown:
        raise SeatError("a seat's name cannot hold control characters (escape sequences, line breaks, tabs)")
    if len(shown) > MAX_SEAT_NAME:
        raise SeatError(f"a seat's name is at most {MAX_SEAT_NAME} characters ({len(shown)} given)")
    return shown


def check_scope(scope: Iterable[str], teams: Mapping[str, str]) -> tuple[str, ...]:
    """A controller's scope: team ids of the scenario (in the scenario's order, once each)."""
    given = [t.strip() for t in scope if t.strip()]
    unknown = [t for t in given if t not in teams]
    if unknown:
        known = ", ".join(f"{tid} ({name})" for tid, name in teams.items())
        raise SeatError(f"scope: no team {', '.join(repr(t) for t in unknown)} in this exercise; "
                        f"its teams are {known}")
    return tuple(t for t in teams if t in given)


def describe(seat: Seat, teams: Mapping[str, str]) -> str:
    """A seat for the journal and the log, by name: "Alice (controller, scope: East, West)"."""
    role = ROLE_NAMES.get(seat.role, seat.role)
    if seat.role == "controller":
        scope = ", ".join(teams.get(t, t) for t in seat.scope) if seat.scope else "every team"
        return f"{seat.name} ({role}, scope: {scope})"
    if role.casefold() in seat.name.casefold():  # "Russia (red cell)"
        return seat.name
    return f"{seat.name} ({role})"


def _seat_id(name: str, role: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:32].strip("-") or role
    if role == "red":
        base = "red"
    sid, n = base, 2
    while sid in taken:
        sid, n = f"{base}-{n}", n + 1
    return sid


def add_seat(folder: Path, role: str, name: str, scope: Iterable[str] = (), *,
             teams: Mapping[str, str], adversary: bool = True) -> tuple[Tokens, SeatEntry]:
    """Add a seat to the save's tokens (read fresh, written at once): the tokens now and
    the new seat. `teams`: the scenario's team ids -> names; `adversary`: whether the
    scenario has one (a red cell needs it). SeatError says what is wrong."""
    if role not in ADDED_ROLES:
        raise SeatError(f"role {role!r}: a seat added is one of {', '.join(ADDED_ROLES)} "
                        "(teams and the facilitator have theirs from the start)")
    shown = check_name(name)
    scope = tuple(scope)
    if role == "controller":
        scope = check_scope(scope, teams)
    elif scope:
        raise SeatError(f"a scope is for controllers only; a {ROLE_NAMES[role]} sees what its role sees")
    if role == "red" and not adversary:
        raise SeatError("this scenario has no adversary: there is no red cell to seat")
    with _locked(folder):
        tokens = _load_or_new(folder, list(teams))
        live = tokens.live()
        if role == "red" and any(e.seat.role == "red" for e in live):
            held = next(e for e in live if e.seat.role == "red")
            raise SeatError(f"the red cell already has a seat ({held.seat.name}, id {held.seat.id}); "
                            "revoke it first to give it to someone else")
        if any(e.seat.name.casefold() == shown.casefold() for e in live):
            raise SeatError(f"a seat named {shown!r} is already there; choose another name "
                            "(or revoke that one first)")
        if len(tokens.seats) >= MAX_SEATS:
            raise SeatError(f"a room has at most {MAX_SEATS} seats (revoked ones included)")
        taken = set(tokens.teams) | {e.seat.id for e in tokens.seats} | RESERVED_IDS
        entry = SeatEntry(Seat(_seat_id(shown, role, taken), role, shown, scope=scope), _new())
        tokens = attrs.evolve(tokens, seats=(*tokens.seats, entry))
        _write(_path(folder), tokens)
    return tokens, entry


def _load_or_new(folder: Path, teams: list[str]) -> Tokens:
    path = _path(folder)
    if not path.exists():
        tokens = Tokens(_new(), {t: _new() for t in teams})
        _write(path, tokens)
        return tokens
    return load(folder)


def revoke(folder: Path, seat_id: str) -> Tokens:
    """Revoke a seat: its token opens nothing from now on (its entry stays, marked). Teams
    and the facilitator cannot be revoked here (their tokens are the exercise's own)."""
    with _locked(folder):
        tokens = load(folder)
        entry = tokens.entry(seat_id)
        if entry is None:
            if seat_id in tokens.teams or seat_id == "facilitator":
                raise SeatError(f"{seat_id!r} is a team's or the facilitator's seat: it cannot be revoked "
                                "(delete tokens.json while no server runs to issue every token anew)")
            ids = ", ".join(e.seat.id for e in tokens.live()) or "none"
            raise SeatError(f"no seat {seat_id!r}; the seats that can be revoked: {ids} (`exercise seat list`)")
        if entry.revoked:
            raise SeatError(f"seat {seat_id!r} ({entry.seat.name}) is already revoked")
        tokens = attrs.evolve(tokens, seats=tuple(attrs.evolve(e, revoked=True) if e.seat.id == seat_id else e
                                                  for e in tokens.seats))
        _write(_path(folder), tokens)
    return tokens
