"""Journal records are classes (exercise.journal.records): written by one function, read
through one converter, and the bytes on disk are what they always were."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exercise.engine import commands as cm
from exercise.journal import log, records, saves
from exercise.journal.records import CommandRecord, Header, RecordError
from exercise.packs import loader
from exercise.packs.problems import Problems
from exercise.session import Session

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini" / "scenarios" / "mini.toml"


@pytest.fixture(scope="module")
def mini():
    loaded = loader.load_scenario(MINI, Problems())
    assert loaded.scenario is not None
    return loaded


def lines(folder: Path) -> list[bytes]:
    return (folder / saves.JOURNAL).read_bytes().splitlines(keepends=True)


def test_a_format1_save_reads_and_writes_back_byte_for_byte():
    for line in lines(FIXTURES / "format1-save"):
        raw = log.decode(line.rstrip(b"\n"))
        record = records.from_json(raw)
        assert isinstance(record, (Header, CommandRecord))
        assert log.encode(records.to_json(record)) == line


def test_a_live_session_writes_the_shape_it_always_wrote(tmp_path, mini):
    s = Session.create(mini.scenario, mini.texts, tmp_path, name="shape")
    s.execute(cm.Start())
    s.execute(cm.Pause(), via={"by": "facilitator", "id": "c1"})
    s.close()
    got = [log.decode(x.rstrip(b"\n")) for x in lines(s.folder)]
    assert set(got[0]) == {"type", "format", "exercise", "title", "scenario", "seed", "at", "parent",
                           "scenario_digest", "seq", "prev"}
    assert got[0]["parent"] is None and got[0]["format"] == saves.FORMAT
    assert set(got[1]) == {"type", "n", "at", "command", "events", "seq", "prev"}  # no "via": null
    assert got[2]["via"] == {"by": "facilitator", "id": "c1"} and got[2]["n"] == 2
    assert got[2]["command"] == {"kind": "pause", "actor": "facilitator"}
    again = Session.open(s.folder)
    try:
        assert again.records == s.records and again.header == s.header
        assert isinstance(again.records[0], CommandRecord) and again.records[1].via == {"by": "facilitator", "id": "c1"}
    finally:
        again.close()


def test_a_saved_dry_run_writes_records_like_a_session(tmp_path, mini):
    from exercise.cli.simulate import _save_runs

    (folder,) = _save_runs(mini.scenario, mini.texts, 1, 7, "cautious", tmp_path)
    got = [log.decode(x.rstrip(b"\n")) for x in lines(Path(folder))]
    assert got[0]["type"] == "header"
    assert all(set(r) == {"type", "n", "at", "command", "events", "seq", "prev"} for r in got[1:])
    assert [r["n"] for r in got[1:]] == list(range(1, len(got)))


def test_the_dict_face_answers_what_the_line_holds():
    r = CommandRecord(n=1, at="t", command={"kind": "pause"}, events=())
    assert r["type"] == "command" and r["n"] == 1 and r.get("via", {}) == {} and "via" not in r
    with pytest.raises(KeyError):
        r["via"]
    with pytest.raises(KeyError):
        r["nope"]
    h = Header(scenario="mini", seed=1, at="t")
    assert "scenario_digest" not in h and h["parent"] is None and "parent" in h


def test_a_record_with_a_wrong_field_is_damage_named_by_line(tmp_path):
    """A record edited with a fixed-up CRC (format 1 has no chain) that is not what the
    engine writes: resume names the line instead of guessing."""
    folder = tmp_path / "save"
    shutil.copytree(FIXTURES / "format1-save", folder)
    raw = [log.decode(x.rstrip(b"\n")) for x in lines(folder)]
    raw[1]["n"] = "one"
    (folder / saves.JOURNAL).write_bytes(b"".join(log.encode(r) for r in raw))
    with pytest.raises(saves.SaveError, match=r"journal.jsonl:2: this record cannot be read \(expected int"):
        Session.open(folder)
    from exercise.debrief.record import DebriefError, load

    with pytest.raises(DebriefError, match=r"journal.jsonl:2: this record cannot be read"):
        load(folder)


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
                    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=5), kids, max_size=3),
                    max_leaves=8)


@settings(max_examples=150, deadline=None)
@given(kind=st.sampled_from(["header", "command", "other", None]),
       body=st.dictionaries(st.sampled_from(["n", "at", "command", "events", "via", "seed", "scenario",
                                             "exercise", "title", "parent", "format", "scenario_digest"]),
                            JSON, max_size=12))
def test_junk_records_raise_record_error_only(kind, body):
    data = {**body, "type": kind}
    try:
        record = records.from_json(data)
    except RecordError as e:
        assert str(e)
        return
    # What it accepted, it writes back as it was read (keys of other record types are not its own).
    again = records.to_json(record)
    assert records.from_json(again) == record
    assert all(data.get(k) == v for k, v in again.items())
    json.dumps(again)
