"""Screenshots of each role's main pages for docs/screenshots/, so people can see the product first.

Runs only with SCREENSHOTS=1 (`make screenshots`); otherwise it is deselected, not skipped.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.browser.helpers import follow, wait_for_charts

pytestmark = pytest.mark.browser

FOLDER = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
ROLES = ["admin", "pm", "smt", "committee", "sm1"]
WORK_STREAM_PAGES = {"pm": "i", "sm1": "ii", "committee": "i"}  # the others see what the committee sees


def _shoot(page: Any, name: str) -> None:
    """A full-page PNG, reduced to 256 colours: a third of the size, no visible difference for these pages."""
    FOLDER.mkdir(parents=True, exist_ok=True)
    page.evaluate("document.activeElement && document.activeElement.blur()")
    png = page.screenshot(full_page=True, animations="disabled", caret="hide")
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        FOLDER / f"{name}.png", optimize=True
    )


def _work_stream(page: Any, roman: str) -> None:
    page.goto("/work-streams")
    follow(page.get_by_role("link", name=re.compile(rf"^{roman}\. ")))
    page.get_by_role("heading", level=1, name=re.compile(rf"^Work stream {roman}:")).wait_for()


def test_screenshots_of_each_roles_main_pages(new_context: Callable[..., Any], page_as: Callable[..., Any]) -> None:
    login = new_context().new_page()
    login.goto("/login")
    _shoot(login, "login")

    for who in ROLES:
        page = page_as(who)
        page.goto("/")
        wait_for_charts(page)
        _shoot(page, f"dashboard-{who}")
        if who in WORK_STREAM_PAGES:
            _work_stream(page, WORK_STREAM_PAGES[who])
            _shoot(page, f"work-stream-{who}")

    page = page_as("pm")
    page.goto("/actions")
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
        page.get_by_label("Work stream", exact=True).select_option(label="vii. Effective Quality Assurance")
    page.wait_for_url(re.compile(r"work_stream="))
    _shoot(page, "actions-filtered-pm")
    follow(page.locator("#actions-results tbody th a").first)
    page.get_by_role("heading", level=1, name=re.compile(r"^Action ")).wait_for()
    _shoot(page, "action-pm")

    page = page_as("committee")
    page.goto("/glossary")
    _shoot(page, "glossary-committee")

    page = page_as("admin")
    page.goto("/admin/users")
    _shoot(page, "admin-users")
    page.goto("/admin/users/new")
    follow(page.get_by_role("button", name="Create account"))
    page.locator(".govuk-error-summary").wait_for()
    _shoot(page, "admin-new-user-errors")

    # The change workflow, the risk register and the committee cycle, on the demo's history.
    page = page_as("pm")
    page.goto("/review")
    _shoot(page, "review-queue-pm")
    follow(page.locator("#queue tbody th a").first)
    page.locator("#side-by-side").wait_for()
    _shoot(page, "proposal-pm")
    page.goto("/risks")
    _shoot(page, "risk-register-pm")
    page.goto("/audit")
    _shoot(page, "audit-trail-pm")
    page.goto("/meetings")
    follow(page.locator("#meetings tbody th a").first)
    _shoot(page, "meeting-pm")

    page = page_as("sm1")
    page.goto("/work-streams")
    follow(page.get_by_role("link", name=re.compile(r"^i\. ")))
    follow(page.locator("#actions-results tbody th a").first)
    follow(page.get_by_role("button", name="Propose an update"))
    _shoot(page, "propose-update-sm1")

    page = page_as("committee")
    page.goto("/committee")
    _shoot(page, "committee-landing")
    page.goto("/changes")
    _shoot(page, "changes-since-committee")

    narrow = page_as("committee", viewport={"width": 320, "height": 640})
    narrow.goto("/")
    wait_for_charts(narrow)
    _shoot(narrow, "dashboard-committee-320px")
