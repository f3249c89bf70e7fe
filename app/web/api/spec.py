"""The OpenAPI 3.1 document, generated from the code: each view's `operation` (its tag, response schema, query
parameters), its URL rule (the path and its parameters) and the marshmallow schemas in app/web/api/schemas.py,
put together by apispec. Served at /api/v1/openapi.json without sign-in: it describes, and holds no data."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask

from app.domain.bounds import MAX_ID
from app.domain.changes import APPROVED_CHANGE_KINDS
from app.domain.risk import Reason
from app.domain.status import Status
from app.web.api import schemas

F = TypeVar("F", bound=Callable[..., Any])

OPENAPI_VERSION = "3.1.0"
MAX_PER_PAGE = 200


@dataclass(frozen=True)
class Operation:
    tag: str
    schema: str
    summary: str
    paged: bool = False
    query: tuple[str, ...] = ()
    cached: bool = True
    public: bool = False


OPERATIONS: dict[str, Operation] = {}


def operation(
    tag: str, schema: str, *, summary: str, paged: bool = False, query: tuple[str, ...] = ()
) -> Callable[[F], F]:
    """Describe an API view for the OpenAPI document (innermost decorator: it sees the view's own name)."""

    def decorator(view: F) -> F:
        OPERATIONS[f"api.{view.__name__}"] = Operation(tag, schema, summary, paged, query)
        return view

    return decorator


# The figures the dashboard draws, older than this document; described here.
OPERATIONS["api.summary"] = Operation(
    "Figures", "Summary", "The plan's totals and a page of its work streams' figures", query=("plan",), paged=True
)
OPERATIONS["committee.trend_json"] = Operation(
    "Figures", "Trend", "The trend of action statuses by month and at each baseline", query=("plan",)
)
OPERATIONS["api.openapi"] = Operation("Description", "", "This document (no sign-in needed)", cached=False, public=True)


def _integer(description: str, *, minimum: int = 1, maximum: int = MAX_ID) -> dict[str, Any]:
    return {"schema": {"type": "integer", "minimum": minimum, "maximum": maximum}, "description": description}


QUERY: dict[str, dict[str, Any]] = {
    "page": _integer("the page wanted (1 first)", maximum=1_000_000),
    "per_page": {"schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}, "description": "items a page"},
    "plan": _integer("a plan's id (the current plan when left out)"),
    "status": {"schema": {"type": "string", "enum": [s.value for s in Status]}, "description": "only this status"},
    "work_stream": _integer("only this work stream (its id)"),
    "owner": _integer("only the actions this person owns (their id)"),
    "overdue": {
        "schema": {"type": "string", "enum": ["1", "yes", "true"]},
        "description": "only unfinished actions past their deadline",
    },
    "checkpoint": {"schema": {"type": "integer", "enum": [6, 12]}, "description": "only the 6- or 12-month measures"},
    "reason": {"schema": {"type": "string", "enum": [r.value for r in Reason]}, "description": "only this reason"},
    "escalated": {"schema": {"type": "string", "enum": ["yes", "no"]}, "description": "escalated to SMT or not"},
    "kind": {"schema": {"type": "string", "enum": list(APPROVED_CHANGE_KINDS)}, "description": "only this kind"},
}

ERRORS = {
    "401": ("Not signed in, or the token is unknown, revoked or its account deactivated", "Error"),
    "403": ("Not allowed: the role may not read this, or a token was sent with a method other than GET/HEAD", "Error"),
    "404": ("No such thing", "Error"),
}


def _path(rule: str) -> tuple[str, list[str]]:
    names = re.findall(r"<(?:[a-z]+:)?([a-z_]+)>", rule)
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule), names


def _operation(op: Operation, path_names: list[str]) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, **_integer(name.replace("_", " "))} for name in path_names
    ]
    for name in (*op.query, *(("page", "per_page") if op.paged else ())):
        parameters.append({"name": name, "in": "query", "required": False, **QUERY[name]})
    responses: dict[str, Any] = {}
    if op.schema:
        ok: dict[str, Any] = {"description": op.summary, "content": {"application/json": {"schema": op.schema}}}
    else:
        ok = {"description": op.summary, "content": {"application/json": {"schema": {"type": "object"}}}}
    if op.cached:
        parameters.append(
            {
                "name": "If-None-Match",
                "in": "header",
                "required": False,
                "schema": {"type": "string"},
                "description": "the ETag of a copy already held: 304 if it is still current",
            }
        )
        ok["headers"] = {"ETag": {"schema": {"type": "string"}, "description": "from the plan's version"}}
        responses["304"] = {"description": "Not Modified: the copy held (If-None-Match) is current"}
    responses["200"] = ok
    if not op.public:
        for code, (words, schema) in ERRORS.items():
            responses[code] = {"description": words, "content": {"application/json": {"schema": schema}}}
    elif path_names:
        responses["404"] = {"description": "No such thing", "content": {"application/json": {"schema": "Error"}}}
    out: dict[str, Any] = {"tags": [op.tag], "summary": op.summary, "parameters": parameters, "responses": responses}
    if op.public:
        out["security"] = []
    return out


def build(app: Flask) -> dict[str, Any]:
    spec = APISpec(
        title="Improvement plan tracker: read API",
        version="1",
        openapi_version=OPENAPI_VERSION,
        plugins=[MarshmallowPlugin()],
        info={
            "description": (
                "The approved plan, read-only: what the pages show, to the same people, a page at a time. "
                "Sign in with a browser session, or send `Authorization: Bearer <token>` with a personal access "
                "token an administrator created (GET and HEAD only). Every list is paginated (`page`, "
                f"`per_page` up to {MAX_PER_PAGE}; follow `next` until it is null) and every answer carries an "
                "ETag: send it back as If-None-Match to get 304 while nothing changed."
            )
        },
        servers=[{"url": "/"}],
        security=[{"bearerAuth": []}, {"sessionCookie": []}],
    )
    spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "a personal access token (read-only)"}
    )
    spec.components.security_scheme(
        "sessionCookie", {"type": "apiKey", "in": "cookie", "name": "session", "description": "a signed-in browser"}
    )
    for name in sorted({op.schema for op in OPERATIONS.values() if op.schema} | {"Error"}):
        if name not in spec.components.schemas:  # a nested schema is registered where it is first met
            spec.components.schema(name, schema=getattr(schemas, name))
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        op = OPERATIONS.get(rule.endpoint)
        if op is None:
            continue
        path, names = _path(rule.rule)
        spec.path(path=path, operations={"get": _operation(op, names)})
    return spec.to_dict()


@cache
def document(app: Flask) -> dict[str, Any]:
    return build(app)
