"""6 Briefing: the outcome (once decided), the team's briefing and objectives, the scenario."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Markdown

from exercise.tui.team.base import TeamTab
from exercise.tui.text import md


class BriefingTab(TeamTab, VerticalScroll):
    def __init__(self, link, **kwargs) -> None:
        super().__init__(link, **kwargs)
        self._briefing: str | None = None

    def compose(self) -> ComposeResult:
        yield Markdown("", id="tm-briefing", open_links=False)

    def render_view(self) -> None:
        assert self.view is not None  # the screen sets it before anything renders or acts
        v, me = self.view, self.view.me
        parts = []
        out = v.outcome
        if out:
            parts.append(f"## Outcome: {md(out.name)}\n\n{out.text}")
        parts.append(f"## {md(me.name)}\n\n{me.briefing or '(no team briefing)'}")
        if me.objectives:
            parts.append("## Your objectives\n\n" + "\n".join(
                f"- **{md(o.name)}**" + (f": {o.description}" if o.description else "")
                for o in me.objectives))
        parts.append(f"## The scenario: {md(v.scenario.title)}\n\n{v.scenario.briefing}")
        text = "\n\n".join(parts)
        if text != self._briefing:
            self._briefing = text
            self.query_one("#tm-briefing", Markdown).update(text)
