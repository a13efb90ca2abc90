"""`readinglist import`: CSV, JSON Lines and BibTeX mapped onto entry fields; invalid, unknown and existing reported."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from generator.importers import Record, SourceError, bibtex_records, csv_records, draft_from_record, jsonl_records
from project_support import make_project, run
from tests_fixtures_bibtex import BERT_BIBTEX

CSV = """\
Title,Authors,Year,URL,Keywords,Abstract,Pages
Scaling Laws for Neural Language Models,Jared Kaplan; Sam McCandlish,2020,https://arxiv.org/abs/2001.08361,"LLMs, Scaling",Power laws.,1-30
"Chinchilla: Training Compute-Optimal Models",Jordan Hoffmann,twenty22,https://arxiv.org/abs/2203.15556,,Fewer parameters.,
Attention is all you need,Ashish Vaswani,2017,https://arxiv.org/abs/1706.03762,,Again.,
Deep Residual Learning for Image Recognition (Extended Version),Kaiming He,2016,https://example.org/resnet,,x,
Emergent Abilities of Large Language Models,Jason Wei,2022,javascript:alert(1),,Abilities.,
"""


def paper_file(root: Path, paper_id: str) -> Path:
    return root / "content" / "papers" / f"{paper_id}.yml"


def test_import_a_csv_reports_created_skipped_invalid_and_unknown(tmp_path: Path):
    root = make_project(tmp_path, files={"papers.csv": CSV})
    result = run(root, "import", str(root / "papers.csv"), "--format", "csv")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "Created content/papers/scaling-laws-for-neural-language-models.yml",
        "Skipped papers.csv:4: duplicate of content/papers/attention-is-all-you-need.yml, which has the same "
        "arXiv id (1706.03762); keep one entry",
        "Skipped papers.csv:5: looks like a duplicate of content/papers/deep-residual-learning.yml, which has the "
        "same title but for a version suffix ('Deep Residual Learning for Image Recognition'); if they are "
        "different papers, add it with `readinglist add --distinct-from deep-residual-learning`",
        "Created 1 entry, skipped 2, 2 invalid.",
    ]
    assert result.stderr.splitlines() == [
        "Invalid papers.csv:3: year: expected a year such as 2024, found text ('twenty22')",
        "Invalid papers.csv:6: url: expected an http:// or https:// link, found 'javascript:alert(1)'",
        "Not entry fields, ignored: Pages (1)",
    ]
    assert yaml.safe_load(paper_file(root, "scaling-laws-for-neural-language-models").read_text()) == {
        "title": "Scaling Laws for Neural Language Models", "authors": ["Jared Kaplan", "Sam McCandlish"],
        "year": 2020, "url": "https://arxiv.org/abs/2001.08361", "tags": ["llms", "scaling"],
        "added": dt.date.today(), "abstract": "Power laws."}


def test_dry_run_writes_nothing(tmp_path: Path):
    root = make_project(tmp_path, files={"papers.csv": CSV})
    before = sorted(p.name for p in (root / "content" / "papers").iterdir())
    result = run(root, "import", str(root / "papers.csv"), "--format", "csv", "--dry-run")
    assert result.stdout.splitlines()[0] == "Would create content/papers/scaling-laws-for-neural-language-models.yml"
    assert result.stdout.splitlines()[-1] == "Would create 1 entry, skipped 2, 2 invalid."
    assert sorted(p.name for p in (root / "content" / "papers").iterdir()) == before


def test_nothing_existing_is_overwritten(tmp_path: Path):
    root = make_project(tmp_path, files={"one.jsonl": '{"title": "Deep residual learning"}\n'})
    before = paper_file(root, "deep-residual-learning").read_text()
    result = run(root, "import", str(root / "one.jsonl"), "--format", "jsonl")
    assert result.stdout.splitlines()[0] == \
        "Skipped one.jsonl:1: content/papers/deep-residual-learning.yml already exists"
    assert paper_file(root, "deep-residual-learning").read_text() == before


def test_import_jsonl_with_lists_and_unknown_keys(tmp_path: Path):
    lines = ['{"title": "Neural Tangent Kernel", "authors": ["Arthur Jacot"], "year": 2018, "stars": 5,'
             ' "abstract": "Kernels."}', "", '{"title": "Lottery Tickets", "code": "https://github.com/a/b"}']
    root = make_project(tmp_path, files={"papers.jsonl": "\n".join(lines) + "\n"})
    result = run(root, "import", str(root / "papers.jsonl"), "--format", "jsonl")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "Created 2 entries, skipped 0, 0 invalid."
    assert result.stderr.splitlines() == [
        "papers.jsonl:3: warning: abstract: is missing; readers and the theme step rely on it",
        "Not entry fields, ignored: stars (1)"]
    assert yaml.safe_load(paper_file(root, "lottery-tickets").read_text())["code"] == ["https://github.com/a/b"]


def test_a_jsonl_line_that_is_not_json_stops_with_its_line(tmp_path: Path):
    root = make_project(tmp_path, files={"bad.jsonl": '{"title": "A"}\n{"title": \n'})
    result = run(root, "import", str(root / "bad.jsonl"), "--format", "jsonl")
    assert result.exit_code == 1
    assert result.stderr == "Error: bad.jsonl: line 2: not valid JSON (Expecting value at column 11)\n"
    assert not paper_file(root, "a").exists()


def test_a_jsonl_line_nested_too_deeply_is_refused_not_a_crash(tmp_path: Path):
    root = make_project(tmp_path, files={"deep.jsonl": '{"title": "A"}\n' + "[" * 100_000 + "]" * 100_000 + "\n"})
    result = run(root, "import", str(root / "deep.jsonl"), "--format", "jsonl")
    assert result.exit_code == 1
    assert result.stderr == "Error: deep.jsonl: line 2: lists or objects are nested too deeply\n"


def test_import_bibtex_with_accents_braces_and_one_broken_record(tmp_path: Path):
    bib = BERT_BIBTEX + r"""
@article{second,
  title = {Caf{\'e} {N}ets and {\"U}ber-Learning},
  author = {Sch{\"o}lkopf, Bernhard},
  journal = {Journal of Examples},
  year = {19xx},
}
@misc{third,
  title = {Grokking: Generalization Beyond Overfitting on Small Algorithmic Datasets},
  howpublished = {\url{https://arxiv.org/abs/2201.02177}},
  note = {Workshop},
}
"""
    root = make_project(tmp_path, entries={}, files={"refs.bib": bib})
    result = run(root, "import", str(root / "refs.bib"), "--format", "bibtex")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "Created content/papers/bert-pre-training-of-deep-bidirectional-transformers-for.yml",
        "Created content/papers/grokking-generalization-beyond-overfitting-on-small.yml",
        "Created 2 entries, skipped 0, 1 invalid.",
    ]
    assert result.stderr.splitlines() == [
        "Invalid refs.bib:14: year: expected a year such as 2024, found text ('19xx')",
        "refs.bib:20: warning: abstract: is missing; readers and the theme step rely on it",
        "Not entry fields, ignored (still in each entry's bibtex): note (1), pages (1)",
    ]
    grokking = yaml.safe_load(paper_file(root, "grokking-generalization-beyond-overfitting-on-small").read_text())
    assert grokking["url"] == "https://arxiv.org/abs/2201.02177"


@pytest.mark.parametrize("fields, expected", [
    ({"title": "{BERT}: Deep", "author": ["A"]}, {"title": "{BERT}: Deep", "authors": ["A"]}),
    ({"Title": "  Wrapped\n  title ", "journal": "J", "booktitle": "B"}, {"title": "Wrapped title", "venue": "J"}),
    ({"keywords": "Graph Neural Networks; GNN"}, {"tags": ["graph-neural-networks", "gnn"]}),
    ({"year": " 2021 ", "code": "https://a.org/x https://b.org/y"},
     {"year": 2021, "code": ["https://a.org/x", "https://b.org/y"]}),
    ({"eprint": "2401.01234", "summary": "S"}, {"arxiv": "2401.01234", "abstract": "S"}),
    ({"Distinct From": "a-b;c"}, {"distinct_from": ["a-b", "c"]}),
])
def test_foreign_field_names_map_onto_declared_fields(fields, expected):
    assert draft_from_record(Record(1, fields)).values == expected


def test_unknown_fields_are_listed_not_lost():
    draft = draft_from_record(Record(7, {"title": "T", "publisher": "P", "archiveprefix": "arXiv"}))
    assert (draft.line, draft.values, draft.unknown) == (7, {"title": "T"}, ["publisher"])


def test_bibtex_latex_becomes_plain_text():
    [record] = bibtex_records(r"@article{k, title={{\"U}ber {T}ransformers \textit{in} Caf\'{e}s},"
                              r" author={van der Berg, Jan and M{\"u}ller, Jr, Hans}}")
    assert record.fields["title"] == "Über Transformers in Cafés"
    assert record.fields["author"] == ["Jan van der Berg", "Hans Müller, Jr"]


@pytest.mark.parametrize("text, message", [
    ('title,abstract\nA,b\n"Unclosed,abc\nmore\n', "line 3: a quoted cell opened in this row is never closed, so the "
     'file ends inside it; close the quote, or write a quote inside a quoted cell twice ("")'),
    ('title,abstract\n"Two\nlines",b\n"A" b,c\n', "line 4: text follows a closing quote inside a cell of this row; "
     'quote the whole cell and write its quotes twice ("A ""quoted"" word")'),
])
def test_a_broken_csv_row_is_told_on_the_line_it_starts(text, message):
    # a quote left open had read the rest of the file as one title
    with pytest.raises(SourceError) as raised:
        csv_records(text)
    assert str(raised.value) == message


def test_csv_and_jsonl_records_carry_their_source_lines():
    assert [r.line for r in csv_records('title,year\n"Multi\nline",2020\nB,2021\n')] == [2, 4]
    assert [r.line for r in jsonl_records('\n{"title": "A"}\n\n{"title": "B"}\n')] == [2, 4]


def test_the_format_is_told_by_the_extension_or_given_and_checked(tmp_path: Path):
    root = make_project(tmp_path, files={"x.csv": "title,abstract\nA paper,Text.\n", "x.txt": "title\nA\n"})
    result = run(root, "import", str(root / "x.csv"))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "Created 1 entry, skipped 0, 0 invalid."
    unknown = run(root, "import", str(root / "x.txt"))
    assert unknown.exit_code == 2 and "cannot tell the format of x.txt from its extension; give --format" in \
        unknown.output
    assert run(root, "import", str(root / "x.csv"), "--format", "xlsx").exit_code == 2


def test_jats_and_html_abstracts_are_imported_as_plain_text(tmp_path: Path):
    """Crossref gives abstracts in JATS XML; pages would show its tags as text."""
    abstract = ("<jats:title>Abstract</jats:title><jats:sec id='s1'><jats:p>We grow <jats:italic>E. coli</jats:italic>"
                " in CO<jats:sub>2</jats:sub>-rich media &amp; ask if p <0.05 holds.</jats:p></jats:sec>")
    lines = [json.dumps({"title": "Bacteria <i>in vitro</i>", "abstract": abstract}),
             json.dumps({"title": "Order", "abstract": "<p>When a <b and c> d, $a<b$.</p>"})]
    root = make_project(tmp_path, files={"refs.jsonl": "\n".join(lines) + "\n"})
    assert run(root, "import", str(root / "refs.jsonl")).exit_code == 0
    first = yaml.safe_load(paper_file(root, "bacteria-in-vitro").read_text())
    assert first["title"] == "Bacteria in vitro"
    assert first["abstract"] == "We grow E. coli in CO2-rich media & ask if p <0.05 holds."
    assert yaml.safe_load(paper_file(root, "order").read_text())["abstract"] == "When a <b and c> d, $a<b$."
