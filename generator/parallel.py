"""Rendering many pages on every core: a fork-based pool over contiguous slices, results in input order.

Workers inherit the job (templates, catalog, grouping) through fork instead of receiving it pickled,
so each task is just a pair of indexes. Where fork is unavailable, or the job is small, it runs here.
"""
from __future__ import annotations

import multiprocessing
import os
from typing import Callable, Iterator, Sequence, TypeVar

from generator.collector import no_cycle_collection

T = TypeVar("T")
R = TypeVar("R")
# Below this many items, starting processes costs more than it saves.
PARALLEL_FROM = 500
# Callers put the longest jobs first: those go one per task so no worker is left with all of them;
# the rest go in slices, so the cost of passing tasks and results stays small.
SINGLES = 100
SLICE = 100

_job: tuple[Callable, Sequence] | None = None


def _run_slice(bounds: tuple[int, int]) -> list:
    function, items = _job
    return [function(item) for item in items[bounds[0]:bounds[1]]]


def worker_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether work can go to forked processes here: more than one core, and fork available."""
    return worker_count() > 1 and "fork" in multiprocessing.get_all_start_methods()


def slice_bounds(count: int) -> list[tuple[int, int]]:
    """The first SINGLES items one by one, then slices of SLICE."""
    singles = [(i, i + 1) for i in range(min(SINGLES, count))]
    return singles + [(start, min(start + SLICE, count)) for start in range(len(singles), count, SLICE)]


def parallel_map(function: Callable[[T], R], items: Sequence[T], parallel: bool = True,
                 from_items: int | None = None) -> Iterator[list[R]]:
    """`function` over `items`, yielded slice by slice in order (so a caller can show progress);
    `parallel=False`, or fewer than `from_items` items (PARALLEL_FROM unless given), keeps every call
    in this process (so it can change this process's state)."""
    global _job
    slices = slice_bounds(len(items))
    if not parallel or len(items) < (PARALLEL_FROM if from_items is None else from_items) or not can_fork():
        for start, stop in slices:
            yield [function(item) for item in items[start:stop]]
        return
    _job = (function, items)
    try:
        with multiprocessing.get_context("fork").Pool(worker_count()) as pool:
            yield from pool.imap(_run_slice, slices)
    finally:
        _job = None


def _call(job: tuple[str, Callable[[], str]]) -> str:
    return job[1]()


def run_jobs(jobs: list[tuple[str, Callable[[], str]]], label: str, parallel: bool = True,
             deliver: Callable[[str, str], R] | None = None) -> dict[str, str | R]:
    """Run (path, make text) jobs, on every core for long lists unless told otherwise, with a progress
    bar on a terminal. Returns each path's text or, given `deliver`, what deliver(path, text) returns:
    it runs where the text was made, so the text itself need not be passed back.

    The cycle collector is off meanwhile, here and in the workers forked here: rendering pages makes no
    reference cycles (a collection after 5,000 pages rendered without it found nothing to free), and its
    passes took 4-7% of the rendering time.
    """
    from generator.progress import progress

    call = _call if deliver is None else (lambda job: deliver(job[0], job[1]()))
    with no_cycle_collection():
        results = [result for batch in progress(parallel_map(call, jobs, parallel), len(jobs), label)
                   for result in batch]
    return {path: result for (path, _), result in zip(jobs, results)}


_background: Callable | None = None


def _run_background():
    return _background()


def in_background(function: Callable[[], R]) -> Callable[[], R]:
    """Start function() in a forked process; the returned call waits for its result.

    Where fork is unavailable or there is one core, function() runs when its result is asked for.
    """
    global _background
    if not can_fork():
        return function
    _background = function
    try:
        pool = multiprocessing.get_context("fork").Pool(1)  # the worker is forked here, with _background set
    finally:
        _background = None
    result = pool.apply_async(_run_background)

    def wait() -> R:
        try:
            return result.get()
        finally:
            pool.terminate()
            pool.join()
    return wait


def alongside(function: Callable[[], None], niceness: int = 0) -> Callable[[], None]:
    """Start function() in a forked process, at this niceness, for what it does rather than a result; the
    returned call stops it, finished or not. Where fork is unavailable or there is one core nothing starts."""
    if not can_fork():
        return lambda: None

    def run() -> None:
        os.nice(niceness)
        function()
    process = multiprocessing.get_context("fork").Process(target=run, daemon=True)
    process.start()

    def stop() -> None:
        if process.is_alive():
            process.terminate()
        process.join()
    return stop
