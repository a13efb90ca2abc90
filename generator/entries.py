"""Creating entries on disk (`import` and `add`): validated first, never overwriting, never duplicating.

`plan_entries` is pure: drafts and the existing papers in, what to write and what to refuse out.
The functions at the bottom read the project and write the files.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from generator import importers
from generator.checks import DuplicateIndex, duplicate_message
from generator.content import inspect_content, paper_from_values
from generator.entryfile import WriteReport, entry_text, paper_values, slugify, unique_id
from generator.errors import Problem, ReadingListError, not_utf8
from generator.importers import Draft, SourceError
from generator.project import Project
from generator.schema import Paper

PAPERS_REL = "content/papers"
# The theme step needs a few papers to compare; below this, `add` suggests nothing.
MIN_PAPERS_FOR_SUGGESTIONS = 3


@dataclass
class Plan:
    """New entries to write (id -> paper) and the drafts refused, with their reasons."""

    papers: list[Paper] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    invalid: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def plan_entries(drafts: Sequence[Draft], existing: Sequence[Paper], taken_ids: set[str], source_rel: str,
                 today: dt.date, papers_rel: str = PAPERS_REL) -> Plan:
    """Validate each draft, then refuse clashes with existing files and duplicates of any paper."""
    plan, index, new_ids = Plan(), DuplicateIndex(existing), set()
    for draft in drafts:
        values = {"added": today, **draft.values}
        title = values.get("title")
        paper_id = unique_id(title, new_ids) if isinstance(title, str) and title.strip() else "untitled"
        rel = f"{papers_rel}/{paper_id}.yml"
        paper, problems = paper_from_values(values, paper_id, rel, draft.line)
        located = [Problem(source_rel, draft.line, p.key, p.message, p.severity) for p in problems]
        where = f"{source_rel}:{draft.line}"
        if paper is None:
            plan.invalid += [p for p in located if p.is_error]
        elif duplicate := index.match(paper):
            plan.skipped.append((where, duplicate_message(duplicate, "add it with "
                                                                     "`readinglist add --distinct-from {id}`")))
        elif paper_id in taken_ids:
            plan.skipped.append((where, f"{rel} already exists"))
        else:
            index.add(paper)
            new_ids.add(paper_id)
            plan.papers.append(paper)
            plan.warnings += [p for p in located if not p.is_error]
    return plan


def unknown_fields(drafts: Sequence[Draft]) -> dict[str, int]:
    """Source field name -> how many records carried it, for fields that are not entry fields."""
    return dict(sorted(Counter(name for draft in drafts for name in draft.unknown).items()))


def existing_ids(project: Project) -> set[str]:
    return {p.stem for p in project.papers_dir.glob("*.yml")} if project.papers_dir.is_dir() else set()


def write_papers(project: Project, papers: Sequence[Paper], dry_run: bool = False) -> list[str]:
    """Write one file per paper under content/papers/; refuses to replace a file that appeared meanwhile."""
    created = []
    for paper in papers:
        path = project.papers_dir / f"{paper.id}.yml"
        if not dry_run:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("x", encoding="utf-8") as handle:
                handle.write(entry_text(paper_values(paper)))
        created.append(project.relative(path))
    return created


def write_drafts(project: Project, drafts: Sequence[Draft], source_rel: str, dry_run: bool = False,
                 today: dt.date | None = None) -> WriteReport:
    """Plan against the project's current entries, then write what the plan allows."""
    existing = inspect_content(project).papers
    plan = plan_entries(drafts, existing, existing_ids(project), source_rel, today or dt.date.today(),
                        project.relative(project.papers_dir))
    created = write_papers(project, plan.papers, dry_run=dry_run)
    return WriteReport(created, plan.skipped, plan.invalid, plan.warnings, unknown_fields(drafts))


def read_source(source: Path, display: str) -> str:
    """A source file's text; unreadable input is the user's to fix, so no traceback."""
    try:
        return source.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise not_utf8_source(display, error) from None
    except OSError as error:
        raise ReadingListError(f"{display}: cannot be read ({error.strerror})") from None


def not_utf8_source(display: str, error: UnicodeDecodeError) -> ReadingListError:
    """The error for a source that is not UTF-8 text, naming the first byte that is not (see errors.not_utf8)."""
    line, message = not_utf8(error)
    return ReadingListError(f"{display}:{line}: {message}")


def parse_source(text: str, fmt: str, display: str) -> list[Draft]:
    """The drafts of a source text; a source that cannot be parsed at all names where it broke."""
    try:
        found = importers.records(text, fmt)
    except SourceError as error:
        raise ReadingListError(f"{display}: {error}") from None
    if not found:
        raise ReadingListError(f"{display}: no papers found in this {fmt} file")
    return [importers.draft_from_record(record, keep_bibtex=fmt == "bibtex") for record in found]


def import_file(project: Project, source: Path, fmt: str, dry_run: bool = False,
                today: dt.date | None = None) -> WriteReport:
    """Parse SOURCE in the given format and create its entries."""
    display = project.relative(source)
    drafts = parse_source(read_source(source, display), fmt, display)
    return write_drafts(project, drafts, display, dry_run=dry_run, today=today)


@dataclass(frozen=True)
class Added:
    """The entry `add` created, the warnings it raised and its ranked theme suggestions."""

    path: str
    paper: Paper
    warnings: tuple[Problem, ...]
    suggestions: tuple[tuple[str, str, float], ...]
    curated: bool


def add_entry(project: Project, values: dict, paper_id: str | None = None, dry_run: bool = False,
              today: dt.date | None = None) -> Added:
    """Validate one new entry, refuse a clash or a duplicate naming the existing entry, then write it."""
    inspection = inspect_content(project)
    values = {"added": today or dt.date.today(), **values}
    title = values.get("title")
    paper_id = paper_id or (slugify(title) if isinstance(title, str) and title.strip() else "untitled")
    path = project.papers_dir / f"{paper_id}.yml"
    rel = project.relative(path)
    paper, problems = paper_from_values(values, paper_id, rel)
    errors = [p for p in problems if p.is_error]
    if errors:
        raise ReadingListError("the new entry has problems:\n" + "\n".join(f"  {p.key}: {p.message}" for p in errors))
    if duplicate := DuplicateIndex(inspection.papers + inspection.stand_ins).match(paper):
        raise ReadingListError("not added: " + duplicate_message(
            duplicate, "add it again with --distinct-from {id}"))
    if path.exists():
        raise ReadingListError(f"{rel} already exists ({existing_title(inspection.papers, paper_id)}); "
                               "if this is another paper, choose its id with --id")
    write_papers(project, [paper], dry_run=dry_run)
    suggestions = theme_suggestions(inspection, paper, project)
    return Added(rel, paper, tuple(p for p in problems if not p.is_error), suggestions, bool(inspection.curated))


def existing_title(papers: Sequence[Paper], paper_id: str) -> str:
    title = next((p.title for p in papers if p.id == paper_id), None)
    return f"'{title}'" if title else "an entry that does not validate yet"


def theme_suggestions(inspection, paper: Paper, project: Project | None = None,
                      limit: int = 3) -> tuple[tuple[str, str, float], ...]:
    """(slug, name, score) of the themes the new paper fits best, grouping the list with it included.

    Given the project, its theme lock keeps the automatic themes the ones the site shows.
    """
    from generator.build import group
    from generator.content import Catalog

    papers = tuple(sorted((*inspection.papers, paper), key=lambda p: p.id))
    if len(papers) < MIN_PAPERS_FOR_SUGGESTIONS:
        return ()
    grouping = group(Catalog(inspection.config, papers, inspection.curated, ()), project)
    return tuple((slug, grouping.theme(slug).name, score)
                 for slug, score in grouping.placements[paper.id].suggestions[:limit])
