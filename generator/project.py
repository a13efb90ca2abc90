"""Where a project's inputs and outputs live: one folder holding site_config.yml and content/."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

BUNDLED_THEME = Path(__file__).resolve().parent.parent / "theme"


@dataclass(frozen=True)
class Project:
    """The paths of one reading-list project; outputs are made inside it."""

    root: Path

    @property
    def config_file(self) -> Path:
        return self.root / "site_config.yml"

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def papers_dir(self) -> Path:
        return self.content_dir / "papers"

    @property
    def themes_file(self) -> Path:
        return self.content_dir / "themes.yml"

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    @property
    def docs_dir(self) -> Path:
        return self.build_dir / "docs"

    @property
    def cache_dir(self) -> Path:
        """What builds keep for the next one (sentence embeddings by text)."""
        return self.build_dir / "cache"

    @property
    def mkdocs_file(self) -> Path:
        return self.build_dir / "mkdocs.yml"

    @property
    def site_dir(self) -> Path:
        return self.root / "site"

    @property
    def theme_dir(self) -> Path:
        """The project's own theme/ when it has one, else the theme shipped with the tool."""
        own = self.root / "theme"
        return own if (own / "pages").is_dir() else BUNDLED_THEME

    def relative(self, path: Path) -> str:
        """A path as the contributor sees it: relative to the project folder."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()
