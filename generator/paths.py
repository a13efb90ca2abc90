"""Where each generated page lives (docs-relative), shared by the pages and the exports."""
from __future__ import annotations

HOME = "index.md"
ALL_PAPERS = "all-papers.md"
THEMES = "themes.md"
TAGS = "tags.md"
FEED = "feed.xml"
PAPERS_JSON = "papers.json"
LIST_BIB = "reading-list.bib"


def paper_path(paper_id: str) -> str:
    """Permanent page of a paper: made from its id only, never from its theme."""
    return f"papers/{paper_id}.md"


def theme_path(slug: str) -> str:
    return f"themes/{slug}.md"


def theme_bib_path(slug: str) -> str:
    """A theme's BibTeX export sits next to its page."""
    return f"themes/{slug}.bib"


def built(path: str) -> str:
    """The site path MkDocs writes for a docs path (use_directory_urls is off)."""
    return path[:-3] + ".html" if path.endswith(".md") else path


def tag_anchor(tag: str) -> str:
    """Fragment of a tag's section on the tag index (tags are validated slugs)."""
    return f"tag-{tag}"
