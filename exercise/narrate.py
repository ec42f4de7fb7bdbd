"""One readable line per event, for the live log and the debrief timeline.

Pure: a scenario and an event dict (as in the journal) in, a line of text out.
"""

from __future__ import annotations

import re

from exercise import model
from exercise.engine.causes import Names, fell_below, reword
from exercise.engine.decision import number, roll_words
from exercise.engine.ledger import units
from exercise.words import possessive

_AFTER = re.compile(r"after ([\w-]+(?:, [\w-]+)*)(.*)", re.S)


def _n(x, places: int = 2) -> str:
    """A value to its own places (a track's decimals, the money's): 4.125 stays 4.125 on a
    3-decimals track."""
    if isinstance(x, float):
        return number(x, places)
    return str(x)

BEFORE = "placed before the exercise"  # what names a backlog order
OVER_VOTE = ", deciding for the member teams (over their vote)"  # a facilitator's answer to a 'members' request



def red_rolls(detect_roll, detection, attribute_roll, attribution) -> list[str]:
    """An adversary action's rolls worded like every other roll (decision.roll_words):
    ["detection rolled 57.1 against a 60 % chance", "attribution rolled 16.2 against a
    50 % chance"]; a roll whose chance is unknown (an action no longer on the menu) is
    given alone."""
    out = []
    for what, r, chance in (("detection", detect_roll, detection), ("attribution", attribute_roll, attribution)):
        if r is None:
            continue
        out.append(f"{what} {roll_words(float(r), chance * 100)}" if chance is not None
                   else f"{what} rolled {number(float(r) * 100, 1)}")
    return out

class Narrator:
    def __init__(self, scenario: model.Scenario):
        self.s = scenario
        self.teams = {t.id: t.name.split(" (")[0] for t in scenario.teams}  # short names read better in a log
        self.tracks = {t.id: t.name for t in scenario.tracks}
        self.track_models = {t.id: t for t in scenario.tracks}
        self.places = {t.id: t.decimals for t in scenario.tracks}  # each track's own precision
        self.money = scenario.budget.decimals
        self.items = {i.id: i.name for i in scenario.items}
        self.injects = {i.id: i for i in scenario.all_injects()}
        self.commands = {c.id: c.name for c in scenario.commands}
        self.voted = {c.id for c in scenario.commands if c.approval == "members"}  # member teams decide
        self.adhoc: dict[str, str] = {}
        self.unit = scenario.budget.unit
        self.allies = {a.id: a.name for a in scenario.allies}
        self.categories = {c.id: c.name for c in scenario.budget.categories}
        self.objectives = {o.id: o.name for o in scenario.all_objectives()}
        self.outcomes = {o.id: o.name for o in scenario.outcomes}
        self.expansions = {x.id: x for x in scenario.expansions}
        # what an order or an argued action is, learnt from the events that made them
        # (a backlog order's note describes the real order: it is no name for it)
        self.orders = {f"backlog-{k}": (b.team, b.item, b.quantity, BEFORE)
                       for k, b in enumerate(scenario.backlog, 1)}
        self.actions: dict[str, tuple[str, str]] = {}
        self.requests: dict[str, tuple[str, str, str]] = {}  # lead request -> (team, ally, command)
        self._names = Names(lambda i: self.inject(i) if i in self.injects or i in self.adhoc else None,
                            lambda i, o: self.option(i, o) if i in self.injects else None,
                            lambda a: self.action(a) if a in self.actions else None)

    def team(self, t) -> str:
        return self.teams.get(t, t) if t else "all teams"

    def inject(self, iid: str) -> str:
        if iid in self.injects:
            return self.injects[iid].title
        return self.adhoc.get(iid, iid)

    def cause(self, cause: str) -> str:
        """A recorded cause in names (old saves recorded ids): the ledger's rewording."""
        return reword(cause, self._names)

    def _places(self, track) -> int:
        return self.places.get(track, 2)

    def status(self, status: str) -> str:
        """An inject's schedule as the view states it ('after rail-blast (delayed 1)'), with
        the titles of the injects it waits for instead of their ids."""
        m = _AFTER.fullmatch(status)
        if not m or not all(i in self.injects for i in m.group(1).split(", ")):
            return status
        return "after " + "; ".join(self.inject(i) for i in m.group(1).split(", ")) + m.group(2)

    def ally(self, a) -> str:
        return self.allies.get(a, a)

    def category(self, c) -> str:
        return self.categories.get(c, c)

    def order(self, oid: str) -> str:
        """'Norfolk's order of 2 x Patriot' ('…, placed before the exercise' for the backlog)."""
        known = self.orders.get(oid)
        if known is None:
            return "an order"
        team, item, quantity, when = known
        name = f"{possessive(self.team(team))} order of {quantity} x {self.items.get(item, item)}"
        return f"{name}, {when}" if when else name

    def own_order(self, team, oid: str) -> str:
        """'its order of 2 x Patriot' when the order is `team`'s own (else as `order`)."""
        known = self.orders.get(oid)
        if known and known[0] == team:
            what = f"its order of {known[2]} x {self.items.get(known[1], known[1])}"
            return f"{what}, {known[3]}" if known[3] else what
        return self.order(oid)

    def money_of(self, x) -> str:
        return f"{_n(float(x), self.money)} {self.unit}"

    def learn_orders(self, orders) -> None:
        """Know the orders of a state (a turn log's narrator sees one turn's events only, and
        an order placed earlier was 'an order')."""
        for o in orders:
            if o.id not in self.orders:
                self.orders[o.id] = (o.team, o.item, o.quantity, BEFORE if o.backlog else "")

    def action(self, aid: str) -> str:
        team, text = self.actions.get(aid, ("", ""))
        return f"{possessive(self.team(team))} action \"{text}\"" if text else "an argued action"

    def option(self, iid: str, oid: str) -> str:
        inj = self.injects.get(iid)
        if inj:
            for o in inj.options:
                if o.id == oid:
                    return o.label
        return oid

    def line(self, e: dict) -> str | None:
        """The line for an event, or None for bookkeeping not worth a line."""
        k = e.get("kind")
        f = getattr(self, "_" + str(k), None)
        return f(e) if f else f"{k}"

    # -- the run
    def _exercise_started(self, e):
        return f"Exercise started (seed {e['seed']})"

    def _turn_started(self, e):
        return f"=== Turn {e['turn']}: {self.s.calendar.label(e['turn'])} ==="

    def _phase_changed(self, e):
        names = {p.id: p.name or p.id.capitalize() for p in self.s.phases}
        return f"Phase: {names.get(e['phase'], e['phase'])}"

    def _paused(self, e):
        return "Exercise paused"

    def _resumed(self, e):
        return "Exercise resumed"

    def _exercise_ended(self, e):
        early = " (ended early)" if e.get("early") else ""
        if e.get("overridden"):  # the US desk overrode the scorecard's proposal
            proposed = self.outcomes.get(e.get("proposed") or "", e.get("proposed") or "no outcome")
            return f"Verdict: {e['name']}, overriding the proposed {proposed}: {e.get('rationale', '')}"
        if e.get("proposed") is not None:
            why = f": {e['rationale']}" if e.get("rationale") else ""
            return f"Verdict: {e['name']}, the scorecard's proposal confirmed{why}"
        return f"Exercise ended{early}: {e['name']}. {e['reason']}"

    def _verdict_proposed(self, e):
        early = " (ended early)" if e.get("early") else ""
        return f"Exercise ended{early}; the scorecard proposes {e['name']} ({e['score']:g} % of the points). {e['reason']}"

    # -- values
    def _track_set(self, e):
        who = f" ({self.team(e['team'])})" if e.get("team") else ""
        cause = f" [{self.cause(e['cause'])}]" if e.get("cause") else ""
        places = self._places(e["track"])
        asked = f" ({_n(e['asked'], places)} asked, less near the bound)" if e.get("asked") is not None else ""
        return f"{self.tracks.get(e['track'], e['track'])}{who} -> {_n(e['value'], places)}{asked}{cause}"

    def _threshold_crossed(self, e):
        who = f" for {self.team(e['team'])}" if e.get("team") else ""
        track = self.track_models.get(e["track"])
        name = (track.name if track else e["track"]) + who
        words = fell_below(name, e["at"], _n(e["at"], self._places(e["track"])), e.get("label") or "",
                           track.thresholds if track else ())
        return f"Threshold: {words}"

    def _overridden(self, e):
        what = (self.tracks.get(e.get("track"), e.get("track"))
                or (f"{self.ally(e['ally'])} spending (% GDP)" if e.get("ally") else None)
                or (f"money ({self.unit})" if e.get("target") == "money" else e["target"]))
        who = f" ({self.team(e['team'])})" if e.get("team") else ""
        p = self._places(e["track"]) if e.get("track") else self.money if e.get("target") == "money" else 2
        return f"Override: {what}{who} {_n(e['previous'], p)} -> {_n(e['value'], p)}. {e['rationale']}"

    def _budget_set(self, e):
        return None

    def _allocation_set(self, e):
        parts = ", ".join(f"{self.category(k)} {round(v * 100)}%" for k, v in e["shares"].items())
        return f"{self.team(e['team'])} allocated: {parts}"

    def _spending_set(self, e):
        return f"{self.team(e['team'])} set {self.ally(e['ally'])} spending to {_n(e['spending'])} % GDP"

    def _budget_effect_added(self, e):
        return f"Budget: {self.team(e['team'])} {self.category(e['category'])} {_n(e['amount'], self.money):s} {self.unit}/turn, turns {e['first']}-{e['last']}"

    # -- procurement
    def _order_placed(self, e):
        self.orders[e["order"]] = (e["team"], e["item"], e["quantity"], "")
        return (f"{self.team(e['team'])} ordered {e['quantity']} x {self.items.get(e['item'], e['item'])} "
                f"for {_n(e['cost'], self.money)} {self.unit}, due turn {e['due']}")

    def _order_cancelled(self, e):
        team = self.team(e["team"])
        known = self.orders.get(e["order"])
        what = (f"order of {known[2]} x {self.items.get(known[1], known[1])}" if known and not known[3]
                else self.order(e["order"]))
        refund = f"{_n(e['refund'], self.money)} {self.unit}"
        reason = e.get("reason") or ""
        if reason.startswith("withdrawn: the team did not submit"):  # the forced advance dropped a draft
            return f"{possessive(team)} draft {what} withdrawn when the turn was forced (full refund of {refund})"
        if reason.startswith("withdrawn"):
            return f"{team} withdrew its draft {what} before submitting (full refund of {refund})"
        own = f"its {what}" if known and not known[3] else what
        lost = reason.split(": ", 1)[1] if reason.startswith("cancelled: ") else ""
        lost = lost.replace(" of the cost lost", " of the cost")
        why = f" ({lost})" if lost else ""
        return (f"{team} cancelled {own}: {_n(e['penalty'], self.money)} {self.unit} lost{why}, "
                f"{refund} back")

    def _slip_rolled(self, e):
        if e["slipped"]:
            part = f"{e['late']} unit(s) of " if e.get("late") else ""  # a partial slip: the rest arrive now
            known = self.orders.get(e["order"])
            if e.get("late_order") and known:
                self.orders[e["late_order"]] = (known[0], known[1], e["late"], known[3])
            return (f"Delivery slip: {part}{self.order(e['order'])} now due turn {e['due']} "
                    f"({roll_words(e['roll'], e['chance'] * 100)} of slipping)")
        return None

    def _order_expedited(self, e):
        return (f"{self.team(e['team'])} paid {_n(e['cost'], self.money)} {self.unit} for priority on "
                f"{self.own_order(e['team'], e['order'])}: slip chance now {_n(e['chance'] * 100)} %")

    def _instalment_paid(self, e):
        return (f"{self.team(e['team'])} paid instalment {e['number']} of {e['of']} on "
                f"{self.own_order(e['team'], e['order'])}: {self.money_of(e['amount'])} "
                f"({self.money_of(e['cash'])} left for orders)")

    def _instalment_deferred(self, e):
        return (f"{self.team(e['team'])} could not pay an instalment of {self.money_of(e['amount'])} on "
                f"{self.own_order(e['team'], e['order'])} (only {self.money_of(e['available'])} available): "
                f"it and the later instalments move a turn, delivery now turn {e['due']}")

    def _money_lapsed(self, e):
        limit = (", the most that may carry over" if e["kept"] == e["limit"]
                 else f" (at most {self.money_of(e['limit'])} may carry over)")
        return (f"End of the budget year ({self.s.calendar.label(e['turn'])}): {self.money_of(e['lapsed'])} of "
                f"{possessive(self.team(e['team']))} unspent money lapsed; {self.money_of(e['kept'])} carried over{limit}")

    def _expansion_bought(self, e):
        x = self.expansions.get(e["expansion"])
        what = x.name if x else "production capacity"
        more = (f": {x.capacity} more unit{'' if x.capacity == 1 else 's'} a turn on its line from turn {e['ready']}"
                if x else f", ready in turn {e['ready']}")
        return f"{self.team(e['team'])} bought {what} for {self.money_of(e['cost'])}{more}"

    def _estimate_rolled(self, e):
        # the estimate's centre is the true value plus (2 roll - 1) times the band's half-width
        off = 2 * float(e["roll"]) - 1
        where = ("on the true value" if abs(off) < 0.005 else
                 f"{_n(abs(off))} of its half-width {'above' if off > 0 else 'below'} the true value")
        return (f"Fog: {possessive(self.team(e['team']))} estimate of {self.tracks.get(e['track'], e['track'])} "
                f"for turn {e['turn']} drawn {where} (roll {_n(float(e['roll']))})")

    def _estimate_narrowed(self, e):
        return (f"{possessive(self.team(e['team']))} estimate of {self.tracks.get(e['track'], e['track'])} narrowed by "
                f"{_n(e['amount'], self._places(e['track']))} on each side"
                + (f" ({self.cause(e['cause'])})" if e.get("cause") else ""))

    def _order_delivered(self, e):
        return f"Delivered to {self.team(e['team'])}: {e['quantity']} x {self.items.get(e['item'], e['item'])}"

    def _lead_time_changed(self, e):
        return (f"Lead time of {self.items.get(e['item'], e['item'])} {'+' if e['delta'] >= 0 else ''}{e['delta']} "
                f"{'turn' if abs(e['delta']) == 1 else 'turns'}")

    # -- commands
    def _force_assigned(self, e):
        return (f"{self.team(e['team'])} assigned {_n(e['amount'], self._places(e['capability']))} {self.tracks.get(e['capability'], e['capability'])} "
                f"to {self.commands.get(e['command'], e['command'])}")

    def _lead_taken(self, e):
        return f"{self.team(e['team'])} took the lead of {self.commands.get(e['command'], e['command'])} ({self.ally(e['ally'])})"

    def _lead_requested(self, e):
        self.requests[e["request"]] = (e["team"], e["ally"], e["command"])
        return (f"{self.team(e['team'])} asked that {self.ally(e['ally'])} lead "
                f"{self.commands.get(e['command'], e['command'])}")

    def _lead_voted(self, e):
        team, ally, command = self.requests.get(e["request"], ("", "", ""))
        what = f"{possessive(self.team(team))} request for {self.commands.get(command, command)}" if team else "a lead request"
        why = f": {e.get('reason')}" if e.get("reason") else ""
        return f"{self.team(e['team'])} {'approved' if e['approve'] else 'refused'} {what}{why}"

    def _lead_decided(self, e):
        team, ally, command = self.requests.get(e["request"], (e.get("team", ""), e.get("ally", ""),
                                                                 e.get("command", "")))
        what = (f"{possessive(self.team(team))} request that {self.ally(ally)} lead {self.commands.get(command, command)}"
                if team else "A lead request")
        by = {"facilitator": "the facilitator", "members": "the member teams"}.get(e["by"]) or self.team(e["by"])
        if e["by"] == "facilitator" and command in self.voted:  # the facilitator overrode a vote: say so
            by += OVER_VOTE
        if e["approved"]:
            return f"{what[:1].upper()}{what[1:]} approved by {by}"
        return f"{what[:1].upper()}{what[1:]} refused by {by}: {e['reason']}"

    def _lead_handed_back(self, e):
        return f"{self.team(e['team'])} handed back the lead of {self.commands.get(e['command'], e['command'])}"

    def _ally_moved(self, e):
        return f"{self.ally(e['ally'])} moved to {self.commands.get(e['command'], e['command'])}"

    # -- injects
    def _inject_rolled(self, e):
        return None

    def _adhoc_inject(self, e):
        self.adhoc[e["inject"]] = e["title"]
        return None

    def _inject_fired(self, e):
        to = ", ".join(self.team(t) for t in e["to"]) or "the facilitator"
        by = "" if e.get("by") == "schedule" else f" (by {e['by']})"
        return f"INJECT: {self.inject(e['inject'])} -> {to}{by}"

    def _inject_controlled(self, e):
        if e["action"] == "queue":  # turns is the turn it goes out on, not a count
            cause = e.get("cause") or ""
            why = f" ({self.cause(cause)})" if cause and cause != "facilitator" else ""
            return f"Inject {self.inject(e['inject'])}: queued for turn {e['turns']}{why}"
        extra = f" {e['turns']} {'turn' if e['turns'] == 1 else 'turns'}" if e.get("turns") else ""
        return f"Inject {self.inject(e['inject'])}: {e['action']}{extra}"

    def _inject_unskipped(self, e):
        return f"Inject {self.inject(e['inject'])}: brought back (no longer skipped)"

    def _decision_answered(self, e):
        default = " (default)" if e.get("default") else ""
        return f"{self.team(e['team'])} decided on {self.inject(e['inject'])}: {self.option(e['inject'], e['option'])}{default}"

    def _submitted(self, e):
        return f"{self.team(e['team'])} submitted orders{' (forced)' if e.get('forced') else ''}"

    def _reopened(self, e):
        n = len(e.get("orders") or ())
        back = f"; {n} order(s) back in its basket" if n else ""
        return f"The facilitator reopened the turn of {self.team(e['team'])}{back}"

    def _choices_combined(self, e):
        return f"Deliberation closed: the choices made in {self.inject(e['inject'])} applied together"

    def _decision_reopened(self, e):
        n = len(e.get("orders") or ())
        back = f"; {n} order(s) back in its basket" if n else ""
        return (f"{self.team(e['team'])} had submitted: its turn reopened to answer "
                f"{self.inject(e['inject'])}{back}")

    def _action_argued(self, e):
        self.actions[e["action_id"]] = (e["team"], e["action"])
        intended = f", intending: {e['result']}" if e.get("result") else ""
        red = " and the red cell" if self.s.adversary is not None else ""  # who sees it: the red cell if any
        opened = f" (open to the other teams{red})" if e.get("open") else ""
        return f"{self.team(e['team'])} argues{opened}: {e['action']}{intended}"

    def _action_countered(self, e):
        return f"{e['by_name']} counter-argues {self.action(e['action_id'])}: {e['reasons']}"

    def _action_adjudicated(self, e):
        verdict = "SUCCESS" if e["success"] else "FAILURE"
        return (f"Adjudicated {self.action(e['action_id'])}: {roll_words(e['roll'], e['likelihood'])} "
                f"-> {verdict}. {e['rationale']}")

    # -- the adversary (red cell): the facilitator's log names its plans and rolls ------------
    def _red(self) -> tuple[str, str]:
        adv = self.s.adversary
        return (adv.name, adv.unit) if adv is not None else ("The adversary", "points")

    def _red_amount(self, x, unit: str) -> str:
        """Red's points with their unit, "1 point", "2 points" (engine.ledger's grammar)."""
        return f"{_n(x, self.money)} {units(float(x), unit, self.money)}"

    def _red_menu(self, aid: str):
        adv = self.s.adversary
        return next((a for a in adv.actions if a.id == aid), None) if adv is not None else None

    def _red_action(self, aid: str) -> str:
        a = self._red_menu(aid)
        return a.name if a is not None else aid

    def _red_target(self, target) -> str:
        if not target:
            return "every team"
        return self.teams.get(target) or self.commands.get(target) or target

    def _red_budget_credited(self, e):
        name, unit = self._red()
        return (f"RED: {name} receives {self._red_amount(e['amount'], unit)} "
                f"(holds {self._red_amount(e['cash'], unit)})")

    def _red_action_planned(self, e):
        name, unit = self._red()
        return (f"RED: {name} plans {self._red_action(e['action'])} against {self._red_target(e.get('target'))} "
                f"for {self._red_amount(e['cost'], unit)}")

    def _red_action_withdrawn(self, e):
        name, unit = self._red()
        return f"RED: {name} withdraws {self._red_action(e['action'])} ({self._red_amount(e['refund'], unit)} back)"

    def _red_action_resolved(self, e):
        name, _ = self._red()
        hit = ", ".join(self.team(t) for t in e.get("teams") or ()) or "nobody"
        seen = ("attributed to " + name if e.get("attributed") else "noticed, unattributed") if e.get("detected") \
            else "undetected"
        action = self._red_menu(e["action"])
        rolls = ", ".join(red_rolls(e.get("detect_roll"), action.detection if action else None,
                                    e.get("attribute_roll"), action.attribution if action else None))
        return f"RED: {self._red_action(e['action'])} hits {hit}: {seen}" + (f" ({rolls})" if rolls else "")

    def _feedback_given(self, e):
        # the facilitator's log: who sent a form, not what it says (the report has that)
        who = f" ({e['participant']})" if e.get("participant") else ""
        return f"Feedback form received from {self.team(e['team'])}{who}"

    def _note_added(self, e):
        objective = self.objectives.get(e.get("objective"), e.get("objective"))
        about = [self.team(e["team"])] if e.get("team") else []
        if objective:
            about.append(f"{objective}: {e['rating']}" if e.get("rating") else objective)
        if e.get("inject"):
            about.append(f"on {self.inject(e['inject'])}")
        if e.get("rating"):
            about.append(f"rated by {e.get('author') or 'the facilitator'}")
        elif e.get("author"):
            about.append(f"by {e['author']}")
        rating = f" [{'; '.join(about)}]" if about else ""
        tags = f" #{' #'.join(e['tags'])}" if e.get("tags") else ""
        return f"Note: {e['text']}{rating}{tags}"
