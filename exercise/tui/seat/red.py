"""The red cell's own console (the `red` seat): the adversary's points, its menu of actions
with their costs and why one cannot be used now, its acts planned and resolved, its
objectives, and what its intelligence knows of the teams' side (the world's tracks, the
teams' public tracks, the allies' spending, who leads each command: in the scenario's
[words]), all from the RedView its seat may see. a plans an act (the action, then its target when it needs one: cost, points left and
chances shown first), w withdraws one planned this turn (asks first), c counters another
team's open argument (when an exercise has them).

The words are the facilitator's Red tab's (exercise.tui.seat.redparts): the white cell and
the red cell read the same lines. The engine decides; a refusal is shown as it says it.
"""

from __future__ import annotations

import importlib

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from exercise.engine import commands as cm
from exercise.engine.decision import number
from exercise.engine.view_types import RedView, WallTrack
from exercise.tui.base import Detail, ShownTabFocus
from exercise.tui.footer import FitFooter
from exercise.tui.keyhelp import neutral_slots, word_slots
from exercise.tui.modals import ConfirmModal, Field, FormModal
from exercise.tui.seat import redparts as rp
from exercise.tui.seat.base import SeatScreen
from exercise.tui.seat.wall import Drawn, teams_text, world_text
from exercise.tui.tables import selected_key, widen
from exercise.tui.text import cells, fit
from exercise.words import Words, short

NARROW = 110
TABS = (("acts", "1 Acts"), ("picture", "2 Picture"), ("briefing", "3 Briefing"))
FOCUS = {"acts": "#rs-actions", "picture": "#rs-picture", "briefing": "#rs-briefing-scroll"}


def counter_command():
    """The command class for a counter-argument (CounterArgue), or None in a version without
    open arguments."""
    return getattr(importlib.import_module("exercise.engine.commands"), "CounterArgue", None)


def n(x: float) -> str:
    """Points as exact as the view has them (the seat does not know the budget's places)."""
    return number(x, 6)


def _narrowed(table: DataTable) -> None:
    """Columns back to their labels' width before the rows are measured again (a wide
    screen's names must not keep a narrow one's columns wide)."""
    for column in table.columns.values():
        column.content_width = cell_len(column.label.plain)


def fill_actions(table: DataTable, red: RedView, num: rp.Num, narrow: bool) -> None:
    """The menu's table (the red seat's and the facilitator's Red tab): the rows again, the
    cursor kept on its action."""
    if not table.columns:
        table.add_columns(*cells(*rp.ACTION_COLUMNS))
    key = selected_key(table)
    table.clear()
    _narrowed(table)
    rows = rp.action_rows(red, num, narrow)
    for a, row in zip(red.actions, rows):
        table.add_row(*row, key=a.id)
    widen(table, rows)
    if key is not None and any(a.id == key for a in red.actions):
        table.move_cursor(row=[a.id for a in red.actions].index(key))


def fill_moves(table: DataTable, red: RedView, num: rp.Num, narrow: bool, seen: set[str] | None) -> set[str]:
    """The acts' table, newest first; a new act (not in `seen`, the ids shown last time) gets
    the cursor, so w withdraws it at once. The ids shown now."""
    if not table.columns:
        table.add_columns(*cells(*rp.MOVE_COLUMNS))
    key = selected_key(table)
    table.clear()
    _narrowed(table)
    shown = rp.shown_moves(red)
    rows = rp.move_rows(red, num, narrow)
    for m, row in zip(shown, rows):
        table.add_row(*row, key=m.id)
    widen(table, rows)
    if shown and seen is not None and shown[0].id not in seen:
        table.move_cursor(row=0)
    elif key is not None and any(m.id == key for m in shown):
        table.move_cursor(row=[m.id for m in shown].index(key))
    table.display = bool(shown)
    return {m.id for m in shown}


def picture_text(red: RedView) -> Text:
    """What red's intelligence knows beyond the tracks: allies' spending, command leads, and
    the teams' open arguments (with their counter-arguments), in the scenario's words; a
    scenario without allies or commands has no such section."""
    names = {t.id: short(t.name) for t in red.teams}
    w = getattr(red, "words", None) or Words()
    out = Text()
    if red.allies:
        out.append(f"{w.cap('allies')}' {w.spending}", style="bold")
    for a in red.allies:
        played = f", played by {names.get(a.team, a.team)}" if a.team else ""
        out.append(f"\n{a.name}: {number(a.spending, 2)} % of GDP{' (estimated)' if a.estimated else ''}{played}")
    if red.commands:
        out.append(("\n\n" if out else "") + f"{w.cap('commands')} and their leads", style="bold")
    for c in red.commands:
        lead = f"led by {c.lead_name}" if c.lead_name else "no lead yet"
        if c.lead_team:
            lead += f" ({names.get(c.lead_team, c.lead_team)})"
        seam = ", ".join(names.get(t, t) for t in c.teams)
        out.append(f"\n{c.name}: {lead}" + (f"; teams in it: {seam}" if seam else ""))
    opened = getattr(red, "open_actions", ())
    if opened:
        out.append(("\n\n" if out else "") + "Open arguments (c counters one)", style="bold")
        for o in opened:
            out.append(f"\nTurn {o.turn}, {o.team_name}: {o.action}", style="bold")
            out.append(f"\n  to achieve: {o.result}\n  because: {o.reasons}")
            for c in o.counters:
                out.append(f"\n  countered by {c.by_name}: {c.reasons}")
            if o.likelihood is not None:
                said = "succeeded" if o.success else "failed"
                out.append(f"\n  adjudicated: {o.likelihood} % likely; {said}")
                if o.rationale:
                    out.append(f" ({o.rationale})")
    return out


class RedSeatScreen(ShownTabFocus, SeatScreen):
    """The red cell's console: points, menu, acts, objectives, the public picture."""

    CSS_PATH = "seat.tcss"
    HELP_TITLE = "Help: the red cell"
    HELP_INTRO = """\
**The red cell's console** plays the adversary. It shows the adversary's points, its menu
of actions (cost, target, the chances of being noticed and then attributed, and why an
action cannot be used now), the acts planned and what became of them, its objectives, and
what its intelligence knows of the teams' side: the world's tracks, the teams' public
tracks and, where the scenario has them, the {allies}' {spending} and who leads each
{command}. Never a team's money, orders or private tracks.
"""
    HELP_OUTRO = """\
**A turn**: plan acts during deliberation (the cost is paid at once and refunded when an
act is withdrawn the same turn); they resolve when the facilitator adjudicates the turn.
Teams see only the incidents they notice. Every act is saved before the screen shows it;
when the rules refuse, a notification says why.
"""
    TABS_ID = "rs-tabs"
    FOOTER_KEEP = ("a",)
    BINDINGS = [
        Binding("a", "plan", "Plan act",
                tooltip="plan one of the adversary's actions this turn: the action, then its target; shows its "
                        "cost, the points left and its chances first"),
        Binding("w", "withdraw", "Withdraw act",
                tooltip="withdraw the act selected in the acts (planned this turn; asks first, refunds its cost)"),
        Binding("c", "counter", "Counter",
                tooltip="counter-argue another team's open argument (shown when there is one to counter)"),
        *[Binding(str(i), f"tab('{tab}')", label.split(" ", 1)[1], show=False)
          for i, (tab, label) in enumerate(TABS, 1)],
    ]

    def compose(self) -> ComposeResult:
        with Horizontal(id="rs-statusbar"):
            yield Static("", id="rs-where")
            yield Static("", id="rs-right")
        with TabbedContent(initial="acts", id="rs-tabs"):
            with TabPane("1 Acts", id="acts"):
                with VerticalScroll(id="rs-acts"):
                    yield Static("", id="rs-budget")
                    yield DataTable(id="rs-actions", cursor_type="row", zebra_stripes=True)
                    yield Detail("", id="rs-action-detail", classes="rs-detail")
                    yield Static("", id="rs-moves-title", classes="rs-title")
                    yield DataTable(id="rs-moves", cursor_type="row")
                    yield Detail("", id="rs-move-detail", classes="rs-detail")
            with TabPane("2 Picture", id="picture"):
                with VerticalScroll(id="rs-picture"):
                    yield Static("", id="rs-objectives")
                    yield Static("The world", classes="rs-title")
                    yield Drawn(lambda w: Text(), id="rs-world")
                    yield Static("The teams' public tracks", classes="rs-title")
                    yield Drawn(lambda w: Text(), id="rs-teams")
                    yield Static("", id="rs-intel")
            with TabPane("3 Briefing", id="briefing"):
                with VerticalScroll(id="rs-briefing-scroll"):
                    yield Static("", id="rs-briefing")
        yield FitFooter()

    _seen: set[str] | None = None  # the acts shown last time (a new one gets the cursor)

    # -- the help and the footer in the scenario's words -------------------------------------
    def help_slots(self):
        """The scenario's words (the view's; neutral words until it comes)."""
        w = getattr(self.red, "words", None)
        return neutral_slots() if w is None else word_slots(w)


    def on_mount(self) -> None:  # Textual calls SeatScreen's too, which shows the view
        self.query_one("#rs-actions", DataTable).focus()

    def on_resize(self) -> None:
        if self.view is not None:
            self.render_view()

    @property
    def red(self) -> RedView | None:
        return self.view

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        red = self.red
        if action in ("plan", "withdraw", "counter") and red is not None and red.status == "ended":
            return False
        if action == "counter":
            return counter_command() is not None and bool(getattr(red, "open_actions", ()))
        return super().check_action(action, parameters)

    # -- rendering ------------------------------------------------------------------------
    def render_view(self) -> None:
        red = self.red
        if red is None:
            return
        self._status(red)
        narrow = self.size.width < NARROW
        self.query_one("#rs-budget", Static).update(rp.budget_text(red, n))
        fill_actions(self.query_one("#rs-actions", DataTable), red, n, narrow)
        self.show_action_detail()
        self._seen = fill_moves(self.query_one("#rs-moves", DataTable), red, n, narrow, self._seen)
        self.query_one("#rs-moves-title", Static).update(rp.moves_title(red, "a plans one"))
        self.show_move_detail()

        self.query_one("#rs-objectives", Static).update(rp.objectives_text(red))
        world = tuple(WallTrack(t.id, t.name, t.value, t.min, t.max, t.band, t.decimals) for t in red.world)
        self.query_one("#rs-world", Drawn).update(lambda w: world_text(world, w))
        teams = [(t.id, t.name) for t in red.teams]
        tracks = red.team_tracks
        self.query_one("#rs-teams", Drawn).update(lambda w: teams_text(tracks, teams, w))
        self.query_one("#rs-intel", Static).update(picture_text(red))
        self.query_one("#rs-briefing", Static).update(Text(red.briefing or "No briefing for the red cell."))
        self.refresh_bindings()

    def _status(self, red: RedView) -> None:
        if red.status == "ready":
            where = "not started"
        elif red.status == "ended":
            where = "ended"
        else:
            label = f" {red.turn_label}" if red.turn_label else ""
            where = f"Turn {red.turn}/{red.turns}{label} · {red.phase_name or red.phase.replace('_', ' ')}"
        self.query_one("#rs-where", Static).update(Text(f"{red.name} · {where}"))
        right = [f"{rp.pts(red, n, red.cash)} left"]
        timer = getattr(self.app, "timer", "")
        if timer:
            right.append(timer)
        if red.paused:
            right.append("PAUSED")
        status = self.connection()
        if status != "local":
            right.append(status)
        self.query_one("#rs-right", Static).update(Text(" · ".join(right)))
        self.set_class(red.paused, "-paused")

    @on(DataTable.RowHighlighted, "#rs-actions")
    def show_action_detail(self) -> None:
        red = self.red
        if red is None:
            return
        aid = selected_key(self.query_one("#rs-actions", DataTable))
        a = next((x for x in red.actions if x.id == aid), None)
        self.query_one("#rs-action-detail", Static).update(Text() if a is None else rp.action_detail(a, red, n))

    @on(DataTable.RowHighlighted, "#rs-moves")
    def show_move_detail(self) -> None:
        red = self.red
        if red is None:
            return
        m = next((x for x in red.moves if x.id == selected_key(self.query_one("#rs-moves", DataTable))), None)
        detail = self.query_one("#rs-move-detail", Static)
        detail.display = m is not None
        if m is not None:
            detail.update(rp.move_detail(m, red, n))

    @on(TabbedContent.TabActivated, "#rs-tabs")
    def _tab_changed(self) -> None:
        self.call_later(self._refocus_shown_tab)

    def action_tab(self, tab: str) -> None:
        self.query_one("#rs-tabs", TabbedContent).active = tab
        self.query_one(FOCUS[tab]).focus()

    # -- acting -----------------------------------------------------------------------------
    @work(exclusive=True, group="red-seat")
    async def action_plan(self) -> None:
        red = self.red
        if red is None:
            return
        self.action_tab("acts")
        default = rp.default_action(red, selected_key(self.query_one("#rs-actions", DataTable)))
        form = await self.app.push_screen_wait(FormModal(f"Plan an act of {red.name}", [
            Field("action", "Action", "select",
                  tuple((f"{fit(a.name, 44)} ({rp.pts(red, n, a.cost)})", a.id) for a in red.actions),
                  default=default)], "Next", intro="\n".join(rp.menu_lines(red, n))))
        if not form:
            return
        action = next(a for a in red.actions if a.id == form["action"])
        if not action.usable:
            self.notify(f"{action.name}: not now: {action.why_not}", title="Not now", severity="warning",
                        timeout=8, markup=False)
            return
        left = red.cash - action.cost
        intro = [f"{action.name}: {rp.pts(red, n, action.cost)}, paid now; {rp.pts(red, n, red.cash)} left now, "
                 f"{rp.pts(red, n, left)} after it (refunded if withdrawn this turn).",
                 f"Noticed {rp.pct(action.detection)}, then attributed {rp.pct(action.attribution)}"
                 + (f" (+{number(action.escalation, 2)} escalation when attributed)." if action.escalation else "."),
                 *(["Effects: " + "; ".join(action.effects)] if action.effects else []),
                 *(["When attributed: " + "; ".join(action.attributed_effects)] if action.attributed_effects else [])]
        target: str | None = None
        if action.target in ("team", "command"):
            options = tuple((rp.target_name(red, t), t) for t in action.targets)
            which = "team" if action.target == "team" else (getattr(red, "words", None) or Words()).command
            form = await self.app.push_screen_wait(FormModal(
                f"{action.name}: on which {which}?", [
                    Field("target", f"Target ({rp.target_word(red, action.target)})", "select", options,
                          default=options[0][1] if options else None)],
                "Plan", intro="\n".join(intro)))
            if not form:
                return
            target = form["target"]
        elif not await self.app.push_screen_wait(ConfirmModal(
                f"Plan {action.name}?", "\n".join([*intro, "It strikes every team."]), "Plan")):
            return
        if await self.send(cm.RedAct(action.id, target, actor=red.adversary)):
            self.notify(f"{action.name}: {rp.pts(red, n, action.cost)} paid, "
                        f"{rp.pts(red, n, self.red.cash if self.red else left)} left", title=f"{red.name}: act planned", markup=False)

    @work(exclusive=True, group="red-seat")
    async def action_withdraw(self) -> None:
        red = self.red
        if red is None:
            return
        self.action_tab("acts")
        m, why = rp.to_withdraw(red, selected_key(self.query_one("#rs-moves", DataTable)))
        if m is None:
            self.notify(why, markup=False)
            return
        if await self.app.push_screen_wait(ConfirmModal("Withdraw this act?", rp.withdraw_body(m, red, n),
                                                        "Withdraw")):
            if await self.send(cm.RedWithdraw(m.id, actor=red.adversary)):
                self.notify(f"{m.name}: {rp.pts(red, n, m.cost)} refunded", title="Act withdrawn", markup=False)

    @work(exclusive=True, group="red-seat")
    async def action_counter(self) -> None:
        red = self.red
        command = counter_command()
        opened = [o for o in getattr(red, "open_actions", ()) if o.likelihood is None]
        if red is None or command is None or not opened:
            self.notify("No open argument to counter now.")
            return
        form = await self.app.push_screen_wait(FormModal("Counter an open argument", [
            Field("action", "Argument", "select",
                  tuple((fit(f"{o.team_name}: {o.action}", 60), o.id) for o in opened), default=opened[0].id),
            Field("reasons", "Why it should not work (the adjudicator weighs it; every seat that saw the "
                             "argument reads it)", "multiline")], "Counter",
            intro="An open argument may be countered once by each party, during the deliberation of its turn."))
        if form and await self.send(command(red.adversary, form["action"], form["reasons"])):
            self.notify("The adjudicator will weigh it.", title="Counter-argument posted", markup=False)
