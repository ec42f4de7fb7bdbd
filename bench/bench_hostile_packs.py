"""`exercise validate` of hostile packs, whole process, against a bare `tomli` parse of the
same files in a fresh interpreter, in the same run.

Each pack is built to hit one former blow-up, padded with ordinary injects (the template
of bench_validate) so that the parse, not interpreter start-up, is what is compared:

- unknown-refs: 8,000 injects, each with condition 'fired("nope-<n>")' (did-you-mean
  over every inject id for each unknown one was quadratic),
- long-condition: one condition of 7 MB (the tokenizer re-sliced the text per token),
- deep-parens: 5,000 conditions nested 130 parentheses deep (RecursionError),
- or-chain: 500 conditions of 1,000 `or` terms (RecursionError in the name checker).

Times are CPU time of the child process. Goal: validate / bare tomli parse <= 2x, no
traceback, exit status 1 (the packs are wrong).
Run: python bench/bench_hostile_packs.py [--scale 0.25] [--case NAME ...] [--repeat N]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini" / "scenarios" / "mini.toml"

INJECT = '''
[[inject]]
id = "gen-{n}"
title = "Generated inject {n}"
from = "Generator"
to = ["{team}"]
channel = "intel brief"
synopsis = "Synopsis of inject {n}."
text = """
Full text of generated inject {n}. It describes an incident on the eastern flank
and asks the team what it will do next.
"""
window = [1, 2]
chance = 0.5
condition = '{condition}'
tags = ["generated", "bench"]
severity = "medium"
effects = [{{ track = "trust", add = -0.1 }}]

[[inject.option]]
id = "act"
label = "Act"
default = true
effects = [{{ track = "air", team = "self", add = 0.2 }}]
'''


def _pack(name: str, conditions) -> str:
    parts = [f'[pack]\nid = "{name}"\ntitle = "Hostile"\n']
    for n, condition in enumerate(conditions):
        parts.append(INJECT.format(n=n, team="east" if n % 2 else "west", condition=condition))
    return "".join(parts)


def unknown_refs(scale: float) -> str:
    return _pack("unknown-refs", (f'fired("nope-{n}")' for n in range(int(8000 * scale))))


def long_condition(scale: float) -> str:
    size = int(7_000_000 * scale)
    term = "turn >= 1 and "
    text = term * (size // len(term)) + "turn >= 1"
    return _pack("long-condition", [text])


def deep_parens(scale: float) -> str:
    text = "(" * 130 + "turn >= 1" + ")" * 130
    return _pack("deep-parens", [text] * int(5000 * scale))


def or_chain(scale: float) -> str:
    text = " or ".join(f"turn == {k % 9}" for k in range(1000))
    return _pack("or-chain", [text] * int(500 * scale))


CASES = {"unknown-refs": unknown_refs, "long-condition": long_condition,
         "deep-parens": deep_parens, "or-chain": or_chain}


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(cmd: list[str], cwd: Path, repeat: int, expect: int) -> list[float]:
    """CPU time (user + system) of the child process: on a shared, loaded machine wall
    time measures the neighbours as much as the program."""
    out = []
    for _ in range(repeat):
        t0 = _children_cpu()
        res = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
        out.append(_children_cpu() - t0)
        if res.returncode != expect or "Traceback" in res.stderr:
            raise SystemExit(f"{cmd} exited {res.returncode}:\n{res.stdout[-2000:]}\n{res.stderr[-3000:]}")
    return out


def main() -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=1.0, help="fraction of the full sizes")
    ap.add_argument("--case", action="append", choices=sorted(CASES))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args([] if __name__ != "__main__" else None)
    tmp = Path(tempfile.mkdtemp(prefix="bench-hostile-"))
    rows = []
    try:
        scenario = tmp / "mini.toml"
        scenario.write_text(MINI.read_text())
        for name in args.case or CASES:
            pack = tmp / f"{name}.toml"
            pack.write_text(CASES[name](args.scale))
            bare = [sys.executable, "-c",
                    "import sys, tomli\nfor f in sys.argv[1:]:\n    tomli.load(open(f, 'rb'))",
                    str(scenario), str(pack)]
            bare_stdlib = [bare[0], "-c", bare[2].replace("tomli", "tomllib"), *bare[3:]]
            full = [sys.executable, "-m", "exercise", "validate", "-q", "-s", str(scenario), str(pack)]
            timed(bare, tmp, 1, 0)  # warm the file cache
            t_bare, t_stdlib, t_full = [], [], []
            for _ in range(args.repeat):  # interleaved, so load on the machine hits all three alike
                t_bare += timed(bare, tmp, 1, 0)
                t_stdlib += timed(bare_stdlib, tmp, 1, 0)
                t_full += timed(full, tmp, 1, 1)
            t_bare, t_stdlib, t_full = map(statistics.median, (t_bare, t_stdlib, t_full))
            ratio = t_full / t_bare
            size = pack.stat().st_size
            print(f"{name} ({size / 1e6:.1f} MB): bare tomli {t_bare * 1000:.0f} ms, "
                  f"exercise validate {t_full * 1000:.0f} ms, ratio {ratio:.2f}x (goal <= 2x); "
                  f"bare stdlib tomllib {t_stdlib * 1000:.0f} ms ({t_full / t_stdlib:.2f}x)")
            rows.append({"case": name, "mb": round(size / 1e6, 2), "bare_tomli_ms": t_bare * 1000,
                         "bare_tomllib_ms": t_stdlib * 1000, "validate_ms": t_full * 1000,
                         "ratio": ratio, "ratio_tomllib": t_full / t_stdlib})
    finally:
        shutil.rmtree(tmp)
    return {"bench": "hostile_packs", "scale": args.scale, "goal": 2.0, "cases": rows}


if __name__ == "__main__":
    main()
