"""A command sent from a seat other than the lead facilitator's says who sent it: in the
journal (via), the turn log and the facilitator's Log tab reading the same record."""

from __future__ import annotations

from support import to_deliberation

from exercise.engine import commands as cm
from exercise.journal.records import CommandRecord
from exercise.session import Session

ALICE = {"by": "controller:alice", "id": "c1", "seat": "Alice (controller)"}


def _section(log: str, title: str) -> str:
    return log.split(f"## {title}", 1)[1].split("\n## ", 1)[0]


def test_a_controllers_commands_are_signed_in_the_turn_log(mini, tmp_path):
    s = Session.create(mini.scenario, mini.texts, tmp_path)
    try:
        to_deliberation(s)
        s.execute(cm.AddNote("east hesitates"), via=ALICE)
        s.execute(cm.AddNote("the lead's own note"))
        assert s.records[-2].seat == "Alice (controller)"
        assert s.records[-1].seat == ""
        actions = _section(s.write_turn_log(1).read_text(), "Facilitator's actions")
        assert "wrote a note: “east hesitates” (by Alice (controller))" in actions
        assert "wrote a note: “the lead's own note”\n" in actions + "\n"
    finally:
        s.close()


def test_seat_is_empty_for_teams_the_lead_and_old_records():
    base = {"n": 1, "at": "2026-01-01T00:00:00Z", "command": {"kind": "note"}, "events": ()}
    assert CommandRecord(**base).seat == ""
    assert CommandRecord(**base, via={"by": "team:east", "id": "x", "seat": "East"}).seat == ""
    assert CommandRecord(**base, via={"by": "facilitator", "id": "x", "seat": "Lead"}).seat == ""
    assert CommandRecord(**base, via={"by": "controller:b", "seat": 5}).seat == ""
    assert CommandRecord(**base, via={"by": "evaluator:e", "seat": "Eve"}).seat == "Eve"


def test_the_after_action_report_timeline_names_the_controller(mini, tmp_path):
    from exercise.debrief import markdown, record
    from exercise.debrief.report import build

    s = Session.create(mini.scenario, mini.texts, tmp_path)
    try:
        to_deliberation(s)
        s.execute(cm.Override("track", 5.0, "talks stalled", track=mini.scenario.tracks[0].id), via=ALICE)
        folder = s.folder
    finally:
        s.close()
    report = markdown.render(build(record.load(folder)))
    timeline = report.split("Timeline", 1)[1]
    assert "talks stalled" in timeline
    assert any("talks stalled" in line and "(by Alice (controller))" in line for line in timeline.splitlines())


def test_a_line_is_signed_once():
    base = {"n": 1, "at": "2026-01-01T00:00:00Z", "command": {"kind": "fire_inject"}, "events": ()}
    r = CommandRecord(**base, via={"by": "controller:alice", "id": "x", "seat": "Alice (controller)"})
    assert r.sign("INJECT: Cyber -> East (by facilitator)") == "INJECT: Cyber -> East (by Alice (controller))"
    assert r.sign("note [East; by Alice (controller)]") == "note [East; by Alice (controller)]"
    assert r.sign("ADJUDICATED: x") == "ADJUDICATED: x (by Alice (controller))"
    assert CommandRecord(**base).sign("INJECT: y (by facilitator)") == "INJECT: y (by facilitator)"


def test_seat_notes_are_about_the_room_not_the_teams(mini, tmp_path):
    from exercise.debrief import markdown, record
    from exercise.debrief.report import build
    from exercise.engine import seats

    s = Session.create(mini.scenario, mini.texts, tmp_path)
    try:
        to_deliberation(s)
        s.execute(cm.AddNote("Seat added: Alice (controller, scope: East)", tags=("seats",)))
        s.execute(cm.AddNote("east hesitates", team="east"))
        ev = seats.evaluator_view(s.state)
        assert [n.text for n in ev.notes] == ["east hesitates"]
        for scope in ((), ("east",)):
            assert [n.text for n in seats.controller_view(s.state, scope).notes] == ["east hesitates"]
        folder = s.folder
    finally:
        s.close()
    report = markdown.render(build(record.load(folder)))
    observations, timeline = report.split("Timeline", 1)
    assert "east hesitates" in observations and "Seat added" not in observations
    assert "Seat added" in timeline
