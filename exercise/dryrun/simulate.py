"""Dry runs: play a scenario many times with bots and summarise what happened.

This is a shell around the engine (it may use processes); the rules stay in
`exercise.engine`, the bots' policies in `exercise.bots`.
Run i is seeded with derive_seed(seed, i), and results are combined in run order, so the
same seed gives the same report whatever the number of workers.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator

import attrs

from exercise import model
from exercise.bots import POLICIES
from exercise.bots.policies import facilitator_leads
from exercise.engine import commands as cm
from exercise.engine.commands import Rejected
from exercise.engine.rolls import Dice, derive_seed
from exercise.engine.rules import execute as _execute
from exercise.engine.rules import execute_all
from exercise.engine.scenario_rules import rules_for
from exercise.engine.state import initial_state

MIXED = "mixed"


# `mixed` draws each team's policy from these, in this order: the figures of old dry runs
# must not move when the bots gain policies (`tuple(POLICIES)` would grow).
MIXED_POLICIES = ("random", "cautious", "spender", "planner")
SCRIPTED = "scripted"  # red mode: the adversary acts only through the scenario's injects


@attrs.frozen
class Lineup:
    """Who plays what in a dry run (the balance report's configurations).

    `policy` plays every team (`mixed`: a policy drawn per team from MIXED_POLICIES), unless
    `teams` names one policy per team in the scenario's order. `freerider`: a team that plays
    the "freerider" policy instead. `split` / `purchase`: a plan variant of
    `exercise.bots.plans` for the teams playing "coordinated" or "selfish". `red`: "scripted"
    (no red commands) or a name of `exercise.bots.REDS`, asked for the adversary's commands in
    every deliberation after the teams. `reserve`: a reserve inject the facilitator fires at
    the start of deliberation in `reserve_turn`. `rolls`: record each roll site's result in
    the RunResult (a little slower; the balance report's dice section needs it)."""

    policy: str = MIXED
    teams: tuple[str, ...] = ()
    freerider: str | None = None
    split: str | None = None
    purchase: str | None = None
    red: str = SCRIPTED
    reserve: str | None = None
    reserve_turn: int = 1
    rolls: bool = False


@attrs.frozen
class RunResult:
    """What one dry run leaves behind (small, to cross process boundaries cheaply)."""

    outcome: str | None
    fired: tuple[str, ...]
    answers: tuple[tuple[str, str, str, bool], ...]  # (inject, team, option, by default)
    world: tuple[float, ...]  # world tracks, in scenario order
    team: tuple[float, ...]  # team tracks, (team, track) in scenario order
    deliveries: tuple[tuple[str, int | None], ...]  # (item, turn delivered; None: after the exercise)
    rejected: int
    policies: tuple[str, ...]
    best: bool = False  # the outcome is the scenario's best (best_outcome)
    score: float | None = None  # the scorecard's score, % of the points (None: no scorecard)
    criteria: tuple[tuple[str, str], ...] = ()  # (criterion, band: "met", "partly met", "not met")
    rolls: tuple[tuple[tuple[str, ...], bool], ...] = ()  # (roll site, passed), with Lineup.rolls
    plan: tuple[str | None, str | None] = (None, None)  # (split, purchase) played
    allocation: tuple[tuple[float, ...], ...] = ()  # each team's budget split at the end, categories in order
    fired_turns: tuple[tuple[str, int], ...] = ()  # (inject, turn it fired), in firing order


def best_outcome(scenario: model.Scenario) -> str | None:
    """The outcome a balance report counts as the best: the one proposed by the scorecard's
    band with the highest score; without bands, the first outcome in the scenario's order
    that is not the last resort (the last outcome when it has no condition). Not "the first
    outcome": scenarios often list the worst first (War holds before anything else)."""
    sc = scenario.scorecard
    bands = sc.bands if sc is not None else ()
    if bands:
        return max(bands, key=lambda b: b.score).outcome  # the first of equal scores
    outs = scenario.outcomes
    if not outs:
        return None
    last_resort = outs[-1].id if outs[-1].condition is None else None
    for o in outs:
        if o.id != last_resort:
            return o.id
    return outs[0].id


def resolve_policy(name: str) -> str:
    """The bots' policy that plays `name`: "coordinated" falls back on "planner" (the same
    coordinated play) while the bots lack it; ValueError for any other unknown name."""
    if name in POLICIES:
        return name
    if name == "coordinated" and "planner" in POLICIES:
        return "planner"
    raise ValueError(f"unknown policy {name!r}")


def _policy_fn(name: str, lineup: Lineup):
    if (lineup.split or lineup.purchase) and name in ("coordinated", "selfish"):
        from exercise.bots import plans  # the plan variants (owned by the bots)

        return plans.policy(name, lineup.split, lineup.purchase)
    return POLICIES[resolve_policy(name)]


def _roll_sites(events, orders_seen: dict, out: dict, turn: int) -> None:
    """Record the roll sites of `events` in `out` (site -> passed; several rolls at one site
    in a run: passed only if all passed). A site is a tuple naming the roll, stable across
    runs: ("inject", id) passed when its chance roll fired it, in any turn; ("slip", order) an order's
    slip roll (resolved to team, item and due turn at the end); ("action", id, turn) an
    argued action; ("estimate", track, team, turn) read high (roll >= 0.5); ("red-detect",
    action, target, turn) and ("red-attribute", ...) the adversary's acts."""
    site: tuple[str, ...]
    for e in events:
        k = e.kind
        if k == "inject_rolled":
            site = ("inject", e.inject)  # "passed": fired by its roll, in any turn
            out[site] = out.get(site, False) or e.fired
            continue
        if k == "slip_rolled":
            orders_seen.setdefault(e.order, []).append((e.due, not e.slipped))
            continue
        if k == "action_adjudicated":
            site, ok = ("action", e.action_id, str(e.turn)), e.success
        elif k == "estimate_rolled":
            site, ok = ("estimate", e.track, e.team, str(e.turn)), e.roll >= 0.5
        elif k == "red_action_resolved":
            rest = (str(getattr(e, "action", "")), str(getattr(e, "target", None) or "-"), str(getattr(e, "turn", turn)))
            out[("red-detect", *rest)] = out.get(("red-detect", *rest), True) and bool(getattr(e, "detected", False))
            if getattr(e, "attribute_roll", None) is not None:
                site = ("red-attribute", *rest)
                out[site] = out.get(site, True) and bool(getattr(e, "attributed", False))
            continue
        else:
            continue
        out[site] = out.get(site, True) and ok


def play(scenario: model.Scenario, seed: int, policy: str | Lineup = MIXED,
         record: Callable[[object, list], None] | None = None) -> RunResult:
    """One whole exercise: the facilitator advances (forcing), bots play every team.

    `policy`: a policy name (or "mixed") for every team, or a Lineup. Reserve injects are
    not fired unless the lineup names one; argued actions are adjudicated at 50 % with no
    effects. `record(command, events)` is called for every accepted command (to save the run).
    """
    lineup = policy if isinstance(policy, Lineup) else Lineup(policy=policy)
    sites: dict = {}
    orders_seen: dict = {}
    turn = 0
    if lineup.rolls:
        outer = record

        def record(command, events):
            _roll_sites(events, orders_seen, sites, turn)
            if outer is not None:
                outer(command, events)

    def execute(state, command):
        new, events = _execute(state, command)
        if record is not None:
            record(command, events)
        return new, events

    def batch(state, commands):
        return execute_all(state, commands, record)

    r = rules_for(scenario)
    dice = Dice(derive_seed(seed, 1))
    if lineup.teams:
        if len(lineup.teams) != len(r.team_ids):
            raise ValueError(f"{len(lineup.teams)} policies for {len(r.team_ids)} teams")
        chosen = tuple(lineup.teams)
    else:
        chosen = tuple(dice.choice(MIXED_POLICIES) if lineup.policy == MIXED else lineup.policy for _ in r.team_ids)
    if lineup.freerider is not None:
        if lineup.freerider not in r.team_ids:
            raise ValueError(f"unknown team {lineup.freerider!r}")
        chosen = tuple("freerider" if t == lineup.freerider else p for t, p in zip(r.team_ids, chosen))
    bots = [(team, _policy_fn(p, lineup)) for team, p in zip(r.team_ids, chosen)]
    red = None
    if lineup.red != SCRIPTED and getattr(scenario, "adversary", None) is not None:
        from exercise import bots as _bots

        red = getattr(_bots, "REDS", {}).get(lineup.red)
    s, _ = execute(initial_state(scenario, seed), cm.Start())
    rejected = 0
    advance = cm.Advance(force=True)
    while s.status == "running":
        turn = s.turn
        if s.phase == "deliberation":
            if lineup.reserve is not None and s.turn == lineup.reserve_turn and lineup.reserve not in s.fired:
                try:  # the facilitator fires it before the teams deliberate, so they can answer it
                    s, _ = execute(s, cm.FireInject(lineup.reserve))
                except Rejected:
                    rejected += 1
            k = s.turn % len(bots) if bots else 0
            for team, bot in bots[k:] + bots[:k]:  # who orders first rotates each turn
                s, refused = bot_turn(s, team, bot, dice, batch=batch)
                rejected += refused
            if red is not None:
                for command in red(s, dice):
                    try:
                        s, _ = execute(s, command)
                    except Rejected:
                        rejected += 1
            for decide in facilitator_leads(s):  # the default decider: eligible requests approved
                if s.lead_requests[decide.request].status != "pending":
                    continue  # settled by an earlier approval (two teams asked for the same command)
                try:
                    s, _ = execute(s, decide)
                except Rejected as e:  # e.g. the team cannot afford the lead now
                    s, _ = execute(s, cm.DecideLead(decide.request, False, e.reason))
            for aid, act in s.actions.items():
                if act.likelihood is None:
                    s, _ = execute(s, cm.Adjudicate(aid, 50, "dry run"))
        s, _ = execute(s, advance)
    if s.proposal is not None and s.verdict is None:  # a scorecard: the dry run takes the proposal
        s, _ = execute(s, cm.Judge(rationale="dry run: the scorecard's proposal"))
    outcome = s.verdict.outcome if s.verdict else None
    proposal = s.proposal
    for oid, rolled in orders_seen.items():
        o = s.orders.get(oid)
        for due, ok in rolled:
            site = ("slip", o.team if o else "?", o.item if o else oid, str(due))
            sites[site] = sites.get(site, True) and ok
    return RunResult(
        outcome=outcome,
        fired=tuple(s.fired),
        answers=tuple((iid, team, opt, d) for (iid, team), (opt, d) in s.answers.items()),
        world=tuple(s.tracks[t] for t in r.world_tracks),
        team=tuple(s.team_tracks[(team, t)] for team in r.team_ids for t in r.team_tracks),
        deliveries=tuple((o.item, o.delivered) for o in s.orders.values()
                         if o.status in ("delivered", "ordered")),
        rejected=rejected,
        policies=chosen,
        best=outcome is not None and outcome == best_outcome(scenario),
        score=getattr(proposal, "score", None),
        criteria=tuple((c["id"], c["band"]) for c in getattr(proposal, "criteria", ())),
        rolls=tuple(sorted(sites.items())),
        plan=(lineup.split, lineup.purchase),
        allocation=tuple(tuple(s.allocation[team]) for team in r.team_ids),
        fired_turns=tuple(s.fired.items()),
    )


def _run(state, command):
    return _execute(state, command)[0]


# Batches made only of these are preliminary: the bot is asked again on their results.
PRELIMINARY = (cm.Answer, cm.TakeLead, cm.HandBack, cm.DecideLead)
_PRELIMINARY = frozenset(PRELIMINARY)  # command classes are final: a type test is enough


def bot_turn(s, team: str, bot, dice: Dice, run=_run, rounds: int = 4, batch=None):
    """A bot's deliberation: (state after, commands refused). `run(state, command)` carries
    out one command and raises Rejected when the rules refuse it; `batch(state, commands)`,
    when given, carries out a whole batch instead and returns (state after, refused), as
    `rules.execute_all` does."""
    refused = 0
    for _ in range(rounds):
        commands = bot(s, team, dice)
        if batch is not None:
            s, k = batch(s, commands)
            refused += k
        else:
            for command in commands:
                try:
                    s = run(s, command)
                except Rejected:
                    refused += 1
        if not commands or not all(type(c) in _PRELIMINARY for c in commands):
            break
    return s, refused


# -- running many ------------------------------------------------------------------------------
_WORKER: dict = {}


def _init(scenario, policy):
    _WORKER["scenario"] = scenario
    _WORKER["policy"] = policy


def _worker_init(scenario, policy):
    import gc

    _init(scenario, policy)
    gc.freeze()  # the scenario lives as long as the worker: keep the collector off it


def _play_chunk(args):
    seed, start, stop = args
    sc, policy = _WORKER["scenario"], _WORKER["policy"]
    return [play(sc, derive_seed(seed, i), policy) for i in range(start, stop)]


def iter_runs(scenario: model.Scenario, runs: int, seed: int, policy: str = MIXED, workers: int = 1,
              progress: Callable[[int], None] | None = None) -> Iterator[RunResult]:
    """`runs` dry runs, yielded in run order as chunks finish (only a chunk is held at a
    time: fold them, see `Tally`); `progress(done)` is called as each chunk arrives."""
    if policy != MIXED and policy not in POLICIES:
        raise ValueError(f"unknown policy {policy!r}")
    chunk = max(1, min(50, math.ceil(runs / (workers * 8))))
    jobs = [(seed, a, min(runs, a + chunk)) for a in range(0, runs, chunk)]
    done = 0
    if workers <= 1 or runs < 2:
        _init(scenario, policy)
        parts: Iterable[list[RunResult]] = map(_play_chunk, jobs)
        for part in parts:
            done += len(part)
            if progress:
                progress(done)
            yield from part
        return
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ctx.Pool(workers, initializer=_worker_init, initargs=(scenario, policy)) as pool:
        for part in pool.imap(_play_chunk, jobs):  # in job order, whichever worker ends first
            done += len(part)
            if progress:
                progress(done)
            yield from part


def run_many(scenario: model.Scenario, runs: int, seed: int, policy: str = MIXED, workers: int = 1,
             progress: Callable[[int], None] | None = None) -> list[RunResult]:
    """`runs` dry runs as a list, in run order (`iter_runs` without holding them all is
    what the report uses); `progress(done)` is called as chunks finish."""
    return list(iter_runs(scenario, runs, seed, policy, workers, progress))


# -- the report ----------------------------------------------------------------------------------
def _stats(values: Counter) -> dict:
    """Mean, sd, min and max of a multiset of values (value -> times seen), the same as of
    the list of them in run order: `fsum` is correctly rounded (the order of its terms does
    not matter), and min and max return the first seen of equal values (0.0 before a later
    -0.0), as the Counter keeps the first key of equal ones."""
    n = values.total()
    mean = math.fsum(_each(values, lambda v: v)) / n
    var = math.fsum(_each(values, lambda v: (v - mean) ** 2)) / n
    return {"mean": round(mean, 4), "sd": round(math.sqrt(var), 4),
            "min": round(min(values), 4), "max": round(max(values), 4)}


def _each(values: Counter, f: Callable[[float], float]) -> Iterator[float]:
    """f(value) for each value of the multiset, repeated as often as it was seen."""
    return itertools.chain.from_iterable(itertools.repeat(f(v), k) for v, k in values.items())


def pack_injects(scenario: model.Scenario, pack: str) -> tuple[str, tuple[model.Inject, ...]]:
    """The title and injects of one included pack, named by its file name (as the scenario's
    packs list has it) or its [pack] id; ValueError naming the packs when there is none."""
    names = scenario.scenario.packs
    # a scenario that loaded has every pack it lists, in that order
    files = names if len(names) == len(scenario.included) else (None,) * len(scenario.included)
    for name, p in zip(files, scenario.included):
        if pack in (p.pack.id, name):
            return p.pack.title, p.injects
    known = ", ".join(dict.fromkeys([*names, *(p.pack.id for p in scenario.included)])) or "none"
    raise ValueError(f"the scenario includes no pack {pack!r} (its packs: {known})")


def _varies(inj: model.Inject) -> bool:
    """Whether an inject's firing turn is the run's to decide (a window, a condition, requires)."""
    return inj.window is not None or (inj.turn is None and bool(inj.condition or inj.requires))


class Tally:
    """What the report needs of the runs, folded one run at a time in run order (memory
    does not grow with the number of runs). Each track keeps a Counter of its final values
    (exact and few distinct: a track moves in whole steps), not a list of them."""

    def __init__(self, scenario: model.Scenario) -> None:
        r = rules_for(scenario)
        self.runs = 0
        self.rejected = 0
        self.outcomes: Counter = Counter()
        self.fired: Counter = Counter()
        self.policies: Counter = Counter()
        self.decisions: dict[str, dict] = {}  # inject -> option -> counts, in all and by team
        self.turns_fired: dict[str, Counter] = {}  # inject -> turn -> runs
        self.by_policy: dict[str, Counter] = {}  # policy -> outcome -> team-runs
        self.deliveries: dict[str, Counter] = {}  # item -> turn delivered (None: after) -> orders
        self.world: list[Counter] = [Counter() for _ in r.world_tracks]
        self.team: list[Counter] = [Counter() for _ in range(len(r.team_ids) * len(r.team_tracks))]

    def add(self, x: RunResult) -> None:
        self.runs += 1
        self.rejected += x.rejected
        self.outcomes[x.outcome] += 1
        self.fired.update(x.fired)
        self.policies.update(x.policies)
        for iid, team, opt, by_default in x.answers:
            row = self.decisions.setdefault(iid, {}).setdefault(opt, {"chosen": 0, "by_default": 0})
            row["by_default" if by_default else "chosen"] += 1
            per = row.setdefault("teams", {}).setdefault(team, {"chosen": 0, "by_default": 0})
            per["by_default" if by_default else "chosen"] += 1
        for iid, at in x.fired_turns:
            self.turns_fired.setdefault(iid, Counter())[at] += 1
        for p in x.policies:
            self.by_policy.setdefault(p, Counter())[x.outcome] += 1
        for item_id, turn in x.deliveries:
            self.deliveries.setdefault(item_id, Counter())[turn] += 1
        for values, v in zip(self.world, x.world):
            values[v] += 1
        for values, v in zip(self.team, x.team):
            values[v] += 1


def summarise(scenario: model.Scenario, results: Iterable[RunResult] | Tally, seed: int, policy: str,
              pack: str | None = None) -> dict:
    """The report as plain data (what --json prints), from the runs in run order or their
    Tally. `pack`: the inject sections cover that pack's injects only (see `pack_injects`);
    outcomes and tracks stay the whole runs'."""
    if isinstance(results, Tally):
        tally = results
    else:
        tally = Tally(scenario)
        for x in results:
            tally.add(x)
    r = rules_for(scenario)
    n = tally.runs
    if pack is not None:
        pack_title, shown = pack_injects(scenario, pack)
    else:
        pack_title, shown = None, scenario.all_injects()
    outcomes = tally.outcomes
    out_rows = [{"id": o.id, "name": o.name, "runs": outcomes.get(o.id, 0),
                 "share": round(outcomes.get(o.id, 0) / n, 4)} for o in scenario.outcomes]
    if outcomes.get(None):
        out_rows.append({"id": None, "name": "No verdict", "runs": outcomes[None],
                         "share": round(outcomes[None] / n, 4)})
    fired = tally.fired
    inj_rows = []
    for inj in shown:
        inj_rows.append({"id": inj.id, "title": inj.title, "reserve": inj.reserve,
                         "runs": fired.get(inj.id, 0), "share": round(fired.get(inj.id, 0) / n, 4)})
    never = [row["id"] for row in inj_rows if not row["runs"] and not row["reserve"]]
    decisions = tally.decisions
    dec_rows = []
    for inj in shown:
        if inj.id in decisions:
            asked = [t for t in r.team_ids if any(t in row.get("teams", {}) for row in decisions[inj.id].values())]
            options = []
            for o in inj.options:
                row = decisions[inj.id].get(o.id, {})
                teams = row.get("teams", {})
                options.append({"id": o.id, "label": o.label, "chosen": row.get("chosen", 0),
                                "by_default": row.get("by_default", 0),
                                "teams": {t: teams.get(t, {"chosen": 0, "by_default": 0}) for t in asked}})
            dec_rows.append({"inject": inj.id, "teams": asked, "options": options})
    when_rows = []
    for inj in shown:
        when = tally.turns_fired.get(inj.id, Counter())
        if inj.reserve or not (_varies(inj) or len(when) > 1):
            continue
        when_rows.append({"inject": inj.id, "title": inj.title, "window": list(inj.window) if inj.window else None,
                          "turns": {str(t): when[t] for t in sorted(when)}, "not_fired": n - sum(when.values())})
    by_policy = tally.by_policy
    policy_rows = []
    for p in sorted(by_policy):
        count = by_policy[p]
        total = sum(count.values())
        outs = [{"id": o.id, "name": o.name, "team_runs": count.get(o.id, 0),
                 "share": round(count.get(o.id, 0) / total, 4)} for o in scenario.outcomes]
        if outcomes.get(None):  # in every row, so that the columns line up
            outs.append({"id": None, "name": "No verdict", "team_runs": count[None],
                         "share": round(count[None] / total, 4)})
        policy_rows.append({"policy": p, "team_runs": total, "outcomes": outs})
    world = [{"id": t, "name": r.tracks[t].name, **_stats(tally.world[k])}
             for k, t in enumerate(r.world_tracks)]
    team_rows = []
    nt = len(r.team_tracks)
    for j, t in enumerate(r.team_tracks):
        team_rows.append({"id": t, "name": r.tracks[t].name, "teams": {
            team: _stats(tally.team[i * nt + j]) for i, team in enumerate(r.team_ids)}})
    del_rows = []
    for item in scenario.items:
        c = tally.deliveries.get(item.id)
        if not c:
            continue
        del_rows.append({"item": item.id, "name": item.name,
                         "turns": {str(t): c[t] for t in sorted(k for k in c if k is not None)},
                         "after_exercise": c.get(None, 0)})
    return {
        "scenario": scenario.id, "scenario_title": scenario.title, "runs": n,
        "team_names": {t.id: t.name for t in scenario.teams}, "seed": seed, "policy": policy,
        "policies": dict(sorted(tally.policies.items())),
        "rejected_commands": tally.rejected,
        "outcomes": out_rows, "injects": inj_rows, "never_fired": never,
        "decisions": dec_rows, "fired_turns": when_rows, "outcomes_by_policy": policy_rows,
        "pack": pack, "pack_title": pack_title, "world_tracks": world, "team_tracks": team_rows, "deliveries": del_rows,
    }


def _pct(x: float) -> str:
    return f"{100 * x:5.1f}%"


def _cut(text: str, width: int) -> str:
    """`text` in at most `width` characters (an ellipsis marks a cut)."""
    return text if len(text) <= width else text[: width - 1] + "…"


def _times(counts: dict) -> str:
    """A team's count for one option: 'n' chosen, '+kd' taken by default."""
    chosen, default = counts["chosen"], counts["by_default"]
    return f"{chosen}+{default}d" if default else str(chosen)


def _short_names(names: list[str]) -> list[str]:
    """Column headings: each name without its parenthesis ('Norfolk (UK, Nordics)' ->
    'Norfolk') when that keeps them apart, else the names as they are."""
    short = [n.split(" (")[0].strip() or n for n in names]
    return short if len(set(short)) == len(short) else names


def _choices_by_team(report: dict, titles: dict, team_names: dict) -> Iterable[str]:
    yield ""
    yield "Choices by team (runs in which the team chose each option; +Nd: taken by default in N more)"
    label_w = 40
    for d in report["decisions"]:
        teams = d.get("teams", [])
        if not teams:
            continue
        short = _short_names([team_names.get(t, t) for t in teams])
        col = max(7, min(14, max(len(n) for n in short)))
        yield f"  {titles.get(d['inject'], d['inject'])}"
        yield "    " + " " * label_w + "".join(f" {_cut(n, col):>{col}}" for n in short)
        for o in d["options"]:
            cells = "".join(f" {_times(o['teams'][t]):>{col}}" for t in teams)
            yield f"    {_cut(o['label'], label_w):<{label_w}}{cells}"


def _fired_turns(report: dict) -> Iterable[str]:
    yield ""
    yield "When injects fired (turn: runs), for those whose turn depends on the run"
    for w in report["fired_turns"]:
        window = f" (window T{w['window'][0]}-T{w['window'][1]})" if w.get("window") else ""
        turns = ", ".join(f"T{t}: {k}" for t, k in w["turns"].items()) or "never fired"
        never = f"; not fired: {w['not_fired']}" if w["not_fired"] and w["turns"] else ""
        yield f"  {w['title']}{window}"
        yield f"    {turns}{never}"


def _outcomes_by_policy(report: dict) -> Iterable[str]:
    rows = report.get("outcomes_by_policy", [])
    if not rows:
        return
    yield ""
    yield "Outcomes by policy (share of the team-runs that played it; a run counts once per team)"
    names = [o["name"] for o in rows[0]["outcomes"]]
    width = max(10, max(len(p["policy"]) for p in rows) + 2)
    col = max(8, min(18, max(len(n) for n in names)))
    yield "  " + " " * width + f" {'team-runs':>9}" + "".join(f" {_cut(n, col):>{col}}" for n in names)
    for p in rows:
        cells = "".join(f" {_pct(o['share']).strip():>{col}}" for o in p["outcomes"])
        yield f"  {p['policy']:<{width}} {p['team_runs']:>9}{cells}"


def render(report: dict) -> Iterable[str]:
    """The report as text lines for a terminal."""
    # names only: the ids are in --json, for whoever edits the pack
    n = report["runs"]
    titles = {i["id"]: i["title"] for i in report["injects"]}
    team_names = report.get("team_names", {})
    yield (f"{report.get('scenario_title', report['scenario'])}: {n} run(s), seed {report['seed']}, policy {report['policy']}"
           + (f" ({', '.join(f'{k} {v}' for k, v in report['policies'].items())} team-runs)"
              if report["policy"] == MIXED else ""))
    if report.get("pack"):
        yield f"Injects of the pack {report.get('pack_title') or report['pack']} only (outcomes and tracks: whole runs)"
    yield ""
    yield "Outcomes"
    for o in report["outcomes"]:
        yield f"  {_pct(o['share'])}  {o['runs']:>6}  {o['name']}"
    if report["policy"] == MIXED:
        yield from _outcomes_by_policy(report)
    yield ""
    yield "Injects fired (share of runs)"
    for i in report["injects"]:
        if i["reserve"] and not i["runs"]:
            continue
        yield f"  {_pct(i['share'])}  {i['title']}"
    reserve = [i["title"] for i in report["injects"] if i["reserve"]]
    if reserve:
        yield f"  reserve (fired only by the facilitator): {'; '.join(reserve)}"
    if report["never_fired"]:
        yield f"  NEVER FIRED: {'; '.join(titles.get(i, i) for i in report['never_fired'])}"
    else:
        yield "  every scheduled inject fired at least once"
    if report.get("fired_turns"):
        yield from _fired_turns(report)
    if report["decisions"]:
        yield ""
        yield "Decisions (chosen / taken by default)"
        for d in report["decisions"]:
            yield f"  {titles.get(d['inject'], d['inject'])}"
            for o in d["options"]:
                yield f"    {o['chosen']:>6} / {o['by_default']:<6} {o['label']}"
        yield from _choices_by_team(report, titles, team_names)
    yield ""
    yield "Final world tracks (mean, sd, min-max)"
    for t in report["world_tracks"]:
        yield f"  {t['name']:<32} {t['mean']:6.2f} {t['sd']:6.2f}  {t['min']:g}-{t['max']:g}"
    if report["team_tracks"]:
        yield ""
        yield "Final team tracks (mean, sd, min-max)"
        for t in report["team_tracks"]:
            yield f"  {t['name']}"
            for team, st in t["teams"].items():
                yield f"    {team_names.get(team, team)[:40]:<40} {st['mean']:6.2f} {st['sd']:6.2f}  {st['min']:g}-{st['max']:g}"
    if report["deliveries"]:
        yield ""
        yield "Deliveries (turn landed: orders)"
        for d in report["deliveries"]:
            turns = ", ".join(f"T{t}: {k}" for t, k in d["turns"].items()) or "none in the exercise"
            after = f"; after the exercise: {d['after_exercise']}" if d["after_exercise"] else ""
            yield f"  {d['name']}: {turns}{after}"
    yield ""
    yield f"Rejected bot commands: {report['rejected_commands']}"
    if report.get("saved"):
        yield ""
        yield f"Saved {len(report['saved'])} run(s) as exercises, e.g. {report['saved'][0]}"
        yield "  open one with `exercise resume ID`, check it with `exercise verify ID`"
