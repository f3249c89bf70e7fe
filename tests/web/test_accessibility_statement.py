"""The accessibility statement names a real contact and its own dates, from the settings."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

MakeApp = Callable[..., Flask]


def _statement(make_app: MakeApp) -> str:
    """The statement from an app made now, so it reads the settings as the test has set them."""
    return make_app().test_client().get("/accessibility").get_data(as_text=True)


def test_the_contact_and_dates_come_from_the_settings(make_app: MakeApp, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACCESSIBILITY_CONTACT_NAME", "the Business Support Team, Children's Services")
    monkeypatch.setenv("ACCESSIBILITY_CONTACT_EMAIL", "access.sip@council.gov.uk")
    monkeypatch.setenv("ACCESSIBILITY_CONTACT_PHONE", "01632 960 123")
    monkeypatch.setenv("ACCESSIBILITY_STATEMENT_PREPARED", "2027-01-04")
    monkeypatch.setenv("ACCESSIBILITY_STATEMENT_REVIEWED", "2027-02-03")
    monkeypatch.setenv("ACCESSIBILITY_LAST_TESTED", "2027-01-29")
    page = _statement(make_app)
    assert page.count("contact the Business Support Team, Children&#39;s Services:") == 2
    assert (
        page.count('<a class="govuk-link" href="mailto:access.sip@council.gov.uk">access.sip@council.gov.uk</a>') == 2
    )
    assert page.count("call 01632 960 123") == 2
    assert "This statement was prepared on 4 January 2027. It was last reviewed on 3 February 2027." in page
    assert "This website was last tested on 29 January 2027" in page
    assert "project manager or your administrator" not in page
    assert "28 November 2026" not in page


def test_the_demo_has_a_made_up_contact_and_the_phone_is_left_out_when_not_set(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("ACCESSIBILITY_CONTACT_NAME", "ACCESSIBILITY_CONTACT_EMAIL", "ACCESSIBILITY_STATEMENT_PREPARED"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ACCESSIBILITY_CONTACT_PHONE", "")
    page = _statement(make_app)
    assert "mailto:improvement-plan@example.org" in page
    assert "call " not in page
    assert "This statement was prepared on 28 November 2026." in page


def test_the_known_gaps_are_listed(make_app: MakeApp) -> None:
    page = _statement(make_app)
    for gap in [
        "your session ends after 60 minutes without activity, with no warning",
        "2.2.1 (timing adjustable)",
    ]:
        assert gap in page, gap


def test_the_gaps_fixed_by_issue_14_are_no_longer_listed(make_app: MakeApp) -> None:
    page = _statement(make_app)
    for fixed in [
        "a removed word and an added word can run together",
        "do not say the file's type or size",
        "the status table on the committee members' page is cut off",
        "the action plan tables and the tables of changes are kept to a narrow column",
        "1.4.10 (reflow)",
        "the same name, “Menu”",
        "in the Word version without alternative text",
        "the charts have no alternative text",
    ]:
        assert fixed not in page, fixed
