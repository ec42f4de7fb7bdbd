"""A corpus of broken files, one per kind of error, each with its located message."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import FIXTURES, MINI, run_cli

from exercise.packs.check import validate

PACK_HEAD = '[pack]\nid = "{stem}"\ntitle = "Broken"\n\n'

# name -> (pack body after the [pack] table, expected "line:col: severity: message" fragment)
# Line numbers count the 4 header lines.
PACKS = {
    "unknown-key": (
        '[[inject]]\nid = "rail-blast"\ntitle = "t"\ntrun = 2\n',
        "8:1: error: unknown key 'trun' in inject 'rail-blast' (did you mean 'turn'?)",
    ),
    "wrong-type": (
        '[[inject]]\nid = "a"\ntitle = "t"\nturn = "2"\n',
        "8:1: error: 'turn': expected a whole number, found a string in inject 'a'",
    ),
    "missing-key": (
        '[[inject]]\nid = "a"\nturn = 1\n',
        "5:1: error: missing required key 'title' in inject 'a'",
    ),
    "unknown-team": (
        '[[inject]]\nid = "a"\ntitle = "t"\nturn = 1\nto = ["eats"]\n',
        "9:7: error: unknown team 'eats' in inject 'a' (did you mean 'east'?)",
    ),
    "unknown-track": (
        '[[inject]]\nid = "a"\ntitle = "t"\nturn = 1\neffects = [{ track = "trsut", add = 1 }]\n',
        "9:14: error: unknown track 'trsut' in inject 'a' (did you mean 'trust'?)",
    ),
    "unknown-inject": (
        '[[inject]]\nid = "a"\ntitle = "t"\nrequires = ["drone"]\n',
        "8:13: error: unknown inject 'drone' in inject 'a' (did you mean 'drones'?)",
    ),
    "unknown-item": (
        '[[inject]]\nid = "a"\ntitle = "t"\nturn = 1\neffects = [{ item = "sma", lead_time = 1 }]\n',
        "9:14: error: unknown item 'sma' in inject 'a' (did you mean 'sam'?)",
    ),
    "cycle": (
        '[[inject]]\nid = "a"\ntitle = "t"\nrequires = ["b"]\n\n'
        '[[inject]]\nid = "b"\ntitle = "t"\nrequires = ["a"]\n',
        "error: requires forms a cycle, so none of them can fire: a -> b -> a",
    ),
    "window-outside": (
        '[[inject]]\nid = "a"\ntitle = "t"\nwindow = [3, 9]\n',
        "8:1: error: window [3, 9] is outside the calendar (1..4) in inject 'a'",
    ),
    "turn-outside": (
        '[[inject]]\nid = "a"\ntitle = "t"\nturn = 12\n',
        "8:1: error: turn 12 is outside the calendar (1..4) in inject 'a'",
    ),
    "option-without-effects": (
        '[[inject]]\nid = "a"\ntitle = "t"\nturn = 1\n\n[[inject.option]]\nid = "x"\nlabel = "X"\ndefault = true\n',
        "10:1: error: option 'x' has no effects; add effects, or write effects = [] if choosing it changes nothing in inject 'a'",
    ),
    "condition-unknown-name": (
        '[[inject]]\nid = "a"\ntitle = "t"\ncondition = "track.trsut <= 2 and turn >= 2"\n',
        "8:14: error: in condition: unknown track 'trsut' (did you mean 'trust'?) (inject 'a')",
    ),
    "condition-syntax": (
        '[[inject]]\nid = "a"\ntitle = "t"\ncondition = "turn >= "\n',
        "8:22: error: in condition: expected a value, found the end (inject 'a')",
    ),
    "condition-unknown-function": (
        '[[inject]]\nid = "a"\ntitle = "t"\ncondition = "fird(\\"drones\\")"\n',
        "8:14: error: in condition: unknown function 'fird' (did you mean 'fired'?) (inject 'a')",
    ),
    "duplicate-across-packs": (
        '[[inject]]\nid = "drones"\ntitle = "t"\nturn = 1\n',
        "6:1: error: duplicate inject id 'drones'",
    ),
    "bad-severity": (
        '[[inject]]\nid = "a"\ntitle = "t"\nturn = 1\nseverity = "hihg"\n',
        "9:1: error: 'severity': expected one of 'low', 'medium', 'high', 'critical', found 'hihg' in inject 'a' (did you mean 'high'?)",
    ),
    "string-for-list": (
        '[[inject]]\nid = "a"\ntitle = "t"\nturn = 1\nto = "all"\n',
        """9:1: error: 'to': expected a list of strings, found a string: write ["all"] in inject 'a'""",
    ),
    "effect-two-targets": (
        '[[inject]]\nid = "a"\ntitle = "t"\nturn = 1\neffects = [{ track = "trust", budget = "invest", add = 1 }]\n',
        "9:12: error: an effect names exactly one of track, budget, item, inject or ally (found track, budget) in inject 'a'",
    ),
    "chance-range": (
        '[[inject]]\nid = "a"\ntitle = "t"\nwindow = [1, 2]\nchance = 1.5\n',
        "9:1: error: chance must be between 0 and 1 (found 1.5) in inject 'a'",
    ),
    "hidden-not-a-bool": (  # `hidden` is true or false, located on the option's effect
        '[[inject]]\nid = "a"\ntitle = "t"\nturn = 1\n\n[[inject.option]]\nid = "x"\nlabel = "X"\n'
        'effects = [{ track = "trust", add = 1, hidden = "yes" }]\n',
        "13:40: error: 'hidden': expected true or false, found a string in inject 'a'",
    ),
    "hidden-outside-an-option": (  # a hidden inject effect is never shown anyway: a warning
        '[[inject]]\nid = "a"\ntitle = "t"\nturn = 1\neffects = [{ track = "trust", add = 1, hidden = true }]\n',
        "9:40: warning: hidden only matters on an option's effects",
    ),
    "odds-out-of-range": (
        '[[inject]]\nid = "a"\ntitle = "t"\nturn = 1\nchance = 0.5\n'
        'odds = [{ condition = "forces(\\"north\\", \\"air\\") >= 1", add = 2 }]\n',
        "10:58: error: add of odds must be between -1 and 1 (found 2) in inject 'a'",
    ),
    "odds-unknown-command": (
        '[[inject]]\nid = "a"\ntitle = "t"\nturn = 1\n'
        'odds = [{ condition = "forces(\\"nort\\", \\"air\\") >= 1", add = -0.5 }]\n',
        "error: in condition: unknown command 'nort' (did you mean 'north'?) (inject 'a')",
    ),
    "never-fires": (
        '[[inject]]\nid = "a"\ntitle = "t"\n',
        "6:1: warning: this inject never fires",
    ),
}

# Raw files: name -> (bytes, expected fragment)
RAW = {
    "syntax": (b'[pack]\nid = "x"\ntitle = \n', "syntax.toml:3:9: error: TOML syntax: invalid value"),
    "empty": (b"", "empty.toml:1:1: error: file is empty"),
    "comments-only": (b"# nothing yet\n", "comments-only.toml:1:1: error: file is empty"),
    "not-utf8": (b'[pack]\nid = "caf\xe9"\n', "not-utf8.toml:2:10: error: byte 0xe9 is not UTF-8"),
    "binary": (b"\x7fELF\x00\x00\x01", "binary.toml: error: is a binary file, not TOML text"),
    "deep": (b"a = " + b"[" * 2000 + b"]" * 2000 + b"\n", "deep.toml: error: arrays or tables are nested too deeply"),
    "no-pack-table": (b'[[inject]]\nid = "a"\ntitle = "t"\n', "error: missing the [pack] table"),
}


def _run(path: Path, scenario: Path = MINI):
    report = validate([path], str(scenario))
    return [str(p) for p in report.problems.sorted()], report


@pytest.mark.parametrize("name", sorted(PACKS))
def test_broken_pack_gives_located_message(tmp_path, monkeypatch, name):
    body, expected = PACKS[name]
    (tmp_path / "injects").mkdir()
    path = tmp_path / "injects" / f"{name}.toml"
    path.write_text(PACK_HEAD.format(stem=name) + body)
    monkeypatch.chdir(tmp_path)
    lines, report = _run(path)
    assert any(expected in line for line in lines), "\n".join(lines)
    assert all(line.startswith(f"injects/{name}.toml") for line in lines), lines
    if "warning" not in expected:
        assert report.problems.errors


@pytest.mark.parametrize("name", sorted(RAW))
def test_bad_bytes_give_a_message_not_a_traceback(tmp_path, monkeypatch, name):
    data, expected = RAW[name]
    path = tmp_path / f"{name}.toml"
    path.write_bytes(data)
    monkeypatch.chdir(tmp_path)
    lines, report = _run(path)
    assert any(expected in line for line in lines), lines
    assert report.problems.errors


def test_folder_missing_and_huge_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afolder").mkdir()
    lines, _ = _run(tmp_path / "afolder")
    assert any("is a folder, not a file" in line for line in lines)
    lines, _ = _run(tmp_path / "missing.toml")
    assert lines == ["missing.toml: error: file not found; check the path"]
    big = tmp_path / "big.toml"
    with open(big, "wb") as f:
        f.truncate(9 * 1024 * 1024)
    lines, _ = _run(big)
    assert any("file is too large" in line for line in lines)


SCENARIO_CASES = {
    "unknown ally in team": ('allies = ["PL"]', 'allies = ["PLL"]', "unknown ally 'PLL' in team 'east' (did you mean 'PL'?)"),
    "initial outside bounds": ("initial = 5\n", "initial = 50\n", "initial 50 is outside 0..10 in track 'trust'"),
    "default shares": ("default_share = 0.5\n", "default_share = 0.6\n", "default_share add up to 1.1, not 1"),
    "outcome condition": ('condition = "avg(\\"air\\") >= 4', 'condition = "avg(\\"airr\\") >= 4',
                          "in condition: unknown team track 'airr' (did you mean 'air'?) (outcome 'win')"),
    "unknown pack": ('packs = ["mini-pack"]', 'packs = ["mini-pak"]', "no inject pack 'mini-pak' in injects/ (did you mean 'mini-pack'?)"),
    "command eligible ally": ('lead_staff = 3\n', 'lead_staff = 3\neligible = ["PLL"]\n',
                              "unknown ally 'PLL' in command 'north' (did you mean 'PL'?)"),
    "command manning": ('lead_staff = 3\n', 'lead_staff = 3\nmanning_turns = 0\n',
                        "manning_turns must be between 1 and 20 (found 0)"),
    "command approval": ('lead_staff = 3\n', 'lead_staff = 3\napproval = "sacuer"\n', "approval"),
    "phase order": ('id = "injects"', 'id = "summary"', "phases must be, in this order"),
    "track diminishing": ('id = "trust"\nname = "US trust"\n', 'id = "trust"\nname = "US trust"\ndiminishing = 1.5\n',
                          "diminishing is the share of the scale where adds shrink"),
    "team track combine": ('id = "air"\nname = "Air defence"\n', 'id = "air"\nname = "Air defence"\ncombine = "once"\n',
                           "combine is only for world tracks"),
    "unknown combine": ('id = "trust"\nname = "US trust"\n', 'id = "trust"\nname = "US trust"\ncombine = "twice"\n',
                        "combine"),
    "effect combine": ('effects = [{ track = "air", team = "self", add = 1 }]',
                       'effects = [{ track = "air", team = "self", add = 1, combine = "once" }]',
                       "combine is only for an add on a world track"),
    # fog: estimates, narrowing, partial slips and priority
    "estimate on a team track": ('funding_floor = 0.3\n', 'funding_floor = 0.3\nestimate = 1\n',
                                 "estimate is only for world tracks (a team knows its own) in track 'air'"),
    "estimate negative": ('name = "European cohesion"\n', 'name = "European cohesion"\nestimate = -1\n',
                          "estimate must be 0 or more (found -1) in track 'cohesion'"),
    "narrow without an estimate": ('raise_effects = [{ track = "cohesion", add = -0.1 }]',
                                   'raise_effects = [{ track = "cohesion", narrow = 0.5 }]',
                                   "narrow needs a track with an estimate (track 'cohesion' has none"),
    "narrow with add": ('name = "European cohesion"\n', 'name = "European cohesion"\nestimate = 1\n'
                        'threshold = [{ at = 1, label = "x", effects = [{ track = "cohesion", add = 1, narrow = 1 }] }]\n',
                        "a narrow effect changes what a team sees, not the track: remove add and set"),
    "slip share": ("slip_chance = 0.5\n", "slip_chance = 0.5\nslip_share = 1.5\n",
                   "slip_share must be between 0 and 1 (found 1.5) in item 'sam'"),
    "priority that lowers nothing": ("slip_chance = 0.5\n", "slip_chance = 0.5\nexpedite_cost = 0.1\nexpedite_chance = 0.6\n",
                                     "expedite_chance (0.6) must be below slip_chance (0.5)"),
}


@pytest.mark.parametrize("case", sorted(SCENARIO_CASES))
def test_broken_scenario(tmp_path, monkeypatch, case):
    old, new, expected = SCENARIO_CASES[case]
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "injects").mkdir()
    text = MINI.read_text()
    assert old in text
    path = tmp_path / "scenarios" / "mini.toml"
    path.write_text(text.replace(old, new, 1))
    pack = FIXTURES / "mini" / "injects" / "mini-pack.toml"
    (tmp_path / "injects" / "mini-pack.toml").write_text(pack.read_text())
    monkeypatch.chdir(tmp_path)
    lines, report = _run(path)
    hits = [line for line in lines if expected in line]
    assert hits, lines
    assert hits[0].startswith("scenarios/mini.toml:"), hits  # located in the file, with a line


def _cli(*args, cwd=None):
    return run_cli(*args, cwd=cwd)  # in this process: a traceback fails the test with it


def test_exit_codes_and_summary(tmp_path):
    ok = _cli("validate", str(MINI))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.strip().splitlines()[-1].startswith("ok: 2 file(s), 1 scenario(s), 4 inject(s), 0 error(s)")
    bad = tmp_path / "bad.toml"
    bad.write_text('[pack]\nid = "bad"\ntitle = "x"\n[[inject]]\nid = 3\n')
    res = _cli("validate", str(bad), "--scenario", str(MINI), cwd=tmp_path)
    assert res.returncode == 1
    assert "Traceback" not in res.stderr
    assert res.stdout.strip().splitlines()[-1].startswith("FAILED:")
    usage = _cli("validate", "--no-such-option")
    assert usage.returncode == 2


# -- hostile packs: bounded work, located errors, no traceback ---------------------

HOSTILE_INJECT = '[[inject]]\nid = "{id}"\ntitle = "t"\nwindow = [1, 2]\ncondition = \'{condition}\'\n\n'


def _hostile_pack(tmp_path, name, conditions, ids=None):
    (tmp_path / "injects").mkdir(exist_ok=True)
    path = tmp_path / "injects" / f"{name}.toml"
    body = "".join(HOSTILE_INJECT.format(id=(ids[n] if ids else f"h-{n}"), condition=c)
                   for n, c in enumerate(conditions))
    path.write_text(PACK_HEAD.format(stem=name) + body)
    return path


def test_conditions_past_the_limits_are_located_errors_not_tracebacks(tmp_path):
    conditions = [
        "(" * 130 + "turn >= 1" + ")" * 130,
        " or ".join(["turn == 1"] * 1000),
        " or ".join(["1"] * 700),
        "not " * 40 + "true",
        "turn >= 1 and " * 50_000,
    ]
    path = _hostile_pack(tmp_path, "hostile", conditions)
    res = _cli("validate", "-s", str(MINI), str(path), cwd=tmp_path)
    assert "Traceback" not in res.stderr, res.stderr[-2000:]
    assert res.returncode == 1
    out = res.stdout
    # Line 9 is the first condition (4 header lines, 6 per inject); col 14 is its first character.
    assert ("injects/hostile.toml:9:46: error: in condition: condition is nested too deeply: "
            "more than 32 levels of parentheses, 'not' and '-'; simplify it (inject 'h-0')") in out
    assert ("injects/hostile.toml:15:14: error: in condition: condition is 12,996 characters long; "
            "the limit is 4,000") in out
    assert "injects/hostile.toml:21:1014: error: in condition: condition has more than 200 values" in out
    assert "injects/hostile.toml:27:142: error: in condition: condition is nested too deeply" in out
    assert "injects/hostile.toml:33:14: error: in condition: condition is 700,000 characters long" in out
    assert "5 error(s)" in out.splitlines()[-1]


def test_thousands_of_unknown_ids_are_reported_with_bounded_hints(tmp_path, monkeypatch):
    # 400 injects named gen-N, each naming a missing inject one typo away (gen-Nx), so that
    # every one of them would get a hint: only the first MAX_SUGGESTIONS do, and every
    # problem is still located.
    from exercise.packs.problems import MAX_SUGGESTIONS

    n = 400
    ids = [f"gen-{k}" for k in range(n)]
    path = _hostile_pack(tmp_path, "unknown", [f'fired("gen-{k}x")' for k in range(n)], ids)
    monkeypatch.chdir(tmp_path)
    report = validate([path], str(MINI))
    errors = report.problems.errors
    assert len(errors) == n
    assert all(p.line is not None and p.col == 20 for p in errors)
    hinted = [p for p in errors if "did you mean" in p.message]
    assert len(hinted) == MAX_SUGGESTIONS
    assert "unknown inject 'gen-0x' (did you mean 'gen-0'?) (inject 'gen-0')" in hinted[0].message


def test_a_large_pool_still_gives_typo_hints(tmp_path, monkeypatch):
    ids = [f"alpha-{k}" for k in range(400)]  # above the size where hints use the index
    conditions = ["turn >= 1"] * 399 + ['fired("alpah-7") or fired("alpha-7-") or fired("zzz")']
    path = _hostile_pack(tmp_path, "pool", conditions, ids)
    monkeypatch.chdir(tmp_path)
    messages = [p.message for p in validate([path], str(MINI)).problems.errors]
    assert any("unknown inject 'alpah-7' (did you mean 'alpha-7'?)" in m for m in messages), messages
    assert any("unknown inject 'alpha-7-' (did you mean 'alpha-7'?)" in m for m in messages), messages
    assert any(m.startswith("in condition: unknown inject 'zzz' (inject") for m in messages), messages


def test_at_most_200_problems_per_file_are_printed_then_a_count(tmp_path):
    path = _hostile_pack(tmp_path, "many", [f'fired("nope-{k}")' for k in range(260)])
    res = _cli("validate", "-q", "-s", str(MINI), str(path), cwd=tmp_path)
    lines = res.stdout.splitlines()
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert len(lines) == 200 + 2, lines[-3:]
    assert all(line.startswith("injects/many.toml:") and ": error: " in line for line in lines[:200])
    assert lines[200] == ("injects/many.toml: note: 60 more errors in this file not shown "
                          "(the first 200 are above); fix those and run validate again")
    assert lines[201].startswith("FAILED: 1 file(s), 0 scenario(s), 260 inject(s), 260 error(s)")
