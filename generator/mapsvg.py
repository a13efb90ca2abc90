"""The map of the list: what theme/pages/_map.html draws as inline SVG (data only, no markup here).

Every paper is a dot at its 2-D position from the theme step, coloured by theme. On the home
page every dot is a link with the paper's title; on a theme page only that theme's dots are
links, the others are drawn as one path per theme (a round-capped zero-length segment per
dot, about 10 bytes each) so theme pages stay small on long lists. On long lists the home page
draws every theme that way too, and background dots are sampled, so no page grows with the list.
"""
from __future__ import annotations

import colorsys
import math
from dataclasses import dataclass

from generator.themes import Grouping

WIDTH, HEIGHT, PAD = 1000, 560, 14
# Each linked dot costs ~150 bytes (link, title, circle): beyond this many papers the home map links
# themes through its legend instead, and only theme pages link their own papers' dots.
LINKED_DOTS = 2_000
# Background dots are sampled down to about this many per page, so a page's size stops growing with the list.
BACKGROUND_DOTS = 3_000
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


def map_positions(grouping: Grouping) -> dict[str, tuple[int, int]]:
    """Every paper's dot position in SVG units, worked out once for all the pages that draw the map."""
    return {pid: position(xy) for pid, xy in spread(grouping.coords).items()}


def background_stride(grouping: Grouping, linked: set[str]) -> int:
    """Draw every n-th background dot so at most about BACKGROUND_DOTS remain."""
    background = sum(len(t.papers) for t in grouping.themes if t.slug not in linked)
    return max(1, math.ceil(background / BACKGROUND_DOTS))


def map_model(grouping: Grouping, titles: dict[str, str], positions: dict[str, tuple[int, int]],
              highlight: str | None = None, drawn: dict[tuple[str, int], str] | None = None) -> MapModel:
    """The map of the whole list; with `highlight`, only that theme's dots are links and stand out.

    `drawn` keeps the background paths already made, by theme and stride: every theme page draws
    nearly the same background, so pages sharing it make each path once.
    """
    colours = theme_colours(grouping)
    if highlight is not None:
        linked = {highlight}
    else:
        linked = {t.slug for t in grouping.themes} if len(grouping.coords) <= LINKED_DOTS else set()
    stride = background_stride(grouping, linked)
    drawn = {} if drawn is None else drawn
    layers = []
    for theme in grouping.themes:
        if theme.slug in linked:
            dots = tuple(Dot(pid, titles[pid], *positions[pid]) for pid in theme.papers if pid in positions)
            path = ""
        else:
            if (theme.slug, stride) not in drawn:
                points = [positions[pid] for pid in theme.papers if pid in positions]
                drawn[theme.slug, stride] = background_path(points[::stride])
            dots, path = (), drawn[theme.slug, stride]
        layers.append(Layer(theme.slug, theme.name, colours[theme.slug], len(theme.papers), dots, path))
    # The highlighted theme is drawn last so its dots sit on top of the others; the legend keeps theme order.
    drawn_layers = sorted(layers, key=lambda layer: layer.slug == highlight)
    return MapModel(WIDTH, HEIGHT, dot_radius(len(grouping.coords)), tuple(drawn_layers), tuple(layers), highlight,
                    len(grouping.coords))
