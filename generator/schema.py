"""The one declaration of a paper entry and of site_config.yml, with the checks of each value kind.

Every entry field and config option is a dataclass field whose metadata names its kind and
documents it; the loader, the JSON Schema for editors and the `add` command all read these.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence
from urllib.parse import urlsplit

from generator.asciiforms import ascii_words

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Ids and theme slugs become file names (papers/<id>.md, themes/<slug>.md); Windows cannot create these.
RESERVED_NAMES = frozenset({"con", "prn", "aux", "nul", *(f"com{n}" for n in range(1, 10)),
                            *(f"lpt{n}" for n in range(1, 10))})
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
ARXIV_RE = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$")
FIRST_YEAR = 1600
# C0 and C1 controls other than tab and line breaks, and the bidi embeddings, overrides and isolates:
# invisible, and a right-to-left override in a title turns around the text after it (page titles, lists).
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Text copied from a PDF brings typographic ligatures ('ﬁ' in 'classiﬁcation') and soft hyphens: a reader sees no
# difference, but the site's search would not find the word, nor would LaTeX take the BibTeX export. Spelled out.
PDF_ARTIFACTS = str.maketrans({**{chr(c): unicodedata.normalize("NFKC", chr(c)) for c in range(0xFB00, 0xFB07)},
                               "\u00ad": ""})


class Invalid(ValueError):
    """A value does not fit its kind; the message says what was expected."""


class InvalidItems(Invalid):
    """Items of a list that do not fit, every one: (index from 0, what was expected) for each."""

    def __init__(self, items: list[tuple[int, str]]):
        super().__init__("; ".join(f"item {index + 1}: {message}" for index, message in items))
        self.items = items


def check_each(items: Sequence[Any], check: Callable[[Any], Any]) -> None:
    """Check every item of a list; raises InvalidItems naming each one that fails, not only the first."""
    failed = []
    for index, item in enumerate(items):
        try:
            check(item)
        except Invalid as problem:
            failed.append((index, str(problem)))
    if failed:
        raise InvalidItems(failed)


def describe(value: Any) -> str:
    """How a YAML value reads to a person, for 'found ...' in messages."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"a yes/no value ({str(value).lower()})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"text ({value[:40]!r})" if value.strip() else "empty text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (dt.date, dt.datetime)):
        return f"a date ({value})"
    return type(value).__name__


def refuse_controls(text: str) -> str:
    """Text without invisible control characters; they arrive through YAML escapes such as "\\u202e"."""
    found = CONTROL_RE.search(text)
    if found:
        raise Invalid(f"contains the invisible control character U+{ord(found.group()):04X} at character "
                      f"{found.start() + 1}; remove it")
    return text


def spelled_out(text: str) -> str:
    """The text with the ligatures and soft hyphens of PDF copy spelled out (see PDF_ARTIFACTS). ASCII text has
    none: the test costs little, a translation of every abstract 0.2 s at 10,000 papers."""
    return text if text.isascii() else text.translate(PDF_ARTIFACTS)


def check_text(value: Any) -> str:
    value = spelled_out(value) if isinstance(value, str) else value
    if not isinstance(value, str) or not value.strip():
        hint = " (put it in quotes)" if isinstance(value, (int, float, bool)) else ""
        raise Invalid(f"expected text, found {describe(value)}{hint}")
    return refuse_controls(value.strip())


def check_folder(value: Any) -> str:
    """A folder's path: text; a yes/no or a number is not one ('embeddings: yes' asks for a model, not which)."""
    if not isinstance(value, str):
        raise Invalid(f"expected the path of a folder, such as .cache/models/all-MiniLM-L6-v2, found {describe(value)}")
    return check_text(value)


def check_text_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        raise Invalid(f"expected a list (one '- item' per line), found {describe(value)}")
    if not isinstance(value, list):
        raise Invalid(f"expected a list of text, found {describe(value)}")
    value = [spelled_out(item) if isinstance(item, str) else item for item in value]
    check_each(value, check_list_item)
    return tuple(item.strip() for item in value)


def check_list_item(item: Any) -> None:
    if not isinstance(item, str) or not item.strip():
        raise Invalid(f"expected text, found {describe(item)}")
    refuse_controls(item)


# Most links: http(s), a host without brackets, no whitespace; those need no urlsplit to be accepted.
PLAIN_HTTP_URL = re.compile(r"(?i:https?)://[^\s/?#\[\]]+(?:[/?#]\S*)?")


# The start of an address without its scheme: a host name with a dot and then a path ('arxiv.org/abs/1', '//x.org/'),
# or one opening with 'www.'; not a file name ('README.md'), a relative path ('../a.html') or another scheme
# ('mailto:a@b', 'javascript:...').
WEB_HOST_RE = re.compile(r"(//)?(([a-z0-9-]+\.)+[a-z]{2,}(:\d+)?[/?#]|www\.[a-z0-9-]+\.)", re.I)


def check_url(value: Any) -> str:
    text = check_text(value)
    if PLAIN_HTTP_URL.fullmatch(text):
        return text
    try:
        parts = urlsplit(text)
    except ValueError:  # an unbalanced [ in the host: "Invalid IPv6 URL"
        raise Invalid(f"expected an http:// or https:// link, found {text[:60]!r}") from None
    if parts.scheme not in ("http", "https") or not parts.netloc or re.search(r"\s", text):
        raise Invalid(f"expected an http:// or https:// link, found {text[:60]!r}{missing_scheme_hint(text)}")
    return text


def missing_scheme_hint(text: str) -> str:
    """'; did you mean 'https://arxiv.org/abs/1'?' for an address written without its scheme (as a browser's
    address bar shows it), else ''."""
    if "://" in text or re.search(r"\s", text) or not WEB_HOST_RE.match(text):
        return ""
    return f"; did you mean {'https://' + text.removeprefix('//')!r}?"


TITLE_SLOT = "{title}"
FIND_PAPER_EXAMPLE = "https://scholar.google.com/scholar?q={title}"


def check_search_address(value: Any) -> str | None:
    """A search engine's address with {title} where a paper's title goes; 'none' (or 'no') for no such link."""
    if value is False or (isinstance(value, str) and value.strip().lower() == "none"):
        return None
    expected = (f"expected an http(s) address with {TITLE_SLOT} once, where a paper's title goes, such as "
                f"'{FIND_PAPER_EXAMPLE}', or none")
    if not isinstance(value, str):   # 'yes' or a number: quoting it would not make it an address
        raise Invalid(f"{expected}; found {describe(value)}")
    text = check_text(value)
    if text.count(TITLE_SLOT) != 1:
        raise Invalid(f"{expected}; found {text[:60]!r}")
    try:
        check_url(text.replace(TITLE_SLOT, "title"))
    except Invalid:
        raise Invalid(f"expected an http:// or https:// address, found {text[:60]!r}{missing_scheme_hint(text)}") \
            from None
    return text


def check_url_list(value: Any) -> tuple[str, ...]:
    items = check_text_list(value)
    check_each(items, check_url)
    return items


def check_year(value: Any) -> int:
    last = dt.date.today().year + 1
    if isinstance(value, bool) or not isinstance(value, int):
        hint = " (remove the quotes)" if isinstance(value, str) and value.strip().isdigit() else ""
        raise Invalid(f"expected a year such as 2024, found {describe(value)}{hint}")
    if not FIRST_YEAR <= value <= last:
        raise Invalid(f"expected a year between {FIRST_YEAR} and {last}, found {value}")
    return value


def check_date(value: Any) -> dt.date:
    """A date that has come: the day a paper joined the list. A later one is a typo ('2052' for '2025') that would
    keep the paper first among the recently added for years; a day of margin covers time zones ahead of this one."""
    date = parsed_date(value)
    last = dt.date.today() + dt.timedelta(days=1)
    if date > last:
        raise Invalid(f"expected a date no later than today, found {date.isoformat()} (a typo? the home page lists "
                      "recently added papers by this date)")
    return date


def parsed_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise Invalid(f"expected a date as YYYY-MM-DD, found {describe(value)}")


def check_slug(value: Any) -> str:
    text = check_text(value)
    if not SLUG_RE.match(text):
        raise Invalid(f"expected lowercase letters, digits and hyphens (like 'in-context-learning'), found {text!r}")
    if text in RESERVED_NAMES:
        raise Invalid(reserved_message(text))
    return text


def check_tag(item: str) -> None:
    if not SLUG_RE.match(item):
        written = "-".join(ascii_words(item))   # as `add --tags` and imports write it (entryfile.slugify)
        hint = f"; did you mean {written!r}?" if written else ""
        raise Invalid(f"expected a tag of lowercase letters, digits and hyphens (like 'language-models'), "
                      f"found {item!r}{hint}")


def reserved_message(name: str) -> str:
    return f"'{name}' is a name Windows reserves for a device and cannot be a file name; choose another"


def check_tags(value: Any) -> tuple[str, ...]:
    items = check_text_list(value)
    check_each(items, check_tag)
    if len(set(items)) != len(items):
        raise Invalid("each tag should appear once")
    return items


def check_doi(value: Any) -> str:
    text = check_text(value)
    text = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", "", text, flags=re.I)
    if not DOI_RE.match(text):
        raise Invalid(f"expected a DOI such as 10.1145/3290605, found {text[:60]!r}")
    return text


def check_arxiv(value: Any) -> str:
    if isinstance(value, float):
        # YAML reads an unquoted 2401.10 as the number 2401.1, losing the id's trailing zero.
        raise Invalid(f"expected an arXiv id in quotes, such as '2401.01234', found {describe(value)}")
    text = check_text(value)
    text = re.sub(r"^(?:arxiv:|https?://arxiv\.org/(?:abs|pdf)/)", "", text, flags=re.I).removesuffix(".pdf")
    if not ARXIV_RE.match(text):
        raise Invalid(f"expected an arXiv id such as 2401.01234, found {text[:60]!r}")
    return text


BIBTEX_HEAD = re.compile(r"@(?P<type>[A-Za-z]+)\s*\{\s*[^\s,{}]+\s*,")
BIBTEX_NOT_ENTRIES = {"comment", "preamble", "string"}


def bibtex_entry_end(text: str) -> int | None:
    """Index just past the brace that closes the entry opened at the start, or None when it never closes.

    BibTeX counts every brace, escaped or not, so this does too.
    """
    depth = 0
    for index, char in enumerate(text):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if char == "}" and depth == 0:
            return index + 1
    return None


def check_bibtex(value: Any) -> str:
    text = check_text(value)
    head = BIBTEX_HEAD.match(text)
    if not head or head.group("type").lower() in BIBTEX_NOT_ENTRIES:
        raise Invalid(f"expected one BibTeX entry such as '@article{{key, title = {{...}}}}', found {text[:40]!r}")
    end = bibtex_entry_end(text)
    if end is None:
        raise Invalid("the BibTeX entry's braces do not balance: a '{' is never closed")
    if text[end:].strip():
        # Anything after the entry would land in reading-list.bib as more entries or commands.
        raise Invalid(f"expected one BibTeX entry, found more after its closing brace: {text[end:].strip()[:40]!r}")
    return text


def check_slug_list(value: Any) -> tuple[str, ...]:
    items = check_text_list(value)
    check_each(items, check_entry_id)
    return items


def check_entry_id(item: str) -> None:
    if not SLUG_RE.match(item):
        raise Invalid(f"expected an entry id (its file name without .yml), found {item!r}")


# The colours Material's palette styles (its palette stylesheet has a rule for each); any other name would leave
# the site uncoloured without a word. Accents are the primary colours but the greys, brown, black and white.
ACCENT_COLOURS = ("red", "pink", "purple", "deep purple", "indigo", "blue", "light blue", "cyan", "teal", "green",
                  "light green", "lime", "yellow", "amber", "orange", "deep orange")
PRIMARY_COLOURS = ACCENT_COLOURS + ("brown", "grey", "blue grey", "black", "white")
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")


def colour_check(names: tuple[str, ...]) -> Callable[[Any], str]:
    """The check of a colour among `names`, written as Material writes them ('deep purple', any case)."""
    def check_colour(value: Any) -> str:
        text = " ".join(check_text(value).lower().replace("-", " ").split())
        if text not in names:
            close = difflib.get_close_matches(text, names, n=1)
            hint = "Material has it for the primary colour only; " if text in PRIMARY_COLOURS else \
                f"did you mean '{close[0]}'? " if close else ""
            raise Invalid(f"expected a Material colour name, found {str(value)[:40]!r}; {hint}the colours are "
                          + ", ".join(names))
        return text
    return check_colour


def check_language(value: Any) -> str:
    text = check_text(value)
    if not LANGUAGE_RE.match(text):
        raise Invalid(f"expected a language code such as 'en' or 'pt-BR', found {text[:40]!r}")
    return text


def check_count(value: Any) -> int | str:
    if value == "auto":
        return "auto"
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise Invalid(f"expected 'auto' or a whole number of themes (1 or more), found {describe(value)}")
    return value


# Related papers a paper page lists at most: beyond this the list is no longer a pointer to the closest few.
MAX_RELATED = 20


def check_related(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_RELATED:
        raise Invalid(f"expected a whole number from 0 (no related papers) to {MAX_RELATED}, found {describe(value)}")
    return value


def check_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(f"expected a whole number, found {describe(value)}")
    return value


def check_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"expected true or false, found {describe(value)}")
    return value


@dataclass(frozen=True)
class Kind:
    """A kind of value: how to check it and how to describe it in the JSON Schema."""

    check: Callable[[Any], Any]
    json_schema: dict


_TEXT = {"type": "string", "minLength": 1}
_URL = {"type": "string", "format": "uri", "pattern": "^https?://\\S+$"}
KINDS: dict[str, Kind] = {
    "text": Kind(check_text, _TEXT),
    "markdown": Kind(check_text, _TEXT),
    "text_list": Kind(check_text_list, {"type": "array", "items": _TEXT}),
    "url": Kind(check_url, _URL),
    "url_list": Kind(check_url_list, {"type": "array", "items": _URL}),
    "search_address": Kind(check_search_address, {"type": "string"}),
    "year": Kind(check_year, {"type": "integer", "minimum": FIRST_YEAR}),
    "date": Kind(check_date, {"type": "string", "format": "date"}),
    "slug": Kind(check_slug, {"type": "string", "pattern": SLUG_RE.pattern}),
    "tags": Kind(check_tags, {"type": "array", "uniqueItems": True,
                              "items": {"type": "string", "pattern": SLUG_RE.pattern}}),
    "doi": Kind(check_doi, {"type": "string", "pattern": "^(https?://(dx\\.)?doi\\.org/|doi:)?10\\.\\d{4,9}/\\S+$"}),
    "arxiv": Kind(check_arxiv, {"type": "string", "pattern": "^(arxiv:|https?://arxiv\\.org/(abs|pdf)/)?\\S+$"}),
    "bibtex": Kind(check_bibtex, _TEXT),
    "slug_list": Kind(check_slug_list, {"type": "array", "items": {"type": "string", "pattern": SLUG_RE.pattern}}),
    "colour": Kind(colour_check(PRIMARY_COLOURS), {"type": "string", "enum": list(PRIMARY_COLOURS)}),
    "accent_colour": Kind(colour_check(ACCENT_COLOURS), {"type": "string", "enum": list(ACCENT_COLOURS)}),
    "language": Kind(check_language, {"type": "string", "pattern": LANGUAGE_RE.pattern}),
    "count": Kind(check_count, {"oneOf": [{"const": "auto"}, {"type": "integer", "minimum": 1}]}),
    "int": Kind(check_int, {"type": "integer"}),
    "related": Kind(check_related, {"type": "integer", "minimum": 0, "maximum": MAX_RELATED}),
    "bool": Kind(check_bool, {"type": "boolean"}),
    "folder": Kind(check_folder, _TEXT),
}


def declared(kind: str, doc: str, *, default: Any = None, required: bool = False, expected: bool = False):
    """Declare an entry field or config option: its kind, one-line doc and default."""
    meta = {"kind": kind, "doc": doc, "required": required, "expected": expected}
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class Paper:
    """One paper of the list: the declaration of an entry file's fields, in their written order."""

    id: str
    source: str
    title: str = declared("text", "The paper's title, as published.", required=True)
    authors: tuple[str, ...] = declared("text_list", "Authors, one per item, as 'First Last'.", default=())
    year: int | None = declared("year", "Year of publication.")
    venue: str | None = declared("text", "Where it was published (conference, journal, 'arXiv').")
    url: str | None = declared("url", "Link to the paper's landing page.")
    pdf: str | None = declared("url", "Direct link to the PDF.")
    doi: str | None = declared("doi", "Digital Object Identifier, such as 10.1145/3290605.")
    arxiv: str | None = declared("arxiv", "arXiv identifier, such as 2401.01234.")
    code: tuple[str, ...] = declared("url_list", "Links to code repositories or project pages.", default=())
    tags: tuple[str, ...] = declared("tags", "Free tags: lowercase words joined by hyphens.", default=())
    theme: str | None = declared("slug", "Slug of a curated theme in content/themes.yml; pins the paper to it.")
    distinct_from: tuple[str, ...] = declared(
        "slug_list", "Ids of entries with a similar title that are different papers (silences the duplicate check).",
        default=())
    added: dt.date | None = declared("date", "Date the paper joined the list (YYYY-MM-DD).")
    notes: str | None = declared("markdown", "The curator's notes, in Markdown.")
    bibtex: str | None = declared("bibtex", "A BibTeX entry to show instead of the generated one.")
    abstract: str | None = declared("text", "The abstract, as plain text (LaTeX math allowed).", expected=True)


@dataclass(frozen=True)
class Labels:
    """What an entry with errors still files itself under (its theme pin and tags), and the paper its valid
    keys make when its title is one of them, so the pin, tag and duplicate checks report on it in the same
    run as its other problems."""

    id: str
    source: str
    theme: str | None
    tags: tuple[str, ...]
    stand_in: Paper | None = None


@dataclass(frozen=True)
class CuratedTheme:
    """A theme the curator declared in content/themes.yml."""

    slug: str = declared("slug", "Permanent identifier of the theme, used in URLs and pins.", required=True)
    name: str = declared("text", "The theme's name as readers see it.", required=True)
    description: str | None = declared("text", "One or two sentences on what belongs here.", expected=True)


@dataclass(frozen=True)
class SiteSection:
    """What the site is and where it lives."""

    name: str = declared("text", "The site's title.", default="Reading list")
    description: str = declared("text", "One paragraph on what the list is, shown on the home page.",
                                default="A curated reading list of research papers.")
    url: str | None = declared("url", "Public address of the published site (for the sitemap and feed).")
    repo_url: str | None = declared("url", "The repository holding the list (for 'edit this entry' links).")
    edit_branch: str = declared("text", "Branch that edit links point at.", default="main")
    author: str | None = declared("text", "Who curates the list.")
    language: str = declared("language", "Language code of the site's interface.", default="en")
    find_paper: str | None = declared(
        "search_address", "Where a paper with no link of its own (url, pdf, doi, arxiv) is looked up by its title: a "
        f"search address with {TITLE_SLOT} where the title goes, or none for no such link.", default=FIND_PAPER_EXAMPLE)


@dataclass(frozen=True)
class ThemesSection:
    """How papers are grouped into themes."""

    count: int | str = declared("count", "Number of automatic themes, or 'auto' to choose it.", default="auto")
    seed: int = declared("int", "Random seed of the clustering, for repeatable themes.", default=0)
    related: int = declared("related", f"How many related papers each paper page shows (0-{MAX_RELATED}).", default=5)
    embeddings: str | None = declared(
        "folder", "Folder of a sentence-embedding model that adds a meaning view to the themes (optional; "
        "needs pip install 'readinglist[embeddings]', and `make model` fetches one).")


@dataclass(frozen=True)
class AppearanceSection:
    """Material for MkDocs options the curator may set."""

    primary: str = declared("colour", "Material primary colour, such as 'indigo'.", default="indigo")
    accent: str = declared("accent_colour", "Material accent colour (links, buttons), such as 'deep orange'.",
                           default="indigo")
    dark_mode: bool = declared("bool", "Offer a light/dark toggle.", default=True)


@dataclass(frozen=True)
class SiteConfig:
    """The whole of site_config.yml."""

    site: SiteSection = field(default_factory=SiteSection)
    themes: ThemesSection = field(default_factory=ThemesSection)
    appearance: AppearanceSection = field(default_factory=AppearanceSection)


def declared_fields(cls) -> list[dataclasses.Field]:
    """The user-facing fields of a declaration (those with a kind), in declared order."""
    return [f for f in dataclasses.fields(cls) if "kind" in f.metadata]


def config_sections() -> dict[str, type]:
    """Section name -> declaration class, for site_config.yml."""
    return {f.name: f.default_factory for f in dataclasses.fields(SiteConfig)}


def check_value(declaration: dataclasses.Field, value: Any) -> Any:
    """Check one value against its declared kind; raises Invalid with what was expected."""
    return KINDS[declaration.metadata["kind"]].check(value)


def paper_json_schema() -> dict:
    """JSON Schema of an entry file, generated from the Paper declaration, for editors."""
    properties = {}
    for f in declared_fields(Paper):
        properties[f.name] = {"description": f.metadata["doc"], **KINDS[f.metadata["kind"]].json_schema}
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "readinglist paper entry",
        "description": "One paper of the reading list: content/papers/<id>.yml",
        "type": "object",
        "required": [f.name for f in declared_fields(Paper) if f.metadata["required"]],
        "additionalProperties": False,
        "properties": properties,
    }


def paper_json_schema_text() -> str:
    """The committed schema/paper.schema.json, byte for byte (a test compares them)."""
    import json

    return json.dumps(paper_json_schema(), indent=2, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class VocabularyTag:
    """A tag the curator declared in content/tags.yml."""

    slug: str = declared("slug", "The tag as entries write it, such as 'in-context-learning'.", required=True)
    description: str | None = declared("text", "What the tag covers.")


# Names other formats (BibTeX fields, CSV headers, JSON keys) use for an entry field; every
# declared field name is also accepted as itself, so only the differing names are listed.
FIELD_ALIASES: dict[str, str] = {
    "author": "authors",
    "journal": "venue",
    "booktitle": "venue",
    "eprint": "arxiv",
    "keywords": "tags",
    "tag": "tags",
    "howpublished": "url",
    "link": "url",
    "summary": "abstract",
    "repo": "code",
}


def field_for(name: str) -> str | None:
    """The entry field a foreign field name stands for, or None when it is not one of ours."""
    key = name.strip().lower().replace(" ", "_").replace("-", "_")
    declared_names = {f.name for f in declared_fields(Paper)}
    if key in declared_names:
        return key
    return FIELD_ALIASES.get(key)
