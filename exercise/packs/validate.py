"""Cross-reference checks over a loaded scenario: ids, bounds, schedules and conditions.

Structure (types, unknown keys) is checked by the converter; this module checks what only
the whole scenario can tell: that every id named exists, that numbers are in range, that
injects can fire within the calendar and that conditions name real things.
"""

from __future__ import annotations

import attrs

from exercise import conditions as cond
from exercise import model
from exercise.effect_rules import effect_faults, names_of, too_precise, track_places
from exercise.exact import MAX_DECIMALS
from exercise.packs.loader import Loaded, Origin
from exercise.packs.problems import Problems
from exercise.suggest import hint_last

SPECIAL_TARGETS = ("all", "facilitator")


@attrs.define
class _Checker:
    loaded: Loaded
    problems: Problems
    s: model.Scenario = attrs.field(init=False)
    names: cond.Names = attrs.field(init=False)

    def __attrs_post_init__(self):
        self.s = self.loaded.scenario
        names = names_of(self.s)
        # Rows left out as broken were reported already; references to them are not news.
        extra: dict[str, set] = {}
        for table, ident in self.loaded.broken:
            extra.setdefault(table, set()).add(ident)
        self.names = attrs.evolve(
            names,
            injects=names.injects | extra.get("inject", set()),
            teams=names.teams | extra.get("team", set()),
            items=names.items | extra.get("item", set()),
            allies=names.allies | extra.get("ally", set()),
            commands=names.commands | extra.get("command", set()),
        )

    # -- locating --------------------------------------------------------------
    def origin(self, kind: str, ident: str) -> Origin:
        o = self.loaded.origins.get((kind, ident))
        return o or Origin(self.loaded.files[0], ())

    def err(self, kind: str, ident: str, sub: tuple, msg: str, warning: bool = False):
        o = self.origin(kind, ident)
        where = f" in {kind} {ident!r}" if kind not in ("scenario", "calendar", "budget") else ""
        self.problems.add(o.file, o.path + sub, hint_last(msg, where), "warning" if warning else "error")

    def top(self, path: tuple, msg: str, warning: bool = False):
        self.problems.add(self.loaded.files[0], path, msg, "warning" if warning else "error")

    def ref(self, kind: str, ident: str, sub: tuple, what: str, value: str, pool) -> bool:
        if value in pool:
            return True
        self.err(kind, ident, sub, f"unknown {what} {value!r}{self.problems.did_you_mean(value, pool)}")
        return False

    # -- checks ------------------------------------------------------------------
    def run(self):
        self.calendar()
        self.phases()
        self.budget()
        self.allies_and_teams()
        self.commands()
        self.tracks()
        self.items()
        self.injects()
        self.objectives_and_outcomes()
        self.adversary()

    def calendar(self):
        c = self.s.calendar
        if c.turns < 1:
            self.top(("calendar", "turns"), "turns must be at least 1")
        if not 1 <= c.start_quarter <= 4:
            self.top(("calendar", "start_quarter"), "start_quarter must be 1, 2, 3 or 4")
        if c.labels and len(c.labels) != c.turns:
            self.top(("calendar", "labels"), f"labels has {len(c.labels)} entries but the calendar has {c.turns} turns")
        for key, low, high in (("every", 1, 1000), ("start_month", 1, 12), ("start_hour", 0, 23)):
            if not low <= getattr(c, key) <= high:
                self.top(("calendar", key), f"{key} must be between {low} and {high}")

    def phases(self):
        ids = [p.id for p in self.s.phases]
        if ids != list(model.PHASES):
            self.top(("phase",), "phases must be, in this order: " + ", ".join(model.PHASES)
                     + f" (found: {', '.join(ids) or 'none'})")

    def budget(self):
        b = self.s.budget
        cats = b.categories
        if not cats:
            self.top(("budget",), "budget has no categories; add [[budget.category]] tables (e.g. sustain, invest)")
            return
        seen = set()
        for j, c in enumerate(cats):
            path = ("budget", "category", j)
            if c.id in seen:
                self.top(path + ("id",), f"duplicate budget category {c.id!r}")
            seen.add(c.id)
            for key in ("min_share", "max_share", "default_share"):
                v = getattr(c, key)
                if not 0 <= v <= 1:
                    self.top(path + (key,), f"{key} of category {c.id!r} must be between 0 and 1 (found {v:g})")
            if c.min_share > c.max_share:
                self.top(path + ("min_share",), f"min_share is above max_share in category {c.id!r}")
            if not c.min_share <= c.default_share <= c.max_share:
                self.top(path + ("default_share",), f"default_share of {c.id!r} is outside its min_share..max_share")
        if sum(c.min_share for c in cats) > 1 + 1e-9:
            self.top(("budget",), "the categories' min_share add up to more than 1")
        total = sum(c.default_share for c in cats)
        if abs(total - 1) > 1e-6:
            self.top(("budget",), f"the categories' default_share add up to {total:g}, not 1")
        proc = [c.id for c in cats if c.procurement]
        if len(proc) != 1 and self.s.items:
            self.top(("budget",), "exactly one budget category must have procurement = true (it pays for orders)")
        if not 0 < b.playable_share <= 1:
            self.top(("budget", "playable_share"), "playable_share must be above 0 and at most 1")
        if b.turns_per_year < 1:
            self.top(("budget", "turns_per_year"), "turns_per_year must be at least 1")
        if b.carry_over is not None and not 0 <= b.carry_over <= 1:
            self.top(("budget", "carry_over"), f"carry_over must be between 0 and 1 (found {b.carry_over:g}); "
                     "leave it out to let all unspent money carry over")
        if not 0 <= b.decimals <= MAX_DECIMALS:
            self.top(("budget", "decimals"), f"decimals must be between 0 and {MAX_DECIMALS} (found {b.decimals})")
        for key in ("raise_effects", "cut_effects"):
            for k, e in enumerate(getattr(b, key)):
                self.effect("budget", "", (key, k), e, top=("budget", key, k))

    def allies_and_teams(self):
        commands = self.names.commands
        for a in self.s.allies:
            if a.command is not None:
                self.ref("ally", a.id, ("command",), "command", a.command, commands)
            if a.gdp <= 0:
                self.err("ally", a.id, ("gdp",), "gdp must be above 0")
            if not 0 <= a.spending <= 50:
                self.err("ally", a.id, ("spending",), "spending is a % of GDP between 0 and 50")
        if not self.s.teams:
            self.top((), "the scenario has no teams; add [[team]] tables")
        played: dict[str, str] = {}
        objectives = {o.id for o in self.s.all_objectives()}
        for t in self.s.teams:
            words, unit = self.s.words, self.s.budget.unit
            if t.funds < 0:  # what is wrong, and what to write instead
                self.err("team", t.id, ("funds",),
                         f"funds must be positive (found {t.funds:g}): the team's money per turn, in {unit}; "
                         f"write e.g. funds = 100" + ("" if t.allies else f", or give the team the {words.allies} "
                                                      "it plays (allies = [...], ids of [[ally]] tables)")
                         + (f", or leave funds out (its {words.allies} pay)" if t.allies else ""))
            elif not t.allies and t.funds == 0:
                self.err("team", t.id, ("funds",),
                         f"the team has no money: give it funds, its money per turn in {unit} (e.g. funds = 100), "
                         f"or the {words.allies} it plays (allies = [...], ids of [[ally]] tables)")
            for k, a in enumerate(t.allies):
                if self.ref("team", t.id, ("allies", k), "ally", a, self.names.allies):
                    if a in played:
                        self.err("team", t.id, ("allies", k), f"ally {a!r} is already played by team {played[a]!r}")
                    played[a] = t.id
            for k, o in enumerate(t.objectives):
                self.ref("team", t.id, ("objectives", k), "objective", o, objectives)
            if t.id in SPECIAL_TARGETS:
                self.err("team", t.id, ("id",), f"{t.id!r} is reserved for inject targets; choose another team id")

    def money(self, kind: str, ident: str, key: str, value: float):
        """Money written with more decimals than [budget] decimals keeps."""
        msg = too_precise(key, value, self.s.budget.decimals, "money",
                          "set decimals = {n} in [budget]")
        if msg:
            self.err(kind, ident, (key,), msg)

    def points(self, kind: str, ident: str, sub: tuple, key: str, value: float, track: str):
        """A track value written with more decimals than the track keeps."""
        places = track_places(self.s).get(track)
        if places is not None:
            msg = too_precise(key, value, places, f"track {track!r}", "give the track decimals = {n}")
            if msg:
                self.err(kind, ident, sub, msg)

    def commands(self):
        for c in self.s.commands:
            self.money("command", c.id, "lead_cost", c.lead_cost)
            if c.lead is not None:
                self.ref("command", c.id, ("lead",), "ally", c.lead, self.names.allies)
            for k, f in enumerate(c.forces):
                self.ref("command", c.id, ("force", k, "team"), "team", f.team, self.names.teams)
                if f.capability not in self.names.team_tracks:
                    self.err("command", c.id, ("force", k, "capability"),
                             f"capability {f.capability!r} is not a team track{self.problems.did_you_mean(f.capability, self.names.team_tracks)}")
                else:
                    self.points("command", c.id, ("force", k, "amount"), "amount", f.amount, f.capability)
            for key in ("lead_effects", "hand_back_effects"):
                for k, e in enumerate(getattr(c, key)):
                    self.effect("command", c.id, (key, k), e)
            for k, a in enumerate(c.eligible):
                self.ref("command", c.id, ("eligible", k), "ally", a, self.names.allies)
            for key in ("min_gdp", "min_defence"):
                v = getattr(c, key)
                if not v >= 0:  # also NaN
                    self.err("command", c.id, (key,), f"{key} must be 0 or more (found {v:g})")
            if not 1 <= c.manning_turns <= 20:
                self.err("command", c.id, ("manning_turns",),
                         f"manning_turns must be between 1 and 20 (found {c.manning_turns}); 1 means fully manned at once")

    def tracks(self):
        cats = {c.id for c in self.s.budget.categories}
        for t in self.s.tracks:
            if not 0 <= t.decimals <= MAX_DECIMALS:
                self.err("track", t.id, ("decimals",), f"decimals must be between 0 and {MAX_DECIMALS} (found {t.decimals})")
            else:
                for key in ("min", "max", "initial", "decay"):
                    self.points("track", t.id, (key,), key, getattr(t, key), t.id)
                for team, v in t.initial_by_team.items():
                    self.points("track", t.id, ("initial_by_team", team), "initial", v, t.id)
                for k, th in enumerate(t.thresholds):
                    self.points("track", t.id, ("threshold", k, "at"), "threshold", th.at, t.id)
            if not 0 <= t.diminishing < 1:
                self.err("track", t.id, ("diminishing",),
                         f"diminishing is the share of the scale where adds shrink, from 0 up to (not including) 1 "
                         f"(found {t.diminishing:g})")
            if t.combine != "each" and t.scope != "world":
                self.err("track", t.id, ("combine",),
                         "combine is only for world tracks (a team track's value is each team's own); remove it")
            if t.min >= t.max:
                self.err("track", t.id, ("min",), f"min ({t.min:g}) must be below max ({t.max:g})")
                continue
            if not t.min <= t.initial <= t.max:
                self.err("track", t.id, ("initial",), f"initial {t.initial:g} is outside {t.min:g}..{t.max:g}")
            for team, v in t.initial_by_team.items():
                if t.scope != "team":
                    self.err("track", t.id, ("initial_by_team",), "initial_by_team is only for team tracks")
                    break
                self.ref("track", t.id, ("initial_by_team", team), "team", team, self.names.teams)
                if not t.min <= v <= t.max:
                    self.err("track", t.id, ("initial_by_team", team), f"initial {v:g} for {team!r} is outside {t.min:g}..{t.max:g}")
            if t.funded_by is not None:
                if t.scope != "team":
                    self.err("track", t.id, ("funded_by",), "funded_by is only for team tracks (money is per team)")
                self.ref("track", t.id, ("funded_by",), "budget category", t.funded_by, cats)
            if t.decay < 0:
                self.err("track", t.id, ("decay",), "decay must be 0 or more")
            if t.decay and t.funded_by is None:
                self.err("track", t.id, ("decay",), "decay needs funded_by: the budget category that stops it", warning=True)
            if t.estimate < 0:
                self.err("track", t.id, ("estimate",), f"estimate must be 0 or more (found {t.estimate:g})")
            elif t.estimate and t.scope != "world":
                self.err("track", t.id, ("estimate",), "estimate is only for world tracks (a team knows its own)")
            elif t.estimate > t.max - t.min:
                self.err("track", t.id, ("estimate",),
                         f"estimate {t.estimate:g} is wider than the track's range {t.min:g}..{t.max:g}")
            if t.estimate_source and not t.estimate:
                self.err("track", t.id, ("estimate_source",), "estimate_source needs estimate (above 0)", warning=True)
            last = None
            for k, th in enumerate(t.thresholds):
                if not t.min <= th.at <= t.max:
                    self.err("track", t.id, ("threshold", k, "at"), f"threshold {th.at:g} is outside {t.min:g}..{t.max:g}")
                if last is not None and th.at <= last:
                    self.err("track", t.id, ("threshold", k, "at"), "thresholds must be listed lowest first")
                last = th.at
                for m, e in enumerate(th.effects):
                    self.effect("track", t.id, ("threshold", k, "effects", m), e)

    def items(self):
        for it in self.s.items:
            if it.cost <= 0:
                self.err("item", it.id, ("cost",), "cost must be above 0")
            self.money("item", it.id, "cost", it.cost)
            if it.lead_time < 0:
                self.err("item", it.id, ("lead_time",), "lead_time must be 0 or more turns")
            if it.capacity < 1:
                self.err("item", it.id, ("capacity",), "capacity must be at least 1 unit per turn")
            if it.max_quantity < 1:
                self.err("item", it.id, ("max_quantity",), "max_quantity must be at least 1")
            for key in ("slip_chance", "cancel_penalty"):
                if not 0 <= getattr(it, key) <= 1:
                    self.err("item", it.id, (key,), f"{key} must be between 0 and 1")
            if it.slip_turns < 0:
                self.err("item", it.id, ("slip_turns",), "slip_turns must be 0 or more")
            for key in ("slip_share", "expedite_cost", "expedite_chance"):
                if not 0 <= getattr(it, key) <= 1:
                    self.err("item", it.id, (key,), f"{key} must be between 0 and 1 (found {getattr(it, key):g})")
            if it.slip_share == 0:
                self.err("item", it.id, ("slip_share",), "slip_share 0 means nothing ever slips: set slip_chance = 0 instead")
            if it.expedite_cost and it.expedite_chance >= it.slip_chance:
                self.err("item", it.id, ("expedite_chance",),
                         f"expedite_chance ({it.expedite_chance:g}) must be below slip_chance ({it.slip_chance:g}): "
                         "priority that does not lower the risk is money for nothing")
            if not 0 <= it.paid_on_order <= 1:
                self.err("item", it.id, ("paid_on_order",), "paid_on_order must be between 0 and 1 (1: all paid on order)")
            last_turn = 0
            for k, r in enumerate(it.ramp):
                if r.turn <= last_turn:
                    self.err("item", it.id, ("ramp", k, "turn"),
                             "ramp steps must be listed earliest first, from turn 1 on, one step a turn")
                last_turn = max(last_turn, r.turn)
                if r.capacity < 0:
                    self.err("item", it.id, ("ramp", k, "capacity"), "a ramp step's capacity must be 0 or more units a turn")
            for k, e in enumerate(it.effects):
                self.effect("item", it.id, ("effects", k), e)
        lines = {it.line or it.id for it in self.s.items} | {it.id for it in self.s.items}
        for x in self.s.expansions:
            self.ref("expansion", x.id, ("line",), "production line", x.line, lines)
            if x.capacity < 1:
                self.err("expansion", x.id, ("capacity",), "capacity must be at least 1 extra unit per turn")
            if x.cost < 0:
                self.err("expansion", x.id, ("cost",), "cost must be 0 or more")
            self.money("expansion", x.id, "cost", x.cost)
            if x.lead_time < 0:
                self.err("expansion", x.id, ("lead_time",), "lead_time must be 0 or more turns")
        for k, b in enumerate(self.s.backlog):
            path = ("backlog", k)
            if b.team not in self.names.teams:
                self.top(path + ("team",), f"unknown team {b.team!r} in backlog{self.problems.did_you_mean(b.team, self.names.teams)}")
            if b.item not in self.names.items:
                self.top(path + ("item",), f"unknown item {b.item!r} in backlog{self.problems.did_you_mean(b.item, self.names.items)}")
            if b.quantity < 1:
                self.top(path + ("quantity",), "quantity must be at least 1")
            if b.arrives < 1:
                self.top(path + ("arrives",), "arrives must be turn 1 or later")

    def injects(self):
        injects = self.s.all_injects()
        turns = self.s.calendar.turns
        targets = self.names.teams | set(SPECIAL_TARGETS)
        objectives = {o.id for o in self.s.all_objectives()}
        for inj in injects:
            e = lambda sub, msg, warning=False, i=inj: self.err("inject", i.id, sub, msg, warning)
            if inj.turn is not None and inj.window is not None:
                e(("window",), "give either turn or window, not both")
            if inj.turn is not None and not 1 <= inj.turn <= turns:
                e(("turn",), f"turn {inj.turn} is outside the calendar (1..{turns})")
            if inj.window is not None:
                a, b = inj.window
                if a > b:
                    e(("window",), f"window [{a}, {b}] ends before it starts")
                elif a < 1 or b > turns:
                    e(("window",), f"window [{a}, {b}] is outside the calendar (1..{turns})")
            if not 0 <= inj.chance <= 1:
                e(("chance",), f"chance must be between 0 and 1 (found {inj.chance:g})")
            if inj.after < 0:
                e(("after",), "after must be 0 or more turns")
            if inj.after and not inj.requires:
                e(("after",), "after only applies with requires", warning=True)
            for k, r in enumerate(inj.requires):
                if r == inj.id:
                    e(("requires", k), "an inject cannot require itself")
                else:
                    self.ref("inject", inj.id, ("requires", k), "inject", r, self.names.injects)
            if not inj.to:
                e(("to",), 'to is empty; write ["all"], ["facilitator"] or team ids')
            for k, t in enumerate(inj.to):
                self.ref("inject", inj.id, ("to", k), "team", t, targets)
            if len(inj.to) > 1 and set(inj.to) & set(SPECIAL_TARGETS):
                e(("to",), '"all" and "facilitator" stand alone in to')
            if inj.reserve and (inj.turn is not None or inj.window is not None):
                e(("reserve",), "a reserve inject is fired by the facilitator; its turn or window is ignored", warning=True)
            scheduled = inj.turn is not None or inj.window is not None or inj.condition or inj.requires
            if not inj.reserve and not scheduled:
                e(("id",), "this inject never fires: give it a turn, a window, a condition, requires, or reserve = true",
                  warning=True)
            if inj.condition is not None:
                self.condition("inject", inj.id, ("condition",), inj.condition)
            for k, od in enumerate(inj.odds):
                self.condition("inject", inj.id, ("odds", k, "condition"), od.condition)
                if not -1 <= od.add <= 1:
                    e(("odds", k, "add"), f"add of odds must be between -1 and 1 (found {od.add:g})")
            for k, ef in enumerate(inj.effects):
                self.effect("inject", inj.id, ("effects", k), ef)
            for k, o in enumerate(inj.objectives):
                self.ref("inject", inj.id, ("objectives", k), "objective", o, objectives)
            self.options(inj)
        self.cycles(injects)

    def options(self, inj: model.Inject):
        if not inj.options:
            return
        if inj.to == ("facilitator",):
            self.err("inject", inj.id, ("option",), "an inject sent only to the facilitator cannot ask teams to decide")
        seen = set()
        o = self.origin("inject", inj.id)
        for k, opt in enumerate(inj.options):
            sub = ("option", k)
            if opt.id in seen:
                self.err("inject", inj.id, sub + ("id",), f"duplicate option id {opt.id!r}")
            seen.add(opt.id)
            written = o.file.has(o.path + sub + ("effects",))
            if not opt.effects and not written:
                self.err("inject", inj.id, sub,
                         f"option {opt.id!r} has no effects; add effects, or write effects = [] "
                         "if choosing it changes nothing")
            for m, ef in enumerate(opt.effects):
                self.effect("inject", inj.id, sub + ("effects", m), ef)
        defaults = [opt.id for opt in inj.options if opt.default]
        if len(defaults) > 1:
            self.err("inject", inj.id, ("option",), f"more than one default option ({', '.join(defaults)})")
        elif not defaults:
            self.err("inject", inj.id, ("option",),
                     f"no default option: mark the one taken when a team does not answer with default = true "
                     f"(until then the first, {inj.options[0].id!r}, is used)", warning=True)

    def cycles(self, injects):
        graph = {i.id: [r for r in i.requires if r != i.id] for i in injects}
        state: dict[str, int] = {}
        reported = set()

        def visit(node, stack):
            state[node] = 1
            stack.append(node)
            for nxt in graph.get(node, ()):
                if state.get(nxt) == 1:
                    cycle = stack[stack.index(nxt):] + [nxt]
                    key = frozenset(cycle)
                    if key not in reported:
                        reported.add(key)
                        k = graph[node].index(nxt)
                        self.err("inject", node, ("requires", k),
                                 "requires forms a cycle, so none of them can fire: " + " -> ".join(cycle))
                elif state.get(nxt) is None and nxt in graph:
                    visit(nxt, stack)
            stack.pop()
            state[node] = 2

        for i in graph:
            if i not in state:
                visit(i, [])
        # visit refers to itself through its closure: break that cycle, or the checker
        # and the whole loaded scenario (the parsed pack included) would wait for the
        # cyclic collector instead of being freed here.
        visit = None

    def objectives_and_outcomes(self):
        for o in self.s.all_objectives():
            if o.capability is not None:
                pool = self.names.world_tracks | self.names.team_tracks
                self.ref("objective", o.id, ("capability",), "track", o.capability, pool)
            if o.team is not None:
                adv = self.s.adversary
                self.ref("objective", o.id, ("team",), "team", o.team,
                         self.names.teams | ({adv.id} if adv is not None else set()))
            if (o.measure is None) != (o.target is None):
                have, lack = ("measure", "target") if o.target is None else ("target", "measure")
                self.err("objective", o.id, (have,), f"an objective scored at the end needs both a "
                         f"measure and a target; add {lack} = ... or remove {have}")
            if o.measure is not None:
                self.condition("objective", o.id, ("measure",), o.measure)
        card = self.s.scorecard
        banded = {b.outcome for b in card.bands} if card else set()
        if card is not None:
            self.scorecard(card)
        if not self.s.outcomes:
            self.top((), "the scenario has no outcomes; add [[outcome]] tables so the end can be judged",
                     warning=True)
        for k, out in enumerate(self.s.outcomes):
            if out.condition is not None:
                self.condition("outcome", out.id, ("condition",), out.condition)
            elif k != len(self.s.outcomes) - 1 and out.id not in banded:
                self.err("outcome", out.id, ("id",), "an outcome without a condition (or score band) always holds, "
                         "so the outcomes after it can never be reached; put it last")
        last = self.s.outcomes[-1] if self.s.outcomes else None
        if last is not None and (last.condition is not None or last.id in banded):
            out = self.s.outcomes[-1]
            self.err("outcome", out.id, ("condition",),
                     "the last outcome has a condition: add a final outcome without one, "
                     "so every exercise ends with a verdict", warning=True)

    def scorecard(self, card):
        """The scorecard's criteria and bands; located by their place in the file."""
        if card.credible_within < 0:
            self.top(("scorecard", "credible_within"), "scorecard credible_within must be 0 or more (turns)")
        if not card.criteria:
            self.top(("scorecard",), "the scorecard has no criteria; add [[scorecard.criterion]] tables")
        seen = set()
        for k, c in enumerate(card.criteria):
            at = ("scorecard", "criterion", k)
            if c.id in seen:
                self.top(at + ("id",), f"criterion {c.id!r} appears twice in the scorecard; give each its own id")
            seen.add(c.id)
            self.measure(at + ("measure",), c.measure, f"criterion {c.id!r}")
            if c.weight <= 0:
                self.top(at + ("weight",), f"criterion {c.id!r}: weight must be more than 0 (points when met)")
            if not 0 <= c.partly_points <= 1:
                self.top(at + ("partly_points",), f"criterion {c.id!r}: partly_points is a share of the weight, 0-1")
            if c.partly is not None and (c.partly > c.met if c.better == "higher" else c.partly < c.met):
                side = "at or below" if c.better == "higher" else "at or above"
                self.top(at + ("partly",), f"criterion {c.id!r}: partly ({c.partly:g}) must be {side} met "
                         f"({c.met:g}) when {c.better} is better")
        outcomes = {o.id for o in self.s.outcomes}
        banded = set()
        for k, b in enumerate(card.bands):
            at = ("scorecard", "band", k)
            if b.outcome not in outcomes:
                self.top(at + ("outcome",), f"unknown outcome {b.outcome!r}{self.problems.did_you_mean(b.outcome, outcomes)}")
            elif b.outcome in banded:
                self.top(at + ("outcome",), f"outcome {b.outcome!r} has two score bands; keep one")
            banded.add(b.outcome)
            if not 0 <= b.score <= 100:
                self.top(at + ("score",), f"band of {b.outcome!r}: score is a % of the points, 0-100")
            if b.max_not_met is not None and b.max_not_met < 0:
                self.top(at + ("max_not_met",), f"band of {b.outcome!r}: max_not_met must be 0 or more")

    def adversary(self):
        """The red cell: its id apart from the teams' and allies', its track, objectives and menu."""
        adv = self.s.adversary
        if adv is None:
            return
        at = ("adversary",)
        taken = self.names.teams | self.names.allies | set(SPECIAL_TARGETS) | {"facilitator"}
        if adv.id in taken:
            what = "a team's" if adv.id in self.names.teams else "an ally's" if adv.id in self.names.allies else "a reserved"
            self.top(at + ("id",), f"the adversary's id {adv.id!r} is {what} id; give the adversary its own id "
                     "(e.g. 'russia')")
        if not adv.budget >= 0:
            self.top(at + ("budget",), f"the adversary's budget must be 0 or more points a turn (found {adv.budget:g})")
        msg = too_precise("budget", adv.budget, self.s.budget.decimals, "money", "set decimals = {n} in [budget]")
        if msg:
            self.top(at + ("budget",), msg)
        if adv.resisted_by is not None and adv.resisted_by not in {c.id for c in self.s.budget.categories}:
            self.top(at + ("resisted_by",), f"resisted_by {adv.resisted_by!r} is not a budget category; name one of "
                     f"[[budget.category]] ids{self.problems.did_you_mean(adv.resisted_by, [c.id for c in self.s.budget.categories])}")
        for key in ("resist_share", "resist"):
            v = getattr(adv, key)
            if not 0 <= v <= 1:
                self.top(at + (key,), f"the adversary's {key} must be between 0 and 1 (found {v:g})")
        if adv.resist and adv.resisted_by is None:
            self.top(at + ("resist",), "resist has no effect without resisted_by; name the budget category that "
                     "protects the teams", warning=True)
        if adv.escalation_track is not None:
            if adv.escalation_track not in self.names.world_tracks:
                self.top(at + ("escalation_track",), f"escalation_track {adv.escalation_track!r} is not a world track"
                         f"{self.problems.did_you_mean(adv.escalation_track, self.names.world_tracks)}")
        objectives = {o.id: o for o in self.s.all_objectives()}
        for k, oid in enumerate(adv.objectives):
            o = objectives.get(oid)
            if o is None:
                self.top(at + ("objectives", k), f"unknown objective {oid!r}"
                         f"{self.problems.did_you_mean(oid, set(objectives))}; add an [[objective]] with "
                         f"team = {adv.id!r}")
            elif o.team != adv.id:
                self.top(at + ("objectives", k), f"objective {oid!r} is not the adversary's: give it "
                         f"team = {adv.id!r}")
        private = frozenset(t.id for t in self.s.tracks if t.scope == "team" and t.private)
        for o in objectives.values():
            if o.team != adv.id or o.measure is None:
                continue
            try:
                reads = cond.private_reads(cond.parse(o.measure), private)
            except cond.ConditionError:
                continue  # the measure's own check reports it
            origin = self.origin("objective", o.id)
            for ce in reads:
                self.problems.add(origin.file, origin.path + ("measure",),
                                  f"in measure: {ce.message}, which the adversary cannot see; measure what red "
                                  f"knows: world tracks, the teams' public tracks, leads, spending, fired injects "
                                  f"(objective {o.id!r})", offset=ce.offset)
        seen: set[str] = set()
        turns = self.s.calendar.turns
        for k, a in enumerate(adv.actions):
            p = at + ("action", k)
            if a.id in seen:
                self.top(p + ("id",), f"duplicate adversary action id {a.id!r}; give each action its own id")
            seen.add(a.id)
            if not a.cost >= 0:
                self.top(p + ("cost",), f"action {a.id!r}: cost must be 0 or more (found {a.cost:g})")
            else:
                msg = too_precise("cost", a.cost, self.s.budget.decimals, "money", "set decimals = {n} in [budget]")
                if msg:
                    self.top(p + ("cost",), f"action {a.id!r}: {msg}")
            for key in ("detection", "attribution"):
                v = getattr(a, key)
                if not 0 <= v <= 1:
                    self.top(p + (key,), f"action {a.id!r}: {key} is a chance between 0 and 1 (found {v:g})")
            if not a.escalation >= 0:
                self.top(p + ("escalation",), f"action {a.id!r}: escalation must be 0 or more (found {a.escalation:g})")
            elif a.escalation and adv.escalation_track is None:
                self.top(p + ("escalation",), f"action {a.id!r} has escalation but the adversary has no "
                         "escalation_track; name a world track in [adversary] escalation_track", warning=True)
            if a.max_per_turn < 1:
                self.top(p + ("max_per_turn",), f"action {a.id!r}: max_per_turn must be at least 1")
            if a.max_uses < 0:
                self.top(p + ("max_uses",), f"action {a.id!r}: max_uses must be 0 (no limit) or more")
            if not 1 <= a.from_turn <= turns:
                self.top(p + ("from_turn",), f"action {a.id!r}: from_turn {a.from_turn} is outside the calendar (1..{turns})")
            for key in ("effects", "attributed_effects"):
                for m, e in enumerate(getattr(a, key)):
                    for fault, where in effect_faults(e, self.names, self.s, self.problems.did_you_mean):
                        self.top(p + (key, m) + where, f"{fault} in adversary action {a.id!r}")
            if a.detection > 0 and not a.notice:
                self.top(p + ("notice",), f"action {a.id!r} can be noticed but has no notice: write the headline "
                         "the targeted teams read", warning=True)

    def measure(self, path: tuple, text: str, what: str):
        try:
            errors = cond.check(cond.parse(text), self.names, self.problems.did_you_mean)
        except cond.ConditionError as exc:
            errors = [exc]
        for ce in errors:
            self.problems.add(self.loaded.files[0], path, f"in measure: {ce.message} ({what})", offset=ce.offset)

    # -- shared pieces -----------------------------------------------------------
    def condition(self, kind: str, ident: str, sub: tuple, text: str):
        try:
            tree = cond.parse(text)
            errors = cond.check(tree, self.names, self.problems.did_you_mean)
        except cond.ConditionError as exc:
            errors = [exc]
        except RecursionError:  # the parser's limits should make this unreachable
            errors = [cond.ConditionError(f"condition is nested too deeply (the limit is {cond.MAX_DEPTH} levels)", 0)]
        o = self.origin(kind, ident)
        for ce in errors:
            # Located lazily, at the character inside a one-line string value.
            self.problems.add(o.file, o.path + sub, f"in condition: {ce.message} ({kind} {ident!r})",
                              offset=ce.offset)

    def effect(self, kind: str, ident: str, sub: tuple, e: model.Effect, top: tuple | None = None):
        for msg, where in effect_faults(e, self.names, self.s, self.problems.did_you_mean):
            if top is not None:
                self.top(top + where, msg + " in budget")
            else:
                self.err(kind, ident, sub + where, msg)
        # Only an option's effects are shown to teams before they choose: elsewhere hidden
        # changes nothing, which is worth a word, not a refusal.
        if e.hidden and "option" not in sub:
            msg = "hidden only matters on an option's effects (they are shown before a team chooses); remove it"
            if top is not None:
                self.top(top + ("hidden",), msg + " in budget", warning=True)
            else:
                self.err(kind, ident, sub + ("hidden",), msg, warning=True)


def check_scenario(loaded: Loaded, problems: Problems) -> None:
    if loaded.scenario is not None:
        _Checker(loaded, problems).run()
