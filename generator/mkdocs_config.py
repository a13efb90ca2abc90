"""The generated build/mkdocs.yml, derived from site_config.yml (data only; plain MkDocs keys)."""
from __future__ import annotations

import html
import os

from generator.project import Project
from generator.schema import SiteConfig


def mkdocs_config(config: SiteConfig, project: Project, nav: list) -> dict:
    """A plain mkdocs.yml: Material with search and offline plugins, no web fonts, relative links."""
    site = config.site
    look = config.appearance
    result = {
        "site_name": theme_text(site.name),
        "site_description": theme_text(site.description),
        "docs_dir": "docs",
        "site_dir": "../site",
        # The offline plugin needs .html links so the site works from file://.
        "use_directory_urls": False,
        "theme": {
            "name": "material",
            "custom_dir": os.path.relpath(project.theme_dir / "overrides", project.build_dir),
            "language": site.language,
            # Material loads Google Fonts by default; the site must make no request to another host.
            "font": False,
            "palette": palettes(look.primary, look.accent, look.dark_mode),
            "features": ["navigation.sections", "navigation.top", "navigation.indexes", "search.highlight",
                         "search.suggest", "content.code.copy", "navigation.footer"],
        },
        "plugins": [{"search": search_settings(site.language)}, "offline"],
        "markdown_extensions": [
            "attr_list", "md_in_html", "tables", "admonition", {"toc": {"permalink": True}},
            {"pymdownx.escapeall": {"hardbreak": False, "nbsp": False}}, "pymdownx.superfences",
        ],
        "extra_css": ["assets/readinglist.css"],
        # Sorting and filtering of the all-papers table: a few lines of our own, no external script.
        "extra_javascript": ["assets/javascripts/papers-table.js"],
        # The offline plugin would load this shim from a CDN; a vendored copy keeps the site self-contained.
        "extra": {"polyfills": ["assets/javascripts/iframe-worker-shim.js"]},
        "not_in_nav": "/papers/*.md",
        "validation": {"omitted_files": "ignore", "absolute_links": "warn", "unrecognized_links": "warn"},
        "nav": escaped_nav(nav),
    }
    if site.url:
        result["site_url"] = theme_url(site.url)
    if site.repo_url:
        result["repo_url"] = theme_url(site.repo_url)
    if site.author:
        result["site_author"] = theme_text(site.author)
        result["copyright"] = html.escape(f"Curated by {site.author}")
    return result


# Material's search matches what is typed as the start of a word ('transformer' finds 'transformers') and reads
# no plurals: 'transformers' missed every page that says 'transformer'. Its separator, the pattern that splits
# indexed text and queries alike into words, may also drop a plural's final 's' (after three letters, not after
# 'i', 's' or 'u': 'analysis', 'loss', 'corpus' and the stop word 'this' stay whole), so both become 'transformer'.
# Capitals count ('LLMs' is 'LLM'): the separator splits words before they are lower-cased. The rest is Material's
# English separator.
ENGLISH_SEARCH_SEPARATOR = r"[\s\-]+|(?<=[a-zA-Z]{2}[a-hj-rtv-zA-HJ-RTV-Z])s\b"


def search_settings(language: str) -> dict:
    """Material's search plugin settings: the site's language, and for English the separator that reads plurals."""
    return {"lang": language, "separator": ENGLISH_SEARCH_SEPARATOR} if language == "en" else {"lang": language}


# Material writes some config strings into pages as they are (the logo's aria-label, meta tags, the
# copyright, which it treats as HTML) and escapes them elsewhere (<title>). Escaping what could end
# an attribute or open a tag keeps them text everywhere (theme/overrides/main.html prints the site
# name into <title> as it is, so it is not escaped twice there).
def theme_text(text: str) -> str:
    return text.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def theme_url(url: str) -> str:
    return url.replace('"', "%22").replace("<", "%3C").replace(">", "%3E")


def escaped_nav(nav: list) -> list:
    """The navigation with every title HTML-escaped: Material writes nav titles into pages as HTML."""
    escaped = []
    for item in nav:
        if isinstance(item, dict):
            escaped.append({html.escape(title): escaped_nav(target) if isinstance(target, list) else target
                            for title, target in item.items()})
        else:
            escaped.append(item)
    return escaped


def palettes(primary: str, accent: str, dark_mode: bool) -> list[dict] | dict:
    """Light palette, plus a dark one with a toggle when the curator wants it.

    The dark one follows the reader's system setting until they use the toggle.
    """
    light = {"scheme": "default", "primary": primary, "accent": accent}
    if not dark_mode:
        return light
    light["media"] = "(prefers-color-scheme: light)"
    light["toggle"] = {"icon": "material/weather-night", "name": "Switch to dark mode"}
    dark = {"media": "(prefers-color-scheme: dark)", "scheme": "slate", "primary": primary, "accent": accent,
            "toggle": {"icon": "material/weather-sunny", "name": "Switch to light mode"}}
    return [light, dark]
