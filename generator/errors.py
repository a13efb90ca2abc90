"""The small family of errors the CLI turns into a message and an exit code, never a traceback."""
from __future__ import annotations

from dataclasses import dataclass

import click


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or doubtful) in one input file, located as precisely as we can."""

    path: str
    line: int | None
    key: str | None
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        what = f"{self.key}: {self.message}" if self.key else self.message
        label = "" if self.severity == "error" else f"{self.severity}: "
        return f"{where}: {label}{what}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def sort_key(self) -> tuple:
        """Problems are listed by file, then line (unlocated ones first), then key."""
        return (self.path, self.line or 0, self.key or "", self.message, self.severity)

    def __lt__(self, other: "Problem") -> bool:
        return self.sort_key() < other.sort_key()


class ReadingListError(click.ClickException):
    """Base of every error meant for the user; the CLI prints it and exits with 1."""

    exit_code = 1

    def show(self, file=None) -> None:
        click.echo(f"Error: {self.format_message()}", err=True, file=file)


class ContentError(ReadingListError):
    """The content (entries, themes or site config) has problems; carries all of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=Problem.sort_key)
        errors = sum(p.is_error for p in self.problems)
        warnings = len(self.problems) - errors
        summary = f"{errors} problem{'s' if errors != 1 else ''} in the content" + (
            f" (and {warnings} warning{'s' if warnings != 1 else ''})" if warnings else "")
        super().__init__("\n".join([summary + ":"] + [f"  {p}" for p in self.problems]))


class BuildError(ReadingListError):
    """MkDocs could not render the generated pages."""


def not_utf8(error: UnicodeDecodeError) -> tuple[int, str]:
    """Where a text that is not UTF-8 first breaks it (its line) and what to do: 'byte 0xE9 at column 10 is not
    UTF-8 ...; save the file as UTF-8'. Such files are most often Latin-1 or Windows-1252, as older editors save."""
    data = error.object
    line = data.count(b"\n", 0, error.start) + 1
    column = error.start - data.rfind(b"\n", 0, error.start)
    return line, (f"is not UTF-8 text: byte 0x{data[error.start]:02X} at column {column} is not UTF-8 "
                  f"({error.reason}); the file may be in Latin-1 or Windows-1252: save it as UTF-8")
