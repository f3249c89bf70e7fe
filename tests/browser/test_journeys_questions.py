"""A councillor's question, as people go through it: asked from the action's page with the keyboard alone,
sent to an officer by the project manager, answered, published and read on the action. Every page and
state reached passes axe (WCAG 2.2 A/AA), the heading check and 320-pixel reflow, under the real CSP.

The database is shared with the other browser tests: this works on action 6.2, and questions change
nothing in the plan.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.helpers import (
    ConsoleWatch,
    assert_page_passes_checks,
    banner_text,
    follow,
    open_action,
    tab_and_press,
    tab_and_type,
)

pytestmark = pytest.mark.browser

QUESTION = "Why is <script>window.__asked = 1</script> this late?"
ANSWER = "Two of the three audits are done; the last is booked for next month."


def test_a_question_asked_with_the_keyboard_answered_and_published(
    page_as: Callable[..., Any], console: ConsoleWatch
) -> None:
    console.allow(r"status of 400")  # the question sent empty, on purpose
    member = page_as("committee")
    open_action(member, "6.2")
    tab_and_press(member, "a[href$='/questions/new']")
    member.get_by_role("heading", level=1, name=re.compile(r"^Ask a question about action 6.2")).wait_for()
    assert_page_passes_checks(member)

    tab_and_press(member, "main form button")  # nothing typed: the error, focused
    member.locator(".govuk-error-summary").wait_for()
    assert "Enter your question" in member.locator(".govuk-error-summary").inner_text()
    assert_page_passes_checks(member)

    tab_and_type(member, "textarea[name=text]", QUESTION)
    tab_and_press(member, "main form button")
    assert "Your question has been sent to the project manager" in banner_text(member)
    assert member.evaluate("window.__asked") is None
    assert "Your questions waiting for an answer" in member.inner_text("main") and "Received" in member.inner_text(
        "main"
    )
    assert_page_passes_checks(member)

    pm = page_as("pm")
    pm.goto("/questions")
    assert_page_passes_checks(pm)
    follow(pm.locator("#asked-table a").first)
    assert_page_passes_checks(pm)
    pm.get_by_label("Officer to answer it").select_option(label="Sarah Whitfield (Service manager)")
    follow(pm.get_by_role("button", name="Send to the officer"))
    assert "Question sent to Sarah Whitfield" in banner_text(pm)

    officer = page_as("sm1")
    officer.goto("/questions")
    follow(officer.locator("#mine-table a").first)
    officer.get_by_label("Your answer").fill(ANSWER)
    follow(officer.get_by_role("button", name="Send your answer"))
    assert_page_passes_checks(officer)

    pm.goto("/questions")
    follow(pm.locator("#answered-table a").first)
    assert pm.get_by_label("Answer to publish").input_value() == ANSWER
    follow(pm.get_by_role("button", name="Publish the answer"))
    assert "Answer published" in banner_text(pm)
    assert_page_passes_checks(pm)

    open_action(member, "6.2")
    section = member.locator("#questions ~ .app-panel").first.inner_text()
    assert ANSWER in section and "<script>" in section, "the question is shown as the text typed"
    assert member.evaluate("window.__asked") is None
    assert_page_passes_checks(member)
