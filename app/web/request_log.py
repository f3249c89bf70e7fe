"""One log line per request, and the request id sent back with every response.

The line: request_id, user_id (the signed-in person's, when the request looked at the session; null
otherwise), method, route (the URL rule, such as /actions/<int:action_id>, so lines group by page), path
(without the query string, which may hold what someone searched for), status and duration_ms (until the
response was made; a streamed CSV goes on after it). Cheap on purpose: two hooks, no query, one line.
Static files and the health check are not logged unless they fail: a page asks for several files, and a
load balancer asks for /healthz every few seconds.
"""

from __future__ import annotations

import time

import structlog
from flask import Flask, Response, g, request

from app import request_ids

QUIET_ENDPOINTS = frozenset({"static", "healthz"})

log = structlog.get_logger()


def register_request_log(app: Flask) -> None:
    """Called before any other extension adds hooks: the id is set before theirs run, the line after."""
    app.before_request(_start)
    app.after_request(_finish)  # after_request hooks run last-registered first: this one runs last


def _start() -> None:
    g.request_id = request_ids.accepted(request.headers.get(request_ids.HEADER))
    g.request_started = time.perf_counter()


def _finish(response: Response) -> Response:
    response.headers[request_ids.HEADER] = request_ids.current()
    if request.endpoint in QUIET_ENDPOINTS and response.status_code < 400:
        return response
    started = g.get("request_started")
    user = g.get("_login_user")  # Flask-Login's, only if the request loaded it: never a query of its own
    (log.error if response.status_code >= 500 else log.info)(
        "request",
        logger="app.requests",
        user_id=user.id if user is not None and user.is_authenticated else None,
        method=request.method,
        route=request.url_rule.rule if request.url_rule is not None else None,
        path=request.path,
        status=response.status_code,
        duration_ms=round((time.perf_counter() - started) * 1000, 1) if started is not None else None,
    )
    return response
