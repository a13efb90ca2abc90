"""Creating entry files: ids from titles, the YAML text of an entry, writing without overwriting."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import yaml

from generator.asciiforms import ascii_words
from generator.schema import RESERVED_NAMES, Paper, declared_fields

SCHEMA_COMMENT = "# yaml-language-server: $schema=../../schema/paper.schema.json"
MAX_ID_LENGTH = 60


def slugify(text: str, max_length: int = MAX_ID_LENGTH) -> str:
    """An id from a title: lowercase words of its ASCII form joined by hyphens, cut at a word boundary."""
    words = ascii_words(text)
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length:
            break
        slug = candidate
    slug = slug or (words[0][:max_length] if words else "paper")
    return f"{slug}-paper" if slug in RESERVED_NAMES else slug


def paper_values(paper: Paper) -> dict:
    """A paper's declared fields as the values entry_text writes."""
    return {f.name: getattr(paper, f.name) for f in declared_fields(Paper)}


def entry_text(values: dict) -> str:
    """The YAML text of an entry: schema comment first, then fields in their declared order."""
    ordered = {}
    for declaration in declared_fields(Paper):
        value = values.get(declaration.name)
        if value in (None, "", [], ()):
            continue
        ordered[declaration.name] = list(value) if isinstance(value, tuple) else value
    body = yaml.dump(ordered, Dumper=_EntryDumper, sort_keys=False, allow_unicode=True, width=88)
    return f"{SCHEMA_COMMENT}\n{body}"


class _EntryDumper(yaml.SafeDumper):
    """Keeps dates as YYYY-MM-DD and multi-line text (notes, BibTeX) as readable blocks."""


def _represent_str(dumper: yaml.SafeDumper, text: str):
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_EntryDumper.add_representer(str, _represent_str)
_EntryDumper.add_representer(dt.date, lambda d, v: d.represent_scalar("tag:yaml.org,2002:timestamp", v.isoformat()))


@dataclass
class WriteReport:
    """What a batch of new entries did: created paths, skipped and invalid records, ignored fields."""

    created: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    invalid: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    unknown: dict[str, int] = field(default_factory=dict)


def unique_id(title: str, taken: set[str]) -> str:
    """The title's slug, with -2, -3... when another new entry of the same batch has it."""
    base = slugify(title)
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate
