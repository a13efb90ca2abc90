"""Python's cycle collector on long lists: millions of objects that live to the end of the build.

A full collection walks every tracked object, so on 100,000 papers each one costs more than the last.
Nothing the pipeline builds makes reference cycles, so these keep the collector out of the way.
"""
from __future__ import annotations

import contextlib
import gc


@contextlib.contextmanager
def no_cycle_collection():
    """No automatic collection within the block (for code that allocates much and makes no cycles)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def collector_skips_what_exists():
    """Hide every object alive now, and those frozen within the block, from the collector until the block
    ends.

    Page workers forked meanwhile also keep more of their memory shared with this process, as the
    collector no longer writes to those objects.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
