"""The pipeline, stage by stage: load, group into themes, write pages, render the site."""
from __future__ import annotations

import datetime as dt
import gc
from functools import partial
from typing import Callable, Sequence, TypeVar

from generator.collector import collector_skips_what_exists
from generator.contribute import PAGE as CONTRIBUTE, contribute_page, contributing_text
from generator.content import Catalog, load_catalog_checking_meanwhile
from generator.exports import bibtex_entries, export_jobs
from generator.mkdocs_config import mkdocs_config
from generator.output import refuse_linked_outputs, render_site, reserving, write_mkdocs_config, write_rendered
from generator.pages import excerpt, navigation, page_jobs
from generator.parallel import run_jobs
from generator.paths import paper_path
from generator.progress import mkdocs_progress
from generator.project import Project
from generator.memo import PreviewMemo
from generator.render import Renderer
from generator.themelock import read_lock
from generator.embeddings import Embed, encoder_for
from generator.themes import Grouping, LockedTheme, group_papers

FALLBACK_DATE = dt.date(2000, 1, 1)


def group(catalog: Catalog, project: Project, lock: Sequence[LockedTheme] | None = None) -> Grouping:
    """The theme step on a loaded catalog; a theme lock (the project's unless one is given; () for none) keeps
    themes stable, and the project's embedding model (if the config names one) adds the meaning view."""
    lock = read_lock(project) if lock is None else lock
    return group_papers(catalog.papers, catalog.config.themes, catalog.curated, lock, embedder(project, catalog))


def embedder(project: Project, catalog: Catalog) -> Embed | None:
    """The sentence encoder the site config asks for, caching its vectors in the project's build folder."""
    return encoder_for(project.root, catalog.config.themes.embeddings, project.cache_dir)


def generated_files(project: Project, catalog: Catalog, grouping: Grouping,
                    memo: PreviewMemo | None = None) -> dict[str, str]:
    """Every file of build/docs, in memory: the pages, then the exports MkDocs copies as they are.

    With a memo (the live preview) pages are rendered here, reusing those whose inputs did not change;
    without one, a long list is rendered on every core.
    """
    return run_jobs(site_jobs(project, catalog, grouping, memo), "Writing pages", parallel=memo is None)


def site_jobs(project: Project, catalog: Catalog, grouping: Grouping,
              memo: PreviewMemo | None = None) -> list[tuple[str, Callable[[], str]]]:
    """Every file of build/docs as (docs-relative path, a call that makes its text)."""
    bibtex = bibtex_entries(catalog.papers)
    # papers.json is the longest job of all: first, so no core is left alone with it at the end.
    jobs = export_jobs(list(catalog.papers), grouping, catalog.config.site, excerpt, bibtex)
    jobs += page_jobs(catalog, grouping, Renderer(project.theme_dir / "pages", memo and memo.pages), bibtex)
    return jobs + [(CONTRIBUTE, partial(contribute_page, contributing_text(project), catalog.config.site))]


def content_date(catalog: Catalog) -> dt.date:
    """The date the site is stamped with: the newest `added`, so the same content gives the same site."""
    return max((p.added for p in catalog.papers if p.added), default=FALLBACK_DATE)


def gather(project: Project, strict: bool = False) -> tuple[Catalog, Grouping, dict[str, str]]:
    """Every stage before writing: load and validate, group into themes, make the pages in memory."""
    with collector_skips_what_exists():
        catalog, grouping = load_and_group(project, strict)
        return catalog, grouping, generated_files(project, catalog, grouping)


def load_and_group(project: Project, strict: bool = False) -> tuple[Catalog, Grouping]:
    """Load and validate the content, then form the themes while the duplicate check runs on another core."""
    return group_once_checked(project, *load_catalog_checking_meanwhile(project, strict=strict))


def group_once_checked(project: Project, catalog: Catalog, complete: Callable[[], Catalog]) -> tuple[Catalog, Grouping]:
    """Form the themes of a loaded catalog, then wait for its checks (`complete`): every warning, or the build
    stops with every problem.

    What they make lives to the end of the build: it is frozen out of the cycle collector's sight.
    """
    gc.freeze()
    grouping = group(catalog, project)
    catalog = complete()  # every warning, or the build stops here with every problem
    gc.freeze()
    return catalog, grouping


T = TypeVar("T")
Stage = Callable[[str, Callable[[], T]], T]


def run_stage(name: str, stage: Callable[[], T]) -> T:
    return stage()


def generate(project: Project, strict: bool = False, stage: Stage = run_stage) -> tuple[Catalog, Grouping]:
    """Load, form the themes, then make every page into build/docs and write build/mkdocs.yml.

    Only files whose text changed are rewritten (the rest keep their modification time), so the
    live preview and any tool watching build/docs see exactly what an edit changed. Each stage
    ("load", "themes", "pages") runs through `stage(name, call)`, so a benchmark can measure it.
    """
    refuse_linked_outputs(project)
    with collector_skips_what_exists():
        loaded, complete = stage("load", lambda: load_catalog_checking_meanwhile(project, strict=strict))
        # the paper pages' files are made in the time the theme step leaves idle
        with reserving(project.docs_dir, paper_files(loaded)) as reservation:
            catalog, grouping = stage("themes", lambda: group_once_checked(project, loaded, complete))

            def pages() -> None:
                reservation.stop()  # the page workers make the files it did not reach
                write_rendered(project.docs_dir, site_jobs(project, catalog, grouping), before=reservation.before)
                write_mkdocs_config(project, mkdocs_config(catalog.config, project,
                                                           navigation(grouping, catalog.tagged)))
            stage("pages", pages)
    return catalog, grouping


def paper_files(catalog: Catalog) -> list[str]:
    """The docs-relative paths of the paper pages, known once the entries are read."""
    return [paper_path(p.id) for p in catalog.papers]


def build(project: Project, strict: bool = False) -> tuple[Catalog, Grouping]:
    """Generate the pages, then render them with MkDocs into site/."""
    catalog, grouping = generate(project, strict=strict)
    render(project, catalog)
    return catalog, grouping


def render(project: Project, catalog: Catalog) -> None:
    """MkDocs renders the generated pages into site/."""
    # Everything made so far lives until the end: moved out of the collector's sight, it is not
    # walked again at every collection MkDocs triggers (on 10,000 papers that cost it about a fifth).
    gc.collect()
    gc.freeze()
    with mkdocs_progress(lambda: sum(1 for _ in project.docs_dir.rglob("*.md"))):
        render_site(project, content_date(catalog))
