"""What keeps long lists cheap: incremental writes, a navigation that never lists papers, pages on every core."""
from __future__ import annotations

import os
import shutil
import time
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
    monkeypatch.setattr(themes.related, "PAIR_CHUNK", 4)  # the shared phrases ranked 4 pairs at a time
    forked = themes.theme_step(catalog.papers, catalog.config.themes, scalable_from=1)
    monkeypatch.setattr(themes, "in_background", lambda function: function)
    monkeypatch.setattr(parallel, "worker_count", lambda: 1)
    here = themes.theme_step(catalog.papers, catalog.config.themes, scalable_from=1)
    assert forked.related == here.related
    assert forked == here


def test_a_failure_in_the_background_reaches_the_caller():
    def fails():
        raise ValueError("from the background")
    with pytest.raises(ValueError, match="from the background"):
        parallel.in_background(fails)()


def on_two_cores_from_the_first_item(monkeypatch) -> None:
    """Every parallel path taken even on the 12-paper fixture list."""
    from generator import checks

    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    monkeypatch.setattr(parallel, "worker_count", lambda: 2)
    monkeypatch.setattr(parallel, "SINGLES", 3)
    monkeypatch.setattr(parallel, "SLICE", 4)
    monkeypatch.setattr(checks, "BACKGROUND_FROM", 1)


def docs_files(project: Project) -> dict[str, str]:
    return {p.relative_to(project.docs_dir).as_posix(): p.read_text(encoding="utf-8")
            for p in project.docs_dir.rglob("*") if p.is_file()}


def test_pages_written_by_the_processes_that_make_them_equal_pages_made_here(fixture_project: Path, monkeypatch):
    project = Project(fixture_project)
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 10**9)
    _, _, here = gather(project)
    (project.docs_dir / "papers").mkdir(parents=True)
    (project.docs_dir / "papers" / "a-paper-since-removed.md").write_text("stale")
    on_two_cores_from_the_first_item(monkeypatch)
    generate(project)
    assert docs_files(project) == here
    age_every_file(project.docs_dir)
    generate(project)
    assert modified_files(project.docs_dir) == set()


def test_entries_read_on_every_core_equal_entries_read_here(fixture_project: Path, monkeypatch):
    from generator.content import inspect_content

    project = Project(fixture_project)
    (project.papers_dir / "broken.yml").write_text("title: [unclosed\n")
    (project.papers_dir / "no-abstract.yml").write_text("title: A paper without its abstract\nyear: '2020'\n")
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 10**9)
    here = inspect_content(project)
    on_two_cores_from_the_first_item(monkeypatch)
    forked = inspect_content(project)
    assert forked == here
    assert {p.path for p in forked.problems} >= {"content/papers/broken.yml", "content/papers/no-abstract.yml"}


def add_duplicates(project: Project) -> None:
    """A repeated DOI (an error) and a near-identical title (a warning)."""
    original = project.papers_dir / "protein-design-by-diffusion.yml"
    (project.papers_dir / "protein-design-again.yml").write_text(
        original.read_text().replace("year: 2023", "year: 2023\ndoi: 10.1000/protein"), encoding="utf-8")
    original.write_text(original.read_text().replace("year: 2023", "year: 2023\ndoi: 10.1000/protein"))
    (project.papers_dir / "protein-design-near.yml").write_text(
        original.read_text().replace("Protein design by diffusion over backbone structure",
                                     "Protein design by diffusion over backbone structures")
        .replace("doi: 10.1000/protein\n", ""), encoding="utf-8")


def test_a_duplicate_found_on_another_core_stops_the_build_with_every_other_problem(fixture_project: Path,
                                                                                     monkeypatch):
    from generator.errors import ContentError

    project = Project(fixture_project)
    add_duplicates(project)
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 10**9)
    with pytest.raises(ContentError) as here:
        generate(project)
    on_two_cores_from_the_first_item(monkeypatch)
    with pytest.raises(ContentError) as forked:
        generate(project)
    assert forked.value.problems == here.value.problems
    assert {(p.path, p.key, p.severity) for p in forked.value.problems} >= {
        ("content/papers/protein-design-by-diffusion.yml", "doi", "error"),
        ("content/papers/protein-design-near.yml", "title", "warning")}
    assert not project.docs_dir.exists()

    (project.papers_dir / "no-abstract.yml").write_text("title: A paper without its abstract\nyear: '2020'\n")
    with pytest.raises(ContentError) as both:
        generate(project)
    assert {p.path for p in both.value.problems} >= {"content/papers/protein-design-by-diffusion.yml",
                                                     "content/papers/no-abstract.yml"}


def test_near_duplicates_found_on_another_core_are_warned_of(fixture_project: Path, monkeypatch):
    project = Project(fixture_project)
    add_duplicates(project)
    (project.papers_dir / "protein-design-again.yml").unlink()
    on_two_cores_from_the_first_item(monkeypatch)
    catalog, _ = generate(project)
    assert [(p.path, p.key) for p in catalog.warnings if "duplicate" in p.message] == [
        ("content/papers/protein-design-near.yml", "title")]


def test_the_tag_index_is_in_the_navigation_only_when_a_paper_has_tags():
    assert {"Tags": "tags.md"} in navigation(synthetic_grouping(12))
    assert {"Tags": "tags.md"} not in navigation(synthetic_grouping(12), tagged=False)


def test_reserved_page_files_are_filled_and_existing_ones_keep_their_time(tmp_path: Path, monkeypatch):
    from generator.output import reserving, write_rendered

    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    monkeypatch.setattr(parallel, "worker_count", lambda: 2)
    root = tmp_path / "docs"
    (root / "papers").mkdir(parents=True)
    (root / "papers" / "kept.md").write_text("same")
    os.utime(root / "papers" / "kept.md", (LONG_AGO, LONG_AGO))
    reserved = [f"papers/new-{i}.md" for i in range(50)]
    jobs = [(rel, lambda: "new text") for rel in reserved] + [("papers/kept.md", lambda: "same"),
                                                               ("index.md", lambda: "home")]
    with reserving(root, reserved + ["papers/kept.md"]) as reservation:
        assert reservation.before == {"papers/kept.md"}
        for _ in range(200):  # the low-priority maker, given time to reach the end
            if (root / "papers" / "new-49.md").exists():
                break
            time.sleep(0.05)
        assert (root / "papers" / "new-0.md").read_text() == ""
        reservation.stop()
        changed = write_rendered(root, jobs, parallel=False, before=reservation.before)
    assert changed == sorted(reserved + ["index.md"])
    assert {(root / rel).read_text() for rel in reserved} == {"new text"}
    assert (root / "papers" / "kept.md").stat().st_mtime == LONG_AGO


def test_a_changed_file_is_written_over_to_exactly_its_new_text(tmp_path: Path):
    from generator.output import write_changed

    root = tmp_path / "docs"
    root.mkdir()
    (root / "shorter.md").write_text("a long old text that the new one does not cover")
    (root / "longer.md").write_text("short")
    (root / "same.md").write_text("same")
    os.utime(root / "same.md", (LONG_AGO, LONG_AGO))
    changed = write_changed(root, {"shorter.md": "new", "longer.md": "a longer new text", "same.md": "same",
                                   "fresh.md": "fresh"})
    assert changed == ["fresh.md", "longer.md", "shorter.md"]
    assert {p.name: p.read_text() for p in root.iterdir()} == {
        "shorter.md": "new", "longer.md": "a longer new text", "same.md": "same", "fresh.md": "fresh"}
    assert (root / "same.md").stat().st_mtime == LONG_AGO


def test_a_failed_build_takes_back_the_page_files_it_reserved(fixture_project: Path, monkeypatch):
    import generator.build as build

    project = Project(fixture_project)
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 10**9)
    _, _, here = gather(project)
    generate(project)
    (project.papers_dir / "a-new-paper.yml").write_text(
        "title: A new paper on reserved files\nabstract: Files made before the themes are formed.\n")

    reserved = project.docs_dir / "papers" / "a-new-paper.md"

    def themes_fail(catalog, project=None):
        for _ in range(200):  # fail once the low-priority maker has made the new paper's file
            if reserved.exists():
                break
            time.sleep(0.05)
        assert reserved.exists()
        raise RuntimeError("the theme step failed")
    on_two_cores_from_the_first_item(monkeypatch)
    monkeypatch.setattr(build, "group", themes_fail)
    with pytest.raises(RuntimeError, match="the theme step failed"):
        generate(project)
    assert docs_files(project) == here  # the new paper's empty page went again

    shutil.rmtree(project.build_dir)
    with pytest.raises(RuntimeError, match="the theme step failed"):
        generate(project)
    assert not project.build_dir.exists()  # and so did the folders made for it
