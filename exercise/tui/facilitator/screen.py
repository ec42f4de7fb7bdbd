"""The facilitator screen: the panels in their tabs, the status line and the turn flow.

It renders the facilitator view and turns keys into engine commands; the rules live in
the engine. Every command goes through the Session (journal first) before the screen
changes, so what is on screen is on disk. When the Session says something changed, the
screen computes the view once and shows it to every panel; the app's `timer` and
`connections` reactives are watched for the status line.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static, TabbedContent, TabPane

from exercise import engine
from exercise.engine import commands as cm
from exercise.engine.flow import force_losses
from exercise.engine.view_types import FacilitatorView
from exercise.tui.base import ShownTabFocus, console, in_hidden_tab
from exercise.tui.facilitator.actions import ActionsPanel
from exercise.tui.facilitator.injects import InjectsPanel
from exercise.tui.facilitator.log import LogPanel
from exercise.tui.facilitator.notes import NotesPanel
from exercise.tui.facilitator.panel import Panel, ShowTab, delegate_keys
from exercise.tui.facilitator.red import RedPanel, red_bot
from exercise.tui.facilitator.teams import CapabilitiesPanel, TeamsPanel
from exercise.tui.facilitator.wording import force_body
from exercise.tui.facilitator.world import WorldPanel
from exercise.tui.footer import FitFooter
from exercise.tui.keyhelp import KeyHelp, _class_bindings, word_slots
from exercise.tui.modals import ConfirmModal, Field, FormModal, TextModal
from exercise.tui.text import md, plain, plain_tree

PANELS: tuple[type[Panel], ...] = (InjectsPanel, ActionsPanel, TeamsPanel, WorldPanel, NotesPanel, RedPanel)
VERDICT_TIP = ("at the end, with a scorecard: confirm the proposed outcome or override it "
               "with a rationale (you play {verdict_by})")  # in the scenario's words (keyhelp.worded)
FOCUS = {"overview": "#teams", "injects": "#inject-table", "actions": "#action-table", "log": "#event-log",
         "notes": "#note-table", "red": "#red-actions"}  # the widget a tab's keys (arrows, enter) go to


class StatusBar(Static):
    """Exercise, turn, phase, timer and pause, on one line."""


class StatusLine(Widget):
    """Holds the status bar and, while paused, the `paused` class its style follows (app.tcss:
    `.paused #status`): set on the screen it restyled all its ~400 widgets, ~40 % of a pause."""

    DEFAULT_CSS = "StatusLine { height: auto; width: 1fr; }"


class FacilitatorScreen(ShownTabFocus, KeyHelp, Screen):
    """Overview, injects, adjudication, log and notes of the running exercise."""

    HELP_TITLE = "Help"
    HELP_INTRO = """\
**The facilitator console** runs the exercise. Keys are shown in the footer; every action
is also in the command palette (**ctrl+p**). The mouse works too. Every key works on every
tab: a key that acts on a tab's selection brings that tab forward.
"""
    HELP_OUTRO = """\
**A turn**: briefing, injects (delivered when you press n), deliberation (teams decide and
submit), adjudication (deliveries, decay, rolls), summary. Teams act only in deliberation.

**The adversary** (scenarios with one): the Red tab (6) shows its points, menu, acts and
objectives; a plans an act there, w withdraws one, B lets the red bot plan the turn. Teams
never see red's plans: only the incidents they notice. `exercise run --red bot` lets the red
bot plan red's acts at the end of each deliberation (journaled).

**The verdict** (scenarios with a scorecard): `exercise run --us-desk bot` lets a bot play
{verdict_by}: it confirms the scorecard's proposal at the end, which you still read.

**Team screens** (t) show only what that team may see; **?** there lists their keys. **Seat
screens** (s) open any seat's console here: a team, {red_cell}an evaluator, the wall, a
controller; each shows only what its seat may see, and escape comes back.

Everything you do is written to the save folder before the screen shows it.
"""

    # In the footer's order; a panel's keys are its own (see Panel.screen_binding).
    BINDINGS = [
        Binding("n", "advance", "Next phase",
                tooltip="next phase: start, deliver injects, close deliberation (asks before forcing), "
                        "adjudicate, next turn"),
        Binding("t", "team", "Team screen", tooltip="switch to a team's screen (hot-seat); escape comes back"),
        Binding("s", "seat", "Seat screen", show=False,
                tooltip="open any seat's screen on this terminal (hot-seat): a team, {red_cell}an evaluator, "
                        "the wall, a controller of the room; escape comes back"),
        InjectsPanel.screen_binding("fire"),
        RedPanel.screen_binding("red_plan"),  # before the ad-hoc inject's a: on the Red tab only (check_action)
        InjectsPanel.screen_binding("adhoc"),
        InjectsPanel.screen_binding("hold"),
        InjectsPanel.screen_binding("release"),
        InjectsPanel.screen_binding("skip"),
        InjectsPanel.screen_binding("unskip"),
        InjectsPanel.screen_binding("delay"),
        ActionsPanel.screen_binding("adjudicate"),
        # a key that matters only at times has a shown copy first (see check_action): g on
        # the Actions tab, V once the exercise has ended; the unshown one works at any time
        Binding("g", "shown('decide_lead')", "Lead request", tooltip=ActionsPanel.screen_binding("decide_lead").tooltip),
        ActionsPanel.screen_binding("decide_lead"),
        WorldPanel.screen_binding("override"),
        NotesPanel.screen_binding("note"),
        Binding("p", "pause", "Pause/resume", tooltip="pause / resume"),
        Binding("T", "timer", "Timer", show=False,
                tooltip="set the turn timer (teams see it; when it runs out you are told, nothing advances)"),
        Binding("e", "end", "End", show=False,
                tooltip="end the exercise now (asks for a reason) and show the outcome"),
        Binding("V", "shown('verdict')", "Verdict", tooltip=VERDICT_TIP),
        Binding("V", "verdict", "Verdict", show=False, tooltip=VERDICT_TIP),
        InjectsPanel.screen_binding("view_inject"),
        Binding("D", "debrief", "Debrief", show=False,
                tooltip="the debrief: timeline, time travel by turn, charts, decisions, objectives, outcome "
                        "(also: exercise debrief SAVE)"),
        Binding("c", "app.connections", "Terminals", show=False,
                tooltip="the room's terminals (exercise serve): how each seat joins and how many terminals "
                        "hold it; add a seat ({red_cell}a controller, an evaluator, a wall) or revoke one"),
        TeamsPanel.screen_binding("reopen"),
        TeamsPanel.screen_binding("ledger"),
        RedPanel.screen_binding("red_withdraw"),
        RedPanel.screen_binding("red_bot"),
        Binding("1", "tab('overview')", "Overview", show=False),
        Binding("2", "tab('injects')", "Injects", show=False),
        Binding("3", "tab('actions')", "Actions", show=False),
        Binding("4", "tab('log')", "Log", show=False),
        Binding("5", "tab('notes')", "Notes", show=False),
        Binding("6", "tab('red')", "Red (scenarios with an adversary)", show=False),
    ]

    # What the engine refuses once the exercise has ended (it moves nothing any more): the
    # footer hides these then. Notes, team screens, the debrief, reading and e (which then
    # shows the outcome) stay.
    TABS_ID = "tabs"
    ENDED_OFF = frozenset({"advance", "fire", "adhoc", "hold", "release", "skip", "unskip", "delay",
                           "adjudicate", "override", "pause", "timer", "reopen", "red_plan", "red_withdraw",
                           "red_bot"})
    RED_KEYS = frozenset({"red_plan", "red_withdraw", "red_bot"})

    def __init__(self, session):
        super().__init__()
        self.session = session
        self.view: FacilitatorView | None = None
        self._keys = (False, False)  # (ended, a lead request waits): what the footer last showed
        self._stale: set[Panel] = set()  # panels of tabs not shown, drawn again when their tab is

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        ended = self.session.state.status == "ended"
        if action in self.ENDED_OFF and ended:
            return False
        red = self.session.state.rules.adversary is not None
        if action in self.RED_KEYS or parameters == ("red",):
            if not red or action == "red_bot" and red_bot() is None:
                return False  # no adversary (or no red bot): no Red tab, no red keys
            if action == "red_plan":  # a plans red's act on the Red tab; elsewhere a is the ad-hoc inject
                return self._active_tab() == "red"
        if action == "shown":  # the footer's copy: only where it is what to do next
            if parameters == ("verdict",):  # a scorecard's verdict to judge (without one, e shows the outcome)
                return ended and self.session.scenario.scorecard is not None
            return self._active_tab() == "actions" and not ended and self._lead_waits()
        return True

    def _active_tab(self) -> str | None:
        try:
            return self.query_one("#tabs", TabbedContent).active
        except NoMatches:
            return None

    def _lead_waits(self) -> bool:
        """A lead request waits for an answer (g is offered only then; it still works, and says so)."""
        return self.view is not None and any(q.status == "pending" for c in self.view.commands for q in c.requests)

    def action_shown(self, action: str) -> None:
        getattr(self, f"action_{action}")()

    @on(TabbedContent.TabActivated, "#tabs")
    def _tab_keys(self, event: TabbedContent.TabActivated) -> None:
        self._draw_stale(event.pane.id)  # a tab chosen with the mouse (a key has drawn it already)
        self.refresh_bindings()  # g shows on the Actions tab only
        self.call_later(self._refocus_shown_tab)  # a table of the tab left behind keeps no focus

    # -- the help and the footer in the scenario's words, without the keys it has no use for --
    def help_slots(self):
        sc = self.session.scenario
        return word_slots(sc.words, sc.adversary is not None)

    def help_hidden(self) -> tuple[str, ...]:
        """No red keys (nor Red tab) without an adversary, no lead requests without commands,
        no verdict to judge without a scorecard."""
        sc = self.session.scenario
        out: list[str] = []
        if sc.adversary is None:
            out += [*self.RED_KEYS, "tab('red')"]
        if not sc.commands:
            out.append("decide_lead")
        if sc.scorecard is None:
            out.append("verdict")
        return tuple(out)

    def help_outro(self) -> str:
        """HELP_OUTRO without the paragraphs on what this scenario lacks (an adversary, a scorecard)."""
        sc = self.session.scenario
        drop = ("**The adversary**" if sc.adversary is None else None,
                "**The verdict**" if sc.scorecard is None else None)
        return "\n\n".join(p for p in self.HELP_OUTRO.split("\n\n") if not p.startswith(tuple(d for d in drop if d)))


    @classmethod
    def help_groups(cls):
        theirs = {id(b) for p in PANELS for b in p.KEYS}
        own = [b for b in _class_bindings(cls)
               if b.description and id(b) not in theirs and not b.action.startswith("shown(")]
        return [("", own)] + [(p.HELP_HEADING, p.KEYS) for p in PANELS]

    # -- layout -------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with StatusLine(id="status-line"):
            yield StatusBar(id="status")
        with TabbedContent(initial="overview", id="tabs"):
            with TabPane("1 Overview", id="overview"):
                # A grid when wide (teams and capabilities left, world right); a column
                # when narrow (teams, world, capabilities), see app.tcss.
                with VerticalScroll(id="overview-body"):
                    yield TeamsPanel(self.session)
                    yield WorldPanel(self.session)
                    yield CapabilitiesPanel(self.session)
            with TabPane("2 Injects", id="injects"):
                yield InjectsPanel(self.session)
            with TabPane("3 Actions", id="actions"):
                yield ActionsPanel(self.session)
            with TabPane("4 Log", id="log"):
                yield LogPanel(self.session)
            with TabPane("5 Notes", id="notes"):
                yield NotesPanel(self.session)
            if self.session.state.rules.adversary is not None:  # the red cell: only with an adversary
                with TabPane("6 Red", id="red"):
                    yield RedPanel(self.session)
        yield FitFooter()

    def on_mount(self) -> None:
        self.session.listeners.add(self._changed)
        self.refresh_all()
        # told, not asked: the app's clock and the server's connections update these
        self.watch(self.app, "timer", lambda: self.render_status(), init=False)
        self.watch(self.app, "connections", lambda: self.render_status(), init=False)

    def on_resize(self, event) -> None:
        self.set_class(event.size.width < 110, "narrow")

    def on_unmount(self) -> None:
        self.session.listeners.remove(self._changed)

    def _changed(self, session, command, events) -> None:
        self.refresh_all()
        # the footer's keys change at the end and when a lead request comes to wait or is answered
        keys = (session.state.status == "ended", self._lead_waits())
        if keys != self._keys:
            self._keys = keys
            self.refresh_bindings()

    # -- rendering ----------------------------------------------------------------------
    def refresh_all(self) -> None:
        view = plain_tree(engine.facilitator_view(self.session.state))  # no control character reaches the terminal
        self.view = view
        self.render_status(view)
        for panel in self.walk_children(with_self=False):  # each panel renders its part
            if not isinstance(panel, Panel):
                continue
            if in_hidden_tab(panel):  # drawn when its tab is shown: every table of a big scenario
                panel.view = view     # each time cost more than the key; its keys act on this view
                self._stale.add(panel)
            else:
                self._stale.discard(panel)
                panel.show(view)

    def _draw_stale(self, tab: str | None) -> None:
        """Draw the panels of `tab` that missed a change while it was hidden."""
        for panel in [p for p in self._stale if p.TAB == tab]:
            self._stale.discard(panel)
            panel.show(panel.view)

    def render_status(self, view: FacilitatorView | None = None) -> None:
        view = view or self.view
        assert view is not None  # refresh_all sets it on mount, before the app's reactives change
        if view.status == "ready":
            where = "not started: press n to start"
        elif view.status == "ended":
            where = (f"ENDED: {view.outcome.name}" if view.outcome else
                     "ENDED: press V to judge the verdict" if view.proposal else "ENDED")
        else:
            where = f"Turn {view.turn}/{view.turns} {view.turn_label} · {view.phase_name}"
        bits = [plain(self.session.meta.title), where]
        timer = console(self).timer
        if timer:
            bits.append(timer)
        online = console(self).connections
        if online:
            bits.append(online)
        if view.paused:
            bits.append("PAUSED")
        self.query_one("#status", StatusBar).update(Text(" · ".join(bits)))  # Text: never markup
        self.query_one("#status-line", StatusLine).set_class(view.paused, "paused")

    def tick(self) -> None:
        """Read the clock now (the app does it every second; tests move their clock)."""
        console(self).tick()

    # -- acting -------------------------------------------------------------------------
    def run_command(self, command) -> bool:
        return console(self).run_command(command)

    @on(ShowTab)
    def _show_tab(self, message: ShowTab) -> None:
        self.action_tab(message.tab)

    def action_tab(self, tab: str) -> None:
        self._draw_stale(tab)  # before the tab shows: never a frame of the old rows
        self.query_one("#tabs", TabbedContent).active = tab
        # the keys (arrows, f/h/j...) act on that tab's table, not on the one left behind
        self.query_one(FOCUS[tab]).focus()

    @work
    async def action_advance(self) -> None:
        view = self.view
        assert view is not None  # refresh_all sets it on mount
        if view.status == "ready":
            self.run_command(cm.Start())
            return
        if view.status == "ended":
            self.notify("The exercise has ended. Press e to read the outcome.")
            return
        if view.paused:  # said first: a force dialog the engine would then refuse helps no one
            self.notify("The exercise is paused: press p to resume it, then n to go on.", title="Paused")
            return
        if view.phase == "deliberation" and any(not t.submitted for t in view.teams):
            body = force_body(force_losses(self.session.state), self.session.scenario.budget.unit)
            if await self.app.push_screen_wait(ConfirmModal("Force the advance?", body, "Force")):
                self.run_command(cm.Advance(force=True))
            return
        last = view.turn == view.turns and view.phase == "summary"
        if last and not await self.app.push_screen_wait(
                ConfirmModal("End the exercise?", "This is the last turn: advancing ends the exercise and "
                             "judges the outcome.", "End")):
            return
        if self.run_command(cm.Advance()) and self.session.state.status == "ended":
            self.show_outcome()

    def action_team(self) -> None:
        console(self).action_pick_team()

    def action_seat(self) -> None:
        console(self).action_pick_seat()

    def action_pause(self) -> None:
        assert self.view is not None  # refresh_all sets it on mount
        self.run_command(cm.Resume() if self.view.paused else cm.Pause())

    @work
    async def action_timer(self) -> None:
        assert self.view is not None  # the screen sets it before anything renders or acts
        phase = next((p for p in self.session.scenario.phases if p.id == self.view.phase), None)
        form = await self.app.push_screen_wait(FormModal("Turn timer", [
            Field("minutes", "Minutes (0 to stop the timer)", "number", default=(phase.minutes if phase else 0) or 15,
                  minimum=0, maximum=600)], "Start"))
        if form is not None:
            console(self).set_timer_minutes(form["minutes"])  # the status follows the app's `timer`

    @work
    async def action_end(self) -> None:
        assert self.view is not None  # refresh_all sets it on mount
        if self.view.status == "ended":
            self.show_outcome()
            return
        form = await self.app.push_screen_wait(FormModal(
            "End the exercise now?", [Field("reason", "Why end early (recorded)", required=False)], "End exercise",
            intro="The outcome is judged now, on the current values."))
        if form is not None and self.run_command(cm.End(form["reason"] or "")):
            self.show_outcome()

    def show_outcome(self) -> None:
        view = engine.facilitator_view(self.session.state)
        if view.proposal is not None:  # a scorecard: the US desk judges before anyone sees it
            self.action_verdict()
            return
        out = view.outcome
        if out:
            judged = ""
            if out.proposed is not None or out.overridden:
                from exercise.engine import scorecard as sc

                names = {o.id: o.name for o in self.session.scenario.outcomes}
                judged = md(sc.verdict_words(names.get(out.proposed or ""), out.name, out.overridden,
                                             out.rationale, self.session.scenario.words.verdict_by)) + "\n\n"
            self.app.push_screen(TextModal(f"Outcome: {plain(out.name)}",
                                           f"{out.text}\n\n{judged}**Why:** {md(out.reason)}\n\n"
                                           "Press **D** for the debrief: the exercise turn by turn."))

    @work
    async def action_verdict(self) -> None:
        """The scorecard's proposal: confirm it, or override it with a rationale (recorded)."""
        from exercise.engine import scorecard as sc

        p = engine.facilitator_view(self.session.state).proposal
        if p is None:
            if self.session.state.verdict is not None:
                self.show_outcome()
            else:
                self.notify("The verdict is judged at the end of the exercise.")
            return
        rules = self.session.state.rules
        unmet = sum(1 for x in p.criteria if x.band == sc.NOT_MET)
        score = (f"{p.score:g} % of the points, {unmet} {'criterion' if unmet == 1 else 'criteria'} not met")
        lines = [f"The scorecard proposes: {p.name} ({score}).", "", "Criteria (what each needed, and the band reached):"]
        lines += [sc.criterion_line(x.name, x.value, x.unit, x.band, x.points, x.weight, x.met, x.partly, x.better)
                  for x in p.criteria]
        if p.objectives:
            names = dict(rules.names)
            lines += ["", "Team objectives:"]
            lines += [f"{names.get(o.team, o.team)}: {sc.objective_line(o.name, o.value, o.target, o.better, o.met)}"
                      for o in p.objectives]
        # the cut-offs and the band the proposal comes from, just above the outcome to choose
        # (the form opens scrolled to it): the US desk judges knowingly
        lines += ["", f"Outcomes, tried in order; the first reached is proposed. Score: {score}.",
                  *sc.cutoffs(rules, p.score, unmet, p.id)]
        lines += ["", "Confirm the proposal, or choose another outcome and say why (recorded in the journal)."]
        form = await self.app.push_screen_wait(FormModal(
            f"{self.session.scenario.words.cap('verdict_by')}'s verdict", [
                Field("outcome", "Outcome", "select", options=tuple((name, oid) for oid, name in p.outcomes),
                      default=p.id),
                Field("rationale", "Rationale (required to choose another outcome than the proposal)",
                      required=False, required_when=lambda v: v["outcome"] != p.id,
                      missing="Overriding the proposed outcome needs a rationale (recorded in the journal).")],
            "Judge", intro="\n".join(lines)))
        if form is None:
            return
        chosen = form["outcome"]
        if self.run_command(cm.Judge(None if chosen == p.id else chosen, form["rationale"] or "")):
            self.show_outcome()

    def action_debrief(self) -> None:
        """Look back at the exercise so far (read only), e.g. once it has ended."""
        from exercise.debrief.record import from_session
        from exercise.tui.debrief import DebriefScreen

        self.app.push_screen(DebriefScreen(from_session(self.session), reload=lambda: from_session(self.session)))


delegate_keys(FacilitatorScreen, PANELS)  # action_fire, action_note...: carried out by their panel
