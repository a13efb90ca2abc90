"""`readinglist add`: from flags, from BibTeX (file or stdin), interactively; clashes and duplicates refused."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from generator.content import load_catalog
from generator.project import Project
from project_support import THEMES, make_project, run
from tests_fixtures_bibtex import BERT_BIBTEX

TODAY = dt.date.today().isoformat()


def entry(root: Path, paper_id: str) -> dict:
    return yaml.safe_load((root / "content" / "papers" / f"{paper_id}.yml").read_text(encoding="utf-8"))


def test_add_from_flags_writes_a_valid_entry_and_prints_suggestions(tmp_path: Path):
    root = make_project(tmp_path)
    result = run(root, "add", "--title", "Scaling Laws for Neural Language Models", "--year", "2020",
                 "--authors", "Jared Kaplan", "--authors", "Sam McCandlish; Tom Henighan",
                 "--url", "https://arxiv.org/abs/2001.08361", "--tags", "Language Models, scaling",
                 "--abstract", "Language model loss follows power laws in model size, data and compute.")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Created content/papers/scaling-laws-for-neural-language-models.yml"
    assert lines[1] == "Likely themes (chosen automatically at build time; pins need content/themes.yml):"
    assert 1 <= len(lines[2:]) <= 3 and lines[2].startswith("  1. ")
    text = (root / "content" / "papers" / "scaling-laws-for-neural-language-models.yml").read_text()
    assert text.startswith("# yaml-language-server: $schema=../../schema/paper.schema.json\n")
    assert entry(root, "scaling-laws-for-neural-language-models") == {
        "title": "Scaling Laws for Neural Language Models",
        "authors": ["Jared Kaplan", "Sam McCandlish", "Tom Henighan"],
        "year": 2020,
        "url": "https://arxiv.org/abs/2001.08361",
        "tags": ["language-models", "scaling"],
        "added": dt.date.today(),
        "abstract": "Language model loss follows power laws in model size, data and compute.",
    }
    assert len(load_catalog(Project(root)).papers) == 4


def test_every_declared_field_has_a_flag():
    from generator.cli import add
    from generator.schema import Paper, declared_fields

    flags = {opt for param in add.params for opt in param.opts}
    assert {f"--{f.name.replace('_', '-')}" for f in declared_fields(Paper)} <= flags


def test_add_from_a_bibtex_file_turns_latex_into_text(tmp_path: Path):
    root = make_project(tmp_path)
    bib = tmp_path / "bert.bib"
    bib.write_text(BERT_BIBTEX, encoding="utf-8")
    result = run(root, "add", "--bibtex", str(bib))
    assert result.exit_code == 0, result.output
    paper_id = "bert-pre-training-of-deep-bidirectional-transformers-for"
    assert result.stdout.splitlines()[0] == f"Created content/papers/{paper_id}.yml"
    assert result.stderr == "Not entry fields, kept only in the entry's bibtex: pages\n"
    values = entry(root, paper_id)
    assert values["title"] == "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding"
    assert values["authors"] == ["Jacob Devlin", "Ming-Wei Chang", "Kenton Lee", "Kristina Toutanová"]
    assert values["venue"] == "Proceedings of NAACL-HLT"
    assert values["doi"] == "10.18653/v1/N19-1423" and values["arxiv"] == "1810.04805"
    assert values["tags"] == ["language-models", "pre-training"]
    assert values["abstract"].startswith("We introduce BERT. Müller et al. showed")
    assert values["bibtex"].startswith("@inproceedings{devlin2019bert,")


def test_add_from_bibtex_on_stdin_with_a_flag_overriding(tmp_path: Path):
    root = make_project(tmp_path)
    result = run(root, "add", "--bibtex", "-", "--year", "2018", input=BERT_BIBTEX)
    assert result.exit_code == 0, result.output
    assert entry(root, "bert-pre-training-of-deep-bidirectional-transformers-for")["year"] == 2018


def test_add_interactively_asks_again_for_a_wrong_value(tmp_path: Path):
    root = make_project(tmp_path)
    answers = "\n".join(["Neural Tangent Kernel", "Arthur Jacot; Franck Gabriel", "twenty", "2018", "NeurIPS",
                         "ftp://x", "https://arxiv.org/abs/1806.07572", "", "", "", "", "", "",
                         "Infinite-width networks train like kernel methods."]) + "\n"
    result = run(root, "add", "--interactive", input=answers)
    assert result.exit_code == 0, result.output
    assert "Error: expected a year such as 2024, found text ('twenty')" in result.stdout
    assert "Error: expected an http:// or https:// link, found 'ftp://x'" in result.stdout
    assert entry(root, "neural-tangent-kernel") == {
        "title": "Neural Tangent Kernel", "authors": ["Arthur Jacot", "Franck Gabriel"], "year": 2018,
        "venue": "NeurIPS", "url": "https://arxiv.org/abs/1806.07572", "added": dt.date.today(),
        "abstract": "Infinite-width networks train like kernel methods."}


def test_invalid_flags_are_all_reported_and_nothing_is_written(tmp_path: Path):
    root = make_project(tmp_path)
    result = run(root, "add", "--title", "A paper", "--year", "soon", "--url", "example.org", "--tags", "a_b")
    assert result.exit_code == 1
    # The tag is made a slug ('a-b'), as keywords from BibTeX are; the other two are refused together.
    assert result.stderr == (
        "Error: the new entry has problems:\n"
        "  year: expected a year such as 2024, found text ('soon')\n"
        "  url: expected an http:// or https:// link, found 'example.org'\n")
    assert not (root / "content" / "papers" / "a-paper.yml").exists()


def test_a_paper_an_entry_with_errors_already_holds_is_refused(tmp_path: Path):
    """The entry's other mistakes (here its year) do not hide it from the duplicate check."""
    root = make_project(tmp_path, {"scaling-laws": "title: Scaling Laws for Neural Language Models\n"
                                                   "year: soon\nabstract: Power laws.\n"})
    result = run(root, "add", "--title", "Scaling laws for neural language models", "--abstract", "x")
    assert result.exit_code == 1
    assert result.stderr == ("Error: not added: duplicate of content/papers/scaling-laws.yml, which has the same "
                             "title; keep one entry, or if they are different papers add it again with "
                             "--distinct-from scaling-laws\n")


def test_a_missing_title_is_reported(tmp_path: Path):
    result = run(make_project(tmp_path), "add", "--no-interactive", "--abstract", "x")
    assert result.exit_code == 1
    assert result.stderr == "Error: the new entry has problems:\n  title: is required: the paper's title, as published.\n"


def test_a_duplicate_is_refused_naming_the_existing_entry(tmp_path: Path):
    root = make_project(tmp_path)
    result = run(root, "add", "--title", "Residual learning", "--arxiv", "1512.03385v2")
    assert result.exit_code == 1
    assert result.stderr == ("Error: not added: duplicate of content/papers/deep-residual-learning.yml, which has the "
                             "same arXiv id (1512.03385); keep one entry\n")
    near = run(root, "add", "--title", "Attention is not all you need", "--abstract", "x")
    assert near.exit_code == 1
    assert near.stderr == (
        "Error: not added: looks like a duplicate of content/papers/attention-is-all-you-need.yml, which has a "
        "nearly identical title ('Attention Is All You Need', 93% alike); if they are different papers, add it "
        "again with --distinct-from attention-is-all-you-need\n")
    again = run(root, "add", "--title", "Attention is not all you need", "--abstract", "x",
                "--distinct-from", "attention-is-all-you-need")
    assert again.exit_code == 0, again.output
    assert entry(root, "attention-is-not-all-you-need")["distinct_from"] == ["attention-is-all-you-need"]


def test_a_clash_of_ids_is_refused_and_nothing_is_overwritten(tmp_path: Path):
    root = make_project(tmp_path)
    before = (root / "content" / "papers" / "deep-residual-learning.yml").read_text()
    result = run(root, "add", "--title", "Something else entirely", "--id", "deep-residual-learning")
    assert result.exit_code == 1
    assert result.stderr == ("Error: content/papers/deep-residual-learning.yml already exists ('Deep Residual "
                             "Learning for Image Recognition'); if this is another paper, choose its id with --id\n")
    assert (root / "content" / "papers" / "deep-residual-learning.yml").read_text() == before
    assert run(root, "add", "--title", "X", "--id", "Not An Id").exit_code == 2


def test_bibtex_with_two_entries_is_misuse(tmp_path: Path):
    result = run(make_project(tmp_path), "add", "--bibtex", "-", input=BERT_BIBTEX + "\n@misc{b, title={B}}\n")
    assert result.exit_code == 2
    assert "standard input holds 2 entries; `add` takes one" in result.stderr


def test_broken_bibtex_is_reported_without_traceback(tmp_path: Path):
    result = run(make_project(tmp_path), "add", "--bibtex", "-", input="@article{a,\n  title = {Unclosed,\n")
    assert result.exit_code == 1
    assert result.stderr == ("Error: standard input: BibTeX the parser could not read, in the entry starting on "
                             "line 1 (check for unbalanced braces or quotes, or a repeated key)\n")



def test_suggestions_name_curated_themes(tmp_path: Path):
    root = make_project(tmp_path, files={"content/themes.yml": THEMES})
    pinned = root / "content" / "papers" / "deep-residual-learning.yml"
    pinned.write_text(pinned.read_text() + "theme: vision\n")
    result = run(root, "add", "--title", "Vision transformers for image classification", "--dry-run",
                 "--abstract", "Image classification with attention networks on patches.")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Would create content/papers/vision-transformers-for-image-classification.yml"
    assert lines[1] == "Theme suggestions (pin one with 'theme: <slug>' in the entry):"
    assert {line.split("[")[1].split("]")[0] for line in lines[2:]} == {"transformers", "vision"}
    assert not (root / "content" / "papers" / "vision-transformers-for-image-classification.yml").exists()
