"""The adversary's side in words, for both screens that show it from a RedView: the
facilitator console's Red tab (exercise.tui.facilitator.red) and the red cell's own console
(exercise.tui.seat.red). Only Rich here: the screens put these texts and rows in their
widgets.

`n` formats an amount of the adversary's points (the facilitator's console rounds to the
budget's places; the red seat, which has only its view, shows every place there is).
Whether an action can be used now and why not is the engine's answer, not recomputed here.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text

from exercise.engine.decision import article, number
from exercise.engine.ledger import units
from exercise.engine.view_types import RedActionView, RedMoveView, RedView
from exercise.narrate import red_rolls
from exercise.tui.text import cells, fit
from exercise.words import Words

TARGETS = {"team": "a team", "command": "a command", "world": "every team"}  # the defence scenario's words


def target_word(red: RedView, target: str) -> str:
    """What an action targets, in the scenario's words: 'a team', 'a sector', 'every team'."""
    if target == "command":
        w = getattr(red, "words", None) or Words()
        return f"{article(w.command)} {w.command}"
    return TARGETS.get(target, target)

Num = Callable[[float], str]


def pts(red: RedView, n: Num, x: float) -> str:
    """An amount of the adversary's points as `n` shows it, with its unit in the grammar the
    ledger uses: "1 point", "2 points" (the unit follows the number shown, so 0.9999 shown
    as "1" reads "1 point")."""
    shown = n(x)
    return f"{shown} {units(float(shown), red.unit, 9)}"


def pct(x: float) -> str:
    return f"{round(x * 100):d} %"


def move_result(m: RedMoveView, refund: str = "") -> str:
    """What became of an act: planned, withdrawn (refunded …), undetected, noticed
    (attributed or not); `refund` is the cost given back, with its unit."""
    if m.status == "withdrawn" and refund:
        return f"withdrawn (refunded {refund})"
    if m.status != "resolved":
        return m.status
    if not m.detected:
        return "undetected"
    return "noticed, attributed" if m.attributed else "noticed, unattributed"


def move_cause(m: RedMoveView, red: RedView) -> str:
    """Why it was noticed or attributed: its rolls against the action's chances."""
    action = next((a for a in red.actions if a.id == m.action), None)
    if m.status != "resolved" or action is None:
        return ""
    if not m.teams:
        return "it hit nobody (no team stood at that seam any more)"
    # worded as the log and the debrief word them (narrate.red_rolls, decision.roll_words)
    rolls = red_rolls(m.detect_roll, action.detection, m.attribute_roll, action.attribution)
    said = ["noticed" if m.detected else "not noticed", "attributed" if m.attributed else "unattributed"]
    return "; ".join(f"{r}: {w}" for r, w in zip(rolls, said))


def planned(red: RedView) -> list[RedMoveView]:
    return [m for m in red.moves if m.status == "planned"]


def budget_text(red: RedView, n: Num) -> Text:
    """'Russia: 5 points left · income 5 points a turn · 1 planned this turn (3 points)'."""
    acts = planned(red)
    out = Text()
    out.append(f"{red.name}: {pts(red, n, red.cash)} left", style="bold")
    out.append(f" · income {pts(red, n, red.income)} a turn")
    if acts:
        out.append(f" · {len(acts)} planned this turn ({pts(red, n, sum(m.cost for m in acts))})")
    return out


ACTION_COLUMNS = ("Action", "Cost", "Target", "Notice", "Attrib", "Now")
MOVE_COLUMNS = ("Turn", "Action", "Target", "Result")


def action_rows(red: RedView, n: Num, narrow: bool) -> list[list[Text]]:
    """The menu's rows (ACTION_COLUMNS): an 80-column screen clips names more."""
    return [cells(fit(a.name, 30 if narrow else 56), pts(red, n, a.cost), target_word(red, a.target),
                  pct(a.detection), pct(a.attribution), "yes" if a.usable else "no") for a in red.actions]


def shown_moves(red: RedView) -> list[RedMoveView]:
    """Newest first; a withdrawn act stays, marked with its refund."""
    return list(reversed(red.moves))


def move_rows(red: RedView, n: Num, narrow: bool) -> list[list[Text]]:
    """The acts' rows (MOVE_COLUMNS), newest first. 80 columns: 6 + 24 + 15 + 31
    ("withdrawn (refunded 2 points)") fit the 76 a panel gets."""
    return [cells(m.turn, fit(m.name, 22 if narrow else 56), fit(m.target_name.split(" (")[0], 13 if narrow else 36),
                  result(m, red, n)) for m in shown_moves(red)]


def result(m: RedMoveView, red: RedView, n: Num) -> str:
    return move_result(m, pts(red, n, m.cost))


def moves_title(red: RedView, plan_hint: str) -> Text:
    """The heading over the acts; `plan_hint` says where a plans one ("a plans one (on this tab)")."""
    if red.moves:
        return Text(f"{red.name}'s acts, newest first" + (" (w withdraws one planned this turn)" if planned(red) else ""),
                    style="bold")
    return Text(f"{red.name} has planned no act yet: {plan_hint}", style="bold")


def objectives_text(red: RedView) -> Text:
    out = Text()
    out.append(f"{red.name}'s objectives", style="bold")
    for o in red.objectives:
        out.append(f"\n{o.name}: ")
        if o.value is None or o.target is None:
            out.append("not measured")
            continue
        word = "at most" if o.better == "lower" else "at least"
        state = "met now" if o.met else "not met now"
        out.append(f"{number(o.value, 2)} ({word} {number(o.target, 2)} needed), {state}")
    if not red.objectives:
        out.append("\nnone")
    return out


def action_detail(a: RedActionView, red: RedView, n: Num) -> Text:
    """An action of the menu: cost, target, chances, whether it can be used now, effects."""
    out = Text()
    out.append(a.name, style="bold")
    out.append(f": {pts(red, n, a.cost)}, {target_word(red, a.target)}; noticed {pct(a.detection)}, "
               f"then attributed {pct(a.attribution)}")
    if a.escalation:
        out.append(f" (+{number(a.escalation, 2)} escalation when attributed)")
    out.append("\n")
    out.append("usable now" if a.usable else f"not now: {a.why_not}", style="" if a.usable else "italic")
    if a.effects:
        out.append("\nEffects: " + "; ".join(a.effects))
    if a.attributed_effects:
        out.append("\nWhen attributed: " + "; ".join(a.attributed_effects))
    return out


def move_detail(m: RedMoveView, red: RedView, n: Num) -> Text:
    out = Text(f"Turn {m.turn}: {m.name} on {m.target_name}, {pts(red, n, m.cost)}: {result(m, red, n)}")
    cause = move_cause(m, red)
    if cause:
        out.append(f"\n{cause}")
    return out


def menu_lines(red: RedView, n: Num) -> list[str]:
    """The plan dialog's intro: the points, then each action with its cost, target and chances."""
    lines = [f"{red.name} has {pts(red, n, red.cash)} (income {pts(red, n, red.income)} a turn). "
             "The cost is paid now and refunded if the act is withdrawn this turn.", ""]
    for a in red.actions:
        lines.append(f"• {a.name}: {pts(red, n, a.cost)}, {target_word(red, a.target)}, noticed "
                     f"{pct(a.detection)}, attributed {pct(a.attribution)}"
                     + ("" if a.usable else f" (not now: {a.why_not})"))
    return lines


def target_name(red: RedView, target: str) -> str:
    """A team's or a command's name, as the red view knows them."""
    team = next((t.name for t in red.teams if t.id == target), None)
    if team is not None:
        return team
    return next((c.name for c in red.commands if c.id == target), target)


def target_options(red: RedView) -> tuple[tuple[str, str], ...]:
    """Every target, for a form that leaves the choice to the engine: none, each team, each command."""
    teams = tuple((f"team: {t.name}", t.id) for t in red.teams)
    word = (getattr(red, "words", None) or Words()).command
    commands = tuple((f"{word}: {c.name}", c.id) for c in red.commands)
    return (("none (an action on every team)", ""), *teams, *commands)


def default_action(red: RedView, selected: str | None) -> str:
    """The selected action when it can be used now, else the first that can (else the first)."""
    usable = [a.id for a in red.actions if a.usable]
    return selected if selected in usable else (usable[0] if usable else red.actions[0].id)


def withdraw_body(m: RedMoveView, red: RedView, n: Num) -> str:
    return (f"{m.name} on {m.target_name} (turn {m.turn}) is called off and its "
            f"{pts(red, n, m.cost)} refunded to {red.name}.")


def to_withdraw(red: RedView, selected: str | None, where: str = "the acts") -> tuple[RedMoveView | None, str]:
    """The planned act to withdraw (the selected one, or the only one), or why none."""
    acts = planned(red)
    if not acts:
        return None, f"{red.name} has no act planned this turn to withdraw."
    m = next((x for x in acts if x.id == selected), None)
    if m is None and len(acts) == 1:
        m = acts[0]
    if m is None:
        return None, f"Select an act planned this turn in {where}, then press w."
    return m, ""
