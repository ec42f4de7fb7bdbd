"""`exercise validate` of a generated 5,000-inject pack, whole process, against a bare
`tomllib` parse of the same files in a fresh interpreter, in the same run.

Goal: validate / bare parse <= 1.5x. Run: python bench/bench_validate.py [--injects N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
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
window = [{a}, {b}]
chance = 0.5
condition = "track.trust <= 6 and turn >= {a}"
requires = [{req}]
tags = ["generated", "bench"]
severity = "medium"
expected = ["Share intelligence", "Brief the press"]
effects = [{{ track = "trust", add = -0.1 }}, {{ track = "air", team = "self", add = 0.1 }}]

[[inject.option]]
id = "act"
label = "Act"
effects = [{{ track = "air", team = "self", add = 0.2 }}]

[[inject.option]]
id = "wait"
label = "Wait"
default = true
effects = []
'''


def make_corpus(folder: Path, injects: int) -> tuple[Path, Path]:
    (folder / "scenarios").mkdir(parents=True)
    (folder / "injects").mkdir()
    scenario = (folder / "scenarios" / "mini.toml")
    scenario.write_text(MINI.read_text().replace('packs = ["mini-pack"]', 'packs = ["generated"]'))
    parts = ['[pack]\nid = "generated"\ntitle = "Generated"\n']
    for n in range(injects):
        a = 1 + n % 3
        req = f'"gen-{n - 1}"' if n % 10 else ""
        parts.append(INJECT.format(n=n, team="east" if n % 2 else "west", a=a, b=a + 1, req=req))
    pack = folder / "injects" / "generated.toml"
    pack.write_text("".join(parts))
    return scenario, pack


def timed(cmd: list[str], cwd: Path, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        res = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
        out.append(time.perf_counter() - t0)
        if res.returncode not in (0,):
            raise SystemExit(f"{cmd} failed:\n{res.stdout}\n{res.stderr}")
    return out


def main() -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--injects", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args([] if __name__ != "__main__" else None)
    tmp = Path(tempfile.mkdtemp(prefix="bench-validate-"))
    try:
        scenario, pack = make_corpus(tmp, args.injects)
        size = pack.stat().st_size
        bare = [sys.executable, "-c",
                "import sys, tomllib\nfor f in sys.argv[1:]:\n    tomllib.load(open(f, 'rb'))",
                str(scenario), str(pack)]
        bare_tomli = [bare[0], "-c", bare[2].replace("tomllib", "tomli"), *bare[3:]]
        full = [sys.executable, "-m", "exercise", "validate", "-q", str(scenario)]
        timed(bare, tmp, 1)  # warm the file cache
        t_bare = statistics.median(timed(bare, tmp, args.repeat))
        t_tomli = statistics.median(timed(bare_tomli, tmp, args.repeat))
        t_full = statistics.median(timed(full, tmp, args.repeat))
    finally:
        shutil.rmtree(tmp)
    ratio = t_full / t_bare
    print(f"validate, {args.injects} injects ({size / 1e6:.1f} MB): "
          f"bare tomllib {t_bare * 1000:.0f} ms, exercise validate {t_full * 1000:.0f} ms, "
          f"ratio {ratio:.2f}x (goal <= 1.5x)")
    print(f"  the parser we use, bare compiled tomli: {t_tomli * 1000:.0f} ms; "
          f"validate / bare tomli {t_full / t_tomli:.2f}x (what loading, structuring and checks add)")
    return {"bench": "validate", "injects": args.injects, "bare_ms": t_bare * 1000,
            "bare_tomli_ms": t_tomli * 1000, "validate_ms": t_full * 1000, "ratio": ratio, "goal": 1.5}


if __name__ == "__main__":
    main()
