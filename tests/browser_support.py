"""Helpers of the page and browser tests: a richer fixture list, its site built once, a local server, Chromium.

The rich list is tests/fixtures/small-list plus entries that exercise every part of a paper
page (authors, links, code, notes, given BibTeX, math) and one hostile entry.
"""
from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
FIXTURE_LIST = REPO / "tests" / "fixtures" / "small-list"
SCREENSHOTS = REPO / "build" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]

RICH_ID = "attention-geometry-of-transformer-states"
HOSTILE_ID = "hostile-entry"
SEARCH_WORD = "zephyrine"
# A web address longer than any line, at the end of the rich entry's abstract
LONG_ADDRESS = "https://github.com/example-laboratory/attention-geometry-of-transformer-states/tree/main/experiments/figures"
# How a reader types the rich entry's third author, 'Zoë Ångström'
FOLDED_AUTHOR = "Angstrom"
GIVEN_BIBTEX = """@inproceedings{doe2023geometry,
  title = {Attention geometry of transformer states},
  author = {Doe, Jane and Roe, Richard},
  booktitle = {Proceedings of Examples},
  year = {2023}
}"""

EXTRA_ENTRIES = {
    RICH_ID: f"""title: Attention geometry of transformer states
authors:
- Jane Doe
- Richard Roe
- Zoë Ångström
year: 2023
venue: Proceedings of Examples
url: https://example.org/paper
pdf: https://example.org/paper.pdf
doi: 10.1234/example.5678
arxiv: '2301.01234'
code:
- https://github.com/example/attention-geometry
tags:
- transformers
- graphs
added: 2024-02-01
notes: |
  A **must read** on graph transformers; see [the project page](https://example.org/project).
bibtex: |
{chr(10).join('  ' + line for line in GIVEN_BIBTEX.splitlines())}
abstract: 'Graph transformers keep a {SEARCH_WORD} geometry of hidden states: the decomposition
  \\[ h_{{c,t}} = \\mu + pos_t + ctx_c \\] separates position from context on graph attention. Code and data:
  {LONG_ADDRESS}.'
""",
    HOSTILE_ID: """title: <img src=x onerror=alert(1)> Graph attention "quotes" & <script>alert(2)</script>
authors:
- <svg onload=alert(3)>
venue: <iframe src=javascript:alert(4)>
code:
- https://github.com/example/hostile"><script>alert(5)</script>
tags:
- graphs
added: 2024-02-02
notes: |
  Hostile notes <img src=x onerror=alert(6)> and [a link](javascript:alert(7)) and
  <a href="javascript:alert(8)">raw</a> and ![pic](https://tracker.example/pixel.png).
abstract: 'Graph attention <script>alert(9)</script> with $\\text{<img src=x onerror=alert(10)>}$ and
  $\\href{javascript:alert(11)}{x}$ on graph neural networks.'
""",
}


def write_rich_list(destination: Path) -> Path:
    """A copy of the small fixture list plus the extra entries, ready to build."""
    root = destination / "rich-list"
    shutil.copytree(FIXTURE_LIST, root, ignore=shutil.ignore_patterns("build", "site"))
    for paper_id, text in EXTRA_ENTRIES.items():
        (root / "content" / "papers" / f"{paper_id}.yml").write_text(text, encoding="utf-8")
    return root


_BUILT: dict[str, Path] = {}


def built_rich_list(tmp_path_factory) -> Path:
    """The rich list built once per test session with the real `readinglist build` command."""
    if "root" not in _BUILT:
        root = write_rich_list(tmp_path_factory.mktemp("rich"))
        command = [str(Path(sys.executable).with_name("readinglist")), "build", "--project", str(root)]
        result = subprocess.run(command, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
        _BUILT["root"] = root
    return _BUILT["root"]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@functools.lru_cache(maxsize=None)
def serve(site: Path) -> str:
    """Serve a folder on 127.0.0.1 from a daemon thread; returns the base URL."""
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/"


def is_local(url: str, base: str) -> bool:
    """A request the site may make: its own files (file:// or the local server), or inline data."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    if parts.scheme == "file":
        return not parts.netloc
    return f"{parts.scheme}://{parts.netloc}/" == base


def launch(playwright):
    """Debian's Chromium, headless; Playwright never downloads a browser here."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def screenshot_pages(site: Path, pages: dict[str, str], out: Path, width: int = 1280, height: int = 900) -> list[Path]:
    """Light and dark screenshots of site pages (name -> site path), for people to look at."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    saved = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        for scheme in ("light", "dark"):
            context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
            page = context.new_page()
            for name, path in pages.items():
                page.goto((site / path).as_uri())
                target = out / f"{name}-{scheme}.png"
                page.screenshot(path=str(target))
                saved.append(target)
            context.close()
        browser.close()
    return saved


if __name__ == "__main__":
    # Screenshots of any built site: python tests/browser_support.py site/ build/screenshots/shipped home=index.html ...
    site_dir, out_dir, *named = sys.argv[1:]
    for shot in screenshot_pages(Path(site_dir).resolve(), dict(item.split("=", 1) for item in named), Path(out_dir)):
        print(shot)
