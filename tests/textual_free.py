"""Commands that draw no screen must never import Textual: they start fast and run over
SSH or in scripts. One check, used by the tests of each such part."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def assert_runs_without(code: str, packages: tuple[str, ...]) -> None:
    """Run `code` in a fresh interpreter; it must succeed and import none of `packages`
    (dotted names: a package and its submodules)."""
    check = ("\nimport sys as _sys\n"
             f"_bad = sorted(m for m in _sys.modules for p in {packages!r} if m == p or m.startswith(p + '.'))\n"
             "assert not _bad, _bad\n")
    r = subprocess.run([sys.executable, "-c", code + check], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr


def assert_runs_without_textual(code: str) -> None:
    """Run `code` in a fresh interpreter; it must succeed and import no textual module."""
    assert_runs_without(code, ("textual",))
