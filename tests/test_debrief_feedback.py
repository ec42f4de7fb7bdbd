"""The participants' feedback forms in the after-action report: ratings per statement
(count, mean, 1-5 spread) and the texts, anonymised unless exported with --name-feedback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from test_debrief_support import EVIL, drill, fixed_clock

from exercise.cli import main
from exercise.debrief import html, markdown, record
from exercise.debrief.report import build
from exercise.engine import commands as cm
from exercise.journal import saves
from exercise.session import Session


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> Path:
    loaded = drill()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(saves, "now", fixed_clock())
        s = Session.create(loaded.scenario, loaded.texts, tmp_path_factory.mktemp("saves"), name="Feedback drill")
        s.execute(cm.Start())
        while s.state.status == "running":
            s.execute(cm.Advance(force=True))
        s.execute(cm.GiveFeedback("west", "west", ("Zulu pace", "Clear injects"), ("More time to talk",),
                                  "West's logistics", {"structure": 4, "realism": 2}, "Ann West"))
        s.execute(cm.GiveFeedback("east", "east", ("A good map", EVIL), (), "",
                                  {"structure": 5, "realism": 3, "preparedness": 5}, "Bob East"))
        s.execute(cm.GiveFeedback("east", "east", (), ("Shorter briefing",), "", {"structure": 4}))
        folder = s.folder
        s.close()
    return folder


@pytest.fixture(scope="module")
def rec(saved):
    return record.load(saved)


def test_ratings_count_mean_and_spread(rec):
    f = build(rec).feedback
    assert f.forms == 3 and not f.named
    rows = {r.question: r for r in f.ratings}
    structure = rows["The exercise was well structured and organised."]
    assert (structure.count, structure.mean, structure.spread) == (3, 13 / 3, (0, 0, 0, 2, 1))
    realism = rows["The exercise scenario was plausible and realistic."]
    assert (realism.count, realism.mean, realism.spread) == (2, 2.5, (0, 1, 1, 0, 0))
    unrated = rows["Exercise documentation and materials were useful."]
    assert (unrated.count, unrated.mean, unrated.spread) == (0, None, (0, 0, 0, 0, 0))


def test_the_report_is_anonymised_by_default(rec):
    f = build(rec).feedback
    assert f.strengths == (EVIL, "A good map", "Clear injects", "Zulu pace")  # alphabetical, not by team
    assert f.improvements == ("More time to talk", "Shorter briefing")
    assert f.missed == ("West's logistics",)
    for text in (markdown.render(build(rec)), html.render(build(rec))):
        section = text[text.index("Participant feedback"):text.index("Decisions", text.index("Participant feedback"))]
        for name in ("East", "Ann West", "Bob East", "Feedback form received"):
            assert name not in section.replace("West's logistics", ""), name
        assert "Feedback form received" not in text  # the timeline does not say who sent a form, or when


def test_named_feedback_keeps_the_teams(rec):
    f = build(rec, name_feedback=True).feedback
    assert f.named and f.strengths[0] == "Zulu pace (West, Ann West)"
    assert f.improvements[1] == "Shorter briefing (East)"


def test_markdown_and_html_sections(rec):
    text = markdown.render(build(rec))
    assert "## Participant feedback" in text
    assert "| The exercise was well structured and organised. | 3 | 4.33 | 0 | 0 | 0 | 2 | 1 |" in text
    assert "| Exercise documentation and materials were useful. | 0 | - | 0 | 0 | 0 | 0 | 0 |" in text
    assert "<script>" not in text and "\\<script\\>" in text
    page = html.render(build(rec))
    assert '<a href="#feedback">Participant feedback</a>' in page and '<section id="feedback">' in page
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_cli_export_names_feedback_only_when_asked(saved):
    r = CliRunner()
    anon = r.invoke(main, ["export", str(saved), "-o", "-"])
    named = r.invoke(main, ["export", str(saved), "-o", "-", "--name-feedback"])
    assert anon.exit_code == named.exit_code == 0, (anon.output, named.output)
    assert "- Zulu pace\n" in anon.output and "(West, Ann West)" not in anon.output
    assert "- Zulu pace (West, Ann West)" in named.output


def test_a_save_without_forms_has_no_section(tmp_path):
    loaded = drill()
    s = Session.create(loaded.scenario, loaded.texts, tmp_path)
    s.execute(cm.Start())
    s.close()
    r = build(record.load(s.folder))
    assert r.feedback is None and "Participant feedback" not in markdown.render(r)
