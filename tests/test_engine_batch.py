"""`execute_all`: a batch of commands in one working copy gives exactly what `execute`
gives one command at a time (same events per command, same state, same refusals)."""

from __future__ import annotations

from pathlib import Path

from test_engine_support import Game, drill, load, with_injects

from exercise.bots import POLICIES
from exercise.dryrun.simulate import bot_turn, play
from exercise.engine import commands as cm
from exercise.engine.apply import replay
from exercise.engine.commands import Rejected
from exercise.engine.rolls import Dice
from exercise.engine.rules import execute, execute_all

DEFAULT = Path(__file__).resolve().parent.parent / "scenarios" / "deadline-2027.toml"


def one_by_one(state, commands):
    done, refused = [], 0
    for command in commands:
        try:
            state, events = execute(state, command)
        except Rejected:
            refused += 1
            continue
        done.append((command, events))
    return state, refused, done


def check_same(state, commands):
    want_state, want_refused, want_done = one_by_one(state, commands)
    done = []
    got_state, got_refused = execute_all(state, commands, lambda c, e: done.append((c, list(e))))
    assert got_refused == want_refused
    assert done == want_done
    assert got_state == want_state
    assert replay(state, [e for _, es in done for e in es]) == got_state
    return got_state


def test_a_command_refused_after_it_emitted_leaves_no_trace():
    g = Game(with_injects())
    g.to(1, "deliberation")
    before = g.s
    commands = [
        cm.PlaceOrder("east", "east", "drone", 1),  # 0.5 of 0.8 spent
        # emits allocation_set, then is refused: too little money left for what was spent
        cm.Allocate("east", "east", {"sustain": 0.8, "invest": 0.1, "resilience": 0.1}),
        cm.Allocate("east", "east", {"sustain": 0.5, "invest": 0.4, "resilience": 0.1}),  # refused: no change
        cm.Submit("east", "east"),
        cm.Submit("east", "east"),  # refused: already submitted
        cm.Submit("west", "west"),
    ]
    after = check_same(before, commands)
    assert after.cash["east"] < 0.5 and after.allocation == before.allocation
    assert before == g.s  # the input state is untouched


def test_bots_batches_match_one_command_at_a_time():
    for scenario in (drill(), load(DEFAULT)):
        for bot in POLICIES.values():
            for seed in range(6):
                g = Game(scenario, seed=seed)
                dice = Dice(seed)
                s = g.s
                while s.status == "running":
                    if s.phase == "deliberation":
                        for team in s.rules.team_ids:
                            for _ in range(4):
                                commands = bot(s, team, Dice(dice.seed, dice.counter))
                                dice.counter += 100
                                s = check_same(s, commands)
                    s, _ = execute(s, cm.Advance(force=True))


def test_play_records_what_a_replay_folds():
    scenario = load(DEFAULT)
    for seed in range(5):
        from exercise.engine.state import initial_state
        events = []
        res = play(scenario, seed, record=lambda c, e, events=events: events.extend(e))
        final = replay(initial_state(scenario, seed), events)
        assert final.verdict is not None and final.verdict.outcome == res.outcome
        assert tuple(final.fired) == res.fired


def test_bot_turn_takes_a_batch_runner():
    g = Game(drill(), seed=3)
    g.to(1, "deliberation")
    s1, r1 = bot_turn(g.s, "east", POLICIES["random"], Dice(5))
    s2, r2 = bot_turn(g.s, "east", POLICIES["random"], Dice(5), batch=execute_all)
    assert (s1, r1) == (s2, r2)
