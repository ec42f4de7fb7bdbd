"""Commands that draw no screen must never import Textual: they start fast and run over
SSH or in scripts. One check, used by the tests of each such part."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def assert_runs_without_textual(code: str) -> None:
    """Run `code` in a fresh interpreter; it must succeed and import no textual module."""
    check = ("\nimport sys as _sys\n"
             "_bad = sorted(m for m in _sys.modules if m == 'textual' or m.startswith('textual.'))\n"
             "assert not _bad, _bad\n")
    r = subprocess.run([sys.executable, "-c", code + check], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
