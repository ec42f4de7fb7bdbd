"""The state of an exercise: a frozen value, replaced (never changed) by each event.

The dict fields are copy-on-write: `apply` copies a dict before its first change in a
transaction (`Transaction`) and never touches its input. A transaction is how one command (or a
whole replay) folds many events while copying each dict at most once.
"""

from __future__ import annotations

from typing import Any

import attrs

from exercise import model
from exercise.engine.fast import private_copy
from exercise.engine.scenario_rules import ScenarioRules, rules_for
from exercise.engine.status import ExerciseStatus, InjectStatus, OrderStatus, StatePhase


@attrs.frozen
class Order:
    """An order in the pipeline. `replace` is a fast attrs.evolve for the hot path."""

    id: str
    team: str
    item: str
    quantity: int
    cost: float
    placed: int
    due: int
    slots: tuple[tuple[int, int], ...] = ()
    status: OrderStatus = "ordered"
    slip_rolled: bool = False
    backlog: bool = False
    note: str = ""
    delivered: int | None = None
    expedited: bool = False  # a team paid for priority: the item's expedite_chance applies
    slip_note: str = ""  # what its slip roll did, in words (shown on the team's orders)
    # the instalments still to pay, (turn, amount), earliest first (payment profiles); the
    # cost less them is paid. Empty: paid in full (every order before payment profiles)
    schedule: tuple[tuple[int, float], ...] = ()
    instalments: int = 0  # how many instalments the order had in all (for "2 of 4")

    def replace(self, status: OrderStatus | None = None, due: int | None = None, slip_rolled: bool | None = None,
                delivered: int | None = None, schedule: tuple[tuple[int, float], ...] | None = None,
                slip_note: str | None = None) -> Order:
        return Order(self.id, self.team, self.item, self.quantity, self.cost, self.placed,
                     self.due if due is None else due, self.slots,
                     self.status if status is None else status,
                     self.slip_rolled if slip_rolled is None else slip_rolled,
                     self.backlog, self.note, self.delivered if delivered is None else delivered,
                     self.expedited, self.slip_note if slip_note is None else slip_note,
                     self.schedule if schedule is None else schedule, self.instalments)

    def paid(self, places: int) -> float:
        """What has been paid of the order so far."""
        if not self.schedule:
            return self.cost
        return round(self.cost - sum(a for _, a in self.schedule), places)


@attrs.frozen
class BudgetEffect:
    team: str
    category: str  # a category id or "total"
    amount: float
    first: int
    last: int
    cause: str = ""


@attrs.frozen
class Counter:
    """A counter-argument to an open argued action: `by` a team id or the adversary's id."""

    by: str
    by_name: str
    reasons: str
    turn: int


@attrs.frozen
class Action:
    """A free action a team argued, and its adjudication once made. `open`: argued open to
    the other teams and the red cell, who may counter-argue it (`counters`, in posting order)."""

    id: str
    team: str
    turn: int
    action: str
    result: str
    reasons: str
    likelihood: int | None = None
    roll: float | None = None
    success: bool | None = None
    rationale: str = ""
    effects: tuple[dict[str, Any], ...] = ()
    failure_effects: tuple[dict[str, Any], ...] = ()
    open: bool = False
    counters: tuple[Counter, ...] = ()


@attrs.frozen
class Note:
    turn: int
    phase: str
    text: str
    tags: tuple[str, ...] = ()
    inject: str | None = None
    objective: str | None = None
    rating: str | None = None
    team: str | None = None  # None: all teams
    author: str = ""  # "": the facilitator


@attrs.frozen
class OverrideRecord:
    turn: int
    target: str
    key: str
    previous: float
    value: float
    rationale: str


@attrs.frozen
class Verdict:
    outcome: str | None
    name: str
    reason: str
    turn: int
    early: bool
    note: str = ""
    # with a scorecard: the outcome the engine proposed, and whether the facilitator (the US
    # desk) overrode it and why; None/False/"" before scorecards (and without one)
    proposed: str | None = None
    overridden: bool = False
    rationale: str = ""


@attrs.frozen
class LeadRequest:
    """A team's request that one of its allies lead a command, and what became of it."""

    id: str
    team: str
    command: str
    ally: str
    turn: int
    status: str = "pending"  # pending, approved, refused
    by: str = ""  # who decided: "facilitator", a team id, "members"; "": not yet
    reason: str = ""  # why, in words (a refusal always has one)
    votes: tuple[tuple[str, bool, str], ...] = ()  # (team, approves, reason) of member teams
    decided: int | None = None  # turn decided


@attrs.frozen
class RedMove:
    """An adversary action planned in a turn (a `RedAct` command), and what became of it."""

    id: str
    action: str
    target: str | None  # a team id, a command id, or None (a world action)
    turn: int
    cost: float
    status: str = "planned"  # planned, withdrawn, resolved
    teams: tuple[str, ...] = ()  # the teams it hit (when resolved)
    detect_roll: float | None = None
    detected: bool | None = None
    attribute_roll: float | None = None
    attributed: bool | None = None


# slots=False: a copy is one C-level dict update instead of ~40 slot writes.
@attrs.frozen(slots=False)
class State:
    scenario: model.Scenario = attrs.field(repr=False)
    rules: ScenarioRules = attrs.field(repr=False, eq=False)  # the scenario prepared for play (derived)
    seed: int
    rolls: int  # how many rolls the game has used; the next is roll(seed, rolls)
    status: ExerciseStatus
    paused: bool
    turn: int  # 0 before the start
    phase: StatePhase  # "" before the start
    tracks: dict[str, float]  # world tracks
    team_tracks: dict[tuple[str, str], float]  # (team, track) -> value
    crossed: dict[tuple[str, str, float], int]  # (track, team or "", at) -> turn crossed
    spending: dict[str, float]  # ally -> % GDP
    spending_base: dict[str, float]  # at the start of the turn (step limit)
    allocation: dict[str, tuple[float, ...]]  # team -> shares in category order
    invest_base: dict[str, float]  # team -> procurement share at the start of the turn
    budget: dict[str, tuple[float, dict[str, float]]]  # team -> (total, per category), this turn
    cash: dict[str, float]  # team -> money available for orders
    budget_effects: tuple[BudgetEffect, ...]
    lead_time: dict[str, int]  # item -> turns added by effects
    orders: dict[str, Order]
    line_use: dict[tuple[str, int], int]  # (line, turn) -> units reserved
    delivered: dict[tuple[str, str], int]  # (team, item) -> units delivered
    ordered: dict[str, int]  # item -> units on order or delivered (not cancelled)
    fired: dict[str, int]  # inject -> turn fired, in firing order
    inject_status: dict[str, InjectStatus]  # inject -> what the facilitator did to it
    inject_shift: dict[str, int]  # inject -> turns its schedule was delayed
    fire_at: dict[str, int]  # inject -> turn it is queued to fire on
    not_before: dict[str, int]  # inject -> earliest turn after a delay
    adhoc: dict[str, model.Inject]
    answers: dict[tuple[str, str], tuple[str, bool]]  # (inject, team) -> (option, by default)
    submitted: frozenset[str]
    leads: dict[str, str | None]  # command -> leading ally
    lead_changed: dict[str, int]  # command -> turn its lead last changed
    ally_command: dict[str, str | None]
    assigned: dict[tuple[str, str, str], float]  # (command, team, capability) -> amount
    actions: dict[str, Action]
    notes: tuple[Note, ...]
    overrides: tuple[OverrideRecord, ...]
    verdict: Verdict | None
    # inject -> the status a skip replaced ("enabled", "held"), for its unskip to restore;
    # a default, so states built before it (and their replays) stay as they were
    skipped_from: dict[str, InjectStatus] = attrs.field(factory=dict)
    # decisions whose 'once'/'mean' effects were applied when deliberation closed (inject ->
    # turn), so each is combined once; a default as skipped_from is
    combined: dict[str, int] = attrs.field(factory=dict)
    # (world track, team) -> this turn's roll of the team's estimate (tracks with an estimate)
    estimate_rolls: dict[tuple[str, str], float] = attrs.field(factory=dict)
    # (world track, team) -> how much shared intelligence narrowed the team's band
    narrowed: dict[tuple[str, str], float] = attrs.field(factory=dict)
    # with a scorecard: the engine's proposal at the end (a VerdictProposed event), waiting for
    # the facilitator's confirmation or override (then `verdict` is set); a default, as above
    proposal: Any = None
    # request id -> lead request (commands whose lead needs approval); a default, as above
    lead_requests: dict[str, LeadRequest] = attrs.field(factory=dict)
    # production capacity bought: expansion -> (team, turn bought, turn ready); a default as above
    expansions: dict[str, tuple[str, int, int]] = attrs.field(factory=dict)
    # the adversary (red cell): its points for actions, exact like team money, and its
    # actions by id in planning order; defaults, so states and saves without one stay the same
    red_cash: float = 0.0
    red_acts: dict[str, RedMove] = attrs.field(factory=dict)
    # participants' feedback forms after the end (FeedbackGiven events, in the order given);
    # the facilitator's and the after-action report's only. A default, as above
    feedback: tuple[Any, ...] = ()
    # the teams of `submitted` whose deliberation the facilitator closed by force this turn
    # (a Submitted event with forced=True): their console says so. A default, as above
    forced: frozenset[str] = frozenset()
    # Indexes kept by `apply` (exercise/engine/apply.py: `_fired`, `_turn_started`, `_phase`,
    # `_budget_effect`) so that reading the open decisions, closing a deliberation and a
    # team's budget cost the same on turn 24 of a 12-team, 1,000-inject scenario as on
    # turn 1 of the default one, instead of scans of every fired inject or of every team's
    # budget effects. Derived from `fired`, `answers`, `combined` and `budget_effects`:
    # never journalled, never shown, the same after a replay. The first two are windows:
    # what is settled leaves them when a turn starts or deliberation closes, and their
    # readers still check `answers` and `combined`.
    # the scenario's fired injects with options some team had not answered when this turn
    # started, and those fired since, in firing order (pending_decisions)
    unanswered: tuple[str, ...] = ()
    # fired injects whose choices may still have to be combined, in firing order (combine_choices)
    uncombined: tuple[str, ...] = ()
    # team -> its entries of budget_effects, in their order (team_budget; kept with budget_effects)
    team_budget_effects: dict[str, tuple[BudgetEffect, ...]] = attrs.field(factory=dict)

    # -- handy reads -------------------------------------------------------------------
    def inject(self, inject_id: str) -> model.Inject | None:
        return self.rules.injects.get(inject_id) or self.adhoc.get(inject_id)

    def targets(self, inject_id: str) -> tuple[str, ...]:
        """The teams an inject goes to (none for the facilitator only)."""
        t = self.rules.targets.get(inject_id)
        return t if t is not None else self.rules.resolve_to(self.adhoc[inject_id].to)

    def default_option(self, inject_id: str) -> str:
        """The option taken when a team does not answer: the default one, else the first."""
        d = self.rules.default_option.get(inject_id)
        if d is None:
            options = self.adhoc[inject_id].options
            d = next((o.id for o in options if o.default), options[0].id)
        return d

    def invest_limit(self, team: str) -> float | None:
        """The largest procurement share the team may allocate this turn (None: no such category)."""
        r = self.rules
        if r.proc is None:
            return None
        proc = r.cat[r.proc]
        grown = self.invest_base[team] * (1 + r.budget.max_invest_growth)
        return min(proc.max_share, max(grown, proc.default_share))

    def pending_decisions(self, team: str) -> list[str]:
        """Ids of fired injects with options for this team that it has not answered."""
        mine, answers = self.rules.decisions_for.get(team, ()), self.answers
        out = [i for i in self.unanswered if i in mine and (i, team) not in answers]
        if self.adhoc:
            for iid, inj in self.adhoc.items():
                if inj.options and iid in self.fired and (iid, team) not in answers and team in self.targets(iid):
                    out.append(iid)
        return out

    def drafts(self, team: str) -> list[Order]:
        """The team's orders of this turn not yet submitted (the newest orders, so the
        search stops at the first order of an earlier turn)."""
        out = []
        for o in reversed(self.orders.values()):
            if o.placed < self.turn:
                break
            if o.status == "draft" and o.team == team:
                out.append(o)
        out.reverse()
        return out

    def manned(self, command: str) -> float:
        """How much of a command's lead staff has arrived, 0-1: 0 when no player team's ally
        leads it; a lead held from the start is full; a lead taken in turn t is 1/n manned in
        turn t, 2/n in t+1, ... (n = the command's manning_turns)."""
        r = self.rules
        if self.leads.get(command) not in r.ally_team:
            return 0.0
        since = self.lead_changed.get(command)
        n = r.commands[command].manning_turns
        if since is None or n <= 1:
            return 1.0
        return min(1.0, (self.turn - since + 1) / n)

    def pending_leads(self, team: str | None = None) -> list[LeadRequest]:
        """Lead requests waiting for a decision (of one team, or all)."""
        return [q for q in self.lead_requests.values()
                if q.status == "pending" and (team is None or q.team == team)]

    def used_staff(self, team: str) -> int:
        r = self.rules
        mine = r.team_allies[team]
        return sum(r.commands[c].lead_staff for c, a in self.leads.items() if a in mine)


def initial_state(scenario: model.Scenario, seed: int | None = None) -> State:
    """The state before the start: scenario values, default allocations, the backlog."""
    r = rules_for(scenario)
    teams = r.team_ids
    team_tracks = {}
    for tid in r.team_tracks:
        t = r.tracks[tid]
        for team in teams:
            team_tracks[(team, tid)] = float(t.initial_by_team.get(team, t.initial))
    orders = {}
    ordered: dict[str, int] = {}
    for k, b in enumerate(scenario.backlog, 1):
        oid = f"backlog-{k}"
        orders[oid] = Order(oid, b.team, b.item, b.quantity, 0.0, 0, b.arrives,
                            status="ordered", backlog=True, note=b.note)
        ordered[b.item] = ordered.get(b.item, 0) + b.quantity
    assigned: dict[tuple[str, str, str], float] = {}
    for c in scenario.commands:
        for f in c.forces:
            key = (c.id, f.team, f.capability)
            assigned[key] = assigned.get(key, 0.0) + f.amount
    proc = r.proc_index
    return State(
        scenario=scenario,
        rules=r,
        seed=scenario.scenario.seed if seed is None else seed,
        rolls=0,
        status="ready",
        paused=False,
        turn=0,
        phase="",
        tracks={tid: float(r.tracks[tid].initial) for tid in r.world_tracks},
        team_tracks=team_tracks,
        crossed={},
        spending={a.id: float(a.spending) for a in scenario.allies},
        spending_base={a.id: float(a.spending) for a in scenario.allies},
        allocation={t: r.default_shares for t in teams},
        invest_base={t: (r.default_shares[proc] if proc is not None else 0.0) for t in teams},
        budget={},
        cash={t: 0.0 for t in teams},
        budget_effects=(),
        lead_time={},
        orders=orders,
        line_use={},
        delivered={},
        ordered=ordered,
        fired={},
        inject_status={},
        inject_shift={},
        fire_at={},
        not_before={},
        adhoc={},
        answers={},
        submitted=frozenset(),
        leads={c.id: c.lead for c in scenario.commands},
        lead_changed={},
        ally_command={a.id: a.command for a in scenario.allies},
        assigned=assigned,
        actions={},
        notes=(),
        overrides=(),
        verdict=None,
    )


class Transaction:
    """A private copy of a state that events may change in place until it is handed out.

    `state` is a new State whose dict fields are still shared with the original; `fields`
    is its `__dict__`; `writable(name)` copies one of the dict fields on first write.
    Nothing outside ever sees `state` half-changed.
    """

    __slots__ = ("state", "fields", "owned")

    def __init__(self, state: State):
        self.state, self.fields = private_copy(state)
        self.owned: dict[str, dict] = {}  # field -> this transaction's own copy

    def writable(self, name: str) -> dict:
        """The dict field `name`, copied on the first write of this transaction."""
        m = self.owned.get(name)
        if m is None:
            m = self.fields[name] = self.fields[name].copy()
            self.owned[name] = m
        return m
