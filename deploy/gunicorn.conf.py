"""gunicorn's settings for the tracker: `gunicorn -c deploy/gunicorn.conf.py wsgi:app` (systemd and the container).

Every value can be changed from the environment, so the file itself stays as shipped:

- GUNICORN_BIND (default 0.0.0.0:8000): where to listen; the systemd unit sets 127.0.0.1:8000, behind the proxy.
- WEB_CONCURRENCY or GUNICORN_WORKERS: how many worker processes (default 2 x cores + 1).
- FORWARDED_ALLOW_IPS (default 127.0.0.1): the proxies whose X-Forwarded-Proto gunicorn believes. The app's own
  TRUSTED_PROXIES decides which client address it records.

Requests are short: the committee documents are rendered by `flask worker`, never inside a request, so a request
still running after 60 seconds is stuck and its worker is replaced. The access log goes to stdout, one JSON
object per line; gunicorn's own messages go to stderr.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from typing import Any

from gunicorn.glogging import Logger, SafeAtoms


def _workers() -> int:
    for name in ("GUNICORN_WORKERS", "WEB_CONCURRENCY"):
        value = os.environ.get(name, "").strip()
        if value:
            if not value.isdigit() or int(value) < 1:
                raise ValueError(f"{name} must be a whole number of workers, 1 or more, not {value!r}")
            return int(value)
    return 2 * multiprocessing.cpu_count() + 1


class JsonAtoms(SafeAtoms):
    """The access log's values escaped for JSON: gunicorn escapes only double quotes, so a backslash or a control
    character in a path or a header would otherwise break the line's JSON."""

    def __init__(self, atoms: dict[str, Any]) -> None:
        dict.__init__(self)
        for key, value in atoms.items():
            self[key] = json.dumps(value)[1:-1] if isinstance(value, str) else value


class JsonAccessLogger(Logger):
    """gunicorn's logger, with JSON-escaped values and the time in ISO 8601 (UTC)."""

    atoms_wrapper_class = JsonAtoms

    def now(self) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


wsgi_app = "wsgi:app"
bind = [os.environ.get("GUNICORN_BIND", "").strip() or "0.0.0.0:8000"]
workers = _workers()
worker_class = "sync"
timeout = 60
graceful_timeout = 30
keepalive = 5  # seconds an idle connection from the proxy is kept open
max_requests = 1000  # a worker is replaced after this many requests (and a random few more: jitter) ...
max_requests_jitter = 100  # ... so the workers do not all restart at once
worker_tmp_dir = "/dev/shm"  # the heartbeat file in memory, not on a disk that may be slow or read-only
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "").strip() or "127.0.0.1"
# gunicornc's control socket only where GUNICORN_CONTROL_SOCKET names a place for it (the systemd unit: under
# /run/tracker); its default, in the home directory, is read-only under systemd and in the container.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "").strip() or "/run/tracker/gunicorn.ctl"
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET", "").strip()

logger_class = JsonAccessLogger
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "").strip() or "info"
# One JSON object per line (status and duration_ms as numbers, the rest as strings; "-" for what is missing).
# The request id is the X-Request-ID header as the client or proxy sent it, and as the app answered it (the id
# it gave the request, which its error page asks people to quote).
_QUOTED = {
    "request_id": "{x-request-id}i",
    "response_request_id": "{x-request-id}o",
    "remote_addr": "h",
    "forwarded_for": "{x-forwarded-for}i",
    "method": "m",
    "path": "U",
    "query": "q",
    "bytes": "b",
    "referer": "f",
    "user_agent": "a",
    "pid": "p",
}
access_log_format = (
    '{"time": "%(t)s", "event": "request", "status": %(s)s, "duration_ms": %(M)s, '
    + ", ".join(f'"{name}": "%({atom})s"' for name, atom in _QUOTED.items())
    + "}"
)
