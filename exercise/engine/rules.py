"""`decide(state, command) -> [events]`: the rules of the game, and the one table that
says which rule decides which command.

A command is checked against the state; if the rules refuse it, `Rejected(reason)` is
raised and nothing changes. Otherwise the events it causes are produced in order, each
folded into a private working copy (a `Decision`) as it is made, so later rules see
earlier results. `execute` returns that working copy too, so the live path folds each
event once.

Every roll is `roll(seed, counter)` with the counter in the state, and its value goes into
the event that used it.

The rules themselves, by section:
    flow.py         start, advance through the phases, adjudicate the turn, end, reopen, pause
    injects.py      firing injects and the facilitator's inject controls
    white_cell.py   override, notes, adjudicating argued actions
    team_moves.py   what teams do in deliberation
    red.py          the adversary (red cell): its points, planning and resolving its actions
    fog.py          estimated tracks and their narrowing, buying down an order's slip risk
    effects.py      carrying out effects (and reading typed ones); budget.py: money
    decision.py     the decision in progress, wording and the checks every rule shares
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from exercise.engine import commands as cm
from exercise.engine.commands import Rejected
from exercise.engine.decision import Decision
from exercise.engine.feedback import give_feedback
from exercise.engine.flow import advance, end_early, judge_verdict, pause, reopen, resume, start
from exercise.engine.fog import expedite
from exercise.engine.injects import delay, fire_adhoc, fire_inject, hold, release, skip, unskip
from exercise.engine.red import red_act, red_withdraw
from exercise.engine.state import State
from exercise.engine.team_moves import (
    allocate,
    answer,
    argue,
    assign,
    buy_expansion,
    cancel_order,
    counter_argue,
    decide_lead,
    hand_back,
    place_order,
    set_spending,
    submit,
    take_lead,
)
from exercise.engine.white_cell import add_note, adjudicate, override

__all__ = ["Rejected", "decide", "execute", "execute_all"]


def execute(state: State, command) -> tuple[State, list]:
    """(state after, events) for a command; raises Rejected and changes nothing if refused."""
    rule = RULE_FOR_COMMAND.get(type(command))
    if rule is None:
        raise Rejected(f"unknown command {type(command).__name__}")
    cm.check_limits(command)
    decision = Decision(state)
    rule(decision, command)
    return decision.state, decision.events


def execute_all(state: State, commands, done=None) -> tuple[State, int]:
    """(state after, commands refused): carry out `commands` in order, each exactly as
    `execute` would on the state left by the ones before (a refused command changes
    nothing); `done(command, events)` is called for each accepted one.

    One working copy serves the whole batch, so a dict written by several commands is
    copied once, not once per command. A command refused after it emitted events (a team
    that cannot pay for its new split) has its events undone by folding the accepted ones
    again onto `state`."""
    decision = Decision(state)
    events = decision.events
    refused = 0
    for command in commands:
        rule = RULE_FOR_COMMAND.get(type(command))
        mark = len(events)
        try:
            if rule is None:
                raise Rejected(f"unknown command {type(command).__name__}")
            cm.check_limits(command)
            rule(decision, command)
        except Rejected:
            refused += 1
            if len(events) > mark:  # rare: start again from `state` with the accepted events
                kept = events[:mark]
                decision = Decision(state)
                for event in kept:
                    decision.emit(event)
                events = decision.events
            continue
        if done is not None:
            done(command, events[mark:])
    return decision.state, refused


def decide(state: State, command) -> list:
    """The events a command causes (see `execute`)."""
    return execute(state, command)[1]


# The one table of the rules: command class -> the rule that decides it.
RULE_FOR_COMMAND: dict[type, Callable[[Decision, Any], None]] = {
    cm.Start: start,
    cm.Advance: advance,
    cm.FireInject: fire_inject,
    cm.FireAdHoc: fire_adhoc,
    cm.HoldInject: hold,
    cm.ReleaseInject: release,
    cm.SkipInject: skip,
    cm.UnskipInject: unskip,
    cm.DelayInject: delay,
    cm.Override: override,
    cm.AddNote: add_note,
    cm.Adjudicate: adjudicate,
    cm.Reopen: reopen,
    cm.Pause: pause,
    cm.Resume: resume,
    cm.End: end_early,
    cm.Judge: judge_verdict,
    cm.Allocate: allocate,
    cm.SetSpending: set_spending,
    cm.PlaceOrder: place_order,
    cm.BuyExpansion: buy_expansion,
    cm.CancelOrder: cancel_order,
    cm.ExpediteOrder: expedite,
    cm.Assign: assign,
    cm.TakeLead: take_lead,
    cm.HandBack: hand_back,
    cm.DecideLead: decide_lead,
    cm.Answer: answer,
    cm.Argue: argue,
    cm.CounterArgue: counter_argue,
    cm.Submit: submit,
    cm.RedAct: red_act,
    cm.RedWithdraw: red_withdraw,
    cm.GiveFeedback: give_feedback,
}
assert set(RULE_FOR_COMMAND) == set(cm.COMMANDS.values()), "every command needs a rule"
