"""What keeps long lists cheap: incremental writes, a navigation that never lists papers, pages on every core."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator import parallel
from generator.build import gather, generate
from generator.pages import NAV_THEMES, navigation
from generator.project import Project
from generator.themes import Grouping, Placement, Theme

LONG_AGO = 1_000_000_000  # 2001: any file written by the run under test is newer


def age_every_file(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            os.utime(path, (LONG_AGO, LONG_AGO))


def modified_files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")
            if p.is_file() and p.stat().st_mtime != LONG_AGO}


def test_generate_rewrites_only_the_files_whose_content_changed(fixture_project: Path):
    project = Project(fixture_project)
    generate(project)
    age_every_file(project.docs_dir)

    generate(project)
    assert modified_files(project.docs_dir) == set()

    entry = project.papers_dir / "protein-design-by-diffusion.yml"
    entry.write_text(entry.read_text().replace("added: ", "venue: Nature\nadded: ", 1))
    generate(project)
    changed = modified_files(project.docs_dir)
    assert "papers/protein-design-by-diffusion.md" in changed
    assert "papers.json" in changed
    assert "papers/exploration-bonuses-in-reinforcement-learning.md" not in changed
    assert len(changed) < len(list(project.papers_dir.glob("*.yml")))


def test_a_removed_entry_leaves_no_stale_page(fixture_project: Path):
    project = Project(fixture_project)
    generate(project)
    (project.papers_dir / "protein-design-by-diffusion.yml").unlink()
    generate(project)
    assert not (project.docs_dir / "papers" / "protein-design-by-diffusion.md").exists()


def synthetic_grouping(count: int, themes: int = 12) -> Grouping:
    ids = [f"paper-{i:06d}" for i in range(count)]
    slugs = [f"theme-{k}" for k in range(themes)]
    return Grouping(
        themes=tuple(Theme(s, f"Theme {k}", (), tuple(ids[k::themes])) for k, s in enumerate(slugs)),
        placements={pid: Placement(slugs[i % themes], False, ()) for i, pid in enumerate(ids)},
        related={}, coords={pid: (0.5, 0.5) for pid in ids})


@pytest.mark.parametrize("count", [24, 5_000])
def test_the_navigation_lists_themes_never_papers(count: int):
    nav = navigation(synthetic_grouping(count))
    assert nav == navigation(synthetic_grouping(12))  # the same for 12 papers and for thousands
    assert "papers/" not in repr(nav)
    assert nav[1]["Themes"][0] == {"All themes": "themes.md"}
    assert len(nav[1]["Themes"]) == 1 + 12


def test_past_a_few_dozen_themes_the_navigation_links_the_themes_index_only():
    many = navigation(synthetic_grouping(5_000, themes=NAV_THEMES + 1))
    assert many[1] == {"Themes": "themes.md"}
    assert len(repr(many)) == len(repr(navigation(synthetic_grouping(50_000, themes=4 * NAV_THEMES))))


def test_the_generated_mkdocs_config_keeps_paper_pages_out_of_the_navigation(fixture_project: Path):
    import yaml

    project = Project(fixture_project)
    generate(project)
    config = yaml.safe_load(project.mkdocs_file.read_text())
    assert config["not_in_nav"] == "/papers/*.md"
    assert "papers/" not in repr(config["nav"])


def test_pages_rendered_on_every_core_equal_pages_rendered_here(fixture_project: Path, monkeypatch):
    project = Project(fixture_project)
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 10**9)
    _, _, here = gather(project)
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    monkeypatch.setattr(parallel, "worker_count", lambda: 2)
    monkeypatch.setattr(parallel, "SINGLES", 3)
    monkeypatch.setattr(parallel, "SLICE", 4)
    _, _, forked = gather(project)
    assert list(forked) == list(here)
    assert forked == here


def test_slices_cover_every_item_once_in_order():
    bounds = parallel.slice_bounds(parallel.SINGLES + 2 * parallel.SLICE + 7)
    covered = [i for start, stop in bounds for i in range(start, stop)]
    assert covered == list(range(parallel.SINGLES + 2 * parallel.SLICE + 7))
    assert bounds[0] == (0, 1)


def test_no_progress_bar_without_a_terminal(fixture_project: Path):
    result = subprocess.run([sys.executable, "-m", "generator", "generate", "--project", str(fixture_project)],
                            capture_output=True, text=True, env={**os.environ, "CI": ""})
    assert result.returncode == 0, result.stderr
    assert "\r" not in result.stderr and "it/s" not in result.stderr


def test_related_papers_found_on_another_core_equal_those_found_here(fixture_project: Path, monkeypatch):
    import generator.themes as themes
    from generator.content import load_catalog

    catalog = load_catalog(Project(fixture_project))
    monkeypatch.setattr(parallel, "worker_count", lambda: 2)
    forked = themes.theme_step(catalog.papers, catalog.config.themes, scalable_from=1)
    monkeypatch.setattr(themes, "in_background", lambda function: function)
    here = themes.theme_step(catalog.papers, catalog.config.themes, scalable_from=1)
    assert forked.related == here.related
    assert forked == here


def test_a_failure_in_the_background_reaches_the_caller():
    def fails():
        raise ValueError("from the background")
    with pytest.raises(ValueError, match="from the background"):
        parallel.in_background(fails)()
