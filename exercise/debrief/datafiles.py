"""`exercise data`: the analyst tables (exercise.debrief.data) written as files.

    jsonl  one file; one JSON object per line, its first key "table" naming the table,
           then the row's columns by name (numbers as exact decimals)
    csv    a new folder; one <table>.csv per table (UTF-8, a header row, RFC 4180 quoting)
    xlsx   one workbook; one sheet per table, a header row, frozen below it

Every file is written under a temporary name and renamed when complete (the csv folder
too), so a failed or interrupted export leaves nothing half-written under the real name,
and nothing is ever written into the save folder. Files are private (0600; the csv folder
0700), like the save they come from and its pack-save archive. openpyxl is imported only for xlsx.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from exercise.debrief.data import Cell, Table
from exercise.debrief.record import DebriefError
from exercise.fsutil import PRIVATE_DIR, PRIVATE_FILE, fsync_dir, not_regular

FORMATS = ("jsonl", "csv", "xlsx")
XLSX_MAX_CELL = 32_767  # characters a spreadsheet cell holds
# A text cell starting with one of these is read as a formula by spreadsheets that open a
# csv: prefixed with ' in csv files (OWASP's advice); xlsx cells are typed as text instead.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def default_path(save_id: str, fmt: str) -> Path:
    """`<save id>-data.jsonl`, `.xlsx`, or the folder `<save id>-data/` (csv), here."""
    return Path(f"{save_id}-data" + ("" if fmt == "csv" else f".{fmt}"))


def write(tables: Sequence[Table], fmt: str, path: Path) -> Path:
    """Write the tables to `path` (a file, or a new folder for csv); DebriefError with what
    to do when it cannot be written there."""
    path = Path(path)
    problem = not_regular(path)
    if problem and not (fmt == "csv" and path.is_dir() and not path.is_symlink()):
        raise DebriefError(f"{path}: {problem}; choose another -o")
    if fmt == "csv" and path.exists():
        raise DebriefError(f"{path}: already exists; csv writes a new folder: remove it or choose another -o")
    parent = path.parent
    if parent.exists() and not parent.is_dir():
        raise DebriefError(f"{path}: {parent} is a file, not a folder; choose another -o")
    if not parent.is_dir():
        raise DebriefError(f"{path}: the folder {parent} does not exist; create it or choose another -o")
    try:
        if fmt == "csv":
            _csv_folder(tables, path)
        else:
            data = jsonl_bytes(tables) if fmt == "jsonl" else xlsx_bytes(tables)
            _atomic_bytes(path, data)
    except OSError as e:
        raise DebriefError(f"{path}: cannot write the data ({e.strerror or e})") from None
    return path


# -- jsonl ------------------------------------------------------------------------------------
def json_value(v: Cell):
    """Exact decimals as JSON numbers: an int when whole, else the float whose shortest repr
    is that decimal (at most 15 significant digits, as every stored value has)."""
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    return v


def jsonl_lines(tables: Sequence[Table]):
    for t in tables:
        head = t.head
        for row in t.rows:
            obj = {"table": t.name}
            obj.update(zip(head, (json_value(v) for v in row)))
            yield json.dumps(obj, ensure_ascii=False) + "\n"


def jsonl_bytes(tables: Sequence[Table]) -> bytes:
    return "".join(jsonl_lines(tables)).encode("utf-8")


# -- csv --------------------------------------------------------------------------------------
def csv_value(v: Cell) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Decimal):
        return format(v, "f")
    if isinstance(v, int):
        return str(v)
    return "'" + v if v.startswith(FORMULA_START) else v


def csv_text(t: Table) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(t.head)
    w.writerows([csv_value(v) for v in row] for row in t.rows)
    return out.getvalue()


def _csv_folder(tables: Sequence[Table], path: Path) -> None:
    tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"))
    try:
        for t in tables:
            fd = os.open(tmp / f"{t.name}.csv", os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
            with open(fd, "w", encoding="utf-8", newline="") as f:
                f.write(csv_text(t))
                f.flush()
                os.fsync(f.fileno())
        os.chmod(tmp, PRIVATE_DIR)
        if path.exists():  # appeared meanwhile: never replaced
            raise FileExistsError(17, "already exists; remove it or choose another -o", str(path))
        os.rename(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    fsync_dir(path.parent)


# -- xlsx -------------------------------------------------------------------------------------
def xlsx_bytes(tables: Sequence[Table]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    wb = Workbook(write_only=False)
    wb.remove(wb.active)
    bold = Font(bold=True)
    for t in tables:
        ws = wb.create_sheet(t.name[:31])
        ws.append(list(t.head))
        for cell in ws[1]:
            cell.font = bold
        for row in t.rows:
            ws.append([_xlsx_value(v, ILLEGAL_CHARACTERS_RE) for v in row])
        # text stays text: a cell that starts with "=" is a note, not a formula to run
        for r in ws.iter_rows(min_row=2):
            for cell in r:
                if cell.data_type == "f":
                    cell.data_type = "s"
        ws.freeze_panes = "A2"
        for i, name in enumerate(t.head, 1):
            ws.column_dimensions[ws.cell(1, i).column_letter].width = min(60, max(10, len(name) + 2))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _xlsx_value(v: Cell, illegal):
    if isinstance(v, Decimal):
        return json_value(v)
    if isinstance(v, str) and illegal.search(v):  # control characters a workbook cannot hold
        v = illegal.sub("\ufffd", v)
    if isinstance(v, str) and len(v) > XLSX_MAX_CELL:
        mark = " … (cut: a spreadsheet cell holds 32,767 characters; the jsonl export has it whole)"
        return v[: XLSX_MAX_CELL - len(mark)] + mark
    return v


# -- files ------------------------------------------------------------------------------------
def _atomic_bytes(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, PRIVATE_FILE)  # a save's data is private, like the save and its pack-save archive
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        problem = not_regular(path)
        if problem:  # appeared meanwhile
            raise DebriefError(f"{path}: {problem}; choose another -o")
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    fsync_dir(path.parent)
