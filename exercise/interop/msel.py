"""MSEL spreadsheets: every inject as a row, every pack as a sheet, and back (docs/interop.md).

The core is pure: `pack_rows` turns a pack into rows (lists of cell values) under
`HEADERS`, `rows_to_pack` turns rows back into a pack's TOML text and the problems of
the cells it could not read. `write_xlsx`/`write_csv` and `read_xlsx`/`read_csv` are the
thin file layer: openpyxl and csv are imported there, by the commands that use them.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Iterable
from pathlib import Path

import attrs

from exercise import model
from exercise.interop import InteropError, compact, pack_toml, parse_toml_value, save_via_temp, slug, toml_value

# -- the columns ---------------------------------------------------------------------------


@attrs.frozen
class Column:
    header: str
    key: str | None  # the inject's TOML key, None for a column only written (derived)
    kind: str  # text, int, float, bool, list, lines, toml, window, derived
    doc: str


COLUMNS: tuple[Column, ...] = (
    # The columns Crucible Blueprint uses by default
    Column("Move", "turn", "int", "Turn it is scheduled for (1 = first turn); empty when it has a window, "
           "waits for other injects or is held in reserve."),
    Column("Group", "channel", "text", "How it arrives (the inject's channel), e.g. 'news', 'phone call'."),
    Column("Exercise Time", None, "derived", "The turn or turns it may fire in, in words (written, not read)."),
    Column("Simulated Time", None, "derived", "The scenario's calendar label of those turns, e.g. '2026 Q3' "
           "(written, not read)."),
    Column("Title", "title", "text", "Headline (required)."),
    Column("Description", "synopsis", "text", "One or two lines (the synopsis)."),
    Column("From", "from", "text", "Who it comes from (persona)."),
    Column("To", "to", "list", "Team ids, 'all', or 'facilitator', separated by commas."),
    Column("Details", "text", "text", "The full text players read."),
    Column("Expected Actions", "expected", "lines", "Expected player actions, one per line."),
    Column("Status", None, "derived", "scheduled, window, follows, reserve or conditional (written, not read)."),
    # This format's own
    Column("id", "id", "text", "Unique inject id (made from the title when the column is missing or empty)."),
    Column("pack", None, "pack", "Id of the pack the row belongs to."),
    Column("window", "window", "window", "First and last turn it may fire in, e.g. '2-4'."),
    Column("chance", "chance", "float", "Chance, 0-1, that it fires when scheduled or eligible (empty: 1)."),
    Column("condition", "condition", "text", "Expression that must hold for it to fire."),
    Column("odds", "odds", "toml", "Changes to its chance, as a TOML array of inline tables."),
    Column("requires", "requires", "list", "Ids of injects that must have fired first, separated by commas."),
    Column("after", "after", "int", "Turns to wait after the last required inject fired."),
    Column("reserve", "reserve", "bool", "TRUE: held off schedule, fired by the facilitator at will."),
    Column("options", "option", "toml", "Decision options, as a TOML array of inline tables."),
    Column("effects", "effects", "toml", "Effects when it fires, as a TOML array of inline tables."),
    Column("objectives", "objectives", "list", "Ids of the objectives it exercises, separated by commas."),
    Column("tags", "tags", "list", "Free tags, separated by commas."),
    Column("severity", "severity", "text", "low, medium, high or critical (empty: medium)."),
    Column("notes", "notes", "text", "Facilitator notes, never shown to teams."),
    Column("source", "source", "text", "The real incident or decision it is grounded in."),
    Column("attribution", "attribution", "text", "Who the incident is attributed to as teams are told."),
    Column("confidence", "confidence", "text", "low, moderate or high: how sure the attribution is."),
    Column("fixed", "fixed", "bool", "TRUE: meant to fire in every run."),
)
HEADERS: tuple[str, ...] = tuple(c.header for c in COLUMNS)
PACK_HEADERS = ("pack", "sheet", "title", "description", "author", "version", "objectives")
PACKS_SHEET = "_packs"

MAX_ROWS = 20_000  # a pack of 20,000 injects is far past any exercise; a bigger sheet is a mistake
MAX_COLUMNS = 200
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # an xlsx is a zip: what it may expand to
MAX_CELL = 32_767  # what an xlsx cell holds
_CSV_RISKY = ("=", "+", "-", "@", "\t", "\r", "'")


def letter(index: int) -> str:
    """Spreadsheet column letter of a 0-based index (0 -> A, 26 -> AA)."""
    out, n = "", index + 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


# -- model -> rows -------------------------------------------------------------------------


@attrs.frozen
class Sheet:
    """One pack as a sheet: its metadata and its rows (cell values under HEADERS)."""

    pack: str
    name: str
    info: dict
    objectives: list[dict]
    rows: list[list]


def scenario_sheets(sc: model.Scenario) -> list[Sheet]:
    """Every inject of a scenario: one sheet for its own injects (if any), one per pack."""
    sheets = []
    names: set[str] = set()
    if sc.injects:
        info = {"id": sc.id, "title": f"Injects written in the scenario {sc.title}"}
        sheets.append(_sheet(sc.id, info, [], sc.injects, sc.calendar, names))
    for p in sc.included:
        sheets.append(_sheet(p.pack.id, compact(p.pack), [compact(o) for o in p.objectives], p.injects,
                             sc.calendar, names))
    return sheets


def pack_sheet(pack: model.Pack, calendar: model.Calendar | None = None) -> Sheet:
    return _sheet(pack.pack.id, compact(pack.pack), [compact(o) for o in pack.objectives], pack.injects,
                  calendar, set())


def _sheet(pack_id, info, objectives, injects, calendar, names: set[str]) -> Sheet:
    name = _sheet_name(pack_id, names)
    return Sheet(pack_id, name, info, objectives, [inject_row(i, pack_id, calendar) for i in injects])


def _sheet_name(pack_id: str, taken: set[str]) -> str:
    base = "".join("_" if c in "[]:*?/\\" else c for c in pack_id)[:31] or "pack"
    name, n = base, 2
    while name.lower() in taken or name == PACKS_SHEET:
        suffix = f"~{n}"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def inject_row(inj: model.Inject, pack_id: str, calendar: model.Calendar | None = None) -> list:
    data = compact(inj)
    row = []
    for col in COLUMNS:
        if col.kind == "derived":
            row.append(_derived(col.header, inj, calendar))
        elif col.kind == "pack":
            row.append(pack_id)
        else:
            row.append(_cell(col, data.get(col.key or "")))
    return row


def _cell(col: Column, value):
    if value is None:
        return None
    if col.kind == "window":
        return f"{value[0]}-{value[1]}"
    if col.kind == "list":
        if all(isinstance(v, str) and v and "," not in v and v == v.strip() for v in value):
            return ", ".join(value)
        return toml_value(value)
    if col.kind == "lines":
        if all(isinstance(v, str) and v.strip() and "\n" not in v and "\r" not in v and v == v.strip()
               and not v.startswith("[") for v in value):
            return "\n".join(value)
        return toml_value(value)
    if col.kind == "toml":
        return "[\n" + "".join(f"  {toml_value(v)},\n" for v in value) + "]"
    return value


def _derived(header: str, inj: model.Inject, cal: model.Calendar | None):
    turns: tuple[int, int] | None = None
    if inj.turn is not None:
        turns = (inj.turn, inj.turn)
    elif inj.window is not None:
        turns = inj.window
    if header == "Status":
        if inj.reserve:
            return "reserve"
        if inj.requires:
            return "follows"
        if inj.window is not None:
            return "window"
        if inj.turn is not None:
            return "scheduled"
        return "conditional"
    if turns is None:
        return None
    if header == "Exercise Time":
        return f"Turn {turns[0]}" if turns[0] == turns[1] else f"Turns {turns[0]}-{turns[1]}"
    if cal is None:
        return None
    first, last = cal.label(turns[0]), cal.label(turns[1])
    return first if first == last else f"{first} - {last}"


# -- rows -> pack --------------------------------------------------------------------------


@attrs.frozen
class CellProblem:
    file: str
    sheet: str | None
    row: int | None
    column: str | None  # "D (chance)"
    message: str
    index: int | None = attrs.field(default=None, eq=False)  # the column's, 0-based: for sorting

    def __str__(self) -> str:
        where = [self.file] + ([self.sheet] if self.sheet is not None else [])
        if self.row is not None:
            where.append(str(self.row))
        if self.column is not None:
            where.append(self.column)
        return ":".join(where) + f": {self.message}"


@attrs.define
class Table:
    """Cells read from one sheet (or a csv file): header row first. Every value is None,
    str, int, float, bool, or a `Bad` the reader could not take."""

    name: str | None  # the sheet's name; None for a csv file
    rows: list[list]
    problems: list[CellProblem] = attrs.field(factory=list)


@attrs.frozen
class Bad:
    """A cell the reader refused (a formula, a date, a merged cell), with what to do."""

    message: str


@attrs.define
class Imported:
    text: str | None
    problems: list[CellProblem]
    injects: int = 0
    unmapped: int = 0
    # where each written inject came from: its row, and its keys' columns (0-based)
    rows: list[tuple[int, dict[str, int]]] = attrs.field(factory=list)
    headers: list[str] = attrs.field(factory=list)
    file: str = ""
    sheet: str | None = None
    packs_at: tuple[str, str | None, int] | None = None  # (file, sheet, row) of the pack's title row


# What to do about a value the validator refuses, by the column it came from
ADVICE = {
    "requires": "type ids of injects of this sheet or of the scenario's packs, separated by commas",
    "to": "type ids of the scenario's teams, 'all' or 'facilitator', separated by commas",
    "chance": "type a number from 0 to 1 (0.3 or 30%)",
    "turn": "type a turn of the scenario's calendar (1 = the first)",
    "window": "type first-last turns of the scenario's calendar, e.g. 2-4",
    "after": "type a whole number of turns, 0 or more",
    "objectives": "type ids of the pack's or the scenario's objectives, separated by commas",
    "condition": "write the condition as docs/authoring.md says",
    "options": "fix the options' TOML (ids, labels, effects)",
    "effects": "fix the effects' TOML (tracks and teams of the scenario)",
    "odds": "fix the odds' TOML",
    "id": "give each inject its own id",
}


def cell_problems(imported: Imported, problems: list, severity: str = "error") -> list[CellProblem]:
    """The validator's problems of the pack written from a sheet (interop.PackProblem),
    each moved back to the cell its value came from: file:sheet:row:column (name), with
    what to do. Sorted by sheet, row and column."""
    out = []
    title_col = next((i for i, h in enumerate(imported.headers) if h.lower() == "title"), None)
    for p in problems:
        if p.severity != severity:
            continue
        path: tuple = tuple(p.path or ())
        file, sheet, row, col, key = imported.file, imported.sheet, None, None, None
        if len(path) >= 2 and path[0] == "inject" and isinstance(path[1], int) and path[1] < len(imported.rows):
            row, where = imported.rows[path[1]]
            key = path[2] if len(path) > 2 and isinstance(path[2], str) else None
            col = where.get(key) if key else None
            if key == "id" and col is None:
                col = title_col  # an id made from the title
        elif path and path[0] in ("pack", "objective") and imported.packs_at is not None:
            file, sheet, row = imported.packs_at
            key = "objectives" if path[0] == "objective" else (path[1] if len(path) > 1 else None)
            col = PACK_HEADERS.index(key) if key in PACK_HEADERS else None
        message = p.message
        if path and path[0] in ("pack", "objective"):
            message += f"; fix it on {'the ' + PACKS_SHEET + ' sheet' if imported.sheet is not None else 'that row'}"
        elif key in ADVICE or key == "option":
            message += "; " + ADVICE["options" if key == "option" else key]
        elif p.path:
            message += "; fix the cell and import again"
        if col is None:
            column = None
        elif path and path[0] in ("pack", "objective"):
            column = f"{letter(col)} ({PACK_HEADERS[col]})"
        else:
            column = f"{letter(col)} ({imported.headers[col] or 'no name'})"
        out.append(CellProblem(file, sheet, row, column, message, col))
    return sort_problems(out)


def sort_problems(problems: list[CellProblem]) -> list[CellProblem]:
    """By file, sheet, row and column (a problem of a whole sheet or row first)."""
    return sorted(problems, key=lambda p: (p.file, p.sheet or "", p.row or 0, -1 if p.index is None else p.index))


def rows_to_pack(file: str, table: Table, pack_id: str, info: dict | None = None,
                 objectives: list[dict] | None = None, pack_filter: str | None = None) -> Imported:
    """The TOML text of a pack from a sheet's rows, or the problems of every cell that
    could not be read (file:sheet:row:column, with what to do)."""
    from exercise.convert import structure

    problems = list(table.problems)
    sheet = table.name

    def bad(row: int | None, col: int | None, message: str) -> None:
        column = None if col is None else f"{letter(col)} ({headers[col] or 'no name'})"
        problems.append(CellProblem(file, sheet, row, column, message, col))

    if not table.rows:
        problems.append(CellProblem(file, sheet, None, None, "is empty; the first row must hold the column names "
                                    "(Title, Description, ... see docs/interop.md)"))
        return Imported(None, problems)
    headers = [(h if isinstance(h, str) else "" if h is None else str(h)).strip() for h in table.rows[0]]
    by_name = {c.header.lower(): c for c in COLUMNS}
    index: dict[str, int] = {}
    extra: dict[int, str] = {}
    for i, h in enumerate(headers):
        if isinstance(table.rows[0][i], Bad):
            bad(1, i, table.rows[0][i].message)
            continue
        if not h:
            continue
        col = by_name.get(h.lower())
        if col is None:
            extra[i] = h
        elif col.header in index:
            bad(1, i, f"a second {col.header!r} column (the first is {letter(index[col.header])}); "
                      "delete or rename one")
        else:
            index[col.header] = i
    if "Title" not in index:
        problems.append(CellProblem(file, sheet, 1, None, "no 'Title' column: the first row must hold the column "
                                    "names (Title, Description, ... see docs/interop.md)"))
        return Imported(None, problems)

    injects, comments, taken = [], {}, set()
    unmapped = 0
    rows_read: list[tuple[int, dict, dict]] = []
    for r, cells in enumerate(table.rows[1:], start=2):
        cells = list(cells) + [None] * (len(headers) - len(cells))
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        if pack_filter is not None and "pack" in index:
            owner = cells[index["pack"]]
            if owner not in (None, "") and str(owner).strip() != pack_filter:
                continue
        doc: dict = {}
        where: dict[str, int] = {}
        for col in COLUMNS:
            if col.key is None or col.header not in index:
                continue
            i = index[col.header]
            value = cells[i]
            if isinstance(value, Bad):
                bad(r, i, value.message)
                continue
            try:
                parsed = _parse(col, value, csv=sheet is None)
            except ValueError as e:
                bad(r, i, str(e))
                continue
            if parsed is not None:
                doc[col.key] = parsed
                where[col.key] = i
        notes = {}
        for i, h in extra.items():
            v = cells[i] if i < len(cells) else None
            if v is not None and not (isinstance(v, str) and not v.strip()):
                notes[h] = v.message if isinstance(v, Bad) else v
        rows_read.append((r, doc, where))
        if notes:
            comments[len(rows_read) - 1] = [f"MSEL column {h!r} (not mapped): {v}" for h, v in notes.items()]
            unmapped += len(notes)
    # ids: the column's, or made from the title
    for r, doc, where in rows_read:
        if "id" in doc:
            if doc["id"] in taken:
                bad(r, where["id"], f"id {doc['id']!r} is used by an earlier row; give each inject its own id")
            taken.add(doc["id"])
    for n, (r, doc, where) in enumerate(rows_read):
        if "id" not in doc and isinstance(doc.get("title"), str):
            doc["id"] = slug(doc["title"], taken, "inject")
            comments.setdefault(n, []).append("id made from the title (the MSEL row had none)")
        if "title" not in doc:
            bad(r, index["Title"], "no title; every inject needs one")
            continue
        # what the model cannot take, per cell: types, values out of a fixed list
        _obj, errs = structure(doc, model.Inject)
        for path, message, hint in errs:
            key = path[0] if path and isinstance(path[0], str) else None
            col_i = where.get(key) if key else None
            bad(r, col_i, message + hint)
        injects.append((n, doc))
    if problems:
        return Imported(None, sort_problems(problems))
    # order the keys as a trainer writes them: the model's order
    order = [model.toml_key(f) for f in attrs.fields(model.Inject)]
    ordered = [{k: doc[k] for k in order if k in doc} for _, doc in injects]
    ordered = [_tables_last(d) for d in ordered]
    info = dict(info or {})
    header = [f"Imported from the MSEL {file}" + (f", sheet {sheet!r}" if sheet else "") + " by `exercise msel import`."]
    if not info.get("title"):
        info["title"] = pack_id.replace("-", " ").capitalize()
        header.append("The MSEL does not say the pack's title: it was made from the file name; edit it.")
    info = {"id": pack_id, **{k: v for k, v in info.items() if k != "id"}}
    text = pack_toml(info, ordered, objectives, header,
                     {i: comments[n] for i, (n, _) in enumerate(injects) if n in comments})
    origins = [(rows_read[n][0], rows_read[n][2]) for n, _ in injects]
    return Imported(text, [], len(ordered), unmapped, origins, headers, file, sheet)


def _tables_last(d: dict) -> dict:
    """tomli-w writes sub-tables after plain keys anyway; keep the dict in that order."""
    return {**{k: v for k, v in d.items() if k != "option"}, **({"option": d["option"]} if "option" in d else {})}


def _parse(col: Column, value, csv: bool):
    """A cell's value as the TOML key takes it; None for an empty cell; ValueError says why."""
    if value is None:
        return None
    if isinstance(value, str):
        if csv and value.startswith("'") and len(value) > 1 and value[1] in _CSV_RISKY:
            value = value[1:]  # the escape `write_csv` adds so spreadsheets do not run it
        if not value.strip() and col.kind not in ("text",):
            return None
        if value == "":
            return None
    kind = col.kind
    if kind == "text":
        if isinstance(value, bool):
            raise ValueError(f"{'TRUE' if value else 'FALSE'} where text is expected; type the text")
        if isinstance(value, (int, float)):
            return _number_text(value)
        return value
    if kind == "int":
        n = _number(value, "a whole number")
        if n != int(n):
            raise ValueError(f"{value!r} is not a whole number; type e.g. 3")
        return int(n)
    if kind == "float":
        text = value.strip() if isinstance(value, str) else None
        if text and text.endswith("%"):
            n = _number(text[:-1], "a number") / 100
        else:
            n = _number(value, "a number")
        return float(n)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "yes", "y", "x", "1"):
            return True
        if text in ("false", "no", "n", "0", ""):
            return False
        raise ValueError(f"{value!r} is not TRUE or FALSE; type TRUE or FALSE")
    if kind == "window":
        text = _number_text(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)
        parts = [p.strip() for p in text.replace("–", "-").split("-")]
        if len(parts) != 2 or not all(p.isdigit() for p in parts):
            raise ValueError(f"{value!r} is not a window of turns; type first-last, e.g. 2-4")
        return [int(parts[0]), int(parts[1])]
    if kind in ("list", "lines"):
        if not isinstance(value, str):
            value = _number_text(value) if not isinstance(value, bool) else str(value)
        text = value.strip()
        if text.startswith("["):
            parsed = parse_toml_value(text) if text else []
            if not isinstance(parsed, list) or not all(isinstance(v, str) for v in parsed):
                raise ValueError("expected a list of strings, e.g. [\"a\", \"b\"]")
            return parsed
        sep = "," if kind == "list" else "\n"
        return [p.strip() for p in text.replace("\r\n", "\n").split(sep) if p.strip()]
    if kind == "toml":
        if not isinstance(value, str):
            raise ValueError("expected a TOML array of inline tables, e.g. [{ track = \"trust\", add = -1 }]")
        try:
            parsed = parse_toml_value(value)
        except ValueError as e:
            raise ValueError(f"not a TOML array: {e}; write e.g. [{{ track = \"trust\", add = -1 }}]") from None
        if not isinstance(parsed, list):
            raise ValueError("expected a TOML array [ ... ] of inline tables")
        return parsed
    raise AssertionError(kind)  # pragma: no cover


def _number(value, what: str) -> float:
    if isinstance(value, bool):
        raise ValueError(f"{'TRUE' if value else 'FALSE'} is not {what}; type {what}")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"{value!r} is not {what}")
        return value
    try:
        n = float(str(value).strip().replace(",", "."))
    except ValueError:
        raise ValueError(f"{value!r} is not {what}; type {what}") from None
    if not math.isfinite(n):
        raise ValueError(f"{value!r} is not {what}")
    return n


def _number_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# -- files: write ----------------------------------------------------------------------------


def _pack_row(s: Sheet) -> list:
    info = s.info
    objectives = "[\n" + "".join(f"  {toml_value(o)},\n" for o in s.objectives) + "]" if s.objectives else None
    return [s.pack, s.name, info.get("title"), info.get("description"), info.get("author"), info.get("version"),
            objectives]


def write_xlsx(path: Path, sheets: list[Sheet]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils.exceptions import IllegalCharacterError

    wb = Workbook()
    first = wb.active
    wb.remove(first)
    for s in sheets:
        ws = wb.create_sheet(s.name)
        ws.append(list(HEADERS))
        for i, row in enumerate(s.rows, start=2):
            for j, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, str) and len(value) > MAX_CELL:
                    raise InteropError(f"pack {s.pack!r}, row {i}, column {HEADERS[j]!r}: {len(value):,} characters, "
                                       f"more than an xlsx cell holds ({MAX_CELL:,}); export to .csv instead")
                try:
                    cell = ws.cell(row=i, column=j + 1, value=value)
                except IllegalCharacterError:
                    raise InteropError(f"pack {s.pack!r}, row {i}, column {HEADERS[j]!r}: a control character an "
                                       "xlsx cell cannot hold; export to .csv instead") from None
                if isinstance(value, str):
                    cell.data_type = "s"  # text that starts with '=' stays text, never a formula
                    if "\n" in value:
                        cell.alignment = Alignment(wrap_text=True, vertical="top")
        for j, c in enumerate(COLUMNS):
            ws.column_dimensions[letter(j)].width = 60 if c.header in ("Details", "options", "effects") else 18
            ws.cell(row=1, column=j + 1).font = Font(bold=True)
        ws.freeze_panes = "A2"
    meta = wb.create_sheet(PACKS_SHEET)
    meta.append(list(PACK_HEADERS))
    for s in sheets:
        meta.append([v for v in _pack_row(s)])
        for cell in meta[meta.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    try:
        save_via_temp(path, wb.save)
    except IllegalCharacterError:  # pragma: no cover - caught per cell above
        raise InteropError("a control character an xlsx cell cannot hold; export to .csv instead") from None


def _csv_cell(value):
    if isinstance(value, str) and value.startswith(_CSV_RISKY):
        return "'" + value  # a spreadsheet would run '=...' as a formula; import takes the quote off
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return value


def csv_packs_path(path: Path) -> Path:
    """Where the pack titles of a csv MSEL are: msel.csv -> msel.packs.csv."""
    return Path(path).with_suffix(".packs.csv")


def write_csv(path: Path, sheets: list[Sheet]) -> list[Path]:
    import csv
    import io

    out = io.StringIO(newline="")
    w = csv.writer(out)
    w.writerow(HEADERS)
    for s in sheets:
        for row in s.rows:
            w.writerow(["" if v is None else _csv_cell(v) for v in row])
    meta = io.StringIO(newline="")
    mw = csv.writer(meta)
    mw.writerow(PACK_HEADERS)
    for s in sheets:
        mw.writerow(["" if v is None else _csv_cell(v) for v in _pack_row(s)])
    written = []
    for target, text in ((Path(path), out.getvalue()), (csv_packs_path(path), meta.getvalue())):
        save_via_temp(target, lambda tmp, text=text: Path(tmp).write_text(text, encoding="utf-8", newline=""))
        written.append(target)
    return written


# -- files: read -----------------------------------------------------------------------------


def _check_size(path: Path) -> None:
    from exercise.fsutil import not_regular

    problem = not_regular(path, follow=True)
    if problem:
        raise InteropError(f"{path}: {problem}")
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InteropError(f"{path}: file not found; check the path") from None
    except OSError as e:
        raise InteropError(f"{path}: cannot read it ({e.strerror or e})") from None
    if size > MAX_FILE_BYTES:
        raise InteropError(f"{path}: {size:,} bytes, more than an MSEL may be ({MAX_FILE_BYTES:,}); "
                           "split it into several files")


def read_csv(path: Path) -> Table:
    import csv
    import io

    path = Path(path)
    _check_size(path)
    from exercise.fsutil import read_regular

    try:
        data = read_regular(path)
    except OSError as e:
        raise InteropError(f"{path}: cannot read it ({e.strerror or e})") from None
    if b"\x00" in data[:8192]:
        raise InteropError(f"{path}: a binary file, not a csv (an .xlsx? name it .xlsx)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise InteropError(f"{path}:{line}: byte 0x{data[e.start]:02x} is not UTF-8; save the file as "
                           "'CSV UTF-8' (Excel) or UTF-8 (LibreOffice)") from None
    table = Table(None, [])
    csv.field_size_limit(MAX_CELL * 4)
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        for n, row in enumerate(reader, start=1):
            if n > MAX_ROWS + 1:
                raise InteropError(f"{path}: more than {MAX_ROWS:,} rows; split it into several files")
            if len(row) > MAX_COLUMNS:
                raise InteropError(f"{path}:{n}: {len(row)} columns, more than {MAX_COLUMNS}; "
                                   "is it an MSEL?")
            table.rows.append([c if c != "" else None for c in row])
    except csv.Error as e:
        raise InteropError(f"{path}:{reader.line_num}: not readable as csv ({e})") from None
    return table


def read_csv_packs(path: Path) -> dict[str, tuple[dict, list[dict], int]]:
    """The pack titles next to a csv MSEL (msel.packs.csv), if there is such a file."""
    meta = csv_packs_path(path)
    if not meta.exists():
        return {}
    return _packs_table(str(meta), read_csv(meta))


def _packs_table(file: str, table: Table) -> dict[str, tuple[dict, list[dict], int]]:
    if not table.rows:
        return {}
    heads = [str(h).strip().lower() if h is not None else "" for h in table.rows[0]]
    out = {}
    for n, row in enumerate(table.rows[1:], start=2):
        cells = dict(zip(heads, row))
        pid = cells.get("pack")
        if not isinstance(pid, str) or not pid.strip():
            continue
        info = {}
        for k in ("title", "description", "author", "version"):
            v = cells.get(k)
            if isinstance(v, Bad) or v is None:
                continue
            v = _number_text(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else str(v)
            if v.startswith("'") and len(v) > 1 and v[1] in _CSV_RISKY:
                v = v[1:]
            info[k] = v
        objectives: list[dict] = []
        raw = cells.get("objectives")
        if isinstance(raw, str) and raw.strip():
            try:
                parsed = parse_toml_value(raw)
            except ValueError as e:
                raise InteropError(f"{file}:{n}: objectives of pack {pid!r} are not a TOML array ({e})") from None
            if isinstance(parsed, list):
                objectives = [o for o in parsed if isinstance(o, dict)]
        out[pid.strip()] = (info, objectives, n)
    return out


def read_xlsx(path: Path) -> tuple[list[Table], dict[str, tuple[dict, list[dict], int]]]:
    """Every sheet's cells (formulas, dates and merged cells marked Bad), and the pack
    titles of the `_packs` sheet."""
    import zipfile

    path = Path(path)
    _check_size(path)
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            if len(infos) > 10_000 or sum(i.file_size for i in infos) > MAX_UNZIPPED_BYTES:
                raise InteropError(f"{path}: expands to more than {MAX_UNZIPPED_BYTES:,} bytes; not an MSEL "
                                   "(a zip bomb?)")
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise InteropError(f"{path}: not an xlsx workbook (a .xls or a csv? save it as .xlsx, or as CSV UTF-8 "
                           "named .csv)") from None
    import warnings

    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it drops
            wb = load_workbook(path, data_only=False, read_only=False)
    except InteropError:
        raise
    except Exception as e:  # openpyxl raises many kinds on a broken workbook
        raise InteropError(f"{path}: not a readable xlsx workbook ({type(e).__name__}: {e}); "
                           "open it in a spreadsheet and save it again as .xlsx") from None
    tables: list[Table] = []
    packs: dict = {}
    try:
        for ws in wb.worksheets:
            table = _xlsx_table(str(path), ws)
            if ws.title == PACKS_SHEET:
                packs = _packs_table(f"{path}:{PACKS_SHEET}", table)
            else:
                tables.append(table)
    finally:
        wb.close()
    return tables, packs


def _xlsx_table(file: str, ws) -> Table:
    table = Table(ws.title, [])
    if ws.max_row > MAX_ROWS + 1:
        raise InteropError(f"{file}:{ws.title}: {ws.max_row:,} rows, more than {MAX_ROWS:,}; "
                           "split it into several files")
    if ws.max_column > MAX_COLUMNS:
        raise InteropError(f"{file}:{ws.title}: {ws.max_column} columns, more than {MAX_COLUMNS}; is it an MSEL?")
    merged: dict[tuple[int, int], str] = {}
    for rng in ws.merged_cells.ranges:
        if (rng.max_row - rng.min_row + 1) * (rng.max_col - rng.min_col + 1) > MAX_ROWS * 4:
            raise InteropError(f"{file}:{ws.title}: merged range {rng.coord} is too large; unmerge it")
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                merged[(r, c)] = rng.coord
    for r, row in enumerate(ws.iter_rows(), start=1):
        values = []
        for c, cell in enumerate(row, start=1):
            if (r, c) in merged:
                values.append(Bad(f"part of the merged cells {merged[(r, c)]}; unmerge them and type the value "
                                  "in each row") if _filled(ws, merged[(r, c)]) else None)
                continue
            values.append(_xlsx_value(cell))
        table.rows.append(values)
    return table


def _filled(ws, coord: str) -> bool:
    first = ws[coord.split(":")[0]]
    return first.value is not None


def _xlsx_value(cell):
    value = cell.value
    if value is None:
        return None
    if cell.data_type == "f" or type(value).__name__ in ("ArrayFormula", "DataTableFormula"):
        return Bad(f"a formula ({str(getattr(value, 'text', value))[:40]}); type the value itself")
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time, _dt.timedelta)):
        return Bad(f"a date or time ({value}); type a number or text (format the cell as Text)")
    if isinstance(value, (str, int, float, bool)):
        return value
    return Bad(f"a value of a kind an MSEL does not take ({type(value).__name__}); type text or a number")


# -- choosing what to import ----------------------------------------------------------------


def choose(tables: list[Table], pack: str | None, name: str, file: str) -> tuple[Table, str | None]:
    """The sheet to import (and, for a csv, the pack column value to keep): the one asked
    for, else the one named like the output file, else the only one."""
    if len(tables) == 1 and tables[0].name is None:  # csv: packs are a column
        t = tables[0]
        ids = _csv_pack_ids(t)
        if pack is not None:
            if pack not in ids:
                raise InteropError(f"{file}: no rows of pack {pack!r} (packs: {', '.join(ids) or 'none'})")
            return t, pack
        if len(ids) <= 1:
            return t, None
        if name in ids:
            return t, name
        raise InteropError(f"{file}: rows of {len(ids)} packs ({', '.join(ids)}); pick one with --pack")
    names = [t.name for t in tables]
    wanted = pack if pack is not None else (name if name in names else None)
    if wanted is not None:
        for t in tables:
            if t.name == wanted:
                return t, None
        raise InteropError(f"{file}: no sheet {wanted!r} (sheets: {', '.join(map(str, names))})")
    if len(tables) == 1:
        return tables[0], None
    raise InteropError(f"{file}: {len(tables)} sheets ({', '.join(map(str, names))}); pick one with --pack")


def _csv_pack_ids(t: Table) -> list[str]:
    if not t.rows:
        return []
    heads = [str(h).strip().lower() if h is not None else "" for h in t.rows[0]]
    if "pack" not in heads:
        return []
    i = heads.index("pack")
    seen: dict[str, None] = {}
    for row in t.rows[1:]:
        v = row[i] if i < len(row) else None
        if isinstance(v, str) and v.strip():
            seen[v.strip()] = None
    return list(seen)


def import_file(path: Path, name: str, pack: str | None = None) -> tuple[Imported, str | None]:
    """Read an MSEL (by its suffix) and build pack `name` from one of its sheets."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        tables = [read_csv(path)]
        packs = read_csv_packs(path)
    elif suffix in (".xlsx", ".xlsm"):
        tables, packs = read_xlsx(path)
    else:
        raise InteropError(f"{path}: name an .xlsx or a .csv file")
    if not tables:
        raise InteropError(f"{path}: no sheets to import")
    table, keep = choose(tables, pack, name, str(path))
    source = keep or (pack if pack is not None else table.name)
    info, objectives, row = packs.get(source or "", ({}, [], 0))
    if source is None and len(packs) == 1:
        info, objectives, row = next(iter(packs.values()))
    imported = rows_to_pack(str(path), table, name, info, objectives, keep)
    if row:
        imported.packs_at = ((str(path), PACKS_SHEET, row) if suffix != ".csv" else
                             (str(csv_packs_path(path)), None, row))
    return imported, table.name


def sheets_for(sc: model.Scenario, only: Iterable[str] | None = None) -> list[Sheet]:
    sheets = scenario_sheets(sc)
    if only:
        wanted = set(only)
        unknown = wanted - {s.pack for s in sheets}
        if unknown:
            raise InteropError(f"no pack {', '.join(sorted(unknown))} in scenario {sc.id!r} "
                               f"(packs: {', '.join(s.pack for s in sheets)})")
        sheets = [s for s in sheets if s.pack in wanted]
    return sheets
