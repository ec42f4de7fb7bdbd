"""The save folder of an exercise: `saves/<exercise-id>/`.

    journal.jsonl      the events, one durable record per accepted command (the save itself)
    scenario.json      the scenario and its packs as they were when the exercise started
    meta.json          title, scenario, created, turn, status, teams, parent (atomic writes)
    turns/turn-NN.md   a readable log of each turn, written atomically when the turn ends

Everything but the journal can be rebuilt from the journal and the scenario copy.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from datetime import datetime, timezone
from pathlib import Path

import attrs

from exercise import model
from exercise.fsutil import atomic_write
from exercise.journal.log import scan_file

JOURNAL = "journal.jsonl"
SCENARIO = "scenario.json"
META = "meta.json"
TURNS = "turns"
FORMAT = 2  # 2: chained journal, digest of the scenario copy (docs/architecture.md, "Save format")
ENV_SAVES = "EXERCISE_SAVES"


def saves_dir(option: str | Path | None = None) -> Path:
    """--saves, else $EXERCISE_SAVES, else ./saves."""
    return Path(option or os.environ.get(ENV_SAVES) or "saves")


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:48] or "exercise"


def new_folder(root: Path, name: str) -> Path:
    """A fresh folder under root for an exercise called `name` (never reuses one)."""
    root.mkdir(parents=True, exist_ok=True)
    base = slug(name)
    n = 1
    while True:
        folder = root / (base if n == 1 else f"{base}-{n}")
        try:
            folder.mkdir()
            return folder
        except FileExistsError:
            n += 1


def sources_digest(sources: dict[str, str]) -> str:
    h = hashlib.sha256()
    for name in sorted(sources):
        h.update(name.encode() + b"\0" + sources[name].encode() + b"\0")
    return h.hexdigest()


def copy_digest(body: dict) -> str:
    """The digest of a scenario copy's content (the scenario as loaded, and its sources), so an
    edit of the copy is caught: `sources_digest` only says whether the pack files changed."""
    content = {"scenario": body.get("scenario"), "sources": body.get("sources")}
    text = json.dumps(content, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_scenario(folder: Path, scenario: model.Scenario, sources: dict[str, str]) -> str:
    """Write the scenario copy; returns its copy_digest (the journal's header records it too)."""
    from exercise.packs.convert import unstructure

    # Digest what a reader will load (JSON turns tuples into lists, keys into strings).
    body = json.loads(json.dumps({"format": FORMAT, "digest": sources_digest(sources), "sources": sources,
                                  "scenario": unstructure(scenario)}, ensure_ascii=False))
    body["copy_digest"] = copy_digest(body)
    atomic_write(folder / SCENARIO, json.dumps(body, ensure_ascii=False) + "\n")
    return body["copy_digest"]


def scenario_changed(path: Path) -> str:
    return (f"{path}: the scenario copy was changed after the exercise started (its content no longer "
            f"matches the digest recorded when the exercise was created), so replaying the journal "
            f"would not give what happened. Nothing was changed. Put the original scenario.json back "
            f"(from a backup or a copy of this folder); to play the changed scenario, start a new exercise.")


class SaveError(Exception):
    """A save that cannot be used, with what to do about it."""


def read_scenario(folder: Path) -> tuple[model.Scenario, dict]:
    from exercise.packs.convert import structure

    path = folder / SCENARIO
    try:
        body = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise SaveError(f"{path}: missing; this folder is not a complete save") from None
    except (OSError, ValueError) as e:
        raise SaveError(f"{path}: unreadable ({e}); the scenario copy of this save is damaged") from None
    if not isinstance(body, dict):
        raise SaveError(f"{path}: not a scenario copy (a JSON object was expected)")
    # Format 2 digests the whole copy; format 1 only its source texts, still worth checking.
    if "copy_digest" in body:
        if copy_digest(body) != body["copy_digest"]:
            raise SaveError(scenario_changed(path))
    elif isinstance(body.get("sources"), dict) and "digest" in body:
        try:
            changed = sources_digest(body["sources"]) != body["digest"]
        except (AttributeError, TypeError):
            changed = True
        if changed:
            raise SaveError(scenario_changed(path))
    scenario, errors = structure(body.get("scenario"), model.Scenario)
    if scenario is None:
        raise SaveError(f"{path}: the scenario copy does not load ({errors[0][1]} at {errors[0][0]})")
    return scenario, body


@attrs.define
class Meta:
    id: str
    title: str
    scenario: str
    scenario_title: str
    seed: int
    created: str
    updated: str
    turn: int = 0
    turns: int = 0
    phase: str = ""
    status: str = "ready"
    teams: list[str] = attrs.field(factory=list)
    parent: dict | None = None
    simulated: bool = False

    def write(self, folder: Path) -> None:
        atomic_write(folder / META, json.dumps(attrs.asdict(self), indent=2) + "\n")

    @classmethod
    def read(cls, folder: Path) -> "Meta | None":
        try:
            data = json.loads((folder / META).read_text("utf-8"))
            fields = {f.name for f in attrs.fields(cls)}
            return cls(**{k: v for k, v in data.items() if k in fields})
        except (OSError, ValueError, TypeError):
            return None


@attrs.frozen
class SaveInfo:
    """One line of `exercise saves`."""

    id: str
    folder: Path
    scenario: str
    title: str
    turn: int
    turns: int
    last_activity: str
    state: str  # running, ended, damaged, ...
    detail: str = ""


def list_saves(root: Path) -> list[SaveInfo]:
    out = []
    if not root.is_dir():
        return out
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        journal = folder / JOURNAL
        if not journal.exists():
            continue
        meta = Meta.read(folder)
        mtime = datetime.fromtimestamp(journal.stat().st_mtime, timezone.utc).isoformat(timespec="seconds")
        scan = scan_file(journal)
        if scan.damaged_middle:
            state, detail = "damaged", f"corrupt record at line {scan.bad_line}"
        elif scan.torn:
            state, detail = "damaged", f"torn tail at line {scan.bad_line} (recovered on resume)"
        elif meta is None:
            state, detail = "damaged", "meta.json missing or unreadable (rebuilt on resume)"
        else:
            state, detail = meta.status, ""
        out.append(SaveInfo(
            id=folder.name, folder=folder,
            scenario=meta.scenario if meta else "?", title=meta.title if meta else folder.name,
            turn=meta.turn if meta else 0, turns=meta.turns if meta else 0,
            last_activity=mtime, state=state, detail=detail,
        ))
    return out


def find_save(name: str, root: Path) -> Path:
    """A save by folder path or by id under root."""
    p = Path(name)
    if (p / JOURNAL).exists():
        return p
    if (root / name / JOURNAL).exists():
        return root / name
    known = [s.id for s in list_saves(root)]
    from exercise.packs.problems import did_you_mean

    hint = did_you_mean(name, known) if known else ""
    raise SaveError(f"no save {name!r} in {root}{hint}; `exercise saves` lists them")
