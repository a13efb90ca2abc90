"""The loader: good and bad entries, with the exact message each problem gets."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.content import config_from_yaml, curated_from_yaml, load_catalog, paper_from_yaml
from generator.errors import ContentError
from generator.project import Project

REL = "content/papers/some-paper.yml"


def messages(text: str, stem: str = "some-paper") -> list[str]:
    _, problems = paper_from_yaml(text, f"content/papers/{stem}.yml", stem)
    return [str(p) for p in sorted(problems)]


def test_a_complete_entry_loads_into_a_paper():
    text = """\
title: "Attention Is All You Need"
authors: [Ashish Vaswani, Noam Shazeer]
year: 2017
venue: NeurIPS
url: https://arxiv.org/abs/1706.03762
doi: https://doi.org/10.48550/arXiv.1706.03762
arxiv: "1706.03762"
code: [https://github.com/tensorflow/tensor2tensor]
tags: [transformers, attention]
added: 2024-05-01
notes: "A *classic*."
abstract: The dominant sequence transduction models...
"""
    paper, problems = paper_from_yaml(text, REL, "some-paper")
    assert problems == []
    assert paper.id == "some-paper" and paper.source == REL
    assert paper.authors == ("Ashish Vaswani", "Noam Shazeer")
    assert paper.doi == "10.48550/arXiv.1706.03762"
    assert paper.added == dt.date(2024, 5, 1)
    assert paper.tags == ("transformers", "attention")


@pytest.mark.parametrize("text, expected", [
    ("abstract: An abstract.\n",
     [f"{REL}:1: title: is required: the paper's title, as published."]),
    ("title: A paper\nyear: twenty\nabstract: x\n",
     [f"{REL}:2: year: expected a year such as 2024, found text ('twenty')"]),
    ("title: A paper\nyear: 1200\nabstract: x\n",
     [f"{REL}:2: year: expected a year between 1600 and {dt.date.today().year + 1}, found 1200"]),
    ("title: 1984\nabstract: x\n",
     [f"{REL}:1: title: expected text, found a number (1984) (put it in quotes)"]),
    ("title: A paper\nauthors: Ada Lovelace, Alan Turing\nabstract: x\n",
     [f"{REL}:2: authors: expected a list (one '- item' per line), found text ('Ada Lovelace, Alan Turing')"]),
    ("title: A paper\nurl: javascript:alert(1)\nabstract: x\n",
     [f"{REL}:2: url: expected an http:// or https:// link, found 'javascript:alert(1)'"]),
    ("title: A paper\nurl: 'http://[oops/'\nabstract: x\n",
     [f"{REL}:2: url: expected an http:// or https:// link, found 'http://[oops/'"]),
    ("title: A paper\ncode: [https://github.com/a/b, ftp://example.org/x]\nabstract: x\n",
     [f"{REL}:2: code: item 2: expected an http:// or https:// link, found 'ftp://example.org/x'"]),
    ("title: A paper\nabstarct: x\n",
     [f"{REL}:1: warning: abstract: is missing; readers and the theme step rely on it",
      f"{REL}:2: abstarct: unknown key in a paper; did you mean 'abstract'?"]),
    ("title: A paper\ntags: [Deep Learning]\nabstract: x\n",
     [f"{REL}:2: tags: item 1: expected a tag of lowercase letters, digits and hyphens "
      "(like 'language-models'), found 'Deep Learning'; did you mean 'deep-learning'?"]),
    ("title: A paper\ntitle: Again\nabstract: x\n",
     [f"{REL}:2: title: appears twice; keep one"]),
    ("title: [unclosed\nabstract: x\n",
     [f"{REL}:1: the '[' opened at column 8 is never closed; add the ']'"]),
    ("- just\n- a list\n",
     [f"{REL}:1: expected a mapping of keys to values (one paper of the list), found a list"]),
    ("title: A paper\nadded: last week\nabstract: x\n",
     [f"{REL}:2: added: expected a date as YYYY-MM-DD, found text ('last week')"]),
])
def test_each_broken_entry_gets_its_exact_message(text, expected):
    assert messages(text) == expected


def test_a_file_name_that_is_not_an_id_is_reported():
    assert messages("title: A\nabstract: b\n", stem="My Paper") == [
        "content/papers/My Paper.yml: the file name must be lowercase letters, digits and hyphens "
        "followed by .yml: rename it to 'my-paper.yml'"]


def test_every_problem_of_every_file_is_reported_at_once(fixture_project: Path):
    papers = fixture_project / "content" / "papers"
    (papers / "broken-yaml.yml").write_text("title: [oops\n")
    (papers / "no-title.yml").write_text("abstract: Only an abstract.\n")
    (papers / "wrong-type.yml").write_text("title: Fine\nyear: soon\nabstract: x\n")
    (papers / "no-abstract.yml").write_text("title: Fine too\n")   # a warning, listed with the rest
    with pytest.raises(ContentError) as raised:
        load_catalog(Project(fixture_project))
    lines = raised.value.format_message().splitlines()
    assert lines[0] == "3 problems in the content (and 1 warning):"
    assert [line.split(":")[0].strip() for line in lines[1:]] == [
        "content/papers/broken-yaml.yml", "content/papers/no-abstract.yml", "content/papers/no-title.yml",
        "content/papers/wrong-type.yml"]


def test_a_pin_to_an_unknown_theme_names_the_file(fixture_project: Path):
    (fixture_project / "content" / "themes.yml").write_text(
        "themes:\n  - slug: proteins\n    name: Proteins\n    description: Protein papers.\n")
    entry = fixture_project / "content" / "papers" / "oversmoothing-in-deep-graph-networks.yml"
    entry.write_text(entry.read_text() + "theme: protiens\n")
    with pytest.raises(ContentError) as raised:
        load_catalog(Project(fixture_project))
    assert raised.value.problems[0].path == "content/papers/oversmoothing-in-deep-graph-networks.yml"
    assert raised.value.problems[0].message == "'protiens' is not a theme declared in content/themes.yml; " \
                                               "did you mean 'proteins'?"


def test_site_config_values_are_checked_and_unknown_keys_warned():
    config, problems = config_from_yaml("site:\n  name: My list\n  colour: red\nthemes:\n  count: many\n",
                                        "site_config.yml")
    assert config.site.name == "My list"
    assert [str(p) for p in problems] == [
        "site_config.yml:3: warning: site.colour: unknown key in 'site'; allowed keys are: name, description, "
        "url, repo_url, edit_branch, author, language, find_paper",
        "site_config.yml:5: themes.count: expected 'auto' or a whole number of themes (1 or more), "
        "found text ('many')",
    ]


def test_embeddings_yes_is_told_the_setting_names_a_model_folder():
    # 'embeddings: yes' was told "expected text ... (put it in quotes)", and quoted it became a folder named 'yes'
    _, problems = config_from_yaml("themes:\n  embeddings: yes\n", "site_config.yml")
    assert [str(p) for p in problems] == [
        "site_config.yml:2: themes.embeddings: expected the path of a folder, such as .cache/models/all-MiniLM-L6-v2, "
        "found a yes/no value (true)"]


@pytest.mark.parametrize("value, expected", [
    ("https://www.semanticscholar.org/search?q={title}", "https://www.semanticscholar.org/search?q={title}"),
    ("none", None),
    ("no", None),
    ("https://dblp.org/search?q=", "expected an http(s) address with {title} once, where a paper's title goes, such "
                                   "as 'https://scholar.google.com/scholar?q={title}', or none; found "
                                   "'https://dblp.org/search?q='"),
    ("dblp.org/search?q={title}", "expected an http:// or https:// address, found 'dblp.org/search?q={title}'; did "
                                  "you mean 'https://dblp.org/search?q={title}'?"),
    ("javascript:alert({title})", "expected an http:// or https:// address, found 'javascript:alert({title})'"),
    ("yes", "expected an http(s) address with {title} once, where a paper's title goes, such as "
            "'https://scholar.google.com/scholar?q={title}', or none; found a yes/no value (true)"),
])
def test_find_paper_is_a_search_address_with_a_title_slot_or_none(value, expected):
    config, problems = config_from_yaml(f"site:\n  find_paper: {value}\n", "site_config.yml")
    if expected is None or expected.startswith("https://"):
        assert problems == [] and config.site.find_paper == expected
    else:
        assert [str(p) for p in problems] == [f"site_config.yml:2: site.find_paper: {expected}"]
    assert config_from_yaml("site:\n  name: x\n", "site_config.yml")[0].site.find_paper == \
        "https://scholar.google.com/scholar?q={title}"


def test_colours_are_the_ones_material_styles():
    # any other name left the site uncoloured without a word; case and hyphens are read as Material reads them
    config, problems = config_from_yaml("appearance:\n  primary: Blue-Grey\n  accent: deep  orange\n",
                                        "site_config.yml")
    assert problems == [] and (config.appearance.primary, config.appearance.accent) == ("blue grey", "deep orange")
    _, problems = config_from_yaml("appearance:\n  primary: gray\n  accent: grey\n", "site_config.yml")
    messages = [str(p) for p in problems]
    assert messages[0].startswith("site_config.yml:2: appearance.primary: expected a Material colour name, found "
                                  "'gray'; did you mean 'grey'? the colours are red, pink,")
    assert messages[0].endswith(", deep orange, brown, grey, blue grey, black, white")
    assert messages[1].startswith("site_config.yml:3: appearance.accent: expected a Material colour name, found "
                                  "'grey'; Material has it for the primary colour only; the colours are red,")
    assert messages[1].endswith(", orange, deep orange")


@pytest.mark.parametrize("value, ok", [(0, True), (5, True), (20, True), (-3, False), (21, False), (500, False)])
def test_the_related_papers_count_is_a_small_whole_number(value, ok):
    # a negative count once listed nearly every paper of the list on each page, as did a huge one
    config, problems = config_from_yaml(f"themes:\n  related: {value}\n", "site_config.yml")
    if ok:
        assert problems == [] and config.themes.related == value
    else:
        assert [str(p) for p in problems] == [
            "site_config.yml:2: themes.related: expected a whole number from 0 (no related papers) to 20, "
            f"found a number ({value})"]


def test_curated_themes_must_have_unique_slugs():
    themes, problems = curated_from_yaml(
        "themes:\n  - slug: a\n    name: A\n    description: x\n  - slug: a\n    name: B\n    description: y\n",
        "content/themes.yml")
    assert [t.name for t in themes] == ["A"]
    assert [str(p) for p in problems] == [
        "content/themes.yml:5: themes.1.slug: 'a' is declared twice; slugs must be unique"]


def test_curated_themes_must_have_names_a_reader_tells_apart():
    # the second theme still takes its pins, so a pin to it is not reported as a pin to an unknown theme
    themes, problems = curated_from_yaml(
        "themes:\n  - slug: a\n    name: Memory  models\n    description: x\n  - slug: b\n    name: memory Models\n"
        "    description: y\n  - slug: c\n    name: Memory\n    description: z\n", "content/themes.yml")
    assert [t.slug for t in themes] == ["a", "b", "c"]
    assert [str(p) for p in problems] == [
        "content/themes.yml:6: themes.1.name: 'memory Models' is also the name of theme 'a'; readers tell themes "
        "apart by their names, so give each its own"]


def test_a_key_left_out_of_a_declared_theme_is_reported_where_that_theme_starts():
    _, problems = curated_from_yaml(
        "themes:\n  - slug: a\n    name: A\n    description: x\n  - name: B\n    description: y\n"
        "  - slug: c\n    name: C\n", "content/themes.yml")
    assert [str(p) for p in problems] == [
        "content/themes.yml:5: themes.1.slug: is required: permanent identifier of the theme, used in URLs and pins.",
        "content/themes.yml:7: warning: themes.2.description: is missing; readers and the theme step rely on it"]


@pytest.mark.parametrize("as_file, message", [(False, "folder not found"), (True, "is a file, not a folder")])
def test_a_missing_papers_folder_is_reported_as_what_is_there(tmp_path: Path, as_file: bool, message: str):
    (tmp_path / "content").mkdir()
    if as_file:
        (tmp_path / "content" / "papers").write_text("", encoding="utf-8")
    with pytest.raises(ContentError) as raised:
        load_catalog(Project(tmp_path))
    assert [str(p) for p in raised.value.problems if p.is_error] == [
        f"content/papers: {message}; entries live in content/papers/<id>.yml"]


def test_an_added_date_that_has_not_come_is_a_typo():
    # '2052' for '2025' kept a paper first among the recently added; a day of margin covers time zones ahead
    tomorrow, later = dt.date.today() + dt.timedelta(days=1), dt.date.today() + dt.timedelta(days=2)
    assert messages(f"title: A\nabstract: b\nadded: {tomorrow.isoformat()}\n") == []
    assert messages(f"title: A\nabstract: b\nadded: {later.isoformat()}\n") == [
        "content/papers/some-paper.yml:3: added: expected a date no later than today, found "
        f"{later.isoformat()} (a typo? the home page lists recently added papers by this date)"]
