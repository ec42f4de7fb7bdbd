"""Dry runs: play a scenario many times with bots and summarise what happened.

This is a shell around the engine (it may use processes); the rules stay in
`exercise.engine`, the bots' policies in `exercise.bots`.
Run i is seeded with derive_seed(seed, i), and results are combined in run order, so the
same seed gives the same report whatever the number of workers.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable

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


@attrs.frozen
class RunResult:
    """What one dry run leaves behind (small, to cross process boundaries cheaply)."""

    outcome: str | None
    fired: tuple[str, ...]
    answers: tuple[tuple[str, str, bool], ...]  # (inject, option, by default)
    world: tuple[float, ...]  # world tracks, in scenario order
    team: tuple[float, ...]  # team tracks, (team, track) in scenario order
    deliveries: tuple[tuple[str, int | None], ...]  # (item, turn delivered; None: after the exercise)
    rejected: int
    policies: tuple[str, ...]


def play(scenario: model.Scenario, seed: int, policy: str = MIXED,
         record: Callable[[object, list], None] | None = None) -> RunResult:
    """One whole exercise: the facilitator advances (forcing), bots play every team.

    Reserve injects are not fired; argued actions are adjudicated at 50 % with no effects.
    `record(command, events)` is called for every accepted command (to save the run).
    """
    def execute(state, command):
        new, events = _execute(state, command)
        if record is not None:
            record(command, events)
        return new, events

    def batch(state, commands):
        return execute_all(state, commands, record)

    r = rules_for(scenario)
    dice = Dice(derive_seed(seed, 1))
    names = tuple(POLICIES)
    chosen = tuple(dice.choice(names) if policy == MIXED else policy for _ in r.team_ids)
    bots = [(team, POLICIES[p]) for team, p in zip(r.team_ids, chosen)]
    s, _ = execute(initial_state(scenario, seed), cm.Start())
    rejected = 0
    advance = cm.Advance(force=True)
    while s.status == "running":
        if s.phase == "deliberation":
            k = s.turn % len(bots) if bots else 0
            for team, bot in bots[k:] + bots[:k]:  # who orders first rotates each turn
                s, refused = bot_turn(s, team, bot, dice, batch=batch)
                rejected += refused
            for decide in facilitator_leads(s):  # the default decider: eligible requests approved
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
    return RunResult(
        outcome=s.verdict.outcome if s.verdict else None,
        fired=tuple(s.fired),
        answers=tuple((iid, opt, d) for (iid, _), (opt, d) in s.answers.items()),
        world=tuple(s.tracks[t] for t in r.world_tracks),
        team=tuple(s.team_tracks[(team, t)] for team in r.team_ids for t in r.team_tracks),
        deliveries=tuple((o.item, o.delivered) for o in s.orders.values()
                         if o.status in ("delivered", "ordered")),
        rejected=rejected,
        policies=chosen,
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


def run_many(scenario: model.Scenario, runs: int, seed: int, policy: str = MIXED, workers: int = 1,
             progress: Callable[[int], None] | None = None) -> list[RunResult]:
    """`runs` dry runs, in run order; `progress(done)` is called as chunks finish."""
    if policy != MIXED and policy not in POLICIES:
        raise ValueError(f"unknown policy {policy!r}")
    chunk = max(1, min(50, math.ceil(runs / (workers * 8))))
    jobs = [(seed, a, min(runs, a + chunk)) for a in range(0, runs, chunk)]
    results: list[RunResult] = []
    if workers <= 1 or runs < 2:
        _init(scenario, policy)
        for job in jobs:
            results.extend(_play_chunk(job))
            if progress:
                progress(len(results))
        return results
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ctx.Pool(workers, initializer=_worker_init, initargs=(scenario, policy)) as pool:
        for part in pool.imap(_play_chunk, jobs):
            results.extend(part)
            if progress:
                progress(len(results))
    return results


# -- the report ----------------------------------------------------------------------------------
def _stats(values: list[float]) -> dict:
    n = len(values)
    mean = math.fsum(values) / n
    var = math.fsum((v - mean) ** 2 for v in values) / n
    return {"mean": round(mean, 4), "sd": round(math.sqrt(var), 4),
            "min": round(min(values), 4), "max": round(max(values), 4)}


def summarise(scenario: model.Scenario, results: list[RunResult], seed: int, policy: str) -> dict:
    """The report as plain data (what --json prints)."""
    r = rules_for(scenario)
    n = len(results)
    outcomes = Counter(x.outcome for x in results)
    out_rows = [{"id": o.id, "name": o.name, "runs": outcomes.get(o.id, 0),
                 "share": round(outcomes.get(o.id, 0) / n, 4)} for o in scenario.outcomes]
    if outcomes.get(None):
        out_rows.append({"id": None, "name": "No verdict", "runs": outcomes[None],
                         "share": round(outcomes[None] / n, 4)})
    fired = Counter(i for x in results for i in x.fired)
    inj_rows = []
    for inj in scenario.all_injects():
        inj_rows.append({"id": inj.id, "title": inj.title, "reserve": inj.reserve,
                         "runs": fired.get(inj.id, 0), "share": round(fired.get(inj.id, 0) / n, 4)})
    never = [row["id"] for row in inj_rows if not row["runs"] and not row["reserve"]]
    decisions: dict[str, dict] = {}
    for x in results:
        for iid, opt, by_default in x.answers:
            d = decisions.setdefault(iid, {})
            row = d.setdefault(opt, {"chosen": 0, "by_default": 0})
            row["by_default" if by_default else "chosen"] += 1
    dec_rows = []
    for inj in scenario.all_injects():
        if inj.id in decisions:
            dec_rows.append({"inject": inj.id, "options": [
                {"id": o.id, "label": o.label, **decisions[inj.id].get(o.id, {"chosen": 0, "by_default": 0})}
                for o in inj.options]})
    world = [{"id": t, "name": r.tracks[t].name, **_stats([x.world[k] for x in results])}
             for k, t in enumerate(r.world_tracks)]
    team_rows = []
    nt = len(r.team_tracks)
    for j, t in enumerate(r.team_tracks):
        team_rows.append({"id": t, "name": r.tracks[t].name, "teams": {
            team: _stats([x.team[i * nt + j] for x in results]) for i, team in enumerate(r.team_ids)}})
    deliveries: dict[str, Counter] = {}
    for x in results:
        for item_id, turn in x.deliveries:
            deliveries.setdefault(item_id, Counter())[turn] += 1
    del_rows = []
    for item in scenario.items:
        c = deliveries.get(item.id)
        if not c:
            continue
        del_rows.append({"item": item.id, "name": item.name,
                         "turns": {str(t): c[t] for t in sorted(k for k in c if k is not None)},
                         "after_exercise": c.get(None, 0)})
    policies = Counter(p for x in results for p in x.policies)
    return {
        "scenario": scenario.id, "scenario_title": scenario.title, "runs": n,
        "team_names": {t.id: t.name for t in scenario.teams}, "seed": seed, "policy": policy,
        "policies": dict(sorted(policies.items())),
        "rejected_commands": sum(x.rejected for x in results),
        "outcomes": out_rows, "injects": inj_rows, "never_fired": never,
        "decisions": dec_rows, "world_tracks": world, "team_tracks": team_rows, "deliveries": del_rows,
    }


def _pct(x: float) -> str:
    return f"{100 * x:5.1f}%"


def render(report: dict) -> Iterable[str]:
    """The report as text lines for a terminal."""
    # names only: the ids are in --json, for whoever edits the pack
    n = report["runs"]
    titles = {i["id"]: i["title"] for i in report["injects"]}
    team_names = report.get("team_names", {})
    yield (f"{report.get('scenario_title', report['scenario'])}: {n} run(s), seed {report['seed']}, policy {report['policy']}"
           + (f" ({', '.join(f'{k} {v}' for k, v in report['policies'].items())} team-runs)"
              if report["policy"] == MIXED else ""))
    yield ""
    yield "Outcomes"
    for o in report["outcomes"]:
        yield f"  {_pct(o['share'])}  {o['runs']:>6}  {o['name']}"
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
    if report["decisions"]:
        yield ""
        yield "Decisions (chosen / taken by default)"
        for d in report["decisions"]:
            yield f"  {titles.get(d['inject'], d['inject'])}"
            for o in d["options"]:
                yield f"    {o['chosen']:>6} / {o['by_default']:<6} {o['label']}"
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
