"""Text is text: whatever a team, the facilitator, a pack or a save says is shown as typed.

Markup-like text (`[/x] our plan`, `[@click=app.bell]`) used to be parsed as Rich/Textual
markup: a closing tag crashed the console (on every resume, as the save holds it) and a
click action in a team's text ran on the facilitator's screen. Terminal escape sequences
went to the terminal raw. These tests put such text through every command that carries
text and render every screen.
"""

from __future__ import annotations

import asyncio

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.text import Text
from support import to_deliberation, wait_for
from textual.content import Content
from textual.widgets import DataTable, Static

from exercise.engine import commands as cm
from exercise.session import Session
from exercise.tui.app import make_app
from exercise.tui.debrief import DebriefScreen
from exercise.tui.facilitator import FacilitatorScreen
from exercise.tui.modals import ConfirmModal, FormModal, TextModal
from exercise.tui.team import TeamScreen

SIZE = (100, 30)

BELL = "[@click=app.bell]ring[/]"
CLOSE = "[/x] our plan"
ESC = "red \x1b[31mALERT\x1b[0m \x1b]0;pwned\x07 \x9b31m"
HOSTILE = [CLOSE, BELL, "[b]bold?[/b] [link=https://x]x[/link]", ESC, "\u202eevil\u202c", "e\u0301 😀 \u05e9\u05dc\u05d5\u05dd",
           "nul\x00byte", "[", "]", "\\[not]", "[@click=app.quit]quit[/]",
           "x" * cm.MAX_TEXT]  # the longest text a command may carry (longer is refused: test_engine_limits)


def feed(s: Session, texts: list[str]) -> None:
    """Every command that carries text, with `texts` (cycled) in each text field."""
    it = iter(texts * 20)
    t = lambda: next(it)[: cm.MAX_TEXT]  # free text
    n = lambda: next(it)[: cm.MAX_NAME]  # titles, labels, tags: names
    to_deliberation(s)
    s.execute(cm.FireAdHoc(n(), t(), ("all",), (), ({"id": "a", "label": n(), "text": t(), "default": True},
                                                    {"id": "b", "label": n(), "text": t()})))
    for team in ("east", "west"):
        s.execute(cm.Argue(team, team, t(), t(), t()))
    s.execute(cm.Override("money", 1000, t(), team="east"))
    s.execute(cm.AddNote(t(), (n(), n())))
    from exercise import engine

    for a in engine.facilitator_view(s.state).actions[:1]:
        s.execute(cm.Adjudicate(a.id, 50, t()))


def session_with(mini, tmp_path, texts: list[str], name: str | None = None) -> Session:
    s = Session.create(mini.scenario, mini.texts, tmp_path, name=name or texts[0])
    feed(s, texts)
    return s


class Spy:
    def __init__(self):
        self.bells = 0


def spied_app(**kw):
    app = make_app(**kw)
    app.animation_level = "none"
    spy = Spy()

    def bell():  # a markup click action in user text must never get here
        spy.bells += 1

    app.action_bell = bell
    app.bell = bell
    return app, spy


def visible(screen) -> str:
    """The text every widget of the screen holds, as one string."""
    parts = []
    for w in screen.query(Static):
        c = w.content
        parts.append(c.plain if isinstance(c, (Text, Content)) else str(c))
    for table in screen.query(DataTable):
        for i in range(table.row_count):
            parts.append(" | ".join(getattr(c, "plain", str(c)) for c in table.get_row_at(i)))
    return "\n".join(parts)


def no_click_actions(screen) -> None:
    """No widget carries a click action that came from text (markup parsed as markup)."""
    for w in screen.query(Static):
        c = w.content
        spans = c.spans if isinstance(c, (Text, Content)) else []
        for span in spans:
            style = span.style
            assert "app." not in str(style), (w, style)


async def settle(pilot, n: int = 1):
    for _ in range(n):
        await pilot.pause()


async def until(pilot, cond):
    await wait_for(cond, pilot=pilot)  # the suite's one poller: fails loudly, naming what it waited for


def text_cells_only(screen) -> None:
    """Every DataTable cell is Text: a str cell is parsed as markup when drawn (any tab)."""
    for table in screen.query(DataTable):
        for i in range(table.row_count):
            for cell in table.get_row_at(i):
                assert isinstance(cell, (Text, Content)), (table.id, cell)


async def click_everything(pilot, screen) -> None:
    """Click each shown text that quotes a markup click action (had it been parsed, this runs it)."""
    for w in screen.query(Static):
        c = w.content
        shown = c.plain if isinstance(c, (Text, Content)) else str(c)
        if "@click" in shown and w.region.width and w.region.height:
            x, y = divmod(shown.index("@click"), max(1, w.region.width))
            await pilot.click(w, offset=(min(y + 2, w.region.width - 1), min(x, w.region.height - 1)))


async def dialog(pilot, app, open_it, kind, answer=None) -> None:
    """Open a dialog (when the screen offers it), check it, close it."""
    under = app.screen
    open_it()
    await settle(pilot, 2)
    if isinstance(app.screen, kind):
        no_click_actions(app.screen)
        app.screen.dismiss(answer)
        await until(pilot, lambda: app.screen is under)


async def walk(pilot, app, deep: bool = False) -> None:
    """The facilitator's console and dialogs, each team's screen and dialogs, the debrief.

    deep: also show every tab and click every text (slower)."""
    assert isinstance(app.screen, FacilitatorScreen)
    fac = app.screen
    tabs = ("overview", "injects", "actions", "log", "notes") if deep else ("injects",)
    for tab in tabs:
        fac.action_tab(tab)
        await settle(pilot)
    no_click_actions(fac)
    text_cells_only(fac)
    if deep:
        await dialog(pilot, app, fac.action_view_inject, TextModal)
        fac.action_tab("actions")
        await dialog(pilot, app, fac.action_adjudicate, FormModal)
        await dialog(pilot, app, fac.action_note, FormModal)
        fac.action_tab("injects")
        await settle(pilot)
        await click_everything(pilot, fac)
    for team in ("east", "west"):
        app.show_team(team)
        await until(pilot, lambda: isinstance(app.screen, TeamScreen) and app.screen.view)
        screen = app.screen
        no_click_actions(screen)
        text_cells_only(screen)
        if deep:
            await click_everything(pilot, screen)
            await dialog(pilot, app, screen.action_answer, FormModal)
            await dialog(pilot, app, screen.action_read, TextModal)
            await dialog(pilot, app, screen.action_submit, ConfirmModal, False)
        app.pop_screen()
        await until(pilot, lambda: app.screen is fac)
    fac.action_debrief()
    await until(pilot, lambda: isinstance(app.screen, DebriefScreen))
    await settle(pilot)
    no_click_actions(app.screen)
    text_cells_only(app.screen)
    if deep:
        await click_everything(pilot, app.screen)
    app.pop_screen()
    await until(pilot, lambda: app.screen is fac)


async def test_markup_in_every_text_field_renders_as_typed_and_runs_nothing(mini, tmp_path):
    s = session_with(mini, tmp_path, HOSTILE)
    try:
        app, spy = spied_app(session=s)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, 4)
            fac = app.screen
            fac.action_tab("notes")
            # the typed brackets are on screen as typed (clipped cells may cut the end); the
            # tables fill after the first frame: wait for them, not a count of pauses
            await wait_for(lambda: "[/x] our" in visible(fac) or "[@click=app.bell]" in visible(fac), 10,
                           "the notes with the typed brackets", pilot=pilot)
            fac.action_tab("injects")
            await wait_for(lambda: BELL in visible(fac) or CLOSE in visible(fac), 10,
                           "the injects with the typed brackets", pilot=pilot)
            await walk(pilot, app, deep=True)
            assert app.is_running
        assert spy.bells == 0
    finally:
        s.close()


async def test_a_save_holding_markup_resumes_and_lists_on_the_start_screen(mini, tmp_path):
    s = session_with(mini, tmp_path / "saves", HOSTILE, name=CLOSE)
    folder = s.folder
    s.close()
    app, spy = spied_app(opener=lambda: Session.open(folder), opening=CLOSE)
    async with app.run_test(size=SIZE) as pilot:
        # the save opens in a thread behind the loading screen: allow for a busy machine
        await wait_for(lambda: isinstance(app.screen, FacilitatorScreen) or app.open_error, 30,
                       "the console after opening the save", pilot=pilot)
        assert isinstance(app.screen, FacilitatorScreen), app.open_error
        # the console fills its tables after its first frame: wait for the name to be drawn
        await wait_for(lambda: CLOSE in visible(app.screen), 10, "the save's name on the console",
                       pilot=pilot)
        await walk(pilot, app)
    app.session.close()
    app, spy = spied_app(saves_root=tmp_path / "saves")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, 4)
        await click_everything(pilot, app.screen)
        assert app.is_running
    assert spy.bells == 0


def test_escape_sequences_never_reach_the_terminal():
    from exercise.tui.text import plain

    out = plain(ESC + "\x00\x7f\u202e\u2066")
    assert not any(ord(c) < 32 or 0x7f <= ord(c) < 0xa0 for c in out), repr(out)
    assert "\u202e" not in out and "\u2066" not in out
    assert plain("a\tb\nc") == "a\tb\nc"
    assert plain(CLOSE) == CLOSE and plain(BELL) == BELL


HOSTILE_ST = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.sampled_from(list("[]/@=\\.:$ab \x1b\x00\x07\x9b\u202e\u0301😀\n\t")), max_size=40),
    st.sampled_from(HOSTILE),
).filter(lambda s: s.strip())


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_plain_and_text_helpers_accept_anything(raw):
    from exercise.tui.text import plain, text

    out = plain(raw)
    assert len(out) == len(raw)  # one for one: styles over it stay in place
    assert not any(ord(c) < 32 and c not in "\n\t" for c in out)
    assert text(raw).plain == out
    assert Content(out).plain == out


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("[]/@=\\$ab.:() '\"\n")), max_size=30) | st.text())
def test_markup_safe_renders_as_typed_in_the_command_palette(raw):
    """Textual's escape() misses cases ('[/(' raises): the palette's helper does not."""
    import re

    from textual.fuzzy import Matcher

    from exercise.tui.text import markup_safe, plain

    expected = re.sub(r"\\+(?=\[)", lambda m: "\u29f5" * len(m.group()), plain(raw))
    assert Content.from_markup(markup_safe(raw)).plain == expected
    Matcher("a").highlight(markup_safe(raw))  # what the palette does with a title


# Each example walks every screen (~2.5 s): few examples here; the fixed HOSTILE list above covers each case.
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(HOSTILE_ST, min_size=3, max_size=8))
def test_arbitrary_text_through_every_command_and_screen(tmp_path_factory, mini, texts):
    s = session_with(mini, tmp_path_factory.mktemp("h"), texts)

    async def run():
        app, spy = spied_app(session=s)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, 3)
            await walk(pilot, app)
            assert app.is_running
        assert spy.bells == 0

    try:
        asyncio.run(run())
    finally:
        s.close()


async def test_pack_names_in_column_headers_are_text(mini, tmp_path):
    """Team names and the money unit come from the pack and head table columns: shown as written."""
    import attrs

    sc = mini.scenario
    sc = attrs.evolve(sc, teams=tuple(attrs.evolve(t, name=f"{t.name} {CLOSE}") for t in sc.teams),
                      budget=attrs.evolve(sc.budget, unit="[b]EUR"))
    s = Session.create(sc, mini.texts, tmp_path, name="headers")
    try:
        app, spy = spied_app(session=s)
        async with app.run_test(size=SIZE) as pilot:
            def headers() -> list[str]:
                # a long name is wrapped over the header's lines: read as one line
                return [" ".join(str(c.label).split()) for t in app.screen.query(DataTable) for c in t.columns.values()]

            await wait_for(lambda: any(CLOSE in h for h in headers()), 10, "the team columns", pilot=pilot)
            shown = headers()
            assert any(CLOSE in h for h in shown) and any("[b]EUR" in h for h in shown), shown
            await walk(pilot, app)
            assert app.is_running
        assert spy.bells == 0
    finally:
        s.close()
