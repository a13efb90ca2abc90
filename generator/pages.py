"""Build the Markdown pages of the site from the catalog and the grouping (no file access).

Python prepares what each page shows; the templates in theme/pages decide how it looks.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import partial
from typing import Callable, Sequence
from urllib.parse import quote, urlsplit

from markupsafe import Markup

from generator.asciiforms import ascii_spellings
from generator.content import Catalog
from generator.exports import recently_added
from generator.mapsvg import map_model, map_positions, theme_colours
from generator.mathml import text_with_math
from generator.notes import render_notes
from generator.paths import (
    ALL_PAPERS, FEED, HOME, LIST_BIB, PAPERS_JSON, TAGS, THEMES, paper_path, tag_anchor, theme_bib_path, theme_path,
)
from generator.render import Renderer, single_spaced
from generator.schema import TITLE_SLOT, Paper, SiteSection
from generator.themes import Grouping, Theme

EXCERPT_CHARS = 260
RECENT_COUNT = 8
# Authors named under a title in the all-papers table before 'et al.' (the filter reads them all).
ROW_AUTHORS = 3
NEIGHBOUR_COUNT = 3
# The most themes the navigation lists one by one (see navigation()).
NAV_THEMES = 24
# Rows the all-papers table shows before "Show more" (the filter searches them all). A browser styles
# and lays out every row it shows, and Material's scripts make it do so several times while a page
# opens: 10,000 shown rows took 16 s to open, the first 300 of them about 2 s.
INDEX_ROWS_SHOWN = 300
# Papers each tag of the tag index lists before "Show all" (the same cost, tag by tag).
TAG_PAPERS_SHOWN = 50
FORGES = r"github\.com|gitlab\.com|codeberg\.org|bitbucket\.org"

__all__ = ["page_jobs", "navigation", "paper_path", "theme_path", "excerpt", "HOME", "ALL_PAPERS"]


SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def added_over_several_days(papers: Sequence[Paper]) -> bool:
    """Whether the papers were added on more than one day. A list imported at once has one date: its "recently
    added" would be the first few papers by id, which says nothing, so the home page leaves the section out, and
    All papers its Added column (one date on every row)."""
    return len({paper.added for paper in papers if paper.added}) > 1


def excerpt(text: str | None, limit: int = EXCERPT_CHARS) -> str:
    """The first sentence or two of an abstract, cut at a sentence or word boundary."""
    if not text:
        return ""
    # Only the start can be shown: two sentences of at most `limit` together, or the first one cut.
    head = single_spaced(text[:4 * limit])
    text = head if len(text) <= 4 * limit or len(head) > 2 * limit + 2 else single_spaced(text)
    sentences = SENTENCE_BREAK.split(text, maxsplit=2)   # only the first two are read
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


def paper_links(paper: Paper, find_paper: str | None = None) -> list[Link]:
    """The paper's own links, in a fixed order; ids become their canonical addresses. A paper with none is
    looked up by its title at `find_paper` (site.find_paper), when the site names a search address."""
    links = []
    if paper.url:
        links.append(Link("Paper", paper.url, "paper"))
    if paper.pdf:
        links.append(Link("PDF", paper.pdf, "pdf"))
    if paper.doi:
        links.append(Link(f"DOI {paper.doi}", f"https://doi.org/{paper.doi}", "doi"))
    if paper.arxiv:
        links.append(Link(f"arXiv {paper.arxiv}", f"https://arxiv.org/abs/{paper.arxiv}", "arxiv"))
    if not links and find_paper:
        links.append(title_search_link(paper.title, find_paper))
    return links


def title_search_link(title: str, find_paper: str) -> Link:
    """'Find it on scholar.google.com': the search address with the title, quoted as one phrase, in its slot."""
    host = (urlsplit(find_paper).hostname or "").removeprefix("www.")
    return Link(f"Find it on {host}", find_paper.replace(TITLE_SLOT, quote(f'"{title}"', safe="")), "search")


@dataclass(frozen=True)
class RelatedItem:
    """A related paper as a paper page lists it; the theme is named only when it is another one."""

    href: str
    title: str
    year: int | None
    other_theme: str | None
    colour: str
    terms: str


@dataclass(frozen=True)
class PaperView:
    """What a paper page shows beyond the entry itself, worked out in Python so the template only prints it."""

    authors: str
    added: str
    theme_href: str
    colour: str
    links: list[Link]
    code: list[Link]
    tags: list[tuple[str, str]]
    abstract: Markup
    notes: Markup
    related: list[RelatedItem]
    bibtex: str
    edit_url: str | None
    description: str   # for search engines and link previews: the abstract's first sentences
    citation: list[tuple[str, str]]   # Highwire Press tags, which reference managers and Google Scholar read
    # the ASCII spelling of words written with other letters ('Scholkopf' for 'Schölkopf'), hidden on the page: the
    # site's search matches letters exactly, and readers type names without their accents
    spellings: str = ""


@dataclass(frozen=True)
class PaperRow:
    """A paper as the all-papers table and the tag index list it (links relative to a top-level page)."""

    href: str
    title: str
    year: int | str
    added: str
    theme: str
    theme_href: str
    colour: str
    tags: list[tuple[str, str]]
    authors: str = ""          # every author, as the filter reads them
    authors_short: str = ""    # as the table shows them under the title: 'Vaswani, Shazeer, Parmar et al.'


def short_authors(authors: tuple[str, ...], shown: int = ROW_AUTHORS) -> str:
    """Authors as a list of papers shows them under a title: their surnames (the last word of 'First Last', or what
    comes before the comma of 'Last, First'), 'A and B', 'A, B and C', or the first `shown` and 'et al.'."""
    surnames = [surname(author) for author in authors[:shown]]
    if len(authors) > shown:
        return ", ".join(surnames) + " et al."
    if len(surnames) < 2:
        return "".join(surnames)
    return ", ".join(surnames[:-1]) + " and " + surnames[-1]


def surname(author: str) -> str:
    """'Ashish Vaswani' -> 'Vaswani'; 'Vaswani, Ashish' -> 'Vaswani'; a single name stays whole."""
    if "," in author:
        return author.split(",", 1)[0].strip()
    return (author.split() or [author])[-1]


def paper_rows(papers: tuple[Paper, ...], theme_of: dict[str, Theme], colours: dict[str, str], url) -> dict[str, PaperRow]:
    """Every paper's row by id, made once for both indexes."""
    return {p.id: PaperRow(url(paper_path(p.id)), p.title, p.year or "", p.added.isoformat() if p.added else "",
                           theme_of[p.id].name, url(theme_path(theme_of[p.id].slug)), colours[theme_of[p.id].slug],
                           [(tag, url(f"{TAGS}#{tag_anchor(tag)}")) for tag in p.tags],
                           ", ".join(p.authors), short_authors(p.authors))
            for p in papers}


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


def paper_view(paper: Paper, grouping: Grouping, papers: dict[str, Paper], theme_of: dict[str, Theme],
               colours: dict[str, str], url, bibtex: str, site: SiteSection) -> PaperView:
    """Everything a paper page shows, with links relative to the page (`url`)."""
    theme = theme_of[paper.id]
    related = []
    for rel in grouping.related.get(paper.id, ()):
        other, other_theme = papers[rel.id], theme_of[rel.id]
        elsewhere = other_theme.slug != theme.slug
        related.append(RelatedItem(url(paper_path(other.id)), other.title, other.year,
                                   other_theme.name if elsewhere else None, colours[other_theme.slug],
                                   ", ".join(rel.terms)))
    return PaperView(
        authors=", ".join(paper.authors), added=paper.added.isoformat() if paper.added else "",
        theme_href=url(theme_path(theme.slug)), colour=colours[theme.slug], links=paper_links(paper, site.find_paper),
        code=[code_link(c) for c in paper.code], tags=[(tag, url(f"{TAGS}#{tag_anchor(tag)}")) for tag in paper.tags],
        abstract=text_with_math(paper.abstract), notes=render_notes(paper.notes), related=related,
        bibtex=bibtex, edit_url=edit_url(site, paper.source), description=excerpt(paper.abstract) or paper.title,
        citation=citation_tags(paper),
        spellings=" ".join(ascii_spellings([paper.title, *paper.authors, paper.abstract or ""])))


def citation_tags(paper: Paper) -> list[tuple[str, str]]:
    """The paper as Highwire Press meta tags (name, content): what Zotero's and other reference managers'
    browser buttons and Google Scholar read off a paper's page."""
    tags = [("citation_title", paper.title)] + [("citation_author", author) for author in paper.authors]
    optional = (("citation_publication_date", paper.year), ("citation_doi", paper.doi),
                ("citation_arxiv_id", paper.arxiv), ("citation_pdf_url", paper.pdf))
    return tags + [(name, str(value)) for name, value in optional if value]


def theme_summary(theme: Theme) -> str:
    """A theme in a sentence, for search engines and link previews: its description, or its size and terms."""
    if theme.description:
        return theme.description
    count = f"{len(theme.papers)} paper{'s' if len(theme.papers) != 1 else ''}"
    return f"{count} on {', '.join(theme.terms)}." if theme.terms else f"{count}."


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


def page_jobs(catalog: Catalog, grouping: Grouping, renderer: Renderer,
              bibtex: dict[str, str]) -> list[tuple[str, Callable[[], str]]]:
    """Every generated page as (docs-relative path, a call that renders its Markdown); `bibtex` holds each
    paper's entry by id. The calls are independent, so a long list can render them on every core."""
    papers = {p.id: p for p in catalog.papers}
    theme_of = {pid: grouping.theme(place.theme) for pid, place in grouping.placements.items()}
    colours = theme_colours(grouping)
    renderer.share(paper_path=paper_path, theme_path=theme_path, colours=colours, exports=exports(grouping),
                   tags_path=TAGS, tag_anchor=tag_anchor, code_link=code_link, excerpt=excerpt, math=text_with_math,
                   site=catalog.config.site)
    titles = {p.id: p.title for p in catalog.papers}
    several_days = added_over_several_days(catalog.papers)
    positions = map_positions(grouping)
    drawn: dict[tuple[str, int], str] = {}   # background paths, shared by the maps of one process
    neighbours = neighbour_themes(grouping)

    def rows() -> dict[str, PaperRow]:  # both index pages sit at the top level, so they share their rows
        return paper_rows(catalog.papers, theme_of, colours, renderer.linker(ALL_PAPERS))

    def all_papers() -> str:
        by_title = sorted(catalog.papers, key=lambda p: p.title.lower())  # as Jinja's sort filter did
        table = rows()
        # a column no entry fills would only look unfinished, and one date on every row says nothing
        shown = {"year": any(p.year for p in catalog.papers), "added": several_days,
                 "tags": catalog.tagged, "authors": any(p.authors for p in catalog.papers)}
        return renderer.render("all-papers.md", ALL_PAPERS, rows=[table[p.id] for p in by_title], shown=shown,
                               first_rows=INDEX_ROWS_SHOWN)

    def themes_index() -> str:
        return renderer.render("themes.md", THEMES, themes=grouping.themes, paper_count=len(catalog.papers))

    def tags() -> str:
        table = rows()
        return renderer.render("tags.md", TAGS, tags=[(tag, [table[p.id] for p in papers])
                                                      for tag, papers in tag_index(catalog.papers)],
                               first_items=TAG_PAPERS_SHOWN)

    def home() -> str:
        recent = recently_added(catalog.papers, RECENT_COUNT) if several_days else []
        return renderer.render("home.md", HOME, config=catalog.config, themes=grouping.themes,
                               paper_count=len(catalog.papers), recent=[(p, theme_of[p.id]) for p in recent],
                               map=map_model(grouping, titles, positions, drawn=drawn),
                               tag_count=len({t for p in catalog.papers for t in p.tags}))

    def theme_page(theme: Theme) -> str:
        return renderer.render("theme.md", theme_path(theme.slug), theme=theme, description=theme_summary(theme),
                               papers=[papers[i] for i in theme.papers], neighbours=neighbours[theme.slug],
                               map=map_model(grouping, titles, positions, highlight=theme.slug, drawn=drawn))

    def paper_page(paper: Paper) -> str:
        path = paper_path(paper.id)
        view = paper_view(paper, grouping, papers, theme_of, colours, renderer.linker(path),
                          bibtex[paper.id], catalog.config.site)
        return renderer.render("paper.md", path, paper=paper, theme=theme_of[paper.id], view=view)

    # The longest pages first, so on several cores they do not finish last.
    return ([(ALL_PAPERS, all_papers), (TAGS, tags), (HOME, home), (THEMES, themes_index)]
            + [(theme_path(t.slug), partial(theme_page, t)) for t in grouping.themes]
            + [(paper_path(p.id), partial(paper_page, p)) for p in catalog.papers])


def navigation(grouping: Grouping, tagged: bool = True) -> list:
    """The site navigation: home, the themes, the all-papers and tag indexes, never paper pages (the tag
    index only when a paper is `tagged`).

    Material draws the whole navigation into every page, so its size multiplies the cost of each
    page: past NAV_THEMES themes the navigation links the themes index only, and stays the same size.
    """
    themes: list | str = THEMES
    if len(grouping.themes) <= NAV_THEMES:
        themes = [{"All themes": THEMES}] + [{theme.name: theme_path(theme.slug)} for theme in grouping.themes]
    return [
        {"Home": HOME},
        {"Themes": themes},
        {"All papers": ALL_PAPERS},
        *([{"Tags": TAGS}] if tagged else []),
        {"Contribute": "contribute.md"},
    ]
