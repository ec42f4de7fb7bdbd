"""The team console: a screen (screen.py) composing one widget per tab.

Each tab (inbox, budget, procurement, commands, tracks, briefing) renders its part of the
team's player view and owns its actions; the screen fetches the view from the port, hands
it down, and keeps what is screen-wide: the status bar, switching tabs, help, submit, back.
"""

from exercise.tui.team.screen import TeamScreen

__all__ = ["TeamScreen"]
