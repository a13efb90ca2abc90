"""Communities of a similarity graph by modularity (generator/themes/communities.py)."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from generator.themes.communities import communities, louvain, merged_down, modularity


def planted(groups: list[int], inside: float = 1.0, across: float = 0.05, seed: int = 0) -> sparse.csr_matrix:
    """A symmetric graph of dense groups of these sizes, joined by weak random edges."""
    random = np.random.RandomState(seed)
    labels = np.repeat(np.arange(len(groups)), groups)
    n = len(labels)
    same = labels[:, None] == labels[None, :]
    weights = np.where(same, inside, across * (random.rand(n, n) < 0.3))
    weights = np.triu(weights, 1)
    return sparse.csr_matrix(weights + weights.T)


def same_partition(first: np.ndarray, second: np.ndarray) -> bool:
    pairs = set(zip(first.tolist(), second.tolist()))
    return len(pairs) == len(set(first.tolist())) == len(set(second.tolist()))


def test_louvain_finds_planted_groups():
    graph = planted([8, 12, 10, 6])
    truth = np.repeat(np.arange(4), [8, 12, 10, 6])
    assert same_partition(louvain(graph, 1.0, seed=0), truth)


@pytest.mark.parametrize("count", [2, 4, 6])
def test_the_number_asked_for_is_met(count):
    """Four planted groups: asked for two, the closest merge; asked for six, the resolution splits groups."""
    graph = planted([8, 12, 10, 6])
    labels = communities(graph, count, seed=0)
    assert labels is not None and sorted(set(labels.tolist())) == list(range(count))
    if count == 4:
        assert same_partition(labels, np.repeat(np.arange(4), [8, 12, 10, 6]))


def test_merging_joins_the_pair_that_loses_least_modularity():
    """Groups 0 and 1 share many edges, 2 stands apart: merging three into two joins 0 and 1."""
    graph = planted([6, 6, 6], across=0.0).toarray()
    graph[:6, 6:12] = graph[6:12, :6] = 0.4
    labels = merged_down(sparse.csr_matrix(graph), np.repeat(np.arange(3), 6), 2, 1.0)
    assert labels[0] == labels[6] != labels[12]


def test_modularity_is_that_of_newman():
    """Two disjoint cliques as two communities: 1 - 2 x (1/2)^2 = 0.5."""
    graph = planted([5, 5], across=0.0)
    assert modularity(graph, np.repeat([0, 1], 5), 1.0) == pytest.approx(0.5)
    assert modularity(graph, np.zeros(10, dtype=int), 1.0) == pytest.approx(0.0)


def test_a_graph_too_small_to_split_so_finely_gets_none():
    graph = planted([2, 2], across=0.0)
    assert communities(graph, 5, seed=0) is None


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(2, 9), min_size=1, max_size=6), st.integers(1, 8), st.integers(0, 3))
def test_the_same_graph_and_seed_give_the_same_communities(groups, count, seed):
    graph = planted(groups, across=0.2, seed=seed)
    first, again = communities(graph, count, seed), communities(graph, count, seed)
    assert (first is None and again is None) or (first.tolist() == again.tolist())
    if first is not None:
        assert sorted(set(first.tolist())) == list(range(count))
