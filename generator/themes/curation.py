"""Themes the curator declared (or a lock file fixed): pins stay, the rest join the closest theme.

Each paper is seen in two views (stemmed phrases, and single words with compounds split), each a
TF-IDF model whose vocabulary also covers the themes' names and descriptions. A theme's prototype
in a view is the normalised sum of its papers plus its own name+description vector, strong while
few papers are pinned and fading as evidence grows; once the curator has pinned enough papers, how strong
is read from them. Scores are leave-one-out cosines (a paper never votes for its own theme), standardised
per paper in each view and summed; with enough pins, each theme's scores are also shifted by an offset read
from the pins (see theme_offsets), and with few, the theme texts' own terms weigh less in the papers (see
FEW_PINS_THEME_WORD_WEIGHT).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy import sparse
from scipy.optimize import minimize
from scipy.special import log_softmax, softmax
from sklearn.preprocessing import normalize

# Weight of a theme's name+description vector when it has one pinned paper; divided by sqrt(#pins),
# so the curator's wording leads while pins are few and the papers lead once there are many.
DESCRIPTION_PRIOR = 3.0
# Descriptions differ: a curator's list of key phrases is worth more than a sentence of prose. With at least
# CALIBRATE_FROM pins per theme on average, the prior is the one of PRIOR_CHOICES under which the pins' own
# leave-one-out scores give their themes the most probability (ties: the one nearest DESCRIPTION_PRIOR).
# With fewer pins the choice is noise (two pins per theme: curated NMI -0.02), so the default stands.
PRIOR_CHOICES = (1.5, 3.0, 6.0)
CALIBRATE_FROM = 4
# Themes differ in how tightly their papers gather: a broad theme's papers sit far from its prototype, its
# scores run low, and new entries drift to the tight themes beside it. From CALIBRATE_FROM pins per theme
# on, each theme's scores get an offset read from the pins (see theme_offsets); this keeps the offsets
# small, against the pins' mean log-probability.
OFFSET_PENALTY = 0.3
OFFSET_PINS = 2
# The calibration reads at most this many pins, evenly spread over the list (a lock makes every paper a pin:
# at 5,000 papers, reading them all added a quarter to the theme step; 2,000 pins fix 60 offsets well).
CALIBRATION_PINS = 2000
# While pins are few (under CALIBRATE_FROM per theme on average) the theme texts lead the assignment, and a paper
# that merely uses their words is drawn in; the prototypes, made of such papers, then say those words louder round
# after round. Until the pins can speak for their themes, the terms of the theme texts count this much in the
# papers' rows (benchmarks/README, session 19: curated NMI up on all three benchmark lists).
FEW_PINS_THEME_WORD_WEIGHT = 0.6
# Pins are the curator's word, assignments are guesses: a pin counts double in its prototype.
PIN_WEIGHT = 2.0
# Rounds of seeded k-means that give the starting assignment, then of leave-one-out reassignment
# (both settle in two to four rounds; the caps only bound the work).
SEED_ROUNDS = 8
REASSIGN_ROUNDS = 10


@dataclass(frozen=True)
class View:
    """One text view: TF-IDF rows of the papers and unit vectors of the themes' descriptions."""

    papers: sparse.csr_matrix
    descriptions: np.ndarray

    @cached_property
    def self_norms(self) -> np.ndarray:
        """Squared length of each paper's row: 1, or 0 for a paper with no term of the view."""
        return np.asarray(self.papers.multiply(self.papers).sum(axis=1)).ravel()

    @cached_property
    def to_descriptions(self) -> np.ndarray:
        """Cosine of each paper to each theme's description."""
        return np.asarray(self.papers @ self.descriptions.T)

    def with_theme_words_weighted(self, weight: float) -> "View":
        """The view with the terms the theme texts use weighted by `weight` in the papers' rows (rows renormalised)."""
        used = (self.descriptions != 0).any(axis=0)
        return View(normalize(self.papers @ sparse.diags(np.where(used, weight, 1.0))).tocsr(), self.descriptions)


def views_for_pins(views: list[View], pinned: np.ndarray, count: int) -> list[View]:
    """The word views as the assignment reads them: with few pins, the theme texts' own terms weigh less in the
    papers (see FEW_PINS_THEME_WORD_WEIGHT)."""
    if enough_pins(pinned, count):
        return views
    return [view.with_theme_words_weighted(FEW_PINS_THEME_WORD_WEIGHT) for view in views]


def enough_pins(pinned: np.ndarray, count: int) -> bool:
    """Whether the curator has pinned CALIBRATE_FROM papers per theme on average: enough for the pins to speak for
    their themes (the calibration reads them; the theme texts' words weigh in full)."""
    return np.count_nonzero(pinned >= 0) >= CALIBRATE_FROM * count


def description_weights(pinned: np.ndarray, descriptions: np.ndarray, prior: float) -> np.ndarray:
    """Weight of each theme's description vector: `prior` with one pin, fading as pins accumulate.

    A description sharing no vocabulary with the list (a zero vector) gets no weight.
    """
    pins = np.bincount(pinned[pinned >= 0], minlength=len(descriptions))
    present = np.linalg.norm(descriptions, axis=1) > 0
    return np.where(present, prior / np.sqrt(np.maximum(pins, 1)), 0.0)


def membership(labels: np.ndarray, weights: np.ndarray, count: int) -> sparse.csr_matrix:
    """Sparse theme x paper matrix of membership weights (papers without a theme have none).

    Theme by paper, in CSR, so that its product with the papers' CSR rows needs no conversion
    (a transposed paper x theme matrix made scipy convert the whole paper matrix to CSC first).
    """
    placed = np.flatnonzero(labels >= 0)
    return sparse.csr_matrix((weights[placed], (labels[placed], placed)), shape=(count, len(labels)))


def prototypes(tfidf, labels: np.ndarray, weights: np.ndarray, count: int,
               descriptions: np.ndarray | None, pinned: np.ndarray, prior: float = DESCRIPTION_PRIOR) -> np.ndarray:
    """One unit vector per theme: weighted mean of its papers, plus the description prior."""
    centres = normalize(np.asarray((membership(labels, weights, count) @ tfidf).todense()))
    if descriptions is None:
        return centres
    return normalize(centres + description_weights(pinned, descriptions, prior)[:, None] * descriptions)


def seeded_kmeans(view: View, pinned: np.ndarray, count: int, prior: float) -> np.ndarray:
    """Spherical k-means from the pins and descriptions; pinned papers never move."""
    labels = pinned.copy()
    weights = np.where(pinned >= 0, 1.0, 0.0)
    free = np.flatnonzero(pinned < 0)
    papers = view.papers if len(free) == len(pinned) else view.papers[free]
    for _ in range(SEED_ROUNDS):
        centres = prototypes(view.papers, labels, weights, count, view.descriptions, pinned, prior)
        new = pinned.copy()
        new[free] = np.argmax(np.asarray(papers @ centres.T), axis=1)
        if np.array_equal(new, labels):
            break
        labels = new
        weights = np.where(pinned >= 0, PIN_WEIGHT, 1.0)
    return labels


def leave_one_out_cosine(view: View, labels: np.ndarray, weights: np.ndarray, count: int,
                         pinned: np.ndarray, prior: float, rows: np.ndarray | None = None) -> np.ndarray:
    """Cosine of every paper (or of `rows`) to every prototype, each paper removed from its own theme.

    Leaving the paper out is what makes the score honest for a new entry; it is done in closed
    form (prototype = s/|s| + prior * d, normalised, expanded algebraically), so the whole matrix
    costs a few sparse products.
    """
    papers, descriptions = view.papers, view.descriptions
    sums = np.asarray((membership(labels, weights, count) @ papers).todense())
    rows = np.arange(len(labels)) if rows is None else rows
    dots = np.asarray((papers if len(rows) == len(labels) else papers[rows]) @ sums.T)
    sizes = np.tile(np.einsum("ij,ij->i", sums, sums), (len(rows), 1))
    local = np.flatnonzero(labels[rows] >= 0)
    own = rows[local]
    theme, weight = labels[own], weights[own]
    self_norm = view.self_norms[own]
    sizes[local, theme] += -2 * weight * dots[local, theme] + weight ** 2 * self_norm
    dots[local, theme] -= weight * self_norm
    norms = np.sqrt(np.maximum(sizes, 1e-12))
    to_description = view.to_descriptions[rows]
    overlap = np.tile(np.einsum("ij,ij->i", sums, descriptions), (len(rows), 1))
    overlap[local, theme] -= weight * to_description[local, theme]
    described = description_weights(pinned, descriptions, prior)[None, :]
    empty = sizes < 1e-12  # a theme whose only member is this paper: its description alone speaks
    unit = np.where(empty, 0.0, dots / norms)
    cross = np.where(empty, 0.0, overlap / norms)
    length = np.sqrt(np.maximum(np.where(empty, 0.0, 1.0) + described ** 2 + 2 * described * cross, 1e-12))
    return (unit + described * to_description) / length


def standardise_rows(scores: np.ndarray) -> np.ndarray:
    """Each paper's scores as z-scores, so the views are on one scale before they are added."""
    return (scores - scores.mean(axis=1, keepdims=True)) / (scores.std(axis=1, keepdims=True) + 1e-9)


def suggestion_scores(views: list[View], labels: np.ndarray, weights: np.ndarray, count: int,
                      pinned: np.ndarray, prior: float, rows: np.ndarray | None = None) -> np.ndarray:
    """Paper x theme scores (of all papers, or of `rows`): the views' standardised leave-one-out cosines, added."""
    return sum(standardise_rows(leave_one_out_cosine(view, labels, weights, count, pinned, prior, rows))
               for view in views)


@dataclass(frozen=True)
class Calibration:
    """What the pins tell about the scores: the description prior, and an offset per theme added to its scores."""

    prior: float
    offsets: np.ndarray


def calibration(views: list[View], pinned: np.ndarray, count: int, choose_prior: bool) -> Calibration:
    """The theme offsets the pins support (see theme_offsets), under the description prior they support best
    (see PRIOR_CHOICES) when `choose_prior`, else under the default; the default and no offsets when the pins
    are too few."""
    rows = np.flatnonzero(pinned >= 0)
    if not len(rows) or not enough_pins(pinned, count):
        return Calibration(DESCRIPTION_PRIOR, np.zeros(count))
    if len(rows) > CALIBRATION_PINS:
        rows = rows[np.linspace(0, len(rows) - 1, CALIBRATION_PINS).round().astype(int)]
    weights = np.where(pinned >= 0, PIN_WEIGHT, 0.0)
    priors = PRIOR_CHOICES if choose_prior else (DESCRIPTION_PRIOR,)
    scores = [suggestion_scores(views, pinned, weights, count, pinned, prior, rows) for prior in priors]
    fit = [mean_log_probability(each, pinned[rows]) for each in scores]
    best = max(fit)
    prior = min((prior for prior, value in zip(priors, fit) if value == best),
                key=lambda prior: abs(np.log(prior / DESCRIPTION_PRIOR)))
    return Calibration(prior, theme_offsets(scores[priors.index(prior)], pinned[rows], count))


def theme_offsets(scores: np.ndarray, themes: np.ndarray, count: int) -> np.ndarray:
    """Per theme, the offset to add to its scores: the intercepts of a multinomial logistic model of the pins'
    themes on their scores (one slope for all themes), penalised by OFFSET_PENALTY and divided by the slope,
    so that the scores keep their scale. The offsets sum to zero.

    Only themes with OFFSET_PINS pins or more take part (the pins of a theme are seen against each other);
    the others keep an offset of zero, the mean. A theme the curator has just declared, with no pins yet,
    thus stays within reach: in the fit, the pins would have pushed it away from every paper."""
    fitted = np.flatnonzero(np.bincount(themes, minlength=count) >= OFFSET_PINS)
    offsets = np.zeros(count)
    if len(fitted) < 2:
        return offsets
    column = np.full(count, -1)
    column[fitted] = np.arange(len(fitted))
    kept = np.flatnonzero(column[themes] >= 0)
    scores, themes = scores[kept][:, fitted], column[themes[kept]]
    rows = np.arange(len(themes))

    def loss_and_gradient(parameters: np.ndarray) -> tuple[float, np.ndarray]:
        slope, intercepts = np.exp(parameters[0]), parameters[1:]
        logits = slope * scores + intercepts
        penalty = OFFSET_PENALTY * intercepts @ intercepts / len(rows)
        error = softmax(logits, axis=1)
        error[rows, themes] -= 1.0
        error /= len(rows)
        gradient = np.r_[slope * (error * scores).sum(), error.sum(axis=0) + 2 * OFFSET_PENALTY * intercepts / len(rows)]
        return float(-log_softmax(logits, axis=1)[rows, themes].mean() + penalty), gradient

    solution = minimize(loss_and_gradient, np.zeros(len(fitted) + 1), jac=True, method="L-BFGS-B").x
    intercepts = solution[1:] / np.exp(solution[0])
    offsets[fitted] = intercepts - intercepts.mean()
    return offsets


def mean_log_probability(scores: np.ndarray, themes: np.ndarray) -> float:
    """Mean log-probability of each row's theme under a softmax of its scores (rounded, so ties are ties)."""
    return round(float(np.mean(log_softmax(scores, axis=1)[np.arange(len(themes)), themes])), 9)


def assign(views: list[View], pinned: np.ndarray, count: int,
           choose_prior: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pins fixed; start from seeded k-means on the first view, then move papers to their best theme. The theme
    offsets are read from the pins, and so is the description prior when `choose_prior` (a lock's themes have a
    name and no description).

    Returns each paper's theme, its weight in the prototypes, and the suggestion scores of that result.

    The reassignment uses leave-one-out scores: with in-sample prototypes each paper would pull
    its first guess towards itself and never leave it.
    """
    calibrated = calibration(views, pinned, count, choose_prior)
    prior, offsets = calibrated.prior, calibrated.offsets
    labels = seeded_kmeans(views[0], pinned, count, prior)
    weights = np.where(pinned >= 0, PIN_WEIGHT, 1.0)
    free = np.flatnonzero(pinned < 0)
    settled = None   # the unpinned papers' scores, once the assignment they were read from no longer changes
    # only unpinned papers move, so only their scores are needed until the assignment settles
    for _ in range(REASSIGN_ROUNDS if len(free) else 0):
        scores = suggestion_scores(views, labels, weights, count, pinned, prior, free) + offsets
        new = pinned.copy()
        new[free] = scores.argmax(axis=1)
        if np.array_equal(new, labels):
            settled = scores
            break
        labels = new
    if settled is None:
        return labels, weights, suggestion_scores(views, labels, weights, count, pinned, prior) + offsets
    # scores are read row by row, so the settled rows stand as they are; only the pinned papers' are left
    all_scores = np.empty((len(labels), count))
    all_scores[free] = settled
    placed = np.flatnonzero(pinned >= 0)
    if len(placed):
        all_scores[placed] = suggestion_scores(views, labels, weights, count, pinned, prior, placed) + offsets
    return labels, weights, all_scores
