"""Automatic themes: a kNN similarity graph, the number of themes read from its spectrum, and its communities.

Short lists: the number of themes read from the eigenvalues of the kNN graph, the themes the modularity
communities of a wider kNN graph (communities.py; spectral k-means when no resolution splits it so finely).
Long lists (see SCALABLE_FROM in the package): mini-batch k-means on the latent (LSA) view (joined by the
meaning view when the site has a sentence-embedding model), the number of themes from the list's size;
nothing there grows faster than the number of papers.
"""
from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import eigsh
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.preprocessing import normalize

from generator.themes.communities import communities
from generator.themes.features import MEANING_SHARE, Features, similarity_rows

BLOCK_ROWS = 512
# Neighbours kept per paper, as a share of the expected theme size sqrt(n): enough to join a theme's
# papers, few enough to keep themes apart. The count rule below sees a group of m papers only when most
# of its links stay inside, i.e. m is at least about the neighbour count; a fixed count would make it
# blind to themes on short lists and to nothing on long ones. (0.7 * sqrt(210) = 10.)
NEIGHBOUR_SCALE = 0.7
MIN_NEIGHBOURS = 3
# Lists of small themes: the count rule, blind to groups smaller than the neighbour count, saw fewer and larger
# themes than there are (ACL tutorial lists of 6-12 papers a theme: 19 themes for 25, 34 for 56). So the
# neighbour count is brought down until it is at most this share of the mean size of the themes it finds
# (0.8: the share 0.7 sqrt(n) neighbours make with the themes of about sqrt(n) / 1.2 papers the rule finds on
# the shipped list). It never goes up: on a list of a few broad themes the count stays as it was.
NEIGHBOURS_PER_THEME_SIZE = 0.8
# At most this many automatic themes: a theme list a reader still scans on the home page.
MAX_THEMES = 60
KMEANS_RESTARTS = 10
# Once their number is known, themes are the modularity communities (communities.py) of a kNN graph with this
# many neighbours per sqrt(n): wider than the graph the number is read from, as modularity wants. Against
# spectral clustering's k-means at the same number of themes, on the shipped list and two ACL lists (whole,
# halves, subsets): NMI +0.005 to +0.027, ARI +0.02 to +0.06 on the whole lists, ARI +0.002 to +0.035 on the
# subsets; at the same neighbour count spectral clustering gains nothing.
COMMUNITY_NEIGHBOURS = 1.0
# An eigenvalue of the normalised adjacency above this marks a group of papers whose links mostly stay
# inside it (for two groups, a value of 1 - 2 x their share of cut links); counting them gives the themes.
SEPARATION = 0.5


def neighbours_for(n: int, scale: float = NEIGHBOUR_SCALE) -> int:
    """Neighbours per paper in the similarity graph: a fixed share of the expected theme size sqrt(n) (fewer than
    n)."""
    return max(1, min(n - 1, max(MIN_NEIGHBOURS, int(round(scale * np.sqrt(n))))))


def knn_graph(features: Features) -> sparse.csr_matrix:
    """Symmetric sparse graph joining each paper to its neighbours_for(n) most similar others (blended cosine)."""
    neighbours = neighbours_for(features.tfidf.shape[0])
    return graph_of(*nearest_papers(features, neighbours), neighbours)


def nearest_papers(features: Features, neighbours: int) -> tuple[np.ndarray, np.ndarray]:
    """Each paper's `neighbours` most similar other papers (ties broken by index, so the graph does not depend
    on the sort algorithm), most similar first, and their similarities."""
    n = features.tfidf.shape[0]
    nearest, similarity = [], []
    for start in range(0, n, BLOCK_ROWS):
        block = similarity_rows(features, slice(start, start + BLOCK_ROWS))
        local = np.arange(block.shape[0])
        block[local, start + local] = -np.inf
        order = np.argsort(-block, axis=1, kind="stable")[:, :neighbours]
        nearest.append(order)
        similarity.append(np.take_along_axis(block, order, axis=1))
    return np.vstack(nearest), np.vstack(similarity)


def graph_of(nearest: np.ndarray, similarity: np.ndarray, neighbours: int) -> sparse.csr_matrix:
    """The symmetric kNN graph of the first `neighbours` columns of nearest_papers."""
    n = len(nearest)
    # a tiny floor keeps zero-similarity neighbours as edges, so the graph stays connected
    values = np.clip(similarity[:, :neighbours].ravel(), 1e-4, None)
    graph = sparse.csr_matrix((values, (np.repeat(np.arange(n), neighbours), nearest[:, :neighbours].ravel())),
                              shape=(n, n))
    return graph.maximum(graph.T).tocsr()


def spectral_embedding(graph: sparse.csr_matrix, dimensions: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Leading eigenvalues and eigenvectors of the normalised adjacency D^-1/2 A D^-1/2."""
    n = graph.shape[0]
    degree = np.asarray(graph.sum(axis=1)).ravel()
    scale = sparse.diags(1.0 / np.sqrt(np.maximum(degree, 1e-12)))
    matrix = scale @ graph @ scale
    dimensions = max(1, min(dimensions, n - 1))
    if n <= 400:
        values, vectors = np.linalg.eigh(matrix.toarray())
    else:
        start = np.random.RandomState(seed).rand(n)
        values, vectors = eigsh(matrix, k=dimensions, which="LA", v0=start, tol=1e-8)
    order = np.argsort(-values, kind="stable")[:dimensions]
    vectors = vectors[:, order]
    # an eigenvector's sign is arbitrary; fix it so results do not depend on the solver
    signs = np.sign(vectors[np.argmax(np.abs(vectors), axis=0), np.arange(vectors.shape[1])])
    return values[order], vectors * np.where(signs == 0, 1.0, signs)


def kmeans(embedding: np.ndarray, count: int, seed: int) -> np.ndarray:
    """k-means on the row-normalised first `count` eigenvectors (the last step of spectral clustering).

    Never into more themes than there are distinct points: papers without a word of their own ('123') all
    look alike, and k-means would warn the reader about it.
    """
    points = normalize(embedding[:, :count])
    model = KMeans(n_clusters=min(count, distinct_rows(points)), init="k-means++", n_init=KMEANS_RESTARTS,
                   max_iter=300, tol=1e-6, random_state=seed)
    return model.fit_predict(points)


def distinct_rows(points: np.ndarray) -> int:
    """How many different rows there are, to the tenth decimal."""
    return len(np.unique(np.round(points, 10), axis=0))


def count_range(n: int) -> tuple[int, int]:
    """Theme counts worth considering: 0.6 to 2.5 sqrt(n), at most MAX_THEMES (a theme list a reader still scans
    on the home page)."""
    root = np.sqrt(n)
    low = max(2, int(round(0.6 * root)))
    high = max(low, min(MAX_THEMES, int(round(2.5 * root)), n - 1))
    return low, high


def relabel(labels: np.ndarray) -> np.ndarray:
    """Labels renumbered 0..k-1 in order of each theme's first paper (papers are sorted by id)."""
    _, first = np.unique(labels, return_index=True)
    order = np.argsort(first, kind="stable")
    mapping = np.empty(labels.max() + 1, dtype=int)
    mapping[np.unique(labels)[order]] = np.arange(len(order))
    return mapping[labels]


# Long lists: themes per sqrt(n). 1.2 is what the eigenvalue rule picks on the shipped list (17 themes
# for 210 papers); 60 caps the theme list at what a reader scans on the home page (MAX_THEMES).
THEMES_PER_ROOT = 1.2
MAX_SCALABLE_THEMES = MAX_THEMES
MINI_BATCH = 2048
SCALABLE_RESTARTS = 1


def scalable_count(n: int) -> int:
    """Automatic themes of a long list: 1.2 sqrt(n), at most 60."""
    return min(n, max(2, min(MAX_SCALABLE_THEMES, int(round(THEMES_PER_ROOT * np.sqrt(n))))))


def mini_batch_kmeans(points: np.ndarray, count: int, seed: int, restarts: int) -> MiniBatchKMeans:
    """k-means by mini-batches: a few passes over batches of papers instead of all of them per step."""
    model = MiniBatchKMeans(n_clusters=count, init="k-means++", n_init=restarts, batch_size=MINI_BATCH,
                            max_iter=100, tol=0.0, max_no_improvement=10, reassignment_ratio=0.01,
                            random_state=seed)
    return model.fit(points)


def cluster_scalable(features: Features, count: int | str, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Automatic themes of a long list: mini-batch k-means on the latent view, then each paper to the
    centre it is most similar to (cosine), so its own theme always ranks first among the scores.

    Returns the themes (numbered in order of their first paper) and the paper x theme cosines.
    """
    n = features.tfidf.shape[0]
    count = scalable_count(n) if count == "auto" else max(1, min(int(count), n))
    points = scalable_points(features)
    centres = normalize(mini_batch_kmeans(points, count, seed, SCALABLE_RESTARTS).cluster_centers_)
    scores = points @ centres.T
    labels = np.argmax(scores, axis=1)
    _, first = np.unique(labels, return_index=True)
    used = labels[np.sort(first)]           # themes that kept a paper, in order of their first paper
    position = np.full(count, -1)
    position[used] = np.arange(len(used))
    return position[labels], scores[:, used]


def scalable_points(features: Features) -> np.ndarray:
    """The points long lists are clustered as: the latent view, joined by the meaning view when there is one,
    each scaled so that the cosine of two points is the blend of their cosines (MEANING_SHARE)."""
    if features.meaning is None:
        return features.latent
    return np.hstack([np.sqrt(1.0 - MEANING_SHARE) * features.latent, np.sqrt(MEANING_SHARE) * features.meaning.papers])


def cluster(features: Features, count: int | str, seed: int) -> np.ndarray:
    """Automatic themes: with 'auto', as many as the kNN graph has well-separated groups (see automatic_count);
    the papers are then split into that many communities of a wider kNN graph (see COMMUNITY_NEIGHBOURS)."""
    n = features.tfidf.shape[0]
    if n < 3:
        return np.zeros(n, dtype=int)
    wide = neighbours_for(n, COMMUNITY_NEIGHBOURS)
    nearest = nearest_papers(features, max(neighbours_for(n), wide))
    if count == "auto":
        count, vectors = automatic_count(nearest, n, seed)
    else:
        count = max(1, min(int(count), n))
        vectors = None
    labels = communities(graph_of(*nearest, wide), count, seed)
    if labels is None:   # no resolution splits the graph so finely: spectral clustering does
        if vectors is None:
            _, vectors = spectral_embedding(graph_of(*nearest, neighbours_for(n)), count, seed)
        labels = kmeans(vectors, count, seed)
    return relabel(labels)


def automatic_count(nearest: tuple[np.ndarray, np.ndarray], n: int, seed: int) -> tuple[int, np.ndarray]:
    """The number of themes: one per well-separated group of the kNN graph, the neighbour count brought down to
    fit the themes found (see NEIGHBOURS_PER_THEME_SIZE); also the graph's spectral embedding."""
    neighbours = neighbours_for(n)
    low, high = count_range(n)
    while True:
        values, vectors = spectral_embedding(graph_of(*nearest, neighbours), high + 1, seed)
        count = int(np.clip((values > SEPARATION).sum(), low, high))
        fitting = max(MIN_NEIGHBOURS, int(round(NEIGHBOURS_PER_THEME_SIZE * n / count)))
        if fitting >= neighbours:
            return count, vectors
        neighbours = fitting
