"""2 Budget: the split between the categories and the allies' spending (in the scenario's words)."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from exercise.engine import commands as cm
from exercise.engine import explain
from exercise.engine.view_types import CategoryShare
from exercise.tui.modals import ConfirmModal, Field, FormModal
from exercise.tui.team.base import TeamTab
from exercise.tui.team.format import clip, money, num, pct

_NONE = CategoryShare(0.0, 0.0)  # a category the team has no allocation for


def _typed(x: float) -> str:
    """A number as it was typed back into its field (20.0 -> "20", 33.333 stays)."""
    return str(int(x)) if x == int(x) else repr(x)


class BudgetTab(TeamTab, VerticalScroll):
    BINDINGS = [
        Binding("b", "budget", "Budget split",
                tooltip="split the budget between the categories (shares in %, adding up to 100)"),
        Binding("dollar_sign", "spending", "Spending", key_display="$",
                tooltip="change the selected {ally}'s {spending} (% of GDP, within this turn's range)"),
    ]

    def compose(self) -> ComposeResult:
        yield Static("", id="tm-budget-summary")
        yield DataTable(id="tm-categories", cursor_type="row")
        yield Static("", id="tm-floors")
        yield Static("Defence spending of your allies ($ changes the selected one)", id="tm-allies-heading",
                     classes="tm-section")
        yield DataTable(id="tm-allies", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one("#tm-categories", DataTable).add_columns(
            "Category", "Share", "Amount", "After costs", "Floor", "Allowed")
        self.query_one("#tm-allies", DataTable).add_columns("Ally", "GDP", "Spending", "This turn", "Command")

    def render_view(self) -> None:
        assert self.view is not None  # the screen sets it before anything renders or acts
        v, b = self.view, self.view.me.budget
        unit = v.unit
        cats = {c.id: c for c in v.categories}
        w = v.words
        proc = cats[b.procurement].name if b.procurement in cats else w.procurement
        lines = Text()
        lines.append(f"Budget this turn: {money(b.total)} {unit}", style="bold")
        lines.append(f" · money left for orders: {money(b.money)} {unit}, from {proc}\n")
        if v.me.allies:
            lines.append(f"Your budget is your playable share: {pct(b.playable_share)} of your {w.allies}' {w.spending}, "
                         "the part the exercise lets your team steer (the rest is outside the game)"
                         + (f", and your funds of {money(b.funds)} {unit} a turn. " if b.funds else ". "))
        else:
            lines.append(f"Your budget is your team's funds: {money(b.funds)} {unit} a turn ({v.turn_span}). ")
        lines.append(f"Under a category's floor, the {w.capabilities} it funds decay every turn.\n")
        lines.append("Limits: " + "; ".join(f"{c.name}: {explain.share_limits(c, b)}" for c in v.categories) + ". ")
        lines.append("b changes the split (shares in %, adding up to 100). "
                     "After costs: the share left after this turn's decision costs.")
        for words in explain.budget_cycle_words(v):  # instalments owed, the end of the budget year
            lines.append("\n" + words)
        for e in b.effects:
            name = cats[e.category].name if e.category in cats else e.category
            last = min(e.last, v.turns)  # an effect may outlast the exercise: its last turns are not played
            turns = f"turn {e.first}" if e.first == last else f"turns {e.first}-{last}"
            lines.append(f"\n{name}: {'+' if e.amount >= 0 else ''}{money(e.amount)} {unit} ({turns})")
        self._show("tm-budget-summary", lines)
        rows: list[tuple[str, tuple]] = []
        effective = explain.effective_shares(v, {cid: sh.share for cid, sh in b.categories.items()})
        for c in v.categories:
            mine = b.categories.get(c.id, _NONE)
            eff = effective.get(c.id, 0.0)
            under = explain.under_floor_words(c, b, eff)
            if under and self.narrow:
                under = "under floor"  # the Floor column beside it says which: 80 columns keep it whole
            after = Text(pct(eff) + (f" {under}" if under else ""), style="bold" if under else "")
            floors = " / ".join(dict.fromkeys(pct(f.floor) for f in c.floors))  # distinct, in order
            rows.append((c.id, (c.name, pct(mine.share), f"{money(mine.amount)} {unit}", after, floors or "none",
                                   f"{pct(c.min_share)}-{pct(c.max_share)}")))
        self._fill("tm-categories", rows)
        decays = Text()
        for c in v.categories:  # in full under the table: a cell would cut the list
            # what it does against hostile actions (the resisting category) beside its floors
            said = [explain.floor_words(f) for f in c.floors] + ([c.resists] if c.resists else [])
            if said:
                decays.append(f"\n{c.name}: " if decays.plain else f"{c.name}: ", style="bold")
                decays.append("; ".join(said))
        if decays.plain:
            decays.append(f"\n{explain.FLOOR_SHARE}", style="italic")
        self._show("tm-floors", decays if decays.plain else Text("No category has a floor: nothing decays.",
                                                                   style="italic"))
        self._show("tm-allies-heading", f"{w.cap('spending')} of your {w.allies} ($ changes the selected one)")
        self._headings("tm-allies", "{Ally}", "GDP", "Spending", "This turn", "{Command}")
        for wid in ("tm-allies-heading", "tm-allies"):
            self.query_one(f"#{wid}").display = bool(v.me.allies)  # a team with funds only has none
        commands = {c.id: c.name for c in v.commands}
        allies = {a.id: a for a in v.allies}
        rows = []
        for aid in v.me.allies:
            a = allies[aid]
            limits = b.spending_limits.get(aid)
            allowed = f"{num(limits[0])}-{num(limits[1])} %" if limits else "-"
            rows.append((aid, (a.name, f"{a.gdp:,.0f} {unit}", f"{num(a.spending)} % GDP", allowed,
                               clip(commands.get(a.command or "", "-"), 30))))
        self._fill("tm-allies", rows)

    @work(exclusive=True, group="team-action")
    async def action_budget(self) -> None:
        """The split dialog; a split under a floor is warned about (send or change it), and a
        refused one comes back with the values typed and the reason."""
        assert self.view is not None  # the screen sets it before anything renders or acts
        typed: dict[str, float] | None = None
        original: dict[str, str] | None = None  # the shares the form first opened with
        problem = ""
        while True:
            v, b = self.view, self.view.me.budget
            fields = []
            for c in v.categories:
                share = b.categories.get(c.id, _NONE).share * 100
                value = typed[c.id] if typed and c.id in typed else share
                fields.append(Field(c.id, f"{c.name}: % of the budget, {explain.share_limits(c, b)}", "number",
                                    default=_typed(value)))
            now = ", ".join(f"{c.name} {pct(b.categories.get(c.id, _NONE).share)}"
                            for c in v.categories)
            costs = explain.decision_costs(v)
            cost_note = ""
            if costs:
                names = {c.id: c.name for c in v.categories}
                cost_note = (" This turn's decision costs: " + ", ".join(
                    f"{names.get(cid, 'a category')} {'+' if x >= 0 else ''}{money(x)} {v.unit}"
                    for cid, x in costs.items()) + " (counted against the floors).")
            floors = "; ".join(f"{c.name} {explain.floor_words(f)}" for c in v.categories for f in c.floors)
            intro = (self._warning() + (f"Not done: {problem}\n" if problem else "")
                     + f"Budget this turn: {money(b.total)} {v.unit}. "
                     f"Now: {now} (total 100 %). The new shares must add up to 100 %.{cost_note}"
                     + (f"\nFloors: {floors}." if floors else "")
                     + "".join(f"\n{c.name}: {c.resists}." for c in v.categories if c.resists))
            if original is None:
                original = {f.name: f.default for f in fields}
            form = await self.app.push_screen_wait(FormModal("Budget split", fields, "Allocate", intro=intro,
                                                             original=original))
            if not form:
                return
            typed = dict(form)
            total = sum(form.values())
            shares = {cid: round(value / 100, 6) for cid, value in form.items()}
            broken = explain.breaches(v, shares) if abs(total - 100) <= 1e-6 else []
            if broken and not await self.app.push_screen_wait(ConfirmModal(
                    f"Under a floor: {v.words.capabilities} will decay",
                    "With this split:\n" + "\n".join(f"• {x}" for x in broken)
                    + "\nSend it anyway, or cancel to change it.", "Send anyway")):
                problem = ""
                continue
            if await self.link.send(cm.Allocate(self._me(), self._me(), shares)):
                self.notify(", ".join(f"{c.name} {pct(shares[c.id])}" for c in v.categories),
                            title="Budget split", markup=False)
                return
            # refused (the engine said why in a notification): the form again, as typed
            problem = (f"your shares added up to {num(total)} %, not 100 %." if abs(total - 100) > 1e-6
                       else "refused (the message says why); change the shares or press escape.")
            if abs(total - 100) > 1e-6:
                self.notify(f"Your shares added up to {num(total)} %.", severity="warning", markup=False)

    @work(exclusive=True, group="team-action")
    async def action_spending(self) -> None:
        assert self.view is not None  # the screen sets it before anything renders or acts
        v, me = self.view, self.view.me
        if not me.allies:
            self.notify(f"Your team plays no {v.words.ally}.", markup=False)
            return
        aid = self._selected("tm-allies") or me.allies[0]
        ally = next(a for a in v.allies if a.id == aid)
        limits = me.budget.spending_limits.get(aid)
        allowed = f" This turn it may go from {num(limits[0])} to {num(limits[1])} % of GDP" if limits else ""
        w = v.words
        intro = (self._warning() + f"{ally.name}'s {w.spending} is {num(ally.spending)} % of its GDP "
                 f"({ally.gdp:,.0f} {v.unit}).{allowed}, in steps of 0.1. "
                 f"Select another {w.ally} in the Budget tab to change that one.")
        form = await self.app.push_screen_wait(FormModal(f"{w.cap('spending')}: {ally.name}", [
            Field("spending", "New spending (% of GDP)", "number", default=num(ally.spending),
                  help=f"allowed this turn: {num(limits[0])} to {num(limits[1])}" if limits else "")],
            "Set spending", intro=intro))
        if form and await self.link.send(cm.SetSpending(self._me(), self._me(), aid, form["spending"])):
            self.notify(f"{ally.name}: {num(form['spending'])} % of GDP", title="Spending set", markup=False)
