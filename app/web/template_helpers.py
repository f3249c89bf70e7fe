"""What templates may call: formatting filters, the policy's `can`, navigation badges, error-summary items."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from flask import Flask, current_app, render_template, request
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from markupsafe import Markup

from app.clock import today
from app.domain.evidence import kind_in_words
from app.domain.proposal_filter import age_words
from app.domain.proposals import State
from app.domain.risk import Band
from app.domain.status import STATUS_ORDER, Status
from app.formatting import filesize, format_date, format_datetime, format_iso_date
from app.policy import ROLE_LABELS, Permission, Role, can
from app.services import badges, challenges
from app.web.login import badges_read_with_session
from app.web.rendering import me

SERVICE_NAME = "Improvement plan tracker"


def register_template_helpers(app: Flask) -> None:
    app.add_template_global(form_error_list)
    app.add_template_global(navigation)
    app.add_template_global(constant_part)
    app.add_template_global(poll_url)
    app.add_template_filter(role_label, "role_label")
    app.add_template_filter(tag_colour, "tag_colour")
    app.add_template_filter(filesize, "filesize")
    app.add_template_filter(kind_in_words, "file_kind")
    app.add_template_filter(govuk_date, "govuk_date")
    app.add_template_filter(govuk_datetime, "govuk_datetime")
    app.add_template_filter(format_iso_date, "iso_date")
    app.add_template_filter(age_words, "age_words")
    app.jinja_env.globals.update(
        Permission=Permission,
        Role=Role,
        ROLE_LABELS=ROLE_LABELS,
        Status=Status,
        STATUS_ORDER=STATUS_ORDER,
        service_name=SERVICE_NAME,
    )
    app.context_processor(_per_request)


# Babel takes about 10 microseconds a date; a page of a hundred audit events or deadlines asks for the same
# few hundred values again and again. Only the types whose words depend on nothing but the value are kept:
# a date, and a naive (stored, UTC) moment; an aware datetime goes to Babel every time.
@lru_cache(maxsize=8192)
def _date_words(value: date) -> str:
    return format_date(value)


@lru_cache(maxsize=8192)
def _moment_words(value: datetime) -> str:
    return format_datetime(value)


def govuk_date(value: date | datetime | None) -> str:
    """`formatting.format_date`, remembered for dates."""
    return _date_words(value) if type(value) is date else format_date(value)


def govuk_datetime(value: datetime | None) -> str:
    """`formatting.format_datetime`, remembered for naive moments."""
    return _moment_words(value) if type(value) is datetime and value.tzinfo is None else format_datetime(value)


def _per_request() -> dict[str, Any]:
    return {"can": _can, "today": today(), "nav_counts": nav_counts, "overdue_challenges": overdue_challenges}


def _can(permission: Permission, work_stream_id: int | None = None) -> bool:
    return can(current_user, permission, work_stream_id)


def form_error_list(form: FlaskForm) -> list[dict[str, str]]:
    """The error summary's list: one entry per field in page order, linking to it, then form-wide errors."""
    items = [
        {
            "text": field.errors[0],
            "href": f"#{field.id}-day" if isinstance(field.widget, GovDateInput) else f"#{field.id}",
        }
        for field in form
        if field.errors
    ]
    items += [{"text": message} for message in form.form_errors]
    return items


RAG_TAG_COLOURS = {"green": "govuk-tag--green", "amber": "govuk-tag--orange", "red": "govuk-tag--red"}
STATE_TAG_COLOURS = {
    State.DRAFT: "govuk-tag--grey",
    State.SUBMITTED: "govuk-tag--blue",
    State.CHALLENGED: "govuk-tag--yellow",
    State.APPROVED: "govuk-tag--green",
    State.REJECTED: "govuk-tag--red",
    State.WITHDRAWN: "govuk-tag--grey",
}


def tag_colour(value: Status | State | Band | str) -> str:
    """The GOV.UK tag class for a status, proposal state or risk band: the domain says what it means, not its look."""
    if isinstance(value, State):
        return STATE_TAG_COLOURS[value]
    if isinstance(value, Band):
        return RAG_TAG_COLOURS[value.rag]
    return RAG_TAG_COLOURS[Status(value).rag]


def role_label(value: str) -> str:
    try:
        return Role(value).label
    except ValueError:
        return "Command line" if value == "system" else value


def poll_url(**extra: str) -> str:
    """This page's URL with poll=1: a refresh the page asks for by itself (see login.PASSIVE_ENDPOINTS)."""
    args = request.args.to_dict(flat=False)
    args.update({k: [v] for k, v in extra.items()})
    args["poll"] = ["1"]
    return f"{request.path}?{urlencode(args, doseq=True)}"


def overdue_challenges(plan_id: int | None = None) -> challenges.OverdueList:
    """The overdue challenges this person may see, for the panel on the dashboard and the review queue: the
    longest overdue named, the others counted."""
    if not current_user.is_authenticated:
        return challenges.OverdueList([], 0)
    return challenges.overdue_list(current_user._get_current_object(), plan_id)  # the proxy, resolved once


# The main menu: (endpoint, label, the permissions of which one shows it; None: everyone signed in).
NAVIGATION: tuple[tuple[str, str, tuple[Permission, ...] | None], ...] = (
    ("committee.landing", "For members", (Permission.READ_AS_MEMBER,)),
    ("plan.dashboard", "Dashboard", None),
    ("plan.actions", "Actions", None),
    ("plan.work_streams", "Work streams", None),
    ("risks.register", "Risks", None),
    ("committee.meetings_page", "Committee", None),
    ("proposals.queue", "Review", (Permission.REVIEW_PROPOSAL,)),
    ("proposals.mine", "Proposals", (Permission.PROPOSE_CHANGE, Permission.LIST_PROPOSALS)),
    ("rounds.index", "Updates", (Permission.VIEW_INTERNAL,)),
    (
        "questions.index",
        "Questions",
        (Permission.ASK_QUESTION, Permission.ANSWER_QUESTION, Permission.MANAGE_QUESTIONS),
    ),
    ("audit.trail", "Audit", (Permission.VIEW_AUDIT,)),
    ("proposals.notifications_page", "Notifications", None),
    ("admin.users", "Users", (Permission.MANAGE_USERS,)),
    ("admin.api_tokens_page", "API tokens", (Permission.MANAGE_API_TOKENS,)),
    ("mail.failed", "E-mail", (Permission.MANAGE_MAIL,)),
)


def constant_part(name: str) -> Markup:
    """A partial that depends on nothing but the app (the skip link, the council's header bar): rendered once
    per app and root path, then the same markup on every page."""
    kept: dict[tuple[str, str], Markup] = current_app.extensions.setdefault("constant_parts", {})
    key = (name, request.script_root)
    found = kept.get(key)
    if found is None:
        found = kept[key] = Markup(render_template(name))
    return found


NAVIGATION_KEPT = 512  # menus kept per app: one per set of items, page and badges seen lately


def navigation(counts: dict[str, int]) -> Markup:
    """The main menu for this person on this page, with its badges: the same for everyone who sees the same
    items on the same page with the same counts, so it is kept rendered (a page's menu costs a lookup)."""
    user = current_user._get_current_object()
    items = tuple(
        (endpoint, label)
        for endpoint, label, permissions in NAVIGATION
        if permissions is None or any(can(user, p) for p in permissions)
    )
    key = (request.script_root, request.endpoint, items, counts.get("queue"), counts.get("notifications"))
    kept: dict[Any, Markup] = current_app.extensions.setdefault("navigation_kept", {})
    found = kept.get(key)
    if found is None:
        if len(kept) >= NAVIGATION_KEPT:
            kept.clear()
        found = kept[key] = Markup(render_template("_navigation.html", items=items, counts=counts))
    return found


def nav_counts() -> dict[str, int]:
    """Badges in the navigation: the review queue for reviewers, unread notifications for everyone."""
    if not current_user.is_authenticated:
        return {}
    return (badges_read_with_session() or badges.for_user(me())).as_dict()
