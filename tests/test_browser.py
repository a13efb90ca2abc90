"""The built site in real headless Chromium, opened from disk (file://) and from a local HTTP server.

The rich fixture list is built once per session with the real `readinglist build`.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from browser_support import (
    FOLDED_AUTHOR, GIVEN_BIBTEX, HOSTILE_ID, LONG_ADDRESS, RICH_ID, SCREENSHOTS, SEARCH_WORD, built_rich_list, is_local,
    launch, serve, write_rich_list,
)

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Debian's chromium is missing: run `make browser`", allow_module_level=True)


@pytest.fixture(scope="session")
def rich_site(tmp_path_factory) -> Path:
    return built_rich_list(tmp_path_factory) / "site"


@pytest.fixture(scope="session")
def browser():
    with playwright_api.sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(params=["file", "http"])
def base(request, rich_site: Path) -> str:
    """The site's root URL, over file:// or over http://127.0.0.1."""
    return rich_site.as_uri() + "/" if request.param == "file" else serve(rich_site)


class Visit:
    """A browser tab that records every request and every JS dialog while a test runs."""

    def __init__(self, browser, base: str, width: int = 1280, **options):
        self.base = base
        self.context = browser.new_context(viewport={"width": width, "height": 900}, **options)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.page.on("dialog", self._dialog)

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, path: str):
        self.page.goto(self.base + path)
        return self.page

    def foreign_requests(self) -> list[str]:
        return [url for url in self.requests if not is_local(url, self.base)]


@pytest.fixture
def visit(browser, base):
    tab = Visit(browser, base)
    yield tab
    tab.context.close()
    # Every test doubles as a privacy check: nothing it did reached another host.
    assert tab.foreign_requests() == []


def heading(page) -> str:
    """The page's h1 without the permalink mark the toc extension adds."""
    return page.locator("h1").inner_text().removesuffix("¶").strip()


def type_into_search(page, text: str) -> None:
    """Type as a reader does: Material's search reacts to key events, not to a filled value."""
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(text, delay=20)


def test_search_for_a_word_of_one_abstract_finds_and_opens_that_paper(visit):
    page = visit.open("index.html")
    type_into_search(page, SEARCH_WORD)
    result = page.locator(".md-search-result__item a", has_text="Attention geometry of transformer states").first
    result.wait_for(timeout=15000)
    result.click()
    page.wait_for_url(re.compile(rf"papers/{RICH_ID}\.html"))
    assert heading(page) == "Attention geometry of transformer states"


def test_search_finds_a_name_typed_without_its_accents(visit):
    page = visit.open("index.html")
    type_into_search(page, FOLDED_AUTHOR)   # the author is 'Zoë Ångström'
    result = page.locator(".md-search-result__item a", has_text="Attention geometry of transformer states").first
    result.wait_for(timeout=15000)
    assert page.locator(".md-search-result__item").count() == 1


def test_search_finds_a_word_typed_in_the_plural_where_the_page_has_the_singular(visit):
    # Material matches the start of a word: 'transformer' found 'transformers', but 'transformers' missed every
    # page that says 'transformer'. The rich abstract says 'zephyrine' once, never 'zephyrines'.
    # (opened with the query in the address: typed, its results for 'zephyrine' would show before the 's')
    page = visit.open(f"index.html?q={SEARCH_WORD}s")
    playwright_api.expect(page.locator(".md-search-result__meta")).to_have_text("1 matching document", timeout=15000)
    assert page.locator(".md-search-result__item a h1").inner_text() == "Attention geometry of transformer states"


def test_home_theme_card_paper_related_paper_and_tag_page_by_clicking(visit):
    page = visit.open("index.html")
    card = page.locator(".rl-themes .rl-card-title a").first
    theme_name = card.inner_text()
    card.click()
    page.wait_for_url(re.compile(r"themes/[^/]+\.html"))
    assert heading(page) == theme_name
    page.locator(".rl-paper-list .rl-paper-title a").first.click()
    page.wait_for_url(re.compile(r"papers/[^/]+\.html"))
    first_title = heading(page)
    related = page.locator(".rl-related a").first
    related_title = related.inner_text()
    first_url = page.url
    related.click()
    page.wait_for_url(lambda url: url != first_url and "/papers/" in url)
    assert "/papers/" in page.url and heading(page) == related_title != first_title
    back = page.locator("a.rl-back")
    assert back.count() == 1
    tag = page.locator(".rl-tags a.rl-tag").first
    if tag.count() == 0:  # the related paper may have no tags: use the rich entry, which has some
        page = visit.open(f"papers/{RICH_ID}.html")
        tag = page.locator(".rl-tags a.rl-tag").first
    tag_name = tag.inner_text().strip()
    tag.click()
    page.wait_for_url(re.compile(r"tags\.html#tag-"))
    section = page.locator(f"#tag-{tag_name}")
    assert section.is_visible()


def test_a_map_dot_opens_its_paper(visit):
    page = visit.open("index.html")
    dots = page.locator(".rl-map-svg a")
    assert dots.count() == 14
    dot = page.locator(f'.rl-map-svg a[href="papers/{RICH_ID}.html"]')
    assert dot.locator("title").text_content() == "Attention geometry of transformer states"
    dot.locator("circle").click(force=True)
    page.wait_for_url(re.compile(rf"papers/{RICH_ID}\.html"))


def test_the_keyboard_passes_over_the_map_in_one_step(visit):
    # one tab stop per dot would make a 10,000-paper map 10,000 presses long; the legend's theme links
    # and every index lead to the same papers
    page = visit.open("index.html")
    page.locator(".rl-map").evaluate("map => map.setAttribute('tabindex', '-1')")   # focus starts at the map
    page.locator(".rl-map").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.rl-legend') !== null"), \
        page.evaluate("document.activeElement.outerHTML.slice(0, 200)")
    # screen readers skip the dots too: the map's label and legend say what it shows
    assert page.locator(".rl-map-svg [aria-hidden=true] a").count() == page.locator(".rl-map-svg a").count() == 14


def test_a_theme_page_map_highlights_its_own_papers(visit):
    page = visit.open(f"papers/{RICH_ID}.html")
    page.locator("a.rl-back").click()
    page.wait_for_url(re.compile(r"themes/[^/]+\.html"))
    page.wait_for_load_state()
    own = page.locator(".rl-paper-list .rl-paper-title a").count()
    assert page.locator(".rl-map-svg a").count() == own
    assert page.locator(".rl-map-svg path.rl-map-other").count() >= 1


def test_the_math_abstract_shows_mathml(visit):
    page = visit.open(f"papers/{RICH_ID}.html")
    block = page.locator('.rl-abstract math[display="block"]')
    assert block.count() == 1
    assert block.locator("msub").count() >= 1
    assert "\\[" not in page.locator(".rl-abstract").inner_text()
    assert block.bounding_box()["height"] > 5  # Chromium lays MathML out: it is drawn, not raw text


def test_the_all_papers_filter_narrows_the_table_as_one_types_and_headers_sort(visit):
    page = visit.open("all-papers.html")
    rows = page.locator("#rl-all-papers tbody tr")
    assert rows.count() == 14
    page.locator("#rl-filter").press_sequentially("graph atten")
    visible = page.locator("#rl-all-papers tbody tr:visible")
    titles = visible.locator("td:first-child").all_inner_texts()
    assert 1 <= len(titles) < 14
    assert all("graph" in row.lower() for row in visible.all_inner_texts())
    assert page.locator("#rl-filter-count").inner_text() == f"{len(titles)} papers"
    page.locator("#rl-filter").fill("")
    page.locator("#rl-filter").press_sequentially("GRÄPH Àtten")   # case and accents aside, the same rows
    assert page.locator("#rl-all-papers tbody tr:visible td:first-child").all_inner_texts() == titles
    page.locator("#rl-filter").fill("")
    # under its title a paper names its authors by surname, and the filter reads every author's whole name, here
    # the third one's without its accents
    assert page.locator("#rl-all-papers tbody tr", has_text="Attention geometry").locator(
        ".rl-row-authors").inner_text() == "Doe, Roe and Ångström"
    page.locator("#rl-filter").press_sequentially("angstrom")
    assert page.locator("#rl-all-papers tbody tr:visible td:first-child a").all_inner_texts() == [
        "Attention geometry of transformer states"]
    page.locator("#rl-filter").fill("")
    year = page.locator("#rl-all-papers thead th", has_text="Year")
    column = year.evaluate("th => th.cellIndex") + 1
    year.locator("button").click()
    years = [y for y in page.locator(f"#rl-all-papers tbody td:nth-child({column})").all_inner_texts() if y]
    assert years == sorted(years) and len(years) >= 5
    year.locator("button").click()
    years = [y for y in page.locator(f"#rl-all-papers tbody td:nth-child({column})").all_inner_texts() if y]
    assert years == sorted(years, reverse=True)



def test_a_byline_without_authors_opens_with_the_year_not_a_separator(visit):
    def separators(page):
        return page.locator(".rl-byline > span").evaluate_all(
            "spans => spans.map(s => getComputedStyle(s, '::before').content)")
    no_authors = separators(visit.open("papers/evolutionary-couplings-for-protein-folding.html"))
    assert no_authors[0] in ("none", '""'), no_authors
    with_authors = separators(visit.open("papers/attention-geometry-of-transformer-states.html"))
    assert with_authors[0] in ("none", '""') and with_authors[1:] and all("·" in c for c in with_authors[1:])


def test_a_page_title_s_hidden_permalink_takes_no_room(visit):
    """Material's pilcrow is invisible until hovered but took its room: a title just short of the column's
    width wrapped it onto an empty second line."""
    for path in ("themes.html", f"papers/{RICH_ID}.html"):
        page = visit.open(path)
        mark = page.locator("h1 .headerlink")
        assert mark.count() == 1
        assert mark.evaluate("a => a.getBoundingClientRect().width") == 0, path


def test_an_abstract_is_justified_on_a_wide_screen_but_not_on_a_phone(browser, rich_site):
    # justified text on a 390 px line opens wide gaps between words
    aligned = {}
    for width in (1280, 390):
        tab = Visit(browser, rich_site.as_uri() + "/", width)
        page = tab.open(f"papers/{RICH_ID}.html")
        aligned[width] = page.locator(".rl-abstract p").first.evaluate("p => getComputedStyle(p).textAlign")
        tab.context.close()
    assert aligned == {1280: "justify", 390: "start"}


@pytest.mark.parametrize("width", [1280, 390])
def test_a_long_web_address_in_an_abstract_is_a_link_that_fills_its_line_and_keeps_the_page_width(
        browser, rich_site, width):
    tab = Visit(browser, rich_site.as_uri() + "/", width)
    page = tab.open(f"papers/{RICH_ID}.html")
    link = page.locator(".rl-abstract a")
    assert link.get_attribute("href") == LONG_ADDRESS
    # it starts on the line of the words before it: carried whole to a line of its own, it left that line,
    # justified, stretched word by word
    starts = link.evaluate("a => [a.getClientRects()[0].left, a.closest('p').getBoundingClientRect().left]")
    assert starts[0] > starts[1] + 20, starts
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    tab.context.close()


def test_on_a_phone_the_titles_keep_the_widest_column_of_all_papers(browser, rich_site):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(rich_site.as_uri() + "/all-papers.html")
    widths = page.locator("#rl-all-papers thead th").evaluate_all("cells => cells.map(c => c.offsetWidth)")
    table = page.locator("#rl-all-papers").evaluate("t => [t.scrollWidth, t.parentElement.clientWidth]")
    assert widths[0] == max(widths), widths
    assert table[0] <= table[1] + 1  # no sideways scrolling
    # the tags column is hidden there, yet the filter still finds a paper by its tag
    tagged = page.locator("#rl-all-papers tbody tr").filter(has=page.locator(".rl-tag")).first
    tag = tagged.locator(".rl-tag").first.text_content().strip()
    assert not tagged.locator(".rl-tag").first.is_visible()
    page.locator("#rl-filter").press_sequentially(tag)
    visible = page.locator("#rl-all-papers tbody tr:visible")
    assert 1 <= visible.count() < page.locator("#rl-all-papers tbody tr").count()
    assert tagged.is_visible()
    context.close()


@pytest.fixture(scope="module")
def short_table_site(tmp_path_factory) -> Path:
    """The rich list built with an all-papers table that shows 5 rows before "Show more" (14 papers), and a
    tag index that lists one paper per tag before "Show all"."""
    from generator import pages
    from generator.build import build
    from generator.project import Project

    root = write_rich_list(tmp_path_factory.mktemp("short-table"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pages, "INDEX_ROWS_SHOWN", 5)
        patch.setattr(pages, "TAG_PAPERS_SHOWN", 1)
        build(Project(root))
    return root / "site"


def test_a_long_all_papers_table_shows_its_first_rows_and_more_on_request(browser, short_table_site: Path):
    tab = Visit(browser, short_table_site.as_uri() + "/")
    page = tab.open("all-papers.html")
    visible = page.locator("#rl-all-papers tbody tr:visible")
    count, more = page.locator("#rl-filter-count"), page.locator("#rl-more")
    assert (visible.count(), count.inner_text(), more.is_visible()) == (5, "Showing 5 of 14 papers", True)
    more.click()
    assert (visible.count(), count.inner_text()) == (10, "Showing 10 of 14 papers")
    hidden_title = page.locator("#rl-all-papers tbody tr[hidden] td:first-child").first.text_content().strip()
    page.locator("#rl-filter").fill(hidden_title)  # the filter searches every row, shown or not
    assert visible.locator("td:first-child").all_inner_texts() == [hidden_title]
    assert (count.inner_text(), more.is_visible()) == ("1 paper", False)
    page.locator("#rl-filter").fill("")
    page.locator("th:nth-child(1) button").click()  # sorted the other way, still the first 10
    titles = visible.locator("td:first-child").all_inner_texts()
    assert len(titles) == 10 and titles == sorted(titles, key=str.lower, reverse=True)
    tab.context.close()
    assert tab.foreign_requests() == []


def test_a_long_tag_lists_its_first_papers_and_the_rest_on_request(browser, short_table_site: Path):
    tab = Visit(browser, short_table_site.as_uri() + "/")
    page = tab.open("tags.html")
    button = page.locator(".rl-show-all").first
    its_list = button.locator("xpath=../preceding-sibling::ul[1]")
    every = its_list.locator("li").count()
    assert every >= 2 and its_list.locator("li:visible").count() == 1
    assert button.inner_text() == f"Show all {every} papers"
    button.click()
    assert its_list.locator("li:visible").count() == every
    assert not button.is_visible()
    tab.context.close()
    assert tab.foreign_requests() == []


def test_without_javascript_long_lists_show_every_paper(browser, short_table_site: Path):
    tab = Visit(browser, short_table_site.as_uri() + "/", java_script_enabled=False)
    page = tab.open("all-papers.html")
    assert page.locator("#rl-all-papers tbody tr:visible").count() == 14
    assert not page.locator("#rl-more").is_visible()
    page = tab.open("tags.html")
    items = page.locator("ul.rl-tag-papers li")
    assert items.count() > len(page.locator("ul.rl-tag-papers").all())  # some tag lists more than one
    assert page.locator("ul.rl-tag-papers li:visible").count() == items.count()
    assert not page.locator(".rl-show-all").first.is_visible()
    tab.context.close()

def test_the_copy_button_copies_the_exact_bibtex(browser, base):
    tab = Visit(browser, base)
    if base.startswith("http"):
        tab.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base.rstrip("/"))
    page = tab.open(f"papers/{RICH_ID}.html")
    block = page.locator(".highlight").filter(has_text="@inproceedings")
    block.hover()
    button = block.locator('button[data-md-type="copy"]')
    target = button.get_attribute("data-clipboard-target")
    assert page.locator(target).inner_text().strip() == GIVEN_BIBTEX
    button.click()
    if base.startswith("http"):
        assert page.evaluate("navigator.clipboard.readText()").strip() == GIVEN_BIBTEX
    tab.context.close()
    assert tab.foreign_requests() == []


def test_a_hostile_entry_runs_no_script(visit):
    for path in (f"papers/{HOSTILE_ID}.html", "index.html", "all-papers.html", "tags.html"):
        page = visit.open(path)
        page.wait_for_load_state("load")
    page = visit.open(f"papers/{HOSTILE_ID}.html")
    assert heading(page).startswith("<img src=x onerror=alert(1)>")
    type_into_search(page, "graph")
    page.wait_for_timeout(300)
    assert visit.dialogs == []


def test_no_request_leaves_the_local_host_on_a_tour_of_every_kind_of_page(visit):
    for path in ("index.html", "all-papers.html", "tags.html", f"papers/{RICH_ID}.html", "feed.xml"):
        page = visit.open(path)
        page.wait_for_load_state("networkidle")
    page = visit.open("index.html")
    type_into_search(page, SEARCH_WORD)
    page.locator(".md-search-result__item").first.wait_for(timeout=15000)
    assert len(visit.requests) > 10  # the recorder did see the site's own files
    assert visit.foreign_requests() == []


# Material's own, left as it is: the copy button's <nav> beside a code block has no label of its own.
MATERIAL_ACCESSIBILITY = {"landmark-unique"}


@pytest.mark.parametrize("scheme, width", [("light", 1280), ("dark", 1280), ("light", 390)])   # 390: a phone
def test_every_kind_of_page_passes_an_accessibility_audit(browser, rich_site, scheme, width):
    """axe-core, the engine behind Lighthouse's and most accessibility audits, finds nothing serious."""
    from axe_playwright_python.sync_playwright import Axe

    tab = Visit(browser, serve(rich_site), width, color_scheme=scheme)
    theme = tab.open("index.html").locator(".rl-themes .rl-card-title a").first.get_attribute("href")
    found = {}
    for path in ("index.html", theme, "themes.html", "all-papers.html", "tags.html", "contribute.html",
                 f"papers/{RICH_ID}.html", f"papers/{HOSTILE_ID}.html"):
        tab.open(path).wait_for_load_state("load")
        found[path] = axe_violations(Axe().run(tab.page))
    tab.context.close()
    assert {path: problems for path, problems in found.items() if problems} == {}
    assert tab.foreign_requests() == []


def axe_violations(results) -> list[str]:
    """Each violation axe reports, with the first elements it names, leaving out MATERIAL_ACCESSIBILITY."""
    return [f"{v['id']} ({v['impact']}): {[node['target'] for node in v['nodes'][:3]]}"
            for v in results.response["violations"] if v["id"] not in MATERIAL_ACCESSIBILITY]


def test_screenshots_of_home_theme_and_paper_in_light_and_dark(browser, rich_site, base):
    if not base.startswith("http"):
        pytest.skip("screenshots are taken once, over http")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for scheme in ("light", "dark"):
        tab = Visit(browser, base, color_scheme=scheme)
        page = tab.open("index.html")
        theme_href = page.locator(".rl-themes .rl-card-title a").first.get_attribute("href")
        for name, path in (("home", "index.html"), ("theme", theme_href), ("paper", f"papers/{RICH_ID}.html")):
            page = tab.open(path)
            background = page.evaluate("getComputedStyle(document.body).backgroundColor")
            dark = sum(int(v) for v in re.findall(r"\d+", background)[:3]) < 200
            assert dark == (scheme == "dark")
            target = SCREENSHOTS / f"{name}-{scheme}.png"
            page.screenshot(path=str(target))
            assert target.stat().st_size > 10_000
        tab.context.close()
        assert tab.foreign_requests() == []
