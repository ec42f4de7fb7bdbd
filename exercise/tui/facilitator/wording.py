"""What the facilitator's confirmations say: plain words built from the engine's pure
previews (`fire_preview`, `force_losses`). No Textual here: the dialogs only show it."""

from __future__ import annotations

from collections.abc import Iterable

from exercise.engine.decision import number
from exercise.engine.flow import TeamLoss
from exercise.engine.injects import FirePreview
from exercise.engine.ledger import POINTS, units


def _who(names: Iterable[str], every: bool = False) -> str:
    names = tuple(names)
    if every:  # four long team names say less than this
        return f"every team ({len(names)})"
    return ", ".join(names) if names else "the facilitator only (no team sees it)"


def fire_confirm(p: FirePreview) -> tuple[str, str]:
    """(title, body) of the dialog before firing an inject by hand."""
    lines = [f"It goes out now to {_who(p.to, p.every)}."]
    if p.effects:
        lines.append(f"Its {p.effects} effect(s) apply at once.")
    if p.decision:
        lines.append("Each of them must choose an option; a team that does not answer gets the default "
                     "when deliberation closes.")
    for name in p.reopens:
        lines.append(f"{name} has submitted: its turn will reopen so it can answer (its orders of this turn "
                     "are drafts again until it submits once more).")
    return f"Fire {p.title} now?", "\n".join(lines)


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
