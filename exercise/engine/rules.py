"""`decide(state, command) -> [events]`: the rules of the game.

A command is checked against the state; if the rules refuse it, `Rejected(reason)` is
raised and nothing changes. Otherwise the events it causes are produced in order, each
folded into a private working copy (a `Tx`) as it is made, so later rules see earlier
results (a track change may cross a threshold whose effects fire an inject...).
`execute` returns that working copy too, so the live path folds each event once.

Every roll is `roll(seed, counter)` with the counter in the state, and its value goes into
the event that used it.
"""

from __future__ import annotations

import math

from exercise import model
from exercise.engine import events as ev
from exercise.engine import commands as cm
from exercise.engine.apply import HANDLERS
from exercise.engine.commands import FACILITATOR, Rejected
from exercise.engine.scenario_rules import ScenarioRules
from exercise.engine.rolls import roll
from exercise.engine.state import State, Tx

_HANDLERS = HANDLERS
_TrackSet = ev.TrackSet
_track_set = HANDLERS[_TrackSet]
_new = object.__new__
_setattr = object.__setattr__
from exercise.engine.world import StateWorld, judge
from exercise.packs.problems import did_you_mean

EPS = 1e-9
MAX_SPENDING = 50.0


class Ctx(Tx):
    """One decision in progress: a private working state (`s`, changed in place as events
    are emitted), the rules and the events so far."""

    __slots__ = ("r", "events")

    def __init__(self, state: State):
        # Tx.__init__, inlined: one Ctx per command
        d = state.__dict__.copy()
        s = _new(State)
        _setattr(s, "__dict__", d)
        self.s = s
        self.d = d
        self.owned: dict[str, dict] = {}
        self.r: ScenarioRules = d["rules"]
        self.events: list = []

    def emit(self, e) -> None:
        _HANDLERS[type(e)](self, e)
        self.events.append(e)

    def roll(self) -> float:
        """The next roll; the event that records it advances the counter."""
        return roll(self.s.seed, self.s.rolls)


def execute(state: State, command) -> tuple[State, list]:
    """(state after, events) for a command; raises Rejected and changes nothing if refused."""
    handler = _COMMANDS.get(type(command))
    if handler is None:
        raise Rejected(f"unknown command {type(command).__name__}")
    cm.check_limits(command)
    c = Ctx(state)
    handler(c, command)
    return c.s, c.events


def execute_all(state: State, commands, done=None) -> tuple[State, int]:
    """(state after, commands refused): carry out `commands` in order, each exactly as
    `execute` would on the state left by the ones before (a refused command changes
    nothing); `done(command, events)` is called for each accepted one.

    One working copy serves the whole batch, so a dict written by several commands is
    copied once, not once per command. A command refused after it emitted events (a team
    that cannot pay for its new split) has its events undone by folding the accepted ones
    again onto `state`."""
    c = Ctx(state)
    events = c.events
    refused = 0
    for command in commands:
        handler = _COMMANDS.get(type(command))
        mark = len(events)
        try:
            if handler is None:
                raise Rejected(f"unknown command {type(command).__name__}")
            cm.check_limits(command)
            handler(c, command)
        except Rejected:
            refused += 1
            if len(events) > mark:  # rare: start again from `state` with the accepted events
                kept = events[:mark]
                c = Ctx(state)
                for e in kept:
                    c.emit(e)
                events = c.events
            continue
        if done is not None:
            done(command, events[mark:])
    return c.s, refused


def decide(state: State, command) -> list:
    """The events a command causes (see `execute`)."""
    return execute(state, command)[1]


# -- wording -------------------------------------------------------------------------
def _n(x: float) -> str:
    """A number as people write it: 4.4, 12, 0.25."""
    x = round(x, 2)
    if x == int(x):
        return str(int(x))
    return f"{x:.2f}".rstrip("0").rstrip(".")


_PCT: dict[float, str] = {}


def _pct(x: float) -> str:
    p = _PCT.get(x)  # memoised: decay causes word the same few shares every turn
    if p is None:
        if len(_PCT) > 4096:
            _PCT.clear()
        p = _PCT[x] = f"{_n(x * 100)}%"
    return p


def _where(s: State) -> str:
    return f"{s.phase} of turn {s.turn}" if s.turn else "before the start"


def _unknown(what: str, value, pool) -> Rejected:
    return Rejected(f"unknown {what} {value!r}{did_you_mean(str(value), pool)}")


# -- checks shared by commands ---------------------------------------------------------
def _facilitator(c: Ctx, cmd, verb: str, running: bool = True, paused_ok: bool = True) -> None:
    if cmd.actor != FACILITATOR:
        who = c.r.team_name(cmd.actor) if cmd.actor in c.r.teams else repr(cmd.actor)
        raise Rejected(f"only the facilitator can {verb}; {who} is not the facilitator")
    if running and c.s.status != "running":
        _running(c.s, verb)
    if not paused_ok and c.s.paused:
        raise Rejected(f"the exercise is paused: resume it before you {verb}")


def _running(s: State, verb: str) -> None:
    if s.status == "ready":
        raise Rejected(f"cannot {verb}: the exercise has not started yet")
    if s.status == "ended":
        raise Rejected(f"cannot {verb}: the exercise has ended")


def _team(c: Ctx, cmd, verb: str) -> str:
    r, s = c.r, c.s
    team = cmd.team
    if team not in r.teams:
        raise _unknown("team", team, r.teams)
    if cmd.actor != team:
        name = r.names[team]
        who = "the facilitator" if cmd.actor == FACILITATOR else (
            r.team_name(cmd.actor) if cmd.actor in r.teams else repr(cmd.actor))
        raise Rejected(f"{who} cannot {verb} for {name}: only {name} can")
    if s.status != "running":
        _running(s, verb)
    if s.paused:
        raise Rejected(f"the exercise is paused: {r.names[team]} can {verb} once the facilitator resumes it")
    if s.phase != "deliberation":
        raise Rejected(f"{r.names[team]} can {verb} only during deliberation (now: {_where(s)})")
    if team in s.submitted:
        raise Rejected(f"{r.names[team]} has already submitted for turn {s.turn}; it can act again next turn")
    return team


def _teams(c: Ctx, team: str | None, selves) -> tuple[str, ...]:
    if team is None or team == "self":
        return selves
    if team == "all":
        return c.r.team_ids
    return (team,) if team in c.r.teams else ()


# -- effects ----------------------------------------------------------------------------
def apply_effects(c: Ctx, effects, selves: tuple[str, ...], cause: str, times: int = 1) -> None:
    """Carry out effects; 'self' is each of `selves` (every team when there is none)."""
    if not selves:
        selves = c.r.team_ids
    for e in effects:
        _effect(c, e, selves, cause, times)


def _effect(c: Ctx, e: model.Effect, selves, cause: str, times: int) -> None:
    r, s = c.r, c.s
    track = e.track
    if track is not None:
        t = r.tracks.get(track)
        if t is None:
            return
        value, add = e.set, (e.add or 0.0) * times
        if t.scope == "world":
            set_track(c, track, None, value if value is not None else s.tracks[track] + add, cause)
        else:
            tm = e.team
            for team in selves if tm is None or tm == "self" else _teams(c, tm, selves):
                set_track(c, track, team,
                          value if value is not None else s.team_tracks[(team, track)] + add, cause)
    elif e.budget is not None:
        if not e.add:
            return
        first = max(1, s.turn)
        last = first + max(1, e.turns or 1) - 1
        for team in _teams(c, e.team, selves):
            c.emit(ev.BudgetEffectAdded(team, e.budget, e.add * times, first, last, cause))
            if s.status == "running":
                rebudget(c, team, cause)
    elif e.item is not None:
        if e.lead_time and e.item in r.items:
            c.emit(ev.LeadTimeChanged(e.item, e.lead_time * times, cause))
    elif e.inject is not None:
        _inject_effect(c, e.inject, e.action, cause)
    elif e.ally is not None:
        if e.command in r.commands and e.ally in r.allies and s.ally_command.get(e.ally) != e.command:
            c.emit(ev.AllyMoved(e.ally, e.command, cause))


def set_track(c: Ctx, track: str, team: str | None, value: float, cause: str) -> None:
    """Set a track (clamped to its bounds); crossing a threshold downwards applies its effects once."""
    r = c.r
    lo, hi = r.bounds[track]
    value = float(min(hi, max(lo, value)))
    old = c.d["tracks"][track] if team is None else c.d["team_tracks"][(team, track)]
    if value == old:
        return
    e = _TrackSet(track, team, value, cause)
    _track_set(c, e)  # c.emit, without the dispatch
    c.events.append(e)
    ths = r.thresholds.get(track)
    if ths and value < old:
        t = r.tracks[track]
        for th in reversed(ths):  # highest first: the order in which a falling value meets them
            if value < th.at <= old and (track, team or "", th.at) not in c.s.crossed:
                c.emit(ev.ThresholdCrossed(track, team, th.at, th.label))
                apply_effects(c, th.effects, (team,) if team else c.r.team_ids,
                              f"{t.name} fell below {_n(th.at)}")


def _inject_effect(c: Ctx, target: str, action: str | None, cause: str) -> None:
    s = c.s
    inj = c.r.injects.get(target)
    if inj is None or target in s.fired:
        return
    status = s.inject_status.get(target)
    if action == "enable":
        if status == "held":
            c.emit(ev.InjectControlled(target, "release", cause=cause))
        elif inj.reserve and status is None:
            c.emit(ev.InjectControlled(target, "enable", cause=cause))
    elif action == "cancel":
        if status != "cancelled":
            c.emit(ev.InjectControlled(target, "cancel", cause=cause))
    elif action == "fire":
        if s.fire_at.get(target) != s.turn + 1:
            c.emit(ev.InjectControlled(target, "queue", turns=s.turn + 1, cause=cause))


# -- money -----------------------------------------------------------------------------
def team_budget(s: State, r: ScenarioRules, team: str) -> tuple[float, dict[str, float]]:
    """This turn's budget of a team: (total, money per category).

    total = the allies' playable defence money + 'total' budget effects - lead costs;
    each category gets its share of the total plus its own budget effects. Never negative.
    """
    d = s.__dict__
    turn = d["turn"]
    mine = r.team_allies[team]
    spending = d["spending"]
    base = 0.0
    for a, f in r.team_factors[team]:
        base += f * spending[a]
    extra = None
    for b in d["budget_effects"]:
        if b.team == team and b.first <= turn <= b.last:
            if b.category == "total":
                base += b.amount
            else:
                if extra is None:
                    extra = {}
                extra[b.category] = extra.get(b.category, 0.0) + b.amount
    lead_cost = r.lead_cost
    for cid, ally in d["leads"].items():
        if ally in mine:
            base -= lead_cost[cid]
    total = round(base, 9) if base > 0.0 else 0.0  # rounded: no 0.6000000000000001 in the journal
    shares = d["allocation"][team]
    if extra is None:
        amounts = {cid: round(total * sh, 9) for cid, sh in zip(r.cat_ids, shares)}
    else:
        amounts = {cid: max(0.0, round(total * sh + extra.get(cid, 0.0), 9)) for cid, sh in zip(r.cat_ids, shares)}
    return total, amounts


def rebudget(c: Ctx, team: str, cause: str, strict=None) -> None:
    """Recompute this turn's budget of a team; the procurement money moves by the difference.

    strict: a function (shortfall) -> reason; when given, a change that would leave
    negative money is Rejected (a team's own command). Otherwise (injects, effects) the
    money stops at 0.
    """
    s, r = c.s, c.r
    total, amounts = team_budget(s, r, team)
    old = s.budget.get(team)
    cash = s.cash[team]
    if r.proc is not None:
        new_cash = round(cash + amounts[r.proc] - (old[1][r.proc] if old else 0.0), 9)
        if new_cash < 0.0:
            if strict is not None and new_cash < -EPS:
                raise Rejected(strict(-new_cash))
            new_cash = 0.0
    else:
        new_cash = cash
    if old is not None and old[0] == total and old[1] == amounts and new_cash == cash:
        return
    c.emit(ev.BudgetSet(team, total, amounts, new_cash, cause))


# -- the facilitator's flow ----------------------------------------------------------------
def _start(c: Ctx, cmd: cm.Start) -> None:
    _facilitator(c, cmd, "start the exercise", running=False)
    if c.s.status != "ready":
        raise Rejected("the exercise has already started" if c.s.status == "running" else "the exercise has ended")
    c.emit(ev.ExerciseStarted(c.r.scenario.id, c.s.seed))
    _start_turn(c, 1)


def _start_turn(c: Ctx, turn: int) -> None:
    c.emit(ev.TurnStarted(turn))
    for team in c.r.team_ids:
        rebudget(c, team, f"budget of turn {turn}")


def _advance(c: Ctx, cmd: cm.Advance) -> None:
    _facilitator(c, cmd, "advance the exercise", paused_ok=False)
    s = c.s
    phase, turn = s.phase, s.turn
    if phase == "briefing":
        c.emit(ev.PhaseChanged(turn, "injects"))
        fire_scheduled(c)
    elif phase == "injects":
        c.emit(ev.PhaseChanged(turn, "deliberation"))
    elif phase == "deliberation":
        _close_deliberation(c, cmd.force)
        c.emit(ev.PhaseChanged(turn, "adjudication"))
        _adjudicate_turn(c)
    elif phase == "adjudication":
        c.emit(ev.PhaseChanged(turn, "summary"))
    elif turn >= c.r.turns:
        _end(c, early=False)
    else:
        _start_turn(c, turn + 1)


def _close_deliberation(c: Ctx, force: bool) -> None:
    s, r = c.s, c.r
    missing = [t for t in r.team_ids if t not in s.submitted]
    if missing and not force:
        names = ", ".join(r.team_name(t) for t in missing)
        raise Rejected(f"waiting for {names} to submit; advance with force to go on without them "
                       "(their unanswered decisions take the default, their draft orders are withdrawn)")
    for team in r.team_ids:
        for iid in s.pending_decisions(team):
            _answer(c, team, iid, s.default_option(iid), default=True)
        if team not in s.submitted:
            for o in s.drafts(team):
                _cancel(c, o, o.cost, "withdrawn: the team did not submit")
            c.emit(ev.Submitted(team, s.turn, forced=True))


def _adjudicate_turn(c: Ctx) -> None:
    """Rigid rules and dice when deliberation closes: deliveries, slips, decay."""
    s, r = c.s, c.r
    turn = s.turn
    for o in [o for o in s.orders.values() if o.status == "ordered" and o.due <= turn]:
        item = r.items[o.item]
        if not o.slip_rolled and item.slip_chance > 0 and item.slip_turns > 0:
            x = c.roll()
            slipped = x < item.slip_chance
            c.emit(ev.SlipRolled(o.id, x, item.slip_chance, slipped, turn + item.slip_turns if slipped else turn))
            if slipped:
                continue
        c.emit(ev.OrderDelivered(o.id, o.team, o.item, o.quantity, turn))
        apply_effects(c, item.effects, (o.team,), f"delivery of {o.quantity} {item.name}", times=o.quantity)
    for track, cat, floor, decay in r.funded:
        for team in r.team_ids:
            total, amounts = s.budget.get(team, (0.0, {}))
            share = amounts.get(cat, 0.0) / total if total > 0 else 0.0
            if share < floor - EPS:
                set_track(c, track, team, s.team_tracks[(team, track)] - decay,
                          f"decay: {r.cat[cat].name} at {_pct(share)}, under {_pct(floor)}")


def _end(c: Ctx, early: bool, note: str = "") -> None:
    oid, name, reason = judge(c.s, c.r)
    c.emit(ev.ExerciseEnded(oid, name, reason, c.s.turn, early, note))


def _end_cmd(c: Ctx, cmd: cm.End) -> None:
    _facilitator(c, cmd, "end the exercise")
    _end(c, early=True, note=cmd.reason)


def _reopen(c: Ctx, cmd: cm.Reopen) -> None:
    _facilitator(c, cmd, "reopen a team's turn")
    s, r = c.s, c.r
    if cmd.team not in r.teams:
        raise Rejected(f"unknown team {cmd.team!r}; teams: {', '.join(r.team_ids)}")
    if s.phase != "deliberation":
        raise Rejected(f"a team's turn can be reopened in deliberation only (now: {s.phase})")
    if cmd.team not in s.submitted:
        raise Rejected(f"{r.names[cmd.team]} has not submitted: it can still act this turn")
    binding = tuple(o.id for o in s.orders.values()
                    if o.team == cmd.team and o.placed == s.turn and o.status == "ordered" and not o.backlog)
    c.emit(ev.Reopened(cmd.team, s.turn, binding))


def _pause(c: Ctx, cmd: cm.Pause) -> None:
    _facilitator(c, cmd, "pause the exercise")
    if c.s.paused:
        raise Rejected("the exercise is already paused")
    c.emit(ev.Paused())


def _resume(c: Ctx, cmd: cm.Resume) -> None:
    _facilitator(c, cmd, "resume the exercise")
    if not c.s.paused:
        raise Rejected("the exercise is not paused")
    c.emit(ev.Resumed())


# -- injects ----------------------------------------------------------------------------------
def fire_scheduled(c: Ctx) -> None:
    """Fire this turn's injects: scheduled, windowed, conditional, chained, queued."""
    s, r = c.s, c.r
    turn = s.turn
    cands = r.candidates.get(turn, ())
    extra = [*s.fire_at, *s.inject_shift, *(i for i, st in s.inject_status.items() if st == "enabled")]
    if extra:
        cands = sorted(set(cands).union(r.by_turn.get(turn, ()), r.floating, extra), key=r.rank.__getitem__)
    world = None
    for iid in cands:
        fired = s.fired  # read again each time: an emitted event may have replaced the dict
        if iid in fired:
            continue
        status = s.inject_status.get(iid)
        if status is not None and status != "enabled":
            continue
        at = s.fire_at.get(iid)
        if at is not None and at <= turn:
            fire(c, iid, "effect")
            continue
        inj = r.injects[iid]
        if inj.reserve and status != "enabled":
            continue
        shift = s.inject_shift.get(iid, 0)
        if shift:
            if s.not_before.get(iid, 0) > turn:
                continue
        if inj.turn is not None:
            if turn != inj.turn + shift:
                continue
        elif inj.window is not None:
            if not inj.window[0] + shift <= turn <= inj.window[1] + shift:
                continue
        if inj.requires:
            last = 0
            ok = True
            for req in inj.requires:
                t = fired.get(req)
                if t is None:
                    ok = False
                    break
                last = t if t > last else last
            if not ok or turn < last + inj.after:
                continue
        test = r.conds.get(iid)
        if test is not None:
            if world is None:
                world = StateWorld(s, r)
            if not test(world):
                continue
        if inj.chance < 1.0:
            x = c.roll()
            hit = x < inj.chance
            c.emit(ev.InjectRolled(iid, x, inj.chance, hit))
            if not hit:
                continue
        fire(c, iid, "schedule")


def fire(c: Ctx, iid: str, by: str) -> None:
    inj = c.r.injects.get(iid) or c.s.adhoc[iid]
    to = c.s.targets(iid)
    c.emit(ev.InjectFired(iid, c.s.turn, to, by))
    if inj.effects:
        apply_effects(c, inj.effects, to, f"inject {iid}")


def _scenario_inject(c: Ctx, iid: str, verb: str) -> model.Inject:
    inj = c.r.injects.get(iid)
    if inj is None:
        if iid in c.s.adhoc:
            raise Rejected(f"{iid!r} was typed during the exercise and has fired already")
        raise _unknown("inject", iid, c.r.injects)
    if iid in c.s.fired:
        raise Rejected(f"cannot {verb} {iid!r}: it fired in turn {c.s.fired[iid]}")
    return inj


def _fire_inject(c: Ctx, cmd: cm.FireInject) -> None:
    _facilitator(c, cmd, "fire an inject")
    _scenario_inject(c, cmd.inject, "fire")
    fire(c, cmd.inject, "facilitator")


def _fire_adhoc(c: Ctx, cmd: cm.FireAdHoc) -> None:
    _facilitator(c, cmd, "fire an inject")
    r = c.r
    if not cmd.title.strip():
        raise Rejected("an inject needs a title")
    to = tuple(cmd.to)
    if not to:
        raise Rejected('say who receives it: "all", "facilitator" or team ids')
    for t in to:
        if t not in r.teams and t not in ("all", "facilitator"):
            raise _unknown("team", t, list(r.teams) + ["all", "facilitator"])
    if len(to) > 1 and set(to) & {"all", "facilitator"}:
        raise Rejected('"all" and "facilitator" stand alone in to')
    from exercise.engine.effects import parse_effects, parse_options  # rare: import lazily

    parse_effects(cmd.effects, r.scenario)
    if cmd.options:
        if to == ("facilitator",):
            raise Rejected("an inject for the facilitator only cannot ask teams to decide")
        parse_options(cmd.options, r.scenario)
    n = len(c.s.adhoc) + 1
    while f"adhoc-{n}" in r.injects or f"adhoc-{n}" in c.s.adhoc:
        n += 1
    iid = f"adhoc-{n}"
    c.emit(ev.AdHocInject(iid, cmd.title, cmd.text, to, tuple(dict(e) for e in cmd.effects),
                          tuple(dict(o) for o in cmd.options)))
    fire(c, iid, "facilitator")


def _hold(c: Ctx, cmd: cm.HoldInject) -> None:
    _facilitator(c, cmd, "hold an inject", running=False)
    _not_ended(c.s, "hold an inject")
    _scenario_inject(c, cmd.inject, "hold")
    status = c.s.inject_status.get(cmd.inject)
    if status in ("held", "skipped", "cancelled"):
        raise Rejected(f"{cmd.inject!r} is {status} already")
    c.emit(ev.InjectControlled(cmd.inject, "hold", cause="facilitator"))


def _release(c: Ctx, cmd: cm.ReleaseInject) -> None:
    _facilitator(c, cmd, "release an inject", running=False)
    _not_ended(c.s, "release an inject")
    _scenario_inject(c, cmd.inject, "release")
    if c.s.inject_status.get(cmd.inject) != "held":
        raise Rejected(f"{cmd.inject!r} is not held")
    c.emit(ev.InjectControlled(cmd.inject, "release", cause="facilitator"))


def _skip(c: Ctx, cmd: cm.SkipInject) -> None:
    _facilitator(c, cmd, "skip an inject", running=False)
    _not_ended(c.s, "skip an inject")
    _scenario_inject(c, cmd.inject, "skip")
    status = c.s.inject_status.get(cmd.inject)
    if status in ("skipped", "cancelled"):
        raise Rejected(f"{cmd.inject!r} is {status} already")
    c.emit(ev.InjectControlled(cmd.inject, "skip", cause="facilitator"))


def _delay(c: Ctx, cmd: cm.DelayInject) -> None:
    _facilitator(c, cmd, "delay an inject", running=False)
    _not_ended(c.s, "delay an inject")
    _scenario_inject(c, cmd.inject, "delay")
    if not isinstance(cmd.turns, int) or cmd.turns < 1:
        raise Rejected("delay by at least 1 turn")
    status = c.s.inject_status.get(cmd.inject)
    if status in ("skipped", "cancelled"):
        raise Rejected(f"{cmd.inject!r} is {status}; there is nothing to delay")
    c.emit(ev.InjectControlled(cmd.inject, "delay", turns=cmd.turns, cause="facilitator"))


def _not_ended(s: State, verb: str) -> None:
    if s.status == "ended":
        raise Rejected(f"cannot {verb}: the exercise has ended")


# -- the white cell's other tools -------------------------------------------------------------
def _override(c: Ctx, cmd: cm.Override) -> None:
    _facilitator(c, cmd, "override a value", running=False)
    _not_ended(c.s, "override a value")
    s, r = c.s, c.r
    if not cmd.rationale.strip():
        raise Rejected("an override needs a rationale: say why, for the debrief")
    value = float(cmd.value)
    if not math.isfinite(value):
        raise Rejected("the value must be a number")
    target = cmd.target
    if target in ("track", "team_track"):
        t = r.tracks.get(cmd.track)
        if t is None:
            raise _unknown("track", cmd.track, r.tracks)
        if not t.min <= value <= t.max:
            raise Rejected(f"{t.name} goes from {_n(t.min)} to {_n(t.max)}; {_n(value)} is outside")
        if t.scope == "world":
            if target != "track" or cmd.team is not None:
                raise Rejected(f"{t.name} is a world track: override it without a team")
            previous = s.tracks[t.id]
        else:
            if cmd.team not in r.teams:
                raise Rejected(f"{t.name} is a team track: name the team") if cmd.team is None else _unknown(
                    "team", cmd.team, r.teams)
            previous = s.team_tracks[(cmd.team, t.id)]
            target = "team_track"
        c.emit(ev.Overridden(target, value, previous, cmd.rationale, s.turn, track=t.id,
                             team=cmd.team if t.scope == "team" else None))
    elif target == "money":
        if cmd.team not in r.teams:
            raise _unknown("team", cmd.team, r.teams)
        if value < 0:
            raise Rejected("money cannot be negative")
        c.emit(ev.Overridden("money", value, s.cash[cmd.team], cmd.rationale, s.turn, team=cmd.team))
    elif target == "spending":
        if cmd.ally not in r.allies:
            raise _unknown("ally", cmd.ally, r.allies)
        if not 0 <= value <= MAX_SPENDING:
            raise Rejected(f"spending is a % of GDP between 0 and {_n(MAX_SPENDING)}")
        c.emit(ev.Overridden("spending", value, s.spending[cmd.ally], cmd.rationale, s.turn, ally=cmd.ally))
        team = r.ally_team.get(cmd.ally)
        if team is not None and s.status == "running":
            rebudget(c, team, "spending overridden by the facilitator")
    else:
        raise Rejected(f"cannot override {target!r}: choose track, team_track, money or spending")


def _note(c: Ctx, cmd: cm.AddNote) -> None:
    _facilitator(c, cmd, "add a note", running=False)
    s, r = c.s, c.r
    if not cmd.text.strip():
        raise Rejected("the note is empty")
    if cmd.inject is not None and cmd.inject not in r.injects and cmd.inject not in s.adhoc:
        raise _unknown("inject", cmd.inject, r.injects)
    if cmd.objective is not None and cmd.objective not in r.objectives:
        raise _unknown("objective", cmd.objective, r.objectives)
    if cmd.rating is not None:
        if cmd.rating not in model.RATINGS:
            raise Rejected(f"rating is one of {', '.join(model.RATINGS)} (performed without / with some / "
                           "with major challenges / unable to be performed)")
        if cmd.objective is None:
            raise Rejected("a rating rates an objective: name the objective")
    c.emit(ev.NoteAdded(s.turn, s.phase, cmd.text, tuple(cmd.tags), cmd.inject, cmd.objective, cmd.rating))


def _adjudicate(c: Ctx, cmd: cm.Adjudicate) -> None:
    _facilitator(c, cmd, "adjudicate an action")
    s = c.s
    act = s.actions.get(cmd.action)
    if act is None:
        raise _unknown("action", cmd.action, s.actions)
    if act.likelihood is not None:
        raise Rejected(f"{cmd.action!r} was adjudicated already ({act.likelihood}%, "
                       f"{'success' if act.success else 'failure'})")
    if cmd.likelihood not in model.LIKELIHOODS:
        raise Rejected(f"likelihood is one of {', '.join(f'{x}%' for x in model.LIKELIHOODS)}")
    if not cmd.rationale.strip():
        raise Rejected("say why you set these odds (the rationale is recorded for the debrief)")
    from exercise.engine.effects import parse_effects  # rare: import lazily

    ok = parse_effects(cmd.effects, c.r.scenario, "effect on success")
    bad = parse_effects(cmd.failure_effects, c.r.scenario, "effect on failure")
    x = c.roll()
    success = x < cmd.likelihood / 100.0
    c.emit(ev.ActionAdjudicated(cmd.action, cmd.likelihood, x, success, cmd.rationale, s.turn,
                                tuple(dict(e) for e in cmd.effects),
                                tuple(dict(e) for e in cmd.failure_effects)))
    apply_effects(c, ok if success else bad, (act.team,), f"action {cmd.action}")


# -- teams --------------------------------------------------------------------------------
def _allocate(c: Ctx, cmd: cm.Allocate) -> None:
    team = _team(c, cmd, "allocate the budget")
    s, r = c.s, c.r
    name = r.team_name(team)
    shares = dict(cmd.shares)
    for k in shares:
        if k not in r.cat:
            raise _unknown("budget category", k, r.cat)
    missing = [cid for cid in r.cat_ids if cid not in shares]
    if missing:
        raise Rejected(f"give a share for every category (missing: {', '.join(missing)})")
    for cat in r.cats:
        v = shares[cat.id]
        if not isinstance(v, (int, float)) or not math.isfinite(v):
            raise Rejected(f"the share of {cat.name} must be a number")
        if v < cat.min_share - EPS or v > cat.max_share + EPS:
            raise Rejected(f"{cat.name} must get between {_pct(cat.min_share)} and {_pct(cat.max_share)} "
                           f"of the budget ({_pct(v)} asked)")
    total = sum(shares.values())
    if abs(total - 1.0) > 1e-6:
        raise Rejected(f"the shares add up to {_pct(total)}, not 100%")
    limit = s.invest_limit(team)
    if limit is not None and shares[r.proc] > limit + EPS:
        raise Rejected(f"{r.cat[r.proc].name} may grow by at most {_pct(r.budget.max_invest_growth)} a turn: "
                       f"at most {_pct(limit)} of the budget this turn (it was {_pct(s.invest_base[team])})")
    if tuple(float(shares[cid]) for cid in r.cat_ids) == s.allocation[team]:
        raise Rejected(f"{name}'s budget is already split that way")
    c.emit(ev.AllocationSet(team, {cid: float(shares[cid]) for cid in r.cat_ids}))
    rebudget(c, team, "allocation", strict=lambda short: (
        f"{name} has already spent this turn's {r.cat[r.proc].name} money: this split leaves "
        f"{_n(short)} {r.budget.unit} too little"))


def _set_spending(c: Ctx, cmd: cm.SetSpending) -> None:
    team = _team(c, cmd, "change defence spending")
    s, r = c.s, c.r
    name = r.team_name(team)
    if cmd.ally not in r.allies:
        raise _unknown("ally", cmd.ally, r.allies)
    ally = r.allies[cmd.ally]
    if cmd.ally not in r.team_allies[team]:
        raise Rejected(f"{ally.name} is not played by {name}")
    new = float(cmd.spending)
    if not math.isfinite(new) or not 0 <= new <= MAX_SPENDING:
        raise Rejected(f"spending is a % of GDP between 0 and {_n(MAX_SPENDING)}")
    current = s.spending[cmd.ally]
    delta = new - current
    steps = round(abs(delta) * 10)
    if abs(abs(delta) * 10 - steps) > 1e-6:
        raise Rejected("change spending in steps of 0.1 % of GDP")
    if steps == 0:
        raise Rejected(f"{ally.name} already spends {_n(current)} % of GDP")
    base = s.spending_base[cmd.ally]
    step = r.budget.max_spending_step
    if abs(new - base) > step + 1e-6:
        lo, hi = max(0.0, base - step), base + step
        raise Rejected(f"{ally.name}'s spending may change by at most {_n(step)} % of GDP a turn: "
                       f"between {_n(lo)} and {_n(hi)} this turn")
    new = round(new, 6)
    c.emit(ev.SpendingSet(team, cmd.ally, new, steps))
    fx = r.budget.raise_effects if delta > 0 else r.budget.cut_effects
    apply_effects(c, fx, (team,), f"{ally.name} spending {'raised' if delta > 0 else 'cut'}", times=steps)
    rebudget(c, team, "spending", strict=lambda short: (
        f"{name} has already spent this turn's money: this cut leaves {_n(short)} {r.budget.unit} too little"))


def _order(c: Ctx, cmd: cm.PlaceOrder) -> None:
    team = _team(c, cmd, "order")
    s, r = c.s, c.r
    item = r.items.get(cmd.item)
    if item is None:
        raise _unknown("item", cmd.item, r.items)
    q = cmd.quantity
    if not isinstance(q, int) or isinstance(q, bool) or q < 1:
        raise Rejected("order at least 1 unit")
    if q > item.max_quantity:
        raise Rejected(f"at most {item.max_quantity} {item.name} in one order")
    cost = item.cost * q
    cash = s.cash[team]
    if cost > cash + EPS:
        where = r.cat[r.proc].name if r.proc else "the budget"
        raise Rejected(f"{r.team_name(team)} cannot order {q} {item.name}: {_n(cost)} {r.budget.unit} needed, "
                       f"{_n(cash)} available in {where}")
    lead = max(0, item.lead_time + s.lead_time.get(item.id, 0))
    slots = _reserve(s, r.line[item.id], item.capacity, s.turn + lead, q)
    mine = [o for o in s.orders.values() if o.team == team and not o.backlog]
    if sum(1 for o in mine if o.placed == s.turn) >= cm.MAX_ORDERS_PER_TURN:
        raise Rejected(f"{r.team_name(team)} has placed {cm.MAX_ORDERS_PER_TURN} orders this turn (withdrawn ones "
                       "count), the most one turn allows; order more next turn")
    oid = _new_id(s.orders, "order", team, mine)
    c.emit(ev.OrderPlaced(oid, team, item.id, q, cost, s.turn, slots[-1][0], slots, max(0.0, round(cash - cost, 9))))


def _new_id(taken, prefix: str, team: str, mine) -> str:
    """An id counted per team ("order-east-3": east's third order), so the ids a team sees
    say nothing of how much other teams did. Saves made before this numbering (global
    "order-17") replay unchanged: ids are in the events, and only decide makes new ones."""
    n = sum(1 for _ in mine) + 1
    while f"{prefix}-{team}-{n}" in taken:  # an old save's id could be taken
        n += 1
    return f"{prefix}-{team}-{n}"


def _reserve(s: State, line: str, capacity: int, earliest: int, quantity: int):
    """The (turn, units) slots a new order gets: first free capacity from `earliest` on."""
    use = s.line_use
    slots = []
    t, left = earliest, quantity
    while left:
        free = capacity - use.get((line, t), 0)
        if free > 0:
            k = free if free < left else left
            slots.append((t, k))
            left -= k
        t += 1
    return tuple(slots)


def _cancel_order(c: Ctx, cmd: cm.CancelOrder) -> None:
    team = _team(c, cmd, "cancel an order")
    s, r = c.s, c.r
    name = r.team_name(team)
    o = s.orders.get(cmd.order)
    if o is None or o.team != team:
        mine = [k for k, v in s.orders.items() if v.team == team]
        raise Rejected(f"{name} has no order {cmd.order!r}{did_you_mean(cmd.order, mine)}")
    if o.backlog:
        raise Rejected(f"{cmd.order!r} was placed before the exercise; it cannot be cancelled in the game")
    if o.status == "delivered":
        raise Rejected(f"{cmd.order!r} was delivered in turn {o.delivered}")
    if o.status == "cancelled":
        raise Rejected(f"{cmd.order!r} is cancelled already")
    if o.status == "draft":
        _cancel(c, o, o.cost, "withdrawn before submitting (no penalty)")
    else:
        item = r.items[o.item]
        refund = o.cost * (1 - item.cancel_penalty)
        _cancel(c, o, refund, f"cancelled: {_pct(item.cancel_penalty)} of the cost lost")


def _cancel(c: Ctx, o, refund: float, reason: str) -> None:
    cash = round(c.s.cash[o.team] + refund, 9)
    c.emit(ev.OrderCancelled(o.id, o.team, refund, o.cost - refund, cash, reason))


def _assign(c: Ctx, cmd: cm.Assign) -> None:
    team = _team(c, cmd, "assign forces")
    s, r = c.s, c.r
    name = r.team_name(team)
    if cmd.command not in r.commands:
        raise _unknown("command", cmd.command, r.commands)
    t = r.tracks.get(cmd.capability)
    if t is None or t.scope != "team":
        raise Rejected(f"{cmd.capability!r} is not a capability; assign one of: {', '.join(r.team_tracks)}")
    amount = float(cmd.amount)
    if not math.isfinite(amount) or amount < 0:
        raise Rejected("assign 0 or more points (0 withdraws)")
    have = s.team_tracks[(team, t.id)]
    others = sum(v for (cid, tm, cap), v in s.assigned.items()
                 if tm == team and cap == t.id and cid != cmd.command)
    if others + amount > have + EPS:
        raise Rejected(f"{name} has {_n(have)} {t.name} in all and {_n(others)} assigned elsewhere: "
                       f"at most {_n(max(0.0, have - others))} can go to {r.commands[cmd.command].name}")
    if s.assigned.get((cmd.command, team, t.id), 0.0) == amount:
        raise Rejected(f"{_n(amount)} {t.name} is already assigned to {r.commands[cmd.command].name}")
    c.emit(ev.ForceAssigned(team, cmd.command, t.id, amount))


def _take_lead(c: Ctx, cmd: cm.TakeLead) -> None:
    team = _team(c, cmd, "take the lead of a command")
    s, r = c.s, c.r
    name = r.team_name(team)
    com = r.commands.get(cmd.command)
    if com is None:
        raise _unknown("command", cmd.command, r.commands)
    if cmd.ally not in r.allies:
        raise _unknown("ally", cmd.ally, r.allies)
    if cmd.ally not in r.team_allies[team]:
        raise Rejected(f"{r.allies[cmd.ally].name} is not played by {name}")
    cur = s.leads.get(com.id)
    if cur in r.team_allies[team]:
        raise Rejected(f"{name} already leads {com.name} through {r.allies[cur].name}")
    if cur in r.ally_team:
        other = r.ally_team[cur]
        raise Rejected(f"{com.name} is led by {r.allies[cur].name} ({r.team_name(other)}); "
                       f"{r.team_name(other)} must hand it back first")
    if s.lead_changed.get(com.id) == s.turn:
        raise Rejected(f"the lead of {com.name} changed this turn already; try next turn")
    team_obj = r.teams[team]
    free = team_obj.staff - s.used_staff(team)
    if com.lead_staff > free:
        raise Rejected(f"{name} has {free} staff officers free; leading {com.name} needs {com.lead_staff}")
    c.emit(ev.LeadTaken(team, com.id, cmd.ally, s.turn))
    apply_effects(c, com.lead_effects, (team,), f"{name} took the lead of {com.name}")
    rebudget(c, team, f"lead of {com.name}", strict=lambda short: (
        f"{name} cannot afford to lead {com.name}: it costs {_n(com.lead_cost)} {r.budget.unit} a turn "
        f"and leaves {_n(short)} too little"))


def _hand_back(c: Ctx, cmd: cm.HandBack) -> None:
    team = _team(c, cmd, "hand back a command")
    s, r = c.s, c.r
    name = r.team_name(team)
    com = r.commands.get(cmd.command)
    if com is None:
        raise _unknown("command", cmd.command, r.commands)
    if s.leads.get(com.id) not in r.team_allies[team]:
        raise Rejected(f"{name} does not lead {com.name}")
    if s.lead_changed.get(com.id) == s.turn:
        raise Rejected(f"the lead of {com.name} changed this turn already; hand it back next turn")
    original = com.lead
    to = original if original is not None and original not in r.ally_team else None
    c.emit(ev.LeadHandedBack(team, com.id, to, s.turn))
    apply_effects(c, com.hand_back_effects, (team,), f"{name} handed back {com.name}")
    rebudget(c, team, f"handed back {com.name}")


def _answer_cmd(c: Ctx, cmd: cm.Answer) -> None:
    team = _team(c, cmd, "answer a decision")
    s, r = c.s, c.r
    iid = cmd.inject
    if (iid, team) in s.answers:
        raise Rejected(f"{r.team_name(team)} has already answered {iid!r} ({s.answers[(iid, team)][0]})")
    opts = r.options.get(iid)
    if opts is not None and iid in s.fired and team in r.targets[iid] and cmd.option in opts:
        _answer(c, team, iid, cmd.option, default=False)  # the common case: a valid answer
        return
    inj = r.injects.get(iid) or s.adhoc.get(iid)
    if iid not in s.fired or not inj.options or team not in s.targets(iid):
        raise Rejected(f"no decision {iid!r} is waiting for {r.team_name(team)}")
    if cmd.option not in (r.options[iid] if iid in r.options else [o.id for o in inj.options]):
        options = [o.id for o in inj.options]
        raise Rejected(f"{iid!r} has no option {cmd.option!r}{did_you_mean(cmd.option, options)}; "
                       f"choose one of: {', '.join(options)}")
    _answer(c, team, iid, cmd.option, default=False)


def _answer(c: Ctx, team: str, iid: str, option: str, default: bool) -> None:
    c.emit(ev.DecisionAnswered(team, iid, option, default))
    r = c.r
    opts = r.options.get(iid)
    opt = opts[option] if opts is not None else next(o for o in c.s.adhoc[iid].options if o.id == option)
    if opt.effects:
        apply_effects(c, opt.effects, (team,), f"{r.names[team]} chose {option!r} in {iid}")


def _argue(c: Ctx, cmd: cm.Argue) -> None:
    team = _team(c, cmd, "argue an action")
    if not cmd.action.strip():
        raise Rejected("say what the team does (the action)")
    mine = [a for a in c.s.actions.values() if a.team == team]
    waiting = sum(1 for a in mine if a.likelihood is None)
    if waiting >= cm.MAX_OPEN_ACTIONS:
        raise Rejected(f"{c.r.names[team]} has {waiting} argued actions waiting for the facilitator "
                       f"(at most {cm.MAX_OPEN_ACTIONS}): argue more once some are adjudicated")
    aid = _new_id(c.s.actions, "action", team, mine)
    c.emit(ev.ActionArgued(aid, team, c.s.turn, cmd.action, cmd.result, cmd.reasons))


def _submit(c: Ctx, cmd: cm.Submit) -> None:
    team = _team(c, cmd, "submit")
    c.emit(ev.Submitted(team, c.s.turn, forced=False))


_COMMANDS = {
    cm.Start: _start,
    cm.Advance: _advance,
    cm.FireInject: _fire_inject,
    cm.FireAdHoc: _fire_adhoc,
    cm.HoldInject: _hold,
    cm.ReleaseInject: _release,
    cm.SkipInject: _skip,
    cm.DelayInject: _delay,
    cm.Override: _override,
    cm.AddNote: _note,
    cm.Adjudicate: _adjudicate,
    cm.Reopen: _reopen,
    cm.Pause: _pause,
    cm.Resume: _resume,
    cm.End: _end_cmd,
    cm.Allocate: _allocate,
    cm.SetSpending: _set_spending,
    cm.PlaceOrder: _order,
    cm.CancelOrder: _cancel_order,
    cm.Assign: _assign,
    cm.TakeLead: _take_lead,
    cm.HandBack: _hand_back,
    cm.Answer: _answer_cmd,
    cm.Argue: _argue,
    cm.Submit: _submit,
}
assert set(_COMMANDS) == set(cm.COMMANDS.values()), "every command needs a rule"
