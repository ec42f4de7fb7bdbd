"""The `exercise` command line: `main` is the command group (exercise.cli.group).

One module per family of commands, imported only when one of its commands runs (or its
help is shown): play (run, resume, saves, verify), packs (validate, schema, new),
simulate, debrief (debrief, export, fork), net (serve, join). Shared options and helpers
are in common; the work itself is in exercise.services and the packages below it.
"""

from exercise.cli.group import main

__all__ = ["main"]
