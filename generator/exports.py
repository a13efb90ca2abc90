"""Machine-readable exports of the list: BibTeX, papers.json and an Atom feed (text only, no file access)."""
from __future__ import annotations

import json
import re
import uuid
from functools import partial
from typing import Callable, Iterable
from xml.sax.saxutils import escape as xml_escape, quoteattr

from generator.asciiforms import ascii_text
from generator.collector import no_cycle_collection
from generator.paths import FEED, LIST_BIB, PAPERS_JSON, built, paper_path, theme_bib_path
from generator.render import single_spaced
from generator.schema import Paper, SiteSection, declared_fields
from generator.themes import Grouping

FEED_SIZE = 20
BIBTEX_SPECIALS = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "#": r"\#",
                   "_": r"\_", "$": r"\$", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
TITLE_STOPWORDS = {"a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "from", "towards", "toward", "how",
                   "what", "why", "when", "is", "are", "do", "does", "can"}
CONFERENCE = re.compile(r"proceedings|conference|workshop|symposium|neurips|nips|icml|iclr|acl|emnlp|naacl|"
                        r"cvpr|iccv|eccv|aaai|ijcai|colm|cogsci|interspeech|kdd|sigir|www", re.I)
XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
FEED_NAMESPACE = uuid.UUID("5b0f2f6e-52f4-4d55-9a4c-6f1b0f9a6a4e")  # fixed, so entry ids never change


# BibTeX counts every brace, escaped or not, so an unpaired `\}` would still end the field (and a
# crafted title could then start a new entry); unpaired braces are spelled as commands instead.
UNPAIRED_BRACES = {"{": r"\textbraceleft{}", "}": r"\textbraceright{}"}


BIBTEX_TABLE = str.maketrans(BIBTEX_SPECIALS)
BIBTEX_TABLE_UNPAIRED = str.maketrans({**BIBTEX_SPECIALS, **UNPAIRED_BRACES})


def braces_pair_up(text: str) -> bool:
    """Whether every brace of the text has its partner, in order."""
    if "{" not in text and "}" not in text:
        return True
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def bibtex_value(text: str) -> str:
    """Text made safe inside a braced BibTeX value (balanced braces, LaTeX specials escaped)."""
    text = single_spaced(text)
    return text.translate(BIBTEX_TABLE if braces_pair_up(text) else BIBTEX_TABLE_UNPAIRED)


NOT_KEY_CHARACTER = re.compile(r"[^a-z0-9]")


def ascii_word(text: str) -> str:
    """Lowercase ASCII letters of a word, in its ASCII form (Gödel -> godel, Søgaard -> sogaard)."""
    return NOT_KEY_CHARACTER.sub("", ascii_text(text).lower())


def base_key(paper: Paper) -> str:
    """The usual surname-year-word citation key, from whichever of those the entry has."""
    surname = ascii_word(paper.authors[0].split()[-1]) if paper.authors else ""
    words = (ascii_word(w) for w in paper.title.split())
    word = next((w for w in words if w and w not in TITLE_STOPWORDS), "")
    key = f"{surname}{paper.year or ''}{word}"
    return key if re.match(r"[a-z]", key) else "p" + (key or ascii_word(paper.id))


def bibtex_keys(papers: Iterable[Paper]) -> dict[str, str]:
    """A unique key per generated entry; clashes get a, b, c... in id order."""
    keys: dict[str, str] = {}
    taken: set[str] = set()
    for paper in sorted(papers, key=lambda p: p.id):
        base = key = base_key(paper)
        suffix = 0
        while key in taken:
            suffix += 1
            key = f"{base}{suffix_letters(suffix)}"
        taken.add(key)
        keys[paper.id] = key
    return keys


def suffix_letters(n: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa: spreadsheet-style suffixes for clashing keys."""
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(97 + rest) + letters
    return letters


def entry_type(paper: Paper) -> tuple[str, str | None]:
    """BibTeX entry type and the field naming the venue."""
    if not paper.venue or paper.venue.strip().lower() == "arxiv":
        return "misc", None
    if CONFERENCE.search(paper.venue):
        return "inproceedings", "booktitle"
    return "article", "journal"


def generated_bibtex(paper: Paper, key: str) -> str:
    """A BibTeX entry built from the entry's fields."""
    kind, venue_field = entry_type(paper)
    fields = [("title", "{" + bibtex_value(paper.title) + "}")]
    if paper.authors:
        fields.append(("author", " and ".join(bibtex_value(a) for a in paper.authors)))
    if paper.year:
        fields.append(("year", str(paper.year)))
    if venue_field:
        fields.append((venue_field, bibtex_value(paper.venue)))
    if paper.doi:
        fields.append(("doi", bibtex_value(paper.doi)))
    if paper.arxiv:
        fields += [("eprint", paper.arxiv), ("archiveprefix", "arXiv")]
    url = paper.url or (f"https://arxiv.org/abs/{paper.arxiv}" if paper.arxiv else None)
    if url:
        fields.append(("url", url.replace("{", "%7B").replace("}", "%7D")))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{kind}{{{key},\n{body}\n}}"


def bibtex_entry(paper: Paper, key: str) -> str:
    """The curator's own BibTeX when the entry gives one, else a generated one."""
    return paper.bibtex.strip() if paper.bibtex else generated_bibtex(paper, key)


def bibtex_entries(papers: Iterable[Paper]) -> dict[str, str]:
    """Every paper's BibTeX entry by id, made once for its page, the list's .bib and its theme's .bib.

    Made here, not on every core: sending the entries back from other processes cost more than making
    them (10,000 papers: 0.16 s here, 0.20 s on two cores; 100,000: 1.64-1.74 s against 1.84-1.88 s)."""
    papers = list(papers)
    keys = bibtex_keys(papers)
    return {paper.id: bibtex_entry(paper, keys[paper.id]) for paper in papers}


def bibtex_file(paper_ids: Iterable[str], entries: dict[str, str]) -> str:
    """A .bib file of these papers, in the given order."""
    return "\n\n".join(entries[pid] for pid in paper_ids) + "\n"


def paper_record(paper: Paper, grouping: Grouping, names: list[str]) -> dict:
    """One paper for papers.json: every declared field (`names`), its page, theme and related papers."""
    record = {"id": paper.id, "page": built(paper_path(paper.id))}
    for name in names:
        value = getattr(paper, name)
        record[name] = value.isoformat() if hasattr(value, "isoformat") else (
            list(value) if isinstance(value, tuple) else value)
    placement = grouping.placements[paper.id]
    theme = grouping.theme(placement.theme)
    record["theme"] = {"slug": theme.slug, "name": theme.name, "pinned": placement.pinned}
    record["related"] = [{"id": r.id, "score": r.score, "terms": list(r.terms)}
                         for r in grouping.related.get(paper.id, ())]
    return record


def papers_json(papers: Iterable[Paper], grouping: Grouping, site: SiteSection) -> str:
    """papers.json: the site, its themes and every paper, in a stable order (compact: it is for programs)."""
    names = [declaration.name for declaration in declared_fields(Paper)]
    with no_cycle_collection():  # a record per paper, none with a cycle
        data = {
            "site": {"name": site.name, "description": site.description, "url": site.url},
            "themes": [{"slug": t.slug, "name": t.name, "description": t.description, "terms": list(t.terms),
                        "papers": list(t.papers)} for t in grouping.themes],
            "papers": [paper_record(p, grouping, names) for p in sorted(papers, key=lambda p: p.id)],
        }
    # Without indent, json uses its C encoder: about ten times faster on long lists.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def recently_added(papers: Iterable[Paper], limit: int) -> list[Paper]:
    """The newest papers by `added` (ties by id), leaving out entries without a date."""
    dated = [p for p in papers if p.added]
    return sorted(dated, key=lambda p: (-p.added.toordinal(), p.id))[:limit]


def xml_text(text: str) -> str:
    return xml_escape(XML_INVALID.sub("", text))


def feed_link(path: str, site: SiteSection) -> str:
    """Absolute when the site's address is known (feed readers need it), else relative to the feed."""
    return f"{site.url.rstrip('/')}/{path}" if site.url else path


def atom_feed(papers: Iterable[Paper], site: SiteSection, summary) -> str:
    """An Atom feed of the most recently added papers; dates come from the entries, never the clock."""
    recent = recently_added(papers, FEED_SIZE)
    updated = f"{recent[0].added.isoformat()}T00:00:00Z" if recent else "2000-01-01T00:00:00Z"
    author = site.author or site.name
    lines = ['<?xml version="1.0" encoding="utf-8"?>', '<feed xmlns="http://www.w3.org/2005/Atom">',
             f"  <title>{xml_text(site.name)}</title>", f"  <subtitle>{xml_text(site.description)}</subtitle>",
             f"  <id>urn:uuid:{uuid.uuid5(FEED_NAMESPACE, site.url or site.name)}</id>",
             f"  <updated>{updated}</updated>", f"  <author><name>{xml_text(author)}</name></author>",
             f"  <link rel=\"alternate\" href={quoteattr(feed_link('index.html', site))}/>",
             f"  <link rel=\"self\" href={quoteattr(feed_link('feed.xml', site))}/>"]
    for paper in recent:
        lines += ["  <entry>", f"    <title>{xml_text(paper.title)}</title>",
                  f"    <id>urn:uuid:{uuid.uuid5(FEED_NAMESPACE, paper.id)}</id>",
                  f"    <link href={quoteattr(feed_link(built(paper_path(paper.id)), site))}/>",
                  f"    <updated>{paper.added.isoformat()}T00:00:00Z</updated>"]
        lines += [f"    <author><name>{xml_text(name)}</name></author>" for name in paper.authors]
        if paper.abstract:
            lines.append(f"    <summary>{xml_text(summary(paper.abstract))}</summary>")
        lines.append("  </entry>")
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def export_jobs(papers: list[Paper], grouping: Grouping, site: SiteSection, summary,
                bibtex: dict[str, str]) -> list[tuple[str, Callable[[], str]]]:
    """Every export as (site path, a call that makes its text): the list and each theme as BibTeX, JSON, the feed."""
    return ([(PAPERS_JSON, partial(papers_json, papers, grouping, site)),
             (LIST_BIB, partial(bibtex_file, sorted(bibtex), bibtex)),
             (FEED, partial(atom_feed, papers, site, summary))]
            + [(theme_bib_path(t.slug), partial(bibtex_file, t.papers, bibtex)) for t in grouping.themes])
