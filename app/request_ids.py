"""The request id: one reference that ties a request's log lines, its audit records and its error page together.

In a request it is the incoming `X-Request-ID` when that is well-formed (nginx's `$request_id`, a load
balancer's trace id), else a new one, and the response sends it back (app/web/request_log.py). Outside a
request, a background job runs under the id of the request that queued it, or `job-...` of its own
(app/services/jobs.py `running_as`); anything else in the process (a `flask` command) shares one `cli-...`.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import g, has_request_context, request

HEADER = "X-Request-ID"
# What is taken from outside: 8 to 64 letters, digits, dots, underscores and hyphens (no spaces, no quotes, no
# newlines, so it is safe in a log line, a header and a CSV cell); 64 is the audit column's width.
WELL_FORMED = re.compile(r"[A-Za-z0-9._-]{8,64}")

_outside_request: ContextVar[str] = ContextVar("request_id_outside_request", default="")
_process_ids: dict[int, str] = {}  # by pid: a gunicorn worker forked from the master gets an id of its own


def new() -> str:
    return uuid.uuid4().hex


def accepted(incoming: str | None) -> str:
    """The incoming id if it is well-formed, else a new one."""
    return incoming if incoming and WELL_FORMED.fullmatch(incoming) else new()


def current() -> str:
    """This request's id, the job's, or this process's `cli-...`."""
    if has_request_context():
        found = g.get("request_id")
        if found is None:  # asked before app/web/request_log.py's hook ran, or in a test's request context
            found = g.request_id = accepted(request.headers.get(HEADER))
        return str(found)
    return _outside_request.get() or _process()


def carried() -> str:
    """The id a job queued now should run under: this request's or this job's; empty from a `flask` command."""
    if has_request_context():
        return current()
    return _outside_request.get()


@contextmanager
def running_as(request_id: str) -> Iterator[None]:
    """Outside a request (a job's thread or worker), log and audit under `request_id`."""
    token = _outside_request.set(request_id)
    try:
        yield
    finally:
        _outside_request.reset(token)


def _process() -> str:
    pid = os.getpid()
    found = _process_ids.get(pid)
    if found is None:
        found = _process_ids[pid] = "cli-" + uuid.uuid4().hex[:16]
    return found
