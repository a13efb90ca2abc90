"""The site's "Contribute" page, adapted from the project's CONTRIBUTING.md."""
from __future__ import annotations

import re

from generator.project import Project
from generator.schema import SiteSection

PAGE = "contribute.md"
# Shown by projects that have no CONTRIBUTING.md of their own.
FALLBACK_TEXT = """\
# Contribute

Each paper of this list is one small YAML file in `content/papers/`. To suggest a paper, add a
file there by pull request (`readinglist add` writes it for you), or ask the curator.
"""
# [label](target) where target is not a web address, a mail address or an in-page anchor.
RELATIVE_LINK_RE = re.compile(r"(?<!!)\[([^\]]+)\]\((?![a-z][a-z0-9+.-]*:|#)([^)\s]+)\)", re.I)


def repository_link(repo_url: str, branch: str, target: str) -> str:
    """Where a repository file is shown on GitHub, GitLab or Codeberg/Gitea."""
    repo = repo_url.rstrip("/")
    path = target.removeprefix("./").lstrip("/")
    if "gitlab" in repo:
        return f"{repo}/-/blob/{branch}/{path}"
    if "codeberg.org" in repo or "gitea" in repo:
        return f"{repo}/src/branch/{branch}/{path}"
    return f"{repo}/blob/{branch}/{path}"


def contribute_page(text: str, site: SiteSection) -> str:
    """CONTRIBUTING.md as a docs page: links to repository files point into the repository.

    The page lives at the site root, so a link like `content/tags.yml` would break there; with
    a repo_url it becomes a link to the file in the repository, without one, the plain path.
    """
    def rewrite(match: re.Match) -> str:
        label, target = match.group(1), match.group(2)
        if site.repo_url:
            return f"[{label}]({repository_link(site.repo_url, site.edit_branch, target)})"
        return label if label.strip("`") == target else f"{label} (`{target}`)"

    return RELATIVE_LINK_RE.sub(rewrite, lists_opened_as_on_github(text))


LIST_ITEM_RE = re.compile(r"\s*(?:\d+[.)]|[-*+])\s")
# Only these open a list in the middle of a paragraph on GitHub: a bullet, or the number 1 ('in 2023\n13. A' is text).
OPENS_LIST_RE = re.compile(r"\s*(?:1[.)]|[-*+])\s")
FENCE_RE = re.compile(r"\s*(```|~~~)")


def lists_opened_as_on_github(text: str) -> str:
    """The text with a blank line where GitHub starts a list item and MkDocs' Markdown would not.

    CONTRIBUTING.md is written for GitHub. There a list item may follow a paragraph directly: a list may open
    right after a line of text, and in a list whose item holds several blocks ('2. Create the entry:', a code
    block, 'It writes ...') the next item may follow the last block ('3. Run ...'). MkDocs' Markdown reads both
    as more of the paragraph, so step 3 ran into step 2. Fenced code is left alone."""
    lines, fenced, in_list, loose, previous = [], False, False, False, ""
    for line in text.split("\n"):
        if FENCE_RE.match(line) or fenced:
            fenced = fenced != bool(FENCE_RE.match(line))
        elif LIST_ITEM_RE.match(line) and (in_list or OPENS_LIST_RE.match(line)):
            if previous.strip() and not LIST_ITEM_RE.match(previous) and (loose or not in_list):
                lines.append("")
            in_list, loose = True, False
        elif not line.strip():
            loose = in_list
        elif not previous.strip() and not line[0].isspace():
            in_list = False   # a paragraph of its own ends the list
        lines.append(line)
        previous = line
    return "\n".join(lines)


def contributing_text(project: Project) -> str:
    """The project's CONTRIBUTING.md, or a short generic text when it has none."""
    path = project.root / "CONTRIBUTING.md"
    # a symbolic link could pull any file of the build machine into the site
    return path.read_text(encoding="utf-8") if path.is_file() and not path.is_symlink() else FALLBACK_TEXT
