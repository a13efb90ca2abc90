"""The curator's notes: Markdown rendered to HTML safely (raw HTML shown as text, only safe links).

Pure: Markdown text in, HTML out. Notes arrive by pull request like any entry text, so they
are treated as untrusted: no raw HTML, no images (they would fetch from other hosts), and
links only to absolute http(s) addresses; then nh3 cleans the
result against an allow-list, so a gap in either layer is not enough.
"""
from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

# Only absolute http(s) addresses, as in every link field: a relative path in a note would make entry
# text a link target inside the site.
SAFE_HREF = re.compile(r"^https?://[^\s/?#]+(?:[/?#][^\s]*)?$", re.IGNORECASE)


def followed_href(href: str) -> str:
    """The address a browser follows for this attribute value.

    Python-Markdown writes character references such as `&#58;` into the attribute as they are and
    the browser decodes them, and browsers read a backslash as a slash (`/\\host` is `//host`), so
    both are applied before judging the address.
    """
    return html.unescape(href).replace("\\", "/")


def safe_href(href: str) -> bool:
    """An absolute http(s) address; never a relative path, javascript:, data:, mailto: or protocol-relative."""
    followed = followed_href(href)
    return bool(SAFE_HREF.match(followed.strip())) and not re.search(r"[\x00-\x1f\x7f]", followed)


class _SafeLinks(Treeprocessor):
    """Unsafe links become their text; images become their alt text."""

    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            for index, child in enumerate(list(parent)):
                if child.tag == "img":
                    replacement = etree.Element("span")
                    replacement.text = child.get("alt", "")
                    replacement.tail = child.tail
                    parent[index] = replacement
                elif child.tag == "a":
                    href = child.get("href", "")
                    if not safe_href(href):
                        del child.attrib["href"]
                        child.tag = "span"
                    else:
                        child.attrib = {"href": href.strip(), "rel": "nofollow"}


class _NoRawHtml(Extension):
    """Raw HTML is escaped rather than passed through; links are checked after inline parsing."""

    def extendMarkdown(self, md):
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_SafeLinks(md), "rl_safe_links", 0)


# What Python-Markdown makes of notes without raw HTML; anything else would be a bug upstream or here.
ALLOWED_TAGS = {"p", "a", "span", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "br", "hr",
                "h1", "h2", "h3", "h4", "h5", "h6"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}


def render_notes(text: str | None) -> Markup:
    """Notes Markdown as HTML, safe to place in a page as is."""
    if not text:
        return Markup("")
    converter = markdown.Markdown(extensions=[_NoRawHtml(), "sane_lists"], output_format="html")
    return Markup(sanitize(converter.convert(text)))


def sanitize(markup: str) -> str:
    """The rendered notes through nh3 (a maintained HTML sanitizer): a second line of defence behind _NoRawHtml.

    Only the tags and attributes Markdown produces survive, and links only with absolute http(s) targets.
    """
    return nh3.clean(markup, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https"},
                     link_rel="nofollow", strip_comments=True)
