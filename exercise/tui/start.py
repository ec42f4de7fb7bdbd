"""The start screen: pick a scenario (its briefing and teams shown), name the exercise,
start it; or pick a saved exercise and resume it."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import (
    Button,
    DataTable,
    Footer,
    Input,
    Label,
    Markdown,
    OptionList,
    Static,
    TabbedContent,
    TabPane,
)
from textual.widgets.option_list import Option

from exercise.journal import saves
from exercise.packs import loader
from exercise.packs.problems import Problems
from exercise.packs.validate import check_scenario
from exercise.tui.text import md, plain, text


class StartScreen(Screen):
    BINDINGS = [
        Binding("ctrl+n", "start", "Start exercise"),
        Binding("ctrl+r", "resume", "Resume save"),
        Binding("d", "debrief", "Debrief save", show=False),
        Binding("1", "tab('new')", "New", show=False),
        Binding("2", "tab('saved')", "Saved", show=False),
    ]

    def __init__(self, saves_root: Path | None, scenario: str | None = None):
        super().__init__()
        self.root = saves.saves_dir(saves_root)
        self.wanted = scenario
        self.loaded: dict[str, object] = {}

    def compose(self) -> ComposeResult:
        yield Static("exercise · start a tabletop exercise or resume one", id="status")
        with TabbedContent(initial="new", id="start-tabs"):
            with TabPane("1 New exercise", id="new"):
                with Horizontal():
                    with Vertical(id="scenario-pick"):
                        yield Label("Scenario", classes="section-title")
                        yield OptionList(id="scenarios")
                        yield Label("Name of this exercise", classes="section-title")
                        yield Input(placeholder="e.g. Staff college, 25 Nov", id="name")
                        yield Button("Start (ctrl+n)", variant="primary", id="start")
                    with VerticalScroll(id="scenario-info"):
                        yield Markdown("", id="briefing", open_links=False)
            with TabPane("2 Saved exercises", id="saved"):
                with Vertical():
                    yield DataTable(id="saves", cursor_type="row", zebra_stripes=True)
                    yield Static(text(f"Saves folder: {self.root}"), classes="hint", id="saves-folder")
                    with Horizontal(classes="dialog-buttons"):
                        yield Button("Resume (ctrl+r)", id="resume")
                        yield Button("Debrief (d)", id="debrief")
        yield Footer()

    def on_mount(self) -> None:
        ids = loader.scenario_ids()
        options = self.query_one("#scenarios", OptionList)
        for sid in ids:
            loaded, _ = self._load(sid)
            title = loaded.scenario.title if loaded is not None and loaded.scenario is not None else "(has errors)"
            options.add_option(Option(Text.assemble(plain(title), "\n  ", (plain(sid), "dim")), id=sid))
        if self.wanted and self.wanted not in ids:
            path = loader.find_scenario(self.wanted)
            if path is not None and path.exists():
                options.add_option(Option(text(path), id=str(path)))
                ids.append(str(path))
        if ids:
            start = self.wanted if self.wanted in ids else ("deadline-2027" if "deadline-2027" in ids else ids[0])
            options.highlighted = ids.index(start)
        table = self.query_one("#saves", DataTable)
        table.add_columns("Save", "Scenario", "Turn", "Last activity (UTC)", "State")
        try:
            found = saves.list_saves(self.root)  # bad saves are rows too, named with the reason
        except saves.SaveError as e:  # the saves folder itself is a file or unreadable
            found = []
            self.query_one("#saves-folder", Static).update(text(f"Saves folder: {e}"))
        for s in found:
            # Text cells: a save's names are shown as written, never parsed as markup
            table.add_row(*(text(c) for c in (s.id, s.scenario, f"{s.turn}/{s.turns}",
                                              s.last_activity.replace("+00:00", ""),
                                              s.state + (f": {s.detail}" if s.detail else ""))), key=str(s.folder))
        options.focus()

    def action_tab(self, tab: str) -> None:
        self.query_one("#start-tabs", TabbedContent).active = tab

    def _load(self, sid: str):
        if sid not in self.loaded:
            problems = Problems()
            path = loader.find_scenario(sid)
            loaded = loader.load_scenario(path, problems) if path else None
            if loaded is not None and loaded.scenario is not None:
                check_scenario(loaded, problems)
            self.loaded[sid] = (loaded, problems)
        return self.loaded[sid]

    @on(OptionList.OptionHighlighted, "#scenarios")
    def show_scenario(self, event: OptionList.OptionHighlighted) -> None:
        loaded, problems = self._load(event.option.id)
        page = self.query_one("#briefing", Markdown)
        if loaded is None or loaded.scenario is None or problems.errors:
            page.update("**This scenario has errors** and cannot be started:\n\n"
                      + "\n".join(f"- {md(p)}" for p in problems.errors[:20]))
            return
        sc = loaded.scenario
        teams = "\n".join(f"- **{md(t.name)}**: {md(', '.join(t.allies))}" for t in sc.teams)
        packs = md(", ".join(p.pack.title for p in sc.included) or "none")
        page.update(f"# {md(sc.title)}\n\n{sc.calendar.turns} turns, {sc.calendar.label(1)} to "
                  f"{sc.calendar.label(sc.calendar.turns)} · {len(sc.all_injects())} injects ({packs})\n\n"
                  f"## Teams\n\n{teams}\n\nThe white cell plays: {', '.join(sc.scenario.facilitator_plays) or '-'}"
                  f"\n\n## Briefing\n\n{sc.scenario.briefing}")

    @on(Button.Pressed, "#start")
    @on(Input.Submitted, "#name")
    def action_start(self) -> None:
        from exercise.session import Session

        options = self.query_one("#scenarios", OptionList)
        if options.highlighted is None:
            self.notify("Pick a scenario first.", severity="warning")
            return
        sid = options.get_option_at_index(options.highlighted).id
        loaded, problems = self._load(sid)
        if loaded is None or loaded.scenario is None or problems.errors:
            self.notify(f"{sid} has errors; run `exercise validate` to see them.", severity="error", markup=False)
            return
        name = self.query_one("#name", Input).value.strip() or None
        try:
            session = Session.create(loaded.scenario, loaded.texts, self.root, name=name)
        except saves.SaveError as e:  # nothing was left behind
            self.notify(str(e), title="Cannot create the save", severity="error", markup=False)
            return
        self.app.pop_screen()
        self.app.open_session(session)
        self.notify(f"Saving to {session.folder}", timeout=6, markup=False)

    def _selected_save(self) -> Path | None:
        table = self.query_one("#saves", DataTable)
        if not table.row_count:
            self.notify("No saved exercise here yet.")
            return None
        return Path(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

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
        from exercise.session import Session

        folder = self._selected_save()
        if folder is None:
            return
        try:
            session = Session.open(folder)
        except saves.SaveError as e:
            self.notify(str(e), title="Cannot resume", severity="error", timeout=15, markup=False)
            return
        self.app.pop_screen()
        self.app.open_session(session)
