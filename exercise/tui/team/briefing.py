"""6 Briefing: the outcome (once decided), the team's briefing and objectives, the scenario."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Markdown

from exercise.engine import scorecard as sc
from exercise.model import Words
from exercise.tui.team.base import TeamTab
from exercise.tui.text import md


def outcome_scorecard(out, words: Words | None = None) -> str:
    """The scorecard behind the verdict and the team's own objectives, as Markdown (`words`:
    the scenario's, who gives the verdict)."""
    by = (words or Words()).verdict_by
    lines = [f"### {md(by[:1].upper() + by[1:])}'s scorecard: {out.score:g} % of the points", ""]
    lines += [f"- {md(sc.criterion_line(x.name, x.value, x.unit, x.band, x.points, x.weight, x.met, x.partly, x.better))}"
              for x in out.criteria]
    if out.overridden:  # what the scorecard proposed, what the desk chose instead, and why
        lines += ["", md(sc.verdict_words(out.proposed_name, out.name, True, out.rationale, by))]
    if out.objectives:
        lines += ["", "### Your own objectives", ""]
        lines += [f"- {md(sc.objective_line(o.name, o.value, o.target, o.better, o.met))}" for o in out.objectives]
    return "\n".join(lines)


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
            if out.criteria:  # a scorecard: the verdict (the US desk's) and this team's own stakes
                parts.append(outcome_scorecard(out, v.words))
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
