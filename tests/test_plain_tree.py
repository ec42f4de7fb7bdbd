"""plain_tree: every string of a view made plain, unchanged parts shared, not copied."""

from __future__ import annotations

import attrs
from hypothesis import given
from hypothesis import strategies as st

from exercise.tui.text import plain, plain_tree


@attrs.frozen
class Leaf:
    title: str
    n: int = 0


@attrs.frozen
class Node:
    leaves: tuple[Leaf, ...]
    names: dict[str, str]


def test_a_clean_view_is_returned_as_it_is():
    leaf = Leaf("Sabotage in Gdansk")
    view = Node((leaf, Leaf("Arctic")), {"a": "Alpha"})
    assert plain_tree(view) is view


def test_a_control_character_is_made_visible_and_only_its_branch_copied():
    clean = Leaf("clean")
    view = Node((clean, Leaf("bell\x07")), {"a": "esc\x1b[2J"})
    out = plain_tree(view)
    assert out is not view
    assert out.leaves[0] is clean  # the clean branch is shared
    assert out.leaves[1].title == plain("bell\x07") and "\x07" not in out.leaves[1].title
    assert "\x1b" not in out.names["a"]
    assert view.leaves[1].title == "bell\x07"  # the view itself is never changed


def test_a_part_seen_before_is_looked_up_and_still_plain():
    dirty = Leaf("\x1b]0;owned\x07")
    first = plain_tree(Node((dirty,), {}))
    again = plain_tree(Node((dirty, Leaf("new")), {}))
    assert again.leaves[0] is first.leaves[0]
    assert "\x1b" not in again.leaves[0].title


@given(st.lists(st.text(max_size=12), max_size=6))
def test_no_control_character_survives(titles):
    out = plain_tree(Node(tuple(Leaf(t) for t in titles), {t: t for t in titles}))
    for s in [leaf.title for leaf in out.leaves] + list(out.names.values()):
        assert s == plain(s)
