"""The bare route and the query-count header exist only for `make bench` (BENCH_BARE_ROUTE)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask


def test_no_bare_route_and_no_query_count_by_default(app: Flask, demo: dict[str, Any], login: Any) -> None:
    assert "bench_bare" not in app.view_functions
    assert app.test_client().get("/bench/bare").status_code == 404
    page = login("pm").get("/")
    assert page.status_code == 200
    assert "X-Query-Count" not in page.headers


def test_bench_setting_adds_a_bare_route_without_sign_in_and_counts_queries(make_app: Callable[..., Flask]) -> None:
    app = make_app(demo=True, BENCH_BARE_ROUTE=True)
    client = app.test_client()
    bare = client.get("/bench/bare")
    assert bare.status_code == 200
    assert bare.get_data(as_text=True) == "ok"
    assert bare.headers["X-Query-Count"] == "0"  # no session, no database
    client.login("pm@example.org")  # type: ignore[attr-defined]
    page = client.get("/")
    assert page.status_code == 200
    assert int(page.headers["X-Query-Count"]) > 0


def test_bench_setting_is_ignored_in_production(make_app: Callable[..., Flask]) -> None:
    app = make_app(BENCH_BARE_ROUTE=True, APP_ENV="production")
    assert "bench_bare" not in app.view_functions
