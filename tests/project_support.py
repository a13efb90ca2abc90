"""A tiny project on disk for CLI tests: entries written from YAML text, run through CliRunner."""
from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from generator.cli import cli

HEADER = "# yaml-language-server: $schema=../../schema/paper.schema.json\n"
ENTRIES = {
    "attention-is-all-you-need": "title: Attention Is All You Need\nyear: 2017\n"
                                 "url: https://arxiv.org/abs/1706.03762\ntags: [transformers]\n"
                                 "abstract: The dominant sequence transduction models use attention.\n",
    "grokking-generalization-beyond-overfitting": "title: 'Grokking: Generalization Beyond Overfitting'\n"
                                                  "doi: 10.48550/arXiv.2201.02177\n"
                                                  "abstract: Small algorithmic datasets and delayed generalization.\n",
    "deep-residual-learning": "title: Deep Residual Learning for Image Recognition\narxiv: '1512.03385'\n"
                              "abstract: Residual networks ease the training of very deep image classifiers.\n",
}


# Two curated themes for the fixture entries (content/themes.yml).
THEMES = ("themes:\n  - slug: transformers\n    name: Transformers\n    description: Attention and language models.\n"
          "  - slug: vision\n    name: Vision\n    description: Image classification networks.\n")


def make_project(root: Path, entries: dict[str, str] | None = None, files: dict[str, str] | None = None) -> Path:
    """A project folder with site_config.yml, the given entries (id -> YAML body) and other files."""
    papers = root / "content" / "papers"
    papers.mkdir(parents=True)
    (root / "site_config.yml").write_text("site:\n  name: Test list\n")
    for paper_id, body in (ENTRIES if entries is None else entries).items():
        (papers / f"{paper_id}.yml").write_text(HEADER + body, encoding="utf-8")
    for rel, text in (files or {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def run(root: Path, *args: str, input: str | None = None, env: dict | None = None):
    """Run `readinglist ARGS --project ROOT` in-process; the result has exit_code, stdout, stderr."""
    command, rest = args[0], args[1:]
    return CliRunner().invoke(cli, [command, "--project", str(root), *rest], input=input,
                              env={"GITHUB_ACTIONS": None, **(env or {})}, catch_exceptions=False)
