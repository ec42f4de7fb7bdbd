"""What things cost and do, in the words a team reads (pure: no Textual, no state).

One wording for an effect, used by the views (an option's summary before a team chooses,
what an item adds on delivery), so the team screen, the network client and the debrief
say the same thing. Names, never ids; money with its unit; amounts as the scenario
states them ("costs 2 USD bn of Procurement a turn for 2 turns", "US trust +0.5").

And the budget arithmetic the team's Budget tab explains (floors, what decays, the
share left after this turn's decision costs), from the player view alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from exercise import model
from exercise.engine import view_types as vt
from exercise.engine.budget import under_floor
from exercise.engine.decision import EPS, article, number
from exercise.engine.scenario_rules import ScenarioRules
from exercise.engine.trackfx import EACH, MEAN, ONCE, combine_of, zone_of

HIDDEN = "(hidden) "  # how the facilitator's summary marks an effect the teams never see
UNKNOWN = "and consequences you cannot know in advance"


def signed(x: float, places: int = 2) -> str:
    return ("+" if x >= 0 else "-") + number(abs(x), places)


def _who(rules: ScenarioRules, team: str | None) -> str:
    """Whose value an effect changes, when it is not the choosing team's own."""
    if team is None or team == "self":
        return ""
    if team == "all":
        return " (every team)"
    return f" ({rules.names.get(team, 'another team')})"


def effect_text(effect: model.Effect, rules: ScenarioRules, facilitator: bool = False, option: bool = False) -> str:
    """One effect in words. `facilitator`: name the inject an inject effect acts on (a team
    must not learn the title of an inject that has not reached it). `option`: an effect of a
    decision option, the only kind that combines over the teams' answers (a lead's, an
    inject's or a delivery's effect applies in full: effects.apply_effects)."""
    e = effect
    text = ""
    if e.track is not None:
        t = rules.tracks.get(e.track)
        name = t.name if t else "a track"
        who = _who(rules, e.team) if t is not None and t.scope == "team" else ""
        places = t.decimals if t else 2  # the track's own precision: 0.125 is not 0.12
        if e.narrow is not None:  # what the team sees of the track, not the track
            text = f"your estimate of {name} narrows by ±{number(e.narrow, places)}"
        elif e.set is not None:
            text = f"{name}{who} set to {number(e.set, places)}"
        else:
            text = f"{name}{who} {signed(e.add or 0.0, places)}" + (track_rule_words(e, t, option) if t else "")
    elif e.budget is not None:
        # "+0.25 USD bn Invest" read as if buying added money: the sign's meaning is said
        unit = rules.budget.unit
        cat = "whole budget" if e.budget == "total" else (
            rules.cat[e.budget].name if e.budget in rules.cat else "a budget category")
        turns = max(1, e.turns or 1)
        when = "this turn" if turns == 1 else f"a turn for {turns} turns"
        x = e.add or 0.0
        money = f"{number(abs(x), rules.money_places)} {unit}"
        if x < 0:
            text = f"costs {money} of {'the ' if e.budget == 'total' else ''}{cat} {when}{_who(rules, e.team)}"
        else:
            text = f"{cat[0].upper()}{cat[1:]} budget +{money} {when}{_who(rules, e.team)}"
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
        w = rules.scenario.words
        ally = rules.allies[e.ally].name if e.ally in rules.allies else f"{article(w.ally)} {w.ally}"
        cmd = rules.commands[e.command].name if e.command in rules.commands else f"another {w.command}"
        text = f"{ally} moves to {cmd}"
    if facilitator and e.hidden:
        text = HIDDEN + text
    return text


COMBINE_WORDS = {
    ONCE: "counted once however many teams choose it",
    MEAN: "averaged over the teams' answers",
}
WAITS = "when deliberation closes"  # what a combined effect waits for


def track_rule_words(e: model.Effect, t: model.Track, option: bool = True) -> str:
    """What an add on a track is subject to beyond adding: how the teams' choices combine
    (an option's effect only), and that it shrinks near the bound it moves towards
    (" (averaged over the teams' answers; less near the top)"), or ""."""
    parts = []
    how = combine_of(e, t) if option else EACH
    if how in COMBINE_WORDS:
        parts.append(COMBINE_WORDS[how])
    if zone_of(e, t) > 0 and e.add:
        parts.append(f"less near the {'top' if e.add > 0 else 'bottom'}")
    return f" ({'; '.join(parts)})" if parts else ""


def effect_view(e: model.Effect, rules: ScenarioRules) -> vt.EffectView:
    for target in ("track", "budget", "item", "inject", "ally"):
        if getattr(e, target) is not None:
            break
    ident = None if target == "inject" else getattr(e, target)
    team = e.team if target in ("track", "budget") else None
    amount = e.add if target == "budget" else None
    t = rules.tracks.get(e.track) if target == "track" and e.track is not None else None
    waits = t is not None and combine_of(e, t) != EACH
    return vt.EffectView(effect_text(e, rules, option=True), target, ident, team, amount, waits,
                         target == "track" and e.narrow is not None)


def option_effects(option: model.Option, rules: ScenarioRules) -> tuple[tuple[vt.EffectView, ...], bool]:
    """What a team is told about an option before it chooses: the visible effects, and
    whether there are hidden ones (never what they are)."""
    shown = tuple(effect_view(e, rules) for e in option.effects if not e.hidden)
    return shown, any(e.hidden for e in option.effects)


def facilitator_effects(option: model.Option, rules: ScenarioRules) -> tuple[str, ...]:
    """Every effect of an option, hidden ones marked, for the white cell."""
    return tuple(effect_text(e, rules, facilitator=True, option=True) for e in option.effects)


def item_gains(item: model.Item, rules: ScenarioRules) -> tuple[str, ...]:
    """What one delivered unit does, short: "+0.4 Air defence" (a screen adds "per unit on
    delivery" where there is room)."""
    out = []
    for e in item.effects:
        if e.track is not None and e.set is None and e.narrow is None and e.track in rules.tracks:
            t = rules.tracks[e.track]
            who = _who(rules, e.team) if t.scope == "team" else ""
            out.append(f"{signed(e.add or 0.0, t.decimals)} {t.name}{who}")
        else:
            out.append(effect_text(e, rules))
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


def option_breaches(view: vt.PlayerView, option: vt.OptionView) -> list[str]:
    """The floors choosing `option` would break this turn that the split in force does not
    (its costs on one category, with the split as it is): empty when none."""
    shares = {cid: sh.share for cid, sh in view.me.budget.categories.items()}
    now = effective_shares(view, shares)
    total = view.me.budget.total
    if total <= 0:
        return []
    extra: dict[str, float] = {}
    for e in option.effects:
        if e.target == "budget" and e.amount and e.id not in (None, "total") and e.team in (None, "self", view.me.id):
            extra[e.id] = extra.get(e.id, 0.0) + e.amount
    out = []
    for c in view.categories:
        if c.id not in extra or c.id not in now:
            continue
        after = max(0.0, now[c.id] + extra[c.id] / total)
        budget = view.me.budget
        for f in c.floors:
            if below(budget, after, f.floor) and not below(budget, now[c.id], f.floor):
                out.append(_breach(f"{c.name} would be at", after, f))
    return out


def floor_words(floor: vt.FloorView) -> str:
    """ "under 30 %, Air defence loses 0.5 a turn" """
    return f"under {number(floor.floor * 100)} %, {floor.name} loses {number(floor.decay)} a turn"


def _pc(x: float) -> str:
    return f"{number(x * 100)} %"


def share_limits(c: vt.CategoryView, b: vt.Budget) -> str:
    """A category's limits said together: its allowed range and, for the procurement share,
    this turn's growth limit with its reason: "10–65 %, this turn at most 56 % (it may grow
    by 50 % a turn, from 37.5 %)"."""
    out = f"{number(c.min_share * 100)}–{_pc(c.max_share)}"
    if c.id == b.procurement and b.invest_limit is not None and b.invest_limit < c.max_share - EPS:
        out += f", this turn at most {_pc(b.invest_limit)}"
        if b.invest_growth is not None and b.invest_base is not None:
            out += f" (it may grow by {_pc(b.invest_growth)} a turn, from {_pc(b.invest_base)})"
    return out


def below(budget: vt.Budget, effective: float, floor: float) -> bool:
    """Whether a category at `effective` share of the team's budget is under `floor`, in
    money to the cent below as the engine decides decay (35 % of 6.09 is 2.1315: a category
    given 2.13, 34.98 %, is not under it)."""
    return under_floor(effective * budget.total, budget.total, floor, budget.places)


def under_floor_words(c: vt.CategoryView, budget: vt.Budget, effective: float) -> str | None:
    """ "under its 30 % floor" (the highest floor the category is under), or None."""
    broken = [f.floor for f in c.floors if below(budget, effective, f.floor)]
    return f"under its {_pc(max(broken))} floor" if broken else None


FLOOR_SHARE = ("A floor is compared with the share after this turn's decision costs (the split, plus or minus "
               "what this turn's decisions add to or take from the category).")


def breaches(view: vt.PlayerView, shares: Mapping[str, float]) -> list[str]:
    """The floors a split would leave broken, each with what decays: empty when none."""
    effective = effective_shares(view, shares)
    out = []
    for c in view.categories:
        eff = effective.get(c.id)
        if eff is None:
            continue
        for f in c.floors:
            if below(view.me.budget, eff, f.floor):
                out.append(_breach(f"{c.name} at", eff, f))
    return out


def _breach(where: str, share: float, f: vt.FloorView) -> str:
    """ "Sustain at 28 %, under its floor of 30 %: Air defence loses 0.1 a turn" """
    return (f"{where} {number(share * 100)} %, under its floor of {number(f.floor * 100)} %: "
            f"{f.name} loses {number(f.decay)} a turn")


# -- what an answer did ------------------------------------------------------------------
def _band(label: str) -> str:
    return f" ({label})" if label else ""


def _estimate_change(new: vt.TrackView, e: vt.EffectView) -> str:
    """A change to a track the team only estimates, as the team knows it: its band now.
    Never a value before and after (the estimate's centre moves with the noise and a
    narrowing, not only with the track) nor the rung of a centre outside the band's words."""
    band = new.estimate.split(" (")[0]
    if e.narrow:
        width = "" if new.width is None else f"±{number(new.width, new.decimals)}: "
        return f"your estimate of {new.name} is now {width}{band}"
    return f"{e.text}: your estimate is now {band}"


def _track_change(before: vt.PlayerView, after: vt.PlayerView, e: vt.EffectView) -> str | None:
    old = next((t for t in before.tracks if t.id == e.id), None)
    new = next((t for t in after.tracks if t.id == e.id), None)
    if new is not None and new.estimate:
        return _estimate_change(new, e)
    if old is not None and new is not None:
        if old.value == new.value:
            return f"{new.name} stays at {number(new.value)}"
        return f"{new.name} {number(old.value)} → {number(new.value)}{_band(new.band)}"
    old_t = next((t for t in before.team_tracks if t.id == e.id), None)
    new_t = next((t for t in after.team_tracks if t.id == e.id), None)
    if old_t is None or new_t is None:
        return None
    me = after.me.id
    teams = [me] if e.team in (None, "self", "all", me) else [e.team]
    parts = []
    for team in teams:
        if team not in old_t.values or team not in new_t.values:
            return None  # another team's private track: what was stated is all a team may know
        a, b = old_t.values[team], new_t.values[team]
        whose = "" if team == me else f" ({next((t.name for t in after.teams if t.id == team), 'another team')})"
        parts.append(f"{new_t.name}{whose} stays at {number(b)}" if a == b
                     else f"{new_t.name}{whose} {number(a)} → {number(b)}{_band(new_t.bands.get(team, ''))}")
    if e.team == "all":
        parts[0] += " (and every other team's)"
    return "; ".join(parts)


def what_it_did(before: vt.PlayerView, after: vt.PlayerView, option: vt.OptionView) -> list[str]:
    """What a team's answer did, from its views before and after: each visible effect of the
    option with the change it made (a track from one value to another, the category's
    money now, an item's new lead time). Hidden effects are not in the view, so never here."""
    out: list[str] = []
    for e in option.effects:
        line: str | None = None
        if e.target == "track" and e.waits:
            line = f"{e.text}: applies {WAITS}"
        elif e.target == "track":
            line = _track_change(before, after, e)
        elif e.target == "budget" and e.team in (None, "self", "all", after.me.id) and e.id != "total":
            cats = {c.id: c.name for c in after.categories}
            amount = after.me.budget.categories.get(e.id or "")
            if amount is not None:
                line = f"{e.text}: {cats.get(e.id or '', '')} now {amount.amount:,.2f} {after.unit} this turn"
        elif e.target == "item":
            old = next((i for i in before.catalogue if i.id == e.id), None)
            new = next((i for i in after.catalogue if i.id == e.id), None)
            if old is not None and new is not None:
                line = f"{new.name} lead time {old.lead_time} → {new.lead_time} turns"
        if line is None:
            line = e.text
        if line not in out:
            out.append(line)
    return out


def _consequences(effects: tuple[str, ...], unknown: bool) -> str:
    return summary(effects, unknown) if effects or unknown else "no effect on the tracks"


def take_lead_words(c: vt.CommandView, unit: str, staff: str = "staff officers") -> str:
    """What taking the lead of `c` costs and does, as the scenario states it (`staff`: its word
    for the people a lead ties up)."""
    return (f"Leading {c.name} costs {number(c.lead_cost)} {unit} a turn from your budget (from this turn) "
            f"and {c.lead_staff} {staff}. Taking the lead: {_consequences(c.lead_effects, c.lead_unknown)}.")


def hand_back_words(c: vt.CommandView, unit: str, words: model.Words | None = None) -> str:
    """What handing back the lead of `c` does, as the scenario states it: its effects and the
    running cost no longer paid. A track it moves across a threshold brings that band's
    consequences too. `words`: the scenario's (its word for an ally and for staff)."""
    w = words or model.Words()
    who = c.lead_name or f"Your {w.ally}"
    lines = [f"{who} stops leading {c.name} for your team.",
             f"Handing back: {_consequences(c.hand_back_effects, c.hand_back_unknown)}.",
             f"Saved: the running cost of {number(c.lead_cost)} {unit} a turn and {c.lead_staff} {w.staff}."]
    if c.hand_back_effects:
        lines.append("A track that crosses a threshold brings that threshold's consequences as well.")
    return "\n".join(lines)


def lead_rules_words(c, rules) -> str:
    """Who may lead a command, who approves and how fast its staff arrive, in words ("" under
    the old rule: any ally, taken at once, fully manned)."""
    w = rules.scenario.words
    parts = []
    if c.eligible:
        parts.append("only " + ", ".join(rules.allies[a].name for a in c.eligible if a in rules.allies) + " may lead it")
    who = []
    if c.members_only:
        who.append(f"{article(w.ally)} {w.ally} in its area")
    if c.min_gdp:
        who.append(f"with a GDP of at least {number(c.min_gdp)} {rules.budget.unit}")
    if c.min_defence:
        who.append(f"with {w.spending} of at least {number(c.min_defence)} {rules.budget.unit} a year")
    if who:
        parts.append("the lead must be " + " ".join(who))
    if c.approval == "facilitator":
        parts.append("a request to lead it is approved or refused by the facilitator")
    elif c.approval == "members":
        parts.append(f"a request to lead it is approved or refused by the other teams with {w.allies} in it")
    if c.manning_turns > 1:
        parts.append(f"a new lead's staff arrive over {c.manning_turns} turns (1/{c.manning_turns} manned in the "
                     "turn it is taken)")
    if not parts:
        return ""
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def manning_words(manned: float, turns: int) -> str:
    """'manned 1/3' (staff in post, in the command's steps), 'fully manned' at 1."""
    if manned >= 1:
        return "fully manned"
    return f"manned {round(manned * turns)}/{turns}"


def request_words(q, viewer: str | None) -> str:
    """A lead request and its answer, in words, for a team screen or the facilitator."""
    who = "You" if q.team == viewer else q.team_name
    head = f"{who} asked (turn {q.turn}) that {q.ally_name} lead it: "
    if q.status == "pending":
        waits = " and ".join(q.waiting_for) or "an answer"
        return head + f"pending, waiting for {waits}" + (" (you decide: v)" if q.you_decide and viewer else "")
    if q.status == "approved":
        return head + f"approved by {q.by}" + (f" ({q.reason})" if q.reason and q.reason != "approved" else "")
    return head + f"refused by {q.by}: {q.reason}"


# -- money that binds: payment profiles, the budget year, production capacity --------------
def payment_words(item: vt.ItemView, unit: str, brief: bool = False) -> str:
    """How an item is paid: "paid in full on order", or "20 % on order, the rest in equal
    instalments at the start of each turn until delivery" (and what an unpaid one does)."""
    if item.paid_on_order >= 1.0:
        return "paid in full on order"
    if brief:
        return f"{_pc(item.paid_on_order)} on order, the rest in instalments each turn until delivery"
    return (f"{_pc(item.paid_on_order)} of the cost on order, the rest in equal instalments at the start "
            "of each turn until delivery (an instalment you cannot pay is put off a turn, and the "
            "delivery slips a turn with it)")


def limit_words(item: vt.ItemView, ordered: int | None) -> str:
    """What max_quantity limits, and what is left of it."""
    if item.max_per != "exercise":
        return f"at most {item.max_quantity} an order"
    have = ordered or 0
    return (f"at most {item.max_quantity} over the exercise "
            f"({have} ordered so far, {max(0, item.max_quantity - have)} left)")


def instalments_words(order: vt.PlayerOrder, unit: str) -> str:
    """ "paid 0.88 of 4.40; next 0.29 in turn 4 (instalment 2 of 5)", or "" when paid in full."""
    if not order.schedule or order.paid is None:
        return ""
    turn, amount = order.schedule[0]
    n = order.instalments - len(order.schedule) + 1
    return (f"paid {number(order.paid)} of {number(order.cost)} {unit}; next {number(amount)} in turn {turn} "
            f"(instalment {n} of {order.instalments})")


def budget_cycle_words(view: vt.PlayerView) -> list[str]:
    """The Budget tab's lines on what orders still owe and on the end of the budget year."""
    b, unit = view.me.budget, view.unit
    out = []
    if b.committed > EPS:
        out.append(f"Orders still owe {number(b.committed)} {unit} in instalments, "
                   f"{number(b.due_next)} of it at the start of next turn (paid from the money for orders).")
    if b.carry_over is not None and b.year_end is not None:
        cats = {c.id: c.name for c in view.categories}
        proc = cats.get(b.procurement or "", view.words.procurement)
        limit = "" if b.carry_limit is None else f" ({number(b.carry_limit)} {unit} now)"
        when = ("at the end of this turn" if b.year_end == view.turn else f"after turn {b.year_end}")
        if b.year_end >= view.turns:
            out.append("Budget year: the last one of the exercise; nothing lapses before the end.")
        else:
            out.append(f"The budget year ends {when}: unspent money for orders above {_pc(b.carry_over)} of "
                       f"a year's {proc} money{limit} lapses.")
    return out


def expansion_words(x: vt.ExpansionView, unit: str) -> str:
    """One buyable expansion in a line: what it adds, costs and when."""
    head = (f"{x.name}: +{x.capacity} a turn for {x.line}, {number(x.cost)} {unit}, "
            f"ready {x.lead_time} turn{'s' if x.lead_time != 1 else ''} after buying")
    if x.bought_by is not None:
        return head + f" — bought by {x.bought_by}, ready in turn {x.ready}"
    return head
