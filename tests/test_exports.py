"""Exports (BibTeX, papers.json, Atom), math to MathML and safe notes: pure functions, tables of cases."""
from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as etree

import pytest

from generator.exports import (
    atom_feed, bibtex_entry, bibtex_keys, bibtex_value, generated_bibtex, papers_json, recently_added,
)
from generator.mathml import text_with_math
from generator.notes import render_notes, safe_href
from generator.schema import Paper, SiteSection
from generator.themes import Grouping, Placement, Related, Theme


def paper(pid: str, **fields) -> Paper:
    return Paper(id=pid, source=f"content/papers/{pid}.yml", title=fields.pop("title", pid.title()), **fields)


@pytest.mark.parametrize("text, expected", [
    ("Plain title", "Plain title"),
    ("50% & more #1 {x}", r"50\% \& more \#1 \{x\}"),
    ("a_b $x$ ~ ^", r"a\_b \$x\$ \textasciitilde{} \textasciicircum{}"),
    ("back\\slash", r"back\textbackslash{}slash"),
    ("many\n   spaces", "many spaces"),
])
def test_bibtex_values_are_escaped_and_balanced(text, expected):
    assert bibtex_value(text) == expected


def test_generated_bibtex_from_fields():
    entry = paper("attention", title="Attention Is All You Need", authors=("Ashish Vaswani", "Noam Shazeer"),
                  year=2017, venue="NeurIPS", doi="10.5555/3295222", arxiv="1706.03762")
    assert generated_bibtex(entry, "vaswani2017attention") == (
        "@inproceedings{vaswani2017attention,\n"
        "  title = {{Attention Is All You Need}},\n"
        "  author = {Ashish Vaswani and Noam Shazeer},\n"
        "  year = {2017},\n"
        "  booktitle = {NeurIPS},\n"
        "  doi = {10.5555/3295222},\n"
        "  eprint = {1706.03762},\n"
        "  archiveprefix = {arXiv},\n"
        "  url = {https://arxiv.org/abs/1706.03762}\n"
        "}")


def test_a_given_bibtex_is_used_as_written():
    given = "@article{mine,\n  title = {Mine}\n}"
    assert bibtex_entry(paper("x", bibtex=given + "\n"), "ignored") == given


def test_citation_keys_are_unique_and_readable():
    papers = [paper("a", title="The Grokking Paper", authors=("Alethea Power",), year=2022),
              paper("b", title="Grokking again", authors=("Alethea Power",), year=2022),
              paper("c", title="On the Über Gödel", authors=("Kurt Gödel",)),
              paper("d", title="α-Synuclein", authors=("Anders Søgaard",), year=2020)]
    assert bibtex_keys(papers) == {"a": "power2022grokking", "b": "power2022grokkinga", "c": "godeluber",
                                   "d": "sogaard2020alphasynuclein"}


def test_recently_added_is_newest_first_then_by_id_and_skips_undated():
    papers = [paper("b", added=dt.date(2024, 1, 2)), paper("a", added=dt.date(2024, 1, 2)),
              paper("c", added=dt.date(2023, 5, 1)), paper("d")]
    assert [p.id for p in recently_added(papers, 3)] == ["a", "b", "c"]


GROUPING = Grouping(
    themes=(Theme("t", "Theme T", ("x",), ("a", "b")),),
    placements={"a": Placement("t", False, ()), "b": Placement("t", True, ())},
    related={"a": (Related("b", 0.5, ("x",)),), "b": ()},
    coords={"a": (0.0, 0.0), "b": (1.0, 1.0)},
)


def test_papers_json_holds_every_field_theme_and_related_papers():
    papers = [paper("b", tags=("t1",), added=dt.date(2024, 1, 1)), paper("a", authors=("A B",), year=2020)]
    data = json.loads(papers_json(papers, GROUPING, SiteSection()))
    assert [p["id"] for p in data["papers"]] == ["a", "b"]
    first = data["papers"][0]
    assert first["page"] == "papers/a.html" and first["authors"] == ["A B"] and first["year"] == 2020
    assert first["theme"] == {"slug": "t", "name": "Theme T", "pinned": False}
    assert first["related"] == [{"id": "b", "score": 0.5, "terms": ["x"]}]
    assert data["papers"][1]["added"] == "2024-01-01"
    assert {"title", "abstract", "notes", "bibtex", "code", "doi", "arxiv"} <= set(first)


def test_the_atom_feed_is_valid_xml_with_escaped_text_and_dates_from_entries():
    papers = [paper("a", title="<b>bold</b> & \x0bcontrol", added=dt.date(2024, 3, 1), abstract="x < y"),
              paper("b", added=dt.date(2024, 1, 1))]
    text = atom_feed(papers, SiteSection(name="List", url="https://example.org/list/"), lambda s: s)
    root = etree.fromstring(text.encode())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert root.find("a:updated", ns).text == "2024-03-01T00:00:00Z"
    entries = root.findall("a:entry", ns)
    assert [e.find("a:title", ns).text for e in entries] == ["<b>bold</b> & control", "B"]
    assert entries[0].find("a:link", ns).get("href") == "https://example.org/list/papers/a.html"
    assert entries[0].find("a:summary", ns).text == "x < y"


def test_without_a_site_url_feed_links_are_relative():
    text = atom_feed([paper("a", added=dt.date(2024, 3, 1))], SiteSection(), lambda s: s)
    assert '<link href="papers/a.html"/>' in text


@pytest.mark.parametrize("text, expected", [
    ("no math here", "no math here"),
    ("costs $5 and $10", "costs $5 and $10"),
    ("a < b & c", "a &lt; b &amp; c"),
])
def test_text_without_math_is_only_escaped(text, expected):
    assert str(text_with_math(text)) == expected


@pytest.mark.parametrize("text, display", [
    ("we get $x^2$ here", "inline"),
    (r"we get \(x^2\) here", "inline"),
    (r"we get \[ x^2 \] here", "block"),
    ("we get $$x^2$$ here", "block"),
])
def test_each_math_delimiter_becomes_mathml(text, display):
    html = str(text_with_math(text))
    assert html.startswith("we get <math ") and html.endswith("</math> here")
    assert f'display="{display}"' in html and "<msup><mi>x</mi><mn>2</mn></msup>" in html


def test_the_shipped_style_abstract_renders_its_display_formula():
    html = str(text_with_math(r"yields \[ h_{c,t} = \mu + pos_t + ctx_c + resid_{c,t} \] where mu"))
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">' in html
    assert "<msub><mi>h</mi><mrow><mi>c</mi>" in html and "\\[" not in html


@pytest.mark.parametrize("latex", [r"$\text{<script>alert(1)</script>}$", r"$\href{javascript:alert(1)}{x}$",
                                   r"$\mathrm{<img src=x onerror=alert(1)>}$"])
def test_math_cannot_smuggle_markup_or_links(latex):
    html = str(text_with_math(latex))
    assert "<script" not in html and "<img" not in html and "href" not in html and "javascript" not in html.lower()


@pytest.mark.parametrize("text, expected", [
    # the sentence's full stop stays text (a sixth of the shipped abstracts end so)
    ("Code is at https://github.com/a/b.", 'Code is at <a href="https://github.com/a/b">https://github.com/a/b</a>.'),
    ("(see https://x.org/a_(b)), then", '(see <a href="https://x.org/a_(b)">https://x.org/a_(b)</a>), then'),
    ("tex{https://x.org/y}", 'tex{<a href="https://x.org/y">https://x.org/y</a>}'),
    ("q: http://x.org/?a=1&b=2;", 'q: <a href="http://x.org/?a=1&amp;b=2">http://x.org/?a=1&amp;b=2</a>;'),
    ('https://x.org/"onmouseover="alert(1)', '<a href="https://x.org/">https://x.org/</a>"onmouseover="alert(1)'),
    ("<b>https://x.org/<script>", '&lt;b&gt;<a href="https://x.org/">https://x.org/</a>&lt;script&gt;'),
    ("javascript:alert(1) ftp://x.org https://.", "javascript:alert(1) ftp://x.org https://."),
    ("at $x^2$ see https://x.org.", None),
])
def test_web_addresses_in_an_abstract_become_links(text, expected):
    html = str(text_with_math(text))
    if expected is None:   # beside math too
        assert html.endswith('</math> see <a href="https://x.org">https://x.org</a>.')
    else:
        assert html == expected


def test_malformed_math_is_shown_as_written():
    assert str(text_with_math(r"bad \(\frac{a}{\) end")) == r"bad <code>\(\frac{a}{\)</code> end"


@pytest.mark.parametrize("href, safe", [
    ("https://example.org/x", True), ("http://example.org", True), ("../papers/a.html", False), ("#top", False),
    ("HTTPS://EXAMPLE.ORG", True), ("https://", False),
    ("javascript:alert(1)", False), ("JaVaScRiPt:alert(1)", False), ("data:text/html,x", False),
    ("//evil.example/x", False), ("mailto:a@b", False), ("java\tscript:alert(1)", False),
])
def test_only_absolute_http_links_are_safe(href, safe):
    assert safe_href(href) is safe


def test_notes_render_markdown_but_escape_raw_html_and_drop_unsafe_links_and_images():
    html = str(render_notes("**Read** <b onclick=x()>this</b> [bad](javascript:alert(1)) [good](https://e.org) "
                            "![pic](https://tracker.example/p.png)"))
    assert html == ('<p><strong>Read</strong> &lt;b onclick=x()&gt;this&lt;/b&gt; <span>bad</span> '
                    '<a href="https://e.org" rel="nofollow">good</a> <span>pic</span></p>')
