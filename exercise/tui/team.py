"""The team console: what one team sees and does, through its port and nothing else.

Everything on this screen comes from `port.view()` (the team's player view) and every
action is a command sent with `port.send()`: the engine decides, the journal records,
and only then does the screen show the change (it re-renders when the port says the
view changed). The screen holds no rules: when the engine refuses a command, its reason
is shown as a notification. The same screen runs hot-seat (a LocalTeamPort inside the
facilitator's app) and, later, over the network (`exercise join`).
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Markdown, Static, TabbedContent, TabPane

from exercise import engine
from exercise.engine import commands as cm
from exercise.journal.log import JournalError
from exercise.tui.modals import ConfirmModal, Field, FormModal, TextModal
from exercise.tui.text import md, plain_tree, text

HELP = """\
**Your team's console.** It shows only what your team may see. Keys are in the footer (each
tab shows its own); every action is also in the command palette (**ctrl+p**). The mouse
works too: click a tab, click a row twice to answer it (Inbox) or order it (Procurement).

| key | what it does |
|---|---|
| 1-6 | tabs: inbox, budget, procurement, commands, tracks, briefing |
| enter | answer the selected decision (Inbox; the default is marked), order the selected item (Procurement) |
| r | read the selected inject in full (or, on an argued action, its adjudication) |
| u | argue an action: what you do, the result you intend, why it would work |
| b | split the budget between the categories (shares in %, adding up to 100) |
| $ or c | change the selected ally's defence spending (% of GDP, within this turn's range) |
| o | order the selected catalogue item (a draft until you submit) |
| x | withdraw a draft order (free) or cancel a binding one (a penalty is lost) |
| a | assign forces (a capability) to the selected command; 0 withdraws |
| l / g | take the lead of the selected command / hand it back |
| s | submit: drafts become binding, open decisions take their default |
| escape | back to the facilitator's console (hot-seat) |
| ? | this help |

**A turn**: briefing, injects, deliberation, adjudication, summary. You act in
**deliberation**; when you are done, submit and wait for the facilitator. Everything you
do is checked by the rules and saved before the screen shows it; when the rules refuse,
a notification says why.
"""

TABS = (
    ("inbox", "1 Inbox"),
    ("budget", "2 Budget"),
    ("procurement", "3 Procurement"),
    ("commands", "4 Commands"),
    ("tracks", "5 Tracks"),
    ("briefing", "6 Briefing"),
)

# The tab(s) where an action's key is shown in the footer (it works on every tab; a wide
# terminal shows every key everywhere).
CONTEXT = {
    "answer": ("inbox",),
    "read": ("inbox",),
    "argue": ("inbox",),
    "budget": ("budget",),
    "spending": ("budget",),
    "order": ("procurement",),
    "withdraw": ("procurement",),
    "assign": ("commands", "tracks"),
    "lead": ("commands",),
    "hand_back": ("commands",),
}
WIDE = 160  # from this width the footer shows every key on every tab


def _keys(key: str, action: str, description: str, display: str | None = None) -> list[Binding]:
    """A key shown in the footer on its tab, and the same key working (unshown) elsewhere."""
    return [Binding(key, f"{action}(1)", description, key_display=display),
            Binding(key, action, description, show=False, key_display=display)]


def money(x: float) -> str:
    return f"{x:,.2f}"


def pct(share: float) -> str:
    return f"{share * 100:.1f}".rstrip("0").rstrip(".") + " %"


def num(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def short(name: str) -> str:
    """'Brunssum East (Poland and the Baltic states)' -> 'Brunssum East'."""
    return name.split(" (")[0]


def clip(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def _cell_key(cell):
    if isinstance(cell, Text):
        return (cell.plain, str(cell.style), tuple(cell.spans))
    return cell


class TeamScreen(Screen):
    """One team's console: inbox, budget, procurement, commands, tracks, briefing."""

    BINDINGS = [
        Binding("enter", "answer(1)", "Answer", priority=True),
        *_keys("r", "read", "Read"),
        *_keys("u", "argue", "Argue"),
        *_keys("b", "budget", "Budget split"),
        *_keys("dollar_sign", "spending", "Spending", display="$"),
        Binding("c", "spending", "", show=False),  # the same, easier to type
        *_keys("o", "order", "Order"),
        *_keys("x", "withdraw", "Withdraw/cancel"),
        *_keys("a", "assign", "Assign"),
        *_keys("l", "lead", "Take lead"),
        *_keys("g", "hand_back", "Hand back"),
        Binding("s", "submit", "Submit"),
        Binding("escape", "back", "Back"),
        Binding("question_mark", "help", "Help", key_display="?"),
        *[Binding(str(i), f"tab('{tab}')", label, show=False) for i, (tab, label) in enumerate(TABS, 1)],
    ]

    class PortChanged(Message):
        """The port says the view may have changed (posted from any thread)."""

    def __init__(self, port, hot_seat: bool = False):
        super().__init__()
        self.port = port
        self.hot_seat = hot_seat
        self.view: dict = {}
        self._rows: dict[str, list] = {}
        self._texts: dict[str, object] = {}
        self._briefing = None
        self._timer = ""
        self._pending = False
        self._unsubscribe = None
        self._footer: tuple | None = None
        self._narrow: bool | None = None
        self._offline = False

    # -- layout -------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal(id="tm-statusbar"):
            yield Static("", id="tm-where")
            yield Static("", id="tm-money")
        yield Static("", id="tm-banner")
        with TabbedContent(initial="inbox", id="tm-tabs"):
            with TabPane(TABS[0][1], id="inbox"):
                with Vertical(classes="tm-pane"):
                    yield DataTable(id="tm-inbox", cursor_type="row", zebra_stripes=True)
                    yield Static("", id="tm-inbox-detail")
                    yield Static("", id="tm-actions-title", classes="tm-section")
                    yield DataTable(id="tm-actions", cursor_type="row")
            with TabPane(TABS[1][1], id="budget"):
                with VerticalScroll(classes="tm-pane"):
                    yield Static("", id="tm-budget-summary")
                    yield DataTable(id="tm-categories", cursor_type="row")
                    yield Static("Defence spending of your allies ($ changes the selected one)", classes="tm-section")
                    yield DataTable(id="tm-allies", cursor_type="row", zebra_stripes=True)
            with TabPane(TABS[2][1], id="procurement"):
                with Vertical(classes="tm-pane"):
                    yield DataTable(id="tm-catalogue", cursor_type="row", zebra_stripes=True)
                    yield Static("", id="tm-item-detail")
                    yield Static("", id="tm-basket")
                    yield DataTable(id="tm-orders", cursor_type="row")
            with TabPane(TABS[3][1], id="commands"):
                with Vertical(classes="tm-pane"):
                    yield DataTable(id="tm-commands", cursor_type="row", zebra_stripes=True)
                    yield Static("", id="tm-command-detail")
            with TabPane(TABS[4][1], id="tracks"):
                with VerticalScroll(classes="tm-pane"):
                    yield Static("Your capabilities (a assigns them to a command)", classes="tm-section")
                    yield DataTable(id="tm-team-tracks", cursor_type="row", zebra_stripes=True)
                    yield Static("The world", classes="tm-section")
                    yield DataTable(id="tm-world-tracks", cursor_type="row")
            with TabPane(TABS[5][1], id="briefing"):
                with VerticalScroll(classes="tm-pane", id="tm-briefing-scroll"):
                    yield Markdown("", id="tm-briefing", open_links=False)
        yield Footer()

    def on_mount(self) -> None:
        columns = {
            "tm-inbox": ("Turn", "Inject", "Decision", "From"),
            "tm-actions": ("Id", "Turn", "Action", "Odds", "Result"),
            "tm-categories": ("Category", "Share", "Allowed", "Amount"),
            "tm-allies": ("Ally", "GDP", "Spending", "This turn", "Command"),
            "tm-catalogue": ("Item", "Cost", "Origin", "Lead time", "Arrives if ordered now"),
            "tm-orders": ("Item", "Qty", "Cost", "Status", "Due", "Order"),
            "tm-commands": ("Command", "Led by", "Your forces", "Your allies"),
            "tm-team-tracks": ("Capability", "Yours", "Band", "Assigned", "Other teams"),
            "tm-world-tracks": ("Track", "Value", "Band", "Scale"),
        }
        for table_id, names in columns.items():
            self.query_one(f"#{table_id}", DataTable).add_columns(*names)
        self._unsubscribe = self.port.subscribe(self._port_changed)
        self.refresh_view()
        self.query_one("#tm-inbox", DataTable).focus()
        self.set_interval(1.0, self._tick)

    def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def _port_changed(self) -> None:
        # may come from another thread (a network port): post, and coalesce bursts
        if not self._pending:
            self._pending = True
            self.post_message(self.PortChanged())

    def on_team_screen_port_changed(self, _message: PortChanged) -> None:
        self._pending = False
        self.refresh_view()

    def on_resize(self) -> None:
        self._keys_changed()
        narrow = self.size.width < 110
        if self.view and narrow != self._narrow:
            self.refresh_view()  # columns clip differently
        self._narrow = narrow

    # -- which keys the footer shows ------------------------------------------------------
    def _tab(self) -> str:
        return self.query_one("#tm-tabs", TabbedContent).active

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return self.hot_seat
        if parameters and action in CONTEXT:
            try:
                tab = self._tab()
            except NoMatches:
                return False
            if action == "answer":  # enter: elsewhere it belongs to the tables (a second click orders)
                return tab == "inbox"
            return self.size.width >= WIDE or tab in CONTEXT[action]
        return True

    @on(TabbedContent.TabActivated, "#tm-tabs")
    def _tab_changed(self, event: TabbedContent.TabActivated) -> None:
        self._keys_changed()

    def _keys_changed(self) -> None:
        """Refresh the footer when what it shows changes (a tab, a wide terminal), not more."""
        try:
            state = (self._tab(), self.size.width >= WIDE)
        except NoMatches:
            return
        if state != self._footer:
            self._footer = state
            self.refresh_bindings()

    # -- rendering ----------------------------------------------------------------------
    def refresh_view(self) -> None:
        try:
            view = plain_tree(self.port.view())  # no control character reaches the terminal
        except OSError as e:  # a network port that lost its connection: keep the last view
            if not self._offline:
                self._offline = True
                self.notify(str(e), title="No connection", severity="warning", markup=False)
            return
        self._offline = False
        self.view = view
        self.render_status()
        self.render_inbox()
        self.render_budget()
        self.render_procurement()
        self.render_commands()
        self.render_tracks()
        self.render_briefing()

    def _fill(self, table_id: str, rows: list[tuple[str, tuple]]) -> None:
        """Replace a table's rows if they changed, keeping the cursor on the same row."""
        signature = [(k, tuple(_cell_key(c) for c in cells)) for k, cells in rows]
        if self._rows.get(table_id) == signature:
            return
        self._rows[table_id] = signature
        table = self.query_one(f"#{table_id}", DataTable)
        before, row = self._selected(table_id), table.cursor_row
        table.clear()
        for key, cells in rows:  # a str cell would be parsed as markup
            table.add_row(*(c if isinstance(c, Text) else text(c) for c in cells), key=key)
        if rows:
            keys = [k for k, _ in rows]
            table.move_cursor(row=keys.index(before) if before in keys else min(max(row, 0), len(rows) - 1))

    def _show(self, static_id: str, content: Text | str) -> None:
        """Update a Static only when its text changed (an update costs a layout)."""
        key = _cell_key(content)
        if self._texts.get(static_id) != key:
            self._texts[static_id] = key
            self.query_one(f"#{static_id}", Static).update(content if isinstance(content, Text) else text(content))

    def _selected(self, table_id: str) -> str | None:
        table = self.query_one(f"#{table_id}", DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def _team_name(self, team_id: str | None) -> str:
        return next((short(t["name"]) for t in self.view["teams"] if t["id"] == team_id), team_id or "")

    def _track_name(self, track_id: str) -> str:
        return next((t["name"] for t in self.view["team_tracks"] if t["id"] == track_id), track_id)

    def _arrival(self, turn: int, brief: bool = False) -> str:
        if turn <= self.view["turns"]:
            return f"turn {turn}"
        return f"turn {turn} · after end" if brief else f"turn {turn}, after the exercise ends"

    def _w(self, narrow: int, wide: int) -> int:
        """A column's width in characters: narrow terminals clip more."""
        return wide if self.size.width >= 110 else narrow

    def render_status(self) -> None:
        v, me = self.view, self.view["me"]
        if v["status"] == "ready":
            where = "not started"
        elif v["status"] == "ended":
            where = "ended"
        else:
            label = f" {v['turn_label']}" if v["turn_label"] else ""
            where = f"Turn {v['turn']}/{v['turns']}{label} · {v['phase_name']}"
        self._show("tm-where", Text(f"{short(me['name'])} · {where}"))
        right = [f"Money {money(me['budget']['money'])} {v['unit']}"]
        self._timer = getattr(self.app, "timer_text", lambda: "")()
        if self._timer:
            right.append(self._timer)
        if v["paused"]:
            right.append("PAUSED")
        status = self._connection()
        if status != "local":
            right.append(status)
        self.set_class(status not in ("local", "connected"), "-offline")
        self._show("tm-money", Text(" · ".join(right)))

        drafts = [o for o in me["orders"] if o["status"] == "draft"]
        if v["status"] == "ready":
            state, text = "closed", "The exercise has not started yet. Read your briefing (6) while you wait."
        elif v["status"] == "ended":
            out = v.get("outcome") or {}
            state, text = "ended", f"The exercise has ended: {out.get('name', '')}. The outcome is in 6 Briefing."
        elif v["paused"]:
            state, text = "paused", "PAUSED by the facilitator: look around; you can act again once it resumes."
        elif me["submitted"]:
            state, text = "waiting", (f"SUBMITTED — waiting for the facilitator. Your orders for turn {v['turn']} "
                                      "are binding; you act again next turn.")
        elif v["phase"] == "deliberation":
            bits = [f"{len(me['pending'])} decision(s) open" if me["pending"] else "no decision open"]
            if drafts:
                bits.append(f"{len(drafts)} draft order(s), {money(sum(o['cost'] for o in drafts))} {v['unit']}")
            state, text = "open", "Deliberation: decide, order, then press s to submit · " + " · ".join(bits)
        else:
            state, text = "closed", (f"Orders and decisions open in deliberation (now: {v['phase_name']}). "
                                     "Read your inbox and plan.")
        self._show("tm-banner", Text(text))
        banner = self.query_one("#tm-banner", Static)
        for s in ("closed", "ended", "paused", "waiting", "open"):
            banner.set_class(s == state, f"-{s}")
        self.set_class(v["paused"], "-paused")

    def _decision(self, inj: dict) -> Text:
        labels = {o["id"]: o["label"] for o in inj["options"]}
        if not inj["options"]:
            return Text("information", style="dim")
        if inj["answer"] is None:
            default = next((o["label"] for o in inj["options"] if o["default"]), "")
            return Text(clip("OPEN" + (f" · default: {default}" if default else ""), self._w(30, 50)), style="bold")
        how = "by default" if inj["answered_by_default"] else "decided"
        return Text(clip(f"{how}: {labels.get(inj['answer'], inj['answer'])}", self._w(30, 50)))

    def render_inbox(self) -> None:
        me = self.view["me"]
        rows = []
        for inj in reversed(me["inbox"]):  # newest first
            rows.append((inj["id"], (str(inj["turn"]), clip(inj["title"], self._w(34, 60)), self._decision(inj),
                                     clip(inj["from"], self._w(24, 40)))))
        seen = {k for k, _ in self._rows.get("tm-inbox", [])}
        self._fill("tm-inbox", rows)
        if seen and any(k not in seen for k, _ in rows):  # new injects come first: show them, not an old one
            self.query_one("#tm-inbox", DataTable).move_cursor(row=0)
        self.show_inject_detail()
        actions = []
        for a in me["actions"]:
            odds = f"{a['likelihood']} %" if a["likelihood"] is not None else "-"
            result = "waiting" if a["success"] is None else ("SUCCESS" if a["success"] else "failure")
            actions.append((a["id"], (a["id"], str(a["turn"]), clip(a["action"], 48), odds, result)))
        self._fill("tm-actions", actions)
        self.query_one("#tm-actions", DataTable).display = bool(actions)
        self._show("tm-actions-title",
                   "Your argued actions (u argues another; r on one reads the adjudication)" if actions
                   else "No action argued yet: u argues one for the facilitator to adjudicate")

    def _inject(self, iid: str | None) -> dict | None:
        return next((i for i in self.view["me"]["inbox"] if i["id"] == iid), None) if self.view else None

    @on(DataTable.RowHighlighted, "#tm-inbox")
    def show_inject_detail(self) -> None:
        inj = self._inject(self._selected("tm-inbox"))
        if inj is None:
            self._show("tm-inbox-detail", Text(
                "Nothing in your inbox yet: injects arrive when the facilitator delivers them.", style="italic"))
            return
        out = Text()
        out.append(inj["title"], style="bold")
        out.append(f"  from {inj['from']} via {inj['channel']} · turn {inj['turn']}\n")
        if inj["synopsis"]:
            out.append(inj["synopsis"] + "\n")
        for o in inj["options"]:
            mark = "●" if inj["answer"] == o["id"] else "○"
            out.append(f" {mark} {o['label']}", style="bold" if inj["answer"] == o["id"] else "")
            if o["default"]:
                out.append(" (default)", style="italic")
            out.append("\n")
        if inj["options"] and inj["answer"] is None:
            out.append("enter answers · r reads it in full", style="italic")
        else:
            out.append("r reads it in full", style="italic")
        self._show("tm-inbox-detail", out)

    def render_budget(self) -> None:
        v, b = self.view, self.view["me"]["budget"]
        unit = v["unit"]
        cats = {c["id"]: c for c in v["categories"]}
        proc = cats.get(b["procurement"], {}).get("name", "procurement")
        lines = Text()
        lines.append(f"Budget this turn: {money(b['total'])} {unit}", style="bold")
        lines.append(f" · money left for orders: {money(b['money'])} {unit}, from {proc}\n")
        if b["invest_limit"] is not None:
            lines.append(f"{proc} may take at most {pct(b['invest_limit'])} of the budget this turn. ")
        lines.append("b changes the split (shares in %, adding up to 100).")
        for e in b["effects"]:
            name = cats.get(e["category"], {}).get("name", e["category"])
            turns = f"turn {e['first']}" if e["first"] == e["last"] else f"turns {e['first']}-{e['last']}"
            lines.append(f"\n{name}: {'+' if e['amount'] >= 0 else ''}{money(e['amount'])} {unit} ({turns})")
        self._show("tm-budget-summary", lines)
        rows = []
        for c in v["categories"]:
            mine = b["categories"].get(c["id"], {"share": 0.0, "amount": 0.0})
            rows.append((c["id"], (c["name"], pct(mine["share"]), f"{pct(c['min_share'])}-{pct(c['max_share'])}",
                                   f"{money(mine['amount'])} {unit}")))
        self._fill("tm-categories", rows)
        commands = {c["id"]: c["name"] for c in v["commands"]}
        allies = {a["id"]: a for a in v["allies"]}
        rows = []
        for aid in v["me"]["allies"]:
            a = allies[aid]
            lo, hi = b["spending_limits"].get(aid, (None, None))
            allowed = f"{num(lo)}-{num(hi)} %" if lo is not None else "-"
            rows.append((aid, (a["name"], f"{a['gdp']:,.0f} {unit}", f"{num(a['spending'])} % GDP", allowed,
                               clip(commands.get(a["command"], "-"), 30))))
        self._fill("tm-allies", rows)

    def render_procurement(self) -> None:
        v, me = self.view, self.view["me"]
        unit = v["unit"]
        rows = []
        for item in v["catalogue"]:
            rows.append((item["id"], (clip(item["name"], self._w(28, 44)), money(item["cost"]),
                                      clip(item["origin"], 10),
                                      f"{item['lead_time']} turns", self._arrival(item["arrives"], brief=True))))
        self._fill("tm-catalogue", rows)
        self.show_item_detail()
        drafts = [o for o in me["orders"] if o["status"] == "draft"]
        basket = Text()
        if drafts:
            basket.append(f"Basket: {len(drafts)} draft order(s), {money(sum(o['cost'] for o in drafts))} {unit}",
                          style="bold")
            basket.append(" (binding when you submit; x withdraws one free)")
        elif me["submitted"]:
            basket.append("Submitted: your orders are binding; the basket opens again next turn", style="bold")
        elif v["phase"] != "deliberation" or v["status"] != "running":
            basket.append("Basket empty: orders open in deliberation", style="bold")
        else:
            basket.append("Basket empty: o orders the selected item", style="bold")
        basket.append(f" · money left {money(me['budget']['money'])} {unit}")
        self._show("tm-basket", basket)
        rank = {"draft": 0, "ordered": 1, "delivered": 2, "cancelled": 3}
        rows = []
        for o in sorted(me["orders"], key=lambda o: (rank.get(o["status"], 4), o["due"], o["id"])):
            if o["status"] == "draft":
                status = Text("DRAFT (basket)", style="bold")
            elif o["status"] == "delivered":
                status = Text(f"delivered turn {o['delivered']}")
            elif o["status"] == "ordered":
                status = Text("ordered" + (" (earlier)" if o["backlog"] else ""))
            else:
                status = Text(o["status"], style="dim")
            due = "-" if o["status"] in ("delivered", "cancelled") else self._arrival(o["due"], brief=True)
            rows.append((o["id"], (clip(o["name"], self._w(28, 44)), str(o["quantity"]), money(o["cost"]), status,
                                   due, o["id"])))
        self._fill("tm-orders", rows)

    def _item(self, item_id: str | None) -> dict | None:
        return next((i for i in self.view["catalogue"] if i["id"] == item_id), None) if self.view else None

    @on(DataTable.RowHighlighted, "#tm-catalogue")
    def show_item_detail(self) -> None:
        item = self._item(self._selected("tm-catalogue"))
        out = Text()
        if item is not None:
            out.append(item["name"], style="bold")
            out.append(f" · capacity {item['capacity']} a turn, at most {item['max_quantity']} an order, "
                       f"{pct(item['cancel_penalty'])} lost if cancelled once binding\n")
            out.append(item["description"] or "")
        self._show("tm-item-detail", out)

    def render_commands(self) -> None:
        v, me = self.view, self.view["me"]
        mine = set(me["allies"])
        rows = []
        for c in sorted(v["commands"], key=lambda c: (not self._involved(c), c["name"])):
            led = c["lead_name"] or "nobody"
            if c["lead_team"] == me["id"]:
                led += " (you)"
            elif c["lead_team"]:
                led += f" ({self._team_name(c['lead_team'])})"
            ours = [a for a in c["allies"] if a in mine]
            forces = [f for f in c["forces"] if f["team"] == me["id"] and f["amount"]]
            points = f"{num(sum(f['amount'] for f in forces))} in {len(forces)}" if forces else "-"
            name = Text(clip(c["name"], self._w(30, 44)), style="bold" if self._involved(c) else "")
            rows.append((c["id"], (name, clip(led, 26), points, ", ".join(ours) or "-")))
        self._fill("tm-commands", rows)
        self.show_command_detail()

    def _involved(self, c: dict) -> bool:
        me = self.view["me"]
        return (c["lead_team"] == me["id"] or any(a in me["allies"] for a in c["allies"])
                or any(f["team"] == me["id"] and f["amount"] for f in c["forces"]))

    def _command(self, cid: str | None) -> dict | None:
        return next((c for c in self.view["commands"] if c["id"] == cid), None) if self.view else None

    @on(DataTable.RowHighlighted, "#tm-commands")
    def show_command_detail(self) -> None:
        me = self.view["me"] if self.view else None
        c = self._command(self._selected("tm-commands"))
        out = Text()
        if me is not None:
            out.append(f"Staff officers: {me['staff_used']} of {me['staff']} in use · "
                       "a assigns forces, l takes the lead, g hands it back\n", style="italic")
        if c is not None:
            names = {a["id"]: a["name"] for a in self.view["allies"]}
            out.append(c["name"], style="bold")
            out.append(f" · {c['area']}\n" if c["area"] else "\n")
            ours = [names.get(a, a) for a in c["allies"] if a in me["allies"]]
            out.append(f"Leading it costs {num(c['lead_cost'])} {self.view['unit']} a turn and {c['lead_staff']} "
                       "staff officers. Your allies in it: " + (", ".join(ours) or "none") + "\n")
            by_team: dict[str, list[str]] = {}
            for f in c["forces"]:
                if f["amount"]:
                    by_team.setdefault(f["team"], []).append(f"{self._track_name(f['capability'])} {num(f['amount'])}")
            own = by_team.pop(me["id"], [])
            out.append("Your forces: " + ("; ".join(own) if own else "none assigned") + "\n")
            for team, items in by_team.items():
                out.append(f"{self._team_name(team)}: " + "; ".join(items) + "\n")
        self._show("tm-command-detail", out)

    def render_tracks(self) -> None:
        v, me = self.view, self.view["me"]
        assigned: dict[str, float] = {}
        for c in v["commands"]:
            for f in c["forces"]:
                if f["team"] == me["id"]:
                    assigned[f["capability"]] = assigned.get(f["capability"], 0.0) + f["amount"]
        rows = []
        for t in v["team_tracks"]:
            value = t["values"].get(me["id"], 0.0)
            others = " · ".join(f"{self._team_name(team)} {val:.1f}" for team, val in t["values"].items()
                                if team != me["id"])
            rows.append((t["id"], (clip(t["name"], 34), f"{value:.1f}", clip(t["bands"].get(me["id"], ""), 28),
                                   num(assigned.get(t["id"], 0.0)), "(private)" if t["private"] else others)))
        self._fill("tm-team-tracks", rows)
        rows = [(t["id"], (clip(t["name"], 34), f"{t['value']:.1f}", clip(t["band"], 44),
                           f"{num(t['min'])}-{num(t['max'])}"))
                for t in v["tracks"]]
        self._fill("tm-world-tracks", rows)

    def render_briefing(self) -> None:
        v, me = self.view, self.view["me"]
        parts = []
        out = v.get("outcome")
        if out:
            parts.append(f"## Outcome: {md(out['name'])}\n\n{out.get('text', '')}")
        parts.append(f"## {md(me['name'])}\n\n{me['briefing'] or '(no team briefing)'}")
        if me["objectives"]:
            parts.append("## Your objectives\n\n" + "\n".join(
                f"- **{md(o['name'])}**" + (f": {o['description']}" if o["description"] else "") for o in me["objectives"]))
        parts.append(f"## The scenario: {md(v['scenario']['title'])}\n\n{v['scenario']['briefing']}")
        text = "\n\n".join(parts)
        if text != self._briefing:
            self._briefing = text
            self.query_one("#tm-briefing", Markdown).update(text)

    def _tick(self) -> None:
        if self.view and getattr(self.app, "timer_text", lambda: "")() != self._timer:
            self.render_status()

    # -- acting -------------------------------------------------------------------------
    async def send(self, command) -> bool:
        """Through the port (engine and journal); a refusal becomes a notification."""
        try:
            await self.port.send(command)
        except engine.Rejected as e:
            self.notify(str(e), title="Not done", severity="error", timeout=8, markup=False)
            return False
        except JournalError as e:
            self.notify(str(e), title="Not saved", severity="error", timeout=20, markup=False)
            return False
        except OSError as e:
            self.notify(str(e), title="Not sent", severity="error", timeout=12, markup=False)
            return False
        self.refresh_view()
        return True

    def _me(self) -> str:
        return self.port.team

    def _connection(self) -> str:
        """The network port's status ("connected", "reconnecting… (attempt 2)"), or "local" hot-seat."""
        return getattr(self.port, "status", "local")

    def _warning(self) -> str:
        """A line for forms opened when they will not be done (no connection, not deliberation)."""
        v = self.view
        status = self._connection()
        if status not in ("local", "connected"):
            return f"Not connected to the server ({status}): this will not be sent until it says connected.\n"
        if v["status"] != "running":
            return "The exercise is not running: this will be refused.\n"
        if v["paused"]:
            return "The exercise is paused: this will be refused until it resumes.\n"
        if v["me"]["submitted"]:
            return "You have submitted for this turn: this will be refused.\n"
        if v["phase"] != "deliberation":
            return f"Teams act in deliberation (now: {v['phase_name']}): this will be refused.\n"
        return ""

    def action_tab(self, tab: str) -> None:
        self.query_one("#tm-tabs", TabbedContent).active = tab
        table = {"inbox": "#tm-inbox", "budget": "#tm-allies", "procurement": "#tm-catalogue",
                 "commands": "#tm-commands", "tracks": "#tm-team-tracks"}.get(tab)
        if table:
            self.query_one(table, DataTable).focus()
        else:
            self.query_one("#tm-briefing-scroll").focus()

    def action_help(self) -> None:
        self.app.push_screen(TextModal("Help: the team console", HELP))

    def action_back(self) -> None:
        if self.hot_seat:
            self.app.pop_screen()

    @on(DataTable.RowSelected, "#tm-inbox")
    def _inbox_clicked(self) -> None:
        self.action_answer()

    @on(DataTable.RowSelected, "#tm-catalogue")
    def _catalogue_clicked(self) -> None:
        self.action_order()

    @work(exclusive=True, group="team-action")
    async def action_answer(self, _shown: int = 0) -> None:
        inj = self._inject(self._selected("tm-inbox"))
        if inj is None or not inj["options"]:
            pending = self.view["me"]["pending"]
            if pending:
                self.action_tab("inbox")
                self.notify("Select an open decision in the Inbox, then press enter.")
            else:
                self.notify("No decision waits for an answer." if inj is None else
                            "This inject asks no decision: r reads it in full.")
            return
        if inj["answer"] is not None:
            label = next((o["label"] for o in inj["options"] if o["id"] == inj["answer"]), inj["answer"])
            self.notify(f"Already answered: {label}", markup=False)
            return
        default = next((o["id"] for o in inj["options"] if o["default"]), None)
        lines = [inj["synopsis"] or inj["text"][:300]] if (inj["synopsis"] or inj["text"]) else []
        for o in inj["options"]:
            lines.append(f"• {o['label']}" + (" (default)" if o["default"] else "")
                         + (f": {o['text']}" if o["text"] else ""))
        if default is not None:
            lines.append("If you do not answer before the turn moves on, the default is taken.")
        options = tuple((o["label"] + (" (default)" if o["default"] else ""), o["id"]) for o in inj["options"])
        form = await self.app.push_screen_wait(FormModal(
            f"Decide: {inj['title']}", [Field("option", "Your decision", "select", options, default=default)],
            "Decide", intro=self._warning() + "\n".join(lines)))
        if form and await self.send(cm.Answer(self._me(), self._me(), inj["id"], form["option"])):
            label = next(o["label"] for o in inj["options"] if o["id"] == form["option"])
            self.notify(f"{inj['title']}: {label}", title="Decided", markup=False)
            keys = [k for k, _ in self._rows.get("tm-inbox", [])]
            following = [k for k in keys if k in self.view["me"]["pending"]]
            if following:  # on to the next open decision
                self.query_one("#tm-inbox", DataTable).move_cursor(row=keys.index(following[0]))

    def action_read(self, _shown: int = 0) -> None:
        if self.focused is self.query_one("#tm-actions", DataTable):
            aid = self._selected("tm-actions")
            a = next((a for a in self.view["me"]["actions"] if a["id"] == aid), None)
            if a is not None:
                self.app.push_screen(TextModal(f"Action {a['id']} (turn {a['turn']})", self._action_page(a)))
                return
        inj = self._inject(self._selected("tm-inbox"))
        if inj is None:
            self.notify("Nothing to read: your inbox is empty.")
            return
        body = f"*From {inj['from']}, via {inj['channel']}, turn {inj['turn']}*\n\n{inj['text'] or inj['synopsis']}"
        if inj["options"]:
            body += "\n\n**Options**\n\n" + "\n".join(
                f"- **{md(o['label'])}**" + (" *(default)*" if o["default"] else "")
                + (f": {md(o['text'])}" if o["text"] else "")
                for o in inj["options"])
            if inj["answer"] is not None:
                label = next((o["label"] for o in inj["options"] if o["id"] == inj["answer"]), inj["answer"])
                body += f"\n\n**Your decision:** {md(label)}" + (" (the default, taken for you)"
                                                              if inj["answered_by_default"] else "")
        self.app.push_screen(TextModal(inj["title"], body))

    @staticmethod
    def _action_page(a: dict) -> str:
        body = (f"**Action:** {md(a['action'])}\n\n**Intended result:** {md(a['result'] or '-')}\n\n"
                f"**Reasons:** {md(a['reasons'] or '-')}")
        if a["likelihood"] is None:
            body += "\n\n*Waiting for the facilitator's adjudication.*"
        else:
            outcome = "SUCCESS" if a["success"] else "FAILURE"
            roll = f", roll {round(a['roll'] * 100)}" if a["roll"] is not None else ""
            body += f"\n\n**Adjudication:** {a['likelihood']} % likely{roll}: **{outcome}**"
            if a["rationale"]:
                body += f"\n\n**Why:** {md(a['rationale'])}"
        return body

    @work(exclusive=True, group="team-action")
    async def action_argue(self, _shown: int = 0) -> None:
        form = await self.app.push_screen_wait(FormModal("Argue an action", [
            Field("action", "What your team does"),
            Field("result", "The result you intend", required=False),
            Field("reasons", "Why it would work (reasons, precedents, means)", "multiline", required=False),
        ], "Argue", intro=self._warning() + "The facilitator judges how likely it is and rolls; "
                          "the result appears in the Inbox tab."))
        if form and await self.send(cm.Argue(self._me(), self._me(), form["action"], form["result"] or "",
                                       form["reasons"] or "")):
            self.notify("Sent to the facilitator for adjudication.", title="Action argued")

    @work(exclusive=True, group="team-action")
    async def action_budget(self, _shown: int = 0) -> None:
        v, b = self.view, self.view["me"]["budget"]
        fields = []
        for c in v["categories"]:
            share = b["categories"].get(c["id"], {}).get("share", 0.0)
            limit = ""
            if c["id"] == b["procurement"] and b["invest_limit"] is not None:
                limit = f"; at most {pct(b['invest_limit'])} this turn"
            fields.append(Field(c["id"], f"{c['name']}: % of the budget, {num(c['min_share'] * 100)} to "
                                f"{num(c['max_share'] * 100)}{limit}", "number", default=num(share * 100)))
        now = ", ".join(f"{c['name']} {pct(b['categories'].get(c['id'], {}).get('share', 0.0))}"
                        for c in v["categories"])
        intro = (self._warning() + f"Budget this turn: {money(b['total'])} {v['unit']}. "
                 f"Now: {now} (total 100 %). The new shares must add up to 100 %.")
        form = await self.app.push_screen_wait(FormModal("Budget split", fields, "Allocate", intro=intro))
        if not form:
            return
        total = sum(form.values())
        shares = {cid: round(value / 100, 6) for cid, value in form.items()}
        if await self.send(cm.Allocate(self._me(), self._me(), shares)):
            self.notify(", ".join(f"{c['name']} {pct(shares[c['id']])}" for c in v["categories"]),
                        title="Budget split", markup=False)
        elif abs(total - 100) > 1e-6:
            self.notify(f"Your shares added up to {num(total)} %.", severity="warning", markup=False)

    @work(exclusive=True, group="team-action")
    async def action_spending(self, _shown: int = 0) -> None:
        v, me = self.view, self.view["me"]
        if not me["allies"]:
            self.notify("Your team plays no ally.")
            return
        aid = self._selected("tm-allies") or me["allies"][0]
        ally = next(a for a in v["allies"] if a["id"] == aid)
        lo, hi = me["budget"]["spending_limits"].get(aid, (None, None))
        allowed = f" This turn it may go from {num(lo)} to {num(hi)} % of GDP" if lo is not None else ""
        intro = (self._warning() + f"{ally['name']} spends {num(ally['spending'])} % of its GDP "
                 f"({ally['gdp']:,.0f} {v['unit']}) on defence.{allowed}, in steps of 0.1. "
                 "Select another ally in the Budget tab to change that one.")
        form = await self.app.push_screen_wait(FormModal(f"Defence spending: {ally['name']}", [
            Field("spending", "New spending (% of GDP)", "number", default=num(ally["spending"]),
                  help=f"allowed this turn: {num(lo)} to {num(hi)}" if lo is not None else "")],
            "Set spending", intro=intro))
        if form and await self.send(cm.SetSpending(self._me(), self._me(), aid, form["spending"])):
            self.notify(f"{ally['name']}: {num(form['spending'])} % of GDP", title="Spending set", markup=False)

    @work(exclusive=True, group="team-action")
    async def action_order(self, _shown: int = 0) -> None:
        v, me = self.view, self.view["me"]
        item = self._item(self._selected("tm-catalogue"))
        if item is None:
            self.notify("The catalogue is empty.")
            return
        unit, cash = v["unit"], me["budget"]["money"]
        affordable = int((cash + 1e-9) // item["cost"]) if item["cost"] > 0 else item["max_quantity"]
        intro = (self._warning() + f"{item['name']}, from {item['origin']}: "
                 f"{money(item['cost'])} {unit} a unit, lead time {item['lead_time']} turns.\n"
                 f"One unit ordered now arrives in {self._arrival(item['arrives'])}"
                 f" (later units may wait for production capacity, {item['capacity']} a turn).\n"
                 f"Money left: {money(cash)} {unit} (enough for {affordable}). At most {item['max_quantity']} "
                 "in one order. The order is a draft until you submit.")
        form = await self.app.push_screen_wait(FormModal(f"Order: {item['name']}", [
            Field("quantity", "Quantity", "integer", default=1, minimum=1)], "Order", intro=intro))
        before = {o["id"] for o in me["orders"]}
        if form and await self.send(cm.PlaceOrder(self._me(), self._me(), item["id"], form["quantity"])):
            placed = next((o for o in self.view["me"]["orders"] if o["id"] not in before), None)
            due = f", due {self._arrival(placed['due'])}" if placed else ""
            self.notify(f"{form['quantity']} × {item['name']} in the basket{due}", title="Draft order",
                        markup=False)

    @work(exclusive=True, group="team-action")
    async def action_withdraw(self, _shown: int = 0) -> None:
        v = self.view
        oid = self._selected("tm-orders")
        order = next((o for o in v["me"]["orders"] if o["id"] == oid), None)
        if order is None:
            self.notify("No order to withdraw or cancel: select one in the Procurement tab.")
            self.action_tab("procurement")
            return
        unit = v["unit"]
        what = f"{order['quantity']} × {order['name']} ({order['id']}, {money(order['cost'])} {unit})"
        if order["status"] == "draft":
            ok = await self.app.push_screen_wait(ConfirmModal(
                "Withdraw the draft order?", f"{what}\nA draft is withdrawn free: the money returns.",
                "Withdraw"))
        elif order["status"] == "ordered" and not order["backlog"]:
            item = self._item(order["item"]) or {"cancel_penalty": 0.0}
            lost = order["cost"] * item["cancel_penalty"]
            ok = await self.app.push_screen_wait(ConfirmModal(
                "Cancel a binding order?",
                    f"{what}\nThis order is binding: cancelling it loses {pct(item['cancel_penalty'])} of its cost "
                    f"({money(lost)} {unit}); {money(order['cost'] - lost)} {unit} comes back.", "Cancel order"))
        else:
            ok = True  # delivered, cancelled or placed before the exercise: let the engine say why not
        if ok and await self.send(cm.CancelOrder(self._me(), self._me(), order["id"])):
            self.notify(what, title="Withdrawn" if order["status"] == "draft" else "Cancelled", markup=False)

    def _selected_command(self) -> dict | None:
        c = self._command(self._selected("tm-commands"))
        if c is None:
            self.notify("No command to act on.")
        return c

    @work(exclusive=True, group="team-action")
    async def action_assign(self, _shown: int = 0) -> None:
        v, me = self.view, self.view["me"]
        c = self._selected_command()
        if c is None:
            return
        if not v["team_tracks"]:
            self.notify("This scenario has no capabilities to assign.")
            return
        here: dict[str, float] = {}
        elsewhere: dict[str, float] = {}
        for com in v["commands"]:
            for f in com["forces"]:
                if f["team"] == me["id"]:
                    bucket = here if com["id"] == c["id"] else elsewhere
                    bucket[f["capability"]] = bucket.get(f["capability"], 0.0) + f["amount"]
        options = []
        for t in v["team_tracks"]:
            have = t["values"].get(me["id"], 0.0)
            options.append((f"{t['name']}: {num(have)} in all, {num(here.get(t['id'], 0))} here, "
                            f"{num(elsewhere.get(t['id'], 0))} elsewhere", t["id"]))
        tracks_tab = self._tab() == "tracks"
        default = self._selected("tm-team-tracks") if tracks_tab else None
        default = default or next((cap for cap, amt in here.items() if amt), v["team_tracks"][0]["id"])
        form = await self.app.push_screen_wait(FormModal(f"Assign forces to {c['name']}", [
            Field("capability", "Capability", "select", tuple(options), default=default),
            Field("amount", "Points assigned to this command (0 withdraws)", "number",
                  default=num(here.get(default, 0.0))),
        ], "Assign", intro=self._warning() + "The amount replaces what this capability has here now."))
        if form and await self.send(cm.Assign(self._me(), self._me(), c["id"], form["capability"], form["amount"])):
            self.notify(f"{self._track_name(form['capability'])} {num(form['amount'])} to {c['name']}",
                        title="Forces assigned", markup=False)

    @work(exclusive=True, group="team-action")
    async def action_lead(self, _shown: int = 0) -> None:
        v, me = self.view, self.view["me"]
        c = self._selected_command()
        if c is None:
            return
        names = {a["id"]: a["name"] for a in v["allies"]}
        inside = [a for a in me["allies"] if a in c["allies"]]
        options = tuple((names.get(a, a) + (" (in this command)" if a in inside else ""), a) for a in me["allies"])
        if not options:
            self.notify("Your team plays no ally that could lead.")
            return
        led = c["lead_name"] or "nobody"
        if c["lead_team"] and c["lead_team"] != me["id"]:
            led += f" ({self._team_name(c['lead_team'])})"
        intro = (self._warning() + f"{c['name']} is led by {led}. Leading it costs "
                 f"{num(c['lead_cost'])} {v['unit']} a turn and {c['lead_staff']} staff officers; "
                 f"you have {me['staff'] - me['staff_used']} free.")
        form = await self.app.push_screen_wait(FormModal(f"Take the lead of {c['name']}", [
            Field("ally", "Which of your allies leads it", "select", options, default=(inside or me["allies"])[0])],
            "Take the lead", intro=intro))
        if form and await self.send(cm.TakeLead(self._me(), self._me(), c["id"], form["ally"])):
            self.notify(f"{names.get(form['ally'], form['ally'])} leads {c['name']}", title="Lead taken",
                        markup=False)

    @work(exclusive=True, group="team-action")
    async def action_hand_back(self, _shown: int = 0) -> None:
        c = self._selected_command()
        if c is None:
            return
        if c["lead_team"] == self.view["me"]["id"]:
            ok = await self.app.push_screen_wait(ConfirmModal(
                "Hand back the lead?", f"{c['lead_name']} stops leading {c['name']} for your team.",
                "Hand back"))
        else:
            ok = True  # not ours: the engine says so
        if ok and await self.send(cm.HandBack(self._me(), self._me(), c["id"])):
            self.notify(f"You no longer lead {c['name']}", title="Lead handed back", markup=False)

    @work(exclusive=True, group="team-action")
    async def action_submit(self) -> None:
        v, me = self.view, self.view["me"]
        if not self._warning():
            lines = ["Your draft orders become binding and you cannot act again this turn."]
            open_ = [i for i in me["inbox"] if i["id"] in me["pending"]]
            if open_:
                lines.append("\nOpen decisions (they will take their default):")
                for inj in open_:
                    default = next((o["label"] for o in inj["options"] if o["default"]), "the default")
                    lines.append(f"  • {inj['title']} → {default}")
            else:
                lines.append("\nNo decision is open.")
            drafts = [o for o in me["orders"] if o["status"] == "draft"]
            if drafts:
                lines.append(f"\nDraft orders that become binding ({money(sum(o['cost'] for o in drafts))} "
                             f"{v['unit']}):")
                for o in drafts:
                    lines.append(f"  • {o['quantity']} × {o['name']}, {money(o['cost'])} {v['unit']}, "
                                 f"due {self._arrival(o['due'])}")
            else:
                lines.append("\nNo draft order.")
            if not await self.app.push_screen_wait(ConfirmModal(
                    f"Submit for turn {v['turn']}?", "\n".join(lines), "Submit")):
                return
        # when the view says it cannot be accepted, the engine's refusal explains why
        if await self.send(cm.Submit(self._me(), self._me())):
            self.notify("Waiting for the facilitator to close deliberation.", title="Submitted")
