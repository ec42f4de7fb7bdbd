"""1 Inbox: the injects the team received, its decisions, the actions it argued, and the
other teams' open arguments (read, and counter-argued with c)."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from exercise.engine import commands as cm
from exercise.engine import explain
from exercise.engine.decision import roll_words
from exercise.engine.view_types import ActionView, Incident, InjectView, OpenActionView
from exercise.tui.base import Detail
from exercise.tui.modals import Field, FormModal, TextModal
from exercise.tui.team.base import ShowTab, TeamTab
from exercise.tui.team.format import clip
from exercise.tui.text import md, reflow
from exercise.words import possessive

INCIDENT = "incident-"  # the inbox row key of the team's n-th noticed incident


def attribution(incident: Incident) -> str:
    """'Attributed to Russia (confidence)' or 'Unattributed', as the team was told."""
    if incident.attribution == "unattributed" or not incident.attribution:
        return "Unattributed"
    confidence = getattr(incident, "confidence", "")  # a later view may say how sure the attribution is
    return f"Attributed to {incident.attribution}" + (f" ({confidence})" if confidence else "")


def _outcome(a: ActionView | OpenActionView) -> tuple[str, str]:
    """The odds (the likelihood the facilitator set, %) and the result of an argued action."""
    if a.likelihood is None:
        return "-", "waiting"
    return f"{a.likelihood} %", "SUCCESS" if a.success else "failure"


def two_lines(head: str, width: int, rest: str = "") -> str:
    """`head` and `rest` (a label, after a space) in a column `width` wide: on one line when
    they fit; else `rest` on a line of its own when it fits one; else wrapped at a space over
    two lines, the second cut with an ellipsis if it still does not fit."""
    s = f"{head} {rest}" if rest else head
    if len(s) <= width:
        return s
    if rest and len(head) <= width and len(rest) <= width:
        return f"{head}\n{rest}"
    cut = s.rfind(" ", 0, width + 1)
    if cut <= 0:
        return clip(s, width)
    return s[:cut] + "\n" + clip(s[cut + 1:], width)


def incident_text(incident: Incident) -> Text:
    out = Text()
    out.append(incident.headline, style="bold")
    out.append(f"  incident · turn {incident.turn}\n")
    out.append(attribution(incident) + "\n", style="italic")
    out.append("Noticed by your team; its effects on your tracks are in the Ledger (7).", style="dim")
    return out


class InboxTab(TeamTab, Vertical):
    BINDINGS = [
        # enter answers here; on the other tabs it belongs to their tables (a second click orders)
        Binding("enter", "answer", "Answer", priority=True,
                tooltip="answer the selected decision (the default is marked); on the catalogue tab (3), order the item"),
        Binding("r", "read", "Read", tooltip="read the selected inject in full (or, on an argued action, its adjudication)"),
        Binding("u", "argue", "Argue", tooltip="argue an action: what you do, the result you intend, why it would work; "
                                              "secret, or open to {others}"),
        Binding("c", "counter", "Counter", tooltip="counter-argue the selected open action of another team: why it "
                                                   "would not work, for the facilitator to weigh before adjudicating"),
    ]

    def compose(self) -> ComposeResult:
        yield DataTable(id="tm-inbox", cursor_type="row", zebra_stripes=True)
        yield Detail("", id="tm-inbox-detail")
        yield Static("", id="tm-actions-title", classes="tm-section")
        yield DataTable(id="tm-actions", cursor_type="row")
        yield Static("", id="tm-open-title", classes="tm-section")
        yield DataTable(id="tm-open", cursor_type="row")

    def on_mount(self) -> None:
        self.query_one("#tm-inbox", DataTable).add_columns("Turn", "Inject", "Decision", "From")
        self.query_one("#tm-actions", DataTable).add_columns("Turn", "Action", "Seen by", "Odds", "Result")
        self.query_one("#tm-open", DataTable).add_columns("Turn", "Team", "Action", "Counters", "Odds", "Result")

    # -- rendering ------------------------------------------------------------------------
    def _inbox_widths(self) -> tuple[int, int, int]:
        """The Inject, Decision and From columns' widths at the terminal's width: the decision
        gets the largest share (it says what the team must do), and wraps over two lines
        past it; the rest is the inject's title and its sender. At 80 / 100 / 120 columns:
        25+28+13, 33+36+17, 40+45+21 (a fixed pair of widths cut the decision at 100 to
        "OPEN · default: Sign…" with 30 columns unused)."""
        # each cell has 2 columns of padding (8), Turn 4, the scrollbar 1, and 1 to spare
        room = max(self.app.size.width, 60) - 14
        sender = max(10, min(22, room // 5))
        decision = max(24, min(48, room * 43 // 100))
        return max(16, min(48, room - sender - decision)), decision, sender

    def _decision(self, inj: InjectView, width: int) -> Text:
        labels = {o.id: o.label for o in inj.options}
        if not inj.options:
            return Text("information", style="dim")
        if inj.answer is None:
            default = next((o.label for o in inj.options if o.default), "")
            return Text(two_lines("OPEN · default:" if default else "OPEN", width, default), style="bold")
        how = "by default:" if inj.answered_by_default else "decided:"
        return Text(two_lines(how, width, labels.get(inj.answer, inj.answer)))

    def render_view(self) -> None:
        assert self.view is not None  # the screen sets it before anything renders or acts
        me = self.view.me
        self._rendered_for = self.app.size.width
        title_w, decision_w, sender_w = self._inbox_widths()
        dated = []
        for n, inj in enumerate(me.inbox):
            # the columns fit the screen (80, 100 and 120 wide): a sender cut at its edge read "Lithuani"
            dated.append(((inj.turn, 0, n), (inj.id, (str(inj.turn), clip(inj.title, title_w),
                                                        self._decision(inj, decision_w), clip(inj.sender, sender_w)))))
        # the adversary's acts this team noticed, among the injects (after the turn's injects:
        # they come to light when the turn is adjudicated); never red's plans or rolls
        for n, inc in enumerate(self.view.incidents):
            dated.append(((inc.turn, 1, n), (f"{INCIDENT}{n}", (str(inc.turn), clip(inc.headline, title_w),
                                                                 Text(two_lines(attribution(inc), decision_w),
                                                                      style="italic"),
                                                                 "incident"))))
        rows = [row for _, row in sorted(dated, key=lambda d: d[0], reverse=True)]  # newest first
        seen = {k for k, _ in self._rows.get("tm-inbox", [])}
        self._fill("tm-inbox", rows, tall=True)  # a decision too long for its column takes a second line
        if seen and any(k not in seen for k, _ in rows):  # new injects come first: show them, not an old one
            self.query_one("#tm-inbox", DataTable).move_cursor(row=0)
        self.show_inject_detail()
        actions = []
        for a in me.actions:
            seen_by = (f"all · {len(a.counters)} counter{'s' if len(a.counters) != 1 else ''}" if a.open
                       else "you + white cell")
            actions.append((a.id, (str(a.turn), clip(a.action, self._w(30, 44)), seen_by, *_outcome(a))))
        self._fill("tm-actions", actions)
        self.query_one("#tm-actions", DataTable).display = bool(actions)
        self._show("tm-actions-title",
                   "Your argued actions (u argues another; r on one reads it in full)"
                   if actions else "No action argued yet: u argues one for the facilitator to adjudicate")
        others = [(o.id, (str(o.turn), clip(o.team_name, self._w(10, 18)), clip(o.action, self._w(28, 44)),
                          str(len(o.counters)), *_outcome(o)))
                  for o in reversed(self.view.open_actions)]  # newest first
        self._fill("tm-open", others)
        self.query_one("#tm-open", DataTable).display = bool(others)
        self.query_one("#tm-open-title", Static).display = bool(others)
        self._show("tm-open-title", "Other teams' open arguments (c counter-argues the selected one; r reads it)")

    def on_resize(self) -> None:
        """The terminal was resized: the columns are cut again for its width (the screen only
        re-renders when the width crosses its narrow/wide line)."""
        if self.view is not None and getattr(self, "_rendered_for", None) != self.app.size.width:
            self.render_view()

    def _inject(self, iid: str | None) -> InjectView | None:
        return next((i for i in self.view.me.inbox if i.id == iid), None) if self.view else None

    def _incident(self, key: str | None) -> Incident | None:
        if self.view is None or not key or not key.startswith(INCIDENT):
            return None
        n = int(key[len(INCIDENT):])
        return self.view.incidents[n] if n < len(self.view.incidents) else None

    @on(DataTable.RowHighlighted, "#tm-inbox")
    def show_inject_detail(self) -> None:
        incident = self._incident(self._selected("tm-inbox"))
        if incident is not None:
            self._show("tm-inbox-detail", incident_text(incident))
            return
        inj = self._inject(self._selected("tm-inbox"))
        if inj is None:
            self._show("tm-inbox-detail", Text(
                "Nothing in your inbox yet: injects arrive when the facilitator delivers them.", style="italic"))
            return
        out = Text()
        out.append(inj.title, style="bold")
        out.append(f"  from {inj.sender} via {inj.channel} · turn {inj.turn}\n")
        if inj.synopsis:
            out.append(reflow(inj.synopsis) + "\n")
        if inj.attribution:
            out.append(inj.attribution + "\n", style="italic")
        confidence = dict(inj.confidence)
        for o in inj.options:
            mark = "●" if inj.answer == o.id else "○"
            out.append(f" {mark} {o.label}", style="bold" if inj.answer == o.id else "")
            if o.id in confidence:
                out.append(f" ({confidence[o.id]})")
            if o.default:
                out.append(" (default)", style="italic")
            out.append("\n")
            out.append(f"   {explain.summary((e.text for e in o.effects), o.unknown)}\n", style="dim")
        if inj.options and inj.answer is None:
            out.append("enter answers · r reads it in full", style="italic")
        else:
            out.append("r reads it in full", style="italic")
        self._show("tm-inbox-detail", out)

    # -- acting ---------------------------------------------------------------------------
    @on(DataTable.RowSelected, "#tm-inbox")
    def _inbox_clicked(self) -> None:
        self.action_answer()

    @work(exclusive=True, group="team-action")
    async def action_answer(self) -> None:
        assert self.view is not None  # the screen sets it before anything renders or acts
        inj = self._inject(self._selected("tm-inbox"))
        if inj is None or not inj.options:
            pending = self.view.me.pending
            if pending:
                self.post_message(ShowTab("inbox"))
                self.notify("Select an open decision in the Inbox, then press enter.")
            else:
                self.notify("No decision waits for an answer." if inj is None else
                            "This inject asks no decision: r reads it in full.")
            return
        if inj.answer is not None:
            label = next((o.label for o in inj.options if o.id == inj.answer), inj.answer)
            self.notify(f"Already answered: {label}", markup=False)
            return
        default = next((o.id for o in inj.options if o.default), None)
        lines = [reflow(inj.synopsis or inj.text[:300])] if (inj.synopsis or inj.text) else []
        if inj.attribution:
            lines.append(inj.attribution)
        confidence = dict(inj.confidence)
        for o in inj.options:  # what each costs and does, as the scenario states it
            lines.append(f"• {o.label}" + (f" ({confidence[o.id]})" if o.id in confidence else "")
                         + (" (default)" if o.default else "")
                         + f": {explain.summary((e.text for e in o.effects), o.unknown)}"
                         + (f"\n  {o.text}" if o.text else ""))
            for warning in explain.option_breaches(self.view, o):  # before choosing, not at adjudication
                lines.append(f"  Warning: {warning}")
        if default is not None:
            lines.append("If you do not answer before the turn moves on, the default is taken.")
        options = tuple((o.label + (" (default)" if o.default else ""), o.id) for o in inj.options)
        form = await self.app.push_screen_wait(FormModal(
            f"Decide: {inj.title}", [Field("option", "Your decision", "select", options, default=default)],
            "Decide", intro=self._warning() + "\n".join(lines)))
        before = self.view
        if form and await self.link.send(cm.Answer(self._me(), self._me(), inj.id, form["option"])):
            option = next(o for o in inj.options if o.id == form["option"])
            did = explain.what_it_did(before, self.view, option)
            if option.unknown:
                did.append("and consequences you were not told of")
            self.notify(f"{inj.title}: {option.label}\n" + ("\n".join(f"• {d}" for d in did) if did
                                                              else "• nothing changed"),
                        title="What your answer did", markup=False, timeout=12)
            keys = [k for k, _ in self._rows.get("tm-inbox", [])]
            following = [k for k in keys if k in self.view.me.pending]
            if following:  # on to the next open decision
                self.query_one("#tm-inbox", DataTable).move_cursor(row=keys.index(following[0]))

    def _open_action(self) -> OpenActionView | None:
        """The other team's open action selected in its table (the first row when none is)."""
        assert self.view is not None  # the screen sets it before anything renders or acts
        key = self._selected("tm-open")
        return next((o for o in self.view.open_actions if o.id == key), None)

    def action_read(self) -> None:
        assert self.view is not None  # the screen sets it before anything renders or acts
        if self.query_one("#tm-actions", DataTable).has_focus:
            aid = self._selected("tm-actions")
            a = next((a for a in self.view.me.actions if a.id == aid), None)
            if a is not None:
                self.app.push_screen(TextModal(f"Your argued action (turn {a.turn})", self._action_page(a)))
                return
        if self.query_one("#tm-open", DataTable).has_focus:
            o = self._open_action()
            if o is not None:
                self.app.push_screen(TextModal(f"{possessive(o.team_name)} action (turn {o.turn})", self._action_page(o)))
                return
        incident = self._incident(self._selected("tm-inbox"))
        if incident is not None:
            self.app.push_screen(TextModal(f"Incident (turn {incident.turn})", md(incident_text(incident).plain)))
            return
        inj = self._inject(self._selected("tm-inbox"))
        if inj is None:
            self.notify("Nothing to read: your inbox is empty.")
            return
        self.app.push_screen(TextModal(inj.title, self.read_page(inj)))

    @staticmethod
    def read_page(inj: InjectView) -> str:
        """The inject in full (markdown, every text from the pack escaped): what the detail
        pane says and more, its attribution and each option's confidence included."""
        body = f"*From {md(inj.sender)}, via {md(inj.channel)}, turn {inj.turn}*\n\n{inj.text or inj.synopsis}"
        if inj.attribution:
            body += f"\n\n*{md(inj.attribution)}*"
        if inj.options:
            confidence = dict(inj.confidence)
            body += "\n\n**Options**\n\n" + "\n".join(
                f"- **{md(o.label)}**" + (f" ({md(confidence[o.id])})" if o.id in confidence else "")
                + (" *(default)*" if o.default else "")
                + (f": {md(o.text)}" if o.text else "")
                + f" ({md(explain.summary((e.text for e in o.effects), o.unknown))})"
                for o in inj.options)
            if inj.answer is not None:
                label = next((o.label for o in inj.options if o.id == inj.answer), inj.answer)
                body += f"\n\n**Your decision:** {md(label)}" + (" (the default, taken for you)"
                                                              if inj.answered_by_default else "")
        return body

    def _action_page(self, a: ActionView | OpenActionView) -> str:
        """An argued action in full: what, why, who may see it, every counter-argument, and the
        adjudication once made (the likelihood, the roll against it, the outcome, why)."""
        opened = not isinstance(a, ActionView) or a.open
        if isinstance(a, OpenActionView):
            body = f"**{md(a.team_name)}** argued, openly:\n\n"
        elif a.open:
            body = self._say("*Argued open: {others} see it and may counter-argue it.*\n\n")
        else:
            body = "*Secret: only your team and the facilitator see it.*\n\n"
        body += (f"**Action:** {md(a.action)}\n\n**Intended result:** {md(a.result or '-')}\n\n"
                 f"**Reasons:** {md(a.reasons or '-')}")
        if a.counters:
            body += "\n\n**Counter-arguments**\n\n" + "\n".join(
                f"- **{md(c.by_name)}** (turn {c.turn}): {md(c.reasons)}" for c in a.counters)
        elif opened:
            body += "\n\n*No counter-argument yet.*"
        if a.likelihood is None:
            body += "\n\n*Waiting for the facilitator's adjudication.*"
        else:
            outcome = "SUCCESS" if a.success else "FAILURE"
            roll = roll_words(a.roll, a.likelihood) if a.roll is not None else f"{a.likelihood} % likely"
            body += (f"\n\n**Adjudication:** judged {a.likelihood} % likely to work; {roll} "
                     f"(it works when the roll is under the chance): **{outcome}**")
            if a.rationale:
                body += f"\n\n**Why:** {md(a.rationale)}"
        return body

    @work(exclusive=True, group="team-action")
    async def action_argue(self) -> None:
        def form(typed: dict, problem: str) -> FormModal:
            return FormModal("Argue an action", [
                Field("action", "What your team does", default=typed.get("action")),
                Field("result", "The result you intend", required=False, default=typed.get("result")),
                Field("reasons", "Why it would work (reasons, precedents, means)", "multiline", required=False,
                      default=typed.get("reasons")),
                Field("open", "Who sees it", "select",
                      (("Secret: your team and the white cell only (facilitator, controllers, evaluators)", "secret"),
                       (self._say("Open to {others}"), "open")),
                      default=typed["open"]),
            ], "Argue", intro=problem or self._warning() + self._say(
                "The facilitator judges how likely it is and rolls; the result appears in the Inbox tab. An open "
                "action can be counter-argued by {others} until it is adjudicated, and they see the result."),
                original=typed if problem else None)

        sent = await self._until_sent(form, lambda f: cm.Argue(
            self._me(), self._me(), f["action"], f["result"] or "", f["reasons"] or "", open=f["open"] == "open"),
            {"open": "secret"})
        if sent is not None:
            self.notify("Sent to the facilitator for adjudication" + (
                self._say(", open to {others}.") if sent["open"] == "open" else " (secret)."),
                title="Action argued", markup=False)

    async def _until_sent(self, form: Callable[[dict, str], FormModal], command: Callable[[dict], object],
                          typed: dict) -> dict | None:
        """Ask with `form(typed, problem)` until what was typed is sent (or escape: None). A
        refused form comes back as it was typed, with why: nothing a team wrote is lost."""
        problem = ""
        while True:
            answer = await self.app.push_screen_wait(form(typed, problem))
            if not answer:
                return None
            typed = answer
            if await self.link.send(command(answer)):
                return answer
            problem = f"{self.link.refusal()}\nWhat you typed is kept: send it again, or escape to drop it."

    @work(exclusive=True, group="team-action")
    async def action_counter(self) -> None:
        assert self.view is not None  # the screen sets it before anything renders or acts
        o = self._open_action()
        if o is None:
            self.notify("No other team has argued an action open: there is nothing to counter-argue.")
            return
        self.post_message(ShowTab("inbox"))
        lines = [f"{o.team_name} argues (turn {o.turn}): {o.action}",
                 f"Intended result: {o.result or '-'}", f"Reasons: {o.reasons or '-'}"]
        lines += [f"Counter-argued by {c.by_name}: {c.reasons}" for c in o.counters]

        def form(typed: dict, problem: str) -> FormModal:
            return FormModal(f"Counter-argue: {clip(o.action, 40)}", [
                Field("reasons", "Why it would not work, or less well (reasons, facts, means)", "multiline",
                      default=typed.get("reasons")),
            ], "Counter", intro=(problem + "\n" if problem else self._warning()) + "\n".join(lines)
                + "\nThe facilitator weighs every side before setting the odds; every team sees your counter-argument.",
                original=typed if problem else None)

        if await self._until_sent(form, lambda f: cm.CounterArgue(self._me(), o.id, f["reasons"], team=self._me()),
                                  {}) is not None:
            self.notify(f"Your counter-argument to {possessive(o.team_name)} action is with the facilitator.",
                        title="Counter-argued", markup=False)
