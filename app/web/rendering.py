"""One render helper for full pages and htmx fragments, both from the same partial templates."""

from __future__ import annotations

from typing import Any

from flask import make_response, render_template, request
from werkzeug.wrappers import Response


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"


def render(page_template: str, partial_template: str | None = None, status: int = 200, **context: Any) -> Response:
    """The page for a normal request, the partial it includes for an htmx one; caches told they differ."""
    template = partial_template if partial_template and is_htmx() else page_template
    response = make_response(render_template(template, **context), status)
    response.headers.add("Vary", "HX-Request")
    return response


def apply_errors(form: Any, errors: dict[str, str]) -> None:
    """Put a service's validation messages beside the fields they belong to."""
    for name, message in errors.items():
        field = getattr(form, name, None)
        if field is None:
            form.form_errors.append(message)
        else:
            field.errors = [*list(field.errors), message]
