"""The scalable theme path (long lists), forced on a few hundred papers with a low threshold."""
from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest

from generator.content import load_catalog
from generator.project import Project
from generator.schema import CuratedTheme, ThemesSection
from generator.themes import grouping_json, locked_themes, theme_step
from generator.themes import related
from generator.themes.clustering import scalable_count

SETTINGS = ThemesSection()
COPIES = 25


def variants(papers, copies: int = COPIES, seed: int = 0):
    """Copies of each paper with words dropped and sentences shuffled, under new ids (deterministic)."""
    rng = random.Random(seed)
    made = []
    for paper in papers:
        for copy in range(copies):
            sentences = (paper.abstract or "").split(". ")
            rng.shuffle(sentences)
            words = [w for w in ". ".join(sentences).split() if rng.random() > 0.25]
            title = [w for w in paper.title.split() if rng.random() > 0.2] or paper.title.split()
            made.append(dataclasses.replace(paper, id=f"{paper.id}-{copy:03d}", title=" ".join(title),
                                            abstract=" ".join(words), theme=None))
    return made


@pytest.fixture(params=["exact shortlist", "cell shortlist"])
def many(request, fixture_project: Path, monkeypatch):
    """A few hundred papers; related papers shortlisted against all papers, or in the nearest cells."""
    if request.param == "cell shortlist":
        monkeypatch.setattr(related, "EXACT_SHORTLIST_UP_TO", 0)
    return variants(load_catalog(Project(fixture_project)).papers)


def everything(result):
    return (grouping_json(result), {k: [(r.id, r.score, r.terms) for r in v] for k, v in result.related.items()},
            result.coords)


def assert_valid(result, papers):
    ids = sorted(p.id for p in papers)
    assert sorted(pid for theme in result.themes for pid in theme.papers) == ids
    assert sorted(result.placements) == ids == sorted(result.related) == sorted(result.coords)
    for theme in result.themes:
        assert theme.slug and theme.name and (theme.papers or theme.curated)
        for pid in theme.papers:
            assert result.placements[pid].theme == theme.slug
    for pid, items in result.related.items():
        assert pid not in [item.id for item in items]
        assert len({item.id for item in items}) == len(items) <= SETTINGS.related
        assert [item.score for item in items] == sorted((item.score for item in items), reverse=True)
    assert all(0.0 <= x <= 1.0 and 0.0 <= y <= 1.0 for x, y in result.coords.values())


def test_the_scalable_path_places_every_paper_once(many):
    result = theme_step(many, SETTINGS, scalable_from=100)
    assert_valid(result, many)
    assert len(result.themes) == scalable_count(len(many))
    for pid, placement in result.placements.items():
        assert placement.suggestions[0][0] == placement.theme
        assert [score for _, score in placement.suggestions] == sorted((s for _, s in placement.suggestions), reverse=True)


def test_the_scalable_path_does_not_depend_on_listing_order(many):
    forward = theme_step(many, SETTINGS, scalable_from=100)
    shuffled = list(many)
    random.Random(3).shuffle(shuffled)
    assert everything(theme_step(shuffled, SETTINGS, scalable_from=100)) == everything(forward)


def test_copies_of_one_paper_share_a_theme_and_are_related(many):
    result = theme_step(many, SETTINGS, scalable_from=100)
    for pid, items in result.related.items():
        assert items, pid
    origin = {pid: pid.rsplit("-", 1)[0] for pid in result.placements}
    same = sum(origin[item.id] == origin[pid] for pid, items in result.related.items() for item in items)
    assert same / sum(len(items) for items in result.related.values()) > 0.8


def test_a_fixed_count_is_honoured_on_the_scalable_path(many):
    result = theme_step(many, dataclasses.replace(SETTINGS, count=7), scalable_from=100)
    assert len(result.themes) == 7


def test_a_lock_keeps_its_themes_on_the_scalable_path(many):
    first = theme_step(many[:250], SETTINGS, scalable_from=100)
    lock = locked_themes(first)
    result = theme_step(many, SETTINGS, lock=lock, scalable_from=100)
    assert_valid(result, many)
    for theme in first.themes:
        for pid in theme.papers:
            assert result.placements[pid].theme == theme.slug


def test_curated_themes_on_the_scalable_path(many):
    themes = (CuratedTheme("proteins", "Proteins", "Protein structure, design and language models."),
              CuratedTheme("graphs", "Graph neural networks", "Learning on graphs: message passing."),
              CuratedTheme("other", "Everything else", "Other machine learning papers."))
    pinned = [dataclasses.replace(p, theme="proteins") if "protein" in p.id and p.id.endswith("-000") else p
              for p in many]
    result = theme_step(pinned, SETTINGS, themes, scalable_from=100)
    assert_valid(result, pinned)
    assert [t.slug for t in result.themes] == [t.slug for t in themes]
    assert all(result.placements[p.id].pinned for p in pinned if p.theme)


@pytest.mark.parametrize("n, themes", [(1, 1), (2, 2), (100, 12), (500, 27), (1000, 38), (2500, 60), (10000, 60), (100000, 60)])
def test_long_lists_get_about_1_2_sqrt_n_themes_at_most_60(n, themes):
    assert scalable_count(n) == themes


@pytest.mark.parametrize("count", [1, 2, 3, 5])
def test_tiny_lists_on_the_scalable_path(fixture_project: Path, count):
    papers = load_catalog(Project(fixture_project)).papers[:count]
    result = theme_step(papers, SETTINGS, scalable_from=1)
    assert_valid(result, papers)
    assert_valid(theme_step(papers, SETTINGS, lock=locked_themes(result), scalable_from=1), papers)
