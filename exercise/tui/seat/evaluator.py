"""The evaluator's (or observer's) console: every team's view, the evaluation guide, the notes.

It reads the seat's EvaluatorView (exercise.engine.seats.evaluator_view) through its port and
sends one command: an observation (cm.AddNote signed with the seat's name, tagged
"evaluator"), optionally about an inject and rating an objective P/S/M/U. It never acts on
the exercise. Keys 1-9 (or [ and ]) switch the team shown; t, g and o the tabs.

`SeatConsole` is what the seat consoles share (the controller's too): the port, redrawing
when it says the view changed, sending a command and telling a refusal in the engine's (or
the server's) words, help, and going back to the facilitator's console when hot-seated.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from exercise import engine
from exercise.engine import commands as cm
from exercise.engine.decision import number, roll_words
from exercise.engine.ledger import POINTS, amount
from exercise.engine.view_types import EvaluatorView, PlayerView
from exercise.journal.log import JournalError
from exercise.model import RATINGS
from exercise.tui.base import Detail, ShownTabFocus
from exercise.tui.footer import FitFooter
from exercise.tui.keyhelp import KeyHelp, neutral_slots, word_slots
from exercise.tui.modals import Field, FormModal, TextModal
from exercise.tui.seat.base import FollowsPort
from exercise.tui.tables import sync_rows
from exercise.tui.text import cells, fit, note_widths, plain, plain_tree, text
from exercise.words import short

RATING_WORDS = {"P": "P: performed without challenges", "S": "S: performed with some challenges",
                "M": "M: performed with major challenges", "U": "U: unable to be performed"}
assert tuple(RATING_WORDS) == RATINGS
NARROW = 110  # below this width, columns give way


def money(x: float) -> str:
    return f"{x:,.2f}"


def pct(share: float) -> str:
    return number(share * 100, 1) + " %"


def where(status: str, turn: int, turns: int, turn_label: str, phase_name: str) -> str:
    """The exercise's moment in words, as the other consoles' status lines say it."""
    if status == "ready":
        return "not started"
    if status == "ended":
        return "ended"
    label = f" {turn_label}" if turn_label else ""
    return f"Turn {turn}/{turns}{label} · {phase_name}"


def seat_label(name: str, role: str) -> str:
    """The seat as the status line names it: 'Alice (controller)'; the role added when the name lacks it."""
    name = plain(name)
    return name if role in name.lower() else f"{name} ({role})"


def rich_table(head: tuple[str, ...], rows: list[tuple[Any, ...]], wrap: tuple[int, ...] = (),
               shrink: tuple[int, ...] = ()) -> Table:
    """A read-only table: every cell as Text (never markup); columns in `wrap` fold long text
    and share the width left; columns in `shrink` keep their width and wrap only when the
    table is wider than the screen (the others are never cut while those can wrap)."""
    t = Table(box=None, show_edge=False, pad_edge=False, expand=bool(wrap), header_style="bold")
    for i, h in enumerate(head):
        folds = i in wrap or i in shrink
        t.add_column(text(h), overflow="fold" if folds else "ellipsis", no_wrap=not folds,
                     ratio=1 if i in wrap else None)
    for row in rows:
        t.add_row(*(c if isinstance(c, Text) else text(c) for c in row))
    return t


def note_fields(form: dict, teams, injects, objectives, authored: bool = False,
                team_label: str = "") -> list[Field]:
    """The observation form (the facilitator's Notes tab's, signed by the seat): text, tags,
    team, inject, objective and rating (both or neither). `form`: what was typed, to reopen.
    `team_label`: the team must be chosen (a scoped controller's note is about one of its
    teams), under that label."""
    return [
        Field("text", "Observation", "multiline", default=form.get("text")),
        Field("team", team_label or "About team", "select", tuple(teams), required=bool(team_label),
              default=form.get("team")),
        Field("inject", "About inject", "select", tuple(injects), required=False, default=form.get("inject")),
        Field("objective", "Rates objective", "select", tuple(objectives), required=False,
              default=form.get("objective")),
        Field("rating", "Rating (with an objective)", "select", tuple((w, r) for r, w in RATING_WORDS.items()),
              required=False, default=form.get("rating")),
        Field("tags", "Tags (comma separated; strength or improvement sort it in the report)", required=False,
              default=form.get("tags")),
    ]


RATING_BOTH = "A rating needs both an objective and a rating (P/S/M/U): choose both, or neither."


def tags_of(form: dict, *always: str) -> tuple[str, ...]:
    typed = tuple(t.strip() for t in (form.get("tags") or "").split(",") if t.strip())
    return tuple(dict.fromkeys((*always, *typed)))


class SeatConsole(FollowsPort, ShownTabFocus, KeyHelp, Screen):
    """A seat's console over its port (see the module's docstring)."""

    TABS_ID = "seat-tabs"
    FOCUS: ClassVar[dict[str, str]] = {}  # tab id -> the widget its keys go to

    def __init__(self, port, hot_seat: bool | None = None):
        super().__init__()
        self.port = port
        # opened in the facilitator's console (escape goes back): a local port, unless told
        self.hot_seat = getattr(port, "status", "") == "local" if hot_seat is None else hot_seat
        self.view: Any = None
        self._offline = False

    def on_mount(self) -> None:
        self.follow_port()
        self.refresh_view()
        self.call_after_refresh(self.action_tab, self.query_one(f"#{self.TABS_ID}", TabbedContent).active)

    def on_resize(self) -> None:
        if self.view is not None:
            self.render_view()

    @property
    def narrow(self) -> bool:
        return (self.size.width or self.app.size.width) < NARROW

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
        self.render_view()

    def render_view(self) -> None:
        raise NotImplementedError

    def connection(self) -> str:
        status = getattr(self.port, "status", "local")
        self.set_class(status not in ("local", "connected"), "-offline")
        return "" if status == "local" else status

    async def send(self, command) -> str | None:
        """Through the port; None when done, else the reason (the engine's or the server's
        words), already told in a notification."""
        try:
            await self.port.send(command)
        except engine.Rejected as e:
            self.notify(str(e), title="Not done", severity="error", timeout=10, markup=False)
            return str(e)
        except JournalError as e:
            self.notify(str(e), title="Not saved", severity="error", timeout=20, markup=False)
            return str(e)
        except OSError as e:
            self.notify(str(e), title="Not sent", severity="error", timeout=12, markup=False)
            return str(e)
        self.refresh_view()
        return None

    def action_tab(self, tab: str) -> None:
        self.query_one(f"#{self.TABS_ID}", TabbedContent).active = tab
        if tab in self.FOCUS:
            self.query_one(self.FOCUS[tab]).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return self.hot_seat
        return True

    def action_back(self) -> None:
        if self.hot_seat:
            self.app.clear_notifications()  # this seat's toasts stay with it
            self.app.pop_screen()

    def action_help(self) -> None:
        # escape goes back only to a facilitator's console on this machine: not offered otherwise
        self.app.push_screen(TextModal(self.HELP_TITLE, self.help_markdown(
            hide=() if self.hot_seat else ("back",), slots=self.help_slots())))  # in its scenario's words


class EvaluatorScreen(SeatConsole):
    """An evaluator's console: a team's view, the evaluation guide, the observations."""

    CSS_PATH = "evaluator.tcss"
    HELP_TITLE = "Help: the evaluator's console"
    HELP_INTRO = """\
**The evaluator's (or observer's) console.** It shows every team's view, one team at a
time, and the evaluation guide: the objectives, and the injects fired so far with the
actions the players are expected to take. You write observations and P/S/M/U ratings;
they are signed with your seat's name and go into the after-action report. Players never
see them. You do not act on the exercise: the white cell runs it.
"""
    HELP_OUTRO = """\
**The tabs**: *Team* shows what the team shown did: its budget split and money, its orders,
its answers to the injects (chosen, or the default when it did not answer), the actions it
argued and how they were adjudicated, its {capabilities} and the world as it sees it. *Guide*
lists the objectives (for all teams and for that team) with the ratings given so far, and
the injects that reached the team with the expected actions and the objectives they
exercise. *Observations* lists every note and rating written so far, and who wrote it.

**Ratings** (HSEEP): P performed without challenges, S with some challenges, M with major
challenges, U unable to be performed. A rating rates an objective: choose both, or neither.
"""
    FOCUS: ClassVar[dict[str, str]] = {"ev-team-tab": "#ev-team-body", "ev-guide-tab": "#ev-guide-body",
                                       "ev-notes-tab": "#ev-notes"}
    BINDINGS = [
        Binding("n", "note", "Observation", tooltip="write an observation: about the team shown (or all teams), "
                "an inject, and optionally a P/S/M/U rating of an objective"),
        Binding("m", "note", "Observation", show=False,  # as the facilitator's console
                tooltip="write an observation (as n; m as in the facilitator's console)"),
        Binding("right_square_bracket", "next_team(1)", "Next team", key_display="]",
                tooltip="show the next team (1-9: the team with that number)"),
        Binding("left_square_bracket", "next_team(-1)", "Team before", key_display="[", show=False,
                tooltip="show the team before"),
        *(Binding(str(i), f"team({i})", f"Team {i}", show=False) for i in range(1, 10)),
        Binding("t", "tab('ev-team-tab')", "Team", show=False, tooltip="tab: what the team shown did"),
        Binding("g", "tab('ev-guide-tab')", "Guide", show=False,
                tooltip="tab: the evaluation guide (objectives, injects fired, expected actions)"),
        Binding("o", "tab('ev-notes-tab')", "Observations", show=False,
                tooltip="tab: every observation and rating written so far, and by whom"),
        Binding("escape", "back", "Back", tooltip="back to the facilitator's console (hot-seat)"),
        Binding("question_mark", "help", "Help", key_display="?", tooltip="this help"),
    ]
    FOOTER_KEEP = ("n",)

    def __init__(self, port, hot_seat: bool | None = None):
        super().__init__(port, hot_seat)
        self.team: str | None = None  # the team shown (an id: its name is what is shown)

    @classmethod
    def help_groups(cls):
        keys = [b for b in cls.BINDINGS if isinstance(b, Binding) and b.description and not b.key.isdigit()]
        digits = Binding("1", "team(1)", "Team", key_display="1-9",
                         tooltip="show the team with that number (the team bar says which is shown)")
        return [("", [*keys[:3], digits, *keys[3:]])]

    # -- layout -------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static("", id="ev-status")
        yield Static("", id="ev-teambar")
        with TabbedContent(initial="ev-team-tab", id="seat-tabs"):
            with TabPane("Team (t)", id="ev-team-tab"):
                with VerticalScroll(id="ev-team-body"):
                    yield Static("", id="ev-team-summary")
                    for part in ("budget", "orders", "answers", "actions", "tracks", "world"):
                        yield Static("", id=f"ev-{part}-title", classes="ev-section")
                        yield Static("", id=f"ev-{part}", classes="ev-block")
            with TabPane("Guide (g)", id="ev-guide-tab"):
                with VerticalScroll(id="ev-guide-body"):
                    yield Static("", id="ev-objectives-title", classes="ev-section")
                    yield Static("", id="ev-objectives", classes="ev-block")
                    yield Static("", id="ev-injects-title", classes="ev-section")
                    yield Static("", id="ev-injects", classes="ev-block")
            with TabPane("Observations (o)", id="ev-notes-tab"):
                yield DataTable(id="ev-notes", cursor_type="row", zebra_stripes=True)
                yield Detail("", id="ev-note-detail")
        yield FitFooter()

    def help_slots(self):
        """The scenario's words, as the teams' views carry them (neutral words until they come)."""
        v = self.view
        views = list(v.views.values()) if isinstance(v, EvaluatorView) else []
        return word_slots(views[0].words, views[0].adversary) if views else neutral_slots()

    # -- rendering ----------------------------------------------------------------------
    def _ev(self) -> EvaluatorView:
        assert isinstance(self.view, EvaluatorView)
        return self.view

    def _names(self) -> dict[str, str]:
        return {t.id: t.name for t in self._ev().teams}

    def _objective_names(self) -> dict[str, str]:
        return {o.id: o.name for o in self._ev().objectives}

    def render_view(self) -> None:
        v = self._ev()
        ids = [t.id for t in v.teams]
        if self.team not in ids:
            self.team = ids[0] if ids else None
        conn = self.connection()
        bits = [plain(v.title), seat_label(self.port.seat.name, "evaluator"),
                where(v.status, v.turn, v.turns, v.turn_label, v.phase_name)]
        if conn == "connected":
            bits.append(conn)
        elif conn:  # lost ("" is hot-seat): first, so a narrow terminal may cut the rest, never this
            bits.insert(0, conn)
        self.query_one("#ev-status", Static).update(Text(" · ".join(bits)))  # the .tcss ends it with "…"
        self._render_teambar()
        self._render_team()
        self._render_guide()
        self._render_notes()

    def _render_teambar(self) -> None:
        v = self._ev()
        bar = Text("Showing: ", style="bold")
        for n, t in enumerate(v.teams, 1):
            shown = t.id == self.team
            name = short(t.name) if not shown or self.narrow else t.name
            number_ = f"{n} " if n <= 9 else ""
            # the team shown is marked in words too (▶ ◀), not by colour alone
            bar.append(f"▶{number_}{name}◀" if shown else f" {number_}{name} ", style="reverse bold" if shown else "")
        if len(v.teams) > 1:
            bar.append(f"  {'1-' + str(min(len(v.teams), 9))} or [ ] switch", style="dim")
        self.query_one("#ev-teambar", Static).update(bar)

    def _player(self) -> PlayerView | None:
        return self._ev().views.get(self.team or "")

    def _render_team(self) -> None:
        pv = self._player()
        if pv is None:
            self.query_one("#ev-team-summary", Static).update(Text("No team to show."))
            return
        me, b, unit = pv.me, pv.me.budget, pv.unit
        narrow = self.narrow
        state = "submitted" if me.submitted else ("not submitted" if pv.status == "running" else "")
        summary = Text(me.name, style="bold")
        summary.append(f" · {state}" if state else "")
        summary.append(f" · budget this turn {money(b.total)} {unit} · money left for orders {money(b.money)} {unit}"
                       + (f" · {pv.words.staff} {me.staff_used} of {me.staff} in use" if pv.commands else ""))
        self.query_one("#ev-team-summary", Static).update(summary)

        cats = {c.id: c.name for c in pv.categories}
        self._block("budget", "Budget split (its shares of this turn's budget)",
                    [(cats.get(c, c), pct(sh.share), f"{money(sh.amount)} {unit}") for c, sh in b.categories.items()],
                    ("Category", "Share", "Amount"), "No budget yet (the exercise has not started).")

        orders = [o for o in me.orders if o.status != "cancelled"]
        rows: list[tuple[Any, ...]] = []
        for o in orders:
            due = f"turn {o.due}" if o.due <= pv.turns else f"turn {o.due} (after the end)"
            status = o.status + (" (backlog)" if o.backlog else "")
            # the scenario gives no price for an order placed before the exercise: the engine
            # records 0 (it costs the team nothing now), the team's console says "paid before"
            cost = ("paid before" if narrow else "paid before the exercise") if o.backlog and o.cost == 0 \
                else f"{money(o.cost)} {unit}"
            rows.append((o.name, f"{o.quantity}", cost, "before" if o.backlog else f"turn {o.placed}", due, status))
        hidden = f" ({me.orders_hidden} cancelled ones left out)" if me.orders_hidden else ""
        # the item, when it is due and its status wrap when the screen is narrow; units, cost
        # and when it was placed stay whole (they were cut at 80 and at 120 columns)
        self._block("orders", f"Orders{hidden}", rows, ("Item", "Units", "Cost", "Placed", "Due", "Status"),
                    "No orders.", shrink=(0, 4, 5))

        rows = []
        for inj in me.inbox:
            if not inj.options:
                continue
            labels = {o.id: o.label for o in inj.options}
            if inj.answer is None:
                answer = Text("open: not answered yet" if inj.id in me.pending else "not answered",
                              style="italic")
            elif inj.answered_by_default:
                answer = Text(f"{labels.get(inj.answer, inj.answer)} (the default: it did not answer)",
                              style="yellow")
            else:
                answer = Text(f"{labels.get(inj.answer, inj.answer)} (chosen)")
            rows.append((inj.title, f"turn {inj.turn}", answer))  # whole: folded, never cut with an ellipsis
        self._block("answers", "Answers to injects", rows, ("Inject", "Fired", "Answer"),
                    "No inject asked it a decision yet.", wrap=(0, 2))

        rows = []
        for a in me.actions:
            odds = f"{a.likelihood} %" if a.likelihood is not None else "waiting"
            result = "-" if a.success is None else ("success" if a.success else "failure")
            if a.roll is not None and a.likelihood is not None:
                result += f" ({roll_words(a.roll, a.likelihood)})"
            rows.append((f"turn {a.turn}", f"{a.action}: {a.result}" if a.result else a.action, odds, result,
                         a.rationale or "-"))
        self._block("actions", "Argued actions and their adjudication", rows,
                    ("Turn", "Action: intended result", "Odds", "Result", "Rationale"), "No argued action.",
                    wrap=(1, 4))

        rows = [(t.name, amount(t.values.get(me.id, 0.0), POINTS, t.decimals), t.bands.get(me.id, ""))
                for t in pv.team_tracks if me.id in t.values]
        caps = pv.words.capabilities  # the scenario's word ([words])
        self._block("tracks", f"Its {caps}", rows, (caps[:1].upper() + caps[1:], "Value", "Band"), "No team track.",
                    wrap=(2,))
        rows = [(t.name, t.estimate if t.estimate else amount(t.value, POINTS, t.decimals),
                 ("about: " if t.estimate else "") + t.band) for t in pv.tracks]
        self._block("world", f"The world as {short(me.name)} sees it", rows, ("Track", "Value", "Band"),
                    "No world track.", wrap=(1, 2))

    def _block(self, part: str, title: str, rows: list[tuple[Any, ...]], head: tuple[str, ...], empty: str,
               wrap: tuple[int, ...] = (), shrink: tuple[int, ...] = ()) -> None:
        self.query_one(f"#ev-{part}-title", Static).update(text(title))
        block = self.query_one(f"#ev-{part}", Static)
        block.update(rich_table(head, rows, wrap, shrink) if rows else text(empty, "italic"))

    def _render_guide(self) -> None:
        v = self._ev()
        team = self.team
        names = self._names()
        name = short(names.get(team or "", "")) or "the team"
        objectives = [o for o in v.objectives if o.team is None or o.team == team]
        rows: list[tuple[Any, ...]] = []
        for o in objectives:
            given = [n for n in v.notes if n.objective == o.id and n.rating and n.team in (None, team)]
            last = given[-1] if given else None
            rated = (Text(f"{last.rating} by {last.author or 'the facilitator'} (turn {last.turn})",
                          style="bold") if last else Text("not rated yet", style="italic"))
            rows.append((o.name, o.team_name, o.description or "-", rated))
        self.query_one("#ev-objectives-title", Static).update(text(f"Objectives for all teams and for {name}"))
        self.query_one("#ev-objectives", Static).update(
            rich_table(("Objective", "For", "What it means", f"Last rating of {name}"), rows, wrap=(0, 2, 3))
            if rows else text("The scenario names no objective to evaluate.", "italic"))

        objective_names = self._objective_names()
        pv = self._player()
        answers = {i.id: i for i in pv.me.inbox} if pv else {}
        rows = []
        for g in reversed(v.injects):  # newest first: what just happened is what is being watched
            if team not in g.to:
                continue
            expected = "\n".join(f"- {x}" for x in g.expected) or "-"
            exercised = ", ".join(objective_names.get(x, x) for x in g.objectives) or "-"
            inj = answers.get(g.id)
            answer = "-"
            if inj is not None and inj.options:
                labels = {o.id: o.label for o in inj.options}
                answer = ("open" if inj.answer is None else labels.get(inj.answer, inj.answer)
                          + (" (default)" if inj.answered_by_default else ""))
            rows.append((g.title, f"turn {g.turn}", expected, exercised, answer))
        others = sum(1 for g in v.injects if team not in g.to)
        more = f" ({others} more went to other teams only)" if others else ""
        self.query_one("#ev-injects-title", Static).update(
            text(f"Injects fired to {name}, newest first: what the players are expected to do{more}"))
        self.query_one("#ev-injects", Static).update(
            rich_table(("Inject", "Fired", "Expected player actions", "Exercises", f"{name} answered"), rows,
                       wrap=(0, 2, 3, 4))
            if rows else text(f"No inject has reached {name} yet.", "italic"))

    def _render_notes(self) -> None:
        v = self._ev()
        table = self.query_one("#ev-notes", DataTable)
        if not table.columns:
            table.add_columns(*cells("Turn", "Team", "Observation", "Objective", "Rating", "By"))
        names = self._names()
        objectives = self._objective_names()
        teams = [short(names.get(n.team, n.team)) if n.team else "all teams" for n in v.notes]
        note_w, objective_w, by_w = note_widths(self.size.width or self.app.size.width, max(map(len, teams), default=4),
                                                max((len(n.author or "facilitator") for n in v.notes), default=2))
        rows = []
        for i, (n, team) in enumerate(zip(v.notes, teams)):
            row = cells(n.turn, team, fit(n.text, note_w),
                        fit(objectives.get(n.objective, n.objective), objective_w) if n.objective else "",
                        n.rating or "", fit(n.author or "facilitator", by_w))
            rows.append((str(i), row))
        sync_rows(table, rows, keep="index")  # in place, the cursor on its line
        self._note_detail()

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._note_detail()

    def _note_detail(self) -> None:
        v = self._ev()
        table = self.query_one("#ev-notes", DataTable)
        detail = self.query_one("#ev-note-detail", Static)
        if not v.notes:
            detail.update(text("No observation yet: press n to write the first.", "italic"))
            return
        n = v.notes[min(table.cursor_row, len(v.notes) - 1)]
        names = self._names()
        out = Text(f"{n.author or 'The facilitator'}, turn {n.turn}", style="bold")
        out.append(f" · about {names.get(n.team, n.team) if n.team else 'all teams'}")
        if n.objective:
            out.append(f" · rates {self._objective_names().get(n.objective, n.objective)}")
            if n.rating:
                out.append(f": {RATING_WORDS.get(n.rating, n.rating)}")
        if n.inject:
            title = next((g.title for g in v.injects if g.id == n.inject), None)
            if title:
                out.append(f" · inject {title}")
        if n.tags:
            out.append(f" · tags {', '.join(n.tags)}")
        out.append("\n" + n.text)
        detail.update(out)

    # -- acting -------------------------------------------------------------------------
    def action_team(self, n: int) -> None:
        teams = self._ev().teams
        if not 1 <= n <= len(teams):
            self.notify(f"There are {len(teams)} teams: press 1-{len(teams)}.", title="No such team")
            return
        self._show_team(teams[n - 1].id)

    def action_next_team(self, step: int) -> None:
        ids = [t.id for t in self._ev().teams]
        if ids:
            at = ids.index(self.team) if self.team in ids else 0
            self._show_team(ids[(at + step) % len(ids)])

    def _show_team(self, team: str) -> None:
        self.team = team
        self._render_teambar()
        self._render_team()
        self._render_guide()

    @work(exclusive=True, group="evaluator-note")
    async def action_note(self) -> None:
        v = self._ev()
        teams = (("All teams", ""), *((t.name, t.id) for t in v.teams))
        injects = tuple((fit(g.title, 40), g.id) for g in reversed(v.injects))
        objectives = tuple((f"{o.name} ({o.team_name})", o.id) for o in v.objectives)
        form: dict = {"team": self.team or ""}
        problem = ""
        while True:  # a form to fix comes back as it was typed: an observation is never lost
            answer = await self.app.push_screen_wait(FormModal(
                "Observation", note_fields(form, teams, injects, objectives), "Save observation",
                intro=problem or f"Signed {self.port.seat.signature}. Players never see it; the after-action report does.",
                original=None if not problem else form))
            if not answer:
                return
            form = answer
            if (form["objective"] is None) != (form["rating"] is None):
                problem = RATING_BOTH
                continue
            command = cm.AddNote(form["text"], tags_of(form, "evaluator"), form["inject"], form["objective"],
                                 form["rating"], team=form["team"] or None, author=self.port.seat.signature)
            refused = await self.send(command)
            if refused is None:
                break
            problem = f"Not saved: {refused}"
        self.action_tab("ev-notes-tab")
        table = self.query_one("#ev-notes", DataTable)
        if table.row_count:
            table.move_cursor(row=table.row_count - 1)
        self.notify("Saved: it is in the journal and the after-action report.", title="Observation")
