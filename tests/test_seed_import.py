"""Import of a raw page dump: chrome lines, the stray prefix, links lifted from abstracts."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.content import load_catalog
from generator.entries import import_file
from generator.importers import clean_url, parse_dump, strip_stray_prefix, urls_in
from generator.project import Project

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_23a98edd1dd3d4c1.txt"

DUMP = """Get trending papers in your email inbox once a day!
Get trending papers in your email inbox!
SubscribeFirst Paper: A Study
An abstract with code at https://github.com/owner/repo. And more.
Second paper
Another abstract, see https://example.org/project/{Project} and (https://github.com/x/y).
"""


def test_dump_drops_chrome_and_prefix_and_pairs_titles_with_abstracts():
    entries = parse_dump(DUMP)
    assert [e["title"] for e in entries] == ["First Paper: A Study", "Second paper"]
    assert entries[0]["abstract"] == "An abstract with code at https://github.com/owner/repo. And more."
    assert entries[0]["code"] == ["https://github.com/owner/repo"]
    assert entries[1]["code"] == ["https://example.org/project/", "https://github.com/x/y"]


@pytest.mark.parametrize("title, expected", [
    ("SubscribeTowards Understanding", "Towards Understanding"),
    ("Subscriber models", "Subscriber models"),
    ("Plain title", "Plain title"),
])
def test_only_a_glued_prefix_is_stripped(title, expected):
    assert strip_stray_prefix(title) == expected


@pytest.mark.parametrize("text, expected", [
    ("see https://github.com/a/b.", ["https://github.com/a/b"]),
    ("at https://liftgs.github.io.", ["https://liftgs.github.io"]),
    ("https://github.com/a/b{B} twice https://github.com/a/b", ["https://github.com/a/b"]),
    ("no link here, only http:// and ftp://x.org", []),
])
def test_links_in_prose_are_cleaned_of_punctuation(text, expected):
    assert urls_in(text) == expected


def test_clean_url_keeps_inner_punctuation():
    assert clean_url("https://github.com/X-PLUG/mPLUG-DocOwl/tree/main/DocOwl1.5.") == \
        "https://github.com/X-PLUG/mPLUG-DocOwl/tree/main/DocOwl1.5"


@pytest.mark.skipif(not SEED.exists(), reason="the shared seed dump is beside the checkout")
def test_the_seed_dump_gives_210_valid_entries_and_never_overwrites(tmp_path: Path):
    project = Project(tmp_path)
    first = import_file(project, SEED, "dump")
    assert len(first.created) == 210 and first.skipped == []
    catalog = load_catalog(project)
    assert len(catalog.papers) == 210
    assert catalog.paper("towards-understanding-grokking-an-effective-theory-of").title == \
        "Towards Understanding Grokking: An Effective Theory of Representation Learning"
    entry = tmp_path / "content" / "papers" / "towards-understanding-grokking-an-effective-theory-of.yml"
    entry.write_text(entry.read_text() + "notes: Kept.\n")
    second = import_file(project, SEED, "dump")
    assert second.created == [] and len(second.skipped) == 210
    assert yaml.safe_load(entry.read_text())["notes"] == "Kept."


def test_the_shipped_list_is_the_imported_seed():
    """The committed entries hold exactly the dump's titles (none lost, none invented)."""
    if not SEED.exists():
        pytest.skip("the shared seed dump is beside the checkout")
    shipped = load_catalog(Project(Path(__file__).resolve().parent.parent))
    assert sorted(p.title for p in shipped.papers) == sorted(e["title"] for e in parse_dump(SEED.read_text()))
