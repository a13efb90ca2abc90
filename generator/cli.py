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
    from generator.checks import plural

    started = time.perf_counter()
    catalog, grouping = run_build(project, strict=strict)
    print_warnings(catalog)
    click.echo(f"Built {plural(len(catalog.papers), 'paper')} in {plural(len(grouping.themes), 'theme')} into "
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
@click.option("--format", "fmt", type=click.Choice(["dump", "bibtex", "csv", "jsonl"]),
              help="Format of SOURCE  [default: told by its extension: .bib, .csv, .jsonl]")
@click.option("--dry-run", is_flag=True, help="Show what would be created without writing.")
def import_(project, source, fmt, dry_run):
    """Create one entry per paper found in SOURCE; existing entries are never overwritten."""
    from generator.entries import import_file
    from generator.importers import FORMAT_BY_EXTENSION

    fmt = fmt or FORMAT_BY_EXTENSION.get(source.suffix.lower())
    if fmt is None:
        raise click.BadParameter(f"cannot tell the format of {source.name} from its extension; give --format "
                                 "(dump, bibtex, csv or jsonl)", param_hint="--format")
    report = import_file(project, source, fmt, dry_run=dry_run)
    verb = "Would create" if dry_run else "Created"
    for path in report.created:
        click.echo(f"{verb} {path}")
    for where, reason in report.skipped:
        click.echo(f"Skipped {where}: {reason}")
    for problem in report.invalid:
        click.echo(f"Invalid {problem}", err=True)
    for problem in report.warnings:
        click.echo(str(problem), err=True)
    if report.unknown:
        fields = ", ".join(f"{name} ({count})" for name, count in report.unknown.items())
        kept = " (still in each entry's bibtex)" if fmt == "bibtex" else ""
        click.echo(f"Not entry fields, ignored{kept}: {fields}", err=True)
    invalid_records = len({problem.line for problem in report.invalid})
    count = len(report.created)
    click.echo(f"{verb} {count} {'entry' if count == 1 else 'entries'}, skipped {len(report.skipped)}, "
               f"{invalid_records} invalid.")
    if report.invalid:
        sys.exit(1)


# --bibtex reads a BibTeX file instead; the entry read is what fills the bibtex field.
FLAGLESS_FIELDS = {"bibtex"}


def entry_field_options(command):
    """One --option per declared entry field, derived from the declaration; list fields repeat."""
    from generator.importers import LIST_KINDS
    from generator.schema import Paper, declared_fields

    for declaration in reversed(declared_fields(Paper)):
        if declaration.name in FLAGLESS_FIELDS:
            continue
        is_list = declaration.metadata["kind"] in LIST_KINDS
        extra = " Repeat the option, or separate items with ';'." if is_list else ""
        command = click.option(f"--{declaration.name.replace('_', '-')}", declaration.name, multiple=is_list,
                               help=declaration.metadata["doc"] + extra)(command)
    return command


@cli.command()
@project_option
@click.option("--bibtex", "bibtex_file", type=click.File("r", encoding="utf-8"),
              help="Read the paper from a BibTeX entry in FILE ('-' for standard input).")
@click.option("--id", "paper_id", help="File name of the entry (default: made from the title).")
@click.option("--interactive/--no-interactive", default=None,
              help="Ask for each field (default: when no title is given and input is a terminal).")
@click.option("--dry-run", is_flag=True, help="Check the new entry and show its path without writing.")
@entry_field_options
def add(project, bibtex_file, paper_id, interactive, dry_run, **fields):
    """Create content/papers/<id>.yml from flags, a BibTeX entry or answers to prompts."""
    from generator.entries import add_entry
    from generator.schema import check_slug, Invalid

    values = bibtex_values(bibtex_file) if bibtex_file else {}
    values.update(flag_values(fields))
    if interactive is None:
        interactive = not values and sys.stdin.isatty()
    if interactive:
        values = prompt_values(values)
    if paper_id is not None:
        try:
            paper_id = check_slug(paper_id)
        except Invalid as invalid:
            raise click.BadParameter(str(invalid), param_hint="--id") from None
    added = add_entry(project, values, paper_id=paper_id, dry_run=dry_run)
    click.echo(f"{'Would create' if dry_run else 'Created'} {added.path}")
    for problem in added.warnings:
        click.echo(f"warning: {problem.key}: {problem.message}", err=True)
    print_suggestions(added)


def bibtex_values(stream) -> dict:
    """The values of the single entry in a BibTeX file."""
    from generator.entries import not_utf8_source, parse_source

    display = "standard input" if stream.name == "<stdin>" else stream.name
    try:
        text = stream.read()
    except UnicodeDecodeError as error:
        raise not_utf8_source(display, error) from None
    drafts = parse_source(text, "bibtex", display)
    if len(drafts) != 1:
        raise click.BadParameter(f"{display} holds {len(drafts)} entries; `add` takes one "
                                 "(use `readinglist import FILE.bib` for several)", param_hint="--bibtex")
    if drafts[0].unknown:
        click.echo(f"Not entry fields, kept only in the entry's bibtex: {', '.join(drafts[0].unknown)}", err=True)
    return drafts[0].values


def flag_values(fields: dict) -> dict:
    """The given flags as entry values; list flags accept repeats and ';'-separated items."""
    from generator.importers import LIST_KINDS, convert, split_list
    from generator.schema import Paper, declared_fields

    kinds = {f.name: f.metadata["kind"] for f in declared_fields(Paper)}
    values = {}
    for name, given in fields.items():
        if given in (None, ()):
            continue
        if kinds[name] in LIST_KINDS:
            given = [item for text in given for item in split_list(name, text)]
        values[name] = convert(kinds[name], name, given)
    return values


def prompt_values(values: dict) -> dict:
    """Ask for each field not given yet; a value that does not fit its field is asked again."""
    from generator.importers import LIST_KINDS
    from generator.schema import Paper, declared_fields

    answers = dict(values)
    for declaration in declared_fields(Paper):
        if declaration.name in answers or declaration.name in PROMPT_SKIPPED:
            continue
        is_list = declaration.metadata["kind"] in LIST_KINDS
        label = f"{declaration.name} ({declaration.metadata['doc'].rstrip('.')}" + ("; separate with ;)" if is_list else ")")
        required = declaration.metadata["required"]
        answer = click.prompt(label, default=None if required else "", show_default=False,
                              value_proc=functools.partial(prompted_value, declaration))
        if answer not in (None, "", []):
            answers[declaration.name] = answer
    return answers


# Fields a person would not type when adding a paper: the date is today's, the rest is curation.
PROMPT_SKIPPED = {"added", "distinct_from", "bibtex", "theme"}


def prompted_value(declaration, text: str):
    """Convert and check one typed answer, so click asks again with the reason when it is wrong."""
    from generator.importers import LIST_KINDS, convert, split_list
    from generator.schema import Invalid, check_value

    kind = declaration.metadata["kind"]
    if not text.strip():
        if declaration.metadata["required"]:
            raise click.BadParameter("this field is required")
        return ""
    value = convert(kind, declaration.name, split_list(declaration.name, text) if kind in LIST_KINDS else text)
    try:
        check_value(declaration, value)
    except Invalid as invalid:
        raise click.BadParameter(str(invalid)) from None
    return value


def print_suggestions(added) -> None:
    if not added.suggestions:
        click.echo("Theme suggestions: too few papers to compare yet.")
        return
    if added.curated:
        click.echo("Theme suggestions (pin one with 'theme: <slug>' in the entry):")
    else:
        click.echo("Likely themes (chosen automatically at build time; pins need content/themes.yml):")
    from generator.checks import suggestion_line

    for rank, (slug, name, score) in enumerate(added.suggestions, start=1):
        click.echo("  " + suggestion_line(rank, name, slug, score, added.curated))


@cli.command()
@project_option
@click.option("--json", "as_json", is_flag=True, help="Print the grouping as JSON.")
@click.option("--update", is_flag=True,
              help="Re-cluster and write content/themes.lock.yml; themes that continue keep their slug and name.")
@click.option("--freeze", is_flag=True,
              help="Write the automatic themes as a starting content/themes.yml and pin a few exemplars.")
@click.option("--force", is_flag=True, help="With --freeze, replace an existing content/themes.yml.")
@click.option("--keep-places", is_flag=True,
              help="With --freeze, also pin every paper the declared themes would place elsewhere, so none moves.")
def themes(project, as_json, update, freeze, force, keep_places):
    """Show the themes and where each paper sits: score, runner-up themes and the terms tying it."""
    import dataclasses
    import json

    from generator import themelock
    from generator.build import group
    from generator.content import load_catalog
    from generator.themes import align_with_lock, grouping_json
    from generator.themes.explain import explanation_lines

    catalog = load_catalog(project)
    if update and freeze:
        raise click.UsageError("--update and --freeze are separate steps; run one at a time")
    if keep_places and not freeze:
        raise click.UsageError("--keep-places goes with --freeze")
    if freeze:
        freeze_themes(project, catalog, force, keep_places)
        return
    if update:
        if catalog.curated:
            raise click.UsageError(f"{project.relative(project.themes_file)} declares the themes; "
                                   "--update locks automatic themes only")
        # a fresh clustering, whose themes that continue keep their identity
        automatic = dataclasses.replace(catalog, curated=())
        grouping = align_with_lock(group(automatic, project, lock=()), themelock.read_lock(project))
        path = themelock.write_lock(project, grouping)
        click.echo(f"Wrote {project.relative(path)} ({len(grouping.themes)} themes)")
        return
    grouping = group(catalog, project)
    if as_json:
        click.echo(json.dumps(grouping_json(grouping), indent=2, ensure_ascii=False))
        return
    print_warnings(catalog)
    for line in explanation_lines(grouping):
        click.echo(line)


def freeze_themes(project, catalog, force: bool, keep_places: bool) -> None:
    """`themes --freeze`: write the themes the site shows (the lock's, when there is one; a fresh clustering under
    the lock's names would describe a theme by papers it did not hold) as content/themes.yml, pin the exemplars
    (and with `keep_places` every paper that would move), and say what the next build will do."""
    import dataclasses

    from generator import themelock
    from generator.build import group

    themelock.refuse_to_overwrite(project, force)   # before the work, which --keep-places makes long
    grouping = group(dataclasses.replace(catalog, curated=()), project)
    declared = tuple(themelock.frozen_themes(grouping))

    def regroup(pins: dict[str, str]):
        papers = tuple(dataclasses.replace(p, theme=pins.get(p.id)) for p in catalog.papers)
        # declared themes read no lock: none is read again, round after round
        return group(dataclasses.replace(catalog, papers=papers, curated=declared), project, lock=())

    pins = themelock.pins_keeping_places(grouping, regroup) if keep_places else themelock.exemplars(grouping)
    moving = {} if keep_places else themelock.moving_papers(grouping, regroup, pins)
    for written in themelock.freeze(project, declared, {p.id: p.source for p in catalog.papers}, pins, force):
        click.echo(f"Wrote {written}")
    if keep_places:
        click.echo(f"Pinned {len(pins)} papers: the exemplars, and every paper the declared themes would place "
                   "elsewhere, so no paper changes theme.")
    elif moving:
        click.echo(f"Pinned {len(pins)} exemplars. The declared themes place the other papers by closeness, so "
                   f"{len(moving)} of them will change theme at the next build; to keep every paper where it is, run "
                   "`readinglist themes --freeze --keep-places --force` instead.")
    if themelock.lock_file(project).exists():
        click.echo(f"{project.relative(themelock.lock_file(project))} is not read while "
                   f"{project.relative(project.themes_file)} declares the themes; delete it once you keep them.")


@cli.command()
@project_option
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output for people or for tools.")
def check(project, paths, strict, fmt):
    """Validate every entry, content/themes.yml and site_config.yml without building.

    With PATHS (as pre-commit passes them), only problems of those files and of the shared
    files are reported, and theme suggestions are shown for those entries only.
    """
    import json
    import os

    from generator.checks import github_annotation, result_json, result_text

    rels = [project_path(project, path) for path in paths]
    result = check_result(project, rels, strict)
    if fmt == "json":
        click.echo(json.dumps(result_json(result), indent=2, ensure_ascii=False))
    else:
        click.echo(result_text(result))
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for problem in result.problems:
            click.echo(github_annotation(problem))
    if result.failing:
        sys.exit(1)


def check_result(project, rels: list[str], strict: bool):
    """Inspect the whole project, keep the problems of the given files, rank themes for unpinned entries."""
    from generator.checks import CheckResult, select_problems
    from generator.content import Catalog, inspect_content

    inspection = inspect_content(project)
    problems = select_problems(inspection.problems, rels, project.relative(project.papers_dir))
    from generator.themelock import read_lock

    locked = {pid for theme in read_lock(project) for pid in theme.papers}
    themes = "curated" if inspection.curated else "locked" if locked else "automatic"
    # With curated themes every unpinned entry gets suggestions to pin; with a lock, the entries
    # the lock does not know yet (a pull request's) see the theme they will join.
    ranked = [p for p in inspection.papers
              if not p.theme and (p.id not in locked if themes == "locked" else themes == "curated")]
    wanted = set(rels)
    ranked = [p for p in ranked if not wanted or p.source in wanted]
    suggestions, names = {}, {}
    # Themes are ranked only for content that would build; a broken pin would mislead the ranking.
    if ranked and not any(p.is_error for p in inspection.problems):
        from generator.build import group

        grouping = group(Catalog(inspection.config, inspection.papers, inspection.curated, ()), project)
        suggestions = {p.id: grouping.placements[p.id].suggestions[:3] for p in ranked}
        names = {t.slug: t.name for t in grouping.themes}
    entries = len(list(project.papers_dir.glob("*.yml"))) if project.papers_dir.is_dir() else 0
    return CheckResult(entries, tuple(problems), strict, suggestions, themes, names)


def project_path(project, path: Path) -> str:
    """A path given on the command line as a project-relative one; outside the project is misuse."""
    rel = project.relative(path.resolve())
    if Path(rel).is_absolute():
        raise click.UsageError(f"{path} is not inside the project folder {project.root}")
    return rel


@cli.command()
@project_option
@click.option("--write", is_flag=True, help="Write schema/paper.schema.json instead of printing it.")
@click.option("--check", "check_only", is_flag=True, help="Fail when schema/paper.schema.json is out of date.")
def schema(project, write, check_only):
    """The JSON Schema of an entry file, generated from generator/schema.py, for editors."""
    from generator.schema import paper_json_schema_text

    text = paper_json_schema_text()
    path = project.root / "schema" / "paper.schema.json"
    if check_only:
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            raise click.ClickException(f"{project.relative(path)} is out of date; run `readinglist schema --write`")
        click.echo(f"{project.relative(path)} is up to date.")
    elif write:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {project.relative(path)}")
    else:
        click.echo(text, nl=False)


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
