"""The real console script: exit codes 0, 1 and 2, and never a traceback for bad input."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from project_support import make_project

SCRIPT = Path(sys.executable).parent / "readinglist"


def readinglist(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "READINGLIST_DEBUG")}
    return subprocess.run([str(SCRIPT), *args], cwd=cwd, input=stdin, capture_output=True, text=True,
                          env=env, timeout=120)


def test_check_exit_codes_from_the_console_script(tmp_path: Path):
    root = make_project(tmp_path)
    clean = readinglist("check", cwd=root)
    assert clean.returncode == 0 and clean.stderr == ""
    (root / "content" / "papers" / "bad.yml").write_text("title: Bad\nurl: nope\nabstract: x\n")
    broken = readinglist("check", cwd=root)
    assert broken.returncode == 1
    assert "content/papers/bad.yml:2: url: expected an http:// or https:// link, found 'nope'" in broken.stdout
    misuse = readinglist("check", "--no-such-option", cwd=root)
    assert misuse.returncode == 2 and "No such option" in misuse.stderr
    for result in (clean, broken, misuse):
        assert "Traceback" not in result.stdout + result.stderr


def test_add_and_import_bad_input_without_traceback(tmp_path: Path):
    root = make_project(tmp_path)
    (root / "latin1.csv").write_bytes("title\nCaf\xe9\n".encode("latin-1"))
    (root / "latin1.bib").write_bytes("@article{a, title={Caf\xe9}}\n".encode("latin-1"))
    results = [
        readinglist("add", "--bibtex", "-", cwd=root, stdin="@article{broken, title={x"),
        readinglist("import", "latin1.csv", "--format", "csv", cwd=root),
        readinglist("add", "--title", "Deep residual learning for image recognition", cwd=root),
        readinglist("add", "--bibtex", "latin1.bib", cwd=root),
    ]
    assert [r.returncode for r in results] == [1, 1, 1, 1]
    assert results[1].stderr == ("Error: latin1.csv:2: is not UTF-8 text: byte 0xE9 at column 4 is not UTF-8 (invalid "
                                 "continuation byte); the file may be in Latin-1 or Windows-1252: save it as UTF-8\n")
    assert results[3].stderr == ("Error: latin1.bib:1: is not UTF-8 text: byte 0xE9 at column 23 is not UTF-8 (invalid "
                                 "continuation byte); the file may be in Latin-1 or Windows-1252: save it as UTF-8\n")
    assert all("Traceback" not in r.stderr for r in results)


def test_build_fails_on_a_duplicate_with_the_check_message(tmp_path: Path):
    root = make_project(tmp_path)
    (root / "content" / "papers" / "resnet.yml").write_text("title: Resnet\narxiv: '1512.03385'\nabstract: x\n")
    result = readinglist("generate", cwd=root)
    assert result.returncode == 1
    assert ("content/papers/resnet.yml:2: arxiv: duplicate of content/papers/deep-residual-learning.yml, which has "
            "the same arXiv id (1512.03385); keep one entry") in result.stderr
    assert "Traceback" not in result.stderr
