"""The after-action report as Markdown, in the shape of an HSEEP AAR/IP.

Sections: overview, outcome, analysis of each objective (rating, strengths, areas for
improvement), decisions, timeline, each team's ledger, charts (as tables with a sparkline), and the
improvement plan to complete. Pure: a Report in, text out.
"""

from __future__ import annotations

import re

from exercise.controls import visible
from exercise.debrief import tables as tb
from exercise.debrief.plot import sparkline
from exercise.debrief.report import Report
from exercise.journal.turnlog import ledger_markdown

_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*[]<>|~&"})
# an underscore could open or close emphasis unless it sits between two letters or digits
_EMPHASIS = re.compile(r"_(?![^\W_])|(?<![^\W_])_")
# what would start a heading, a quote, a list, a rule or a heading underline at a line's start
_BLOCK = re.compile(r"^(?:([#>+-])(?=\s|$)|(\d+)([.)])(?=\s|$)|([=-])(?=[=\s-]*$))", re.M)
_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")


def _block(m: re.Match) -> str:
    if m.group(1):
        return "\\" + m.group(1)
    if m.group(2):
        return f"{m.group(2)}\\{m.group(3)}"
    return "\\" + m.group(4)


def md(text, lines: bool = True) -> str:
    """Text from the save shown as written: Markdown and HTML in it are escaped (an id
    such as us_trust stays as it is; only underscores that could emphasise are). With
    `lines`, it may span lines: what would start a heading, a quote, a list, a rule or a
    code block at a line's start is escaped too."""
    out = _EMPHASIS.sub(r"\_", _BREAKS.sub("\n", str(text)).translate(_SPECIAL))
    if not lines:
        return out
    out = re.sub(r"^[ \t]+", "", out, flags=re.M)  # no indented code blocks
    return _BLOCK.sub(_block, out)


def one_line(text) -> str:
    """Escaped text on one line (a heading, a table cell)."""
    return " ".join(md(text, lines=False).splitlines()).strip()


def item(text) -> str:
    """Escaped text for a list item: its lines stay in the item, as line breaks."""
    lines = [x for x in md(text).splitlines() if x.strip()]
    return "  \n  ".join(lines)


def code(text) -> str:
    """A code span (conditions and their values), safe in a table cell."""
    return "`" + " ".join(str(text).splitlines()).replace("`", "'").replace("|", "\\|") + "`"


def cell(text) -> str:
    """Text safe inside a Markdown table cell."""
    return one_line(text) or " "


def table(head: list[str], rows: list[list], raw: bool = False) -> list[str]:
    """A table; cells are escaped unless `raw` (cells already Markdown)."""
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(c if raw else cell(c) for c in r) + " |" for r in rows]
    return out


def render(r: Report) -> str:
    lines = [f"# After-action report: {one_line(r.title)}", ""]
    if r.notice:
        lines += [f"> Note: {one_line(r.notice)}", ""]
    lines += ["## Exercise overview", ""]
    lines += table(["Item", "Detail"], tb.overview_rows(r))
    lines += ["", "### Teams", ""] + table(["Team", r.team_heading], tb.team_rows(r))
    rows = tb.objective_rows(r)
    lines += ["", "### Objectives", ""] + (table(tb.OBJECTIVE_HEAD, rows) if rows
                                           else ["The teams have no objectives in this scenario."])

    o = r.outcome
    lines += ["", "## Outcome", "", f"**{one_line(tb.outcome_head(r))}**", ""]
    if o.text:
        lines += [md(o.text.strip()), ""]
    lines += ["Why:", ""]
    lines += [("  " * depth) + f"- {item(x)}" for depth, x in tb.reason_lines(o.reason)]
    lines.append("")
    if o.note:
        lines += [f"Facilitator's note: {item(o.note)}", ""]
    lines += ["Outcomes tried in order, on the values at the end of the journal:", ""]
    lines += table(tb.OUTCOME_HEAD, tb.outcome_rows(r))
    if o.scorecard:
        lines += ["", "### Scorecard", "", item(tb.score_head(r)), ""]
        lines += table(tb.SCORE_HEAD, tb.score_rows(r))
    if o.team_objectives:
        lines += ["", "### Team objectives", "", "Each team's own stakes, scored at the end against their targets:", ""]
        lines += table(tb.TEAM_OBJECTIVE_HEAD, tb.team_objective_rows(r))

    lines += ["", "## Analysis of objectives", ""]
    if not r.analysed:
        lines += ["No team objectives to analyse.", ""]
    for obj in r.analysed:
        lines += [f"### {one_line(obj.name)}", ""]
        if obj.description:
            lines += [md(obj.description), ""]
        given = tb.ratings_given(obj)
        if obj.id:  # not the general observations: they rate nothing
            lines += [f"Rating: **{tb.rating_text(obj.rating)}**", ""]
            for team, rating, history in obj.by_team:
                lines.append(f"- {one_line(team)}: **{tb.rating_text(rating)}**"
                             + (f"; {one_line(tb.history_text(history, team))}" if history else ""))
            if given and not obj.by_team:
                lines += ["", f"Ratings given: {one_line(given)}"]
            lines.append("")
        if obj.injects:
            lines += [f"Exercised by: {one_line(', '.join(obj.injects))}", ""]
        for attr, title in tb.NOTE_SECTIONS:
            notes = getattr(obj, attr)
            if notes or attr != "observations":
                lines += [f"**{title}**", ""]
                lines += [f"- {item(tb.note_text(n))}" for n in notes] or ["- none noted"]
                lines.append("")

    if r.red is not None:
        lines += [f"## The red cell: {one_line(r.red.name)}", "", item(tb.red_head(r)), "", "### Its objectives", ""]
        lines += table(tb.RED_OBJECTIVE_HEAD, tb.red_objective_rows(r)) if r.red.objectives else ["None."]
        lines += ["", "### Its acts", ""]
        lines += table(tb.RED_ACT_HEAD, tb.red_act_rows(r)) if r.red.acts else ["No act was planned."]
        lines.append("")

    if r.feedback is not None:
        lines += ["## Participant feedback", "", item(tb.feedback_head(r)), ""]
        lines += table(tb.FEEDBACK_HEAD, tb.feedback_rows(r))
        lines.append("")
        for attr, title in tb.FEEDBACK_LISTS:
            lines += [f"**{title}**", ""]
            lines += [f"- {item(x)}" for x in getattr(r.feedback, attr)] or ["- none given"]
            lines.append("")

    lines += ["## Decisions", ""]
    lines += table(tb.DECISION_HEAD, tb.decision_rows(r)) if r.decisions else ["No decision was asked."]

    lines += ["", "## Timeline", ""]
    for t in r.timeline:
        lines += [f"### Turn {t.turn}: {one_line(t.label)}" if t.turn else f"### {one_line(t.label.capitalize())}", ""]
        lines += [f"- {item(x.text)}" for x in t.key_lines()] or ["- nothing of note"]
        lines.append("")

    lines += ["## Ledger", "", f"Every change of each team's money and {r.words.capabilities}, turn by turn, and why.",
              ""]
    for led in r.ledgers:
        lines += [f"### {one_line(led.team)}"]
        lines += ledger_markdown(led.turns, esc=cell, level="####") if led.turns else ["", "Nothing changed."]
        lines.append("")

    lines += ["## Charts", ""]
    for c in r.charts:
        lines += [f"### {one_line(c.title)}" + (f" ({one_line(c.unit)})" if c.unit else ""), ""]
        rows = [[cell(x) for x in row] + [code(sparkline(list(s.values), c.low, c.high))]
                for row, s in zip(tb.chart_rows(c), c.series)]
        lines += table(["", *[cell(x) for x in c.labels], "trend"], rows, raw=True)
        lines.append("")

    lines += ["## Improvement plan", "", "To complete after the hot wash: one row per area for improvement.", ""]
    lines += table(tb.PLAN_HEAD, tb.plan_rows(r))
    return visible("\n".join(lines).rstrip() + "\n")
