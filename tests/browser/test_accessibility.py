"""Every page, and every htmx state the journeys reach: axe with WCAG 2.2 A and AA, one h1 and a heading
order that makes sense, and no sideways scrolling of the page at 320 CSS pixels (400% zoom).

To cover a new page, add a line to PAGES: who signs in (None for nobody), where they go, and what
they do there to reach the state to check.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple

import pytest

from tests.browser.helpers import ConsoleWatch, assert_page_passes_checks, follow, wait_for_charts

pytestmark = pytest.mark.browser


def _nothing(page: Any) -> None:
    return None


def _open_work_stream(page: Any) -> None:
    follow(page.get_by_role("link", name=re.compile(r"^i\. ")))
    page.get_by_role("heading", level=1, name=re.compile(r"^Work stream i:")).wait_for()


def _filter(label: str, choice: str | None = None) -> Callable[[Any], None]:
    """Change one filter the way htmx sees it, and wait for the new results."""

    def _apply(page: Any) -> None:
        before = page.locator("#actions-results").inner_text()
        with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
            if choice is None:
                page.get_by_label(label, exact=True).check()
            else:
                page.get_by_label(label, exact=True).select_option(label=choice)
        page.wait_for_function(
            "(before) => document.querySelector('#actions-results').innerText !== before", arg=before
        )
        page.wait_for_url(re.compile(r"\?"))

    return _apply


def _then(*steps: Callable[[Any], None]) -> Callable[[Any], None]:
    def _all(page: Any) -> None:
        for step in steps:
            step(page)

    return _all


def _open_first_action(page: Any) -> None:
    follow(page.locator("#actions-results tbody th a").first)
    page.get_by_role("heading", level=1, name=re.compile(r"^Action ")).wait_for()


def _submit_empty(page: Any) -> None:
    follow(page.get_by_role("button", name="Create account"))
    page.locator(".govuk-error-summary").wait_for()


def _submit_wrong_password(page: Any) -> None:
    page.get_by_label("E-mail address").fill("pm@example.org")
    page.get_by_label("Password", exact=True).fill("not the password")
    follow(page.get_by_role("button", name="Sign in"))
    page.locator(".govuk-error-summary").wait_for()


class Case(NamedTuple):
    who: str | None
    path: str
    reach: Callable[[Any], None] = _nothing
    status: int = 200


PAGES: dict[str, Case] = {
    "login": Case(None, "/login"),
    "login with an error": Case(None, "/login", _submit_wrong_password),
    "dashboard": Case("committee", "/", wait_for_charts),
    "work streams": Case("committee", "/work-streams"),
    "work stream": Case("sm1", "/work-streams", _open_work_stream),
    "work stream filtered by status (htmx)": Case(
        "sm1", "/work-streams", _then(_open_work_stream, _filter("Status", "COMPLETED"))
    ),
    "work stream with no matching actions (htmx)": Case(
        "sm1", "/work-streams", _then(_open_work_stream, _filter("Status", "STATIC"))
    ),
    "actions": Case("pm", "/actions"),
    "actions filtered by work stream (htmx)": Case(
        "pm", "/actions", _filter("Work stream", "vii. Effective Quality Assurance")
    ),
    "actions overdue only (htmx)": Case("pm", "/actions", _filter("Overdue only")),
    "action": Case("smt", "/work-streams", _then(_open_work_stream, _open_first_action)),
    "glossary": Case("committee", "/glossary"),
    "users": Case("admin", "/admin/users"),
    "new user": Case("admin", "/admin/users/new"),
    "new user with errors": Case("admin", "/admin/users/new", _submit_empty),
    "edit user": Case("admin", "/admin/users", lambda page: follow(page.get_by_role("link", name="Sarah Whitfield"))),
    "your account": Case("committee", "/account/password"),
    "your e-mail messages": Case("sm1", "/account/email"),
    "e-mail that could not be sent": Case("admin", "/admin/mail"),
    "outbox (demo mode)": Case("admin", "/admin/outbox"),
    "page not found": Case("pm", "/no-such-page", status=404),
    "forbidden": Case("committee", "/admin/users", status=403),
    # The committee cycle, the risk register and the workflow's lists, as they are before any journey fills
    # them; the states the journeys reach (forms with errors, previews, presented meetings) are checked there.
    "risk register": Case("committee", "/risks"),
    "risk register history tab": Case(
        "committee", "/risks", lambda page: follow(page.get_by_role("link", name="History", exact=True))
    ),
    "risk entry, read only": Case(
        "committee", "/risks", lambda page: follow(page.locator("#register tbody th a").first)
    ),
    "committee landing, no report yet": Case("committee", "/committee"),
    "committee meetings": Case("pm", "/meetings"),
    "changes since the last meeting": Case("committee", "/changes"),
    "compare baselines, none yet": Case("pm", "/baselines/compare"),
    "audit trail": Case("pm", "/audit"),
    "review queue, empty": Case("pm", "/review"),
    "your proposals, none yet": Case("sm1", "/proposals"),
    "notifications": Case("sm1", "/notifications"),
    "accessibility statement": Case(None, "/accessibility"),
    "accessibility statement, signed in": Case("committee", "/accessibility"),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_page_is_accessible(
    name: str, new_context: Callable[..., Any], page_as: Callable[..., Any], console: ConsoleWatch
) -> None:
    case = PAGES[name]
    if case.status != 200:
        console.allow(rf"status of {case.status}")
    page = new_context().new_page() if case.who is None else page_as(case.who)
    response = page.goto(case.path)
    assert response.status == case.status
    case.reach(page)
    assert_page_passes_checks(page)


def test_checks_run_under_the_real_csp_and_would_see_a_violation(
    page_as: Callable[..., Any], console: ConsoleWatch
) -> None:
    """axe goes in without loosening the CSP, and the console watch catches what the CSP blocks."""
    page = page_as("committee")
    response = page.goto("/glossary")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert_page_passes_checks(page)
    assert console.problems == [], "axe ran without tripping the CSP"

    with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
        page.evaluate(
            "() => { const s = document.createElement('script'); s.textContent = 'window.__inline = 1'; document.body.append(s); }"
        )
    assert page.evaluate("window.__inline") is None, "the page's CSP is in force"
    assert any("Content Security Policy" in problem for problem in console.problems)
    console.problems.clear()
