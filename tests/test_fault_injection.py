"""A build that fails at any stage, is interrupted or killed, leaves the previous site/ byte for byte as it was.

One real build of the fixture list, then the same build made to fail in each stage in turn:
validation, the theme step, making the pages, writing them, MkDocs rendering (an error, and
Ctrl-C), a process killed with SIGKILL while MkDocs renders, and one killed halfway through
replacing site/ where folders cannot be exchanged in one step.
"""
from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import REPO, copy_fixture_list
from generator.build import build
from generator.errors import BuildError, ContentError
from generator.project import Project


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    root = copy_fixture_list(tmp_path_factory.mktemp("faults"))
    build(Project(root))
    return root, tree_bytes(root / "site")


def assert_site_untouched(root: Path, before: dict[str, bytes]) -> None:
    assert tree_bytes(root / "site") == before
    assert not (root / "site.old").exists()


def fail_after(count: int, error: BaseException, original):
    """A stand-in for `original` that works `count` times, then raises `error`."""
    calls = []

    def stand_in(*args, **kwargs):
        calls.append(1)
        if len(calls) > count:
            raise error
        return original(*args, **kwargs)

    return stand_in


def broken_entry(root: Path, monkeypatch) -> type:
    (root / "content" / "papers" / "zz-broken.yml").write_text("title: [unclosed\n")
    return ContentError


def theme_step_fails(root: Path, monkeypatch) -> type:
    monkeypatch.setattr("generator.build.group_papers", fail_after(0, RuntimeError("theme step"), None))
    return RuntimeError


def page_making_fails(root: Path, monkeypatch) -> type:
    monkeypatch.setattr("generator.build.page_jobs", fail_after(0, ValueError("template"), None))
    return ValueError


def disk_fills_while_writing_pages(root: Path, monkeypatch) -> type:
    import generator.output

    shutil.rmtree(root / "build")  # so every page is written again
    full = OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(Path, "write_text", fail_after(3, full, Path.write_text))
    # the output module writes every page through write_over (the os calls themselves serve everyone)
    monkeypatch.setattr(generator.output, "write_over", fail_after(3, full, generator.output.write_over))
    return BuildError


def mkdocs_fails_midway(root: Path, monkeypatch) -> type:
    import mkdocs.commands.build as mkdocs_build

    monkeypatch.setattr(mkdocs_build, "_build_page", fail_after(3, OSError(errno.EIO, "I/O error"),
                                                                mkdocs_build._build_page))
    return BuildError


def ctrl_c_while_mkdocs_renders(root: Path, monkeypatch) -> type:
    import mkdocs.commands.build as mkdocs_build

    monkeypatch.setattr(mkdocs_build, "_build_page", fail_after(3, KeyboardInterrupt(), mkdocs_build._build_page))
    return KeyboardInterrupt


@pytest.mark.parametrize("fault", [broken_entry, theme_step_fails, page_making_fails, disk_fills_while_writing_pages,
                                   mkdocs_fails_midway, ctrl_c_while_mkdocs_renders], ids=lambda f: f.__name__)
def test_a_build_failing_in_any_stage_leaves_site_as_it_was(built, monkeypatch, fault):
    root, before = built
    expected = fault(root, monkeypatch)
    try:
        with pytest.raises(expected):
            build(Project(root))
    finally:
        (root / "content" / "papers" / "zz-broken.yml").unlink(missing_ok=True)
    assert_site_untouched(root, before)
    assert not (root / "site.tmp").exists()


# A build in a child process that SIGKILLs itself at a chosen point, as an out-of-memory killer would.
KILLED_BUILD = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    import mkdocs.commands.build as mkdocs_build
    import generator.output as output
    from generator.build import build
    from generator.project import Project

    where = sys.argv[2]
    if where == "render":
        original, pages = mkdocs_build._build_page, []
        def killed(*args, **kwargs):
            pages.append(1)
            if len(pages) > 3:
                os.kill(os.getpid(), signal.SIGKILL)
            return original(*args, **kwargs)
        mkdocs_build._build_page = killed
    else:  # between the two renames of a swap, where folders cannot be exchanged in one step
        output._exchange = lambda first, second: False
        rename = Path.rename
        def killed_rename(self, target):
            result = rename(self, target)
            if Path(target).name == "site.old":
                os.kill(os.getpid(), signal.SIGKILL)
            return result
        Path.rename = killed_rename
    build(Project(Path(sys.argv[1])))
""")


@pytest.mark.parametrize("where", ["render", "swap"])
def test_a_killed_build_leaves_site_as_it_was(built, monkeypatch, where):
    root, before = built
    result = subprocess.run([sys.executable, "-c", KILLED_BUILD, str(root), where], cwd=REPO, capture_output=True,
                            text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == -signal.SIGKILL, result.stderr
    if where == "swap":
        # Killed with site/ renamed aside: the next build puts it back before doing anything else,
        # so even a build that then fails leaves the previous site.
        assert not (root / "site").exists() and (root / "site.old").is_dir()
        mkdocs_fails_midway(root, monkeypatch)
        with pytest.raises(BuildError):
            build(Project(root))
    assert_site_untouched(root, before)


def test_only_add_import_and_themes_write_under_content_and_never_over_a_file_unasked(tmp_path: Path):
    from project_support import make_project, run

    root = make_project(tmp_path)
    content = lambda: tree_bytes(root / "content")  # noqa: E731
    before = content()
    for command in (["check"], ["check", "--format", "json"], ["generate"], ["themes"], ["themes", "--json"],
                    ["add", "--title", "Attention Is All You Need", "--abstract", "x"],
                    ["add", "--title", "Something new", "--id", "deep-residual-learning", "--abstract", "x"],
                    ["add", "--title", "A dry run", "--abstract", "x", "--dry-run"]):
        run(root, *command)
        assert content() == before, command
    source = tmp_path / "dump.jsonl"
    source.write_text('{"title": "Attention Is All You Need", "abstract": "x"}\n')
    run(root, "import", str(source), "--format", "jsonl")
    assert content() == before
    assert run(root, "themes", "--freeze").exit_code == 0
    frozen = content()
    refused = run(root, "themes", "--freeze")
    assert refused.exit_code == 1 and "add --force to replace it" in refused.stderr
    assert content() == frozen and not list((root / "content").rglob("*.tmp"))
