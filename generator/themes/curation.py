"""Themes the curator declared (or a lock file fixed): pins stay, the rest join the closest theme.

A theme's prototype is the normalised sum of its papers' TF-IDF vectors plus a prior from its own
name and description, strong while few papers are pinned and fading as evidence grows.
"""
from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.preprocessing import normalize

# Weight of a theme's name+description vector when it has one pinned paper; divided by sqrt(#pins).
DESCRIPTION_PRIOR = 1.4
# Rounds of re-estimating prototypes from the papers assigned so far (it settles in two or three).
ROUNDS = 8
# Pins are the curator's word, assignments are guesses: a pin counts double in its prototype.
PIN_WEIGHT = 2.0


def description_weights(pinned: np.ndarray, descriptions: np.ndarray) -> np.ndarray:
    """Weight of each theme's description vector: strong with few pins, fading as pins accumulate.

    A description sharing no vocabulary with the list (a zero vector) gets no weight.
    """
    pins = np.bincount(pinned[pinned >= 0], minlength=len(descriptions))
    present = np.linalg.norm(descriptions, axis=1) > 0
    return np.where(present, DESCRIPTION_PRIOR / np.sqrt(np.maximum(pins, 1)), 0.0)


def prototypes(tfidf, labels: np.ndarray, weights: np.ndarray, count: int,
               descriptions: np.ndarray | None, pinned: np.ndarray) -> np.ndarray:
    """One unit vector per theme: weighted mean of its papers, plus the description prior."""
    members = membership(labels, weights, count)
    centres = normalize(np.asarray((members.T @ tfidf).todense()))
    if descriptions is None:
        return centres
    return normalize(centres + description_weights(pinned, descriptions)[:, None] * descriptions)


def membership(labels: np.ndarray, weights: np.ndarray, count: int) -> sparse.csr_matrix:
    """Sparse paper x theme matrix of membership weights (papers without a theme have none)."""
    placed = np.flatnonzero(labels >= 0)
    return sparse.csr_matrix((weights[placed], (placed, labels[placed])), shape=(len(labels), count))


def assign(tfidf, descriptions: np.ndarray | None, pinned: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeded spherical k-means: pinned papers are fixed, the others move to their closest prototype."""
    labels = pinned.copy()
    weights = np.where(pinned >= 0, 1.0, 0.0)
    for _ in range(ROUNDS):
        centres = prototypes(tfidf, labels, weights, count, descriptions, pinned)
        scores = np.asarray(tfidf @ centres.T)
        new = np.where(pinned >= 0, pinned, np.argmax(scores, axis=1))
        if np.array_equal(new, labels):
            break
        labels = new
        weights = np.where(pinned >= 0, PIN_WEIGHT, 1.0)
    return labels, weights


def suggestion_scores(tfidf, labels: np.ndarray, weights: np.ndarray, count: int,
                      descriptions: np.ndarray | None, pinned: np.ndarray) -> np.ndarray:
    """Cosine of every paper to every theme prototype, each paper left out of its own theme.

    Leaving the paper out is what makes the score honest for a new entry; it is done in closed
    form (rows of tfidf have unit length), so the whole matrix costs one sparse product.
    """
    n = len(labels)
    sums = np.asarray((membership(labels, weights, count).T @ tfidf).todense())
    dots = np.asarray(tfidf @ sums.T)
    sizes = np.tile(np.einsum("ij,ij->i", sums, sums), (n, 1))
    own = np.flatnonzero(labels >= 0)
    theme, weight = labels[own], weights[own]
    sizes[own, theme] += -2 * weight * dots[own, theme] + weight ** 2
    dots[own, theme] -= weight
    norms = np.sqrt(np.maximum(sizes, 1e-12))
    if descriptions is None:
        return dots / norms
    to_description = np.asarray(tfidf @ descriptions.T)
    overlap = np.tile(np.einsum("ij,ij->i", sums, descriptions), (n, 1))
    overlap[own, theme] -= weight * to_description[own, theme]
    prior = description_weights(pinned, descriptions)[None, :]
    # prototype = s/|s| + prior * d, normalised; its dot product and norm expanded algebraically
    numerator = dots / norms + prior * to_description
    length = np.sqrt(np.maximum(1 + prior ** 2 + 2 * prior * overlap / norms, 1e-12))
    return numerator / length
