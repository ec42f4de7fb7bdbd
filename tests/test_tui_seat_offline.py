"""A controller's or evaluator's terminal that lost the server says so where it can be read at
80x24: the connection comes first in the status line (it used to come last, cut off after the
title, the seat and the phase)."""

from __future__ import annotations

import pytest
from support import to_deliberation
from textual.widgets import Static

from exercise.engine.seats import Seat
from exercise.ports import LocalSeatPort
from exercise.session import Session
from exercise.tui.app import make_app
from exercise.tui.seat.controller import ControllerScreen
from exercise.tui.seat.evaluator import EvaluatorScreen

LOST = "reconnecting… (attempt 7)"


class LostPort:
    """A seat's network port with the server gone: its last view, and the client's status."""

    def __init__(self, session: Session, seat: Seat):
        self._local = LocalSeatPort(session, seat)
        self.seat = seat
        self.status = LOST

    def view(self):
        return self._local.view()

    def subscribe(self, callback):
        return self._local.subscribe(callback)

    async def send(self, command):
        raise OSError(f"not connected to the server ({LOST}): nothing was sent")


@pytest.mark.parametrize(("screen", "status_id", "seat"), [
    (ControllerScreen, "ct-status", Seat("alice", "controller", "Alice Longname-Controller", scope=("east",))),
    (EvaluatorScreen, "ev-status", Seat("eve", "evaluator", "Eve Longname-Evaluator")),
])
async def test_the_lost_server_is_said_first_in_the_status_line_at_80_columns(tmp_path, mini, screen, status_id,
                                                                                seat):
    s = Session.create(mini.scenario, mini.texts, tmp_path, name="A rather long exercise name for the status line")
    to_deliberation(s)
    app = make_app(session=s)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(screen(LostPort(s, seat)))
        await pilot.pause()
        await pilot.pause()
        line = str(app.screen.query_one(f"#{status_id}", Static).render())
        assert LOST in line[:76], line  # within the 80 columns, less the padding and the "…"
        assert app.screen.has_class("-offline")
    s.close()
