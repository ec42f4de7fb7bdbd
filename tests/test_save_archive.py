"""`exercise pack-save` / `exercise unpack-save` (exercise.journal.archive): a save moved
as one zip, verified on arrival; hostile zips refused with one line, nothing written
outside the saves folder and nothing left half-unpacked."""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_debrief_support import scripted_save

from exercise.cli import main
from exercise.journal import archive
from exercise.session import Session


@pytest.fixture(scope="module")
def save(tmp_path_factory) -> Path:
    folder = scripted_save(tmp_path_factory.mktemp("saves"), end=False, name="Copper")
    (folder / "tokens.json").write_text('{"east": "secret-token"}')
    os.chmod(folder / "tokens.json", 0o600)
    return folder


@pytest.fixture(scope="module")
def packed(save, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("zips") / "copper.zip"
    result = CliRunner().invoke(main, ["pack-save", str(save), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "left out tokens.json" in result.output and "state hash" in result.output
    return out


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def state_hash(folder: Path) -> str:
    s = Session.open(folder)
    try:
        return s.state_hash()
    finally:
        s.close()


def test_round_trip_resumes_with_the_same_state(save, packed, tmp_path):
    before = state_hash(save)
    result = CliRunner().invoke(main, ["unpack-save", str(packed), "--saves", str(tmp_path / "there")])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "there" / "copper"
    assert f"state hash {before}" in result.output and "exercise resume" in result.output
    assert (folder / "journal.jsonl").read_bytes() == (save / "journal.jsonl").read_bytes()
    assert state_hash(folder) == before
    assert not (folder / "tokens.json").exists()  # secrets stay home
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "journal.jsonl").stat().st_mode) == 0o600
    assert [p.name for p in (tmp_path / "there").iterdir()] == ["copper"]  # no staging folder left


def test_the_manifest_lists_every_file_with_its_sha256(save, packed):
    files = members(packed)
    manifest = json.loads(files["manifest.json"])
    assert manifest["format"] == archive.FORMAT and manifest["exercise"] == "copper" and not manifest["tokens"]
    listed = {f["path"]: f for f in manifest["files"]}
    assert {"journal.jsonl", "scenario.json", "meta.json"} <= set(listed) and "tokens.json" not in listed
    assert any(p.startswith("turns/turn-") for p in listed)
    for path, f in listed.items():
        data = files["save/" + path]
        assert (len(data), hashlib.sha256(data).hexdigest()) == (f["size"], f["sha256"])


def test_with_tokens_packs_the_secrets(save, tmp_path):
    out = tmp_path / "t.zip"
    result = CliRunner().invoke(main, ["pack-save", str(save), "-o", str(out), "--with-tokens"])
    assert result.exit_code == 0 and "with the seats tokens" in result.output
    assert members(out)["save/tokens.json"] == b'{"east": "secret-token"}'
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_an_existing_save_is_never_overwritten_and_a_new_name_is_suggested(packed, tmp_path):
    root = tmp_path / "saves"
    runner = CliRunner()
    assert runner.invoke(main, ["unpack-save", str(packed), "--saves", str(root)]).exit_code == 0
    journal = (root / "copper" / "journal.jsonl").read_bytes()
    again = runner.invoke(main, ["unpack-save", str(packed), "--saves", str(root)])
    assert again.exit_code == 1 and "never overwritten" in again.output and "--name copper-2" in again.output
    assert (root / "copper" / "journal.jsonl").read_bytes() == journal
    named = runner.invoke(main, ["unpack-save", str(packed), "--saves", str(root), "--name", "copper-2"])
    assert named.exit_code == 0, named.output
    assert json.loads((root / "copper-2" / "meta.json").read_text())["id"] == "copper-2"
    bad = runner.invoke(main, ["unpack-save", str(packed), "--saves", str(root), "--name", "../x"])
    assert bad.exit_code == 1 and "a save's name" in bad.output
    assert sorted(p.name for p in root.iterdir()) == ["copper", "copper-2"]


def test_pack_refuses_to_replace_a_file_or_write_into_the_save(save, packed):
    result = CliRunner().invoke(main, ["pack-save", str(save), "-o", str(packed)])
    assert result.exit_code == 1 and "already exists" in result.output
    result = CliRunner().invoke(main, ["pack-save", str(save), "-o", str(save / "x.zip")])
    assert result.exit_code == 1 and "inside the save folder" in result.output and not (save / "x.zip").exists()


# -- hostile archives --------------------------------------------------------------------------
def build_zip(files: dict[str, bytes], manifest_files: list[dict] | None = None, *, manifest: dict | None = None,
              modes: dict[str, int] | None = None, raw: dict[str, bytes] | None = None) -> bytes:
    """A zip of `files` (names as given) with a manifest listing them (or `manifest_files`)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = ((modes or {}).get(name, stat.S_IFREG | 0o600)) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
        if manifest_files is None:
            manifest_files = [{"path": n[len("save/"):], "size": len(d), "sha256": hashlib.sha256(d).hexdigest()}
                              for n, d in files.items()]
        m = manifest or {"format": archive.FORMAT, "version": 1, "exercise": "copper", "files": manifest_files}
        zf.writestr("manifest.json", json.dumps(m))
        for name, data in (raw or {}).items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.fixture(scope="module")
def good(packed) -> dict[str, bytes]:
    return {k: v for k, v in members(packed).items() if k != "manifest.json"}


def _with(good: dict, **changes) -> dict:
    return {**good, **changes}


HOSTILE = {
    "traversal": lambda g: build_zip({**g, "save/../../evil.txt": b"x"}),
    "absolute": lambda g: build_zip({**g, "/tmp/evil.txt": b"x"}),
    "backslash": lambda g: build_zip({**g, "save/..\\..\\evil.txt": b"x"}),
    "outside save/": lambda g: build_zip({**g, "evil.txt": b"x"}),
    "symlink": lambda g: build_zip({**g, "save/link": b"/etc/passwd"}, modes={"save/link": stat.S_IFLNK | 0o777}),
    "fifo": lambda g: build_zip({**g, "save/fifo": b""}, modes={"save/fifo": stat.S_IFIFO | 0o600}),
    "not in the manifest": lambda g: build_zip({**g, "save/extra.txt": b"x"},
                                               json.loads(build_zip_manifest(g))["files"]),
    "missing file": lambda g: build_zip({k: v for k, v in g.items() if k != "save/meta.json"},
                                        json.loads(build_zip_manifest(g))["files"]),
    "no manifest": lambda g: _no_manifest(g),
    "newer version": lambda g: build_zip(g, manifest={"format": archive.FORMAT, "version": 99, "files": []}),
    "other format": lambda g: build_zip(g, manifest={"format": "openaev", "version": 1, "files": []}),
    "not a zip": lambda g: b"PK\x03\x04 this is not a zip at all",
    "empty": lambda g: b"",
    "twice": lambda g: build_zip(g, raw={"save/journal.jsonl": g["save/journal.jsonl"]}),
    "journal does not replay": lambda g: build_zip(_with(g, **{"save/journal.jsonl": _tampered(g)})),
    "no journal": lambda g: build_zip({k: v for k, v in g.items() if k != "save/journal.jsonl"}),
}


def build_zip_manifest(g: dict) -> bytes:
    return members_of(build_zip(g))["manifest.json"]


def members_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def _no_manifest(g: dict) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for k, v in g.items():
            zf.writestr(k, v)
    return buf.getvalue()


def _tampered(g: dict) -> bytes:
    """The journal with one line dropped: every sha256 in the manifest is right, the chain is not."""
    lines = g["save/journal.jsonl"].splitlines(keepends=True)
    return b"".join(lines[:3] + lines[4:])


def _sha_differs(g: dict) -> bytes:
    manifest = json.loads(build_zip_manifest(g))["files"]
    journal = g["save/journal.jsonl"].replace(b'"seed"', b'"seeD"', 1)
    return build_zip(_with(g, **{"save/journal.jsonl": journal}), manifest)


HOSTILE["sha256 differs"] = _sha_differs


def _assert_nothing_written(root: Path, outside: Path, before: set[str]) -> None:
    assert not root.exists() or list(root.iterdir()) == [], list(root.iterdir())
    assert {p.name for p in outside.iterdir()} - {"saves"} == before


SAYS = {  # what the one line says, by case
    "traversal": "a name a save does not use", "absolute": "a name a save does not use",
    "backslash": "a name a save does not use", "outside save/": "lies outside save/",
    "symlink": "is a symbolic link", "fifo": "is not a regular file",
    "not in the manifest": "not in the manifest (extra.txt)", "missing file": "are missing (meta.json)",
    "sha256 differs": "journal.jsonl does not match the manifest's sha256", "no manifest": "no manifest.json",
    "newer version": "written by a newer version", "other format": "is not a save archive's",
    "not a zip": "not a zip archive", "empty": "not a zip archive", "twice": "is there twice",
    "journal does not replay": "chain", "no journal": "holds no journal.jsonl",
}


@pytest.mark.filterwarnings("ignore:Duplicate name")  # one hostile archive repeats an entry on purpose
@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_archives_are_refused_with_one_line_and_nothing_written(case, good, tmp_path):
    zpath = tmp_path / "in.zip"
    zpath.write_bytes(HOSTILE[case](good))
    root = tmp_path / "saves"
    before = {p.name for p in tmp_path.iterdir()}
    result = CliRunner().invoke(main, ["unpack-save", str(zpath), "--saves", str(root)])
    assert result.exit_code == 1, (case, result.output)
    assert result.output.startswith("error: ") and result.output.count("\n") == 1, result.output
    assert SAYS[case] in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert not (tmp_path.parent / "evil.txt").exists() and not Path("/tmp/evil.txt").exists()
    _assert_nothing_written(root, tmp_path, before)


def test_a_zip_bomb_stops_at_the_limits(good, tmp_path, monkeypatch):
    """Sizes are counted as bytes inflate: a file over the limit, or more than the manifest says, stops."""
    bomb = b"\0" * 5_000_000  # 5 MB of zeros zip to ~5 KB
    zpath = tmp_path / "bomb.zip"
    zpath.write_bytes(build_zip({**good, "save/turns/bomb.md": bomb}))
    assert zpath.stat().st_size < 100_000
    monkeypatch.setattr(archive, "MAX_FILE", 1_000_000)
    root = tmp_path / "saves"
    with pytest.raises(archive.ArchiveError, match="inflate"):
        archive.unpack(zpath, root)
    assert not root.exists() or not list(root.iterdir())
    monkeypatch.setattr(archive, "MAX_FILE", 1 << 30)
    monkeypatch.setattr(archive, "MAX_TOTAL", 2_000_000)
    with pytest.raises(archive.ArchiveError, match="inflate to more than"):
        archive.unpack(zpath, root)
    monkeypatch.setattr(archive, "MAX_ENTRIES", 3)
    with pytest.raises(archive.ArchiveError, match="entries|files"):
        archive.unpack(zpath, root)


def test_a_header_that_lies_about_sizes_is_caught_while_inflating(good, tmp_path):
    """An entry whose zip header and manifest both say 10 bytes but that inflates to more."""
    data = b"A" * 100_000
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for k, v in good.items():
            zf.writestr(k, v)
        zf.writestr("save/turns/liar.md", data)
        files = [{"path": k[5:], "size": len(v), "sha256": hashlib.sha256(v).hexdigest()} for k, v in good.items()]
        files.append({"path": "turns/liar.md", "size": 10, "sha256": "0" * 64})
        zf.writestr("manifest.json", json.dumps({"format": archive.FORMAT, "version": 1, "files": files}))
    raw = bytearray(buf.getvalue())
    # patch the uncompressed size (10) into the central directory entry of liar.md
    name = b"save/turns/liar.md"
    cd = raw.rfind(b"PK\x01\x02", 0, raw.rfind(name))
    raw[cd + 24:cd + 28] = (10).to_bytes(4, "little")
    zpath = tmp_path / "liar.zip"
    zpath.write_bytes(bytes(raw))
    root = tmp_path / "saves"
    with pytest.raises(archive.ArchiveError):
        archive.unpack(zpath, root)
    assert not root.exists() or not list(root.iterdir())


def test_unpack_refuses_a_saves_folder_that_is_a_file_and_an_archive_that_is_a_folder(packed, tmp_path):
    (tmp_path / "f").write_text("x")
    r = CliRunner().invoke(main, ["unpack-save", str(packed), "--saves", str(tmp_path / "f")])
    assert r.exit_code == 1 and "not a folder" in r.output
    r = CliRunner().invoke(main, ["unpack-save", str(tmp_path), "--saves", str(tmp_path / "s")])
    assert r.exit_code == 1 and "error:" in r.output and "Traceback" not in r.output


names = st.lists(st.sampled_from(list("ab./\\:-_~ \0\x7fé") + ["..", "save/", "/", "journal.jsonl"]),
                 min_size=1, max_size=12).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=names, mode=st.sampled_from([stat.S_IFREG | 0o600, stat.S_IFLNK | 0o777, 0, stat.S_IFDIR | 0o700]))
def test_any_entry_name_is_refused_or_lands_inside_the_save(good, tmp_path_factory, name, mode):
    tmp = tmp_path_factory.mktemp("h")
    root = tmp / "saves"
    try:
        data = build_zip({**good, name: b"x"}, modes={name: mode})
    except (ValueError, UnicodeEncodeError):
        return  # zipfile itself will not write such a name
    zpath = tmp / "in.zip"
    zpath.write_bytes(data)
    try:
        done = archive.unpack(zpath, root)
    except archive.ArchiveError:
        assert not root.exists() or not list(root.iterdir())
    else:
        assert done.folder.resolve().parent == root.resolve()
        for p in done.folder.rglob("*"):
            assert p.resolve().is_relative_to(done.folder.resolve()) and not p.is_symlink()
    assert {p.name for p in tmp.iterdir()} <= {"saves", "in.zip"}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_damaged_bytes_are_refused_or_give_the_same_save(packed, tmp_path_factory, data):
    raw = bytearray(packed.read_bytes())
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(raw) - 1))
        raw[i] = data.draw(st.integers(0, 255))
    tmp = tmp_path_factory.mktemp("d")
    zpath = tmp / "in.zip"
    zpath.write_bytes(bytes(raw))
    root = tmp / "saves"
    try:
        done = archive.unpack(zpath, root)
    except archive.ArchiveError:
        assert not root.exists() or not list(root.iterdir())
    else:  # a byte that changed nothing that matters (a date, a comment): the same files
        with zipfile.ZipFile(packed) as zf:
            assert (done.folder / "journal.jsonl").read_bytes() == zf.read("save/journal.jsonl")
