"""The ledger: per team, per turn, every change of its money and capabilities and why.

Built by folding events (the journal's, or a command's as it happens) from the state
before them, so "before" values come from the fold and old saves, whose events carry no
previous values, give the same ledger as new ones. Causes are worded here from what the
events say (the decision, inject, delivery, order...) with names, never ids.

Privacy: a `Change` knows which teams may read its cause (`readers`) and, for a world
track, whose ledger lists it (`movers`: the teams whose move or inject moved it). A
team's ledger (`for_team`) holds its own money and capabilities, the world tracks it
moved and public world changes; a cause it may not read (another team's decision that
named it) is replaced by a plain "from outside your team". The facilitator's ledger
(`for_team(..., facilitator=True)`) has every cause and the facilitator's rationales.

Pure: no files, clock or screens; the session keeps one `LedgerBuilder` up to date and
the player view, the turn log and the debrief read the same changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

from exercise.engine import events as ev
from exercise.engine import view_types as vt
from exercise.engine.apply import HANDLERS
from exercise.engine.causes import Names, fell_below, reword
from exercise.engine.decision import number, percent, roll_words
from exercise.engine.state import State, Transaction
from exercise.engine.trackfx import why_less
from exercise.exact import split, to_fraction

HIDDEN_CAUSE = "from outside your team (its cause is not yours to see)"
# an adversary action a team did not notice: the team sees the change, not what made it
UNEXPLAINED = "cause unknown: an unexplained change"
POINTS = "points"


@attrs.frozen
class Change:
    """A ledger entry with who may see what of it."""

    entry: vt.LedgerEntry  # the full entry (the facilitator's)
    readers: frozenset[str] | None = None  # teams that may read the cause; None: whoever sees the entry
    movers: frozenset[str] | None = None  # a world entry: the teams whose ledgers list it; None: every team
    note: str = ""  # the facilitator's only (an override's or adjudication's rationale)
    # an adversary action's change: the teams in `told_to` (they noticed it) read `told` (the
    # incident's headline and its attribution), the others UNEXPLAINED; None: not red's
    told: str | None = None
    told_to: frozenset[str] = frozenset()
    # of those, the teams whose spending spared them part of the harm read `spared` after it
    # on their own tracks' rows
    spared: str = ""
    spared_to: frozenset[str] = frozenset()
    spared_to_all: frozenset[str] | None = None  # every team that resisted (the facilitator's ledger)


@attrs.frozen
class _Cause:
    text: str
    readers: frozenset[str] | None = None
    movers: frozenset[str] | None = None
    note: str = ""
    told: str | None = None
    told_to: frozenset[str] = frozenset()
    spared: str = ""
    spared_to: frozenset[str] = frozenset()
    spared_to_all: frozenset[str] | None = None


_NOBODY: frozenset[str] = frozenset()


class LedgerBuilder:
    """Folds events into `changes`. Feed it each command's events with the state before
    them (`feed`), in journal order, from the exercise's initial state."""

    def __init__(self) -> None:
        self.changes: list[Change] = []
        self.ends: list[int] = []  # len(changes) after each batch fed: which changes a command made
        # budget effects' causes, as worded when they were added: a later turn's budget names them
        self._effects: dict[tuple, _Cause] = {}

    # -- folding --------------------------------------------------------------------------
    def feed(self, before: State, events: Iterable) -> State:
        """Add the changes of `events` (one command's) applied to `before`; the state after."""
        tx = Transaction(before)
        s = tx.state
        rules = s.rules
        cause: _Cause | None = None  # what caused the events that follow
        thresholds = _Thresholds()
        names = _names(s)
        prev_budget: dict = {}
        old_shares: dict = {}  # a team's split before this command's new one: its parts' rounding is told
        for e in events:
            t = type(e)
            if t is ev.TrackSet:
                self._track(s, e, thresholds.cause_of(e) or _decay(e, names) or cause or _Cause(reword(e.cause, names)))
            elif t is ev.BudgetSet:
                self._budget(s, e, thresholds.cause_of(e) or cause or _Cause(reword(e.cause, names)), prev_budget,
                             old_shares.get(e.team))
            elif t is ev.TurnStarted:
                prev_budget = dict(s.budget)
                cause = _Cause(f"turn {e.turn}'s budget")
            elif t is ev.PhaseChanged or t is ev.ExerciseStarted or t is ev.ChoicesCombined:
                cause = None  # a combined choice's TrackSet words its own cause (the teams, once or the mean)
            elif t is ev.ThresholdCrossed:
                tr = rules.tracks[e.track]
                who = None if e.team is None else frozenset((e.team,))
                words = fell_below(tr.name, e.at, number(e.at, tr.decimals), e.label, tr.thresholds)
                thresholds.crossed(e, tr, _Cause(words, who, who))
            elif t is ev.InjectFired:
                inj = s.inject(e.inject)
                to = frozenset(e.to)
                cause = _Cause(f"the inject “{inj.title if inj else 'an inject'}”", to, to)
            elif t is ev.DecisionAnswered:
                inj = s.inject(e.inject)
                label = next((o.label for o in inj.options if o.id == e.option), "an option") if inj else "an option"
                title = inj.title if inj else "a decision"
                me = frozenset((e.team,))
                how = " (the default: it did not answer)" if e.default else ""
                cause = _Cause(f"{_team(rules, e.team)} chose “{label}” in “{title}”{how}", me, me)
            elif t is ev.OrderDelivered:
                item = rules.items[e.item]
                me = frozenset((e.team,))
                o = s.orders.get(e.order)
                slip = f" ({o.slip_note})" if o is not None and o.slip_note and e.turn == s.turn else ""
                cause = _Cause(f"delivery of {e.quantity} {item.name}{slip}", me, me)
            elif t is ev.OrderExpedited:
                o = s.orders[e.order]
                item = rules.items[o.item]
                self._money(s, e.team, _cash_name(rules), s.cash[e.team], e.cash,
                            _Cause(f"priority for {o.quantity} {item.name}: {number(e.cost)} {rules.budget.unit}, "
                                   f"slip risk {percent(item.slip_chance)} → {percent(e.chance)}"))
            elif t is ev.OrderPlaced:
                item = rules.items[e.item]
                self._money(s, e.team, _cash_name(rules), s.cash[e.team], e.cash,
                            _Cause(f"ordered {e.quantity} {item.name} for {number(e.cost)} {rules.budget.unit}"
                                   + _schedule_words(rules, e)))
            elif t is ev.InstalmentPaid:
                o = s.orders[e.order]
                self._money(s, e.team, _cash_name(rules), s.cash[e.team], e.cash,
                            _Cause(f"instalment {e.number} of {e.of} for {o.quantity} {rules.items[o.item].name} "
                                   f"(ordered in turn {o.placed})"), always=True)
            elif t is ev.InstalmentDeferred:
                o = s.orders[e.order]
                n = o.instalments - len(o.schedule) + 1
                self._money(s, e.team, _cash_name(rules), s.cash[e.team], s.cash[e.team],
                            _Cause(f"instalment {n} of {o.instalments} for {o.quantity} {rules.items[o.item].name} "
                                   f"({number(e.amount)} {rules.budget.unit}) not paid: only {number(e.available)} "
                                   f"available; it and the later instalments move a turn, and delivery slips to "
                                   f"turn {e.due}"), always=True)
            elif t is ev.MoneyLapsed:
                share = rules.budget.carry_over or 0.0
                proc = rules.cat[rules.proc].name if rules.proc else rules.scenario.words.procurement
                self._money(s, e.team, _cash_name(rules), s.cash[e.team], e.cash,
                            _Cause(f"end of the budget year ({s.scenario.calendar.label(e.turn)}): "
                                   f"{number(e.lapsed)} {rules.budget.unit} unspent lapsed; at most "
                                   f"{number(e.limit)} carries over ({percent(share)} of a year's {proc} money)"))
            elif t is ev.ExpansionBought:
                x = rules.expansions[e.expansion]
                me = frozenset((e.team,))
                self._money(s, e.team, _cash_name(rules), s.cash[e.team], e.cash,
                            _Cause(f"bought {x.name}: {x.capacity} more a turn on its production line "
                                   f"from turn {e.ready}", me, me))
            elif t is ev.OrderCancelled:
                o = s.orders[e.order]
                item = rules.items[o.item]
                lost = f", {number(e.penalty)} {rules.budget.unit} lost" if e.penalty else ""
                self._money(s, e.team, _cash_name(rules), s.cash[e.team], e.cash,
                            _Cause(f"{o.quantity} {item.name} {e.reason or 'cancelled'}: "
                                   f"{number(e.refund)} {rules.budget.unit} back{lost}"))
            elif t is ev.SpendingSet:
                ally = rules.allies[e.ally]
                old = s.spending[e.ally]
                verb = "raised" if e.spending > old else "cut"
                me = frozenset((e.team,))
                spending = rules.scenario.words.spending
                cause = _Cause(f"{_team(rules, e.team)} {verb} {ally.name}'s {spending} "
                               f"from {number(old)} to {number(e.spending)} % of GDP", None, me)
                self._money(s, e.team, f"{ally.name}'s {spending}", old, e.spending, cause, unit="% of GDP")
            elif t is ev.AllocationSet:
                old = dict(zip(rules.cat_ids, s.allocation[e.team]))
                old_shares[e.team] = s.allocation[e.team]
                moved = [f"{rules.cat[c].name} {percent(old[c])} → {percent(v)}"
                         for c in rules.cat_ids if c in e.shares and abs((v := e.shares[c]) - old[c]) > 1e-12]
                cause = _Cause(f"{_team(rules, e.team)} split its budget anew: " + ", ".join(moved))
            elif t is ev.LeadTaken:
                com = rules.commands[e.command]
                cause = _Cause(f"{_team(rules, e.team)} took the lead of {com.name} through "
                               f"{rules.allies[e.ally].name}: its running cost is {number(com.lead_cost)} "
                               f"{rules.budget.unit} a turn", None, frozenset((e.team,)))
            elif t is ev.LeadHandedBack:
                com = rules.commands[e.command]
                cause = _Cause(f"{_team(rules, e.team)} handed back the lead of {com.name}: no more running "
                               f"cost of {number(com.lead_cost)} {rules.budget.unit} a turn", None,
                               frozenset((e.team,)))
            elif t is ev.ActionAdjudicated:
                act = s.actions.get(e.action_id)
                team = act.team if act else None
                me = frozenset((team,)) if team else _NOBODY
                verdict = "succeeded" if e.success else "failed"
                cause = _Cause(f"{_team(rules, team) if team else 'a team'}'s action “{act.action if act else ''}” "
                               f"{verdict} ({roll_words(e.roll, e.likelihood)})", me, me, e.rationale)
            elif t is ev.RedActionResolved:
                cause = _red_cause(s, e)
            elif t is ev.Overridden:
                cause = self._override(s, e)
            elif t is ev.BudgetEffectAdded:
                self._effects[(e.team, e.category, e.amount, e.first, e.last)] = (
                    thresholds.cause_of(e) or cause or _Cause(reword(e.cause, names)))
            HANDLERS[t](tx, e)
        self.ends.append(len(self.changes))
        return tx.state

    def of_batches(self, positions: Iterable[int]) -> list[Change]:
        """The changes the batches fed at `positions` (0-based, in feeding order) made: a turn
        log tells what its commands did, whatever turn the ledger files a change under (a
        budget year's lapse, made as the next turn starts, is filed under the old turn)."""
        out: list[Change] = []
        for i in sorted(positions):
            if 0 <= i < len(self.ends):
                out += self.changes[self.ends[i - 1] if i else 0:self.ends[i]]
        return out

    # -- entries ----------------------------------------------------------------------------
    def _add(self, s: State, team: str | None, kind: str, what: str, before: float | None, after: float,
             unit: str, cause: _Cause, places: int | None = None) -> None:
        delta = round(after - (before or 0.0), 9)
        places = s.rules.money_places if places is None else places
        entry = vt.LedgerEntry(s.turn, s.phase, team, kind, what, before, after, delta, unit, cause.text, places)
        self.changes.append(Change(entry, cause.readers, cause.movers, cause.note, cause.told, cause.told_to,
                                   cause.spared, cause.spared_to, cause.spared_to_all))

    def _money(self, s: State, team: str, what: str, before: float | None, after: float, cause: _Cause,
               unit: str | None = None, always: bool = False) -> None:
        if always or before is None or before != after:
            self._add(s, team, "money", what, before, after, unit or s.rules.budget.unit, cause,
                      2 if unit else None)  # % of GDP: two places; money: the budget's own

    def _track(self, s: State, e: ev.TrackSet, cause: _Cause) -> None:
        tr = s.rules.tracks[e.track]
        before = s.tracks[e.track] if e.team is None else s.team_tracks[(e.team, e.track)]
        if before == e.value:  # set to what it was (at a bound): nothing to tell
            return
        if e.asked is not None:  # diminishing returns: the full and the applied change
            less = why_less(tr, e.asked, e.value - before)
            if less:
                cause = attrs.evolve(cause, text=f"{cause.text} ({less})")
        if e.team is None:
            self._add(s, None, "world", tr.name, s.tracks[e.track], e.value, POINTS, cause, tr.decimals)
        else:
            self._add(s, e.team, "capability", tr.name, s.team_tracks[(e.team, e.track)], e.value, POINTS, cause,
                      tr.decimals)

    def _budget(self, s: State, e: ev.BudgetSet, cause: _Cause, prev_budget: dict,
                resplit: tuple | None = None) -> None:
        """Every money quantity the event changes gets its entry, so each chain adds up:
        the total ("Budget"), each category's money, and the money for orders (the
        procurement category's, carried over). Each says how it follows from the cause."""
        rules = s.rules
        unit = rules.budget.unit
        old = s.budget.get(e.team)
        turn_start = old is None
        if turn_start:
            old = prev_budget.get(e.team)
        old_total, old_amounts = old if old else (None, {})
        shares = dict(zip(rules.cat_ids, s.allocation[e.team]))
        if turn_start:
            head = cause.text
            cause = attrs.evolve(cause, text=self._turn_budget_words(s, e.team, head, e.total), readers=None)
            self._money(s, e.team, "Budget", old_total, e.total, cause, always=True)  # told every turn
        elif old_total != e.total:
            self._money(s, e.team, "Budget", old_total, e.total, cause)
        split_words = {}

        def part(total: float, cid: str) -> float:  # a category's share of a total, as the engine splits it
            return dict(zip(rules.cat_ids, split(total, s.allocation[e.team], rules.money_places)))[cid]

        for cid in rules.cat_ids:  # the scenario's order (a journal's dict may come back sorted)
            if cid not in e.amounts:
                continue
            amount = e.amounts[cid]
            was = old_amounts.get(cid) if old else None
            if was == amount:
                continue
            name = rules.cat[cid].name
            if turn_start:
                text = f"{head}: {self._category_words(s, e.team, cid, e.total)}"
            elif old_total != e.total:
                text = (f"{cause.text}: the budget went {number(old_total or 0.0)} → {number(e.total)} {unit}, "
                        f"so {name}'s {percent(shares[cid])} of it went {number(part(old_total or 0.0, cid))} → "
                        f"{number(part(e.total, cid))} {unit}"
                        + (_cents(e.total, shares[cid], part(e.total, cid), unit)
                           or _cents(old_total or 0.0, shares[cid], part(old_total or 0.0, cid), unit)))
            elif resplit is not None:  # the split changed: 5 % of 7.1 is 0.355, a part is 0.35 or 0.36
                was_share = dict(zip(rules.cat_ids, resplit))[cid]
                was_part = dict(zip(rules.cat_ids, split(e.total, resplit, rules.money_places)))[cid]
                text = cause.text + (_cents(e.total, shares[cid], part(e.total, cid), unit)
                                    or _cents(e.total, was_share, was_part, unit))
            else:
                text = cause.text
            split_words[cid] = text
            self._money(s, e.team, f"{name} money", was, amount, attrs.evolve(cause, text=text))
        cash = s.cash[e.team]
        if cash == e.cash:
            return
        if rules.proc is None:
            self._money(s, e.team, _cash_name(rules), cash, e.cash, cause)
            return
        proc = rules.cat[rules.proc].name
        now = e.amounts.get(rules.proc, 0.0)
        if turn_start:
            text = (f"turn {s.turn}'s {proc} money, {number(now)} {unit}, added to the {number(cash)} {unit} "
                    f"left from before: {self._category_words(s, e.team, rules.proc, e.total)}")
        else:
            was = old_amounts.get(rules.proc, 0.0)
            why = split_words.get(rules.proc, cause.text)
            text = (f"{why}; orders are paid from {proc} money, which went {number(was)} → {number(now)} {unit}"
                    + (" (money for orders stops at 0)" if e.cash == 0.0 and round(cash + now - was, 9) < 0 else ""))
        self._money(s, e.team, _cash_name(rules), cash, e.cash, attrs.evolve(cause, text=text))

    def _turn_budget_words(self, s: State, team: str, head: str, total: float) -> str:
        """The new turn's budget, term by term: allies' money, budget effects on the whole
        budget, lead costs, and what they come to. Effects on one category are told on its
        money's line: they do not change the total."""
        rules = s.rules
        unit = rules.budget.unit
        words = rules.scenario.words
        base = sum(f * s.spending[a] for a, f in rules.team_factors[team])
        allies = ", ".join(f"{rules.allies[a].name} {number(s.spending[a])} %" for a, _ in rules.team_factors[team])
        funds = rules.team_funds[team]
        parts = [f"{number(funds)} {unit} funds per turn"] if funds or not allies else []
        if allies:
            parts.append(f"{number(base)} {unit} from its {words.allies}' {words.spending} ({allies} of GDP)")
        parts += [self._effect_words(s, team, b) for b in s.budget_effects
                  if b.team == team and b.first <= s.turn <= b.last and b.category == "total"]
        mine = rules.team_allies[team]
        for cid, ally in s.leads.items():
            if ally in mine:
                parts.append(f"−{number(rules.lead_cost[cid])} {unit} running cost of leading {rules.commands[cid].name}")
        sum_words = f" = {number(total)} {unit}" if len(parts) > 1 else ""
        floor = " (a budget is never below 0)" if total == 0.0 and len(parts) > 1 else ""
        # effects on one category are not in the total: said apart, so the terms above add up
        own = [f"{rules.cat[b.category].name} money {'+' if b.amount >= 0 else '−'}{number(abs(b.amount))} {unit}"
               for b in s.budget_effects
               if b.team == team and b.first <= s.turn <= b.last and b.category != "total"]
        besides = f"; not in the total: {', '.join(own)} this turn" if own else ""
        return f"{head}: " + "; ".join(parts) + sum_words + floor + besides

    def _category_words(self, s: State, team: str, cid: str, total: float) -> str:
        """A category's money at the start of a turn: its share of the budget and its own effects."""
        rules = s.rules
        unit = rules.budget.unit
        share = dict(zip(rules.cat_ids, s.allocation[team]))[cid]
        mine = dict(zip(rules.cat_ids, split(total, s.allocation[team], rules.money_places)))[cid]
        words = f"{percent(share)} of the {number(total)} {unit} budget is {number(mine)} {unit}"
        effects = [b for b in s.budget_effects
                   if b.team == team and b.first <= s.turn <= b.last and b.category == cid]
        for b in effects:
            words += f"; {self._effect_words(s, team, b)}"
        return words + _cents(total, share, mine, unit)

    def _effect_words(self, s: State, team: str, b) -> str:
        unit = s.rules.budget.unit
        c = self._effects.get((b.team, b.category, b.amount, b.first, b.last))
        why = c.text if c is not None and (c.readers is None or team in c.readers) else "an earlier event"
        return f"{'+' if b.amount >= 0 else '−'}{number(abs(b.amount))} {unit} a turn until turn {b.last} ({why})"

    def _override(self, s: State, e: ev.Overridden) -> _Cause:
        rules = s.rules
        cause = _Cause("set by the facilitator", None, None, e.rationale)
        if e.previous == e.value:
            pass  # set to what it was: nothing changed
        elif e.target == "team_track" and e.team is not None and e.track is not None:
            tr = rules.tracks[e.track]
            self._add(s, e.team, "capability", tr.name, e.previous, e.value, POINTS, cause, tr.decimals)
        elif e.target == "track" and e.track is not None:
            tr = rules.tracks[e.track]
            self._add(s, None, "world", tr.name, e.previous, e.value, POINTS, cause, tr.decimals)
        elif e.target == "money" and e.team is not None:
            self._money(s, e.team, _cash_name(rules), e.previous, e.value, cause)
        elif e.target == "spending" and e.ally is not None:
            team = rules.ally_team.get(e.ally)
            name = rules.allies[e.ally].name
            spending = rules.scenario.words.spending
            if team is not None:
                self._money(s, team, f"{name}'s {spending}", e.previous, e.value, cause, unit="% of GDP")
            cause = attrs.evolve(cause, text=f"the facilitator set {name}'s {spending} to "
                                             f"{number(e.value)} % of GDP")
        return cause


class _Thresholds:
    """Which events are a crossed threshold's effects, and the threshold's cause for them.

    The engine records the kind of a cause (`source == "threshold"`) on the events that
    carry money or values; their wording may change from version to version. Events of
    older saves (`source is None`) are matched by the wording those engines used, which
    those saves keep for good: "<track> fell below <at>" (at to two places)."""

    def __init__(self) -> None:
        self._pending: _Cause | None = None  # the latest crossing, its effects not yet seen
        self._by_text: dict[str, _Cause] = {}  # a threshold effect's recorded cause -> its crossing

    def crossed(self, e: ev.ThresholdCrossed, track, cause: _Cause) -> None:
        self._pending = cause
        self._by_text[f"{track.name} fell below {number(e.at)}"] = cause  # the old wording

    def cause_of(self, e) -> _Cause | None:
        if e.source is None:  # an old save
            return self._by_text.get(e.cause)
        if e.source != "threshold":
            return None
        if self._pending is not None:  # the first effect of the latest crossing names its cause text
            self._by_text[e.cause], self._pending = self._pending, None
        return self._by_text.get(e.cause)


def _cents(total: float, share: float, part: float, unit: str) -> str:
    """Said when a category's part is not its share of the total exactly: the split rounds
    each part to the cent (largest remainders), so the parts add up to the budget and the
    same shift can give -0.35 to one category and -0.36 to another."""
    exact = to_fraction(total) * to_fraction(share)
    if exact == to_fraction(part):
        return ""
    shown = f"{float(exact):.6f}".rstrip("0").rstrip(".")
    return (f" ({percent(share)} of {number(total)} {unit} is {shown} {unit}, {number(part)} {unit} to the cent: "
            "the parts are rounded so they add up to the budget)")


def _decay(e: ev.TrackSet, names: Names) -> _Cause | None:
    # a decay follows the turn's deliveries, whose cause would otherwise still be current;
    # old saves (no source) word it "decay: <category> ..."
    if e.source == "decay" or (e.source is None and e.cause.startswith("decay")):
        return _Cause(reword(e.cause, names))
    return None


def _names(s: State) -> Names:
    """The lookups `reword` uses, from the state the events fold into."""
    def inject(iid: str) -> str | None:
        inj = s.inject(iid)
        return inj.title if inj else None

    def option(iid: str, oid: str) -> str | None:
        inj = s.inject(iid)
        return next((o.label for o in inj.options if o.id == oid), None) if inj else None

    def action(aid: str) -> str | None:
        act = s.actions.get(aid)
        return f"{_team(s.rules, act.team)}'s action “{act.action}”" if act else None

    return Names(inject, option, action)


def _team(rules, team: str) -> str:
    """A team's name without its parenthesis: "Brunssum East (Poland and ...)" -> "Brunssum East"."""
    return rules.team_name(team).split(" (")[0]


def _schedule_words(rules, e: ev.OrderPlaced) -> str:
    """How an order is paid, when in instalments: "; 0.88 now (instalment 1 of 5), 4 more to turn 6"."""
    if not e.schedule:
        return ""
    now = round(e.cost - sum(a for _, a in e.schedule), rules.money_places)
    return (f"; {number(now)} {rules.budget.unit} now (instalment 1 of {len(e.schedule) + 1}), "
            f"{len(e.schedule)} more at the start of turns {e.schedule[0][0]}-{e.schedule[-1][0]}")


def _red_cause(s: State, e: ev.RedActionResolved) -> _Cause:
    """An adversary action's cause: named for the facilitator; the teams that noticed it read
    the incident (attributed or not), the others an unexplained change."""
    from exercise.engine.red import facilitator_cause, incident_words

    r = s.rules
    action = r.red_actions.get(e.action)
    text = (facilitator_cause(r, action, e.id, e.detected, e.attributed) if action is not None
            else f"an adversary action ({e.id})")
    told_to = frozenset(e.teams) if e.detected else frozenset()
    adv = r.adversary
    spared = (f"{r.cat[adv.resisted_by].name} spending spared {percent(adv.resist)} of the harm"
              if adv is not None and adv.resisted_by in r.cat else "")
    # an unnoticed action stays unexplained, even to a team it was softened for
    return _Cause(text, _NOBODY, None, told=incident_words(e.headline, e.attributed_to), told_to=told_to,
                  spared=spared, spared_to=frozenset(e.resisted) & told_to, spared_to_all=frozenset(e.resisted))


def _cash_name(rules) -> str:
    # the status bar's "Money": what orders are paid from (the procurement category's, carried over)
    return "Money for orders"


def build(initial: State, batches: Iterable[Sequence]) -> LedgerBuilder:
    """The ledger of a whole exercise: `batches` is each command's events, in order."""
    b = LedgerBuilder()
    s = initial
    for events in batches:
        s = b.feed(s, events)
    return b


# -- reading it -------------------------------------------------------------------------------
def for_team(changes: Iterable[Change], team: str, facilitator: bool = False) -> list[vt.LedgerEntry]:
    """The entries of `team`'s ledger: as the team may see them, or (facilitator) whole."""
    out = []
    for c in changes:
        e = c.entry
        if e.team is None:
            if c.movers is not None and team not in c.movers:
                continue
        elif e.team != team:
            continue
        if facilitator:
            if c.note:
                e = attrs.evolve(e, cause=f"{e.cause}; rationale: {c.note}")
            if c.spared_to_all is not None and e.team in c.spared_to_all:
                e = attrs.evolve(e, cause=f"{e.cause}; {c.spared}")
        elif c.told is not None:
            told = c.told + (f"; your {c.spared}" if team in c.spared_to and e.team == team else "")
            e = attrs.evolve(e, cause=told if team in c.told_to else UNEXPLAINED)
        elif c.readers is not None and team not in c.readers:
            e = attrs.evolve(e, cause=HIDDEN_CAUSE)
        out.append(e)
    return out


def totals(entries: Iterable[vt.LedgerEntry]) -> tuple[vt.LedgerTotal, ...]:
    """The net change of each thing over the entries (first before, last after), in order of first change."""
    seen: dict[tuple, vt.LedgerTotal] = {}
    for e in entries:
        key = (e.team, e.kind, e.what, e.unit)
        t = seen.get(key)
        if t is None:
            seen[key] = vt.LedgerTotal(e.team, e.kind, e.what, e.unit, e.before, e.after, e.delta, e.places)
        else:
            gap = round(e.before - t.after, 9) if e.before is not None else 0.0  # moved where this ledger does not see
            seen[key] = attrs.evolve(t, after=e.after, delta=round(e.after - (t.before or 0.0), 9),
                                     outside=round(t.outside + gap, 9))
    # a quantity that went up and came back (or was set to what it was) nets nothing: no "±0" line
    return tuple(t for t in seen.values() if t.delta != 0 or t.before is None)


def by_turn(entries: Iterable[vt.LedgerEntry], label=lambda turn: "", full_from: int = 0,
            most: int | None = None) -> tuple[vt.LedgerTurn, ...]:
    """Entries grouped by turn, oldest first, each turn with its totals. Turns before
    `full_from` keep their totals only; a turn keeps its newest `most` entries."""
    turns: dict[int, list[vt.LedgerEntry]] = {}
    for e in entries:
        turns.setdefault(e.turn, []).append(e)
    out = []
    for turn, es in turns.items():
        kept = es if turn >= full_from else []
        if most is not None and len(kept) > most:
            kept = kept[-most:]
        out.append(vt.LedgerTurn(turn, label(turn), tuple(kept), totals(es), len(es) - len(kept)))
    return tuple(out)


# -- wording ----------------------------------------------------------------------------------
def value(x: float | None, places: int = 2) -> str:
    """A before or after value to its own places; "—" for none."""
    return "—" if x is None else number(x, places)


def amount(x: float | None, unit: str, places: int = 2) -> str:
    """A value with its unit: "1 point", "2.5 points", "—" for none."""
    return "—" if x is None else f"{number(x, places)} {units(x, unit, places)}"


def units(x: float, unit: str, places: int = 2) -> str:
    """The unit after the number x: "1 point", "2 points"."""
    return unit[:-1] if unit == POINTS and number(abs(x), places) == "1" else unit


def signed(x: float, unit: str, places: int = 2) -> str:
    """A change with its sign and unit: "+1 point", "−0.5 USD bn"."""
    sign = "+" if x > 0 else "−" if x < 0 else "±"
    return f"{sign}{number(abs(x), places)} {units(x, unit, places)}"


def describe(e: vt.LedgerEntry | vt.LedgerTotal) -> str:
    """"Air defence: 3 → 4 points (+1 point)", to the entry's own places."""
    p = e.places
    outside = getattr(e, "outside", 0.0)
    apart = (f": {signed(round(e.delta - outside, 9), e.unit, p)} from the changes above, "
             f"{signed(outside, e.unit, p)} from outside your team" if outside else "")
    return (f"{e.what}: {value(e.before, p)} → {number(e.after, p)} {units(e.after, e.unit, p)} "
            f"({signed(e.delta, e.unit, p)}{apart})")
