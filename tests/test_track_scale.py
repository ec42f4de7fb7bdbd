"""Sparklines and charts draw each track on its own scale (its min..max, 0..10 by
default), never scaled to the data: a move from 5 to 5.5 is a small step, not floor to top."""

from __future__ import annotations

from textual.widgets import Static

from exercise.debrief.plot import BARS, braille, sparkline
from exercise.engine import commands as cm
from exercise.session import Session
from exercise.tui.app import make_app


def test_the_text_sparkline_and_plot_use_the_given_scale():
    assert sparkline([5.0, 5.5], 0, 10) == BARS[4] * 2  # both about half way up
    assert sparkline([0.0, 10.0], 0, 10) == BARS[0] + BARS[-1]
    rows = braille([5.0, 5.5], width=10, height=4, low=0, high=10)
    assert rows[0].startswith("10 ┤") and rows[-1].startswith(" 0 ┤")


async def test_the_facilitators_world_trend_is_drawn_on_the_tracks_scale(tmp_path, mini):
    s = Session.create(mini.scenario, mini.texts, tmp_path, name="Scale")
    s.execute(cm.Start())
    s.execute(cm.Override("track", 5.5, "a small move", track="trust"))  # 5 -> 5.5 on 0..10
    app = make_app(session=s)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        spark = app.screen.query_one("#track-trust .track-spark", Static)
        drawn = str(spark.render())
        assert set(drawn.strip()) == {BARS[4]}, drawn  # not ▁ then █ as a scale of the data would draw
    s.close()
