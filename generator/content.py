"""Load and validate every entry, content/themes.yml and site_config.yml into one Catalog.

Reading files happens in the `load_*` functions at the bottom; everything above them takes
text or data and returns data plus the problems it found, so every problem of every file is
collected before anything fails.
"""
from __future__ import annotations

import dataclasses
import difflib
import functools
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from generator import checks, embeddings
from generator.collector import no_cycle_collection
from generator.entryfile import slugify
from generator.errors import ContentError, Problem, not_utf8
from generator.memo import RoundMemo
from generator.parallel import in_background, parallel_map
from generator.project import Project
from generator.schema import (
    RESERVED_NAMES, SLUG_RE, CuratedTheme, Invalid, InvalidItems, Labels, Paper, SiteConfig, VocabularyTag, check_value,
    config_sections, declared_fields, describe, reserved_message,
)
from generator.yamlfile import MAX_FILE_BYTES, YamlDocument, parse_yaml


@dataclass(frozen=True)
class Catalog:
    """Everything the later stages need, validated: papers sorted by id, curated themes, config."""

    config: SiteConfig
    papers: tuple[Paper, ...]
    curated: tuple[CuratedTheme, ...]
    warnings: tuple[Problem, ...]

    def paper(self, paper_id: str) -> Paper:
        return next(p for p in self.papers if p.id == paper_id)

    @property
    def tagged(self) -> bool:
        """Whether any paper has tags (the site shows its tag index only then)."""
        return any(p.tags for p in self.papers)


def unknown_key_message(key: str, known: list[str], where: str) -> str:
    """'unknown key' with a 'did you mean' for near misses and the list of allowed keys."""
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'?" if close else f"allowed keys are: {', '.join(known)}"
    return f"unknown key in {where}; {hint}"


@functools.cache
def _declarations(cls) -> tuple[dict[str, dataclasses.Field], str]:
    """A declaration's fields by name, and what it is in words (from its docstring); read once per class."""
    what = cls.__doc__.split(":")[0].rstrip(".").lower() if cls.__doc__ else cls.__name__
    return {f.name: f for f in declared_fields(cls)}, what


def validate_mapping(cls, data: Any, doc: YamlDocument, rel: str, prefix: str = "",
                     unknown: str = "error") -> tuple[dict[str, Any], list[Problem]]:
    """Check a mapping against a declaration; returns the checked values and every problem."""
    line_of = lambda key: doc.lines.get(f"{prefix}{key}", doc.lines.get(prefix.rstrip(".") or ".", 1))
    declared, what = _declarations(cls)
    if not isinstance(data, dict):
        found = "an empty file" if data is None else describe(data)
        return {}, [Problem(rel, line_of(""), prefix.rstrip(".") or None,
                            f"expected a mapping of keys to values ({what}), found {found}")]
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for key in data:
        if key not in declared and str(key) not in declared:
            severity = "error" if unknown == "error" else "warning"
            problems.append(Problem(rel, line_of(key), f"{prefix}{key}",
                                    unknown_key_message(str(key), list(declared), f"a {cls.__name__.lower()}"
                                                        if prefix == "" else f"'{prefix.rstrip('.')}'"),
                                    severity))
    for name, declaration in declared.items():
        value = data.get(name)
        if value is None or value == "" or value == []:
            metadata = declaration.metadata
            # a key left out of a nested mapping (a theme of content/themes.yml) is missing where that mapping starts
            line = line_of(name) if name in data or prefix else 1
            if metadata["required"]:
                problems.append(Problem(rel, line, f"{prefix}{name}",
                                        f"is required: {metadata['doc'][0].lower()}{metadata['doc'][1:]}"))
            elif metadata["expected"]:
                problems.append(Problem(rel, line, f"{prefix}{name}",
                                        "is missing; readers and the theme step rely on it", "warning"))
            continue
        try:
            values[name] = check_value(declaration, value)
        except InvalidItems as invalid:
            problems += [Problem(rel, doc.lines.get(f"{prefix}{name}.{index}", line_of(name)), f"{prefix}{name}",
                                 f"item {index + 1}: {message}") for index, message in invalid.items]
        except Invalid as invalid:
            problems.append(Problem(rel, line_of(name), f"{prefix}{name}", str(invalid)))
    return values, problems


def paper_from_yaml(text: str, rel: str, stem: str) -> tuple[Paper | None, list[Problem]]:
    """Validate one entry file's text; the paper is None when any error was found."""
    paper, problems, _ = _paper_and_document(text, rel, stem)
    return (paper if isinstance(paper, Paper) else None), problems


def paper_from_values(values: dict, paper_id: str, rel: str, line: int = 1) -> tuple[Paper | None, list[Problem]]:
    """Validate a new entry's values (from flags, BibTeX, CSV...) exactly as if read from its file."""
    values, problems = validate_mapping(Paper, values, YamlDocument(values, {".": line}), rel)
    if any(p.is_error for p in problems):
        return None, problems
    return Paper(id=paper_id, source=rel, **values), problems


def _paper_and_document(text: str, rel: str, stem: str) -> tuple[Paper | Labels | None, list[Problem],
                                                                 YamlDocument | None]:
    """The entry's paper, or only its Labels when it has errors (None when it is not even a mapping)."""
    problems = []
    if not SLUG_RE.match(stem):
        problems.append(Problem(rel, None, None, "the file name must be lowercase letters, digits and hyphens "
                                                 f"followed by .yml: rename it to '{slugify(stem)}.yml'"))
    elif stem in RESERVED_NAMES:
        problems.append(Problem(rel, None, None, f"the file name: {reserved_message(stem)}"))
    doc, parse_problems = parse_yaml(text, rel)
    problems += parse_problems
    if doc is None:
        return None, problems, None
    values, field_problems = validate_mapping(Paper, doc.data, doc, rel)
    problems += field_problems
    if any(p.is_error for p in problems):
        stand_in = Paper(id=stem, source=rel, **values) if "title" in values else None
        return Labels(stem, rel, values.get("theme"), values.get("tags", ()), stand_in), problems, doc
    return Paper(id=stem, source=rel, **values), problems, doc


def curated_from_yaml(text: str, rel: str) -> tuple[list[CuratedTheme], list[Problem]]:
    """Validate content/themes.yml: `themes:` followed by a list of slug/name/description mappings."""
    doc, problems = parse_yaml(text, rel)
    if doc is None:
        return [], problems
    top, top_problems = _themes_list(doc, rel)
    problems += top_problems
    themes, slugs, names = [], set(), {}
    for index, item in enumerate(top):
        values, item_problems = validate_mapping(CuratedTheme, item, doc, rel, prefix=f"themes.{index}.",
                                                 unknown="warning")
        problems += item_problems
        # readers tell themes apart by their names (the navigation, the home page): 'Memory' and 'memory' are one
        name = " ".join(values.get("name", "").casefold().split())
        if "slug" in values and values["slug"] in slugs:
            problems.append(Problem(rel, doc.lines.get(f"themes.{index}.slug"), f"themes.{index}.slug",
                                    f"'{values['slug']}' is declared twice; slugs must be unique"))
        elif {"slug", "name"} <= values.keys():
            if name in names:
                problems.append(Problem(rel, doc.lines.get(f"themes.{index}.name"), f"themes.{index}.name",
                                        f"'{values['name']}' is also the name of theme '{names[name]}'; readers "
                                        "tell themes apart by their names, so give each its own"))
            slugs.add(values["slug"])
            names.setdefault(name, values["slug"])
            themes.append(CuratedTheme(**values))
    return themes, problems


def _themes_list(doc: YamlDocument, rel: str) -> tuple[list, list[Problem]]:
    data = doc.data
    if isinstance(data, dict) and isinstance(data.get("themes"), list) and set(data) == {"themes"}:
        return data["themes"], []
    return [], [Problem(rel, 1, "themes", "expected 'themes:' followed by a list of mappings, "
                                           "each with slug, name and description")]


def vocabulary_from_yaml(text: str, rel: str) -> tuple[list[VocabularyTag], list[Problem]]:
    """Validate content/tags.yml: `tags:` then a list of tags, each a slug or a slug/description mapping."""
    doc, problems = parse_yaml(text, rel)
    if doc is None:
        return [], problems
    data = doc.data
    if not (isinstance(data, dict) and isinstance(data.get("tags"), list) and set(data) == {"tags"}):
        return [], problems + [Problem(rel, 1, "tags", "expected 'tags:' followed by a list of tags, each "
                                                        "like '- in-context-learning' or a mapping with slug "
                                                        "and description")]
    tags, seen = [], set()
    for index, item in enumerate(data["tags"]):
        item = {"slug": item} if isinstance(item, str) else item
        values, item_problems = validate_mapping(VocabularyTag, item, doc, rel, prefix=f"tags.{index}.",
                                                 unknown="warning")
        problems += item_problems
        if values.get("slug") in seen:
            problems.append(Problem(rel, doc.lines.get(f"tags.{index}"), f"tags.{index}",
                                    f"'{values['slug']}' is declared twice"))
        elif "slug" in values:
            seen.add(values["slug"])
            tags.append(VocabularyTag(**values))
    return tags, problems


def config_from_yaml(text: str, rel: str, root: Path | None = None) -> tuple[SiteConfig, list[Problem]]:
    """Validate site_config.yml; unknown keys are warnings, wrong values errors. Given the project's `root`, an
    embedding model folder it names is checked too."""
    doc, problems = parse_yaml(text, rel)
    if doc is None:
        return SiteConfig(), problems
    data = doc.data if doc.data is not None else {}
    if not isinstance(data, dict):
        return SiteConfig(), problems + [Problem(rel, 1, None, "expected a mapping of sections "
                                                                f"({', '.join(config_sections())})")]
    sections = {}
    for key in data:
        if key not in config_sections():
            problems.append(Problem(rel, doc.lines.get(str(key)), str(key),
                                    unknown_key_message(str(key), list(config_sections()), "site_config.yml"),
                                    "warning"))
    for name, cls in config_sections().items():
        if name in data:
            values, section_problems = validate_mapping(cls, data[name], doc, rel, prefix=f"{name}.",
                                                        unknown="warning")
            problems += section_problems
            sections[name] = dataclasses.replace(cls(), **values)
    config = SiteConfig(**sections)
    if root is not None and config.themes.embeddings:
        problems += embedding_model_problems(root, config.themes.embeddings, rel, doc.lines.get("themes.embeddings"))
    return config, problems


def embedding_model_problems(root: Path, setting: str, rel: str, line: int | None) -> list[Problem]:
    """A model folder named in site_config.yml must hold a model this tool can run (and its libraries)."""
    return [Problem(rel, line, "themes.embeddings", message)
            for message in embeddings.model_problems(embeddings.model_folder(root, setting), setting)]


def pin_problems(papers: Sequence[Paper | Labels], curated: list[CuratedTheme], themes_rel: str,
                 line_of_theme: dict[str, int]) -> list[Problem]:
    """A pin must name a theme declared in content/themes.yml."""
    slugs = [t.slug for t in curated]
    problems = []
    for paper in papers:
        if paper.theme and paper.theme not in slugs:
            if slugs:
                close = difflib.get_close_matches(paper.theme, slugs, n=1, cutoff=0.6)
                hint = f"did you mean '{close[0]}'?" if close else f"declared themes are: {', '.join(slugs)}"
                message = f"'{paper.theme}' is not a theme declared in {themes_rel}; {hint}"
            else:
                message = (f"'{paper.theme}' pins this paper, but {themes_rel} declares no themes: this list's "
                           "themes are found automatically, so remove the 'theme:' line")
            problems.append(Problem(paper.source, line_of_theme.get(paper.id), "theme", message))
    return problems


def read_text(path: Path, rel: str) -> tuple[str | None, list[Problem]]:
    """Read a UTF-8 file of at most MAX_FILE_BYTES, turning whatever stops that into a problem."""
    if path.is_symlink():
        return None, [_linked_problem(rel)]
    return _read(str(path), rel)


def _linked_problem(rel: str) -> Problem:
    # A link committed in a pull request could point at any file of the machine building the site.
    return Problem(rel, None, None, "is a symbolic link; content files must be plain files")


def _read(path: str, rel: str) -> tuple[str | None, list[Problem]]:
    try:
        data = _read_bytes(path)
    except OSError as error:
        return None, [Problem(rel, None, None, f"cannot be read ({error.strerror})")]
    if len(data) > MAX_FILE_BYTES:
        return None, [Problem(rel, None, None, f"is {os.path.getsize(path) / 1e6:.1f} MB; content files are "
                                               f"limited to {MAX_FILE_BYTES / 1e6:.0f} MB")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, message = not_utf8(error)
        return None, [Problem(rel, line, None, message)]
    # Line ends as universal-newline reading gives them, so Windows files parse like any other.
    return (text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text), []


def _read_bytes(path: str) -> bytes:
    """At most MAX_FILE_BYTES + 1 bytes of a file (never more: a huge file would fill the memory).

    os.read skips the buffered file object, which halves the cost of reading 100,000 small entries;
    O_NOFOLLOW refuses a symbolic link swapped in after the listing checked for one.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
    try:
        chunks, size = [], 0
        while size <= MAX_FILE_BYTES:
            chunk = os.read(fd, MAX_FILE_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def load_papers(project: Project, memo: RoundMemo | None = None
                ) -> tuple[tuple[Paper, ...], dict[str, dict[str, int]], list[Problem], list[Labels]]:
    """Read and validate every content/papers/*.yml, in id order; also the line of each key, by id, and
    the Labels of the entries with errors.

    Long lists are read on every core; given a memo (the live preview), entries are read here and one
    whose file name and text are unchanged is not validated again."""
    papers, lines, rejected = [], {}, []
    papers_rel = project.relative(project.papers_dir)
    if not project.papers_dir.is_dir():
        found = "is a file, not a folder" if project.papers_dir.exists() else "folder not found"
        missing = Problem(papers_rel, None, None, f"{found}; entries live in content/papers/<id>.yml")
        return (), {}, [missing], []
    with os.scandir(project.papers_dir) as listing:
        entries = sorted(listing, key=lambda entry: entry.name)
    problems = id_clash_problems([entry.name for entry in entries], papers_rel)
    files, listing_problems = entry_files(entries, papers_rel)
    problems += listing_problems
    read_one = functools.partial(read_entry, memo=memo)
    read = (result for batch in parallel_map(read_one, files, parallel=memo is None) for result in batch)
    for paper, entry_problems, key_lines in read:
        problems += entry_problems
        if paper is not None:
            (papers if isinstance(paper, Paper) else rejected).append(paper)
            lines[paper.id] = key_lines
    return tuple(papers), lines, problems, rejected


def entry_files(entries: list[os.DirEntry], papers_rel: str) -> tuple[list[tuple[str, str, str]], list[Problem]]:
    """The entry files to read as (path, repo-relative path, id), and problems with the other names listed."""
    files, problems = [], []
    for entry in entries:
        # Not resolved: a symbolic link is named as the contributor wrote it, not by its target.
        rel = f"{papers_rel}/{entry.name}"
        stem, suffix = os.path.splitext(entry.name)
        if suffix.lower() in (".yaml", ".yml") and suffix != ".yml":
            problems.append(Problem(rel, None, None, "entries end in .yml (lower case); rename this file"))
        elif suffix != ".yml":
            if entry.is_dir(follow_symlinks=False):
                problems += nested_entry_problems(entry.path, rel, papers_rel)
            continue
        elif entry.is_symlink():
            problems.append(_linked_problem(rel))
        elif entry.is_dir():
            problems.append(Problem(rel, None, None, "is a folder; an entry is a file content/papers/<id>.yml"))
        elif entry.is_file():
            files.append((entry.path, rel, stem))
    return files, problems


def nested_entry_problems(folder: str, folder_rel: str, papers_rel: str) -> list[Problem]:
    """Entry files in a folder inside content/papers/, at any depth: the build reads none of them, so each is told
    to move up (a contributor's paper would otherwise be left out without a word)."""
    problems = []
    for root, folders, names in os.walk(folder):
        folders.sort()
        for name in sorted(names):
            if os.path.splitext(name)[1].lower() in (".yml", ".yaml"):
                rel = folder_rel + "/" + os.path.relpath(os.path.join(root, name), folder).replace(os.sep, "/")
                problems.append(Problem(rel, None, None, f"is in a folder inside {papers_rel}/, where no entry is "
                                                         f"read; move it to {papers_rel}/{name}"))
    return problems


def read_entry(file: tuple[str, str, str], memo: RoundMemo | None = None
               ) -> tuple[Paper | Labels | None, list[Problem], dict[str, int]]:
    """One entry file, read and validated: its paper (only its Labels if it has errors), problems and key lines."""
    path, rel, stem = file
    text, problems = _read(path, rel)
    if text is None:
        return None, problems, {}
    if memo is None:
        paper, entry_problems, doc = _paper_and_document(text, rel, stem)
    else:
        paper, entry_problems, doc = memo.get((text, rel),
                                              functools.partial(_paper_and_document, text, rel, stem))
    return paper, problems + entry_problems, doc.lines if doc is not None else {}


def id_clash_problems(names: list[str], papers_rel: str) -> list[Problem]:
    """Entry files whose ids differ only in case or Unicode normalization: one file on macOS and Windows."""
    first: dict[str, str] = {}
    problems = []
    for name in names:
        stem, suffix = os.path.splitext(name)
        if suffix.lower() not in (".yml", ".yaml"):
            continue
        folded = unicodedata.normalize("NFC", stem).casefold()
        if folded in first:
            problems.append(Problem(f"{papers_rel}/{name}", None, None,
                                    f"has the same id as {papers_rel}/{first[folded]} but for case or Unicode "
                                    "normalization (one file on macOS and Windows); rename one of them"))
        else:
            first[folded] = name
    return problems


def load_curated(project: Project) -> tuple[list[CuratedTheme], list[Problem]]:
    """Read content/themes.yml when the curator has written one."""
    if not project.themes_file.exists():
        return [], []
    rel = project.relative(project.themes_file)
    text, problems = read_text(project.themes_file, rel)
    if text is None:
        return [], problems
    return curated_from_yaml(text, rel)


def load_config(project: Project) -> tuple[SiteConfig, list[Problem]]:
    """Read site_config.yml; a project without one gets the defaults."""
    if not project.config_file.exists():
        rel = project.relative(project.config_file)
        return SiteConfig(), [Problem(rel, None, None, "not found; using defaults", "warning")]
    rel = project.relative(project.config_file)
    text, problems = read_text(project.config_file, rel)
    if text is None:
        return SiteConfig(), problems
    return config_from_yaml(text, rel, project.root)


def count_overridden_by_lock(project: Project, config: SiteConfig, curated: Sequence[CuratedTheme]) -> list[Problem]:
    """A warning when site_config.yml fixes a number of automatic themes that the theme lock does not hold: builds
    keep the lock's themes, so the setting would do nothing, unannounced."""
    count = config.themes.count
    if curated or count == "auto":
        return []
    from generator.themelock import lock_file, read_lock   # themelock reads files through this module

    try:
        held = len(read_lock(project))
    except ContentError:   # a broken lock is reported by the build that reads it
        return []
    if not held or held == count:
        return []
    return [Problem(project.relative(project.config_file), None, "themes.count",
                    f"asks for {count} themes, but {project.relative(lock_file(project))} holds {held}, and builds "
                    f"keep the locked themes; run `readinglist themes --update` to re-cluster into {count}",
                    "warning")]


def load_vocabulary(project: Project) -> tuple[list[VocabularyTag], list[Problem]]:
    """Read content/tags.yml when the curator keeps a tag vocabulary."""
    path = vocabulary_file(project)
    if not path.exists():
        return [], []
    rel = project.relative(path)
    text, problems = read_text(path, rel)
    if text is None:
        return [], problems
    return vocabulary_from_yaml(text, rel)


def vocabulary_file(project: Project) -> Path:
    return project.content_dir / "tags.yml"


@dataclass(frozen=True)
class Inspection:
    """Everything read from a project, valid or not, with every problem found in it."""

    config: SiteConfig
    papers: tuple[Paper, ...]
    curated: tuple[CuratedTheme, ...]
    vocabulary: tuple[VocabularyTag, ...]
    lines: dict[str, dict[str, int]]
    problems: tuple[Problem, ...]
    # What the valid keys of the entries with errors make, when they have a title: the duplicate check
    # reads them too, so a rejected entry that repeats a paper hears it in the same run.
    stand_ins: tuple[Paper, ...] = ()

    def failing(self, strict: bool = False) -> list[Problem]:
        return [p for p in self.problems if p.is_error or strict]


def inspect_content(project: Project, memo: RoundMemo | None = None) -> Inspection:
    """Read and check all content without failing: the shared first step of build, check and add."""
    return with_duplicates(inspect_before_duplicates(project, memo))


def inspect_before_duplicates(project: Project, memo: RoundMemo | None = None) -> Inspection:
    """inspect_content without the duplicate check (on long lists the longest check of all)."""
    # Loading allocates millions of objects that all stay alive; each automatic collection would walk
    # them all again, which made 100,000 entries take a third longer.
    with no_cycle_collection():
        return _inspect_content(project, memo)


def duplicate_problems(inspection: Inspection, parallel: bool = True) -> list[Problem]:
    """The duplicate check of the inspected papers (`parallel=False`: matching stays in this process)."""
    with no_cycle_collection():
        return checks.duplicate_problems(inspection.papers + inspection.stand_ins, inspection.lines, parallel)


def with_duplicates(inspection: Inspection) -> Inspection:
    """The inspection with the duplicate check's problems, checked here."""
    return with_problems(inspection, duplicate_problems(inspection))


def with_problems(inspection: Inspection, problems: list[Problem]) -> Inspection:
    """The inspection with more problems, in the same sorted order."""
    return dataclasses.replace(inspection, problems=tuple(sorted(inspection.problems + tuple(problems))))


def _inspect_content(project: Project, memo: RoundMemo | None) -> Inspection:
    config, problems = load_config(project)
    curated, curated_problems = load_curated(project)
    problems += count_overridden_by_lock(project, config, curated)
    vocabulary, vocabulary_problems = load_vocabulary(project)
    papers, lines, paper_problems, rejected = load_papers(project, memo)
    problems += curated_problems + vocabulary_problems + paper_problems
    theme_lines = {paper_id: key_lines["theme"] for paper_id, key_lines in lines.items() if "theme" in key_lines}
    labelled = papers + tuple(rejected)
    problems += pin_problems(labelled, curated, project.relative(project.themes_file), theme_lines)
    problems += checks.vocabulary_problems(labelled, vocabulary, project.relative(vocabulary_file(project)), lines)
    if not papers and not any(p.is_error for p in problems):
        problems.append(Problem(project.relative(project.papers_dir), None, None,
                                "holds no entries; add one with `readinglist add` or `readinglist import`"))
    stand_ins = tuple(labels.stand_in for labels in rejected if labels.stand_in is not None)
    return Inspection(config, papers, tuple(curated), tuple(vocabulary), lines, tuple(sorted(problems)), stand_ins)


def load_catalog(project: Project, strict: bool = False, memo: RoundMemo | None = None) -> Catalog:
    """Load and validate all content; raises ContentError listing every problem found."""
    return checked_catalog(inspect_content(project, memo), strict)


def load_catalog_checking_meanwhile(project: Project, strict: bool = False) -> tuple[Catalog, Callable[[], Catalog]]:
    """load_catalog, with the duplicate check left running on another core while the caller goes on.

    Returns the catalog and a call that waits for the check and returns the catalog with all its
    warnings, or raises ContentError as load_catalog would have. Whenever the build fails anyway
    (another error, or --strict, where any warning fails) the check is waited for at once, so every
    problem is still reported together.
    """
    inspection = inspect_before_duplicates(project)
    if strict or inspection.failing() or len(inspection.papers) < checks.BACKGROUND_FROM:
        catalog = checked_catalog(with_duplicates(inspection), strict)
        return catalog, lambda: catalog
    pending = in_background(functools.partial(duplicate_problems, inspection, parallel=False))
    return checked_catalog(inspection, strict), lambda: checked_catalog(with_problems(inspection, pending()), strict)


def checked_catalog(inspection: Inspection, strict: bool) -> Catalog:
    """The catalog of an inspection; raises ContentError listing every problem when any is failing."""
    if inspection.failing(strict):
        raise ContentError(list(inspection.problems))
    return Catalog(inspection.config, inspection.papers, inspection.curated, inspection.problems)
