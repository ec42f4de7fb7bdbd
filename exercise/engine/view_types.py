"""The shapes of the views (`player_view`, `facilitator_view`): frozen attrs classes, plain data.

Each class mirrors, field for field and in the same order, the JSON object the network
protocol sends (docs/protocol.md): `exercise.engine.view_json` turns a view into exactly
that JSON and back. A field named differently from its key (a Python keyword) says so in
its metadata (`json`). Sequences are tuples (a view is a value); maps keep str keys.
"""

from __future__ import annotations

from typing import Any

import attrs

from exercise.engine.state import OverrideRecord
from exercise.model import Words

# attrs.frozen: slotted, immutable, compared by value. A field whose JSON key is a word
# Python keeps for itself names the key in its metadata: attrs.field(metadata={"json": "from"}).

# A field that is the scenario's wording, the same in every state of an exercise (an item's
# gains, a category's floors, an option's effects in words): the state hash leaves it out,
# so rewording the scenario's explanations does not change the digest of every save.
STATIC = {"static": True}


def later(default):
    """A field added after the first saves: left out of the JSON at its default, so views
    (and old saves' state hashes) stay as they were while it is unused."""
    return attrs.field(default=default, metadata={"omit_default": True})


# -- common to both views ------------------------------------------------------------------
@attrs.frozen
class ScenarioInfo:
    id: str
    title: str
    briefing: str


@attrs.frozen
class TeamInfo:
    id: str
    name: str
    allies: tuple[str, ...]
    submitted: bool


@attrs.frozen
class AllyView:
    id: str
    name: str
    gdp: float
    spending: float
    command: str | None
    team: str | None  # the team that plays the ally (None: no team does)
    estimated: bool


@attrs.frozen
class TrackView:
    """A world track."""

    id: str
    name: str
    description: str
    value: float
    min: float
    max: float
    band: str
    # the places the track is kept to, so screens show its exact value (4.05, not 4.0)
    decimals: int = attrs.field(default=2, metadata=STATIC)
    # a track teams only estimate (fog.estimate), in a team's view: `value` is then the
    # estimate, never the track's value; the band it lies in, and both in words with the
    # estimate's source ("5-7 (estimate, NATO intelligence, ±1)")
    estimate: str = later("")
    low: float | None = later(None)
    high: float | None = later(None)
    width: float | None = later(None)  # the estimate's ± half-width (narrowed by shared intelligence)


@attrs.frozen
class ForceView:
    team: str
    capability: str
    amount: float


@attrs.frozen
class LeadRequestView:
    """A request to lead a command, in names: who asked for which ally, and the answer."""

    id: str
    team: str
    team_name: str
    ally: str
    ally_name: str
    turn: int
    status: str  # pending, approved, refused
    by: str  # who decided, in words ("" while pending)
    reason: str
    waiting_for: tuple[str, ...] = ()  # team names still to answer (approval by members)
    you_decide: bool = False  # the viewing team (or the facilitator) may answer it now


@attrs.frozen
class CommandView:
    id: str
    name: str
    area: str
    lead: str | None
    lead_name: str | None
    lead_team: str | None
    lead_cost: float
    lead_staff: int
    allies: tuple[str, ...]
    forces: tuple[ForceView, ...]
    # added later (left out of the JSON at their defaults): what taking and handing back the
    # lead do, as the scenario states them (hidden ones only counted), and why the viewing
    # team cannot take the lead now (None: it can; the engine's rule, team_moves.lead_refusal)
    lead_effects: tuple[str, ...] = later(())
    lead_unknown: bool = later(False)
    hand_back_effects: tuple[str, ...] = later(())
    hand_back_unknown: bool = later(False)
    lead_refusal: str | None = later(None)
    # why the viewing team cannot hand it back now (None: it can; team_moves.hand_back_refusal)
    hand_back_refusal: str | None = later(None)
    # command leads as negotiations (left out at the old rule's defaults): who may lead and
    # who approves, in words; the viewing team's allies that may not lead it, with why; the
    # share of its lead staff in post (None: manned at once, the old rule); lead requests
    lead_rules: str = attrs.field(default="", metadata={"omit_default": True, **STATIC})  # scenario wording
    approval: str = later("none")  # the scenario's Command.approval: none, facilitator, members
    ineligible: tuple[tuple[str, str], ...] = later(())
    manned: float | None = later(None)
    manning_turns: int = later(1)
    requests: tuple[LeadRequestView, ...] = later(())


@attrs.frozen
class ItemView:
    """A catalogue item, with the earliest turn one unit ordered now would arrive."""

    id: str
    name: str
    cost: float
    origin: str
    lead_time: int
    capacity: int
    max_quantity: int
    cancel_penalty: float
    description: str
    arrives: int
    gains: tuple[str, ...] = attrs.field(metadata=STATIC)  # what one delivered unit does, in words (explain.item_gains)
    # payment profile: the share of the cost paid on order (the rest in instalments up to delivery)
    paid_on_order: float = later(1.0)
    # what max_quantity limits: "order" (each order) or "exercise" (a team's orders over the exercise)
    max_per: str = later("order")


@attrs.frozen
class FloorView:
    """A team track that decays while its funding category has less than `floor` of the budget."""

    track: str
    name: str
    floor: float  # share of the budget, 0-1
    decay: float  # lost each turn under the floor


@attrs.frozen
class CategoryView:
    id: str
    name: str
    description: str
    min_share: float
    max_share: float
    procurement: bool
    floors: tuple[FloorView, ...] = attrs.field(metadata=STATIC)  # what decays when this category is under-funded
    # what spending here does against the adversary's hostile actions (scenario rule
    # [adversary] resisted_by): "" for every other category and without an adversary
    resists: str = later("")


@attrs.frozen
class TeamTrackView:
    """A team track: the values (and bands) by team the viewer may see."""

    id: str
    name: str
    description: str
    private: bool
    min: float
    max: float
    values: dict[str, float]
    bands: dict[str, str]
    decimals: int = attrs.field(default=2, metadata=STATIC)  # as TrackView.decimals


@attrs.frozen
class CommonView:
    """What both views show first: the exercise, the world, the catalogue."""

    scenario: ScenarioInfo
    status: str
    paused: bool
    turn: int
    turns: int
    turn_label: str
    phase: str
    phase_name: str
    unit: str
    teams: tuple[TeamInfo, ...]
    allies: tuple[AllyView, ...]
    tracks: tuple[TrackView, ...]
    commands: tuple[CommandView, ...]
    catalogue: tuple[ItemView, ...]
    categories: tuple[CategoryView, ...]
    # the scenario's own words ([words]; sent only when not the defence words) and how long
    # a turn is ('a quarter', '6 hours'): wording, not state
    words: Words = attrs.field(default=Words(), kw_only=True, metadata={"omit_default": True, **STATIC})
    turn_span: str = attrs.field(default="a quarter", kw_only=True, metadata={"omit_default": True, **STATIC})
    # whether the scenario has an adversary (a red cell that sees open arguments): wording
    adversary: bool = attrs.field(default=False, kw_only=True, metadata={"omit_default": True, **STATIC})
    # what the scenario calls the phases of a turn, in their order (briefing, injects,
    # deliberation, adjudication, summary): wording; () from an older server
    phases: tuple[str, ...] = attrs.field(default=(), kw_only=True, metadata={"omit_default": True, **STATIC})


# -- a team's private data -----------------------------------------------------------------
@attrs.frozen
class ObjectiveView:
    id: str
    name: str
    description: str


@attrs.frozen
class CategoryShare:
    share: float
    amount: float


@attrs.frozen
class BudgetEffectView:
    """A change of the team's budget (no cause: it may name another team's decision)."""

    category: str
    amount: float
    first: int
    last: int


@attrs.frozen
class Budget:
    total: float
    categories: dict[str, CategoryShare]
    money: float
    procurement: str | None
    invest_limit: float | None
    effects: tuple[BudgetEffectView, ...]
    spending_limits: dict[str, tuple[float, float]]  # ally -> (lowest, highest) % GDP this turn
    # the share of its allies' defence money a team steers in the exercise
    playable_share: float = attrs.field(metadata=STATIC)
    # added later (left out of the JSON at their defaults): the growth rule behind invest_limit,
    # so a screen says the limit with its reason (the procurement share at the turn's start, how
    # much it may grow in a turn)
    invest_base: float | None = later(None)
    invest_growth: float | None = later(None)
    # the annual budget cycle (player view): the share of a year's procurement money that may
    # carry over (None: all of it), that limit in money now, the last turn of the budget year
    carry_over: float | None = later(None)
    carry_limit: float | None = later(None)
    year_end: int | None = later(None)
    # the decimals money is kept to: a floor is compared in money to the cent below, as the
    # engine decides decay (engine/budget.under_floor), not in shares
    places: int = later(2)
    # instalments of the team's orders still to pay: in all, and at the start of next turn
    committed: float = later(0.0)
    due_next: float = later(0.0)
    # the team's funds per turn ([[team]] funds), part of total
    funds: float = later(0.0)


@attrs.frozen
class Order:
    id: str
    item: str
    name: str
    quantity: int
    cost: float
    placed: int
    due: int
    status: str
    delivered: int | None
    backlog: bool
    note: str
    after_exercise: bool


@attrs.frozen
class PlayerOrder(Order):
    """An order as its team sees it: what cancelling it now would return and lose (None
    when it cannot be cancelled)."""

    refund: float | None
    penalty: float | None
    # its slip risk (fog.slip_risk): the chance now (0-1), the turns a slip costs, the units
    # that would slip; what priority costs and leaves (None: not offered or bought); the
    # risk in words; after its roll, what the roll did in words
    slip_chance: float | None = later(None)
    slip_turns: int | None = later(None)
    slip_units: int | None = later(None)
    expedite_cost: float | None = later(None)
    expedite_chance: float | None = later(None)
    expedited: bool = later(False)
    risk: str = later("")
    slip_note: str = later("")
    # payment profile: paid so far, the (turn, amount) instalments still to pay, how many in all
    paid: float | None = later(None)
    schedule: tuple[tuple[int, float], ...] = later(())
    instalments: int = later(0)


@attrs.frozen
class ExpansionView:
    """Production capacity a team may buy (once per exercise), and whether it was bought."""

    id: str
    name: str
    line: str  # the items made on the line, in words
    capacity: int  # extra units a turn once ready
    cost: float
    lead_time: int
    description: str
    bought_by: str | None  # the buying team's name
    ready: int | None  # turn from which it delivers
    refusal: str | None  # why the viewing team cannot buy it now (None: it can)


@attrs.frozen
class EffectView:
    """One visible effect of an option: in words, and what it changes (so a screen can say
    what it did once chosen). `id`: the track, budget category, item or ally (None for an
    inject: a team must not learn of injects that have not reached it); `team`: 'self',
    'all' or a team id for a team track or budget."""

    text: str
    target: str  # track, budget, item, inject or ally
    id: str | None
    team: str | None
    # a budget effect's money this turn (so a screen can tell a floor it would break)
    amount: float | None = later(None)
    # a world-track add that combines over the teams ('once', 'mean'): it applies when
    # deliberation closes, so right after the answer the track has not moved yet
    waits: bool = later(False)
    # a narrowing of the team's estimate of a world track (the track itself does not move)
    narrow: bool = later(False)


@attrs.frozen
class OptionView:
    """A decision option as the team sees it before choosing: its visible effects in words
    (explain.option_effects); `unknown` says it has hidden ones, never what they are."""

    id: str
    label: str
    text: str
    default: bool
    effects: tuple[EffectView, ...] = attrs.field(metadata=STATIC)
    unknown: bool = attrs.field(metadata=STATIC)


@attrs.frozen
class InjectView:
    """An inject in a team's inbox, with the team's answer."""

    id: str
    title: str
    sender: str = attrs.field(metadata={"json": "from"})
    channel: str
    synopsis: str
    text: str
    turn: int
    severity: str
    options: tuple[OptionView, ...]
    answer: str | None
    answered_by_default: bool
    # who the incident is attributed to and how surely, in words ('Attributed to Russia,
    # moderate confidence'), and the options' confidences in words ((option id, words) pairs)
    attribution: str = later("")
    confidence: tuple[tuple[str, str], ...] = later(())


@attrs.frozen
class CounterView:
    """A counter-argument to an open argued action: who posted it (`by`: a team id or the
    adversary's id; `by_name` its name), why, in which turn."""

    by: str
    by_name: str
    reasons: str
    turn: int


@attrs.frozen
class ActionView:
    """A free action the team argued (`open`: the other teams and the red cell see it and
    may counter-argue it; `counters`: their counter-arguments, in posting order)."""

    id: str
    turn: int
    action: str
    result: str
    reasons: str
    likelihood: int | None
    roll: float | None
    success: bool | None
    rationale: str
    open: bool = later(False)
    counters: tuple[CounterView, ...] = later(())


@attrs.frozen
class OpenActionView:
    """Another team's action argued open, as every seat may see it: what, why, the
    counter-arguments posted, and once adjudicated its likelihood (%), the roll (0-1; it
    succeeds when roll < likelihood / 100) and the adjudicator's rationale (None/'' until then)."""

    id: str
    team: str
    team_name: str
    turn: int
    action: str
    result: str
    reasons: str
    counters: tuple[CounterView, ...]
    likelihood: int | None
    roll: float | None
    success: bool | None
    rationale: str


@attrs.frozen
class TeamPrivate:
    """Everything a team may see about itself (and no one else may), as the facilitator sees it."""

    id: str
    name: str
    briefing: str
    allies: tuple[str, ...]
    objectives: tuple[ObjectiveView, ...]
    staff: int
    staff_used: int
    submitted: bool
    budget: Budget
    orders: tuple[Order, ...]
    orders_hidden: int  # cancelled orders left out (only the newest few are shown)
    inbox: tuple[InjectView, ...]
    pending: tuple[str, ...]  # ids of the injects that wait for the team's decision
    actions: tuple[ActionView, ...]


@attrs.frozen
class CommandForces:
    """The team's points per capability in one command, and in all the others."""

    here: dict[str, float]
    elsewhere: dict[str, float]
    points: float
    capabilities: int


@attrs.frozen
class Me:
    """The team's own data in its player view: `TeamPrivate` with its orders' cancel
    previews, and the arithmetic the team's screen shows, computed once by the engine."""

    id: str
    name: str
    briefing: str
    allies: tuple[str, ...]
    objectives: tuple[ObjectiveView, ...]
    staff: int
    staff_used: int
    submitted: bool
    budget: Budget
    orders: tuple[PlayerOrder, ...]
    orders_hidden: int
    inbox: tuple[InjectView, ...]
    pending: tuple[str, ...]
    actions: tuple[ActionView, ...]
    affordable: dict[str, int]  # item -> units the team's money buys now
    assigned: dict[str, float]  # capability -> points over all commands
    forces: dict[str, CommandForces]  # command id -> the team's forces there and elsewhere
    expansions: tuple[ExpansionView, ...] = later(())
    ordered: dict[str, int] = later(attrs.Factory(dict))  # item -> units ordered in the exercise (max_quantity over it)
    # the facilitator closed its deliberation this turn before it submitted (`submitted` is
    # then true too): its open decisions took their default, its draft orders were withdrawn
    forced: bool = later(False)


@attrs.frozen
class ScoreRow:
    """One criterion of the US desk's scorecard at the end."""

    id: str
    name: str
    value: float
    band: str  # "met", "partly met", "not met"
    points: float
    weight: float
    unit: str = ""
    # what it needed (from the scenario's criterion): met at, partly at, which way is better
    met: float | None = later(None)
    partly: float | None = later(None)
    better: str = later("higher")


@attrs.frozen
class ObjectiveScore:
    """One team objective scored at the end against its target."""

    id: str
    team: str
    name: str
    value: float
    target: float
    better: str
    met: bool


@attrs.frozen
class PlayerOutcome:
    id: str | None
    name: str
    turn: int
    early: bool
    text: str
    # with a scorecard (once the facilitator has judged): the score, its criteria, whether the
    # US desk overrode the proposal and why, and this team's own objectives scored
    score: float | None = later(None)
    criteria: tuple[ScoreRow, ...] = later(())
    overridden: bool = later(False)
    rationale: str = later("")
    objectives: tuple[ObjectiveScore, ...] = later(())
    proposed_name: str | None = later(None)  # the scorecard's proposal, by name (told with an override)


# -- the ledger: what changed for a team and why (exercise.engine.ledger builds it) ------------
@attrs.frozen
class LedgerEntry:
    """One change: `what` (a track's or a money's name) went from `before` to `after`."""

    turn: int
    phase: str
    team: str | None  # whose money or capability; None: a world track
    kind: str  # "money", "capability" or "world"
    what: str  # a name, never an id: "Air defence", "Budget", "Invest money for orders"
    before: float | None  # None: it had no value before (the first turn's budget)
    after: float
    delta: float
    unit: str  # "USD bn", "% of GDP", "points"
    cause: str  # plain words with names
    places: int = 2  # the decimals its values are shown with (the track's or the money's own)


@attrs.frozen
class LedgerTotal:
    """The net change of one thing over a turn (first before, last after)."""

    team: str | None
    kind: str
    what: str
    unit: str
    before: float | None
    after: float
    delta: float
    places: int = 2  # as LedgerEntry.places
    # of the delta, what changes the team's ledger does not show made (a world track moved
    # by other teams' moves between its own): said apart, so its entries add up to the rest
    outside: float = later(0.0)


@attrs.frozen
class LedgerTurn:
    turn: int
    label: str  # the calendar's name of the turn
    entries: tuple[LedgerEntry, ...]
    totals: tuple[LedgerTotal, ...]
    omitted: int = 0  # entries left out (older turns carry their totals only)


# -- the adversary (red cell) ------------------------------------------------------------------
@attrs.frozen
class Incident:
    """An adversary action a team noticed, as the team knows it: the headline, when, and to
    whom it is attributed ("unattributed" when it is not); never the action, its plan or rolls."""

    turn: int
    headline: str
    attribution: str  # the adversary's name, or "unattributed"


@attrs.frozen
class RedActionView:
    """A line of the adversary's menu, with whether it can be used now and why not."""

    id: str
    name: str
    description: str
    cost: float
    target: str  # "team", "command" or "world"
    detection: float
    attribution: float
    escalation: float
    notice: str
    effects: tuple[str, ...]  # in words (explain.effect_words)
    attributed_effects: tuple[str, ...]
    max_per_turn: int
    max_uses: int  # 0: no limit
    from_turn: int
    used: int  # planned or resolved over the exercise
    this_turn: int  # planned this turn
    usable: bool
    why_not: str  # "" when usable
    targets: tuple[str, ...]  # the ids it may be aimed at now (teams or commands; () for a world action)
    source: str = ""


@attrs.frozen
class RedMoveView:
    """One of the adversary's actions, planned or resolved, and what became of it."""

    id: str
    action: str
    name: str
    target: str | None
    target_name: str  # the team's or command's name, or "every team"
    turn: int
    cost: float
    status: str  # planned, withdrawn, resolved
    teams: tuple[str, ...]  # the teams it hit, once resolved
    detected: bool | None
    attributed: bool | None
    detect_roll: float | None = later(None)  # the facilitator's red section only
    attribute_roll: float | None = later(None)


@attrs.frozen
class RedObjective:
    id: str
    name: str
    description: str
    value: float | None  # the measure now (None: not scored)
    target: float | None
    better: str
    met: bool | None


@attrs.frozen
class IntelCommand:
    """A command as the adversary's intelligence knows it: who leads it and which teams stand in it."""

    id: str
    name: str
    lead: str | None  # the leading ally's id
    lead_name: str
    lead_team: str | None  # the team that plays the leading ally (None: no team)
    teams: tuple[str, ...]  # teams with an ally in it (its seam)


@attrs.frozen
class RedView:
    """What the adversary may see: its own points, menu, actions and objectives, and what its
    intelligence would know of the teams' side (public world tracks, teams' non-private tracks,
    allies' spending, command leads), never a team's money, orders, split, answers, briefing or
    private tracks."""

    status: str
    paused: bool
    turn: int
    turns: int
    turn_label: str
    phase: str
    adversary: str
    name: str
    briefing: str
    cash: float
    income: float
    unit: str
    actions: tuple[RedActionView, ...]
    moves: tuple[RedMoveView, ...]
    objectives: tuple[RedObjective, ...]
    teams: tuple[TeamInfo, ...]
    world: tuple[TrackView, ...]
    team_tracks: tuple[TeamTrackView, ...]  # non-private ones only
    allies: tuple[AllyView, ...]
    commands: tuple[IntelCommand, ...]
    escalation_track: str | None = None
    # every team's actions argued open (never a secret one): red may counter-argue them
    open_actions: tuple[OpenActionView, ...] = later(())
    # the phase as the scenario names it (its id is in `phase`, hashed: this one is not)
    phase_name: str = attrs.field(default="", metadata={"omit_default": True, **STATIC})
    # the scenario's own words ([words]; sent only when not the defence words): wording, not state
    words: Words = attrs.field(default=Words(), kw_only=True, metadata={"omit_default": True, **STATIC})


@attrs.frozen
class PlayerView(CommonView):
    """What one team may see."""

    team_tracks: tuple[TeamTrackView, ...]
    me: Me
    outcome: PlayerOutcome | None
    ledger: tuple[LedgerTurn, ...] = ()  # oldest turn first; entries of the newest turns only
    # the adversary's actions the team noticed (scenarios with an adversary)
    incidents: tuple[Incident, ...] = later(())
    # the other teams' actions argued open (never a secret one), with their counter-arguments
    # and, once adjudicated, the likelihood, roll and rationale
    open_actions: tuple[OpenActionView, ...] = later(())


# -- the facilitator's -----------------------------------------------------------------------
@attrs.frozen
class FacilitatorOption:
    id: str
    label: str
    default: bool
    # every effect in words, hidden ones marked (explain.facilitator_effects)
    effects: tuple[str, ...] = attrs.field(metadata=STATIC)


@attrs.frozen
class FacilitatorInject:
    id: str
    title: str
    sender: str = attrs.field(metadata={"json": "from"})
    to: tuple[str, ...]
    channel: str
    synopsis: str
    text: str
    severity: str
    reserve: bool
    status: str  # e.g. "fired in turn 2", "reserve", "queued for turn 3"
    fired: int | None
    notes: str
    expected: tuple[str, ...]
    objectives: tuple[str, ...]
    tags: tuple[str, ...]
    source: str
    adhoc: bool
    options: tuple[FacilitatorOption, ...]
    answers: dict[str, str]  # team -> option id


@attrs.frozen
class FacilitatorAction:
    id: str
    team: str
    turn: int
    action: str
    result: str
    reasons: str
    likelihood: int | None
    roll: float | None
    success: bool | None
    rationale: str
    effects: tuple[dict[str, Any], ...]
    failure_effects: tuple[dict[str, Any], ...]
    open: bool = later(False)  # argued open to the other teams and the red cell
    counters: tuple[CounterView, ...] = later(())  # their counter-arguments, for the adjudicator


@attrs.frozen
class NoteView:
    turn: int
    phase: str
    text: str
    tags: tuple[str, ...]
    inject: str | None
    objective: str | None
    rating: str | None
    # left out of the JSON when at their defaults, so old saves keep their state hash
    team: str | None = later(None)
    author: str = later("")


@attrs.frozen
class CrossingView:
    track: str
    team: str | None
    at: float
    turn: int


@attrs.frozen
class FacilitatorOutcome:
    id: str | None
    name: str
    reason: str
    turn: int
    early: bool
    note: str
    text: str
    proposed: str | None = later(None)  # with a scorecard: the engine's proposal
    overridden: bool = later(False)
    rationale: str = later("")
    score: float | None = later(None)
    criteria: tuple[ScoreRow, ...] = later(())
    objectives: tuple[ObjectiveScore, ...] = later(())


@attrs.frozen
class FacilitatorProposal:
    """The scorecard's proposed outcome, waiting for the facilitator to confirm or override."""

    id: str | None
    name: str
    reason: str
    score: float
    criteria: tuple[ScoreRow, ...]
    objectives: tuple[ObjectiveScore, ...]
    outcomes: tuple[tuple[str, str], ...]  # (id, name) of every outcome, for an override


@attrs.frozen
class FacilitatorView(CommonView):
    """Everything, for the white cell."""

    team_tracks: tuple[TeamTrackView, ...]
    teams_private: dict[str, TeamPrivate]
    injects: tuple[FacilitatorInject, ...]
    actions: tuple[FacilitatorAction, ...]
    notes: tuple[NoteView, ...]
    overrides: tuple[OverrideRecord, ...]  # the state's own records: already frozen plain data
    thresholds_crossed: tuple[CrossingView, ...]
    outcome: FacilitatorOutcome | None
    proposal: FacilitatorProposal | None = later(None)  # the end, waiting for the facilitator's verdict
    red: RedView | None = later(None)  # the adversary's side, whole (its rolls included)
    # the dice: the lead facilitator's only (with them the next roll can be computed before
    # the odds are set); None, and left out of the JSON, in a controller's view
    seed: int | None = later(None)
    rolls: int | None = later(None)
    # a controller's view: the names of the objectives its notes rate, (id, name) pairs (a
    # note about its team may rate another team's objective, whose private data it lacks)
    objective_names: tuple[tuple[str, str], ...] = later(())


# -- the other seats of the room (exercise.engine.seats) --------------------------------------
@attrs.frozen
class WallTrack:
    """A world track as the room's wall shows it: its value, or None for one the teams only
    estimate (the wall never shows what no team may know)."""

    id: str
    name: str
    value: float | None
    min: float
    max: float
    band: str
    decimals: int = 2


@attrs.frozen
class WallInject:
    """An inject fired to every team: what the whole room may read."""

    title: str
    sender: str = attrs.field(metadata={"json": "from"})
    synopsis: str
    turn: int
    severity: str


@attrs.frozen
class WallOutcome:
    name: str
    text: str
    turn: int


@attrs.frozen
class WallView:
    """The public display (a projector): the turn, the clock's phase, the public tracks and
    the injects fired to all. No team's private data, no facilitator notes, no red plans."""

    title: str
    status: str
    paused: bool
    turn: int
    turns: int
    turn_label: str
    phase: str
    phase_name: str
    teams: tuple[TeamInfo, ...]
    tracks: tuple[WallTrack, ...]
    team_tracks: tuple[TeamTrackView, ...]  # non-private ones only
    injects: tuple[WallInject, ...]  # newest first
    outcome: WallOutcome | None


@attrs.frozen
class GuideObjective:
    """An objective of the evaluation guide: what is evaluated, for which team (None: all)."""

    id: str
    name: str
    description: str
    team: str | None
    team_name: str  # "all teams" when team is None


@attrs.frozen
class GuideInject:
    """An inject fired so far, with what the evaluators look for: the expected player actions
    and the objectives it exercises."""

    id: str
    title: str
    turn: int
    to: tuple[str, ...]  # team ids
    expected: tuple[str, ...]
    objectives: tuple[str, ...]  # objective ids


@attrs.frozen
class EvaluatorView:
    """An evaluator's (or observer's) seat: every team's player view to switch between, the
    evaluation guide, and the notes and ratings written so far (the white cell's and the
    evaluators'). Players never see any of it but their own view."""

    title: str
    status: str
    turn: int
    turns: int
    turn_label: str
    phase_name: str
    teams: tuple[TeamInfo, ...]
    views: dict[str, PlayerView]  # team id -> what that team sees
    objectives: tuple[GuideObjective, ...]
    injects: tuple[GuideInject, ...]  # fired so far, oldest first
    notes: tuple[NoteView, ...]
