"""The white cell's console: the whole exercise at a glance, every control on a key.

It renders the facilitator view and turns keys into engine commands; the rules live in
the engine. Every command goes through the Session (journal first) before the screen
changes, so what is on screen is on disk.
"""

from __future__ import annotations


from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, RichLog, Sparkline, Static, TabbedContent, TabPane

from exercise import engine
from exercise.engine import commands as cm
from exercise.history import track_series
from exercise.model import LIKELIHOODS, RATINGS
from exercise.narrate import Narrator
from exercise.tui.modals import ConfirmModal, Field, FormModal, TextModal
from exercise.tui.text import md, plain, plain_tree, text

LOG_LINES = 20_000


def money(x: float) -> str:
    return f"{x:,.2f}"


def cells(*values) -> list[Text]:
    """DataTable cells as Text: a str cell would be parsed as markup."""
    return [text(v) for v in values]


def short(name: str) -> str:
    """'Brunssum East (Poland and the Baltic states)' -> 'Brunssum East'."""
    return name.split(" (")[0][:20]


class StatusBar(Static):
    """Exercise, turn, phase, timer and pause, on one line."""


class TrackRow(Horizontal):
    """A world track: name, value and band, and its trend over the turns."""

    def __init__(self, track_id: str, **kw):
        super().__init__(classes="track-row", **kw)
        self.track_id = track_id

    def compose(self) -> ComposeResult:
        yield Static("", classes="track-label")
        yield Sparkline([], classes="track-spark")

    def show(self, track: dict, series: list[float]) -> None:
        band = f" {track['band']}" if track.get("band") else ""
        self.query_one(".track-label", Static).update(
            Text.assemble((f"{plain(track['name']):<20.20}", "bold"), f" {track['value']:5.2f}", (band, "italic")))
        self.query_one(Sparkline).data = series if len(series) > 1 else series * 2


class FacilitatorScreen(Screen):
    """Overview, injects, adjudication, log and notes of the running exercise."""

    BINDINGS = [
        Binding("n", "advance", "Next phase"),
        Binding("t", "team", "Team screen"),
        Binding("f", "fire", "Fire"),
        Binding("a", "adhoc", "Ad-hoc inject"),
        Binding("h", "hold", "Hold", show=False),
        Binding("r", "release", "Release", show=False),
        Binding("k", "skip", "Skip", show=False),
        Binding("d", "delay", "Delay", show=False),
        Binding("j", "adjudicate", "Adjudicate", show=False),
        Binding("o", "override", "Override"),
        Binding("m", "note", "Note"),
        Binding("p", "pause", "Pause/resume"),
        Binding("T", "timer", "Timer", show=False),
        Binding("e", "end", "End", show=False),
        Binding("v", "view_inject", "Read inject", show=False),
        Binding("D", "debrief", "Debrief", show=False),
        Binding("c", "app.connections", "Terminals", show=False),
        Binding("u", "reopen", "Reopen team", show=False),
        Binding("1", "tab('overview')", "Overview", show=False),
        Binding("2", "tab('injects')", "Injects", show=False),
        Binding("3", "tab('actions')", "Actions", show=False),
        Binding("4", "tab('log')", "Log", show=False),
        Binding("5", "tab('notes')", "Notes", show=False),
    ]

    def __init__(self, session):
        super().__init__()
        self.session = session
        self.narrator = Narrator(session.scenario)
        self._logged = 0

    # -- layout -------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        with TabbedContent(initial="overview", id="tabs"):
            with TabPane("1 Overview", id="overview"):
                # A grid when wide (teams and capabilities left, world right); a column
                # when narrow (teams, world, capabilities), see app.tcss.
                with VerticalScroll(id="overview-body"):
                    with Vertical(id="teams-box"):
                        yield Static("Teams", classes="section-title")
                        yield DataTable(id="teams", cursor_type="row", zebra_stripes=True)
                    with Vertical(id="world-box"):
                        yield Static("World", classes="section-title")
                        for t in self.session.scenario.tracks:
                            if t.scope == "world":
                                yield TrackRow(t.id, id=f"track-{t.id}")
                    with Vertical(id="caps-box"):
                        yield Static("Capabilities by team", classes="section-title")
                        yield DataTable(id="team-tracks", cursor_type="row")
            with TabPane("2 Injects", id="injects"):
                with Vertical():
                    yield DataTable(id="inject-table", cursor_type="row", zebra_stripes=True)
                    yield Static("", id="inject-detail")
            with TabPane("3 Actions", id="actions"):
                with Vertical():
                    yield DataTable(id="action-table", cursor_type="row")
                    yield Static("", id="action-detail")
            with TabPane("4 Log", id="log"):
                yield RichLog(id="event-log", max_lines=LOG_LINES, wrap=True, markup=False)
            with TabPane("5 Notes", id="notes"):
                yield DataTable(id="note-table", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        sc = self.session.scenario
        teams = self.query_one("#teams", DataTable)
        teams.add_columns("Team", f"Money {sc.budget.unit}", "Submitted", "Drafts", "Decisions", "Staff")
        tt = self.query_one("#team-tracks", DataTable)
        tt.add_columns("Track", *[short(t.name) for t in sc.teams])
        self.query_one("#inject-table", DataTable).add_columns("Inject", "To", "Status", "Sev")
        self.query_one("#action-table", DataTable).add_columns("Id", "Team", "Turn", "Action", "Odds", "Result")
        self.query_one("#note-table", DataTable).add_columns("Turn", "Phase", "Note", "Objective")
        self.session.listeners.append(self._changed)
        if self.app.server is not None:
            self.app.server.on_connections = self.render_status
        self.refresh_all()
        self.set_interval(1.0, self.tick)

    def on_resize(self, event) -> None:
        self.set_class(event.size.width < 110, "narrow")

    def on_unmount(self) -> None:
        if self._changed in self.session.listeners:
            self.session.listeners.remove(self._changed)

    def _changed(self, session, command, events) -> None:
        self.refresh_all()

    # -- rendering ----------------------------------------------------------------------
    def refresh_all(self) -> None:
        view = plain_tree(engine.facilitator_view(self.session.state))  # no control character reaches the terminal
        self.view = view
        self.render_status(view)
        self.render_teams(view)
        self.render_world(view)
        self.render_injects(view)
        self.render_actions(view)
        self.render_notes(view)
        self.render_log()

    def render_status(self, view: dict | None = None) -> None:
        view = view or self.view
        timer = self.app.timer_text()
        if view["status"] == "ready":
            where = "not started: press n to start"
        elif view["status"] == "ended":
            out = view.get("outcome") or {}
            where = f"ENDED: {out.get('name', '')}"
        else:
            where = f"Turn {view['turn']}/{view['turns']} {view['turn_label']} · {view['phase_name']}"
        bits = [plain(self.session.meta.title), where]
        if timer:
            bits.append(timer)
        online = self.app.connections_text()
        if online:
            bits.append(online)
        if view["paused"]:
            bits.append("PAUSED")
        self.query_one("#status", StatusBar).update(Text(" · ".join(bits)))  # Text: never markup
        self.set_class(view["paused"], "paused")

    def render_teams(self, view: dict) -> None:
        table = self.query_one("#teams", DataTable)
        table.clear()
        for t in view["teams"]:
            me = view["teams_private"][t["id"]]
            drafts = sum(1 for o in me["orders"] if o["status"] == "draft")
            done = "submitted" if me["submitted"] else ("waiting" if view["phase"] == "deliberation" else "-")
            table.add_row(*cells(short(t["name"]), money(me["budget"]["money"]), done,
                                 f"{drafts} draft" if drafts else "-",
                                 f"{len(me['pending'])} open" if me["pending"] else "-",
                                 f"{me['staff_used']}/{me['staff']}"), key=t["id"])
        tt = self.query_one("#team-tracks", DataTable)
        tt.clear()
        for track in view["team_tracks"]:
            tt.add_row(*cells(track["name"][:22], *[f"{track['values'][t['id']]:.1f}" for t in view["teams"]]),
                       key=track["id"])

    def render_world(self, view: dict) -> None:
        series = track_series(self.session.scenario, self.session.records)
        for track in view["tracks"]:
            row = self.query(f"#track-{track['id']}")
            if row:
                row.first(TrackRow).show(track, series.get((track["id"], None), [track["value"]]))

    def render_injects(self, view: dict) -> None:
        table = self.query_one("#inject-table", DataTable)
        keep = table.cursor_row
        table.clear()
        teams = {t["id"]: short(t["name"]) for t in view["teams"]}
        order = {"reserve": 2}
        rows = sorted(view["injects"], key=lambda i: (
            1 if i["fired"] else 0, order.get(i["status"], 0), i["fired"] or 0))
        for i in rows:
            to = ", ".join(teams.get(t, t) for t in i["to"])
            status = i["status"]
            style = "dim" if i["fired"] else ("bold" if i["reserve"] else "")
            table.add_row(Text(i["title"][:40], style=style), *cells(to[:20], status[:20], i["severity"][:4]),
                          key=i["id"])
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))
        self.show_inject_detail()

    def selected(self, table_id: str) -> str | None:
        table = self.query_one(table_id, DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    @on(DataTable.RowHighlighted, "#inject-table")
    def show_inject_detail(self) -> None:
        iid = self.selected("#inject-table")
        inj = next((i for i in self.view["injects"] if i["id"] == iid), None)
        detail = self.query_one("#inject-detail", Static)
        if inj is None:
            detail.update(Text())
            return
        out = Text.assemble((inj["title"], "bold"), f"  from {inj['from']} via {inj['channel']} · {inj['status']}")
        if inj["synopsis"]:
            out.append("\n" + inj["synopsis"])
        if inj["options"]:
            out.append("\nOptions: " + "; ".join(o["label"] + (" (default)" if o["default"] else "")
                                                 for o in inj["options"]))
        if inj["expected"]:
            out.append("\nExpected: " + "; ".join(inj["expected"]))
        if inj["notes"]:
            out.append(f"\nNotes: {inj['notes']}", style="italic")
        if inj["answers"]:
            out.append("\nAnswers: " + ", ".join(f"{t}: {o}" for t, o in inj["answers"].items()))
        detail.update(out)

    def render_actions(self, view: dict) -> None:
        table = self.query_one("#action-table", DataTable)
        table.clear()
        for a in view["actions"]:
            odds = f"{a['likelihood']}%" if a["likelihood"] is not None else "-"
            result = "-" if a["success"] is None else ("success" if a["success"] else "failure")
            table.add_row(*cells(a["id"], a["team"], a["turn"], a["action"][:40], odds, result), key=a["id"])
        pending = [a for a in view["actions"] if a["likelihood"] is None]
        self.query_one("#action-detail", Static).update(Text(
            f"{len(pending)} action(s) waiting for adjudication: select one and press j" if pending
            else "No argued action waits for adjudication."))

    def render_notes(self, view: dict) -> None:
        table = self.query_one("#note-table", DataTable)
        table.clear()
        for n in view["notes"]:
            obj = f"{n['objective']}: {n['rating']}" if n.get("objective") else ""
            table.add_row(*cells(n["turn"], n["phase"], n["text"][:60], obj))

    def render_log(self) -> None:
        log = self.query_one("#event-log", RichLog)
        records = self.session.records
        for r in records[self._logged:]:
            for e in r["events"]:
                line = self.narrator.line(e)
                if line:
                    log.write(text(line))  # the narrator quotes teams and packs: Text, never markup
        self._logged = len(records)

    def tick(self) -> None:
        if self.app.timer_deadline is not None:
            self.render_status()
            if self.app.timer_expired():
                self.notify("The turn timer has run out. Advance when the room is ready.", title="Time",
                            severity="warning", timeout=8)

    # -- acting -------------------------------------------------------------------------
    def run_command(self, command) -> bool:
        return self.app.run_command(command)

    def action_tab(self, tab: str) -> None:
        self.query_one("#tabs", TabbedContent).active = tab
        # the keys (arrows, f/h/j...) act on that tab's table, not on the one left behind
        self.query_one({"overview": "#teams", "injects": "#inject-table", "actions": "#action-table",
                        "log": "#event-log", "notes": "#note-table"}[tab]).focus()

    @work
    async def action_advance(self) -> None:
        view = self.view
        if view["status"] == "ready":
            self.run_command(cm.Start())
            return
        if view["status"] == "ended":
            self.notify("The exercise has ended. Press e to read the outcome.")
            return
        if view["phase"] == "deliberation":
            missing = [t["name"] for t in view["teams"] if not t["submitted"]]
            if missing:
                pending = sum(len(view["teams_private"][t["id"]]["pending"]) for t in view["teams"])
                body = ("Not submitted: " + ", ".join(missing) + ".\n"
                        f"Their unsubmitted orders are withdrawn and {pending} open decision(s) take their default.")
                if await self.app.push_screen_wait(ConfirmModal("Force the advance?", body, "Force")):
                    self.run_command(cm.Advance(force=True))
                return
        last = view["turn"] == view["turns"] and view["phase"] == "summary"
        if last and not await self.app.push_screen_wait(
                ConfirmModal("End the exercise?", "This is the last turn: advancing ends the exercise and "
                             "judges the outcome.", "End")):
            return
        if self.run_command(cm.Advance()) and self.session.state.status == "ended":
            self.show_outcome()

    def action_team(self) -> None:
        self.app.action_pick_team()

    def _inject_or_warn(self) -> str | None:
        iid = self.selected("#inject-table")
        if iid is None or self.query_one("#tabs", TabbedContent).active != "injects":
            self.action_tab("injects")
            self.notify("Select an inject in the Injects tab, then press the key again.")
            return None
        return iid

    def _on_selected_inject(self, command_class) -> None:
        iid = self._inject_or_warn()
        if iid:
            self.run_command(command_class(iid))

    def action_fire(self) -> None:
        self._on_selected_inject(cm.FireInject)

    def action_hold(self) -> None:
        self._on_selected_inject(cm.HoldInject)

    def action_release(self) -> None:
        self._on_selected_inject(cm.ReleaseInject)

    def action_skip(self) -> None:
        self._on_selected_inject(cm.SkipInject)

    @work
    async def action_delay(self) -> None:
        iid = self._inject_or_warn()
        if not iid:
            return
        form = await self.app.push_screen_wait(FormModal(
            "Delay inject", [Field("turns", "Turns to delay", "integer", default=1, minimum=1, maximum=20)], "Delay"))
        if form:
            self.run_command(cm.DelayInject(iid, form["turns"]))

    def action_view_inject(self) -> None:
        iid = self.selected("#inject-table")
        inj = next((i for i in self.view["injects"] if i["id"] == iid), None)
        if inj:
            body = f"*From {md(inj['from'])}, via {md(inj['channel'])}*\n\n{inj['text'] or inj['synopsis']}"
            if inj["notes"]:
                body += f"\n\n---\n\n**Facilitator notes:** {md(inj['notes'])}"
            if inj["source"]:
                body += f"\n\n**Grounded in:** {md(inj['source'])}"
            self.app.push_screen(TextModal(inj["title"], body))

    def _team_options(self, with_all: bool = True):
        opts = [("All teams", "all")] if with_all else []
        return tuple(opts + [(t.name, t.id) for t in self.session.scenario.teams])

    @work
    async def action_adhoc(self) -> None:
        form = await self.app.push_screen_wait(FormModal("Write and fire an inject now", [
            Field("title", "Title"),
            Field("to", "To", "select", self._team_options() + (("Facilitator only", "facilitator"),), default="all"),
            Field("text", "Text the teams read", "multiline", required=False),
            Field("track", "Effect: track", "select",
                  tuple((t.name, t.id) for t in self.session.scenario.tracks), required=False),
            Field("add", "Effect: amount to add", "number", required=False,
                  help="For a team track the effect applies to each team it is sent to."),
        ], "Fire"))
        if not form:
            return
        effects = ()
        if form["track"] and form["add"] is not None:
            track = next(t for t in self.session.scenario.tracks if t.id == form["track"])
            effect = {"track": form["track"], "add": form["add"]}
            if track.scope == "team":
                effect["team"] = "self"
            effects = (effect,)
        self.run_command(cm.FireAdHoc(form["title"], form["text"] or "", (form["to"],), effects))

    @work
    async def action_override(self) -> None:
        sc = self.session.scenario
        fields = [
            Field("what", "Value to change", "select",
                  tuple((f"{t.name} ({'world' if t.scope == 'world' else 'team'})", t.id) for t in sc.tracks)
                  + (("Money of a team (procurement)", "@money"),)),
            Field("team", "Team (for a team track or money)", "select", self._team_options(False), required=False),
            Field("value", "New value", "number"),
            Field("rationale", "Rationale (recorded for the debrief)", "text"),
        ]
        form = await self.app.push_screen_wait(FormModal("Override a value", fields, "Override"))
        if not form:
            return
        if form["what"] == "@money":
            command = cm.Override("money", form["value"], form["rationale"], team=form["team"])
        else:
            track = next(t for t in sc.tracks if t.id == form["what"])
            if track.scope == "team":
                command = cm.Override("team_track", form["value"], form["rationale"], track=track.id, team=form["team"])
            else:
                command = cm.Override("track", form["value"], form["rationale"], track=track.id)
        self.run_command(command)

    @work
    async def action_adjudicate(self) -> None:
        pending = [a for a in self.view["actions"] if a["likelihood"] is None]
        if not pending:
            self.notify("No argued action waits for adjudication.")
            return
        aid = self.selected("#action-table") if self.query_one("#tabs", TabbedContent).active == "actions" else None
        action = next((a for a in pending if a["id"] == aid), pending[0])
        sc = self.session.scenario
        intro = (f"{action['team']} argues: {action['action']}\nIntended result: {action['result']}\n"
                 f"Reasons: {action['reasons']}")
        form = await self.app.push_screen_wait(FormModal(f"Adjudicate {action['id']}", [
            Field("likelihood", "Likelihood", "select", tuple((f"{p} %", p) for p in LIKELIHOODS), default=50),
            Field("rationale", "Rationale (required)", "text"),
            Field("track", "On success: track", "select", tuple((t.name, t.id) for t in sc.tracks),
                  required=False),
            Field("add", "On success: amount to add", "number", required=False),
        ], "Roll", intro=intro))
        if not form:
            return
        effects = ()
        if form["track"] and form["add"] is not None:
            track = next(t for t in sc.tracks if t.id == form["track"])
            effect = {"track": track.id, "add": form["add"]}
            if track.scope == "team":
                effect["team"] = action["team"]
            effects = (effect,)
        if self.run_command(cm.Adjudicate(action["id"], form["likelihood"], form["rationale"], effects)):
            done = next(a for a in engine.facilitator_view(self.session.state)["actions"] if a["id"] == action["id"])
            verdict = "SUCCESS" if done["success"] else "FAILURE"
            self.notify(f"Roll {round(done['roll'] * 100)} against {done['likelihood']} %: {verdict}",
                        title=action["id"], timeout=10, markup=False)

    @work
    async def action_note(self) -> None:
        sc = self.session.scenario
        injects = tuple((i["title"][:40], i["id"]) for i in self.view["injects"] if i["fired"])
        form: dict = {}
        problem = ""
        while True:  # a form to fix comes back as it was typed: an observation is never lost
            form = await self.app.push_screen_wait(FormModal("Note or observation", [
                Field("text", "Observation", "multiline", default=form.get("text")),
                Field("tags", "Tags (comma separated)", required=False, default=form.get("tags")),
                Field("inject", "About inject", "select", injects, required=False, default=form.get("inject")),
                Field("objective", "Rates objective", "select",
                      tuple((o.name, o.id) for o in sc.all_objectives()), required=False,
                      default=form.get("objective")),
                Field("rating", "Rating", "select", (("P: performed without challenges", "P"),
                      ("S: with some challenges", "S"), ("M: with major challenges", "M"),
                      ("U: unable to be performed", "U")), required=False, default=form.get("rating")),
            ], "Save note", intro=problem))
            if not form:
                return
            if (form["objective"] is None) == (form["rating"] is None):
                break
            problem = "A rating needs both an objective and a rating (P/S/M/U): choose both, or neither."
        tags = tuple(t.strip() for t in (form["tags"] or "").split(",") if t.strip())
        assert form["rating"] in (None, *RATINGS)
        self.run_command(cm.AddNote(form["text"], tags, form["inject"], form["objective"], form["rating"]))

    @work
    async def action_reopen(self) -> None:
        """A team submitted by mistake: let it act again (its new binding orders become drafts)."""
        team = self.selected("#teams")
        if team is None:
            return
        me = self.view["teams_private"][team]
        if not me["submitted"]:
            self.notify(f"{short(self._team_name(team))} has not submitted: it can still act. Select a team that "
                        "has (Overview, Teams table) and press u.", title="Nothing to reopen", timeout=8, markup=False)
            return
        binding = [o for o in me["orders"] if o["placed"] == self.view["turn"] and o["status"] == "ordered"
                   and not o["backlog"]]
        body = (f"{self._team_name(team)} can act again this turn and must submit again."
                + (f" Its {len(binding)} order(s) of this turn go back to its basket as drafts." if binding else ""))
        if await self.app.push_screen_wait(ConfirmModal(f"Reopen the turn of {short(self._team_name(team))}?",
                                                         body, "Reopen")):
            self.run_command(cm.Reopen(team))

    def _team_name(self, team: str) -> str:
        return next((t["name"] for t in self.view["teams"] if t["id"] == team), team)

    def action_pause(self) -> None:
        self.run_command(cm.Resume() if self.view["paused"] else cm.Pause())

    @work
    async def action_timer(self) -> None:
        phase = next((p for p in self.session.scenario.phases if p.id == self.view["phase"]), None)
        form = await self.app.push_screen_wait(FormModal("Turn timer", [
            Field("minutes", "Minutes (0 to stop the timer)", "number", default=(phase.minutes if phase else 0) or 15,
                  minimum=0, maximum=600)], "Start"))
        if form is not None:
            self.app.set_timer_minutes(form["minutes"])
            self.render_status()

    @work
    async def action_end(self) -> None:
        if self.view["status"] == "ended":
            self.show_outcome()
            return
        form = await self.app.push_screen_wait(FormModal(
            "End the exercise now?", [Field("reason", "Why end early (recorded)", required=False)], "End exercise",
            intro="The outcome is judged now, on the current values."))
        if form is not None and self.run_command(cm.End(form["reason"] or "")):
            self.show_outcome()

    def show_outcome(self) -> None:
        out = engine.facilitator_view(self.session.state).get("outcome")
        if out:
            self.app.push_screen(TextModal(f"Outcome: {plain(out['name'])}",
                                           f"{out.get('text', '')}\n\n**Why:** {md(out['reason'])}\n\n"
                                           "Press **D** for the debrief: the exercise turn by turn."))

    def action_debrief(self) -> None:
        """Look back at the exercise so far (read only), e.g. once it has ended."""
        from exercise.debrief.record import from_session
        from exercise.tui.debrief import DebriefScreen

        self.app.push_screen(DebriefScreen(from_session(self.session), reload=lambda: from_session(self.session)))
