"""Group papers into named themes, rank theme suggestions and find related papers.

Pure: takes papers and settings, returns a Grouping. Every model setting is spelled out here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from sklearn.cluster import SpectralClustering
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from generator.schema import CuratedTheme, Paper, ThemesSection


@dataclass(frozen=True)
class Theme:
    """A group of papers with a permanent slug, a readable name and its key terms."""

    slug: str
    name: str
    terms: tuple[str, ...]
    papers: tuple[str, ...]
    description: str = ""
    curated: bool = False


@dataclass(frozen=True)
class Placement:
    """Where one paper sits: its theme, whether the curator pinned it, and ranked alternatives."""

    theme: str
    pinned: bool
    suggestions: tuple[tuple[str, float], ...]
    terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Related:
    """A paper similar to another one, with the key terms they share."""

    id: str
    score: float
    terms: tuple[str, ...]


@dataclass(frozen=True)
class Grouping:
    """The result of the theme step."""

    themes: tuple[Theme, ...]
    placements: dict[str, Placement]
    related: dict[str, tuple[Related, ...]]
    coords: dict[str, tuple[float, float]]

    def theme(self, slug: str) -> Theme:
        return next(t for t in self.themes if t.slug == slug)


def make_corpus(papers: Sequence[Paper]) -> list[str]:
    """The text the model sees for each paper: title twice (it is dense with topic words), abstract, tags."""
    return [" ".join([p.title, p.title, p.abstract or "", " ".join(t.replace("-", " ") for t in p.tags)])
            for p in papers]


def vectorize(corpus: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """TF-IDF features over words and two-word phrases; rows are L2-normalised."""
    vectorizer = TfidfVectorizer(
        lowercase=True, stop_words="english", ngram_range=(1, 2), min_df=2 if len(corpus) > 20 else 1,
        max_df=0.5, sublinear_tf=True, norm="l2", token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z0-9-]+\b",
    )
    matrix = vectorizer.fit_transform(corpus)
    return matrix, vectorizer.get_feature_names_out()


def choose_count(similarity: np.ndarray, low: int, high: int) -> int:
    """Number of themes from the largest eigengap of the normalised graph Laplacian."""
    degree = similarity.sum(axis=1)
    inv = 1.0 / np.sqrt(np.maximum(degree, 1e-12))
    laplacian = np.eye(len(similarity)) - inv[:, None] * similarity * inv[None, :]
    eigenvalues = np.sort(np.linalg.eigvalsh(laplacian))
    gaps = np.diff(eigenvalues[: high + 1])
    return int(np.argmax(gaps[low - 1: high]) + low)


def cluster(matrix, count: int | str, seed: int) -> np.ndarray:
    """Spectral clustering of the cosine-similarity graph; labels per row."""
    n = matrix.shape[0]
    similarity = np.asarray((matrix @ matrix.T).todense())
    np.fill_diagonal(similarity, 0.0)
    if n < 3:
        return np.zeros(n, dtype=int)
    if count == "auto":
        high = max(2, min(30, n // 4))
        count = choose_count(similarity, low=min(2, high), high=high)
    count = min(count, n)
    model = SpectralClustering(n_clusters=count, affinity="precomputed", assign_labels="cluster_qr",
                               random_state=seed)
    return model.fit_predict(similarity + 1e-9)


def distinctive_terms(matrix, terms: np.ndarray, members: np.ndarray, limit: int) -> list[str]:
    """The terms most over-represented in the members compared with the whole list."""
    inside = np.asarray(matrix[members].mean(axis=0)).ravel()
    overall = np.asarray(matrix.mean(axis=0)).ravel()
    score = inside * np.log((inside + 1e-6) / (overall + 1e-6))
    chosen: list[str] = []
    for index in np.argsort(-score, kind="stable"):
        term = str(terms[index])
        if score[index] <= 0 or len(chosen) == limit:
            break
        if not any(term in other or other in term for other in chosen):
            chosen.append(term)
    return chosen


def theme_name(terms: list[str]) -> str:
    """A readable name from the two leading key terms."""
    if not terms:
        return "Other papers"
    words = terms[:2]
    name = " and ".join(words) if len(words) == 2 else words[0]
    return name[0].upper() + name[1:]


def slug_for(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:50].strip("-") or "theme"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def centroids(matrix, labels: np.ndarray, count: int) -> np.ndarray:
    rows = [np.asarray(matrix[labels == k].mean(axis=0)).ravel() for k in range(count)]
    return normalize(np.vstack(rows))


def group_papers(papers: Sequence[Paper], settings: ThemesSection,
                 curated: Sequence[CuratedTheme] = ()) -> Grouping:
    """The theme step: features, clusters (or curated themes), names, suggestions, related papers."""
    papers = sorted(papers, key=lambda p: p.id)
    ids = [p.id for p in papers]
    matrix, terms = vectorize(make_corpus(papers))
    if curated:
        labels, count = assign_to_curated(papers, matrix, curated)
    else:
        labels = cluster(matrix, settings.count, settings.seed)
        count = int(labels.max()) + 1
    centers = centroids(matrix, labels, count)
    scores = np.asarray(matrix @ centers.T)
    themes = describe_themes(matrix, terms, labels, scores, ids, curated)
    slugs = [t.slug for t in themes]
    placements = {
        paper.id: Placement(
            theme=slugs[labels[i]],
            pinned=bool(curated) and paper.theme is not None,
            suggestions=tuple((slugs[k], round(float(scores[i, k]), 3))
                              for k in np.argsort(-scores[i], kind="stable")[:3]),
        )
        for i, paper in enumerate(papers)
    }
    return Grouping(tuple(themes), placements, related_papers(matrix, terms, ids, settings.related),
                    layout(matrix, ids))


def assign_to_curated(papers, matrix, curated) -> tuple[np.ndarray, int]:
    """Pinned papers stay; the rest join the curated theme whose pinned papers they most resemble."""
    slugs = [t.slug for t in curated]
    pinned = np.array([slugs.index(p.theme) if p.theme in slugs else -1 for p in papers])
    centers = []
    for k in range(len(slugs)):
        members = pinned == k
        centers.append(np.asarray(matrix[members].mean(axis=0)).ravel() if members.any()
                       else np.zeros(matrix.shape[1]))
    scores = np.asarray(matrix @ normalize(np.vstack(centers)).T)
    labels = np.where(pinned >= 0, pinned, scores.argmax(axis=1))
    return labels, len(slugs)


def describe_themes(matrix, terms, labels, scores, ids, curated) -> list[Theme]:
    """Name each cluster from its distinctive terms and order its papers, most central first."""
    themes, taken = [], set()
    for k in range(int(labels.max()) + 1 if not curated else len(curated)):
        members = np.flatnonzero(labels == k)
        key_terms = distinctive_terms(matrix, terms, members, 5) if len(members) else []
        order = members[np.argsort(-scores[members, k], kind="stable")]
        if curated:
            theme = curated[k]
            themes.append(Theme(theme.slug, theme.name, tuple(key_terms), tuple(ids[i] for i in order),
                                theme.description or "", curated=True))
        else:
            name = theme_name(key_terms)
            slug = slug_for(name, taken)
            taken.add(slug)
            themes.append(Theme(slug, name, tuple(key_terms), tuple(ids[i] for i in order)))
    return themes


def related_papers(matrix, terms, ids: list[str], limit: int) -> dict[str, tuple[Related, ...]]:
    """For every paper, the most similar others by cosine similarity, with the terms they share."""
    similarity = np.asarray((matrix @ matrix.T).todense())
    np.fill_diagonal(similarity, -1.0)
    related = {}
    for i, paper_id in enumerate(ids):
        nearest = np.argsort(-similarity[i], kind="stable")[:limit]
        related[paper_id] = tuple(
            Related(ids[j], round(float(similarity[i, j]), 3), shared_terms(matrix, terms, i, j))
            for j in nearest if similarity[i, j] > 0
        )
    return related


def shared_terms(matrix, terms, i: int, j: int, limit: int = 3) -> tuple[str, ...]:
    weight = matrix[i].multiply(matrix[j]).toarray().ravel()
    top = [k for k in np.argsort(-weight, kind="stable")[:limit * 2] if weight[k] > 0]
    chosen: list[str] = []
    for k in top:
        term = str(terms[k])
        if not any(term in other or other in term for other in chosen) and len(chosen) < limit:
            chosen.append(term)
    return tuple(chosen)


def layout(matrix, ids: list[str]) -> dict[str, tuple[float, float]]:
    """A 2-D position per paper from the first two latent directions, scaled to [0, 1]."""
    from sklearn.decomposition import TruncatedSVD

    if min(matrix.shape) <= 3:
        return {paper_id: (0.5, 0.5) for paper_id in ids}
    points = TruncatedSVD(n_components=3, algorithm="arpack", random_state=0).fit_transform(matrix)[:, 1:3]
    low, high = points.min(axis=0), points.max(axis=0)
    scaled = (points - low) / np.where(high > low, high - low, 1.0)
    return {paper_id: (round(float(x), 4), round(float(y), 4)) for paper_id, (x, y) in zip(ids, scaled)}


def grouping_json(grouping: Grouping) -> dict:
    """The `themes --json` contract."""
    return {
        "themes": [{"slug": t.slug, "name": t.name, "terms": list(t.terms), "papers": list(t.papers),
                    "description": t.description, "curated": t.curated} for t in grouping.themes],
        "papers": {pid: {"theme": p.theme, "pinned": p.pinned,
                         "suggestions": [[slug, score] for slug, score in p.suggestions]}
                   for pid, p in sorted(grouping.placements.items())},
    }
