"""Progress bars for the long stages of large builds: shown on a terminal, silent in CI and pipes."""
from __future__ import annotations

import logging
import os
import sys
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
# Below this many items a stage takes a second or less, and a bar would only flicker.
SHOW_FROM = 2_000


def watched() -> bool:
    """Someone watches a terminal, and this is not CI."""
    return sys.stderr.isatty() and not os.environ.get("CI")


def wanted(total: int, show_from: int = SHOW_FROM) -> bool:
    """Bars only for long stages, when someone watches a terminal, and never in CI."""
    return total >= show_from and watched()


def progress(batches: Iterable[list[T]], total: int, label: str, show_from: int = SHOW_FROM,
             unit: str = " pages") -> Iterator[list[T]]:
    """The batches as they come, with a bar on stderr counting their items when `wanted` (from `show_from`
    items: a stage whose items are slower than pages shows its bar sooner)."""
    if not wanted(total, show_from):
        yield from batches
        return
    from tqdm import tqdm

    with tqdm(total=total, desc=label, unit=unit, leave=False, file=sys.stderr) as bar:
        for batch in batches:
            bar.update(len(batch))
            yield batch


class _PageCounter(logging.Handler):
    """Counts MkDocs' "Reading:" and "Building page" debug lines into a bar (MkDocs has no progress hook)."""

    def __init__(self, bar, prefix: str):
        super().__init__(logging.DEBUG)
        self.bar, self.prefix = bar, prefix

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith(self.prefix):
            self.bar.update(1)


@contextmanager
def mkdocs_progress(count_pages: Callable[[], int]) -> Iterator[None]:
    """Bars for MkDocs reading and rendering the pages, when `wanted`; nothing otherwise (and then the
    pages are not counted)."""
    if not watched() or not wanted(pages := count_pages()):
        yield
        return
    from tqdm import tqdm

    logger = logging.getLogger("mkdocs.commands.build")
    level = logger.level
    with tqdm(total=pages, desc="MkDocs reading", unit=" pages", leave=False, file=sys.stderr) as reading, \
            tqdm(total=pages, desc="MkDocs rendering", unit=" pages", leave=False, file=sys.stderr) as rendering:
        handlers = [_PageCounter(reading, "Reading:"), _PageCounter(rendering, "Building page")]
        for handler in handlers:
            logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
        try:
            yield
        finally:
            logger.setLevel(level)
            for handler in handlers:
                logger.removeHandler(handler)
