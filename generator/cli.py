"""The `readinglist` command: one subcommand per verb; implementations are imported when used."""
from __future__ import annotations

import functools
import sys
from pathlib import Path

import click


def project_option(command):
    """--project DIR: the folder holding site_config.yml and content/ (default: the current one)."""

    @click.option("--project", "project_dir", type=click.Path(file_okay=False, path_type=Path), default=".",
                  show_default=True, help="Project folder holding site_config.yml and content/.")
    @functools.wraps(command)
    def wrapper(project_dir: Path, **kwargs):
        from generator.project import Project

        if not project_dir.is_dir():
            raise click.UsageError(f"project folder {project_dir} does not exist")
        return command(project=Project(project_dir.resolve()), **kwargs)

    return wrapper


def print_warnings(catalog) -> None:
    for warning in catalog.warnings:
        click.echo(str(warning), err=True)


@click.group()
@click.version_option(package_name="readinglist")
def cli():
    """Build a searchable static site from a curated list of papers."""


@cli.command()
@project_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def build(project, strict):
    """Validate the content, group it into themes and render the site into site/."""
    import time

    from generator.build import build as run_build

    started = time.perf_counter()
    catalog, grouping = run_build(project, strict=strict)
    print_warnings(catalog)
    click.echo(f"Built {len(catalog.papers)} papers in {len(grouping.themes)} themes into "
               f"{project.relative(project.site_dir)}/ in {time.perf_counter() - started:.1f} s")


@cli.command()
@project_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def generate(project, strict):
    """Write the Markdown pages and mkdocs.yml into build/ without rendering."""
    from generator.build import generate as run_generate

    catalog, grouping = run_generate(project, strict=strict)
    print_warnings(catalog)
    click.echo(f"Wrote {project.relative(project.docs_dir)}/ and {project.relative(project.mkdocs_file)} "
               f"({len(catalog.papers)} papers, {len(grouping.themes)} themes)")


@cli.command()
@project_option
@click.option("--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on.")
def serve(project, dev_addr):
    """Preview the site with live reload; edits to entries or site_config.yml regenerate it."""
    from generator.serve import serve as run_serve

    run_serve(project, dev_addr)


@cli.command(name="import")
@project_option
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["dump"]), required=True, help="Format of SOURCE.")
@click.option("--dry-run", is_flag=True, help="Show what would be created without writing.")
def import_(project, source, fmt, dry_run):
    """Create one entry per paper found in SOURCE; existing entries are never overwritten."""
    from generator.entries import import_file

    report = import_file(project, source, fmt, dry_run=dry_run)
    verb = "Would create" if dry_run else "Created"
    for path in report.created:
        click.echo(f"{verb} {path}")
    for paper_id, reason in report.skipped:
        click.echo(f"Skipped {paper_id}: {reason}")
    click.echo(f"{verb} {len(report.created)} entries, skipped {len(report.skipped)}.")


@cli.command()
@project_option
@click.option("--json", "as_json", is_flag=True, help="Print the grouping as JSON.")
def themes(project, as_json):
    """Show the themes and where each paper sits."""
    import json

    from generator.build import group
    from generator.content import load_catalog
    from generator.themes import grouping_json

    catalog = load_catalog(project)
    grouping = group(catalog)
    if as_json:
        click.echo(json.dumps(grouping_json(grouping), indent=2, ensure_ascii=False))
        return
    print_warnings(catalog)
    for theme in grouping.themes:
        click.echo(f"\n{theme.name}  [{theme.slug}]  {len(theme.papers)} papers")
        click.echo(f"  key terms: {', '.join(theme.terms)}")
        for paper_id in theme.papers:
            place = grouping.placements[paper_id]
            runner_up = ", ".join(f"{slug} {score:.2f}" for slug, score in place.suggestions[1:3])
            pin = " (pinned)" if place.pinned else ""
            click.echo(f"  - {paper_id}{pin}  score {place.suggestions[0][1]:.2f}; next: {runner_up}")


@cli.command()
@project_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def check(project, strict):
    """Validate every entry, content/themes.yml and site_config.yml without building."""
    from generator.content import load_catalog

    catalog = load_catalog(project, strict=strict)
    print_warnings(catalog)
    click.echo(f"{len(catalog.papers)} entries checked: no errors.")


def main():
    """Entry point of the console script; a bug is reported in one line unless READINGLIST_DEBUG is set."""
    import os

    try:
        cli(prog_name="readinglist", standalone_mode=True)
    except Exception as error:  # noqa: BLE001 - the last line of defence against tracebacks
        if os.environ.get("READINGLIST_DEBUG"):
            raise
        click.echo(f"Internal error: {type(error).__name__}: {error}\n"
                   "This is a bug in readinglist, not in your content; set READINGLIST_DEBUG=1 to see details.",
                   err=True)
        sys.exit(70)


if __name__ == "__main__":
    sys.exit(main())
