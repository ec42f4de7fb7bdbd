"""The adversary (red cell), for the white cell: red's points, its menu of actions, its acts
planned and resolved, its objectives; planning (a), withdrawing (w), and letting the red
bot plan the turn (B). Shown only when the scenario has an adversary.

Everything on it comes from the facilitator view's `red` section (engine.view.red_view):
whether an action can be used now and why not is the engine's answer, not recomputed here.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from exercise.engine import commands as cm
from exercise.engine.decision import number
from exercise.engine.view_types import FacilitatorView, RedView
from exercise.tui.base import Detail, console
from exercise.tui.facilitator.panel import Panel, ShowTab
from exercise.tui.modals import ConfirmModal, Field, FormModal
from exercise.tui.seat import redparts as rp
from exercise.tui.seat.red import fill_actions, fill_moves
from exercise.tui.tables import selected_key
from exercise.tui.text import fit

TARGETS = rp.TARGETS


def red_bot():
    """The red bot (exercise.bots.REDS['bot']), or None when this install has none."""
    import exercise.bots

    return getattr(exercise.bots, "REDS", {}).get("bot")


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
        yield Detail("", id="red-action-detail", classes="red-detail")
        yield Static("", id="red-moves-title", classes="red-title")
        yield DataTable(id="red-moves", cursor_type="row")
        yield Detail("", id="red-move-detail", classes="red-detail")
        yield Static("", id="red-objectives")

    @property
    def red(self) -> RedView | None:
        return self.view.red if getattr(self, "view", None) is not None else None

    def _n(self, x: float) -> str:
        return number(x, self.session.state.rules.money_places)

    def on_resize(self) -> None:
        # the name columns are cut to the screen's width: a terminal made smaller (or larger)
        # fits them again rather than pushing Attrib and Now off the edge
        if getattr(self, "view", None) is not None and self.view.red is not None:
            self.show(self.view)

    def show(self, view: FacilitatorView) -> None:
        super().show(view)
        red = view.red
        if red is None:
            return
        narrow = self.app.size.width < 110
        self.query_one("#red-budget", Static).update(rp.budget_text(red, self._n))

        fill_actions(self.query_one("#red-actions", DataTable), red, self._n, narrow)
        self.show_action_detail()
        self._seen_moves = fill_moves(self.query_one("#red-moves", DataTable), red, self._n, narrow,
                                      getattr(self, "_seen_moves", None))
        self.query_one("#red-moves-title", Static).update(rp.moves_title(red, "a plans one (on this tab)"))
        self.show_move_detail()
        self.query_one("#red-objectives", Static).update(rp.objectives_text(red))

    @on(DataTable.RowHighlighted, "#red-actions")
    def show_action_detail(self) -> None:
        red = self.red
        if red is None:
            return
        aid = selected_key(self.query_one("#red-actions", DataTable))
        a = next((x for x in red.actions if x.id == aid), None)
        self.query_one("#red-action-detail", Static).update(Text() if a is None else rp.action_detail(a, red, self._n))

    @on(DataTable.RowHighlighted, "#red-moves")
    def show_move_detail(self) -> None:
        red = self.red
        if red is None:
            return
        moves = self.query_one("#red-moves", DataTable)
        m = next((x for x in red.moves if x.id == selected_key(moves)), None)
        detail = self.query_one("#red-move-detail", Static)
        detail.display = m is not None
        if m is not None:
            detail.update(rp.move_detail(m, red, self._n))

    # -- acting -------------------------------------------------------------------------
    @work
    async def action_red_plan(self) -> None:
        red = self.red
        if red is None:
            self.notify("This scenario has no adversary.")
            return
        self.post_message(ShowTab(self.TAB))
        default = rp.default_action(red, selected_key(self.query_one("#red-actions", DataTable)))
        form = await self.app.push_screen_wait(FormModal(f"Plan an action of {red.name}", [
            Field("action", "Action", "select",
                  tuple((f"{fit(a.name, 44)} ({rp.pts(red, self._n, a.cost)})", a.id) for a in red.actions),
                  default=default),
            Field("target", f"Target (a team for a team action, {(c := rp.target_word(red, 'command'))} for {c} action)",
                  "select",
                  rp.target_options(red), required=False, default=self._default_target(default)),
        ], "Plan", intro="\n".join(rp.menu_lines(red, self._n))))
        if not form:
            return
        action = next(a for a in red.actions if a.id == form["action"])
        if console(self).run_command(cm.RedAct(action.id, form["target"] or None)):
            left = self.session.state.red_cash
            self.notify(f"{action.name}: {rp.pts(red, self._n, action.cost)} paid, {rp.pts(red, self._n, left)} left",
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
        m, why = rp.to_withdraw(red, selected_key(self.query_one("#red-moves", DataTable)), "the Red tab's acts")
        if m is None:
            self.notify(why)
            return
        if await self.app.push_screen_wait(ConfirmModal(
                "Withdraw this act?", rp.withdraw_body(m, red, self._n), "Withdraw")):
            if console(self).run_command(cm.RedWithdraw(m.id)):
                self.notify(f"{m.name}: {rp.pts(red, self._n, m.cost)} refunded", title="Act withdrawn", markup=False)

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