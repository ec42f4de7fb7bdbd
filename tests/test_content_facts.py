"""The default scenario's facts: dated to what was known in early December 2025, sourced,
and internally consistent. Issue 14 ("content a NATO planner trusts")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from exercise.packs import loader
from exercise.packs.problems import Problems

ROOT = Path(__file__).resolve().parent.parent

# Real events after the briefings' date (early Dec 2025) that players must not be told.
LATER = re.compile(r"February 2026|Feb 2026|6 Feb|annual report|envoy for Greenland|Greenland envoy", re.I)


@pytest.fixture(scope="module")
def deadline():
    return loader.load_scenario(loader.find_scenario("deadline-2027"), Problems()).scenario


def test_briefings_quote_nothing_after_early_december_2025(deadline):
    texts = {"scenario briefing": deadline.scenario.briefing} | {f"{t.id} briefing": t.briefing for t in deadline.teams}
    late = {k: LATER.findall(v) for k, v in texts.items() if LATER.search(v)}
    assert not late, late


def test_player_injects_do_not_quote_the_later_jfc_allocation(deadline):
    # the real allocation (UK Norfolk, Italy Naples, DE and PL sharing Brunssum) is for the
    # facilitator's card only; the players' turn-1 inject leaves the allocation open
    for i in deadline.all_injects():
        if i.to == ("facilitator",):
            continue
        shown = " ".join((i.title, i.synopsis, i.text) + tuple(o.text for o in i.options))
        assert not re.search(r"Britain would take|UK takes JFC|Italy would take|Italy JFC Naples", shown), i.id
        assert not LATER.search(i.title + i.synopsis + i.text) or i.id == "greenland-envoy", i.id


def test_the_real_sequel_is_a_facilitator_only_card(deadline):
    cards = [i for i in deadline.all_injects() if i.to == ("facilitator",) and "what actually happened" in i.title.lower()]
    assert len(cards) == 1
    card = cards[0]
    assert "6 February 2026" in card.text and "21-22 December 2025" in card.text
    assert not card.options and not card.effects and card.turn == 1


def test_the_premise_cites_reuters_not_the_summary_article(deadline):
    sources = [i.source for i in deadline.all_injects()] + [i.source for i in deadline.items]
    assert not [s for s in sources if re.search(r"\b5 Dec 2025 report\b|news article|summar", s)]
    doc = (ROOT / "docs" / "sources.md").read_text()
    assert "as summarised in the news article" not in doc and "Same article" not in doc
    assert "Reuters, 5 Dec 2025" in doc


def test_netherlands_spending_gdp_and_money_agree(deadline):
    nl = next(a for a in deadline.allies if a.id == "NL")
    assert (nl.gdp, nl.spending) == (1272.0, 2.5)
    money = round(nl.gdp * nl.spending / 100, 1)
    assert money == 31.8 and f"USD {money} bn" in nl.source
    row = next(line for line in (ROOT / "docs" / "sources.md").read_text().splitlines()
               if line.startswith("| Netherlands (NL)"))
    assert "| 2.5 |" in row and "| 1,272 |" in row and "31.8" in row


def test_nasams_and_the_enablers_are_in_the_catalogue_with_sources(deadline):
    items = {i.id: i for i in deadline.items}
    tracks = {t.id for t in deadline.tracks}
    for iid in ("nasams", "mrtt-share", "a400m", "sead-package", "milsatcom-slice", "c2-network"):
        item = items[iid]
        assert item.source and item.origin and item.cost > 0 and item.lead_time > 0, iid
        assert item.effects and all(e.track in tracks for e in item.effects), iid
    assert "air_missile_defence" in {e.track for e in items["nasams"].effects}
    doc = (ROOT / "docs" / "sources.md").read_text()
    for name in ("NASAMS fire unit", "Tanker share in the Multinational MRTT Fleet", "A400M", "SEAD package",
                 "Deployable C2 network"):
        assert f"| {name}" in doc, name


def test_purl_and_the_black_sea_are_played(deadline):
    injects = {i.id: i for i in deadline.all_injects()}
    purl = injects["purl-package"]
    assert purl.options and "PURL" in purl.text
    sea = injects["black-sea-drone-romania"]
    assert sea.to == ("south",) and "Romania" in sea.text and "Montreux" in sea.text
    south = next(t for t in deadline.teams if t.id == "south")
    assert "Black Sea" in south.briefing and "Türkiye" in south.briefing
    doc = (ROOT / "docs" / "sources.md").read_text()
    assert "`purl-package`" in doc and "`black-sea-drone-romania`" in doc
