"""Page data (pure functions) and the pages and exports of the rich fixture list as built."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from browser_support import GIVEN_BIBTEX, HOSTILE_ID, RICH_ID, built_rich_list
from generator.build import gather
from generator.mapsvg import BACKGROUND_DOTS, LINKED_DOTS, background_path, dot_radius, map_model, map_positions, spread
from generator.pages import code_link, edit_url, excerpt, neighbour_themes, paper_links
from generator.project import Project
from generator.schema import Paper, SiteSection
from generator.themes import Grouping, Placement, Related, Theme


@pytest.mark.parametrize("text, expected", [
    (None, ""),
    ("One. Two. Three.", "One. Two."),
    ("Short first. Then " + "word " * 80, "Short first."),
    ("word " * 80, ("word " * 52).strip() + "…"),
])
def test_excerpt_keeps_one_or_two_sentences(text, expected):
    assert excerpt(text) == expected


@pytest.mark.parametrize("url, label, kind", [
    ("https://github.com/owner/repo", "owner/repo", "github"),
    ("https://github.com/owner/repo.git", "owner/repo", "github"),
    ("https://gitlab.com/group/project/-/tree/main", "group/project", "gitlab"),
    ("https://example.org/project/", "example.org/project", "code"),
])
def test_code_links_get_a_short_label_and_their_forge_icon(url, label, kind):
    link = code_link(url)
    assert (link.label, link.kind) == (label, kind)


@pytest.mark.parametrize("repo, expected", [
    (None, None),
    ("https://github.com/o/r", "https://github.com/o/r/edit/main/content/papers/x.yml"),
    ("https://gitlab.com/o/r/", "https://gitlab.com/o/r/-/edit/main/content/papers/x.yml"),
    ("https://codeberg.org/o/r", "https://codeberg.org/o/r/_edit/main/content/papers/x.yml"),
])
def test_edit_links_follow_the_forge(repo, expected):
    assert edit_url(SiteSection(repo_url=repo), "content/papers/x.yml") == expected


SCHOLAR = SiteSection().find_paper


def test_a_paper_without_links_is_looked_up_by_its_quoted_title_and_one_with_a_link_is_not():
    bare = Paper(id="x", source="x.yml", title='Attention & <b>"all"</b> you need?')
    [link] = paper_links(bare, SCHOLAR)
    assert (link.label, link.kind) == ("Find it on scholar.google.com", "search")
    assert link.href == ("https://scholar.google.com/scholar?q="
                         "%22Attention%20%26%20%3Cb%3E%22all%22%3C%2Fb%3E%20you%20need%3F%22")
    assert paper_links(bare, "https://www.semanticscholar.org/search?q={title}&sort=relevance")[0].label == \
        "Find it on semanticscholar.org"
    assert paper_links(bare, None) == []
    # a title holding the slot's own text fills it once, encoded
    slotted = Paper(id="x", source="x.yml", title="On {title} slots")
    assert paper_links(slotted, SCHOLAR)[0].href.endswith("q=%22On%20%7Btitle%7D%20slots%22")
    linked = Paper(id="x", source="x.yml", title="A", doi="10.1/x")
    assert [link.kind for link in paper_links(linked, SCHOLAR)] == ["doi"]


def grouping(themes: dict[str, list[str]], related: dict[str, list[str]]) -> Grouping:
    placements = {pid: Placement(slug, False, ()) for slug, ids in themes.items() for pid in ids}
    return Grouping(
        themes=tuple(Theme(slug, slug.upper(), (), tuple(ids)) for slug, ids in themes.items()),
        placements=placements,
        related={pid: tuple(Related(o, 0.5, ()) for o in related.get(pid, ())) for pid in placements},
        coords={pid: (i / 10, 1 - i / 10) for i, pid in enumerate(sorted(placements))},
    )


def test_neighbouring_themes_rank_by_related_links_crossing_between_them():
    g = grouping({"a": ["a1", "a2"], "b": ["b1"], "c": ["c1"]},
                 {"a1": ["b1", "a2"], "a2": ["b1", "c1"], "b1": ["a1"]})
    neighbours = neighbour_themes(g)
    assert [(t.slug, n) for t, n in neighbours["a"]] == [("b", 3), ("c", 1)]
    assert [(t.slug, n) for t, n in neighbours["c"]] == [("a", 1)]


def test_the_home_map_links_every_paper_and_a_theme_map_only_its_own():
    g = grouping({"a": ["a1", "a2"], "b": ["b1"]}, {})
    titles = {"a1": "A one", "a2": "A two", "b1": "B one"}
    whole = map_model(g, titles, map_positions(g))
    assert sorted(d.id for layer in whole.layers for d in layer.dots) == ["a1", "a2", "b1"]
    theme = map_model(g, titles, map_positions(g), highlight="b")
    assert [layer.slug for layer in theme.layers] == ["a", "b"]  # highlighted theme drawn last, on top
    assert [d.title for d in theme.layers[1].dots] == ["B one"]
    assert theme.layers[0].dots == () and theme.layers[0].path == "M14 14h0M306 174h0"
    assert [layer.slug for layer in theme.legend] == ["a", "b"]


def test_on_long_lists_the_home_map_links_themes_and_samples_background_dots():
    count = LINKED_DOTS + 1000
    per_theme = count // 4
    g = grouping({f"t{k}": [f"p{k}-{i:05d}" for i in range(per_theme)] for k in range(4)}, {})
    titles = {pid: pid for pid in g.placements}
    home = map_model(g, titles, map_positions(g))
    assert all(layer.dots == () for layer in home.layers)
    drawn = sum(layer.path.count("M") for layer in home.layers)
    assert BACKGROUND_DOTS // 2 <= drawn <= BACKGROUND_DOTS
    theme = map_model(g, titles, map_positions(g), highlight="t2")
    assert len(theme.layers[-1].dots) == per_theme  # a theme page still links every paper of its own theme


@pytest.mark.parametrize("count, radius", [(1, 7.0), (210, 6.6), (2000, 2.1), (10_000, 1.5)])
def test_dots_shrink_with_the_list_but_stay_visible(count, radius):
    assert dot_radius(count) == radius


def test_spread_keeps_axis_order_and_evens_out_outliers():
    spread_out = spread({"a": (0.0, 0.0), "b": (0.01, 0.02), "c": (1.0, 1.0)})
    assert spread_out == {"a": (0.0, 0.0), "b": (0.255, 0.26), "c": (1.0, 1.0)}


def test_background_dots_cost_a_few_bytes_each():
    assert background_path([(1, 2), (300, 400)]) == "M1 2h0M300 400h0"


@pytest.fixture(scope="module")
def rich(tmp_path_factory) -> Path:
    return built_rich_list(tmp_path_factory)


def test_exports_are_in_the_site(rich: Path):
    site = rich / "site"
    data = json.loads((site / "papers.json").read_text(encoding="utf-8"))
    assert len(data["papers"]) == 14 and {t["slug"] for t in data["themes"]} == {
        p.stem for p in (site / "themes").glob("*.bib")}
    whole = (site / "reading-list.bib").read_text(encoding="utf-8")
    assert GIVEN_BIBTEX in whole and whole.count("\n@") == 13
    for theme in data["themes"]:
        bib = (site / "themes" / f"{theme['slug']}.bib").read_text(encoding="utf-8")
        assert bib.count("@") >= len(theme["papers"])
    assert (site / "feed.xml").read_text(encoding="utf-8").count("<entry>") == 14


def test_the_paper_page_shows_every_part(rich: Path):
    html = (rich / "site" / "papers" / f"{RICH_ID}.html").read_text(encoding="utf-8")
    for part in ("Jane Doe, Richard Roe", "Proceedings of Examples", 'href="https://doi.org/10.1234/example.5678"',
                 'href="https://arxiv.org/abs/2301.01234"', 'href="https://github.com/example/attention-geometry"',
                 'href="../tags.html#tag-transformers"', "<strong>must read</strong>", 'class="rl-back"',
                 'href="https://example.org/fixture/reading-list/edit/main/content/papers/' + RICH_ID + '.yml"',
                 '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">', "Related papers",
                 # what a reference manager's "save" button and a link preview read
                 '<meta name="citation_title" content="Attention geometry of transformer states">',
                 '<meta name="citation_author" content="Jane Doe">', '<meta name="citation_author" content="Richard Roe">',
                 '<meta name="citation_doi" content="10.1234/example.5678">',
                 '<meta property="og:title" content="Attention geometry of transformer states">',
                 # names as readers type them, for the site's search (which matches letters exactly)
                 '<p class="rl-spellings" hidden>Zoe Angstrom</p>'):
        assert part in html, part
    plain = (rich / "site" / "papers" / f"{HOSTILE_ID}.html").read_text(encoding="utf-8")
    assert "rl-spellings" not in plain   # nothing to spell out in an ASCII entry


class TagCollector(HTMLParser):
    """Every real element with its attributes (escaped text is not an element)."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def test_hostile_text_is_escaped_everywhere(rich: Path):
    for page in (rich / "site").rglob("*.html"):
        collector = TagCollector()
        collector.feed(page.read_text(encoding="utf-8"))
        for tag, attrs in collector.tags:
            assert tag not in ("img", "iframe"), page
            assert not any(name.startswith("on") for name in attrs), (page, tag, attrs)
            assert not any(attrs.get(k, "").strip().lower().startswith("javascript:") for k in ("href", "src")), page
        own_scripts = [a.get("src", "") for t, a in collector.tags if t == "script"]
        assert all(src == "" or "assets/javascripts/" in src or "search/" in src for src in own_scripts), page


def test_pages_load_nothing_from_other_hosts(rich: Path):
    for page in (rich / "site").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r'<(script|link|img|iframe|source)\b[^>]*(src|href)="(https?:)?//', html), page


def test_tags_index_lists_each_tag_with_its_papers(rich: Path):
    html = (rich / "site" / "tags.html").read_text(encoding="utf-8")
    for tag in ("graphs", "transformers", "reinforcement-learning"):
        assert f'id="tag-{tag}"' in html
    assert html.count(f'href="papers/{HOSTILE_ID}.html"') == 1


def all_papers_columns(project: Project) -> tuple[list[str], set[int]]:
    """The all-papers table's headers and the numbers of cells its rows have."""
    text = gather(project)[2]["all-papers.md"]
    headers = re.findall(r"<th[^>]*>(?:<button[^>]*>)?([^<]+)", text)
    return headers, {len(re.findall(r"<td[ >]", row)) for row in re.findall(r"<tr><td>.*</tr>", text)}


def test_the_all_papers_table_leaves_out_columns_no_entry_fills(fixture_project: Path):
    project = Project(fixture_project)
    assert all_papers_columns(project) == (["Title", "Theme", "Year", "Added", "Tags"], {5})
    assert "rl-two-columns" not in gather(project)[2]["all-papers.md"]
    for entry in project.papers_dir.glob("*.yml"):
        kept = [line for line in entry.read_text().splitlines()
                if not line.startswith(("year:", "tags:", "- ", "added:", "authors:"))]
        entry.write_text("\n".join(kept) + "\n")
    assert all_papers_columns(project) == (["Title", "Theme"], {2})
    # the titles then take the larger share of the width (the stylesheet's .rl-two-columns)
    assert 'class="rl-all-papers rl-two-columns"' in gather(project)[2]["all-papers.md"]


def test_the_home_page_lists_recent_papers_only_when_they_came_on_different_days(fixture_project: Path):
    # the shipped list was imported on one day, and its "Recently added" was the first eight titles A-Z
    project = Project(fixture_project)
    assert "## Recently added" in gather(project)[2]["index.md"]
    for entry in project.papers_dir.glob("*.yml"):
        entry.write_text(re.sub(r"^added: .*$", "added: 2024-01-01", entry.read_text(), flags=re.M))
    assert "## Recently added" not in gather(project)[2]["index.md"]
    assert "Added" not in all_papers_columns(project)[0]   # nor a column of one date


@pytest.mark.parametrize("authors, shown", [
    ((), ""), (("Ashish Vaswani",), "Vaswani"), (("Ashish Vaswani", "Noam Shazeer"), "Vaswani and Shazeer"),
    (("Ashish Vaswani", "Noam Shazeer", "Niki Parmar"), "Vaswani, Shazeer and Parmar"),
    (("A Vaswani", "N Shazeer", "N Parmar", "J Uszkoreit"), "Vaswani, Shazeer, Parmar et al."),
    (("LeCun, Yann", "Bengio"), "LeCun and Bengio"),
])
def test_the_all_papers_table_names_authors_by_surname(authors, shown):
    from generator.pages import short_authors
    assert short_authors(authors) == shown
