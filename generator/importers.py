"""Turn other formats into entry values (plain dicts of entry fields); no file access here.

Every parser returns Records: where the paper was found in the source and its fields under the
source's own names. `draft_from_record` then maps those names onto the declared entry fields
(schema.field_for) and converts text to each field's kind; validation is content.py's job.
"""
from __future__ import annotations

import csv
import html
import io
import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from generator.entryfile import slugify
from generator.schema import Paper, declared_fields, field_for

CHROME_LINES = 2
STRAY_PREFIXES = ("Subscribe",)
URL_RE = re.compile(r"https?://[^\s<>\"'(){}\[\]]+")
TRAILING_PUNCTUATION = ".,;:!?'\""
LIST_KINDS = {"text_list", "url_list", "tags", "slug_list"}
# Inside one CSV cell, list items are separated by ';' (authors contain commas: 'Vaswani, Ashish').
CELL_SEPARATOR = ";"
# A source's format told by its file's extension, when --format is not given.
FORMAT_BY_EXTENSION = {".bib": "bibtex", ".bibtex": "bibtex", ".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
# Abstracts from Crossref (and the exports of reference managers that read it) come as JATS XML, from other
# publishers as HTML: '<jats:p>We study <jats:italic>E. coli</jats:italic> in CO<jats:sub>2</jats:sub></jats:p>'.
# On import their tags go (a block's with a space, an inline one's with nothing: 'CO2'), entities are read and a
# leading 'Abstract' heading goes too. Only tags of these names, with quoted attribute values if any: '<' also
# stands in text ('p <0.05', 'a <b and c> d').
BLOCK_TAGS = frozenset({"p", "sec", "title", "br", "div", "list", "list-item", "abstract", "label"})
INLINE_TAGS = frozenset({"i", "b", "em", "strong", "sub", "sup", "italic", "bold", "sc", "underline", "span", "a",
                         "inline-formula", "monospace"})
MARKUP_TAG_RE = re.compile(r"</?(?P<prefix>(?:jats|mml):)?(?P<name>[A-Za-z][\w.-]*)"
                           r"(?:\s+[\w:-]+=(?:\"[^\"<>]*\"|'[^'<>]*'))*\s*/?>")
ABSTRACT_HEADING_RE = re.compile(r"^\s*abstract\s*[:.]?\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Record:
    """One paper as found in a source file: its line there and its fields under the source's names."""

    line: int
    fields: dict[str, Any]
    raw: str | None = None


@dataclass
class Draft:
    """A record mapped onto entry fields, with the source fields that are not entry fields."""

    line: int
    values: dict[str, Any]
    unknown: list[str] = field(default_factory=list)


class SourceError(ValueError):
    """A source file that cannot be read at all in the given format; says where and why."""


def clean_url(url: str) -> str:
    """A URL lifted from prose, without the sentence's trailing punctuation."""
    return url.rstrip(TRAILING_PUNCTUATION)


def urls_in(text: str) -> list[str]:
    """Every distinct http(s) link in a text, cleaned, in order of appearance."""
    found = []
    for match in URL_RE.finditer(text):
        url = clean_url(match.group(0))
        if url not in found and re.match(r"https?://[^/]+\.[^/]+", url):
            found.append(url)
    return found


def strip_stray_prefix(title: str) -> str:
    """Drop page chrome glued to the first title (the dump's 'Subscribe' button)."""
    for prefix in STRAY_PREFIXES:
        if title.startswith(prefix) and title[len(prefix):len(prefix) + 1].isupper():
            return title[len(prefix):]
    return title


def dump_records(text: str) -> list[Record]:
    """A raw page dump: two chrome lines, then alternating title and abstract lines."""
    numbered = [(n, line.strip()) for n, line in enumerate(text.splitlines(), start=1)][CHROME_LINES:]
    numbered = [(n, line) for n, line in numbered if line]
    records = []
    for index in range(0, len(numbered), 2):
        line, title = numbered[index]
        title = strip_stray_prefix(title) if index == 0 else title
        abstract = numbered[index + 1][1] if index + 1 < len(numbered) else ""
        fields = {"title": title, "abstract": abstract}
        if code := urls_in(abstract):
            fields["code"] = code
        records.append(Record(line, fields))
    return records


def parse_dump(text: str) -> list[dict]:
    """The dump's papers as entry values (kept for callers that need no line numbers)."""
    return [record.fields for record in dump_records(text)]


def csv_records(text: str) -> list[Record]:
    """A CSV file with a header row naming the fields; list cells separate items with ';'."""
    # strict: a quote never closed or text after a closing quote is an error, not a cell running to the file's end
    reader = csv.DictReader(io.StringIO(text), strict=True)
    records, row_start = [], 2
    try:
        if not reader.fieldnames:
            raise SourceError("line 1: expected a header row naming the columns, such as title,abstract,url")
        for row in reader:
            values = {k: v for k, v in row.items() if k is not None and v not in (None, "")}
            if None in row:
                values["(columns without a header)"] = row[None]
            if values:
                records.append(Record(row_start, values))   # the line a row of several lines starts on
            row_start = reader.line_num + 1
    except csv.Error as error:
        raise SourceError(csv_problem(str(error), row_start)) from None
    return records


def csv_problem(error: str, row_start: int) -> str:
    """What is wrong with a CSV row the csv module could not read, told on the line the row starts on (the module
    does not count the lines of a row it fails on)."""
    if error == "unexpected end of data":
        return (f"line {row_start}: a quoted cell opened in this row is never closed, so the file ends inside it; "
                f"close the quote, or write a quote inside a quoted cell twice (\"\")")
    if error.endswith("expected after '\"'"):
        return (f"line {row_start}: text follows a closing quote inside a cell of this row; quote the whole cell "
                f"and write its quotes twice (\"A \"\"quoted\"\" word\")")
    return f"line {row_start}: {error}"


def jsonl_records(text: str) -> list[Record]:
    """JSON Lines: one JSON object per line; blank lines are skipped."""
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            raise SourceError(f"line {number}: not valid JSON ({error.msg} at column {error.colno})") from None
        except RecursionError:
            raise SourceError(f"line {number}: lists or objects are nested too deeply") from None
        if not isinstance(data, dict):
            raise SourceError(f"line {number}: expected a JSON object such as {{\"title\": \"...\"}}")
        records.append(Record(number, data))
    return records


def bibtex_records(text: str) -> list[Record]:
    """BibTeX entries, with LaTeX accents, commands and braces turned into plain text."""
    import bibtexparser
    from bibtexparser import middlewares

    # bibtexparser logs broken blocks itself; we report them as SourceErrors instead.
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    library = bibtexparser.parse_string(text, append_middleware=[
        middlewares.LatexDecodingMiddleware(), middlewares.SeparateCoAuthors(), middlewares.SplitNameParts()])
    if library.failed_blocks:
        lines = ", ".join(str(block.start_line + 1) for block in library.failed_blocks)
        raise SourceError(f"BibTeX the parser could not read, in the entry starting on line {lines} "
                          "(check for unbalanced braces or quotes, or a repeated key)")
    return [Record(entry.start_line + 1, bibtex_fields(entry), entry.raw) for entry in library.entries]


def bibtex_fields(entry) -> dict[str, Any]:
    """An entry's fields as plain values: authors as 'First von Last, Jr' and URLs out of \\url{...}."""
    fields: dict[str, Any] = {}
    for item in entry.fields:
        key, value = item.key.lower(), item.value
        if key == "author" and isinstance(value, list):
            value = [person_name(parts) for parts in value]
        elif key == "howpublished" and isinstance(value, str):
            # howpublished is often 'Blog post'; only a link in it stands for the url.
            links = urls_in(value)
            key, value = ("howpublished", links[0]) if links else ("howpublished (not a link)", value)
        elif key == "eprint" and str(fields.get("archiveprefix", "arxiv")).lower() != "arxiv":
            key = "eprint (not arXiv)"
        fields[key] = value
    return fields


def person_name(parts) -> str:
    """A name as 'First von Last, Jr', from bibtexparser's NameParts."""
    name = " ".join([*parts.first, *parts.von, *parts.last])
    return f"{name}, {' '.join(parts.jr)}" if parts.jr else name


RECORD_PARSERS = {"dump": dump_records, "bibtex": bibtex_records, "csv": csv_records, "jsonl": jsonl_records}
PARSERS = {"dump": parse_dump}
# Source fields that say nothing about the paper itself; not worth reporting as ignored.
SILENT_FIELDS = {"archiveprefix", "id", "key"}


def draft_from_record(record: Record, keep_bibtex: bool = False) -> Draft:
    """Map a record's fields onto entry fields; unmapped names are reported, never silently lost."""
    kinds = {f.name: f.metadata["kind"] for f in declared_fields(Paper)}
    values: dict[str, Any] = {}
    unknown = []
    for name, value in record.fields.items():
        target = field_for(str(name))
        if target is None:
            if str(name).lower() not in SILENT_FIELDS:
                unknown.append(str(name))
            continue
        if target in values:
            continue  # 'journal' and 'booktitle' both mean venue; the first one wins.
        values[target] = convert(kinds[target], target, value)
    if keep_bibtex and record.raw and "bibtex" not in values:
        values["bibtex"] = record.raw.strip()
    return Draft(record.line, values, unknown)


def convert(kind: str, name: str, value: Any) -> Any:
    """Text from a foreign format as the value the declared kind expects (checked later)."""
    if kind in LIST_KINDS and isinstance(value, str):
        value = split_list(name, value)
    if name == "tags" and isinstance(value, list):
        # Keywords are free text ('Language Models'); tags are slugs.
        value = [slugify(item) if isinstance(item, str) else item for item in value]
    if kind == "year" and isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    if isinstance(value, str):
        # Titles and abstracts arrive wrapped across lines, maybe in JATS or HTML; a BibTeX block keeps its layout.
        return " ".join(without_markup_tags(value, name).split()) if kind == "text" else value.strip()
    return value


def without_markup_tags(text: str, name: str) -> str:
    """Text without the JATS or HTML tags of its source (see MARKUP_TAG_RE), and an abstract without its heading."""
    if "<" not in text:
        return text
    plain = MARKUP_TAG_RE.sub(tag_replacement, text)
    if plain == text:
        return text
    plain = html.unescape(plain)
    return ABSTRACT_HEADING_RE.sub("", plain) if name == "abstract" else plain


def tag_replacement(tag: re.Match) -> str:
    """What a tag leaves in the text: a space for a block's, nothing for an inline one's, itself if it is no tag."""
    name = tag["name"].lower()
    if name in BLOCK_TAGS:
        return " "
    return "" if tag["prefix"] or name in INLINE_TAGS else tag.group()


def split_list(name: str, text: str) -> list[str]:
    """A list written in one cell: ';' between items, or ',' for tags and whitespace for links."""
    if name == "authors":
        parts = text.split(CELL_SEPARATOR)
    elif name == "tags":
        parts = re.split(r"[;,]", text)
    else:
        parts = re.split(r"[;\s]+", text)
    return [part.strip() for part in parts if part.strip()]


def records(text: str, fmt: str) -> list[Record]:
    """The records of a source text in one of RECORD_PARSERS' formats."""
    return RECORD_PARSERS[fmt](text)
