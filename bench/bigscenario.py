"""Generate a big scenario from the bundled deadline-2027, for the benchmarks' big cases.

    python bench/bigscenario.py [FOLDER] [--teams-x 3] [--turns-x 3] [--copies 22]

Writes FOLDER/scenarios/deadline-2027-big.toml and its packs in FOLDER/injects/ (a fresh
temporary folder when none is given) and prints the scenario's path. The default size is
16x the default scenario: 12 teams (each of the 4 teams three times, with copies of its
allies), 24 turns and 1,012 injects (each of the 46 injects 22 times). Deterministic:
the same arguments write the same bytes.

How it is built, so that it plays like the default scenario, only bigger:
- team copy g of a team `t` is `t-g` (g = 2, 3 ...) playing copies of its allies
  (`PL2`, `PL3` ...) in the same commands, with the same forces, backlog and starting tracks;
- inject copy c of an inject `i` is `i-c<c>` (copy 0 keeps its id); it is moved by
  8 x (turn block) turns and sent to team copy (c mod teams_x) of the teams it names; its
  references to other injects (requires, effects, `fired("...")`, `chosen("...")`) point to
  the same copy, so every chain is copied whole.

Used by bench/bench_engine.py; tests/test_bigscenario.py checks a small size validates.
"""

from __future__ import annotations

import argparse
import copy as _copy
import re
import sys
import tempfile
import tomllib
from pathlib import Path

import tomli_w

ROOT = Path(__file__).resolve().parent.parent
BASE = "deadline-2027"
BIG = {"teams_x": 3, "turns_x": 3, "copies": 22}  # 12 teams, 24 turns, 1,012 injects

_QUOTED = re.compile(r'"([^"\\]*)"')
_TEAM_PATH = re.compile(r"\bteam\.([A-Za-z0-9_-]+)\.")


def _read(path: Path) -> dict:
    with path.open("rb") as f:
        return tomllib.load(f)


class _Renamer:
    """Maps team ids to one team copy and inject ids to one inject copy."""

    def __init__(self, teams: dict[str, str], injects: dict[str, str]):
        self.teams, self.injects = teams, injects

    def team(self, t: str) -> str:
        return self.teams.get(t, t)

    def inject(self, i: str) -> str:
        return self.injects.get(i, i)

    def expression(self, text: str) -> str:
        def quoted(m: re.Match) -> str:
            name = m.group(1)
            return f'"{self.injects.get(name) or self.teams.get(name) or name}"'

        text = _QUOTED.sub(quoted, text)
        return _TEAM_PATH.sub(lambda m: f"team.{self.team(m.group(1))}.", text)

    def effects(self, effects: list[dict]) -> list[dict]:
        out = []
        for e in effects:
            e = dict(e)
            if isinstance(e.get("team"), str):
                e["team"] = self.team(e["team"])
            if isinstance(e.get("inject"), str):
                e["inject"] = self.inject(e["inject"])
            if isinstance(e.get("condition"), str):
                e["condition"] = self.expression(e["condition"])
            out.append(e)
        return out


def _team_suffix(team: str, g: int) -> str:
    return team if g == 0 else f"{team}-{g + 1}"


def _copy_inject(inj: dict, c: int, r: _Renamer, shift: int) -> dict:
    new = _copy.deepcopy(inj)
    new["id"] = r.inject(inj["id"])
    if c:
        new["title"] = f"{inj['title']} ({c + 1})"
    if "turn" in new:
        new["turn"] += shift
    if "window" in new:
        new["window"] = [w + shift for w in new["window"]]
    if "to" in new:
        new["to"] = [r.team(t) for t in new["to"]]
    if "condition" in new:
        new["condition"] = r.expression(new["condition"])
    if "odds" in new:
        new["odds"] = [dict(o, condition=r.expression(o["condition"])) for o in new["odds"]]
    if "requires" in new:
        new["requires"] = [r.inject(i) for i in new["requires"]]
    if "effects" in new:
        new["effects"] = r.effects(new["effects"])
    for o in new.get("option", []):
        if "effects" in o:
            o["effects"] = r.effects(o["effects"])
    return new


def generate(folder: Path, teams_x: int = BIG["teams_x"], turns_x: int = BIG["turns_x"],
             copies: int = BIG["copies"]) -> Path:
    """Write the big scenario and its packs under `folder`; return the scenario's path."""
    sc = _read(ROOT / "scenarios" / f"{BASE}.toml")
    turns = sc["calendar"]["turns"]
    team_ids = [t["id"] for t in sc["team"]]
    packs = {p: _read(ROOT / "injects" / f"{p}.toml") for p in sc["scenario"]["packs"]}
    inject_ids = [i["id"] for i in sc.get("inject", [])]
    for p in packs.values():
        inject_ids += [i["id"] for i in p.get("inject", [])]

    # Teams, their allies, forces, backlog and starting tracks, teams_x times over.
    ally_of = {a["id"]: a for a in sc["ally"]}
    new_teams, new_allies = list(sc["team"]), list(sc["ally"])
    for g in range(1, teams_x):
        for t in sc["team"]:
            new_teams.append(dict(t, id=_team_suffix(t["id"], g), name=f"{t['name']} {g + 1}",
                                  allies=[f"{a}{g + 1}" for a in t["allies"]]))
            for a in t["allies"]:
                new_allies.append(dict(ally_of[a], id=f"{a}{g + 1}", name=f"{ally_of[a]['name']} {g + 1}"))
    sc["team"], sc["ally"] = new_teams, new_allies
    for cmd in sc["command"]:
        forces = cmd.get("force", [])
        cmd["force"] = forces + [dict(f, team=_team_suffix(f["team"], g))
                                 for g in range(1, teams_x) for f in forces]
    sc["backlog"] = sc.get("backlog", []) + [dict(b, team=_team_suffix(b["team"], g))
                                             for g in range(1, teams_x) for b in sc.get("backlog", [])]
    for tr in sc["track"]:
        by = tr.get("initial_by_team")
        if by:
            tr["initial_by_team"] = {_team_suffix(t, g): v for g in range(teams_x) for t, v in by.items()}

    # The calendar, and every inject `copies` times, spread over team copies and turn blocks.
    sc["scenario"]["id"] = f"{BASE}-big"
    sc["scenario"]["title"] = f"{sc['scenario']['title']} (big: {len(new_teams)} teams)"
    sc["calendar"] = {k: v for k, v in sc["calendar"].items() if k != "labels"}
    sc["calendar"]["turns"] = turns * turns_x
    renamers = []
    for c in range(copies):
        g, block = c % teams_x, (c // teams_x) % turns_x
        teams = {t: _team_suffix(t, g) for t in team_ids}
        injects = {i: (i if c == 0 else f"{i}-c{c}") for i in inject_ids}
        renamers.append((_Renamer(teams, injects), turns * block))

    def copied(injs: list[dict]) -> list[dict]:
        return [_copy_inject(i, c, r, shift) for c, (r, shift) in enumerate(renamers) for i in injs]

    sc["inject"] = copied(sc.get("inject", []))
    sc["scenario"]["packs"] = [f"{p}-big" for p in packs]
    (folder / "scenarios").mkdir(parents=True, exist_ok=True)
    (folder / "injects").mkdir(parents=True, exist_ok=True)
    for pid, pack in packs.items():
        pack["pack"]["id"] = f"{pid}-big"
        pack["inject"] = copied(pack.get("inject", []))
        (folder / "injects" / f"{pid}-big.toml").write_bytes(tomli_w.dumps(pack).encode())
    path = folder / "scenarios" / f"{BASE}-big.toml"
    path.write_bytes(tomli_w.dumps(sc).encode())
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", nargs="?", type=Path)
    ap.add_argument("--teams-x", type=int, default=BIG["teams_x"])
    ap.add_argument("--turns-x", type=int, default=BIG["turns_x"])
    ap.add_argument("--copies", type=int, default=BIG["copies"])
    args = ap.parse_args()
    folder = args.folder or Path(tempfile.mkdtemp(prefix="bigscenario-"))
    print(generate(folder, args.teams_x, args.turns_x, args.copies))


if __name__ == "__main__":
    sys.exit(main())
