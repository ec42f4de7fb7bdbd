"""Events: the facts the engine records. The state is a fold of them.

Each event class has a stable `kind` (the name in the journal) and plain fields, so
`to_dict` / `from_dict` round-trip through JSON. Events record results, not intentions:
a track change carries the new value, a roll carries the number rolled, an order carries
the production slots it reserved. `apply` therefore never computes anything that could
differ between the live run and a replay.
"""

from __future__ import annotations

import functools
from typing import Any, ClassVar, Literal, dataclass_transform

import attrs

from exercise.engine.commands import COMMANDS
from exercise.engine.status import InjectAction, PhaseId, StatePhase

EVENTS: dict[str, type[Any]] = {}

# -- who may be told of an event as it happens ------------------------------------------
# Declared with each event (the second argument of @_event), so a new event says who sees
# it where it is written. Default deny: of a visible event a team is sent only the fields
# named; causes, rolls of other teams, the facilitator's words and who else received
# something are never among them. (The views show results; this is the live feed.)
Audience = Literal[
    "public",  # every team
    "own",  # the team named in the event's `team`
    "shared",  # every team when `team` is None (a world value), else that team
    "addressed",  # the teams listed in the event's `to`
    "argument",  # the team that argued the action `action_id`; every seat too when it was argued open
    "noticed",  # the teams in the event's `teams` when `detected` (an adversary action they noticed)
    "facilitator",  # no team: the facilitator only
]


@attrs.frozen
class Visibility:
    audience: Audience
    fields: tuple[str, ...] = ()  # what a team that may see the event is sent of it


def public(*fields: str) -> Visibility:
    return Visibility("public", fields)


def own(*fields: str) -> Visibility:
    return Visibility("own", fields)


def shared(*fields: str) -> Visibility:
    return Visibility("shared", fields)


def addressed(*fields: str) -> Visibility:
    return Visibility("addressed", fields)


def argument(*fields: str) -> Visibility:
    return Visibility("argument", fields)


def noticed(*fields: str) -> Visibility:
    return Visibility("noticed", fields)


FACILITATOR_ONLY = Visibility("facilitator")


@dataclass_transform(frozen_default=True)  # so a type checker knows each event's fields
def _event(kind: str, visibility: Visibility):
    """Register an event class under its journal name, with who may see it."""
    if not isinstance(visibility, Visibility):
        raise TypeError(f"event {kind}: its visibility must be a Visibility (public(...), own(...), ...)")

    def wrap(cls):
        cls = attrs.frozen(cls)
        cls.kind = kind
        cls.visibility = visibility
        if kind in EVENTS:
            raise AssertionError(f"duplicate event kind {kind}")
        unknown = set(visibility.fields) - {a.name for a in attrs.fields(cls)}
        if unknown:  # a renamed field must not silently vanish from (or leak into) the feed
            raise AssertionError(f"event {kind}: visible fields {sorted(unknown)} are not fields of it")
        EVENTS[kind] = cls
        return cls

    return wrap


# -- the run ---------------------------------------------------------------------------
@_event("exercise_started", public("scenario"))
class ExerciseStarted:
    scenario: str
    seed: int
    kind: ClassVar[str]


@_event("turn_started", public("turn"))
class TurnStarted:
    """A new turn begins in its briefing phase; per-turn limits reset."""

    turn: int
    kind: ClassVar[str]


@_event("phase_changed", public("turn", "phase"))
class PhaseChanged:
    turn: int
    phase: PhaseId
    kind: ClassVar[str]


@_event("paused", public())
class Paused:
    kind: ClassVar[str]


@_event("resumed", public())
class Resumed:
    kind: ClassVar[str]


@_event("exercise_ended", public("outcome", "name", "turn", "early"))
class ExerciseEnded:
    """The verdict: the first outcome whose condition held, and why."""

    outcome: str | None
    name: str
    reason: str
    turn: int
    early: bool = False
    note: str = ""
    # with a scorecard: the outcome the engine proposed; whether the facilitator (the US
    # desk) overrode it, and the facilitator's rationale (defaults: saves from before)
    proposed: str | None = None
    overridden: bool = False
    rationale: str = ""
    kind: ClassVar[str]


@_event("verdict_proposed", FACILITATOR_ONLY)
class VerdictProposed:
    """The end with a scorecard: the exercise stops and the engine proposes an outcome, with
    every criterion's value, band and points and each team's objectives scored; the verdict
    waits for the facilitator to confirm or override it (ExerciseEnded)."""

    outcome: str | None
    name: str
    reason: str
    turn: int
    early: bool
    note: str
    score: float  # % of the points available
    criteria: tuple[dict, ...]  # {id, name, value, band, points, weight, unit}
    objectives: tuple[dict, ...] = ()  # {id, team, name, value, target, better, met}
    kind: ClassVar[str]


# -- world values ------------------------------------------------------------------------
@_event("track_set", shared("track", "team", "value"))
class TrackSet:
    """A track took a new value (already clamped). team is None for a world track."""

    track: str
    team: str | None
    value: float
    cause: str = ""
    # what kind of cause this is, for readers that must not parse the wording: "threshold"
    # (a threshold's effects), "decay" (a category under its floor), "" (the cause says it);
    # None: recorded before the field was (old saves: their wording is frozen and read as such)
    source: str | None = None
    # the change an effect asked for when the track's diminishing returns applied less of it
    # (None: what was asked is what moved; left out of the journal then)
    asked: float | None = None
    kind: ClassVar[str]
    omit_none: ClassVar[frozenset[str]] = frozenset({"asked"})


@_event("threshold_crossed", shared("track", "team", "at", "label"))
class ThresholdCrossed:
    track: str
    team: str | None
    at: float
    label: str
    kind: ClassVar[str]


@_event("estimate_rolled", FACILITATOR_ONLY)
class EstimateRolled:
    """The noise of the estimate team `team` sees of world track `track` this turn:
    `roll` in [0, 1) places its estimate between value - width and value + width."""

    track: str
    team: str
    turn: int
    roll: float
    kind: ClassVar[str]


@_event("estimate_narrowed", own("track", "team", "amount"))
class EstimateNarrowed:
    """Shared intelligence: the band team `team` sees of `track` narrows by `amount`."""

    track: str
    team: str
    amount: float
    cause: str = ""
    kind: ClassVar[str]


@_event("overridden", FACILITATOR_ONLY)
class Overridden:
    """The facilitator set a value by hand (no knock-on threshold effects)."""

    target: str
    value: float
    previous: float
    rationale: str
    turn: int
    track: str | None = None
    team: str | None = None
    ally: str | None = None
    kind: ClassVar[str]


# -- money -------------------------------------------------------------------------------
@_event("budget_set", own("team", "total", "amounts", "cash"))
class BudgetSet:
    """A team's budget for the current turn, per category, and its money for orders.

    `cash` is the money available in the procurement category after this change
    (unspent money carries over from turn to turn).
    """

    team: str
    total: float
    amounts: dict[str, float]
    cash: float
    cause: str = ""
    source: str | None = None  # as TrackSet.source
    kind: ClassVar[str]


@_event("allocation_set", own("team", "shares"))
class AllocationSet:
    team: str
    shares: dict[str, float]
    kind: ClassVar[str]


@_event("spending_set", own("team", "ally", "spending", "steps"))
class SpendingSet:
    """An ally's defence spending (% GDP) changed by `steps` steps of 0.1."""

    team: str
    ally: str
    spending: float
    steps: int
    kind: ClassVar[str]


@_event("budget_effect_added", own("team", "category", "amount", "first", "last"))
class BudgetEffectAdded:
    """Money added to (or cut from) a team's category, or 'total', from turn first to last."""

    team: str
    category: str
    amount: float
    first: int
    last: int
    cause: str = ""
    source: str | None = None  # as TrackSet.source
    kind: ClassVar[str]


# -- procurement -------------------------------------------------------------------------
@_event("order_placed", own("order", "team", "item", "quantity", "cost", "turn", "due", "slots", "cash", "schedule"))
class OrderPlaced:
    """An order placed; `slots` are the (turn, units) reserved on its line. `cost` is the
    whole cost; `schedule` the (turn, amount) instalments still to pay (its item's payment
    profile), the rest was paid now (none: all of it, as before payment profiles)."""

    order: str
    team: str
    item: str
    quantity: int
    cost: float
    turn: int
    due: int
    slots: tuple[tuple[int, int], ...]
    cash: float
    schedule: tuple[tuple[int, float], ...] = ()
    kind: ClassVar[str]


@_event("instalment_paid", own("order", "team", "turn", "amount", "number", "of", "cash"))
class InstalmentPaid:
    """An order's instalment paid at the start of a turn (instalment `number` of `of`)."""

    order: str
    team: str
    turn: int
    amount: float
    number: int
    of: int
    cash: float
    kind: ClassVar[str]


@_event("instalment_deferred", own("order", "team", "turn", "amount", "available", "due", "schedule"))
class InstalmentDeferred:
    """An instalment the team could not pay (`available` money < `amount`): it and the
    instalments after it move one turn later, and the order is delivered one turn later (`due`)."""

    order: str
    team: str
    turn: int
    amount: float
    available: float
    due: int
    schedule: tuple[tuple[int, float], ...]
    kind: ClassVar[str]


@_event("money_lapsed", own("team", "turn", "lapsed", "kept", "limit", "cash"))
class MoneyLapsed:
    """The annual budget cycle: at the end of a year, unspent money above the carry-over
    limit lapses (`lapsed`), `kept` carries into the new year; `cash` is what is left."""

    team: str
    turn: int
    lapsed: float
    kept: float
    limit: float
    cash: float
    kind: ClassVar[str]


@_event("expansion_bought", public("expansion", "team", "turn", "ready"))
class ExpansionBought:
    """Production capacity bought by a team: its line delivers more from turn `ready` on."""

    expansion: str
    team: str
    turn: int
    ready: int
    cost: float
    cash: float
    kind: ClassVar[str]


@_event("order_cancelled", own("order", "team", "refund", "penalty", "cash", "reason"))
class OrderCancelled:
    """An order withdrawn: its slots freed, `refund` paid back (a draft: all of it)."""

    order: str
    team: str
    refund: float
    penalty: float
    cash: float
    reason: str = ""
    kind: ClassVar[str]


@_event("slip_rolled", FACILITATOR_ONLY)
class SlipRolled:
    """The slip roll of an order when it fell due; slipped when roll < chance."""

    order: str
    roll: float
    chance: float
    slipped: bool
    due: int
    # a partial slip (the item's slip_share): how many units slipped, split off as order
    # `late_order`; 0 (and saves made before partial slips): the whole order slipped
    late: int = 0
    late_order: str = ""
    kind: ClassVar[str]


@_event("order_expedited", own("order", "team", "cost", "chance", "cash"))
class OrderExpedited:
    """A team paid `cost` extra to give an order priority: its slip chance is now `chance`."""

    order: str
    team: str
    cost: float
    chance: float
    cash: float
    kind: ClassVar[str]


@_event("order_delivered", own("order", "team", "item", "quantity", "turn"))
class OrderDelivered:
    order: str
    team: str
    item: str
    quantity: int
    turn: int
    kind: ClassVar[str]


@_event("lead_time_changed", public("item", "delta"))
class LeadTimeChanged:
    item: str
    delta: int
    cause: str = ""
    kind: ClassVar[str]


# -- commands (NATO) ----------------------------------------------------------------------
@_event("force_assigned", own("team", "command", "capability", "amount"))
class ForceAssigned:
    team: str
    command: str
    capability: str
    amount: float
    kind: ClassVar[str]


@_event("lead_taken", public("team", "command", "ally", "turn"))
class LeadTaken:
    team: str
    command: str
    ally: str
    turn: int
    kind: ClassVar[str]


@_event("lead_handed_back", public("team", "command", "to", "turn"))
class LeadHandedBack:
    team: str
    command: str
    to: str | None
    turn: int
    kind: ClassVar[str]


@_event("lead_requested", public("request", "team", "command", "ally", "turn"))
class LeadRequested:
    """A team asks that one of its allies lead a command (the command's approval says who decides)."""

    request: str
    team: str
    command: str
    ally: str
    turn: int
    kind: ClassVar[str]


@_event("lead_voted", public("request", "team", "approve", "reason"))
class LeadVoted:
    """A member team's answer to another team's lead request."""

    request: str
    team: str
    approve: bool
    reason: str = ""
    kind: ClassVar[str]


@_event("lead_decided", public("request", "approved", "by", "reason", "turn", "team", "command", "ally"))
class LeadDecided:
    """A lead request approved (a lead_taken follows) or refused, by whom and why; what was
    asked is repeated so a log line needs no earlier event."""

    request: str
    approved: bool
    by: str
    reason: str
    turn: int
    team: str = ""
    command: str = ""
    ally: str = ""
    kind: ClassVar[str]


@_event("ally_moved", public("ally", "command"))
class AllyMoved:
    ally: str
    command: str
    cause: str = ""
    kind: ClassVar[str]


# -- injects and decisions --------------------------------------------------------------
@_event("inject_rolled", FACILITATOR_ONLY)
class InjectRolled:
    """The chance roll of an inject this turn; it fires when roll < chance."""

    inject: str
    roll: float
    chance: float
    fired: bool
    kind: ClassVar[str]


@_event("adhoc_inject", FACILITATOR_ONLY)
class AdHocInject:
    """An inject typed by the facilitator during the exercise (fired right after)."""

    inject: str
    title: str
    text: str
    to: tuple[str, ...]
    effects: tuple[dict[str, Any], ...] = ()
    options: tuple[dict[str, Any], ...] = ()
    kind: ClassVar[str]


@_event("inject_fired", addressed("inject", "turn"))
class InjectFired:
    """Delivered to `to` (team ids; empty for the facilitator only). by: schedule,
    facilitator or effect."""

    inject: str
    turn: int
    to: tuple[str, ...]
    by: str = "schedule"
    kind: ClassVar[str]


@_event("inject_controlled", FACILITATOR_ONLY)
class InjectControlled:
    """hold, release, skip, cancel, enable, delay (by `turns`) or queue (fire on `turns`)."""

    inject: str
    action: InjectAction
    turns: int = 0
    cause: str = ""
    # a skip: the status it replaced ("enabled", "held"; "" none), so an unskip restores it
    # (older saves lack it: their unskips put the inject back on its plain schedule, as then)
    was: str = ""
    kind: ClassVar[str]


@_event("inject_unskipped", FACILITATOR_ONLY)
class InjectUnskipped:
    """A skipped inject back on its schedule (a "queue" follows if its turn has passed)."""

    inject: str
    turn: int
    cause: str = "facilitator"
    status: str = ""  # the status restored (what the skip replaced); "": its plain schedule
    kind: ClassVar[str]


@_event("decision_answered", own("team", "inject", "option", "default"))
class DecisionAnswered:
    team: str
    inject: str
    option: str
    default: bool = False
    kind: ClassVar[str]


@_event("choices_combined", public("inject"))
class ChoicesCombined:
    """Deliberation closed: the teams' answers to a decision whose options' effects on world
    tracks combine 'once' or as a 'mean' were applied together (the TrackSets that follow)."""

    inject: str
    turn: int
    kind: ClassVar[str]


@_event("submitted", public("team", "turn", "forced"))
class Submitted:
    team: str
    turn: int
    forced: bool = False
    kind: ClassVar[str]


@_event("reopened", public("team", "turn"))
class Reopened:
    team: str
    turn: int
    orders: tuple[str, ...] = ()  # made binding by the submission, drafts again
    kind: ClassVar[str]


@_event("decision_reopened", public("team", "turn"))  # which inject: not for the other teams
class DecisionReopened:
    """A decision inject fired for a team that had submitted: its turn is reopened so it can
    answer (instead of taking the default); its binding orders are drafts again."""

    team: str
    turn: int
    inject: str
    orders: tuple[str, ...] = ()
    kind: ClassVar[str]


# -- free adjudication and the white cell -----------------------------------------------
# An argued action is secret (its team and the facilitator see it) or open (every team and the
# red cell see it, its counter-arguments and its adjudication): the "argument" audience.
@_event("action_argued", argument("action_id", "team", "turn", "action", "result", "reasons", "open"))
class ActionArgued:
    action_id: str
    team: str
    turn: int
    action: str
    result: str
    reasons: str
    open: bool = False  # a later field: left out of the journal when False (old journals stay as they were)
    kind: ClassVar[str]
    omit_default: ClassVar[frozenset[str]] = frozenset({"open"})


@_event("action_countered", argument("action_id", "by", "by_name", "reasons", "turn"))
class ActionCountered:
    """A counter-argument to an open argued action: `by` a team id or the adversary's id."""

    action_id: str
    by: str
    by_name: str
    reasons: str
    turn: int
    kind: ClassVar[str]


@_event("action_adjudicated", argument("action_id", "likelihood", "roll", "success", "rationale", "turn"))
class ActionAdjudicated:
    action_id: str
    likelihood: int
    roll: float
    success: bool
    rationale: str
    turn: int
    effects: tuple[dict[str, Any], ...] = ()
    failure_effects: tuple[dict[str, Any], ...] = ()
    kind: ClassVar[str]


@_event("note_added", FACILITATOR_ONLY)
class NoteAdded:
    turn: int
    phase: StatePhase
    text: str
    tags: tuple[str, ...] = ()
    inject: str | None = None
    objective: str | None = None
    rating: str | None = None
    team: str | None = None  # None: all teams (every note before teams could be named)
    author: str = ""  # who rated; "": the facilitator
    kind: ClassVar[str]


# -- after the end ------------------------------------------------------------------------
# A participant's feedback form: the facilitator's only, so no seat reads another's answers.
@_event("feedback_given", FACILITATOR_ONLY)
class FeedbackGiven:
    team: str
    strengths: tuple[str, ...] = ()
    improvements: tuple[str, ...] = ()
    missed: str = ""
    ratings: dict[str, int] = attrs.field(factory=dict)
    participant: str = ""
    kind: ClassVar[str]


# -- the adversary (red cell) ------------------------------------------------------------
# Red's plans, points and rolls are the facilitator's only; a team that notices an action
# is told its headline and to whom it is attributed, nothing else (docs/engine.md).
@_event("red_budget_credited", FACILITATOR_ONLY)
class RedBudgetCredited:
    """The adversary's points for the turn; `cash` is what it holds after (unspent points carry over)."""

    turn: int
    amount: float
    cash: float
    kind: ClassVar[str]


@_event("red_action_planned", FACILITATOR_ONLY)
class RedActionPlanned:
    """An adversary action planned in deliberation and paid for now (`cash`: the points left)."""

    id: str
    action: str
    target: str | None
    turn: int
    cost: float
    cash: float = 0.0
    kind: ClassVar[str]


@_event("red_action_withdrawn", FACILITATOR_ONLY)
class RedActionWithdrawn:
    """A planned adversary action called off before the turn was adjudicated: its cost refunded."""

    id: str
    action: str
    turn: int
    refund: float
    cash: float
    kind: ClassVar[str]


@_event("red_action_resolved", noticed("turn", "headline", "attributed_to"))
class RedActionResolved:
    """An adversary action resolved when the turn was adjudicated: whom it hit (`teams`),
    the detection roll (noticed when detect_roll < the action's detection) and, once
    noticed, the attribution roll; the effects' events follow. `headline` is what the
    teams that noticed it read; `attributed_to` the adversary's name when attributed."""

    id: str
    action: str
    target: str | None
    turn: int
    teams: tuple[str, ...]
    detect_roll: float
    detected: bool
    attribute_roll: float | None = None
    attributed: bool = False
    headline: str = ""
    attributed_to: str = ""
    escalation: float = 0.0
    resisted: tuple[str, ...] = ()  # hit teams whose spending spared them part of the harm
    kind: ClassVar[str]


# -- (de)serialisation ------------------------------------------------------------------
def to_dict(obj) -> dict:
    """An event or command as a JSON-able dict with its `kind` first."""
    out = {"kind": obj.kind}
    # fields added later, left out at None (omit_none) or at their default (omit_default):
    # old journals' bytes stay as they were
    omit = getattr(obj, "omit_none", ())
    omit_default = getattr(obj, "omit_default", ())
    for a in attrs.fields(type(obj)):
        v = getattr(obj, a.name)
        if v is None and a.name in omit:
            continue
        if a.name in omit_default and v == a.default:
            continue
        out[a.name] = _plain(v)
    return out


def _plain(v):
    if isinstance(v, tuple):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    return v


def _tuples(v):
    return tuple(_tuples(x) for x in v) if isinstance(v, list) else v


@functools.cache
def _tuple_fields(cls) -> frozenset[str]:
    """Fields held as tuples (JSON gives lists back)."""
    out = set()
    for a in attrs.fields(attrs.resolve_types(cls)):
        t = a.type if not isinstance(a.type, str) else None
        origin = getattr(t, "__origin__", None)
        if origin is tuple or (origin is not None and tuple in getattr(t, "__args__", ())) or (
            t is not None and "tuple" in repr(t)):
            out.add(a.name)
    return frozenset(out)


def from_dict(d: dict):
    """The event (or command) a `to_dict` made; raises ValueError for an unknown kind.

    Journals are read record by record on every resume, so this is a direct constructor
    call rather than a general converter (3-4x faster); records are CRC-checked, and a
    missing or unknown field still raises (TypeError).
    """
    kind: Any = d.get("kind")  # any JSON value: an unhashable one raises TypeError here
    cls = EVENTS.get(kind) or COMMANDS.get(kind)
    if cls is None:
        raise ValueError(f"unknown kind {kind!r}")
    tuples = _tuple_fields(cls)
    body = {k: (_tuples(v) if k in tuples else v) for k, v in d.items() if k != "kind"}
    return cls(**body)

