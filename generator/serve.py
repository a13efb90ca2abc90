"""`readinglist serve`: MkDocs' live-reload server, regenerating pages when content changes."""
from __future__ import annotations

import logging
import os

from pathlib import Path

import jinja2
import jinja2.bccache
import yaml

from generator.build import gather, generate
from generator.errors import ContentError
from generator.output import write_changed
from generator.pages import navigation
from generator.project import Project
from generator.memo import PreviewMemo

PROJECT_ENV = "READINGLIST_PROJECT"
log = logging.getLogger("mkdocs.readinglist")


def regenerate(project: Project, previous_nav: list | None = None) -> list | None:
    """Rewrite the generated pages that changed and return the new navigation.

    The preview rebuilds only pages whose file changed (MkDocs' dirty build); when the navigation
    itself changed (a theme renamed, added or gone), every page shows it, so every page is marked
    changed. On bad content, log every problem and keep the previous pages (None).
    """
    try:
        _, grouping, files = gather(project, memo=_memo)
    except ContentError as error:
        log.error(error.format_message())
        return None
    finally:
        _memo.next_round()
    changed = write_changed(project.docs_dir, files)
    nav = navigation(grouping)
    if previous_nav is not None and nav != previous_nav:
        mark_all_changed(project.docs_dir)
        log.info("readinglist: the themes changed; rebuilding every page")
    elif changed:
        log.info("readinglist: regenerated %d page(s)", len(changed))
    return nav


def mark_all_changed(folder: Path) -> None:
    """Touch every file so a dirty build renders each page again."""
    for path in folder.rglob("*"):
        if path.is_file():
            path.touch()


def on_pre_build(config, **kwargs) -> None:
    """MkDocs hook: runs before every (re)build of the preview, before the navigation is read."""
    nav = regenerate(Project(Path(os.environ[PROJECT_ENV])), _last_nav.get("nav"))
    if nav is not None:
        config["nav"] = _last_nav["nav"] = nav


# The navigation of the previous preview build, and what it computed (the hook module lives as
# long as the server).
_last_nav: dict[str, list] = {}
_memo = PreviewMemo()


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


def serve_config(project: Project) -> str:
    """A preview config: the generated one plus this hook and watches on the content and site config."""
    config = yaml.safe_load(project.mkdocs_file.read_text(encoding="utf-8"))
    config["hooks"] = [os.path.abspath(__file__)]
    # The preview is served over http: the offline plugin's copies for file:// only slow each rebuild.
    config["plugins"] = [plugin for plugin in config["plugins"] if plugin != "offline"]
    config["watch"] = [str(project.content_dir), str(project.config_file)]
    path = project.build_dir / "mkdocs.serve.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return str(path)


def serve(project: Project, dev_addr: str) -> None:
    """Generate once (so bad content is reported up front), then serve with live reload."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    generate(project)
    os.environ[PROJECT_ENV] = str(project.root)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    logging.getLogger("mkdocs").addHandler(handler)
    logging.getLogger("mkdocs").setLevel(logging.INFO)
    # A dirty build renders only the pages whose file changed: an edit shows in about a second even on
    # long lists, where rendering every page again would take MkDocs many seconds.
    mkdocs_serve(config_file=serve_config(project), livereload=True, build_type="dirty", dev_addr=dev_addr)
