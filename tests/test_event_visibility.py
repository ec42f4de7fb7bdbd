"""Each event says who may see it where it is defined (exercise.engine.events)."""

from __future__ import annotations

import attrs
import pytest

from exercise.engine import events as ev


def test_every_event_class_declares_its_visibility():
    """A new event without a declaration fails here (and at import: @_event requires one)."""
    assert len(ev.EVENTS) >= 30
    for kind, cls in ev.EVENTS.items():
        vis = cls.__dict__.get("visibility")
        assert isinstance(vis, ev.Visibility), f"{kind} declares no visibility"
        assert set(vis.fields) <= {a.name for a in attrs.fields(cls)}, kind
        if vis.audience == "facilitator":
            assert vis.fields == (), kind  # nothing of it is sent to a team
        if vis.audience in ("own", "shared"):
            assert "team" in {a.name for a in attrs.fields(cls)}, kind
        if vis.audience == "addressed":
            assert "to" in {a.name for a in attrs.fields(cls)}, kind


def test_an_event_without_a_visibility_is_refused():
    before = dict(ev.EVENTS)
    with pytest.raises(TypeError):
        ev._event("made_up")(type("MadeUp", (), {}))  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="Visibility"):
        ev._event("made_up", ("team",))  # type: ignore[arg-type]
    assert ev.EVENTS == before


def test_a_visible_field_that_the_event_lacks_is_refused():
    before = dict(ev.EVENTS)

    class Leaky:
        team: str

    with pytest.raises(AssertionError, match="secret"):
        ev._event("leaky", ev.own("team", "secret"))(Leaky)
    assert ev.EVENTS == before


def test_the_view_reads_the_declarations():
    from exercise.engine import view

    assert view._OWN["order_placed"] == ev.OrderPlaced.visibility.fields
    assert "note_added" not in view._PUBLIC | view._OWN | view._SHARED
    assert ev.InjectFired.visibility.audience == "addressed"
    for cls in (ev.ActionArgued, ev.ActionCountered, ev.ActionAdjudicated):  # open: every seat; secret: the arguer
        assert cls.visibility.audience == "argument"
