"""The site's Contribute page, made from CONTRIBUTING.md."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.contribute import FALLBACK_TEXT, contribute_page, contributing_text, lists_opened_as_on_github
from generator.project import Project
from generator.schema import SiteSection

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("repo_url, text, expected", [
    (None, "See [content/tags.yml](content/tags.yml).", "See content/tags.yml."),
    (None, "The [schema](schema/paper.schema.json).", "The schema (`schema/paper.schema.json`)."),
    ("https://github.com/o/r", "The [schema](./schema/paper.schema.json).",
     "The [schema](https://github.com/o/r/blob/main/schema/paper.schema.json)."),
    ("https://gitlab.com/o/r/", "[x](README.md)", "[x](https://gitlab.com/o/r/-/blob/main/README.md)"),
    ("https://github.com/o/r", "[site](https://example.org) [top](#top) [m](mailto:a@b.org) ![i](img.png)",
     "[site](https://example.org) [top](#top) [m](mailto:a@b.org) ![i](img.png)"),
])
def test_repository_links_point_into_the_repository(repo_url, text, expected):
    assert contribute_page(text, SiteSection(repo_url=repo_url)) == expected


def test_the_page_comes_from_contributing_md_or_a_fallback(tmp_path: Path):
    assert contributing_text(Project(REPO)).startswith("# Contribute a paper")
    assert contributing_text(Project(tmp_path)) == FALLBACK_TEXT


def test_the_built_site_has_a_contribute_page(built_fixture_site: Path):
    page = built_fixture_site / "site" / "contribute.html"
    # The fixture list has no CONTRIBUTING.md, so the page is the fallback, linked from the navigation.
    assert "by pull request" in page.read_text(encoding="utf-8")
    assert 'href="contribute.html"' in (built_fixture_site / "site" / "index.html").read_text(encoding="utf-8")


STEPS = """1. Install.
2. Create the entry:

    ```sh
    readinglist add
    3. not an item: code
    ```

    It writes the file.
3. Run the check.
"""


def test_a_list_item_github_starts_after_a_paragraph_starts_on_the_contribute_page_too():
    # MkDocs' Markdown read '3. Run the check.' as more of step 2's last paragraph: step 3 ran into step 2
    import markdown

    html = markdown.markdown(lists_opened_as_on_github(STEPS), extensions=["pymdownx.superfences"])
    assert re.findall(r"<li>\s*(?:<p>)?([^<]+)", html) == ["Install.", "Create the entry:", "Run the check."]
    assert "3. not an item: code" in re.sub("<[^>]+>", "", html)   # fenced code is left as it is
    # GitHub opens a list after a line of text with a bullet or with 1, not with another number
    assert lists_opened_as_on_github("Checks:\n- tags\n- links") == "Checks:\n\n- tags\n- links"
    assert lists_opened_as_on_github("It came in\n2023. Then") == "It came in\n2023. Then"
    # a tight list's wrapped items stay tight
    tight = "- a\n  more of a\n- b\n"
    assert lists_opened_as_on_github(tight) == tight
