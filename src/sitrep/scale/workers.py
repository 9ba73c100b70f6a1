"""One machine, all cores: a stage's per-document work runs in worker processes, in batches,
and comes back in the order it went out, so that the one writer (the calling process) stores
exactly what a single process would store, in the same order.

* **Spawned** workers (not forked): the writer holds an open SQLite connection and maybe
  threads, which a fork would copy in an unknown state. Each worker runs the stage's
  initializer once (loads the spaCy model, the annotators, the gazetteer), then batches.
* **Bounded**: at most ``IN_FLIGHT_PER_WORKER`` batches per worker are out at once, and the
  input is read only as fast as results are stored, so memory depends on the batch size and
  the number of workers, never on the size of the corpus.
* **Stops cleanly**: Ctrl-C is the writer's to handle (workers ignore SIGINT; the writer
  keeps what it stored and stops the pool); a worker whose writer died exits by itself; a
  worker that dies (killed, out of memory) makes the run stop with ``WorkerCrashed`` after
  keeping everything stored before it: the next run does the rest.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from ..errors import SitrepError
from ..settings import default_workers

T = TypeVar("T")
P = TypeVar("P")
R = TypeVar("R")

START_METHOD = "spawn"
# Batches out per worker: one being worked on, one waiting, so that no worker idles while the
# writer stores a result; more would only hold more documents in memory.
IN_FLIGHT_PER_WORKER = 2
# How often a worker checks that the process that started it is still alive.
PARENT_CHECK_SECONDS = 1.0


class WorkerCrashed(SitrepError):
    """A worker process died (killed, out of memory, or crashed inside native code)."""


def check_workers(workers: int | None) -> None:
    if workers is not None and workers < 1:
        raise SitrepError(f"workers (--workers, SITREP_WORKERS) must be 1 or more, not "
                          f"{workers}; 1 runs everything in this process")


def plan_workers(requested: int | None, documents: int, *, batch_size: int,
                 min_documents_per_worker: int) -> int:
    """Worker processes worth starting for ``documents`` (1: work in this process).

    An explicit number is kept, up to one worker per batch; the default (None: all cores)
    starts a worker only for each ``min_documents_per_worker`` documents, since every worker
    first pays a model load."""
    check_workers(requested)
    batches = math.ceil(documents / batch_size)
    if requested is None:
        return max(1, min(default_workers(), documents // min_documents_per_worker, batches))
    return max(1, min(requested, batches))


@dataclass
class _Batch(Generic[T, P, R]):
    items: list[tuple[T, bool]] = field(default_factory=list)  # (item, has work)
    payloads: list[P] = field(default_factory=list)
    future: Future[list[R]] | None = None
    results: list[R] | None = None  # computed in this process, or no work at all

    @property
    def waiting(self) -> bool:
        """Has work that is neither done here nor handed to a worker yet."""
        return bool(self.payloads) and self.future is None and self.results is None

    @property
    def ready(self) -> bool:
        return self.results is not None or (self.future is not None and self.future.done())


def ordered_map(items: Iterable[T], fn: Callable[[list[P]], list[R]], *, workers: int,
                batch_size: int, work: Callable[[T], P | None] | None = None,
                initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = (),
                start_after: int = 0) -> Iterator[tuple[T, R | None]]:
    """``(item, result)`` for every item, in the order of ``items``.

    ``work(item)`` is what a worker needs for the item (default: the item itself), or None
    when the item needs no work (it then comes back in its place with result None, without
    leaving this process). ``fn`` (a module-level function: it is sent to the workers by
    name) maps a batch of those payloads to one result each, in order; ``initializer`` runs
    once in each worker before its first batch.

    The pool starts only once more than ``start_after`` items need work; when the input
    ends first, the little there is runs here (after ``initializer``), saving the start-up.
    Close the generator (``contextlib.closing``) to stop the workers early.
    """
    check_workers(workers)
    pool = _Pool(workers, initializer, initargs)
    queue: deque[_Batch[T, P, R]] = deque()
    limit = workers * IN_FLIGHT_PER_WORKER
    batch: _Batch[T, P, R] = _Batch()
    needing_work = 0
    finished = False
    try:
        for item in items:
            payload = item if work is None else work(item)
            batch.items.append((item, payload is not None))
            if payload is not None:
                batch.payloads.append(payload)
                needing_work += 1
            if len(batch.items) < batch_size:
                continue
            _close(batch, queue)
            batch = _Batch()
            if pool.executor is None and (needing_work > start_after or len(queue) > limit):
                pool.start()
            if pool.executor is not None:
                pool.submit_waiting(queue, fn)
            while queue and (len(queue) > limit or queue[0].ready):
                yield from _unpack(queue.popleft())
        if batch.items:
            _close(batch, queue)
        if pool.executor is None and any(b.waiting for b in queue):
            if needing_work > start_after:
                pool.start()
            else:
                if initializer is not None:
                    initializer(*initargs)
                for b in queue:
                    if b.waiting:
                        b.results = fn(b.payloads)
        if pool.executor is not None:
            pool.submit_waiting(queue, fn)
        while queue:
            yield from _unpack(queue.popleft())
        finished = True
    finally:
        pool.close(wait=finished)


def _close(batch: _Batch[T, P, R], queue: deque[_Batch[T, P, R]]) -> None:
    if not batch.payloads:
        batch.results = []  # nothing to do: ready as soon as the batches before it are
    queue.append(batch)


def _unpack(batch: _Batch[T, P, R]) -> Iterator[tuple[T, R | None]]:
    if batch.results is not None:
        results = batch.results
    elif batch.future is not None:
        try:
            results = batch.future.result()
        except BrokenProcessPool as exc:
            raise WorkerCrashed(
                "a worker process stopped unexpectedly (killed, or out of memory?); "
                "everything stored before it is kept: run the same command again to "
                "finish") from exc
    else:
        results = []
    given = iter(results)
    for item, has_work in batch.items:
        yield item, (next(given) if has_work else None)


class _Pool:
    def __init__(self, workers: int, initializer: Callable[..., None] | None,
                 initargs: tuple[Any, ...]):
        self.workers = workers
        self.initializer = initializer
        self.initargs = initargs
        self.executor: ProcessPoolExecutor | None = None

    def start(self) -> None:
        self.executor = ProcessPoolExecutor(
            self.workers, mp_context=multiprocessing.get_context(START_METHOD),
            initializer=_start_worker, initargs=(os.getpid(), self.initializer, self.initargs))

    def submit_waiting(self, queue: Iterable[_Batch[Any, P, R]],
                       fn: Callable[[list[P]], list[R]]) -> None:
        assert self.executor is not None
        for batch in queue:
            if batch.waiting:
                batch.future = self.executor.submit(_run_batch, fn, batch.payloads)

    def close(self, *, wait: bool) -> None:
        if self.executor is None:
            return
        if wait:
            self.executor.shutdown(wait=True)
            return
        # Stopped early (Ctrl-C, an error, a dead worker): drop the queued batches and end
        # the running ones now rather than after their batch. ProcessPoolExecutor has no
        # public way to do this before Python 3.14 (terminate_workers); its process table
        # is read before shutdown() forgets it.
        terminate = getattr(self.executor, "terminate_workers", None)
        if terminate is not None:
            terminate()
            return
        processes = list((getattr(self.executor, "_processes", None) or {}).values())
        self.executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(timeout=5)


# -- in the worker process --------------------------------------------------------------------
_init_error: Exception | None = None


def _start_worker(parent: int, initializer: Callable[..., None] | None,
                  initargs: tuple[Any, ...]) -> None:
    global _init_error
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the writer's to handle
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True,
                     name="sitrep-parent-watch").start()
    if initializer is not None:
        try:
            initializer(*initargs)
        except Exception as exc:  # reported with the first batch, so the writer shows it
            _init_error = exc


def _exit_with_parent(parent: int) -> None:
    """A worker whose writer died (kill -9) has no one to send results to: it exits."""
    while True:
        time.sleep(PARENT_CHECK_SECONDS)
        if os.getppid() != parent:
            os._exit(1)


def _run_batch(fn: Callable[[list[P]], list[R]], payloads: list[P]) -> list[R]:
    if _init_error is not None:
        raise _init_error
    return fn(payloads)
