"""Running a build's tasks on every core.

Worker processes are forked after the shared set-up (project, settings, catalogs read,
drawing libraries imported), so each starts with all of it in memory and nothing is read
twice. Tasks go out longest first (by the last build's timings, else an estimate), so
the cores finish together; results come back as they finish, and the build writes them
in its own order, so the bytes never depend on which process made them.

Where processes cannot be forked (Windows), or with ``jobs=1``, tasks run in this
process, through the same code.

Garbage collection is paced by tasks (``_collected_per_task``): Python's automatic
collector walked every object the process keeps (fonts, shaped runs, prepared texts:
hundreds of thousands) again and again as those caches grew, 0.8 s of a worker's CPU
in a full build. During a task it is off; after each one, a collection finds that
task's garbage (reference cycles: ReportLab's documents and canvases) and the objects
still alive are frozen (``gc.freeze``), so the next collection walks only what the
next task makes. Memory stays as it was (what a task leaves behind is collected; in
this process, after the last task, the collector takes over again as it was).
A run of a few tasks per worker (an edit's: ``UNCOLLECTED_TASKS``) is not collected at
all: a task leaves about 3 MB of garbage, and walking the objects a worker made (its
fonts, shaped runs) took 2-13 ms after each task, 40 ms of an edit's 1 s of drawing.
"""

from __future__ import annotations

import functools
import gc
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_WORK: Callable | None = None  # the work function, inherited by forked workers
_TASKS: Sequence = ()
_COLLECTED = True  # whether workers collect after each task (see UNCOLLECTED_TASKS)
UNCOLLECTED_TASKS = 12  # tasks per worker up to which a run is not collected


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    import multiprocessing  # here: a command that draws in one process does without it (5 ms)

    return "fork" in multiprocessing.get_all_start_methods()


class Failure(Generic[T]):
    """An exception a task raised, carried back to the parent whole."""

    def __init__(self, error: BaseException):
        self.error = error


def _collect() -> None:
    """A task's garbage collected; what survives it frozen (never walked again)."""
    gc.collect()
    gc.freeze()


def _start_worker() -> None:
    gc.disable()  # collected after each task instead (``_collect``)


def _run(index: int):
    assert _WORK is not None
    try:
        return index, _WORK(_TASKS[index])
    except Exception as error:  # returned, not raised: the parent raises it in task order
        return index, Failure(error)
    finally:
        if _COLLECTED:
            _collect()


@contextmanager
def _collected_per_task() -> Iterator[None]:
    """In this process: what it holds frozen (not collected: walking a big heap takes
    longer than a small build), no automatic collection while the tasks run, a
    collection after each (``_collect``); afterwards the collector as it was, the frozen
    objects back under its watch."""
    enabled = gc.isenabled()
    gc.disable()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()


def builds_without_automatic_collection(function: Callable[..., R]) -> Callable[..., R]:
    """``function`` (a whole build) runs with the collector off in this process: what
    makes reference cycles by the thousand (drawing a PDF) collects after each task,
    here or in a worker, and the rest of a build is short-lived. Automatic collections
    walked the set-up's fonts and caches (hundreds of thousands of objects) again and
    again: 0.2 s of a full build's serial time. Afterwards the collector is as it was
    (a process that builds again and again, ``build --watch``, collects between builds)."""

    @functools.wraps(function)
    def run(*args, **kwargs) -> R:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return run


def run_tasks(tasks: Sequence[T], work: Callable[[T], R], *, jobs: int,
              cost: Callable[[T], float] | None = None,
              meanwhile: Callable[[], None] | None = None,
              stop_on: tuple[type[BaseException], ...] = ()) -> Iterator[tuple[int, R]]:
    """``work(task)`` for each task, as ``(index, result)`` in the order they finish.

    ``meanwhile()`` runs in this process once the workers have started (while they take
    their first tasks, this process only waits); without workers, after the tasks.

    If tasks fail, the run still finishes, and then the exception of the earliest failed
    task (in ``tasks`` order) is raised: the same error whatever the number of processes
    or the order they finished in. (The results of a failed run are thrown away.) An
    exception of a type in ``stop_on`` (a disk that is full) stops the run at once: it is
    raised as soon as it comes, and no other task is started."""
    global _WORK, _TASKS, _COLLECTED
    order = sorted(range(len(tasks)), key=lambda i: (-(cost(tasks[i]) if cost else 0.0), i))
    workers = min(jobs, len(tasks))
    collected = len(tasks) > UNCOLLECTED_TASKS * max(1, workers)
    failures: list[tuple[int, BaseException]] = []
    if workers <= 1 or not can_fork():
        with _collected_per_task():
            for position, index in enumerate(order):
                try:
                    result = work(tasks[index])
                except stop_on:
                    raise
                except Exception as error:
                    failures.append((index, error))
                    continue
                finally:
                    if collected and position < len(order) - 1:  # after the last, the collector takes over
                        _collect()
                if not failures:
                    yield index, result
        if meanwhile is not None and not failures:
            meanwhile()
    else:
        _WORK, _TASKS, _COLLECTED = work, tasks, collected
        finished = False
        # Frozen before forking, as Python's documentation advises: the workers'
        # collections never walk what they inherit (nor copy its memory pages to do so).
        gc.freeze()
        import multiprocessing

        pool = multiprocessing.get_context("fork").Pool(processes=workers, initializer=_start_worker)
        try:
            results = pool.imap_unordered(_run, order, chunksize=1)
            if meanwhile is not None:
                meanwhile()
            for index, result in results:
                if isinstance(result, Failure) and isinstance(result.error, stop_on):
                    raise result.error  # the pool is terminated below: no task is left running
                if isinstance(result, Failure):
                    failures.append((index, result.error))
                elif not failures:
                    yield index, result
            finished = True
        finally:
            if finished:
                pool.close()
            else:
                pool.terminate()  # the caller stopped (an interrupt): no task is left running
            pool.join()
            gc.unfreeze()
            _WORK, _TASKS, _COLLECTED = None, (), True
    if failures:
        raise min(failures, key=lambda failure: failure[0])[1]


__all__ = ["run_tasks", "default_jobs", "can_fork", "builds_without_automatic_collection"]
