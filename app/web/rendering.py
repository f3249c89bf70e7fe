"""What every view shares: one render for pages and htmx fragments, the service-call pattern, downloads.

A view reads top to bottom: load, `attempt` the service call with the form, then redirect or re-render
the same form (the person's typing kept, the service's messages beside the fields).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import g, make_response, render_template, request
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from htmx_flask import request as htmx_request
from markupsafe import Markup
from werkzeug.wrappers import Response

from app.domain.bounds import parse_id
from app.extensions import db
from app.models import Plan, User
from app.policy import rights_key
from app.services import memo, plan_read
from app.services.errors import ServiceError, ValidationFailed

T = TypeVar("T")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def is_htmx() -> bool:
    """An htmx request for a fragment (a boosted link wants the whole page)."""
    return bool(htmx_request.htmx) and not htmx_request.htmx.boosted


def render(page_template: str, partial_template: str | None = None, status: int = 200, **context: Any) -> Response:
    """The page for a normal request, the partial it includes for an htmx one; caches told they differ."""
    template = partial_template if partial_template and is_htmx() else page_template
    response = make_response(render_template(template, **context), status)
    response.headers.add("Vary", "HX-Request")
    return response


KEPT_START, KEPT_END = "<!--kept-content-->", "<!--/kept-content-->"
# What kept content holds where a form's CSRF token goes: each response puts the person's own token there.
# Random per process, so no page's text can hold it by chance; a response that missed it would only fail CSRF.
KEPT_TOKEN = f"kept-csrf-{secrets.token_hex(16)}"


@dataclass(frozen=True)
class _KeptPage:
    content: Markup  # the page's content block, or the htmx fragment
    light: dict[str, Any]  # plain values for the rest of the page (its title, its breadcrumbs)


def render_kept(
    name: str,
    page_template: str,
    partial_template: str | None,
    context: Callable[[], dict[str, Any]],
    *,
    light: tuple[str, ...] = (),
    plan_id: int | None = None,
    person: bool = False,
    version: Hashable | None = None,
) -> Response:
    """`render`, with the page's content block (or, for htmx, its fragment) kept per version of the plan (or, with
    no `plan_id`, of the trail), for each path and query string and each set of rights (`policy.rights_key`), and
    with `person`, for each person (content listing their own work); or, given a `version` read in this
    transaction, per that version instead (content that follows something the trail does not record).

    For pages whose content is the same for everyone with the same rights (or, with `person`, for the same person
    while the trail is the same): nothing else in the content block may read the person. `context()` is called
    only when nothing is kept; the names in `light` are the plain values the rest of the page needs (its title,
    its breadcrumbs), kept with the content. Forms in the content are kept with `KEPT_TOKEN` for their CSRF
    token, which each response replaces with the person's own; content holding a real token (a form made before
    `context()`) is never kept, nor a page given a `form` (one in error: its errors are shown above the
    content)."""
    fragment = bool(partial_template) and is_htmx()
    whose = f":{current_user.id}" if person else ""
    key = f"page:{name}:{request.full_path}:{fragment}:{rights_key(current_user)}{whose}"
    token = generate_csrf()  # this request's own; the token is kept in `g` for the request
    fresh: list[str] = []

    def build() -> _KeptPage | None:
        g.csrf_token = KEPT_TOKEN  # what forms and csrf_token() give while the content is made
        try:
            values = context()
            kept_light = {k: values[k] for k in light}
            if fragment:
                assert partial_template is not None
                html = render_template(partial_template, **values)
                content = html
            else:
                html = render_template(page_template, keep_content=True, **values)
                content = html[html.index(KEPT_START) + len(KEPT_START) : html.index(KEPT_END)]
                html = html.replace(KEPT_START, "", 1).replace(KEPT_END, "", 1)
        finally:
            g.csrf_token = token
        fresh.append(html)
        if token in content or values.get("form") is not None or values.get("keep") is False:
            return None  # someone's own token, a form in error, or content its context says not to keep
        return _KeptPage(Markup(content), kept_light)

    if version is not None:
        kept = memo.per_version(key, version, build)
    elif plan_id is not None:
        kept = memo.per_plan_version(key, plan_id, build)
    else:
        kept = memo.per_trail_version(key, build, one_of_many=True)
    if fresh:
        body = fresh[0]
    elif kept is None:  # content that must not be kept: worked out for each request
        body = render_template((partial_template if fragment else None) or page_template, **context())
    elif fragment:
        body = kept.content
    else:
        body = render_template(page_template, kept_content=kept.content, **kept.light)
    if KEPT_TOKEN in body:
        body = body.replace(KEPT_TOKEN, token)
    response = make_response(body)
    response.headers.add("Vary", "HX-Request")
    return response


def apply_errors(form: FlaskForm, errors: dict[str, str]) -> None:
    """Put a service's validation messages beside the fields they belong to."""
    for name, message in errors.items():
        field = getattr(form, name, None)
        if field is None:
            form.form_errors.append(message)
        else:
            field.errors = [*list(field.errors), message]


def attempt(form: FlaskForm, call: Callable[[], T]) -> T | None:
    """Run a service call for a form. Refused: its messages go on the form, the refusal is kept as
    `refusal(form)`, the session is rolled back (objects reload as saved), and None comes back so the view
    re-renders the form with the person's typing."""
    try:
        return call()
    except ValidationFailed as error:
        apply_errors(form, error.errors)
        form.refusal = error
    except ServiceError as error:
        form.form_errors.append(error.message)
        form.refusal = error
    db.session.rollback()
    return None


def refusal(form: FlaskForm) -> ServiceError | None:
    """What the service said when `attempt` last failed on this form, for views with a special case."""
    found = getattr(form, "refusal", None)
    return found if isinstance(found, ServiceError) else None


def form_status(form: FlaskForm) -> int:
    """400 when the form is shown again with errors, so tools and tests see the refusal; else 200."""
    return 400 if form.errors or form.form_errors else 200


def titled(base: str, words: list[str]) -> str:
    """A filtered page's title says the filter ("Actions: STATIC, work stream iii"), so tabs, history and
    screen readers can tell it from the unfiltered page."""
    said = [word for word in words if word]
    return f"{base}: {', '.join(said)}" if said else base


def me() -> User:
    """The signed-in person as the model (not Flask-Login's proxy), for the services."""
    user: User = current_user._get_current_object()
    return user


def int_arg(value: object) -> int | None:
    """A non-negative integer from a query argument or hidden field, or None: also None when it is too
    large to be an id (or a version), so it never overflows a query."""
    return parse_id(value)


def version_of(value: object) -> int:
    """A form's version field; -1 (never a real version, so a clear conflict) when missing or garbled."""
    number = int_arg(value)
    return -1 if number is None else number


def selected_plan() -> Plan:
    """The plan named by ?plan=, or the current plan."""
    return plan_read.get_plan(int_arg(request.args.get("plan")))


def download(data: bytes | str, filename: str, content_type: str) -> Response:
    """A document to save (report, workbook, CSV): typed, named, never shown inline."""
    response = make_response(data)
    response.headers["Content-Type"] = content_type
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
