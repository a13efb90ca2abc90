"""Progress bars for the long stages of large builds: shown on a terminal, silent in CI and pipes."""
from __future__ import annotations

import os
import sys
from typing import Iterable, Iterator, TypeVar

T = TypeVar("T")
# Below this many items a stage takes a second or less, and a bar would only flicker.
SHOW_FROM = 2_000


def wanted(total: int) -> bool:
    """Bars only for long stages, when someone watches a terminal, and never in CI."""
    return total >= SHOW_FROM and sys.stderr.isatty() and not os.environ.get("CI")


def progress(batches: Iterable[list[T]], total: int, label: str) -> Iterator[list[T]]:
    """The batches as they come, with a bar on stderr counting their items when `wanted`."""
    if not wanted(total):
        yield from batches
        return
    from tqdm import tqdm

    with tqdm(total=total, desc=label, unit=" pages", leave=False, file=sys.stderr) as bar:
        for batch in batches:
            bar.update(len(batch))
            yield batch
