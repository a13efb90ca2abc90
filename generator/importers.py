"""Turn other formats into entry values (plain dicts of entry fields); no file access here."""
from __future__ import annotations

import re

CHROME_LINES = 2
STRAY_PREFIXES = ("Subscribe",)
URL_RE = re.compile(r"https?://[^\s<>\"'(){}\[\]]+")
TRAILING_PUNCTUATION = ".,;:!?'\""


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


def parse_dump(text: str) -> list[dict]:
    """A raw page dump: two chrome lines, then alternating title and abstract lines."""
    lines = [line.strip() for line in text.splitlines()[CHROME_LINES:]]
    lines = [line for line in lines if line]
    if len(lines) % 2:
        lines.append("")
    entries = []
    for index in range(0, len(lines), 2):
        title = strip_stray_prefix(lines[index]) if index == 0 else lines[index]
        abstract = lines[index + 1]
        entry = {"title": title, "abstract": abstract}
        if code := urls_in(abstract):
            entry["code"] = code
        entries.append(entry)
    return entries


PARSERS = {"dump": parse_dump}
