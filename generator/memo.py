"""What the previous round of the live preview computed, by its inputs, so an edit redoes only what it changed.

A round is one regeneration. Each round keeps just the values it asked for, so the memo holds about one
round's worth and does not grow while a preview runs for hours.
"""
from __future__ import annotations

from typing import Callable, Hashable, TypeVar

V = TypeVar("V")


class RoundMemo:
    """Values by key: those of this round and of the previous one."""

    def __init__(self):
        self.previous: dict[Hashable, object] = {}
        self.current: dict[Hashable, object] = {}

    def get(self, key: Hashable, make: Callable[[], V]) -> V:
        """The value remembered for `key`, or make() remembered now."""
        if key in self.current:
            return self.current[key]
        value = self.previous[key] if key in self.previous else make()
        self.current[key] = value
        return value

    def next_round(self) -> None:
        self.previous, self.current = self.current, {}


class PreviewMemo:
    """The live preview's memos: validated entries by their text, rendered pages by their inputs."""

    def __init__(self):
        self.entries = RoundMemo()
        self.pages = RoundMemo()
