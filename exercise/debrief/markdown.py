"""The after-action report as Markdown, in the shape of an HSEEP AAR/IP.

Sections: overview, outcome, analysis of each objective (rating, strengths, areas for
improvement), decisions, timeline, charts (as tables with a sparkline), and the
improvement plan to complete. Pure: a Report in, text out.
"""

from __future__ import annotations

import re

from exercise.debrief import tables as tb
from exercise.debrief.plot import sparkline
from exercise.debrief.report import Report


_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*[]<>|"})


# an underscore could open or close emphasis unless it sits between two letters or digits
_EMPHASIS = re.compile(r"_(?![^\W_])|(?<![^\W_])_")
# a line that would start a heading, a quote or a list
_BLOCK = re.compile(r"^(\s*)(?:([#>+-])|(\d+)([.)]))(?=\s|$)", re.M)


def _block(m: re.Match) -> str:
    if m.group(2):
        return f"{m.group(1)}\\{m.group(2)}"
    return f"{m.group(1)}{m.group(3)}\\{m.group(4)}"


def md(text, lines: bool = True) -> str:
    """Text from the save shown as written: Markdown and HTML in it are escaped (an id
    such as us_trust stays as it is; only underscores that could emphasise are, and with
    `lines`, what would start a heading, a quote or a list)."""
    out = _EMPHASIS.sub(r"\_", str(text).translate(_SPECIAL))
    return _BLOCK.sub(_block, out) if lines else out


def code(text) -> str:
    """A code span (conditions and their values), safe in a table cell."""
    return "`" + str(text).replace("`", "'").replace("|", "\\|") + "`"


def cell(text) -> str:
    """Text safe inside a Markdown table cell."""
    return md(text, lines=False).replace("\n", " ").strip() or " "


def table(head: list[str], rows: list[list], raw: bool = False) -> list[str]:
    """A table; cells are escaped unless `raw` (cells already Markdown)."""
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(c if raw else cell(c) for c in r) + " |" for r in rows]
    return out


def render(r: Report) -> str:
    lines = [f"# After-action report: {md(r.title)}", ""]
    if r.notice:
        lines += [f"> Note: {md(r.notice)}", ""]
    lines += ["## Exercise overview", ""]
    lines += table(["Item", "Detail"], tb.overview_rows(r))
    lines += ["", "### Teams", ""] + table(["Team", "Allies"], tb.team_rows(r))
    lines += ["", "### Objectives", ""] + table(tb.OBJECTIVE_HEAD, tb.objective_rows(r))

    o = r.outcome
    lines += ["", "## Outcome", "", f"**{md(tb.outcome_head(r))}**", ""]
    if o.text:
        lines += [md(o.text.strip()), ""]
    lines += [f"Why: {md(o.reason)}", ""]
    if o.note:
        lines += [f"Facilitator's note: {md(o.note)}", ""]
    lines += ["Outcomes tried in order, on the values at the end of the journal:", ""]
    lines += table(tb.OUTCOME_HEAD, [[cell(name), code(c) if c != "(always)" else c, held, code(v) if v != "-" else v]
                                     for name, c, held, v in tb.outcome_rows(r)], raw=True)

    lines += ["", "## Analysis of objectives", ""]
    for obj in r.objectives:
        lines += [f"### {md(obj.name)}", ""]
        if obj.description:
            lines += [md(obj.description), ""]
        given = tb.ratings_given(obj)
        lines += [f"Rating: **{tb.rating_text(obj.rating)}**" + (f" (ratings given: {given})" if given else ""), ""]
        if obj.injects:
            lines += [f"Exercised by: {md(', '.join(obj.injects))}", ""]
        for attr, title in tb.NOTE_SECTIONS:
            notes = getattr(obj, attr)
            if notes or attr != "observations":
                lines += [f"**{title}**", ""]
                lines += [f"- {md(tb.note_text(n))}" for n in notes] or ["- none noted"]
                lines.append("")

    lines += ["## Decisions", ""]
    lines += table(tb.DECISION_HEAD, tb.decision_rows(r)) if r.decisions else ["No decision was asked."]

    lines += ["", "## Timeline", ""]
    for t in r.timeline:
        lines += [f"### Turn {t.turn}: {md(t.label)}" if t.turn else f"### {md(t.label.capitalize())}", ""]
        lines += [f"- {md(x.text)}" for x in t.key_lines()] or ["- nothing of note"]
        lines.append("")

    lines += ["## Charts", ""]
    for c in r.charts:
        lines += [f"### {md(c.title)}" + (f" ({md(c.unit)})" if c.unit else ""), ""]
        rows = [[cell(x) for x in row] + [code(sparkline(list(s.values), c.low, c.high))]
                for row, s in zip(tb.chart_rows(c), c.series)]
        lines += table(["", *[cell(x) for x in c.labels], "trend"], rows, raw=True)
        lines.append("")

    lines += ["## Improvement plan", "", "To complete after the hot wash: one row per area for improvement.", ""]
    lines += table(tb.PLAN_HEAD, tb.plan_rows(r))
    return "\n".join(lines).rstrip() + "\n"
