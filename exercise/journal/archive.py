"""A save folder as one zip, to move a whole exercise to another machine
(`exercise pack-save` / `exercise unpack-save`; docs/debrief.md, "Moving a save").

    manifest.json    {"format": "exercise-save-archive", "version": 1, "exercise", "title",
                      "packed_at", "tokens", "files": [{"path", "size", "sha256"}, ...]}
    save/...         the save folder's files: journal.jsonl, scenario.json, meta.json,
                     turns/turn-NN.md, any journal side files

`tokens.json` (the network seats' secrets) is left out unless asked for. Unpacking trusts
nothing in the zip: every entry must be a regular file with a plain relative name under
save/ that the manifest lists with its size and sha256, within the limits below; bytes
are counted as they are inflated (a zip bomb's declared sizes are not believed). The
files go to a hidden staging folder in the saves folder, are checked (sizes, digests,
then the caller's `check`, which replays the journal), and only then is the folder
renamed into place; on any failure the staging folder is removed and nothing else was
written. An existing save is never overwritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import attrs

from exercise.fsutil import NotRegularFile, fsync_dir, not_regular, private_dir, read_regular
from exercise.journal import saves

FORMAT = "exercise-save-archive"
VERSION = 1
MANIFEST = "manifest.json"
PREFIX = "save/"
TOKENS = "tokens.json"  # exercise.net.tokens.TOKENS (the journal layer does not import the network)

# -- limits on what an archive may hold (unpacking refuses more; packing too, so every
# archive this writes can be unpacked) ---------------------------------------------------
MAX_ENTRIES = 10_000  # files (a save has 3 + one log per turn)
MAX_FILE = 1 << 30  # bytes in one file, inflated (1 GiB: a journal of ~4 million records)
MAX_TOTAL = 2 << 30  # bytes in all files, inflated
MAX_MANIFEST = 4 << 20
MAX_DEPTH = 4  # folders under save/
CHUNK = 1 << 20
# a file or folder name: letters, digits, . _ - (no leading dot except the journal's own
# side files are plain names too); nothing a shell, Windows or a zip tool reads specially
NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$")
SAVE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


# what a damaged or hostile zip can make zipfile and zlib raise while reading it
_DAMAGE = (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError, RuntimeError,
           struct.error, UnicodeDecodeError, KeyError, IndexError)


class ArchiveError(Exception):
    """An archive that cannot be written or unpacked, with what to do (one line)."""


@attrs.frozen
class Packed:
    path: Path
    files: int
    bytes: int  # of the files, before compression
    size: int  # of the archive
    tokens: bool  # tokens.json included
    left_out: tuple[str, ...]  # what was not packed, and why


@attrs.frozen
class Unpacked:
    folder: Path
    files: int
    bytes: int
    checked: str  # what the check said (the journal replayed: records, turn, state hash)


def _parts_ok(rel: str) -> bool:
    parts = rel.split("/")
    return 0 < len(parts) <= MAX_DEPTH + 1 and all(NAME.match(p) and p not in (".", "..") for p in parts)


# -- packing ----------------------------------------------------------------------------------
def pack(folder: Path, out: Path, with_tokens: bool = False, title: str = "", packed_at: str = "") -> Packed:
    """Zip the save `folder` into `out` (a new file). Regular files only: a symlink, FIFO or
    device inside the save is left out and named in `left_out`."""
    folder, out = Path(folder), Path(out)
    if out.exists() or out.is_symlink():
        raise ArchiveError(f"{out}: already exists; remove it or choose another -o")
    if not out.parent.is_dir():
        raise ArchiveError(f"{out}: the folder {out.parent} does not exist; create it or choose another -o")
    try:
        inside = out.resolve().is_relative_to(folder.resolve())
    except OSError:
        inside = False
    if inside:
        raise ArchiveError(f"{out}: is inside the save folder; write the archive elsewhere")
    files, left_out = _files_of(folder, with_tokens)
    if not any(rel == saves.JOURNAL for rel in files):
        raise ArchiveError(f"{folder}: no {saves.JOURNAL}; not a save folder")
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    os.close(fd)
    listed, total = [], 0
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            for rel in files:
                try:
                    data = read_regular(folder / rel)
                except NotRegularFile as e:  # it changed kind since the walk
                    left_out.append(f"{rel} ({str(e).split(': ', 1)[-1]})")
                    continue
                if rel == saves.JOURNAL and data and not data.endswith(b"\n"):
                    data = data[: data.rfind(b"\n") + 1]  # a line being written: left for the next pack
                    left_out.append(f"{rel}: its last, incomplete line (a write under way)")
                if len(data) > MAX_FILE or total + len(data) > MAX_TOTAL:
                    raise ArchiveError(f"{folder / rel}: too large to pack ({len(data):,} bytes; an archive holds "
                                       f"at most {MAX_FILE:,} per file and {MAX_TOTAL:,} in all)")
                total += len(data)
                info = zipfile.ZipInfo(PREFIX + rel, date_time=_date(folder / rel))
                info.external_attr = (stat.S_IFREG | 0o600) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, data)
                listed.append({"path": rel, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})
            manifest = {"format": FORMAT, "version": VERSION, "exercise": folder.name, "title": title,
                        "packed_at": packed_at, "tokens": any(f["path"] == TOKENS for f in listed), "files": listed}
            info = zipfile.ZipInfo(MANIFEST, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.chmod(tmp, 0o600)  # a save is private; so is its archive
        if out.exists() or out.is_symlink():
            raise ArchiveError(f"{out}: appeared meanwhile; remove it or choose another -o")
        os.replace(tmp, out)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    fsync_dir(out.parent)
    return Packed(out, len(listed), total, out.stat().st_size, bool(manifest["tokens"]), tuple(left_out))


def _date(path: Path) -> tuple[int, int, int, int, int, int]:
    import time

    try:
        t = time.gmtime(os.lstat(path).st_mtime)
    except OSError:
        return (1980, 1, 1, 0, 0, 0)
    return (max(t.tm_year, 1980), t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec)


def _files_of(folder: Path, with_tokens: bool) -> tuple[list[str], list[str]]:
    """The save's regular files (relative, '/'-separated, sorted) and what is left out."""
    files, left_out = [], []
    for root, dirs, names in os.walk(folder, followlinks=False):
        base = Path(root).relative_to(folder)
        for d in list(dirs):
            rel = (base / d).as_posix()
            if os.path.islink(Path(root) / d) or not _parts_ok(rel):
                left_out.append(f"{rel}/ (a symbolic link or an unusual name)")
                dirs.remove(d)
        for n in names:
            rel = (base / n).as_posix()
            problem = not_regular(Path(root) / n)
            if n == TOKENS and base == Path("."):
                if not with_tokens:
                    left_out.append(f"{TOKENS} (the seats' secrets: --with-tokens packs them)")
                    continue
            if problem:
                left_out.append(f"{rel} ({problem})")
            elif n.startswith(".") and n.endswith(".tmp"):
                continue  # an atomic write under way
            elif not _parts_ok(rel):
                left_out.append(f"{rel} (an unusual name)")
            else:
                files.append(rel)
    if len(files) > MAX_ENTRIES:
        raise ArchiveError(f"{folder}: {len(files):,} files; an archive holds at most {MAX_ENTRIES:,}")
    return sorted(files), left_out


# -- unpacking --------------------------------------------------------------------------------
def free_name(root: Path, base: str) -> str:
    """`base`, or `base-2`, `base-3`...: the first name no folder under root has."""
    n = 1
    while True:
        name = base if n == 1 else f"{base}-{n}"[:64]
        if not os.path.lexists(root / name):
            return name
        n += 1


def unpack(archive: Path, root: Path, name: str | None = None,
           check: Callable[[Path], str] | None = None) -> Unpacked:
    """Unpack `archive` as the save `root/<name>` (default: the exercise's id in the manifest).
    `check(folder)` is run on the unpacked files before they are put in place (it raises
    ArchiveError to refuse them, and returns what it found, in words)."""
    archive, root = Path(archive), Path(root)
    problem = not_regular(archive, follow=True)
    if problem or not archive.exists():
        raise ArchiveError(f"{archive}: {problem or 'no such file'}; give the .zip that pack-save wrote")
    try:
        zf = zipfile.ZipFile(archive)
    except (*_DAMAGE, zipfile.LargeZipFile, OSError) as e:
        raise ArchiveError(f"{archive}: not a zip archive ({e}); give the .zip that pack-save wrote") from None
    with zf:
        try:
            entries = _entries(archive, zf)
            manifest = _manifest(archive, zf, entries)
            target = _target(archive, root, name, manifest)
            return _extract(archive, zf, entries, manifest, root, target, check)
        except ArchiveError:
            raise
        except _DAMAGE as e:  # whatever a damaged zip makes zipfile or zlib raise
            raise _refuse(archive, f"it is damaged ({type(e).__name__}: {str(e)[:120]})") from None


def _refuse(archive: Path, why: str) -> ArchiveError:
    return ArchiveError(f"{archive}: {why}; nothing was unpacked. Only archives that `exercise pack-save` "
                        f"wrote can be unpacked")


def _entries(archive: Path, zf: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The archive's files by name, each checked: its name, kind, method and size."""
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES + 1 + MAX_ENTRIES:  # files, the manifest, folder entries
        raise _refuse(archive, f"{len(infos):,} entries, more than a save has (at most {MAX_ENTRIES:,} files)")
    out: dict[str, zipfile.ZipInfo] = {}
    seen: set[str] = set()
    total = 0
    for info in infos:
        n = info.filename
        shown = repr(n)[:80]
        if info.flag_bits & 0x1:
            raise _refuse(archive, f"entry {shown} is encrypted")
        kind = stat.S_IFMT(info.external_attr >> 16)  # 0: no Unix file type recorded (a plain file)
        if info.is_dir():
            if not (n.startswith(PREFIX) and (n == PREFIX or _parts_ok(n[len(PREFIX):-1]))):
                raise _refuse(archive, f"entry {shown} is a folder with an unusual name or outside save/")
            if kind and kind != stat.S_IFDIR:
                raise _refuse(archive, f"entry {shown} is not a folder")
            continue
        if n != MANIFEST and not (n.startswith(PREFIX) and _parts_ok(n[len(PREFIX):])):
            raise _refuse(archive, f"entry {shown} has a name a save does not use (an absolute path, '..', "
                                   f"a backslash or an unusual character), or lies outside save/")
        if kind and kind != stat.S_IFREG:
            what = "a symbolic link" if kind == stat.S_IFLNK else "not a regular file"
            raise _refuse(archive, f"entry {shown} is {what}")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _refuse(archive, f"entry {shown} uses a compression method pack-save does not write")
        if n.casefold() in seen:
            raise _refuse(archive, f"entry {shown} is there twice")
        seen.add(n.casefold())
        if info.file_size > MAX_FILE:
            raise _refuse(archive, f"entry {shown} would inflate to {info.file_size:,} bytes "
                                   f"(at most {MAX_FILE:,} per file)")
        total += info.file_size
        if total > MAX_TOTAL:
            raise _refuse(archive, f"its files would inflate to more than {MAX_TOTAL:,} bytes")
        out[n] = info
    if len(out) - (MANIFEST in out) > MAX_ENTRIES:
        raise _refuse(archive, f"more than {MAX_ENTRIES:,} files")
    return out


def _read(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """An entry's bytes, never more than `limit` of them whatever its header says."""
    with zf.open(info) as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"{info.filename} inflates to more than {limit:,} bytes")
    return data


def _manifest(archive: Path, zf: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo]) -> dict:
    info = entries.get(MANIFEST)
    if info is None:
        raise _refuse(archive, f"no {MANIFEST}")
    try:
        m = json.loads(_read(zf, info, MAX_MANIFEST).decode("utf-8"))
    except (*_DAMAGE, RecursionError, OSError) as e:
        raise _refuse(archive, f"its {MANIFEST} cannot be read ({str(e)[:120]})") from None
    if not isinstance(m, dict) or m.get("format") != FORMAT:
        raise _refuse(archive, f"its {MANIFEST} is not a save archive's")
    version = m.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _refuse(archive, f"its {MANIFEST} has no valid version")
    if version > VERSION:
        raise ArchiveError(f"{archive}: written by a newer version of exercise (archive version {version}; this one "
                           f"reads up to {VERSION}); unpack it with that version")
    files = m.get("files")
    if not isinstance(files, list) or not all(
            isinstance(f, dict) and isinstance(f.get("path"), str) and _parts_ok(f["path"])
            and isinstance(f.get("size"), int) and not isinstance(f.get("size"), bool) and 0 <= f["size"] <= MAX_FILE
            and isinstance(f.get("sha256"), str) and re.fullmatch(r"[0-9a-f]{64}", f["sha256"]) for f in files):
        raise _refuse(archive, f"its {MANIFEST} does not list the files as pack-save does")
    listed = {PREFIX + f["path"] for f in files}
    present = {n for n in entries if n != MANIFEST}
    if len(listed) != len(files):
        raise _refuse(archive, f"its {MANIFEST} lists a file twice")
    if listed != present:
        extra, missing = sorted(present - listed), sorted(listed - present)
        why = (f"{len(missing)} file(s) the manifest lists are missing ({', '.join(x[len(PREFIX):] for x in missing[:3])})"
               if missing else
               f"{len(extra)} file(s) are not in the manifest ({', '.join(x[len(PREFIX):] for x in extra[:3])})")
        raise _refuse(archive, why)
    for f in files:
        if entries[PREFIX + f["path"]].file_size != f["size"]:
            raise _refuse(archive, f"{f['path']} is not the size the manifest says")
    names = {f["path"] for f in files}
    for needed in (saves.JOURNAL, saves.SCENARIO):
        if needed not in names:
            raise _refuse(archive, f"it holds no {needed}; a save needs one")
    return m


def _target(archive: Path, root: Path, name: str | None, manifest: dict) -> str:
    if name is not None:
        if not SAVE_NAME.match(name):
            raise ArchiveError(f"--name {name!r}: a save's name is lower-case letters, digits and '-' "
                               f"(at most 64), e.g. {saves.slug(name)!r}")
        target = name
    else:
        ex = manifest.get("exercise")
        target = ex if isinstance(ex, str) and SAVE_NAME.match(ex) else saves.slug(str(ex or "exercise"))
    if root.exists() and not root.is_dir():
        raise ArchiveError(f"{root}: is a file, not a folder; choose another --saves")
    if os.path.lexists(root / target):
        raise ArchiveError(f"{root / target}: a save of that name is already there, and it is never overwritten; "
                           f"nothing was unpacked. Unpack under a new name: --name {free_name(root, target)}")
    return target


def _extract(archive: Path, zf: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo], manifest: dict,
             root: Path, target: str, check: Callable[[Path], str] | None) -> Unpacked:
    try:
        if not root.exists():
            root.parent.mkdir(parents=True, exist_ok=True)
            try:
                private_dir(root)
            except FileExistsError:
                pass
        staging = Path(tempfile.mkdtemp(dir=root, prefix=f".unpack-{target}-"))
    except OSError as e:
        raise ArchiveError(f"{root}: cannot unpack there ({e.strerror or e}); choose another --saves") from None
    total = 0
    try:
        os.chmod(staging, 0o700)
        for f in manifest["files"]:
            rel: str = f["path"]
            dest = staging.joinpath(*rel.split("/"))
            if not dest.resolve().is_relative_to(staging.resolve()):  # the name check already rules this out
                raise _refuse(archive, f"{rel} would land outside the save")
            dest.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            h = hashlib.sha256()
            n = 0
            fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
            with os.fdopen(fd, "wb") as out, zf.open(entries[PREFIX + rel]) as src:
                while chunk := src.read(CHUNK):
                    n += len(chunk)
                    if n > f["size"]:
                        raise _refuse(archive, f"{rel} inflates to more than the {f['size']:,} bytes it declares")
                    h.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if n != f["size"] or h.hexdigest() != f["sha256"]:
                raise _refuse(archive, f"{rel} does not match the manifest's sha256 (changed or damaged on the way)")
            total += n
        checked = check(staging) if check is not None else ""
        final = root / target
        if os.path.lexists(final):
            raise ArchiveError(f"{final}: a save of that name appeared meanwhile; nothing was unpacked. "
                               f"Unpack under a new name: --name {free_name(root, target)}")
        os.rename(staging, final)
    except BaseException as e:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(e, OSError):
            raise ArchiveError(f"{root}: cannot unpack there ({e.strerror or e}); nothing was unpacked") from None
        raise
    fsync_dir(root)
    _rename_meta(final)
    return Unpacked(final, len(manifest["files"]), total, checked)


def _rename_meta(folder: Path) -> None:
    """meta.json names its folder: unpacked under another name, it says the new one (the
    journal, which is the save, is not touched; meta.json is rebuilt from it anyway)."""
    try:
        meta = saves.Meta.read(folder)
        if meta is not None and meta.id != folder.name:
            meta.id = folder.name
            meta.write(folder)
    except OSError:
        pass
