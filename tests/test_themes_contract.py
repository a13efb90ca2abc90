"""The theme step's contract: every paper placed once, ranked suggestions, order-independence."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from click.testing import CliRunner

from generator.cli import cli
from generator.content import load_catalog
from generator.project import Project
from generator.schema import ThemesSection
from generator.themes import group_papers, grouping_json


def fixture_papers(root: Path):
    return load_catalog(Project(root)).papers


def test_every_paper_is_in_exactly_one_theme_with_ranked_suggestions(fixture_project: Path):
    papers = fixture_papers(fixture_project)
    grouping = group_papers(papers, ThemesSection())
    members = [pid for theme in grouping.themes for pid in theme.papers]
    assert sorted(members) == sorted(p.id for p in papers)
    for theme in grouping.themes:
        assert theme.slug and theme.name and 3 <= len(theme.terms) <= 6
        for pid in theme.papers:
            placement = grouping.placements[pid]
            assert placement.theme == theme.slug
            scores = [score for _, score in placement.suggestions]
            assert len(scores) >= min(3, len(grouping.themes)) and scores == sorted(scores, reverse=True)
            assert placement.suggestions[0][0] == theme.slug


def test_the_fixture_topics_come_out_as_themes(fixture_project: Path):
    grouping = group_papers(fixture_papers(fixture_project), ThemesSection())
    by_prefix = {tuple(sorted({pid.split("-")[0] for pid in t.papers})) for t in grouping.themes}
    groups = [set(t.papers) for t in grouping.themes]
    protein = {pid for pid in grouping.placements if "protein" in pid}
    assert protein in groups, by_prefix


def test_the_grouping_does_not_depend_on_input_order(fixture_project: Path):
    papers = fixture_papers(fixture_project)
    forward = grouping_json(group_papers(papers, ThemesSection()))
    backward = grouping_json(group_papers(tuple(reversed(papers)), ThemesSection()))
    assert forward == backward


def test_a_fixed_count_is_honoured(fixture_project: Path):
    settings = dataclasses.replace(ThemesSection(), count=2)
    assert len(group_papers(fixture_papers(fixture_project), settings).themes) == 2


def test_themes_json_on_a_project_outside_the_repo(fixture_project: Path):
    result = CliRunner().invoke(cli, ["themes", "--json", "--project", str(fixture_project)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= {"themes", "papers"}
    theme = data["themes"][0]
    assert set(theme) >= {"slug", "name", "terms", "papers"}
    paper_id = theme["papers"][0]
    placement = data["papers"][paper_id]
    assert placement["theme"] == theme["slug"] and placement["pinned"] is False
    assert [slug for slug, score in placement["suggestions"]][0] == theme["slug"]
    assert all(isinstance(score, float) for _, score in placement["suggestions"])
    assert len(data["papers"]) == 12


def test_a_theme_named_like_a_windows_device_gets_a_slug_that_is_a_safe_file_name():
    from generator.themes.naming import slug_for

    assert slug_for("Con", set()) == "con-theme"
    assert slug_for("NUL", {"nul-theme"}) == "nul-theme-2"
