"""MkDocs' own build, with the pages outside the navigation rendered on every core.

MkDocs renders one page at a time on one core, and on a long list nearly all of its time goes to
the paper pages. Those are outside the navigation, so no other page reads them: each can be read,
converted and written in any process. Everything else stays here, in MkDocs' order: the
navigation pages, the theme's templates, the static files and every plugin's post-build step
(the search index, offline support). The search entries the other processes make are put back
in MkDocs' page order, so the site is byte for byte the one a plain `mkdocs build` makes (a test
compares them file by file).

`build_site` mirrors `mkdocs.commands.build.build` of MkDocs 1.6 (pinned in pyproject.toml)
without its serve and dirty modes. It is used only where it is known to be equal: the plugins
are the ones our mkdocs.yml declares, processes can be forked, and the list is long enough to
repay starting them. Otherwise MkDocs' own build runs.
"""
from __future__ import annotations

import itertools
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from generator.parallel import can_fork, parallel_map

# Plugins whose per-page work is known: search adds entries at each page's context, offline acts
# after the build only. Any other plugin could keep state per page, so the build stays MkDocs' own.
KNOWN_PLUGINS = {"search", "material/search", "offline", "material/offline"}
# Below this many Markdown pages, starting processes costs about what it saves.
SPREAD_FROM = 400
LOG = logging.getLogger("mkdocs.commands.build")  # MkDocs' own, so its messages read as MkDocs'


def build_site(config, spread: bool | None = None) -> None:
    """Build the site of a loaded MkDocs config; `spread` forces (True) or forbids (False) rendering
    pages outside the navigation on every core, instead of deciding from the config and list size."""
    from mkdocs.commands.build import build as mkdocs_build

    if spread is None:
        spread = can_spread(config)
    if spread:
        build_spread(config)
    else:
        mkdocs_build(config)


def can_spread(config) -> bool:
    """Spreading pays and is known to give MkDocs' own result."""
    markdown_pages = sum(1 for _ in Path(config.docs_dir).rglob("*.md"))
    return (markdown_pages >= SPREAD_FROM and can_fork() and set(config.plugins) <= KNOWN_PLUGINS
            and not config.hooks)


@dataclass
class Rendered:
    """What rendering one page outside the navigation in another process sends back."""

    src_uri: str
    logged: list[tuple[str, int, str]] = field(default_factory=list)  # logger name, level, message
    error: BaseException | None = None
    search_entries: list[dict] = field(default_factory=list)
    present_anchor_ids: set[str] | None = None
    links_to_anchors: dict[str, dict[str, str]] | None = None     # by the linked file's src_uri


class _Capture(logging.Handler):
    """Keeps every record a page's rendering logs, to be logged again in the building process."""

    def __init__(self):
        super().__init__(logging.NOTSET)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


def capture_all_logging() -> _Capture:
    """In a worker process: every record goes to one capturing handler, none to the console (the
    building process logs them again, in order, to its own handlers: counts for --strict, progress)."""
    capture = _Capture()
    for logger in [logging.getLogger()] + [item for item in logging.Logger.manager.loggerDict.values()
                                           if isinstance(item, logging.Logger)]:
        logger.handlers = []
        logger.propagate = True
    logging.getLogger().addHandler(capture)
    return capture


def search_entries(config) -> list[dict] | None:
    """The search plugin's list of index entries, which each page's context appends to."""
    for plugin in config.plugins.values():
        index = getattr(plugin, "search_index", None)
        if index is not None:
            return index.entries
    return None


def build_spread(config) -> None:
    """MkDocs 1.6's build, its two per-page loops split: navigation pages here, the rest on every core."""
    from mkdocs import utils
    from mkdocs.exceptions import Abort, BuildError

    warning_counter = utils.CountHandler()
    warning_counter.setLevel(logging.WARNING)
    if config.strict:
        logging.getLogger("mkdocs").addHandler(warning_counter)
    try:
        config = config.plugins.on_config(config)
        config.plugins.on_pre_build(config=config)
        utils.clean_directory(config.site_dir)
        files, env, nav, leaves, deferred = read_navigation_pages(config)
        write_pages(config, files, env, nav, leaves, deferred)
        config.plugins.on_post_build(config=config)
        if counts := warning_counter.get_counts():
            msg = ", ".join(f"{v} {k.lower()}s" for k, v in counts)
            raise Abort(f"Aborted with {msg} in strict mode!")
    except Exception as error:
        config.plugins.on_build_error(error=error)
        if isinstance(error, BuildError):
            LOG.error(str(error))
            raise Abort("Aborted with a BuildError!")
        raise
    finally:
        logging.getLogger("mkdocs").removeHandler(warning_counter)


def read_navigation_pages(config) -> tuple:
    """Gather the files and navigation as MkDocs does, and read the pages of the navigation, which every
    page shows (titles and front matter). Returns the files, the theme's environment, the navigation,
    the files of the pages outside it, and the navigation pages whose conversion can wait.

    A navigation page titled in mkdocs.yml shows its title without being converted, so only its front
    matter is read now; converting it (the all-papers and tag indexes are the longest pages of a long
    list) waits until the other processes are busy.
    """
    from mkdocs.commands import build as mk
    from mkdocs.structure.files import InclusionLevel, get_files, set_exclusions
    from mkdocs.structure.nav import get_navigation
    from mkdocs.structure.pages import Page

    files = get_files(config)
    env = config.theme.get_env()
    files.add_files_from_theme(env, config)
    files = config.plugins.on_files(files, config=config)
    set_exclusions(files, config)
    nav = get_navigation(files, config)
    nav = config.plugins.on_nav(nav, config=config, files=files)
    in_nav = {id(page) for page in nav.pages}
    leaves, deferred = [], []
    for file in files.documentation_pages(inclusion=InclusionLevel.is_included):
        if file.page is None and file.inclusion.is_not_in_nav():
            Page(None, file, config)
        if id(file.page) not in in_nav:
            leaves.append(file)
        elif "title" in vars(file.page):  # titled in mkdocs.yml
            file.page.read_source(config)
            deferred.append(file)
        else:
            LOG.debug(f"Reading: {file.src_uri}")
            mk._populate_page(file.page, config, files)
    env = config.plugins.on_env(env, config=config, files=files)
    return files, env, nav, leaves, deferred


def write_pages(config, files, env, nav, leaves: list, deferred: list) -> None:
    """Copy the static files and write every page: the pages outside the navigation on every core, while
    this process converts the `deferred` navigation pages and writes the navigation pages; the search
    entries end up in MkDocs' page order."""
    from mkdocs.commands import build as mk
    from mkdocs.structure.files import InclusionLevel

    files.copy_static_files(inclusion=InclusionLevel.is_included)
    for template in config.theme.static_templates:
        mk._build_theme_template(template, env, files, config, nav)
    for template in config.extra_templates:
        mk._build_extra_template(template, files, config, nav)

    doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
    entries = search_entries(config)
    entries_of: dict[str, list[dict]] = {}
    building = os.getpid()

    def render_leaf(file) -> Rendered:
        return render_page_elsewhere(file, config, files, doc_files, nav, env, entries,
                                     in_worker=os.getpid() != building)

    rendered = parallel_map(render_leaf, leaves, from_items=0)
    first = next(rendered, [])  # the workers are now rendering
    for file in deferred:
        LOG.debug(f"Reading: {file.src_uri}")
        mk._populate_page(file.page, config, files)
    leaf_uris = {file.src_uri for file in leaves}
    for file in doc_files:
        if file.src_uri not in leaf_uris:
            before = len(entries) if entries is not None else 0
            mk._build_page(file.page, config, doc_files, nav, env, excluded=file.inclusion.is_excluded())
            if entries is not None:
                entries_of[file.src_uri] = entries[before:]
                del entries[before:]
    for batch in itertools.chain([first], rendered):
        for page in batch:
            take_back(page, files, entries_of)
    if entries is not None:  # in MkDocs' page order, as its one loop would have appended them
        entries[:] = [entry for file in doc_files for entry in entries_of.get(file.src_uri, ())]

    log_level = config.validation.links.anchors
    for file in doc_files:
        file.page.validate_anchor_links(files=files, log_level=log_level)


_capture: _Capture | None = None


def render_page_elsewhere(file, config, files, doc_files, nav, env, entries, in_worker: bool) -> Rendered:
    """Read, convert and write one page outside the navigation, normally in a worker process; send back
    what the building process needs of it (its log, search entries and anchors)."""
    global _capture
    from mkdocs.commands import build as mk

    rendered_log: list[tuple[str, int, str]] = []
    if in_worker:  # (in the building process itself, the page logs straight to its handlers)
        if _capture is None:
            _capture = capture_all_logging()
        _capture.records = rendered_log
    before = len(entries) if entries is not None else 0
    try:
        LOG.debug(f"Reading: {file.src_uri}")
        mk._populate_page(file.page, config, files)
        mk._build_page(file.page, config, doc_files, nav, env, excluded=file.inclusion.is_excluded())
    except Exception as error:  # sent back with the log that explains it, raised in the building process
        return Rendered(file.src_uri, rendered_log, error)
    added = []
    if entries is not None:
        added = entries[before:]
        del entries[before:]
    page = file.page
    links = None if page.links_to_anchors is None else {
        target.src_uri: dict(found) for target, found in page.links_to_anchors.items()}
    return Rendered(file.src_uri, rendered_log, None, added, page.present_anchor_ids, links)


def take_back(rendered: Rendered, files, entries_of: dict[str, list[dict]]) -> None:
    """Log a worker's records here (so --strict counts its warnings), raise its error, and keep what
    the search index and the anchor check need."""
    for name, level, message in rendered.logged:
        logging.getLogger(name).log(level, message)
    if rendered.error is not None:
        raise rendered.error
    entries_of[rendered.src_uri] = rendered.search_entries
    page = files.get_file_from_path(rendered.src_uri).page
    page.present_anchor_ids = rendered.present_anchor_ids
    if rendered.links_to_anchors is not None:
        page.links_to_anchors = {files.get_file_from_path(uri): found
                                 for uri, found in rendered.links_to_anchors.items()}
