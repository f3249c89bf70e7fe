"""For `make bench` only: a bare route and a query count per response, when BENCH_BARE_ROUTE is on.

Off by default and never in production. `/bench/bare` answers "ok" with no session, no login and no
database, so the benchmark can say how much slower each page is than the server's own floor; the
`X-Query-Count` header says how many SQL statements a request ran (an SQLAlchemy event counter).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, g, has_request_context
from sqlalchemy import event

from app.extensions import db


def register_bench(app: Flask) -> None:
    if not app.config.get("BENCH_BARE_ROUTE") or app.config.get("APP_ENV") == "production":
        return
    app.add_url_rule("/bench/bare", "bench_bare", _bare)
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", _count)
    app.after_request(_header)


def _bare() -> Response:
    return Response("ok", mimetype="text/plain")


def _count(*_args: Any) -> None:
    if has_request_context():
        g.bench_queries = g.get("bench_queries", 0) + 1


def _header(response: Response) -> Response:
    response.headers["X-Query-Count"] = str(g.get("bench_queries", 0))
    return response
