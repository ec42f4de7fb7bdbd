"""The injects: fired, due, held and in reserve; fire, hold, release, skip, unskip, delay,
read, ad hoc. Fire and skip ask first, saying what they do to the teams; a skip can be undone."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from exercise.engine import commands as cm
from exercise.engine.injects import fire_preview
from exercise.engine.view_types import FacilitatorInject, FacilitatorView
from exercise.narrate import Narrator
from exercise.tui.base import Detail, console
from exercise.tui.facilitator.panel import Panel, ShowTab, team_options
from exercise.tui.facilitator.wording import fire_confirm, release_notice, skip_confirm
from exercise.tui.modals import ConfirmModal, Field, FormModal, TextModal
from exercise.tui.names import name_list
from exercise.tui.tables import selected_key, sync_rows
from exercise.tui.text import cells, fit, md, reflow
from exercise.words import short


class InjectsPanel(Panel, Vertical):
    """The Injects tab: the table, the selected inject's detail, and the inject controls."""

    TAB = "injects"
    PANEL_ID = "injects-panel"
    HELP_HEADING = "Injects (f, h, r, k, b, d and v act on the inject selected in the Injects tab)"
    KEYS = [
        Binding("f", "fire", "Fire",
                tooltip="fire the selected inject now (asks first: who gets it, which submitted teams reopen)"),
        Binding("a", "adhoc", "Ad-hoc inject", tooltip="write and fire an ad-hoc inject now"),
        Binding("h", "hold", "Hold", show=False, tooltip="hold the selected inject (it is not delivered)"),
        Binding("r", "release", "Release", show=False,
                tooltip="release a held inject (if its turn has passed, it goes out with the next injects)"),
        Binding("k", "skip", "Skip", show=False, tooltip="skip the selected inject (asks first; b brings it back)"),
        Binding("b", "unskip", "Bring back", show=False, tooltip="bring back a skipped inject (unskip)"),
        Binding("d", "delay", "Delay", show=False, tooltip="delay the selected inject by some turns"),
        Binding("v", "view_inject", "Read inject", show=False, tooltip="read the selected inject in full"),
    ]

    def __init__(self, session):
        super().__init__(id=self.PANEL_ID)
        self.session = session

    def compose(self) -> ComposeResult:
        yield DataTable(id="inject-table", cursor_type="row", zebra_stripes=True)
        yield Detail("", id="inject-detail")

    def show(self, view: FacilitatorView) -> None:
        super().show(view)
        table = self.query_one("#inject-table", DataTable)
        if not table.columns:
            table.add_columns("Inject", "To", "Status", "Sev")
        teams = {t.id: short(t.name) for t in view.teams}
        # on an 80-column screen the title and the teams give way so the status stays whole
        width = self.size.width or self.app.size.width
        # what the rows show: most commands (pause, a note) change none of a big scenario's
        # thousand injects, and building their cells again cost more than the key
        shown = (width, tuple(teams.items()),
                 tuple((i.id, i.to, i.status, i.fired, i.reserve, i.title, i.severity) for i in view.injects))
        if shown != self._shown_rows:
            self._shown_rows = shown
            self._fill(table, view, teams, width)
        self.show_inject_detail()

    _shown_rows: tuple | None = None

    def _fill(self, table: DataTable, view: FacilitatorView, teams: dict[str, str], width: int) -> None:
        order = {"reserve": 2}
        rows = sorted(view.injects, key=lambda i: (
            1 if i.fired else 0, order.get(i.status, 0), i.fired or 0))
        narrator = Narrator(self.session.scenario)
        title_w = 25 if width < 110 else 48
        statuses = {i.id: fit(narrator.status(i.status), 24) for i in rows}  # titles, not ids
        # the teams get the room the other columns leave (each with its 2 columns of padding,
        # and a scrollbar): "IT and security" whole at 80 columns where the statuses are short
        others = title_w + max([6, *map(len, statuses.values())]) + max([3, *(len(i.severity) for i in rows)]) + 3 * 2
        to_w = max(14, min(30, width - others - 2 - 1))  # "Brunssum East," whole

        def row(i: FacilitatorInject) -> tuple[str, list[Text]]:
            # the teams by their short names, one a line when they do not fit: never cut
            # ("Communications and l", "Brunssum…" for East and West alike)
            to = name_list([teams.get(t, t) for t in i.to], to_w)
            style = "dim" if i.fired else ("bold" if i.reserve else "")
            return i.id, [Text(fit(i.title, title_w), style=style), *cells(to, statuses[i.id], i.severity)]

        # the cursor stays on its line: once an inject is fired (it goes down) the next is under it
        sync_rows(table, [row(i) for i in rows], keep="index", height=None)

    def selected(self) -> str | None:
        return selected_key(self.query_one("#inject-table", DataTable))

    def _inject(self) -> FacilitatorInject | None:
        iid = self.selected()
        return next((i for i in self.view.injects if i.id == iid), None)

    @on(DataTable.RowHighlighted, "#inject-table")
    def show_inject_detail(self) -> None:
        inj = self._inject()
        detail = self.query_one("#inject-detail", Static)
        if inj is None:
            detail.update(Text())
            return
        out = Text.assemble((inj.title, "bold"), f"  from {inj.sender} via {inj.channel} · {Narrator(self.session.scenario).status(inj.status)}")
        if inj.synopsis:
            out.append("\n" + reflow(inj.synopsis))
        if inj.options:
            out.append("\nOptions: " + "; ".join(o.label + (" (default)" if o.default else "")
                                                 + (f" [{', '.join(o.effects)}]" if o.effects else "")
                                                 for o in inj.options))  # hidden effects marked (hidden)
        if inj.expected:
            out.append("\nExpected: " + "; ".join(inj.expected))
        if inj.notes:
            out.append(f"\nNotes: {inj.notes}", style="italic")
        if inj.answers:
            out.append("\nAnswers: " + ", ".join(f"{t}: {o}" for t, o in inj.answers.items()))
        detail.update(out)

    # -- acting -------------------------------------------------------------------------
    def _inject_or_warn(self) -> str | None:
        iid = self.selected()
        if iid is None or not self.on_its_tab():
            self.post_message(ShowTab(self.TAB))
            self.notify("Select an inject in the Injects tab, then press the key again.")
            return None
        return iid

    def _on_selected_inject(self, command_class) -> str | None:
        """The selected inject's id if the command was carried out."""
        iid = self._inject_or_warn()
        if iid and console(self).run_command(command_class(iid)):
            return iid
        return None

    async def _confirmed(self, title: str, body: str, verb: str) -> bool:
        answer: bool = await self.app.push_screen_wait(ConfirmModal(title, body, verb))
        return answer

    @work
    async def action_fire(self) -> None:
        iid = self._inject_or_warn()
        inj = self._inject()
        if not iid or inj is None:
            return
        if inj.fired is None:  # a fired one is refused by the engine, with its reason
            title, body = fire_confirm(fire_preview(self.session.state, iid))
            if not await self._confirmed(title, body, "Fire"):
                return
        console(self).run_command(cm.FireInject(iid))

    def action_hold(self) -> None:
        self._on_selected_inject(cm.HoldInject)

    def _say_when(self, iid: str) -> None:
        """After a release or an unskip: when the inject goes out now."""
        inj = next((i for i in self.view.injects if i.id == iid), None)
        if inj is not None:
            self.notify(release_notice(inj.title, self.session.state.fire_at.get(iid), inj.status))

    def action_release(self) -> None:
        iid = self._on_selected_inject(cm.ReleaseInject)
        if iid:
            self._say_when(iid)

    @work
    async def action_skip(self) -> None:
        iid = self._inject_or_warn()
        inj = self._inject()
        if not iid or inj is None:
            return
        if inj.fired is None and inj.status not in ("skipped", "cancelled"):  # else the engine says why not
            teams = {t.id: t.name for t in self.view.teams}
            to = [teams.get(t, t) for t in self.session.state.targets(iid)] if inj.to != ("facilitator",) else []
            every = len(teams) > 1 and len(to) == len(teams)
            if not await self._confirmed(*skip_confirm(inj.title, to, every), "Skip"):
                return
        if console(self).run_command(cm.SkipInject(iid)):
            self.notify(f"Skipped {inj.title}. b brings it back.")

    def action_unskip(self) -> None:
        iid = self._on_selected_inject(cm.UnskipInject)
        if iid:
            self._say_when(iid)

    @work
    async def action_delay(self) -> None:
        iid = self._inject_or_warn()
        if not iid:
            return
        form = await self.app.push_screen_wait(FormModal(
            "Delay inject", [Field("turns", "Turns to delay", "integer", default=1, minimum=1, maximum=20)], "Delay"))
        if form:
            console(self).run_command(cm.DelayInject(iid, form["turns"]))

    def action_view_inject(self) -> None:
        inj = self._inject()
        if inj:
            body = f"*From {md(inj.sender)}, via {md(inj.channel)}*\n\n{inj.text or inj.synopsis}"
            if inj.notes:
                body += f"\n\n---\n\n**Facilitator notes:** {md(inj.notes)}"
            if inj.source:
                body += f"\n\n**Grounded in:** {md(inj.source)}"
            self.app.push_screen(TextModal(inj.title, body))

    @work
    async def action_adhoc(self) -> None:
        sc = self.session.scenario
        form = await self.app.push_screen_wait(FormModal("Write and fire an inject now", [
            Field("title", "Title"),
            Field("to", "To", "select", team_options(sc) + (("Facilitator only", "facilitator"),), default="all"),
            Field("text", "Text the teams read", "multiline", required=False),
            Field("track", "Effect: track", "select", tuple((t.name, t.id) for t in sc.tracks), required=False),
            Field("add", "Effect: amount to add", "number", required=False,
                  help="For a team track the effect applies to each team it is sent to."),
        ], "Fire"))
        if not form:
            return
        effects: tuple[dict, ...] = ()
        if form["track"] and form["add"] is not None:
            track = next(t for t in sc.tracks if t.id == form["track"])
            effect = {"track": form["track"], "add": form["add"]}
            if track.scope == "team":
                effect["team"] = "self"
            effects = (effect,)
        console(self).run_command(cm.FireAdHoc(form["title"], form["text"] or "", (form["to"],), effects))
