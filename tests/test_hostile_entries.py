"""Hostile entries: what a pull request could put in an entry must stay text, stay on this host and never crash.

Pure functions first (notes links, MathML, BibTeX, text checks, YAML), then one real build of a
fixture list with hostile entries (every output file), a second build for determinism, one
build of entries that must be refused, and the hostile site in headless Chromium.
"""
from __future__ import annotations

import hashlib
import html
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as etree
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import copy_fixture_list
from generator.content import parse_yaml
from generator.exports import bibtex_value, generated_bibtex
from generator.mathml import MATHML_TAGS, safe_mathml, text_with_math
from generator.notes import render_notes, safe_href
from generator.schema import Invalid, Paper, check_bibtex, check_text, check_text_list

READINGLIST = str(Path(sys.executable).with_name("readinglist"))

# ---------------------------------------------------------------------------------------------
# Pure functions


@pytest.mark.parametrize("href", [
    "javascript&#58;alert(1)", "&#106;avascript:alert(1)", "java&Tab;script:alert(1)", "javascript&colon;alert(1)",
    "&#x2F;&#x2F;evil.example/x", "/\\evil.example/x", "\\\\evil.example/x", "data&#58;text/html,x",
])
def test_links_are_judged_as_the_browser_follows_them(href):
    assert not safe_href(href)


@pytest.mark.parametrize("markdown", [
    "[a](javascript&#58;alert(1))", "[a](&#106;avascript:alert(1))", "[a](java&Tab;script:alert(1))",
    "[a](/\\\\evil.example/x)", "[a](&#x2F;&#x2F;evil.example)", "[a][r]\n\n[r]: javascript&#58;alert(1)",
])
def test_notes_drop_links_hidden_behind_character_references(markdown):
    assert "<a " not in str(render_notes(markdown))


def test_notes_keep_ordinary_links_with_ampersands():
    assert str(render_notes("[a](https://e.org/?a=1&b=2)")) == \
        '<p><a href="https://e.org/?a=1&amp;b=2" rel="nofollow">a</a></p>'


class _Balance(HTMLParser):
    """Fails on an end tag that does not close the innermost open element."""

    def __init__(self):
        super().__init__()
        self.open: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.open.append(tag)
        self.tags.add(tag)

    def handle_endtag(self, tag):
        assert self.open and self.open.pop() == tag, f"stray </{tag}>"


def balanced_tags(markup: str) -> set[str]:
    """The tags of markup whose elements nest properly and all close."""
    parser = _Balance()
    parser.feed(markup)
    parser.close()
    assert parser.open == []
    return parser.tags


@pytest.mark.parametrize("latex", [
    r"\[ \text{</math><img src=x onerror=alert(1)>} \]", r"$\text{</mtext></mrow></math><b>x</b>}$",
    r"$\text{<math><mi>}$", r"$\href{javascript:alert(1)}{x}$", r"$\text{<script>alert(1)</script>}$",
])
def test_math_stays_balanced_mathml_without_entry_markup(latex):
    result = str(text_with_math(f"before {latex} after"))
    assert balanced_tags(result) <= MATHML_TAGS | {"code"}
    assert "href=" not in result and "<img" not in result and "<script" not in result


def test_the_mathml_allow_list_closes_what_it_opened():
    assert safe_mathml("<math><mrow><mi>x</math></mi>") == "<math><mrow><mi>x</mi></mrow></math>"


def bibtex_depths_ok(text: str) -> bool:
    """BibTeX's view: every brace counts, escaped or not, so pairs peeled from the inside out leave none.

    (Peeling, not the depth count the exporter uses: the check should not share the code it checks.)"""
    braces = re.sub(r"[^{}]", "", text)
    while "{}" in braces:
        braces = braces.replace("{}", "")
    return not braces


@pytest.mark.parametrize("text", ["} , note = {x}} @misc{evil, title={pwn}", "a { b", "}{", "x \\} y"])
def test_bibtex_values_with_unpaired_braces_stay_inside_their_field(text):
    value = bibtex_value(text)
    assert bibtex_depths_ok(value)
    entry = generated_bibtex(Paper(id="p", source="p.yml", title=text, authors=(text,), venue=f"Journal {text}"),
                             "key")
    assert bibtex_depths_ok(entry)
    assert entry.count("\n@") == 0 and entry.rstrip().endswith("\n}")


@pytest.mark.parametrize("bibtex", [
    "@misc{a, title={x}}\n@misc{b, title={injected}}", "@misc{a, title={x}}}", "@misc{a, title={x}",
    "@preamble{\"\\input{/etc/passwd}\"}", "@comment{a, x}", "title = {x}", "@misc{a, title={x}} % trailing",
])
def test_a_given_bibtex_must_be_one_entry_within_its_braces(bibtex):
    with pytest.raises(Invalid):
        check_bibtex(bibtex)


def test_a_given_bibtex_entry_is_accepted():
    text = "@inproceedings{doe2023,\n  title = {A {B} \\& C},\n  author = {Doe, Jane}\n}"
    assert check_bibtex(text) == text


@pytest.mark.parametrize("text", ["a\u202eb", "\u2066x", "bell\x07", "esc\x1b[31m", "c1\x9bx"])
def test_invisible_control_characters_are_refused(text):
    with pytest.raises(Invalid, match="invisible control character"):
        check_text(text)
    with pytest.raises(Invalid, match="item 1"):
        check_text_list([text])


def test_ligatures_and_soft_hyphens_of_pdf_copy_are_spelled_out():
    """Pasted from a PDF, 'Classiﬁcation' looks right but search would not find 'classification' in it, and
    pdflatex stops at the ligature in the BibTeX export."""
    text = "text: 'Classi\ufb01cation of e\ufb00ects in \ufb02ows, hy\u00adphen'\nlist: ['Ren\u00e9 O\ufb03ce']\n"
    doc, problems = parse_yaml(text, "x.yml")
    assert problems == []
    assert check_text(doc.data["text"]) == "Classification of effects in flows, hyphen"
    assert check_text_list(doc.data["list"]) == ("Ren\u00e9 Office",)
    with pytest.raises(Invalid, match="expected text"):
        check_text("\u00ad")


def test_aliases_that_multiply_are_refused_without_expanding_them():
    text = "title: x\na: &a [l, l, l, l, l, l, l, l, l]\n"
    for name, previous in zip("bcdefghij", "abcdefghi"):
        text += f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
    doc, problems = parse_yaml(text, "x.yml")  # 9**10 values written out: this returns at once or never
    assert doc is None and [str(p) for p in problems] == [
        "x.yml:1: aliases (*name) expand this file to more than 10,000 values; write the values out instead of "
        "repeating anchors"]


def test_a_few_aliases_are_fine():
    doc, problems = parse_yaml("title: &t Graph networks\nabstract: *t\n", "x.yml")
    assert problems == [] and doc.data == {"title": "Graph networks", "abstract": "Graph networks"}


def test_deep_nesting_is_a_problem_not_a_crash():
    doc, problems = parse_yaml("title: " + "[" * 5000 + "]" * 5000 + "\n", "x.yml")
    assert doc is None and "nested too deeply" in problems[0].message


# ---------------------------------------------------------------------------------------------
# One real build of hostile entries

LONG_TITLE = "Graph " + "attention " * 1000 + "end"
HOSTILE_TITLE = "</title><script>alert(1)</script> <img src=x onerror=alert(2)> Graph \"q\" & 'a' {{ 7*7 }} ]]> <!--"
HOSTILE = {
    "hostile-markup": r'''title: "</title><script>alert(1)</script> <img src=x onerror=alert(2)> Graph \"q\" & 'a' {{ 7*7 }} ]]> <!--"
authors: ["<svg onload=alert(3)>", "A & B \"quoted\""]
venue: "<iframe src=javascript:alert(4)> Conference }"
year: 2020
url: "https://example.org/a?x=\"onmouseover=alert(5)&y='z'"
pdf: "https://example.org/p.pdf#'><script>alert(6)</script>"
code: ["https://github.com/x/y\"><script>alert(7)</script>"]
tags: [graphs]
added: 2024-03-01
abstract: "Graph attention <script>alert(8)</script> $\\href{javascript:alert(9)}{x}$ and
  \\[ \\text{</math><img src=x onerror=alert(10)>} \\] and $\\text{<script>alert(11)</script>}$ &lt;b&gt;"
notes: |
  Raw <img src=x onerror=alert(12)> <script>alert(13)</script> <svg onload=alert(14)>
  [js](javascript:alert(15)) [ent](javascript&#58;alert(16)) [ent2](&#106;avascript:alert(17))
  [data](data:text/html,x) [proto](//evil.example/x) [bs](/\evil.example/x) [ref][r1]
  ![img](http://evil.example/img.png) ![refimg][r2] <http://evil.example/auto> <javascript:alert(18)>
  [attr](https://ok.example){: onclick="alert(19)" } &#x3C;script&#x3E;

  [r1]: javascript&#58;alert(20)
  [r2]: http://evil.example/ref.png
bibtex: |
  @misc{hostile,
    title = {</code></pre><script>alert(21)</script>},
    note = {```}
  }
''',
    "hostile-braces": '''title: "} , note = {x}} @misc{evil, title={pwn}"
authors: ["Brace } Author"]
venue: "Journal } @misc{z,"
year: 2022
url: "https://example.org/x}@misc{q,"
abstract: Graph neural networks with a closing brace } in the abstract.
added: 2024-03-02
''',
    "hostile-long": f"title: {LONG_TITLE}\nabstract: Graph attention over a very long title.\nadded: 2024-03-03\n",
    "hostile-unicode": '''title: "Zero\\u200bwidth \\u200djoiner \\ufeff graphs — عربى 🙂"
abstract: "Graph networks \\u200b with zero-width spaces."
added: 2024-03-04
''',
}


HOSTILE_SITE_NAME = "Fixture <b>reading</b> list {{ 7*7 }} </title><script>alert(30)</script>"
HOSTILE_CONFIG = f"""site:
  name: '{HOSTILE_SITE_NAME}'
  description: '<script>alert(31)</script> *md* [x](javascript:alert(32)) {{% raw %}}'
  author: '"><svg onload=alert(33)>'
  repo_url: https://example.org/fixture/reading-list
themes:
  count: auto
"""
# Curated themes whose names and descriptions try the same tricks as the entries.
HOSTILE_THEMES = """themes:
  - slug: graphs
    name: '<img src=x onerror=alert(34)> Graphs {{ 7*7 }}'
    description: '<script>alert(35)</script> Graph networks [x](javascript:alert(36)) *md*'
  - slug: proteins
    name: 'Proteins"><svg onload=alert(37)>'
    description: Protein structure and design.
  - slug: reinforcement
    name: Reinforcement learning ]]> <!--
    description: Agents, policies and planning.
"""


def write_hostile_list(destination: Path, reverse: bool = False) -> Path:
    """The fixture list plus the hostile entries, config and themes; `reverse` writes the entries in the other
    order, seconds apart in mtime."""
    root = copy_fixture_list(destination)
    (root / "site_config.yml").write_text(HOSTILE_CONFIG, encoding="utf-8")
    (root / "content" / "themes.yml").write_text(HOSTILE_THEMES, encoding="utf-8")
    papers = root / "content" / "papers"
    for index, (paper_id, text) in enumerate(sorted(HOSTILE.items(), reverse=reverse)):
        path = papers / f"{paper_id}.yml"
        path.write_text(text, encoding="utf-8")
        os.utime(path, (1_700_000_000 + 10 * index, 1_700_000_000 + 10 * index))
    return root


def build(root: Path, hash_seed: str) -> subprocess.CompletedProcess:
    """The real console script, as a contributor's CI runs it."""
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    return subprocess.run([READINGLIST, "build", "--project", str(root)], capture_output=True, text=True, env=env,
                          timeout=300)


def tree_digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def hostile_root(tmp_path_factory) -> Path:
    root = write_hostile_list(tmp_path_factory.mktemp("hostile"))
    before = tree_digest(root / "content")
    result = build(root, "1")
    assert result.returncode == 0, result.stdout + result.stderr
    # MkDocs runs strict (a warning fails the build); its log must not even mention one.
    assert "WARNING" not in result.stdout + result.stderr
    assert tree_digest(root / "content") == before
    return root


@pytest.fixture(scope="session")
def site(hostile_root: Path) -> Path:
    return hostile_root / "site"


class _Elements(HTMLParser):
    """Every element with its attributes as the browser reads them (references decoded), and script texts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self.title = ""
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self._in = tag if tag in ("script", "title") else None

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "script":
            self.scripts.append(data)
        elif self._in == "title" and not self.title:
            self.title = data


def elements(page: Path) -> _Elements:
    parser = _Elements()
    parser.feed(page.read_text(encoding="utf-8"))
    parser.close()
    return parser


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_no_page_holds_an_element_attribute_or_script_from_an_entry(site: Path):
    for page in html_pages(site):
        parsed = elements(page)
        tags = {tag for tag, _ in parsed.elements}
        assert not tags & {"img", "iframe", "object", "embed", "style", "base"}, page
        for tag, attrs in parsed.elements:
            assert not [name for name in attrs if name.startswith("on")], (page, tag, attrs)
        assert not [s for s in parsed.scripts if "alert" in s], page


def test_every_link_and_source_is_http_or_local(site: Path):
    for page in html_pages(site):
        for tag, attrs in elements(page).elements:
            for name in ("href", "src", "action", "formaction", "xlink:href"):
                value = attrs.get(name)
                if value is None:
                    continue
                followed = value.strip().replace("\\", "/")
                scheme = urlsplit(followed).scheme.lower()
                assert scheme in ("", "http", "https"), (page, tag, name, value)
                assert not followed.startswith("//"), (page, tag, name, value)


def test_the_paper_page_shows_the_hostile_text_as_text(site: Path):
    page = site / "papers" / "hostile-markup.html"
    parsed = elements(page)
    # The title bar shows the site name exactly as written: escaped once, never twice, never as markup.
    assert parsed.title == f"{HOSTILE_TITLE} - {HOSTILE_SITE_NAME}"
    text = page.read_text(encoding="utf-8")
    assert "&lt;svg onload=alert(3)&gt;" in text and "&lt;iframe src=javascript:alert(4)&gt;" in text
    assert "&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;alert(21)&lt;/script&gt;" in text
    notes = text.split('<div class="rl-notes"')[1].split("</div>")[0]
    assert [attrs["href"] for tag, attrs in elements_of(notes) if tag == "a"] == [
        "http://evil.example/auto", "https://ok.example"]
    abstract = text.split('<div class="rl-abstract"')[1].split("</div>")[0]
    balanced_tags(abstract.split(">", 1)[1])


def test_page_descriptions_for_search_engines_and_previews_read_as_the_text(site: Path):
    def metas(page: Path) -> dict[str, str]:
        return {attrs.get("name") or attrs.get("property"): attrs["content"]
                for tag, attrs in elements(page).elements if tag == "meta" and "content" in attrs}

    paper = metas(site / "papers" / "hostile-markup.html")
    # the abstract's first sentences, as text: the browser decodes exactly what the entry says
    assert paper["description"] == paper["og:description"]
    assert paper["description"].startswith("Graph attention <script>alert(8)</script> $\\href{javascript:alert(9)}")
    assert paper["og:title"] == HOSTILE_TITLE and paper["og:type"] == "article"
    citation = [(attrs["name"], attrs["content"]) for tag, attrs in elements(site / "papers" / "hostile-markup.html")
                .elements if tag == "meta" and attrs.get("name", "").startswith("citation_")]
    assert citation == [("citation_title", HOSTILE_TITLE), ("citation_author", "<svg onload=alert(3)>"),
                        ("citation_author", 'A & B "quoted"'), ("citation_publication_date", "2020"),
                        ("citation_pdf_url", "https://example.org/p.pdf#'><script>alert(6)</script>")]
    unicode = metas(site / "papers" / "hostile-unicode.html")
    assert unicode["description"] == "Graph networks with zero-width spaces."   # invisible characters left out
    theme = metas(site / "themes" / "graphs.html")
    assert theme["description"] == "<script>alert(35)</script> Graph networks [x](javascript:alert(36)) *md*"
    assert metas(site / "index.html")["og:description"] == "<script>alert(31)</script> *md* " \
        "[x](javascript:alert(32)) {% raw %}"
    for page in (site / "papers" / "hostile-markup.html", site / "themes" / "graphs.html"):
        assert "description:" not in page.read_text(encoding="utf-8")   # the front matter was read, not shown


def elements_of(markup: str) -> list[tuple[str, dict]]:
    parser = _Elements()
    parser.feed(markup)
    parser.close()
    return parser.elements


def test_lists_map_and_search_index_keep_titles_escaped(site: Path):
    for name in ("index.html", "all-papers.html", "tags.html"):
        assert "&lt;img src=x onerror=alert(2)&gt;" in (site / name).read_text(encoding="utf-8"), name
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "<title>&lt;/title&gt;&lt;script&gt;alert(1)" in home  # the map dot's SVG tooltip
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    # Material renders search titles and texts as HTML.
    for doc in index["docs"]:
        for field in ("title", "text"):
            assert not any(f"<{tag}" in doc[field] for tag in ("img", "script", "svg", "iframe")), doc
    titles = [html.unescape(doc["title"]) for doc in index["docs"] if doc["location"] == "papers/hostile-markup.html"]
    assert titles == [HOSTILE_TITLE]


def bibtex_entries(text: str) -> list[str]:
    """The entry heads BibTeX sees at brace depth zero, failing on unbalanced braces."""
    heads, depth = [], 0
    for index, char in enumerate(text):
        if char == "@" and depth == 0:
            heads.append(re.match(r"@\w+\{[^,]*", text[index:]).group())
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth >= 0, text[max(0, index - 80):index + 1]
    assert depth == 0
    return heads


def test_exports_keep_every_entry_inside_its_own_braces(site: Path, hostile_root: Path):
    count = len(list((hostile_root / "content" / "papers").glob("*.yml")))
    heads = bibtex_entries((site / "reading-list.bib").read_text(encoding="utf-8"))
    assert len(heads) == count and "@misc{hostile" in heads and not [h for h in heads if "evil" in h]
    for theme_bib in (site / "themes").glob("*.bib"):
        bibtex_entries(theme_bib.read_text(encoding="utf-8"))
    feed = etree.parse(site / "feed.xml").getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    assert HOSTILE_TITLE in [entry.findtext(f"{atom}title") for entry in feed.iter(f"{atom}entry")]
    etree.parse(site / "sitemap.xml")
    papers = {p["id"]: p for p in json.loads((site / "papers.json").read_text(encoding="utf-8"))["papers"]}
    assert papers["hostile-markup"]["title"] == HOSTILE_TITLE and papers["hostile-long"]["title"] == LONG_TITLE


def test_the_same_content_written_in_another_order_and_hash_seed_gives_the_same_site(tmp_path: Path, site: Path):
    again = write_hostile_list(tmp_path, reverse=True)
    result = build(again, "4242")
    assert result.returncode == 0, result.stdout + result.stderr
    assert tree_digest(again / "site") == tree_digest(site)


LAUGHS = "title: x\nabstract: y\nl0: &a [l, l, l, l, l, l, l, l, l]\n" + "".join(
    f"l{i}: &{chr(97 + i)} [{', '.join([f'*{chr(96 + i)}'] * 9)}]\n" for i in range(1, 10))
# Each refused entry (file name, content) and the exact line the build prints for it, after "content/papers/".
# Titles differ: the duplicate check reads the valid keys of entries with errors too.
REFUSED = [
    ("bidi-title.yml", 'title: "abc\\u202etxt.exe"\nabstract: x\n',
     "bidi-title.yml:1: title: contains the invisible control character U+202E at character 4; remove it"),
    ("bibtex-injection.yml", "title: BibTeX injection\nabstract: y\nbibtex: |\n  @misc{a, title={x}}\n  @misc{b, title={y}}\n",
     "bibtex-injection.yml:3: bibtex: expected one BibTeX entry, found more after its closing brace: "
     "'@misc{b, title={y}}'"),
    ("billion-laughs.yml", LAUGHS, "billion-laughs.yml:1: aliases (*name) expand this file to more than 10,000 "
                                   "values; write the values out instead of repeating anchors"),
    ("deep-nesting.yml", "title: " + "[" * 3000 + "]" * 3000 + "\nabstract: y\n",
     "deep-nesting.yml: this is not valid YAML for an entry: lists or mappings are nested too deeply"),
    ("python-object.yml", "title: !!python/object/apply:os.system ['touch pwned']\nabstract: y\n",
     "python-object.yml:1: this is not valid YAML at column 8: could not determine a constructor for the tag "
     "'tag:yaml.org,2002:python/object/apply:os.system'"),
    ("not-utf8.yml", "title: caf\xe9\nabstract: x\n".encode("latin-1"),
     "not-utf8.yml:1: is not UTF-8 text: byte 0xE9 at column 11 is not UTF-8 (invalid continuation byte); the file "
     "may be in Latin-1 or Windows-1252: save it as UTF-8"),
    ("bom.yml", "\ufefftitle: x\nabstract: y\n",
     "bom.yml:1: starts with an invisible byte-order mark (U+FEFF); save the file as UTF-8 without BOM"),
    ("tab-indent.yml", "title: x\n\tabstract: y\n", "tab-indent.yml:2: a tab indents this line; YAML indents with "
                                                    "spaces only"),
    ("long-line.yml", "title: x\nabstract: " + "y" * 20_001 + "\n",
     "long-line.yml:2: this line is 20,011 characters long; lines are limited to 20,000 (break long text over "
     "several lines)"),
    ("huge.yml", b"title: x\nabstract: " + b"y" * 1_100_000 + b"\n",
     "huge.yml: is 1.1 MB; content files are limited to 1 MB"),
    ("nul-byte.yml", "title: x\x00y\nabstract: y\n",
     "nul-byte.yml:1: contains the control character U+0000 at column 9, which YAML does not allow; remove it"),
    ("empty.yml", "", "empty.yml:1: expected a mapping of keys to values (one paper of the list), found an empty file"),
    ("a-list.yml", "- title: x\n", "a-list.yml:1: expected a mapping of keys to values (one paper of the list), "
                                   "found a list"),
    ("a-scalar.yml", "just text\n", "a-scalar.yml:1: expected a mapping of keys to values (one paper of the list), "
                                    "found text ('just text')"),
    ("syntax.yml", "title: [x\nabstract: y\n",
     "syntax.yml:1: the '[' opened at column 8 is never closed; add the ']'"),
    ("twice.yml", "title: x\ntitle: y\nabstract: z\n", "twice.yml:2: title: appears twice; keep one"),
    ("js-link.yml", "title: A javascript link\nabstract: y\nurl: javascript:alert(1)\n",
     "js-link.yml:3: url: expected an http:// or https:// link, found 'javascript:alert(1)'"),
    ("data-link.yml", "title: A data link\nabstract: y\npdf: data:text/html,<script>alert(1)</script>\n",
     "data-link.yml:3: pdf: expected an http:// or https:// link, found 'data:text/html,<script>alert(1)</script>'"),
    ("relative-link.yml", "title: A relative link\nabstract: y\ncode: [../../etc/passwd]\n",
     "relative-link.yml:3: code: item 1: expected an http:// or https:// link, found '../../etc/passwd'"),
    ("con.yml", "title: Device name\nabstract: y\n",
     "con.yml: the file name: 'con' is a name Windows reserves for a device and cannot be a file name; choose another"),
    ("Clash.yml", "title: Clash upper\nabstract: y\n",
     "Clash.yml: the file name must be lowercase letters, digits and hyphens followed by .yml: rename it to "
     "'clash.yml'"),
    ("clash.yml", "title: Clash lower\nabstract: y\n",
     "clash.yml: has the same id as content/papers/Clash.yml but for case or Unicode normalization (one file on "
     "macOS and Windows); rename one of them"),
    ("upper.YML", "title: Loud\nabstract: x\n", "upper.YML: entries end in .yml (lower case); rename this file"),
    ("a-folder.yml", None, "a-folder.yml: is a folder; an entry is a file content/papers/<id>.yml"),
    ("linked.yml", "link", "linked.yml: is a symbolic link; content files must be plain files"),
    # a paper in a subfolder was left out without a word; other files there (notes.txt) may stay
    ("drafts/deeper/nested.yml", "title: Nested\nabstract: y\n",
     "drafts/deeper/nested.yml: is in a folder inside content/papers/, where no entry is read; move it to "
     "content/papers/nested.yml"),
]


def test_refused_entries_get_their_exact_messages_and_content_is_untouched(tmp_path: Path):
    root = copy_fixture_list(tmp_path)
    papers = root / "content" / "papers"
    secret = tmp_path / "secret.yml"
    secret.write_text("title: the runner's secret\nabstract: leaked\n")
    for name, content, _ in REFUSED:
        if content is None:
            (papers / name).mkdir()
        elif content == "link":
            (papers / name).symlink_to(secret)
        elif isinstance(content, bytes):
            (papers / name).write_bytes(content)
        else:
            (papers / name).parent.mkdir(parents=True, exist_ok=True)
            (papers / name).write_text(content, encoding="utf-8")
    (papers / "drafts" / "notes.txt").write_text("not an entry\n")
    before = tree_digest(root / "content")

    result = build(root, "0")

    output = result.stdout + result.stderr
    assert result.returncode == 1 and "Traceback" not in output and "Internal error" not in output, output
    reported = sorted(line.strip() for line in result.stderr.splitlines() if line.startswith("  "))
    assert reported == sorted(f"content/papers/{message}" for _, _, message in REFUSED)
    assert "the runner's secret" not in output and "leaked" not in output
    assert not (root / "site").exists() and not (root / "pwned").exists() and not Path("pwned").exists()
    assert tree_digest(root / "content") == before


# ---------------------------------------------------------------------------------------------
# The hostile site in headless Chromium

HOSTILE_SEARCHES = ["<img src=x onerror=alert(1)>", "<script>alert(1)</script>", "javascript:alert(1)",
                    "\"><svg onload=alert(1)>"]


DOM_PROBE = """() => ({
  scripts: [...document.scripts].filter(s => !s.src && /alert/.test(s.textContent)).length
           + [...document.scripts].filter(s => s.src && !s.src.startsWith(location.origin)
                                               && !s.src.startsWith('file:')).length,
  handlers: [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
  // The only frame allowed is the search worker shim's: hidden, without a source.
  images: document.querySelectorAll('img, object, embed, iframe[src], iframe:not([hidden])').length,
  // Resolved as a click would (SVG links of the map included).
  protocols: [...new Set([...document.querySelectorAll('a[href]')].map(
    a => new URL(a.getAttribute('href'), document.baseURI).protocol))],
})"""

HOSTILE_PAGES = ("papers/hostile-markup.html", "papers/hostile-braces.html", "index.html", "all-papers.html",
                 "tags.html", "404.html")


def assert_nothing_from_entries(page, where: str) -> None:
    """No entry script, handler, image or frame in the live DOM, and every link http(s) or a site file."""
    probe = page.evaluate(DOM_PROBE)
    assert probe["scripts"] == 0 and probe["handlers"] == 0 and probe["images"] == 0, (where, probe)
    assert set(probe["protocols"]) <= {"http:", "https:", "file:"}, (where, probe)


def browse_hostile_site(base: str) -> tuple[list[str], list[str]]:
    """Open the hostile pages and search hostile words in a fresh Chromium; returns the requests and dialogs."""
    from playwright.sync_api import sync_playwright

    from browser_support import launch

    requests, dialogs = [], []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.on("request", lambda request: requests.append(request.url))
        page = context.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        for path in HOSTILE_PAGES:
            page.goto(base + path)
            page.wait_for_load_state("load")
            assert_nothing_from_entries(page, path)
        page.goto(base + "papers/hostile-markup.html")
        box = page.locator("input.md-search__input")
        for words in HOSTILE_SEARCHES + ["onerror"]:
            box.click()
            box.fill("")
            box.press_sequentially(words, delay=5)
            page.locator(".md-search-result__meta").wait_for(timeout=15000)
            page.wait_for_timeout(200)
            assert_nothing_from_entries(page, words)
        assert page.locator(".md-search-result__item").count() >= 1  # 'onerror' finds the hostile entry
        browser.close()
    return requests, dialogs


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["file", "http"])
def test_hostile_pages_and_searches_run_nothing_and_stay_local(site: Path, scheme: str):
    pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Debian's chromium is missing: run `make browser`")
    from browser_support import is_local, serve

    base = site.as_uri() + "/" if scheme == "file" else serve(site)
    # Playwright's sync API will not start on a thread where another module's session is running; a
    # thread of its own keeps this test independent of the other browser tests.
    with ThreadPoolExecutor(max_workers=1) as pool:
        requests, dialogs = pool.submit(browse_hostile_site, base).result()
    assert dialogs == []
    assert [url for url in requests if not is_local(url, base)] == []


@pytest.mark.parametrize("output", ["site", "build", "build/docs", "site.tmp"])
def test_an_output_folder_that_is_a_symbolic_link_is_refused(tmp_path: Path, output: str):
    from conftest import copy_fixture_list
    from generator.build import build
    from generator.errors import ReadingListError
    from generator.project import Project

    root = copy_fixture_list(tmp_path)
    (root / output).parent.mkdir(parents=True, exist_ok=True)
    (root / output).symlink_to(root / "content")
    before = sorted(p.name for p in (root / "content" / "papers").iterdir())
    with pytest.raises(ReadingListError, match="is a symbolic link"):
        build(Project(root))
    assert sorted(p.name for p in (root / "content" / "papers").iterdir()) == before


@pytest.mark.parametrize("output", ["site", "site.tmp", "build/docs"])
def test_an_output_path_that_is_a_file_is_refused_and_kept(tmp_path: Path, output: str):
    """A file named site was exchanged for the built folder and left as site.tmp, where every later build failed
    with "Not a directory: .../site.tmp"."""
    from conftest import copy_fixture_list
    from generator.build import build
    from generator.errors import ReadingListError
    from generator.project import Project

    root = copy_fixture_list(tmp_path)
    (root / output).parent.mkdir(parents=True, exist_ok=True)
    (root / output).write_text("the user's file", encoding="utf-8")
    with pytest.raises(ReadingListError, match=f"{output.rsplit('/', 1)[-1]} is a file, where the build writes a "
                                               "folder; move it away"):
        build(Project(root))
    assert (root / output).read_text(encoding="utf-8") == "the user's file"
