"""The exercise server: the Session, shared with team terminals over WebSockets.

It runs on the asyncio loop of the process that holds the Session (the facilitator
console's, or its own with `--headless`), so commands from the network and from the
console are carried out one at a time, in order, by the same object.

Per connection: a hello with a token (which alone says which seat of the room it is: the
facilitator, a team, the red cell, a controller, an evaluator, a wall display), then a
snapshot of the view the server decides that seat may see (exercise.engine.seats), then
updates as commands are done: each a patch of the view (what changed), built and encoded
once for every connection of the same kind of seat, and sent only when something that
seat can see changed.

Updates are coalesced: a command is journaled and carried out at once, but the views are
built on the next turn of the loop (`_flush`), once for all the commands done since, and
the commands' results follow their update. While commands keep coming (a flood within the
rate limits) the build waits for the burst to drain, up to HOLD seconds; and commands take
turns (`_turn`): at most SLICE seconds of them run before the loop reads the network again,
so a terminal joining under a flood is greeted between bursts.
Everything a connection is sent goes through its own queue and writer task, so an update
is never overtaken by the result that caused it, and a slow client slows nobody else.

Seats are added and revoked here (`add_seat`, `revoke`) or in tokens.json by `exercise
seat` from another shell: the server reads the file again when it changes (a stat every
POLL seconds), journals each seat added or revoked, and closes a revoked seat's
connections at once.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.frames import Opcode

from exercise import engine
from exercise.engine import commands as cm
from exercise.engine import seats
from exercise.engine.seats import Seat
from exercise.engine.view import player_parts
from exercise.journal.log import JournalError
from exercise.listeners import Listeners
from exercise.net import protocol as p
from exercise.net import tokens as tk
from exercise.net.tokens import Tokens

printable = p.printable  # network strings in the log

MAX_BACKLOG = 512  # queued messages before a connection is dropped as too slow
MAX_PENDING_BYTES = 4 * 1024 * 1024  # bytes waiting for a connection (queued or unsent) before it is dropped
MAX_LOG_LINE = 300  # characters of one log line (network strings in it are escaped too)
REMEMBERED = 20_000  # refused command ids kept to answer a resend (accepted ones are all kept)
MAX_CONNECTIONS = 500  # in all; a room has a few dozen terminals
MAX_PER_TOKEN = 64  # connections of one team (or of the facilitator)
MAX_GREETING = 512  # connections not yet through their hello, in all: each may hold a frame of
MAX_GREETING_PER_IP = 64  # up to 64 KiB for HELLO_TIMEOUT; honest clients say hello at once
OPEN_TIMEOUT = 5.0  # seconds for the WebSocket handshake
CONTROL_RATE = 5.0  # ping and pong frames a second a client may send (its library pings every 10 s or so)
CONTROL_BURST = 20  # at once: the library answers each ping itself, out of sight of the message rate limit
POLL = 0.5  # seconds between looks at tokens.json (a stat; read again only when it changed)
SLICE = 0.005  # seconds of commands (each an fsync) run before the loop reads the network again
HOLD = 0.025  # seconds updates may wait for a burst of commands to drain before they are built
REVOKED = "this seat was revoked by the facilitator; ask them for a new join command if you need one"


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"exercise {version('exercise')}"
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "exercise"


class Bucket:
    """A token bucket: `burst` at once, then `rate` a second."""

    def __init__(self, rate: float, burst: float, now: float):
        self.rate, self.burst = rate, burst
        self.tokens = burst
        self.last = now

    def take(self, now: float) -> bool:
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class GuardedConnection(ServerConnection):
    """A WebSocket connection whose client may send only so many ping and pong frames: the
    library answers pings itself, before the server sees any message, so four connections
    sending nothing but pings (before any hello) took a terminal's round trip from 2 ms to
    500 ms. Beyond the budget the connection is dropped."""

    controls: Bucket | None = None
    flooded = False

    def process_event(self, event) -> None:
        if getattr(event, "opcode", None) in (Opcode.PING, Opcode.PONG):
            now = time.monotonic()
            if self.controls is None:
                self.controls = Bucket(CONTROL_RATE, CONTROL_BURST, now)
            if not self.controls.take(now):
                if not self.flooded:
                    self.flooded = True
                    self.transport.abort()
                return
        super().process_event(event)


class Connection:
    """One client: its seat (from its token), its outgoing queue, its rate budget."""

    def __init__(self, ws: ServerConnection, seat: Seat, now: float,
                 log: Callable[[str], None] = lambda _msg: None, token: str = ""):
        self.ws = ws
        self.log = log
        self.seat = seat
        self.token = token  # to check again when tokens.json changes (a seat revoked)
        self.queue: asyncio.Queue = asyncio.Queue()
        self.queued = 0  # characters of the messages in the queue
        self.bucket = Bucket(p.RATE, p.BURST, now)
        self.syncs = Bucket(p.SYNC_RATE, p.SYNC_BURST, now)  # each is answered with the whole view
        self.closing = False
        self.aborted = False  # dropped without a close handshake (it stopped reading)
        self.label = f"{seat.id}@{_peer(ws)}"

    @property
    def role(self) -> str:
        return self.seat.role

    @property
    def team(self) -> str | None:
        return self.seat.team

    @property
    def principal(self) -> str:
        return self.seat.principal

    def waiting(self) -> int:
        """Bytes (about) this connection has not taken yet: queued, and in the socket's
        write buffer (the writer awaits there while the client does not read)."""
        try:
            unsent = self.ws.transport.get_write_buffer_size()
        except (AttributeError, RuntimeError):  # pragma: no cover - transport already gone
            unsent = 0
        return self.queued + unsent

    def push_all(self, frames: list[str]) -> None:
        """Queue the frames of one message (a view in parts): they count as one message."""
        if frames and self.push(frames[0]):
            for text in frames[1:]:
                self.push(text, whole=True)

    def push(self, text: str, whole: bool = False) -> bool:
        """Queue `text`; False (and the connection dropped) if it has fallen too far behind.
        whole: the rest of a message whose first frame was queued (never cut in the middle)."""
        if self.closing:
            return False
        waiting = self.waiting()
        if not whole and (self.queue.qsize() >= MAX_BACKLOG or waiting > MAX_PENDING_BYTES):
            # it is not reading (or not fast enough): buffering for it would cost the server
            # without bound, and a polite close would wait behind the backlog, so drop it;
            # the client reconnects and gets a fresh snapshot. One message always fits (all
            # its frames), so a view larger than the bound still reaches a client that reads.
            self.log(f"{self.label}: fell behind ({self.queue.qsize()} messages, {waiting:,} bytes not taken); "
                     "dropped, it gets a fresh view when it reconnects")
            self.closing = self.aborted = True
            while not self.queue.empty():
                self.queue.get_nowait()
            self.queued = 0
            self.ws.transport.abort()
            return False
        self.queued += len(text)
        self.queue.put_nowait(text)
        return True

    def close(self, code: int, reason: str) -> None:
        """Close after what is already queued has been sent."""
        if not self.closing:
            self.closing = True
            self.queue.put_nowait((code, p.close_reason(reason)))


async def _drain(ws) -> None:
    """Read and drop messages until the connection closes."""
    try:
        async for _ in ws:
            pass
    except ConnectionClosed:
        pass


def _peer(ws) -> str:
    addr = getattr(ws, "remote_address", None)
    return f"{addr[0]}:{addr[1]}" if addr else "?"


class SeatKind:
    """What every connection of one kind of seat holds (`_view_key`): the view last sent to
    them, as JSON data, the state it was built from and since when it holds, so the next
    update is the patch from it and a new connection's snapshot needs no building."""

    def __init__(self, data: dict, state, ledger: int, base: int):
        self.data = data
        self.state = state
        self.ledger = ledger  # the ledger's length then (it only grows)
        self.base = base  # the seq from which `data` holds (an update's patch applies to it)
        self.parts: tuple | None = None  # a team's: the kept parts `data` was made from (p.player_update)
        # the snapshot of `data` at a seq, encoded once: a hello or a sync is a copy of it, so
        # neither a reconnect storm nor `sync` requests make the server encode the view again
        self.snap: tuple[int, list[str]] | None = None

    def snapshot(self, seq: int) -> list[str]:
        if self.snap is None or self.snap[0] != seq:
            self.snap = (seq, p.snapshot_frames(seq, self.data))
        return self.snap[1]


class ExerciseServer:
    def __init__(self, session, tokens: Tokens, host: str = "0.0.0.0", port: int = 8765,
                 log: Callable[[str], None] | None = None, clock: Callable[[], float] = time.monotonic,
                 ssl=None):
        self.session = session
        self.ssl = ssl
        self.url = ""  # what teams are told to join (set by `exercise serve`)
        self._sock: socket.socket | None = None
        self.tokens = tokens
        self.host = host
        self.port = port
        out = log or (lambda _msg: None)
        self.log = lambda msg: out(printable(msg, MAX_LOG_LINE))  # network strings end up in it
        self.clock = clock
        self.connections: set[Connection] = set()
        # told when a terminal connects or leaves (the console shows who is connected)
        self.connection_listeners: Listeners[[]] = Listeners(
            lambda listener, e: self.log(f"connection display failed: {e}"))
        self._server: Server | None = None
        self._stopping = False
        self._timer_deadline: float | None = None
        # answers to command ids already seen: a client resends what it had no answer to.
        # Accepted ones are all kept (and rebuilt from the journal after a restart), so no
        # amount of refused junk can push them out.
        self._accepted: dict[tuple[str, str], int] = {}
        # commands a token may send, over all its connections (each one is an fsync)
        self._per_token: dict[str, Bucket] = {}
        self._refused: OrderedDict[tuple[str, str], dict] = OrderedDict()
        self._tokens_seen = tk.signature(session.folder)  # tokens.json as last read
        self._tokens_failed = ""  # why it could not be read last time (said once)
        self._poller: asyncio.Task | None = None
        self._kinds: dict[tuple, SeatKind] = {}  # by _view_key, for the seats connected
        self._greeting: dict[str, int] = {}  # connections waiting for their hello, by address
        self._greeting_all = 0  # and in all
        self._greeting_full = False  # said in the log once per flood
        # coalescing (see the module's docstring): the commands done since the last updates,
        # as (state after, events), and the results waiting to follow those updates
        self._batches: list[tuple[Any, list]] = []
        self._answers: list[tuple[Connection, str]] = []
        self._flush_at: float | None = None  # when the first of _batches was done (perf_counter)
        self._flush_due = False  # a _flush is scheduled on the loop
        self._slice = 0.0  # seconds of commands run in this turn of the loop
        self._slice_ends = False  # the slice's end is scheduled (next turn of the loop)
        self._waiting = 0  # commands waiting for their turn
        self.builds = 0  # views built (a test counts them)
        for r in session.records:
            via = r.get("via")
            if isinstance(via, dict) and "by" in via and "id" in via:
                self._accepted[(via["by"], via["id"])] = r["n"]

    # -- running --------------------------------------------------------------------------
    def bind(self) -> None:
        """Take the port now (before any screen), so "in use" is a plain error message."""
        import socket

        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.port))
            sock.listen(128)
        except OSError:
            sock.close()
            raise
        sock.setblocking(False)
        self._sock = sock
        self.port = sock.getsockname()[1]  # when asked for port 0

    async def start(self) -> None:
        if self._sock is None:
            self.bind()
        _more_open_files()
        self._stopping = False
        self.session.listeners.add(self._on_events)
        self._server = await serve(self._handle, sock=self._sock, max_size=p.MAX_MESSAGE, ssl=self.ssl,
                                   compression=None, ping_interval=10, ping_timeout=20, max_queue=4,
                                   open_timeout=OPEN_TIMEOUT, close_timeout=2, logger=_quiet_logger(),
                                   create_connection=GuardedConnection)
        self.url = self.url or f"{'wss' if self.ssl else 'ws'}://{self.host}:{self.port}"
        self._poller = asyncio.create_task(self._poll_tokens())
        self.log(f"serving on {self.url}")

    async def stop(self) -> None:
        self._stopping = True  # a hello still on its way is refused from now on
        self._flush()  # what was done is sent before the close
        if self._poller is not None:
            self._poller.cancel()
            self._poller = None
        for conn in list(self.connections):
            conn.close(p.CLOSE_SHUTDOWN, "the server is shutting down; reconnect when it is back")
        for _ in range(100):  # up to a second for the writers to send what is queued
            if not self.connections:
                break
            await asyncio.sleep(0.01)
        if self._server is not None:
            self._server.close()  # and whatever is left, handshakes included
            try:
                await asyncio.wait_for(self._server.wait_closed(), 3)
            except TimeoutError:
                pass
            self._server = None
        self._sock = None  # closed with the server; start() binds the same port again
        self.session.listeners.remove(self._on_events)

    def connected(self) -> dict[str, int]:
        """How many connections each seat has now, by seat id ("facilitator", a team's id,
        "red", a controller's id...)."""
        out: dict[str, int] = {}
        for c in self.connections:
            out[c.seat.id] = out.get(c.seat.id, 0) + 1
        return out

    # -- seats ----------------------------------------------------------------------------
    def team_names(self) -> dict[str, str]:
        return {t.id: t.name for t in self.session.scenario.teams}

    def join_line(self, seat: Seat, token: str) -> str:
        if seat.role == "team":
            return f"exercise join {self.url} --team {seat.id} --token {token}"
        return f"exercise join {self.url} --seat {seat.id} --token {token}"

    def join_commands(self) -> list[tuple[Seat, str]]:
        """Every seat that may join (teams first, then the seats added, revoked ones left
        out) and the command its person runs."""
        names = self.team_names()
        out = [(Seat(t, "team", names.get(t, t), team=t), tok) for t, tok in self.tokens.teams.items() if t in names]
        out += [(e.seat, e.token) for e in self.tokens.live()]
        return [(seat, self.join_line(seat, tok)) for seat, tok in out]

    def add_seat(self, role: str, name: str, scope=()) -> tuple[Seat, str]:
        """Add a seat (written to tokens.json at once, journaled); the seat and its join
        command. tk.SeatError (a TokenError) says what is wrong with the request."""
        sc = self.session.scenario
        tokens, entry = tk.add_seat(self.session.folder, role, name, tuple(scope), teams=self.team_names(),
                                    adversary=sc.adversary is not None)
        self._take(tokens)
        return entry.seat, self.join_line(entry.seat, entry.token)

    def revoke(self, seat_id: str) -> None:
        """Revoke a seat: its connections are closed now (code 1008), its token opens
        nothing from now on, and the journal says so. tk.SeatError if there is no such seat."""
        self._take(tk.revoke(self.session.folder, seat_id))

    def _take(self, tokens: Tokens) -> None:
        """The tokens now in force: seats added or revoked since are journaled, and any
        connection whose token no longer opens its seat is closed."""
        old, self.tokens = self.tokens, tokens
        names = self.team_names()
        before = {e.seat.id: e for e in old.seats}
        for e in tokens.seats:
            was = before.get(e.seat.id)
            if was is None:
                self._journal_seat("Seat added", e.seat, names)
            if e.revoked and (was is None or not was.revoked):
                self._journal_seat("Seat revoked", e.seat, names)
        for conn in list(self.connections):
            now = tokens.identify(conn.token, names)
            if now == conn.seat:
                continue
            if now is None and tokens.revoked(conn.token) is not None:
                self.log(f"{conn.label}: seat revoked; closed")
                conn.close(p.CLOSE_POLICY, REVOKED)
            elif now is None:
                self.log(f"{conn.label}: its token is no longer in tokens.json; closed")
                conn.close(p.CLOSE_POLICY, "this token is no longer valid; ask the facilitator for a new join command")
            else:  # the same token, another seat (an edited file): reconnect as that one
                conn.close(p.CLOSE_TRY_LATER, "this seat changed; reconnecting")
            self.connections.discard(conn)
        self._connections_changed()

    def _journal_seat(self, what: str, seat: Seat, names: dict[str, str]) -> None:
        text = f"{what}: {tk.describe(seat, names)}"  # names, never ids nor tokens
        self.log(text)
        try:
            self.session.execute(cm.AddNote(text, tags=("seats",)))
        except (engine.Rejected, JournalError) as e:
            self.log(f"could not journal “{text}”: {e}")

    async def _poll_tokens(self) -> None:
        """tokens.json edited by `exercise seat` in another shell: take it in within POLL s."""
        folder = self.session.folder
        while True:
            await asyncio.sleep(POLL)
            seen = tk.signature(folder)
            if seen == self._tokens_seen:
                continue
            self._tokens_seen = seen
            try:
                tokens = tk.load(folder)
            except tk.TokenError as e:
                if str(e) != self._tokens_failed:  # said once, not every half second
                    self._tokens_failed = str(e)
                    self.log(f"{e}; the seats stay as they were")
                continue
            self._tokens_failed = ""
            try:
                self._take(tokens)
            except Exception as e:  # pragma: no cover - the poller must not die
                self.log(f"could not take in tokens.json: {type(e).__name__}: {e}")

    # -- the turn timer (the console owns it; teams are told) --------------------------------
    def set_timer(self, remaining: float | None) -> None:
        self._timer_deadline = None if remaining is None else self.clock() + remaining
        for conn in list(self.connections):
            conn.push(p.dumps(p.timer(remaining)))

    def _timer_left(self) -> float | None:
        return None if self._timer_deadline is None else max(0.0, self._timer_deadline - self.clock())

    # -- views ------------------------------------------------------------------------------
    def _view(self, seat: Seat, ledger=None) -> dict:
        """The view this seat may see, as the protocol's JSON data."""
        if ledger is None and seat.role in ("team", "evaluator"):
            ledger = self.session.ledger()
        self.builds += 1
        return p.view_data(seats.view_for(seat, self.session.state, ledger))

    def _kind(self, seat: Seat, seq: int) -> tuple[SeatKind, list[dict], int]:
        """The view of `seat`'s kind now, the patch from the one last sent to that kind
        (none for a kind not sent one yet) and the seq from which that one held. Built only when the state (or the ledger, for a
        seat that reads it) is not the one the last view was built from: a view is a pure
        function of them."""
        state = self.session.state
        reads_ledger = seat.role in ("team", "evaluator")
        ledger = self.session.ledger() if reads_ledger else None
        grown = len(ledger) if ledger is not None else 0
        key = _view_key(seat)
        kind = self._kinds.get(key)
        if kind is not None and kind.state is state and kind.ledger == grown:
            return kind, [], kind.base
        quick = None
        parts: tuple | None
        if kind is not None and seat.role == "team" and kind.parts is not None:
            assert seat.team is not None  # only the parts made for this state compared (most commands)
            quick = p.player_update(kind.data, kind.parts, state, seat.team, ledger)
        if quick is not None:
            parts, data, ops = quick
        else:
            data = self._view(seat, ledger)
            parts = player_parts(state, seat.team, ledger)[0] if seat.role == "team" and seat.team else None
            ops = None
        if kind is None:
            kind = self._kinds[key] = SeatKind(data, state, grown, seq)
            kind.parts = parts
            return kind, [], seq
        base = kind.base
        ops = p.diff(kind.data, data) if ops is None else ops
        kind.state, kind.ledger, kind.parts = state, grown, parts
        if ops:
            kind.data, kind.base, kind.snap = data, seq, None
        return kind, ops, base

    def _snapshot(self, conn: Connection) -> list[str]:
        self._flush()  # the connections up to date first: the snapshot and the kind's view agree
        seq = len(self.session.records)
        kind, ops, base = self._kind(conn.seat, seq)
        if ops:  # not after a command (updates keep the kinds connected up to date), but if
            key = _view_key(conn.seat)  # ever: the kind's other connections get the patch too
            frames = p.update_frames(seq, base, [], ops)
            for other in list(self.connections):
                if other is not conn and _view_key(other.seat) == key:
                    other.push_all(frames)
        return kind.snapshot(seq)

    def _on_events(self, session, command, events) -> None:
        """After every command, from any source: its updates are coalesced with those of the
        commands done in the same burst, and sent by `_flush` on a later turn of the loop."""
        self._batches.append((session.state, events))
        if self._flush_at is None:
            self._flush_at = time.perf_counter()
        self._schedule_flush()

    def _schedule_flush(self) -> None:
        if self._flush_due:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop (a script driving the server by hand): at once
            self._flush()
            return
        self._flush_due = True
        loop.call_soon(self._flush_soon)

    def _flush_soon(self) -> None:
        self._flush_due = False
        if not self._batches and not self._answers:
            return
        held = time.perf_counter() - (self._flush_at or 0.0)
        if self._waiting and held < HOLD:  # a burst goes on: one build for all of it
            self._schedule_flush()
            return
        self._flush()

    def _flush(self) -> None:
        """Each connection gets what it may see of the commands done since the last flush
        (one update per kind of seat: the events of them all, the patch from the view it was
        last sent), then those commands' results."""
        batches, self._batches = self._batches, []
        answers, self._answers = self._answers, []
        self._flush_at = None
        if batches:
            try:
                seq = len(self.session.records)
                made: dict[tuple, list[str]] = {}  # per kind of seat: built and encoded once
                for conn in list(self.connections):
                    seat = conn.seat
                    key = _view_key(seat)
                    if key not in made:
                        shown = [d for state, events in batches for d in seats.events_for(seat, state, events)]
                        _kind, ops, base = self._kind(seat, seq)
                        # nothing this kind of seat can see changed: nothing sent
                        made[key] = p.update_frames(seq, base, shown, ops) if shown or ops else []
                    conn.push_all(made[key])
                for key in set(self._kinds) - set(made):  # no connection of that kind left
                    del self._kinds[key]
            except Exception as e:
                self.log(f"could not send an update: {type(e).__name__}: {e}")
        for conn, text in answers:  # after the update they caused, on each connection
            conn.push(text)

    def _answer(self, conn: Connection, text: str) -> None:
        """Send a result: after the update of the command, when that is still to be built."""
        if self._batches or self._answers:
            self._answers.append((conn, text))
            self._schedule_flush()
        else:
            conn.push(text)

    async def _turn(self) -> None:
        """Wait for this command's turn: once SLICE seconds of commands have run in this turn
        of the loop, the others wait for the next (the network read, hellos answered)."""
        if self._slice < SLICE:
            return
        self._waiting += 1
        try:
            while self._slice >= SLICE:
                if not self._slice_ends:
                    self._slice_ends = True
                    asyncio.get_running_loop().call_soon(self._new_slice)
                await asyncio.sleep(0)
        finally:
            self._waiting -= 1

    def _new_slice(self) -> None:
        self._slice, self._slice_ends = 0.0, False

    # -- one connection -------------------------------------------------------------------
    async def _handle(self, ws: ServerConnection) -> None:
        _no_delay(ws)
        addr = getattr(ws, "remote_address", None)
        ip = str(addr[0]) if addr else "?"
        if self._greeting_all >= MAX_GREETING or self._greeting.get(ip, 0) >= MAX_GREETING_PER_IP:
            # a flood of connections that never say hello: each would hold memory (up to a
            # frame) for HELLO_TIMEOUT; dropped at once (a client reconnects, as after any
            # drop), and the live connections do not notice
            if not self._greeting_full:
                self._greeting_full = True
                self.log(f"{ip}: too many connections waiting to say hello ({self._greeting_all} in all, "
                         f"{self._greeting.get(ip, 0)} from there); refusing new ones until they do")
            ws.transport.abort()  # no close handshake: it would read (and hold) what the flood sends
            return
        self._greeting[ip] = self._greeting.get(ip, 0) + 1
        self._greeting_all += 1
        try:
            conn = await self._hello(ws)
            if conn is None and getattr(ws, "flooded", False):
                self.log(f"{_peer(ws)}: a flood of ping frames; dropped")
        finally:
            self._greeting_all -= 1
            if self._greeting[ip] > 1:
                self._greeting[ip] -= 1
            else:
                del self._greeting[ip]
            if self._greeting_all < MAX_GREETING_PER_IP:  # the flood is over: say so again next time
                self._greeting_full = False
        if conn is None:
            return
        writer = asyncio.create_task(self._writer(conn))
        self._connections_changed()
        try:
            async for raw in ws:
                if conn.closing:
                    break
                if not conn.bucket.take(self.clock()):
                    self.log(f"{conn.label}: rate limit exceeded; closed")
                    conn.push(p.dumps(p.error(f"more than {p.RATE:g} messages a second; closed")))
                    conn.close(p.CLOSE_TRY_LATER, "rate limit exceeded; slow down and reconnect")
                    break
                try:
                    msg = p.parse(raw)
                    if msg["type"] == "hello":
                        raise p.ProtocolError("hello was already said on this connection")
                    if msg["type"] == "sync":
                        if not conn.syncs.take(self.clock()):  # each answer is the whole view
                            self.log(f"{conn.label}: too many sync requests; closed")
                            reason = (f"more than {p.SYNC_BURST} sync requests at once or {p.SYNC_RATE:g} a second "
                                      "(each sends the whole view); closed")
                            conn.push(p.dumps(p.error(reason)))
                            conn.close(p.CLOSE_TRY_LATER, "too many sync requests; reconnect")
                            break
                        conn.push_all(self._snapshot(conn))
                    else:
                        await self._turn()
                        if conn.closing:
                            break
                        began = time.perf_counter()
                        try:
                            self._command(conn, msg)
                        finally:
                            self._slice += time.perf_counter() - began
                except p.ProtocolError as e:
                    self.log(f"{conn.label}: bad message: {e.reason}; closed")
                    conn.push(p.dumps(p.error(e.reason)))
                    conn.close(e.code, e.reason)
                    break
        except ConnectionClosed:
            pass
        finally:
            self.connections.discard(conn)
            self._connections_changed()
            self.log(f"{conn.label} disconnected" + (" (a flood of ping frames: dropped)"
                                                     if getattr(ws, "flooded", False) else ""))
            if conn.closing and not conn.aborted:  # let the writer send the reason and close
                # and read on, dropping what the client still sends: its close answer is
                # behind that, and unread messages pause reading (max_queue), so the close
                # would otherwise wait out close_timeout holding the connection
                drain = asyncio.create_task(_drain(ws))
                try:
                    await asyncio.wait_for(writer, 3)
                except (TimeoutError, asyncio.CancelledError):
                    pass
                drain.cancel()
            writer.cancel()

    async def _hello(self, ws: ServerConnection) -> Connection | None:
        try:
            raw = await asyncio.wait_for(ws.recv(), p.HELLO_TIMEOUT)
        except TimeoutError:
            await _refuse(ws, f"no hello within {p.HELLO_TIMEOUT:g} s", p.CLOSE_TRY_LATER)
            return None
        except ConnectionClosed:
            return None
        try:
            msg = p.parse(raw)
            if msg["type"] != "hello":
                raise p.ProtocolError("say hello (with your token) first")
        except p.ProtocolError as e:
            self.log(f"{_peer(ws)}: bad hello: {e.reason}")
            await _refuse(ws, e.reason, e.code)
            return None
        seat = self.tokens.identify(msg["token"], self.team_names())
        if seat is None:
            gone = self.tokens.revoked(msg["token"])
            if gone is not None:
                self.log(f"{_peer(ws)}: revoked seat {gone.seat.id} refused")
                await _refuse(ws, REVOKED)
                return None
            self.log(f"{_peer(ws)}: unknown token refused")
            await _refuse(ws, "unknown token: ask the facilitator for your team's join command")
            return None
        if self._stopping:
            await _refuse(ws, "the server is shutting down; reconnect when it is back", p.CLOSE_SHUTDOWN)
            return None
        same = sum(1 for c in self.connections if c.seat.id == seat.id)
        if len(self.connections) >= MAX_CONNECTIONS or same >= MAX_PER_TOKEN:
            self.log(f"{_peer(ws)}: too many connections ({len(self.connections)}, {same} with this token)")
            await _refuse(ws, "too many connections; try again later", p.CLOSE_TRY_LATER)
            return None
        conn = Connection(ws, seat, self.clock(), self.log, token=msg["token"])
        sc = self.session.scenario
        conn.push(p.dumps(p.welcome(seat.role, seat.team, {"id": self.session.folder.name,
                                                           "title": self.session.meta.title, "scenario": sc.id},
                                    [{"id": t.id, "name": t.name} for t in sc.teams], _version(), seat=seat)))
        conn.push_all(self._snapshot(conn))
        if self._timer_deadline is not None:
            conn.push(p.dumps(p.timer(self._timer_left())))
        self.connections.add(conn)  # no await since the snapshot: no update can fall between
        self.log(f"{conn.label} connected ({msg.get('client') or 'unnamed client'})")
        return conn

    async def _writer(self, conn: Connection) -> None:
        try:
            while True:
                item = await conn.queue.get()
                if isinstance(item, tuple):
                    await conn.ws.close(*item)
                    return
                conn.queued -= len(item)
                await conn.ws.send(item)
        except ConnectionClosed:
            pass
        finally:
            self.connections.discard(conn)

    def _command(self, conn: Connection, msg: dict) -> None:
        cid = msg["id"]
        key = (conn.principal, cid)
        if key in self._accepted:
            self._answer(conn, p.dumps(p.result(cid, True, self._accepted[key], duplicate=True)))
            return
        if key in self._refused:
            seen = self._refused[key]
            self._answer(conn, p.dumps(p.result(cid, False, seen["seq"], seen["reason"], duplicate=True)))
            return
        bucket = self._per_token.setdefault(conn.principal, Bucket(p.RATE * 2, p.BURST * 2, self.clock()))
        if not bucket.take(self.clock()):  # answered, not remembered: the same id may be sent again
            self._answer(conn, p.dumps(p.result(cid, False, len(self.session.records),
                                                "your team's terminals are sending too fast together; "
                                                "try again in a moment")))
            return
        answer = self._carry_out(conn, cid, msg["command"])
        if answer["ok"]:
            self._accepted[key] = answer["seq"]
        elif answer.pop("remember", True):
            self._refused[key] = answer
            while len(self._refused) > REMEMBERED:
                self._refused.popitem(last=False)
        self._answer(conn, p.dumps(p.result(cid, answer["ok"], answer["seq"], answer.get("reason", ""))))

    def _carry_out(self, conn: Connection, cid: str, body: dict) -> dict:
        try:
            command = p.seat_command(body, conn.seat, self.session.state)
        except p.Refused as e:
            return {"ok": False, "seq": len(self.session.records), "reason": str(e)}
        before = len(self.session.records)
        try:
            self.session.execute(command, via={"by": conn.principal, "id": cid, "seat": conn.seat.signature})
        except engine.Rejected as e:
            return {"ok": False, "seq": before, "reason": e.reason}
        except JournalError as e:  # not saved, nothing changed; worth trying again
            return {"ok": False, "seq": before, "reason": f"not saved: {e}", "remember": False}
        except Exception as e:
            self.log(f"{conn.label}: {body.get('kind')} failed: {type(e).__name__}: {e}")
            if len(self.session.records) > before:  # it was saved: it is done, whatever failed after
                return {"ok": True, "seq": len(self.session.records)}
            return {"ok": False, "seq": before,
                    "reason": f"the server could not carry this out ({type(e).__name__}); nothing changed"}
        return {"ok": True, "seq": len(self.session.records)}

    def _connections_changed(self) -> None:
        self.connection_listeners.emit()


def _view_key(seat: Seat) -> tuple:
    """Seats with the same key see the same view and events (every evaluator, every wall)."""
    if seat.role in ("team", "controller"):
        return (seat.role, seat.team, seat.scope)
    return (seat.role,)


async def _refuse(ws, reason: str, code: int = p.CLOSE_POLICY) -> None:
    try:
        await ws.send(p.dumps(p.error(reason)))
        await ws.close(code, p.close_reason(reason))
    except ConnectionClosed:
        pass


def _no_delay(ws) -> None:
    """Send small frames at once: the server's socket is made with proto 0, so asyncio does
    not set TCP_NODELAY, and a command's result waited ~40 ms behind its update (Nagle and
    delayed ACKs)."""
    import socket

    sock = ws.transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:  # pragma: no cover - a socket closed meanwhile
            pass


def _more_open_files() -> None:
    """Each terminal is a file descriptor: lift the soft limit (often 1,024) to the hard one,
    so a burst of connections cannot make the server refuse its own teams."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard == resource.RLIM_INFINITY or hard > soft:
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 1 << 20), hard))
    except (ImportError, ValueError, OSError):
        pass


def _quiet_logger():
    """The websockets library logs handshake noise (port scans, health checks) at INFO and
    ERROR; the server reports what matters through its own `log`."""
    import logging

    logger = logging.getLogger("exercise.net.websockets")
    logger.addHandler(logging.NullHandler())
    logger.propagate = False
    return logger
