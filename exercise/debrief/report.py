"""What the debrief shows and the after-action report prints, as plain data.

`build(record)` folds a read-only save (exercise.debrief.record) into a `Report`: the
overview, a timeline by turn (one Narrator line per event), each decision beside the
inject's expected player actions, objectives with the P/S/M/U ratings and the strengths
and areas for improvement drawn from the facilitator's notes, the outcome and why, and
chart series of tracks and budgets per team. The screens and the exporters only render
it; none of them computes anything of its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs

from exercise import conditions as cond
from exercise import engine, model
from exercise.debrief.record import Record
from exercise.engine import ledger as lg
from exercise.engine import scorecard as scoring
from exercise.engine.view_types import LedgerTurn
from exercise.engine.world import explain_outcome, labels_of
from exercise.history import track_series
from exercise.journal.records import CommandRecord
from exercise.narrate import Narrator
from exercise.words import short

# What a timeline line is about, by event kind (the exporters and the screen filter on it).
CATEGORY = {
    "exercise_started": "run", "paused": "run", "resumed": "run", "exercise_ended": "outcome",
    "verdict_proposed": "outcome",
    "phase_changed": "phase", "track_set": "value", "submitted": "submit", "reopened": "run",
    "threshold_crossed": "threshold",
    "inject_fired": "inject", "inject_controlled": "inject", "adhoc_inject": "inject",
    "decision_answered": "decision",
    "order_placed": "order", "order_cancelled": "order", "slip_rolled": "order", "lead_time_changed": "order",
    "order_delivered": "delivery",
    "action_argued": "adjudication", "action_countered": "adjudication", "action_adjudicated": "adjudication",
    "overridden": "override", "note_added": "note",
    "allocation_set": "budget", "spending_set": "budget", "budget_effect_added": "budget",
    "force_assigned": "command", "lead_taken": "command", "lead_handed_back": "command", "ally_moved": "command",
    "lead_requested": "command", "lead_voted": "command", "lead_decided": "command",
    "instalment_paid": "budget", "instalment_deferred": "budget", "money_lapsed": "budget",
    "expansion_bought": "order", "order_expedited": "order",
    "estimate_rolled": "value", "estimate_narrowed": "estimate",  # a roll per team and track: minor
    "choices_combined": "decision", "decision_reopened": "run", "inject_unskipped": "inject",
    "red_budget_credited": "red", "red_action_planned": "red", "red_action_withdrawn": "red",
    "red_action_resolved": "red",
    "feedback_given": "feedback",  # never in the timeline: its own section, anonymised (see _timeline)
}
# Bookkeeping the report leaves out of its timeline (the charts show the values).
MINOR = frozenset({"phase", "value", "submit"})

STRENGTH_RATINGS = ("P", "S")
IMPROVEMENT_RATINGS = ("M", "U")
STRENGTH_TAGS = frozenset({"strength"})
IMPROVEMENT_TAGS = frozenset({"improvement", "afi", "area-for-improvement"})
RATING_NAMES = {
    "P": "Performed without challenges",
    "S": "Performed with some challenges",
    "M": "Performed with major challenges",
    "U": "Unable to be performed",
}


@attrs.frozen
class Line:
    category: str
    text: str

    @property
    def minor(self) -> bool:
        return self.category in MINOR


@attrs.frozen
class TurnEntry:
    turn: int  # 0: before the first turn
    label: str
    lines: tuple[Line, ...]

    def key_lines(self) -> tuple[Line, ...]:
        return tuple(x for x in self.lines if not x.minor)


@attrs.frozen
class Decision:
    turn: int
    inject: str  # title
    team: str  # name, or "" for the facilitator only
    choice: str  # the option's label, or "" when the inject asked for none
    default: bool
    expected: tuple[str, ...]


@attrs.frozen
class NoteItem:
    turn: int
    phase: str
    text: str
    rating: str | None
    tags: tuple[str, ...]
    inject: str | None  # title
    team: str = ""  # the team's name; "": all teams
    author: str = ""  # who rated or wrote it; "": the facilitator


@attrs.frozen
class Rated:
    """One rating given, as the history shows it."""

    turn: int
    rating: str
    team: str  # the team's name; "": all teams
    author: str  # "": the facilitator


@attrs.frozen
class ObjectiveReport:
    id: str
    name: str
    description: str
    team: str  # the team's name, or "all teams"
    rating: str | None  # the last rating given
    ratings: tuple[tuple[int, str], ...]  # (turn, rating), in order
    strengths: tuple[NoteItem, ...]
    improvements: tuple[NoteItem, ...]
    observations: tuple[NoteItem, ...]
    injects: tuple[str, ...]  # titles of the fired injects that exercise it
    history: tuple[Rated, ...] = ()  # every rating given, in order
    by_team: tuple[tuple[str, str | None, tuple[Rated, ...]], ...] = ()  # (team, last rating, its history)


@attrs.frozen
class Tried:
    """One outcome as tried in order on the final state."""

    name: str
    condition: str  # "" for the outcome that always holds
    held: bool
    values: str


@attrs.frozen
class Outcome:
    ended: bool
    name: str
    reason: str
    turn: int
    early: bool
    note: str
    text: str
    tried: tuple[Tried, ...]
    # with a scorecard: the score, each criterion (name, value with unit, what it needed,
    # band, points of weight), the US desk's judgement in words, each team's objectives
    # (team name, objective, value, target, met or not); the outcomes' cut-offs are in `tried`
    score: float | None = None
    scorecard: tuple[tuple[str, str, str, str, str], ...] = ()
    judged: str = ""
    team_objectives: tuple[tuple[str, str, str, str, str], ...] = ()


@attrs.frozen
class Series:
    name: str
    values: tuple[float | None, ...]  # one per chart label; None: no value then


@attrs.frozen
class Chart:
    id: str
    title: str
    unit: str
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    low: float | None = None  # the track's bounds, when it has them
    high: float | None = None


@attrs.frozen
class TeamLedger:
    """A team's ledger, turn by turn: every change of its money and capabilities, and why
    (the facilitator's, with the rationales of overrides and adjudications)."""

    team: str  # its name
    turns: tuple[LedgerTurn, ...]


@attrs.frozen
class RedObjectiveRow:
    """One of the adversary's objectives, measured on the final state."""

    name: str
    description: str
    value: str  # "3.8", or "not measured"
    needed: str  # "at most 4"
    result: str  # "met", "not met", "not measured"


@attrs.frozen
class RedActRow:
    """One act of the adversary, as planned and what became of it."""

    turn: int
    action: str  # its name
    target: str  # a team's or a command's name, or "every team"
    result: str  # "noticed, attributed", "noticed, unattributed", "unnoticed", "withdrawn (refunded …)", "planned"
    hit: str = ""  # the teams it hit, by name ("nobody" when none stood at the seam)
    resisted: str = ""  # the hit teams whose spending spared them part of the harm ("none")


@attrs.frozen
class RedReport:
    """The red cell: its objectives against their targets at the end, and its acts."""

    name: str
    unit: str
    objectives: tuple[RedObjectiveRow, ...]
    acts: tuple[RedActRow, ...]


@attrs.frozen
class RatingRow:
    """One statement of the feedback form: how many rated it, the mean, and how many gave
    each of 1..5."""

    question: str
    count: int
    mean: float | None
    spread: tuple[int, ...]  # five counts: how many gave 1, 2, 3, 4, 5


@attrs.frozen
class FeedbackReport:
    """The participants' feedback forms. Anonymised (`named` False): no team or participant,
    and the texts in alphabetical order, so neither who wrote them nor the order of sending
    shows; named: each text with its team (and participant), in the order given."""

    forms: int
    named: bool
    ratings: tuple[RatingRow, ...]
    strengths: tuple[str, ...]
    improvements: tuple[str, ...]
    missed: tuple[str, ...]


@attrs.frozen
class Report:
    id: str
    title: str
    scenario_id: str
    scenario_title: str
    seed: int
    started: str
    last_activity: str
    status: str  # ready | running | ended
    turn: int
    turns: int
    period: str  # "2026 Q1 to 2027 Q4"
    simulated: bool
    parent: dict | None
    notice: str
    teams: tuple[tuple[str, tuple[str, ...]], ...]  # (name, ally names)
    objectives: tuple[ObjectiveReport, ...]
    timeline: tuple[TurnEntry, ...]
    decisions: tuple[Decision, ...]
    outcome: Outcome
    charts: tuple[Chart, ...]
    unit: str
    general: ObjectiveReport | None = None  # notes that belong to no objective
    ledgers: tuple[TeamLedger, ...] = ()
    red: RedReport | None = None  # the adversary, when the scenario has one
    feedback: FeedbackReport | None = None  # the participants' forms (None: the record has none)
    # the heading of the teams table's second column: what the scenario calls allies ([words]),
    # or 'Funds' where no team plays any (its cells then say each team's funds per turn)
    team_heading: str = "Allies"
    words: model.Words = model.Words()  # the scenario's words (what it calls capabilities, commands...)

    @property
    def analysed(self) -> tuple[ObjectiveReport, ...]:
        """The objectives, then the general observations if any: what the analysis covers."""
        return self.objectives + ((self.general,) if self.general else ())

    def improvement_plan(self) -> list[tuple[str, str]]:
        """(objective, area for improvement), one row per area, for the plan to complete."""
        return [(o.name, n.text) for o in self.analysed for n in o.improvements]


def category_label(category: str, words: model.Words) -> str:
    """A timeline category as shown: 'command' (leads, forces) in the scenario's words."""
    return words.command if category == "command" else category


def stamp(at: str | None) -> str:
    """'2026-11-25T06:25:45+00:00' -> '2026-11-25 06:25 UTC'."""
    if not at:
        return "-"
    day, _, time = at.partition("T")
    return f"{day} {time[:5]} UTC" if time.endswith("+00:00") else at


def build(record: Record, states: dict[int, engine.State] | None = None, name_feedback: bool = False) -> Report:
    """The report of a save; `states` (record.states_by_turn()) when already at hand;
    `name_feedback`: the participants' feedback with their teams' names (anonymised if not)."""
    sc = record.scenario
    states = record.states_by_turn() if states is None else states
    final = states[max(states)]
    teams = {t.id: short(t.name) for t in sc.teams}
    return Report(
        id=record.id, title=record.title, scenario_id=sc.id, scenario_title=sc.title, seed=record.seed,
        started=stamp(record.header.at),
        # a fork's records keep their parent's times, older than its own header
        last_activity=stamp(max(filter(None, [record.header.at] + [r.at for r in record.records[-1:]]))),
        status=final.status, turn=final.turn, turns=sc.calendar.turns,
        period=f"{sc.calendar.label(1)} to {sc.calendar.label(sc.calendar.turns)}", simulated=record.simulated,
        parent=record.header.parent, notice=record.notice,
        teams=tuple((t.name, tuple(a.name for a in sc.allies if a.id in t.allies)
                     or ((f"{t.funds:g} {sc.budget.unit} a turn",) if t.funds else ())) for t in sc.teams),
        team_heading=sc.words.cap("allies") if any(t.allies for t in sc.teams) else "Funds",
        words=sc.words,
        objectives=_objectives(sc, final, teams),
        general=_general(sc, final),
        timeline=_timeline(sc, record.records),
        decisions=_decisions(final, teams),
        outcome=_outcome(final),
        charts=_charts(sc, record.records, states, teams),
        unit=sc.budget.unit,
        ledgers=_ledgers(record),
        red=_red(sc, final, record.records, teams),
        feedback=_feedback(final, teams, name_feedback),
    )


def _feedback(state, teams: dict[str, str], named: bool) -> FeedbackReport | None:
    from exercise.engine.feedback import QUESTIONS

    forms = getattr(state, "feedback", ())
    if not forms:
        return None
    rows = []
    for q, statement in QUESTIONS:
        given = [f.ratings[q] for f in forms if q in f.ratings]
        spread = tuple(given.count(r) for r in range(1, 6))
        rows.append(RatingRow(statement, len(given), sum(given) / len(given) if given else None, spread))

    def texts(read) -> tuple[str, ...]:
        if not named:  # alphabetical: nothing of who wrote it or when
            return tuple(sorted((x for f in forms for x in read(f)), key=lambda x: (x.casefold(), x)))
        out = []
        for f in forms:
            who = teams.get(f.team, f.team) + (f", {f.participant}" if f.participant else "")
            out += [f"{x} ({who})" for x in read(f)]
        return tuple(out)

    return FeedbackReport(len(forms), named, tuple(rows), texts(lambda f: f.strengths),
                          texts(lambda f: f.improvements), texts(lambda f: (f.missed,) if f.missed else ()))


def _red(sc: model.Scenario, state, records: Sequence[CommandRecord], teams: dict[str, str]) -> RedReport | None:
    """The adversary's objectives (engine.red.objectives on the final state) and its acts,
    read from the journal's events (a resolution records which teams resisted)."""
    from exercise.engine import red as red_rules

    adv = sc.adversary
    if adv is None:
        return None
    objectives = []
    for o in red_rules.objectives(state):
        measured = o.value is not None and o.target is not None
        objectives.append(RedObjectiveRow(
            o.name, o.description, f"{o.value:g}" if o.value is not None else "not measured",
            f"{'at most' if o.better == 'lower' else 'at least'} {o.target:g}" if o.target is not None else "",
            ("met" if o.met else "not met") if measured else "not measured"))
    menu = {a.id: a.name for a in adv.actions}
    commands = {c.id: short(c.name) for c in sc.commands}
    names = lambda ids, none: ", ".join(teams.get(t, t) for t in ids) or none
    places = state.rules.money_places
    acts: dict[str, RedActRow] = {}
    for r in records:
        for e in r.events:
            k, mid = e.get("kind"), str(e.get("id", ""))
            if k == "red_action_planned":
                target = e.get("target")
                on = str(teams.get(target) or commands.get(target) or target) if target else "every team"
                acts[mid] = RedActRow(e["turn"], str(menu.get(e["action"], e["action"])), on, "planned")
            elif k == "red_action_withdrawn" and mid in acts:
                refund = lg.amount(float(e.get("refund", 0.0)), adv.unit, places)
                acts[mid] = attrs.evolve(acts[mid], result=f"withdrawn (refunded {refund})")
            elif k == "red_action_resolved" and mid in acts:
                seen = (("noticed, attributed" if e.get("attributed") else "noticed, unattributed")
                        if e.get("detected") else "unnoticed")
                acts[mid] = attrs.evolve(acts[mid], result=seen, hit=names(e.get("teams") or (), "nobody"),
                                         resisted=names(e.get("resisted") or (), "none"))
    return RedReport(adv.name, adv.unit, tuple(objectives), tuple(acts.values()))


def _ledgers(record: Record) -> tuple[TeamLedger, ...]:
    sc = record.scenario
    changes = lg.build(record.initial(), ([engine.from_dict(e) for e in r.events] for r in record.records)).changes
    label = lambda turn: sc.calendar.label(turn) if turn else "before the start"
    return tuple(TeamLedger(t.name, lg.by_turn(lg.for_team(changes, t.id, facilitator=True), label))
                 for t in sc.teams)


def _timeline(sc: model.Scenario, records: Sequence[CommandRecord]) -> tuple[TurnEntry, ...]:
    narrator = Narrator(sc)
    turns: list[tuple[int, list[Line]]] = [(0, [])]
    for r in records:
        for e in r.events:
            kind = e.get("kind", "")  # "" (no category) rather than None: CATEGORY is keyed by str
            if kind == "turn_started":
                turns.append((e["turn"], []))
                continue
            if kind == "feedback_given":  # who gave feedback, and when, stays out of the report
                continue
            text = narrator.line(e)  # also learns ad-hoc inject titles
            if text:
                turns[-1][1].append(Line(CATEGORY.get(kind, "other"), r.sign(text)))  # a controller's, an evaluator's
    label = sc.calendar.label
    return tuple(TurnEntry(t, label(t) if t else "before the start", tuple(lines))
                 for t, lines in turns if t or lines)


def _decisions(state, teams: dict[str, str]) -> tuple[Decision, ...]:
    out = []
    for iid, turn in state.fired.items():
        inj = state.inject(iid)
        if inj is None or not (inj.options or inj.expected):
            continue
        labels = {o.id: o.label for o in inj.options}
        for team in state.targets(iid) or ("",):
            answer = state.answers.get((iid, team))
            choice = labels.get(answer[0], answer[0]) if answer else ("(no answer yet)" if inj.options else "")
            out.append(Decision(turn, inj.title, teams.get(team, team), choice, bool(answer and answer[1]),
                                tuple(inj.expected)))
    return tuple(out)


def _note(n, state) -> NoteItem:
    inj = state.inject(n.inject) if n.inject else None
    return NoteItem(n.turn, n.phase, n.text, n.rating, tuple(n.tags), inj.title if inj else n.inject,
                    _team_name(state, n.team), n.author)


def _team_name(state, team: str | None) -> str:
    if not team:
        return ""
    t = state.rules.teams.get(team)
    return short(t.name) if t else team


def _sorted_notes(notes, state, objective: str | None):
    """(strengths, improvements, observations) by rating (for this objective) or tag."""
    strengths, improvements, observations = [], [], []
    for n in notes:
        item = _note(n, state)
        tags = {t.lower().lstrip("#") for t in n.tags}  # the timeline shows tags as #tag
        rating = n.rating if objective is not None and n.objective == objective else None
        if rating in IMPROVEMENT_RATINGS or tags & IMPROVEMENT_TAGS:
            improvements.append(item)
        elif rating in STRENGTH_RATINGS or tags & STRENGTH_TAGS:
            strengths.append(item)
        else:
            observations.append(item)
    return strengths, improvements, observations


def _general(sc: model.Scenario, state) -> ObjectiveReport | None:
    """Notes that name no objective and are about no inject that exercises one."""
    red = sc.adversary.id if sc.adversary is not None else None
    known = {o.id for o in sc.all_objectives() if red is None or o.team != red}  # red's are not analysed
    # a "seats" note (a seat added or revoked) is about the room, not the teams: the timeline has it
    notes = [n for n in state.notes if n.objective not in known and "seats" not in n.tags and not (
        n.inject and not n.objective and set(getattr(state.inject(n.inject), "objectives", ())) & known)]
    if not notes:
        return None
    strengths, improvements, observations = _sorted_notes(notes, state, None)
    return ObjectiveReport(
        id="", name="General observations", description="Notes that name no objective of this exercise.",
        team="all teams", rating=None, ratings=(), strengths=tuple(strengths), improvements=tuple(improvements),
        observations=tuple(observations), injects=())


def _objectives(sc: model.Scenario, state, teams: dict[str, str]) -> tuple[ObjectiveReport, ...]:
    out = []
    red = sc.adversary.id if sc.adversary is not None else None
    for o in sc.all_objectives():
        if red is not None and o.team == red:
            continue  # the adversary's: the red cell's section measures them (Report.red)
        exercising = {iid for iid in state.fired if o.id in getattr(state.inject(iid), "objectives", ())}
        notes = [n for n in state.notes if n.objective == o.id or (n.inject in exercising and not n.objective)]
        strengths, improvements, observations = _sorted_notes(notes, state, o.id)
        rated = [n for n in notes if n.objective == o.id and n.rating]
        ratings = tuple((n.turn, n.rating) for n in rated)
        history = tuple(Rated(n.turn, n.rating, _team_name(state, n.team), n.author) for n in rated)
        # a rating that names no team rates every team the objective concerns
        concerned = [o.team] if o.team is not None and o.team in teams else list(teams)
        by_team = []
        for team in concerned:
            mine = tuple(h for n, h in zip(rated, history) if n.team in (None, team))
            by_team.append((teams[team], mine[-1].rating if mine else None, mine))
        out.append(ObjectiveReport(
            id=o.id, name=o.name, description=o.description, team=teams.get(o.team, "all teams") if o.team is not None else "all teams",
            rating=ratings[-1][1] if ratings else None, ratings=ratings,
            strengths=tuple(strengths), improvements=tuple(improvements), observations=tuple(observations),
            injects=tuple(state.inject(i).title for i in state.fired if i in exercising),
            history=history, by_team=tuple(by_team)))
    return tuple(out)


def _outcome(state) -> Outcome:
    """The verdict (or, before the end, what it would be now) and every outcome tried."""
    r = state.rules
    world = engine.StateWorld(state, r)
    labels = labels_of(r)
    tried = []
    rows = scoring.criteria(state, r) if r.scenario.scorecard is not None else ()
    pct = scoring.score(rows)
    for outcome, tree, fn in r.outcomes:
        band = r.bands.get(outcome.id)
        if fn is None and band is None:
            tried.append(Tried(outcome.name, "", True, ""))
            break
        parts, held = [], True
        if band is not None:
            held = scoring.band_holds(band, pct, rows)
            limit = "" if band.max_not_met is None else f", {scoring.not_met_words(band.max_not_met)}"
            parts.append(f"Score: {pct:g} % of the points, needs {band.score:g} %{limit}")
        if fn is not None:
            held = bool(fn(world)) and held
            parts += [str(c) for c in cond.explain(tree, world, labels)]
        tried.append(Tried(outcome.name, outcome.condition or "", held, "; ".join(parts)))
        if held:
            break
    v = state.verdict
    p = state.proposal
    if p is not None:
        scored = _scored(state, p, v)
        text = next((o.text for o in r.scenario.outcomes if o.id == (v.outcome if v else p.outcome)), "")
        if v is None:  # ended, the US desk (the scenario's verdict_by) has not judged yet
            return Outcome(True, f"{p.name} (proposed; {r.scenario.words.verdict_by} has not judged it yet)",
                           p.reason, p.turn,
                           p.early, p.note, text, tuple(tried), **scored)
        reason = v.reason
        if not _EXPLAINED.search(reason) and engine.judge(state, r)[0] == v.proposed:
            reason = explain_outcome(state, r)  # as below: a raw reason explained again
        return Outcome(True, v.name, reason, v.turn, v.early, v.note, text, tuple(tried), **scored)
    if v is None:
        oid, name, reason = engine.judge(state, r)
        text = next((o.text for o in r.scenario.outcomes if o.id == oid), "")
        return Outcome(False, name, reason, state.turn, False, "", text, tuple(tried))
    text = next((o.text for o in r.scenario.outcomes if o.id == v.outcome), "")
    reason = v.reason
    if not _EXPLAINED.search(reason) and engine.judge(state, r)[0] == v.outcome:
        # a save from before outcomes were explained recorded the raw expression: the same
        # verdict, explained from the same final state (the record is left as it was)
        reason = explain_outcome(state, r)
    return Outcome(True, v.name, reason, v.turn, v.early, v.note, text, tuple(tried))


def _scored(state, p, v) -> dict:
    """The scorecard of a proposal as the report's rows, and the US desk's judgement."""
    r = state.rules
    names = {o.id: o.name for o in r.scenario.outcomes}
    card = []
    for x in p.criteria:
        met, partly, better = scoring.thresholds(r, x["id"])
        card.append((x["name"], scoring.shown(x["value"], met, partly, better) + (f" {x['unit']}" if x.get("unit") else ""),
                     scoring.needed_words(met, partly, better), x["band"], f"{x['points']:g} of {x['weight']:g}"))
    teams = tuple((r.team_name(x["team"]), x["name"], f"{x['value']:g}",
                   f"{'at most' if x['better'] == 'lower' else 'at least'} {x['target']:g}",
                   "met" if x["met"] else "not met") for x in p.objectives)
    by = r.scenario.words.verdict_by
    judged = (f"{by[:1].upper() + by[1:]} has not judged the proposal yet." if v is None
              else scoring.verdict_words(names.get(v.proposed or ""), v.name, v.overridden, v.rationale, by))
    return {"score": p.score, "scorecard": tuple(card), "judged": judged, "team_objectives": teams}


_EXPLAINED = re.compile(r" — (not )?met$|^No outcome has a condition|^Scorecard: ", re.M)


def _charts(sc: model.Scenario, records: Sequence[CommandRecord], states: dict, teams: dict[str, str]) -> tuple[Chart, ...]:
    last = max(states)
    labels = ("start",) + tuple(sc.calendar.label(t) for t in range(1, last + 1))
    tracks = track_series(sc, list(records))

    def fit(values) -> tuple[float | None, ...]:
        values = list(values)[: len(labels)]
        return tuple(values + [None] * (len(labels) - len(values)))

    charts = []
    for t in sc.tracks:
        if t.scope == "world":
            series: tuple[Series, ...] = (Series(t.name, fit(tracks[(t.id, None)])),)
        else:
            series = tuple(Series(teams[team.id], fit(tracks[(t.id, team.id)])) for team in sc.teams)
        charts.append(Chart(f"track-{t.id}", t.name, "", labels, series, t.min, t.max))
    unit = sc.budget.unit

    def per_team(read) -> tuple[Series, ...]:
        return tuple(Series(teams[team.id], (None,) + tuple(read(states[k], team.id) for k in range(1, last + 1)))
                     for team in sc.teams)

    charts.append(Chart("budget", "Budget of the turn", unit, labels,
                        per_team(lambda s, team: s.budget.get(team, (0.0, {}))[0]), low=0.0))
    charts.append(Chart("money", "Money for orders at the end of the turn", unit, labels,
                        per_team(lambda s, team: s.cash.get(team, 0.0)), low=0.0))
    return tuple(charts)
