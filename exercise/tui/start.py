"""The start screen: pick a scenario (its briefing and teams shown), name the exercise,
start it; or pick a saved exercise and resume it (opened behind the loading screen, as
`exercise resume` does). Scenarios and saves are opened by exercise.services, like the CLI.

Starting fast: the first frame shows "loading scenarios…" and no footer yet; right after
it the footer is mounted, the saves listed (on the hidden tab), and the bundled scenarios
(the pack loader, validation, the model: a few hundred ms) and the Markdown widget
(markdown-it) loaded in a thread, the list and the briefing filled when they are ready.
Until then ctrl+n says the scenarios are loading."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.lazy import Lazy
from textual.screen import Screen
from textual.widgets import (
    Button,
    DataTable,
    Input,
    Label,
    OptionList,
    Static,
    TabbedContent,
    TabPane,
)
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from exercise import services
from exercise.tui.base import console
from exercise.tui.footer import FitFooter
from exercise.tui.keyhelp import KeyHelp
from exercise.tui.tables import selected_key
from exercise.tui.text import md, plain, text


class StartScreen(KeyHelp, Screen):
    HELP_TITLE = "Help: the start screen"
    HELP_INTRO = """\
**The start screen** starts a new exercise from a scenario, or resumes a saved one.

**New exercise** (tab 1): pick a scenario (its briefing and teams are shown on the right),
type a name for this run if you like, and start it (**ctrl+n**). It is saved as you play.

**Saved exercises** (tab 2): pick a save and resume it (**ctrl+r** or enter), or look back
at it in the debrief (**d**).
"""
    HELP_OUTRO = """\
Once the exercise is open, **?** on the facilitator console lists its keys and how a turn works.
"""
    BINDINGS = [
        Binding("ctrl+n", "start", "Start exercise", tooltip="start the selected scenario as a new exercise"),
        Binding("ctrl+r", "resume", "Resume save", tooltip="resume the selected save"),
        Binding("d", "debrief", "Debrief save", show=False,
                tooltip="the selected save's debrief (read only)"),
        Binding("1", "tab('new')", "New", show=False),
        Binding("2", "tab('saved')", "Saved", show=False),
    ]

    def __init__(self, saves_root: Path | None, scenario: str | None = None):
        super().__init__()
        self.saves_root = saves_root
        self.wanted = scenario
        self.loaded: dict[str, services.OpenedScenario] = {}
        self.scenarios_ready = False  # the scenario list is filled (see _load_scenarios)
        self.checked = False  # every listed journal scanned whole (the rows are final)

    def compose(self) -> ComposeResult:
        yield Static("exercise · start a tabletop exercise or resume one", id="status")
        with TabbedContent(initial="new", id="start-tabs"):
            with TabPane("1 New exercise", id="new"):
                with Horizontal():
                    with Vertical(id="scenario-pick"):
                        yield Label("Scenario", classes="section-title")
                        yield OptionList(Option(text("loading scenarios…"), disabled=True), id="scenarios")
                        yield Label("Name of this exercise", classes="section-title")
                        yield Input(placeholder="e.g. Staff college, 25 Nov", id="name")
                        yield Button("Start (ctrl+n)", variant="primary", id="start")
                    yield VerticalScroll(id="scenario-info")  # the briefing goes in, once loaded
            with TabPane("2 Saved exercises", id="saved"):
                with Vertical():
                    yield DataTable(id="saves", cursor_type="row", zebra_stripes=True)
                    yield Static("", classes="hint", id="saves-folder")  # with the saves (_list_saves)
                    with Horizontal(classes="dialog-buttons"):
                        yield Button("Resume (ctrl+r)", id="resume")
                        yield Button("Debrief (d)", id="debrief")
        yield Lazy(FitFooter())  # its keys are composed and styled after the first frame

    def on_mount(self) -> None:
        table = self.query_one("#saves", DataTable)
        self.state_column = table.add_columns("Save", "Scenario", "Turn", "Last activity (UTC)", "State")[-1]
        self.query_one("#scenarios", OptionList).focus()
        # After the first frame (its tab is hidden then): the saves, whatever their number,
        # then the scenarios in a thread.
        self.call_after_refresh(self._load_scenarios)
        self.call_after_refresh(self._list_saves)

    @cached_property
    def root(self) -> Path:
        """The saves folder (not resolved before the first frame: that imports the journal)."""
        return services.saves_dir(self.saves_root)

    def _list_saves(self) -> None:
        """Listed from each save's meta.json and its journal's ends, whatever their sizes; bad
        saves are rows too, named with the reason. Each journal is then scanned whole in a
        thread (damage in the middle of one), and its row updated if it says more."""
        table = self.query_one("#saves", DataTable)
        listed = services.list_saves(self.root, deep=False)
        # the folder, or why it cannot be listed (it is a file, or unreadable)
        self.query_one("#saves-folder", Static).update(text(f"Saves folder: {listed.error or self.root}"))
        for s in listed.saves:
            # Text cells: a save's names are shown as written, never parsed as markup
            table.add_row(*(text(c) for c in (s.id, s.scenario, f"{s.turn}/{s.turns}",
                                              s.last_activity.replace("+00:00", ""), _state(s))), key=str(s.folder))
        self._check_saves(listed.saves)

    @work(thread=True, exclusive=True, group="scenarios")
    def _load_scenarios(self) -> None:
        """Every scenario found, loaded and checked (not compiled), off the event loop."""
        worker = get_current_worker()
        ids = services.scenario_ids()
        extra = None  # a scenario asked for by a path, not among the ids
        if self.wanted and self.wanted not in ids:
            path = services.find_scenario(self.wanted)
            if path is not None and path.exists():
                extra = path
        loaded = {}
        for sid in [*ids, *([str(extra)] if extra else [])]:
            if worker.is_cancelled:  # the screen or the app went away
                return
            loaded[sid] = services.open_scenario(sid, compile=False)
        from textual.widgets import Markdown  # noqa: F401 - markdown-it too, before the loop needs it

        try:
            # call_later: on the screen's loop, where the (async) filling awaits the briefing's mount
            self.app.call_from_thread(self.call_later, self._scenarios_loaded, ids, extra, loaded)
        except RuntimeError:  # the app quit meanwhile
            pass

    async def _scenarios_loaded(self, ids: list[str], extra: Path | None,
                                loaded: dict[str, services.OpenedScenario]) -> None:
        from textual.widgets import Markdown

        self.loaded.update(loaded)
        await self.query_one("#scenario-info", VerticalScroll).mount(Markdown("", id="briefing", open_links=False))
        options = self.query_one("#scenarios", OptionList)
        options.clear_options()
        for sid in ids:
            title = self._load(sid).title or "(has errors)"
            options.add_option(Option(Text.assemble(plain(title), "\n  ", (plain(sid), "dim")), id=sid))
        if extra is not None:
            options.add_option(Option(text(extra), id=str(extra)))
            ids = [*ids, str(extra)]
        self.scenarios_ready = True
        if ids:
            start = self.wanted if self.wanted in ids else ("deadline-2027" if "deadline-2027" in ids else ids[0])
            options.highlighted = ids.index(start)

    @work(thread=True, exclusive=True, group="check")
    def _check_saves(self, listed: tuple[services.SaveInfo, ...]) -> None:
        worker = get_current_worker()
        for s in listed:
            checked = services.check_save(s, stop=lambda: worker.is_cancelled)
            if checked is None:  # the screen or the app went away
                return
            if checked != s:
                try:
                    self.app.call_from_thread(self._update_save, checked)
                except RuntimeError:  # the app quit meanwhile
                    return
        try:
            self.app.call_from_thread(setattr, self, "checked", True)
        except RuntimeError:
            pass

    def _update_save(self, s: services.SaveInfo) -> None:
        self.query_one("#saves", DataTable).update_cell(str(s.folder), self.state_column, text(_state(s)),
                                                        update_width=True)

    def action_tab(self, tab: str) -> None:
        self.query_one("#start-tabs", TabbedContent).active = tab
        # the keyboard goes with it: focus left in the hidden tab would bring that tab back
        self.query_one("#saves" if tab == "saved" else "#scenarios").focus()

    def _load(self, sid: str) -> services.OpenedScenario:
        if sid not in self.loaded:  # checked, not compiled: listing stays quick
            self.loaded[sid] = services.open_scenario(sid, compile=False)
        return self.loaded[sid]

    @on(OptionList.OptionHighlighted, "#scenarios")
    def show_scenario(self, event: OptionList.OptionHighlighted) -> None:
        from textual.widgets import Markdown

        if not self.scenarios_ready:  # only the "loading" line is listed
            return
        opened = self._load(event.option.id or "")
        loaded, problems = opened.loaded, opened.problems
        page = self.query_one("#briefing", Markdown)
        if loaded is None or loaded.scenario is None or problems.errors:
            page.update("**This scenario has errors** and cannot be started:\n\n"
                      + "\n".join(f"- {md(p)}" for p in problems.errors[:20]))
            return
        sc = loaded.scenario
        teams = "\n".join(f"- **{md(t.name)}**: " + (md(", ".join(t.allies)) if t.allies else  # or its funds
                           md(f"funds {t.funds:g} {sc.budget.unit} a turn ({sc.calendar.span()})"))
                           for t in sc.teams)
        packs = md(", ".join(p.pack.title for p in sc.included) or "none")
        page.update(f"# {md(sc.title)}\n\n{sc.calendar.turns} turns, {sc.calendar.label(1)} to "
                  f"{sc.calendar.label(sc.calendar.turns)} · {len(sc.all_injects())} injects ({packs})\n\n"
                  f"## Teams\n\n{teams}\n\nThe white cell plays: {', '.join(sc.scenario.facilitator_plays) or '-'}"
                  f"\n\n## Briefing\n\n{sc.scenario.briefing}")

    @on(Button.Pressed, "#start")
    @on(Input.Submitted, "#name")
    def action_start(self) -> None:
        if not self.scenarios_ready:
            self.notify("The scenarios are still loading: a moment, then start again.")
            return
        options = self.query_one("#scenarios", OptionList)
        if options.highlighted is None:
            self.notify("Pick a scenario first.", severity="warning")
            return
        sid = options.get_option_at_index(options.highlighted).id
        opened = self._load(sid or "")
        if not opened.ok:
            self.notify(f"{sid} has errors; run `exercise validate` to see them.", severity="error", markup=False)
            return
        name = self.query_one("#name", Input).value.strip() or None
        created = services.create_save(opened, self.root, name=name)
        session = created.session
        if session is None:  # nothing was left behind
            self.notify(created.error or "", title="Cannot create the save", severity="error", markup=False)
            return
        self.app.pop_screen()
        console(self).open_session(session)
        self.notify(f"Saving to {session.folder}", timeout=6, markup=False)

    def _selected_save(self) -> Path | None:
        key = selected_key(self.query_one("#saves", DataTable))
        if key is None:
            self.notify("No saved exercise here yet.")
            return None
        return Path(key)

    @on(Button.Pressed, "#debrief")
    def action_debrief(self) -> None:
        """Look back at the selected save (read only: it may be running elsewhere)."""
        from exercise.debrief.record import DebriefError, load
        from exercise.tui.debrief import DebriefScreen

        if self.query_one("#start-tabs", TabbedContent).active != "saved":
            self.action_tab("saved")
            self.query_one("#saves", DataTable).focus()
            self.notify("Select a save, then press d again.")
            return
        folder = self._selected_save()
        if folder is None:
            return
        try:
            record = load(folder)
        except DebriefError as e:
            self.notify(str(e), title="Cannot debrief", severity="error", timeout=15, markup=False)
            return
        self.app.push_screen(DebriefScreen(record))

    @on(Button.Pressed, "#resume")
    @on(DataTable.RowSelected, "#saves")
    def action_resume(self) -> None:
        """Open the selected save in a thread behind the loading screen (the engine import
        and the journal replay would freeze the screen), as `exercise resume` does."""
        from exercise.tui.app import LoadingScreen

        folder = self._selected_save()
        if folder is None:
            return
        self.app.push_screen(LoadingScreen(folder.name))
        self._open_save(folder)

    @work(thread=True, exclusive=True, group="open")
    def _open_save(self, folder: Path) -> None:
        opened = services.open_save(folder)
        if opened.session is not None:
            import exercise.tui.facilitator  # noqa: F401 - its widgets too, before the loop needs them
        try:
            self.app.call_from_thread(self._opened, opened)
        except RuntimeError:  # the app quit meanwhile: let go of the journal
            if opened.session is not None:
                opened.session.close()

    def _opened(self, opened: services.SaveResult) -> None:
        from exercise.tui.app import LoadingScreen

        if isinstance(self.app.screen, LoadingScreen):
            self.app.pop_screen()
        if opened.session is None:
            self.notify(opened.error or "", title="Cannot resume", severity="error", timeout=15, markup=False)
            return
        self.app.pop_screen()
        console(self).open_session(opened.session)  # which shows opened.warnings, titled "Resumed"


def _state(s: services.SaveInfo) -> str:
    return s.state + (f": {s.detail}" if s.detail else "")
