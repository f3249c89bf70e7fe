"""A region that refreshes itself must not pull the keyboard user's focus out from under them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.helpers import focused, tab_to

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["/", "/risks"])
def test_refresh_waits_while_focus_is_inside_the_region(page_as: Callable[..., Any], path: str) -> None:
    page = page_as("committee")
    page.goto(path)
    region = "#plan-summary" if path == "/" else "#register-results"
    tab_to(page, f"{region} a")
    before = focused(page)
    page.evaluate(f"document.querySelector('{region}').dataset.marker = 'original'")
    poll = page.locator(region).get_attribute("hx-get")
    with page.expect_response(lambda r: "poll=1" in r.url):
        # htmx.ajax's promise settles once htmx has handled the response, swapped or not; evaluate waits for it
        page.evaluate(f"htmx.ajax('GET', {poll!r}, {{target: '{region}', swap: 'outerHTML'}})")
    assert focused(page) == before, "focus stays on the link"
    assert page.locator(region).get_attribute("data-marker") == "original", "the region was left alone"
    page.evaluate("document.activeElement.blur()")
    with page.expect_response(lambda r: "poll=1" in r.url):
        page.evaluate(f"htmx.ajax('GET', {poll!r}, {{target: '{region}', swap: 'outerHTML'}})")
    page.locator(f"{region}:not([data-marker])").wait_for()
