"""`exercise validate`: check scenario and pack files and summarise.

Each scenario is loaded with its packs and cross-checked; a pack named on its own is
checked against every scenario that includes it (or the one given with --scenario).
"""

from __future__ import annotations

import gc
from pathlib import Path

import attrs

from exercise.packs import loader
from exercise.packs.problems import Problems, display_path
from exercise.packs.validate import check_scenario


@attrs.define
class Report:
    problems: Problems
    files: set[str] = attrs.field(factory=set)
    injects: set[str] = attrs.field(factory=set)
    scenarios: list = attrs.field(factory=list)

    def summary(self) -> str:
        e, w = len(self.problems.errors), len(self.problems.warnings)
        verdict = "ok" if not e else "FAILED"
        return (f"{verdict}: {len(self.files)} file(s), {len(self.scenarios)} scenario(s), "
                f"{len(self.injects)} inject(s), {e} error(s), {w} warning(s)")


def _kind(path: Path) -> str:
    """'scenario' or 'pack' by the file's top table, cheaply, without reporting."""
    try:
        head = path.read_bytes()[:65536].decode("utf-8", "replace")
    except OSError:
        return "unknown"
    for line in head.splitlines():
        s = line.strip()
        if s.startswith("[scenario]"):
            return "scenario"
        if s.startswith("[pack]"):
            return "pack"
    return "pack" if "injects" in path.parts else "scenario" if "scenarios" in path.parts else "unknown"


def validate(paths: list[Path], scenario: str | None = None) -> Report:
    # A large pack is millions of parsed and structured objects and no reference cycles
    # worth collecting: with the cyclic collector on, its repeated full passes over them
    # cost ~20 % of validating a 4.5 MB pack.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _validate(paths, scenario)
    finally:
        if was_enabled:
            gc.enable()


def _validate(paths: list[Path], scenario: str | None) -> Report:
    report = Report(Problems())
    if not paths:
        paths = loader.discover("scenarios") + loader.discover("injects")
    expanded: list[Path] = []
    for p in paths:
        if p.is_dir() and any(p.glob("*.toml")):
            expanded += sorted(p.glob("*.toml"))
        else:
            expanded.append(p)
    scenarios = [p for p in expanded if _kind(p) == "scenario"]
    packs = [p for p in expanded if _kind(p) == "pack"]
    others = [p for p in expanded if p not in scenarios and p not in packs]

    read_packs: dict = {}
    covered: set[Path] = set()

    def run_scenario(path: Path):
        loaded = loader.load_scenario(path, report.problems, read_packs)
        report.files.update(f.display for f in loaded.files)
        if loaded.scenario is not None:
            check_scenario(loaded, report.problems)
            report.scenarios.append(loaded.scenario.id)
            report.injects.update(i.id for i in loaded.scenario.all_injects())
        return loaded

    for path in scenarios:
        loaded = run_scenario(path)
        if loaded.scenario is not None and loaded.files:
            _shadow_warning(path, loaded, report)
    covered = set(read_packs)
    listed: dict[Path, list[str]] = {}  # scenario file -> its packs, read once

    against = [loader.find_scenario(scenario)] if scenario else None
    for path in packs + others:
        key = path.resolve() if path.exists() else path
        if key in covered:
            continue
        broken: set = set()
        pack, src, doc = loader.load_pack(path, report.problems, broken)
        if path.exists():
            # Checked against its hosts below from this same reading: a large pack is parsed,
            # structured and located once, not once more per check.
            read_packs[path.resolve()] = (pack, src, doc, broken)
        report.files.add(src.display)
        if pack is None:
            continue
        report.injects.update(i.id for i in pack.injects)
        candidates = _scenario_files(path, scenarios)
        including = _including(path, candidates, listed)
        if not including:
            where = ", ".join(dict.fromkeys(display_path(c.parent) + "/" for c in candidates)) or "no scenarios folder"
            report.problems.warning(
                src, ("pack", "id"),
                f"no scenario includes this pack (looked in {where}); add \"{path.stem}\" (its file name) to a "
                f"scenario's packs = [...], or it is never played")
        hosts = against or including or _naming(pack.pack.id, candidates) or [loader.find_scenario("deadline-2027")]
        hosts = [h for h in hosts if h is not None]
        if not hosts:
            report.problems.warning(src, ("pack",), "no scenario to check its ids against; use --scenario")
            continue
        for host in hosts:
            _check_pack_in(path, host, report, read_packs)
    return report


def _shadow_warning(path: Path, loaded: loader.Loaded, report: Report) -> None:
    """A local scenario whose id is a bundled scenario's: say which one the id opens."""
    assert loaded.scenario is not None
    sid = loaded.scenario.id
    if loader.is_bundled(path):
        return
    bundled = [f for d in loader.bundled_dir("scenarios") for f in sorted(d.glob("*.toml"))
               if f.stem == sid or loader.scenario_id_of(f) == sid]
    if not bundled:
        return
    opens = loader.find_scenario(sid)
    try:
        here = opens is not None and opens.resolve() == path.resolve()
    except OSError:
        here = False
    if here:
        what = (f"`exercise run {sid}` (and simulate, balance, validate --scenario) opens this file, "
                f"and the bundled one only by its path")
    else:
        what = (f"`exercise run {sid}` opens {display_path(opens) if opens else 'the bundled one'}, not this file "
                f"(run this one by its path)")
    report.problems.warning(
        loaded.files[0], ("scenario", "id"),
        f"scenario id {sid!r} is also the id of the bundled scenario {display_path(bundled[0])}; local scenarios "
        f"(./scenarios) win over bundled ones, so {what}; give this scenario its own id to keep both within reach")


def _scenario_files(pack: Path, given: list[Path]) -> list[Path]:
    """The scenarios that may include a pack: those being validated, the scenarios/ folder
    beside the pack's folder, ./scenarios and the bundled ones (the folders the loader
    looks in), each once."""
    out, seen = [], set()
    files = list(given)
    for d in (pack.parent.parent / "scenarios", pack.parent):
        if d.is_dir():
            files += [f for f in sorted(d.glob("*.toml")) if _kind(f) == "scenario"]
    files += loader.discover("scenarios")
    for f in files:
        try:
            key = f.resolve()
        except OSError:
            continue
        if key not in seen and f.is_file():
            seen.add(key)
            out.append(f)
    return out


def _packs_of(scenario: Path, listed: dict[Path, list[str]]) -> list[str]:
    """The packs a scenario file lists ([] when it does not read: its own check says why)."""
    if scenario not in listed:
        packs: list[str] = []
        try:
            if scenario.stat().st_size <= loader.MAX_FILE_BYTES:
                doc = loader.tomllib.loads(scenario.read_text("utf-8"))
                got = doc.get("scenario", {}).get("packs", [])
                packs = [p for p in got if isinstance(p, str)] if isinstance(got, list) else []
        except (OSError, UnicodeDecodeError, ValueError, RecursionError, AttributeError):
            packs = []
        listed[scenario] = packs
    return listed[scenario]


def _including(pack: Path, candidates: list[Path], listed: dict[Path, list[str]]) -> list[Path]:
    """The scenarios that include this very file: they list its file name and the loader,
    looking from them, finds this file for it (packs are included by file name)."""
    out = []
    for sc in candidates:
        if pack.stem in _packs_of(sc, listed):
            found = loader.find_pack(pack.stem, sc)
            try:
                if found is not None and found.resolve() == pack.resolve():
                    out.append(sc)
            except OSError:
                continue
    return out


def _naming(pack_id: str, candidates: list[Path]) -> list[Path]:
    """Scenarios that mention the pack's id (to check a pack against, when none includes it)."""
    out = []
    for sc in candidates:
        try:
            text = sc.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if f'"{pack_id}"' in text or f"'{pack_id}'" in text:
            out.append(sc)
    return out


def _check_pack_in(pack_path: Path, host: Path, report: Report, read_packs: dict) -> None:
    """Load the host scenario with this pack file added to its packs, then cross-check."""
    problems = Problems()
    loaded = loader.load_scenario(host, problems, read_packs)
    if loaded.scenario is None:
        report.problems.error(str(host), (), "the scenario used to check the pack does not load; validate it first")
        return
    broken: set = set()
    pack, src, doc, broken = read_packs.get(pack_path.resolve()) or (*loader.load_pack(pack_path, Problems(), broken), broken)
    loaded.broken |= broken
    if pack is None or doc is None:  # a pack implies its document
        return
    if pack not in loaded.scenario.included:
        loaded.scenario = attrs.evolve(loaded.scenario, included=loaded.scenario.included + (pack,))
        loaded.files.append(src)
        loader._record(loaded, loader.model.Pack, doc, src, problems)
    check_scenario(loaded, problems)
    # Only what concerns the pack itself: the host's own problems are the host's business.
    for p in problems.items:
        if p.file == src.display:
            report.problems.keep(p)
