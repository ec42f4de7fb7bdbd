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
