"""Text features: the corpus fed to the model, phrase tokens, TF-IDF and a smoothed (latent) view.

Every vectorizer setting is written here; nothing depends on the order papers arrive in.
"""
from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from scipy import sparse
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.preprocessing import normalize

from generator.schema import Paper

# Titles are short and dense in topic words; repeating them gives them the weight a reader gives them.
TITLE_REPEATS = 2
WORD_RE = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
SIMPLE_WORD_RE = re.compile(r"[a-z][a-z0-9]*")
# Phrases never cross punctuation: a comma or a full stop ends a noun phrase.
BREAK_RE = re.compile(r"[^a-z0-9\-\s]+")
SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "es", "s", "ed", "ly", "al")
MAX_PHRASE_WORDS = 3
# Between the parts of a paper's text (title, abstract, tags): punctuation, so no phrase spans two parts.
PART_SEPARATOR = " . "
LATENT_DIMENSIONS = 50
# Cosine similarity used for graphs: this share from the latent (LSA) view, the rest from TF-IDF.
LATENT_SHARE = 0.5


def make_corpus(papers: Sequence[Paper]) -> list[str]:
    """The text the model sees for each paper: title repeated, abstract, tags as words; '.' between parts."""
    return [PART_SEPARATOR.join([p.title] * TITLE_REPEATS + [p.abstract or ""] + [t.replace("-", " ") for t in p.tags])
            for p in papers]


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light English suffix stripper so 'model', 'models' and 'modeling' share one feature."""
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


@functools.lru_cache(maxsize=65536)
def surface_phrases(text: str) -> tuple[str, ...]:
    """Noun-phrase-like chunks: 1-3 word n-grams inside runs of words free of stop words and punctuation."""
    found: list[str] = []
    for part in BREAK_RE.split(text.lower()):
        run: list[str] = []
        for word in WORD_RE.findall(part) + [None]:
            if word is None or word in ENGLISH_STOP_WORDS or len(word) < 2:
                for size in range(1, MAX_PHRASE_WORDS + 1):
                    found += [" ".join(run[i:i + size]) for i in range(len(run) - size + 1)]
                run = []
            else:
                run.append(word)
    return tuple(found)


def phrase_key(phrase: str) -> str:
    """The stemmed form that merges surface variants ('language model', 'language models')."""
    return " ".join(stem(word) for word in phrase.split())


@functools.lru_cache(maxsize=65536)
def phrase_tokens(text: str) -> tuple[str, ...]:
    """The analyzer of the TF-IDF model: stemmed noun-phrase chunks (cached: several views read them).

    Phrases never cross punctuation, so the parts make_corpus joins with ' . ' are read one by one:
    a repeated title and the abstract are then chunked once, and the naming step reuses them.
    """
    return tuple(key for part in text.split(PART_SEPARATOR) for key in part_tokens(part))


@functools.lru_cache(maxsize=65536)
def part_tokens(text: str) -> tuple[str, ...]:
    """Stemmed phrase chunks of one part of a paper's text."""
    return tuple(phrase_key(phrase) for phrase in surface_phrases(text))


def word_tokens(text: str) -> tuple[str, ...]:
    """Stemmed single words, hyphenated compounds split: the coarse view that complements phrases."""
    return tuple(stem(word) for word in SIMPLE_WORD_RE.findall(text.lower())
                 if word not in ENGLISH_STOP_WORDS and len(word) > 1)


@dataclass(frozen=True)
class Features:
    """The vectors of a list: TF-IDF rows, a latent view, and the phrase table used for names."""

    tfidf: sparse.csr_matrix          # n x terms, rows L2-normalised
    latent: np.ndarray                # n x d, rows L2-normalised (zero columns when the list is tiny)
    terms: np.ndarray                 # stemmed phrase of each TF-IDF column
    vectorizer: TfidfVectorizer
    svd: TruncatedSVD | None
    phrases: tuple[frozenset[str], ...]        # phrase keys of each paper (title + abstract)
    title_phrases: tuple[frozenset[str], ...]  # phrase keys of each title
    display: dict[str, str]                    # phrase key -> most common surface form

    def project(self, texts: list[str]) -> tuple[sparse.csr_matrix, np.ndarray]:
        """Vectors of other texts (theme descriptions) in the same TF-IDF and latent spaces."""
        rows = self.vectorizer.transform(texts)
        latent = normalize(self.svd.transform(rows)) if self.svd is not None else np.zeros((len(texts), 1))
        return rows.tocsr(), latent


def build_vectorizer(count: int, analyzer=phrase_tokens) -> TfidfVectorizer:
    """TF-IDF over phrase chunks (or another analyzer); a term must occur in two papers unless the list is tiny."""
    return TfidfVectorizer(
        analyzer=analyzer, lowercase=False, min_df=2 if count >= 20 else 1, max_df=0.5 if count >= 20 else 1.0,
        sublinear_tf=True, use_idf=True, smooth_idf=True, norm="l2", dtype=np.float64,
    )


def declared_views(papers: Sequence[Paper], theme_texts: list[str]) -> list["View"]:
    """Phrase and word views for assignment into known themes; the themes' own words join each vocabulary.

    Fitting on the theme texts too keeps a description word that only one paper uses (min_df
    would drop it otherwise).
    """
    from generator.themes.curation import View

    corpus = make_corpus(papers)
    views = []
    for analyzer in (phrase_tokens, word_tokens):
        vectorizer = build_vectorizer(len(corpus), analyzer)
        try:
            vectorizer.fit(corpus + theme_texts)
        except ValueError:  # no term survives (a tiny list of empty texts)
            views.append(View(sparse.csr_matrix((len(corpus), 1)), np.zeros((len(theme_texts), 1))))
            continue
        views.append(View(vectorizer.transform(corpus).tocsr(),
                          normalize(vectorizer.transform(theme_texts).toarray())))
    return views


def vectorize(papers: Sequence[Paper]) -> Features:
    """All features of a list, papers in the order given (the caller sorts them by id)."""
    corpus = make_corpus(papers)
    vectorizer = build_vectorizer(len(papers))
    tfidf = vectorizer.fit_transform(corpus).tocsr()
    svd, latent = latent_view(tfidf)
    phrases, titles, display = phrase_table(papers)
    return Features(tfidf, latent, vectorizer.get_feature_names_out(), vectorizer, svd, phrases, titles, display)


def latent_view(tfidf: sparse.csr_matrix) -> tuple[TruncatedSVD | None, np.ndarray]:
    """LSA: a truncated SVD that lets papers sharing related (not identical) phrases look alike."""
    dimensions = min(LATENT_DIMENSIONS, tfidf.shape[0] // 4, tfidf.shape[1] - 1)
    if dimensions < 2:
        return None, np.zeros((tfidf.shape[0], 1))
    svd = TruncatedSVD(n_components=dimensions, algorithm="arpack", random_state=0)
    return svd, normalize(svd.fit_transform(tfidf))


def phrase_table(papers: Sequence[Paper]) -> tuple[tuple[frozenset[str], ...], tuple[frozenset[str], ...], dict[str, str]]:
    """Phrase keys per paper and per title, and the surface form people most often wrote for each key."""
    surface: dict[str, Counter] = defaultdict(Counter)
    per_paper, per_title = [], []
    for paper in papers:
        keys = set()
        for phrase in surface_phrases(paper.title) + surface_phrases(paper.abstract or ""):
            key = phrase_key(phrase)
            surface[key][phrase] += 1
            keys.add(key)
        per_paper.append(frozenset(keys))
        per_title.append(frozenset(phrase_key(p) for p in surface_phrases(paper.title)))
    casing = word_casing(papers)
    display = {key: " ".join(casing.get(word, word) for word in
                             min(counts.items(), key=lambda item: (-item[1], item[0]))[0].split())
               for key, counts in surface.items()}
    return tuple(per_paper), tuple(per_title), display


def word_casing(papers: Sequence[Paper]) -> dict[str, str]:
    """Words the authors mostly write with inner capitals ('LLMs', 'BabyLM'), in that form."""
    forms: dict[str, Counter] = defaultdict(Counter)
    for paper in papers:
        for word in re.findall(r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*", f"{paper.title} {paper.abstract or ''}"):
            forms[word.lower()][word if any(c.isupper() for c in word[1:]) else word.lower()] += 1
    return {word: max(counts.items(), key=lambda item: (item[1], item[0]))[0] for word, counts in forms.items()
            if max(counts.items(), key=lambda item: (item[1], item[0]))[0] != word}


def similarity_rows(features: Features, rows: slice) -> np.ndarray:
    """Blended cosine similarity of some papers to all: TF-IDF and latent views averaged."""
    direct = (features.tfidf[rows] @ features.tfidf.T).toarray()
    latent = features.latent[rows] @ features.latent.T
    return (1.0 - LATENT_SHARE) * direct + LATENT_SHARE * latent
