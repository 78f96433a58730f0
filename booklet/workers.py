"""Run language builds: in this process, or in a pool of worker processes that report their stages back.

No module state: a worker gets its stage-event queue with each task (a manager
queue, which pickles), and Ctrl-C terminates the pool at once.
"""
from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any

from .errors import BookletError

#: ``work(task, on_stage)`` builds one task; ``on_stage(stage)`` reports the stage it entered.
Work = Callable[[Any, Callable[[str], None]], Any]


def run(work: Work, tasks: Sequence, jobs: int | None, key: Callable[[Any], str],
        on_stage: Callable[[str, str], None], on_done: Callable[[Any], None]) -> list:
    """Run ``work`` on every task, in parallel processes when more than one job is allowed; collect all user errors."""
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(tasks)))
    if jobs == 1:
        outcomes = (_attempt(work, task, lambda stage, task=task: on_stage(key(task), stage)) for task in tasks)
        return _collect(outcomes, on_done)
    with multiprocessing.Manager() as manager:
        events = manager.Queue()
        listener = threading.Thread(target=_relay, args=(events, on_stage), daemon=True)
        listener.start()
        pool = multiprocessing.get_context().Pool(jobs, initializer=_ignore_interrupts)
        try:
            results = _collect(pool.imap_unordered(partial(_in_worker, work, key=key, events=events), tasks), on_done)
            pool.close()
        except BaseException:
            pool.terminate()          # Ctrl-C or a failure: stop every worker now
            raise
        finally:
            pool.join()
            events.put(None)
            listener.join(timeout=5)
    return results


def _ignore_interrupts() -> None:
    """Worker initializer: leave Ctrl-C to the main process, which terminates the pool."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _in_worker(work: Work, task, key: Callable[[Any], str], events) -> Any:
    """Build one task in a worker, sending its stage events to the main process."""
    return _attempt(work, task, lambda stage: events.put((key(task), stage)))


def _attempt(work: Work, task, on_stage: Callable[[str], None]) -> Any:
    """Build one task, returning its user errors instead of raising them across processes."""
    try:
        return work(task, on_stage)
    except BookletError as error:
        return error


def _relay(events, on_stage: Callable[[str, str], None]) -> None:
    """Main-process thread: pass the workers' stage events to ``on_stage`` until None arrives."""
    for event in iter(events.get, None):
        on_stage(*event)


def _collect(outcomes: Iterable, on_done: Callable[[Any], None]) -> list:
    """Sort outcomes into results and problems; raise the problems, or return the results."""
    results, problems = [], []
    for outcome in outcomes:
        if isinstance(outcome, BookletError):
            problems.extend(outcome.problems)
        else:
            results.append(outcome)
            on_done(outcome)
    if problems:
        raise BookletError(problems)
    return results

