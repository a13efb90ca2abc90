"""The one small renderer: Jinja templates from theme/pages, autoescaped, with the few filters they need."""
from __future__ import annotations

import json
import pickle
import posixpath
import re
from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from generator.memo import RoundMemo
from generator.paths import built as built_path

# Characters Python-Markdown (with the extensions we enable) gives meaning to; a backslash makes them literal.
MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~^=:$])")


def markdown_text(value) -> Markup:
    """Untrusted text placed in Markdown: HTML-escaped, then every Markdown special made literal."""
    text = single_spaced(str(value))
    escaped = str(escape(text)).replace("&#34;", '"').replace("&#39;", "'")
    return Markup(MARKDOWN_SPECIALS.sub(lambda m: "\\" + m.group(1) if m.group(1) not in "<>" else m.group(1),
                                        escaped))


# What yaml_value writes as \u escapes: characters that mean something to HTML.
HTML_SPECIALS_AS_ESCAPES = [(c, f"\\u{ord(c):04x}") for c in "<>&'"]


def yaml_value(value) -> Markup:
    """A text, or a list of them (nested as deep as need be), as a one-line value for YAML front matter:
    JSON is valid YAML and needs no further quoting.

    Whitespace runs become one space and invisible characters go (YAML refuses some of them, and MkDocs
    would then print the front matter on the page)."""
    text = json.dumps(visible_text(value), ensure_ascii=False)
    # and should it ever be shown as Markdown, it holds no markup: YAML reads \u escapes as JSON does
    for special, code in HTML_SPECIALS_AS_ESCAPES:
        text = text.replace(special, code)
    return Markup(text)


def single_spaced(text: str) -> str:
    """" ".join(text.split()): each whitespace run one space, none at either end. The usual text is so
    already, which is checked first at less than half the cost of splitting it."""
    return printable_single_spaced(text) if text.isprintable() else " ".join(text.split())


def printable_single_spaced(text: str) -> str:
    """single_spaced of a printable text, whose only whitespace can be plain spaces."""
    return text if "  " not in text and text.strip(" ") == text else " ".join(text.split())


def visible_text(value):
    """yaml_value's text: whitespace runs as one space, invisible characters left out, in lists too."""
    if isinstance(value, (list, tuple)):
        return [visible_text(item) for item in value]
    text = str(value)
    if text.isprintable():   # the usual case: printable, so at most plain spaces to fold
        return printable_single_spaced(text)
    # rare: checked character by character only then
    return " ".join("".join(character for character in text if character.isprintable() or character.isspace()).split())


def relative_url(target: str, current: str, built: bool = True) -> str:
    """Link from one generated page to another (docs-relative .md paths).

    Raw HTML is not rewritten by MkDocs, so it gets the built .html; Markdown links keep .md.
    """
    path, hash_, fragment = target.partition("#")
    if built:
        path = built_path(path)
    folder, slash, name = path.rpartition("/")
    prefix = folder_to_folder(folder, posixpath.dirname(current))
    return (f"{prefix}/{name}" if prefix != "." else name) + hash_ + fragment


@lru_cache(maxsize=None)
def folder_to_folder(target_folder: str, current_folder: str) -> str:
    """The relative path between two docs folders; a site has only a handful, so each pair is worked out once."""
    return posixpath.relpath(target_folder or ".", current_folder or ".")


def make_environment(templates_dir: Path) -> jinja2.Environment:
    """Autoescaping is on for every template: all entry text is untrusted."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        autoescape=True,
        # Templates do not change during a build; checking their files before every page costs a stat each.
        auto_reload=False,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = markdown_text
    env.filters["yaml"] = yaml_value
    return env


# Each has a CSS mask in theme/overrides/assets/readinglist.css (.rl-icon-<name>).
ICON_NAMES = ("arxiv", "back", "code", "doi", "download", "edit", "github", "gitlab", "map", "paper", "paper-link",
              "pdf", "rss", "search", "tag")


def icon_markup() -> dict[str, Markup]:
    """Every icon as a short element the stylesheet paints; its SVG is in the CSS once, not on every page."""
    return {name: Markup(f'<span class="rl-icon rl-icon-{name}" aria-hidden="true"></span>') for name in ICON_NAMES}


def inputs_key(template: str, page_path: str, context: dict) -> bytes:
    """Everything a page is made of, as bytes (functions pickle by name, data by value)."""
    return pickle.dumps((template, page_path, sorted(context.items())), protocol=pickle.HIGHEST_PROTOCOL)


class Renderer:
    """Renders page templates with a `url(target)` helper relative to the page being written.

    Given a memo, a page whose template, path and context equal those of the previous round is
    not rendered again (templates are read once per Renderer, so they cannot change within it).
    """

    def __init__(self, templates_dir: Path, memo: RoundMemo | None = None):
        self.env = make_environment(templates_dir)
        self.env.globals["icons"] = icon_markup()
        self.links: dict[tuple[str, bool], dict[str, str]] = {}
        self.memo = memo
        self.shared: dict = {}
        self.shared_key = b""

    def share(self, **context) -> None:
        """Context every page gets (its inputs are keyed once, not with every page)."""
        self.shared = context
        if self.memo is not None:
            self.shared_key = inputs_key("", "", context)

    def render(self, template: str, page_path: str, **context) -> str:
        if self.memo is None:
            return self._render(template, page_path, context)
        return self.memo.get((self.shared_key, inputs_key(template, page_path, context)),
                             lambda: self._render(template, page_path, context))

    def _render(self, template: str, page_path: str, context: dict) -> str:
        url = self.linker(page_path, built=True)
        md_url = self.linker(page_path, built=False)
        return self.env.get_template(template).render(url=url, md_url=md_url, page_path=page_path,
                                                      **self.shared, **context)

    def linker(self, page_path: str, built: bool = True):
        """url(target) for a page; pages of one folder share their links (each paper is linked from several)."""
        links = self.links.setdefault((posixpath.dirname(page_path), built), {})

        def url(target: str) -> str:
            if target not in links:
                links[target] = relative_url(target, page_path, built)
            return links[target]
        return url
