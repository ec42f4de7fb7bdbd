"""MSEL spreadsheets: export then import gives the same pack, every bundled pack; every
cell that cannot be read is named file:sheet:row:column; never a traceback."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner

from exercise import model
from exercise.cli import main
from exercise.interop import check_pack_text, msel
from exercise.packs import loader
from exercise.packs.problems import Problems
from tests.textual_free import assert_runs_without

ROOT = Path(__file__).resolve().parent.parent
PACKS = sorted((ROOT / "injects").glob("*.toml")) + [ROOT / "tests/fixtures/mini/injects/mini-pack.toml"]


def _load(path: Path) -> model.Pack:
    pack, _, _ = loader.load_pack(path, Problems())
    assert pack is not None
    return pack


def _reload(text: str, name: str, tmp_path: Path) -> model.Pack:
    p = tmp_path / f"{name}.toml"
    p.write_text(text, encoding="utf-8")
    problems = Problems()
    pack, _, _ = loader.load_pack(p, problems)
    assert not problems.errors, [str(x) for x in problems.items]
    assert pack is not None
    return pack


def test_every_inject_field_has_a_column():
    keys = {c.key for c in msel.COLUMNS if c.key}
    assert keys == {model.toml_key(f) for f in attrs.fields(model.Inject)}


@pytest.mark.parametrize("path", PACKS, ids=lambda p: p.stem)
def test_rows_round_trip_every_bundled_pack(path, tmp_path):
    pack = _load(path)
    sheet = msel.pack_sheet(pack)
    assert len(sheet.rows) == len(pack.injects)
    table = msel.Table(sheet.name, [list(msel.HEADERS)] + sheet.rows)
    imported = msel.rows_to_pack("m.xlsx", table, pack.pack.id, sheet.info, sheet.objectives)
    assert imported.problems == [] and imported.text is not None
    assert _reload(imported.text, pack.pack.id, tmp_path) == pack
    # checked against the scenario that includes it (packs are included by file name)
    hosts = [sc for sc in (ROOT / "scenarios").glob("*.toml") if f'"{path.stem}"' in sc.read_text("utf-8")]
    scenario = str(hosts[0] if hosts else ROOT / "tests/fixtures/mini/scenarios/mini.toml")
    errors, _ = check_pack_text(imported.text, pack.pack.id, scenario, "x.toml")
    assert errors == []


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_files_round_trip_through_the_commands(suffix, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    r = runner.invoke(main, ["msel", "export", "deadline-2027", "-o", f"m{suffix}"])
    assert r.exit_code == 0, r.output
    assert "46 inject(s) as rows, 5 pack(s)" in r.output
    (tmp_path / "injects").mkdir()
    for path in [p for p in PACKS if p.parent == ROOT / "injects" and "hospital" not in p.stem]:  # deadline-2027's
        r = runner.invoke(main, ["msel", "import", f"m{suffix}", "-o", f"injects/{path.stem}.toml"])
        assert r.exit_code == 0, r.output
        assert _load(tmp_path / "injects" / f"{path.stem}.toml") == _load(path)


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    pack = _load(PACKS[-1])
    tricky = attrs.evolve(pack.injects[0], title="=HYPERLINK(\"http://x\")", notes="'quoted", synopsis="-1 or +1",
                          text="line\nwith \"quotes\" and a tab\there\n", tags=("a, b", " c"),
                          expected=("one", "two\nlines"))
    pack = attrs.evolve(pack, injects=(tricky,) + pack.injects[1:])
    sheet = msel.pack_sheet(pack)
    for suffix, write in ((".xlsx", msel.write_xlsx), (".csv", msel.write_csv)):
        out = tmp_path / f"t{suffix}"
        write(out, [sheet])
        if suffix == ".csv":
            assert "'=HYPERLINK" in out.read_text("utf-8")  # a spreadsheet shows it, never runs it
        imported, _ = msel.import_file(out, pack.pack.id)
        assert imported.problems == []
        assert _reload(imported.text, pack.pack.id, tmp_path) == pack


def _xlsx(tmp_path, rows, name="m.xlsx", edit=None):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "mini-pack"
    for row in rows:
        ws.append(row)
    if edit:
        edit(ws)
    path = tmp_path / name
    wb.save(path)
    return path


def _import(tmp_path, source, *extra):
    out = tmp_path / "injects" / "mini-pack.toml"
    out.parent.mkdir(exist_ok=True)
    r = CliRunner().invoke(main, ["msel", "import", str(source), "-o", str(out),
                                  "-s", str(ROOT / "tests/fixtures/mini/scenarios/mini.toml"), *extra])
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    return r, out


def test_hostile_cells_are_each_named(tmp_path):
    import datetime

    rows = [["id", "Title", "Move", "chance", "reserve", "effects", "Simulated Time"],
            ["a", "Ok", 1, 0.5, "no", None, "ignored"],
            ["b", "Formula", "=1+1", None, None, None, None],
            ["c", "Date", datetime.datetime(2026, 1, 1), None, None, None, None],
            ["d", "Wrong", "two", "abc", "maybe", "[{ track = ", None],
            ["a", "Dup id", 2, None, None, None, None],
            ["m", "merged", 1, None, None, None, None],
            [None, None, 2, None, None, None, None]]
    path = _xlsx(tmp_path, rows, edit=lambda ws: ws.merge_cells("B7:B8"))
    r, out = _import(tmp_path, path)
    assert r.exit_code == 1
    err = r.output
    assert f"{path}:mini-pack:3:C (Move): a formula (=1+1); type the value itself" in err
    assert f"{path}:mini-pack:4:C (Move): a date or time" in err
    assert f"{path}:mini-pack:5:C (Move): 'two' is not a whole number" in err
    assert f"{path}:mini-pack:5:D (chance): 'abc' is not a number" in err
    assert f"{path}:mini-pack:5:E (reserve): 'maybe' is not TRUE or FALSE" in err
    assert f"{path}:mini-pack:5:F (effects): not a TOML array" in err
    assert f"{path}:mini-pack:6:A (id): id 'a' is used by an earlier row" in err
    assert f"{path}:mini-pack:8:B (Title): part of the merged cells B7:B8" in err
    assert "Traceback" not in err and not out.exists()
    # listed by sheet, row and column: the used-twice id of row 6 before the merged cell of row 8
    lines = [line for line in err.splitlines() if line.startswith(f"{path}:")]
    where = [tuple(int(x) if x.isdigit() else x for x in line[len(str(path)) + 1:].split(":")[1:3]) for line in lines]
    assert where == sorted(where, key=lambda w: (w[0], w[1].split()[0])), lines
    assert (6, "A (id)") in where and (8, "B (Title)") in where


def test_validation_errors_point_at_the_cells(tmp_path):
    """Values the validator refuses are named by the cell they came from (the pack file they
    would have gone to was never written), with what to do."""
    rows = [["id", "Title", "Move", "To", "requires", "chance"],
            ["a", "Fine", 1, "east", None, None],
            ["b", "Waits", None, None, "no-such-inject", None],
            ["c", "Lost", 2, "east, nobody", None, None],
            ["d", "Sure", 1, None, None, 1.5]]
    path = _xlsx(tmp_path, rows)
    r, out = _import(tmp_path, path)
    assert r.exit_code == 1, r.output
    lines = [line for line in r.output.splitlines() if line.startswith(str(path))]
    assert lines[0].startswith(f"{path}:mini-pack:3:E (requires): unknown inject 'no-such-inject'")
    assert lines[0].endswith("; type ids of injects of this sheet or of the scenario's packs, separated by commas")
    assert lines[1].startswith(f"{path}:mini-pack:4:D (To): unknown team 'nobody'")
    assert "'all' or 'facilitator'" in lines[1]
    assert lines[2].startswith(f"{path}:mini-pack:5:F (chance): chance must be between 0 and 1 (found 1.5)")
    assert lines[2].endswith("type a number from 0 to 1 (0.3 or 30%)")
    assert len(lines) == 3 and "nothing was written" in r.output
    assert "mini-pack.toml:" not in r.output and not out.exists()
    # a csv has no sheet: file:row:column
    src = tmp_path / "m.csv"
    src.write_text("id,Title,Move,chance\na,Fine,1,\nd,Sure,1,150%\n", encoding="utf-8")
    r, out = _import(tmp_path, src)
    assert f"{src}:3:D (chance): chance must be between 0 and 1 (found 1.5)" in r.output, r.output


def test_the_hint_names_the_scenarios_that_include_the_pack(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["msel", "export", "deadline-2027", "-o", "m.xlsx"]).exit_code == 0
    (tmp_path / "injects").mkdir()
    r = runner.invoke(main, ["msel", "import", "m.xlsx", "-o", "injects/peace-talks.toml"])
    assert r.exit_code == 0, r.output
    assert "add \"peace-talks\" to a scenario's packs" not in r.output
    # the bundled scenario includes it, but loads the bundled pack
    assert "deadline-2027.toml includes \"peace-talks\" but loads" in r.output
    assert "exercise new scenario NAME --like deadline-2027 --dir scenarios" in r.output
    r = runner.invoke(main, ["new", "scenario", "mine", "--like", "deadline-2027"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["msel", "import", "m.xlsx", "-o", "injects/peace-talks.toml", "--force"])
    assert "scenarios/mine.toml includes \"peace-talks\" and loads this file; next: exercise validate " \
           "scenarios/mine.toml" in r.output, r.output


def test_a_blueprint_msel_without_ids_or_our_columns(tmp_path):
    rows = [["Move", "Group", "Title", "Description", "To", "Details", "Expected Actions", "Assigned To"],
            [1, "news", "Drones seen", "Over the border", "east", "Long text", "Share it\nBrief the press", "Ann"],
            [2, "phone", "Drones seen", None, "all", None, None, None]]
    r, out = _import(tmp_path, _xlsx(tmp_path, rows))
    assert r.exit_code == 0, r.output
    text = out.read_text("utf-8")
    assert "# MSEL column 'Assigned To' (not mapped): Ann" in text
    assert "# id made from the title" in text
    pack = _load(out)
    assert [i.id for i in pack.injects] == ["drones-seen", "drones-seen-2"]
    assert pack.injects[0].expected == ("Share it", "Brief the press")
    assert pack.injects[0].channel == "news" and pack.injects[0].to == ("east",)


@pytest.mark.parametrize("case", ["no-title", "not-utf8", "not-xlsx", "too-many-rows", "empty", "validate"])
def test_hostile_files_say_what_to_do(case, tmp_path, monkeypatch):
    if case == "no-title":
        source = _xlsx(tmp_path, [["id", "Move"], ["a", 1]])
        expected = "no 'Title' column"
    elif case == "not-utf8":
        source = tmp_path / "m.csv"
        source.write_bytes("Title,Details\nCaf\xe9,x\n".encode("latin-1"))
        expected = "m.csv:2: byte 0xe9 is not UTF-8; save the file as 'CSV UTF-8'"
    elif case == "not-xlsx":
        source = tmp_path / "m.xlsx"
        source.write_text("Title\nx\n")
        expected = "not an xlsx workbook"
    elif case == "too-many-rows":
        monkeypatch.setattr(msel, "MAX_ROWS", 3)
        source = tmp_path / "m.csv"
        source.write_text("Title\n" + "x\n" * 10)
        expected = "more than 3 rows"
    elif case == "empty":
        source = tmp_path / "m.csv"
        source.write_text("")
        expected = "is empty"
    else:  # reads, but the pack does not validate: unknown team
        source = tmp_path / "m.csv"
        source.write_text("id,Title,To,Move\na,A,nobody,1\n")
        expected = "nobody"
    r, out = _import(tmp_path, source)
    assert r.exit_code == 1
    assert expected in r.output
    assert "Traceback" not in r.output and not out.exists()


def test_csv_export_and_import_stay_away_from_openpyxl_and_validate_from_both(tmp_path):
    out = tmp_path / "m.csv"
    assert_runs_without(
        "from exercise.cli import main\n"
        f"try:\n    main(['msel', 'export', 'deadline-2027', '-o', {str(out)!r}])\nexcept SystemExit as e:\n"
        "    assert e.code in (0, None), e.code\n",
        ("openpyxl", "textual"))
    assert_runs_without(
        "from exercise.cli import main\n"
        "try:\n    main(['validate', 'injects/peace-talks.toml'])\nexcept SystemExit:\n    pass\n",
        ("openpyxl", "csv", "exercise.interop", "textual"))
