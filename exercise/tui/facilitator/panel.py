"""What every panel of the facilitator screen shares: the view it is shown, its keys, cells."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding
from textual.message import Message
from textual.widgets import TabbedContent, TabPane

from exercise import words
from exercise.engine.view_types import FacilitatorView


def money(x: float) -> str:
    return f"{x:,.2f}"




def short(name: str) -> str:
    """'Brunssum East (Poland and the Baltic states)' -> 'Brunssum East'."""
    return words.short(name)[:20]


def team_options(scenario, with_all: bool = True) -> tuple[tuple[str, str], ...]:
    opts = [("All teams", "all")] if with_all else []
    return tuple(opts + [(t.name, t.id) for t in scenario.teams])


class ShowTab(Message):
    """A panel asks the screen to bring a tab forward (a key pressed while it was hidden)."""

    def __init__(self, tab: str):
        super().__init__()
        self.tab = tab


class Panel:
    """Mixed into a widget: one part of the facilitator view.

    KEYS are the panel's keys and its `action_*` methods carry them out. They are bound on
    the screen (see `delegate_keys`), not on the widget: every key works, and is shown in
    the footer, whichever tab is open (a key of a hidden tab brings it forward), as the
    console always did. The `?` help lists them under HELP_HEADING.
    """

    TAB: ClassVar[str] = ""  # the TabPane it lives in
    HELP_HEADING: ClassVar[str] = ""
    KEYS: ClassVar[list[Binding]] = []

    view: FacilitatorView

    def show(self, view: FacilitatorView) -> None:
        """Render this part of the facilitator view (plain data, controls made visible)."""
        self.view = view

    @classmethod
    def screen_binding(cls, action: str) -> Binding:
        """This panel's binding for `action`, for the screen's BINDINGS (see `delegate_keys`)."""
        return next(b for b in cls.KEYS if b.action == action)

    PANEL_ID: ClassVar[str] = ""  # the widget's id on the screen

    def on_its_tab(self) -> bool:
        tabs = self.query_ancestor(TabbedContent)  # type: ignore[attr-defined]
        return tabs.active == self.query_ancestor(TabPane).id  # type: ignore[attr-defined]


def delegate_keys(screen_class: type, panels: tuple[type[Panel], ...]) -> None:
    """Give the screen an `action_<name>` for each panel key, carried out by that panel.

    The screen's bindings (and the command palette, and callers of `screen.action_note()`)
    then name the actions as before; the code lives in the panel that owns it."""
    for panel in panels:
        for b in panel.KEYS:
            name = f"action_{b.action}"

            def act(self, panel=panel, name=name):
                return getattr(self.query_one(panel), name)()

            act.__name__ = act.__qualname__ = name
            act.__doc__ = f"{b.tooltip or b.description} ({panel.__name__})"
            setattr(screen_class, name, act)
