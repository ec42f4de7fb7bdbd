"""The seats of a room: who each seat is, what it may see and which commands it may send.

A seat is held by one token (exercise.net.tokens keeps them). The server and the hot-seat
console ask this module, never the client: `view_for` gives the seat's view, `events_for`
the events it may be told as they happen, `refusal` why a command may not be sent from it.

Roles:
- facilitator: the lead of the white cell; everything.
- team: a player team; its player view and team commands, as itself.
- red: the adversary's cell; the red view, red_act / red_withdraw / counter_argue as the
  adversary.
- controller: a member of the white cell with a scope (team ids; empty: every team); white
  cell commands that touch only its scope, never the exercise's lifecycle (start, advance,
  pause, end, judge) nor red's moves; the journal records which controller did each.
- evaluator: reads every team's view and the evaluation guide; writes notes and P/S/M/U
  ratings (signed with the seat's name), nothing else.
- wall: the public display; reads, sends nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from exercise.engine import commands as cm
from exercise.engine import view_types as vt
from exercise.engine.decision import phase_word
from exercise.engine.events import to_dict
from exercise.engine.state import State
from exercise.engine.view import _team_tracks, _world_track, facilitator_view, player_view, red_view, visible_events

ROLES = ("facilitator", "team", "red", "controller", "evaluator", "wall")
ROLE_NAMES = {"facilitator": "lead facilitator", "team": "player team", "red": "red cell",
              "controller": "controller", "evaluator": "evaluator", "wall": "wall display"}
# seats added by name (several of each may sit in a room); team, facilitator and red are one each
NAMED_ROLES = ("controller", "evaluator", "wall")

# what a controller may never do: the lead facilitator's (the exercise's lifecycle, the
# verdict) and the red cell's
LEAD_ONLY = frozenset({"start", "advance", "pause", "resume", "end", "judge"})
RED_KINDS = frozenset({"red_act", "red_withdraw"})


@attrs.frozen
class Seat:
    id: str  # "facilitator", a team's id, "red", or a controller's / evaluator's / wall's own id
    role: str
    name: str  # as people read it: "Poland and the Baltics", "Alice (controller)"
    team: str | None = None  # role team: the team it plays
    scope: tuple[str, ...] = ()  # role controller: the teams it controls (empty: all)

    @property
    def principal(self) -> str:
        """Who the journal says sent a command ("facilitator", "team:east", "controller:alice")."""
        if self.role == "facilitator":
            return "facilitator"
        if self.role == "team":
            return f"team:{self.team}"
        return f"{self.role}:{self.id}"

    @property
    def signature(self) -> str:
        """How the seat signs what it does, in the journal, the log and the report:
        "Alice (controller)", "Russia (red cell)" (the role once)."""
        role = ROLE_NAMES.get(self.role, self.role)
        if self.role in ("facilitator", "team") or role.casefold() in self.name.casefold():
            return self.name
        return f"{self.name} ({role})"

    @property
    def read_only(self) -> bool:
        return self.role == "wall"


def facilitator_seat() -> Seat:
    return Seat("facilitator", "facilitator", "Lead facilitator")


def team_seat(state: State, team: str) -> Seat:
    return Seat(team, "team", state.rules.team_name(team), team=team)


def red_seat(state: State) -> Seat:
    adv = state.rules.adversary
    return Seat("red", "red", f"{adv.name if adv else 'Adversary'} (red cell)")


# -- what a seat may send ----------------------------------------------------------------
def refusal(seat: Seat, command, state: State) -> str | None:
    """Why `command` (with its identity already filled in from the seat) may not be sent from
    `seat`, in words for the person at it; None when it may. The engine still decides whether
    the command itself is allowed now."""
    kind = command.kind
    role = seat.role
    if role == "facilitator":
        return None
    if role == "wall":
        return "the wall display only shows the exercise; it sends nothing"
    if role == "team":
        if getattr(command, "team", None) != seat.team or command.actor != seat.team:
            return f"this seat acts for {seat.name} only"
        return None
    if role == "red":
        adv = state.rules.adversary
        if adv is None:
            return "this scenario has no adversary: the red cell has nothing to do"
        if kind not in RED_KINDS | {"counter_argue"}:
            return f"the red cell plans and withdraws the adversary's actions and counters open arguments; {kind} is not its"
        if command.actor != adv.id:
            return f"the red cell acts as {adv.name} only"
        return None
    if role == "evaluator":
        if kind != "note":
            return "an evaluator writes observations and ratings (notes) only; the white cell runs the exercise"
        if command.author != seat.signature:
            return f"an evaluator's notes are signed with the seat's name ({seat.signature})"
        return None
    if role == "controller":
        return _controller_refusal(seat, command, state)
    return f"unknown role {role!r}"


def _controller_refusal(seat: Seat, command, state: State) -> str | None:
    kind = command.kind
    if kind in LEAD_ONLY:
        return f"{kind} is the lead facilitator's: ask the lead facilitator"
    if kind in RED_KINDS or kind == "counter_argue":
        return "the red cell's moves are not a controller's"
    if getattr(command, "actor", cm.FACILITATOR) != cm.FACILITATOR:
        return "a controller acts as the white cell, not as a team"
    if not seat.scope:
        return None
    scope = set(seat.scope)
    names = ", ".join(state.rules.team_name(t) for t in seat.scope)
    out = f"outside your scope ({names})"
    teams = _teams_touched(command, state)
    if teams is None:
        return f"{out}: it concerns the whole exercise; ask the lead facilitator"
    if not teams <= scope:
        others = ", ".join(state.rules.team_name(t) for t in sorted(teams - scope))
        return f"{out}: it concerns {others}; ask the lead facilitator (or a controller with {others} in scope, if there is one)"
    return None


def _teams_touched(command, state: State) -> set[str] | None:
    """The teams a white-cell command concerns; None: the whole exercise (world tracks, every team)."""
    r = state.rules
    kind = command.kind
    if kind in ("fire_inject", "hold_inject", "release_inject", "skip_inject", "unskip_inject", "delay_inject"):
        inj = state.inject(command.inject)
        if inj is None:
            return set()  # the engine refuses an unknown inject in its own words
        return _to(r, inj.to)
    if kind == "fire_adhoc":
        return _to(r, command.to)
    if kind == "override":
        return None if command.team is None else {command.team}
    if kind == "note":
        return None if command.team is None else {command.team}
    if kind == "adjudicate":
        action = state.actions.get(command.action)
        return set() if action is None else {action.team}
    if kind == "reopen":
        return {command.team}
    if kind == "decide_lead":
        req = state.lead_requests.get(command.request)
        team = getattr(req, "team", None)
        return set() if team is None else {team}
    if hasattr(command, "team") and isinstance(command.team, str):
        return {command.team}
    return None


def _to(rules, to: Iterable[str]) -> set[str] | None:
    to = tuple(to)
    if "all" in to:
        return None
    return set(rules.resolve_to(to))


# -- what a seat may see ---------------------------------------------------------------------
def view_for(seat: Seat, state: State, ledger=None):
    """The view the server (or the hot-seat console) gives `seat`."""
    role = seat.role
    if role == "facilitator":
        return facilitator_view(state)
    if role == "team":
        assert seat.team is not None
        return player_view(state, seat.team, ledger)
    if role == "red":
        return red_view(state)
    if role == "controller":
        return controller_view(state, seat.scope)
    if role == "evaluator":
        return evaluator_view(state, ledger)
    if role == "wall":
        return wall_view(state)
    raise ValueError(f"unknown role {role!r}")


def events_for(seat: Seat, state: State, events: list) -> list[dict]:
    """The events (as dicts, allowed fields only) `seat` may be told, from a batch just applied."""
    role = seat.role
    if role == "facilitator" or (role == "controller" and not seat.scope):
        return [to_dict(e) for e in events]
    if role == "team":
        assert seat.team is not None
        return visible_events(state, seat.team, events)
    if role == "controller":
        scope = set(seat.scope)
        return [to_dict(e) for e in events if _in_scope(e, state, scope)]
    if role == "evaluator":
        seen: list[dict] = []
        for team in state.rules.team_ids:
            for d in visible_events(state, team, events):
                if d not in seen:
                    seen.append(d)
        return seen + [to_dict(e) for e in events if e.kind == "note_added"]
    if role in ("red", "wall"):
        return _public_events(state, events)
    return []


def _public_events(state: State, events: list) -> list[dict]:
    """What anyone may be told: public events, world-wide ones, injects fired to every team."""
    teams = set(state.rules.team_ids)
    out = []
    for e in events:
        vis = e.visibility
        if vis.audience == "addressed" and set(e.to) >= teams:
            d = to_dict(e)
            out.append({"kind": e.kind, **{f: d[f] for f in vis.fields}})
    # public and world-wide events (fogged tracks left out) as a team sees them: None is no team
    return visible_events(state, None, events) + out  # type: ignore[arg-type]


def _in_scope(e, state: State, scope: set[str]) -> bool:
    team = getattr(e, "team", None)
    if isinstance(team, str) and team in state.rules.teams:
        return team in scope
    to = getattr(e, "to", None)
    if to is not None and not isinstance(to, str):
        return bool(set(to) & scope)
    action_id = getattr(e, "action_id", None)
    if action_id is not None:
        action = state.actions.get(action_id)
        return action is None or action.team in scope
    return True


def controller_view(state: State, scope: tuple[str, ...]) -> vt.FacilitatorView:
    """The facilitator's view cut to a controller's scope: the scope's teams' private data,
    the injects addressed to them (or to all), their argued actions, the notes about them
    (or about all); never red's side nor the dice (seed, rolls). An empty scope is the whole white cell's view, red's
    side left out."""
    v = facilitator_view(state)
    if not scope:
        return attrs.evolve(v, red=None, seed=None, rolls=None,
                            notes=tuple(n for n in v.notes if "seats" not in n.tags))
    keep = set(scope)
    r = state.rules

    def touches(to: tuple[str, ...]) -> bool:
        return "all" in to or bool(set(r.resolve_to(to)) & keep)

    def own_override(o) -> bool:  # a team's money or private track set by hand is that team's
        if o.target == "money":
            return o.key in keep
        if o.target == "team_track":
            return any(o.key.startswith(f"{t}.") for t in keep)
        return True

    def scored(x):
        if x is None or not getattr(x, "objectives", ()):
            return x
        return attrs.evolve(x, objectives=tuple(o for o in x.objectives if o.team in keep))

    notes = tuple(n for n in v.notes if (n.team is None or n.team in keep) and "seats" not in n.tags)
    objectives = {oid: o.name for oid, o in r.objectives.items()}
    return attrs.evolve(
        v,
        objective_names=tuple(sorted({(n.objective, objectives.get(n.objective, n.objective))
                                      for n in notes if n.objective})),
        teams_private={t: p for t, p in v.teams_private.items() if t in keep},
        injects=tuple(_scoped(r, i, keep) for i in v.injects if touches(i.to)),
        actions=tuple(a for a in v.actions if a.team in keep),
        notes=notes,
        team_tracks=tuple(attrs.evolve(t, values={k: x for k, x in t.values.items() if k in keep or not t.private},
                                       bands={k: x for k, x in t.bands.items() if k in keep or not t.private})
                          for t in v.team_tracks),
        overrides=tuple(o for o in v.overrides if own_override(o)),
        thresholds_crossed=tuple(c for c in v.thresholds_crossed if c.team is None or c.team in keep),
        outcome=scored(v.outcome),
        proposal=scored(v.proposal),
        red=None,
        seed=None,  # the dice are the lead facilitator's: the next roll is not to be known
        rolls=None,
    )


def _scoped(r, i: vt.FacilitatorInject, keep: set[str]) -> vt.FacilitatorInject:
    """An inject as a controller sees it (the answers of its teams only): the facilitator's
    own object when no other team answered, else the same cut object while the inject is
    the same (views share it: its JSON is made once, the patch skips it)."""
    answers = {t: a for t, a in i.answers.items() if t in keep}
    if len(answers) == len(i.answers):
        return i
    key = ("controller inject", i.id, frozenset(keep))
    memo = r.memo.get(key)
    if memo is None or memo[0] is not i:
        memo = r.memo[key] = (i, attrs.evolve(i, answers=answers))
    return memo[1]


def _part(r, key: tuple, seen: tuple, cls, *fields):
    """`cls(*fields)`, the same object while `seen` (the inject and its turn) is: views share
    it, its JSON is made once (view_json) and the patch skips it."""
    memo = r.memo.get(key)
    if memo is None or memo[0][0] is not seen[0] or memo[0][1] != seen[1]:
        memo = r.memo[key] = (seen, cls(*fields))
    return memo[1]


def wall_view(state: State) -> vt.WallView:
    """The public display: what the whole room may see."""
    s = state
    r = s.rules
    sc = r.scenario
    from exercise.engine import fog
    from exercise.engine.view import _turn_label

    hidden = {t.id for t in fog.estimated(r)} if not fog.revealed(s) else set()
    tracks = []
    for t in sc.tracks:
        if t.scope != "world":
            continue
        tv = _world_track(s, r, t, None)
        if t.id in hidden:
            tracks.append(vt.WallTrack(t.id, t.name, None, t.min, t.max, "", t.decimals))
        else:
            tracks.append(vt.WallTrack(t.id, t.name, tv.value, t.min, t.max, tv.band, t.decimals))
    teams = set(r.team_ids)
    fired = sorted(((turn, iid) for iid, turn in s.fired.items()), reverse=True)
    injects = []
    for turn, iid in fired:
        inj = s.inject(iid)
        if inj is None or set(s.targets(iid)) < teams:
            continue
        injects.append(_part(r, ("wall inject", iid), (inj, turn),
                             vt.WallInject, inj.title, inj.sender, inj.synopsis, turn, inj.severity))
    v = s.verdict
    return vt.WallView(
        title=sc.title, status=s.status, paused=s.paused, turn=s.turn, turns=r.turns,
        turn_label=_turn_label(s, r), phase=s.phase, phase_name=phase_word(r, s.phase),
        teams=tuple(vt.TeamInfo(t.id, t.name, tuple(t.allies), t.id in s.submitted) for t in sc.teams),
        tracks=tuple(tracks),
        team_tracks=tuple(t for t in _team_tracks(s, r, None) if not t.private),
        injects=tuple(injects),
        outcome=None if v is None else vt.WallOutcome(
            v.name, next((o.text for o in sc.outcomes if o.id == v.outcome), ""), v.turn),
    )


def evaluator_view(state: State, ledger=None) -> vt.EvaluatorView:
    """An evaluator's seat: each team's view, the evaluation guide, the notes and ratings."""
    s = state
    r = s.rules
    sc = r.scenario
    from exercise.engine.view import _turn_label

    names = {t.id: t.name for t in sc.teams}
    fired = sorted((turn, iid) for iid, turn in s.fired.items())
    guide = []
    for turn, iid in fired:
        inj = s.inject(iid)
        if inj is None:
            continue
        guide.append(_part(r, ("guide inject", iid), (inj, turn), vt.GuideInject, iid, inj.title, turn,
                           tuple(s.targets(iid)), tuple(inj.expected), tuple(inj.objectives)))
    return vt.EvaluatorView(
        title=sc.title, status=s.status, turn=s.turn, turns=r.turns, turn_label=_turn_label(s, r),
        phase_name=phase_word(r, s.phase),
        teams=tuple(vt.TeamInfo(t.id, t.name, tuple(t.allies), t.id in s.submitted) for t in sc.teams),
        views={t: player_view(s, t, ledger) for t in r.team_ids},
        objectives=tuple(vt.GuideObjective(o.id, o.name, o.description, o.team,
                                           names.get(o.team, o.team) if o.team else "all teams")
                         for o in sc.all_objectives() if o.team is None or o.team in names),
        injects=tuple(guide),
        notes=tuple(vt.NoteView(n.turn, n.phase, n.text, tuple(n.tags), n.inject, n.objective, n.rating,
                                n.team, n.author) for n in s.notes if "seats" not in n.tags),  # the room's, not teams'

    )


__all__ = ["LEAD_ONLY", "NAMED_ROLES", "ROLES", "ROLE_NAMES", "Seat", "controller_view", "evaluator_view",
           "events_for", "facilitator_seat", "red_seat", "refusal", "team_seat", "view_for", "wall_view"]
