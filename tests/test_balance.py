"""`exercise balance`: the report is a pure function of (scenario, seed, runs) whatever the
worker count, every format renders (pack text escaped), JSON round-trips, a trainer's own
scenario works, bad input ends in one line and an exit status, and the sections fill in
once the bots have the policies, plans and red bot of the contract (faked here)."""

from __future__ import annotations

import json
import shutil
import sys
import types
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import DEFAULT, MINI, load_fixture, run_cli

from exercise.bots import POLICIES, cautious, planner
from exercise.dryrun import balance as bal
from exercise.dryrun import simulate as sim
from exercise.dryrun.balance_render import FORMATS, render
from exercise.dryrun.simulate import MIXED_POLICIES, Lineup, best_outcome, play

ROOT = Path(__file__).resolve().parent.parent


def test_same_seed_same_report_whatever_the_workers():
    sc = load_fixture(DEFAULT).scenario
    one = bal.balance(sc, 2, 11, workers=1)
    two = bal.balance(sc, 2, 11, workers=2)
    assert one == two
    assert bal.to_json(one) == bal.to_json(two)
    assert bal.balance(sc, 2, 12, workers=1) != one  # the seed matters


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_renders(fmt):
    report = bal.balance(load_fixture(MINI).scenario, 2, 3)
    out = render(report, fmt)
    assert out.strip()
    for title in ("Targets", "Skill vs chance", "Does every team matter", "Dominant plans",
                  "Criteria that decide", "Dice", "Injects", "Red"):
        if fmt != "json":
            assert title in out, (fmt, title)
    if fmt == "html":
        assert out.startswith("<!DOCTYPE html>") and "<svg" in out and "<script" not in out
    if fmt == "json":
        assert bal.from_json(json.loads(out)) == report


def test_json_round_trips_on_the_default_scenario():
    report = bal.balance(load_fixture(DEFAULT).scenario, 2, 5)
    back = bal.from_json(json.loads(render(report, "json")))
    assert back == report
    assert [t.id for t in back.targets] == ["coordinated-40-80", "random-10", "every-team", "no-dominant-plan",
                                           "dice-20", "red-bot", "injects"]


def test_best_outcome_is_the_top_band_else_the_first_not_last_resort():
    assert best_outcome(load_fixture(DEFAULT).scenario) == "europe-led"  # War is listed first
    assert best_outcome(load_fixture(MINI).scenario) == "win"


def _trainer_scenario(tmp_path: Path, name: str) -> Path:
    """The mini fixture copied as a trainer's own pack, the scenario and a team renamed to `name`."""
    root = tmp_path / "mine"
    shutil.copytree(MINI.parent.parent, root)
    path = root / "scenarios" / "mini.toml"
    text = path.read_text().replace('name = "East"', f"name = {json.dumps(name)}")
    text = text.replace('title = "Mini exercise"', f"title = {json.dumps(name)}")
    path.write_text(text)
    return path


def test_a_trainers_own_scenario_and_its_text_escaped(tmp_path):
    hostile = "<script>alert(1)</script> | *bold* [x](y)"
    path = _trainer_scenario(tmp_path, hostile)
    runner = CliRunner()
    from exercise.cli import main

    out = tmp_path / "r.html"
    res = runner.invoke(main, ["balance", str(path), "-n", "2", "-w", "1", "--format", "html", "-o", str(out)])
    assert res.exit_code == 0, res.output
    page = out.read_text()
    assert "<script>" not in page and "&lt;script&gt;" in page
    res = runner.invoke(main, ["balance", str(path), "-n", "2", "-w", "1", "--format", "md"])
    assert res.exit_code == 0, res.output
    assert "<script>" not in res.output and "\\<script\\>" in res.output
    res = runner.invoke(main, ["balance", str(path), "-n", "2", "-w", "1"])
    assert res.exit_code == 0 and f"Balance report: {hostile}" in res.output  # plain text: as written


def _cli(*args: str):
    return run_cli("balance", *args, cwd=ROOT)  # in this process: a traceback fails the test with it


def test_bad_input_is_one_line_and_an_exit_status(tmp_path):
    missing = _cli("no-such-scenario", "-n", "1")
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    assert "no-such-scenario" in missing.stderr
    runs = _cli("-n", "0")
    assert runs.returncode == 2 and "Traceback" not in runs.stderr and "--runs" in runs.stderr
    fmt = _cli("--format", "pdf")
    assert fmt.returncode == 2 and "--format" in fmt.stderr
    unwritable = _cli(str(MINI), "-n", "1", "-w", "1", "-o", str(tmp_path / "no" / "dir" / "r.txt"))
    assert unwritable.returncode == 1 and "cannot write" in unwritable.stderr and "Traceback" not in unwritable.stderr


def test_missed_targets_still_exit_zero():
    ok = _cli(str(MINI), "-n", "1", "-w", "1", "--format", "json")
    assert ok.returncode == 0, ok.stderr
    statuses = {t["status"] for t in json.loads(ok.stdout)["targets"]}
    assert "not met" in statuses or "not measured" in statuses


def test_mixed_draws_from_the_four_old_policies_only(monkeypatch):
    """New policies in the bots must not move `simulate -p mixed`'s figures."""
    sc = load_fixture(DEFAULT).scenario
    before = [play(sc, s, "mixed") for s in (1, 2)]
    monkeypatch.setitem(POLICIES, "coordinated", planner)
    monkeypatch.setitem(POLICIES, "freerider", cautious)
    after = [play(sc, s, "mixed") for s in (1, 2)]
    assert before == after
    assert {p for r in after for p in r.policies} <= set(MIXED_POLICIES)


def test_a_lineup_fires_a_reserve_inject_and_records_rolls():
    sc = load_fixture(MINI).scenario
    plain = play(sc, 4, Lineup(policy="cautious"))
    fired = play(sc, 4, Lineup(policy="cautious", reserve="reserve-cyber", reserve_turn=2, rolls=True))
    assert "reserve-cyber" not in plain.fired and "reserve-cyber" in fired.fired
    assert plain.rolls == () and all(isinstance(site, tuple) and isinstance(ok, bool) for site, ok in fired.rolls)


def _fake_bots(monkeypatch):
    """The contract's names, played by today's bots: what the merge will bring."""
    monkeypatch.setitem(POLICIES, "coordinated", planner)
    monkeypatch.setitem(POLICIES, "selfish", cautious)
    monkeypatch.setitem(POLICIES, "freerider", cautious)
    plans = types.ModuleType("exercise.bots.plans")
    plans.SPLITS = {"even": "floors and an even rest", "lean": "floors only"}
    plans.PURCHASES = {"cheap": "cheapest first", "dear": "dearest first"}
    plans.policy = lambda base, split=None, purchase=None: planner if base == "coordinated" else cautious
    monkeypatch.setitem(sys.modules, "exercise.bots.plans", plans)
    import exercise.bots

    monkeypatch.setattr(exercise.bots, "plans", plans, raising=False)


def test_sections_fill_in_with_the_contracts_bots(monkeypatch):
    _fake_bots(monkeypatch)
    sc = load_fixture(MINI).scenario
    configs, notes = bal.configurations(sc)
    keys = [c.key for c in configs]
    assert keys[:4] == ["policy:random", "policy:cautious", "policy:coordinated", "policy:selfish"]
    assert {"freerider:east", "freerider:west", "plan:coordinated:split:even", "plan:selfish:purchase:dear",
            "reserve:reserve-cyber"} <= set(keys)
    assert not notes
    r = bal.balance(sc, 2, 9)
    assert [x.team for x in r.teams.rows] == ["east", "west"] and not r.teams.notes
    assert len(r.plans.rows) == 8 and {p for _, p, _ in r.plans.winners} == {"coordinated", "selfish"}
    assert [x.policy for x in r.skill.rows] == list(bal.SKILL_POLICIES)
    assert r.skill.rows[2].played_by == "coordinated"
    status = {t.id: t.status for t in r.targets}
    assert status["every-team"] != "not measured" and status["no-dominant-plan"] != "not measured"


def test_without_the_new_bots_the_report_says_what_it_left_out(monkeypatch):
    """An install whose bots lack coordinated, selfish and freerider (bots written to an
    older contract): the planner plays coordinated and the report names what it left out."""
    import exercise.bots

    old = {k: v for k, v in POLICIES.items() if k in ("random", "cautious", "spender", "planner")}
    monkeypatch.setattr(exercise.bots, "POLICIES", old)
    monkeypatch.setattr(sim, "POLICIES", old)
    sc = load_fixture(MINI).scenario
    r = bal.balance(sc, 1, 1)
    assert r.skill.rows[-1].policy == "coordinated" and r.skill.rows[-1].played_by == "planner"
    assert any("selfish" in n for n in r.skill.notes)
    assert {t.id: t.status for t in r.targets}["every-team"] == "not measured"


def test_the_red_bot_plays_when_the_scenario_has_an_adversary():
    """After the merge: the adversary's commands run in each deliberation, and its rolls are
    roll sites of the dice section."""
    import exercise.bots

    sc = load_fixture(DEFAULT).scenario
    if getattr(sc, "adversary", None) is None or "bot" not in getattr(exercise.bots, "REDS", {}):
        pytest.skip("no adversary in the scenario or no red bot yet (comes with the merge)")
    scripted = play(sc, 3, Lineup(policy="coordinated", rolls=True))
    red = play(sc, 3, Lineup(policy="coordinated", red="bot", rolls=True))
    assert not any(site[0].startswith("red-") for site, _ in scripted.rolls)
    assert any(site[0] == "red-detect" for site, _ in red.rolls)
    keys = {c.key: c.lineup for c in bal.configurations(sc)[0]}
    assert keys["policy:coordinated"].red == "bot" and keys["red:scripted"].red == "scripted"
