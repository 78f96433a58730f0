"""Run language builds: in this process, or in worker processes that report their stages back.

No module state: each worker process is started with the two queues it uses
(tasks in; stage events and outcomes out), which is how multiprocessing shares
queues. Ctrl-C (or any failure) in the main process terminates the workers at once.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
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
    context = multiprocessing.get_context()
    todo, events = context.Queue(), context.Queue()
    for task in tasks:
        todo.put(task)
    workers = [context.Process(target=_serve, args=(work, key, todo, events), daemon=True) for _ in range(jobs)]
    # Ctrl-C is held back while the workers are forked (a signal inside fork's handlers is lost
    # to "Exception ignored" noise) and delivered as soon as they run; workers ignore it.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        for worker in workers:
            todo.put(None)                    # one stop sign per worker
            worker.start()
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    try:
        return _collect(_outcomes(events, len(tasks), on_stage), on_done)
    finally:
        for worker in workers:                # Ctrl-C or a failure: stop every worker now
            if worker.is_alive():
                worker.terminate()
            worker.join()
        todo.cancel_join_thread()             # tasks no worker took stay unsent: exiting must not wait to send them


def _serve(work: Work, key: Callable[[Any], str], todo, events) -> None:
    """Worker process: build tasks until the stop sign, sending stage events and outcomes to the main process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)      # Ctrl-C is the main process's to handle
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    for task in iter(todo.get, None):
        try:
            outcome = _attempt(work, task, lambda stage, task=task: events.put(("stage", key(task), stage)))
        except BaseException:                          # a bug: hand its traceback to the main process
            events.put(("crash", key(task), traceback.format_exc()))
            return
        events.put(("done", key(task), outcome))


def _outcomes(events, count: int, on_stage: Callable[[str, str], None]) -> Iterator:
    """Yield the workers' outcomes as they finish, passing their stage events to ``on_stage``."""
    finished = 0
    while finished < count:
        kind, name, payload = events.get()
        if kind == "stage":
            on_stage(name, payload)
        elif kind == "crash":
            raise RuntimeError(f"building {name} failed in a worker process:\n{payload}")
        else:
            finished += 1
            yield payload


def _attempt(work: Work, task, on_stage: Callable[[str], None]) -> Any:
    """Build one task, returning its user errors instead of raising them across processes."""
    try:
        return work(task, on_stage)
    except BookletError as error:
        return error


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
