"""The map of the list: what theme/pages/_map.html draws as inline SVG (data only, no markup here).

Every paper is a dot at its 2-D position from the theme step, coloured by theme. On the home
page every dot is a link with the paper's title; on a theme page only that theme's dots are
links, the others are drawn as one path per theme (a round-capped zero-length segment per
dot, about 10 bytes each) so theme pages stay small on long lists.
"""
from __future__ import annotations

import colorsys
import math
from dataclasses import dataclass

from generator.themes import Grouping

WIDTH, HEIGHT, PAD = 1000, 560, 14
# Tableau 10: distinct in light and dark schemes and for common colour-vision deficiencies.
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
           "#9c755f", "#bab0ac")


@dataclass(frozen=True)
class Dot:
    """One linked paper on the map."""

    id: str
    title: str
    x: int
    y: int


@dataclass(frozen=True)
class Layer:
    """The dots of one theme: linked ones, or a plain path when the theme is in the background."""

    slug: str
    name: str
    colour: str
    count: int
    dots: tuple[Dot, ...]
    path: str


@dataclass(frozen=True)
class MapModel:
    """Everything the map template needs."""

    width: int
    height: int
    radius: float
    layers: tuple[Layer, ...]
    legend: tuple[Layer, ...]
    highlight: str | None
    paper_count: int


def theme_colour(index: int) -> str:
    """A fixed palette first, then hues spread by the golden angle so long theme lists stay distinct."""
    if index < len(PALETTE):
        return PALETTE[index]
    hue = (index * 0.618033988749895) % 1.0
    red, green, blue = colorsys.hls_to_rgb(hue, 0.55, 0.55)
    return f"#{round(red * 255):02x}{round(green * 255):02x}{round(blue * 255):02x}"


def theme_colours(grouping: Grouping) -> dict[str, str]:
    """Theme slug -> colour, in theme order (the same on every page)."""
    return {theme.slug: theme_colour(i) for i, theme in enumerate(grouping.themes)}


def dot_radius(count: int) -> float:
    """Dots shrink as the list grows so 10,000 papers remain separate points, never below 1.5 units."""
    return round(max(1.5, min(7.0, 95 / math.sqrt(max(count, 1)))), 1)


def position(coords: tuple[float, float]) -> tuple[int, int]:
    """Unit-square coordinates to whole SVG units (y grows upwards on the map)."""
    x, y = coords
    return round(PAD + x * (WIDTH - 2 * PAD)), round(PAD + (1 - y) * (HEIGHT - 2 * PAD))


def background_path(points: list[tuple[int, int]]) -> str:
    """Many dots as one path: each a zero-length segment drawn with round caps."""
    return "".join(f"M{x} {y}h0" for x, y in points)


def spread(coords: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """Positions evened out per axis (half rank, half linear), so a few outliers cannot squeeze the rest into a corner.

    Order along each axis is kept, so neighbours on the layout stay neighbours on the map.
    """
    ids = sorted(coords)
    if len(ids) < 2:
        return dict(coords)
    result: dict[str, list[float]] = {pid: [0.0, 0.0] for pid in ids}
    for axis in (0, 1):
        ranked = sorted(ids, key=lambda pid: (coords[pid][axis], pid))
        for rank, pid in enumerate(ranked):
            result[pid][axis] = 0.5 * rank / (len(ids) - 1) + 0.5 * coords[pid][axis]
    return {pid: (x, y) for pid, (x, y) in result.items()}


def map_model(grouping: Grouping, titles: dict[str, str], highlight: str | None = None) -> MapModel:
    """The map of the whole list; with `highlight`, only that theme's dots are links and stand out."""
    colours = theme_colours(grouping)
    coords = spread(grouping.coords)
    layers = []
    for theme in grouping.themes:
        points = [(pid, *position(coords[pid])) for pid in theme.papers if pid in coords]
        linked = highlight is None or theme.slug == highlight
        layers.append(Layer(
            theme.slug, theme.name, colours[theme.slug], len(theme.papers),
            dots=tuple(Dot(pid, titles[pid], x, y) for pid, x, y in points) if linked else (),
            path="" if linked else background_path([(x, y) for _, x, y in points]),
        ))
    # The highlighted theme is drawn last so its dots sit on top of the others; the legend keeps theme order.
    drawn = sorted(layers, key=lambda layer: layer.slug == highlight)
    return MapModel(WIDTH, HEIGHT, dot_radius(len(grouping.coords)), tuple(drawn), tuple(layers), highlight,
                    len(grouping.coords))
