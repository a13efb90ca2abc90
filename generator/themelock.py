"""The theme files the `themes` command writes: the lock (content/themes.lock.yml) and a frozen themes.yml.

I/O at the edge: the theme step itself only receives the lock's data. A build reads the lock and
never writes anything in content/; only `readinglist themes --update` and `--freeze` do.
"""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Callable, Sequence

import yaml

from generator.content import read_text
from generator.errors import ContentError, Problem, ReadingListError
from generator.project import Project
from generator.schema import RESERVED_NAMES, SLUG_RE, CuratedTheme
from generator.themes import Grouping, LockedTheme
from generator.themes.naming import describe
from generator.yamlfile import parse_yaml

LOCK_NAME = "themes.lock.yml"
LOCK_HEADER = ("# Written by `readinglist themes --update`: the automatic themes as last accepted, so that new\n"
               "# entries join existing themes instead of reshuffling them. Commit it; builds only read it.\n")
FREEZE_HEADER = ("# Written by `readinglist themes --freeze` as a starting point: rename, describe, reorder,\n"
                 "# merge or drop themes, then pin papers with `theme: <slug>` in their entry files.\n")
EXEMPLAR_PINS = 2


def lock_file(project: Project) -> Path:
    return project.content_dir / LOCK_NAME


def read_lock(project: Project) -> tuple[LockedTheme, ...]:
    """The locked themes, or () when the project has no lock; a malformed lock is a content error."""
    path = lock_file(project)
    if not path.exists() and not path.is_symlink():
        return ()
    rel = project.relative(path)
    # The same limits and messages as entries: size, encoding, links, hostile YAML.
    text, problems = read_text(path, rel)
    doc, parse_problems = parse_yaml(text, rel) if text is not None else (None, [])
    problems += [p for p in parse_problems if p.is_error]
    if doc is None or problems:
        raise ContentError([dataclasses.replace(p, message=f"{p.message}; rewrite the lock with `readinglist "
                                                           "themes --update`") for p in problems])
    themes, problems = lock_from_data(doc.data, rel)
    if problems:
        raise ContentError(problems)
    return themes


def lock_from_data(data, rel: str) -> tuple[tuple[LockedTheme, ...], list[Problem]]:
    """Validate the lock's content: `themes:` then slug/name/papers mappings."""
    expected = "expected 'themes:' followed by mappings with slug, name and papers; rewrite it with " \
               "`readinglist themes --update`"
    if not isinstance(data, dict) or not isinstance(data.get("themes"), list):
        return (), [Problem(rel, None, "themes", expected)]
    themes, problems = [], []
    for index, item in enumerate(data["themes"]):
        ok = (isinstance(item, dict) and isinstance(item.get("slug"), str) and SLUG_RE.match(item["slug"])
              and item["slug"] not in RESERVED_NAMES
              and isinstance(item.get("name"), str) and isinstance(item.get("papers"), list)
              and all(isinstance(p, str) for p in item["papers"]))
        if not ok:
            problems.append(Problem(rel, None, f"themes.{index}", expected))
            continue
        themes.append(LockedTheme(item["slug"], item["name"], tuple(item["papers"])))
    return tuple(themes), problems


def lock_text(grouping: Grouping) -> str:
    """The lock file for a grouping: each theme's slug, name and papers (sorted, so diffs stay small)."""
    body = {"themes": [{"slug": t.slug, "name": t.name, "papers": sorted(t.papers)} for t in grouping.themes]}
    return LOCK_HEADER + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=100)


def write_lock(project: Project, grouping: Grouping) -> Path:
    path = lock_file(project)
    write_whole(path, lock_text(grouping))
    return path


def write_whole(path: Path, text: str) -> None:
    """Replace a file in one rename, so a killed command leaves the old file or the new one, never half of it."""
    staging = path.with_name(path.name + ".tmp")
    staging.write_text(text, encoding="utf-8")
    os.replace(staging, path)


def frozen_themes(grouping: Grouping) -> list[CuratedTheme]:
    """The current themes declared as a curator would: slug, name and a starting description made from key terms."""
    return [CuratedTheme(t.slug, t.name, describe(t.name, list(t.terms))) for t in grouping.themes]


def freeze_text(declared: Sequence[CuratedTheme]) -> str:
    """A content/themes.yml declaring the frozen themes (see frozen_themes)."""
    body = {"themes": [{"slug": t.slug, "name": t.name, "description": t.description} for t in declared]}
    return FREEZE_HEADER + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=100)


def exemplars(grouping: Grouping, per_theme: int = EXEMPLAR_PINS) -> dict[str, str]:
    """Paper id -> theme slug for the most central papers of each theme."""
    return {pid: t.slug for t in grouping.themes for pid in t.papers[:per_theme]}


def moving_papers(grouping: Grouping, regroup: Callable[[dict[str, str]], Grouping],
                  pins: dict[str, str]) -> dict[str, str]:
    """The unpinned papers the declared themes would place in another theme than the one they are in now (paper id
    -> the slug they are in now). `regroup(pins)` is the theme step on the frozen themes with those pins.

    The declared themes place unpinned papers by their closeness to each theme, which the automatic themes (graph
    communities, or a lock's) do not follow: with the exemplars alone, a sixth to a quarter of the shipped list
    moves."""
    home = {pid: placement.theme for pid, placement in grouping.placements.items()}
    return {pid: home[pid] for pid, placement in regroup(pins).placements.items()
            if pid not in pins and placement.theme != home[pid]}


def pins_keeping_places(grouping: Grouping, regroup: Callable[[dict[str, str]], Grouping]) -> dict[str, str]:
    """The exemplars, and every paper that would move (see moving_papers) pinned where it is, round after round
    until none moves: pins never move, so the rounds end."""
    pins = exemplars(grouping)
    while moved := moving_papers(grouping, regroup, pins):
        pins.update(moved)
    return pins


def refuse_to_overwrite(project: Project, force: bool) -> None:
    """--freeze never replaces the curator's content/themes.yml unasked."""
    if project.themes_file.exists() and not force:
        raise ReadingListError(f"{project.relative(project.themes_file)} already exists; it holds the curator's "
                               "themes, so --freeze will not overwrite it (add --force to replace it)")


def freeze(project: Project, declared: Sequence[CuratedTheme], sources: dict[str, str], pins: dict[str, str],
           force: bool = False) -> list[str]:
    """Write content/themes.yml declaring the frozen themes, and the pins (exemplars, or pins_keeping_places) in
    their own entry files; returns what changed."""
    refuse_to_overwrite(project, force)
    write_whole(project.themes_file, freeze_text(declared))
    written = [project.relative(project.themes_file)]
    for paper_id, slug in sorted(pins.items()):
        path = project.root / sources[paper_id]
        if add_pin(path, slug):
            written.append(f"{project.relative(path)} (theme: {slug})")
    return written


def add_pin(path: Path, slug: str) -> bool:
    """Append `theme: <slug>` to an entry that has no pin yet; the rest of the file is left as written."""
    text = path.read_text(encoding="utf-8")
    if any(line.startswith("theme:") for line in text.splitlines()):
        return False
    write_whole(path, text + ("" if text.endswith("\n") else "\n") + f"theme: {slug}\n")
    return True
