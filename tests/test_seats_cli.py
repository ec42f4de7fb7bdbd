"""`exercise seat add|list|revoke`, and the seat options of serve and join: clear messages
and exit statuses for bad input, never a traceback; tokens.json only, never the journal."""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner
from support import FIXTURES, MINI, load_fixture

from exercise.cli import main
from exercise.net import tokens as tk
from exercise.session import Session

RED = FIXTURES / "red" / "scenarios" / "red.toml"


@pytest.fixture
def save(tmp_path):
    red = load_fixture(RED)
    s = Session.create(red.scenario, red.texts, tmp_path)
    folder = s.folder
    s.close()
    return tmp_path, folder


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_add_list_and_revoke_seats(save):
    root, folder = save
    journal = (folder / "journal.jsonl").read_bytes()
    r = run("seat", "add", folder.name, "--saves", root, "--role", "controller", "--name", "Alice",
            "--scope", "east", "--url", "ws://10.0.0.5:8765")
    assert r.exit_code == 0, r.output
    token = tk.load(folder).entry("alice").token
    assert "added Alice (controller, scope: East), seat id alice" in r.output
    assert f"exercise join ws://10.0.0.5:8765 --seat alice --token {token}" in r.output
    assert (folder / tk.TOKENS).stat().st_mode & 0o777 == 0o600
    assert run("seat", "add", str(folder), "--role", "red", "--name", "Red team").exit_code == 0  # a path works too
    assert run("seat", "add", str(folder), "--role", "wall", "--name", "Projector").exit_code == 0
    r = run("seat", "list", str(folder))
    assert r.exit_code == 0
    assert token not in r.output and tk.load(folder).facilitator not in r.output  # no token unless asked
    lines = r.output.splitlines()
    assert any(line.split()[:2] == ["alice", "Alice"] and "East" in line for line in lines)
    assert any(line.startswith("red ") and "red cell" in line for line in lines)
    assert any(line.startswith("east ") and "player team" in line for line in lines)
    assert token in run("seat", "list", str(folder), "--tokens").output
    r = run("seat", "revoke", str(folder), "alice")
    assert r.exit_code == 0 and "revoked Alice (controller, scope: East)" in r.output
    assert tk.load(folder).entry("alice").revoked and tk.load(folder).identify(token) is None
    assert any("revoked" in line for line in run("seat", "list", str(folder)).output.splitlines()
               if line.startswith("alice"))
    # the journal was not touched: a running server journals the change itself
    assert (folder / "journal.jsonl").read_bytes() == journal


@pytest.mark.parametrize(("args", "code", "words"), [
    (["--role", "judge", "--name", "X"], 2, "'judge' is not one of"),
    (["--role", "controller", "--name", "X", "--scope", "north"], 2, "no team 'north' in this exercise; its teams "
                                                                     "are east (East), west (West)"),
    (["--role", "evaluator", "--name", "X", "--scope", "east"], 2, "a scope is for controllers only"),
    (["--role", "wall", "--name", "\x1b[31mred"], 2, "control characters"),
    (["--role", "wall", "--name", "x" * 61], 2, "at most 60 characters"),
    (["--role", "wall", "--name", "  "], 2, "needs a name"),
])
def test_bad_seats_are_clear_messages(save, args, code, words):
    root, folder = save
    r = run("seat", "add", str(folder), *args)
    assert r.exit_code == code and words in r.output, r.output
    assert "Traceback" not in r.output


def test_unknown_saves_seats_and_duplicates(save, tmp_path):
    root, folder = save
    r = run("seat", "add", "nosuch", "--saves", root, "--role", "wall", "--name", "P")
    assert r.exit_code == 2 and "nosuch" in r.output and "Traceback" not in r.output
    assert run("seat", "add", str(folder), "--role", "wall", "--name", "Projector").exit_code == 0
    r = run("seat", "add", str(folder), "--role", "evaluator", "--name", "projector")
    assert r.exit_code == 2 and "already there" in r.output
    r = run("seat", "add", str(folder), "--role", "red", "--name", "R1")
    assert r.exit_code == 0
    r = run("seat", "add", str(folder), "--role", "red", "--name", "R2")
    assert r.exit_code == 2 and "already has a seat (R1, id red)" in r.output
    r = run("seat", "revoke", str(folder), "nobody")
    assert r.exit_code == 2 and "no seat 'nobody'" in r.output and "projector" in r.output
    r = run("seat", "revoke", str(folder), "east")
    assert r.exit_code == 2 and "cannot be revoked" in r.output
    (folder / tk.TOKENS).write_text("[]")
    r = run("seat", "list", str(folder))
    assert r.exit_code == 1 and "cannot read the tokens" in r.output
    # no adversary, no red cell
    mini = load_fixture(MINI)
    s = Session.create(mini.scenario, mini.texts, tmp_path / "m")
    s.close()
    r = run("seat", "add", str(s.folder), "--role", "red", "--name", "R")
    assert r.exit_code == 2 and "no adversary" in r.output


def test_old_tokens_files_load_and_keep_their_tokens(tmp_path):
    old = {"facilitator": "F" * 22, "teams": {"east": "E" * 22, "west": "W" * 22}}
    (tmp_path / tk.TOKENS).write_text(json.dumps(old))
    t = tk.load_or_create(tmp_path, ["east", "west"])
    assert (t.facilitator, t.teams, t.seats) == (old["facilitator"], old["teams"], ())
    _t, entry = tk.add_seat(tmp_path, "evaluator", "Eve", teams={"east": "East", "west": "West"})
    data = json.loads((tmp_path / tk.TOKENS).read_text())
    assert data["facilitator"] == old["facilitator"] and data["teams"] == old["teams"]
    assert data["seats"] == [{"id": "eve", "role": "evaluator", "name": "Eve", "scope": [], "token": entry.token,
                              "revoked": False}]
    # ids stay unique (a revoked seat keeps its id) and never a team's
    tk.revoke(tmp_path, "eve")
    _t, again = tk.add_seat(tmp_path, "evaluator", "Eve", teams={"east": "East"})
    _t, team_named = tk.add_seat(tmp_path, "wall", "East", teams={"east": "East"})
    assert again.seat.id == "eve-2" and team_named.seat.id == "east-2"
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


def test_join_takes_a_team_or_a_seat_never_both():
    for args in (["join", "ws://127.0.0.1:1", "--token", "t"],
                 ["join", "ws://127.0.0.1:1", "--token", "t", "--team", "east", "--seat", "alice"]):
        r = run(*args)
        assert r.exit_code == 2 and "exactly one of them" in r.output


def test_serve_refuses_bad_seats_before_serving(save):
    root, folder = save
    r = run("serve", "--headless", "--port", "0", "--host", "127.0.0.1", "--resume", str(folder),
            "--controller", "Alice:north")
    assert r.exit_code == 2 and "--controller Alice: scope: no team 'north'" in r.output
    r = run("serve", "--headless", "--port", "0", "--resume", str(folder), "--red-seat", "--red", "bot")
    assert r.exit_code == 2 and "not both" in r.output
    assert tk.load(folder).seats == () if (folder / tk.TOKENS).exists() else True
