"""Creating entries on disk (import now, `add` later): never overwrites, reports what it did."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator.entryfile import WriteReport, entry_text, unique_id
from generator.errors import ReadingListError
from generator.importers import PARSERS
from generator.project import Project


def existing_ids(project: Project) -> set[str]:
    return {p.stem for p in project.papers_dir.glob("*.yml")} if project.papers_dir.is_dir() else set()


def write_entries(project: Project, drafts: list[dict], dry_run: bool = False,
                  today: dt.date | None = None) -> WriteReport:
    """Write one file per draft under content/papers/, skipping ids that already exist."""
    report = WriteReport()
    existing = existing_ids(project)
    new_ids: set[str] = set()
    for draft in drafts:
        draft = {"added": today or dt.date.today(), **draft}
        paper_id = unique_id(draft["title"], new_ids)
        if paper_id in existing:
            report.skipped.append((paper_id, f"{project.relative(project.papers_dir / (paper_id + '.yml'))} "
                                             "already exists"))
            continue
        new_ids.add(paper_id)
        path = project.papers_dir / f"{paper_id}.yml"
        if not dry_run:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(entry_text(draft), encoding="utf-8")
        report.created.append(project.relative(path))
    return report


def import_file(project: Project, source: Path, fmt: str, dry_run: bool = False) -> WriteReport:
    """Parse SOURCE in the given format and create its entries."""
    try:
        text = source.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ReadingListError(f"{source}: is not UTF-8 text ({error.reason})") from None
    drafts = PARSERS[fmt](text)
    if not drafts:
        raise ReadingListError(f"{source}: no papers found in this {fmt} file")
    return write_entries(project, drafts, dry_run=dry_run)
