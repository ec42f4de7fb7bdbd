"""The adversary (red cell), for the white cell: red's points, its menu of actions, its acts
planned and resolved, its objectives; planning (a), withdrawing (w), and letting the red
bot plan the turn (B). Shown only when the scenario has an adversary.

Everything on it comes from the facilitator view's `red` section (engine.view.red_view):
whether an action can be used now and why not is the engine's answer, not recomputed here.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from exercise.engine import commands as cm
from exercise.engine.decision import number
from exercise.engine.view_types import FacilitatorView, RedMoveView, RedView
from exercise.narrate import red_rolls
from exercise.tui.base import console
from exercise.tui.facilitator.panel import Panel, ShowTab
from exercise.tui.modals import ConfirmModal, Field, FormModal
from exercise.tui.tables import selected_key, widen
from exercise.tui.text import cells, fit

TARGETS = {"team": "a team", "command": "a command", "world": "every team"}


def red_bot():
    """The red bot (exercise.bots.REDS['bot']), or None when this install has none."""
    import exercise.bots

    return getattr(exercise.bots, "REDS", {}).get("bot")


def pct(x: float) -> str:
    return f"{round(x * 100):d} %"


def move_result(m: RedMoveView, refund: str = "") -> str:
    """What became of an act: planned, withdrawn (refunded …), undetected, noticed
    (attributed or not); `refund` is the cost given back, with its unit."""
    if m.status == "withdrawn" and refund:
        return f"withdrawn (refunded {refund})"
    if m.status != "resolved":
        return m.status
    if not m.detected:
        return "undetected"
    return "noticed, attributed" if m.attributed else "noticed, unattributed"


def move_cause(m: RedMoveView, red: RedView) -> str:
    """Why it was noticed or attributed: its rolls against the action's chances."""
    action = next((a for a in red.actions if a.id == m.action), None)
    if m.status != "resolved" or action is None:
        return ""
    if not m.teams:
        return "it hit nobody (no team stood at that seam any more)"
    # worded as the log and the debrief word them (narrate.red_rolls, decision.roll_words)
    rolls = red_rolls(m.detect_roll, action.detection, m.attribute_roll, action.attribution)
    said = ["noticed" if m.detected else "not noticed", "attributed" if m.attributed else "unattributed"]
    return "; ".join(f"{r}: {w}" for r, w in zip(rolls, said))


class RedPanel(Panel, VerticalScroll):
    """The Red tab: budget, menu, acts, objectives, and planning red's acts."""

    TAB = "red"
    PANEL_ID = "red-panel"
    HELP_HEADING = ("The adversary (Red tab, scenarios with an adversary): a plans one of its actions "
                    "while the Red tab is open (elsewhere a is the ad-hoc inject)")
    KEYS = [
        Binding("a", "red_plan", "Plan red act",
                tooltip="on the Red tab: plan one of the adversary's actions this turn (action, target; shows "
                        "its cost, the points left and its chances); elsewhere a writes an ad-hoc inject"),
        Binding("w", "red_withdraw", "Withdraw act",
                tooltip="withdraw the adversary's act selected in the Red tab (planned this turn; asks first, "
                        "refunds its cost)"),
        Binding("B", "red_bot", "Red bot plans",
                tooltip="the red bot plans the adversary's acts for this turn (shown when a red bot is installed)"),
    ]

    def __init__(self, session):
        super().__init__(id=self.PANEL_ID)
        self.session = session

    def compose(self) -> ComposeResult:
        yield Static("", id="red-budget")
        yield DataTable(id="red-actions", cursor_type="row", zebra_stripes=True)
        yield Static("", id="red-action-detail", classes="red-detail")
        yield Static("", id="red-moves-title", classes="red-title")
        yield DataTable(id="red-moves", cursor_type="row")
        yield Static("", id="red-move-detail", classes="red-detail")
        yield Static("", id="red-objectives")

    @property
    def red(self) -> RedView | None:
        return self.view.red if getattr(self, "view", None) is not None else None

    def _w(self, narrow: int, wide: int) -> int:
        """A column's width: an 80-column screen clips names more (whole words, an ellipsis)."""
        return narrow if self.app.size.width < 110 else wide

    def _n(self, x: float) -> str:
        return number(x, self.session.state.rules.money_places)

    def _result(self, m: RedMoveView) -> str:
        return move_result(m, f"{self._n(m.cost)} {self.red.unit}" if self.red else "")

    def on_resize(self) -> None:
        # the name columns are cut to the screen's width: a terminal made smaller (or larger)
        # fits them again rather than pushing Attrib and Now off the edge
        if getattr(self, "view", None) is not None and self.view.red is not None:
            self.show(self.view)

    @staticmethod
    def _narrowed(table: DataTable) -> None:
        """Columns back to their labels' width before the rows are measured again (a wide
        screen's names must not keep a narrow one's columns wide)."""
        for column in table.columns.values():
            column.content_width = cell_len(column.label.plain)

    def show(self, view: FacilitatorView) -> None:
        super().show(view)
        red = view.red
        if red is None:
            return
        planned = [m for m in red.moves if m.status == "planned"]
        spent = sum(m.cost for m in planned)
        budget = Text()
        budget.append(f"{red.name}: {self._n(red.cash)} {red.unit} left", style="bold")
        budget.append(f" · income {self._n(red.income)} {red.unit} a turn")
        if planned:
            budget.append(f" · {len(planned)} planned this turn ({self._n(spent)} {red.unit})")
        self.query_one("#red-budget", Static).update(budget)

        table = self.query_one("#red-actions", DataTable)
        if not table.columns:
            table.add_columns(*cells("Action", "Cost", "Target", "Notice", "Attrib", "Now"))
        key = selected_key(table)
        table.clear()
        self._narrowed(table)
        rows = [cells(fit(a.name, self._w(30, 56)), f"{self._n(a.cost)} {red.unit}", TARGETS.get(a.target, a.target),
                      pct(a.detection), pct(a.attribution), "yes" if a.usable else "no") for a in red.actions]
        for a, row in zip(red.actions, rows):
            table.add_row(*row, key=a.id)
        widen(table, rows)
        if key is not None and any(a.id == key for a in red.actions):
            table.move_cursor(row=[a.id for a in red.actions].index(key))
        self.show_action_detail()

        moves = self.query_one("#red-moves", DataTable)
        if not moves.columns:
            moves.add_columns(*cells("Turn", "Action", "Target", "Result"))
        key = selected_key(moves)
        moves.clear()
        self._narrowed(moves)
        shown = list(reversed(red.moves))  # newest first; a withdrawn act stays, marked with its refund
        # 80 columns: 6 + 24 + 15 + 31 ("withdrawn (refunded 2 points)") fit the 76 the panel gives
        rows = [cells(m.turn, fit(m.name, self._w(22, 56)), fit(m.target_name.split(" (")[0], self._w(13, 36)),
                      self._result(m)) for m in shown]
        for m, row in zip(shown, rows):
            moves.add_row(*row, key=m.id)
        widen(moves, rows)
        seen, self._seen_moves = getattr(self, "_seen_moves", None), {m.id for m in shown}
        if shown and seen is not None and shown[0].id not in seen:
            moves.move_cursor(row=0)  # a new act: the cursor follows it (w withdraws it at once)
        elif key is not None and any(m.id == key for m in shown):
            moves.move_cursor(row=[m.id for m in shown].index(key))
        moves.display = bool(shown)
        self.query_one("#red-moves-title", Static).update(Text(
            f"{red.name}'s acts, newest first" + (" (w withdraws one planned this turn)" if planned else "") if shown
            else f"{red.name} has planned no act yet: a plans one (on this tab)", style="bold"))
        self.show_move_detail()

        obj = Text()
        obj.append(f"{red.name}'s objectives", style="bold")
        for o in red.objectives:
            obj.append(f"\n{o.name}: ")
            if o.value is None or o.target is None:
                obj.append("not measured")
                continue
            word = "at most" if o.better == "lower" else "at least"
            state = "met now" if o.met else "not met now"
            obj.append(f"{number(o.value, 2)} ({word} {number(o.target, 2)} needed), {state}")
        if not red.objectives:
            obj.append("\nnone")
        self.query_one("#red-objectives", Static).update(obj)

    @on(DataTable.RowHighlighted, "#red-actions")
    def show_action_detail(self) -> None:
        red = self.red
        if red is None:
            return
        aid = selected_key(self.query_one("#red-actions", DataTable))
        a = next((x for x in red.actions if x.id == aid), None)
        out = Text()
        if a is not None:
            out.append(a.name, style="bold")
            out.append(f": {self._n(a.cost)} {red.unit}, {TARGETS.get(a.target, a.target)}; noticed {pct(a.detection)}, "
                       f"then attributed {pct(a.attribution)}")
            if a.escalation:
                out.append(f" (+{number(a.escalation, 2)} escalation when attributed)")
            out.append("\n")
            out.append("usable now" if a.usable else f"not now: {a.why_not}", style="" if a.usable else "italic")
            if a.effects:
                out.append("\nEffects: " + "; ".join(a.effects))
            if a.attributed_effects:
                out.append("\nWhen attributed: " + "; ".join(a.attributed_effects))
        self.query_one("#red-action-detail", Static).update(out)

    @on(DataTable.RowHighlighted, "#red-moves")
    def show_move_detail(self) -> None:
        red = self.red
        if red is None:
            return
        moves = self.query_one("#red-moves", DataTable)
        m = next((x for x in red.moves if x.id == selected_key(moves)), None)
        detail = self.query_one("#red-move-detail", Static)
        detail.display = m is not None
        if m is None:
            return
        out = Text()
        out.append(f"Turn {m.turn}: {m.name} on {m.target_name}, {self._n(m.cost)} {red.unit}: {self._result(m)}")
        cause = move_cause(m, red)
        if cause:
            out.append(f"\n{cause}")
        detail.update(out)

    # -- acting -------------------------------------------------------------------------
    def _target_options(self) -> tuple[tuple[str, str], ...]:
        r = self.session.state.rules
        teams = tuple((f"team: {r.teams[t].name}", t) for t in r.team_ids)
        commands = tuple((f"command: {c.name}", c.id) for c in r.commands.values())
        return (("none (an action on every team)", ""), *teams, *commands)

    @work
    async def action_red_plan(self) -> None:
        red = self.red
        if red is None:
            self.notify("This scenario has no adversary.")
            return
        self.post_message(ShowTab(self.TAB))
        aid = selected_key(self.query_one("#red-actions", DataTable))
        usable = [a.id for a in red.actions if a.usable]
        # the selected row when it can be used now, else the first that can (else the first)
        default = aid if aid in usable else (usable[0] if usable else red.actions[0].id)
        lines = [f"{red.name} has {self._n(red.cash)} {red.unit} (income {self._n(red.income)} a turn). "
                 "The cost is paid now and refunded if the act is withdrawn this turn.", ""]
        for a in red.actions:
            lines.append(f"• {a.name}: {self._n(a.cost)} {red.unit}, {TARGETS.get(a.target, a.target)}, noticed "
                         f"{pct(a.detection)}, attributed {pct(a.attribution)}"
                         + ("" if a.usable else f" (not now: {a.why_not})"))
        form = await self.app.push_screen_wait(FormModal(f"Plan an action of {red.name}", [
            Field("action", "Action", "select",
                  tuple((f"{fit(a.name, 44)} ({self._n(a.cost)} {red.unit})", a.id) for a in red.actions),
                  default=default),
            Field("target", "Target (a team for a team action, a command for a command action)", "select",
                  self._target_options(), required=False, default=self._default_target(default)),
        ], "Plan", intro="\n".join(lines)))
        if not form:
            return
        action = next(a for a in red.actions if a.id == form["action"])
        if console(self).run_command(cm.RedAct(action.id, form["target"] or None)):
            left = self.session.state.red_cash
            self.notify(f"{action.name}: {self._n(action.cost)} {red.unit} paid, {self._n(left)} {red.unit} left",
                        title=f"{red.name}: act planned", markup=False)

    def _default_target(self, aid: str | None) -> str:
        red = self.red
        a = next((x for x in red.actions if x.id == aid), None) if red else None
        return a.targets[0] if a is not None and a.targets else ""

    @work
    async def action_red_withdraw(self) -> None:
        red = self.red
        if red is None:
            self.notify("This scenario has no adversary.")
            return
        self.post_message(ShowTab(self.TAB))
        planned = [m for m in red.moves if m.status == "planned"]
        if not planned:
            self.notify(f"{red.name} has no act planned this turn to withdraw.")
            return
        mid = selected_key(self.query_one("#red-moves", DataTable))
        m = next((x for x in planned if x.id == mid), None)
        if m is None and len(planned) == 1:  # the only act that can be withdrawn
            m = planned[0]
        if m is None:
            self.notify("Select an act planned this turn in the Red tab's acts, then press w.")
            return
        if await self.app.push_screen_wait(ConfirmModal(
                "Withdraw this act?", f"{m.name} on {m.target_name} (turn {m.turn}) is called off and its "
                f"{self._n(m.cost)} {red.unit} refunded to {red.name}.", "Withdraw")):
            if console(self).run_command(cm.RedWithdraw(m.id)):
                self.notify(f"{m.name}: {self._n(m.cost)} {red.unit} refunded", title="Act withdrawn", markup=False)

    def action_red_bot(self) -> None:
        red = self.red
        bot = red_bot()
        if red is None or bot is None:
            self.notify("No red bot here: plan the adversary's acts with a on the Red tab.")
            return
        self.post_message(ShowTab(self.TAB))
        done, refused = bot_plans(self.session, console(self).run_command)
        planned = [m for m in self.session_red_moves() if m.id in done]
        if done:
            n = len(done)
            self.notify("\n".join(f"• {m.name} on {m.target_name.split(' (')[0]}" for m in planned),
                        title=f"The red bot planned {n} act{'s' if n != 1 else ''}", markup=False)
        elif not refused:
            self.notify(f"The red bot planned nothing for {red.name} now.")

    def session_red_moves(self):
        from exercise import engine

        view = engine.facilitator_view(self.session.state)
        return view.red.moves if view.red else ()


def bot_plans(session, run) -> tuple[list[str], int]:
    """Run the red bot's commands for now (`Session.red_bot_commands`) through `run` (the
    console's command path, journaled, refusals shown); the ids of the acts planned and
    how many commands were refused."""
    before = set(session.state.red_acts)
    refused = 0
    for command in session.red_bot_commands():
        if not run(command):
            refused += 1
    return [i for i in session.state.red_acts if i not in before], refused