"""The domain model: frozen attrs classes that mirror the TOML a trainer writes.

Every field carries a one-line `doc` in its metadata; the JSON Schema (`exercise schema`)
and the key reference in docs/authoring.md are built from it, so the three never drift.
Field names are the TOML keys, except where a key is a Python keyword (see `TOML_NAMES`).
"""

from __future__ import annotations

from typing import Literal, get_args

import attrs

from exercise.documented import doc
from exercise.documented import toml_key as toml_key  # re-exported: the loader, schema and reference use model.toml_key
from exercise.words import Words

# Phases of a turn, in order. A scenario may rename them and suggest durations,
# but the engine's turn structure is fixed.
PhaseId = Literal["briefing", "injects", "deliberation", "adjudication", "summary"]
PHASES: tuple[PhaseId, ...] = get_args(PhaseId)
# How an option's effect on a world track combines over the teams that choose it (see Track.combine)
Combine = Literal["each", "once", "mean"]
COMBINES: tuple[str, ...] = get_args(Combine)
RATINGS = ("P", "S", "M", "U")
LIKELIHOODS = (10, 30, 50, 70, 90)




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
    combine: Combine | None = doc(
        "For an option's add on a world track: how it combines over the teams that choose it "
        "('each', 'once', 'mean'); overrides the track's combine.",
        None,
    )
    diminishing: float | None = doc(
        "For an add on a track: the share of the scale near a bound where it shrinks (0-1, 0: "
        "never); overrides the track's diminishing.",
        None,
    )
    narrow: float | None = doc(
        "For a track estimated for teams (see the track's `estimate`): how much this narrows the "
        "band the team(s) see, for the rest of the exercise (intelligence shared; 0.5 = half a point "
        "off each side). Goes with `track` and `team`, instead of add or set.",
        None,
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
    diminishing: float = doc(
        "Share of the scale (0-1) next to each bound where effects' adds shrink: within it a change "
        "towards the bound shrinks with the room left (0: adds count in full up to the bound).",
        0.0,
    )
    combine: Combine = doc(
        "How an option's add on this world track combines over the teams that choose it: 'each' "
        "(every team's adds up, at once), 'once' (applied once however many choose it) or 'mean' "
        "(the mean of the addressed teams' choices); 'once' and 'mean' apply when deliberation closes.",
        "each",
    )
    thresholds: tuple[Threshold, ...] = doc("Labelled bands, lowest first.", (), toml="threshold")
    estimate: float = doc(
        "World tracks: teams do not see the value but an estimate, the value plus noise of up to "
        "this much either way (rolled for each team at the start of each turn and recorded), shown as "
        "a band of this half-width around it, e.g. '5-7 (estimate, NATO intelligence, ±1)'; the "
        "facilitator sees the value. Effects with `narrow` shrink it for a team. 0: teams see the value.",
        0.0,
    )
    estimate_source: str = doc("Who makes the estimate teams see, e.g. 'NATO intelligence'.", "")


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
    # Who may lead, who approves, how fast staff arrive: the defaults keep the old rule (any
    # ally, taken at once, fully manned), so older scenarios and saves play as they did.
    eligible: tuple[str, ...] = doc(
        "Ids of the allies that may lead the command (empty: any ally, subject to the other limits).", ()
    )
    members_only: bool = doc(
        "Only an ally that belongs to this command (its 'command', as moved in play) may lead it.", False
    )
    min_gdp: float = doc("Smallest GDP (budget unit a year) of an ally that may lead it (0: no minimum).", 0.0)
    min_defence: float = doc(
        "Smallest defence budget (GDP x spending, budget unit a year) of an ally that may lead it (0: none).", 0.0
    )
    approval: Literal["none", "facilitator", "members"] = doc(
        "Who approves a request to lead it: 'none' (taken at once), 'facilitator' (the white cell, "
        "as SACEUR or the NAC), or 'members' (every other team with an ally in the command; the "
        "facilitator decides when there is none, and may always decide).",
        "none",
    )
    manning_turns: int = doc(
        "Turns for a new lead's staff to arrive: manned 1/n in the turn the lead is taken, full after n "
        "turns (1: fully manned at once). manned(\"<command>\") in conditions reads it.",
        1,
    )


@attrs.frozen
class Team:
    id: str = doc("Unique id, e.g. 'brunssum-east'.")
    name: str = doc("Name shown on screen.")
    allies: tuple[str, ...] = doc(
        "Ids of the allies the team plays (none for a team whose money is simply `funds`).", ()
    )
    funds: float = doc(
        "Money the team receives every turn, in the budget unit, on top of its allies' playable "
        "spending (a scenario outside defence gives each team funds and no allies).",
        0.0,
    )
    briefing: str = doc("Private briefing, seen only by this team and the facilitator.", "")
    objectives: tuple[str, ...] = doc("Ids of the objectives this team is evaluated on.", ())
    staff: int = doc("Staff officers available for command leads (what [words] calls staff).", 10)


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
    slip_share: float = doc(
        "Share of an order's units that slip when its slip roll fails, 0-1, rounded up to whole units "
        "(0.25: a quarter of them arrive slip_turns later, the rest on time; 1: the whole order).",
        1.0,
    )
    expedite_cost: float = doc(
        "Share of an order's cost a team may pay extra (not refunded) to give it priority, 0-1, "
        "lowering its slip chance to expedite_chance (0: it cannot be expedited).",
        0.0,
    )
    expedite_chance: float = doc("Slip chance, 0-1, of an order given priority (see expedite_cost).", 0.0)


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
    confidence: Literal["", "low", "moderate", "high"] = doc(
        "How sure the team can be of what this option asserts (e.g. an attribution): shown beside "
        "it as 'low/moderate/high confidence' ('' says nothing).",
        "",
    )


@attrs.frozen
class Odds:
    """A change to an inject's chance while a condition holds (e.g. forces assigned to a command)."""

    condition: str = doc("Expression that must hold at the roll (see the conditions reference).")
    add: float = doc("Added to the inject's chance while it holds, -1 to 1 (the sum is kept within 0-1).")
    note: str = doc("Why, for the facilitator and the debrief.", "")


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
    odds: tuple[Odds, ...] = doc(
        "Changes to its chance while conditions hold, e.g. a crisis less likely with forces assigned "
        "(forces(\"jfc-norfolk\", \"maritime_arctic\") >= 6); the roll records the chance used.",
        (),
        toml="odds",
    )
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
    attribution: str = doc(
        "Who the incident is attributed to as the teams are told, e.g. 'Russia' (shown with its confidence).", ""
    )
    confidence: Literal["", "low", "moderate", "high"] = doc(
        "How sure the attribution is: 'low', 'moderate' or 'high' ('' says nothing).", ""
    )
    fixed: bool = doc(
        "Meant to fire in every run (a scheduled certainty): the balance report does not flag it "
        "as always fired.",
        False,
    )


@attrs.frozen
class Objective:
    id: str = doc("Unique id.")
    name: str = doc("Name shown on screen and in the report.")
    description: str = doc("What the exercise evaluates.", "")
    capability: str | None = doc("Id of a track this objective is about, if any.", None)
    team: str | None = doc("Team the objective belongs to (default: all teams).", None)
    measure: str | None = doc(
        "Expression scored at the end for the team's objective (conditions language), e.g. "
        "'team.brunssum-east.air_missile_defence' (none: not scored).",
        None,
    )
    target: float | None = doc("Value the measure must reach for the objective to be met.", None)
    better: Literal["higher", "lower"] = doc("'higher' (default): met at or above the target; 'lower': at or below.", "higher")


@attrs.frozen
class Criterion:
    """One line of the scorecard: a measure of the state and the bands it falls in."""

    id: str = doc("Unique id within the scorecard.")
    name: str = doc("Name shown on the scorecard, e.g. 'Maritime'.")
    measure: str = doc(
        "Expression giving the criterion's value at the end, in the conditions language, "
        "e.g. 'avg(\"maritime_arctic\")' or 'led(\"jfc-norfolk\") + led(\"jfc-naples\")'."
    )
    met: float = doc("Value at which the criterion is met (at or above; at or below when lower is better).")
    partly: float | None = doc(
        "Value at which it is partly met (none: met or not met only).", None
    )
    weight: float = doc("Points the criterion is worth when met.", 1.0)
    partly_points: float = doc("Share of the weight scored when partly met, 0-1.", 0.5)
    better: Literal["higher", "lower"] = doc("'higher' (default) or 'lower' (e.g. escalation).", "higher")
    unit: str = doc("Unit of the value, shown beside it, e.g. 'of 10'.", "")
    description: str = doc("What it measures and why, for the debrief.", "")


@attrs.frozen
class ScoreBand:
    outcome: str = doc("Id of the outcome this band proposes.")
    score: float = doc("Lowest score, in % of the points available, that reaches it.", 0.0)
    max_not_met: int | None = doc(
        "Most criteria that may be not met for it (none: no limit): a plan must do well across areas.",
        None,
    )


@attrs.frozen
class Scorecard:
    """How the US desk judges the end: criteria scored, outcomes chosen by score bands."""

    criteria: tuple[Criterion, ...] = doc("The criteria, in the order shown.", (), toml="criterion")
    bands: tuple[ScoreBand, ...] = doc(
        "Score bands, tried in the outcomes' order: an outcome with a band is reached when its "
        "band holds (and its condition, if it has one); an outcome without one as before.",
        (),
        toml="band",
    )
    credible_within: int = doc(
        "Turns after the last turn by which an undelivered order's due date counts as credible "
        "(the on_order_value() function).",
        4,
    )


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


TurnUnit = Literal["quarter", "month", "week", "day", "hour"]
TURN_UNITS: tuple[str, ...] = get_args(TurnUnit)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@attrs.frozen
class Calendar:
    start_year: int = doc("Year of the first turn (quarters and months).", 2026)
    start_quarter: int = doc("Quarter of the first turn, 1-4 (when a turn is a quarter).", 1)
    turns: int = doc("Number of turns.", 8)
    labels: tuple[str, ...] = doc("Label of each turn (default: '2026 Q1', '2026 Q2', ...).", ())
    unit: TurnUnit = doc(
        "How long a turn is: 'quarter' (labels '2026 Q1'), 'month' ('2026 Jan'), 'week' ('Week 1'), "
        "'day' ('Day 1') or 'hour' ('Day 1 08:00'); `every` turns make one step of the calendar.",
        "quarter",
    )
    every: int = doc("How many units one turn lasts, e.g. 6 with unit = 'hour' (1-1000).", 1)
    start_month: int = doc("Month of the first turn, 1-12 (when a turn is a month).", 1)
    start_hour: int = doc("Clock hour of the first turn, 0-23 (when a turn is an hour), e.g. 8 for 08:00.", 8)

    def label(self, turn: int) -> str:
        if self.labels and 1 <= turn <= len(self.labels):
            return self.labels[turn - 1]
        step = (turn - 1) * max(1, self.every)
        if self.unit == "month":
            m = self.start_month - 1 + step
            return f"{self.start_year + m // 12} {MONTHS[m % 12]}"
        if self.unit == "week":
            return f"Week {1 + step}"
        if self.unit == "day":
            return f"Day {1 + step}"
        if self.unit == "hour":
            h = self.start_hour + step
            return f"Day {1 + h // 24} {h % 24:02d}:00"
        q = self.start_quarter - 1 + step
        return f"{self.start_year + q // 4} Q{q % 4 + 1}"

    def span(self) -> str:
        """How long one turn is, in words: 'a quarter', '6 hours'."""
        n = max(1, self.every)
        return ("an hour" if self.unit == "hour" else f"a {self.unit}") if n == 1 else f"{n} {self.unit}s"


@attrs.frozen
class PackInfo:
    id: str = doc("Unique id; keep it the same as the file name, which is what scenarios include "
                  "(validate warns when they differ).")
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
class RedAction:
    """One hybrid action on the adversary's menu: what it costs, whom it hits, how likely it
    is noticed and attributed, and what it does."""

    id: str = doc("Unique id among the adversary's actions, e.g. 'rail-sabotage'.")
    name: str = doc("Name shown to the adversary and the facilitator, e.g. 'Sabotage a rail line'.")
    description: str = doc("What it is, for the adversary's menu.", "")
    cost: float = doc("Cost in the adversary's budget unit, paid when it is planned (refunded if withdrawn).", 0.0)
    target: Literal["team", "command", "world"] = doc(
        "What it is aimed at: 'team' (one team), 'command' (the seam: every team with an ally in "
        "that command) or 'world' (every team, no target to name).",
        "team",
    )
    detection: float = doc("Chance, 0-1, that the targeted teams notice it (rolled when the turn is adjudicated).", 1.0)
    attribution: float = doc(
        "Chance, 0-1, that a noticed action is attributed to the adversary (rolled only when noticed).", 0.0
    )
    escalation: float = doc(
        "Added to the adversary's escalation track when the action is attributed (0: none).", 0.0
    )
    effects: tuple[Effect, ...] = doc(
        "Effects when it resolves, noticed or not ('self' is each targeted team).", ()
    )
    attributed_effects: tuple[Effect, ...] = doc(
        "Extra effects when it is attributed (e.g. allies close ranks: unity up).", ()
    )
    notice: str = doc("Headline the targeted teams read when they notice it, e.g. 'Rail line cut near Lublin'.", "")
    text: str = doc("Longer text of the incident for the facilitator and the debrief.", "")
    max_per_turn: int = doc("How many times it may be planned in one turn.", 1)
    max_uses: int = doc("How many times it may be used over the exercise (0: no limit).", 0)
    from_turn: int = doc("First turn it may be used.", 1)
    source: str = doc("The real incident it is grounded in (month/year, who reported it).", "")


@attrs.frozen
class Adversary:
    """The adversary (red cell): a side with its own budget, menu of actions and objectives,
    played by the facilitator or its bot (`exercise run --red bot`); teams see only what it does."""

    id: str = doc("Id of the adversary, e.g. 'russia' (not a team's or an ally's id).")
    name: str = doc("Name teams read when an incident is attributed, e.g. 'Russia'.")
    briefing: str = doc("The adversary's private briefing (the facilitator and its player only).", "")
    budget: float = doc("Points it receives at the start of each turn (unspent points carry over).", 0.0)
    unit: str = doc("Unit of its budget, shown beside it.", "points")
    escalation_track: str | None = doc(
        "Id of a world track that attributed actions raise by their `escalation` (none: no escalation).", None
    )
    objectives: tuple[str, ...] = doc(
        "Ids of its objectives (objectives whose `team` is the adversary's id), measured like a team's.", ()
    )
    actions: tuple[RedAction, ...] = doc("Its menu of actions.", (), toml="action")
    resisted_by: str | None = doc(
        "Id of a budget category that protects a team against its actions, e.g. 'resilience' (none: nothing does).",
        None,
    )
    resist_share: float = doc(
        "Share of its budget, 0-1, a team must put in `resisted_by` (this turn, compared in money) to resist.", 0.0
    )
    resist: float = doc(
        "Share, 0-1, of an action's harm (what it takes off the team's own tracks) a resisting team is spared.", 0.0
    )


@attrs.frozen
class ScenarioInfo:
    id: str = doc("Unique id; `exercise run ID` opens it (a scenario in ./scenarios wins over a bundled "
                  "one with the same id or file name).")
    title: str = doc("Title.")
    briefing: str = doc("Briefing read to everyone at the start.", "")
    seed: int = doc("Seed of the random generator (an exercise may override it).", 1)
    packs: tuple[str, ...] = doc(
        "File names (without .toml) of the inject packs it includes, looked up in injects/ beside "
        "the scenario's folder, the scenario's own folder, ./injects, then the bundled ones.", ())
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
    scorecard: Scorecard | None = doc(
        "The US desk's scorecard: criteria scored at the end, and the score bands that propose "
        "an outcome for the facilitator to confirm or override (none: the outcomes' conditions decide).",
        None,
    )
    adversary: Adversary | None = doc(
        "The adversary (red cell) with its budget, menu of actions and objectives (none: the "
        "adversary exists only in the injects).",
        None,
    )
    words: Words = doc(
        "The scenario's own words for allies, spending, commands, staff, forces, procurement and "
        "capabilities (default: the defence words).",
        factory=Words,
    )
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
