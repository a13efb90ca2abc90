"""Related papers: the most similar papers of the whole list, each with the key phrases they share."""
from __future__ import annotations

from collections import Counter

import numpy as np

from generator.themes.clustering import BLOCK_ROWS
from generator.themes.features import Features, similarity_rows
from generator.themes.naming import distinct

SHARED_TERMS = 3


def nearest(features: Features, limit: int) -> list[list[tuple[int, float]]]:
    """For each paper, up to `limit` (index, similarity) of the most similar other papers."""
    n = features.tfidf.shape[0]
    found = []
    for start in range(0, n, BLOCK_ROWS):
        block = similarity_rows(features, slice(start, start + BLOCK_ROWS))
        local = np.arange(block.shape[0])
        block[local, start + local] = -np.inf
        order = np.argsort(-block, axis=1, kind="stable")[:, :limit]
        found += [[(int(j), float(block[row, j])) for j in order[row] if block[row, j] > 0] for row in local]
    return found


def shared_phrases(features: Features, i: int, j: int, document_frequency: Counter) -> list[str]:
    """Phrases two papers share, rarest and longest first, only those other papers use too (not typos)."""
    shared = [key for key in features.phrases[i] & features.phrases[j]
              if document_frequency[key] >= 2 and all(len(word) >= 3 for word in key.split())]
    n = len(features.phrases)
    titles = features.title_phrases[i] | features.title_phrases[j]
    # a phrase in a title says more than one in an abstract; rarity and length make it specific
    shared.sort(key=lambda key: (-(np.log(n / document_frequency[key]) * len(key.split())
                                   * (2.0 if key in titles else 1.0)),
                                 key))
    return distinct(shared, SHARED_TERMS)
