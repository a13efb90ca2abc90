"""The map: a 2-D position per paper, scaled to [0, 1] on both axes.

Short lists use the 2nd and 3rd eigenvectors of the kNN graph (a spectral layout). Long lists,
where that graph and its eigenvectors would cost too much, place each theme by the two main axes
of the theme centres and spread its papers around that point along the same axes.
"""
from __future__ import annotations

import numpy as np

from generator.themes import clustering
from generator.themes.features import Features

# A theme's papers spread over this share of the distance to the nearest other theme's centre.
THEME_SPREAD = 0.45


def spectral_layout(features: Features, seed: int) -> np.ndarray:
    """Positions from the 2nd and 3rd eigenvectors of the normalised kNN graph."""
    _, vectors = clustering.spectral_embedding(clustering.knn_graph(features), 3, seed)
    return vectors[:, 1:3]


def theme_layout(features: Features, labels: np.ndarray) -> np.ndarray:
    """Theme centres on their two main axes (a PCA of the centres); papers around them on the same axes.

    Linear in the number of papers: one mean per theme and one 2-D projection per paper.
    """
    count = int(labels.max()) + 1
    sizes = np.bincount(labels, minlength=count).astype(float)
    centres = np.zeros((count, features.latent.shape[1]))
    np.add.at(centres, labels, features.latent)
    centres /= np.maximum(sizes, 1)[:, None]
    axes = main_axes(centres - centres.mean(axis=0))
    anchors = (centres - centres.mean(axis=0)) @ axes
    offsets = (features.latent - centres[labels]) @ axes
    # each theme's cloud fits inside its share of the gap to the closest theme
    gaps = np.linalg.norm(anchors[:, None, :] - anchors[None, :, :], axis=2)
    np.fill_diagonal(gaps, np.inf)
    nearest = np.where(np.isfinite(gaps.min(axis=1)), gaps.min(axis=1), 1.0)
    reach = np.zeros(count)
    np.maximum.at(reach, labels, np.linalg.norm(offsets, axis=1))
    scale = THEME_SPREAD * nearest / np.maximum(reach, 1e-12)
    return anchors[labels] + offsets * scale[labels][:, None]


def main_axes(points: np.ndarray) -> np.ndarray:
    """The two leading right singular vectors of centred points (d x 2), signs fixed."""
    _, _, rows = np.linalg.svd(points, full_matrices=False)
    axes = rows[:2].T
    if axes.shape[1] < 2:
        axes = np.c_[axes, np.zeros((points.shape[1], 2 - axes.shape[1]))]
    # a singular vector's sign is arbitrary; fix it so results do not depend on the solver
    signs = np.sign(axes[np.argmax(np.abs(axes), axis=0), np.arange(2)])
    return axes * np.where(signs == 0, 1.0, signs)


def scaled(points: np.ndarray, ids: list[str]) -> dict[str, tuple[float, float]]:
    """Positions scaled to [0, 1] on each axis and rounded, by paper id."""
    low, high = points.min(axis=0), points.max(axis=0)
    unit = (points - low) / np.where(high > low, high - low, 1.0)
    return {paper_id: (round(float(x), 4), round(float(y), 4)) for paper_id, (x, y) in zip(ids, unit)}


def layout(features: Features, ids: list[str], labels: np.ndarray, seed: int, scalable: bool) -> dict[str, tuple[float, float]]:
    """A 2-D position per paper, scaled to [0, 1]: spectral for short lists, by theme for long ones."""
    if len(ids) < 4:
        return {paper_id: (0.5, 0.5) for paper_id in ids}
    points = theme_layout(features, labels) if scalable else spectral_layout(features, seed)
    return scaled(points, ids)
