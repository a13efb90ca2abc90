"""Arbitrary Unicode in every field: the loader answers with problems, never a traceback, and a paper that
validates is shown on its page as text, never as markup, script, link or template directive.

The page property renders the paper's Markdown page in memory and converts it with the Markdown
extensions MkDocs uses (no MkDocs run per example); one example more goes through a real build.
"""
from __future__ import annotations

import dataclasses
import os
from html.parser import HTMLParser
from urllib.parse import urlsplit

import markdown
import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st
from mkdocs.utils.meta import get_data

from conftest import copy_fixture_list
from generator.content import load_catalog, paper_from_yaml
from generator.errors import Problem
from generator.project import Project

EXAMPLES = int(os.environ.get("READINGLIST_HYPOTHESIS_EXAMPLES", "60"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))

# Fragments that mean something to HTML, Jinja, Markdown, MkDocs, MathJax or YAML.
HOSTILE_BITS = st.sampled_from([
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "{{ 7*7 }}", "{% raw %}", "{#", "*em*", "_u_",
    "`code`", "[l](javascript:alert(1))", "<!--", "]]>", "&amp;", "&#60;b&#62;", "\\", "# h", "| a | b |",
    "!!! note", "{: onclick=x }", "$x$", "\\(", "```", "<http://x.example>", "\"", "'", "---", "- ", ": ", " #",
    "&", "<", ">", "\u202e", "\x00", "\ufeff", "\u2028", "\r",
])
TEXT = st.lists(st.one_of(st.text(min_size=1, max_size=20), HOSTILE_BITS), min_size=1, max_size=5).map("".join)
URL = st.one_of(TEXT, st.tuples(st.sampled_from(["http://", "https://", "HTTP://", "javascript:", "//", "data:"]),
                                st.sampled_from(["", "[", "[::1]", "example.org", "a@b", "%00"]), TEXT)
                .map("".join))


@st.composite
def entries(draw) -> dict:
    values = {"title": draw(TEXT)}
    for name, strategy in (("authors", st.lists(TEXT, min_size=1, max_size=3)), ("venue", TEXT),
                           ("abstract", TEXT), ("notes", TEXT), ("year", st.integers(1500, 2100)),
                           ("url", URL), ("pdf", URL), ("code", st.lists(URL, min_size=1, max_size=2)),
                           ("doi", TEXT), ("arxiv", TEXT), ("bibtex", TEXT), ("added", TEXT),
                           ("tags", st.lists(st.from_regex(r"[a-z]{1,8}", fullmatch=True), max_size=2, unique=True))):
        if draw(st.booleans()):
            values[name] = draw(strategy)
    return values


@SETTINGS
@given(st.text(max_size=200))
def test_any_text_as_an_entry_gives_problems_not_tracebacks(text):
    paper, problems = paper_from_yaml(text, "content/papers/x.yml", "x")
    assert all(isinstance(p, Problem) and str(p).startswith("content/papers/x.yml") for p in problems)
    assert paper is not None or any(p.is_error for p in problems)


@SETTINGS
@given(entries())
def test_any_values_written_as_yaml_load_or_get_problems(values):
    text = yaml.safe_dump(values, allow_unicode=True, sort_keys=False)
    paper, problems = paper_from_yaml(text, "content/papers/x.yml", "x")
    assert paper is not None or any(p.is_error for p in problems)
    if paper is not None:
        assert paper.title == values["title"].strip()


@SETTINGS
@given(st.one_of(TEXT, st.text()))
def test_any_text_makes_front_matter_that_mkdocs_reads_back(text):
    # a value MkDocs could not parse would leave the whole front matter printed on the page
    from generator.render import yaml_value

    value, pairs = yaml_value(text), yaml_value([["citation_title", text], ["citation_author", text]])
    body, meta = get_data(f"---\ndescription: {value}\ncitation: {pairs}\n---\n# Page\n")
    assert body == "# Page\n"
    visible = " ".join("".join(c for c in text if c.isprintable() or c.isspace()).split())
    assert meta == {"description": visible, "citation": [["citation_title", visible], ["citation_author", visible]]}
    assert not set("<>&'") & set(value + pairs)   # and were it ever shown, it would hold no markup


# ---------------------------------------------------------------------------------------------
# Pages

PAGE_TAGS = {"article", "h1", "h2", "h3", "div", "p", "span", "a", "ul", "li", "em", "strong", "code", "pre", "svg",
             "path", "circle", "rect", "g", "title", "br", "blockquote", "ol", "hr", "math", "mi", "mn", "mo", "mrow",
             "msup", "msub", "mfrac", "mtext", "semantics", "annotation", "mspace", "mover", "munder", "msqrt", "mroot",
             "mstyle", "mtable", "mtr", "mtd", "msubsup", "mpadded", "mphantom", "menclose", "line", "polyline",
             "h4", "h5", "h6", "details", "summary", "button", "textarea", "table", "thead", "tbody", "tr", "th", "td",
             "small", "sup", "sub", "nav", "section", "ellipse", "polygon", "text", "use", "defs", "symbol"}


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.h1 = []
        self._in_h1 = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_h1 = tag == "h1" or self._in_h1

    def handle_endtag(self, tag):
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data):
        if self._in_h1:
            self.h1.append(data)


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory):
    """The fixture list's catalog and themes, computed once; examples add one paper to them."""
    from generator.build import group
    from generator.mkdocs_config import mkdocs_config
    from generator.pages import navigation

    project = Project(copy_fixture_list(tmp_path_factory.mktemp("props")))
    catalog = load_catalog(project)
    grouping = group(catalog, project)
    extensions = mkdocs_config(catalog.config, project, navigation(grouping))["markdown_extensions"]
    return project, catalog, grouping, extensions


def paper_page_html(fixture_site, paper) -> str:
    """The paper's page as MkDocs would convert its Markdown, with the paper placed in the first theme."""
    from generator.pages import page_jobs
    from generator.paths import paper_path
    from generator.render import Renderer
    from generator.themes import Placement

    project, catalog, grouping, extensions = fixture_site
    first = grouping.themes[0]
    grouping = dataclasses.replace(
        grouping, themes=(dataclasses.replace(first, papers=first.papers + (paper.id,)), *grouping.themes[1:]),
        placements={**grouping.placements, paper.id: Placement(first.slug, False, ())},
        related={**grouping.related, paper.id: ()}, coords={**grouping.coords, paper.id: (0.5, 0.5)})
    catalog = dataclasses.replace(catalog, papers=tuple(sorted((*catalog.papers, paper), key=lambda p: p.id)))
    jobs = dict(page_jobs(catalog, grouping, Renderer(project.theme_dir / "pages"), {paper.id: "@misc{x}"}))
    names = [e if isinstance(e, str) else next(iter(e)) for e in extensions]
    configs = {next(iter(e)): next(iter(e.values())) for e in extensions if isinstance(e, dict)}
    body, meta = get_data(jobs[paper_path(paper.id)]())   # MkDocs reads the front matter off first
    assert set(meta) == {"description", "citation"}
    return markdown.markdown(body, extensions=names, extension_configs=configs)


def assert_shown_as_text(html: str, paper) -> None:
    page = _Page()
    page.feed(html)
    page.close()
    assert "".join(page.h1).replace("¶", "").strip() == " ".join(paper.title.split()), html[:400]
    for tag, attrs in page.tags:
        assert tag in PAGE_TAGS, (tag, html)
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        for name in ("href", "src", "xlink:href", "action"):
            if attrs.get(name) is not None:
                target = attrs[name].strip().replace("\\", "/")
                assert urlsplit(target).scheme in ("", "http", "https") and not target.startswith("//"), attrs
    assert "<script" not in html.lower()


@SETTINGS
@given(entries())
def test_a_paper_that_validates_is_shown_as_text(fixture_site, values):
    paper, _ = paper_from_yaml(yaml.safe_dump(values, allow_unicode=True), "content/papers/hypothesis-paper.yml",
                               "hypothesis-paper")
    if paper is None:
        return
    assert_shown_as_text(paper_page_html(fixture_site, paper), paper)


@settings(max_examples=1, deadline=None, suppress_health_check=list(HealthCheck))
@given(entries().filter(lambda v: paper_from_yaml(yaml.safe_dump(v, allow_unicode=True), "x.yml", "x")[0]
                        is not None))
def test_one_sampled_paper_through_a_real_strict_build(tmp_path_factory, values):
    from generator.build import build

    root = copy_fixture_list(tmp_path_factory.mktemp("sampled"))
    path = root / "content" / "papers" / "hypothesis-paper.yml"
    path.write_text(yaml.safe_dump(values, allow_unicode=True), encoding="utf-8")
    catalog, _ = build(Project(root))  # render_site is strict: any MkDocs warning fails the build
    paper = catalog.paper("hypothesis-paper")
    html = (root / "site" / "papers" / "hypothesis-paper.html").read_text(encoding="utf-8")
    article = html.split("<article", 1)[1].split("</article>", 1)[0]
    assert_shown_as_text("<article" + article + "</article>", paper)


@SETTINGS
@given(URL)
def test_the_quick_link_check_accepts_only_what_urlsplit_accepts(text):
    import re
    from urllib.parse import urlsplit

    from generator.schema import PLAIN_HTTP_URL

    if PLAIN_HTTP_URL.fullmatch(text):
        parts = urlsplit(text)
        assert parts.scheme in ("http", "https") and parts.netloc and not re.search(r"\s", text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .\t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u1680\u2003\u2028\u2029\u202f\u3000é"))
               | st.characters(), max_size=40))
def test_single_spaced_text_is_what_splitting_and_joining_gives(text):
    from generator.render import single_spaced

    assert single_spaced(text) == " ".join(text.split())
