"""engine/parts.py: where a list of view parts changed from the one it was made from."""

from exercise.engine import parts


def test_changed_at_compares_lists_not_made_from_each_other():
    a, b, c, d = (object() for _ in range(4))
    assert parts.changed_at([a, b, c], [a, d, c, b]) == [1]  # below both lengths only
    assert parts.changed_at([a, b], [a]) == []
    assert parts.changed_at([], [a]) == []


def test_changed_at_looks_at_the_recorded_places_only():
    a, b, c, d = (object() for _ in range(4))
    old = [a, b, c]
    new = parts.made_from([a, d, c, b], old, [1])
    assert parts.changed_at(old, new) == [1]
    # recorded against another list: compared, not trusted
    other = [a, b, d]
    assert parts.changed_at(other, new) == [1, 2]
    # a place past the shorter list is left out
    shorter = parts.made_from([d], old, [0, 2])
    assert parts.changed_at(old, shorter) == [0]


def test_records_are_bounded():
    keep = []
    for _ in range(parts.LIMIT + 10):
        old = [object()]
        keep.append(parts.made_from([object()], old, [0]))
    assert len(parts._FROM) == parts.LIMIT
