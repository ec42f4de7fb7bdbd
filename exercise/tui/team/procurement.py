"""3 Procurement: the catalogue, the basket of draft orders, and the team's orders."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from exercise.engine import commands as cm
from exercise.engine import explain
from exercise.engine.view_types import ItemView
from exercise.tui.base import Detail
from exercise.tui.modals import ConfirmModal, Field, FormModal
from exercise.tui.team.base import ShowTab, TeamTab
from exercise.tui.team.format import arrival, clip, money, pct, turns
from exercise.words import short


class ProcurementTab(TeamTab, Vertical):
    BINDINGS = [
        Binding("o", "order", "Order", tooltip="order the selected catalogue item (a draft until you submit)"),
        Binding("x", "withdraw", "Withdraw/cancel",
                tooltip="withdraw a draft order (free) or cancel a binding one (a penalty is lost)"),
        Binding("p", "expedite", "Priority",
                tooltip="pay extra for priority on the selected order: a lower chance its delivery slips"),
        Binding("e", "expand", "Expand",
                tooltip="buy the selected production expansion (a second line, extra shifts): "
                        "paid now, more units a turn once ready"),
    ]

    def compose(self) -> ComposeResult:
        yield DataTable(id="tm-catalogue", cursor_type="row", zebra_stripes=True)
        yield Detail("", id="tm-item-detail")
        yield Static("", id="tm-basket")
        yield DataTable(id="tm-orders", cursor_type="row")
        yield Detail("", id="tm-order-detail")
        yield DataTable(id="tm-expansions", cursor_type="row")

    def on_mount(self) -> None:
        self.query_one("#tm-catalogue", DataTable).add_columns(
            "Item", "Cost a unit", "Adds a unit", "Origin", "Lead time", "Arrives if ordered now")
        # short cells, whole facts: the line under the table says the rest of the selected order
        self.query_one("#tm-orders", DataTable).add_columns("Item", "Cost", "Status", "Due", "Slip risk")
        self.query_one("#tm-expansions", DataTable).add_columns(
            "Capacity for sale (e buys; once)", "Adds", "Cost", "Status")

    def render_view(self) -> None:
        assert self.view is not None  # the screen sets it before anything renders or acts
        v, me = self.view, self.view.me
        unit = v.unit
        rows: list[tuple[str, tuple]] = []
        for item in v.catalogue:
            rows.append((item.id, (clip(item.name, self._w(28, 38)), f"{money(item.cost)} {unit}",
                                      clip("; ".join(item.gains) or "-", self._w(30, 40)), clip(item.origin, 10),
                                      turns(item.lead_time), arrival(v, item.arrives, brief=True))))
        self._fill("tm-catalogue", rows)
        self.show_item_detail()
        drafts = [o for o in me.orders if o.status == "draft"]
        basket = Text()
        ended = v.status == "ended"  # nothing can be ordered or bought any more: offer nothing
        if ended:
            basket.append("The exercise has ended: no more orders", style="bold")
        elif drafts:
            basket.append(f"Basket: {len(drafts)} draft order(s), {money(sum(o.cost for o in drafts))} {unit}",
                          style="bold")
            basket.append(" (binding when you submit; x withdraws one free)")
        elif me.submitted:
            basket.append("Submitted: your orders are binding; the basket opens again next turn", style="bold")
        elif v.phase != "deliberation" or v.status != "running":
            basket.append("Basket empty: orders open in deliberation", style="bold")
        else:
            basket.append("Basket empty: o orders the selected item", style="bold")
        basket.append(f" · money left {money(me.budget.money)} {unit}")
        self._show("tm-basket", basket)
        rank = {"draft": 0, "ordered": 1, "delivered": 2, "cancelled": 3}
        rows = []
        for o in sorted(me.orders, key=lambda o: (rank.get(o.status, 4), o.due, o.id)):
            rows.append((o.id, self._order_cells(o)))
        self._fill("tm-orders", rows)
        self.show_order_detail()
        self._render_expansions()

    def _order_cells(self, o) -> tuple:
        """One order in short cells that each state a whole fact (a cell cut at the screen's
        edge read "turn 1" for "turn 13 · after end"): the item and quantity, the cost, the
        status, when it is due (or came) and the chance it slips."""
        assert self.view is not None  # the screen sets it before anything renders or acts
        v = self.view
        # the engine's one status "cancelled" covers a draft withdrawn (money back) and a binding
        # order cancelled (a penalty lost): the cell says both, the detail line which costs what
        status = {"draft": Text("DRAFT", style="bold"), "delivered": Text("delivered"),
                  "cancelled": Text("withdrawn/cancelled", style="dim")}.get(
            o.status, Text("earlier" if o.backlog else o.status))  # earlier: ordered before the exercise
        if o.status == "delivered":
            due = f"came turn {o.delivered}"
        elif o.status == "cancelled":
            due = "-"
        else:
            due = arrival(v, o.due, brief=True)
        cost = "paid before" if o.backlog and o.cost == 0 else f"{money(o.cost)} {v.unit}"
        if o.slip_chance is not None:
            slip = pct(o.slip_chance) + (" priority" if o.expedited and not self.narrow else "")
        elif o.slip_note:
            slip = "on time" if o.slip_note.startswith("on time") else "slipped"
        else:
            slip = "-"
        count = f"{o.quantity} × "
        return (count + clip(o.name, self._w(20, 34) - len(count)), cost, status, due, slip)

    @on(DataTable.RowHighlighted, "#tm-orders")
    def show_order_detail(self) -> None:
        """The selected order in full: what p (priority) and x (withdraw) act on."""
        if self.view is None:
            return
        v, o = self.view, self._selected_order()
        out = Text()
        if o is not None:
            out.append(f"Selected order: {o.quantity} × {o.name}", style="bold")
            placed = "ordered before the exercise" if o.backlog else f"placed in turn {o.placed}"
            bits = [placed]
            if o.status == "draft":
                bits.append("a draft until you submit")
            elif o.status == "delivered":
                bits.append(f"delivered in turn {o.delivered}")
            elif o.status == "cancelled":
                bits.append("withdrawn or cancelled: a draft came back in full; a binding order "
                            "returned what was paid less its penalty (the Ledger tab has the figures)")
            else:
                bits.append(f"due {arrival(v, o.due)}")
            if o.backlog and o.cost == 0:
                bits.append("paid before the exercise (it costs nothing now)")
            else:
                bits.append(f"{money(o.cost)} {v.unit}")
            paying = explain.instalments_words(o, v.unit)
            if paying:
                bits.append(paying)
            if o.risk:
                bits.append("slip risk: " + o.risk)
            if o.slip_note:
                bits.append("slip roll: " + o.slip_note)
            out.append(" · " + " · ".join(bits))
        self._show("tm-order-detail", out)


    def _render_expansions(self) -> None:
        assert self.view is not None  # the screen sets it before anything renders or acts
        v = self.view
        table = self.query_one("#tm-expansions", DataTable)
        shown = bool(v.me.expansions)
        if table.display != shown:
            table.display = shown
            self.refresh_bindings()  # the e key comes and goes with them
        if not shown:
            return
        heading = "Production capacity" if v.status == "ended" else "Capacity for sale (e buys; once)"
        column = table.ordered_columns[0]
        if column.label.plain != heading:
            column.label = Text(heading)
            table.refresh()
        rows = []
        for x in v.me.expansions:
            if x.bought_by is not None:
                # the team's short name: its full one ran the cell past a 120-wide screen
                status = Text(f"bought by {short(x.bought_by)}; ready {arrival(v, x.ready or 0, brief=True)}", style="dim")
            elif v.status == "ended":
                status = Text("not bought", style="dim")
            else:
                status = Text(f"for sale; ready {turns(x.lead_time)} after buying")
            rows.append((x.id, (clip(x.name, self._w(20, 30)), f"+{x.capacity} a turn of {clip(x.line, self._w(14, 18))}",
                                f"{money(x.cost)} {v.unit}", status)))
        self._fill("tm-expansions", rows)

    @work(exclusive=True, group="team-action")
    async def action_expand(self) -> None:
        v = self.view
        assert v is not None  # the screen sets it before anything renders or acts
        xid = self._selected("tm-expansions")
        x = next((e for e in v.me.expansions if e.id == xid), None)
        if x is None:
            self.notify("No production capacity is for sale in this scenario."
                        if not v.me.expansions else "Select a line in the production capacity table first.")
            return
        if x.bought_by is not None:  # nothing to buy: say so rather than offer a Buy that is refused
            self.notify(explain.expansion_words(x, v.unit) + "; it can be bought once.", title="Already bought",
                        markup=False)
            return
        intro = (self._warning() + explain.expansion_words(x, v.unit) + ".\n"
                 + (x.description + "\n" if x.description else "")
                 + f"Paid now from your money for orders ({money(v.me.budget.money)} {v.unit} left)."
                 + (f"\nNot possible now: {x.refusal}" if x.refusal else ""))
        ok = await self.app.push_screen_wait(ConfirmModal(f"Buy {x.name}?", intro, "Buy"))
        if ok and await self.link.send(cm.BuyExpansion(self._me(), self._me(), x.id)):
            self.notify(explain.expansion_words(x, v.unit), title="Capacity bought", markup=False)

    def _item(self, item_id: str | None) -> ItemView | None:
        return next((i for i in self.view.catalogue if i.id == item_id), None) if self.view else None

    @on(DataTable.RowHighlighted, "#tm-catalogue")
    def show_item_detail(self) -> None:
        item = self._item(self._selected("tm-catalogue"))
        out = Text()
        if item is not None and self.view is not None:
            out.append(item.name, style="bold")
            out.append(f" · {money(item.cost)} {self.view.unit} per unit · capacity {item.capacity} a turn, "
                       f"{explain.limit_words(item, self.view.me.ordered.get(item.id))}, "
                       f"{pct(item.cancel_penalty)} lost if cancelled once binding\n")
            if item.paid_on_order < 1.0:
                out.append("Payment: " + explain.payment_words(item, self.view.unit, brief=True) + "\n")
            if item.gains:  # which capability it improves, and by how much
                out.append("Each unit: " + "; ".join(f"{g} per unit on delivery" for g in item.gains) + "\n")
            out.append(item.description or "")
        self._show("tm-item-detail", out)

    @on(DataTable.RowSelected, "#tm-catalogue")
    def _catalogue_clicked(self) -> None:
        self.action_order()

    @work(exclusive=True, group="team-action")
    async def action_order(self) -> None:
        assert self.view is not None  # the screen sets it before anything renders or acts
        v, me = self.view, self.view.me
        item = self._item(self._selected("tm-catalogue"))
        if item is None:
            self.notify("The catalogue is empty.")
            return
        unit, cash = v.unit, me.budget.money
        intro = (self._warning() + f"{item.name} (origin: {item.origin}): "
                 f"{money(item.cost)} {unit} per unit, lead time {turns(item.lead_time)}.\n"
                 + ("On delivery each unit adds: " + "; ".join(item.gains) + ".\n" if item.gains else "") +
                 f"One unit ordered now arrives in {arrival(v, item.arrives)}"
                 f" (later units may wait for production capacity, {item.capacity} a turn).\n"
                 + ("" if item.paid_on_order >= 1.0 else
                    "Payment: " + explain.payment_words(item, unit) + ".\n") +
                 f"Money left: {money(cash)} {unit} (enough for {me.affordable[item.id]}). "
                 f"{_first_up(explain.limit_words(item, me.ordered.get(item.id)))}. "
                 "The order is a draft until you submit.")
        form = await self.app.push_screen_wait(FormModal(f"Order: {item.name}", [
            Field("quantity", "Quantity", "integer", default=1, minimum=1)], "Order", intro=intro))
        before = {o.id for o in me.orders}
        if form and await self.link.send(cm.PlaceOrder(self._me(), self._me(), item.id, form["quantity"])):
            placed = next((o for o in self.view.me.orders if o.id not in before), None)
            if placed is not None:  # select the new draft: the line under the table and p, x act on it
                orders = self.query_one("#tm-orders", DataTable)
                orders.move_cursor(row=orders.get_row_index(placed.id))
            due = f", due {arrival(self.view, placed.due)}" if placed else ""
            self.notify(f"{form['quantity']} × {item.name} in the basket{due}", title="Draft order",
                        markup=False)

    def _selected_order(self):
        """The team's order under the cursor of the orders table (None: none)."""
        assert self.view is not None  # the screen sets it before anything renders or acts
        oid = self._selected("tm-orders")
        return next((o for o in self.view.me.orders if o.id == oid), None)

    @work(exclusive=True, group="team-action")
    async def action_withdraw(self) -> None:
        v = self.view
        assert v is not None  # the screen sets it before anything renders or acts
        order = self._selected_order()
        if order is None:
            self.notify(self._say("No order to withdraw or cancel: select one in the {Procurement} tab."), markup=False)
            self.post_message(ShowTab("procurement"))
            return
        unit = v.unit
        placed = "ordered before the exercise" if order.backlog else f"placed in turn {order.placed}"
        what = f"{order.quantity} × {order.name} ({placed}, {money(order.cost)} {unit})"
        if order.status == "draft":
            ok = await self.app.push_screen_wait(ConfirmModal(
                "Withdraw the draft order?", f"{what}\nA draft is withdrawn free: the money returns.",
                "Withdraw"))
        elif order.status == "ordered" and order.refund is not None:
            item = self._item(order.item)
            penalty = item.cancel_penalty if item else 0.0
            ok = await self.app.push_screen_wait(ConfirmModal(
                "Cancel a binding order?",
                f"{what}\nThis order is binding: cancelling it loses {pct(penalty)} of its cost "
                f"({money(order.penalty or 0.0)} {unit}); {money(order.refund or 0.0)} {unit} comes back."
                + ("" if order.paid is None else
                   f"\nPaid so far: {money(order.paid)} {unit}; the instalments still to come are not "
                   "paid, and the penalty is taken only from what was paid."),
                "Cancel order"))
        else:
            ok = True  # delivered, cancelled or placed before the exercise: let the engine say why not
        if ok and await self.link.send(cm.CancelOrder(self._me(), self._me(), order.id)):
            self.notify(what, title="Withdrawn" if order.status == "draft" else "Cancelled", markup=False)

    @work(exclusive=True, group="team-action")
    async def action_expedite(self) -> None:
        v = self.view
        assert v is not None  # the screen sets it before anything renders or acts
        order = self._selected_order()
        if order is None:
            self.notify(self._say("No order selected: select one of your orders in the {Procurement} tab."), markup=False)
            return
        if order.expedite_cost is None or order.slip_chance is None:
            why = ("it already has priority" if order.expedited else
                   "it runs no slip risk now" if order.slip_chance is None else "its maker offers no priority")
            self.notify(f"{order.name}: {why}.", markup=False)
            return
        unit = v.unit
        late = "all" if (order.slip_units or 0) >= order.quantity else f"{order.slip_units} of {order.quantity}"
        ok = await self.app.push_screen_wait(ConfirmModal(
            "Pay for priority?",
            f"{order.quantity} × {order.name}, due {arrival(v, order.due)}.\n"
            f"Now: {pct(order.slip_chance)} chance that {late} slip {turns(order.slip_turns)} when due.\n"
            f"Priority costs {money(order.expedite_cost)} {unit} (not refunded) and lowers the chance to "
            f"{pct(order.expedite_chance or 0.0)}. Money left: {money(v.me.budget.money)} {unit}.",
            "Pay for priority"))
        if ok and await self.link.send(cm.ExpediteOrder(self._me(), self._me(), order.id)):
            self.notify(f"{order.quantity} × {order.name}: slip risk now {pct(order.expedite_chance or 0.0)}",
                        title="Priority bought", markup=False)

def _first_up(s: str) -> str:
    return s[:1].upper() + s[1:]
