"""A tiny hot-seat SeatPort for the seat consoles' tests (the contract's LocalSeatPort:
exercise/ports.py on the seats branch), so these tests depend only on the interface."""

from __future__ import annotations

from collections.abc import Callable

from exercise import engine
from exercise.engine import seats
from exercise.engine.seats import Seat


class TestSeatPort:
    """seat, status "local", view(), async send(command) (refusal, then the Session), subscribe(cb)."""

    __test__ = False  # not a test class
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
        return self.session.listeners.add(lambda s, c, e: callback())
