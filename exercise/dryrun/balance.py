"""The balance report (`exercise balance`): is a scenario decided by skill or by dice?

Plays the scenario many times in several configurations (line-ups of bots: each policy,
each team in turn free-riding, each plan variant, each reserve inject fired, the red bot)
and answers the questions docs/balance.md explains, then judges the scenario against the
balance TARGETS. Plain data in (a scenario, a seed, a number of runs), plain data out (a
BalanceReport of attrs classes, no printing: see `balance_render`).

Run i of configuration c is seeded derive_seed(derive_seed(seed, c), i) and results are
folded into running tallies in (configuration, run) order as they arrive, so the same seed
gives the same report whatever the number of workers, and memory does not grow with runs.

Bots the report asks for but the bots module lacks are left out with a note, never an
error: "coordinated" is played by "planner" until it exists, "selfish" and "freerider"
are skipped, plan variants need `exercise.bots.plans`, the red bot `exercise.bots.REDS["bot"]`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator

import attrs

from exercise import model
from exercise.dryrun.simulate import SCRIPTED, Lineup, RunResult, best_outcome, play, resolve_policy
from exercise.engine.rolls import derive_seed

SKILL_POLICIES = ("random", "cautious", "coordinated", "selfish")
PLAN_POLICIES = ("coordinated", "selfish")
RED_BOT = "bot"
TOP_ROLLS = 10  # roll sites shown in the dice section
MIN_ARM_SHARE = 0.1  # a roll site is judged when each result occurred in >= 10 % of the runs
MIN_ARM = 5  # ... and in at least this many runs


# -- the report ---------------------------------------------------------------------------
@attrs.frozen
class OutcomeShare:
    id: str | None
    name: str
    runs: int
    pct: float


@attrs.frozen
class PolicyRow:
    policy: str  # as the report names it ("coordinated")
    played_by: str  # the bots' policy that played it ("planner" while "coordinated" is missing)
    runs: int
    outcomes: tuple[OutcomeShare, ...]
    best_pct: float
    mean_score: float | None


@attrs.frozen
class Skill:
    rows: tuple[PolicyRow, ...]
    spread_points: float | None  # best-outcome rate of the best policy minus the worst's
    best_policy: str | None
    worst_policy: str | None
    notes: tuple[str, ...] = ()


@attrs.frozen
class TeamRow:
    team: str
    name: str
    runs: int
    best_pct: float
    delta_points: float  # best-outcome rate with this team free-riding minus all coordinated


@attrs.frozen
class Teams:
    baseline_pct: float | None
    rows: tuple[TeamRow, ...]
    notes: tuple[str, ...] = ()


@attrs.frozen
class PlanRow:
    policy: str
    kind: str  # "split" or "purchase"
    plan: str
    description: str
    runs: int
    best_pct: float
    mean_score: float | None


@attrs.frozen
class Plans:
    rows: tuple[PlanRow, ...]
    winners: tuple[tuple[str, str, tuple[str, ...]], ...]  # (kind, policy, plans that did best under it:
    # several when the runs cannot tell them apart)
    dominant: tuple[tuple[str, str], ...]  # (kind, plan) best under every policy
    notes: tuple[str, ...] = ()


@attrs.frozen
class CriterionRow:
    id: str
    name: str
    met_pct: float  # of all the runs pooled
    met_best_pct: float | None  # among the runs that reached the best outcome
    met_other_pct: float | None  # among the others
    decides_points: float | None  # met_best - met_other
    binds: str  # "binds", "always met", "never met", "only partly met"
    partly_pct: float = 0.0  # partly met, of all the runs


@attrs.frozen
class Criteria:
    runs: int
    rows: tuple[CriterionRow, ...]
    deciding: tuple[str, ...]  # criterion ids, the ones that separate best from the rest most
    never_bind: tuple[str, ...]
    notes: tuple[str, ...] = ()


@attrs.frozen
class RollRow:
    site: tuple[str, ...]
    label: str
    passed_word: str
    failed_word: str
    passed_runs: int
    passed_best_pct: float
    failed_runs: int
    failed_best_pct: float
    swing_points: float  # passed - failed, conditional on the site being rolled
    margin_points: float = 0.0  # 95 % margin of the swing from the runs' sampling noise

    @property
    def least_points(self) -> float:
        """The smallest size of the swing the runs support (0 when noise could explain it)."""
        return round(max(0.0, abs(self.swing_points) - self.margin_points), 2)


@attrs.frozen
class Dice:
    runs: int
    min_arm: int
    sites: int  # roll sites seen
    judged: int  # sites rolled both ways often enough to judge
    rows: tuple[RollRow, ...]
    notes: tuple[str, ...] = ()


@attrs.frozen
class InjectRow:
    id: str
    title: str
    runs: int
    pct: float
    fixed: bool = False


@attrs.frozen
class ReserveRow:
    id: str
    title: str
    turn: int
    runs: int
    fired_pct: float
    best_pct: float
    baseline_pct: float
    delta_points: float


@attrs.frozen
class Injects:
    runs: int
    never: tuple[InjectRow, ...]
    always: tuple[InjectRow, ...]
    reserve: tuple[ReserveRow, ...]
    notes: tuple[str, ...] = ()
    judged: int = 0  # scheduled injects meant to depend on play or chance (not reserve, not fixed)


@attrs.frozen
class Red:
    measured: bool
    runs: int
    scripted_pct: float | None
    bot_pct: float | None
    delta_points: float | None
    notes: tuple[str, ...] = ()


@attrs.frozen
class Target:
    id: str
    text: str
    status: str  # "met", "not met", "not measured"
    figure: str


@attrs.frozen
class BalanceReport:
    scenario: str
    title: str
    seed: int
    runs: int  # per configuration
    configurations: int
    best_outcome: str | None
    best_outcome_name: str
    skill: Skill
    teams: Teams
    plans: Plans
    criteria: Criteria
    dice: Dice
    injects: Injects
    red: Red
    targets: tuple[Target, ...]
    team_names: dict[str, str] = attrs.Factory(dict)


# -- configurations ---------------------------------------------------------------------------
@attrs.frozen
class Config:
    key: str  # "policy:random", "freerider:TEAM", "plan:BASE:split:ID", "reserve:ID", "red:scripted"
    lineup: Lineup


def _bots():
    from exercise import bots

    return bots


def _plans():
    try:
        from exercise.bots import plans
    except ImportError:
        return None
    return plans


def reserve_turn(scenario: model.Scenario, inject: model.Inject) -> int:
    """When the report fires a reserve inject: its own turn, else the start of its window,
    else the middle of the exercise."""
    if inject.turn:
        return inject.turn
    if inject.window:
        return inject.window[0]
    return max(1, scenario.calendar.turns // 2)


def red_mode(scenario: model.Scenario) -> str:
    """How red plays in the report's configurations: by its bot when the scenario has an
    adversary and the bots have one (a live exercise has a red cell that plays), else
    scripted (injects only)."""
    if getattr(scenario, "adversary", None) is not None and RED_BOT in getattr(_bots(), "REDS", {}):
        return RED_BOT
    return SCRIPTED


def configurations(scenario: model.Scenario) -> tuple[list[Config], list[str]]:
    """The line-ups the report plays, and notes on what it could not play. Every line-up
    meets red as `red_mode` says; one more plays coordinated teams against scripted red."""
    pols = _bots().POLICIES
    notes: list[str] = []
    red = red_mode(scenario)
    coord = resolve_policy("coordinated")
    if coord != "coordinated":
        notes.append(f"the bots have no 'coordinated' policy yet: '{coord}' plays it")
    out: list[Config] = []
    for p in SKILL_POLICIES:
        if p == "coordinated":
            out.append(Config("policy:coordinated", Lineup(policy=coord, red=red, rolls=True)))
        elif p in pols:
            out.append(Config(f"policy:{p}", Lineup(policy=p, red=red)))
        else:
            notes.append(f"the bots have no '{p}' policy yet: left out")
    if "freerider" in pols:
        for t in scenario.teams:
            out.append(Config(f"freerider:{t.id}", Lineup(policy=coord, freerider=t.id, red=red)))
    plans = _plans()
    # a split needs money split between categories, one of them procurement; a purchase
    # plan needs a catalogue
    splits = plans.SPLITS if plans is not None and len(scenario.budget.categories) >= 2 \
        and any(c.procurement for c in scenario.budget.categories) else {}
    purchases = plans.PURCHASES if plans is not None and scenario.items else {}
    if not any(i.origin.lower() == "europe" for i in scenario.items):  # 'made in Europe first' = 'value' there
        purchases = {k: v for k, v in purchases.items() if k != "european"}
    if plans is not None and not splits:
        notes.append("the scenario has no budget categories with procurement: no budget splits compared")
    if plans is not None and not purchases:
        notes.append("the scenario has no catalogue: no purchase plans compared")
    if plans is not None:
        for base in PLAN_POLICIES:
            if base not in pols:
                continue
            for sid in splits:
                out.append(Config(f"plan:{base}:split:{sid}", Lineup(policy=base, split=sid, red=red)))
            for pid in purchases:
                out.append(Config(f"plan:{base}:purchase:{pid}", Lineup(policy=base, purchase=pid, red=red)))
    for inj in scenario.all_injects():
        if inj.reserve:
            out.append(Config(f"reserve:{inj.id}", Lineup(policy=coord, reserve=inj.id, red=red,
                                                          reserve_turn=reserve_turn(scenario, inj))))
    if red != SCRIPTED:
        out.append(Config(f"red:{SCRIPTED}", Lineup(policy=coord, red=SCRIPTED)))
    return out, notes


# -- running ------------------------------------------------------------------------------
_WORKER: dict = {}


def _init(scenario, lineups):
    _WORKER["scenario"] = scenario
    _WORKER["lineups"] = lineups


def _worker_init(scenario, lineups):
    import gc

    _init(scenario, lineups)
    gc.freeze()  # the scenario lives as long as the worker: keep the collector off it


def margin(p1: float, n1: int, p2: float, n2: int) -> float:
    """The 95 % margin (1.96 standard errors) of the difference of two rates in %, from n1
    and n2 independent runs."""
    a, b = p1 / 100, p2 / 100
    return round(196 * math.sqrt(a * (1 - a) / n1 + b * (1 - b) / n2), 2) if n1 and n2 else 0.0


def run_seed(seed: int, config: int, run: int) -> int:
    return derive_seed(derive_seed(seed, config), run)


def _play_chunk(args):
    seed, c, start, stop = args
    sc, lineup = _WORKER["scenario"], _WORKER["lineups"][c]
    return c, [play(sc, run_seed(seed, c, i), lineup) for i in range(start, stop)]


def run_configs(scenario: model.Scenario, lineups: list[Lineup], runs: int, seed: int, workers: int = 1
                ) -> Iterator[tuple[int, list[RunResult]]]:
    """(configuration index, results) in (configuration, run) order, chunk by chunk."""
    chunk = max(1, min(25, math.ceil(runs * len(lineups) / (max(1, workers) * 16))))
    jobs = [(seed, c, a, min(runs, a + chunk)) for c in range(len(lineups)) for a in range(0, runs, chunk)]
    if workers <= 1:
        _init(scenario, lineups)
        for job in jobs:
            yield _play_chunk(job)
        return
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ctx.Pool(workers, initializer=_worker_init, initargs=(scenario, lineups)) as pool:
        yield from pool.imap(_play_chunk, jobs)


class Tally:
    """What the report needs of a configuration's runs, folded one run at a time."""

    def __init__(self) -> None:
        self.runs = 0
        self.best = 0
        self.outcomes: Counter = Counter()
        self.score_sum = 0.0
        self.scored = 0
        self.fired: Counter = Counter()
        self.met: dict[str, list[int]] = {}  # criterion -> [met in best runs, met in others, partly met]
        self.rolls: dict[tuple, list[int]] = {}  # site -> [passed, passed & best, failed, failed & best]

    def add(self, r: RunResult) -> None:
        self.runs += 1
        self.best += r.best
        self.outcomes[r.outcome] += 1
        if r.score is not None:
            self.score_sum += r.score
            self.scored += 1
        self.fired.update(r.fired)
        for cid, band in r.criteria:
            m = self.met.setdefault(cid, [0, 0, 0])
            if band == "met":
                m[0 if r.best else 1] += 1
            elif band == "partly met":
                m[2] += 1
        for site, passed in r.rolls:
            x = self.rolls.setdefault(site, [0, 0, 0, 0])
            k = 0 if passed else 2
            x[k] += 1
            x[k + 1] += r.best

    @property
    def best_pct(self) -> float:
        return _pct(self.best, self.runs)

    @property
    def mean_score(self) -> float | None:
        return round(self.score_sum / self.scored, 2) if self.scored else None


def _pct(k: int, n: int) -> float:
    return round(100 * k / n, 2) if n else 0.0


def balance(scenario: model.Scenario, runs: int, seed: int, workers: int = 1,
            progress: Callable[[int, int], None] | None = None) -> BalanceReport:
    """Play every configuration `runs` times and build the report. `progress(done, total)`
    is called as chunks of runs finish."""
    if runs < 1:
        raise ValueError("runs must be at least 1")
    configs, notes = configurations(scenario)
    tallies = [Tally() for _ in configs]
    total, done = runs * len(configs), 0
    for c, results in run_configs(scenario, [x.lineup for x in configs], runs, seed, workers):
        for r in results:
            tallies[c].add(r)
        done += len(results)
        if progress:
            progress(done, total)
    return build(scenario, seed, runs, configs, tallies, notes)


# -- building the sections ------------------------------------------------------------------------
def _outcome_shares(scenario: model.Scenario, t: Tally, no_verdict: bool) -> tuple[OutcomeShare, ...]:
    """The share of each outcome, in the scenario's order; "No verdict" too when `no_verdict`
    (any policy had runs without one: every row has the same columns)."""
    rows = [OutcomeShare(o.id, o.name, t.outcomes.get(o.id, 0), _pct(t.outcomes.get(o.id, 0), t.runs))
            for o in scenario.outcomes]
    if no_verdict:
        rows.append(OutcomeShare(None, "No verdict", t.outcomes[None], _pct(t.outcomes[None], t.runs)))
    return tuple(rows)


def _roll_words(scenario: model.Scenario, site: tuple[str, ...]) -> tuple[str, str, str]:
    """(label, passed word, failed word) of a roll site, in names, not ids."""
    teams = {t.id: t.name for t in scenario.teams}
    kind = site[0]
    if kind == "inject":
        titles = {i.id: i.title for i in scenario.all_injects()}
        return f"chance inject '{titles.get(site[1], site[1])}'", "fired", "did not fire"
    if kind == "slip" and len(site) == 4:
        items = {i.id: i.name for i in scenario.items}
        return (f"slip roll: {teams.get(site[1], site[1])}'s {items.get(site[2], site[2])} due turn {site[3]}",
                "on time", "slipped")
    if kind == "action":
        return f"argued action {site[1]} (turn {site[2]})", "succeeded", "failed"
    if kind == "estimate" and len(site) == 4:
        tracks = {t.id: t.name for t in scenario.tracks}
        return (f"estimate of {tracks.get(site[1], site[1])} for {teams.get(site[2], site[2])}, turn {site[3]}",
                "read high", "read low")
    if kind in ("red-detect", "red-attribute") and len(site) == 4:
        adv = getattr(scenario, "adversary", None)
        names = {a.id: a.name for a in getattr(adv, "actions", ())} if adv is not None else {}
        what = "detection" if kind == "red-detect" else "attribution"
        places = {**teams, **{c.id: c.name for c in scenario.commands}, "-": "every team"}
        target = places.get(site[2], site[2])
        return (f"red {names.get(site[1], site[1])} on {target}, turn {site[3]}: {what} roll",
                "detected" if kind == "red-detect" else "attributed",
                "undetected" if kind == "red-detect" else "unattributed")
    return " ".join(site), "passed", "failed"


def _plan_words(text: str, scenario: model.Scenario) -> str:
    """A plan's description with "procurement" as the scenario names that category (its
    [words] speak of 'purchases', 'supplies')."""
    proc = next((c.name for c in scenario.budget.categories if c.procurement), None)
    return text.replace("procurement", proc) if proc else text


def build(scenario: model.Scenario, seed: int, runs: int, configs: list[Config], tallies: list[Tally],
          notes: tuple[str, ...] | list[str] = ()) -> BalanceReport:
    """The report from each configuration's tally (pure: tests feed it synthetic tallies)."""
    notes = list(notes)  # the skill section adds its own
    by_key = dict(zip((c.key for c in configs), tallies))
    lineups = {c.key: c.lineup for c in configs}
    best = best_outcome(scenario)
    best_name = next((o.name for o in scenario.outcomes if o.id == best), best or "none")
    coord = by_key.get("policy:coordinated")

    # skill vs chance
    rows = []
    no_verdict = any(t.outcomes.get(None) for k, t in by_key.items() if k.startswith("policy:"))
    for p in SKILL_POLICIES:
        t = by_key.get(f"policy:{p}")
        if t is not None:
            rows.append(PolicyRow(p, lineups[f"policy:{p}"].policy, t.runs, _outcome_shares(scenario, t, no_verdict),
                                  t.best_pct, t.mean_score))
    spread = hi = lo = None
    if rows:
        hi_row = max(rows, key=lambda r: r.best_pct)
        lo_row = min(rows, key=lambda r: r.best_pct)
        spread, hi, lo = round(hi_row.best_pct - lo_row.best_pct, 2), hi_row.policy, lo_row.policy
        c_row = next((r for r in rows if r.policy == "coordinated"), None)
        if c_row is not None and hi_row is not c_row and hi_row.best_pct - c_row.best_pct > margin(
                hi_row.best_pct, hi_row.runs, c_row.best_pct, c_row.runs):
            notes.append(f"{hi_row.policy} play reaches the best outcome more often than coordinated play "
                         f"({hi_row.best_pct:.1f} % against {c_row.best_pct:.1f} %, beyond the runs' noise): "
                         "in this scenario as the bots play it, coordinating does not pay; look at what leads "
                         "and shared criteria cost a team, and at what the adversary's bot hits")
    skill = Skill(tuple(rows), spread, hi, lo, tuple(notes))

    # does every team matter
    team_rows = []
    for tm in scenario.teams:
        t = by_key.get(f"freerider:{tm.id}")
        if t is not None and coord is not None:
            team_rows.append(TeamRow(tm.id, tm.name, t.runs, t.best_pct, round(t.best_pct - coord.best_pct, 2)))
    teams = Teams(coord.best_pct if coord else None, tuple(team_rows),
                  () if team_rows else ("the bots have no 'freerider' policy yet: not measured",))

    # dominant plans
    plans_mod = _plans()
    plan_rows = []
    for c in configs:
        if not c.key.startswith("plan:"):
            continue
        _, base, kind, pid = c.key.split(":", 3)
        table = getattr(plans_mod, "SPLITS" if kind == "split" else "PURCHASES", {}) if plans_mod else {}
        t = by_key[c.key]
        plan_rows.append(PlanRow(base, kind, pid, _plan_words(str(table.get(pid, "")), scenario), t.runs,
                                 t.best_pct, t.mean_score))
    winners, dominant = [], []
    for kind in ("split", "purchase"):
        won = {}
        for base in PLAN_POLICIES:
            mine = [r for r in plan_rows if r.kind == kind and r.policy == base]
            if mine:
                def rank(r):
                    return r.best_pct, -math.inf if r.mean_score is None else r.mean_score

                top = max(mine, key=rank)
                # tied: every plan the runs cannot tell from the best (within the 95 % margin
                # of their difference), so a few runs' luck names no plan dominant
                won[base] = tuple(r.plan for r in mine
                                  if top.best_pct - r.best_pct <= margin(top.best_pct, top.runs, r.best_pct, r.runs))
                winners.append((kind, base, won[base]))
        variants = {r.plan for r in plan_rows if r.kind == kind}
        # dominant: the one plan best (untied) under every policy that takes plans
        if len(won) >= 2 and len(variants) >= 2 and len(set(won.values())) == 1 \
                and len(next(iter(won.values()))) == 1:
            dominant.append((kind, next(iter(won.values()))[0]))
    plan_notes = []
    if plans_mod is None:
        plan_notes.append("no plan variants: the bots have no plans module yet")
    elif not plan_rows:
        plan_notes.append("no plan variants: no policy that takes a plan")
    plans = Plans(tuple(plan_rows), tuple(winners), tuple(dominant), tuple(plan_notes))

    # the pool of plain play (each policy, nothing forced): inject coverage
    pool = [by_key[f"policy:{p}"] for p in SKILL_POLICIES if f"policy:{p}" in by_key]
    n_pool = sum(t.runs for t in pool)
    # criteria: within coordinated play only (pooling the policies would credit a criterion
    # for telling skilled play from random play, not a won exercise from a lost one)
    crit_rows = []
    card = scenario.scorecard
    n_crit = coord.runs if coord is not None else 0
    n_best = coord.best if coord is not None else 0
    for cr in (card.criteria if card is not None else ()):
        if coord is None:
            break
        mb, mo, partly = coord.met.get(cr.id, [0, 0, 0])
        pb = _pct(mb, n_best) if n_best else None
        po = _pct(mo, n_crit - n_best) if n_crit - n_best else None
        decides = round(pb - po, 2) if pb is not None and po is not None else None
        binds = ("always met" if mb + mo == n_crit else "only partly met" if mb + mo == 0 and partly
                 else "never met" if mb + mo == 0 else "binds")
        crit_rows.append(CriterionRow(cr.id, cr.name, _pct(mb + mo, n_crit), pb, po, decides, binds,
                                      _pct(partly, n_crit)))
    # the three that tell won from lost most, ties in the scorecard's order (said in the docs)
    deciding = tuple(r.id for r in sorted((r for r in crit_rows if (r.decides_points or 0) > 0),
                                          key=lambda r: -(r.decides_points or 0))[:3])
    crit_notes = () if card is not None and card.criteria else ("the scenario has no scorecard: no criteria",)
    criteria = Criteria(n_crit, tuple(crit_rows), deciding,
                        tuple(r.id for r in crit_rows if r.binds != "binds"), crit_notes)

    # dice: conditional best-outcome rates of coordinated play by one roll's result
    roll_rows = []
    min_arm = max(MIN_ARM, math.ceil(MIN_ARM_SHARE * coord.runs)) if coord else MIN_ARM
    n_sites = 0
    if coord is not None:
        n_sites = len(coord.rolls)
        for site, (np_, bp, nf, bf) in coord.rolls.items():
            if np_ >= min_arm and nf >= min_arm:
                label, pw, fw = _roll_words(scenario, site)
                rp, rf = _pct(bp, np_), _pct(bf, nf)
                roll_rows.append(RollRow(tuple(site), label, pw, fw, np_, rp, nf, rf, round(rp - rf, 2),
                                         margin(rp, np_, rf, nf)))
    # the sites whose effect the runs support most first: with many sites, the largest raw
    # swing is mostly noise (a 30/30 split at 50 % swings by +-25 points by chance alone)
    roll_rows.sort(key=lambda r: (-r.least_points, -abs(r.swing_points), r.site))
    dice = Dice(coord.runs if coord else 0, min_arm, n_sites, len(roll_rows), tuple(roll_rows[:TOP_ROLLS]))

    # injects
    never, always = [], []
    judged = 0
    for inj in scenario.all_injects():
        if inj.reserve:
            continue
        judged += not getattr(inj, "fixed", False)
        k = sum(t.fired.get(inj.id, 0) for t in pool)
        fixed = bool(getattr(inj, "fixed", False))
        row = InjectRow(inj.id, inj.title, k, _pct(k, n_pool), fixed)
        if k == 0:
            never.append(row)
        elif k == n_pool and not fixed:
            always.append(row)
    reserve_rows = []
    for inj in scenario.all_injects():
        t = by_key.get(f"reserve:{inj.id}")
        if t is not None and coord is not None:
            reserve_rows.append(ReserveRow(inj.id, inj.title, lineups[f"reserve:{inj.id}"].reserve_turn, t.runs,
                                           _pct(t.fired.get(inj.id, 0), t.runs), t.best_pct, coord.best_pct,
                                           round(t.best_pct - coord.best_pct, 2)))
    injects = Injects(n_pool, tuple(never), tuple(always), tuple(reserve_rows), judged=judged)

    # red
    rt = by_key.get(f"red:{SCRIPTED}")  # coordinated play already met the red bot
    if rt is not None and coord is not None:
        red = Red(True, coord.runs, rt.best_pct, coord.best_pct, round(coord.best_pct - rt.best_pct, 2))
    else:
        why = ("the scenario has no adversary" if getattr(scenario, "adversary", None) is None
               else "the bots have no red bot yet")
        red = Red(False, 0, coord.best_pct if coord else None, None, None, (f"not measured: {why}",))

    report = BalanceReport(scenario.id, scenario.scenario.title, seed, runs, len(configs), best, best_name,
                           skill, teams, plans, criteria, dice, injects, red, (),
                           {t.id: t.name for t in scenario.teams})
    return attrs.evolve(report, targets=judge(report))


# -- the targets ------------------------------------------------------------------------------------
def _status(ok: bool | None) -> str:
    return "not measured" if ok is None else "met" if ok else "not met"


def _team_margin(r: BalanceReport, row: TeamRow) -> float:
    """The 95 % margin of a free-riding team's drop (its runs against coordinated play's)."""
    coord = next((x for x in r.skill.rows if x.policy == "coordinated"), None)
    if coord is None or r.teams.baseline_pct is None:
        return 0.0
    return margin(r.teams.baseline_pct, coord.runs, row.best_pct, row.runs)


def judge(r: BalanceReport) -> tuple[Target, ...]:
    """The balance targets of issue 15, each met / not met / not measured, with its figure.
    Reads only the report's sections, so a test can judge synthetic ones."""
    rows = {x.policy: x for x in r.skill.rows}
    out = []
    c = rows.get("coordinated")
    out.append(Target("coordinated-40-80", "coordinated play reaches the best outcome in 40-80 % of runs",
                      _status(None if c is None else 40 <= c.best_pct <= 80),
                      "no coordinated runs" if c is None else f"{c.best_pct:.1f} % of {c.runs} runs"))
    rnd = rows.get("random")
    out.append(Target("random-10", "random play reaches the best outcome in at most 10 % of runs",
                      _status(None if rnd is None else rnd.best_pct <= 10),
                      "no random runs" if rnd is None else f"{rnd.best_pct:.1f} % of {rnd.runs} runs"))
    if r.teams.rows:
        worst = max(r.teams.rows, key=lambda x: x.delta_points)  # the smallest drop
        out.append(Target("every-team", "any one team free-riding lowers the best-outcome rate by 10 points or more",
                          _status(all(x.delta_points + _team_margin(r, x) <= -10 for x in r.teams.rows)),
                          f"smallest drop {0.0 - worst.delta_points:.1f} points ({worst.name})"))
    else:
        out.append(Target("every-team", "any one team free-riding lowers the best-outcome rate by 10 points or more",
                          _status(None), "no free-rider runs"))
    kinds = {k for k, _, _ in r.plans.winners}
    policies = {p for _, p, _ in r.plans.winners}
    measurable = len(policies) >= 2 and kinds
    variants = {k: {x.plan for x in r.plans.rows if x.kind == k} for k in kinds}
    # every plan as good as every other under every policy: none dominates, but the choice
    # does not matter either, which a trainer must hear
    moot = bool(kinds) and all(set(p) == variants[k] and len(p) > 1 for k, _, p in r.plans.winners)
    figure = ("; ".join(f"{k} '{p}' best under every policy" for k, p in r.plans.dominant)
              or ("every plan does as well as every other under every policy: the plans do not change "
                  "the outcome" if moot else "")
              or "; ".join(f"{k}: {', '.join(p)} best under {pol}" for k, pol, p in r.plans.winners)
              or "no plan variants")
    out.append(Target("no-dominant-plan", "no single budget split or purchase plan is best under every policy",
                      _status(None if not measurable else not r.plans.dominant and not moot), figure))
    if r.dice.rows:
        top = r.dice.rows[0]
        out.append(Target("dice-20", "no single roll moves coordinated play's best-outcome rate by more than 20 points",
                          _status(top.least_points <= 20),
                          f"largest swing the runs support: at least {top.least_points:.1f} points "
                          f"({top.swing_points:+.1f} ± {top.margin_points:.1f}): {top.label}"))
    else:
        out.append(Target("dice-20", "no single roll moves coordinated play's best-outcome rate by more than 20 points",
                          _status(None if r.dice.runs == 0 else True),
                          "no roll site rolled both ways often enough" if r.dice.runs else "no coordinated runs"))
    red = r.red
    out.append(Target("red-bot", "the red bot lowers coordinated play's best-outcome rate against scripted red",
                      _status(None if not red.measured or red.bot_pct is None or red.scripted_pct is None
                              else red.scripted_pct - red.bot_pct > margin(red.scripted_pct, red.runs,
                                                                           red.bot_pct, red.runs)),
                      f"{red.bot_pct:.1f} % with the bot against {red.scripted_pct:.1f} % scripted" if red.measured
                      else (red.notes[0] if red.notes else "not measured")))
    bad = [f"never fired: {x.title}" for x in r.injects.never] + [f"always fired: {x.title}" for x in r.injects.always]
    out.append(Target("injects", "every scheduled inject fires in some runs and not in all (unless marked fixed)",
                      _status(None if r.injects.runs == 0 or not (r.injects.judged or bad) else not bad),
                      "no scheduled injects that depend on play or chance" if not (r.injects.judged or bad)
                      else (f"{len(r.injects.never)} never fired, {len(r.injects.always)} always fired, e.g. "
                       + "; ".join(bad[:2]) + (" (see Injects)" if len(bad) > 2 else "")) if bad
                      else f"all {r.injects.judged} fired in some of {r.injects.runs} runs and not in all"))
    return tuple(out)


def to_json(report: BalanceReport) -> dict:
    """Plain JSON-able data (tuples as lists)."""
    return _converter().unstructure(report)


def from_json(data: dict) -> BalanceReport:
    """A report back from `to_json` (for tools comparing reports)."""
    return _converter().structure(data, BalanceReport)


def _converter():
    import cattrs

    return cattrs.Converter()


__all__ = ["SCRIPTED", "BalanceReport", "Config", "Lineup", "Tally", "balance", "build", "configurations",
           "from_json", "judge", "run_configs", "to_json"]
