"""`readinglist serve`: the preview regenerates pages from content before each rebuild."""
from __future__ import annotations

from pathlib import Path

from generator.build import generate
from generator.project import Project
from generator.serve import regenerate, serve_config


def test_an_edited_entry_is_regenerated_and_unchanged_pages_are_not_rewritten(fixture_project: Path):
    project = Project(fixture_project)
    generate(project)
    page = project.docs_dir / "papers" / "protein-design-by-diffusion.md"
    untouched = project.docs_dir / "papers" / "exploration-bonuses-in-reinforcement-learning.md"
    untouched_mtime = untouched.stat().st_mtime_ns
    entry = project.papers_dir / "protein-design-by-diffusion.yml"
    entry.write_text(entry.read_text().replace("Protein design by diffusion", "Protein design by LIVE diffusion"))

    nav = regenerate(project)

    assert "LIVE diffusion" in page.read_text()
    assert untouched.stat().st_mtime_ns == untouched_mtime
    assert nav[0] == {"Home": "index.md"}


def test_a_broken_entry_keeps_the_previous_pages(fixture_project: Path, caplog):
    project = Project(fixture_project)
    generate(project)
    before = {p: p.read_text() for p in project.docs_dir.rglob("*.md")}
    (project.papers_dir / "broken.yml").write_text("title: [oops\n")

    assert regenerate(project) is None

    assert {p: p.read_text() for p in project.docs_dir.rglob("*.md")} == before
    assert "content/papers/broken.yml:1" in caplog.text or "content/papers/broken.yml" in caplog.text


def test_the_preview_config_watches_content_and_site_config(fixture_project: Path):
    import yaml

    project = Project(fixture_project)
    generate(project)
    config = yaml.safe_load(Path(serve_config(project)).read_text())
    assert config["watch"] == [str(project.content_dir), str(project.config_file)]
    assert config["hooks"][0].endswith("generator/serve.py")
