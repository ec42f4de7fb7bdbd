"""The after-action report as one self-contained HTML file: inline CSS and SVG charts,
no script, no font, nothing fetched. It reads on screen and prints cleanly (print CSS:
no navigation, charts and table rows kept whole, ratings in colour and in letters).

Every piece of text from the save is escaped with html.escape. Pure: a Report in, text out.
"""

from __future__ import annotations

from html import escape

from exercise.controls import visible
from exercise.debrief import tables as tb
from exercise.debrief.plot import bounds, num, ticks
from exercise.debrief.report import Chart, Report, category_label
from exercise.engine.ledger import describe, signed
from exercise.engine.ledger import value as shown_value

# Colour and dash pattern per series, so lines stay apart when printed in grey.
PALETTE = (("#1f77b4", ""), ("#d62728", "6 3"), ("#2ca02c", "2 3"), ("#9467bd", "8 3 2 3"),
           ("#ff7f0e", "4 2"), ("#17becf", "1 2"))

CSS = """
:root { --ink: #1b1f24; --muted: #5b6470; --line: #d0d7de; --band: #f3f5f7; --accent: #0b4f8a; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       max-width: 60rem; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.8rem; margin: 0 0 .2rem; }
h2 { font-size: 1.35rem; border-bottom: 2px solid var(--accent); padding-bottom: .2rem; margin-top: 2.2rem; }
h3 { font-size: 1.1rem; margin: 1.4rem 0 .4rem; }
.subtitle { color: var(--muted); margin: 0 0 1rem; }
.notice { border-left: 4px solid #d29922; background: #fff8e5; padding: .4rem .8rem; }
nav.toc { background: var(--band); padding: .5rem 1rem; border-radius: 6px; }
nav.toc ol { margin: .2rem 0; padding-left: 1.2rem; columns: 2; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .92rem; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: var(--band); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
code { font-size: .85em; background: var(--band); padding: 0 .2em; border-radius: 3px; }
.rating { display: inline-block; min-width: 1.6em; text-align: center; font-weight: 700; border-radius: 4px;
          padding: 0 .3em; border: 1px solid #0003; }
.rating-P { background: #c6efce; } .rating-S { background: #fff2b3; }
.rating-M { background: #ffd4a8; } .rating-U { background: #ffc7ce; } .rating-none { background: #eee; }
.held-yes { font-weight: 700; }
.objective { border: 1px solid var(--line); border-radius: 6px; padding: .2rem 1rem .6rem; margin: 1rem 0; }
.turn ul { margin: .2rem 0 .8rem; padding-left: 1.2rem; }
.turn li.inject { font-weight: 600; } .turn li.outcome { font-weight: 700; }
li, td { white-space: pre-line; }  /* a note's own line breaks */
.turn li.note { font-style: italic; } .turn li.override { color: #8a1c1c; }
.cat { display: inline-block; min-width: 6.5em; color: var(--muted); font-size: .8em; font-style: normal;
       font-weight: 400; text-transform: uppercase; letter-spacing: .03em; }
figure.chart { margin: 1rem 0 1.6rem; }
figure.chart figcaption { font-weight: 600; margin-bottom: .3rem; }
svg { max-width: 100%; height: auto; }
svg text { font: 11px system-ui, sans-serif; fill: var(--ink); }
.plan td { height: 2.2rem; }
footer { color: var(--muted); font-size: .85rem; margin-top: 3rem; border-top: 1px solid var(--line); }
@media print {
  @page { margin: 16mm 14mm; }
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  nav.toc { display: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; } h3 { break-after: avoid; }
  figure.chart, tr, .objective, .turn { break-inside: avoid; }
  #charts, #improvement-plan { break-before: page; }
  a { color: inherit; text-decoration: none; }
}
"""

SECTIONS = (("overview", "Exercise overview"), ("outcome", "Outcome"), ("objectives", "Analysis of objectives"),
            ("decisions", "Decisions"), ("timeline", "Timeline"), ("ledger", "Ledger"), ("charts", "Charts"),
            ("improvement-plan", "Improvement plan"))


LEDGER_HEAD = ["Phase", "What", "Before", "After", "Change", "Why"]


def table(head: list[str], rows: list[list[str]], cls: str = "", raw: bool = False) -> str:
    """A table; cells are escaped unless `raw` (cells already HTML)."""
    def td(c: str) -> str:
        return f"<td>{c if raw else escape(str(c))}</td>"

    head_html = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "\n".join("<tr>" + "".join(td(c) for c in r) + "</tr>" for r in rows)
    return f'<table class="{cls}"><thead><tr>{head_html}</tr></thead>\n<tbody>\n{body}\n</tbody></table>'


def _per_team(r):
    """The (objective, rating) of each row of tb.objective_rows, in the same order."""
    return [(o, rating) for o in r.objectives for _, rating, _ in (o.by_team or ((o.team, o.rating, ()),))]


def _rating(row) -> str | None:
    return row[1]


def _reason_list(reason: str) -> str:
    """The outcome's reason as a list, its criteria nested under their outcome."""
    out, open_sub = ["<ul class=\"why\">"], False
    for depth, x in tb.reason_lines(reason):
        if depth and not open_sub:
            out.append("<ul>")
            open_sub = True
        elif not depth and open_sub:
            out.append("</ul></li>")
            open_sub = False
        elif not depth and len(out) > 1:
            out.append("</li>")
        out.append(f"<li>{escape(x)}" + ("</li>" if depth else ""))
    out.append("</ul></li></ul>" if open_sub else ("</li></ul>" if len(out) > 1 else "</ul>"))
    return "".join(out)


def rating_badge(rating: str | None) -> str:
    label = tb.rating_text(rating)
    return (f'<span class="rating rating-{escape(rating or "none")}" title="{escape(label)}">'
            f'{escape(rating or "-")}</span> {escape(label)}')


def svg_chart(c: Chart, width: int = 640, height: int = 230) -> str:
    """A line chart: one polyline per series, value axis with bounds, turn labels below."""
    left, right, top, bottom, pad = 44, 12, 10, 46, 26
    pw, ph = width - left - right, height - top - bottom
    grid = ticks(*bounds([list(s.values) for s in c.series], c.low, c.high))
    lo, hi = grid[0], grid[-1]
    n = len(c.labels)

    def x(i: int) -> float:
        return left + pad + ((pw - 2 * pad) * i / (n - 1) if n > 1 else (pw - 2 * pad) / 2)

    def y(v: float) -> float:
        return top + ph * (hi - v) / (hi - lo)

    title = escape(c.title + (f" ({c.unit})" if c.unit else ""))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
           f'height="{height}" role="img" aria-labelledby="{escape(c.id)}-title">',
           f'<title id="{escape(c.id)}-title">{title}</title>',
           f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="#fafbfc" stroke="#d0d7de"/>']
    for v in grid:
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#e1e4e8"/>')
        out.append(f'<text x="{left - 4}" y="{y(v) + 4:.1f}" text-anchor="end">{escape(num(float(v)))}</text>')
    for i, label in enumerate(c.labels):
        out.append(f'<text x="{x(i):.1f}" y="{top + ph + 14}" text-anchor="middle">{escape(label)}</text>')
    for k, s in enumerate(c.series):
        colour, dash = PALETTE[k % len(PALETTE)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        runs: list[list[str]] = [[]]
        for i, value in enumerate(s.values):
            if value is None:
                runs.append([])
            else:
                runs[-1].append(f"{x(i):.1f},{y(value):.1f}")
        for run in runs:
            if len(run) > 1:
                out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2"{dash_attr} '
                           f'points="{" ".join(run)}"/>')
            for p in run:
                cx, cy = p.split(",")
                out.append(f'<circle cx="{cx}" cy="{cy}" r="2.5" fill="{colour}"/>')
    # legend, below the axis
    lx = left
    for k, s in enumerate(c.series):
        colour, dash = PALETTE[k % len(PALETTE)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        ly = top + ph + 32
        out.append(f'<line x1="{lx}" x2="{lx + 18}" y1="{ly - 4}" y2="{ly - 4}" stroke="{colour}" '
                   f'stroke-width="2"{dash_attr}/>')
        out.append(f'<text x="{lx + 22}" y="{ly}">{escape(s.name)}</text>')
        lx += 30 + 7 * len(s.name)
    out.append("</svg>")
    return "\n".join(out)


def render(r: Report) -> str:
    e = escape
    parts = ['<!DOCTYPE html>', '<html lang="en">', '<head>', '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f'<title>After-action report: {e(r.title)}</title>', f'<style>{CSS}</style>', '</head>', '<body>',
             '<header>', '<h1>After-action report and improvement plan</h1>',
             f'<p class="subtitle">{e(r.title)} · {e(r.scenario_title)} · {e(r.started)} to {e(r.last_activity)}</p>']
    if r.notice:
        parts.append(f'<p class="notice">Note: {e(r.notice)}</p>')
    parts.append('</header>')
    sections: tuple[tuple[str, str], ...] = (SECTIONS if r.red is None
                                             else (*SECTIONS[:3], ("red", "The red cell"), *SECTIONS[3:]))
    if r.feedback is not None:  # after the red cell, before the decisions, as the sections are written
        at = [sid for sid, _ in sections].index("decisions")
        sections = (*sections[:at], ("feedback", "Participant feedback"), *sections[at:])
    parts.append('<nav class="toc"><strong>Contents</strong><ol>'
                 + "".join(f'<li><a href="#{sid}">{e(name)}</a></li>' for sid, name in sections) + '</ol></nav>')

    parts += ['<section id="overview">', '<h2>Exercise overview</h2>',
              table(["Item", "Detail"], tb.overview_rows(r), "overview"),
              '<h3>Teams</h3>', table(["Team", r.team_heading], tb.team_rows(r)),
              '<h3>Objectives</h3>',
              table(tb.OBJECTIVE_HEAD, [[e(name), e(team), rating_badge(_rating(o)), e(history)]
                                        for o, (name, team, _, history) in zip(_per_team(r), tb.objective_rows(r))],
                    raw=True),
              '</section>']

    o = r.outcome
    parts += ['<section id="outcome">', '<h2>Outcome</h2>', f'<p><strong>{e(tb.outcome_head(r))}</strong></p>']
    if o.text:
        parts.append(f'<blockquote>{e(o.text.strip())}</blockquote>')
    parts.append('<p>Why:</p>' + _reason_list(o.reason))
    if o.note:
        parts.append(f"<p>Facilitator's note: {e(o.note)}</p>")
    rows = [[e(name), f'<span class="held-{held}">{held}</span>', e(values)]
            for name, held, values in tb.outcome_rows(r)]
    parts += ['<p>Outcomes tried in order, on the values at the end of the journal:</p>',
              table(tb.OUTCOME_HEAD, rows, "outcomes", raw=True)]
    if o.scorecard:
        parts += ['<h3>Scorecard</h3>', f'<p>{e(tb.score_head(r))}</p>',
                  table(tb.SCORE_HEAD, [[e(c) for c in row] for row in tb.score_rows(r)], "scorecard", raw=True)]
    if o.team_objectives:
        parts += ['<h3>Team objectives</h3>', "<p>Each team's own stakes, scored at the end against their targets:</p>",
                  table(tb.TEAM_OBJECTIVE_HEAD, [[e(c) for c in row] for row in tb.team_objective_rows(r)],
                        "team-objectives", raw=True)]
    parts.append('</section>')

    parts += ['<section id="objectives">', '<h2>Analysis of objectives</h2>']
    for obj in r.analysed:
        given = tb.ratings_given(obj)
        parts += [f'<article class="objective" id="objective-{e(obj.id)}">', f'<h3>{e(obj.name)}</h3>']
        if obj.description:
            parts.append(f'<p>{e(obj.description)}</p>')
        if obj.id:  # not the general observations: they rate nothing
            parts.append(f'<p>Rating: {rating_badge(obj.rating)} · Team: {e(obj.team)}</p>')
            per_team = "".join(f"<li>{e(team)}: {rating_badge(rating)}"
                               + (f" · {e(tb.history_text(history, team))}" if history else "") + "</li>"
                               for team, rating, history in obj.by_team)
            if per_team:
                parts.append(f'<ul class="ratings">{per_team}</ul>')
            if given and not obj.by_team:
                parts.append(f'<p>Ratings given: {e(given)}</p>')
        if obj.injects:
            parts.append(f'<p>Exercised by: {e(", ".join(obj.injects))}</p>')
        for attr, title in tb.NOTE_SECTIONS:
            notes = getattr(obj, attr)
            if notes or attr != "observations":
                items = "".join(f"<li>{e(tb.note_text(n))}</li>" for n in notes) or "<li>none noted</li>"
                parts.append(f'<h4>{e(title)}</h4><ul class="{attr}">{items}</ul>')
        parts.append('</article>')
    parts.append('</section>')

    if r.red is not None:
        parts += ['<section id="red">', f'<h2>The red cell: {e(r.red.name)}</h2>', f'<p>{e(tb.red_head(r))}</p>',
                  '<h3>Its objectives</h3>',
                  table(tb.RED_OBJECTIVE_HEAD, tb.red_objective_rows(r), "red-objectives") if r.red.objectives
                  else '<p>None.</p>',
                  '<h3>Its acts</h3>',
                  table(tb.RED_ACT_HEAD, tb.red_act_rows(r), "red-acts") if r.red.acts
                  else '<p>No act was planned.</p>', '</section>']

    if r.feedback is not None:
        parts += ['<section id="feedback">', '<h2>Participant feedback</h2>', f'<p>{e(tb.feedback_head(r))}</p>',
                  table(tb.FEEDBACK_HEAD, tb.feedback_rows(r), "feedback")]
        for attr, title in tb.FEEDBACK_LISTS:
            items = "".join(f"<li>{e(x)}</li>" for x in getattr(r.feedback, attr)) or "<li>none given</li>"
            parts.append(f'<h3>{e(title)}</h3><ul class="feedback-{attr}">{items}</ul>')
        parts.append('</section>')

    parts += ['<section id="decisions">', '<h2>Decisions</h2>',
              table(tb.DECISION_HEAD, tb.decision_rows(r), "decisions") if r.decisions
              else '<p>No decision was asked.</p>', '</section>']

    parts += ['<section id="timeline">', '<h2>Timeline</h2>']
    for t in r.timeline:
        head = f"Turn {t.turn}: {t.label}" if t.turn else t.label.capitalize()
        items = "".join(f'<li class="{e(x.category)}"><span class="cat">{e(category_label(x.category, r.words))}</span> '
                        f'{e(x.text)}</li>'
                        for x in t.key_lines()) or "<li>nothing of note</li>"
        parts.append(f'<div class="turn" id="turn-{t.turn}"><h3>{e(head)}</h3><ul>{items}</ul></div>')
    parts.append('</section>')

    parts += ['<section id="ledger">', '<h2>Ledger</h2>',
              f"<p>Every change of each team's money and {e(r.words.capabilities)}, turn by turn, and why.</p>"]
    for led in r.ledgers:
        parts.append(f'<article class="ledger"><h3>{e(led.team)}</h3>')
        for lt in led.turns:
            parts.append(f'<h4>Turn {lt.turn}' + (f' ({e(lt.label)})' if lt.label else '') + '</h4>')
            if lt.totals:
                parts.append('<p>Net change: ' + e("; ".join(describe(x) for x in lt.totals)) + '</p>')
            parts.append(table(LEDGER_HEAD, [[x.phase, x.what, shown_value(x.before, x.places), shown_value(x.after, x.places),
                                              signed(x.delta, x.unit, x.places), x.cause] for x in lt.entries], "ledger"))
        if not led.turns:
            parts.append('<p>Nothing changed.</p>')
        parts.append('</article>')
    parts.append('</section>')

    parts += ['<section id="charts">', '<h2>Charts</h2>']
    for c in r.charts:
        caption = e(c.title + (f" ({c.unit})" if c.unit else ""))
        parts.append(f'<figure class="chart" id="chart-{e(c.id)}"><figcaption>{caption}</figcaption>'
                     f'{svg_chart(c)}</figure>')
    parts.append('</section>')

    parts += ['<section id="improvement-plan">', '<h2>Improvement plan</h2>',
              '<p>To complete after the hot wash: one row per area for improvement.</p>',
              table(tb.PLAN_HEAD, tb.plan_rows(r), "plan"), '</section>',
              f'<footer><p>Generated by exercise from the save {e(r.id)} (seed {r.seed}).</p></footer>',
              '</body>', '</html>']
    return visible("\n".join(parts) + "\n")
