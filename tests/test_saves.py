"""Saves: the session writes before it shows, resumes exactly, and survives crashes."""

from __future__ import annotations

import errno
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import FIXTURES, MINI, run_cli

from exercise import engine
from exercise.engine import commands as cm
from exercise.journal import log, saves
from exercise.journal.log import JournalError
from exercise.session import Session, state_hash


def play(session: Session, n_advances: int) -> None:
    session.execute(cm.Start())
    for _ in range(n_advances):
        session.execute(cm.Advance(force=True))


def test_create_execute_resume_gives_the_same_state(tmp_path, mini):
    s = Session.create(mini.scenario, mini.texts, tmp_path, name="Table top")
    play(s, 6)
    s.execute(cm.AddNote(text="East hesitated", tags=("decision",), objective="air", rating="S"))
    expected = s.state_hash()
    s.close()
    again = Session.open(tmp_path / "table-top")
    assert again.state_hash() == expected
    assert again.state == s.state
    # and a replay from nothing but the journal's events gives it too
    replayed = engine.replay(engine.initial_state(mini.scenario, mini.scenario.scenario.seed), again.events())
    assert state_hash(replayed) == expected
    again.close()


def test_save_folder_layout(tmp_path, mini):
    s = Session.create(mini.scenario, mini.texts, tmp_path)
    play(s, 5)  # through turn 1's summary into turn 2
    meta = json.loads((s.folder / "meta.json").read_text())
    assert meta["scenario"] == "mini" and meta["teams"] == ["east", "west"] and meta["status"] == "running"
    body = json.loads((s.folder / "scenario.json").read_text())
    assert body["scenario"]["scenario"]["id"] == "mini" and any(k.endswith("mini.toml") for k in body["sources"])
    log1 = (s.folder / "turns" / "turn-01.md").read_text()
    assert log1.startswith("# Mini exercise: turn 1 of 4 (2026 Q1)")
    assert "Drones over the border" in log1 and "| East | Drones over the border | Watch (default, unanswered) |" in log1
    lines = (s.folder / "journal.jsonl").read_bytes().splitlines()
    assert all(log.decode(line) is not None for line in lines)
    s.close()


def test_rejected_commands_write_nothing(tmp_path, mini):
    s = Session.create(mini.scenario, mini.texts, tmp_path)
    size = (s.folder / "journal.jsonl").stat().st_size
    with pytest.raises(engine.Rejected):
        s.execute(cm.Advance())  # not started
    assert (s.folder / "journal.jsonl").stat().st_size == size
    s.close()


def test_disk_full_refuses_the_command_and_changes_nothing(tmp_path, mini, monkeypatch):
    s = Session.create(mini.scenario, mini.texts, tmp_path)
    s.execute(cm.Start())
    before = s.state

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(log.os, "write", full)
    with pytest.raises(JournalError, match="disk is full"):
        s.execute(cm.Advance())
    assert s.state is before
    monkeypatch.undo()
    s.execute(cm.Advance())  # works again once there is space
    s.close()
    assert Session.open(s.folder).state == s.state


def test_scenario_edited_after_the_save_uses_the_saved_copy(tmp_path, mini):
    s = Session.create(mini.scenario, mini.texts, tmp_path)
    play(s, 2)
    s.close()
    edited = {k: v.replace('title = "Mini exercise"', 'title = "Edited"') for k, v in mini.texts.items()}
    again = Session.open(s.folder, edited)
    assert any("changed since this exercise started" in n for n in again.notices)
    assert again.scenario.title == "Mini exercise"
    again.close()
    same = Session.open(s.folder, mini.texts)
    assert same.notices == []
    same.close()


def test_missing_turn_logs_are_rebuilt_on_resume(tmp_path, mini):
    s = Session.create(mini.scenario, mini.texts, tmp_path)
    play(s, 10)
    s.close()
    for f in (s.folder / "turns").iterdir():
        f.unlink()
    os.unlink(s.folder / "meta.json")
    again = Session.open(s.folder)
    assert sorted(p.name for p in (s.folder / "turns").iterdir()) == ["turn-01.md", "turn-02.md"]
    assert (s.folder / "meta.json").exists()
    again.close()


def _cli(*args, cwd):
    return run_cli(*args, cwd=cwd)  # in this process: the crash tests below start real ones


def test_saves_verify_and_resume_commands(tmp_path, mini):
    s = Session.create(mini.scenario, mini.texts, tmp_path / "saves", name="Day one")
    play(s, 3)
    s.close()
    out = _cli("saves", cwd=tmp_path)
    assert "day-one" in out.stdout and "running" in out.stdout and "1/4" in out.stdout
    ok = _cli("verify", "day-one", cwd=tmp_path)
    assert ok.returncode == 0 and "4 command(s)" in ok.stdout and "state hash" in ok.stdout
    journal = tmp_path / "saves" / "day-one" / "journal.jsonl"
    # A torn tail: recovered, bytes kept aside.
    with open(journal, "ab") as f:
        f.write(b"1234abcd {\"type\": \"comm")
    assert "torn tail" in _cli("saves", cwd=tmp_path).stdout
    torn = _cli("verify", "day-one", cwd=tmp_path)
    assert torn.returncode == 0 and "cut by a crash" in torn.stdout
    assert (journal.parent / "journal.jsonl.damaged-1").read_bytes() == b"1234abcd {\"type\": \"comm"
    # Damage in the middle: reported with its line, nothing changed, unless asked to cut.
    lines = journal.read_bytes().splitlines(keepends=True)
    lines[2] = lines[2].replace(b"\"n\":2", b"\"n\":7")
    journal.write_bytes(b"".join(lines))
    bad = _cli("verify", "day-one", cwd=tmp_path)
    assert bad.returncode == 1 and "journal.jsonl:3: corrupt record" in bad.stdout
    assert journal.read_bytes() == b"".join(lines)
    assert _cli("resume", "day-one", cwd=tmp_path).returncode == 1
    cut = _cli("verify", "day-one", "--cut-at-damage", cwd=tmp_path)
    assert cut.returncode == 0 and "kept 2 record(s)" in cut.stdout and "1 command(s)" in cut.stdout
    missing = _cli("resume", "day-onee", cwd=tmp_path)
    assert missing.returncode == 2 and "did you mean 'day-one'" in missing.stderr


DRIVER = r"""
import sys
from pathlib import Path
from exercise.packs import loader
from exercise.packs.problems import Problems
from exercise.session import Session
from exercise.engine import commands as cm
from exercise.engine import Rejected
folder = Path(sys.argv[1])
if (folder / "journal.jsonl").exists():
    s = Session.open(folder)
else:
    l = loader.load_scenario(Path(sys.argv[2]), Problems())
    s = Session.create(l.scenario, l.texts, folder.parent, name=folder.name)
    s.execute(cm.Start())
n = len(s.records)
print(n, flush=True)
while s.state.status != "ended":
    s.execute(cm.AddNote(text=f"note {n}"))
    s.execute(cm.Advance(force=True))
    n = len(s.records)
    print(n, flush=True)      # acknowledged: both commands are on disk
"""


def test_sigkill_mid_exercise_loses_nothing_acknowledged(tmp_path):
    rnd = random.Random(7)
    folder = tmp_path / "crashy"
    acked = 0
    for trial in range(12):
        proc = subprocess.Popen([sys.executable, "-c", DRIVER, str(folder), str(MINI)],
                                stdout=subprocess.PIPE, text=True)
        first = proc.stdout.readline()
        assert first, "driver did not start"
        time.sleep(rnd.uniform(0, 0.05))
        proc.send_signal(signal.SIGKILL)
        out = first + proc.stdout.read()
        proc.wait()
        acked = max([acked] + [int(x) for x in out.split()])
        s = Session.open(folder)
        assert len(s.records) >= acked, f"trial {trial}: {acked} acknowledged, {len(s.records)} kept"
        replayed = engine.replay(engine.initial_state(s.scenario, s.meta.seed), s.events())
        assert state_hash(replayed) == s.state_hash()
        done = s.state.status == "ended"
        s.close()
        if done:
            break


def test_simulate_save_writes_runs_that_replay_to_the_reported_outcome(tmp_path):
    res = run_cli("simulate", MINI, "--runs", "3", "--seed", "5", "--json", "--save", "--saves", tmp_path)
    assert res.returncode == 0, res.stderr
    report = json.loads(res.stdout)
    assert len(report["saved"]) == 3
    outcomes = {}
    for folder in report["saved"]:
        s = Session.open(Path(folder))
        assert s.state.status == "ended" and s.meta.simulated
        assert s.journal.chained and s.journal.records[0]["format"] == saves.FORMAT  # a valid chain
        assert (Path(folder) / "turns" / "turn-04.md").exists()
        outcomes[s.state.verdict.outcome] = outcomes.get(s.state.verdict.outcome, 0) + 1
        s.close()
    assert outcomes == {o["id"]: o["runs"] for o in report["outcomes"] if o["runs"]}


def test_rebuilt_turn_logs_show_the_world_as_it_was_then(tmp_path, mini):
    s = Session.create(mini.scenario, mini.texts, tmp_path)
    play(s, 5)  # turn 1 ends
    s.execute(cm.Advance(force=True))
    s.execute(cm.Override(target="track", track="trust", value=9.5, rationale="test"))
    play_rest = [s.execute(cm.Advance(force=True)) for _ in range(4)]
    assert play_rest and s.state.turn == 3
    original = (s.folder / "turns" / "turn-01.md").read_text()
    assert "9.5" not in original.split("## World")[1]
    s.close()
    (s.folder / "turns" / "turn-01.md").unlink()
    Session.open(s.folder).close()
    assert (s.folder / "turns" / "turn-01.md").read_text() == original


def test_atomic_writes_get_ordinary_permissions(tmp_path):
    """Reports and schemas are meant to be shared: not mkstemp's 0600 (files inside a save are, see
    test_files_hostile)."""
    import os

    from exercise.fsutil import atomic_write

    atomic_write(tmp_path / "report.md", "# report\n")
    mask = os.umask(0o022)
    os.umask(mask)
    assert (tmp_path / "report.md").stat().st_mode & 0o777 == 0o666 & ~mask
    assert (tmp_path / "report.md").read_text() == "# report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]  # no temp file left


def test_a_saved_command_stays_done_when_a_view_or_a_turn_log_fails(tmp_path, monkeypatch):
    """Once in the journal a command is done: a failing listener or turn log does not turn
    it into an error, and every other listener still hears of it."""
    from exercise.engine import commands as cm
    from exercise.packs import loader
    from exercise.packs.problems import Problems
    from exercise.session import Session

    mini = loader.load_scenario(Path(__file__).parent / "fixtures" / "mini" / "scenarios" / "mini.toml", Problems())
    s = Session.create(mini.scenario, mini.texts, tmp_path)
    heard = []

    def broken(session, command, events):
        raise RuntimeError("a screen fell over")

    s.listeners += [broken, lambda session, command, events: heard.append(command.kind)]
    s.execute(cm.Start())
    assert heard == ["start"] and "a screen fell over" in s.problems[-1]

    def full(*args, **kw):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(s, "write_turn_log", full)
    while s.state.phase != "summary":
        s.execute(cm.Advance(force=True))
    assert heard[-1] == "advance" and any("rebuilt on resume" in p for p in s.problems)
    s.close()
    again = Session.open(s.folder)  # the turn log is rebuilt, the command was kept
    assert again.state.phase == "summary" and (s.folder / "turns" / "turn-01.md").exists()
    again.close()


def test_a_save_open_in_another_process_is_not_resumed_twice_nor_repaired(tmp_path):
    """Two writers would interleave records: the second is refused with the reason; verify
    checks read-only and leaves a last line being written alone."""
    import subprocess
    import sys

    from exercise.engine import commands as cm
    from exercise.journal.saves import SaveError
    from exercise.packs import loader
    from exercise.packs.problems import Problems
    from exercise.session import Session
    from exercise.verify import verify

    mini = loader.load_scenario(Path(__file__).parent / "fixtures" / "mini" / "scenarios" / "mini.toml", Problems())
    s = Session.create(mini.scenario, mini.texts, tmp_path)
    s.execute(cm.Start())
    s.close()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from exercise.session import Session; "
         "s = Session.open(sys.argv[1]); print('open', flush=True); time.sleep(60)", str(s.folder)],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parent.parent)
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(SaveError, match="open in another process"):
            Session.open(s.folder)
        journal = s.folder / "journal.jsonl"
        with open(journal, "ab") as f:
            f.write(b'1234abcd {"type": "command", "half')  # as if being written right now
        size = journal.stat().st_size
        verdict = verify(s.folder)
        assert verdict.ok and "checked read-only, nothing repaired" in verdict.lines[0]
        assert journal.stat().st_size == size and not list(s.folder.glob("*.damaged-*"))
    finally:
        holder.kill()
        holder.wait()
    again = Session.open(s.folder)  # the holder is gone: the lock went with it; the torn tail is recovered
    assert again.notices and again.state.status == "running"
    again.close()


# -- history cannot be altered silently ---------------------------------------------------

def _seven_lines(root: Path, mini) -> Path:
    """A save whose journal is a header and six commands (lines 1 to 7)."""
    s = Session.create(mini.scenario, mini.texts, root, name="Tampered")
    play(s, 5)
    s.close()
    assert len((s.folder / "journal.jsonl").read_bytes().splitlines()) == 7
    return s.folder


def _flip_last(lines):
    last = bytearray(lines[-1])
    last[len(last) // 2] ^= 0x01  # inside the complete, newline-terminated last line
    return lines[:-1] + [bytes(last)], 7


TAMPER = {
    "delete a middle line": lambda ls: (ls[:2] + ls[3:], 3),
    "duplicate a line": lambda ls: (ls[:3] + [ls[2]] + ls[3:], 4),
    "swap two lines": lambda ls: (ls[:2] + [ls[3], ls[2]] + ls[4:], 3),
    "flip a bit in the complete last line": _flip_last,
}


@pytest.mark.parametrize("case", sorted(TAMPER))
def test_tampered_history_is_named_by_verify_and_refused_by_resume_and_the_debrief(tmp_path, mini, case):
    from click.testing import CliRunner

    from exercise.cli import main
    from exercise.debrief.record import DebriefError, load

    folder = _seven_lines(tmp_path, mini)
    journal = folder / "journal.jsonl"
    lines, line = TAMPER[case](journal.read_bytes().splitlines(keepends=True))
    journal.write_bytes(b"".join(lines))
    where = f"{journal}:{line}:"
    res = CliRunner().invoke(main, ["verify", str(folder)])
    assert res.exit_code == 1 and where in res.output and "--cut-at-damage" in res.output, res.output
    with pytest.raises(saves.SaveError) as e:
        Session.open(folder)
    assert where in str(e.value) and f"exercise verify {folder} --cut-at-damage" in str(e.value)
    with pytest.raises(DebriefError) as e:
        load(folder)
    assert where in str(e.value) and "--cut-at-damage" in str(e.value)
    assert journal.read_bytes() == b"".join(lines)  # nothing was changed by any of them
    # Cutting at the damage leaves a valid chain that resumes and takes new commands.
    cut = CliRunner().invoke(main, ["verify", str(folder), "--cut-at-damage"])
    assert cut.exit_code == 0 and f"cut at line {line}" in cut.output, cut.output
    again = Session.open(folder)
    assert len(again.records) == line - 2
    again.execute(cm.AddNote(text="after the cut"))
    again.close()
    assert CliRunner().invoke(main, ["verify", str(folder)]).exit_code == 0


def test_resume_command_refuses_a_broken_chain_with_the_line_and_what_to_do(tmp_path, mini):
    folder = _seven_lines(tmp_path / "saves", mini)
    journal = folder / "journal.jsonl"
    lines = journal.read_bytes().splitlines(keepends=True)
    journal.write_bytes(b"".join(lines[:4] + lines[5:]))
    res = _cli("resume", str(folder), "--summary", cwd=tmp_path)
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert f"{journal}:5:" in res.stderr and "--cut-at-damage" in res.stderr


def _edit_costs(folder: Path, redigest: bool = False) -> None:
    path = folder / "scenario.json"
    body = json.loads(path.read_text("utf-8"))
    for item in body["scenario"]["item"]:
        item["cost"] *= 10
    if redigest:  # the copy's own digest recomputed too: the journal's header still knows
        body["copy_digest"] = saves.copy_digest(body)
    path.write_text(json.dumps(body), "utf-8")


@pytest.mark.parametrize("redigest", [False, True], ids=["edited", "edited-and-redigested"])
def test_an_edited_scenario_copy_is_detected_and_refused(tmp_path, mini, redigest):
    from click.testing import CliRunner

    from exercise.cli import main
    from exercise.debrief.record import DebriefError, load

    folder = _seven_lines(tmp_path, mini)
    _edit_costs(folder, redigest)
    where = str(folder / "scenario.json")
    res = CliRunner().invoke(main, ["verify", str(folder)])
    assert res.exit_code == 1 and where in res.output and "changed" in res.output, res.output
    with pytest.raises(saves.SaveError) as e:
        Session.open(folder)
    assert where in str(e.value) and "changed after the exercise started" in str(e.value)
    with pytest.raises(DebriefError) as e:
        load(folder)
    assert where in str(e.value)


def test_a_format_1_save_from_before_the_chain_still_opens_and_replays(tmp_path):
    import shutil

    from click.testing import CliRunner

    from exercise.cli import main
    from exercise.debrief.record import load

    folder = tmp_path / "format-one"
    shutil.copytree(FIXTURES / "format1-save", folder)
    s = Session.open(folder)
    # The hash digests the facilitator's view: it was be312d94b7b85397 before the view gained
    # `orders_hidden` (bounded order lists). Options', items' and categories' effects, gains
    # and floors in words are the scenario's static wording, left out of the digest, so it
    # is 9b61ab2570776af6 as before they were added (it was d0de50eb4bef8f6d with them).
    assert s.state_hash() == "9b61ab2570776af6" and len(s.records) == 7
    assert not s.journal.chained
    s.execute(cm.AddNote(text="resumed by a newer version"))  # it goes on in its own format
    s.close()
    assert load(folder).records[-1]["command"]["text"] == "resumed by a newer version"
    res = CliRunner().invoke(main, ["verify", str(folder)])
    assert res.exit_code == 0 and "format 1" in res.output and "not tamper-evident" in res.output, res.output
    # A fork of it is a format-2 save with a valid chain, at the same state.
    from exercise.debrief.fork import fork

    forked = fork(load(folder), 2, tmp_path / "forks")
    assert forked.state_hash == state_hash(load(folder).state_after(forked.records))
    assert log.scan_file(forked.folder / "journal.jsonl").chained
    res = CliRunner().invoke(main, ["verify", str(forked.folder)])
    assert res.exit_code == 0 and "format 1" not in res.output, res.output


def test_a_new_save_declares_format_2_and_pins_its_scenario_copy(tmp_path, mini):
    s = Session.create(mini.scenario, mini.texts, tmp_path)
    s.close()
    header = s.journal.records[0]
    body = json.loads((s.folder / "scenario.json").read_text("utf-8"))
    assert header["format"] == 2 and body["format"] == 2
    assert header["scenario_digest"] == body["copy_digest"] == saves.copy_digest(body)
    first = log.decode((s.folder / "journal.jsonl").read_bytes().splitlines()[0])
    assert first["seq"] == 1 and first["prev"] == log.GENESIS


def test_a_save_whose_chain_was_stripped_or_whose_format_is_newer_is_refused(tmp_path, mini):
    folder = _seven_lines(tmp_path, mini)
    journal = folder / "journal.jsonl"
    chained = journal.read_bytes()
    records = log.scan_bytes(chained).records
    # Every line re-encoded without its chain: it reads as format 1, but the header says 2.
    journal.write_bytes(b"".join(log.encode(r) for r in records))
    with pytest.raises(saves.SaveError) as e:
        Session.open(folder)
    assert f"{journal}:1: the header says format 2 but the journal is not chained" in str(e.value)
    # A format this version does not know.
    journal.write_bytes(b"".join(log.encode({**r, "format": 3} if r["type"] == "header" else r) for r in records))
    with pytest.raises(saves.SaveError) as e:
        Session.open(folder)
    assert "format 3, written by a newer version" in str(e.value)


def test_a_format_1_scenario_copy_whose_source_texts_were_edited_is_refused(tmp_path):
    import shutil

    folder = tmp_path / "format-one"
    shutil.copytree(FIXTURES / "format1-save", folder)
    path = folder / "scenario.json"
    body = json.loads(path.read_text("utf-8"))
    body["sources"] = {k: v.replace("cost = 1.0", "cost = 10.0") for k, v in body["sources"].items()}
    assert body["sources"] != json.loads(path.read_text("utf-8"))["sources"]
    path.write_text(json.dumps(body), "utf-8")
    with pytest.raises(saves.SaveError) as e:
        Session.open(folder)
    assert f"{path}: the scenario copy was changed after the exercise started" in str(e.value)


def test_the_state_hash_leaves_out_the_scenarios_static_wording_but_not_what_events_change():
    import hashlib

    import attrs
    from test_engine_support import Game, drill

    from exercise.engine import view_json

    s = Game(drill())
    s.to(1, "deliberation")
    view = engine.facilitator_view(s.s)

    def digest(v):
        return hashlib.sha256(json.dumps(view_json.for_digest(v), sort_keys=True, default=str).encode()).hexdigest()[:16]

    assert digest(view) == state_hash(s.s)
    reworded = attrs.evolve(view, catalogue=tuple(attrs.evolve(i, gains=("said otherwise",)) for i in view.catalogue),
                            categories=tuple(attrs.evolve(c, floors=()) for c in view.categories))
    assert digest(reworded) == digest(view)  # wording of the scenario: not the state
    assert "gains" in json.dumps(view_json.unstructure(view))  # the protocol still sends it
    s.team(cm.Answer, "east", inject="drones", option="shoot")
    assert state_hash(s.s) != digest(view)  # what an event changes is digested
