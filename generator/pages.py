"""Build the Markdown pages of the site from the catalog and the grouping (no file access).

Python prepares what each page shows; the templates in theme/pages decide how it looks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from generator.content import Catalog
from generator.render import Renderer
from generator.schema import Paper
from generator.themes import Grouping, Theme

EXCERPT_CHARS = 260


def paper_path(paper_id: str) -> str:
    """Permanent page of a paper: made from its id only, never from its theme."""
    return f"papers/{paper_id}.md"


def theme_path(slug: str) -> str:
    return f"themes/{slug}.md"


HOME = "index.md"
ALL_PAPERS = "all-papers.md"


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
    """A labelled outgoing link of a paper."""

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
    match = re.match(r"https?://(?:www\.)?(github\.com|gitlab\.com|codeberg\.org|bitbucket\.org)/([^/]+/[^/#?]+)", url)
    if match:
        return match.group(2).removesuffix(".git")
    return re.sub(r"^https?://(?:www\.)?", "", url).rstrip("/")


def build_pages(catalog: Catalog, grouping: Grouping, renderer: Renderer) -> dict[str, str]:
    """Every generated page, as docs-relative path -> Markdown text."""
    papers = {p.id: p for p in catalog.papers}
    theme_of = {pid: grouping.theme(place.theme) for pid, place in grouping.placements.items()}
    pages = {HOME: renderer.render("home.md", HOME, config=catalog.config, themes=grouping.themes,
                                   paper_count=len(papers), theme_path=theme_path)}
    for theme in grouping.themes:
        path = theme_path(theme.slug)
        pages[path] = renderer.render("theme.md", path, theme=theme, papers=[papers[i] for i in theme.papers],
                                      excerpt=excerpt, paper_path=paper_path, code_label=code_label)
    for paper in catalog.papers:
        path = paper_path(paper.id)
        pages[path] = renderer.render(
            "paper.md", path, paper=paper, theme=theme_of[paper.id], theme_path=theme_path,
            links=paper_links(paper), code_label=code_label, paper_path=paper_path,
            related=[(papers[r.id], r) for r in grouping.related.get(paper.id, ())],
        )
    pages[ALL_PAPERS] = renderer.render("all-papers.md", ALL_PAPERS, papers=catalog.papers, theme_of=theme_of,
                                        paper_path=paper_path, theme_path=theme_path)
    return pages


def navigation(grouping: Grouping) -> list:
    """The site navigation: home, the theme pages and the all-papers index, never paper pages."""
    return [
        {"Home": HOME},
        {"Themes": [{theme.name: theme_path(theme.slug)} for theme in grouping.themes]},
        {"All papers": ALL_PAPERS},
    ]


def theme_sizes(themes: tuple[Theme, ...]) -> dict[str, int]:
    return {t.slug: len(t.papers) for t in themes}
