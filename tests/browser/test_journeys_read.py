"""Journeys through the read views, as people make them: with the mouse, and again with the keyboard alone."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.helpers import (
    ASK_PAGE,
    READ_ONLY_POSTS,
    action_references,
    assert_only_the_question_form,
    focused,
    follow,
    sign_in,
    sign_in_with_keyboard,
    tab_to,
    table_rows,
    wait_for_charts,
)

pytestmark = pytest.mark.browser

ROLES = ["admin", "pm", "smt", "committee", "sm1"]
STATUS_KEYS = ["completed", "in_progress", "static"]


def open_work_stream(page: Any, roman: str) -> str:
    """From the work streams list, follow the link to work stream `roman` with the mouse; its URL."""
    follow(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Work streams"))
    follow(page.get_by_role("link", name=re.compile(rf"^{roman}\. ")))
    page.get_by_role("heading", level=1, name=re.compile(rf"^Work stream {roman}:")).wait_for()
    return urlsplit(page.url).path


def rows_with_status(page: Any, status: str) -> list[str]:
    """References of the results table's actions whose Status column says `status`."""
    rows = page.locator("#actions-results table").evaluate(
        """(table) => {
             const column = Array.from(table.tHead.rows[0].cells).findIndex((c) => c.textContent.trim() === 'Status');
             return Array.from(table.tBodies[0].rows).map((r) =>
               [r.cells[0].querySelector('a').textContent, r.cells[column].textContent.trim()]);
           }"""
    )
    return [ref.replace("Action", "").strip() for ref, shown in rows if shown == status]


def path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


# --- signing in and the dashboard ------------------------------------------------------------------------


SIGN_INS = [(who, "mouse") for who in ROLES] + [("committee", "keyboard"), ("sm1", "keyboard")]


@pytest.mark.parametrize(("who", "how"), SIGN_INS, ids=[f"{who}-{how}" for who, how in SIGN_INS])
def test_each_role_signs_in_and_sees_the_charts_drawn_with_their_figures(page: Any, who: str, how: str) -> None:
    """Every role with the mouse; the keyboard alone for a councillor and an officer (the form is the same)."""
    page.goto("/")
    assert "/login" in page.url, "the dashboard asks who you are first"
    (sign_in if how == "mouse" else sign_in_with_keyboard)(page, who)
    assert urlsplit(page.url).path == "/"
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard"
    wait_for_charts(page)

    summary = page.request.get("/api/v1/summary").json()
    for kind in ["actions", "measures"]:
        canvas = page.locator(f"#{kind}-chart")
        assert canvas.evaluate(
            "(c) => c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 === 3 && v > 0)"
        ), f"the {kind} chart is blank"
        drawn = canvas.evaluate("(c) => window.Chart.getChart(c).data.datasets.map((d) => d.data)")
        assert drawn == [[ws[kind][key] for ws in summary["work_streams"]] for key in STATUS_KEYS]

        rows = table_rows(page, f"#{kind}-table")
        expected = [[ws[kind][key] for key in [*STATUS_KEYS, "total"]] for ws in summary["work_streams"]]
        expected.append([summary[kind][key] for key in [*STATUS_KEYS, "total"]])
        assert [[int(cell) for cell in row[1:]] for row in rows] == expected, f"the {kind} table differs from the API"


# --- filtering with htmx ---------------------------------------------------------------------------------


def test_status_filter_updates_results_in_place_with_a_bookmarkable_url(page_as: Callable[..., Any]) -> None:
    page = page_as("pm")
    page.goto("/")
    path = open_work_stream(page, "ii")
    in_progress = rows_with_status(page, "IN PROGRESS")
    assert in_progress and len(in_progress) < len(action_references(page)), "work stream ii mixes statuses"
    page.evaluate("window.__marker = 'same page'")

    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
        page.get_by_label("Status", exact=True).select_option(label="IN PROGRESS")
    page.locator("#actions-results").get_by_text(f"Showing {len(in_progress)} actions matching the filters").wait_for()

    assert page.evaluate("window.__marker") == "same page", "the filter reloaded the whole page"
    assert action_references(page) == in_progress
    assert urlsplit(page.url).path == path
    assert parse_qs(urlsplit(page.url).query)["status"] == ["IN_PROGRESS"]

    page.reload()
    assert page.evaluate("window.__marker") is None
    assert action_references(page) == in_progress, "the bookmarked URL shows the same results"
    assert page.get_by_label("Status", exact=True).input_value() == "IN_PROGRESS"


def test_filters_work_without_javascript(page_as: Callable[..., Any]) -> None:
    page = page_as("pm", java_script_enabled=False)
    page.goto("/")
    open_work_stream(page, "ii")
    in_progress = rows_with_status(page, "IN PROGRESS")
    page.get_by_label("Status", exact=True).select_option(label="IN PROGRESS")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()
    assert parse_qs(urlsplit(page.url).query)["status"] == ["IN_PROGRESS"]
    assert action_references(page) == in_progress
    assert (
        page.locator("#actions-results")
        .get_by_text(f"Showing {len(in_progress)} actions matching the filters")
        .is_visible()
    )


def test_keyboard_user_filters_and_hears_the_new_count(page_as: Callable[..., Any]) -> None:
    page = page_as("committee")
    page.goto("/")
    open_work_stream(page, "ii")
    everything = action_references(page)
    completed = rows_with_status(page, "COMPLETED")
    live = page.locator("#actions-results-announcement")
    assert live.get_attribute("role") == "status"
    live.evaluate("(region) => { region.dataset.original = 'yes'; }")
    before = live.inner_text()

    page.evaluate("document.activeElement.blur()")
    tab_to(page, "#filter-status")
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
        page.keyboard.press("ArrowDown")  # Any status -> COMPLETED, as a keyboard user picks an option
    page.wait_for_function(
        "(before) => document.querySelector('#actions-results-announcement').innerText.trim() !== before.trim()",
        arg=before,
    )

    assert parse_qs(urlsplit(page.url).query)["status"] == ["COMPLETED"]
    refs = action_references(page)
    assert refs and set(refs) < set(everything)
    assert refs == completed
    assert focused(page)["id"] == "filter-status", "focus stays where the keyboard user was"
    assert (
        live.inner_text().strip()
        == f"Showing {len(refs)} {'action' if len(refs) == 1 else 'actions'} matching the filters"
    )
    assert live.get_attribute("data-original") == "yes", "the live region stays in place, so screen readers announce it"


# --- a session that ends mid-way -------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["cookie gone", "signed out in another window"])
def test_expired_session_during_htmx_request_goes_to_login_and_back(new_context: Callable[..., Any], how: str) -> None:
    context = new_context()
    page = context.new_page()
    sign_in(page, "sm1")
    open_work_stream(page, "i")
    page.get_by_label("Status", exact=True).select_option(label="COMPLETED")
    page.wait_for_url(re.compile(r"status=COMPLETED"))
    page.locator(".app-results__count", has_text="matching the filters").wait_for()
    was_on = path_and_query(page.url)
    completed = action_references(page)

    if how == "cookie gone":
        context.clear_cookies()
    else:
        elsewhere = new_context(storage_state=context.storage_state()).new_page()
        elsewhere.goto("/")
        with elsewhere.expect_navigation():
            elsewhere.get_by_role("button", name="Sign out").click()
        assert "/login" in elsewhere.url

    with (
        page.expect_navigation(),
        page.expect_response(lambda r: r.request.headers.get("hx-request") == "true") as htmx,
    ):
        page.get_by_label("Status", exact=True).select_option(label="IN PROGRESS")
    assert htmx.value.headers.get("hx-redirect", "").startswith("/login"), "no login page swapped into the fragment"
    assert urlsplit(page.url).path == "/login", "HX-Redirect took the whole page to the login form"
    assert page.get_by_role("heading", level=1).inner_text() == "Sign in"
    assert parse_qs(urlsplit(page.url).query)["next"] == [was_on]

    sign_in(page, "sm1")
    assert path_and_query(page.url) == was_on, "back where they were"
    assert action_references(page) == completed


# --- a committee member changes nothing ------------------------------------------------------------------


def _shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def test_committee_member_finds_no_control_that_changes_anything(page_as: Callable[..., Any], live_server: Any) -> None:
    page = page_as("committee")
    page.goto("/")
    start = (
        page.get_by_role("navigation", name="Menu").get_by_role("link").evaluate_all("(as) => as.map((a) => a.href)")
    )
    assert {"/committee", "/", "/actions", "/work-streams", "/risks", "/meetings"} <= {urlsplit(u).path for u in start}
    assert "/admin/users" not in {urlsplit(u).path for u in start}

    queue, seen, per_shape, visited = list(start), set(), {}, []
    while queue:
        url = queue.pop(0)
        parts = urlsplit(url)
        if not url.startswith(live_server.base_url) or parts.path in seen:
            continue
        seen.add(parts.path)
        if re.search(r"\.(pdf|docx|xlsx|csv)$", parts.path):  # a download, not a page: nothing to press in it
            continue
        if per_shape.get(_shape(parts.path), 0) >= 3:
            continue
        per_shape[_shape(parts.path)] = per_shape.get(_shape(parts.path), 0) + 1
        try:
            response = page.goto(url)
        except PlaywrightError as error:  # a file to download, such as a report: no controls in it
            if "Download is starting" in str(error):
                continue
            raise
        assert response.status == 200, f"{url} answered {response.status}"
        visited.append(parts.path)

        posts = page.locator("form").evaluate_all(
            """(forms) => forms.filter((f) => (f.getAttribute('method') || 'get').toLowerCase() !== 'get')
                .map((f) => [f.getAttribute('action'), f.innerText.trim()])"""
        )
        if ASK_PAGE.match(parts.path):  # a councillor's one write, a question: it changes nothing in the plan
            assert_only_the_question_form(page, posts)
            continue
        # The printable report is a standalone document with no header, so it has no Sign out form either.
        assert posts in READ_ONLY_POSTS, f"{parts.path} offers a committee member: {posts}"
        verbs = page.locator(
            "[hx-post], [hx-put], [hx-patch], [hx-delete], [data-hx-post], [data-hx-put], [data-hx-patch], [data-hx-delete]"
        )
        assert verbs.count() == 0, f"{parts.path} has htmx controls that write"
        assert page.locator("input[type=file], textarea, [contenteditable=true]").count() == 0
        links = page.locator("main a[href], nav a[href], footer a[href]").evaluate_all(
            "(as) => as.map((a) => a.href.split('#')[0])"
        )
        queue.extend(link for link in links if urlsplit(link).path not in seen)

    shapes = {_shape(p) for p in visited}
    assert {
        "/",
        "/actions",
        "/work-streams",
        "/work-streams/N",
        "/actions/N",
        "/glossary",
        "/committee",
        "/risks",
        "/risks/N",
        "/meetings",
        "/changes",
    } <= shapes, visited


# --- an administrator creates a user ---------------------------------------------------------------------


def test_administrator_creates_a_user_with_the_mouse(
    page_as: Callable[..., Any], new_context: Callable[..., Any]
) -> None:
    page = page_as("admin")
    page.goto("/")
    follow(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Users"))
    follow(page.get_by_role("button", name="Create an account"))
    assert page.get_by_role("heading", level=1).inner_text() == "Create an account"

    follow(page.get_by_role("button", name="Create account"))
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert page.title().startswith("Error:")
    page.wait_for_function("() => document.activeElement.classList.contains('govuk-error-summary')")
    assert "Enter the person's full name" in summary.inner_text()
    summary.get_by_role("link", name="Enter the person's full name").click()
    assert focused(page)["id"] == "name", "the error summary's link takes you to the field"

    page.get_by_label("Full name").fill("Grace Mensah")
    page.get_by_label("E-mail address").fill("Grace.Mensah@example.org")
    page.get_by_label("Job title (optional)").fill("Service Manager, Fostering")
    page.get_by_label("Service manager", exact=True).check()
    page.get_by_role("checkbox", name=re.compile(r"^iii\. ")).check()
    page.get_by_label("First password").fill("blue heron lantern orchard")
    follow(page.get_by_role("button", name="Create account"))

    assert urlsplit(page.url).path == "/admin/users"
    assert "Account created for Grace Mensah" in page.locator(".govuk-notification-banner").inner_text()
    row = page.get_by_role("row", name=re.compile("Grace Mensah"))
    assert re.search(r"grace\.mensah@example\.org\s+Service manager\s+iii\s+Active", row.inner_text())

    newcomer = new_context().new_page()
    sign_in(newcomer, "grace.mensah@example.org", "blue heron lantern orchard")
    assert newcomer.get_by_text("Grace Mensah (Service manager)").is_visible()


def test_administrator_creates_a_user_with_the_keyboard(page_as: Callable[..., Any]) -> None:
    page = page_as("admin")
    page.goto("/")
    tab_to(page, "nav a[href='/admin/users']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "main a[href='/admin/users/new']")
    with page.expect_navigation():
        page.keyboard.press("Space")  # a link styled as a button answers Space too (GOV.UK Frontend)

    tab_to(page, "main form [type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.classList.contains('govuk-error-summary')")

    page.keyboard.press("Tab")
    assert focused(page)["text"].startswith("Enter the person's full name"), focused(page)
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "name"
    page.keyboard.type("Kwame Boateng")
    tab_to(page, "#email")
    page.keyboard.type("kwame.boateng@example.org")
    tab_to(page, "#job_title")
    page.keyboard.type("Team Manager, MASH")
    tab_to(page, "input[name=role]")
    for _ in range(5):
        if page.evaluate("document.activeElement.value") == "senior_manager":
            break
        page.keyboard.press("ArrowDown")
    assert page.locator("input[name=role]:checked").get_attribute("value") == "senior_manager"
    tab_to(page, "#password")
    page.keyboard.type("copper kettle winter meadow")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/admin/users$"))
    assert "Account created for Kwame Boateng" in page.locator(".govuk-notification-banner").inner_text()
    assert "Senior manager" in page.get_by_role("row", name=re.compile("Kwame Boateng")).inner_text()
