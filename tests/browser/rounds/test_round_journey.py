"""A month's round as people go through it: the project manager opens it (after a form sent back with its
errors), a service manager finds it on the dashboard, records no change (after a note left empty), then fills
the checklist workbook in offline and uploads it as drafts. Every page and state passes axe, the heading check
and 320-pixel reflow."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.browser.helpers import DOWNLOAD_WAIT, ConsoleWatch, assert_page_passes_checks, follow, upload

pytestmark = pytest.mark.browser

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_a_round_from_opening_to_drafts(page_as: Callable[..., Any], console: ConsoleWatch) -> None:
    console.allow(r"status of 400")  # the forms sent back with their errors
    pm = page_as("pm")
    pm.goto("/rounds")
    assert_page_passes_checks(pm)
    follow(pm.get_by_role("button", name="Open a round"))
    assert_page_passes_checks(pm)
    follow(pm.get_by_role("button", name="Open the round"))
    pm.locator(".govuk-error-summary").wait_for()
    assert_page_passes_checks(pm)
    this_month = date.today().replace(day=1)
    due = date.today() + timedelta(days=10)
    pm.get_by_label("Month the round is for").select_option(value=this_month.isoformat())
    pm.get_by_label("Day").fill(str(due.day))
    pm.get_by_label("Month", exact=True).fill(str(due.month))
    pm.get_by_label("Year").fill(str(due.year))
    follow(pm.get_by_role("button", name="Open the round"))
    pm.get_by_role("heading", level=1, name=re.compile("^Update round for")).wait_for()
    assert "Progress by service manager" in pm.content()
    assert_page_passes_checks(pm)

    sm = page_as("sm1")
    sm.goto("/")
    line = sm.locator("#my-update-round")
    assert re.search(r"Your update for \w+: 0 of \d+ done", line.inner_text())
    follow(line.get_by_role("link"))
    assert_page_passes_checks(sm)
    first = sm.locator(".govuk-summary-card").first
    follow(first.get_by_role("button", name="Record no change this month"))
    sm.locator(".govuk-error-summary").wait_for()
    assert "Enter a short note" in sm.locator(".govuk-error-summary").inner_text()
    assert_page_passes_checks(sm)
    first = sm.locator(".govuk-summary-card").first
    first.get_by_role("textbox").fill("Waiting for the new case management system")
    follow(first.get_by_role("button", name="Record no change this month"))
    assert re.search(r"1 of \d+ done", sm.locator("#checklist-headline").inner_text())

    with sm.expect_download(timeout=DOWNLOAD_WAIT) as waiting:
        sm.get_by_role("link", name="Download your checklist (Excel)").click()
    wb = load_workbook(BytesIO(Path(waiting.value.path()).read_bytes()))
    sheet = wb["WS1"]
    headings = [c.value for c in sheet[2]]
    sheet.cell(4, headings.index("Progress - actions") + 1, "Updated offline.")
    out = BytesIO()
    wb.save(out)
    sm.get_by_label("Your filled-in checklist (.xlsx)").set_input_files(upload("checklist.xlsx", out.getvalue(), XLSX))
    follow(sm.get_by_role("button", name="Preview the drafts"))
    sm.get_by_role("heading", level=1, name="Check your drafts").wait_for()
    assert_page_passes_checks(sm)
    follow(sm.get_by_role("button", name="Create the draft proposals"))
    assert "1 draft proposal created" in sm.content()
