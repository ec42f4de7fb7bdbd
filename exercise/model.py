"""The domain model: frozen attrs classes that mirror the TOML a trainer writes.

Every field carries a one-line `doc` in its metadata; the JSON Schema (`exercise schema`)
and the key reference in docs/authoring.md are built from it, so the three never drift.
Field names are the TOML keys, except where a key is a Python keyword (see `TOML_NAMES`).
"""

from __future__ import annotations

from typing import Literal, get_args

import attrs

# Phases of a turn, in order. A scenario may rename them and suggest durations,
# but the engine's turn structure is fixed.
PhaseId = Literal["briefing", "injects", "deliberation", "adjudication", "summary"]
PHASES: tuple[PhaseId, ...] = get_args(PhaseId)
RATINGS = ("P", "S", "M", "U")
LIKELIHOODS = (10, 30, 50, 70, 90)


def doc(text: str, default=attrs.NOTHING, factory=None, toml: str | None = None):
    """An attrs field with a documentation string for the schema and the reference.

    `toml` is the key in the files when it differs from the attribute: lists of tables
    are written singular (`[[inject]]`), and `from` is a Python keyword.
    """
    meta = {"doc": text}
    if toml:
        meta["toml"] = toml
    if factory is not None:
        return attrs.field(factory=factory, metadata=meta)
    return attrs.field(default=default, metadata=meta)


def toml_key(field: attrs.Attribute) -> str:
    return field.metadata.get("toml", field.name)


@attrs.frozen
class Effect:
    """One change to the world. Exactly one target key: track, budget, item, inject, ally."""

    track: str | None = doc("Id of the track to change.", None)
    team: str | None = doc(
        "For a team track or budget: 'self' (the team acting or targeted), 'all', or a team id.",
        None,
    )
    add: float | None = doc("Amount added (negative to subtract); clamped to the track's bounds.", None)
    set: float | None = doc("Value to set instead of adding.", None)
    budget: str | None = doc(
        "Budget category to change for the team(s), or 'total' for the whole per-turn budget.", None
    )
    turns: int | None = doc("For a budget change: how many turns it lasts (default: this turn only).", None)
    item: str | None = doc("Id of a catalogue item whose lead time changes.", None)
    lead_time: int | None = doc("Turns added to the item's lead time (negative shortens it).", None)
    inject: str | None = doc("Id of another inject to act on.", None)
    action: Literal["enable", "cancel", "fire"] | None = doc(
        "What to do to that inject: 'enable' a held one, 'cancel' it, or 'fire' it next turn.", None
    )
    ally: str | None = doc("Id of an ally to move to another command.", None)
    command: str | None = doc("Id of the command the ally moves to.", None)
    note: str = doc("Why, shown to the facilitator and in the debrief.", "")
    hidden: bool = doc(
        "Keep this effect from the teams before and after they choose: the option then says "
        "it has unknown consequences (the facilitator sees it, marked hidden).",
        False,
    )


@attrs.frozen
class Threshold:
    at: float = doc("The value at and above which the label applies.")
    label: str = doc("What the band means, e.g. 'Strained'.")
    effects: tuple[Effect, ...] = doc(
        "Consequences applied once when the value first falls below this threshold.", ()
    )


@attrs.frozen
class Track:
    id: str = doc("Unique id, used in conditions as track.<id>.")
    name: str = doc("Name shown on screen.")
    scope: Literal["world", "team"] = doc("'world' (one shared value) or 'team' (one value per team).", "world")
    min: float = doc("Lowest value.", 0.0)
    max: float = doc("Highest value.", 10.0)
    initial: float = doc("Starting value (for a team track, every team unless initial_by_team says).", 0.0)
    initial_by_team: dict[str, float] = doc("Starting value per team id (team tracks).", factory=dict)
    decay: float = doc("Lost each turn when the funding category is under-funded (0: no decay).", 0.0)
    funded_by: str | None = doc(
        "Budget category that keeps this track from decaying (team tracks).", None
    )
    funding_floor: float = doc(
        "Share of the team's budget the category needs to stop decay, 0-1.", 0.0
    )
    private: bool = doc("Team track seen only by its own team and the facilitator.", False)
    decimals: int = doc(
        "Decimal places the track is kept to (0-6): every change is rounded to them, and initial "
        "values, bounds, thresholds, decay and effects on the track may not have more.",
        2,
    )
    description: str = doc("What the track measures.", "")
    thresholds: tuple[Threshold, ...] = doc("Labelled bands, lowest first.", (), toml="threshold")


@attrs.frozen
class Ally:
    id: str = doc("Short id, e.g. 'PL'.")
    name: str = doc("Country name.")
    gdp: float = doc("GDP in the budget unit (e.g. USD bn per year).")
    spending: float = doc("Defence spending in % of GDP.")
    command: str | None = doc("Id of the NATO command the ally belongs to.", None)
    estimated: bool = doc("True when the figures are estimates (see docs/sources.md).", False)
    source: str = doc("Where the figures come from.", "")


@attrs.frozen
class Force:
    team: str = doc("Team that contributes the force.")
    capability: str = doc("Capability track the force draws on, e.g. 'air_missile_defence'.")
    amount: float = doc("Points of that capability assigned to the command.")


@attrs.frozen
class Command:
    id: str = doc("Unique id, e.g. 'jfc-norfolk'.")
    name: str = doc("Name shown on screen.")
    area: str = doc("Area of responsibility.", "")
    lead: str | None = doc("Id of the ally that leads the command.", None)
    lead_cost: float = doc("Budget per turn a team pays while one of its allies leads it.", 0.0)
    lead_staff: int = doc("Staff officers a lead ties up (shown; limits leads per team).", 0)
    lead_effects: tuple[Effect, ...] = doc("Effects applied once when a team takes the lead.", ())
    hand_back_effects: tuple[Effect, ...] = doc("Effects applied once when a team hands the lead back.", ())
    forces: tuple[Force, ...] = doc("Forces and capabilities contributed at the start.", (), toml="force")


@attrs.frozen
class Team:
    id: str = doc("Unique id, e.g. 'brunssum-east'.")
    name: str = doc("Name shown on screen.")
    allies: tuple[str, ...] = doc("Ids of the allies the team plays.")
    briefing: str = doc("Private briefing, seen only by this team and the facilitator.", "")
    objectives: tuple[str, ...] = doc("Ids of the objectives this team is evaluated on.", ())
    staff: int = doc("Staff officers available for command leads.", 10)


@attrs.frozen
class Category:
    id: str = doc("Unique id, e.g. 'invest'.")
    name: str = doc("Name shown on screen.")
    description: str = doc("What money in this category does.", "")
    min_share: float = doc("Lowest share of the budget allowed, 0-1.", 0.0)
    max_share: float = doc("Highest share of the budget allowed, 0-1.", 1.0)
    default_share: float = doc("Share used when a team makes no allocation, 0-1.", 0.0)
    procurement: bool = doc("True for the category that pays for orders.", False)


@attrs.frozen
class Budget:
    unit: str = doc("Unit of money shown on screen.", "USD bn")
    turns_per_year: int = doc("How many turns make a year (4 for quarters).", 4)
    playable_share: float = doc(
        "Share of each ally's defence spending the teams control in the game, 0-1.", 0.2
    )
    max_invest_growth: float = doc(
        "How much the procurement category may grow from one turn to the next, as a share (0.5 = +50%).",
        0.5,
    )
    max_spending_step: float = doc("Largest change of an ally's spending (% GDP) in one turn.", 0.5)
    raise_effects: tuple[Effect, ...] = doc(
        "Political cost of raising spending, applied per step of 0.1 % GDP.", ()
    )
    cut_effects: tuple[Effect, ...] = doc("Political cost of cutting spending, per step of 0.1 % GDP.", ())
    decimals: int = doc(
        "Decimal places money is kept to (0-6, 2 = hundredths): budgets, costs, refunds and cash "
        "are rounded to them, and costs, lead costs and budget effects may not have more.",
        2,
    )
    categories: tuple[Category, ...] = doc("How each team's money is split.", (), toml="category")
    carry_over: float | None = doc(
        "Annual budget cycle: at the end of each year (every turns_per_year turns, counted from "
        "the calendar's start quarter) unspent procurement money beyond this share of a year's "
        "procurement money (the year's last turn's times turns_per_year) lapses, 0-1 "
        "(0: all of it lapses; default: none lapses, unspent money carries over in full).",
        None,
    )
    max_quantity_per: Literal["order", "exercise"] = doc(
        "What an item's max_quantity limits: 'order' (each order) or 'exercise' (all of a team's "
        "orders of the item over the exercise, cancelled ones not counted).",
        "order",
    )


@attrs.frozen
class Ramp:
    """A step in a production line's capacity (a plant ramping up)."""

    turn: int = doc("Turn from which the capacity applies.")
    capacity: int = doc("Units the line can deliver per turn from that turn on (until the next step).")
    note: str = doc("What happens, e.g. 'Unterlüß reaches 140,000 rounds a year'.", "")


@attrs.frozen
class Item:
    id: str = doc("Unique id, e.g. 'patriot'.")
    name: str = doc("Name shown on screen.")
    cost: float = doc("Cost per unit in the budget unit.")
    lead_time: int = doc("Turns from order to delivery with a free production line.")
    origin: str = doc("Where it is made, e.g. 'US' or 'Europe'.")
    line: str | None = doc("Production line id shared by items built on it (default: the item id).", None)
    capacity: int = doc("Units the line can deliver per turn, for all teams together.", 1)
    max_quantity: int = doc(
        "Largest quantity in one order, or over the exercise per team when budget.max_quantity_per "
        "is 'exercise'.",
        10,
    )
    paid_on_order: float = doc(
        "Payment profile: share of the cost paid when the order is placed, 0-1; the rest is paid "
        "in equal instalments at the start of each later turn up to the delivery turn "
        "(1, the default: all on order).",
        1.0,
    )
    ramp: tuple[Ramp, ...] = doc(
        "Capacity steps of the item's line over the turns, earliest first (e.g. a plant ramping up); "
        "before the first step the line has `capacity`.",
        (),
    )
    slip_chance: float = doc("Chance, 0-1, that a delivery slips when due.", 0.0)
    slip_turns: int = doc("Turns a slip adds.", 1)
    cancel_penalty: float = doc("Share of the cost lost when an order is cancelled, 0-1.", 0.25)
    effects: tuple[Effect, ...] = doc("Effects per unit delivered ('self' is the ordering team).", ())
    description: str = doc("What it is and why it matters.", "")
    source: str = doc("Where the cost and lead time come from.", "")


@attrs.frozen
class Expansion:
    """Production capacity a team can buy: a second line, extra shifts."""

    id: str = doc("Unique id, e.g. 'ammo-155-shifts'.")
    name: str = doc("Name shown on screen.")
    line: str = doc("Production line it expands (an item's line id, or the item id).")
    capacity: int = doc("Extra units the line delivers per turn once it is ready.")
    cost: float = doc("Cost, paid from the buying team's procurement money when bought.")
    lead_time: int = doc("Turns from purchase until the extra capacity is ready.", 0)
    description: str = doc("What it is and why it matters.", "")
    source: str = doc("Where the cost and lead time come from.", "")


@attrs.frozen
class Backlog:
    """An order placed before the exercise starts (e.g. F-35s ordered in 2022)."""

    team: str = doc("Team that placed the order.")
    item: str = doc("Catalogue item id.")
    quantity: int = doc("Units ordered.")
    arrives: int = doc("Turn the units are due (may be after the last turn).")
    note: str = doc("What the order is, e.g. 'German F-35A order of Dec 2022'.", "")


@attrs.frozen
class Option:
    id: str = doc("Unique within the inject.")
    label: str = doc("What the team chooses, in a few words.")
    text: str = doc("Longer description.", "")
    effects: tuple[Effect, ...] = doc("Effects when a team chooses it ('self' is that team).", ())
    default: bool = doc("Taken when the team does not answer before the turn ends.", False)


@attrs.frozen
class Inject:
    id: str = doc("Unique id across the scenario and all its packs.")
    title: str = doc("Headline.")
    sender: str = doc(
        "Who it comes from (persona), e.g. 'Polish Ministry of Defence'.", "White cell", toml="from"
    )
    to: tuple[str, ...] = doc(
        "Team ids, or ['all'], or ['facilitator'] for white-cell-only information.", ("all",)
    )
    channel: str = doc("How it arrives, e.g. 'intel brief', 'news', 'phone call'.", "brief")
    synopsis: str = doc("One or two lines.", "")
    text: str = doc("The full text players read.", "")
    turn: int | None = doc("Turn it is scheduled for (1 = first turn).", None)
    window: tuple[int, int] | None = doc(
        "[first, last] turns in which it may fire, rolling 'chance' each turn.", None
    )
    chance: float = doc("Chance, 0-1, that it fires when scheduled or eligible.", 1.0)
    condition: str | None = doc("Expression that must hold for it to fire (see the conditions reference).", None)
    requires: tuple[str, ...] = doc("Ids of injects that must have fired first.", ())
    after: int = doc("Turns to wait after the last required inject fired.", 0)
    reserve: bool = doc("Held off schedule in the facilitator's pick list, fired at will.", False)
    effects: tuple[Effect, ...] = doc("Effects when it fires ('self' is each targeted team).", ())
    options: tuple[Option, ...] = doc("Decision options for each targeted team.", (), toml="option")
    expected: tuple[str, ...] = doc("Expected player actions, for the evaluators and the debrief.", ())
    objectives: tuple[str, ...] = doc("Ids of the objectives it exercises.", ())
    tags: tuple[str, ...] = doc("Free tags for filtering and the debrief.", ())
    severity: Literal["low", "medium", "high", "critical"] = doc("How serious it is.", "medium")
    notes: str = doc("Facilitator notes, never shown to teams.", "")
    source: str = doc("The real incident or decision it is grounded in.", "")


@attrs.frozen
class Objective:
    id: str = doc("Unique id.")
    name: str = doc("Name shown on screen and in the report.")
    description: str = doc("What the exercise evaluates.", "")
    capability: str | None = doc("Id of a track this objective is about, if any.", None)
    team: str | None = doc("Team the objective belongs to (default: all teams).", None)


@attrs.frozen
class Outcome:
    id: str = doc("Unique id.")
    name: str = doc("Name shown at the end, e.g. 'Europe-led'.")
    condition: str | None = doc(
        "Expression that decides it; outcomes are tried in order, and one without a condition always holds.",
        None,
    )
    text: str = doc("Epilogue shown at the end.", "")


@attrs.frozen
class Phase:
    id: PhaseId = doc(
        "One of: briefing, injects, deliberation, adjudication, summary."
    )
    name: str = doc("Name shown on screen.", "")
    minutes: int = doc("Suggested duration; the facilitator's turn timer starts from it.", 0)


@attrs.frozen
class Calendar:
    start_year: int = doc("Year of the first turn.")
    start_quarter: int = doc("Quarter of the first turn, 1-4.", 1)
    turns: int = doc("Number of turns.", 8)
    labels: tuple[str, ...] = doc("Label of each turn (default: '2026 Q1', '2026 Q2', ...).", ())

    def label(self, turn: int) -> str:
        if self.labels and 1 <= turn <= len(self.labels):
            return self.labels[turn - 1]
        q = self.start_quarter - 1 + turn - 1
        return f"{self.start_year + q // 4} Q{q % 4 + 1}"


@attrs.frozen
class PackInfo:
    id: str = doc("Unique id; scenarios include the pack by this id.")
    title: str = doc("Title.")
    description: str = doc("What the pack exercises.", "")
    author: str = doc("Who wrote it.", "")
    version: str = doc("Version of the pack.", "1")


@attrs.frozen
class Pack:
    """An inject pack file: `[pack]` plus `[[inject]]` tables."""

    pack: PackInfo = doc("The pack's id and title.")
    injects: tuple[Inject, ...] = doc("The injects.", (), toml="inject")
    objectives: tuple[Objective, ...] = doc("Extra objectives the pack's injects exercise.", (), toml="objective")


@attrs.frozen
class ScenarioInfo:
    id: str = doc("Unique id; `exercise run ID` opens it.")
    title: str = doc("Title.")
    briefing: str = doc("Briefing read to everyone at the start.", "")
    seed: int = doc("Seed of the random generator (an exercise may override it).", 1)
    packs: tuple[str, ...] = doc("Ids of the inject packs it includes.", ())
    facilitator_plays: tuple[str, ...] = doc("Roles the white cell plays, e.g. 'US desk'.", ())


@attrs.frozen
class Scenario:
    """A scenario file with the packs it includes, resolved into one object."""

    scenario: ScenarioInfo = doc("Id, title, briefing, seed and packs.")
    calendar: Calendar = doc("The turns.")
    budget: Budget = doc("How money is derived and split.", factory=Budget)
    phases: tuple[Phase, ...] = doc(
        "Phases of a turn in order (names and suggested minutes).",
        tuple(Phase(p) for p in PHASES),
        toml="phase",
    )
    teams: tuple[Team, ...] = doc("Player teams.", (), toml="team")
    allies: tuple[Ally, ...] = doc("Allies with GDP, spending and command.", (), toml="ally")
    commands: tuple[Command, ...] = doc("The command structure.", (), toml="command")
    tracks: tuple[Track, ...] = doc("World and team quantities.", (), toml="track")
    items: tuple[Item, ...] = doc("The procurement catalogue.", (), toml="item")
    expansions: tuple[Expansion, ...] = doc(
        "Production capacity teams can buy (each once per exercise; every team's later orders use it).",
        (),
        toml="expansion",
    )
    backlog: tuple[Backlog, ...] = doc("Orders already placed before the first turn.", ())
    injects: tuple[Inject, ...] = doc("Injects written in the scenario file itself.", (), toml="inject")
    objectives: tuple[Objective, ...] = doc("What the exercise evaluates.", (), toml="objective")
    outcomes: tuple[Outcome, ...] = doc("End conditions, tried in order.", (), toml="outcome")
    included: tuple[Pack, ...] = doc("Packs included (filled in by the loader).", ())

    # Lookups used everywhere; cheap to build, cached per frozen instance.
    def all_injects(self) -> tuple[Inject, ...]:
        return self.injects + tuple(i for p in self.included for i in p.injects)

    def all_objectives(self) -> tuple[Objective, ...]:
        return self.objectives + tuple(o for p in self.included for o in p.objectives)

    @property
    def title(self) -> str:
        return self.scenario.title

    @property
    def id(self) -> str:
        return self.scenario.id
