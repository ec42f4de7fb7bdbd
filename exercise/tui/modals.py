"""Modal dialogs shared by every console: confirm, a small form, a text page.

They collect input and return it; they hold no rules. Whatever they return becomes an
engine command in the screen that opened them. Titles, bodies, labels and options are
plain text (they often quote a team or a pack), shown as given, never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from exercise.tui.footer import FitFooter
from exercise.tui.text import text, unit_kept

# The engine's limit on free text (engine.commands.MAX_TEXT; a test keeps them equal): an input
# stops there instead of letting a player type what the engine will refuse.
MAX_TEXT = 4_000

# Markdown and TextArea pull in markdown-it and pygments (~50 ms): imported when a dialog
# that needs them opens, not when the console starts.


class ConfirmModal(ModalScreen[bool]):
    """Yes or no, with the consequence spelled out."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("y", "confirm", "Yes")]

    def __init__(self, title: str, body: str, confirm: str = "Confirm", id: str | None = None):
        super().__init__(id=id)
        self.title_text = title
        self.body = body
        self.confirm_label = confirm

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(text(self.title_text), classes="dialog-title")
            with VerticalScroll(classes="confirm-body"):  # a long list (four teams' losses) scrolls
                # a "  - " line is a list item: its wrapped lines hang under its text, not its dash
                for line in self.body.split("\n"):
                    if line.startswith("  - "):
                        with Horizontal(classes="bullet-line"):
                            yield Label("-", classes="bullet")
                            yield Static(text(unit_kept(line[4:])), classes="bullet-text")
                    else:
                        yield Static(text(unit_kept(line)), classes="body-line")
                yield Static("", classes="dialog-body")  # the gap before the buttons
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.confirm_label, variant="warning", id="confirm")
                yield Button("Cancel", id="cancel")
        yield FitFooter()  # this dialog's keys, not those of the screen under it

    def on_mount(self) -> None:
        self.query_one("#confirm", Button).focus()

    @on(Button.Pressed, "#confirm")
    def action_confirm(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)


@attrs.frozen
class Field:
    """One input of a FormModal."""

    name: str
    label: str
    kind: str = "text"  # text | number | integer | select | multiline
    options: tuple[tuple[str, Any], ...] = ()  # (label, value) for select
    default: Any = None
    required: bool = True
    help: str = ""
    minimum: float | None = None
    maximum: float | None = None
    # required only in some cases, told by the other values (a reason to refuse, a rationale to
    # override): the form stays open with `missing` (or "LABEL: required") until it is filled.
    # Its label says when it is needed, so it is not marked "(optional)".
    required_when: Callable[[dict[str, Any]], bool] | None = None
    missing: str = ""


def lead_answer_fields(answer: str, reason: str, who: str) -> list[Field]:
    """Approve or refuse a lead request (the facilitator or a member team); a refusal needs a
    reason, which `who` sees."""
    return [
        Field("approve", answer, "select", (("Approve", "yes"), ("Refuse", "no")), default="yes"),
        Field("reason", f"{reason} (required to refuse; {who} sees it)", "text", required=False,
              required_when=lambda v: v["approve"] == "no", missing=f"A refusal needs a reason: {who} sees it."),
    ]


def feedback_fields(values: dict[str, Any] | None = None) -> list[Field]:
    """HSEEP's participant feedback form: who (optional), the top three strengths and areas
    for improvement, what the evaluators might have missed, and a 1-5 rating of each statement
    (every field optional; the engine refuses an empty form). `values`: what was typed, to
    reopen a refused form with it."""
    from exercise.engine.feedback import QUESTIONS, SCALE_WORDS

    v = values or {}
    scale = tuple((f"{n}: {w}", n) for n, w in SCALE_WORDS.items())
    fields = [Field("participant", "Your name or role (left out of the report unless the facilitator names it)",
                    required=False, default=v.get("participant"))]
    for i in (1, 2, 3):
        fields.append(Field(f"strength{i}", f"Strength {i}: what went well", required=False,
                            default=v.get(f"strength{i}")))
    for i in (1, 2, 3):
        fields.append(Field(f"improvement{i}", f"Area for improvement {i}", required=False,
                            default=v.get(f"improvement{i}")))
    fields.append(Field("missed", "What might the evaluators have missed?", "multiline", required=False,
                        default=v.get("missed")))
    for q, statement in QUESTIONS:
        fields.append(Field(f"rate-{q}", statement, "select", scale, required=False, default=v.get(f"rate-{q}")))
    return fields


def feedback_command(team: str, values: dict[str, Any]):
    """The GiveFeedback command of a filled-in feedback form."""
    from exercise.engine.commands import GiveFeedback
    from exercise.engine.feedback import QUESTIONS

    def texts(prefix: str) -> tuple[str, ...]:
        return tuple(values[f"{prefix}{i}"] for i in (1, 2, 3) if values.get(f"{prefix}{i}"))

    return GiveFeedback(team, team, texts("strength"), texts("improvement"), values.get("missed") or "",
                        {q: values[f"rate-{q}"] for q, _ in QUESTIONS if values.get(f"rate-{q}") is not None},
                        values.get("participant") or "")


class FormModal(ModalScreen[dict | None]):
    """A small form; returns {name: value} with numbers converted, or None if cancelled.

    Escape on a form with something typed in it (or a choice changed next to a text field)
    asks before throwing it away; a picker with only choices closes at once."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="close (asks first if you typed something)"),
                Binding("ctrl+s", "submit", "Save", show=True)]

    def __init__(self, title: str, fields: list[Field], submit: str = "OK", intro: str = "",
                 original: dict[str, Any] | None = None):
        """original: the values the form first opened with, when it is reopened with what was
        typed (a refused save): Escape asks while the values differ from those."""
        super().__init__()
        self.title_text = title
        self.fields = fields
        self.submit_label = submit
        self.intro = intro
        self.original = original

    def compose(self) -> ComposeResult:
        from textual.widgets import TextArea

        with Vertical(classes="dialog form"):
            yield Label(text(self.title_text), classes="dialog-title")
            # the intro scrolls with the fields, so the buttons stay on a 24-line screen
            with VerticalScroll(classes="form-fields"):
                if self.intro:  # "70 %" kept on one line when it wraps
                    yield Static(text(unit_kept(self.intro)), classes="dialog-body")
                for f in self.fields:
                    optional = not f.required and f.required_when is None
                    yield Label(text(f.label + (" (optional)" if optional else "")), classes="field-label")
                    if f.kind == "select":
                        yield Select([(text(label), value) for label, value in f.options], value=f.default if f.default is not None else Select.NULL,
                                     allow_blank=not f.required or f.default is None, id=f"f-{f.name}")
                    elif f.kind == "multiline":
                        yield TextArea(str(f.default or ""), id=f"f-{f.name}", classes="field-area")
                    else:
                        yield Input(value="" if f.default is None else str(f.default), id=f"f-{f.name}",
                                    type="integer" if f.kind == "integer" else "number" if f.kind == "number" else "text",
                                    max_length=MAX_TEXT)
                    if f.help:
                        yield Static(text(f.help), classes="field-help")
            yield Static("", id="form-error", classes="form-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.submit_label, variant="primary", id="submit")
                yield Button("Cancel", id="cancel")
        yield FitFooter()  # ctrl+s and escape, not the keys of the screen under it

    def on_mount(self) -> None:
        first = self.query(".form-fields > Input, .form-fields > Select, .form-fields > TextArea").first()
        first.focus()
        for select in self.query(".form-fields > Select").results(Select):
            self.watch(select, "expanded", self._on_expanded(select), init=False)
        self._opened_with = self._typed()
        if self.original is not None:  # as the fields read when the form first opened
            self._opened_with = tuple(self._as_read(f, self.original.get(f.name, f.default)) for f in self.fields)

    def _on_expanded(self, select: Select):
        # one argument (the new value): Textual passes (old, new) to a callback taking two
        return lambda expanded: self._room_below(select, expanded)

    def _room_below(self, select: Select, expanded: bool) -> None:
        """A dropdown opens below its select, drawn over the screen: bring the select up in
        the scrolling fields first (as far as they scroll) so its list stays inside the
        dialog, not over the frame or off a short screen (a scrolled or resized form)."""
        if expanded:
            self.query_one(".form-fields", VerticalScroll).scroll_to_widget(select, top=True, animate=False)

    @staticmethod
    def _as_read(f: Field, value: Any) -> Any:
        """A default as its field would read it back (_value)."""
        if f.kind == "select":
            return value
        return "" if value is None else str(value).strip()

    def _typed(self) -> tuple:
        """Every field as it reads now (to tell whether anything was typed since it opened)."""
        return tuple(self._value(f) for f in self.fields)

    def _value(self, f: Field):
        from textual.widgets import TextArea

        widget = self.query_one(f"#f-{f.name}")
        if isinstance(widget, Select):
            value = widget.value
            return None if value is Select.NULL else value
        if isinstance(widget, TextArea):
            return widget.text.strip()
        assert isinstance(widget, Input)
        return widget.value.strip()

    def collect(self) -> dict | str:
        """The values, or an error message naming the field to fix."""
        out: dict[str, object] = {}
        for f in self.fields:
            raw = self._value(f)
            if raw in (None, ""):
                if f.required:
                    return f"{f.label}: required"
                out[f.name] = None
                continue
            if f.kind in ("number", "integer"):
                try:
                    value: int | float = int(raw) if f.kind == "integer" else float(raw)
                except ValueError:
                    return f"{f.label}: enter a {'whole ' if f.kind == 'integer' else ''}number"
                if f.minimum is not None and value < f.minimum:
                    return f"{f.label}: at least {f.minimum:g}"
                if f.maximum is not None and value > f.maximum:
                    return f"{f.label}: at most {f.maximum:g}"
                out[f.name] = value
            else:
                out[f.name] = raw
        for f in self.fields:  # needed given the other values (refuse: a reason)
            if f.required_when is not None and out.get(f.name) is None and f.required_when(out):
                return f.missing or f"{f.label}: required"
        return out

    @on(Input.Submitted)
    def _enter_in_a_field(self, event: Input.Submitted) -> None:
        """Enter in a field goes to the next field, and from the last one to the submit
        button (whose Enter, or ctrl+s, submits): a stray Enter after typing the points to add
        rolled the dice at once. A form of one field submits on its Enter (a turn to go to)."""
        event.stop()
        if len(self.fields) == 1:
            self.action_submit()
            return
        fields = list(self.query(".form-fields > Input, .form-fields > Select, .form-fields > TextArea"))
        at = fields.index(event.input) if event.input in fields else len(fields) - 1
        if at + 1 < len(fields):
            fields[at + 1].focus()
        else:
            self.query_one("#submit", Button).focus()

    @on(Button.Pressed, "#submit")
    def action_submit(self) -> None:
        result = self.collect()
        if isinstance(result, str):
            self.query_one("#form-error", Static).update(text(result))
            return
        self.dismiss(result)

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:  # a click on Cancel is deliberate
        self.dismiss(None)

    def action_cancel(self) -> None:
        """Escape: close, but never drop typed text without asking. A picker (nothing to type,
        only choices: the seat or team to open) closes at once: a choice is redone in a key."""
        if self._typed() == getattr(self, "_opened_with", None) or all(f.kind == "select" for f in self.fields):
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmModal("Discard what you typed?", "Escape closes this form and what you "
                                          "typed in it is lost. Cancel to go back to it.", "Discard"), answered)


class TextModal(ModalScreen[None]):
    """A page of Markdown (help, an inject's full text, the outcome).

    The caller writes the Markdown: user text in it goes through `text.md`. Links are not
    followed (a pack's or a team's link must not open a browser on this machine)."""

    # The Close button has the focus (enter closes); the page still scrolls from the keyboard.
    BINDINGS = [Binding("escape", "close", "Close"), Binding("q", "close", "Close", show=False),
                *(Binding(key, f"page('{key}')", "Scroll", show=False)
                  for key in ("up", "down", "pageup", "pagedown", "home", "end"))]

    def __init__(self, title: str, markdown: str, wide: bool = False):
        super().__init__()
        self.title_text = title
        self.markdown = markdown
        self.wide = wide

    def compose(self) -> ComposeResult:
        from textual.widgets import Markdown

        with Vertical(classes="dialog page" + (" wide" if self.wide else "")):
            yield Label(text(self.title_text), classes="dialog-title")
            with VerticalScroll(classes="page-body"):
                yield Markdown(self.markdown, open_links=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close", id="close")

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()

    def action_page(self, key: str) -> None:
        body = self.query_one(".page-body", VerticalScroll)
        {"up": body.scroll_up, "down": body.scroll_down, "pageup": body.scroll_page_up,
         "pagedown": body.scroll_page_down, "home": body.scroll_home, "end": body.scroll_end}[key](animate=False)

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)
