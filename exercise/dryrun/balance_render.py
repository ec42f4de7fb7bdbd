"""The balance report as text, Markdown, JSON or one self-contained HTML file.

Each section is laid out once (`sections`: a title, lines of prose, tables and charts as
data) and drawn by each format. Text from the scenario (names, titles) is escaped in
Markdown and HTML (the debrief's helpers), never read as markup. Pure: a report in, text out.
"""

from __future__ import annotations

import json
from html import escape

import attrs

from exercise.controls import visible
from exercise.dryrun.balance import BalanceReport, to_json

FORMATS = ("text", "md", "html", "json")


@attrs.frozen
class Table:
    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@attrs.frozen
class Bars:
    """A bar chart: one bar per label. `stacked`: each bar is shares (name, %) adding to 100;
    else one signed value per bar (points or %)."""

    title: str
    labels: tuple[str, ...]
    values: tuple[tuple[tuple[str, float], ...], ...]
    unit: str = "%"
    stacked: bool = False
    best: str | None = None  # a stacked series drawn in the "good" colour (the best outcome)


@attrs.frozen
class Section:
    id: str
    title: str
    lines: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    charts: tuple[Bars, ...] = ()


def _p(x: float | None) -> str:
    return "-" if x is None else f"{x:.1f} %"


def _pts(x: float | None) -> str:
    return "-" if x is None else f"{x:+.1f}"


def sections(r: BalanceReport) -> list[Section]:
    out = []
    mark = {"met": "MET", "not met": "NOT MET", "not measured": "not measured"}
    out.append(Section("targets", "Targets", (
        f"Best outcome: {r.best_outcome_name}. Each configuration played {r.runs} times "
        f"({r.configurations} configurations, seed {r.seed}).",),
        (Table(("Target", "Status", "Figure"), tuple((t.text, mark.get(t.status, t.status), t.figure)
                                                    for t in r.targets)),)))

    s = r.skill
    names = [o.name for o in s.rows[0].outcomes] if s.rows else []
    lines = []
    if s.spread_points == 0:
        lines.append("Every policy reached the best outcome equally often: play made no difference in these runs.")
    elif s.spread_points is not None:
        lines.append(f"Best play ({s.best_policy}) against worst ({s.worst_policy}): "
                     f"{s.spread_points:.1f} points of best-outcome rate apart.")
    lines += [f"Note: {n}." for n in s.notes]
    head = ("Policy", "Runs", *names, "Best outcome", "Mean score")
    rows = tuple((x.policy + (f" (played by {x.played_by})" if x.played_by != x.policy else ""), str(x.runs),
                  *(_p(o.pct) for o in x.outcomes), _p(x.best_pct),
                  "-" if x.mean_score is None else f"{x.mean_score:.1f} %") for x in s.rows)
    chart = Bars("Outcomes by policy", tuple(x.policy for x in s.rows),
                 tuple(tuple((o.name, o.pct) for o in x.outcomes) for x in s.rows), stacked=True,
                 best=r.best_outcome_name)
    out.append(Section("skill", "Skill vs chance", tuple(lines), (Table(head, rows),), (chart,) if s.rows else ()))

    t = r.teams
    lines = [f"Best-outcome rate with every team coordinated: {_p(t.baseline_pct)}; below, one team "
             "in turn plays the free-rider (does the minimum) among coordinated teams."]
    lines += [f"Note: {n}." for n in t.notes]
    rows = tuple((x.name, str(x.runs), _p(x.best_pct), _pts(x.delta_points)) for x in t.rows)
    chart = Bars("Change in best-outcome rate when this team free-rides (points)", tuple(x.name for x in t.rows),
                 tuple(((x.name, x.delta_points),) for x in t.rows), unit="points")
    out.append(Section("teams", "Does every team matter", tuple(lines),
                       (Table(("Free-riding team", "Runs", "Best outcome", "Change (points)"), rows),) if rows else (),
                       (chart,) if rows else ()))

    pl = r.plans
    lines = [f"Best under {pol}: {kind} " + ", ".join(f"'{x}'" for x in plans) + (" (tied)." if len(plans) > 1 else ".")
             for kind, pol, plans in pl.winners]
    lines += [f"DOMINANT: {kind} '{plan}' is best under every policy." for kind, plan in pl.dominant]
    moot = next((t for t in r.targets if t.id == "no-dominant-plan" and t.status == "not met"), None)
    if moot is not None and not pl.dominant:  # every plan tied under every policy
        lines.append(f"Not met: {moot.figure}.")
    elif pl.winners and not pl.dominant:
        lines.append("No plan is best under every policy.")
    lines += [f"Note: {n}." for n in pl.notes]
    rows = tuple((x.policy, x.kind, x.plan, x.description, str(x.runs), _p(x.best_pct),
                  "-" if x.mean_score is None else f"{x.mean_score:.1f} %") for x in pl.rows)
    out.append(Section("plans", "Dominant plans", tuple(lines),
                       (Table(("Policy", "Kind", "Plan", "What it does", "Runs", "Best outcome", "Mean score"), rows),)
                       if rows else ()))

    c = r.criteria
    lines = [f"Within the {c.runs} runs of coordinated play. 'Decides' is how much more often a criterion "
             "is met in the runs that reach the best outcome than in the others (ties in the scorecard's "
             "order); 'Partly' is how often it was only partly met."]
    by_id = {x.id: x.name for x in c.rows}
    if c.deciding:
        lines.append("Decide outcomes most: " + ", ".join(by_id[i] for i in c.deciding) + ".")
    if c.never_bind:
        lines.append("Never bind: " + ", ".join(f"{by_id[i]} ({x.binds})" for i in c.never_bind
                                                for x in c.rows if x.id == i) + ".")
    lines += [f"Note: {n}." for n in c.notes]
    rows = tuple((x.name, _p(x.met_pct), _p(x.partly_pct), _p(x.met_best_pct), _p(x.met_other_pct),
                  _pts(x.decides_points), x.binds) for x in c.rows)
    out.append(Section("criteria", "Criteria that decide", tuple(lines),
                       (Table(("Criterion", "Met", "Partly", "Met in best runs", "Met in others", "Decides (points)",
                               "Binds"),
                              rows),) if rows else ()))

    d = r.dice
    lines = [f"Coordinated play, {d.runs} runs: {d.sites} roll sites, {d.judged} rolled both ways in at "
             f"least {d.min_arm} runs each. CONDITIONAL rates: the best-outcome rate among the runs where "
             "the roll went one way, against the runs where it went the other (not a controlled experiment: "
             "a roll's result can go with other differences between runs). '±' is the 95 % margin from the "
             "number of runs; 'At least' is the swing the runs support beyond that noise, which the target "
             "judges."]
    rows = tuple((x.label, f"{x.passed_word}: {x.passed_runs}", _p(x.passed_best_pct),
                  f"{x.failed_word}: {x.failed_runs}", _p(x.failed_best_pct), f"{_pts(x.swing_points)} ± {x.margin_points:.1f}", f"{x.least_points:.1f}")
                 for x in d.rows)
    chart = Bars("Swing of the best-outcome rate by one roll (points)", tuple(x.label for x in d.rows),
                 tuple(((x.label, x.swing_points),) for x in d.rows), unit="points")
    out.append(Section("dice", "Dice", tuple(lines),
                       (Table(("Roll", "Runs one way", "Best outcome", "Runs the other way", "Best outcome",
                               "Swing (points)", "At least"), rows),) if rows else (), (chart,) if rows else ()))

    i = r.injects
    lines = [f"Scheduled injects over the {i.runs} runs of plain play (reserve injects are fired only by "
             "the facilitator; injects marked fixed are meant to fire in every run)."]
    lines.append("Never fired: " + ("; ".join(x.title for x in i.never) or "none") + ".")
    lines.append("Always fired: " + ("; ".join(x.title for x in i.always) or "none") + ".")
    rows = tuple((x.title, str(x.turn), str(x.runs), _p(x.fired_pct), _p(x.best_pct), _p(x.baseline_pct),
                  _pts(x.delta_points)) for x in i.reserve)
    out.append(Section("injects", "Injects", tuple(lines),
                       (Table(("Reserve inject (coordinated play)", "Fired at turn", "Runs", "Runs it fired in",
                               "Best outcome with it", "Best outcome without", "Change (points)"), rows),)
                       if rows else ()))

    red = r.red
    if red.measured:
        lines = [f"Coordinated play, best-outcome rate: {_p(red.scripted_pct)} with red scripted only, "
                 f"{_p(red.bot_pct)} with red played by its bot ({_pts(red.delta_points)} points, {red.runs} runs)."]
    else:
        lines = [f"Note: {n}." for n in red.notes]
    out.append(Section("red", "Red", tuple(lines)))
    return out


# -- text ---------------------------------------------------------------------------------------
def _text_table(t: Table) -> list[str]:
    """Columns padded to their widest cell; a cell over 44 characters wraps in its column."""
    import textwrap
    from itertools import zip_longest

    cols = list(zip(t.head, *t.rows))
    widths = [min(44, max(len(str(c)) for c in col)) for col in cols]

    def lines(cells) -> list[str]:
        wrapped = [textwrap.wrap(str(c), w) or [""] for c, w in zip(cells, widths)]
        return ["  ".join(part.ljust(w) for part, w in zip(row, widths)).rstrip()
                for row in zip_longest(*wrapped, fillvalue="")]

    out = lines(t.head) + ["  ".join("-" * w for w in widths)]
    for r in t.rows:
        out += lines(r)
    return out


def text(r: BalanceReport) -> str:
    out = [f"Balance report: {r.title}", ""]
    for s in sections(r):
        out += [s.title, "=" * len(s.title), *s.lines]
        for t in s.tables:
            out += ["", *_text_table(t)]
        out.append("")
    return "\n".join(out)


# -- Markdown -----------------------------------------------------------------------------------
def markdown(r: BalanceReport) -> str:
    from exercise.debrief import markdown as md

    out = [f"# Balance report: {md.one_line(r.title)}", ""]
    for s in sections(r):
        out += [f"## {s.title}", ""]
        out += [md.one_line(x) + "  " for x in s.lines]
        for t in s.tables:
            out += ["", *md.table(list(t.head), [list(x) for x in t.rows])]
        out.append("")
    return "\n".join(out)


# -- HTML ---------------------------------------------------------------------------------------
def svg_bars(c: Bars, width: int = 640) -> str:
    """Horizontal bars, one per label: stacked shares (a distribution) or signed values
    around a zero line (a sensitivity). Inline SVG, colours from the debrief's palette."""
    from exercise.debrief.html import PALETTE

    left, right, row, top = 230, 20, 24, 8
    gutter = 0 if c.stacked else 44  # room for a value's label on either side of its bar
    pw = width - left - right - 2 * gutter
    legend = sorted({n for bar in c.values for n, _ in bar}, key=[n for bar in c.values for n, _ in bar].index) \
        if c.stacked else []
    # green for the best outcome, the other colours in order for the rest
    others = [k for k in range(len(PALETTE)) if k != 2]

    def colour_of(name: str) -> str:
        if name == c.best:
            return PALETTE[2][0]
        rank = [n for n in legend if n != c.best].index(name)
        return PALETTE[others[rank % len(others)]][0]
    height = top + row * len(c.labels) + (28 if legend else 20)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
           f'height="{height}" role="img"><title>{escape(c.title)}</title>']
    if c.stacked:
        def x(v: float) -> float:
            return left + pw * v / 100
    else:
        vals = [v for bar in c.values for _, v in bar]
        span = max(10.0, *(abs(v) for v in vals)) if vals else 10.0
        lo, hi = (-span, span) if any(v < 0 for v in vals) else (0.0, span)

        def x(v: float) -> float:
            return left + gutter + pw * (v - lo) / (hi - lo)
    for k, (label, bar) in enumerate(zip(c.labels, c.values)):
        y = top + k * row
        short = label if len(label) <= 36 else label[:35] + "…"
        out.append(f'<text x="{left - 6}" y="{y + 15}" text-anchor="end">{escape(short)}</text>')
        if c.stacked:
            at = 0.0
            for name, v in bar:
                colour = colour_of(name)
                if v > 0:
                    out.append(f'<rect x="{x(at):.1f}" y="{y + 3}" width="{pw * v / 100:.1f}" height="{row - 6}" '
                               f'fill="{colour}"><title>{escape(name)}: {v:.1f} %</title></rect>')
                at += v
        else:
            for _name, v in bar:
                a, b = sorted((x(0), x(v)))
                colour = PALETTE[1][0] if v < 0 else PALETTE[0][0]
                out.append(f'<rect x="{a:.1f}" y="{y + 3}" width="{max(b - a, 1):.1f}" height="{row - 6}" '
                           f'fill="{colour}"><title>{v:+.1f} {escape(c.unit)}</title></rect>')
                out.append(f'<text x="{b + 4 if v >= 0 else a - 4:.1f}" y="{y + 15}" '
                           f'text-anchor="{"start" if v >= 0 else "end"}">{v:+.1f}</text>')
    base = top + row * len(c.labels)
    if c.stacked:
        lx = left
        for name in legend:
            out.append(f'<rect x="{lx}" y="{base + 8}" width="12" height="12" fill="{colour_of(name)}"/>')
            out.append(f'<text x="{lx + 16}" y="{base + 18}">{escape(name)}</text>')
            lx += 28 + 7 * len(name)
    else:
        out.append(f'<line x1="{x(0):.1f}" x2="{x(0):.1f}" y1="{top}" y2="{base}" stroke="#5b6470"/>')
    out.append("</svg>")
    return "\n".join(out)


def html(r: BalanceReport) -> str:
    from exercise.debrief.html import CSS, table

    secs = sections(r)
    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>Balance report: {escape(r.title)}</title>", f"<style>{CSS}</style>", "</head>", "<body>",
             f"<h1>Balance report: {escape(r.title)}</h1>",
             f'<p class="subtitle">Seed {r.seed}, {r.runs} runs per configuration, {r.configurations} configurations</p>',
             '<nav class="toc"><ol>' + "".join(f'<li><a href="#{s.id}">{escape(s.title)}</a></li>' for s in secs)
             + "</ol></nav>"]
    for s in secs:
        parts.append(f'<section id="{s.id}"><h2>{escape(s.title)}</h2>')
        parts += [f"<p>{escape(x)}</p>" for x in s.lines]
        for c in s.charts:
            parts.append(f'<figure class="chart"><figcaption>{escape(c.title)}</figcaption>{svg_bars(c)}</figure>')
        for t in s.tables:
            parts.append(table(list(t.head), [list(x) for x in t.rows]))
        parts.append("</section>")
    parts += ["<footer>Made by <code>exercise balance</code>; how to read it: docs/balance.md.</footer>",
              "</body>", "</html>"]
    return "\n".join(parts) + "\n"


def render(r: BalanceReport, fmt: str) -> str:
    """The report in `fmt`; control characters from the scenario's names made visible (JSON
    escapes them itself)."""
    if fmt != "json":
        return visible(_render(r, fmt))
    return _render(r, fmt)


def _render(r: BalanceReport, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(to_json(r), indent=2) + "\n"
    if fmt == "md":
        return markdown(r)
    if fmt == "html":
        return html(r)
    if fmt == "text":
        return text(r)
    raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
