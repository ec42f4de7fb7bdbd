"""A protocol client that keeps its connection: `exercise join`, scripts and tests use it.

It reconnects by itself after a drop (backing off up to a few seconds), re-syncs from the
snapshot the server sends on every hello, keeps the view up to date by applying each
update's patch (asking for a snapshot if one does not fit), and resends any command it had no answer to
under the same id, which the server recognises, so nothing is lost or done twice.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from collections import deque
from collections.abc import Callable

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
from websockets.frames import CloseCode

from exercise.engine.view_types import PlayerView
from exercise.listeners import Listeners
from exercise.net import protocol as p

ANSWER_TIMEOUT = 30.0
# What a client holds of what the server sends, whatever the server (a hostile or broken one
# must not grow the client's memory without bound). An `exercise serve` sends views in frames
# of about 1 MiB (p.MAX_FRAME; one item over that goes whole), and its biggest measured view
# is 5.7 MB (the big scenario's facilitator view at turn 4; a team's is 35-400 KB).
MAX_RECEIVE = 4 * p.MAX_FRAME  # bytes in one frame: the websockets library refuses more (1009)
MAX_VIEW = 32 * p.MAX_FRAME  # characters of one view: a snapshot with its parts, an update with its parts
VALUE_WEIGHT = 16  # characters a JSON value counts for at least against MAX_VIEW (so 2 million values at most)
MAX_EVENTS = 1024 * 1024  # characters of the newest events kept in `events` (older ones are let go)
RECEIVE_QUEUE = 4  # frames the library buffers before it stops reading the socket (so 4 x MAX_RECEIVE at most)


MAX_SHOWN = 300  # characters of a reason the server gives, shown to the player


class Fatal(Exception):
    """The server refused this client for good (a wrong token, a protocol mismatch)."""


class TooBig(Exception):
    """The server sent more than this client holds (MAX_RECEIVE in a frame, MAX_VIEW in a
    view): no `exercise serve` does; the client stops and says so."""


class Unreadable(Exception):
    """A message from the server this client cannot read (another program, another version,
    or a hostile one): the client stops and says what was wrong, never a traceback."""


def _field(msg: dict, name: str, kinds: type | tuple[type, ...], what: str):
    """msg[name] when it is of `kinds` (bool is not a number); Unreadable otherwise."""
    value = msg.get(name)
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in (
            kinds if isinstance(kinds, tuple) else (kinds,))):
        raise Unreadable(f"`{p.printable(msg.get('type'), 20)}` with {name} not {what}")
    return value


class Client:
    def __init__(self, url: str, token: str, name: str = "exercise", ssl=None,
                 backoff: tuple[float, float] = (0.25, 5.0)):
        self.url = url
        self.token = token
        self.name = name
        self.ssl = ssl
        self.backoff = backoff
        self.status = "connecting…"
        self.welcome: dict | None = None
        self.view: dict | None = None
        self.seq = -1
        # the events this client was shown, in order, per update with its size (the newest
        # MAX_EVENTS characters of them: see `events`)
        self._events: deque[tuple[list, int]] = deque()
        self._events_size = 0
        self.fatal: str | None = None
        self.last_error = ""  # why the last connection ended or failed, for the connecting screen
        self.timer: tuple[float, float] | None = None  # (remaining, monotonic time it was told)
        self.connections = 0  # how many times it has connected
        self._ws: ClientConnection | None = None
        self._ready = asyncio.Event()
        # a broken screen must not end the connection loop: its failure is the last error
        self._listeners: Listeners[[]] = Listeners(self._listener_failed)
        self._pending: dict[str, tuple[dict, asyncio.Future]] = {}
        self._closed = False
        self._slot = float("-inf")  # when the next command may be sent (see _pace)
        # a snapshot or update whose patch comes in several frames: (message, view so far)
        self._partial: tuple[dict, dict] | None = None
        # sizes as weighed against MAX_VIEW (characters, or VALUE_WEIGHT a value: see _weight)
        self._incoming = 0  # of the message in progress (its frames so far)
        self._held = 0  # of the view held: its snapshot and the updates applied since
        self._first_size = 0  # of the first frame of the update in progress (its events are there)
        self._resync = ""  # "ask": a snapshot is needed; "asked": updates until it are dropped

    @property
    def events(self) -> list[dict]:
        """The events this client was shown, oldest first: all of them, or, after more than
        MAX_EVENTS characters of them, the newest (a long exercise, or a hostile server)."""
        return [e for chunk, _size in self._events for e in chunk]

    # -- watching -------------------------------------------------------------------------
    def subscribe(self, callback: Callable[[], None]) -> Callable[[], None]:
        return self._listeners.add(callback)

    def _listener_failed(self, callback, e: Exception) -> None:
        self.last_error = f"a listener failed: {type(e).__name__}: {e}"

    def _changed(self) -> None:
        self._listeners.emit()

    def _set_status(self, status: str) -> None:
        if status != self.status:
            self.status = status
            self._changed()

    @property
    def connected(self) -> bool:
        return self._ws is not None and self._ready.is_set()

    async def wait_ready(self, timeout: float = 10.0) -> None:
        """Until the first snapshot (or raise Fatal / TimeoutError)."""
        deadline = time.monotonic() + timeout
        while not self._ready.is_set():
            if self.fatal:
                raise Fatal(self.fatal)
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no snapshot from {self.url} in {timeout:g} s ({self.status})")
            try:
                await asyncio.wait_for(self._ready.wait(), min(left, 0.05))
            except TimeoutError:
                pass
        if self.fatal:
            raise Fatal(self.fatal)

    # -- the connection loop ----------------------------------------------------------------
    async def run(self) -> None:
        """Connect, and reconnect after every drop, until closed or refused for good."""
        attempt = 0
        while not self._closed:
            try:
                async with connect(self.url, ssl=self.ssl, max_size=MAX_RECEIVE, max_queue=RECEIVE_QUEUE,
                                   compression=None, open_timeout=5, ping_interval=10, ping_timeout=10,
                                   close_timeout=2) as ws:
                    self._ws = ws
                    self._partial, self._resync, self._incoming = None, "", 0
                    await ws.send(p.dumps({"type": "hello", "protocol": p.VERSION, "token": self.token,
                                           "client": self.name}))
                    async for raw in ws:
                        try:
                            started = self._receive(raw)
                        except Unreadable as e:
                            self._fail(f"the server at {self.url} sent a message this client cannot read ({e}); "
                                       "is it an `exercise serve` of the same version?")
                            break
                        except TooBig as e:
                            self._too_big(str(e))
                            break
                        if started:
                            attempt = 0
                            await self._resend()
                        elif self._resync == "ask":
                            self._resync = "asked"
                            await ws.send(p.dumps({"type": "sync"}))
            except ConnectionClosed as e:
                if e.sent is not None and e.sent.code == CloseCode.MESSAGE_TOO_BIG and e.rcvd is None:
                    # the library refused a frame over MAX_RECEIVE (before reading it in)
                    self._too_big(f"a message of more than {MAX_RECEIVE / 2**20:g} MiB in one piece")
                    break
                code, reason = (e.rcvd.code, e.rcvd.reason) if e.rcvd else (None, "")
                reason = p.printable(reason, MAX_SHOWN)  # the server's words: no escape sequences
                if code in (p.CLOSE_POLICY, p.CLOSE_BINARY):  # reconnecting would not help
                    self._fail(reason or "refused by the server")
                elif code == p.CLOSE_TRY_LATER:
                    attempt = max(attempt, 4)  # told to slow down: start from a longer pause
                self.last_error = reason or "connection lost"
            except (InvalidURI, ValueError) as e:
                self._fail(f"{self.url}: {e}")
            except (OSError, TimeoutError, InvalidHandshake) as e:
                self.last_error = _describe(e, self.url)
            finally:
                self._ws = None
                self._ready.clear()
            if self._closed or self.fatal:
                break
            attempt += 1
            delay = min(self.backoff[1], self.backoff[0] * 2 ** min(attempt - 1, 8)) * random.uniform(0.8, 1.2)
            self._set_status(f"reconnecting… (attempt {attempt})")
            await asyncio.sleep(delay)
        for _body, fut in self._pending.values():
            if not fut.done():
                fut.set_exception(ConnectionError(self.fatal or "the client was closed"))
        self._pending.clear()

    def _fail(self, reason: str) -> None:
        self.fatal = reason
        self._set_status(f"refused: {reason}")
        self._ready.set()  # wake wait_ready

    def _too_big(self, what: str) -> None:
        """Stop for good: the server sent more than this client holds (no `exercise serve` does)."""
        self._partial, self._incoming = None, 0
        self._fail(f"the server at {self.url} sent more than this console holds: {what}, where an "
                   "`exercise serve` sends a few MB at most. The console stopped and disconnected. Check the "
                   "address with the facilitator (is it their `exercise serve`?), then run the join command "
                   "again; if this happens again, tell the facilitator")

    def _receive(self, raw) -> bool:
        """Handle one server message; True when it is the snapshot that (re)starts a session.
        Raises Unreadable for a message that breaks the protocol (saying what was wrong)."""
        if not isinstance(raw, str):
            raise Unreadable("a binary frame")
        try:
            msg = json.loads(raw)
        except (ValueError, RecursionError) as e:
            raise Unreadable(f"not JSON: {str(e)[:60]}") from None
        if not isinstance(msg, dict):
            raise Unreadable("not a JSON object")
        kind = msg.get("type")
        if kind == "welcome":
            seat = msg.get("seat", {})
            if not isinstance(seat, dict) or not isinstance(seat.get("scope", []), list):
                raise Unreadable("`welcome` with a seat that is not an object with a list of teams")
            _field(msg, "teams", list, "a list")
            self.welcome = msg
        elif kind in ("snapshot", "update", "parts"):
            return self._view_message(msg, _weight(raw))
        elif kind == "result":
            pending = self._pending.pop(_field(msg, "id", str, "a string"), None)
            _field(msg, "ok", bool, "true or false")
            if pending and not pending[1].done():
                pending[1].set_result(msg)
        elif kind == "timer":
            remaining = _field(msg, "remaining", (int, float, type(None)), "a number of seconds")
            self.timer = None if remaining is None else (remaining, time.monotonic())
            self._changed()
        elif kind == "error":
            self.last_error = p.printable(msg.get("reason", ""), MAX_SHOWN)
        return False

    def _view_message(self, msg: dict, size: int) -> bool:
        """A snapshot, an update or the `parts` frames that finish one (`size`: this frame's
        weight, see _weight): the view patched; True when a snapshot is complete. Raises TooBig when
        one view (a snapshot or an update, with its parts) goes past MAX_VIEW."""
        kind = msg["type"]
        if kind in ("snapshot", "update"):
            _field(msg, "seq", int, "a whole number")
        if "patch" in msg:
            _field(msg, "patch", list, "a list")
        if kind == "snapshot":
            self._partial, self._resync = (msg, _field(msg, "view", dict, "an object")), ""
            self._incoming = 0
        elif kind == "update":
            _field(msg, "events", list, "a list")
            if self._resync or self.view is None or _field(msg, "base", int, "a whole number") > self.seq:
                self._partial = None  # patches a view this client does not hold
                self._resync = self._resync or "ask"
                return False
            self._partial, self._incoming = (msg, self.view), 0
            self._first_size = size
        elif self._partial is None:
            return False  # the rest of a message dropped above
        first, view = self._partial
        self._incoming += size
        if self._incoming > MAX_VIEW:  # bigger than any view an honest server has: it is let go
            raise TooBig(f"a {'view' if first['type'] == 'snapshot' else 'change of the view'} of more than "
                         f"{MAX_VIEW / 2**20:g} MiB (or {MAX_VIEW // VALUE_WEIGHT / 1e6:.1f} million values), "
                         "and still coming")
        try:
            view = p.patched(view, msg.get("patch", ()))
        except (LookupError, TypeError, ValueError, RecursionError):
            self._partial = None
            self._resync = "ask"  # cannot happen with this server; a snapshot puts it right
            return False
        if msg.get("more"):
            self._partial = (first, view)
            return False
        self._partial = None
        self.view, self.seq = view, first["seq"]
        if first["type"] == "update":
            self._held += self._incoming
            if self._held > MAX_VIEW:
                # the updates since the snapshot add up to more than a view holds: what they
                # replaced is counted too, so a fresh snapshot measures the view again (and
                # updates are dropped until it comes: the view no longer grows)
                self._resync = "ask"
            self._keep_events(first["events"], self._first_size)
            self._changed()
            return False
        self._held = self._incoming
        self.connections += 1
        self._ready.set()
        self.last_error = ""
        self.status = "connected"
        self._changed()
        return True

    def _keep_events(self, events: list, size: int) -> None:
        """Keep an update's events, and only the newest MAX_EVENTS characters of events."""
        if not events:
            return
        self._events.append((events, size))
        self._events_size += size
        while self._events_size > MAX_EVENTS and len(self._events) > 1:
            self._events_size -= self._events.popleft()[1]

    async def _resend(self) -> None:
        """After a reconnect: commands sent before the drop with no answer yet, same ids."""
        for cid, (body, _fut) in list(self._pending.items()):
            await self._pace()
            if (ws := self._ws) is not None:  # None: dropped meanwhile, resent once reconnected
                await ws.send(p.dumps({"type": "command", "id": cid, "command": body}))

    async def _pace(self) -> None:
        """Stay inside the server's rate limit: half its burst at once, then 80 % of its
        rate, each send taking the next free slot (so concurrent sends queue up in order
        instead of all waking at once)."""
        interval = 1 / (p.RATE * 0.8)
        now = time.monotonic()
        self._slot = max(self._slot + interval, now - (p.BURST / 2) * interval)
        if self._slot > now:
            await asyncio.sleep(self._slot - now)

    # -- acting -----------------------------------------------------------------------------
    async def send(self, body: dict, timeout: float = ANSWER_TIMEOUT) -> dict:
        """Send a command (a dict with `kind`); the server's `result` message.

        Raises ConnectionError when not connected (nothing was sent) or when no answer
        came in `timeout` seconds.
        """
        if not self.connected:
            raise ConnectionError(f"not connected to the server ({self.status}): nothing was sent; "
                                  "try again once it says connected")
        cid = uuid.uuid4().hex
        fut = asyncio.get_running_loop().create_future()
        self._pending[cid] = (body, fut)
        try:
            await self._pace()
            if (ws := self._ws) is not None:  # None: dropped meanwhile, resent once reconnected
                await ws.send(p.dumps({"type": "command", "id": cid, "command": body}))
        except (ConnectionClosed, AttributeError):
            pass  # still pending: resent under the same id once reconnected
        try:
            return await asyncio.wait_for(asyncio.shield(fut), timeout)
        except TimeoutError:
            self._pending.pop(cid, None)
            raise ConnectionError(f"no answer from the server in {timeout:g} s; it may or may not have been "
                                  "done: the screen shows it once connected") from None

    def timer_left(self) -> float | None:
        if self.timer is None:
            return None
        remaining, at = self.timer
        return max(0.0, remaining - (time.monotonic() - at))

    async def close(self) -> None:
        self._closed = True
        if self._ws is not None:
            await self._ws.close()


def _weight(raw: str) -> int:
    """What a frame of view weighs against MAX_VIEW: its characters, or VALUE_WEIGHT for each
    value in it if that is more (a value is a Python object of 30-60 bytes once parsed: 32
    MiB of `[],` would be ~700 MB held). Values are counted by the commas, brackets and braces
    (in strings too: an honest view has one value per ~30 characters, so it weighs its size)."""
    return max(len(raw), VALUE_WEIGHT * (raw.count(",") + raw.count("[") + raw.count("{")))


def _describe(e: Exception, url: str) -> str:
    """Why a connection attempt failed, in words a player can act on."""
    import socket

    if isinstance(e, ConnectionRefusedError):
        return f"nothing answers at {url}: is `exercise serve` running there, on that port?"
    if isinstance(e, socket.gaierror):
        return f"unknown host in {url}: check the address the facilitator gave you"
    if isinstance(e, TimeoutError):
        return f"no answer from {url} in time: check the network (Wi-Fi, firewall)"
    return str(e) or type(e).__name__


class RemoteTeamPort:
    """The team console's port over the network (see exercise.ports.TeamPort)."""

    def __init__(self, client: Client, team: str):
        self.client = client
        self.team = team
        self._typed: tuple[dict, PlayerView] | None = None  # the client's last view, and it typed

    @property
    def status(self) -> str:
        return self.client.status

    def view(self) -> PlayerView:
        raw = self.client.view
        if raw is None:
            raise ConnectionError(f"no view from the server yet ({self.client.status})")
        # while reconnecting: the last one, and the status says so; typed once per message
        if self._typed is None or self._typed[0] is not raw:
            self._typed = (raw, _typed(raw, PlayerView))
        return self._typed[1]

    async def send(self, command) -> None:
        from exercise import engine

        body = engine.to_dict(command)
        body.pop("actor", None)
        body.pop("team", None)  # who we are comes from the token
        answer = await self.client.send(body)
        if not answer["ok"]:
            raise engine.Rejected(answer.get("reason", "refused"))

    def subscribe(self, callback: Callable[[], None]) -> Callable[[], None]:
        return self.client.subscribe(callback)


class RemoteSeatPort:
    """A seat's console over the network (see exercise.ports.SeatPort): the red cell, a
    controller, an evaluator, the wall. The server fills in who sends a command from the
    seat's token, so `actor` (and a team's `team`) are left out of what is sent."""

    def __init__(self, client: Client, seat):
        self.client = client
        self.seat = seat  # exercise.engine.seats.Seat, from the welcome
        self._typed: tuple[dict, object] | None = None  # the client's last view, and it typed

    @property
    def status(self) -> str:
        return self.client.status

    def view(self):
        raw = self.client.view
        if raw is None:
            raise ConnectionError(f"no view from the server yet ({self.client.status})")
        if self._typed is None or self._typed[0] is not raw:  # typed once per message
            self._typed = (raw, _typed(raw, _view_type(self.seat.role)))
        return self._typed[1]

    async def send(self, command) -> None:
        from exercise import engine

        body = engine.to_dict(command)
        body.pop("actor", None)  # who we are comes from the token
        if self.seat.role == "team":
            body.pop("team", None)
        answer = await self.client.send(body)
        if not answer["ok"]:
            raise engine.Rejected(answer.get("reason", "refused"))

    def subscribe(self, callback: Callable[[], None]) -> Callable[[], None]:
        return self.client.subscribe(callback)


def _typed(raw: dict, cls: type):
    """The view the server sent, typed as `cls`; a ConnectionError (which the screens show,
    keeping the last view) for data that is not such a view, never a traceback."""
    from exercise.engine import view_json

    try:
        return view_json.structure(raw, cls)
    except Exception as e:  # cattrs says why in its own exception types
        raise ConnectionError(f"the server sent a view this console cannot read ({type(e).__name__}: "
                              f"{p.printable(e, 80)}); is it an `exercise serve` of the same version?") from None


def _view_type(role: str) -> type:
    """The class a seat's view is typed as: the protocol's answer when it has one, else the
    contract's (seats.view_for: facilitator and controller a FacilitatorView, a team a
    PlayerView, red a RedView, an evaluator an EvaluatorView, the wall a WallView)."""
    from exercise.engine import view_types as vt

    known = getattr(p, "view_type", None)
    if known is not None:
        return known(role)
    types: dict[str, type] = {"facilitator": vt.FacilitatorView, "controller": vt.FacilitatorView,
                              "team": vt.PlayerView, "red": vt.RedView, "evaluator": vt.EvaluatorView,
                              "wall": vt.WallView}
    if role not in types:
        raise ValueError(f"unknown seat role {role!r}")
    return types[role]
