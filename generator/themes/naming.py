"""Readable theme names and key terms from distinctive multi-word phrases.

A theme's phrases are ranked by how much more often its papers use them than the rest of the
list (document-frequency log-odds), favouring phrases of several words and phrases that appear
in titles; a name joins the two best distinct phrases the way a person would: "X and Y".
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Sequence

import numpy as np

from generator.themes.features import Features

NAME_PHRASES = 2
MIN_TERMS, MAX_TERMS = 3, 6
# Phrases of several words name a topic better than single words: each extra word adds this share.
MULTIWORD_BONUS = 0.6
# Phrases that appear in titles are topical; boilerplate ('future research') lives in abstracts.
TITLE_BONUS = 1.0
TITLE_FLOOR = 0.3
FALLBACK_NAME = "Other papers"
NAME_CANDIDATES = 12


def ranked_phrases(features: Features, members: np.ndarray, document_frequency: Counter) -> list[str]:
    """Phrase keys of a theme, most distinctive first (ties broken alphabetically)."""
    n, size = len(features.phrases), max(len(members), 1)
    inside = Counter(key for i in members for key in features.phrases[i])
    scored = []
    for key, count in inside.items():
        words = key.split()
        if (count < 2 and size > 2) or any(len(word) < 3 for word in words) or words[0].isdigit():
            continue
        share_in = (count + 0.5) / (size + 1.0)
        share_out = (document_frequency[key] - count + 0.5) / (n - size + 1.0)
        in_titles = sum(key in features.title_phrases[i] for i in members)
        score = (share_in * np.log(share_in / share_out) * (1.0 + MULTIWORD_BONUS * (len(words) - 1))
                 * (TITLE_FLOOR + TITLE_BONUS * in_titles / size))
        if score > 0:
            # a phrase no member's title uses is rarely what the theme is about ('proposed model')
            scored.append((0 if in_titles else 1, -score, key))
    return [key for _, _, key in sorted(scored)]


def acronym(key: str) -> str:
    """The initials of a phrase ('large language model' -> 'llm'), to spot 'LLMs' beside its long form."""
    return "".join(word[0] for word in key.split() if word)


def overlaps(key: str, kept: Sequence[str]) -> bool:
    """True when a phrase repeats one already kept: same words, a part of it, or its acronym."""
    words = set(key.replace("-", " ").split())
    for other in kept:
        other_words = set(other.replace("-", " ").split())
        if words <= other_words or other_words <= words:
            return True
        if re.sub(r"s$", "", key) in (acronym(other), acronym(other) + "s") or \
                re.sub(r"s$", "", other) in (acronym(key), acronym(key) + "s"):
            return True
    return False


def distinct(keys: Sequence[str], limit: int) -> list[str]:
    """The first `limit` phrases that do not repeat one another."""
    kept: list[str] = []
    for key in keys:
        if not overlaps(key, kept):
            kept.append(key)
        if len(kept) == limit:
            break
    return kept


def key_terms(ranked: Sequence[str], limit: int = MAX_TERMS) -> list[str]:
    """3-6 distinct phrase keys describing a theme."""
    return distinct(ranked, limit)


def theme_name(ranked: Sequence[str], display: dict[str, str], taken: set[str]) -> str:
    """'X and Y' from the two best distinct phrases, multi-word ones first; unique within the list."""
    multi = [key for key in ranked if " " in key]
    candidates = distinct(leading_word(ranked, multi) + multi[:NAME_PHRASES] + list(ranked[:NAME_CANDIDATES]),
                          NAME_CANDIDATES)
    for first in range(max(1, len(candidates) - 1)):
        picks = candidates[first:first + NAME_PHRASES]
        if not picks:
            break
        name = capitalise(" and ".join(display.get(key, key) for key in picks))
        if name.lower() not in taken:
            return name
    return FALLBACK_NAME if FALLBACK_NAME.lower() not in taken else f"{FALLBACK_NAME} {len(taken) + 1}"


def leading_word(ranked: Sequence[str], multi: Sequence[str]) -> list[str]:
    """The most distinctive phrase when it is a single word no longer phrase contains ('grokking').

    Such a word is the theme's own term and leads its name; a word that only repeats part of a
    longer phrase ('memory' beside 'memory network') gives way to that phrase.
    """
    if not ranked or " " in ranked[0]:
        return []
    word = ranked[0]
    return [] if any(word in key.split() for key in multi[:NAME_CANDIDATES]) else [word]


def capitalise(text: str) -> str:
    """First letter upper case; acronyms and the rest left as written."""
    return text[:1].upper() + text[1:]


def slug_for(name: str, taken: set[str]) -> str:
    """A URL slug from a name, unique among `taken`."""
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60].strip("-") or "theme"
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def describe(name: str, terms: Sequence[str]) -> str:
    """A starting description for `themes --freeze`, for the curator to rewrite."""
    return f"Papers on {', '.join(terms[:-1])} and {terms[-1]}." if len(terms) > 1 else f"Papers on {name.lower()}."
