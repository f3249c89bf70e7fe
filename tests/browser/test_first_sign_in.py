"""The first sign-in with a password an administrator chose: the change comes first, and the page passes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.helpers import assert_page_passes_checks, follow, sign_in

pytestmark = pytest.mark.browser

GIVEN = "harbour pencil summit glade"
OWN = "walnut signal meadow orbit"


def test_a_new_account_chooses_its_own_password_before_anything_else(
    page_as: Callable[..., Any], new_context: Callable[..., Any]
) -> None:
    admin = page_as("admin")
    admin.goto("/admin/users/new")
    admin.get_by_label("Full name").fill("Nia Roberts")
    admin.get_by_label("E-mail address").fill("nia.roberts@example.org")
    admin.get_by_label("Committee member", exact=True).check()
    admin.get_by_label("First password").fill(GIVEN)
    follow(admin.get_by_role("button", name="Create account"))
    assert "Account created for Nia Roberts" in admin.locator(".govuk-notification-banner").inner_text()

    page = new_context().new_page()
    sign_in(page, "nia.roberts@example.org", GIVEN)
    assert urlsplit(page.url).path == "/account/password"
    assert page.get_by_role("heading", level=1).inner_text() == "Choose a new password"
    assert "set by an administrator" in page.locator(".govuk-notification-banner").inner_text()
    assert page.get_by_role("navigation", name="Menu").count() == 0
    assert_page_passes_checks(page)

    page.goto("/risks")
    assert urlsplit(page.url).path == "/account/password"

    page.get_by_label("Current password").fill(GIVEN)
    page.get_by_label("New password").fill(OWN)
    follow(page.get_by_role("button", name="Change password"))
    assert urlsplit(page.url).path == "/risks", "back to the page they asked for"
    assert "Your password has been changed" in page.locator(".govuk-notification-banner").inner_text()
    assert page.get_by_role("navigation", name="Menu").is_visible()
