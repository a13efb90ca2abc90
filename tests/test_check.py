"""`readinglist check`: schema problems with exact messages, duplicates, vocabulary, pins, output formats."""
from __future__ import annotations

import datetime as dt
import difflib
import json
import random
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from generator.checks import (
    DuplicateIndex, find_duplicates, github_annotation, identifiers, lcs_length, normalize_title, vocabulary_problems,
)
from generator.errors import Problem
from generator.schema import Paper, VocabularyTag
from project_support import ENTRIES, THEMES, make_project, run

REL = "content/papers/broken.yml"
NEXT_YEAR = dt.date.today().year + 1


def paper(paper_id: str, title: str, **fields) -> Paper:
    return Paper(id=paper_id, source=f"content/papers/{paper_id}.yml", title=title, **fields)


# Each broken entry (written after the schema comment, so its first key is on line 2) and the
# exact lines `check` prints for it.
BROKEN_ENTRIES = [
    ("abstract: Only an abstract.\n",
     [f"{REL}:1: title: is required: the paper's title, as published."]),
    ("title: A paper\nabstarct: x\n",
     [f"{REL}:1: warning: abstract: is missing; readers and the theme step rely on it",
      f"{REL}:3: abstarct: unknown key in a paper; did you mean 'abstract'?"]),
    ("title: A paper\nabstract: x\nlicence: MIT\n",
     [f"{REL}:4: licence: unknown key in a paper; allowed keys are: title, authors, year, venue, url, pdf, "
      "doi, arxiv, code, tags, theme, distinct_from, added, notes, bibtex, abstract"]),
    ("title: A paper\nurl: ftp://example.org/paper.pdf\nabstract: x\n",
     [f"{REL}:3: url: expected an http:// or https:// link, found 'ftp://example.org/paper.pdf'"]),
    ("title: A paper\nurl: https://example.org/a paper\nabstract: x\n",
     [f"{REL}:3: url: expected an http:// or https:// link, found 'https://example.org/a paper'"]),
    ("title: A paper\npdf: www.example.org/paper.pdf\nabstract: x\n",
     [f"{REL}:3: pdf: expected an http:// or https:// link, found 'www.example.org/paper.pdf'; did you mean "
      "'https://www.example.org/paper.pdf'?"]),
    # as a browser's address bar shows it; a file name or a relative path gets no guess
    ("title: A paper\nurl: arxiv.org/abs/2201.02177\ncode: [README.md, ../x]\nabstract: x\n",
     [f"{REL}:3: url: expected an http:// or https:// link, found 'arxiv.org/abs/2201.02177'; did you mean "
      "'https://arxiv.org/abs/2201.02177'?",
      f"{REL}:4: code: item 1: expected an http:// or https:// link, found 'README.md'",
      f"{REL}:4: code: item 2: expected an http:// or https:// link, found '../x'"]),
    # every bad item of a list, each on its own line
    ("title: A paper\ntags:\n- graphs\n- Deep Learning\n- deep_learning\nabstract: x\n",
     [f"{REL}:5: tags: item 2: expected a tag of lowercase letters, digits and hyphens (like 'language-models'), "
      "found 'Deep Learning'; did you mean 'deep-learning'?",
      f"{REL}:6: tags: item 3: expected a tag of lowercase letters, digits and hyphens (like 'language-models'), "
      "found 'deep_learning'; did you mean 'deep-learning'?"]),
    ("title: A paper\nauthors:\n- Ada Lovelace\n- 42\n- ''\ncode:\n- ftp://a.org/x\n- https://github.com/a/b\n"
     "- github.com/a/c\nabstract: x\n",
     [f"{REL}:5: authors: item 2: expected text, found a number (42)",
      f"{REL}:6: authors: item 3: expected text, found empty text",
      f"{REL}:8: code: item 1: expected an http:// or https:// link, found 'ftp://a.org/x'",
      f"{REL}:10: code: item 3: expected an http:// or https:// link, found 'github.com/a/c'; did you mean "
      "'https://github.com/a/c'?"]),
    ("title: A paper\nyear: 3000\nabstract: x\n",
     [f"{REL}:3: year: expected a year between 1600 and {NEXT_YEAR}, found 3000"]),
    ("title: A paper\nyear: '2019'\nabstract: x\n",
     [f"{REL}:3: year: expected a year such as 2024, found text ('2019') (remove the quotes)"]),
    ("title: A paper\ntags: [deep_learning]\nabstract: x\n",
     [f"{REL}:3: tags: item 1: expected a tag of lowercase letters, digits and hyphens (like "
      "'language-models'), found 'deep_learning'; did you mean 'deep-learning'?"]),
    ("title: A paper\ntags: [nlp, nlp]\nabstract: x\n",
     [f"{REL}:3: tags: each tag should appear once"]),
    ("title: A paper\ndoi: doi:10.1234\nabstract: x\n",
     [f"{REL}:3: doi: expected a DOI such as 10.1145/3290605, found '10.1234'"]),
    ("title: A paper\ndoi: 10.1234\nabstract: x\n",
     [f"{REL}:3: doi: expected text, found a number (10.1234) (put it in quotes)"]),
    ("title: A paper\narxiv: 2401.10\nabstract: x\n",
     [f"{REL}:3: arxiv: expected an arXiv id in quotes, such as '2401.01234', found a number (2401.1)"]),
    ("title: A paper\narxiv: 'arXiv 2401'\nabstract: x\n",
     [f"{REL}:3: arxiv: expected an arXiv id such as 2401.01234, found 'arXiv 2401'"]),
    ("title: A paper\ntheme: Graph Learning\nabstract: x\n",
     [f"{REL}:3: theme: expected lowercase letters, digits and hyphens (like 'in-context-learning'), "
      "found 'Graph Learning'"]),
    ("title: A paper\ndistinct_from: [Other Paper]\nabstract: x\n",
     [f"{REL}:3: distinct_from: item 1: expected an entry id (its file name without .yml), found 'Other Paper'"]),
    ("title: A paper\ncode: https://github.com/a/b\nabstract: x\n",
     [f"{REL}:3: code: expected a list (one '- item' per line), found text ('https://github.com/a/b')"]),
    ("title: true\nabstract: x\n",
     [f"{REL}:2: title: expected text, found a yes/no value (true) (put it in quotes)"]),
    ("title: A paper\nadded: 2024-13-01\nabstract: x\n",
     [f"{REL}:3: added: expected a date as YYYY-MM-DD, found text ('2024-13-01')"]),
    ("title: A paper\nauthors:\n  - Ada Lovelace\n  - 42\nabstract: x\n",
     [f"{REL}:5: authors: item 2: expected text, found a number (42)"]),
    ("title: 'unclosed\n",
     [f"{REL}:2: the quoted value opened at column 8 is never closed; add the closing quote"]),
]


@pytest.mark.parametrize("body, expected", BROKEN_ENTRIES)
def test_check_prints_the_exact_message_of_each_broken_entry(tmp_path: Path, body: str, expected: list[str]):
    root = make_project(tmp_path, {**ENTRIES, "broken": body})
    result = run(root, "check")
    problems = [line for line in result.stdout.splitlines() if line.startswith(REL)]
    assert problems == expected
    assert result.exit_code == (1 if any(": warning: " not in line for line in expected) else 0)


def test_a_file_name_that_is_not_an_id_is_an_error(tmp_path: Path):
    root = make_project(tmp_path, {**ENTRIES, "Attention_v2": "title: Something else\nabstract: x\n"})
    result = run(root, "check")
    assert result.exit_code == 1
    assert "content/papers/Attention_v2.yml: the file name must be lowercase letters, digits and hyphens " \
           "followed by .yml: rename it to 'attention-v2.yml'" in result.stdout


def test_a_clean_project_passes_with_exit_code_0(tmp_path: Path):
    result = run(make_project(tmp_path), "check")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "Checked 3 entries: 0 errors, 0 warnings; passed."


def test_every_problem_of_every_file_in_one_run(tmp_path: Path):
    """The pull request of the report: a duplicate, an unknown key and a bad URL, all at once."""
    root = make_project(tmp_path, {
        **ENTRIES,
        "attention-is-all-you-need-v2": "title: Attention is all you need (v2)\nurl: http://arxiv.org/abs/1706.03762/\n"
                                        "abstract: Same paper again.\n",
        "scaling-laws": "title: Scaling Laws for Neural Language Models\nyaer: 2020\nabstract: Power laws.\n",
        "emergent-abilities": "title: Emergent Abilities of Large Language Models\nurl: arxiv.org/abs/2206.07682\n"
                              "abstract: Abilities that appear with scale.\n",
    })
    result = run(root, "check")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "content/papers/attention-is-all-you-need-v2.yml:3: url: duplicate of "
        "content/papers/attention-is-all-you-need.yml, which has the same arXiv id (1706.03762); keep one entry",
        "content/papers/emergent-abilities.yml:3: url: expected an http:// or https:// link, "
        "found 'arxiv.org/abs/2206.07682'; did you mean 'https://arxiv.org/abs/2206.07682'?",
        "content/papers/scaling-laws.yml:3: yaer: unknown key in a paper; did you mean 'year'?",
        "No curated themes (content/themes.yml), so nothing to pin; `readinglist themes` shows the automatic grouping.",
        "No theme lock either: every build groups the list afresh, so a new entry can move other papers; "
        "`readinglist themes --update` locks the themes, and new entries then join them.",
        "Checked 6 entries: 3 errors, 0 warnings; failed.",
    ]


def test_an_entry_with_errors_hears_it_repeats_a_paper_in_the_same_run(tmp_path: Path):
    """Its valid title and identifiers are checked for duplicates beside its other problems."""
    root = make_project(tmp_path, {
        **ENTRIES,
        "attention-we-need": "title: Attention is all you needs\nyear: '2017'\nurl: arxiv.org/abs/1706\n"
                           "abstract: Again.\n",
        "resnet": "title: Residual networks\narxiv: '1512.03385'\ntags: [Vision]\nabstract: Again.\n",
    })
    result = run(root, "check")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:5] == [
        "content/papers/attention-we-need.yml:2: warning: title: looks like a duplicate of "
        "content/papers/attention-is-all-you-need.yml, which has a nearly identical title ('Attention Is All You "
        "Need', 98% alike); if they are different papers, add 'distinct_from: [attention-is-all-you-need]' to this "
        "entry",
        "content/papers/attention-we-need.yml:3: year: expected a year such as 2024, found text ('2017') "
        "(remove the quotes)",
        "content/papers/attention-we-need.yml:4: url: expected an http:// or https:// link, found 'arxiv.org/abs/1706'; "
        "did you mean 'https://arxiv.org/abs/1706'?",
        "content/papers/resnet.yml:3: arxiv: duplicate of content/papers/deep-residual-learning.yml, which has the "
        "same arXiv id (1512.03385); keep one entry",
        "content/papers/resnet.yml:4: tags: item 1: expected a tag of lowercase letters, digits and hyphens (like "
        "'language-models'), found 'Vision'; did you mean 'vision'?",
    ]


def test_build_fails_on_the_same_duplicate_with_the_same_message(tmp_path: Path):
    root = make_project(tmp_path, {**ENTRIES, "copy": "title: Deep residual learning for image recognition.\n"
                                                     "abstract: x\n"})
    result = run(root, "generate")
    assert result.exit_code == 1
    assert ("content/papers/deep-residual-learning.yml:2: title: duplicate of content/papers/copy.yml, which has the "
            "same title; keep one entry, or if they are different papers add 'distinct_from: [copy]' to this entry"
            ) in result.stderr
    assert not (root / "content" / "papers" / "copy.yml").read_text().count("distinct_from")


def test_strict_makes_warnings_fail(tmp_path: Path):
    root = make_project(tmp_path, {**ENTRIES, "no-abstract": "title: A paper without an abstract\n"})
    assert run(root, "check").exit_code == 0
    strict = run(root, "check", "--strict")
    assert strict.exit_code == 1
    assert strict.stdout.splitlines()[-1] == \
        "Checked 4 entries: 0 errors, 1 warning; failed (strict: warnings fail)."


def test_json_output_for_tools(tmp_path: Path):
    root = make_project(tmp_path, {**ENTRIES, "bad": "title: Bad\nyear: soon\nabstract: x\n"})
    result = run(root, "check", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["passed"] is False and report["errors"] == 1 and report["entries"] == 4
    assert report["problems"] == [{"path": "content/papers/bad.yml", "line": 3, "key": "year", "severity": "error",
                                   "message": "expected a year such as 2024, found text ('soon')"}]


def test_github_actions_annotations(tmp_path: Path):
    root = make_project(tmp_path, {**ENTRIES, "bad": "title: Bad\nyear: soon\n"})
    result = run(root, "check", env={"GITHUB_ACTIONS": "true"})
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert annotations == [
        "::warning file=content/papers/bad.yml,line=1,title=readinglist check::abstract: is missing; readers and "
        "the theme step rely on it",
        "::error file=content/papers/bad.yml,line=3,title=readinglist check::year: expected a year such as 2024, "
        "found text ('soon')",
    ]
    assert not any(line.startswith("::") for line in run(root, "check").stdout.splitlines())


def test_annotation_escapes_what_github_would_misread():
    problem = Problem("content/papers/a,b.yml", None, "notes", "100% wrong\nsecond line")
    assert github_annotation(problem) == \
        "::error file=content/papers/a%2Cb.yml,title=readinglist check::notes: 100%25 wrong%0Asecond line"


def test_paths_limit_the_report_to_those_files(tmp_path: Path):
    root = make_project(tmp_path, {**ENTRIES, "bad": "title: Bad\nyear: soon\nabstract: x\n",
                                   "fine": "title: A fine new paper\nabstract: x\n"})
    only_fine = run(root, "check", str(root / "content" / "papers" / "fine.yml"))
    assert only_fine.exit_code == 0
    assert only_fine.stdout.splitlines()[-1] == "Checked 5 entries: 0 errors, 0 warnings; passed."
    assert run(root, "check", str(root / "content" / "papers" / "bad.yml")).exit_code == 1


def test_misuse_exits_2(tmp_path: Path):
    root = make_project(tmp_path)
    assert run(root, "check", "--format", "xml").exit_code == 2
    assert run(root, "check", str(tmp_path / "missing.yml")).exit_code == 2
    outside = tmp_path.parent / f"{tmp_path.name}-outside.yml"
    outside.write_text("title: x\n")
    assert run(root, "check", str(outside)).exit_code == 2


def test_tags_outside_the_vocabulary_are_warnings_with_the_closest_tag(tmp_path: Path):
    root = make_project(tmp_path, files={"content/tags.yml": "tags:\n  - transformers\n  - slug: grokking\n"
                                                            "    description: Delayed generalization.\n"})
    entry = root / "content" / "papers" / "deep-residual-learning.yml"
    entry.write_text(entry.read_text() + "tags:\n  - grokking\n  - transformer\n  - vision\n")
    result = run(root, "check")
    assert result.exit_code == 0
    assert [line for line in result.stdout.splitlines() if "tags.yml" in line] == [
        "content/papers/deep-residual-learning.yml:7: warning: tags: 'transformer' is not in content/tags.yml; "
        "closest existing tag: 'transformers'",
        "content/papers/deep-residual-learning.yml:8: warning: tags: 'vision' is not in content/tags.yml; "
        "add it to content/tags.yml or pick one there",
    ]
    assert run(root, "check", "--strict").exit_code == 1


def test_a_broken_vocabulary_file_is_reported(tmp_path: Path):
    root = make_project(tmp_path, files={"content/tags.yml": "- transformers\n"})
    result = run(root, "check")
    assert result.exit_code == 1
    assert "content/tags.yml:1: tags: expected 'tags:' followed by a list of tags, each like " \
           "'- in-context-learning' or a mapping with slug and description" in result.stdout



def test_pins_to_unknown_themes_are_errors_and_unpinned_entries_get_suggestions(tmp_path: Path):
    root = make_project(tmp_path, files={"content/themes.yml": THEMES})
    entry = root / "content" / "papers" / "deep-residual-learning.yml"
    entry.write_text(entry.read_text() + "theme: visoin\n")
    result = run(root, "check")
    assert result.exit_code == 1
    assert "content/papers/deep-residual-learning.yml:5: theme: 'visoin' is not a theme declared in " \
           "content/themes.yml; did you mean 'vision'?" in result.stdout
    entry.write_text(entry.read_text().replace("visoin", "vision"))
    result = run(root, "check", "--format", "json")
    suggestions = json.loads(result.stdout)["suggestions"]
    assert set(suggestions) == {"attention-is-all-you-need", "grokking-generalization-beyond-overfitting"}
    assert suggestions["attention-is-all-you-need"][0]["theme"] == "transformers"
    text = run(root, "check").stdout
    assert "Theme suggestions for unpinned entries (pin one with 'theme: <slug>'):" in text
    # by the theme's name and the slug a pin names
    assert "  attention-is-all-you-need: 1. Transformers [transformers] " in text


def test_an_entry_with_other_errors_still_hears_about_its_pin_and_tags_in_the_same_run(tmp_path: Path):
    root = make_project(tmp_path, files={"content/themes.yml": THEMES, "content/tags.yml": "tags:\n  - transformers\n"})
    entry = root / "content" / "papers" / "deep-residual-learning.yml"
    entry.write_text(entry.read_text() + "year: 20017\ntheme: visoin\ntags:\n  - transformer\n")
    result = run(root, "check")
    assert result.exit_code == 1
    reported = [line for line in result.stdout.splitlines() if line.startswith("content/papers/deep-residual")]
    assert len(reported) == 3, reported
    assert reported[0].startswith("content/papers/deep-residual-learning.yml:5: year: ")
    assert reported[1] == ("content/papers/deep-residual-learning.yml:6: theme: 'visoin' is not a theme declared in "
                           "content/themes.yml; did you mean 'vision'?")
    assert reported[2] == ("content/papers/deep-residual-learning.yml:8: warning: tags: 'transformer' is not in "
                           "content/tags.yml; closest existing tag: 'transformers'")


def test_a_pin_on_a_list_without_curated_themes_says_to_remove_it(tmp_path: Path):
    root = make_project(tmp_path)
    entry = root / "content" / "papers" / "deep-residual-learning.yml"
    entry.write_text(entry.read_text() + "theme: vision\n")
    result = run(root, "check")
    assert result.exit_code == 1
    assert "content/papers/deep-residual-learning.yml:5: theme: 'vision' pins this paper, but content/themes.yml " \
           "declares no themes: this list's themes are found automatically, so remove the 'theme:' line" \
           in result.stdout


@pytest.mark.parametrize("title, expected", [
    ("Attention Is All You Need", "attention is all you need"),
    ("Attention is all you need (v2)", "attention is all you need"),
    ("Attention is all you need v3", "attention is all you need"),
    ("Attention Is All You Need (Extended Version)", "attention is all you need"),
    ("Attention is all you need: extended abstract", "attention is all you need"),
    ("Attention is all you need [preprint]", "attention is all you need"),
    ("Grokking (Student Abstract)", "grokking"),
    ("An Abstract", "an abstract"),
    ("Müller’s “Théorie”!", "muller s theorie"),
    ("Muller's \"Theorie\"!", "muller s theorie"),   # typographic and typed apostrophes alike
    ("α-Synuclein in Søgaard’s model", "alpha synuclein in sogaard s model"),
])
def test_normalized_titles(title, expected):
    assert normalize_title(title) == expected


@pytest.mark.parametrize("other, kind", [
    (dict(title="Different", doi="10.1000/ABC"), "doi"),
    (dict(title="Different", url="https://doi.org/10.1000/abc"), "url"),
    (dict(title="Different", arxiv="1706.03762v5"), "arxiv"),
    (dict(title="Different", pdf="https://arxiv.org/pdf/1706.03762v2.pdf"), "pdf"),
    (dict(title="Different", url="http://www.example.org/paper/"), "url"),
    (dict(title="ATTENTION: is all you need!"), "title"),
])
def test_duplicates_by_identifier_or_title(other, kind):
    first = paper("a", "Attention is all you need", doi="10.1000/abc", arxiv="1706.03762",
                  url="https://example.org/paper")
    [duplicate] = find_duplicates([first, paper("b", **other)])
    assert (duplicate.paper.id, duplicate.original.id, duplicate.key, duplicate.near) == ("b", "a", kind, False)


@pytest.mark.parametrize("title, near", [
    ("Attention is all you need (extended version)", True),
    ("Atention is all you need", True),
    ("Attention is all you needs", True),
    ("Attention is not all you need", True),
    ("Attention is all you need in speech separation", False),
    ("Memory networks", False),
])
def test_near_duplicates_are_small_edits_only(title, near):
    found = find_duplicates([paper("a", "Attention is all you need"), paper("b", title)])
    assert bool(found) is near and all(d.near for d in found)


def test_distinct_from_keeps_two_papers_with_alike_titles():
    papers = [paper("a", "Attention is all you need"),
              paper("b", "Attention is not all you need", distinct_from=("a",))]
    assert find_duplicates(papers) == []


def test_near_duplicates_are_found_among_many_titles_by_blocking():
    syllables = ("graph", "neur", "rob", "spar", "deep", "caus", "lear", "lat", "net", "flow", "map", "cod",
                 "field", "mod", "pri", "spa", "ten", "vec", "kern", "opt")
    words = [a + b for a in syllables for b in syllables]
    rng = random.Random(0)
    papers = [paper(f"p{i:04d}", " ".join(rng.sample(words, rng.randint(4, 10)))) for i in range(3000)]
    typo = papers[1234].title.replace("e", "a", 1)
    papers.append(paper("zz", typo))
    found = find_duplicates(papers)
    assert [(d.paper.id, d.original.id) for d in found] == [("zz", "p1234")]


def test_the_index_answers_for_a_new_paper():
    index = DuplicateIndex([paper("a", "Attention is all you need", arxiv="1706.03762")])
    assert index.match(paper("new", "Another title", url="https://arxiv.org/abs/1706.03762")).original.id == "a"
    assert index.match(paper("new", "Another title")) is None


def test_identifiers_recognise_arxiv_and_doi_links():
    assert identifiers(paper("a", "T", url="https://arxiv.org/abs/2401.01234v2", pdf="https://doi.org/10.1/X")) == [
        ("url", "arXiv id", "2401.01234"), ("pdf", "DOI", "10.1/x")]


def test_vocabulary_problems_are_pure():
    problems = vocabulary_problems([paper("a", "T", tags=("graph", "graphs"))], [VocabularyTag("graphs")],
                                   "content/tags.yml", {"a": {"tags.0": 5}})
    assert [str(p) for p in problems] == [
        "content/papers/a.yml:5: warning: tags: 'graph' is not in content/tags.yml; closest existing tag: 'graphs'"]


def test_the_shipped_list_passes_strict_check():
    result = run(Path(__file__).resolve().parent.parent, "check", "--strict")
    assert result.exit_code == 0, result.stdout


def test_the_newer_entry_is_the_one_reported():
    older = paper("zeta", "Attention is all you need", added=dt.date(2020, 1, 1))
    newer = paper("alpha", "Attention Is All You Need!", added=dt.date(2024, 1, 1))
    undated = paper("beta", "Attention is all you need.")
    found = find_duplicates([undated, newer, older])
    assert [(d.paper.id, d.original.id) for d in found] == [("alpha", "zeta"), ("beta", "zeta")]


def test_check_tells_an_automatic_list_without_a_lock_how_to_keep_its_themes(fixture_project: Path):
    assert "No theme lock either" in run(fixture_project, "check").stdout
    assert run(fixture_project, "themes", "--update").exit_code == 0
    assert "No theme lock" not in run(fixture_project, "check").stdout


def test_with_a_theme_lock_entries_the_lock_does_not_know_see_the_theme_they_join(fixture_project: Path):
    assert run(fixture_project, "themes", "--update").exit_code == 0
    protein_theme = next(line.split(":", 1)[1].strip() for line in
                         (fixture_project / "content" / "themes.lock.yml").read_text().splitlines()
                         if line.startswith("- slug:") and "protein" in line)
    (fixture_project / "content" / "papers" / "protein-folding-with-coevolution.yml").write_text(
        "title: Protein folding from coevolution and protein structure\n"
        "abstract: Protein structure prediction from protein sequences and coevolution of residues.\n")

    text = run(fixture_project, "check").stdout

    assert "New entries and the themes they fit best (the first is where the build puts them):" in text
    suggestion_lines = [line for line in text.splitlines() if line.startswith("  ")]
    assert len(suggestion_lines) == 1
    # shown by name (no pin names a locked theme, so no slug)
    protein_name = next(t["name"] for t in json.loads(run(fixture_project, "themes", "--json").stdout)["themes"]
                        if t["slug"] == protein_theme)
    assert suggestion_lines[0].startswith(f"  protein-folding-with-coevolution: 1. {protein_name} ")
    assert "[" not in suggestion_lines[0]


@settings(max_examples=200, deadline=None)
@given(st.text("ab c", max_size=14), st.text("ab c", max_size=14))
def test_the_longest_common_subsequence_bounds_difflib(a, b):
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            table[i + 1][j + 1] = table[i][j] + 1 if x == y else max(table[i][j + 1], table[i + 1][j])
    assert lcs_length(a, b) == table[-1][-1]
    if a or b:
        assert difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() <= 2 * table[-1][-1] / (len(a) + len(b))


@pytest.mark.parametrize("count", [300, 6000])  # below and above checks.PARALLEL_MATCHING_FROM
def test_matching_every_filed_paper_finds_what_filing_one_by_one_finds(count):
    """find_duplicates files every paper, then matches each against those filed before it (on every core
    for long lists); asking the index as each paper arrives, before filing it, must give the same."""
    rng = random.Random(count)
    words = [f"w{k}" for k in range(60)]
    titles = [" ".join(rng.sample(words, rng.randint(3, 8))) for _ in range(count // 3)]
    papers = []
    for i in range(count):
        title = rng.choice(titles)
        if rng.random() < 0.5:  # a typo or a word more
            title = title.replace("w", "v", 1) if rng.random() < 0.5 else title + " " + rng.choice(words)
        papers.append(paper(f"p{i:05d}", title, added=dt.date(2020, 1, 1) + dt.timedelta(days=rng.randint(0, 99)),
                            arxiv=f"2101.{rng.randint(0, count):05d}" if rng.random() < 0.2 else None))
    ordered = sorted(papers, key=lambda p: (p.added, p.id))
    index, expected = DuplicateIndex(word_counts=Counter(w for p in ordered for w in set(normalize_title(p.title).split()))), []
    for p in ordered:
        if duplicate := index.match(p):
            expected.append(duplicate)
        index.add(p)
    assert len(expected) > count // 10
    assert find_duplicates(papers) == expected
