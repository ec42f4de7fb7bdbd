"""The debrief screen: look back at an exercise, turn by turn.

It renders the report of exercise.debrief (timeline, decisions beside the expected
actions, objectives and ratings, the outcome and why, chart series) and the facilitator
view of the state at the end of the turn in view. Time travel: left/right (or p/n) step
through the turns, home/end jump, g goes to a turn; the status, timeline, state and
charts follow (decisions, objectives and the outcome cover the whole exercise). Nothing here
writes: the save may belong to an exercise that is still running.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, OptionList, Static, TabbedContent, TabPane
from textual.widgets.option_list import Option

from exercise import engine
from exercise.debrief import tables as tb
from exercise.debrief.plot import braille, num, sparkline
from exercise.debrief.record import Record
from exercise.debrief.report import build, category_label, short
from exercise.engine.ledger import describe
from exercise.engine.view_types import FacilitatorView
from exercise.tui.base import BaseApp
from exercise.tui.footer import FitFooter
from exercise.tui.keyhelp import KeyHelp, word_slots
from exercise.tui.modals import Field, FormModal, TextModal
from exercise.tui.names import wrapped
from exercise.tui.text import cells, fit, plain, reflow, safe, text

HELP_INTRO = """\
**The debrief** looks back at an exercise; it never changes the save. The turn keys move
the timeline, the state and the charts; decisions, objectives and the outcome cover the
whole exercise. On the Charts tab, up / down pick the series drawn large.
"""

HELP_OUTRO = """\
**State** is the facilitator's view at the end of the turn in view. **Objectives** gathers
the notes' P/S/M/U ratings: P and S (or a `strength` tag) are strengths, M and U (or an
`improvement` tag) areas for improvement. `exercise export SAVE --format html` writes all of
this as an after-action report; `exercise fork SAVE --turn N` replays a turn differently.
"""

RATING_STYLE = {"P": "bold green", "S": "bold yellow", "M": "bold dark_orange", "U": "bold red"}




class DebriefScreen(KeyHelp, Screen):
    CSS_PATH = "debrief.tcss"
    HELP_TITLE = "Debrief help"
    HELP_INTRO = HELP_INTRO
    HELP_OUTRO = HELP_OUTRO
    BINDINGS = [
        Binding("left,p", "turn(-1)", "Turn before", priority=True, tooltip="the turn before"),
        Binding("right,n", "turn(1)", "Turn after", priority=True, tooltip="the turn after"),
        Binding("home", "jump('first')", "Start", show=False, tooltip="before the start"),
        Binding("end", "jump('last')", "Last turn", show=False, tooltip="the last turn"),
        Binding("g", "goto", "Go to turn", tooltip="go to a turn"),
        Binding("a", "all_events", "All events",
                tooltip="timeline: every event, or only what matters (no phases, track values, submissions)"),
        # in the help; the footer is full at 80 columns
        Binding("r", "reload", "Refresh", show=False,
                tooltip="read the exercise again: a running one has moved on since the debrief opened"),
        Binding("question_mark", "help", "Help", key_display="?", tooltip="this help"),
        Binding("escape", "back", "Back",
                tooltip="back (or quit when the debrief was opened from the command line)"),
        Binding("1", "tab('timeline')", "Timeline", show=False),
        Binding("2", "tab('state')", "State", show=False),
        Binding("3", "tab('charts')", "Charts", show=False),
        Binding("4", "tab('decisions')", "Decisions", show=False),
        Binding("5", "tab('objectives')", "Objectives", show=False),
        Binding("6", "tab('outcome')", "Outcome", show=False),
        Binding("7", "tab('ledger')", "Ledger", show=False,
                tooltip="each team's ledger for the turn shown: every change of its money and {capabilities}, and why"),
    ]

    def __init__(self, record: Record, reload: Callable[[], Record] | None = None):
        super().__init__()
        self.record = record
        self.reload = reload  # reads the exercise again (it may still be running)
        self.states = record.states_by_turn()
        self.report = build(record, self.states)
        self.turn = max(self.states)
        self.all_events = False
        self.series = [(c, s) for c in self.report.charts for s in c.series]

    # -- layout -------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static("", id="status")
        with TabbedContent(initial="timeline", id="debrief-tabs"):
            with TabPane("1 Timeline", id="timeline"):
                with VerticalScroll(id="timeline-body"):
                    for t in self.report.timeline:
                        yield Static("", id=f"turn-{t.turn}", classes="turn-block")
            with TabPane("2 State", id="state"):
                with VerticalScroll(id="state-body"):
                    yield Static("", id="state-head", classes="section-title")
                    with Horizontal(id="state-top"):
                        with Vertical(classes="state-box"):
                            yield Static("World", classes="section-title")
                            yield DataTable(id="state-world", cursor_type="none", show_cursor=False)
                        with Vertical(classes="state-box"):
                            yield Static("Teams", classes="section-title")
                            yield DataTable(id="state-teams", cursor_type="none", show_cursor=False)
                    yield Static(text(f"{self.record.scenario.words.cap('capabilities')} by team"),
                                 classes="section-title")
                    yield DataTable(id="state-caps", cursor_type="none", show_cursor=False)
                    yield Static("Orders", classes="section-title")
                    yield DataTable(id="state-orders", cursor_type="none", show_cursor=False)
                    yield Static("", id="state-outcome")
            with TabPane("3 Charts", id="charts"):
                with Horizontal():
                    yield OptionList(id="chart-list")
                    with Vertical(id="plot-box"):
                        yield Static("", id="plot-title", classes="section-title")
                        yield Static("", id="plot")
                        yield Static("", id="plot-values")
            with TabPane("4 Decisions", id="decisions"):
                yield DataTable(id="decision-table", cursor_type="row", zebra_stripes=True)
            with TabPane("5 Objectives", id="objectives"):
                with VerticalScroll():
                    yield Static("", id="objectives-body")
            with TabPane("6 Outcome", id="outcome"):
                with VerticalScroll():
                    yield Static("", id="outcome-body")
            with TabPane("7 Ledger", id="ledger"):
                with VerticalScroll():
                    yield Static("", id="ledger-body")
        yield FitFooter()

    def on_mount(self) -> None:
        r = self.report
        self.query_one("#state-world", DataTable).add_columns("Track", "Value", "Band")
        # headers from the pack (unit, team names) as Text, like every cell
        self.query_one("#state-teams", DataTable).add_columns(*cells("Team", f"Budget {r.unit}", f"Money {r.unit}",
                                                                     "Submitted"))
        self.query_one("#state-caps", DataTable).add_columns(
            *cells("Track", *[short(t.name)[:16] for t in self.record.scenario.teams]))
        self.query_one("#state-orders", DataTable).add_columns("Team", "Item", "Qty", "Placed", "Due", "Status")
        self.query_one("#decision-table", DataTable).add_columns(*tb.DECISION_HEAD)
        self.fill_decisions()
        self.query_one("#objectives-body", Static).update(safe(self.objectives_text()))
        self.query_one("#outcome-body", Static).update(safe(self.outcome_text()))
        charts = self.query_one("#chart-list", OptionList)
        shown = None
        for k, (c, s) in enumerate(self.series):
            if len(c.series) > 1 and shown is not c:  # a heading, then one line per team
                charts.add_option(Option(text(c.title + (f" ({c.unit})" if c.unit else ""), style="bold"),
                                         disabled=True))
            shown = c
            name = c.title if len(c.series) == 1 else f"  {s.name}"
            spark = sparkline(list(s.values), c.low, c.high)
            charts.add_option(Option(Text.assemble(f"{plain(name)[:26]:<26} ", (spark, "bold"), no_wrap=True,
                                                   overflow="ellipsis"), id=str(k)))
        if self.series:
            charts.highlighted = 0
        self.render_timeline()
        self.show_turn()

    # -- time travel ------------------------------------------------------------------------
    def action_turn(self, step: int) -> None:
        self.go(self.turn + step)

    def action_jump(self, where: str) -> None:
        self.go(min(self.states) if where == "first" else max(self.states))

    def go(self, turn: int) -> None:
        turn = max(min(self.states), min(max(self.states), turn))
        if turn != self.turn:
            self.turn = turn
            self.show_turn()

    @work
    async def action_goto(self) -> None:
        last = max(self.states)
        form = await self.app.push_screen_wait(FormModal("Go to turn", [
            Field("turn", f"Turn (0 is before the start, {last} the last)", "integer", default=self.turn,
                  minimum=0, maximum=last)], "Go"))
        if form is not None:
            self.go(form["turn"])

    def show_turn(self) -> None:
        view = engine.facilitator_view(self.states[self.turn])
        self.render_status(view)
        self.render_state(view)
        self.render_plot()
        self.query_one("#ledger-body", Static).update(safe(self.ledger_text()))
        for block in self.query(".turn-block"):
            block.set_class(block.id == f"turn-{self.turn}", "current")
        self.scroll_timeline()

    def scroll_timeline(self) -> None:
        block = self.query(f"#turn-{self.turn}")
        if block:
            self.query_one("#timeline-body", VerticalScroll).scroll_to_widget(block.first(), top=True, animate=False)

    @on(TabbedContent.TabActivated)
    def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "timeline":
            self.call_after_refresh(self.scroll_timeline)
        elif event.pane.id == "charts":
            self.query_one("#chart-list", OptionList).focus()
            self.call_after_refresh(self.render_plot)

    # -- rendering ------------------------------------------------------------------------
    def turn_name(self, turn: int) -> str:
        if turn == 0:
            return "before the start"
        label = self.record.scenario.calendar.label(turn)
        now = " (now)" if turn == max(self.states) and self.report.status == "running" else ""
        return f"end of turn {turn} of {self.report.turns}, {label}{now}"

    def render_status(self, view: FacilitatorView | None = None) -> None:
        """One line: the title gives way, then "under way: turn 4 of 8" says "under way"
        alone (the turn shown says which turn of how many), so the line is never cut."""
        r = self.report
        width = (self.size.width or self.app.size.width) - 2  # its padding
        status = tb.status_line(r)
        tail = [self.turn_name(self.turn), status, *(["simulated"] if r.simulated else [])]
        line = " · ".join(["Debrief", r.title, *tail])
        if len(line) > width:
            tail[1] = status.split(":")[0] if r.status == "running" else status
            rest = " · " + " · ".join(tail)
            line = "Debrief · " + fit(r.title, max(8, width - len("Debrief · ") - len(rest))) + rest
        self.query_one("#status", Static).update(text(line))

    def render_timeline(self) -> None:
        for t in self.report.timeline:
            head = f"Turn {t.turn}: {t.label}" if t.turn else t.label.capitalize()
            lines = t.lines if self.all_events else t.key_lines()
            text = Text(head + "\n", style="bold")
            for x in lines:
                text.append(f"{category_label(x.category, self.report.words):<12}", style="dim")
                text.append(x.text + "\n", style="bold" if x.category in ("inject", "outcome") else "")
            if not lines:
                text.append("nothing of note\n", style="dim")
            self.query_one(f"#turn-{t.turn}", Static).update(safe(text))

    def render_state(self, view: FacilitatorView) -> None:
        self.query_one("#state-head", Static).update(text(
            f"The state at the {self.turn_name(self.turn)}" + (f" · phase {view.phase_name}" if view.turn else "")))
        world = self.query_one("#state-world", DataTable)
        world.clear()
        for w in view.tracks:
            world.add_row(*cells(fit(w.name, 34), num(w.value), w.band or ""))
        teams = self.query_one("#state-teams", DataTable)
        teams.clear()
        for t in view.teams:
            me = view.teams_private[t.id]
            teams.add_row(*cells(short(t.name)[:20], num(me.budget.total), num(me.budget.money),
                                 "yes" if me.submitted else "-"))
        caps = self.query_one("#state-caps", DataTable)
        caps.clear()
        for track in view.team_tracks:
            caps.add_row(*cells(fit(track.name, 34), *[num(track.values[t.id]) for t in view.teams]))
        orders = self.query_one("#state-orders", DataTable)
        orders.clear()
        for t in view.teams:
            for o in view.teams_private[t.id].orders:
                orders.add_row(*cells(fit(short(t.name), 16), fit(o.name, 40), o.quantity, o.placed or "backlog",
                                      o.due, o.status + (" (after the exercise)" if o.after_exercise else "")))
        out = view.outcome
        self.query_one("#state-outcome", Static).update(
            safe(Text.assemble(("Outcome: ", "bold"), f"{out.name}: {out.reason}")) if out else Text())

    @on(OptionList.OptionHighlighted, "#chart-list")
    def render_plot(self) -> None:
        charts = self.query_one("#chart-list", OptionList)
        if charts.highlighted is None or not self.series:
            return
        option = charts.get_option_at_index(charts.highlighted)
        if option.id is None:
            return
        chart, series = self.series[int(option.id)]
        plot = self.query_one("#plot", Static)
        # the plot's columns: what the box leaves after the value axis (up to 7 cells)
        width = max(16, (self.query_one("#plot-box").content_size.width or 60) - 8)
        name = chart.title if len(chart.series) == 1 else f"{chart.title}: {series.name}"
        self.query_one("#plot-title", Static).update(text(name + (f" ({chart.unit})" if chart.unit else "")))
        plot.update(Text("\n".join(braille(list(series.values), width=width, height=10, low=chart.low, high=chart.high,
                                      mark=self.turn))))
        values = Text()
        for label, v in zip(chart.labels, series.values):
            values.append(f"{label}: {num(v)}   ", style="reverse" if label == chart.labels[self.turn] else "")
        self.query_one("#plot-values", Static).update(values)

    def on_resize(self) -> None:
        self.call_after_refresh(self.render_plot)
        if self.is_mounted:
            self.render_status()
            self.fill_decisions()

    def fill_decisions(self) -> None:
        """The Decisions table at the screen's width: the turn, the team and the choice whole
        (the inject and the choice wrapped over lines when they do not fit), the expected
        actions after them (the table scrolls sideways to them). At 80 columns the inject's
        title took the screen: the team read "Brunss" and the choice was off screen."""
        table = self.query_one("#decision-table", DataTable)
        rows = tb.decision_rows(self.report)
        width = self.size.width or self.app.size.width
        shown = (width, len(rows))
        if getattr(self, "_decisions_at", None) == shown:
            return
        self._decisions_at = shown
        turn_w = max([4, *(len(r[0]) for r in rows)])
        team_w = min(16, max([4, *(len(r[2]) for r in rows)]))
        room = width - 1 - 2 * 4 - turn_w - team_w  # a scrollbar, the padding of the first four columns
        longest = (max([6, *(len(r[1]) for r in rows)]), max([8, *(len(r[3]) for r in rows)]))
        choice_w = min(longest[1], max(20, room * 5 // 8))
        inject_w = max(16, min(longest[0], room - choice_w))
        table.clear()
        for column in table.ordered_columns:  # measured again from the rows put in
            column.content_width = len(column.label.plain)
        for turn, inject, team, choice, expected in rows:
            table.add_row(*cells(turn, wrapped(inject, inject_w), wrapped(team, team_w), wrapped(choice, choice_w),
                                 expected), height=None)

    def ledger_text(self) -> Text:
        """Every team's ledger for the turn shown (time travel moves it), causes in full."""
        out = Text()
        out.append(f"Turn {self.turn}: what changed for each team, and why\n", style="bold")
        for led in self.report.ledgers:
            out.append(f"\n{led.team}\n", style="bold")
            turn = next((t for t in led.turns if t.turn == self.turn), None)
            if turn is None or not turn.entries:
                out.append("  nothing changed\n", style="dim")
                continue
            for e in turn.entries:
                out.append(f"  {e.phase:<13}", style="dim")
                out.append(describe(e))
                out.append(f"\n{'':15}because {e.cause}\n", style="italic")
            out.append("  net: " + "; ".join(describe(x) for x in turn.totals) + "\n", style="bold")
        return out

    def objectives_text(self) -> Text:
        text = Text()
        for o in self.report.analysed:
            text.append(o.name, style="bold")
            if o.id:  # not the general observations: they rate nothing
                text.append(f"  ({o.team})  ")
                text.append(tb.rating_text(o.rating), style=RATING_STYLE.get(o.rating or "", "dim"))
            text.append("\n")
            for team, rating, history in o.by_team:
                text.append(f"  {team}: ")
                text.append(tb.rating_text(rating), style=RATING_STYLE.get(rating or "", "dim"))
                text.append("\n")
                if history:
                    text.append(f"    {tb.history_text(history, team)}\n", style="dim")
            for attr, title in tb.NOTE_SECTIONS:
                notes = getattr(o, attr)
                if notes:
                    text.append(f"  {title}\n", style="italic")
                    for n in notes:
                        text.append(f"    - {tb.note_text(n)}\n")
            if not (o.strengths or o.improvements or o.observations):
                text.append("  no note about it\n", style="dim")
            text.append("\n")
        red = self.report.red
        if red is not None:  # the adversary's objectives are measured, not rated: apart
            text.append(plain(f"The red cell: {red.name}\n"), style="bold")
            text.append("  Its objectives at the end\n", style="italic")
            for ro in red.objectives:
                measured = f"{ro.value} ({ro.needed} needed), " if ro.needed else ""
                text.append(plain(f"    {ro.name}: {measured}{ro.result}\n"))
            if not red.objectives:
                text.append("    none\n", style="dim")
            text.append("  Its acts\n", style="italic")
            for a in red.acts:
                hit = f"; hit {a.hit}; resisted by {a.resisted}" if a.hit else ""
                text.append(plain(f"    turn {a.turn}: {a.action} on {a.target}: {a.result}{hit}\n"))
            if not red.acts:
                text.append("    no act was planned\n", style="dim")
        return text

    def outcome_text(self) -> Text:
        o = self.report.outcome
        text = Text(tb.outcome_head(self.report) + "\n\n", style="bold")
        if o.text:
            text.append(reflow(o.text) + "\n\n")
        text.append("Why:\n", style="bold")
        for depth, line in tb.reason_lines(o.reason):
            text.append(("    - " if depth else "  ") + line + "\n")
        text.append("\n")
        if o.note:
            text.append(f"Facilitator's note: {o.note}\n\n")
        text.append("Outcomes tried in order, on the values at the end of the journal:\n", style="italic")
        for name, held, values in tb.outcome_rows(self.report):
            text.append(f"  {'HELD' if held == 'yes' else 'no  '}  ", style="bold green" if held == "yes" else "dim")
            text.append(f"{name}\n")
            for criterion in values.split("; "):
                text.append(f"        {criterion}\n", style="dim")
        if o.scorecard:
            text.append("\n" + tb.score_head(self.report) + "\n", style="bold")
            for name, value, needed, band, points in o.scorecard:
                text.append(f"  {band:<11} ", style="bold green" if band == "met" else "dim" if band == "not met" else "")
                text.append(f"{name}: {value}{' — ' + needed if needed else ''} ({tb.points_words(points)})\n")
        if o.team_objectives:
            text.append("\nTeam objectives, scored at the end:\n", style="bold")
            for team, name, value, target, result in o.team_objectives:
                text.append(f"  {result:<8} ", style="bold green" if result == "met" else "dim")
                text.append(f"{team}: {name}: {value}, target {target}\n")
        return text

    # -- other keys -----------------------------------------------------------------------
    def action_tab(self, tab: str) -> None:
        self.query_one("#debrief-tabs", TabbedContent).active = tab

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reload" and self.reload is None:
            return False  # hidden: nothing to read again
        return True

    def action_reload(self) -> None:
        """The exercise as it is now (a running one has moved on), on the same tab."""
        if self.reload is None:
            return
        try:
            record = self.reload()
        except Exception as e:
            self.notify(str(e), title="Not refreshed", severity="error", timeout=10, markup=False)
            return
        fresh = DebriefScreen(record, self.reload)
        tab = self.query_one("#debrief-tabs", TabbedContent).active
        self.app.switch_screen(fresh)
        fresh.call_after_refresh(fresh.action_tab, tab)
        added = len(record.records) - len(self.record.records)
        self.app.notify(f"{added} more action(s) recorded since the last read" if added else "Nothing new",
                        title="Refreshed", timeout=4)

    def action_all_events(self) -> None:
        self.all_events = not self.all_events
        self.render_timeline()
        self.call_after_refresh(self.scroll_timeline)
        self.notify("Timeline: every event" if self.all_events else "Timeline: what matters (press a for every event)")

    def help_slots(self):
        sc = self.record.scenario
        return word_slots(sc.words, sc.adversary is not None)


    def action_help(self) -> None:
        self.app.push_screen(TextModal(self.HELP_TITLE, self.help_text()))

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.dismiss()
        else:
            self.app.exit()


class DebriefApp(BaseApp):
    """`exercise debrief SAVE`: the app opened straight on a save's debrief."""

    TITLE = "exercise"
    TIMED = False  # nothing to time: the debrief looks back
    BINDINGS = [
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(self, record: Record, reload: Callable[[], Record] | None = None):
        super().__init__()
        self.record = record
        self.reload = reload

    def on_mount(self) -> None:
        self.sub_title = plain(self.record.title)
        self.push_screen(DebriefScreen(self.record, self.reload))
        if self.record.notice:
            self.notify(self.record.notice, title="Read up to a torn line", timeout=10, markup=False)


def make_debrief_app(record: Record, saves_root: Path | None = None,
                     reload: Callable[[], Record] | None = None) -> DebriefApp:
    """`exercise debrief SAVE` (saves_root: kept for callers; the debrief opens no other save)."""
    return DebriefApp(record, reload)
