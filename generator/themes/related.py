"""Related papers: the most similar papers of the whole list, each with the key phrases they share."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from scipy import sparse
from sklearn.preprocessing import normalize

from generator.themes.clustering import BLOCK_ROWS, mini_batch_kmeans
from generator.themes.features import Features, blended, similarity_rows
from generator.themes.naming import Dangling, alphabetical_rank, distinct_keys

SHARED_TERMS = 3
# Pairs whose shared phrases are ranked together (bounds the memory of the row copies), and how many
# of a pair's best phrases are read before the rest (three distinct ones are nearly always among them).
PAIR_CHUNK = 4096
HEAD_ENTRIES = 8
# Long lists search neighbours in an inverted file: papers fall into about sqrt(n) cells (k-means on
# the latent view) and a cell's papers are compared with those of the PROBES cells closest to it
# (its own first), so each paper meets about PROBES x sqrt(n) others instead of n.
PROBES = 6
CELL_RESTARTS = 1
# Candidates per related paper shown that are scored with the full (TF-IDF + latent) similarity.
SHORTLIST = 2
# Up to this many papers every paper is compared with all others in the latent view (a few tenths of
# a second): cells would save little there, and an edit that moves a cell boundary would change the
# related papers of hundreds of pages, which the live preview then has to rebuild.
EXACT_SHORTLIST_UP_TO = 4_000


class Neighbours(NamedTuple):
    """Each paper's most similar others, best first (ties by index): n x limit arrays."""

    index: np.ndarray    # the other paper, -1 past the last one that is similar at all
    score: np.ndarray    # its similarity


def similar_only(index: np.ndarray, score: np.ndarray) -> Neighbours:
    """Neighbours keeping only papers with a positive similarity (the others are -1)."""
    return Neighbours(np.where(score > 0, index, -1), score)


def nearest(features: Features, limit: int) -> Neighbours:
    """For each paper, up to `limit` of the most similar other papers."""
    n = features.tfidf.shape[0]
    index, score = [], []
    for start in range(0, n, BLOCK_ROWS):
        block = similarity_rows(features, slice(start, start + BLOCK_ROWS))
        local = np.arange(block.shape[0])
        block[local, start + local] = -np.inf
        order = np.argsort(-block, axis=1, kind="stable")[:, :limit]
        index.append(order)
        score.append(np.take_along_axis(block, order, axis=1))
    return similar_only(np.concatenate(index), np.concatenate(score))


def candidate_dots(points: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """Each paper's dot product (a cosine: the rows are unit) with each of its candidates, in a dense view."""
    return np.einsum("ij,ikj->ik", points, points[candidates])


def nearest_scalable(features: Features, limit: int, seed: int) -> Neighbours:
    """nearest() for long lists: the same blended similarity, for a shortlist found in the closest cells.

    A cell's papers are compared with the papers of its PROBES closest cells in the latent view (a
    dense block product); the SHORTLIST x limit best of each are then scored with the blended
    similarity, pair by pair, and the `limit` best kept.
    """
    n = features.tfidf.shape[0]
    take = min(limit * SHORTLIST, n - 1)
    if take <= 0 or limit <= 0:
        return Neighbours(np.zeros((n, 0), dtype=np.int64), np.zeros((n, 0)))
    candidates = shortlist(features, take, seed)
    rows = np.repeat(np.arange(n)[:, None], take, axis=1)
    direct = pair_dots(features.tfidf, rows.ravel(), candidates.ravel()).reshape(rows.shape)
    meaning = None if features.meaning is None else candidate_dots(features.meaning.papers, candidates)
    scores = blended(direct, candidate_dots(features.latent, candidates), meaning)
    # best first, ties by index (as nearest() does)
    order = np.lexsort((candidates, -scores), axis=1)[:, :limit]
    return similar_only(np.take_along_axis(candidates, order, axis=1), np.take_along_axis(scores, order, axis=1))


def shortlist(features: Features, take: int, seed: int) -> np.ndarray:
    """For every paper (n x take), the `take` others closest in the latent view among nearby cells."""
    n = features.latent.shape[0]
    if n <= EXACT_SHORTLIST_UP_TO:
        return exact_shortlist(features, take)
    cells = mini_batch_kmeans(features.latent, max(1, min(n, int(np.ceil(np.sqrt(n))))), seed, CELL_RESTARTS)
    centres = normalize(cells.cluster_centers_)
    closeness = centres @ centres.T
    np.fill_diagonal(closeness, np.inf)
    probes = np.argsort(-closeness, axis=1, kind="stable")[:, :PROBES]
    order = np.argsort(cells.labels_, kind="stable")
    bounds = np.searchsorted(cells.labels_[order], np.arange(len(centres) + 1))
    members = [order[bounds[c]:bounds[c + 1]] for c in range(len(centres))]
    found = np.zeros((n, take), dtype=np.int64)
    for cell, rows in enumerate(members):
        if not len(rows):
            continue
        pool = np.sort(np.concatenate([members[p] for p in probes[cell]]))
        if len(pool) <= take:  # a tiny neighbourhood: widen it to every paper
            pool = np.arange(n)
        block = features.latent[rows] @ features.latent[pool].T
        block[np.arange(len(rows)), np.searchsorted(pool, rows)] = -np.inf
        found[rows] = pool[np.argpartition(-block, take - 1, axis=1)[:, :take]]
    return found


def exact_shortlist(features: Features, take: int) -> np.ndarray:
    """shortlist() against every paper, in blocks of rows (never an n x n matrix at once)."""
    n = features.latent.shape[0]
    found = np.zeros((n, take), dtype=np.int64)
    for start in range(0, n, BLOCK_ROWS):
        rows = np.arange(start, min(start + BLOCK_ROWS, n))
        block = features.latent[rows] @ features.latent.T
        block[np.arange(len(rows)), rows] = -np.inf
        found[rows] = np.argpartition(-block, take - 1, axis=1)[:, :take]
    return found


def pair_dots(matrix, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Row-by-row dot products matrix[first[p]] . matrix[second[p]], in chunks."""
    out = np.empty(len(first))
    for start in range(0, len(first), PAIR_CHUNK):
        part = slice(start, start + PAIR_CHUNK)
        out[part] = np.asarray(matrix[first[part]].multiply(matrix[second[part]]).sum(axis=1)).ravel()
    return out


def shared_phrases(features: Features, pairs: np.ndarray, dangling: Dangling) -> list[list[int]]:
    """For each pair of papers, the keys of up to three phrases both use, rarest and longest first.

    Only phrases that tell something count: used by other papers too (not typos) but by no more than
    2 sqrt(n) papers (a phrase much of the list uses, such as 'learning', explains no pair), without
    words under three letters, and, for a single word, named in either title and used again by the
    abstracts that use it (`Texts.recurring`): abstracts are full of words such as 'obtain' or
    'consequently' that two papers share by chance, titles are the authors' summary of their topic, and
    a title may still say 'inspired' or 'explored'. A phrase of several words (or a hyphenated one) may
    come from the abstracts, and one in either title counts double. A phrase that dangles, as names and
    key terms read it (`dangling`: 'deep', 'linguistic', 'offering new'), tells nothing alone.

    Every (phrase, in a title or not) is ranked once for the whole list, so a pair's phrases are put
    in order by one integer sort; only the few best of each pair are read as text, to drop those
    repeating a better one.
    """
    job = SharedPhrases.ranked(features, pairs, dangling)
    return [kept for start in range(0, len(pairs), PAIR_CHUNK) for kept in job.chunk(start)]


@dataclass
class SharedPhrases:
    """The phrases pairs of papers share, chunk by chunk, with every (phrase, in a title or not) ranked once."""

    features: Features
    pairs: np.ndarray
    # An entry is a candidate phrase outside both titles (c < C) or in one (C + c); the first `shown`
    # ranks are those that can be shown (a single word outside both titles, or one the abstracts do not
    # use again, cannot).
    rank: np.ndarray         # each entry's position when entries are put best first
    shown: int
    key_of_rank: np.ndarray  # the phrase key at each position
    phrases: sparse.csr_matrix  # papers x candidates: uses
    titles: sparse.csr_matrix   # papers x candidates: uses in a title
    known: dict = field(default_factory=dict)   # pairs often share the same best phrases
    forms: dict = field(default_factory=dict)

    @classmethod
    def ranked(cls, features: Features, pairs: np.ndarray, dangling: Dangling) -> SharedPhrases:
        table = features.texts.phrases
        n = features.phrases.shape[0]
        telling = (features.frequency >= 2) & (features.frequency <= max(2.0, 2 * np.sqrt(n)))
        telling &= ~dangling.between_papers(features, np.arange(len(telling)))
        candidate = np.flatnonzero(telling & ~table.has_short_word & features.texts.terms)
        base = np.log(n / features.frequency[candidate]) * table.lengths[candidate]
        alphabetical = alphabetical_rank(features, candidate)
        compound = table.compound[candidate]
        hidden = np.r_[~compound, ~compound & ~features.texts.recurring[candidate]]
        order = np.lexsort((np.r_[alphabetical, alphabetical], -np.r_[base * 1.0, base * 2.0], hidden))
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        # only candidate phrases can be shown: the row copies made per chunk carry nothing else
        return cls(features, pairs, rank, int(len(hidden) - hidden.sum()), candidate[order % len(candidate)],
                   features.phrases[:, candidate].tocsr(), features.titles[:, candidate].tocsr())

    def chunk(self, start: int) -> list[list[int]]:
        """The shared phrases of the PAIR_CHUNK pairs from `start`."""
        span = len(self.rank)
        chunk = self.pairs[start:start + PAIR_CHUNK]
        codes = ranked_entries(self.phrases, self.titles, chunk, self.rank)
        codes = codes[codes % span < self.shown]
        bounds = np.searchsorted(codes, np.arange(len(chunk) + 1) * span)
        heads = leading_keys(codes, bounds, span, self.key_of_rank)
        sizes = np.diff(bounds).tolist()
        found: list[list[int]] = []
        for p, head in enumerate(heads):
            head = tuple(k for k in head if k >= 0)
            kept = self.known.get(head)
            if kept is None:
                kept = self.known[head] = distinct_keys(self.features, head, SHARED_TERMS, self.forms)
            if len(kept) < SHARED_TERMS and sizes[p] > len(head):
                every = codes[bounds[p]:bounds[p + 1]] % span
                kept = distinct_keys(self.features, self.key_of_rank[every].tolist(), SHARED_TERMS, self.forms)
            found.append(kept)
        return found


def ranked_entries(phrases, titles, pairs: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """The phrases each pair shares, as sorted integers: pair x 2C + rank of (phrase, in a title)."""
    both = phrases[pairs[:, 0]].multiply(phrases[pairs[:, 1]]).tocsr()
    titled = (titles[pairs[:, 0]] + titles[pairs[:, 1]]).multiply(both)
    marked = (both + 2 * titled).tocoo()   # 1: shared; 3 or 5: shared and in a title
    candidates = phrases.shape[1]
    entry = marked.col.astype(np.int64) + candidates * (marked.data > 1)
    return np.sort(marked.row.astype(np.int64) * (2 * candidates) + rank[entry])


def leading_keys(codes: np.ndarray, bounds: np.ndarray, span: int, key_of_rank: np.ndarray) -> list[list[int]]:
    """The keys of the first HEAD_ENTRIES ranks of each pair, -1 past the phrases it shares."""
    index = bounds[:-1, None] + np.arange(HEAD_ENTRIES)
    if not len(codes):   # no pair shares a phrase that can be shown (or the list has none: 'AI 1', 'AI 2')
        return np.full(index.shape, -1).tolist()
    ranks = codes[np.minimum(index, len(codes) - 1)] % span
    return np.where(index < bounds[1:, None], key_of_rank[ranks], -1).tolist()
