"""What things cost and do, in the words a team reads (pure: no Textual, no state).

One wording for an effect, used by the views (an option's summary before a team chooses,
what an item adds on delivery), so the team screen, the network client and the debrief
say the same thing. Names, never ids; money with its unit; amounts as the scenario
states them ("-2 USD bn Procurement for 2 turns", "US trust +0.5").

And the budget arithmetic the team's Budget tab explains (floors, what decays, the
share left after this turn's decision costs), from the player view alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from exercise import model
from exercise.engine import view_types as vt
from exercise.engine.decision import EPS, number
from exercise.engine.scenario_rules import ScenarioRules

HIDDEN = "(hidden) "  # how the facilitator's summary marks an effect the teams never see
UNKNOWN = "and consequences you cannot know in advance"


def signed(x: float) -> str:
    return ("+" if x >= 0 else "-") + number(abs(x))


def _who(rules: ScenarioRules, team: str | None) -> str:
    """Whose value an effect changes, when it is not the choosing team's own."""
    if team is None or team == "self":
        return ""
    if team == "all":
        return " (every team)"
    return f" ({rules.names.get(team, 'another team')})"


def effect_text(effect: model.Effect, rules: ScenarioRules, facilitator: bool = False) -> str:
    """One effect in words. `facilitator`: name the inject an inject effect acts on (a team
    must not learn the title of an inject that has not reached it)."""
    e = effect
    text = ""
    if e.track is not None:
        t = rules.tracks.get(e.track)
        name = t.name if t else "a track"
        who = _who(rules, e.team) if t is not None and t.scope == "team" else ""
        if e.set is not None:
            text = f"{name}{who} set to {number(e.set)}"
        else:
            text = f"{name}{who} {signed(e.add or 0.0)}"
    elif e.budget is not None:
        unit = rules.budget.unit
        cat = "whole budget" if e.budget == "total" else (
            rules.cat[e.budget].name if e.budget in rules.cat else "a budget category")
        turns = max(1, e.turns or 1)
        when = "this turn" if turns == 1 else f"for {turns} turns"
        text = f"{signed(e.add or 0.0)} {unit} {cat} {when}{_who(rules, e.team)}"
    elif e.item is not None:
        item = rules.items.get(e.item)
        name = item.name if item else "an item"
        n = e.lead_time or 0
        text = f"{name} lead time {signed(n)} turn{'s' if abs(n) != 1 else ''}"
    elif e.inject is not None:
        title = ""
        if facilitator and e.inject in rules.injects:
            title = f": {rules.injects[e.inject].title}"
        text = {"enable": "enables a further inject", "cancel": "cancels a pending inject",
                "fire": "brings an inject next turn"}.get(e.action or "", "acts on another inject") + title
    elif e.ally is not None:
        ally = rules.allies[e.ally].name if e.ally in rules.allies else "an ally"
        cmd = rules.commands[e.command].name if e.command in rules.commands else "another command"
        text = f"{ally} moves to {cmd}"
    if facilitator and e.hidden:
        text = HIDDEN + text
    return text


def option_effects(option: model.Option, rules: ScenarioRules) -> tuple[tuple[str, ...], bool]:
    """What a team is told about an option before it chooses: the visible effects in words,
    and whether there are hidden ones (never their content)."""
    shown = tuple(effect_text(e, rules) for e in option.effects if not e.hidden)
    return shown, any(e.hidden for e in option.effects)


def facilitator_effects(option: model.Option, rules: ScenarioRules) -> tuple[str, ...]:
    """Every effect of an option, hidden ones marked, for the white cell."""
    return tuple(effect_text(e, rules, facilitator=True) for e in option.effects)


def item_gains(item: model.Item, rules: ScenarioRules) -> tuple[str, ...]:
    """What one delivered unit does: "+0.4 Air defence per unit on delivery"."""
    out = []
    for e in item.effects:
        if e.track is not None and e.set is None and e.track in rules.tracks:
            t = rules.tracks[e.track]
            who = _who(rules, e.team) if t.scope == "team" else ""
            out.append(f"{signed(e.add or 0.0)} {t.name}{who} per unit on delivery")
        else:
            out.append(effect_text(e, rules) + " on delivery")
    return tuple(out)


def summary(effects: Iterable[str], unknown: bool) -> str:
    """An option's effects on one line: "US trust +0.5; Escalation -1 · and consequences ..."."""
    parts = "; ".join(effects)
    if unknown:
        return f"{parts} · {UNKNOWN}" if parts else f"no known effect, {UNKNOWN}"
    return parts or "no effect"


# -- the budget tab's arithmetic ---------------------------------------------------------
def decision_costs(view: vt.PlayerView) -> dict[str, float]:
    """This turn's budget effects on each category (decisions, injects), by category id;
    'total' ones are already in the budget's total."""
    out: dict[str, float] = {}
    for e in view.me.budget.effects:
        if e.first <= view.turn <= e.last and e.category != "total":
            out[e.category] = out.get(e.category, 0.0) + e.amount
    return out


def effective_shares(view: vt.PlayerView, shares: Mapping[str, float]) -> dict[str, float]:
    """The share of the budget each category really has with `shares` as the split, after
    this turn's decision costs: what decay is measured against (flow._adjudicate_turn)."""
    total = view.me.budget.total
    extra = decision_costs(view)
    if total <= 0:
        return {cid: 0.0 for cid in shares}
    return {cid: max(0.0, total * sh + extra.get(cid, 0.0)) / total for cid, sh in shares.items()}


def floor_words(floor: vt.FloorView) -> str:
    """ "under 30 %, Air defence loses 0.5 a turn" """
    return f"under {number(floor.floor * 100)} %, {floor.name} loses {number(floor.decay)} a turn"


def breaches(view: vt.PlayerView, shares: Mapping[str, float]) -> list[str]:
    """The floors a split would leave broken, each with what decays: empty when none."""
    effective = effective_shares(view, shares)
    out = []
    for c in view.categories:
        eff = effective.get(c.id)
        if eff is None:
            continue
        for f in c.floors:
            if eff < f.floor - EPS:
                out.append(f"{c.name} at {number(eff * 100)} %, under its floor of {number(f.floor * 100)} %: "
                           f"{f.name} loses {number(f.decay)} a turn")
    return out
