"""End to end: the fixture list through the real pipeline and a real `mkdocs build`."""
from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


from conftest import copy_fixture_list
from generator.build import build
from generator.project import Project

PAPER_IDS = sorted(p.stem for p in (Path(__file__).parent / "fixtures/small-list/content/papers").glob("*.yml"))


class LinkCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("href", "src"):
            if attrs.get(name):
                self.links.append(attrs[name])


def links_of(path: Path) -> list[str]:
    collector = LinkCollector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector.links


def local_target(page: Path, link: str) -> Path | None:
    parts = urlsplit(link)
    if parts.scheme or link.startswith(("#", "//", "data:", "mailto:")):
        return None
    return (page.parent / unquote(parts.path)).resolve() if parts.path else None


def tree_digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_site_has_home_themes_all_papers_and_one_page_per_paper(built_fixture_site: Path):
    site = built_fixture_site / "site"
    assert (site / "index.html").exists() and (site / "all-papers.html").exists()
    assert sorted(p.stem for p in (site / "papers").glob("*.html")) == PAPER_IDS
    theme_pages = sorted((site / "themes").glob("*.html"))
    assert len(theme_pages) >= 2
    linked = set()
    for page in theme_pages:
        linked |= {local_target(page, link).stem for link in links_of(page)
                   if local_target(page, link) and local_target(page, link).parent.name == "papers"}
    assert linked >= set(PAPER_IDS)


def test_every_local_link_and_asset_resolves(built_fixture_site: Path):
    site = built_fixture_site / "site"
    broken = []
    # 404.html is served from any depth, so MkDocs gives it root-absolute links on purpose.
    for page in sorted(set(site.rglob("*.html")) - {site / "404.html"}):
        for link in links_of(page):
            target = local_target(page, link)
            if target is not None and not target.exists():
                broken.append(f"{page.relative_to(site)} -> {link}")
    assert broken == []


def test_the_search_index_holds_every_title(built_fixture_site: Path):
    index = json.loads((built_fixture_site / "site" / "search" / "search_index.json").read_text())
    titles = {doc["title"] for doc in index["docs"]}
    for paper_id in PAPER_IDS:
        title = re.search(r"^title: (.*)$", (built_fixture_site / "content/papers" / f"{paper_id}.yml")
                          .read_text(), re.M).group(1).strip("'\"")
        assert title in titles


def test_search_finds_a_theme_name_on_its_own_page_only(built_fixture_site: Path):
    """A paper's page names its theme, and the search once read that line: 'protein' found every paper of a theme
    named "Curriculum learning and protein language models", a handwriting paper among them, above the papers
    whose abstracts spoke of proteins. The theme cards of the home and themes pages, and a theme page's paper count
    and download link, were read too."""
    site = built_fixture_site / "site"
    index = json.loads((site / "search" / "search_index.json").read_text())
    listing = json.loads((site / "papers.json").read_text())
    text_of = {}
    for doc in index["docs"]:
        text_of.setdefault(doc["location"].split("#")[0], []).append(doc["text"])
    all_text = " ".join(" ".join(texts) for texts in text_of.values())
    for theme in listing["themes"]:
        assert theme["name"] not in all_text
        own_page = " ".join(text_of[f"themes/{theme['slug']}.html"])
        assert all(term in own_page for term in theme["terms"]) and "BibTeX" not in own_page
    for paper in listing["papers"]:
        assert paper["abstract"][:40] in " ".join(text_of[paper["page"]])   # the paper's own words are found
    # nor the button that looks up a paper without links: it was the preview of every such paper's result
    unlinked = next(p for p in listing["papers"] if not any(p[key] for key in ("url", "pdf", "doi", "arxiv")))
    assert "Find it on" in (site / unlinked["page"]).read_text()
    assert "Find it on" not in all_text


def test_paper_pages_stay_out_of_the_navigation(built_fixture_site: Path):
    home = (built_fixture_site / "site" / "index.html").read_text()
    nav = home[home.index('<nav class="md-nav md-nav--primary"'):home.index("md-sidebar--secondary")]
    hrefs = re.findall(r'href="([^"]+)"', nav)
    assert not [href for href in hrefs if href.startswith("papers/")]
    assert [href for href in hrefs if href.startswith("themes/")]


def test_building_twice_gives_a_byte_identical_site(tmp_path: Path, built_fixture_site: Path):
    again = copy_fixture_list(tmp_path)
    build(Project(again))
    assert tree_digest(again / "site") == tree_digest(built_fixture_site / "site")
    assert (again / "site" / "sitemap.xml").read_bytes() == (built_fixture_site / "site" / "sitemap.xml").read_bytes()


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "generator", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)


def test_bad_entries_fail_the_build_listing_each_problem_without_traceback(tmp_path: Path):
    root = copy_fixture_list(tmp_path)
    assert run_cli("build", cwd=root).returncode == 0
    before_site = tree_digest(root / "site")
    papers = root / "content" / "papers"
    (papers / "missing-title.yml").write_text("abstract: No title here.\n")
    (papers / "wrong-type.yml").write_text("title: Typed\nyear: [2020]\nabstract: x\n")
    (papers / "broken-yaml.yml").write_text("title: 'unterminated\nabstract: x\n")
    before_content = tree_digest(root / "content")

    result = run_cli("build", cwd=root)

    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    problem_lines = [line.strip() for line in result.stderr.splitlines() if line.startswith("  ")]
    assert [line.split(":")[0] for line in problem_lines] == [
        "content/papers/broken-yaml.yml", "content/papers/missing-title.yml", "content/papers/wrong-type.yml"]
    assert "content/papers/wrong-type.yml:2: year: expected a year such as 2024, found a list" in problem_lines
    assert tree_digest(root / "site") == before_site
    assert tree_digest(root / "content") == before_content


def test_a_failed_render_leaves_the_previous_site(tmp_path: Path):
    root = copy_fixture_list(tmp_path)
    project = Project(root)
    build(project)
    before = tree_digest(root / "site")
    broken_theme = tmp_path / "theme"
    (broken_theme / "pages").mkdir(parents=True)
    for template in (project.theme_dir / "pages").iterdir():
        (broken_theme / "pages" / template.name).write_text(template.read_text())
    (broken_theme / "overrides").mkdir()
    (broken_theme / "overrides" / "main.html").write_text("{% extends 'base.html' %}{% block content %}{{ x.y.z }")
    (root / "theme").symlink_to(broken_theme)
    result = run_cli("build", cwd=root)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert tree_digest(root / "site") == before
