"""A scenario prepared for play: lookups, schedules and compiled conditions.

Built once per scenario object and cached, so `decide` never parses a condition or
searches a tuple by id on the hot path.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from exercise import conditions as cond
from exercise import model
from exercise.engine.trackfx import EACH, combine_of


class ScenarioError(ValueError):
    """The scenario cannot be played (it should have failed `exercise validate`)."""


class ScenarioRules:
    """Everything static about a scenario that the engine looks up while playing."""

    def __init__(self, scenario: model.Scenario):
        s = scenario
        self.scenario = s
        self.memo: dict = {}  # results of pure functions of the rules (bots' budget splits)
        self.turns = s.calendar.turns
        b = s.budget
        self.budget = b
        # teams and allies
        self.teams = {t.id: t for t in s.teams}
        self.team_ids = tuple(self.teams)
        self.names = {t.id: t.name for t in s.teams}
        self.allies = {a.id: a for a in s.allies}
        self.ally_team: dict[str, str] = {}
        for t in s.teams:
            for a in t.allies:
                self.ally_team[a] = t.id
        self.team_allies = {t.id: frozenset(t.allies) for t in s.teams}
        # money: an ally's per-turn playable money per % GDP of spending
        self.factor = {
            a.id: a.gdp / 100.0 / max(1, b.turns_per_year) * b.playable_share for a in s.allies
        }
        self.team_factors = {t.id: tuple((a, self.factor[a]) for a in t.allies) for t in s.teams}
        # money a team receives every turn whatever its allies spend ([[team]] funds; 0.0 adds nothing)
        self.team_funds = {t.id: float(t.funds) for t in s.teams}
        self.cats = b.categories
        self.cat_ids = tuple(c.id for c in self.cats)
        self.cat = {c.id: c for c in self.cats}
        proc = [c.id for c in self.cats if c.procurement]
        self.proc = proc[0] if proc else None
        self.proc_index = self.cat_ids.index(self.proc) if self.proc else None
        self.default_shares = tuple(c.default_share for c in self.cats)
        # tracks
        self.tracks = {t.id: t for t in s.tracks}
        self.world_tracks = tuple(t.id for t in s.tracks if t.scope == "world")
        self.team_tracks = tuple(t.id for t in s.tracks if t.scope == "team")
        self.thresholds = {t.id: t.thresholds for t in s.tracks if t.thresholds}
        self.bounds = {t.id: (t.min, t.max) for t in s.tracks}
        # some option effect on a world track combines over teams ('once', 'mean'): deliberation's
        # close has answers to combine (else it skips the look)
        self.combining = any(t.combine != "each" for t in s.tracks if t.scope == "world") or any(
            e.combine not in (None, "each") for i in s.all_injects() for o in i.options for e in o.effects)
        # decimal places each track and money are kept to (see exercise/exact.py)
        self.places = {t.id: t.decimals for t in s.tracks}
        self.money_places = b.decimals
        self.splits: dict = {}  # (total, shares) -> amounts per category, memoised by team_budget
        self.funded = tuple(
            (t.id, t.funded_by, t.funding_floor, t.decay)
            for t in s.tracks
            if t.scope == "team" and t.funded_by and t.decay > 0
        )
        counts: dict[str, int] = {}
        for _, cat, _, _ in self.funded:
            counts[cat] = counts.get(cat, 0) + 1
        self.sustain = max(counts, key=counts.__getitem__) if counts else None  # funds the most decaying tracks
        # items, commands, objectives
        self.items = {i.id: i for i in s.items}
        self.items_by_cost = sorted(self.items.values(), key=lambda i: i.cost)  # stable, as the bots sorted
        self.items_dearest_first = sorted(self.items.values(), key=lambda i: -i.cost)
        self.line = {i.id: i.line or i.id for i in s.items}
        self.expansions = {x.id: x for x in s.expansions}
        self.line_expansions: dict[str, tuple] = {}  # line -> its expansions
        for x in s.expansions:
            line = self.line.get(x.line, x.line)  # an item id names its line
            self.line_expansions[line] = self.line_expansions.get(line, ()) + (x,)
        self.commands = {c.id: c for c in s.commands}
        self.lead_cost = {c.id: c.lead_cost for c in s.commands}
        self.objectives = {o.id: o for o in s.all_objectives()}
        # injects
        injects = s.all_injects()
        self.injects = {i.id: i for i in injects}
        self.order = _topological(injects)
        self.rank = {iid: k for k, iid in enumerate(self.order)}
        self.by_turn: dict[int, list[str]] = defaultdict(list)
        floating = []
        for iid in self.order:
            inj = self.injects[iid]
            if inj.reserve:
                continue
            if inj.turn is not None:
                self.by_turn[inj.turn].append(iid)
            elif inj.window is not None:
                for turn in range(inj.window[0], inj.window[1] + 1):
                    self.by_turn[turn].append(iid)
            elif inj.condition is not None or inj.requires:
                floating.append(iid)
        self.by_turn = dict(self.by_turn)
        self.floating = tuple(floating)
        # what fire_scheduled looks at each turn, in requires-first order
        self.candidates = {
            turn: tuple(sorted(set(self.by_turn.get(turn, ())) | set(floating), key=self.rank.__getitem__))
            for turn in range(1, self.turns + 1)
        }
        self.conds = {}
        for inj in injects:
            if inj.condition is not None:
                self.conds[inj.id] = _compile(inj.condition, f"inject {inj.id!r}")
        # inject -> ((compiled condition, add), ...): its chance while each holds
        self.odds = {inj.id: tuple((_compile(o.condition, f"odds of inject {inj.id!r}"), o.add) for o in inj.odds)
                     for inj in injects if inj.odds}
        self.targets = {i.id: self.resolve_to(i.to) for i in injects}
        self.options = {i.id: {o.id: o for o in i.options} for i in injects if i.options}
        # injects with an option effect that combines over the teams ('once', 'mean'): the
        # only ones deliberation's close looks at (of the scenario's; ad-hoc ones are looked at)
        self.combines = frozenset(
            i.id for i in injects for o in i.options for e in o.effects
            if e.track in self.tracks and combine_of(e, self.tracks[e.track]) != EACH)
        # team -> scenario injects that ask it to decide
        self.decisions_for = {t: frozenset(i for i in self.options if t in self.targets[i]) for t in self.team_ids}
        self.default_option = {
            iid: next((o.id for o in self.injects[iid].options if o.default), self.injects[iid].options[0].id)
            for iid in self.options
        }
        tagged = defaultdict(list)
        for inj in injects:
            for tag in inj.tags:
                tagged[tag].append(inj.id)
        self.tagged = dict(tagged)
        # outcomes: (outcome, parsed tree or None, compiled or None)
        self.outcomes: list[tuple[model.Outcome, Any, cond.Compiled | None]] = []
        for o in s.outcomes:
            if o.condition is None:
                self.outcomes.append((o, None, None))
            else:
                tree = _parse(o.condition, f"outcome {o.id!r}")
                self.outcomes.append((o, tree, cond.compile_expr(tree)))

        # the scorecard's criteria and the teams' scored objectives: (model, compiled measure)
        card = s.scorecard
        self.criteria = tuple((c, _compile(c.measure, f"criterion {c.id!r}")) for c in card.criteria) if card else ()
        self.bands = {b.outcome: b for b in card.bands} if card else {}
        # the adversary (red cell): its menu by id; its objectives are scored apart from the
        # teams' (red_objectives), so the teams' verdict reads as it did before adversaries
        adv = self.adversary = s.adversary
        self.red_id = adv.id if adv is not None else None
        self.red_actions = {a.id: a for a in adv.actions} if adv is not None else {}
        self.scored_objectives = tuple(
            (o, _compile(o.measure, f"objective {o.id!r}"))
            for o in s.all_objectives()
            if o.measure is not None and o.target is not None and (o.team is None or o.team != self.red_id))
        self.red_objectives = tuple(
            (o, _compile(o.measure, f"objective {o.id!r}") if o.measure is not None else None)
            for o in s.all_objectives() if adv is not None and o.team == adv.id)

    def resolve_to(self, to) -> tuple[str, ...]:
        """Team ids an inject goes to: 'all' is every team, 'facilitator' none."""
        if "all" in to:
            return self.team_ids
        return tuple(t for t in to if t in self.teams)

    def team_name(self, team: str) -> str:
        t = self.teams.get(team)
        return t.name if t else team


def _parse(text: str, where: str):
    try:
        return cond.parse(text)
    except cond.ConditionError as e:
        raise ScenarioError(f"condition of {where} does not parse: {e.message}") from None


def _compile(text: str, where: str):
    return cond.compile_expr(_parse(text, where))


def _topological(injects) -> tuple[str, ...]:
    """Inject ids with every inject after the ones it requires (file order otherwise)."""
    ids = {i.id: i for i in injects}
    out: list[str] = []
    state: dict[str, int] = {}  # 1 while visiting, 2 once placed

    def visit(iid):
        if state.get(iid) == 2:
            return
        if state.get(iid) == 1:
            raise ScenarioError(f"inject {iid!r} is part of a requires cycle")
        state[iid] = 1
        for r in ids[iid].requires:
            if r in ids:
                visit(r)
        state[iid] = 2
        out.append(iid)

    for i in injects:
        visit(i.id)
    return tuple(out)


_CACHE: dict[int, ScenarioRules] = {}


def rules_for(scenario: model.Scenario) -> ScenarioRules:
    """The prepared rules of a scenario, built on first use."""
    rules = _CACHE.get(id(scenario))
    if rules is None or rules.scenario is not scenario:
        if len(_CACHE) > 32:
            _CACHE.clear()
        rules = _CACHE[id(scenario)] = ScenarioRules(scenario)
    return rules
