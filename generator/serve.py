"""`readinglist serve`: MkDocs' live-reload server, regenerating pages when content changes."""
from __future__ import annotations

import logging
import os

from pathlib import Path

import yaml

from generator.build import gather, generate
from generator.errors import ContentError
from generator.output import write_changed
from generator.pages import navigation
from generator.project import Project

PROJECT_ENV = "READINGLIST_PROJECT"
log = logging.getLogger("mkdocs.readinglist")


def regenerate(project: Project) -> list | None:
    """Rewrite the generated pages that changed and return the new navigation.

    On bad content, log every problem and keep the previous pages (None).
    """
    try:
        _, grouping, files = gather(project)
    except ContentError as error:
        log.error(error.format_message())
        return None
    changed = write_changed(project.docs_dir, files)
    if changed:
        log.info("readinglist: regenerated %d page(s)", len(changed))
    return navigation(grouping)


def on_pre_build(config, **kwargs) -> None:
    """MkDocs hook: runs before every (re)build of the preview, before the navigation is read."""
    nav = regenerate(Project(Path(os.environ[PROJECT_ENV])))
    if nav is not None:
        config["nav"] = nav


def serve_config(project: Project) -> str:
    """A preview config: the generated one plus this hook and watches on the content and site config."""
    config = yaml.safe_load(project.mkdocs_file.read_text(encoding="utf-8"))
    config["hooks"] = [os.path.abspath(__file__)]
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
    mkdocs_serve(config_file=serve_config(project), livereload=True, dev_addr=dev_addr)
