"""`readinglist serve`: MkDocs' live-reload server, regenerating pages when content changes."""
from __future__ import annotations

import errno
import logging
import os
import re
import socket
from pathlib import Path

import click
import jinja2
import jinja2.bccache
import yaml

from generator.build import generate, generated_files, group
from generator.content import Catalog, load_catalog
from generator.errors import ContentError, ReadingListError
from generator.exports import bibtex_entries
from generator.memo import PreviewMemo
from generator.output import write_changed
from generator.pages import navigation, page_jobs
from generator.parallel import run_jobs
from generator.paths import paper_path
from generator.project import Project
from generator.render import Renderer
from generator.themelock import read_lock
from generator.themes import Grouping

PROJECT_ENV = "READINGLIST_PROJECT"
log = logging.getLogger("mkdocs.readinglist")


# An edit to at most this many existing entries is shown first on their own pages (see regenerate).
QUICK_EDITS = 3


class Preview:
    """What the preview keeps from one rebuild to the next."""

    def __init__(self):
        self.memo = PreviewMemo()
        self.nav: list | None = None
        self.files: dict[str, str] = {}
        # The catalog, theme lock and themes of the last full regeneration.
        self.full: tuple[Catalog, tuple, Grouping] | None = None
        # A quick update was shown; the full regeneration it put off is due.
        self.behind = False


def regenerate(project: Project, preview: Preview) -> list | None:
    """Rewrite the generated pages that changed and return the new navigation.

    The preview rebuilds only pages whose file changed (MkDocs' dirty build); when the navigation
    itself changed (a theme renamed, added or gone), every page shows it, so every page is marked
    changed. On bad content, log every problem and keep the previous pages (None).

    When the only change is an edit to a few existing entries, their pages are made at once with the
    themes and related papers of the last full regeneration, and the full one (themes, related papers,
    indexes) follows in the next rebuild, as fast-render modes of other site generators do: on 1,000
    papers the page being edited shows the edit in about a second instead of three.
    """
    try:
        catalog = load_catalog(project, memo=preview.memo.entries)
        lock = read_lock(project)
        edited = quick_edit(preview, catalog, lock)
        if edited:
            grouping = preview.full[2]
            files = {**preview.files, **edited_pages(project, catalog, grouping, edited, preview.memo)}
        else:
            grouping = group(catalog, project, lock)
            files = generated_files(project, catalog, grouping, preview.memo)
            preview.full = (catalog, lock, grouping)
            preview.memo.pages.next_round()  # a quick update keeps every page for the full one
    except ContentError as error:
        log.error(error.format_message())
        return None
    finally:
        preview.memo.entries.next_round()
    preview.behind, preview.files = bool(edited), files
    changed = write_changed(project.docs_dir, files)
    nav = navigation(grouping, catalog.tagged)
    if preview.nav is not None and nav != preview.nav:
        mark_all_changed(project.docs_dir)
        log.info("readinglist: the themes changed; rebuilding every page")
    elif edited:
        log.info("readinglist: showing the edit of %s first; themes and indexes follow", ", ".join(edited))
    elif changed:
        log.info("readinglist: regenerated %d page(s)", len(changed))
    preview.nav = nav
    return nav


def quick_edit(preview: Preview, catalog: Catalog, lock: tuple) -> list[str]:
    """The ids of the entries edited since the last full regeneration, when nothing else changed and
    they are few; otherwise [] (a full regeneration is due)."""
    if preview.full is None or preview.behind:
        return []
    before, before_lock, _ = preview.full
    if (lock != before_lock or catalog.config != before.config or catalog.curated != before.curated
            or [p.id for p in catalog.papers] != [p.id for p in before.papers]):
        return []
    edited = [new.id for new, old in zip(catalog.papers, before.papers) if new != old]
    return edited if len(edited) <= QUICK_EDITS else []


def edited_pages(project: Project, catalog: Catalog, grouping: Grouping, edited: list[str],
                 memo: PreviewMemo) -> dict[str, str]:
    """The pages of the edited entries, with the given themes and related papers."""
    wanted = {paper_path(paper_id) for paper_id in edited}
    jobs = page_jobs(catalog, grouping, Renderer(project.theme_dir / "pages", memo.pages),
                     bibtex_entries(catalog.papers))
    return run_jobs([job for job in jobs if job[0] in wanted], "Writing pages", parallel=False)


def mark_all_changed(folder: Path) -> None:
    """Touch every file so a dirty build renders each page again."""
    for path in folder.rglob("*"):
        if path.is_file():
            path.touch()


def on_pre_build(config, **kwargs) -> None:
    """MkDocs hook: runs before every (re)build of the preview, before the navigation is read."""
    nav = regenerate(Project(Path(os.environ[PROJECT_ENV])), _preview)
    if nav is not None:
        config["nav"] = nav
    elif _preview.nav is not None:
        config["nav"] = _preview.nav


def on_post_build(config, **kwargs) -> None:
    """MkDocs hook: after a quick update, touch the file the preview watches so the full one follows."""
    if _preview.behind:
        refresh_file(Project(Path(os.environ[PROJECT_ENV]))).touch()


# What the preview keeps between rebuilds (the hook module lives as long as the server).
_preview = Preview()


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled theme templates kept in memory between preview rebuilds."""

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


_compiled_templates = _CompiledTemplates()


def on_env(env, config, files, **kwargs):
    """MkDocs hook: every rebuild makes a new template environment; compiling Material's templates
    again each time cost about a second of every preview update."""
    env.bytecode_cache = _compiled_templates
    return env


def on_serve(server, config, builder, **kwargs):
    """MkDocs hook: watch the content, not build/docs. The hook itself writes build/docs before each
    rebuild; watching it made every edit cost a second, useless rebuild, and MkDocs' polling watcher
    spent time scanning every generated page twice a second."""
    server.unwatch(config.docs_dir)
    return server


def refresh_file(project: Project) -> Path:
    """The file touched to ask the preview for a full regeneration (it is watched)."""
    return project.build_dir / "preview-refresh"


def serve_config(project: Project) -> str:
    """A preview config: the generated one plus this hook and watches on the content and site config."""
    config = yaml.safe_load(project.mkdocs_file.read_text(encoding="utf-8"))
    config["hooks"] = [os.path.abspath(__file__)]
    # The preview is served over http: the offline plugin's copies for file:// only slow each rebuild.
    config["plugins"] = [plugin for plugin in config["plugins"] if plugin != "offline"]
    refresh_file(project).touch()
    config["watch"] = [str(project.content_dir), str(project.config_file), str(refresh_file(project))]
    path = project.build_dir / "mkdocs.serve.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return str(path)


# host:port, the host a name, an IPv4 address or an IPv6 one in brackets (as MkDocs reads --dev-addr)
DEV_ADDR_RE = re.compile(r"(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(?P<port>[0-9]{1,5})")


def host_and_port(dev_addr: str) -> tuple[str, int]:
    """The host and port of a --dev-addr value; a usage error unless it is host:port with a port up to 65535."""
    found = DEV_ADDR_RE.fullmatch(dev_addr)
    if not found or not 0 < int(found["port"]) <= 65535:
        raise click.BadParameter(f"expected host:port, such as 127.0.0.1:8000, found {dev_addr!r}",
                                 param_hint="--dev-addr")
    return found["host"].strip("[]"), int(found["port"])


def refuse_taken_address(dev_addr: str) -> None:
    """Stop before the first build when the preview could not listen at its address (another preview there?)."""
    host, port = host_and_port(dev_addr)
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.bind((host, port))
    except OSError as error:
        taken = error.errno == errno.EADDRINUSE
        raise ReadingListError(
            f"cannot serve on {dev_addr}: " + (f"something already listens there (another preview?); stop it, or "
                                               f"serve on another port: readinglist serve --dev-addr {host}:{port + 1}"
                                               if taken else f"{error.strerror or error}")) from None


def serve(project: Project, dev_addr: str) -> None:
    """Generate once (so bad content is reported up front), then serve with live reload."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    refuse_taken_address(dev_addr)
    generate(project)
    os.environ[PROJECT_ENV] = str(project.root)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    logging.getLogger("mkdocs").addHandler(handler)
    logging.getLogger("mkdocs").setLevel(logging.INFO)
    # A dirty build renders only the pages whose file changed: an edit shows in about a second even on
    # long lists, where rendering every page again would take MkDocs many seconds.
    mkdocs_serve(config_file=serve_config(project), livereload=True, build_type="dirty", dev_addr=dev_addr)
