"""How a screen reaches the exercise: a port that gives views and takes commands.

The facilitator console holds the Session itself. A team console only ever holds a
TeamPort: it can read its team's player view and send commands as that team, nothing
more. The local port (hot-seat) wraps the Session; the network client (`exercise join`)
implements the same interface over the protocol, so the team screens do not change.

Every other seat of the room (the red cell, a controller, an evaluator, the wall) holds a
SeatPort: the view its role may see (exercise.engine.seats.view_for) and the commands its
role may send (seats.refusal says why not). LocalSeatPort is the hot-seat one; the network
one is exercise.net.client.RemoteSeatPort.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from exercise import engine
from exercise.engine import seats
from exercise.engine.seats import Seat
from exercise.engine.view_types import PlayerView


class TeamPort(Protocol):
    team: str

    def view(self) -> PlayerView:
        """The team's player view (plain data, typed)."""

    async def send(self, command) -> None:
        """Carry out a command as this team; raises engine.Rejected, JournalError or OSError."""

    def subscribe(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call `callback` whenever the view may have changed; returns an unsubscribe."""

    @property
    def status(self) -> str:
        """Connection state for the screen ('local', 'connected', 'reconnecting...')."""


class LocalTeamPort:
    """Hot-seat: the team console in the facilitator's process."""

    status = "local"

    def __init__(self, session, team: str):
        self.session = session
        self.team = team

    def view(self) -> PlayerView:
        return engine.player_view(self.session.state, self.team, self.session.ledger())

    async def send(self, command) -> None:
        if getattr(command, "team", self.team) != self.team or command.actor != self.team:
            raise engine.Rejected(f"this console acts for {self.team} only")
        self.session.execute(command)

    def subscribe(self, callback: Callable[[], None]) -> Callable[[], None]:
        def listener(session, command, events):
            callback()

        return self.session.listeners.add(listener)


class SeatPort(Protocol):
    seat: Seat

    def view(self):
        """The seat's typed view (seats.view_for: RedView, WallView, EvaluatorView, FacilitatorView...)."""

    async def send(self, command) -> None:
        """Carry out a command from this seat; raises engine.Rejected (the seat may not send it,
        or the engine refuses it), JournalError or OSError."""

    def subscribe(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call `callback` whenever the view may have changed; returns an unsubscribe."""

    @property
    def status(self) -> str:
        """Connection state for the screen ('local', 'connected', 'reconnecting...')."""


class LocalSeatPort:
    """Hot-seat: a seat's console in the facilitator's process. The seat's role decides what
    it may send (seats.refusal), as the server decides for a remote one; the journal records
    which seat sent each command."""

    status = "local"

    def __init__(self, session, seat: Seat):
        self.session = session
        self.seat = seat

    def view(self):
        return seats.view_for(self.seat, self.session.state, self.session.ledger())

    async def send(self, command) -> None:
        reason = seats.refusal(self.seat, command, self.session.state)
        if reason is not None:
            raise engine.Rejected(reason)
        self.session.execute(command, via={"by": self.seat.principal, "seat": self.seat.signature})

    def subscribe(self, callback: Callable[[], None]) -> Callable[[], None]:
        def listener(session, command, events):
            callback()

        return self.session.listeners.add(listener)
