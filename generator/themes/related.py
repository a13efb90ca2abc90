"""Related papers: the most similar papers of the whole list, each with the key phrases they share."""
from __future__ import annotations

import numpy as np

from generator.themes.clustering import BLOCK_ROWS
from generator.themes.features import Features, similarity_rows
from generator.themes.naming import alphabetical_rank, distinct_keys

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


def shared_phrases(features: Features, pairs: np.ndarray) -> list[list[int]]:
    """For each pair of papers, the keys of up to three phrases both use, rarest and longest first.

    Only phrases other papers use too (not typos) and without words under three letters count; a
    phrase in either title counts double. All pairs are scored at once; only the few best phrases of
    each pair are read as text, to drop those repeating a better one.
    """
    if len(pairs) == 0:
        return []
    first, second = features.phrases[pairs[:, 0]], features.phrases[pairs[:, 1]]
    both = first.multiply(second).tocsr()
    titled = (features.titles[pairs[:, 0]] + features.titles[pairs[:, 1]]).multiply(both)
    marked = (both + 2 * titled).tocoo()   # 1: shared; 3 or 5: shared and in a title
    pair, key = marked.row.astype(np.int64), marked.col.astype(np.int64)
    frequency = features.frequency[key]
    keep = (frequency >= 2) & ~features.texts.phrases.has_short_word()[key]
    pair, key, frequency, in_title = pair[keep], key[keep], frequency[keep], marked.data[keep] > 1
    n = features.phrases.shape[0]
    weight = np.log(n / frequency) * features.texts.phrases.lengths()[key] * np.where(in_title, 2.0, 1.0)
    order = np.lexsort((alphabetical_rank(features, key), -weight, pair))
    ranked = key[order].tolist()
    bounds = np.searchsorted(pair[order], np.arange(len(pairs) + 1)).tolist()
    texts: dict[int, str] = {}
    return [distinct_keys(features, ranked[bounds[p]:bounds[p + 1]], SHARED_TERMS, texts)
            for p in range(len(pairs))]
