"""What the network benchmarks share: a free loopback port, percentiles, and `exercise serve
--headless` started in its own process with its facilitator and team tokens read from its
output (so a bench measures the server a room runs, not an in-process copy)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def pct(xs: list[float], q: float) -> float:
    """The q-quantile of xs (nearest rank); NaN for no samples."""
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))] if xs else float("nan")


def headless_server(prefix: str, scenario: str = "deadline-2027", extra: tuple[str, ...] = (),
                    seats: list[tuple[str, str]] | None = None,
                    root: Path = ROOT) -> tuple[subprocess.Popen, int, str, list[tuple[str, str]]]:
    """(process, port, facilitator token, [(team, token)]) of a Deadline 2027 server (or
    `scenario`, an id or a path) on loopback, saving to a temporary folder; `extra`: more
    `serve` options (seats: --evaluator NAME ...), whose (seat id, token) pairs are appended
    to `seats` when given; `root`: the tree whose code serves (another copy of the project,
    to compare). The caller stops the process."""
    port = free_port()
    saves = tempfile.mkdtemp(prefix=prefix)
    env = {**os.environ, "PYTHONPATH": str(root)}
    proc = subprocess.Popen([sys.executable, "-m", "exercise", "serve", scenario, "--headless", "--host",
                             "127.0.0.1", "--port", str(port), "--saves", saves, *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    assert proc.stdout is not None
    text = ""
    while "(all tokens are in" not in text:
        line = proc.stdout.readline()
        if not line:
            proc.kill()
            raise RuntimeError("exercise serve did not start")
        text += line
    teams = re.findall(r"--team (\S+) --token (\S+)", text)
    if seats is not None:
        seats += re.findall(r"--seat (\S+) --token (\S+)", text)
    found = re.search(r"facilitator token: (\S+)", text)
    if found is None:
        proc.kill()
        raise RuntimeError("exercise serve printed no facilitator token")
    return proc, port, found.group(1), teams
