"""The committee cycle and the edges of a session, as people go through them: with the mouse, and the main
ones again with the keyboard alone.

The project manager records a meeting, marks the plan presented and takes the report away as PDF and
Word; an Excel workbook goes out and comes back in as a new plan; a bad workbook is refused row by
row; a councillor browses everything and can change nothing; a session that ends in the middle of a
form sends the person to sign in and back, with nothing half-saved. Pages and states reached pass axe
(WCAG 2.2 A/AA), the heading check and 320-pixel reflow.

The database is shared with the other browser tests: figures are compared with /api/v1/summary at the
moment they matter, and the session test works on action 5.3, which no other test touches.
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import docx
import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from pypdf import PdfReader

from tests.browser.helpers import (
    DOWNLOAD_WAIT,
    ConsoleWatch,
    api_summary,
    assert_page_passes_checks,
    banner_text,
    crawl_read_only,
    focused,
    follow,
    open_action,
    press,
    sign_in,
    tab_and_press,
    tab_and_type,
    tab_to,
    table_rows,
    upload,
    wait_for_charts,
    wait_for_focus_on,
)

pytestmark = pytest.mark.browser

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERROR_SUMMARY = ".govuk-error-summary"


def path_of(page: Any) -> str:
    return urlsplit(page.url).path


def words(text: str) -> str:
    """Text with every run of whitespace made one space: PDF and Word break lines where they like."""
    return " ".join(text.split())


def report_figures(summary: dict[str, Any]) -> list[str]:
    """Patterns of the sentences in which the report states the plan's figures (paragraphs 4 and 7 of the 2015
    report), singular or plural as the numbers need."""
    a, m = summary["actions"], summary["measures"]
    return [
        rf"against all {a['total']} actions? in the Plan, with {a['completed']} actions? COMPLETED, "
        rf"{a['in_progress']} actions? IN PROGRESS and {a['static']} (?:is|are) STATIC",
        rf"out of {m['total']} projected outcomes?, {m['completed']} (?:is|are) COMPLETED, "
        rf"{m['in_progress']} (?:is|are) IN PROGRESS and {m['static']} (?:is|are) STATIC",
    ]


def says(text: str, pattern: str) -> bool:
    return re.search(pattern, text, re.IGNORECASE) is not None


def pdf_text(data: bytes) -> str:
    return words(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def docx_text(data: bytes) -> str:
    return words(" ".join(paragraph.text for paragraph in docx.Document(io.BytesIO(data)).paragraphs))


def fill_date(page: Any, field: str, when: date) -> None:
    page.locator(f"#{field}-day").fill(str(when.day))
    page.locator(f"#{field}-month").fill(str(when.month))
    page.locator(f"#{field}-year").fill(str(when.year))


def record_and_present_a_meeting(pm: Any, when: date) -> str:
    """With the mouse, from the meetings page: record a meeting on `when` (today or earlier: a meeting in the
    future cannot be presented) and mark the plan presented, confirming. Returns the meeting page's path."""
    pm.goto("/meetings")
    fill_date(pm, "meeting_date", when)
    pm.get_by_label("Contact officer", exact=True).fill("Helen Marsh")
    follow(pm.get_by_role("button", name="Record the meeting"))
    meeting = path_of(pm)
    follow(pm.get_by_role("button", name="Mark the plan presented"))
    follow(pm.get_by_role("button", name="Confirm and present"))
    return meeting


# --- a meeting presented, and its report -----------------------------------------------------------------------


def test_meeting_recorded_presented_and_its_report_downloaded_as_pdf_and_word_with_the_mouse(
    page_as: Callable[..., Any], console: ConsoleWatch
) -> None:
    console.allow(r"status of 400")  # the meeting form sent without a date, on purpose
    pm = page_as("pm")
    pm.goto("/")
    follow(pm.get_by_role("navigation", name="Menu").get_by_role("link", name="Committee"))
    assert pm.get_by_role("heading", level=1).inner_text() == "Committee meetings"

    follow(pm.get_by_role("button", name="Record the meeting"))
    summary = pm.locator(ERROR_SUMMARY)
    wait_for_focus_on(pm, ERROR_SUMMARY)
    summary.get_by_role("link", name="Enter the date of the meeting").click()
    assert focused(pm)["id"] == "meeting_date-day"
    assert_page_passes_checks(pm)

    when = date.today() - timedelta(days=10)  # not in the future: a future meeting cannot be presented
    fill_date(pm, "meeting_date", when)
    pm.get_by_label("Contact officer", exact=True).fill("Helen Marsh")
    pm.get_by_label("Telephone (optional)").fill("01895 250000")
    follow(pm.get_by_role("button", name="Record the meeting"))
    assert re.fullmatch(r"/meetings/\d+", path_of(pm)), pm.url
    assert "Meeting recorded" in banner_text(pm)
    assert pm.get_by_role("link", name="Download the report as PDF").count() == 0, "no report before presenting"
    assert_page_passes_checks(pm)

    at_presentation = api_summary(pm)
    follow(pm.get_by_role("button", name="Mark the plan presented"))
    a = at_presentation["actions"]
    assert pm.get_by_role("heading", level=1).inner_text() == "Mark the plan presented", "first, what will be fixed"
    assert f"{a['total']} actions: {a['completed']} COMPLETED" in words(pm.locator("#to-be-fixed").inner_text())
    assert_page_passes_checks(pm)
    follow(pm.get_by_role("button", name="Confirm and present"))
    assert "The plan is marked presented" in banner_text(pm)
    assert (
        f"{a['total']} actions, {a['completed']} COMPLETED, {a['in_progress']} IN PROGRESS and {a['static']} STATIC"
        in words(pm.locator("#baseline").inner_text())
    )
    assert pm.get_by_role("button", name="Mark the plan presented").count() == 0, "a meeting has one baseline"
    assert_page_passes_checks(pm)

    with pm.expect_download(timeout=DOWNLOAD_WAIT) as pdf_download:
        pm.get_by_role("link", name="Download the report as PDF").click()
    assert pdf_download.value.suggested_filename == f"sip-progress-report-{when.isoformat()}.pdf"
    pdf = Path(pdf_download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF"), pdf[:20]
    text = pdf_text(pdf)
    for sentence in report_figures(at_presentation):
        assert says(text, sentence), f"the PDF does not say: {sentence}"

    with pm.expect_download(timeout=DOWNLOAD_WAIT) as word_download:
        pm.get_by_role("link", name="Download the report as Word").click()
    assert word_download.value.suggested_filename.endswith(".docx")
    word = Path(word_download.value.path()).read_bytes()
    assert zipfile.is_zipfile(io.BytesIO(word)) and "word/document.xml" in zipfile.ZipFile(io.BytesIO(word)).namelist()
    text = docx_text(word)
    for sentence in report_figures(at_presentation):
        assert says(text, sentence), f"the Word report does not say: {sentence}"

    follow(pm.get_by_role("link", name=re.compile(r"^Read the report")))
    assert "PROGRESS REPORT" in pm.get_by_role("heading", level=1).inner_text()
    assert pm.get_by_role("link", name="Download PDF").is_visible()
    assert_page_passes_checks(pm)


def test_meeting_presented_report_downloaded_and_baselines_compared_with_the_keyboard_alone(
    page_as: Callable[..., Any],
) -> None:
    pm = page_as("pm")
    pm.goto("/")
    tab_and_press(pm, "nav a[href='/meetings']")
    when = date.today() - timedelta(days=40)
    tab_and_type(pm, "#meeting_date-day", str(when.day))
    tab_and_type(pm, "#meeting_date-month", str(when.month))
    tab_and_type(pm, "#meeting_date-year", str(when.year))
    tab_and_type(pm, "#contact_officer", "Helen Marsh")
    tab_and_press(pm, "form[action^='/meetings'] button[type=submit]")
    assert "Meeting recorded" in banner_text(pm)
    at_presentation = api_summary(pm)
    tab_and_press(pm, "#present-button")
    tab_and_press(pm, "form[action$='/present'] button")
    assert "The plan is marked presented" in banner_text(pm)

    # the documents are prepared in the background; the meeting page's htmx poll shows the links when stored
    pm.wait_for_selector("#report-links a[href$='.pdf']")
    tab_to(pm, "#report-links a[href$='.pdf']")
    with pm.expect_download(timeout=DOWNLOAD_WAIT) as download:
        pm.keyboard.press("Enter")
    text = pdf_text(Path(download.value.path()).read_bytes())
    assert says(text, report_figures(at_presentation)[0])

    # Two baselines at least (another presentation if this test runs alone), then compare them.
    pm.goto("/meetings")
    if pm.get_by_role("link", name="Compare baselines").count() == 0:
        record_and_present_a_meeting(pm, when + timedelta(days=1))  # still in the past
        pm.goto("/meetings")
    assert_page_passes_checks(pm)
    tab_and_press(pm, "main a[href^='/baselines/compare']")
    assert pm.get_by_role("heading", level=1).inner_text() == "Compare baselines"
    assert_page_passes_checks(pm)
    tab_and_press(pm, "main form button[type=submit]")
    assert pm.get_by_role("heading", level=2, name=re.compile(r"^From ")).is_visible()
    assert_page_passes_checks(pm)


# --- Excel out and back in -----------------------------------------------------------------------------------


def test_excel_export_imported_previewed_and_confirmed_and_a_bad_file_refused_with_the_mouse(
    page_as: Callable[..., Any], console: ConsoleWatch, tmp_path: Path
) -> None:
    console.allow(r"status of 400")  # the bad file's preview
    pm = page_as("pm")
    pm.goto("/")
    with pm.expect_download(timeout=DOWNLOAD_WAIT) as download:
        pm.get_by_role("link", name="Download the action plans (Excel)").click()
    workbook = tmp_path / download.value.suggested_filename
    download.value.save_as(workbook)
    assert workbook.suffix == ".xlsx" and zipfile.is_zipfile(workbook)
    current = api_summary(pm)

    follow(pm.get_by_role("link", name="Import a plan from Excel"))
    assert pm.get_by_role("heading", level=1).inner_text() == "Import a plan from Excel"
    assert_page_passes_checks(pm)
    pm.get_by_label("Excel workbook (.xlsx)").set_input_files(workbook)
    follow(pm.get_by_role("button", name="Preview the import"))
    assert pm.get_by_role("heading", level=1).inner_text() == "Check the import"
    a = current["actions"]
    preview = words(pm.locator("#import-summary").inner_text())
    assert (
        f"with {len(current['work_streams'])} work streams, {a['total']} actions ({a['completed']} COMPLETED, "
        f"{a['in_progress']} IN PROGRESS, {a['static']} STATIC;"
    ) in preview, preview
    assert "Nothing has been saved yet" in preview
    assert_page_passes_checks(pm)

    title = f"Imported plan {uuid.uuid4().hex[:8]}"
    pm.get_by_label("Title of the new plan").fill(title)
    follow(pm.get_by_role("button", name="Create the plan"))
    assert path_of(pm) == "/"
    plan_id = int(parse_qs(urlsplit(pm.url).query)["plan"][0])
    assert f"Plan “{title}” created from the workbook." in banner_text(pm)
    assert pm.locator("main .govuk-caption-l").first.inner_text() == title
    imported = api_summary(pm, plan_id)
    assert imported["plan"]["title"] == title
    assert imported["actions"] == current["actions"], "the new plan holds the exported figures"
    wait_for_charts(pm)
    assert api_summary(pm)["plan"]["id"] == current["plan"]["id"], "the imported plan does not become the current one"

    # A text file named .xlsx: nothing saved, and the problem listed.
    pm.goto("/plans/import")
    pm.get_by_label("Excel workbook (.xlsx)").set_input_files(
        upload("action-plans.xlsx", b"Reference,Title,Status\n1.1,Recruit Team Managers,DONE\n", XLSX)
    )
    follow(pm.get_by_role("button", name="Preview the import"))
    wait_for_focus_on(pm, ERROR_SUMMARY)
    assert "cannot be imported: 1 problem" in pm.locator(ERROR_SUMMARY).inner_text()
    problems = table_rows(pm, "#problem-list")
    assert len(problems) == 1 and "not an Excel workbook" in problems[0][3], problems
    assert pm.get_by_role("button", name="Create the plan").count() == 0
    assert_page_passes_checks(pm)


def test_excel_import_with_problem_rows_then_a_good_one_with_the_keyboard_alone(
    page_as: Callable[..., Any], console: ConsoleWatch, tmp_path: Path
) -> None:
    console.allow(r"status of 400")
    pm = page_as("pm")
    pm.goto("/")
    tab_to(pm, "#plan-downloads a[href$='.xlsx']")
    with pm.expect_download(timeout=DOWNLOAD_WAIT) as download:
        pm.keyboard.press("Enter")
    good = tmp_path / "good.xlsx"
    download.value.save_as(good)

    # The same workbook with two rows spoiled: each is named by sheet, row and column.
    book = openpyxl.load_workbook(good)
    sheet = book["WS1"]  # short sheet names; the work stream's full title is in the sheet's first row
    header = next(row for row in sheet.iter_rows(max_row=5) if any(cell.value == "Status" for cell in row))
    status_column = next(cell.column for cell in header if cell.value == "Status")
    first, third = header[0].row + 1, header[0].row + 3
    sheet.cell(row=first, column=status_column, value="DONE")
    sheet.cell(row=third, column=status_column, value="NEARLY")
    bad = tmp_path / "bad.xlsx"
    book.save(bad)

    tab_and_press(pm, "#plan-downloads a[href='/plans/import']")
    tab_to(pm, "#workbook")
    pm.locator("#workbook").set_input_files(bad)
    tab_and_press(pm, "main form button[type=submit]")
    wait_for_focus_on(pm, ERROR_SUMMARY)
    rows = table_rows(pm, "#problem-list")
    column = get_column_letter(status_column)
    spoiled = {(row[0], row[1], row[2]): row[3] for row in rows}
    assert "“DONE” is not a status" in spoiled.get((sheet.title, str(first), column), ""), rows
    assert "“NEARLY” is not a status" in spoiled.get((sheet.title, str(third), column), ""), rows
    assert pm.get_by_role("button", name="Create the plan").count() == 0

    tab_and_press(pm, "main a[href='/plans/import']")
    tab_to(pm, "#workbook")
    pm.locator("#workbook").set_input_files(good)
    tab_and_press(pm, "main form button[type=submit]")
    title = f"Keyboard import {uuid.uuid4().hex[:8]}"
    tab_and_type(pm, "#title", title, replace=True)
    press(pm)  # Enter in the title field submits the form
    assert f"Plan “{title}” created from the workbook." in banner_text(pm)


# --- a councillor reads everything and can change nothing ----------------------------------------------------------


def test_committee_member_browses_everything_finds_no_control_that_changes_anything_and_the_latest_report(
    new_context: Callable[..., Any], page_as: Callable[..., Any], live_server: Any
) -> None:
    pm = page_as("pm")
    pm.goto("/committee")
    if pm.locator("#latest-report").count() == 0:  # this test run alone: present the plan first
        record_and_present_a_meeting(pm, date.today() - timedelta(days=70))
    pm.goto("/meetings")
    presented = [
        link.get_attribute("href")
        for link in pm.locator("#meetings tbody tr").filter(has_text="Presented").get_by_role("link").all()
        if link.get_attribute("href").endswith("/report")
    ]

    councillor = new_context().new_page()
    councillor.goto("/login")
    sign_in(councillor, "committee")
    assert path_of(councillor) == "/committee", "committee members land on their own page"
    assert councillor.get_by_role("heading", level=1).inner_text() == "For committee members"
    assert_page_passes_checks(councillor)
    latest = councillor.locator("#latest-report").get_by_role("link", name=re.compile(r"^Progress report to the "))
    assert latest.get_attribute("href") in presented

    start = councillor.locator("nav[aria-label=Menu] a[href], main a[href]").evaluate_all(
        "(as) => as.filter((a) => !a.hasAttribute('download')).map((a) => a.href)"
    )
    visited = crawl_read_only(councillor, start, live_server.base_url, per_shape=2)
    shapes = {re.sub(r"\d+", "N", path) for path in visited}
    assert {
        "/committee",
        "/",
        "/actions",
        "/actions/N",
        "/work-streams",
        "/work-streams/N",
        "/risks",
        "/risks/N",
        "/meetings",
        "/meetings/N",
        "/meetings/N/report",
        "/changes",
        "/questions",
        "/actions/N/questions/new",  # the councillor's one write, a question: checked by crawl_read_only
    } <= shapes, sorted(shapes)

    councillor.goto("/committee")
    follow(latest)
    assert "PROGRESS REPORT" in councillor.get_by_role("heading", level=1).inner_text()


# --- a session that ends in the middle of a form ------------------------------------------------------------------


def test_session_ended_mid_form_goes_to_sign_in_and_back_to_the_form_with_nothing_half_saved(
    new_context: Callable[..., Any], page_as: Callable[..., Any]
) -> None:
    context = new_context()
    page = context.new_page()
    page.goto("/login")
    sign_in(page, "sm3")
    open_action(page, "5.3")
    follow(page.get_by_role("button", name="Propose an update"))
    form = path_of(page)
    page.get_by_label("STATIC", exact=True).check()
    page.get_by_label("Progress - actions").fill("Half-typed: the recruitment event was cancelled and")

    elsewhere = new_context(storage_state=context.storage_state()).new_page()
    elsewhere.goto("/")
    follow(elsewhere.get_by_role("button", name="Sign out"))
    assert path_of(elsewhere) == "/login"

    follow(page.get_by_role("button", name="Submit for approval"))
    assert path_of(page) == "/login", "sent to sign in, not shown an error"
    assert parse_qs(urlsplit(page.url).query)["next"] == [form]
    assert page.get_by_role("heading", level=1).inner_text() == "Sign in"

    sign_in(page, "sm3")
    assert path_of(page) == form, "back on the form after signing in"
    assert page.get_by_role("heading", level=1).inner_text() == "Propose an update to action 5.3"
    assert "Half-typed" not in page.get_by_label("Progress - actions").input_value()

    pm = page_as("pm")
    pm.goto("/review")
    assert pm.get_by_role("row", name=re.compile(r"Action 5\.3")).count() == 0, "nothing reached the queue"
    open_action(pm, "5.3")
    assert pm.locator("#open-proposal").count() == 0 and pm.locator("#proposals").count() == 0, "no draft either"
    page.goto("/proposals")
    assert page.get_by_role("link", name="Action 5.3", exact=True).count() == 0
