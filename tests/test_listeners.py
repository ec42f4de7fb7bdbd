"""The one listener mechanism of the Session, the network Client and Server."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from exercise.listeners import Listeners, describe


def test_every_listener_hears_in_order_and_a_failing_one_does_not_stop_the_others():
    heard, errors = [], []
    listeners = Listeners(lambda cb, e: errors.append(describe(cb, e)))

    def broken(x):
        raise RuntimeError("a screen fell over")

    listeners += [lambda x: heard.append(("a", x)), broken, lambda x: heard.append(("b", x))]
    listeners.emit(1)
    assert heard == [("a", 1), ("b", 1)]
    assert len(errors) == 1 and "broken: RuntimeError: a screen fell over" in errors[0]


def test_add_returns_an_unsubscribe_that_can_be_called_twice():
    heard = []
    listeners = Listeners()
    stop = listeners.add(heard.append)
    listeners.add(heard.append)  # the same callback twice is one listener
    assert len(listeners) == 1
    listeners.emit("x")
    stop()
    stop()
    listeners.remove(print)  # never added: nothing happens
    listeners.emit("y")
    assert heard == ["x"] and len(listeners) == 0


def test_a_listener_may_remove_itself_or_add_another_while_being_told():
    heard = []
    listeners = Listeners()

    def once():
        heard.append("once")
        listeners.remove(once)
        listeners.add(later)

    def later():
        heard.append("later")

    listeners.add(once)
    listeners.emit()  # `later` joined during this emit: it hears from the next one
    listeners.emit()
    assert heard == ["once", "later"]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.booleans(), max_size=12))
def test_errors_are_reported_once_each_and_every_good_listener_hears(fails):
    heard, errors = [], []
    listeners = Listeners(lambda cb, e: errors.append(str(e)))
    for k, fail in enumerate(fails):
        def cb(k=k, fail=fail):
            if fail:
                raise ValueError(str(k))
            heard.append(k)
        listeners.add(cb)
    listeners.emit()
    assert heard == [k for k, f in enumerate(fails) if not f]
    assert errors == [str(k) for k, f in enumerate(fails) if f]
