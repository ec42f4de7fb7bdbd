"""The team console's screen: what one team sees and does, through its port and nothing else.

Everything on this screen comes from `port.view()` (the team's player view) and every
action is a command sent with `port.send()`: the engine decides, the journal records,
and only then does the screen show the change (it re-renders when the port says the
view changed). The screen holds no rules: when the engine refuses a command, its reason
is shown as a notification. The same screen runs hot-seat (a LocalTeamPort inside the
facilitator's app) and over the network (`exercise join`).

The screen composes one widget per tab (team/inbox.py ... team/briefing.py), hands each
the view, and keeps what is screen-wide: the status bar and banner, switching tabs, help,
submit and back. Each tab owns its keys; the screen relays them from the other tabs, so
every key works on every tab (the footer shows a tab's own, or all on a wide terminal).
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from exercise import engine
from exercise.engine import commands as cm
from exercise.engine.view_types import PlayerView
from exercise.journal.log import JournalError
from exercise.tui.base import ShownTabFocus
from exercise.tui.footer import FitFooter
from exercise.tui.keyhelp import KeyHelp, neutral_slots, phase_slots, word_slots, worded
from exercise.tui.modals import ConfirmModal, FormModal, TextModal, feedback_command, feedback_fields
from exercise.tui.team.base import COMMAND_KEYS, WIDE, Link, ShowTab, TeamTab, can_now
from exercise.tui.team.briefing import BriefingTab
from exercise.tui.team.budget import BudgetTab
from exercise.tui.team.commands import CommandsTab
from exercise.tui.team.format import arrival, money, not_now
from exercise.tui.team.inbox import InboxTab
from exercise.tui.team.ledger import LedgerTab
from exercise.tui.team.procurement import ProcurementTab
from exercise.tui.team.tracks import TracksTab
from exercise.tui.text import md, plain_tree
from exercise.words import short

TABS = (  # id, label, widget
    ("inbox", "1 Inbox", InboxTab),
    ("budget", "2 Budget", BudgetTab),
    ("procurement", "3 {Procurement}", ProcurementTab),  # in the scenario's words (keyhelp.worded)
    ("commands", "4 {Commands}", CommandsTab),
    ("tracks", "5 Tracks", TracksTab),
    ("briefing", "6 Briefing", BriefingTab),
    ("ledger", "7 Ledger", LedgerTab),
)
FOCUS = {"inbox": "#tm-inbox", "budget": "#tm-allies", "procurement": "#tm-catalogue",
         "commands": "#tm-commands", "tracks": "#tm-team-tracks", "ledger": "#tm-ledger"}  # the table a tab focuses
NARROW = 110  # below this width columns clip more


def _relays() -> tuple[list[Binding], dict[str, str]]:
    """The screen's copies of the tabs' keys, so that each works from every tab: a shown one
    (in the footer on its tab, or on a wide terminal) and an unshown one; and which tab owns
    each action. enter (priority) is not relayed: elsewhere it belongs to the tables."""
    bindings: list[Binding] = []
    owner: dict[str, str] = {}
    for tab, _label, widget in TABS:
        for b in widget.BINDINGS:
            assert isinstance(b, Binding)
            if b.priority or b.action in owner and owner[b.action] != tab:
                continue  # the first tab with an action owns it (Tracks' assign is Commands')
            owner[b.action] = tab
            if b.show:
                bindings.append(Binding(b.key, f"relay('{b.action}', 1)", b.description, key_display=b.key_display))
            bindings.append(Binding(b.key, f"relay('{b.action}')", b.description, show=False,
                                    key_display=b.key_display))
    return bindings, owner


RELAYS, OWNER = _relays()


# what a forced close of deliberation did to a team that had not submitted (flow._close_deliberation)
FORCED = ("Any decision still open took its default and any draft order was withdrawn, its money "
          "back in full (the Ledger tab, 7, lists them).")


class TeamScreen(ShownTabFocus, KeyHelp, Screen):
    """One team's console: inbox, budget, procurement, commands, tracks, briefing, ledger."""

    HELP_TITLE = "Help: the team console"
    HELP_INTRO = """\
**Your team's console.** It shows only what your team may see. Keys are in the footer (each
tab shows its own); every action is also in the command palette (**ctrl+p**). The mouse
works too: click a tab, click a row twice to answer it (Inbox) or order it ({Procurement}).
Every tab's key works from any tab.
"""
    HELP_OUTRO = """\
**A turn**: {phases}. You act in **{deliberation}**; when you are done, submit and wait
for the facilitator. Everything you do is checked by the rules and saved before the screen
shows it; when the rules refuse, a notification says why.
"""
    TABS_ID = "tm-tabs"
    # submit ends a team's turn, f is what is left to do at the end: the footer keeps them on a narrow screen
    FOOTER_KEEP = ("s", "f")
    OWN_KEYS = [
        Binding("s", "submit", "Submit", tooltip="submit: drafts become binding, open decisions take their default"),
        Binding("f", "feedback", "Feedback", tooltip="after the end: the participant feedback form, one per participant"),
        Binding("escape", "back", "Back", tooltip="back to the facilitator's console (hot-seat)"),
        Binding("question_mark", "help", "Help", key_display="?", tooltip="this help"),
    ]
    BINDINGS = [
        *RELAYS,
        *OWN_KEYS,
        *[Binding(str(i), f"tab('{tab}')", label, show=False) for i, (tab, label, _) in enumerate(TABS, 1)],
    ]

    class PortChanged(Message):
        """The port says the view may have changed (posted from any thread)."""

    def __init__(self, port, hot_seat: bool = False):
        super().__init__()
        self.port = port
        self.hot_seat = hot_seat
        self.view: PlayerView | None = None
        self._texts: dict[str, object] = {}
        self._pending = False
        self._unsubscribe = None
        self._footer: tuple | None = None
        self._refusal = ""  # why the last command was refused: a form reopens with it and what was typed
        self._offline = False

    # -- layout -------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal(id="tm-statusbar"):
            yield Static("", id="tm-where")
            yield Static("", id="tm-money")
        yield Static("", id="tm-banner")
        link = Link(self.send, self._connection, lambda: self._refusal)
        with TabbedContent(initial="inbox", id="tm-tabs"):
            for tab, label, widget in TABS:
                with TabPane(worded(label), id=tab):  # named in the scenario's words with the view
                    extra = {"id": "tm-briefing-scroll"} if tab == "briefing" else {}
                    yield widget(link, classes="tm-pane", **extra)
        yield FitFooter()

    def on_mount(self) -> None:
        self._unsubscribe = self.port.subscribe(self._port_changed)
        self.refresh_view()
        self.query_one("#tm-inbox", DataTable).focus()
        if hasattr(self.app, "timer"):  # the app reads its clock; this screen is told when the text changes
            self.watch(self.app, "timer", self._timer_changed, init=False)

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
        narrow = self.size.width < NARROW
        for tab in self._tabs():
            tab.narrow = narrow  # re-renders with the columns clipped differently

    # -- which keys the footer shows ------------------------------------------------------
    def _tab(self) -> str:
        return self.query_one("#tm-tabs", TabbedContent).active

    def _tabs(self) -> list[TeamTab]:
        return [self._tab_widget(tab) for tab, _label, _widget in TABS]

    def _tab_widget(self, tab: str) -> TeamTab:
        widget = self.query_one(f"#{tab} > .tm-pane")
        assert isinstance(widget, TeamTab)
        return widget

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return self.hot_seat
        if not can_now(self.view, str(parameters[0]) if action == "relay" and parameters else action):
            return False  # after the end, nothing to answer, argue, order or submit: no key offers it
        if action == "relay" and len(parameters) == 2:  # the shown copy of a tab's key
            try:
                tab = self._tab()
            except NoMatches:
                return False
            name = str(parameters[0])
            return (self.size.width >= WIDE or tab == OWNER[name]
                    or hasattr(self._tab_widget(tab), f"action_{name}"))
        return True

    @on(TabbedContent.TabActivated, "#tm-tabs")
    def _tab_changed(self, event: TabbedContent.TabActivated) -> None:
        self._keys_changed()
        self.call_later(self._refocus_shown_tab)  # a table of the tab left behind keeps no focus

    def _keys_changed(self) -> None:
        """Refresh the footer when what it shows changes (a tab, a wide terminal, the end, a
        lead request to answer), not more."""
        try:
            state = (self._tab(), self.size.width >= WIDE, self.view is not None and self.view.status,
                     can_now(self.view, "answer_request"))
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
        if view.me.forced and not (self.view is not None and self.view.me.forced):
            # told once, as it happens (the banner keeps saying it until the next turn)
            self.notify(FORCED, title="Closed by the facilitator", severity="warning", timeout=20, markup=False)
        self.view = view
        self._name_tabs(view)
        self.render_status()
        self._keys_changed()
        narrow = self.size.width < NARROW
        for tab in self._tabs():
            tab.narrow = narrow
            tab.view = view

    def _name_tabs(self, view: PlayerView) -> None:
        """The tabs in the scenario's own words ([words]: '3 Purchases'); no Commands tab where
        the scenario has no commands (a scenario outside defence)."""
        w, has = view.words, bool(view.commands)
        if self._texts.get("tm-tab-names") == (w, has):
            return
        self._texts["tm-tab-names"] = (w, has)
        tabs = self.query_one("#tm-tabs", TabbedContent)
        tabs.get_tab("procurement").label = f"3 {w.cap('procurement')}"
        tabs.get_tab("commands").label = f"4 {w.cap('commands')}"
        if has:
            tabs.show_tab("commands")
        else:
            tabs.hide_tab("commands")

    def _show(self, static_id: str, content: Text | str) -> None:
        """Update a Static only when its text changed (an update costs a layout)."""
        key = (content.plain, str(content.style), tuple(content.spans)) if isinstance(content, Text) else content
        if self._texts.get(static_id) != key:
            self._texts[static_id] = key
            self.query_one(f"#{static_id}", Static).update(content)

    def render_status(self) -> None:
        assert self.view is not None  # the screen sets it before anything renders or acts
        v, me = self.view, self.view.me
        if v.status == "ready":
            where = "not started"
        elif v.status == "ended":
            where = "ended"
        else:
            label = f" {v.turn_label}" if v.turn_label else ""
            where = f"Turn {v.turn}/{v.turns}{label} · {v.phase_name}"
        self._show("tm-where", Text(f"{short(me.name)} · {where}"))
        right = [f"Money {money(me.budget.money)} {v.unit}"]
        timer = getattr(self.app, "timer", "")
        if timer:
            right.append(timer)
        if v.paused:
            right.append("PAUSED")
        status = self._connection()
        if status != "local":
            right.append(status)
        self.set_class(status not in ("local", "connected"), "-offline")
        self._show("tm-money", Text(" · ".join(right)))

        drafts = [o for o in me.orders if o.status == "draft"]
        if v.status == "ready":
            state, text = "closed", "The exercise has not started yet. Read your briefing (6) while you wait."
        elif v.status == "ended":
            state, text = ("ended", (f"The exercise has ended: {v.outcome.name}. The outcome is in 6 Briefing."
                           if v.outcome else f"The exercise has ended; {v.words.verdict_by} is judging the verdict.")
                           + " Press f to give your feedback.")
        elif v.paused:
            state, text = "paused", "PAUSED by the facilitator: look around; you can act again once it resumes."
        elif me.forced:
            state, text = "waiting", (f"CLOSED BY THE FACILITATOR before you submitted turn {v.turn}. "
                                      + FORCED + " You act again next turn.")
        elif me.submitted:
            state, text = "waiting", (f"SUBMITTED — waiting for the facilitator. Your orders for turn {v.turn} "
                                      "are binding; you act again next turn.")
        elif v.phase == "deliberation":
            bits = [f"{len(me.pending)} decision(s) open" if me.pending else "no decision open"]
            if drafts:
                bits.append(f"{len(drafts)} draft order(s), {money(sum(o.cost for o in drafts))} {v.unit}")
            state, text = "open", "Deliberation: decide, order, then press s to submit · " + " · ".join(bits)
        else:
            state, text = "closed", (f"Orders and decisions open in {phase_slots(v.phases)['deliberation']} "
                                     f"(now: {v.phase_name}). Read your inbox and plan.")
        self._show("tm-banner", Text(text))
        banner = self.query_one("#tm-banner", Static)
        for s in ("closed", "ended", "paused", "waiting", "open"):
            banner.set_class(s == state, f"-{s}")
        self.set_class(v.paused, "-paused")

    def _timer_changed(self, _text: str) -> None:
        if self.view:
            self.render_status()

    # -- acting -------------------------------------------------------------------------
    async def send(self, command) -> bool:
        """Through the port (engine and journal); a refusal becomes a notification."""
        self._refusal = ""
        try:
            await self.port.send(command)
        except engine.Rejected as e:
            self._refusal = f"Not done: {e}"
            self.notify(str(e), title="Not done", severity="error", timeout=8, markup=False)
            return False
        except JournalError as e:
            self._refusal = f"Not saved: {e}"
            self.notify(str(e), title="Not saved", severity="error", timeout=20, markup=False)
            return False
        except OSError as e:
            self._refusal = f"Not sent: {e}"
            self.notify(str(e), title="Not sent", severity="error", timeout=12, markup=False)
            return False
        self.refresh_view()
        return True

    def _me(self) -> str:
        return self.port.team

    def _connection(self) -> str:
        """The network port's status ("connected", "reconnecting… (attempt 2)"), or "local" hot-seat."""
        return getattr(self.port, "status", "local")

    def action_relay(self, action: str, _shown: int = 0) -> None:
        """A tab's key pressed outside it: the tab shown acts if it has that action (Tracks'
        assign), else the tab that owns it (o orders the item selected in Procurement)."""
        tab = self._tab_widget(self._tab())
        if not hasattr(tab, f"action_{action}"):
            tab = self._tab_widget(OWNER[action])
        getattr(tab, f"action_{action}")()

    # the inbox's actions, for callers that drive the screen (the tab owns them)
    def action_answer(self) -> None:
        self.query_one(InboxTab).action_answer()

    def action_read(self) -> None:
        self.query_one(InboxTab).action_read()

    def on_show_tab(self, message: ShowTab) -> None:
        self.action_tab(message.tab)

    def on_tracks_tab_assign_capability(self, message: TracksTab.AssignCapability) -> None:
        self.query_one(CommandsTab).action_assign(message.capability)

    def action_tab(self, tab: str) -> None:
        if tab == "commands" and self.view is not None and not self.view.commands:
            self.notify(f"This scenario has no {self.view.words.commands}.", markup=False)
            return
        self.query_one("#tm-tabs", TabbedContent).active = tab
        if tab == "budget" and self.view is not None and not self.view.me.allies:
            self.query_one("#tm-categories", DataTable).focus()  # a team with funds only has no allies' table
        elif tab in FOCUS:
            self.query_one(FOCUS[tab], DataTable).focus()
        else:
            self.query_one("#tm-briefing-scroll").focus()

    @classmethod
    def help_groups(cls):
        """The screen's own keys and tabs, then each tab's keys under its name (written from
        the bindings: a key is described once, where its tab binds it)."""
        tabs = [b for b in cls.BINDINGS if isinstance(b, Binding) and b.action.startswith("tab(")]
        groups = [("", [*cls.OWN_KEYS, *tabs])]
        for _tab, label, widget in TABS:
            keys = [b for b in widget.__dict__.get("BINDINGS", ()) if isinstance(b, Binding) and b.description]
            if keys:
                groups.append((label.split(" ", 1)[1], keys))
        return groups

    def help_slots(self):
        v = self.view
        return neutral_slots() if v is None else word_slots(v.words, v.adversary)  # none yet: neutral words

    def help_outro(self) -> str:
        """A turn's phases as the scenario names them."""
        v = self.view
        slots = {k: md(x) for k, x in phase_slots(v.phases if v is not None else ()).items()}  # a pack's text
        return worded(self.HELP_OUTRO, slots)

    def help_hidden(self) -> tuple[str, ...]:
        """The keys of what this team's scenario lacks: commands to lead or assign to (and their
        tab), allies' spending to set, production capacity to buy."""
        v = self.view
        if v is None:
            return ()
        out: list[str] = []
        if not v.commands:
            out += [*COMMAND_KEYS, "tab('commands')"]
        if not v.me.allies:
            out.append("spending")
        if not v.me.expansions:
            out.append("expand")
        return tuple(out)


    def action_help(self) -> None:
        self.app.push_screen(TextModal(self.HELP_TITLE, self.help_text()))

    def action_back(self) -> None:
        if self.hot_seat:
            self.app.clear_notifications()  # this team's toasts stay with its seat
            self.app.pop_screen()

    @work(exclusive=True, group="team-action")
    async def action_feedback(self) -> None:
        """The participant feedback form; each participant at this terminal may send one."""
        values: dict | None = None
        while True:  # a refused form opens again with what was typed
            values = await self.app.push_screen_wait(FormModal(
                "Participant feedback", feedback_fields(values), "Send",
                intro="How did the exercise go for you? Every field is optional; the facilitator reads the "
                      "answers in the after-action report, without your team's name unless they choose to name it. "
                      "Ratings: 1 strongly disagree, 5 strongly agree."))
            if values is None:
                return
            if await self.send(feedback_command(self._me(), values)):
                self.notify("Thank you: your feedback is recorded. Another participant can press f for a "
                            "new form.", title="Feedback sent", timeout=10)
                return

    @work(exclusive=True, group="team-action")
    async def action_submit(self) -> None:
        assert self.view is not None  # the screen sets it before anything renders or acts
        v, me = self.view, self.view.me
        if not not_now(v, self._connection()):
            lines = ["Your draft orders become binding and you cannot act again this turn."]
            open_ = [i for i in me.inbox if i.id in me.pending]
            if open_:
                lines.append("\nOpen decisions (they will take their default):")
                for inj in open_:
                    default = next((o.label for o in inj.options if o.default), "the default")
                    lines.append(f"  • {inj.title} → {default}")
            else:
                lines.append("\nNo decision is open.")
            drafts = [o for o in me.orders if o.status == "draft"]
            if drafts:
                lines.append(f"\nDraft orders that become binding ({money(sum(o.cost for o in drafts))} "
                             f"{v.unit}):")
                for o in drafts:
                    lines.append(f"  • {o.quantity} × {o.name}, {money(o.cost)} {v.unit}, "
                                 f"due {arrival(v, o.due)}")
            else:
                lines.append("\nNo draft order.")
            if not await self.app.push_screen_wait(ConfirmModal(
                    f"Submit for turn {v.turn}?", "\n".join(lines), "Submit")):
                return
        # when the view says it cannot be accepted, the engine's refusal explains why
        if await self.send(cm.Submit(self._me(), self._me())):
            self.notify("Waiting for the facilitator to close deliberation.", title="Submitted")
