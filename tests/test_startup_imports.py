"""Commands that draw no screen start with only what they use (issue 18, bench/bench_startup.py):
`validate` reads packs without the engine or the journal, `saves` lists without the model,
and none of them imports Textual."""

from __future__ import annotations

from pathlib import Path

from textual_free import assert_runs_without

MINI = Path(__file__).parent / "fixtures" / "mini" / "scenarios" / "mini.toml"
SCREENS = ("textual", "exercise.tui", "markdown_it")


def test_validate_imports_no_engine_journal_or_screen():
    code = ("from click.testing import CliRunner\n"
            "from exercise.cli import main\n"
            f"res = CliRunner().invoke(main, ['validate', {str(MINI)!r}])\n"
            "assert res.exit_code == 0 and res.output.startswith('ok:'), res.output\n")
    assert_runs_without(code, (*SCREENS, "exercise.engine", "exercise.session", "exercise.journal",
                               "exercise.bots", "exercise.dryrun"))


def test_saves_imports_no_model_engine_or_screen(tmp_path):
    (tmp_path / "saves").mkdir()
    code = ("from click.testing import CliRunner\n"
            "from exercise.cli import main\n"
            f"res = CliRunner().invoke(main, ['saves', '--saves', {str(tmp_path / 'saves')!r}])\n"
            "assert res.exit_code == 0 and 'no saved exercises' in res.output, res.output\n")
    assert_runs_without(code, (*SCREENS, "exercise.model", "exercise.engine", "exercise.session", "cattrs"))


def test_verify_replays_without_the_rules_turn_log_or_screen(tmp_path):
    """`exercise verify` replays a journal: the events, the state and `apply`, then the
    facilitator view its state hash digests; not the rules that decide commands, nor the
    turn log (none is missing here), nor a screen."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    try:
        from bench_startup import make_save
    finally:
        sys.path.pop(0)
    save = make_save(tmp_path / "saves")
    code = ("from click.testing import CliRunner\n"
            "from exercise.cli import main\n"
            f"res = CliRunner().invoke(main, ['verify', '--saves', {str(tmp_path / 'saves')!r}, {save!r}])\n"
            "assert res.exit_code == 0 and 'state hash' in res.output, res.output\n")
    assert_runs_without(code, (*SCREENS, "exercise.engine.rules", "exercise.engine.flow",
                               "exercise.journal.turnlog", "exercise.narrate", "exercise.bots"))


def test_engine_names_are_those_of_their_modules():
    """The engine package finds its names in their modules on first use: each is the
    module's own object, and every name in __all__ is found."""
    import importlib

    import exercise.engine as engine

    for name in engine.__all__:
        home = engine._HOME.get(name, "apply")
        assert getattr(engine, name) is getattr(importlib.import_module(f"exercise.engine.{home}"), name)
