"""A decision in progress, and what every rule shares: wording and the usual checks.

A command is checked against the state; if the rules refuse it, `Rejected(reason)` is
raised and nothing changes. Otherwise the events it causes are produced in order, each
folded into the decision's private working copy as it is made, so later rules see earlier
results (a track change may cross a threshold whose effects fire an inject...).
"""

from __future__ import annotations

from exercise.engine.apply import HANDLERS
from exercise.engine.commands import FACILITATOR, Rejected
from exercise.engine.fast import private_copy
from exercise.engine.rolls import roll
from exercise.engine.scenario_rules import ScenarioRules
from exercise.engine.state import State, Transaction
from exercise.suggest import did_you_mean

EPS = 1e-9
MAX_SPENDING = 50.0


class Decision(Transaction):
    """One command being decided: a private working state (`state`, changed in place as
    events are emitted), the scenario's rules and the events so far."""

    __slots__ = ("rules", "events")

    def __init__(self, state: State):
        self.state, self.fields = private_copy(state)
        self.owned = {}
        self.rules: ScenarioRules = self.fields["rules"]
        self.events: list = []

    def emit(self, event) -> None:
        HANDLERS[type(event)](self, event)
        self.events.append(event)

    def roll(self) -> float:
        """The next roll; the event that records it advances the counter."""
        return roll(self.state.seed, self.state.rolls)


# -- wording --------------------------------------------------------------------------
def number(x: float, places: int = 2) -> str:
    """A number as people write it, to `places` decimals (a track's or money's own): 4.4,
    12, 0.25; never the float's noise (3.9999999999999996 is 4)."""
    x = round(x, places)
    if x == int(x):
        return str(int(x))
    return f"{x:.{places}f}".rstrip("0").rstrip(".")


def roll_words(roll: float, chance: float) -> str:
    """A roll (0..1) against a chance in percent, as "rolled 14.9 against a 15 % chance": the
    roll is shown to as many places as it takes for the comparison to read as the rule
    decides it (under the chance: it happens), never "15 < 15" for a roll of 0.149."""
    r = roll * 100
    shown_chance = number(chance, 2)
    c = float(shown_chance)
    for places in (1, 2, 3, 4, 6, 9):
        shown = number(r, places)
        if (float(shown) < c) == (r < chance):
            break
    return f"rolled {shown} against a {shown_chance} % chance"


_PCT: dict[float, str] = {}


def percent(x: float) -> str:
    p = _PCT.get(x)  # memoised: decay causes word the same few shares every turn
    if p is None:
        if len(_PCT) > 4096:
            _PCT.clear()
        p = _PCT[x] = f"{number(x * 100)}%"
    return p


def moment(state: State) -> str:
    """Where the exercise stands, in the scenario's words: "Situation report, turn 3"."""
    return f"{phase_word(state.rules, state.phase)}, turn {state.turn}" if state.turn else "before the start"


def phase_word(rules: ScenarioRules, phase: str) -> str:
    """What the scenario calls a phase ("deliberation" -> "Decisions"; unnamed: "Deliberation")."""
    return next((p.name for p in rules.scenario.phases if p.id == phase and p.name), phase.capitalize())


def article(word: str) -> str:
    """The article before one of the scenario's words: 'an ally', 'a sector'."""
    return "an" if word[:1].lower() in "aeiou" else "a"


def unknown(what: str, value, pool) -> Rejected:
    """The refusal of an unknown id, with the closest known one when there is one."""
    return Rejected(f"unknown {what} {value!r}{did_you_mean(str(value), pool)}")


# -- checks shared by commands ---------------------------------------------------------
def check_facilitator(decision: Decision, command, verb: str, running: bool = True, paused_ok: bool = True) -> None:
    if command.actor != FACILITATOR:
        who = decision.rules.team_name(command.actor) if command.actor in decision.rules.teams else repr(command.actor)
        raise Rejected(f"only the facilitator can {verb}; {who} is not the facilitator")
    if running and decision.state.status != "running":
        check_running(decision.state, verb)
    if not paused_ok and decision.state.paused:
        raise Rejected(f"the exercise is paused: resume it before you {verb}")


def check_running(state: State, verb: str) -> None:
    if state.status == "ready":
        raise Rejected(f"cannot {verb}: the exercise has not started yet")
    if state.status == "ended":
        raise Rejected(f"cannot {verb}: the exercise has ended")


def check_team(decision: Decision, command, verb: str) -> str:
    rules, state = decision.rules, decision.state
    team = command.team
    if team not in rules.teams:
        raise unknown("team", team, rules.teams)
    if command.actor != team:
        name = rules.names[team]
        who = "the facilitator" if command.actor == FACILITATOR else (
            rules.team_name(command.actor) if command.actor in rules.teams else repr(command.actor))
        raise Rejected(f"{who} cannot {verb} for {name}: only {name} can")
    if state.status != "running":
        check_running(state, verb)
    if state.paused:
        raise Rejected(f"the exercise is paused: {rules.names[team]} can {verb} once the facilitator resumes it")
    if state.phase != "deliberation":
        raise Rejected(f"{rules.names[team]} can {verb} only during {phase_word(rules, 'deliberation')} "
                       f"(now: {moment(state)})")
    if team in state.submitted:
        raise Rejected(f"{rules.names[team]} has already submitted for turn {state.turn}; it can act again next turn")
    return team


def teams_named(decision: Decision, team: str | None, selves) -> tuple[str, ...]:
    """The teams an effect's `team` names: 'self' (or none) is `selves`, 'all' every team."""
    if team is None or team == "self":
        return selves
    if team == "all":
        return decision.rules.team_ids
    return (team,) if team in decision.rules.teams else ()


def check_not_ended(state: State, verb: str) -> None:
    if state.status == "ended":
        raise Rejected(f"cannot {verb}: the exercise has ended")
