"""Running a build's tasks on every core.

Worker processes are forked after the shared set-up (project, settings, catalogs read,
drawing libraries imported), so each starts with all of it in memory and nothing is read
twice. Tasks go out longest first (by the last build's timings, else an estimate), so
the cores finish together; results come back as they finish, and the build writes them
in its own order, so the bytes never depend on which process made them.

Where processes cannot be forked (Windows), or with ``jobs=1``, tasks run in this
process, through the same code.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_WORK: Callable | None = None  # the work function, inherited by forked workers
_TASKS: Sequence = ()


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


class Failure(Generic[T]):
    """An exception a task raised, carried back to the parent whole."""

    def __init__(self, error: BaseException):
        self.error = error


def _run(index: int):
    assert _WORK is not None
    try:
        return index, _WORK(_TASKS[index])
    except Exception as error:  # returned, not raised: the parent raises it in task order
        return index, Failure(error)


def run_tasks(tasks: Sequence[T], work: Callable[[T], R], *, jobs: int,
              cost: Callable[[T], float] | None = None) -> Iterator[tuple[int, R]]:
    """``work(task)`` for each task, as ``(index, result)`` in the order they finish.

    If tasks fail, the run still finishes, and then the exception of the earliest failed
    task (in ``tasks`` order) is raised: the same error whatever the number of processes
    or the order they finished in. (The results of a failed run are thrown away.)"""
    global _WORK, _TASKS
    order = sorted(range(len(tasks)), key=lambda i: (-(cost(tasks[i]) if cost else 0.0), i))
    workers = min(jobs, len(tasks))
    failures: list[tuple[int, BaseException]] = []
    if workers <= 1 or not can_fork():
        for index in order:
            try:
                result = work(tasks[index])
            except Exception as error:
                failures.append((index, error))
                continue
            if not failures:
                yield index, result
    else:
        _WORK, _TASKS = work, tasks
        finished = False
        pool = multiprocessing.get_context("fork").Pool(processes=workers)
        try:
            for index, result in pool.imap_unordered(_run, order, chunksize=1):
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
            _WORK, _TASKS = None, ()
    if failures:
        raise min(failures, key=lambda failure: failure[0])[1]


__all__ = ["run_tasks", "default_jobs", "can_fork"]
