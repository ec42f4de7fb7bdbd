"""Who wants to hear about a change: one small mechanism for the Session, Client and Server.

A `Listeners` holds callbacks and calls them all in order on `emit`. A callback that
raises does not stop the others (one broken screen must not undo a saved command, end a
connection loop or stop the server): its error goes to `on_error`, which the owner gives
(the Session keeps it as a problem, the client as its last error, the server logs it).

Pure Python: no Textual, no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Generic, ParamSpec

P = ParamSpec("P")


def describe(callback: Callable, error: Exception) -> str:
    """'Screen._changed: ValueError: boom', for the owner's error message."""
    return f"{getattr(callback, '__qualname__', callback)}: {type(error).__name__}: {error}"


class Listeners(Generic[P]):
    """Callbacks called with the same arguments, in the order they were added."""

    __slots__ = ("_callbacks", "on_error")

    def __init__(self, on_error: Callable[[Callable[P, object], Exception], None] | None = None):
        self._callbacks: list[Callable[P, object]] = []
        self.on_error = on_error  # None: an error is dropped (the others are still called)

    def add(self, callback: Callable[P, object]) -> Callable[[], None]:
        """Listen (once: adding twice is one listener); returns a function that stops listening."""
        if callback not in self._callbacks:
            self._callbacks.append(callback)
        return lambda: self.remove(callback)

    def remove(self, callback: Callable[P, object]) -> None:
        """Stop listening; removing one that is not there is not an error (unsubscribing twice)."""
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    def emit(self, *args: P.args, **kwargs: P.kwargs) -> None:
        # a copy: a callback may add or remove listeners (a screen closing as it is told)
        for callback in list(self._callbacks):
            try:
                callback(*args, **kwargs)
            except Exception as e:
                if self.on_error is not None:
                    self.on_error(callback, e)

    def __iadd__(self, callbacks: Iterable[Callable[P, object]]) -> Listeners[P]:
        for callback in callbacks:
            self.add(callback)
        return self

    def __len__(self) -> int:
        return len(self._callbacks)

    def __iter__(self) -> Iterator[Callable[P, object]]:
        return iter(list(self._callbacks))

    def __contains__(self, callback: object) -> bool:
        return callback in self._callbacks
