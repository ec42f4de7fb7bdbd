"""Inject and outcome texts keep the pack's hard line breaks (a TOML multi-line string): in a
widget that wraps they read ragged ("several large drones were" / "seen"). `reflow` joins
the lines of a paragraph, keeps blank-line paragraph breaks and list lines, and never parses
markup; the consoles show injects and outcomes through it."""

from __future__ import annotations

from support import FIXTURES, load_fixture, wait_for
from textual.widgets import Static

from exercise.engine import commands as cm
from exercise.engine.seats import Seat
from exercise.session import Session
from exercise.tui.app import make_app
from exercise.tui.seat.wall import WallScreen, injects_text
from exercise.tui.text import reflow

PACK = """
For four hours no aircraft has landed at Copenhagen: several large drones were seen
over the runways, lights on, flying in patterns.

The Danish government asks allies for:
- detection teams that can
  follow a drone home
* counter-drone systems
1. a joint [bold]statement[/bold]
2. nothing else


It will not wait.
"""


def test_reflow_joins_a_paragraphs_lines_and_keeps_breaks_and_lists():
    assert reflow(PACK) == (
        "For four hours no aircraft has landed at Copenhagen: several large drones were seen over the "
        "runways, lights on, flying in patterns.\n"
        "\n"
        "The Danish government asks allies for:\n"
        "- detection teams that can follow a drone home\n"
        "* counter-drone systems\n"
        "1. a joint [bold]statement[/bold]\n"  # markup stays text
        "2. nothing else\n"
        "\n"
        "It will not wait.")
    assert reflow("one line") == "one line"
    assert reflow("") == ""
    assert reflow("a\r\nb") == "a b"
    assert reflow("-1 degrees\nis cold") == "-1 degrees is cold"  # a minus sign is not a list


async def test_the_wall_shows_an_injects_synopsis_reflowed(tmp_path):
    import attrs

    loaded = load_fixture(FIXTURES / "red" / "scenarios" / "red.toml")
    s = Session.create(loaded.scenario, loaded.texts, tmp_path, name="Reflow", seed=3)
    s.execute(cm.Start())
    s.execute(cm.FireAdHoc("Drones over Copenhagen", "Drones seen."))
    app = make_app(session=s, clock=lambda: 0.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.show_seat(Seat("wall", "wall", "Wall display"))
        await wait_for(lambda: isinstance(app.screen, WallScreen) and app.screen.view is not None, pilot=pilot)
        wall = app.screen
        v = wall.view  # a pack's synopsis written over several lines
        wall.view = attrs.evolve(v, injects=(attrs.evolve(v.injects[0], synopsis=PACK), *v.injects[1:]))
        wall.render_view()
        await pilot.pause()
        shown = str(wall.query_one("#wall-injects", Static).render())
        assert "several large drones were seen over the runways" in shown
        assert "- detection teams that can follow a drone home" in shown
        assert "[bold]statement[/bold]" in shown  # never parsed as markup
        assert "were seen\nover" not in injects_text(wall.view).plain
    s.close()
