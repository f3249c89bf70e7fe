"""Background jobs: one small seam between a service and whatever runs its slow work.

A job is a function named by its dotted path (``"app.services.report_pack.run"``) and a few plain
arguments; it is called with one more keyword, ``runner``, saying how it came to run. `JOBS_MODE`
chooses how (app/config.py):

- ``"rq"``: on the RQ queue ``JOBS_QUEUE`` in the Redis at ``JOBS_REDIS_URL``, run by ``flask worker``
  (`work`). If that Redis cannot be reached when the job is queued, the job runs in a thread of this
  server instead (runner ``"fallback"``), so nothing waits for a queue that is down.
- ``"thread"``: in a thread of this server with an app context of its own (runner ``"in-process"``);
  what ``make run`` uses, with no worker to start. The request that queues it never waits for it.
- ``"sync"``: at once, before `enqueue` returns (runner ``"in-process"``); for tests.

Every job must be safe to run twice and must record its own failure: `enqueue` never raises for the job.

A job runs under the request id of the request that queued it (its log lines and audit records carry it:
app/request_ids.py), or under ``job-<id>`` of its own when a command queued it.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from flask import Flask, current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Worker, get_current_job

from app import request_ids
from app.extensions import db

log = logging.getLogger(__name__)

Runner = Literal["worker", "in-process", "fallback"]
Arg = int | str

# Threads started by this process, so a test (or a clean shutdown) can wait for them: `join_threads`.
_threads: list[threading.Thread] = []
_threads_lock = threading.Lock()


@dataclass(frozen=True)
class Enqueued:
    """Where a job went: "worker" (queued for `flask worker`), "in-process", or "fallback" (queue down)."""

    runner: Runner
    problem: str = ""  # why the queue was not used, for the log and the operator


def enqueue(target: str, *args: Arg) -> Enqueued:
    """Run `target(*args, runner=...)` in the background as `JOBS_MODE` says; see the module's docstring."""
    _resolve(target)  # a misspelt name fails here, in the caller's tests, not later in a worker
    origin = request_ids.carried()
    mode = current_app.config.get("JOBS_MODE", "thread")
    if mode == "sync":
        _call(target, args, "in-process")
        return Enqueued("in-process")
    if mode == "rq":
        try:
            queue().enqueue_call(
                perform_queued,
                args=(target, *args),
                kwargs={"request_id": origin},
                timeout=int(current_app.config.get("JOBS_TIMEOUT", 1800)),
                result_ttl=3600,
                failure_ttl=7 * 24 * 3600,
                description=f"{target}{args!r}",
            )
            return Enqueued("worker")
        except (RedisError, OSError) as error:
            problem = f"the job queue could not be reached ({type(error).__name__}: {error})"
            log.warning("Running %s%r on this server: %s", target, args, problem)
            _start_thread(target, args, "fallback", origin)
            return Enqueued("fallback", problem)
    _start_thread(target, args, "in-process", origin)
    return Enqueued("in-process")


def connection() -> Redis:
    """The queue's Redis; connecting fails fast, so a request that queues a job is not held up by a dead Redis."""
    url = current_app.config.get("JOBS_REDIS_URL") or ""
    if not url:
        raise RuntimeError("No job queue is configured: set JOBS_REDIS_URL (or REDIS_URL)")
    return Redis.from_url(url, socket_connect_timeout=2, socket_timeout=10)


def queue() -> Queue:
    return Queue(current_app.config.get("JOBS_QUEUE", "tracker"), connection=connection())


def worker() -> Worker:
    """An RQ worker on the configured queue. Each job runs in a forked child that inherits this app context."""
    jobs = queue()
    return Worker([jobs], connection=jobs.connection)


def perform_queued(target: str, *args: Arg, request_id: str = "") -> None:
    """What the RQ worker runs (in its forked child): the job, with a database pool of the child's own."""
    db.engine.dispose(close=False)  # the parent's pooled connections are not ours to use or to close
    job = get_current_job()
    try:
        with request_ids.running_as(request_id or f"job-{job.id if job else request_ids.new()}"):
            _call(target, args, "worker")
    finally:
        db.session.remove()


def join_threads(timeout: float | None = None) -> None:
    """Wait for the jobs this process started in threads (tests use it; so could a clean shutdown)."""
    with _threads_lock:
        running = list(_threads)
    for thread in running:
        thread.join(timeout)


def _resolve(target: str) -> Callable[..., Any]:
    module_name, _, name = target.rpartition(".")
    if not module_name.startswith("app."):
        raise ValueError(f"A job must be a function of this app, not {target!r}")
    function = getattr(importlib.import_module(module_name), name, None)
    if not callable(function):
        raise ValueError(f"No such job: {target}")
    return function  # type: ignore[no-any-return]


def _call(target: str, args: tuple[Arg, ...], runner: Runner) -> None:
    _resolve(target)(*args, runner=runner)


def _start_thread(target: str, args: tuple[Arg, ...], runner: Runner, origin: str) -> None:
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    request_id = origin or f"job-{request_ids.new()}"
    thread = threading.Thread(
        target=_in_own_context, args=(app, target, args, runner, request_id), name=f"job {target}", daemon=True
    )
    with _threads_lock:
        _threads[:] = [t for t in _threads if t.is_alive()]
        _threads.append(thread)
    thread.start()


def _in_own_context(app: Flask, target: str, args: tuple[Arg, ...], runner: Runner, request_id: str) -> None:
    with app.app_context(), request_ids.running_as(request_id):
        try:
            _call(target, args, runner)
        except Exception:  # a job records its own failure; this is the last word, in the log
            log.exception("Background job %s%r failed", target, args)
        finally:
            db.session.remove()
