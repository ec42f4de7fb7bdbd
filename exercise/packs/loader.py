"""Reading scenario and pack files: safe parsing, structuring, pack resolution, discovery.

Nothing here raises on bad input: every problem goes into a `Problems` collector with the
file, line and column, and the caller decides what to do (validate prints them, the
engine refuses to start).
"""

from __future__ import annotations

import re

try:  # the compiled tomli wheel parses ~4x faster than the stdlib's pure-Python tomllib
    import tomli as tomllib
except ImportError:  # pragma: no cover
    import tomllib  # type: ignore[no-redef]  # the same API, the fallback when tomli is absent
from pathlib import Path

import attrs

from exercise import model
from exercise.convert import structure_pruned
from exercise.model import toml_key
from exercise.packs.locate import SourceMap
from exercise.packs.problems import Problems, SourceFile, display_path
from exercise.suggest import did_you_mean

MAX_FILE_BYTES = 8 * 1024 * 1024  # a pack of 5,000 injects is ~3 MB
PACKAGE_DIR = Path(__file__).resolve().parent.parent


def bundled_dir(kind: str) -> list[Path]:
    """Where the bundled `scenarios` or `injects` are: inside the wheel, or the repository."""
    candidates = [PACKAGE_DIR / "bundled" / kind, PACKAGE_DIR.parent / kind]
    return [c for c in candidates if c.is_dir()]


def search_dirs(kind: str, near: Path | None = None) -> list[Path]:
    """Folders searched for `kind` ('scenarios' or 'injects'), first match wins."""
    dirs: list[Path] = []
    if near is not None:
        dirs += [near.parent.parent / kind, near.parent]
    dirs += [Path.cwd() / kind] + bundled_dir(kind)
    out, seen = [], set()
    for d in dirs:
        try:
            key = d.resolve()
        except OSError:
            continue
        if key not in seen and d.is_dir():
            seen.add(key)
            out.append(d)
    return out


def discover(kind: str) -> list[Path]:
    """Every .toml file of a kind in the user's folder and the bundled one (user first)."""
    files, seen = [], set()
    for d in search_dirs(kind):
        for f in sorted(d.glob("*.toml")):
            if f.stem not in seen:
                seen.add(f.stem)
                files.append(f)
    return files


_TOML_POS = re.compile(r"\(at line (\d+), column (\d+)\)")
_TOML_EOF = re.compile(r"\(at end of document\)")


def read_toml(path: Path, problems: Problems) -> tuple[dict | None, SourceFile]:
    """Parse a TOML file; on any problem, report it and return None."""
    src = SourceFile(Path(path), display_path(path))
    if not path.exists():
        problems.error(src, (), "file not found; check the path")
        return None, src
    if path.is_dir():
        problems.error(src, (), "is a folder, not a file; name a .toml file inside it")
        return None, src
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.error(src, (), f"file is too large ({size:,} bytes; the limit is {MAX_FILE_BYTES:,}); split it into several packs")
            return None, src
        data = path.read_bytes()
    except OSError as e:
        problems.error(src, (), f"cannot read the file: {e.strerror or e}")
        return None, src
    if b"\x00" in data:
        problems.error(src, (), "is a binary file, not TOML text")
        return None, src
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line: int | None = data[: e.start].count(b"\n") + 1
        col: int | None = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        problems.error(src, (), f"byte 0x{data[e.start]:02x} is not UTF-8; save the file as UTF-8", line=line, col=col)
        return None, src
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        msg = str(e)
        m = _TOML_POS.search(msg)
        line = col = None
        if m:
            line, col = int(m.group(1)), int(m.group(2))
        elif _TOML_EOF.search(msg):
            line = text.count("\n") + 1
            col = len(text) - (text.rfind("\n") + 1) + 1
        reason = _TOML_POS.sub("", _TOML_EOF.sub("", msg)).strip()
        problems.error(src, (), f"TOML syntax: {reason[:1].lower() + reason[1:]}", line=line, col=col)
        return None, src
    except RecursionError:
        problems.error(src, (), "arrays or tables are nested too deeply to read")
        return None, src
    if not doc:
        problems.error(src, (), "file is empty; see docs/authoring.md or run `exercise new pack NAME`", line=1, col=1)
        return None, src
    src.source = SourceMap(text)
    src.data = doc
    return doc, src


def _context(cls, doc_path: tuple, doc: dict) -> str:
    """' in inject 'rail-blast'' for a path inside a list of tables, to orient the reader."""
    if len(doc_path) >= 2 and isinstance(doc_path[1], int):
        try:
            item = doc[doc_path[0]][doc_path[1]]
            ident = item.get("id") if isinstance(item, dict) else None
        except (KeyError, IndexError, TypeError):
            ident = None
        if isinstance(ident, str):
            return f" in {doc_path[0]} {ident!r}"
        return f" in {doc_path[0]} #{doc_path[1] + 1}"
    return ""


def structure_file(doc: dict, cls, src: SourceFile, problems: Problems, broken: set | None = None):
    """Structure a document, reporting every problem; rows that fail are left out.

    The ids of rows left out go into `broken`, so references to them are not
    reported a second time as unknown.
    """
    obj, errs, dropped = structure_pruned(doc, cls)
    for path, msg, hint in errs:
        problems.error(src, path, msg + _context(cls, path, doc) + hint)
    if broken is not None:
        for key, i in dropped:
            row = doc[key][i]
            if isinstance(row, dict) and isinstance(row.get("id"), str):
                broken.add((key, row["id"]))
    return obj


@attrs.define
class Origin:
    file: SourceFile
    path: tuple


@attrs.define
class Loaded:
    """A resolved scenario with where each piece came from, for located problems."""

    scenario: model.Scenario | None
    files: list[SourceFile] = attrs.field(factory=list)
    origins: dict[tuple[str, str], Origin] = attrs.field(factory=dict)
    texts: dict[str, str] = attrs.field(factory=dict)  # display path -> source text
    broken: set[tuple[str, str]] = attrs.field(factory=set)  # (table, id) left out as broken


def load_pack(path: Path, problems: Problems, broken: set | None = None
              ) -> tuple[model.Pack | None, SourceFile, dict | None]:
    doc, src = read_toml(path, problems)
    if doc is None:
        return None, src, None
    if "pack" not in doc:
        if "scenario" in doc:
            problems.error(src, ("scenario",), "this is a scenario file, not an inject pack; put it in scenarios/")
        else:
            problems.error(src, (), "missing the [pack] table with the pack's id and title", line=1, col=1)
        return None, src, doc
    pack = structure_file(doc, model.Pack, src, problems, broken)
    if pack is not None and pack.pack.id != path.stem:
        problems.warning(src, ("pack", "id"),
                         f"pack id {pack.pack.id!r} differs from the file name {path.stem!r}; "
                         f"scenarios include packs by file name, so rename one of them")
    return pack, src, doc


def find_pack(pack_id: str, near: Path | None) -> Path | None:
    for d in search_dirs("injects", near):
        candidate = d / f"{pack_id}.toml"
        if candidate.is_file():
            return candidate
    return None


_SCENARIO_ID = re.compile(r"""^[ \t]*id[ \t]*=[ \t]*(?:"([^"\\\n]*)"|'([^'\n]*)')""", re.M)
_HEADER = re.compile(r"^[ \t]*\[", re.M)


def scenario_id_of(path: Path) -> str | None:
    """The `id` of a scenario file's [scenario] table, read cheaply (the first 64 KB, no
    parsing); None when it is not there or the file cannot be read."""
    try:
        with open(path, "rb") as f:
            head = f.read(65536).decode("utf-8", "replace")
    except OSError:
        return None
    m = re.search(r"^[ \t]*\[scenario\][ \t]*(?:#.*)?$", head, re.M)
    if m is None:
        return None
    end = _HEADER.search(head, m.end())
    body = head[m.end(): end.start() if end else len(head)]
    found = _SCENARIO_ID.search(body)
    return None if found is None else found.group(1) if found.group(1) is not None else found.group(2)


def is_bundled(path: Path) -> bool:
    """Whether a file is one of the bundled scenarios or packs (not the user's)."""
    try:
        folder = Path(path).resolve().parent
        return any(folder == d.resolve() for kind in ("scenarios", "injects") for d in bundled_dir(kind))
    except OSError:
        return False


def find_scenario(name: str) -> Path | None:
    """A scenario by path, or by id: the folders of `search_dirs` in turn (./scenarios, then
    the bundled ones), in each a file named ID.toml, else a file whose [scenario] id is ID.
    So a local scenario wins over a bundled one of the same id, by file name or by id
    (`shadowed` names the bundled one it hides, for the note the commands print)."""
    p = Path(name)
    if p.suffix == ".toml" or p.exists():
        return p
    for d in search_dirs("scenarios"):
        candidate = d / f"{name}.toml"
        if candidate.is_file():
            return candidate
        for f in sorted(d.glob("*.toml")):
            if scenario_id_of(f) == name:
                return f
    return None


def shadowed(name: str, path: Path | None) -> Path | None:
    """The bundled scenario that the id `name` would open, were it not for the local
    scenario `path` found first (None: `name` is a path, or nothing is hidden)."""
    if path is None or Path(name).suffix == ".toml" or Path(name).exists() or is_bundled(path):
        return None
    for d in bundled_dir("scenarios"):
        candidate = d / f"{name}.toml"
        if candidate.is_file():
            return candidate
        for f in sorted(d.glob("*.toml")):
            if scenario_id_of(f) == name:
                return f
    return None


def shadow_note(name: str, path: Path | None) -> str | None:
    """The line the commands that open a scenario by id print when a local one hides a
    bundled one of the same id (local scenarios win)."""
    hidden = shadowed(name, path)
    if hidden is None or path is None:
        return None
    return (f"note: {name!r} opens {display_path(path)}, a local scenario with the id of a bundled one: "
            f"local scenarios win over bundled ones; open the bundled one by its path ({hidden}), "
            f"or give the local one its own id")


def scenario_ids() -> list[str]:
    """The ids to offer: each scenario file's name, less the bundled ones whose id a local
    scenario has taken (that id opens the local one: see `find_scenario`)."""
    files = discover("scenarios")
    local_ids = {scenario_id_of(p) for p in files if not is_bundled(p)}
    return [p.stem for p in files if not (is_bundled(p) and p.stem in local_ids - {None})]


def load_scenario(path: Path, problems: Problems, read_packs: dict | None = None) -> Loaded:
    """Load a scenario file and the packs it includes, recording where each id was written."""
    loaded = Loaded(None)
    doc, src = read_toml(path, problems)
    loaded.files.append(src)
    if doc is None:
        return loaded
    assert src.source is not None  # read_toml maps the source whenever it returns a document
    loaded.texts[src.display] = src.source.text
    if "scenario" not in doc:
        if "pack" in doc:
            problems.error(src, ("pack",), "this is an inject pack, not a scenario; put it in injects/ and include it from a scenario's packs list")
        else:
            problems.error(src, (), "missing the [scenario] table with the scenario's id and title", line=1, col=1)
        return loaded
    if "included" in doc:
        problems.error(src, ("included",), "unknown key 'included'; list packs in [scenario] packs = [...]")
        doc = {k: v for k, v in doc.items() if k != "included"}
    scenario = structure_file(doc, model.Scenario, src, problems, loaded.broken)
    _record(loaded, model.Scenario, doc, src, problems)
    if scenario is None:
        return loaded
    packs = []
    for i, pack_id in enumerate(scenario.scenario.packs):
        pack_path = find_pack(pack_id, path)
        if pack_path is None:
            names = [p.stem for p in discover("injects")]
            problems.error(src, ("scenario", "packs", i),
                           f"no inject pack {pack_id!r} in injects/{did_you_mean(pack_id, names)}")
            continue
        if read_packs is not None and pack_path.resolve() in read_packs:
            pack, psrc, pdoc, pbroken = read_packs[pack_path.resolve()]
        else:
            pbroken = set()
            pack, psrc, pdoc = load_pack(pack_path, problems, pbroken)
            if read_packs is not None:
                read_packs[pack_path.resolve()] = (pack, psrc, pdoc, pbroken)
        loaded.broken |= pbroken
        loaded.files.append(psrc)
        if psrc.source is not None:
            loaded.texts[psrc.display] = psrc.source.text
        if pack is not None:
            packs.append(pack)
            _record(loaded, model.Pack, pdoc, psrc, problems)
    loaded.scenario = attrs.evolve(scenario, included=tuple(packs))
    return loaded


def _record(loaded: Loaded, cls, doc: dict, src: SourceFile, problems: Problems):
    """Remember where each id'd table was written, and report ids written twice."""
    for f in attrs.fields(cls):
        key = toml_key(f)
        rows = doc.get(key)
        if not isinstance(rows, list):
            continue
        kind = key
        for i, row in enumerate(rows):
            if not isinstance(row, dict) or not isinstance(row.get("id"), str):
                continue
            ident = (kind, row["id"])
            here = Origin(src, (key, i))
            if ident in loaded.origins:
                first = loaded.origins[ident]
                line = first.file.source.find(first.path) if first.file.source else None
                at = f"{first.file.display}:{line[0]}" if line else first.file.display
                problems.error(src, (key, i, "id"), f"duplicate {kind} id {row['id']!r}; first defined at {at}")
            else:
                loaded.origins[ident] = here
