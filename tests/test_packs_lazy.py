"""Problems are located lazily: only as far into a file as the ones printed.

`Problems.sorted(limit)` must print exactly what locating every problem and sorting them
all would print (same problems, same positions, same order, same count of the rest),
whatever the layout of the file, while a file with errors everywhere is scanned only
as far as its first `limit` problems.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from exercise.packs import problems
from exercise.packs.check import validate

_STEP = problems._SCAN_STEP

MINI = Path(__file__).parent / "fixtures" / "mini" / "scenarios" / "mini.toml"

# One inject of each kind, as the lines of an [[inject]] table (no header) and as the
# fields of an inline table. Each kind is a different path to a problem: a key written
# (unknown key, a condition at a character offset), a key missing (located at the table),
# an option table, or nothing wrong at all.
KINDS = {
    "ok": ['title = "t"', "turn = 1"],
    "unknown-key": ['title = "t"', "turn = 1", "trun = 2"],
    "missing-title": ["turn = 1"],
    "bad-condition": ['title = "t"', "condition = 'turn >= 1 and fired(\"nope\")'"],
    "syntax-condition": ['title = "t"', "condition = 'turn >= '"],
    "unknown-team": ['title = "t"', "turn = 1", 'to = ["eats"]'],
    "turn-outside": ['title = "t"', "turn = 12"],
    "text": ['title = "t"', "turn = 1", 'text = """\n[[inject]]\nid = "fake"\n"""'],
}


def _pack(kinds: list[str], layout: str, pack_last: bool, stem: str) -> str:
    head = f'[pack]\nid = "{stem}-x"\ntitle = "Lazy"\n\n'  # the id differs: a warning at (pack, id)
    if layout == "tables":
        body = "".join(f'[[inject]]\nid = "i{n}"\n' + "\n".join(KINDS[k]) + "\n\n"
                       for n, k in enumerate(kinds))
        return body + head if pack_last else head + body
    rows = ["  { " + ", ".join([f'id = "i{n}"'] + KINDS["ok" if k == "text" else k]) + " },"
            for n, k in enumerate(kinds)]
    # A root key comes before any table: the inline array is always first.
    return ("inject = [\n" + "\n".join(rows) + "\n]\n\n" if rows else "") + head


def _reference(report, limit: int) -> tuple[list[str], dict]:
    """Locate everything, sort everything, then cut: what sorted(limit) must equal."""
    out, shown, hidden = [], {}, {}
    for p in report.problems.sorted(limit=None):
        if shown.get(p.file, 0) < limit:
            shown[p.file] = shown.get(p.file, 0) + 1
            out.append(str(p))
        else:
            counts = hidden.setdefault(p.file, [0, 0])
            counts[p.severity != "error"] += 1
    return out, hidden


def _check(text: str, stem: str, limit: int):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{stem}.toml"
        path.write_text(text)
        lazy = validate([path], str(MINI)).problems.sorted(limit=limit)
        expected, hidden = _reference(validate([path], str(MINI)), limit)
    assert [str(p) for p in lazy if p.severity != "note"] == expected
    notes = [p.message for p in lazy if p.severity == "note"]
    assert [n.split(" in this file")[0] for n in notes] == [_more(c) for c in hidden.values()]


def _more(counts) -> str:
    errors, warnings = counts
    return " and ".join(f"{n} more {kind}{'s' if n != 1 else ''}"
                        for n, kind in ((errors, "error"), (warnings, "warning")) if n)


@settings(max_examples=60, deadline=None)
@given(kinds=st.lists(st.sampled_from(sorted(KINDS)), max_size=30),
       layout=st.sampled_from(["tables", "inline"]),
       pack_last=st.booleans(), limit=st.integers(1, 12))
def test_lazy_order_is_the_full_order(kinds, layout, pack_last, limit):
    # Scan one statement at a time between tries, so small files go through every
    # decision the large ones take (settled, pending in an open element, ahead).
    problems._SCAN_STEP = 1
    try:
        _check(_pack(kinds, layout, pack_last, "lazy"), "lazy", limit)
    finally:
        problems._SCAN_STEP = _STEP


def test_many_errors_scan_only_the_start(tmp_path):
    # 2,000 injects, each with an error: the first 200 are printed, positions exact, and
    # the file is not scanned to its end to find them.
    kinds = ["bad-condition", "unknown-key", "missing-title", "text"] * 500
    path = tmp_path / "many.toml"
    path.write_text(_pack(kinds, "tables", False, "many"))
    report = validate([path], str(MINI))
    shown = report.problems.sorted()
    src = next(p._at[0] for p in report.problems.items if p._at is not None)
    assert not src.done, "the whole file was scanned to print its first 200 problems"
    expected, hidden = _reference(validate([path], str(MINI)), 200)
    assert [str(p) for p in shown if p.severity != "note"] == expected
    assert shown[-1].message.startswith(_more(hidden[shown[-1].file]))
