"""Logging: every line to stdout, as one JSON object (LOG_FORMAT=json, production's default) or readable text.

Two ways in, one look: structlog's own events (the request line, app/web/request_log.py) are rendered
straight to stdout, the cheap path, since one is written for every request; the standard library's
records (Flask's "Unhandled error" with its traceback, the job runner's warnings, RQ, flask-limiter) go
through the root logger's handler and the same renderer. Each line has the level, the logger's name, a UTC
timestamp and the request id of the request or job it belongs to (`app.request_ids.current`).

stdout is looked up at each line, so a test's captured stdout gets the lines, and every line is flushed as
it is written, so the lines of several gunicorn workers sharing one pipe never interleave mid-line.
"""

from __future__ import annotations

import logging
import sys
from typing import Any, TextIO

import structlog
from structlog.stdlib import ProcessorFormatter
from structlog.typing import EventDict, Processor

from app import request_ids

LEVEL = logging.INFO


def _add_request_id(_logger: Any, _method: str, event_dict: EventDict) -> EventDict:
    event_dict.setdefault("request_id", request_ids.current())
    return event_dict


_CHAINS: dict[str, list[Processor]] = {
    "json": [structlog.processors.format_exc_info, structlog.processors.JSONRenderer()],
    "console": [structlog.dev.ConsoleRenderer(colors=False)],
}
_chosen: list[Processor] = _CHAINS["console"]


def _render(logger: Any, method: str, event_dict: EventDict) -> Any:
    """The chosen format's renderer: switched by `configure`, so loggers structlog has cached follow it."""
    rendered: Any = event_dict
    for processor in _chosen:
        rendered = processor(logger, method, rendered)
    return rendered


_STAMP = structlog.processors.TimeStamper(fmt="iso", utc=True)


class _StdoutLogger:
    """structlog's output: one flushed write a line, to whatever sys.stdout is now."""

    def msg(self, message: str) -> None:
        out = sys.stdout
        out.write(message + "\n")
        out.flush()

    info = warning = error = critical = exception = debug = msg


def _stdout_logger(*_args: Any) -> _StdoutLogger:
    return _StdoutLogger()


class _Stdout(logging.StreamHandler[TextIO]):
    """The root logger's handler, on whatever sys.stdout is when the line is written."""

    @property
    def stream(self) -> TextIO:
        return sys.stdout

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def configure(log_format: str) -> None:
    """Log INFO and above to stdout in `log_format` ("json" or "console"); each app calls it, so it may repeat."""
    global _chosen
    _chosen = _CHAINS[log_format]
    structlog.configure(
        processors=[structlog.processors.add_log_level, _add_request_id, _STAMP, _render],
        logger_factory=_stdout_logger,
        wrapper_class=structlog.make_filtering_bound_logger(LEVEL),
        cache_logger_on_first_use=True,
    )
    root = logging.getLogger()
    if not any(isinstance(h, _Stdout) for h in root.handlers):
        handler = _Stdout()
        handler.setFormatter(
            ProcessorFormatter(
                foreign_pre_chain=[
                    structlog.stdlib.add_log_level,
                    structlog.stdlib.add_logger_name,
                    _add_request_id,
                    _STAMP,
                ],
                processors=[ProcessorFormatter.remove_processors_meta, _render],
            )
        )
        root.addHandler(handler)
    root.setLevel(LEVEL)
    # the development server's own access line would repeat the request line
    logging.getLogger("werkzeug").addFilter(_not_werkzeug_access)


def _not_werkzeug_access(record: logging.LogRecord) -> bool:
    return not (isinstance(record.msg, str) and record.msg.endswith('] "%s" %s %s\n'))
