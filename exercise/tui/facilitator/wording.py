"""What the facilitator's confirmations say: plain words built from the engine's pure
previews (`fire_preview`, `force_losses`). No Textual here: the dialogs only show it."""

from __future__ import annotations

from collections.abc import Iterable

from exercise.engine.decision import number, roll_words
from exercise.engine.flow import TeamLoss
from exercise.engine.injects import FirePreview
from exercise.engine.ledger import POINTS, units
from exercise.engine.view_types import CounterView, FacilitatorAction


def _who(names: Iterable[str], every: bool = False) -> str:
    names = tuple(names)
    if every:  # four long team names say less than this
        return f"every team ({len(names)})"
    return ", ".join(names) if names else "the facilitator only (no team sees it)"


def fire_confirm(p: FirePreview) -> tuple[str, str]:
    """(title, body) of the dialog before firing an inject by hand."""
    lines = [f"It goes out now to {_who(p.to, p.every)}."]
    if p.effects:
        lines.append("Its effect applies at once." if p.effects == 1 else f"Its {p.effects} effects apply at once.")
    if p.decision:
        who = "Each of them must" if len(p.to) != 1 or p.every else "It must"
        lines.append(f"{who} choose an option; a team that does not answer gets the default "
                     "when deliberation closes.")
    for name in p.reopens:
        lines.append(f"{name} has submitted: its turn will reopen so it can answer (its orders of this turn "
                     "are drafts again until it submits once more).")
    return f"Fire {p.title} now?", "\n".join(lines)


def outside_scope(title: str, scope: str, others: Iterable[str], every: bool = False, verb: str = "fire") -> str:
    """What a controller is told, without being asked, about an inject that goes beyond its
    scope (`scope`: its teams' names; `others`: the teams outside it; `every`: it goes to
    every team): whose it is. The server still refuses it if sent."""
    if every:
        return (f"{title} goes to every team, outside your scope ({scope}): "
                f"ask the lead facilitator to {verb} it.")
    others = ", ".join(others)
    return (f"{title} also goes to {others}, outside your scope ({scope}): "
            f"ask the lead facilitator (or a controller with {others} in scope, if there is one) to {verb} it.")


def skip_confirm(title: str, to: Iterable[str], every: bool = False) -> tuple[str, str]:
    return (f"Skip {title}?",
            f"It will not go out to {_who(to, every)} in this exercise. You can bring it back later with b.")


def force_body(losses: Iterable[TeamLoss], unit: str) -> str:
    """Team by team, what a forced advance takes: open decisions (their default applies)
    and draft orders (withdrawn, the money back)."""
    out = []
    for loss in losses:
        out.append(f"{loss.name} has submitted but left decisions open:" if loss.submitted
                   else f"{loss.name} has not submitted:")
        out += [f"  - {title}: {label} (the default) applies" for title, label in loss.decisions]
        out += [f"  - {q} × {item} ({number(cost)} {unit}): withdrawn, the money back" for item, q, cost in loss.drafts]
        if not loss.decisions and not loss.drafts:
            out.append("  - nothing is lost: no open decision, no draft order")
    return "\n".join(out)


def release_notice(title: str, queued: int | None, status: str) -> str:
    """What the facilitator is told after releasing (or bringing back) an inject."""
    if queued is not None:
        return f"{title} goes out with the injects of turn {queued}."
    return f"{title} follows its schedule again ({status})."


def with_unit(x: float, unit: str = POINTS) -> str:
    return f"{number(x)} {units(x, unit)}"


def override_choice(name: str, scope: str, values: dict[str, float], unit: str = POINTS) -> str:
    """A value the override dialog offers, with what it is now: "Escalation (world): now 4.1
    points", "Air defence (team): now East 2 points, West 3 points" (values: team name ->
    value; a world track's one value under "")."""
    now = ", ".join(f"{who} {with_unit(x, unit)}".strip() for who, x in values.items())
    return f"{name} ({scope}): now {now}"


def seen_by(a: FacilitatorAction) -> str:
    """Who sees an argued action: its team only (secret), or every seat, with how many
    counter-arguments it drew."""
    if not a.open:
        return "secret"
    n = len(a.counters)
    return f"open · {n} counter{'s' if n != 1 else ''}"


def counter_lines(counters: Iterable[CounterView], turn: bool = False) -> list[str]:
    """One line a counter-argument: who posted it (by name), in which turn (`turn`), why."""
    return [f"Counter-argued by {c.by_name}{f' (turn {c.turn})' if turn else ''}: {c.reasons}" for c in counters]


def no_counter(red: bool = True) -> str:
    """What an open action without counter-arguments says (`red`: the scenario has a red cell)."""
    who = "the other teams and the red cell" if red else "the other teams"
    return f"No counter-argument posted (yet): {who} may post one until you roll."


NO_COUNTER = no_counter()


def adjudication_intro(team: str, a: FacilitatorAction, red: bool = True) -> str:
    """The adjudication form's intro: the argument (`team`: its team's name) and, for an open
    one, every counter-argument before the odds (`red`: the scenario has a red cell, which
    counter-argues and sees the result too)."""
    intro = (f"{team} argues{' openly' if a.open else ' (secret)'}: {a.action}\n"
             f"Intended result: {a.result}\nReasons: {a.reasons}")
    if a.open:  # every side before the odds: the counter-arguments of the other teams and the red cell
        intro += "".join("\n" + line for line in counter_lines(a.counters)) or "\n" + no_counter(red)
        intro += f"\nEvery team{' and the red cell' if red else ''} will see the odds, the roll and your rationale."
    return intro


def action_lines(team: str, a: FacilitatorAction) -> list[str]:
    """An argued action in full for a detail pane: the argument, who sees it, every
    counter-argument (who, turn, reasons) and the adjudication once made."""
    out = [f"{team} argues (turn {a.turn}, {'open to every seat' if a.open else 'secret'}): {a.action}"]
    if a.result:
        out.append(f"Intended result: {a.result}")
    if a.reasons:
        out.append(f"Reasons: {a.reasons}")
    if a.open:
        out += counter_lines(a.counters, turn=True) or ["No counter-argument posted (yet)."]
    if a.likelihood is not None:
        verdict = "" if a.success is None else (" · success" if a.success else " · failure")
        rolled = f", {roll_words(a.roll, a.likelihood)}" if a.roll is not None else ""
        out.append(f"Adjudicated: {a.likelihood} %{rolled}{verdict}")
        if a.rationale:
            out.append(f"Rationale: {a.rationale}")
    return out
