"""The `exercise` command group: loads each command's module when it is asked for.

Commands that draw no screen import only what they need, and never Textual: validating,
simulating or exporting must start fast and work over SSH on any terminal.
"""

from __future__ import annotations

import errno
import importlib
import os
import sys

import click

from exercise.cli.common import run_tui

# command name -> "module:attribute" under exercise.cli; the module is imported on demand
COMMANDS = {
    "run": "play:run", "resume": "play:resume", "saves": "play:saves_cmd", "verify": "play:verify",
    "validate": "packs:validate", "schema": "packs:schema", "new": "packs:new",
    "simulate": "simulate:simulate", "balance": "balance:balance",
    "debrief": "debrief:debrief", "export": "debrief:export", "fork": "debrief:fork",
    "serve": "net:serve", "join": "net:join", "seat": "seat:seat",
    "msel": "msel:msel", "openaev": "openaev:openaev",
    "data": "data:data", "pack-save": "archive:pack_save", "unpack-save": "archive:unpack_save",
}


class LazyGroup(click.Group):
    """click's lazy-loading group: a command's module is imported when the command is
    looked up, so `exercise validate` never imports the network, debrief or console code."""

    def __init__(self, *args, lazy_commands: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy_commands:
            module, attr = self.lazy_commands[cmd_name].split(":")
            command = getattr(importlib.import_module(f"exercise.cli.{module}"), attr)
            if not isinstance(command, click.Command):
                raise TypeError(f"exercise.cli.{module}:{attr} is not a click command")
            return command
        return super().get_command(ctx, cmd_name)


class _Main(LazyGroup):
    """The command group, which also ends cleanly when standard output cannot be written
    (a full disk, `> /dev/full`, a closed pipe): a one-line message, never a traceback."""

    def main(self, *args, **kwargs):
        try:
            return super().main(*args, **kwargs)
        except OSError as e:
            # Writes to stdout fail with no file name; any file the commands touch has one.
            output = (e.filename is None and e.errno in _OUTPUT_ERRNOS) or _stdout_broken()
            if output:
                _silence_stdout()
                if e.errno != errno.EPIPE:  # a reader that went away wants no message
                    click.echo(f"error: cannot write to standard output ({e.strerror or e})", err=True)
            else:  # a last resort (schema -o onto a FIFO, say): one line, not a traceback
                click.echo(f"error: {e}", err=True)
            sys.exit(1)


_OUTPUT_ERRNOS = {errno.ENOSPC, errno.EPIPE, errno.EIO, errno.EBADF, errno.EFBIG,
                  getattr(errno, "EDQUOT", errno.ENOSPC)}


def _stdout_broken() -> bool:
    try:
        sys.stdout.flush()
        return False
    except (OSError, ValueError, AttributeError):
        return True


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the flush at exit does not fail a second time."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


@click.group(cls=_Main, lazy_commands=COMMANDS, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="exercise")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Run tabletop exercises and wargames in the terminal.

    With no command, opens the start screen: pick a scenario (or a save) and play.
    """
    if ctx.invoked_subcommand is None:
        run_tui(None, None)
