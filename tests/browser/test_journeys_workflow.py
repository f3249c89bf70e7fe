"""Journeys that change the plan, as people make them: with the mouse, and again with the keyboard alone.

A service manager proposes, the project manager challenges, the service manager answers with more
evidence, the project manager approves, and pages left open elsewhere follow by themselves; a
rejection and a withdrawal; a form sent back with errors; a plan edit with a justification; a risk
register entry updated. Every page and state reached passes axe (WCAG 2.2 A/AA), the heading check
and 320-pixel reflow.

The suite shares one server and database, so each test works on its own actions (one open proposal
per action) and compares figures with /api/v1/summary or with what it read before, never with the
demo's fixed numbers:

    3.3 mouse approval (to STATIC)   3.5 keyboard approval (to COMPLETED)
    3.6 mouse rejection              3.8 mouse withdrawal
    4.4 keyboard rejection           4.6 keyboard withdrawal
    4.3 mouse bad input              4.8 keyboard bad input, then corrected and submitted
    3.2 mouse plan edit (PM)         4.7 keyboard plan edit (PM)
    risk entries of 3.1 (mouse) and 4.2 (keyboard), both sm2's
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.helpers import (
    DOWNLOAD_WAIT,
    PDF_BYTES,
    STATUS_KEYS,
    ConsoleWatch,
    action_url,
    actions_headline_for,
    api_summary,
    assert_page_passes_checks,
    banner_text,
    choose_radio_with_keyboard,
    focused,
    follow,
    heat_map,
    open_action,
    tab_and_press,
    tab_and_type,
    tab_to,
    table_rows,
    upload,
    wait_for_charts,
    wait_for_focus_on,
)

pytestmark = pytest.mark.browser

POLL_WAIT = 60_000  # ms: once the pages' clock reaches their next poll, a busy server may answer slowly
CSV_BYTES = b"month,first core groups on time,minutes on file in 5 days\n2026-09,88%,61%\n2026-10,91%,64%\n"
ERROR_SUMMARY = ".govuk-error-summary"


def path_of(page: Any) -> str:
    return urlsplit(page.url).path


def state_of(page: Any) -> str:
    """The proposal page's state tag: Draft, Awaiting review, Challenged, Approved, Rejected, Withdrawn."""
    return page.locator("main p .app-status").first.inner_text().strip()


def side_by_side(page: Any) -> dict[str, list[str]]:
    """The proposal page's table of the change: {field label: [as it is, as proposed, why]}."""
    return {row[0]: row[1:] for row in table_rows(page, "#side-by-side")}


def queue_badge(page: Any) -> int:
    """The number in the navigation's review queue badge (0 when there is none)."""
    text = page.locator("nav #queue-count").inner_text().strip()
    return int(re.match(r"\d+", text).group()) if text else 0


def open_entries(page: Any) -> int:
    """The risk register's count of open entries, from its status line."""
    text = page.locator("#register-results [role=status]").inner_text()
    return int(re.match(r"\s*(\d+) open", text).group(1))


def summary_box_count(page: Any, status_label: str) -> int:
    """A number from the work stream page's summary box (status in words, e.g. STATIC)."""
    rows = table_rows(page, "#summary-box")
    return int(next(row[1] for row in rows if row[0] == status_label))


def dashboard_table(page: Any, kind: str) -> list[list[int]]:
    """The dashboard's table beside a chart: each work stream's and the total's counts, as numbers."""
    return [[int(cell) for cell in row[1:]] for row in table_rows(page, f"#{kind}-table")]


def expected_table(summary: dict[str, Any], kind: str) -> list[list[int]]:
    rows = [[ws[kind][key] for key in [*STATUS_KEYS, "total"]] for ws in summary["work_streams"]]
    return [*rows, [summary[kind][key] for key in [*STATUS_KEYS, "total"]]]


def assert_error_summary_takes_focus_and_links_to(page: Any, message: str, field_id: str) -> None:
    """GOV.UK's pattern: the summary has focus on arrival, and its link puts focus in the field."""
    summary = page.locator(ERROR_SUMMARY)
    summary.wait_for()
    assert page.title().startswith("Error:"), page.title()
    wait_for_focus_on(page, ERROR_SUMMARY)
    assert message in summary.inner_text(), summary.inner_text()
    summary.get_by_role("link", name=message).click()
    assert focused(page)["id"] == field_id, f"the error summary's link left focus on {focused(page)}"


# --- propose, challenge, respond, approve: and the open pages follow ----------------------------------------


NARRATIVE_33 = (
    "Core groups have stalled: the minute-taking service was withdrawn in October and first core groups "
    "on time fell back. A replacement is not yet agreed."
)


def test_proposal_challenged_answered_and_approved_updates_open_pages_with_the_mouse(
    page_as: Callable[..., Any], tmp_path: Path
) -> None:
    # Someone has the dashboard, work stream iii and the risk register open in another window. The pages poll
    # every 20 seconds; the test moves their clock on to the next poll rather than wait for it.
    dashboard = page_as("smt")
    dashboard.context.clock.install()
    dashboard.goto("/")
    wait_for_charts(dashboard)
    work_stream = dashboard.context.new_page()
    work_stream.goto("/work-streams")
    follow(work_stream.get_by_role("link", name=re.compile(r"^iii\. ")))
    register = dashboard.context.new_page()
    register.goto("/risks")
    before = api_summary(dashboard)
    ws3_before = next(ws for ws in before["work_streams"] if ws["number"] == 3)
    entries_before = open_entries(register)
    assert register.locator("#register").get_by_role("link", name=re.compile(r"^3\.3 ")).count() == 0
    assert summary_box_count(work_stream, "STATIC") == ws3_before["actions"]["static"]
    dashboard.evaluate("() => { window.__canvases = Array.from(document.querySelectorAll('canvas[data-chart]')); }")
    for page in (dashboard, work_stream, register):
        page.evaluate("window.__notReloaded = true")

    # The service manager who runs work stream iii proposes STATIC, with a PDF.
    sm = page_as("sm2")
    open_action(sm, "3.3")
    propose = sm.get_by_role("button", name="Propose an update")
    assert propose.is_visible()
    assert_page_passes_checks(sm)
    follow(propose)
    assert sm.get_by_role("heading", level=1).inner_text() == "Propose an update to action 3.3"
    assert_page_passes_checks(sm)
    sm.get_by_label("STATIC", exact=True).check()
    sm.get_by_label("Why is this changing?").fill("First core groups have slipped since the team manager left.")
    sm.get_by_label("Progress - actions").fill(NARRATIVE_33)
    sm.get_by_label("Upload a file").set_input_files(upload("core-group-audit.pdf", PDF_BYTES, "application/pdf"))
    sm.get_by_label("Title of the evidence (optional)").fill("Core group audit, October")
    sm.get_by_label("What does this evidence show?").fill("First core groups held on time, month by month.")
    follow(sm.get_by_role("button", name="Submit for approval"))
    proposal = path_of(sm)
    assert re.fullmatch(r"/proposals/\d+", proposal), sm.url
    assert "Proposal submitted for approval" in banner_text(sm)
    assert state_of(sm) == "Awaiting review"
    assert sm.get_by_role("link", name="Core group audit, October").is_visible()
    assert sm.get_by_role("button", name="Withdraw").is_visible()
    assert sm.locator("#approve, #challenge, #reject").count() == 0, "the author cannot decide their own proposal"
    assert_page_passes_checks(sm)

    # The project manager sees it counted in the navigation and waiting in the queue.
    pm = page_as("pm")
    pm.goto("/")
    waiting = queue_badge(pm)
    assert waiting >= 1
    follow(pm.get_by_role("navigation", name="Menu").get_by_role("link", name=re.compile(r"^Review")))
    assert pm.locator("#queue tbody tr").count() == waiting, "the badge counts what the queue lists"
    row = pm.get_by_role("row", name=re.compile(r"Action 3\.3"))
    cells = row.locator("td").all_inner_texts()
    assert cells[0] == "Tom Adeyemi" and cells[2].startswith("Status to STATIC") and cells[3] == "1", cells
    assert_page_passes_checks(pm)
    follow(row.get_by_role("link"))
    assert path_of(pm) == proposal

    # Side by side, the narrative's word diff, the evidence: the file is the one uploaded.
    change = side_by_side(pm)
    status_row = next(values for label, values in change.items() if "status" in label.lower())
    assert status_row[:2] == ["IN PROGRESS", "STATIC"], change
    added = pm.locator("#narrative-diff ins").all_inner_texts()
    assert pm.locator("#narrative-diff del").count() > 0 and any("stalled" in text for text in added), added
    with pm.expect_download(timeout=DOWNLOAD_WAIT) as download:
        pm.get_by_role("link", name="Core group audit, October").click()
    saved = tmp_path / "evidence.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes() == PDF_BYTES
    assert_page_passes_checks(pm)

    # Challenge: more evidence, please.
    challenge = pm.locator("#challenge")
    challenge.get_by_label("Your question to the service manager").fill(
        "Which months fell back, and is there a record of the minute-taking contract ending?"
    )
    challenge.get_by_label("They must add more evidence with their answer").check()
    follow(challenge.get_by_role("button", name="Challenge"))
    assert "Challenge sent" in banner_text(pm)
    assert state_of(pm) == "Challenged"
    assert queue_badge(pm) == waiting - 1, "the badge counts one fewer once it is back with its author"

    # The service manager finds it among their proposals and answers with a CSV.
    sm.goto("/")
    follow(sm.get_by_role("navigation", name="Menu").get_by_role("link", name="Proposals"))
    assert_page_passes_checks(sm)
    follow(sm.get_by_role("link", name="Action 3.3", exact=True))
    assert state_of(sm) == "Challenged"
    assert "minute-taking contract" in sm.locator("#conversation + .app-timeline").inner_text()
    respond = sm.locator("form#respond")
    assert "asked for more evidence" in respond.inner_text()
    assert_page_passes_checks(sm)
    respond.get_by_label("Your answer").fill("September and October; the contract notice is attached with the figures.")
    respond.get_by_label("Upload a file").set_input_files(upload("core-groups.csv", CSV_BYTES, "text/csv"))
    respond.get_by_label("What does this evidence show?").fill("Core group timeliness by month from Liquid Logic.")
    follow(respond.get_by_role("button", name="Respond and resubmit"))
    assert "Answer sent" in banner_text(sm)
    assert state_of(sm) == "Awaiting review"
    assert sm.locator(".app-evidence").count() == 2

    # The project manager approves.
    pm.goto("/review")
    follow(pm.get_by_role("row", name=re.compile(r"Action 3\.3")).get_by_role("link"))
    assert "September and October" in pm.locator("#conversation + .app-timeline").inner_text()
    pm.locator("#approve").get_by_label("Why are you approving this change?").fill("The audit shows the slippage.")
    follow(pm.locator("#approve").get_by_role("button", name="Approve"))
    assert "Proposal approved" in banner_text(pm)
    assert state_of(pm) == "Approved"

    after = api_summary(pm)
    ws3_after = next(ws for ws in after["work_streams"] if ws["number"] == 3)
    assert after["actions"]["static"] == before["actions"]["static"] + 1
    assert after["actions"]["in_progress"] == before["actions"]["in_progress"] - 1
    assert ws3_after["actions"]["static"] == ws3_before["actions"]["static"] + 1

    # The pages open elsewhere show the new figures without anyone reloading them; the charts are redrawn.
    dashboard.clock.fast_forward("00:20")
    dashboard.wait_for_function(
        "(t) => document.querySelector('#actions-headline').innerText.includes(t)",
        arg=actions_headline_for(after),
        timeout=POLL_WAIT,
    )
    dashboard.wait_for_function(
        """() => { const now = Array.from(document.querySelectorAll('canvas[data-chart]'));
                   return now.length === window.__canvases.length && now.every((c, i) => c !== window.__canvases[i]
                     && c.closest('.app-chart').classList.contains('app-chart--drawn')); }"""
    )
    for kind in ["actions", "measures"]:
        assert dashboard_table(dashboard, kind) == expected_table(after, kind), f"the {kind} table"
        canvas = dashboard.locator(f"#{kind}-chart")
        drawn = canvas.evaluate("(c) => window.Chart.getChart(c).data.datasets.map((d) => d.data)")
        assert drawn == [[ws[kind][key] for ws in after["work_streams"]] for key in STATUS_KEYS], f"the {kind} chart"
        assert canvas.evaluate(
            "(c) => c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 === 3 && v > 0)"
        ), f"the redrawn {kind} chart is blank"
    assert f"{entries_before + 1} actions are in the risk register" in dashboard.locator("#open-risks").inner_text()

    work_stream.wait_for_function(
        """(n) => Array.from(document.querySelectorAll('#summary-box tbody tr'))
                 .some((r) => r.cells[0].innerText.trim() === 'STATIC' && Number(r.cells[1].innerText) === n)""",
        arg=ws3_after["actions"]["static"],
        timeout=POLL_WAIT,
    )
    assert summary_box_count(work_stream, "IN PROGRESS") == ws3_after["actions"]["in_progress"]

    register.locator("#register").get_by_role("link", name=re.compile(r"^3\.3 ")).wait_for(timeout=POLL_WAIT)
    assert open_entries(register) == entries_before + 1
    assert "STATIC" in register.get_by_role("row", name=re.compile(r"^3\.3 ")).inner_text()
    for page in (dashboard, work_stream, register):
        assert page.evaluate("window.__notReloaded") is True, f"{page.url} was reloaded"

    # And the action itself: STATIC, in the register, with the approved evidence listed.
    open_action(sm, "3.3")
    assert sm.locator("#action-details").get_by_text("STATIC").first.is_visible()
    assert "In the risk register since" in sm.locator("#risk + p").inner_text()
    assert "Core group audit, October" in sm.locator("#evidence + ul").inner_text()


def test_proposal_challenged_answered_and_approved_with_the_keyboard_alone(page_as: Callable[..., Any]) -> None:
    sm = page_as("sm2")
    sm.goto(action_url(sm, "3.5"))
    tab_and_press(sm, "main a[role=button][href$='/propose']", key="Space")
    assert sm.get_by_role("heading", level=1).inner_text() == "Propose an update to action 3.5"
    choose_radio_with_keyboard(sm, "status", "COMPLETED")
    tab_and_type(sm, "#status_reason", "The October audit confirms it in every CIN team.")
    tab_and_type(sm, "#progress", "Signs of Safety is embedded in every CIN team; the audit confirms it.", replace=True)
    tab_to(sm, "#evidence_file")
    sm.locator("#evidence_file").set_input_files(upload("sos-audit.pdf", PDF_BYTES, "application/pdf"))
    tab_and_type(sm, "#evidence_title", "Signs of Safety audit")
    tab_and_type(sm, "#evidence_note", "Every CIN team audited in October.")
    tab_and_press(sm, "#submit_proposal")
    proposal = path_of(sm)
    assert "Proposal submitted for approval" in banner_text(sm)
    before = api_summary(sm)

    pm = page_as("pm")
    pm.goto("/")
    tab_and_press(pm, "nav a[href='/review']")
    tab_and_press(pm, f"#queue a[href='{proposal}']")
    tab_and_type(pm, "#question", "Which audit, and who carried it out?")
    tab_to(pm, "#more_evidence")
    pm.keyboard.press("Space")
    assert pm.locator("#more_evidence").is_checked()
    tab_and_press(pm, "#challenge button[type=submit]")
    assert state_of(pm) == "Challenged"

    sm.goto("/")
    tab_and_press(sm, "nav a[href='/proposals']")
    tab_and_press(sm, f"main a[href='{proposal}']")
    tab_and_type(sm, "#answer", "The quality assurance team's October thematic audit.")
    tab_to(sm, "form#respond #evidence_file")
    sm.locator("form#respond #evidence_file").set_input_files(upload("audit.csv", CSV_BYTES, "text/csv"))
    tab_and_type(sm, "form#respond #evidence_note", "The audit's results by team.")
    tab_and_press(sm, "form#respond button[type=submit]")
    assert "Answer sent" in banner_text(sm)

    pm.goto("/")
    tab_and_press(pm, "nav a[href='/review']")
    tab_and_press(pm, f"#queue a[href='{proposal}']")
    tab_and_type(pm, "#note", "The audit covers every CIN team.")
    tab_and_press(pm, "#approve button[type=submit]")
    assert "Proposal approved" in banner_text(pm)
    assert state_of(pm) == "Approved"
    after = api_summary(pm)
    assert after["actions"]["completed"] == before["actions"]["completed"] + 1
    assert after["actions"]["in_progress"] == before["actions"]["in_progress"] - 1
    sm.goto(action_url(sm, "3.5"))
    assert sm.locator("#action-details .govuk-summary-list__value").first.inner_text().strip() == "COMPLETED"


# --- rejection and withdrawal ------------------------------------------------------------------------------


def test_rejection_with_a_reason_and_withdrawal_of_a_draft_with_the_mouse(
    page_as: Callable[..., Any], console: ConsoleWatch
) -> None:
    console.allow(r"status of 400")  # the reject form sent empty on purpose
    sm = page_as("sm2")
    open_action(sm, "3.6")
    follow(sm.get_by_role("button", name="Propose an update"))
    sm.get_by_label("Progress - actions").fill("Every CIN plan reviewed within 3 months in October (98%).")
    follow(sm.get_by_role("button", name="Submit for approval"))
    proposal = path_of(sm)

    pm = page_as("pm")
    pm.goto("/review")
    follow(pm.get_by_role("row", name=re.compile(r"Action 3\.6")).get_by_role("link"))
    follow(pm.locator("#reject").get_by_role("button", name="Reject"))
    assert_error_summary_takes_focus_and_links_to(pm, "Enter the reason for rejecting the proposal", "reason")
    assert_page_passes_checks(pm)
    pm.get_by_label("Reason for rejecting").fill("The October figure is for CP plans, not CIN plans. Check the source.")
    follow(pm.locator("#reject").get_by_role("button", name="Reject"))
    assert "Proposal rejected" in banner_text(pm)
    assert state_of(pm) == "Rejected"

    # The author is told, and reads the reason.
    sm.goto("/")
    follow(sm.get_by_role("navigation", name="Menu").get_by_role("link", name=re.compile(r"^Notifications")))
    assert_page_passes_checks(sm)
    follow(sm.locator("#notifications").get_by_role("link", name="Helen Marsh rejected your proposal for action 3.6"))
    assert path_of(sm) == proposal
    assert state_of(sm) == "Rejected"
    assert "not CIN plans" in sm.locator("#conversation + .app-timeline").inner_text()
    assert sm.locator("form[action*='/proposals/']").count() == 0, "nothing more to do with a rejected proposal"
    open_action(sm, "3.6")
    assert sm.get_by_role("button", name="Propose an update").is_visible(), "a new proposal can be made"

    # A draft, withdrawn: never in the queue.
    open_action(sm, "3.8")
    follow(sm.get_by_role("button", name="Propose an update"))
    sm.get_by_label("Progress - actions").fill("Draft: repeat plans are down to 18% but the quarter is not over.")
    follow(sm.get_by_role("button", name="Save as draft"))
    assert "Draft saved" in banner_text(sm)
    assert state_of(sm) == "Draft"
    assert_page_passes_checks(sm)
    pm.goto("/review")
    assert pm.get_by_role("row", name=re.compile(r"Action 3\.8")).count() == 0, "a draft is not in the queue"
    follow(sm.get_by_role("button", name="Withdraw"))
    assert "Proposal withdrawn" in banner_text(sm)
    assert state_of(sm) == "Withdrawn"
    assert sm.get_by_role("button", name="Withdraw").count() == 0
    open_action(sm, "3.8")
    assert sm.get_by_role("button", name="Propose an update").is_visible()


def test_rejection_and_withdrawal_with_the_keyboard_alone(page_as: Callable[..., Any]) -> None:
    sm = page_as("sm2")
    sm.goto(action_url(sm, "4.4"))
    tab_and_press(sm, "main a[role=button][href$='/propose']")
    tab_and_type(sm, "#progress", "Placement moves are down to 9% this year.", replace=True)
    tab_and_press(sm, "#submit_proposal")
    rejected = path_of(sm)

    pm = page_as("pm")
    pm.goto("/")
    tab_and_press(pm, "nav a[href='/review']")
    tab_and_press(pm, f"#queue a[href='{rejected}']")
    tab_and_type(pm, "#reason", "The 9% is for the last quarter only.")
    tab_and_press(pm, "#reject button[type=submit]")
    assert state_of(pm) == "Rejected"
    sm.goto(rejected)
    assert "last quarter only" in sm.locator("#conversation + .app-timeline").inner_text()

    sm.goto(action_url(sm, "4.6"))
    tab_and_press(sm, "main a[role=button][href$='/propose']")
    tab_and_type(sm, "#progress", "Draft: health assessments on time in 90% of cases.", replace=True)
    tab_and_press(sm, "#save_draft")
    assert state_of(sm) == "Draft"
    tab_and_press(sm, "form#withdraw button")
    assert "Proposal withdrawn" in banner_text(sm)
    assert state_of(sm) == "Withdrawn"


# --- a form sent back with errors ----------------------------------------------------------------------------


def test_status_change_without_evidence_is_sent_back_with_the_narrative_kept(
    page_as: Callable[..., Any], console: ConsoleWatch
) -> None:
    console.allow(r"status of 400")
    sm = page_as("sm2")
    open_action(sm, "4.3")
    follow(sm.get_by_role("button", name="Propose an update"))
    narrative = "No care leaver apprenticeships this quarter: the employer scheme closed in September."
    sm.get_by_label("STATIC", exact=True).check()
    sm.get_by_label("Why is this changing?").fill("The employer scheme closed.")
    sm.get_by_label("Progress - actions").fill(narrative)
    follow(sm.get_by_role("button", name="Submit for approval"))

    assert path_of(sm).endswith("/propose"), "still on the form"
    message = "Add evidence for the status change: choose a file or give a link, and say what it shows"
    assert_error_summary_takes_focus_and_links_to(sm, message, "evidence_file")
    assert sm.get_by_label("Progress - actions").input_value() == narrative, "what was typed is kept"
    assert sm.get_by_label("STATIC", exact=True).is_checked()
    assert sm.get_by_label("Why is this changing?").input_value() == "The employer scheme closed."
    assert_page_passes_checks(sm)
    open_action(sm, "4.3")
    assert sm.locator("#open-proposal").count() == 0 and sm.locator("#proposals").count() == 0, "nothing was saved"


def test_status_change_without_evidence_then_corrected_with_the_keyboard_alone(
    page_as: Callable[..., Any], console: ConsoleWatch
) -> None:
    console.allow(r"status of 400")
    sm = page_as("sm2")
    sm.goto(action_url(sm, "4.8"))
    tab_and_press(sm, "main a[role=button][href$='/propose']")
    choose_radio_with_keyboard(sm, "status", "STATIC")
    tab_and_type(sm, "#status_reason", "The team is being restructured.")
    narrative = "Permanence planning paused while the team is restructured."
    tab_and_type(sm, "#progress", narrative, replace=True)
    tab_and_press(sm, "#submit_proposal")

    wait_for_focus_on(sm, ERROR_SUMMARY)
    sm.keyboard.press("Tab")
    assert focused(sm)["text"].startswith("Add evidence for the status change"), focused(sm)
    sm.keyboard.press("Enter")
    assert focused(sm)["id"] == "evidence_file", "Enter on the summary's link puts focus in the field"
    assert sm.locator("#progress").input_value() == narrative
    sm.locator("#evidence_file").set_input_files(upload("restructure.pdf", PDF_BYTES, "application/pdf"))
    tab_and_type(sm, "#evidence_note", "The restructure's timetable.")
    tab_and_press(sm, "#submit_proposal")
    assert "Proposal submitted for approval" in banner_text(sm)
    assert side_by_side(sm)


# --- the project manager edits the plan, with a justification --------------------------------------------------


def test_plan_edit_with_a_justification_shows_in_the_history_with_the_mouse(
    page_as: Callable[..., Any], console: ConsoleWatch
) -> None:
    console.allow(r"status of 400")
    pm = page_as("pm")
    open_action(pm, "3.2")
    follow(pm.get_by_role("button", name="Edit wording, deadline or owner"))
    assert pm.get_by_role("heading", level=1).inner_text() == "Edit action 3.2"
    assert_page_passes_checks(pm)

    targets = "Every child protection plan reviewed within 3 months; 100% of reviews chaired by an independent chair."
    pm.get_by_label("Key targets").fill(targets)
    follow(pm.get_by_role("button", name="Save changes"))
    summary = pm.locator(ERROR_SUMMARY)
    summary.wait_for()
    wait_for_focus_on(pm, ERROR_SUMMARY)
    link = summary.get_by_role("link").first
    assert link.get_attribute("href") == "#reason", summary.inner_text()
    link.click()
    assert focused(pm)["id"] == "reason"
    assert pm.get_by_label("Key targets").input_value() == targets, "the new wording is kept"
    assert_page_passes_checks(pm)

    reason = "Agreed at the October SMT: the target now names the independent chair."
    pm.get_by_label("Why is this change being made?").fill(reason)
    follow(pm.get_by_role("button", name="Save changes"))
    assert "Action 3.2 saved" in banner_text(pm)
    details = pm.locator("#action-details").inner_text()
    assert "chaired by an independent chair" in details
    latest = pm.locator("#history + .app-timeline li").first.inner_text()
    assert f"Justification: {reason}" in latest and "Key targets reworded" in latest and "Helen Marsh" in latest, latest

    councillor = page_as("committee")
    open_action(councillor, "3.2")
    assert f"Justification: {reason}" in councillor.locator("#history + .app-timeline").inner_text(), (
        "the committee sees why"
    )


def test_plan_edit_moving_a_deadline_with_the_keyboard_alone(page_as: Callable[..., Any]) -> None:
    pm = page_as("pm")
    pm.goto(action_url(pm, "4.7"))
    tab_and_press(pm, "main a[role=button][href^='/editor/actions/']:not([href$='/retirement'])")
    tab_and_type(pm, "#deadline-day", "30", replace=True)
    tab_and_type(pm, "#deadline-month", "6", replace=True)
    tab_and_type(pm, "#deadline-year", "2027", replace=True)
    reason = "The Children in Care Council relaunch event moved to June at the young people's request."
    tab_and_type(pm, "#reason", reason)
    tab_and_press(pm, "main form button[type=submit]")
    assert "Action 4.7 saved" in banner_text(pm)
    assert "30 June 2027" in pm.locator("#action-details").inner_text()
    latest = pm.locator("#history + .app-timeline li").first.inner_text()
    assert f"Justification: {reason}" in latest and "Deadline moved from " in latest and " to 30 June 2027" in latest


# --- a risk register entry updated by the service manager who runs it ------------------------------------------


def test_risk_entry_mitigation_edited_and_the_register_shows_the_new_score_with_the_mouse(
    page_as: Callable[..., Any], console: ConsoleWatch
) -> None:
    console.allow(r"status of 400")
    sm = page_as("sm2")
    sm.goto("/risks")
    grid_before = heat_map(sm)
    follow(sm.locator("#register").get_by_role("link", name=re.compile(r"^3\.1 ")))
    entry = path_of(sm)
    assert sm.get_by_role("heading", level=2, name="Update this entry").is_visible()
    old = sm.locator("#entry-details").inner_text()
    was = tuple(int(n) for n in re.search(r"(\d) × (\d) = \d+", old).groups())
    assert_page_passes_checks(sm)

    sm.get_by_label("Mitigating actions").fill(
        "Business support books conferences on the day of the strategy discussion."
    )
    follow(sm.get_by_role("button", name="Save changes"))
    assert_error_summary_takes_focus_and_links_to(sm, "Explain what has changed and why", "reason")
    assert "Business support books" in sm.get_by_label("Mitigating actions").input_value()
    assert_page_passes_checks(sm)

    sm.get_by_label("Likelihood (1 to 5)").select_option("4")
    sm.get_by_label("Impact (1 to 5)").select_option("4")
    sm.get_by_label("What has changed and why?").fill("Two conferences slipped in October for want of a chair.")
    follow(sm.get_by_role("button", name="Save changes"))
    assert path_of(sm) == entry
    assert "Risk register entry saved" in banner_text(sm)
    details = sm.locator("#entry-details").inner_text()
    assert "4 × 4 = 16" in details and "Business support books" in details

    follow(sm.get_by_role("link", name="Risk register", exact=True))
    row = sm.get_by_role("row", name=re.compile(r"^3\.1 "))
    assert "16 HIGH" in row.inner_text()
    grid = heat_map(sm)
    assert grid[(4, 4)] == grid_before[(4, 4)] + 1 and grid[was] == grid_before[was] - 1, (grid_before, grid)


def test_risk_entry_edited_with_the_keyboard_alone(page_as: Callable[..., Any]) -> None:
    sm = page_as("sm2")
    sm.goto("/risks")
    href = sm.locator("#register").get_by_role("link", name=re.compile(r"^4\.2 ")).get_attribute("href")
    tab_and_press(sm, f"#register a[href='{href}']")
    tab_to(sm, "#likelihood")
    sm.keyboard.type("2")  # a focused select picks the option that starts with what is typed
    tab_to(sm, "#impact")
    sm.keyboard.type("5")
    tab_and_type(sm, "#mitigations", "The IRO service manager reviews every open dispute weekly.", replace=True)
    tab_and_type(sm, "#reason", "Weekly review agreed; a missed deadline would still hurt children badly.")
    tab_and_press(sm, "#edit + form button[type=submit]")
    assert "Risk register entry saved" in banner_text(sm)
    assert "2 × 5 = 10" in sm.locator("#entry-details").inner_text()
    tab_and_press(sm, "nav[aria-label=Breadcrumb] a[href='/risks']")
    assert "10 MEDIUM" in sm.get_by_role("row", name=re.compile(r"^4\.2 ")).inner_text()
