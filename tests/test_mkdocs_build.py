"""The spread MkDocs build (pages outside the navigation rendered on every core) makes MkDocs' own site."""
from __future__ import annotations

import filecmp
import logging
from pathlib import Path

import jinja2
import pytest
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from generator.build import generate
from generator.mkdocs_build import build_site, can_spread
from generator.parallel import can_fork
from generator.project import Project

needs_fork = pytest.mark.skipif(not can_fork(), reason="spreading needs fork and two cores")


@pytest.fixture
def generated(fixture_project: Path, monkeypatch) -> Project:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # MkDocs stamps the sitemap with the build date
    project = Project(fixture_project)
    generate(project)
    return project


def config_of(project: Project, site: Path, strict: bool = True):
    return load_config(str(project.mkdocs_file), site_dir=str(site), strict=strict)


def differing_files(a: Path, b: Path) -> list[str]:
    """Paths under a and b whose bytes differ, or that only one of them has."""
    names = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
    others = {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    return sorted((names ^ others) | {n for n in names & others if not filecmp.cmp(a / n, b / n, shallow=False)})


@needs_fork
def test_a_spread_build_is_byte_for_byte_mkdocs_own(generated: Project, tmp_path: Path):
    mkdocs_build(config_of(generated, tmp_path / "own"))
    build_site(config_of(generated, tmp_path / "spread"), spread=True)
    papers = list((tmp_path / "spread" / "papers").glob("*.html"))
    assert len(papers) == len(list((generated.root / "content" / "papers").glob("*.yml")))
    assert differing_files(tmp_path / "own", tmp_path / "spread") == []


def add_page(project: Project, rel: str, text: str) -> None:
    path = project.docs_dir / rel
    path.write_text(text, encoding="utf-8")


@needs_fork
def test_a_warning_on_a_page_rendered_elsewhere_fails_a_strict_build(generated: Project, tmp_path: Path,
                                                                     caplog):
    add_page(generated, "papers/zz-broken.md", "# Broken\n\nSee [the missing page](nowhere.md).\n")
    with caplog.at_level(logging.WARNING, logger="mkdocs"), pytest.raises(Abort, match="1 warnings"):
        build_site(config_of(generated, tmp_path / "spread"), spread=True)
    assert [r.getMessage() for r in caplog.records if "nowhere.md" in r.getMessage()] == [
        "Doc file 'papers/zz-broken.md' contains a link 'nowhere.md', but the target 'papers/nowhere.md' is "
        "not found among documentation files."]


@needs_fork
def test_an_error_on_a_page_rendered_elsewhere_stops_the_build(generated: Project, tmp_path: Path):
    add_page(generated, "papers/zz-broken.md", "---\ntemplate: no-such-template.html\n---\n# Broken\n")
    with pytest.raises(jinja2.TemplateNotFound, match="no-such-template.html"):
        build_site(config_of(generated, tmp_path / "spread"), spread=True)


def test_short_lists_and_unknown_plugins_keep_mkdocs_own_build(generated: Project, tmp_path: Path):
    config = config_of(generated, tmp_path / "site")
    assert not can_spread(config)  # the fixture list has a few dozen pages
    for index in range(400):
        add_page(generated, f"papers/zz-{index:03}.md", f"# Page {index}\n")
    assert can_spread(config) == can_fork()
    config.plugins["some-plugin"] = object()
    assert not can_spread(config)


@needs_fork
def test_readinglist_build_spreads_a_long_list_to_the_same_site(fixture_project: Path, tmp_path: Path,
                                                                monkeypatch):
    import shutil

    from generator import mkdocs_build
    from generator.build import build

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    project = Project(fixture_project)
    build(project)
    shutil.copytree(project.site_dir, tmp_path / "own")
    spread_calls = []
    monkeypatch.setattr(mkdocs_build, "SPREAD_FROM", 1)  # the fixture list counts as long
    monkeypatch.setattr(mkdocs_build, "build_spread",
                        lambda config, spread=mkdocs_build.build_spread: spread_calls.append(1) or spread(config))
    build(project)
    assert spread_calls == [1]
    assert differing_files(tmp_path / "own", project.site_dir) == []


def test_the_search_reads_a_plural_as_its_singular_and_leaves_other_final_s_alone():
    """Material splits indexed text and queries with one separator pattern (in the browser; Python's re reads
    this pattern alike), so a plural and its singular become one word. Acronyms too: the text is split before
    it is lower-cased."""
    import re

    from generator.mkdocs_config import ENGLISH_SEARCH_SEPARATOR, search_settings

    text = "LLMs RNNs transformers networks analysis loss corpus this gas 1990s"
    words = [word for word in re.split(ENGLISH_SEARCH_SEPARATOR, text) if word]
    assert words == ["LLM", "RNN", "transformer", "network", "analysis", "loss", "corpus", "this", "gas", "1990s"]
    assert search_settings("de") == {"lang": "de"}   # the rule is English's
