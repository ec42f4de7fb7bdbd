"""Hostile files and streams: devices, FIFOs and symlinks where a file is expected, junk
saves, permission-denied or full disks, a closed or full stdout, no terminal. Each case
ends in a clear message (or a listed bad save), never a traceback, a hang, or a device
replaced by a regular file; and saves stay private to their owner."""

from __future__ import annotations

import errno
import json
import os
import socket
import stat
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import MINI, run_cli, wait_for

from exercise import fsutil
from exercise.cli import main
from exercise.engine import commands as cm
from exercise.journal import log, saves
from exercise.session import Session

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


@pytest.fixture
def good(tmp_path, mini) -> Path:
    """A saves folder holding one good save, `good`."""
    s = Session.create(mini.scenario, mini.texts, tmp_path / "saves", name="good")
    s.execute(cm.Start())
    s.close()
    return tmp_path / "saves"


def cli(*args, cwd=None, timeout=30, stdin=subprocess.DEVNULL, shell_tail="") -> subprocess.CompletedProcess:
    """`python -m exercise ARGS` in a child process; with shell_tail, through sh (redirections, pipes)."""
    if shell_tail:
        cmd = " ".join(f"'{a}'" for a in [sys.executable, "-m", "exercise", *map(str, args)]) + " " + shell_tail
        return subprocess.run(["sh", "-c", cmd], capture_output=True, text=True, cwd=cwd, env=ENV,
                              timeout=timeout, stdin=stdin)
    return subprocess.run([sys.executable, "-m", "exercise", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=ENV, timeout=timeout, stdin=stdin)


def no_traceback(res) -> None:
    assert "Traceback" not in res.stderr and "Traceback" not in res.stdout, res.stderr


# -- export -o onto something that is not a regular file --------------------------------------
def _targets(tmp_path: Path) -> dict[str, Path]:
    """A FIFO, a symlink, a socket and (as root, where allowed) a character device."""
    out = {}
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    out["a FIFO"] = fifo
    (tmp_path / "real.md").write_text("keep me\n")
    link = tmp_path / "link.md"
    link.symlink_to(tmp_path / "real.md")
    out["a symbolic link"] = link
    sock_path = tmp_path / "s.sock"
    if len(str(sock_path)) < 100:
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(sock_path))
        sock.close()
        out["a socket"] = sock_path
    try:
        os.mknod(tmp_path / "null", stat.S_IFCHR | 0o666, os.makedev(1, 3))
        out["a character device"] = tmp_path / "null"
    except (PermissionError, OSError):
        pass
    return out


def test_export_refuses_to_replace_a_fifo_symlink_socket_or_device(tmp_path):
    from test_debrief_support import scripted_save

    save = scripted_save(tmp_path / "saves")
    for kind, target in _targets(tmp_path).items():
        before = os.lstat(target)
        res = CliRunner().invoke(main, ["export", str(save), "-o", str(target)])
        assert res.exit_code == 1, (kind, res.output)
        assert res.output == (f"error: {target}: is {kind}, not a regular file; choose another -o, "
                              f"or -o - to write to standard output\n")
        after = os.lstat(target)
        assert stat.S_IFMT(after.st_mode) == stat.S_IFMT(before.st_mode) and after.st_ino == before.st_ino
    assert (tmp_path / "real.md").read_text() == "keep me\n"  # the link's target is untouched too
    # -o - writes to standard output; an existing regular file is replaced as before
    res = CliRunner().invoke(main, ["export", str(save), "-o", "-"])
    assert res.exit_code == 0 and res.output.startswith("# After-action report")
    (tmp_path / "old.md").write_text("old\n")
    res = CliRunner().invoke(main, ["export", str(save), "-o", str(tmp_path / "old.md")])
    assert res.exit_code == 0 and (tmp_path / "old.md").read_text().startswith("# After-action report")


def test_atomic_write_never_replaces_what_is_not_a_regular_file(tmp_path):
    for kind, target in _targets(tmp_path).items():
        with pytest.raises(fsutil.NotRegularFile, match=f"is {kind}, not a regular file"):
            fsutil.atomic_write(target, "x")
        assert not stat.S_ISREG(os.lstat(target).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temp file left


def test_export_help_documents_dash_for_standard_output():
    res = CliRunner().invoke(main, ["export", "--help"])
    assert "- for standard output" in res.output


# -- permissions --------------------------------------------------------------------------------
def test_save_folders_are_private_to_their_owner(tmp_path, mini):
    s = Session.create(mini.scenario, mini.texts, tmp_path / "saves", name="private")
    s.execute(cm.Start())
    for _ in range(4):  # through turn 1's summary: a turn log is written
        s.execute(cm.Advance(force=True))
    s.close()
    assert stat.S_IMODE(os.stat(tmp_path / "saves").st_mode) == 0o700
    assert stat.S_IMODE(os.stat(s.folder).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(s.folder / "turns").st_mode) == 0o700
    files = [p for p in s.folder.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"journal.jsonl", "meta.json", "scenario.json", "turn-01.md"}
    for p in files:
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    # A journal recovered after a crash puts the torn bytes aside privately too.
    with open(s.folder / "journal.jsonl", "ab") as f:
        f.write(b"0000")
    Session.open(s.folder).close()
    side = s.folder / "journal.jsonl.damaged-1"
    assert stat.S_IMODE(side.stat().st_mode) == 0o600


def test_exports_keep_ordinary_permissions(tmp_path):
    from test_debrief_support import scripted_save

    save = scripted_save(tmp_path / "saves")
    mask = os.umask(0o022)
    os.umask(mask)
    res = CliRunner().invoke(main, ["export", str(save), "-o", str(tmp_path / "r.md")])
    assert res.exit_code == 0
    assert stat.S_IMODE((tmp_path / "r.md").stat().st_mode) == 0o666 & ~mask


# -- junk saves are listed by name, good ones still listed ----------------------------------------
def _line(body: bytes) -> bytes:
    return b"%08x %s\n" % (zlib.crc32(body), body)


def _bad_saves(root: Path, good_folder: Path) -> dict[str, str]:
    """Bad saves next to the good one: name -> what `exercise saves` must say of it."""
    journal = (good_folder / "journal.jsonl").read_bytes()
    scenario = (good_folder / "scenario.json").read_bytes()

    def clone(name: str, meta) -> Path:
        f = root / name
        f.mkdir()
        (f / "journal.jsonl").write_bytes(journal)
        (f / "scenario.json").write_bytes(scenario)
        if meta is not None:
            (f / "meta.json").write_bytes(meta if isinstance(meta, bytes) else json.dumps(meta).encode())
        return f

    clone("meta-list", [1, 2, 3])
    clone("meta-types", {"id": 5, "title": ["x"], "scenario": None, "turn": "three", "turns": {},
                         "teams": "east", "status": 7})
    clone("meta-deep", b"[" * 100_000 + b"]" * 100_000)
    clone("meta-bytes", b"\xff\xfe\x00junk")
    f = clone("journal-fifo", {"title": "x"})
    (f / "journal.jsonl").unlink()
    os.mkfifo(f / "journal.jsonl")
    f = clone("meta-fifo", None)
    os.mkfifo(f / "meta.json")
    f = clone("journal-dir", None)
    (f / "journal.jsonl").unlink()
    (f / "journal.jsonl").mkdir()
    f = clone("deep-line", None)
    lines = journal.splitlines(keepends=True)
    deep = b'{"a":' * 100_000 + b"1" + b"}" * 100_000
    (f / "journal.jsonl").write_bytes(lines[0] + _line(deep) + b"".join(lines[1:]))
    return {
        "meta-list": "meta.json missing or unreadable",
        "meta-types": "meta.json missing or unreadable",
        "meta-deep": "meta.json missing or unreadable",
        "meta-bytes": "meta.json missing or unreadable",
        "journal-fifo": "journal.jsonl is a FIFO, not a regular file",
        "meta-fifo": "meta.json is a FIFO, not a regular file",
        "journal-dir": "journal.jsonl is a folder, not a regular file",
        "deep-line": "corrupt record at line 2",
    }


def test_saves_lists_good_saves_and_names_each_bad_one(good):
    expected = _bad_saves(good, good / "good")
    res = cli("saves", "--saves", good, timeout=20)
    no_traceback(res)
    assert res.returncode == 0, res.stderr
    rows = {line.split()[0]: line for line in res.stdout.splitlines()[1:]}
    assert "running" in rows["good"]
    for name, says in expected.items():
        assert says in rows[name], (name, rows.get(name))
    assert len(rows) == len(expected) + 1


@pytest.mark.parametrize("command", [["resume", "{}", "--summary"], ["export", "{}", "-o", "-"],
                                     ["verify", "{}"], ["fork", "{}", "--turn", "1"]])
def test_commands_on_a_fifo_journal_answer_without_hanging(good, command):
    _bad_saves(good, good / "good")
    res = cli(*[c.format(good / "journal-fifo") for c in command], "--saves", good, timeout=20)
    no_traceback(res)
    assert res.returncode in (1, 2)
    assert "journal.jsonl: is a FIFO, not a regular file; this save is damaged" in res.stderr


def test_commands_on_junk_meta_or_deep_lines_answer_clearly(good):
    _bad_saves(good, good / "good")
    for name in ("meta-list", "meta-types", "meta-deep", "meta-bytes"):  # in-process: fast; meta is rebuilt
        res = CliRunner().invoke(main, ["resume", name, "--summary", "--saves", str(good)])
        assert res.exit_code == 0 and "turn 1 of" in res.output, (name, res.output)
        assert saves.Meta.read(good / name) is not None
    res = cli("resume", "meta-fifo", "--summary", "--saves", good, timeout=20)
    no_traceback(res)
    assert res.returncode == 1 and "meta.json: is a FIFO, not a regular file; move it away" in res.stderr
    res = cli("export", "deep-line", "-o", "-", "--saves", good)
    no_traceback(res)
    assert res.returncode == 1 and "journal.jsonl:2: corrupt record" in res.stderr
    res = cli("verify", "deep-line", "--saves", good)
    no_traceback(res)
    assert res.returncode == 1 and "journal.jsonl:2: corrupt record" in res.stdout


def test_a_line_nested_100k_deep_is_damage_at_that_line():
    deep = _line(b'{"a":' * 100_000 + b"1" + b"}" * 100_000)
    good = log.encode({"type": "header"})
    scan = log.scan_bytes(good + deep + good)
    assert scan.damaged_middle and scan.bad_line == 2 and len(scan.records) == 1
    scan = log.scan_bytes(good + deep)  # complete (newline-terminated): damage, not a torn tail
    assert scan.damaged_middle and not scan.torn and scan.bad_line == 2
    scan = log.scan_bytes(good + deep[:-1])  # without its newline: a torn tail
    assert scan.torn and scan.bad_line == 2


def test_meta_read_returns_none_for_junk(tmp_path):
    for junk in (b"[]", b'"x"', b"null", b'{"id": 1}', b'{"title": "t", "turn": true}', b"{" * 50_000):
        (tmp_path / "meta.json").write_bytes(junk)
        assert saves.Meta.read(tmp_path) is None, junk


# -- the saves folder: a file, unreadable, read-only, full ----------------------------------------
def test_saves_option_pointing_at_a_file(tmp_path):
    (tmp_path / "file").write_text("not a folder\n")
    for args in (["saves"], ["resume", "x", "--summary"], ["simulate", MINI, "--runs", "1", "--save"]):
        res = run_cli(*args, "--saves", tmp_path / "file")  # in this process: a traceback fails the test
        no_traceback(res)
        assert res.returncode in (1, 2), (args, res.stderr)
        assert f"{tmp_path / 'file'}: is a file, not a folder; choose another --saves" in res.stderr, args
    assert (tmp_path / "file").read_text() == "not a folder\n"


def test_fork_into_a_saves_path_that_is_a_file(tmp_path, good):
    (tmp_path / "file").write_text("x")
    res = CliRunner().invoke(main, ["fork", str(good / "good"), "--turn", "1", "--saves", str(tmp_path / "file")])
    assert res.exit_code == 1
    assert res.output == f"error: {tmp_path / 'file'}: is a file, not a folder; choose another --saves\n"


def test_a_saves_folder_that_cannot_be_read_is_one_clear_message(good, monkeypatch):
    real = Path.iterdir

    def denied(self):
        if self == good:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "iterdir", denied)
    with pytest.raises(saves.SaveError, match="cannot read the saves folder .*Permission denied"):
        saves.list_saves(good)
    res = CliRunner().invoke(main, ["saves", "--saves", str(good)])
    assert res.exit_code == 1
    assert res.output == f"error: {good}: cannot read the saves folder (Permission denied)\n"


def _enospc(*a, **k):
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("where", ["mkdir", "fsync", "write", "atomic_write"])
def test_a_full_or_read_only_disk_creates_nothing_and_says_so(tmp_path, mini, monkeypatch, where):
    root = tmp_path / "saves"
    root.mkdir()
    if where == "mkdir":
        real_mkdir = os.mkdir

        def mkdir(path, *a, **k):
            if Path(path).parent == root:
                raise PermissionError(errno.EROFS, "Read-only file system", str(path))
            return real_mkdir(path, *a, **k)

        monkeypatch.setattr(os, "mkdir", mkdir)
    elif where == "atomic_write":
        monkeypatch.setattr(saves, "atomic_write", _enospc)
    else:
        monkeypatch.setattr(os, where, _enospc)
    with pytest.raises(saves.SaveError) as e:
        Session.create(mini.scenario, mini.texts, root, name="Full")
    monkeypatch.undo()
    if where == "mkdir":
        assert str(e.value) == f"{root}: cannot create a save there (Read-only file system); choose another --saves"
    else:
        assert str(e.value) == (f"{root}: cannot create a save there (the disk is full); "
                                "free some space and try again")
    assert list(root.iterdir()) == []  # no orphan folder


def test_fork_on_a_full_disk_leaves_no_orphan(tmp_path, good, monkeypatch):
    out = tmp_path / "forks"
    out.mkdir()
    monkeypatch.setattr(os, "write", _enospc)
    res = CliRunner().invoke(main, ["fork", str(good / "good"), "--turn", "1", "--saves", str(out)])
    monkeypatch.undo()
    assert res.exit_code == 1
    assert res.output == f"error: {out}: cannot create a save there (the disk is full); free some space and try again\n"
    assert list(out.iterdir()) == []


def test_simulate_save_on_a_full_disk_is_a_message(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "fsync", _enospc)
    res = CliRunner().invoke(main, ["simulate", str(MINI), "--runs", "1", "--save", "--saves", str(tmp_path)])
    monkeypatch.undo()
    assert res.exit_code == 1 and "cannot create a save there (the disk is full)" in res.output
    assert not isinstance(res.exception, Exception) or isinstance(res.exception, SystemExit)
    assert list(tmp_path.iterdir()) == []


# -- standard output full or closed ----------------------------------------------------------------
def test_a_full_stdout_is_a_message_not_a_traceback(good):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    res = cli("saves", "--saves", good, shell_tail="> /dev/full")
    no_traceback(res)
    assert res.returncode == 1
    assert res.stderr == "error: cannot write to standard output (No space left on device)\n"


def test_a_closed_or_broken_stdout_is_no_traceback(good):
    res = cli("schema", shell_tail="| head -c1")  # ~40 kB: the pipe closes while it writes
    no_traceback(res)
    assert "Exception ignored" not in res.stderr and res.stderr == ""
    res = cli("saves", "--saves", good, shell_tail=">&-")
    no_traceback(res)
    assert "Exception ignored" not in res.stderr


# -- no terminal -------------------------------------------------------------------------------------
def test_run_without_a_terminal_refuses_before_creating_a_save(tmp_path):
    res = cli("run", MINI, "--name", "x", "--saves", tmp_path / "saves")
    no_traceback(res)
    assert res.returncode == 2 and "needs a terminal" in res.stderr
    assert not (tmp_path / "saves").exists()


def test_serve_without_a_terminal_refuses_before_creating_a_save(tmp_path):
    res = cli("serve", MINI, "--port", "0", "--saves", tmp_path / "saves")
    no_traceback(res)
    assert res.returncode == 2 and "needs a terminal" in res.stderr
    assert not (tmp_path / "saves").exists()


def test_join_with_a_fifo_as_token_file_answers_without_hanging(tmp_path):
    os.mkfifo(tmp_path / "token")
    res = cli("join", "ws://127.0.0.1:1", "--team", "east", "--token-file", tmp_path / "token", timeout=20)
    no_traceback(res)
    assert res.returncode == 2 and "is a FIFO, not a regular file" in res.stderr


# -- the start screen ----------------------------------------------------------------------------------
async def test_start_screen_lists_good_saves_and_names_bad_ones(good):
    from textual.widgets import DataTable

    from exercise.tui.app import make_app

    _bad_saves(good, good / "good")
    (good / "[bold]odd").mkdir()  # a save name that looks like markup is shown as written
    os.mkfifo(good / "[bold]odd" / "journal.jsonl")
    app = make_app(saves_root=good)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("2")
        # a big journal's damage is found by the scan after the first frame: wait for it
        await wait_for(lambda: app.screen.checked, 30, "the start screen's scan of every journal", pilot=pilot)
        table = app.screen.query_one("#saves", DataTable)
        rows = {str(table.get_row_at(i)[0]): str(table.get_row_at(i)[4]) for i in range(table.row_count)}
        assert rows["good"] == "running"
        assert rows["journal-fifo"] == "damaged: journal.jsonl is a FIFO, not a regular file"
        assert rows["[bold]odd"] == "damaged: journal.jsonl is a FIFO, not a regular file"
        assert "corrupt record at line 2" in rows["deep-line"] and len(rows) == 10


async def test_start_screen_with_a_file_as_saves_folder_says_so(tmp_path):
    from textual.widgets import DataTable, Static

    from exercise.tui.app import make_app

    (tmp_path / "file").write_text("x")
    app = make_app(saves_root=tmp_path / "file")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        assert app.screen.query_one("#saves", DataTable).row_count == 0
        hint = str(app.screen.query_one("#saves-folder", Static).render())
        assert f"{tmp_path / 'file'}: is a file, not a folder" in hint


def test_resuming_an_older_shared_save_makes_its_folder_private(tmp_path, mini):
    s = Session.create(mini.scenario, mini.texts, tmp_path, name="old")
    s.close()
    os.chmod(s.folder, 0o755)  # as saves were made before
    Session.open(s.folder).close()
    assert stat.S_IMODE(os.stat(s.folder).st_mode) == 0o700


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                           lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids,
                                                                                      max_size=4), max_leaves=12)
meta_like = st.fixed_dictionaries({}, optional={k: json_values for k in (
    "id", "title", "scenario", "scenario_title", "seed", "created", "updated", "turn", "turns", "teams",
    "status", "parent", "simulated")})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=json_values | meta_like)
def test_meta_read_of_any_json_is_a_meta_or_none(tmp_path, value):
    (tmp_path / "meta.json").write_text(json.dumps(value))
    meta = saves.Meta.read(tmp_path)
    assert meta is None or (isinstance(meta.title, str) and isinstance(meta.turn, int)
                            and all(isinstance(t, str) for t in meta.teams))


@settings(max_examples=200, deadline=None)
@given(body=st.binary(max_size=64) | st.text(alphabet="[{]}\"':,0 ", max_size=64).map(str.encode))
def test_decoding_any_line_with_a_good_crc_never_raises(body):
    rec = log.decode(_line(body)[:-1])
    assert rec is None or isinstance(rec, dict)


def test_schema_onto_a_fifo_is_one_line(tmp_path):
    os.mkfifo(tmp_path / "pack.schema.json")
    res = cli("schema", "-o", tmp_path, timeout=20)
    no_traceback(res)
    assert res.returncode == 1
    assert res.stderr == f"error: {tmp_path / 'pack.schema.json'}: is a FIFO, not a regular file\n"
    assert stat.S_ISFIFO(os.lstat(tmp_path / "pack.schema.json").st_mode)


def test_a_fifo_named_tokens_json_is_refused_not_waited_on(tmp_path):
    from exercise.net import tokens

    os.mkfifo(tmp_path / tokens.TOKENS)
    with pytest.raises(tokens.TokenError, match="is a FIFO, not a regular file"):
        tokens.load_or_create(tmp_path, ["east"])
