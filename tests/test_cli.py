"""The command line as a package: each command's module is imported when it runs, so the
commands that draw no screen start without the console, the network or the debrief."""

from __future__ import annotations

from pathlib import Path

from textual_free import assert_runs_without

MINI = Path(__file__).parent / "fixtures" / "mini" / "scenarios" / "mini.toml"
HEAVY = ("textual", "websockets", "exercise.debrief", "exercise.tui", "exercise.net", "exercise.cli.net",
         "exercise.cli.debrief", "exercise.cli.simulate", "exercise.cli.balance")


def test_validate_and_verify_import_no_console_network_or_debrief(tmp_path):
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from exercise.cli import main\n"
        "from exercise.packs import loader\n"
        "from exercise.packs.problems import Problems\n"
        "from exercise.session import Session\n"
        f"loaded = loader.load_scenario(__import__('pathlib').Path({str(MINI)!r}), Problems())\n"
        f"s = Session.create(loaded.scenario, loaded.texts, {str(tmp_path)!r}, name='plain')\n"
        "s.close()\n"
        "r = CliRunner()\n"
        f"res = r.invoke(main, ['validate', {str(MINI)!r}])\n"
        "assert res.exit_code == 0, res.output\n"
        f"res = r.invoke(main, ['verify', 'plain', '--saves', {str(tmp_path)!r}])\n"
        "assert res.exit_code == 0 and 'state hash' in res.output, res.output\n"
    )
    assert_runs_without(code, HEAVY)


def test_help_imports_no_engine_and_lists_every_command():
    code = (
        "from click.testing import CliRunner\n"
        "from exercise.cli import main\n"
        "res = CliRunner().invoke(main, ['--help'])\n"
        "assert res.exit_code == 0, res.output\n"
        "for name in ('run', 'resume', 'saves', 'verify', 'validate', 'schema', 'new', 'simulate',\n"
        "             'balance', 'debrief', 'export', 'fork', 'serve', 'join'):\n"
        "    assert f'  {name} ' in res.output, (name, res.output)\n"
    )
    assert_runs_without(code, ("textual", "websockets", "exercise.engine", "exercise.debrief", "exercise.session"))


def test_command_modules_do_not_import_each_other():
    """Shared options and helpers live in cli/common.py; a command module never reaches
    into another (no back-imports, no private names across them)."""
    import ast

    folder = Path(__file__).resolve().parent.parent / "exercise" / "cli"
    commands = {"play", "packs", "simulate", "balance", "debrief", "net"}
    for name in commands:
        tree = ast.parse((folder / f"{name}.py").read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("exercise.cli"):
                assert node.module == "exercise.cli.common", (name, node.module)
                assert not any(a.name.startswith("_") for a in node.names), (name, [a.name for a in node.names])
            elif isinstance(node, ast.Import):
                assert not any(a.name.startswith("exercise.cli") for a in node.names), name


def test_every_lazy_command_is_a_click_command():
    import click

    from exercise.cli import main
    from exercise.cli.group import COMMANDS

    ctx = click.Context(main)
    for name in COMMANDS:
        command = main.get_command(ctx, name)
        assert isinstance(command, click.Command) and command.name == name, name


def test_python_dash_m_and_the_entry_point_are_the_same_group():
    import exercise.__main__
    from exercise.cli import main
    from exercise.cli.group import main as group_main

    assert main is group_main and exercise.__main__.main is main
