"""`readinglist serve`: the preview regenerates pages from content before each rebuild."""
from __future__ import annotations

from pathlib import Path

from generator.build import generate
from generator.project import Project
from generator.serve import Preview, regenerate, serve_config


def test_an_edited_entry_is_regenerated_and_unchanged_pages_are_not_rewritten(fixture_project: Path):
    project = Project(fixture_project)
    generate(project)
    page = project.docs_dir / "papers" / "protein-design-by-diffusion.md"
    untouched = project.docs_dir / "papers" / "exploration-bonuses-in-reinforcement-learning.md"
    untouched_mtime = untouched.stat().st_mtime_ns
    entry = project.papers_dir / "protein-design-by-diffusion.yml"
    entry.write_text(entry.read_text().replace("Protein design by diffusion", "Protein design by LIVE diffusion"))

    nav = regenerate(project, Preview())

    assert "LIVE diffusion" in page.read_text()
    assert untouched.stat().st_mtime_ns == untouched_mtime
    assert nav[0] == {"Home": "index.md"}


def test_a_broken_entry_keeps_the_previous_pages(fixture_project: Path, caplog):
    project = Project(fixture_project)
    generate(project)
    before = {p: p.read_text() for p in project.docs_dir.rglob("*.md")}
    (project.papers_dir / "broken.yml").write_text("title: [oops\n")

    assert regenerate(project, Preview()) is None

    assert {p: p.read_text() for p in project.docs_dir.rglob("*.md")} == before
    assert "content/papers/broken.yml:1" in caplog.text or "content/papers/broken.yml" in caplog.text


def test_the_preview_config_watches_content_and_site_config(fixture_project: Path):
    import yaml

    project = Project(fixture_project)
    generate(project)
    config = yaml.safe_load(Path(serve_config(project)).read_text())
    assert config["watch"][:2] == [str(project.content_dir), str(project.config_file)]
    assert Path(config["watch"][2]).is_file()  # touched to ask for the full regeneration after a quick one
    assert config["hooks"][0].endswith("generator/serve.py")


def test_unchanged_pages_are_not_rendered_again_and_an_edit_is(fixture_project: Path, monkeypatch):
    from generator.build import gather, generated_files, group
    from generator.content import load_catalog
    from generator.memo import PreviewMemo
    from generator.render import Renderer

    def pages(memo: PreviewMemo) -> dict[str, str]:  # as the preview makes them
        catalog = load_catalog(project, memo=memo.entries)
        files = generated_files(project, catalog, group(catalog, project), memo)
        memo.entries.next_round()
        memo.pages.next_round()
        return files

    project = Project(fixture_project)
    fresh = gather(project)[2]
    memo = PreviewMemo()
    pages(memo)
    rendered = []
    real_render = Renderer._render
    monkeypatch.setattr(Renderer, "_render", lambda self, template, path, context:
                        rendered.append(path) or real_render(self, template, path, context))

    assert pages(memo) == fresh  # the memo gives what rendering afresh gives
    assert rendered == []

    entry = project.papers_dir / "protein-design-by-diffusion.yml"
    entry.write_text(entry.read_text() + "notes: Seen LIVE in the preview.\n")  # notes show on its page only
    files = pages(memo)
    assert [path for path in rendered if path.startswith("papers/")] == ["papers/protein-design-by-diffusion.md"]
    assert "all-papers.md" not in rendered and "tags.md" not in rendered  # they show no notes
    assert "Seen LIVE" in files["papers/protein-design-by-diffusion.md"]


def test_unchanged_entries_are_not_validated_again(fixture_project: Path, monkeypatch):
    import generator.content as content
    from generator.memo import RoundMemo

    project = Project(fixture_project)
    memo = RoundMemo()
    content.load_papers(project, memo)
    memo.next_round()
    validated = []
    real = content._paper_and_document
    monkeypatch.setattr(content, "_paper_and_document", lambda text, rel, stem:
                        validated.append(rel) or real(text, rel, stem))
    entry = project.papers_dir / "protein-design-by-diffusion.yml"
    entry.write_text(entry.read_text() + "notes: Edited.\n")
    content.load_papers(project, memo)
    assert validated == ["content/papers/protein-design-by-diffusion.yml"]


def test_a_quick_update_shows_the_edit_then_the_full_one_matches_a_build(fixture_project: Path):
    from generator.build import gather

    project = Project(fixture_project)
    generate(project)
    preview = Preview()
    regenerate(project, preview)
    entry = project.papers_dir / "protein-design-by-diffusion.yml"
    entry.write_text(entry.read_text().replace("Protein design by diffusion", "Protein design by LIVE diffusion"))

    regenerate(project, preview)  # quick: the edited page only
    assert preview.behind
    assert "LIVE diffusion" in (project.docs_dir / "papers" / "protein-design-by-diffusion.md").read_text()
    assert "LIVE diffusion" not in (project.docs_dir / "all-papers.md").read_text()

    regenerate(project, preview)  # full: every page as a build makes it
    assert not preview.behind
    assert {p.relative_to(project.docs_dir).as_posix(): p.read_text(encoding="utf-8")
            for p in project.docs_dir.rglob("*") if p.is_file()} == gather(project)[2]


def test_the_memo_keeps_only_what_the_last_round_used():
    from generator.memo import RoundMemo

    memo = RoundMemo()
    assert memo.get("a", lambda: 1) == 1
    memo.next_round()
    assert memo.get("a", lambda: 2) == 1  # remembered from the previous round
    assert memo.get("b", lambda: 3) == 3
    memo.next_round()
    memo.next_round()
    assert memo.get("a", lambda: 4) == 4  # two rounds unused: forgotten


def test_the_live_preview_shows_an_edit_quickly_then_completes_it(fixture_project: Path, tmp_path: Path):
    """The real `readinglist serve`: an edit shows on its page after a quick rebuild, one full rebuild
    follows (themes and indexes), and writing the generated pages sets off no other rebuild (the preview
    watches the content, not build/docs)."""
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log_path = tmp_path / "serve.log"
    url = f"http://127.0.0.1:{port}/papers/protein-design-by-diffusion.html"

    def page(address: str = url) -> str:
        try:
            with urllib.request.urlopen(address, timeout=2) as response:
                return response.read().decode("utf-8")
        except OSError:
            return ""

    def index_page() -> str:
        return page(f"http://127.0.0.1:{port}/all-papers.html")

    def wait_for(condition, seconds: float = 90) -> bool:
        deadline = time.time() + seconds
        while time.time() < deadline:
            if condition():
                return True
            time.sleep(0.2)
        return False

    with open(log_path, "w") as log:
        server = subprocess.Popen([str(Path(sys.executable).parent / "readinglist"), "serve", "--project",
                                   str(fixture_project), "--dev-addr", f"127.0.0.1:{port}"], stdout=log, stderr=log,
                                  env={**os.environ, "CI": "1"})
    try:
        assert wait_for(lambda: "Protein design by diffusion" in page()), log_path.read_text()
        time.sleep(1.5)
        builds_before = log_path.read_text().count("Building documentation")
        entry = fixture_project / "content" / "papers" / "protein-design-by-diffusion.yml"
        entry.write_text(entry.read_text().replace("Protein design by diffusion", "Protein design by LIVE diffusion"))
        assert wait_for(lambda: "LIVE diffusion" in page()), log_path.read_text()
        assert wait_for(lambda: "LIVE diffusion" in index_page()), log_path.read_text()  # the full rebuild
        time.sleep(3)  # time enough for another rebuild to start, were one set off
        log = log_path.read_text()
        assert log.count("Building documentation") == builds_before + 2, log
        assert "showing the edit of protein-design-by-diffusion first" in log
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_serve_refuses_a_taken_address_before_building_and_a_malformed_one(fixture_project: Path):
    """Another preview on the port was reported as an internal error after a full build; 'nonsense' as MkDocs'
    bare "Aborted with a configuration error!"."""
    import socket

    from click.testing import CliRunner

    from generator.cli import cli

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--project", str(fixture_project),
                                          "--dev-addr", f"127.0.0.1:{port}"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"cannot serve on 127.0.0.1:{port}: something already listens there (another preview?); stop it, or " \
           f"serve on another port: readinglist serve --dev-addr 127.0.0.1:{port + 1}" in result.output
    assert not (fixture_project / "build").exists()   # refused before the first build
    for wrong in ("nonsense", "127.0.0.1:99999", "127.0.0.1"):
        result = CliRunner().invoke(cli, ["serve", "--project", str(fixture_project), "--dev-addr", wrong])
        assert result.exit_code == 2
        assert f"expected host:port, such as 127.0.0.1:8000, found '{wrong}'" in result.output
