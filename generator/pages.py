"""Build the Markdown pages of the site from the catalog and the grouping (no file access).

Python prepares what each page shows; the templates in theme/pages decide how it looks.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from generator.content import Catalog
from generator.exports import bibtex_entry, bibtex_keys, recently_added
from generator.mapsvg import map_model, theme_colours
from generator.mathml import text_with_math
from generator.notes import render_notes
from generator.paths import (
    ALL_PAPERS, FEED, HOME, LIST_BIB, PAPERS_JSON, TAGS, paper_path, tag_anchor, theme_bib_path, theme_path,
)
from generator.render import Renderer
from generator.schema import Paper, SiteSection
from generator.themes import Grouping, Theme

EXCERPT_CHARS = 260
RECENT_COUNT = 8
NEIGHBOUR_COUNT = 3
FORGES = r"github\.com|gitlab\.com|codeberg\.org|bitbucket\.org"

__all__ = ["build_pages", "navigation", "paper_path", "theme_path", "excerpt", "HOME", "ALL_PAPERS"]


def excerpt(text: str | None, limit: int = EXCERPT_CHARS) -> str:
    """The first sentence or two of an abstract, cut at a sentence or word boundary."""
    if not text:
        return ""
    text = " ".join(text.split())
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z])", text)
    result = ""
    for sentence in sentences[:2]:
        if result and len(result) + len(sentence) + 1 > limit:
            break
        result = f"{result} {sentence}".strip()
    if len(result) > limit:
        result = result[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return result


@dataclass(frozen=True)
class Link:
    """A labelled outgoing link of a paper, with the icon that shows its kind."""

    label: str
    href: str
    kind: str


def paper_links(paper: Paper) -> list[Link]:
    """The paper's own links, in a fixed order; ids become their canonical addresses."""
    links = []
    if paper.url:
        links.append(Link("Paper", paper.url, "paper"))
    if paper.pdf:
        links.append(Link("PDF", paper.pdf, "pdf"))
    if paper.doi:
        links.append(Link(f"DOI {paper.doi}", f"https://doi.org/{paper.doi}", "doi"))
    if paper.arxiv:
        links.append(Link(f"arXiv {paper.arxiv}", f"https://arxiv.org/abs/{paper.arxiv}", "arxiv"))
    return links


def code_label(url: str) -> str:
    """A short label for a code link: owner/repo on forges, else the host."""
    match = re.match(rf"https?://(?:www\.)?(?:{FORGES})/([^/]+/[^/#?]+)", url)
    if match:
        return match.group(1).removesuffix(".git")
    return re.sub(r"^https?://(?:www\.)?", "", url).rstrip("/")


def code_link(url: str) -> Link:
    """A code link with the icon of its forge."""
    host = re.match(r"https?://(?:www\.)?([^/:]+)", url)
    kind = {"github.com": "github", "gitlab.com": "gitlab"}.get(host.group(1).lower() if host else "", "code")
    return Link(code_label(url), url, kind)


def edit_url(site: SiteSection, source: str) -> str | None:
    """Where a contributor edits the entry's file, in the forge's own edit URL style."""
    if not site.repo_url:
        return None
    repo = site.repo_url.rstrip("/")
    if "gitlab" in repo:
        return f"{repo}/-/edit/{site.edit_branch}/{source}"
    if "codeberg.org" in repo:
        return f"{repo}/_edit/{site.edit_branch}/{source}"
    return f"{repo}/edit/{site.edit_branch}/{source}"


def code_fence(text: str) -> str:
    """A backtick fence longer than any run of backticks in the text, so the text cannot close it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def neighbour_themes(grouping: Grouping, limit: int = NEIGHBOUR_COUNT) -> dict[str, list[tuple[Theme, int]]]:
    """For each theme, the themes its papers' related-paper links lead to most often."""
    theme_of = {pid: place.theme for pid, place in grouping.placements.items()}
    crossings: dict[str, Counter] = {t.slug: Counter() for t in grouping.themes}
    for pid, related in sorted(grouping.related.items()):
        for other in related:
            a, b = theme_of[pid], theme_of.get(other.id)
            if b and a != b:
                crossings[a][b] += 1
                crossings[b][a] += 1
    order = {t.slug: i for i, t in enumerate(grouping.themes)}
    return {slug: [(grouping.theme(other), n) for other, n in
                   sorted(counts.items(), key=lambda item: (-item[1], order[item[0]]))[:limit]]
            for slug, counts in crossings.items()}


def tag_index(papers: tuple[Paper, ...]) -> list[tuple[str, list[Paper]]]:
    """Every tag with its papers, tags alphabetically, papers by title."""
    tagged: dict[str, list[Paper]] = {}
    for paper in papers:
        for tag in paper.tags:
            tagged.setdefault(tag, []).append(paper)
    return [(tag, sorted(tagged[tag], key=lambda p: (p.title.lower(), p.id))) for tag in sorted(tagged)]


def exports(grouping: Grouping) -> dict:
    """The export files the pages link to."""
    return {"bib": LIST_BIB, "json": PAPERS_JSON, "feed": FEED,
            "themes": {t.slug: theme_bib_path(t.slug) for t in grouping.themes}}


def build_pages(catalog: Catalog, grouping: Grouping, renderer: Renderer) -> dict[str, str]:
    """Every generated page, as docs-relative path -> Markdown text."""
    papers = {p.id: p for p in catalog.papers}
    theme_of = {pid: grouping.theme(place.theme) for pid, place in grouping.placements.items()}
    colours = theme_colours(grouping)
    common = dict(paper_path=paper_path, theme_path=theme_path, colours=colours, exports=exports(grouping),
                  tags_path=TAGS, tag_anchor=tag_anchor, code_link=code_link, excerpt=excerpt,
                  math=text_with_math, theme_of=theme_of, site=catalog.config.site)
    titles = {p.id: p.title for p in catalog.papers}
    pages = {HOME: home_page(catalog, grouping, renderer, titles, common)}
    neighbours = neighbour_themes(grouping)
    for theme in grouping.themes:
        path = theme_path(theme.slug)
        pages[path] = renderer.render("theme.md", path, theme=theme, papers=[papers[i] for i in theme.papers],
                                      neighbours=neighbours[theme.slug],
                                      map=map_model(grouping, titles, highlight=theme.slug), **common)
    keys = bibtex_keys(catalog.papers)
    for paper in catalog.papers:
        path = paper_path(paper.id)
        bibtex = bibtex_entry(paper, keys[paper.id])
        pages[path] = renderer.render(
            "paper.md", path, paper=paper, theme=theme_of[paper.id], links=paper_links(paper),
            related=[(papers[r.id], r) for r in grouping.related.get(paper.id, ())],
            notes=render_notes(paper.notes), bibtex=bibtex, fence=code_fence(bibtex),
            edit_url=edit_url(catalog.config.site, paper.source), **common,
        )
    pages[ALL_PAPERS] = renderer.render("all-papers.md", ALL_PAPERS, papers=catalog.papers, **common)
    pages[TAGS] = renderer.render("tags.md", TAGS, tags=tag_index(catalog.papers), **common)
    return pages


def home_page(catalog: Catalog, grouping: Grouping, renderer: Renderer, titles: dict[str, str],
              common: dict) -> str:
    """The home page: what the list is, its themes, what is new, and the map."""
    return renderer.render("home.md", HOME, config=catalog.config, themes=grouping.themes,
                           paper_count=len(catalog.papers), recent=recently_added(catalog.papers, RECENT_COUNT),
                           map=map_model(grouping, titles), tag_count=len({t for p in catalog.papers for t in p.tags}),
                           **common)


def navigation(grouping: Grouping) -> list:
    """The site navigation: home, the theme pages, the all-papers and tag indexes, never paper pages."""
    return [
        {"Home": HOME},
        {"Themes": [{theme.name: theme_path(theme.slug)} for theme in grouping.themes]},
        {"All papers": ALL_PAPERS},
        {"Tags": TAGS},
        {"Contribute": "contribute.md"},
    ]
