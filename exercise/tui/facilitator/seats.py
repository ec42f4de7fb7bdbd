"""The room's seats, for the lead facilitator: the Terminals dialog (every seat's join
command and how many terminals hold it; add a seat, revoke one, when served) and the
hot-seat picker (open any seat's screen on this terminal).

The seats come from the server (`exercise serve`): `server.join_commands()`,
`server.add_seat(role, name, scope)`, `server.revoke(seat_id)`. A server without them (an
older one) still lists the teams' join commands.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Label

from exercise.engine.seats import NAMED_ROLES, ROLE_NAMES, Seat, red_seat
from exercise.tui.footer import FitFooter
from exercise.tui.modals import TextModal
from exercise.tui.text import md, text
from exercise.words import short


def join_commands(server, session) -> list[tuple[Seat, str]]:
    """Every seat that may join and its join command: the server's, or (an older server)
    each team's."""
    if hasattr(server, "join_commands"):
        return list(server.join_commands())
    return [(Seat(t.id, "team", t.name, team=t.id),
             f"exercise join {server.url} --team {t.id} --token {server.tokens.teams[t.id]}")
            for t in session.scenario.teams]


def scope_words(seat: Seat, names: dict[str, str]) -> str:
    """Whose seat acts for which teams: a controller's scope by the teams' short names ('every
    team' when it names none); '' for the other seats (a team's is its name)."""
    if seat.role == "controller":
        return ", ".join(short(names.get(t, t)) for t in seat.scope) if seat.scope else "every team"
    return ""


def who(seat: Seat, names: dict[str, str]) -> str:
    """A seat as the facilitator reads it: 'East', 'Alice (controller: East, West)'."""
    if seat.role in ("team", "red"):
        return seat.name  # "Russia (red cell)" says its role already
    role = ROLE_NAMES.get(seat.role, seat.role)
    if seat.role == "controller":
        role += ": " + (", ".join(names.get(t, t) for t in seat.scope) if seat.scope else "every team")
    return f"{seat.name} ({role})"


def seats_markdown(server, session) -> str:
    names = {t.id: t.name for t in session.scenario.teams}
    counts = server.connected()
    seats = join_commands(server, session)
    # a controller's scope: the teams it acts for (the table said "controller" alone)
    rows = ["| seat | role | scope | id | terminals |", "|---|---|---|---|---|"]
    rows += [f"| {md(s.name)} | {md(ROLE_NAMES.get(s.role, s.role))} | {md(scope_words(s, names)) or '-'} | {md(s.id)} "
             f"| {counts.get(s.id, 0)} |" for s, _line in seats]
    joins = "\n".join(f"# {who(s, names)}\n{line}" for s, line in seats)
    manage = ("\n\n**a** adds a seat (a controller, an evaluator, a wall, the red cell), **r** revokes one (its "
              "terminals are cut off at once; the journal says so)." if hasattr(server, "add_seat") else "")
    return (f"Served on **{md(server.url)}**.\n\n" + "\n".join(rows)
            + "\n\nEach person runs their seat's line (the tokens are also in `tokens.json` in the save folder, "
            f"{md(session.folder)}):\n\n```\n" + joins + "\n```" + manage)


class SeatsModal(TextModal):
    """The Terminals dialog: the seats' page, and (when the server can) a adds a seat and r
    revokes one: the dialog closes and the app's `add` / `revoke` takes over (it opens the
    dialog again when done)."""

    BINDINGS = [Binding("a", "add", "Add seat"), Binding("r", "revoke", "Revoke seat")]

    def __init__(self, markdown: str, add: Callable[[], object] | None = None,
                 revoke: Callable[[], object] | None = None):
        super().__init__("Terminals: the room's seats", markdown, wide=True)
        self.add = add
        self.revoke = revoke

    def compose(self) -> ComposeResult:  # the page as TextModal's, with the seats' buttons
        from textual.widgets import Markdown

        with Vertical(classes="dialog page wide"):
            yield Label(text(self.title_text), classes="dialog-title")
            with VerticalScroll(classes="page-body"):
                yield Markdown(self.markdown, open_links=False)
            with Horizontal(classes="dialog-buttons"):
                if self.add is not None:
                    yield Button("Add seat", id="add")
                if self.revoke is not None:
                    yield Button("Revoke seat", id="revoke", variant="warning")
                yield Button("Close", id="close")
        yield FitFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return {"add": self.add is not None, "revoke": self.revoke is not None}.get(action, True)

    @on(Button.Pressed, "#add")
    def action_add(self) -> None:
        if self.add is not None:
            self.dismiss(None)
            self.add()

    @on(Button.Pressed, "#revoke")
    def action_revoke(self) -> None:
        if self.revoke is not None:
            self.dismiss(None)
            self.revoke()


def scope_of(words: str, teams) -> tuple[tuple[str, ...], str]:
    """Team ids from what was typed (names, short names or ids, comma separated); and what
    was not recognised ('' when all were)."""
    out: list[str] = []
    unknown: list[str] = []
    for word in (w.strip() for w in words.split(",")):
        if not word:
            continue
        key = word.casefold()
        team = next((t for t in teams if key in (t.id.casefold(), t.name.casefold(),
                                                 t.name.split(" (")[0].casefold())), None)
        if team is None:
            unknown.append(word)
        elif team.id not in out:
            out.append(team.id)
    return tuple(out), ", ".join(unknown)


def hot_seats(session, server) -> list[tuple[str, Seat]]:
    """The seats whose screens this terminal can open (label, seat): each team, the red cell
    (with an adversary), an evaluator, the wall, and the seats the server has (controllers,
    named evaluators and walls); only those this install has a screen for."""
    from exercise.tui.seat import screen_class

    state = session.state
    out = [(f"Team: {t.name}", Seat(t.id, "team", t.name, team=t.id)) for t in session.scenario.teams]
    if state.rules.adversary is not None:
        red = red_seat(state)
        out.append((red.name, red))  # "Russia (red cell)"
    served = [s for s, _line in join_commands(server, session)] if server is not None else []
    names = {t.id: t.name for t in session.scenario.teams}
    extra = [s for s in served if s.role in NAMED_ROLES]
    if not any(s.role == "evaluator" for s in extra):
        out.append(("Evaluator (hot-seat)", Seat("evaluator", "evaluator", "Evaluator (hot-seat)")))
    if not any(s.role == "wall" for s in extra):
        out.append(("Wall display", Seat("wall", "wall", "Wall display")))
    out += [(who(s, names), s) for s in extra]
    return [(label, s) for label, s in out if s.role == "team" or screen_class(s.role) is not None]


__all__ = ["SeatsModal", "hot_seats", "join_commands", "scope_of", "scope_words", "seats_markdown", "who"]
