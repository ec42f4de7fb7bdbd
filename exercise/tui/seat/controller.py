"""A white-cell controller's console: the injects, argued actions, teams and notes of its scope.

It reads the seat's FacilitatorView cut to its scope (exercise.engine.seats.controller_view)
through its port and sends the white cell's commands as the facilitator (actor
"facilitator"); the port (or the server) checks the scope with seats.refusal and the engine
decides, and a refusal is shown in their words. The exercise's lifecycle (next phase,
pause, end, the verdict) is the lead facilitator's: there is no key for it here. The
journal records which controller sent each command (`via`).
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from rich.cells import cell_len as cells_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from exercise.engine import commands as cm
from exercise.engine.decision import roll_words
from exercise.engine.injects import FirePreview
from exercise.engine.view_types import FacilitatorAction, FacilitatorInject, FacilitatorView
from exercise.model import LIKELIHOODS
from exercise.tui.base import Detail
from exercise.tui.facilitator.wording import (
    action_lines,
    adjudication_intro,
    fire_confirm,
    outside_scope,
    release_notice,
    seen_by,
    skip_confirm,
)
from exercise.tui.footer import FitFooter
from exercise.tui.modals import ConfirmModal, Field, FormModal, TextModal
from exercise.tui.names import name_list, wrapped
from exercise.tui.seat.evaluator import (
    RATING_BOTH,
    SeatConsole,
    money,
    note_fields,
    pct,
    seat_label,
    short,
    tags_of,
    where,
)
from exercise.tui.tables import selected_key, sync_rows
from exercise.tui.text import cells, fit, md, note_widths, plain, reflow, text

_AFTER = re.compile(r"after ([\w-]+(?:, [\w-]+)*)(.*)", re.S)


def inject_status(status: str, titles: dict[str, str]) -> str:
    """An inject's schedule as the view states it, the injects it waits for by title
    ('after Drones over the border (delayed 1)'), as the facilitator's console says it."""
    m = _AFTER.fullmatch(status)
    if not m or not all(i in titles for i in m.group(1).split(", ")):
        return status
    return "after " + "; ".join(titles[i] for i in m.group(1).split(", ")) + m.group(2)


def targets(view: FacilitatorView, to: tuple[str, ...]) -> tuple[str, ...]:
    """The team ids an inject's `to` names ('all': every team; 'facilitator': none)."""
    ids = tuple(t.id for t in view.teams)
    return ids if "all" in to else tuple(t for t in to if t in ids)


def preview(view: FacilitatorView, inj: FacilitatorInject) -> FirePreview:
    """What firing `inj` now does, from the view (the engine's fire_preview needs the state,
    which a controller over the network does not hold). The view does not count the
    inject's own effects: the dialog leaves them out."""
    names = {t.id: t.name for t in view.teams}
    to = targets(view, inj.to)
    submitted = {t.id for t in view.teams if t.submitted}
    reopens = (tuple(names[t] for t in to if t in submitted)
               if inj.options and view.phase == "deliberation" and view.status == "running" else ())
    return FirePreview(inj.title, tuple(names[t] for t in to), bool(inj.options), reopens, 0,
                       every=len(view.teams) > 1 and len(to) == len(view.teams))


def split_cells(categories, names: dict[str, str]) -> tuple[str, str]:
    """A team's budget split for the Teams table: by short name ("Sustain 40 %, Invest 40 %,
    Resilience 20 %", a category's name without its bracket) and as shares alone in the
    categories' order ("40 / 40 / 20 %", named by the legend above the table)."""
    if not categories:
        return "-", "-"
    full = ", ".join(f"{names.get(c, c).split(' (')[0]} {pct(sh.share)}" for c, sh in categories.items())
    shares = " / ".join(pct(sh.share).removesuffix(" %") for sh in categories.values()) + " %"
    return full, shares


class ControllerScreen(SeatConsole):
    """A controller's console: Injects, Actions, Teams and Notes of its scope."""

    CSS_PATH = "controller.tcss"
    HELP_TITLE = "Help: the controller's console"
    HELP_INTRO = """\
**The controller's console.** You are a member of the white cell with a scope: the teams
the header names (all teams when none is named). You fire, hold, release, skip and delay
the injects that go to your teams, adjudicate the actions they argue and write notes about
them. Every command is journaled with your seat's name, and the debrief says which
controller did it.

The lead facilitator runs the exercise: next phase, pause, timer, end and the verdict are
theirs, not keys here. An inject that also goes to a team outside your scope, or to every
team, is the lead facilitator's (or that team's controller's): the console tells you so if
you try.
"""
    HELP_OUTRO = """\
**Adjudicating**: choose the likelihood and write the rationale; the engine rolls the dice
(the roll, against the likelihood, decides success) and applies the effect on success.
The team sees the odds, the roll and your rationale.
"""
    FOCUS: ClassVar[dict[str, str]] = {"ct-injects": "#ct-inject-table", "ct-actions": "#ct-action-table",
                                       "ct-teams": "#ct-team-table", "ct-notes": "#ct-note-table"}
    INJECT_KEYS = [
        Binding("f", "fire", "Fire",
                tooltip="fire the selected inject now (asks first: who gets it, which submitted teams reopen)"),
        Binding("h", "hold", "Hold", tooltip="hold the selected inject (it is not delivered until released)"),
        Binding("r", "release", "Release",
                tooltip="release a held inject (if its turn has passed, it goes out with the next injects)"),
        Binding("k", "skip", "Skip", tooltip="skip the selected inject (asks first; b brings it back)"),
        Binding("b", "unskip", "Bring back", tooltip="bring back a skipped inject"),
        Binding("d", "delay", "Delay", tooltip="delay the selected inject by some turns"),
        Binding("v", "read", "Read", tooltip="read the selected inject in full, with its notes"),
    ]
    OTHER_KEYS = [
        Binding("j", "adjudicate", "Adjudicate",
                tooltip="adjudicate an argued action (likelihood, rationale; the engine rolls): the one "
                        "selected in the Actions tab, else the first waiting"),
        Binding("m", "note", "Note", tooltip="write a note or observation about one of your teams "
                "(tags, inject, P/S/M/U rating of an objective), signed with your seat's name"),
        Binding("n", "note", "Note", show=False, tooltip="write a note (as m)"),
        Binding("escape", "back", "Back", tooltip="back to the facilitator's console (hot-seat)"),
        Binding("question_mark", "help", "All keys", key_display="?", tooltip="this help: every key"),
    ]
    TABS = (("ct-injects", "Injects"), ("ct-actions", "Actions"), ("ct-teams", "Teams"), ("ct-notes", "Notes"))
    BINDINGS = [*INJECT_KEYS, *OTHER_KEYS,
                *(Binding(str(i), f"tab('{tab}')", label, show=False) for i, (tab, label) in enumerate(TABS, 1))]
    # the footer shows the keys of the tab shown (and of its selected row: h Hold or r Release,
    # k Skip or b Bring back), all of them kept at 80 columns; `?` lists every key
    TAB_KEYS: ClassVar[dict[str, tuple[str, ...]]] = {
        "ct-injects": ("f", "h", "r", "k", "b", "d", "v"), "ct-actions": ("j", "m"), "ct-teams": ("j", "m"),
        "ct-notes": ("m", "j")}

    @property
    def FOOTER_KEEP(self) -> tuple[str, ...]:  # the footer reads these (exercise/tui/footer.py)
        return self.TAB_KEYS.get(self._tab_shown(), ())

    @property
    def FOOTER_HIDE(self) -> tuple[str, ...]:
        tab = self._tab_shown()
        if tab != "ct-injects":  # they act on the Injects tab's selection: shown there
            return ("f", "h", "r", "k", "b", "d", "v")
        inj = self._inject() if self.view is not None and self.is_mounted else None
        status = inj.status if inj is not None else ""
        hide = ["r" if status != "held" else "h", "b" if status != "skipped" else "k"]
        if inj is None:
            hide += ["f", "h", "k", "d", "v"]
        return tuple(hide)

    def _tab_shown(self) -> str:
        try:
            return self.query_one("#seat-tabs", TabbedContent).active or "ct-injects"
        except NoMatches:
            return "ct-injects"

    @on(TabbedContent.TabActivated)
    def _footer_for_tab(self) -> None:
        self.refresh_bindings()  # the footer asks FOOTER_KEEP / FOOTER_HIDE again
    ENDED_OFF = frozenset({"fire", "hold", "release", "skip", "unskip", "delay", "adjudicate"})

    @classmethod
    def help_groups(cls):
        tabs = [b for b in cls.BINDINGS if b.action.startswith("tab(")]
        # the inject keys first: they are most of the work, and the help opens on them
        return [("Injects (the keys act on the inject selected in the Injects tab)", cls.INJECT_KEYS),
                ("", [*cls.OTHER_KEYS, *tabs])]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.ENDED_OFF and self.view is not None and self.view.status == "ended":
            return False  # the engine refuses them once the exercise has ended: no key offers them
        return super().check_action(action, parameters)

    # -- layout -------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static("", id="ct-status")
        yield Static("", id="ct-scope")
        with TabbedContent(initial="ct-injects", id="seat-tabs"):
            with TabPane("1 Injects", id="ct-injects"):
                with Vertical(classes="ct-pane"):
                    yield DataTable(id="ct-inject-table", cursor_type="row", zebra_stripes=True)
                    yield Detail("", id="ct-inject-detail", classes="ct-detail")
            with TabPane("2 Actions", id="ct-actions"):
                with Vertical(classes="ct-pane"):
                    yield DataTable(id="ct-action-table", cursor_type="row")
                    yield Detail("", id="ct-action-detail", classes="ct-detail")
            with TabPane("3 Teams", id="ct-teams"):
                with Vertical(classes="ct-pane"):
                    yield Static("", id="ct-team-legend")
                    yield DataTable(id="ct-team-table", cursor_type="row")
                    yield Detail("", id="ct-team-detail", classes="ct-detail")
            with TabPane("4 Notes", id="ct-notes"):
                yield DataTable(id="ct-note-table", cursor_type="row", zebra_stripes=True)
        yield FitFooter()

    # -- rendering ----------------------------------------------------------------------
    def _fv(self) -> FacilitatorView:
        assert isinstance(self.view, FacilitatorView)
        return self.view

    def _names(self) -> dict[str, str]:
        return {t.id: t.name for t in self._fv().teams}

    def scope_names(self, brief: bool = False) -> str:
        """The teams of the scope by name ('all teams' when none is named); `brief`: short names."""
        scope = self.port.seat.scope
        if not scope:
            return "all teams"
        names = self._names()
        return ", ".join((short if brief else str)(names.get(t, t)) for t in scope)

    def render_view(self) -> None:
        v = self._fv()
        ended = v.status == "ended"
        width = (self.size.width or self.app.size.width) - 2  # the lines' padding
        rest = [seat_label(self.port.seat.name, "controller"), where(v.status, v.turn, v.turns, v.turn_label,
                                                                       v.phase_name)]
        if v.paused:
            rest.append("PAUSED")
        conn = self.connection()
        offline = conn not in ("", "connected")  # "": hot-seat
        if conn and not offline:
            rest.append(conn)
        tail = " · " + " · ".join(rest)
        # the title gives way (down to 12 columns) so the seat, the moment and the connection stay in sight
        status = fit(plain(v.scenario.title), max(12, width - cells_len(tail))) + tail
        if offline:  # first: on a narrow terminal the rest may be cut, never this
            status = fit(f"{conn} · {status}", width)
        self.query_one("#ct-status", Static).update(Text(status))
        self.set_class(v.paused, "-paused")
        scope = Text("Your scope: ", style="bold")
        full = self.scope_names()
        said = full if 12 + cells_len(full) <= width else self.scope_names(brief=True)
        scope.append(said)
        room = width - 12 - cells_len(said)
        hint = next((h for h in (" · the lead facilitator runs the turn (next phase, pause, end)",
                                 " · the lead runs the turn (next phase, pause, end)", " · the lead runs the turn")
                     if cells_len(h) <= room), "")
        scope.append(hint, style="dim")
        self.query_one("#ct-scope", Static).update(scope)
        self._render_injects()
        self._render_actions()
        self._render_teams()
        self._render_notes()
        if ended != getattr(self, "_ended", None):
            self._ended = ended
            self.refresh_bindings()

    def _fill(self, table_id: str, head: tuple[str, ...], rows: list[tuple[str, list]], tall: bool = False) -> None:
        """tall: a row is as high as its cells' lines (the teams of an inject, one a line)."""
        table = self.query_one(f"#{table_id}", DataTable)
        if not table.columns:
            table.add_columns(*cells(*head))
        sync_rows(table, rows, height=None if tall else 1)  # in place, the cursor on its row

    def _render_injects(self) -> None:
        v = self._fv()
        names = {t.id: short(t.name) for t in v.teams}
        titles = {i.id: i.title for i in v.injects}
        narrow = self.narrow
        widths = (25, 14, 24) if narrow else (48, 24, 28)
        order = {"reserve": 2}
        shown = sorted(v.injects, key=lambda i: (1 if i.fired else 0, order.get(i.status, 0), i.fired or 0))
        statuses = {i.id: fit(inject_status(i.status, titles), widths[2]) for i in shown}
        # the teams get the room the other columns leave (each with its 2 columns of padding,
        # and a scrollbar): "IT and security" whole at 80 columns where the statuses are short
        others = widths[0] + max([6, *map(len, statuses.values())]) + max([3, *(len(i.severity) for i in shown)]) + 6
        to_w = max(14, min(30, (self.size.width or self.app.size.width) - others - 2 - 1))  # "Brunssum East," whole
        rows = []
        for i in shown:
            # every team by its short name, one a line when they do not fit: "Brunssum…" read
            # the same for East and West
            to = "every team" if "all" in i.to else name_list([names.get(t, t) for t in targets(v, i.to)],
                                                              to_w) or wrapped("facilitator only", to_w)
            style = "dim" if i.fired else ("bold" if i.reserve else "")
            rows.append((i.id, [Text(fit(i.title, widths[0]), style=style), *cells(to, statuses[i.id], i.severity)]))
        self._fill("ct-inject-table", ("Inject", "To", "Status", "Sev"), rows, tall=True)
        self._inject_detail()

    def _inject(self) -> FacilitatorInject | None:
        iid = selected_key(self.query_one("#ct-inject-table", DataTable))
        return next((i for i in self._fv().injects if i.id == iid), None)

    @on(DataTable.RowHighlighted, "#ct-inject-table")
    def _inject_detail(self) -> None:
        self.refresh_bindings()  # h Hold or r Release, k Skip or b Bring back: as the row's status says
        inj = self._inject()
        detail = self.query_one("#ct-inject-detail", Static)
        if inj is None:
            detail.update(text("No inject goes to your teams.", "italic"))
            return
        v = self._fv()
        names = self._names()
        titles = {i.id: i.title for i in v.injects}
        out = Text.assemble((inj.title, "bold"), f"  from {inj.sender} via {inj.channel} · "
                            f"{inject_status(inj.status, titles)}")
        to = targets(v, inj.to)
        out.append("\nGoes to: " + (", ".join(names[t] for t in to) if to else "the facilitator only"))
        if inj.synopsis:
            out.append("\n" + reflow(inj.synopsis))
        if inj.options:
            out.append("\nOptions: " + "; ".join(o.label + (" (default)" if o.default else "")
                                                 + (f" [{', '.join(o.effects)}]" if o.effects else "")
                                                 for o in inj.options))
        if inj.expected:
            out.append("\nExpected: " + "; ".join(inj.expected))
        if inj.answers:
            labels = {o.id: o.label for o in inj.options}
            out.append("\nAnswers: " + ", ".join(f"{names.get(t, t)}: {labels.get(o, o)}"
                                                 for t, o in inj.answers.items()))
        if inj.notes:
            out.append(f"\nNotes: {inj.notes}", style="italic")
        detail.update(out)

    def _render_actions(self) -> None:
        v = self._fv()
        names = {t.id: short(t.name) for t in v.teams}
        head = ("Team", "Turn", "Action", "Seen by", "Odds", "Result")
        said: list[tuple[str, list[str]]] = []
        for a in v.actions:
            odds = f"{a.likelihood} %" if a.likelihood is not None else "waiting"
            result = "-" if a.success is None else ("success" if a.success else "failure")
            said.append((a.id, [names.get(a.team, a.team), f"turn {a.turn}", a.action, seen_by(a), odds, result]))
        # the action gives way so every other column stays whole on the screen ("Resul" was
        # cut at 80 columns once an action was argued open: "open · 2 counters")
        others = sum(max([len(h), *(len(r[c]) for _k, r in said)]) + 2 for c, h in enumerate(head) if c != 2)
        room = (self.size.width or self.app.size.width) - others - 2 - 1  # its padding, a scrollbar
        width = max(12, min(48, room))
        rows = [(k, cells(*r[:2], fit(r[2], width), *r[3:])) for k, r in said]
        self._fill("ct-action-table", head, rows)
        self._action_detail()

    @on(DataTable.RowHighlighted, "#ct-action-table")
    def _action_detail(self) -> None:
        v = self._fv()
        detail = self.query_one("#ct-action-detail", Static)
        waiting = [a for a in v.actions if a.likelihood is None]
        aid = selected_key(self.query_one("#ct-action-table", DataTable))
        a = next((x for x in v.actions if x.id == aid), None)
        out = Text(f"{len(waiting)} action(s) wait for adjudication: select one and press j" if waiting
                   else "No argued action of your teams waits for adjudication.", style="bold")
        if a is not None:
            out.append("\n" + "\n".join(action_lines(self._names().get(a.team, a.team), a)))
        detail.update(out)

    def _render_teams(self) -> None:
        v = self._fv()
        cats = {c.id: c.name for c in v.categories}
        mine = [(t, me) for t in v.teams if (me := v.teams_private.get(t.id)) is not None]  # the scope's
        splits = {t.id: split_cells(me.budget.categories, cats) for t, me in mine}
        # each category by its name and share when that fits ("Sustain 40 %, Invest 40 %, …"),
        # else the shares alone in the categories' order, named once above the table
        named = all(cells_len(full) <= (24 if self.narrow else 48) for full, _ in splits.values())
        order = next((tuple(me.budget.categories) for _t, me in mine if me.budget.categories), ())
        legend = self.query_one("#ct-team-legend", Static)
        legend.display = not named and bool(order)
        legend.update(Text("Budget split, % to " + " / ".join(cats.get(c, c) for c in order)))
        rows = []
        for t, me in mine:
            done = "submitted" if me.submitted else ("waiting" if v.phase == "deliberation" else "-")
            full, shares = splits[t.id]
            rows.append((t.id, cells(short(t.name), f"{money(me.budget.money)} {v.unit}", done,
                                     full if named else shares,
                                     f"{len(me.pending)} open" if me.pending else "none open")))
        self._fill("ct-team-table", ("Team", "Money for orders", "Turn", "Budget split", "Decisions"), rows)
        self._team_detail()

    @on(DataTable.RowHighlighted, "#ct-team-table")
    def _team_detail(self) -> None:
        v = self._fv()
        detail = self.query_one("#ct-team-detail", Static)
        team = selected_key(self.query_one("#ct-team-table", DataTable))
        me = v.teams_private.get(team or "")
        if me is None:
            detail.update(text("No team in your scope.", "italic"))
            return
        cats = {c.id: c.name for c in v.categories}
        b = me.budget
        out = Text(me.name, style="bold")
        out.append(f" · budget this turn {money(b.total)} {v.unit}; money left for orders {money(b.money)} {v.unit}"
                   + (f"; {v.words.staff} {me.staff_used} of {me.staff} in use" if v.commands else ""))
        out.append("\nSplit: " + ("; ".join(f"{cats.get(c, c)} {pct(sh.share)} ({money(sh.amount)} {v.unit})"
                                            for c, sh in b.categories.items()) or "none yet"))
        titles = {i.id: i.title for i in me.inbox}
        out.append("\nDecisions waiting: " + ("; ".join(titles.get(p, p) for p in me.pending) if me.pending
                                            else "none"))
        drafts = [o for o in me.orders if o.status == "draft"]
        ordered = [o for o in me.orders if o.status == "ordered"]
        out.append(f"\nOrders: {len(drafts)} draft, {len(ordered)} ordered and not yet delivered")
        if drafts:
            out.append(" (drafts: " + ", ".join(f"{o.quantity} × {o.name}" for o in drafts) + ")")
        detail.update(out)

    def _render_notes(self) -> None:
        v = self._fv()
        names = self._names()
        objectives = {**dict(v.objective_names), **{o.id: o.name for p in v.teams_private.values() for o in p.objectives}}
        teams = [short(names.get(n.team, n.team)) if n.team else "all teams" for n in v.notes]
        note_w, objective_w, by_w = note_widths(self.size.width or self.app.size.width, max(map(len, teams), default=4),
                                                max((len(n.author or "facilitator") for n in v.notes), default=2))
        rows = []
        for i, (n, team) in enumerate(zip(v.notes, teams)):
            rows.append((str(i), cells(n.turn, team, fit(n.text, note_w),
                                       fit(objectives.get(n.objective, n.objective), objective_w)
                                       if n.objective else "", n.rating or "",
                                       fit(n.author or "facilitator", by_w))))
        self._fill("ct-note-table", ("Turn", "Team", "Note", "Objective", "Rating", "By"), rows)

    # -- acting: injects ------------------------------------------------------------------
    def _selected_inject(self) -> FacilitatorInject | None:
        if self.query_one("#seat-tabs", TabbedContent).active != "ct-injects":
            self.action_tab("ct-injects")
            self.notify("Select an inject in the Injects tab, then press the key again.")
            return None
        inj = self._inject()
        if inj is None:
            self.notify("No inject goes to your teams.")
        return inj

    def _outside(self, inj: FacilitatorInject, verb: str) -> bool:
        """True (and the controller told whose it is, without asking) when `inj` goes beyond the
        scope; the port (the server) still refuses it if it is sent."""
        scope = self.port.seat.scope
        if not scope:
            return False
        names = self._names()
        every = "all" in inj.to
        others = [names.get(t, t) for t in inj.to if t not in scope and t not in ("all", "facilitator")]
        if not every and not others:
            return False
        self.notify(outside_scope(inj.title, self.scope_names(), others, every, verb), title="Not yours",
                    severity="warning", timeout=10, markup=False)
        return True

    async def _on_selected(self, make) -> FacilitatorInject | None:
        inj = self._selected_inject()
        if inj is not None and await self.send(make(inj.id)) is None:
            return inj
        return None

    @work(exclusive=True, group="controller")
    async def action_fire(self) -> None:
        inj = self._selected_inject()
        if inj is None:
            return
        if inj.fired is None:  # a fired one is refused by the engine, with its reason
            if self._outside(inj, "fire"):
                return
            title, body = fire_confirm(preview(self._fv(), inj))
            if not await self.app.push_screen_wait(ConfirmModal(title, body, "Fire")):
                return
        if await self.send(cm.FireInject(inj.id)) is None:
            self.notify(f"{inj.title} went out.", title="Fired")

    @work(exclusive=True, group="controller")
    async def action_hold(self) -> None:
        inj = await self._on_selected(cm.HoldInject)
        if inj is not None:
            self.notify(f"{inj.title} is held: r releases it.", title="Held")

    @work(exclusive=True, group="controller")
    async def action_release(self) -> None:
        inj = await self._on_selected(cm.ReleaseInject)
        if inj is not None:
            self._say_when(inj.id)

    @work(exclusive=True, group="controller")
    async def action_unskip(self) -> None:
        inj = await self._on_selected(cm.UnskipInject)
        if inj is not None:
            self._say_when(inj.id)

    def _say_when(self, iid: str) -> None:
        """After a release or an unskip: when the inject goes out now (as the view says)."""
        inj = next((i for i in self._fv().injects if i.id == iid), None)
        if inj is not None:
            m = re.fullmatch(r"queued for turn (\d+)", inj.status)
            self.notify(release_notice(inj.title, int(m.group(1)) if m else None,
                                       inject_status(inj.status, {i.id: i.title for i in self._fv().injects})))

    @work(exclusive=True, group="controller")
    async def action_skip(self) -> None:
        inj = self._selected_inject()
        if inj is None:
            return
        if self._outside(inj, "skip"):
            return
        v = self._fv()
        names = self._names()
        to = targets(v, inj.to)
        title, body = skip_confirm(inj.title, [names[t] for t in to], len(v.teams) > 1 and len(to) == len(v.teams))
        if await self.app.push_screen_wait(ConfirmModal(title, body, "Skip")) and \
                await self.send(cm.SkipInject(inj.id)) is None:
            self.notify(f"Skipped {inj.title}. b brings it back.")

    @work(exclusive=True, group="controller")
    async def action_delay(self) -> None:
        inj = self._selected_inject()
        if inj is None:
            return
        form = await self.app.push_screen_wait(FormModal(
            f"Delay {fit(inj.title, 50)}", [Field("turns", "Turns to delay", "integer", default=1, minimum=1,
                                                  maximum=20)], "Delay"))
        if form:
            await self.send(cm.DelayInject(inj.id, form["turns"]))

    def action_read(self) -> None:
        inj = self._selected_inject()
        if inj is not None:
            body = f"*From {md(inj.sender)}, via {md(inj.channel)}*\n\n{md(reflow(inj.text or inj.synopsis))}"
            if inj.expected:
                body += "\n\n**Expected player actions:**\n\n" + "\n".join(f"- {md(x)}" for x in inj.expected)
            if inj.notes:
                body += f"\n\n---\n\n**Facilitator notes:** {md(inj.notes)}"
            if inj.source:
                body += f"\n\n**Grounded in:** {md(inj.source)}"
            self.app.push_screen(TextModal(inj.title, body))

    # -- acting: actions and notes ---------------------------------------------------------
    @work(exclusive=True, group="controller")
    async def action_adjudicate(self) -> None:
        v = self._fv()
        pending = [a for a in v.actions if a.likelihood is None]
        if not pending:
            self.notify("No argued action of your teams waits for adjudication.")
            return
        on_tab = self.query_one("#seat-tabs", TabbedContent).active == "ct-actions"
        aid = selected_key(self.query_one("#ct-action-table", DataTable)) if on_tab else None
        action: FacilitatorAction = next((a for a in pending if a.id == aid), pending[0])
        team = self._names().get(action.team, action.team)
        intro = adjudication_intro(team, action, v.adversary) + (
            "\nThe engine rolls against the likelihood you choose." if action.open else
            "\nThe engine rolls against the likelihood you choose; the team sees the odds, the roll and "
            "your rationale.")
        tracks: list[tuple[str, Any]] = [(f"{t.name} (world)", ("world", t.id)) for t in v.tracks]
        tracks += [(f"{t.name} ({short(team)})", ("team", t.id)) for t in v.team_tracks]
        form = await self.app.push_screen_wait(FormModal(f"Adjudicate: {fit(action.action, 50)}", [
            Field("likelihood", "Likelihood", "select", tuple((f"{p} %", p) for p in LIKELIHOODS), default=50),
            Field("rationale", "Rationale (required)", "text"),
            Field("track", "On success: track", "select", tuple(tracks), required=False),
            Field("add", "On success: points to add", "number", required=False),
        ], "Roll", intro=intro))
        if not form:
            return
        effects: tuple[dict, ...] = ()
        if form["track"] and form["add"] is not None:
            scope, track = form["track"]
            effect: dict[str, Any] = {"track": track, "add": form["add"]}
            if scope == "team":
                effect["team"] = action.team
            effects = (effect,)
        if await self.send(cm.Adjudicate(action.id, form["likelihood"], form["rationale"], effects)) is None:
            done = next((a for a in self._fv().actions if a.id == action.id), None)
            if done is not None and done.roll is not None and done.likelihood is not None:
                verdict = "SUCCESS" if done.success else "FAILURE"
                self.notify(f"{roll_words(done.roll, done.likelihood).capitalize()}: {verdict}",
                            title=fit(action.action, 50), timeout=10, markup=False)

    @work(exclusive=True, group="controller")
    async def action_note(self) -> None:
        v = self._fv()
        names = self._names()
        scope = self.port.seat.scope
        teams = tuple((names.get(t, t), t) for t in scope) if scope else \
            (("All teams", ""), *((t.name, t.id) for t in v.teams))
        injects = tuple((fit(i.title, 40), i.id) for i in v.injects if i.fired)
        objectives = tuple(dict.fromkeys((o.name, o.id) for p in v.teams_private.values() for o in p.objectives))
        shown = selected_key(self.query_one("#ct-team-table", DataTable))
        # a scoped controller's note is about one of its teams (the seat refuses one about all
        # teams): the form asks for it, the team selected in the Teams tab (or the first) chosen
        form: dict = {"team": (shown if shown in scope else scope[0]) if scope else ""}
        label = "About team (one of yours)" if scope else ""
        problem = ""
        while True:  # a form to fix comes back as it was typed: a note is never lost
            answer = await self.app.push_screen_wait(FormModal(
                "Note or observation", note_fields(form, teams, injects, objectives, team_label=label), "Save note",
                intro=problem or f"Signed {self.port.seat.signature}.", original=form if problem else None))
            if not answer:
                return
            form = answer
            if (form["objective"] is None) != (form["rating"] is None):
                problem = RATING_BOTH
                continue
            refused = await self.send(cm.AddNote(form["text"], tags_of(form), form["inject"], form["objective"],
                                                 form["rating"], team=form["team"] or None,
                                                 author=self.port.seat.signature))
            if refused is None:
                break
            problem = f"Not saved: {refused}"
        self.action_tab("ct-notes")
