"""No answer of 500 or more, whatever comes in: every route of the URL map, every method, every role.

Hostile ids in every id route; hostile query values and form values (NUL and control characters, huge
numbers, very long strings, unicode, odd dates) drawn by hypothesis from a fixed pool, derandomised so a run
is repeatable. Bounded: a few examples per route, method and role.
"""

from __future__ import annotations

import copy
import importlib
import pkgutil
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import app.web
from tests.conftest import Client, Databases
from tests.web.permission_table import OK, PERMISSIONS, REDIRECT
from tests.web.test_permissions import RUNS, make_meetings, make_round, make_work_stream_things, url_values

ROLES = ("anonymous", "admin", "pm", "sm1", "smt", "committee")
METHODS = ("GET", "POST")
HOSTILE_IDS = (0, 2**31, 2**31 + 1, 2**63, 10**30)
HOSTILE = (
    "\x00",
    "abc\x00def",
    "\x1b[31m\x07\x08",
    "9" * 30,
    str(2**31),
    str(2**63),
    "-1",
    "0",
    "²",
    "١٢",
    "x" * 10_000,
    "ünïcødé ☃ 𝔘𝔫𝔦 \u202e\ufeff",
    "9999-12-31",
    "0001-01-01",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "",
    " ",
)
QUERY_NAMES = (
    "plan", "work_stream", "owner", "person", "page", "status", "kind", "from", "to", "reason", "escalated",
    "closed", "overdue", "poll", "part", "a", "b", "next", "format",
)  # fmt: skip
# Too slow to try many times (they draw the report, a PDF, a Word document): one example, as one role.
SLOW = {"committee.report", "committee.report_pdf", "committee.report_docx"}


def _form_field_names() -> list[str]:
    """Every field name of every form in the web layer, so each POST fills whatever its form reads."""
    for module in pkgutil.walk_packages(app.web.__path__, "app.web."):
        importlib.import_module(module.name)
    names: set[str] = set()
    pending: list[type] = [FlaskForm]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        names.update(name for name in dir(cls) if hasattr(getattr(cls, name, None), "field_class"))
    names.discard("csrf_token")
    return sorted(names)


FIELD_NAMES = _form_field_names()


def test_every_form_refuses_control_characters() -> None:
    """Every form in the web layer derives from app.web.forms.Form, which turns NUL into a form error."""
    from app.web.forms import Form

    pending: list[type] = [FlaskForm]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("app.web.") and cls is not Form:
            assert issubclass(cls, Form), f"{cls.__module__}.{cls.__name__} must derive from app.web.forms.Form"


@pytest.fixture(scope="module")
def fuzzed(databases: Databases, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, dict[str, Any]]]:
    """The permission table's world: the demo, meetings, and proposals and a risk entry in sm1's and sm2's work streams."""
    app = databases.app(tmp_path_factory.mktemp("fuzz"), demo=True, PROPAGATE_EXCEPTIONS=False)
    ids = copy.deepcopy(databases.demo_ids)
    with app.app_context():
        ids.update(make_meetings(ids))
        ids["in"] = {who: make_work_stream_things(ids, who) for who in RUNS}
        ids["target_user"] = ids["users"]["sm3"]
        ids["round"] = make_round(ids)
    yield app, ids
    databases.close(app)


_clients: dict[tuple[int, str], tuple[Client, str]] = {}


def _client(app: Flask, role: str) -> tuple[Client, str]:
    """A signed-in client and its CSRF token, kept for the module (signed in again if something signed it out)."""
    key = (id(app), role)
    if key not in _clients:
        client: Client = app.test_client()  # type: ignore[assignment]
        if role != "anonymous":
            assert client.login(f"{role}@example.org").status_code == 302
        _clients[key] = (client, client.csrf_token("/login" if role == "anonymous" else "/glossary"))
    return _clients[key]


def _routes(app: Flask) -> list[tuple[str, str, list[str]]]:
    found = []
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) & set(METHODS)):
            found.append((rule.endpoint, method, sorted(rule.arguments)))
    return found


def _all_routes() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Every (endpoint, method) of the URL map, and those of them whose address holds a number."""
    from werkzeug.routing import IntegerConverter

    from app import create_app

    probe = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with_ids = {
        rule.endpoint
        for rule in probe.url_map.iter_rules()
        if any(isinstance(converter, IntegerConverter) for converter in rule._converters.values())
    }
    routes = sorted({(endpoint, method) for endpoint, method, _ in _routes(probe) if endpoint != "static"})
    return routes, [(endpoint, method) for endpoint, method in routes if endpoint in with_ids]


ROUTES, ROUTES_WITH_IDS = _all_routes()


def _send(app: Flask, role: str, method: str, path: str, query: dict[str, Any], form: dict[str, Any]) -> Any:
    if role != "anonymous" and path == "/logout":
        client: Client = app.test_client()  # type: ignore[assignment]
        client.login(f"{role}@example.org")
        token = client.csrf_token()
    else:
        client, token = _client(app, role)
    if method == "GET":
        response = client.get(path, query_string=query)
    else:
        response = client.post(path, query_string=query, data={**form, "csrf_token": token})
    if role != "anonymous" and response.status_code == 302 and "/login" in response.headers.get("Location", ""):
        _clients.pop((id(app), role), None)  # signed out (a password change, say): sign in afresh next time
    return response


def _path(app: Flask, endpoint: str, values: dict[str, Any]) -> str:
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **values)


@pytest.mark.parametrize(("endpoint", "method"), ROUTES_WITH_IDS, ids=[f"{m} {e}" for e, m in ROUTES_WITH_IDS])
def test_hostile_ids_are_never_a_server_error(fuzzed: tuple[Flask, dict[str, Any]], endpoint: str, method: str) -> None:
    app, ids = fuzzed
    real = url_values(endpoint, ids)
    int_args = [name for name, value in real.items() if isinstance(value, int)]
    assert int_args, f"{endpoint} has a number in its address but the table gives it none"
    for role in ("pm", "committee"):
        for hostile in HOSTILE_IDS:
            rule_path = _path(app, endpoint, real)
            for name in int_args:
                rule_path = rule_path.replace(f"/{real[name]}", f"/{hostile}", 1)
            response = _send(app, role, method, rule_path, {}, {})
            assert response.status_code < 500, f"{method} {rule_path} as {role}: {response.status_code}"
            if hostile >= 2**31:
                assert response.status_code in (302, 404, 405), f"{method} {rule_path} as {role}"


# Each of these in every query argument and every form field at once, as someone the route serves.
UNIFORM = (
    "abc\x00def", "\x1b[31m\x07", "9" * 30, str(2**31), "²", "x" * 10_000, "ünïcødé ☃ 𝔘 \u202e", "9999-12-31",
)  # fmt: skip

FOR_QUERIES = {"abc\x00def", "9" * 30, "²", "9999-12-31"}


def _served_role(endpoint: str, method: str) -> str:
    table = PERMISSIONS.get((endpoint, method), {})
    allowed = [role for role, outcome in table.items() if outcome in (OK, REDIRECT) and role in ROLES]
    return "pm" if "pm" in allowed else (allowed[0] if allowed else "pm")


# The slow routes with one value; a GET (whose query is parsed as a number, a date or a word) with the
# values that differ there; everything else with every value.
ONE_VALUE_CASES = [
    (endpoint, method, value)
    for endpoint, method in ROUTES
    for value in UNIFORM
    if not (endpoint in SLOW and value != UNIFORM[0]) and not (method == "GET" and value not in FOR_QUERIES)
]


@pytest.mark.parametrize(
    ("endpoint", "method", "value"), ONE_VALUE_CASES, ids=[f"{m} {e} {v[:12]!r}" for e, m, v in ONE_VALUE_CASES]
)
def test_one_hostile_value_everywhere_is_never_a_server_error(
    fuzzed: tuple[Flask, dict[str, Any]], endpoint: str, method: str, value: str
) -> None:
    app, ids = fuzzed
    role = _served_role(endpoint, method)
    path = _path(app, endpoint, url_values(endpoint, ids))
    query = dict.fromkeys(QUERY_NAMES, value)
    form = {name: [value] * 3 for name in FIELD_NAMES}
    response = _send(app, role, method, path, query, form)
    assert response.status_code < 500, f"{method} {path} as {role} with {value[:20]!r} everywhere"


values = st.sampled_from(HOSTILE) | st.text(max_size=40)


# Every role on every route, but the slow routes (they draw the report) as the project manager only.
ROLE_CASES = [(e, m, role) for e, m in ROUTES for role in ROLES if e not in SLOW or role == "pm"]


@pytest.mark.parametrize(("endpoint", "method", "role"), ROLE_CASES, ids=[f"{m} {e} {r}" for e, m, r in ROLE_CASES])
def test_hostile_query_and_form_values_are_never_a_server_error(
    fuzzed: tuple[Flask, dict[str, Any]], endpoint: str, method: str, role: str
) -> None:
    app, ids = fuzzed
    path = _path(app, endpoint, url_values(endpoint, ids))

    @settings(
        max_examples=1 if endpoint in SLOW else 2,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        query=st.fixed_dictionaries({}, optional=dict.fromkeys(QUERY_NAMES, values)),
        form=st.fixed_dictionaries(
            {}, optional={name: st.lists(values, min_size=3, max_size=3) for name in FIELD_NAMES}
        ),
    )
    def attempt(query: dict[str, str], form: dict[str, list[str]]) -> None:
        response = _send(app, role, method, path, query, form)
        assert response.status_code < 500, f"{method} {path} as {role} with {query!r} {form!r}: {response.status_code}"

    attempt()
