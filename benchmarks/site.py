"""Site size and build time: the shipped list, a synthetic 2,000-paper list, and the map at 10,000 points.

Prints figures; asserts nothing. Usage: .venv/bin/python benchmarks/site.py [--skip-large]
"""
from __future__ import annotations

import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.build import build  # noqa: E402
from generator.mapsvg import map_model, map_positions  # noqa: E402
from generator.project import Project  # noqa: E402
from generator.render import Renderer  # noqa: E402
from generator.themes import Grouping, Placement, Theme  # noqa: E402


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def timed_build(root: Path) -> tuple[float, int, int]:
    """Seconds for a full build (themes and MkDocs), site bytes and paper count."""
    start = time.perf_counter()
    catalog, _ = build(Project(root))
    return time.perf_counter() - start, folder_bytes(root / "site"), len(catalog.papers)


def copy_project(destination: Path) -> Path:
    root = destination / "list"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "site_config.yml", root / "site_config.yml")
    return root


def grow(root: Path, target: int) -> None:
    """Duplicate entries under new ids until the list holds `target` papers.

    Copies get titles of words drawn from all titles, so the duplicate check sees distinct papers.
    """
    papers = sorted((root / "content" / "papers").glob("*.yml"))
    entries = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in papers]
    words = sorted({w for e in entries for w in e["title"].split() if w.isalpha()})
    rng = random.Random(0)
    for n in range(target - len(papers)):
        source = papers[n % len(papers)]
        entry = dict(entries[n % len(papers)], title=" ".join(rng.sample(words, 9)).capitalize())
        text = yaml.safe_dump(entry, sort_keys=False, allow_unicode=True)
        (source.parent / f"{source.stem}-copy-{n}.yml").write_text(text, encoding="utf-8")


def report(label: str, seconds: float, size: int, count: int) -> None:
    print(f"{label}: {count} papers, build {seconds:.1f} s, site {size / 1e6:.1f} MB, "
          f"{size / count / 1e3:.1f} kB per paper")


def synthetic_grouping(count: int, themes: int = 30) -> tuple[Grouping, dict[str, str]]:
    """Random positions for `count` papers with realistic id and title lengths."""
    rng = random.Random(0)
    ids = [f"synthetic-paper-about-learning-dynamics-number-{i:05d}" for i in range(count)]
    titles = {pid: f"A synthetic paper title of typical length about learning dynamics, number {i}"
              for i, pid in enumerate(ids)}
    slugs = [f"theme-{k}" for k in range(themes)]
    members = {slug: tuple(pid for i, pid in enumerate(ids) if i % themes == k) for k, slug in enumerate(slugs)}
    grouping = Grouping(
        themes=tuple(Theme(slug, slug.title(), (), members[slug]) for slug in slugs),
        placements={pid: Placement(slugs[i % themes], False, ()) for i, pid in enumerate(ids)},
        related={}, coords={pid: (round(rng.random(), 4), round(rng.random(), 4)) for pid in ids},
    )
    return grouping, titles


def map_bytes(count: int) -> tuple[int, int]:
    """Bytes of the map markup on the home page and on one theme page, for `count` papers."""
    grouping, titles = synthetic_grouping(count)
    renderer = Renderer(REPO / "theme" / "pages")
    template = renderer.env.from_string('{% from "_map.html" import draw_map %}{{ draw_map(map, url, pp, tp) }}')
    helpers = dict(url=lambda target: target, pp=lambda pid: f"papers/{pid}.html", tp=lambda s: f"themes/{s}.html")
    positions = map_positions(grouping)
    home = template.render(map=map_model(grouping, titles, positions), **helpers)
    theme = template.render(map=map_model(grouping, titles, positions, highlight="theme-0"), **helpers)
    return len(home.encode()), len(theme.encode())


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        report("shipped list", *timed_build(copy_project(Path(tmp) / "shipped")))
        if "--skip-large" not in sys.argv:
            root = copy_project(Path(tmp) / "large")
            grow(root, 2000)
            report("synthetic list", *timed_build(root))
    for count in (210, 2000, 10_000):
        home, theme = map_bytes(count)
        print(f"map at {count} papers: home page {home / 1e3:.0f} kB ({home / count:.0f} B per dot), "
              f"theme page (1 of 30 themes) {theme / 1e3:.0f} kB")


if __name__ == "__main__":
    main()
