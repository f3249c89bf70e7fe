"""Issue 14 on the demo with its history, in Chromium: what people tripped over, checked where they tripped.

The history gives decided proposals (with a narrative rewritten and evidence attached), a waiting proposal,
changes since the July meeting and two risk register entries (3.1 and 4.2). Every page reached passes axe
(WCAG 2.2 A/AA), the heading check and, where the issue is about narrow screens, 320 px reflow.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.helpers import (
    ConsoleWatch,
    assert_accessible,
    assert_headings_in_order,
    assert_no_horizontal_scroll,
    assert_page_passes_checks,
    banner_text,
    follow,
    table_rows,
)

pytestmark = pytest.mark.browser

WIDE = {"width": 1280, "height": 900}


def first_decided_proposal(page: Any) -> None:
    """From the changes since the last meeting, to the approved proposal behind the first approved update."""
    page.goto("/changes?kind=action.changed")
    follow(page.locator("#changes tbody tr").first.get_by_role("link"))
    follow(page.get_by_role("link", name=re.compile(r"^Proposal by ")).first)
    assert re.fullmatch(r"/proposals/\d+", urlsplit(page.url).path), page.url


# --- 1. escalating a risk entry says so ---------------------------------------------------------------------


def test_senior_manager_escalates_a_risk_entry_then_stops_and_each_flash_says_what_happened(
    page_as: Callable[..., Any],
) -> None:
    smt = page_as("smt")
    smt.goto("/risks")
    follow(smt.locator("#register").get_by_role("link", name=re.compile(r"^4\.2 ")))
    entry = smt.url
    smt.get_by_label("Why?").fill("Disputes are not being resolved within the protocol's timescales.")
    follow(smt.get_by_role("button", name="Escalate to SMT"))
    assert smt.url == entry
    assert "Escalated to SMT" in banner_text(smt) and "No longer" not in banner_text(smt)
    assert smt.locator("main .govuk-tag", has_text="Escalated to SMT").is_visible()
    assert_page_passes_checks(smt)
    smt.get_by_label("Why?").fill("The disputes panel now meets weekly.")
    follow(smt.get_by_role("button", name="No longer escalate"))
    assert "No longer escalated" in banner_text(smt)
    assert smt.locator("main .govuk-tag", has_text="Escalated to SMT").count() == 0
    assert_accessible(smt)


# --- 2, 3 and 12: a decided proposal, its narrative diff, its evidence ----------------------------------------


def test_a_decided_proposal_says_before_and_after_and_its_diff_says_what_was_removed_and_added(
    page_as: Callable[..., Any],
) -> None:
    pm = page_as("pm")
    first_decided_proposal(pm)
    head = pm.locator("#side-by-side thead th").all_inner_texts()
    assert head[:3] == ["Field", "Before", "After"], head
    assert "As it is" not in pm.locator("#side-by-side").inner_text()
    diff = pm.locator("#narrative-diff")
    removed, added = diff.locator("del"), diff.locator("ins")
    assert removed.count() > 0 and added.count() > 0
    assert removed.first.locator(".govuk-visually-hidden").first.text_content() == "[removed: "
    assert added.first.locator(".govuk-visually-hidden").first.text_content() == "[added: "
    # What a screen reader reads: no removed word glued to an added one.
    spoken = diff.evaluate("(d) => d.textContent")
    assert re.search(r"\S\[added: ", spoken) is None, spoken[:300]
    assert "removed words are struck through" in pm.locator("#narrative-diff-key").inner_text()
    link = pm.get_by_role("link", name=re.compile(r"^Completion evidence for action"))
    assert re.search(r"\(text, \d+ bytes\)$", link.inner_text()), link.inner_text()
    assert_page_passes_checks(pm)


# --- 7. a challenge sent back empty stays at the proposal's address -------------------------------------------


def test_an_empty_challenge_is_shown_again_at_the_proposals_own_address(
    page_as: Callable[..., Any], console: ConsoleWatch
) -> None:
    console.allow(r"status of 400")  # the refusal is a 400, as the HTTP tests expect
    pm = page_as("pm")
    pm.goto("/review")
    follow(pm.locator("#queue tbody tr").first.get_by_role("link"))
    proposal = urlsplit(pm.url).path
    pm.locator("#challenge").get_by_label("They must add more evidence with their answer").check()
    follow(pm.locator("#challenge").get_by_role("button"))
    assert urlsplit(pm.url).path == proposal, "the refused challenge left the proposal's address"
    summary = pm.locator(".govuk-error-summary")
    assert summary.is_visible() and pm.title().startswith("Error:")
    assert pm.locator("#challenge input[type=checkbox]").is_checked(), "the ticked box was kept"
    assert_accessible(pm)
    pm.goto(pm.url)  # the address in the bar is the proposal's page, not a POST-only one
    assert urlsplit(pm.url).path == proposal and pm.locator(".govuk-error-summary").count() == 0
    assert pm.locator("#challenge").is_visible()


# --- 6. narrow screens, on the pages the history fills ---------------------------------------------------------


@pytest.mark.parametrize("width", [375, 320])
def test_the_committee_page_status_box_fits_a_phone_without_scrolling(page_as: Callable[..., Any], width: int) -> None:
    committee = page_as("committee", viewport={"width": width, "height": 800})
    committee.goto("/committee")
    region = committee.locator(".app-table-scroll", has=committee.locator("#committee-summary"))
    sizes = region.evaluate("(r) => [r.clientWidth, r.scrollWidth]")
    assert sizes[1] <= sizes[0], f"the status box is clipped at {width} px: {sizes}"
    assert_page_passes_checks(committee)


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("committee", "/changes"),
        ("pm", "/changes"),
        ("committee", "/committee"),
        ("pm", "/work-streams"),
        ("pm", "/actions"),
        ("pm", "/risks"),
        ("pm", "/notifications"),
    ],
)
def test_pages_with_the_history_reflow_at_320_px(page_as: Callable[..., Any], who: str, path: str) -> None:
    page = page_as(who)
    page.goto(path)
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    assert_headings_in_order(page)


def test_the_changes_table_scrolls_in_its_own_region(page_as: Callable[..., Any]) -> None:
    page = page_as("committee")
    page.goto("/changes")
    assert len(table_rows(page, "#changes")) >= 4, "the history's approvals are listed"
    assert page.locator(".app-table-scroll[role=region] #changes").count() == 1


# --- 14. wide tables use a wide screen -------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/actions", "/changes", "work stream iii"])
def test_action_plan_and_changes_tables_use_the_width_of_a_wide_screen(page_as: Callable[..., Any], path: str) -> None:
    pm = page_as("pm", viewport=WIDE)
    if path.startswith("/"):
        pm.goto(path)
    else:
        pm.goto("/work-streams")
        follow(pm.get_by_role("link", name=re.compile(r"^iii\. ")))
    table = pm.locator("#actions-results table, #changes").first
    width = table.evaluate("(t) => t.getBoundingClientRect().width")
    assert width > 1100, f"the table is {width:.0f} px wide at 1280 px: still GOV.UK's 960 px column"
    assert pm.evaluate("document.documentElement.scrollWidth") <= WIDE["width"]
    main = pm.locator("main").evaluate("(m) => m.getBoundingClientRect().left")
    assert main >= 15, "the wide page keeps a margin"
    assert_accessible(pm)


def test_the_work_stream_page_is_much_shorter_at_1280_px(page_as: Callable[..., Any]) -> None:
    pm = page_as("pm", viewport=WIDE)
    pm.goto("/work-streams")
    follow(pm.get_by_role("link", name=re.compile(r"^i\. ")))
    height = pm.evaluate("document.documentElement.scrollHeight")
    assert height < 6000, f"the work stream page is {height} px tall at 1280 px"


# --- 4 (done before this branch): one menu, on one line, at 1280 px -------------------------------------------


def test_the_project_managers_menu_is_one_landmark_on_one_line_at_1280_px(page_as: Callable[..., Any]) -> None:
    pm = page_as("pm", viewport=WIDE)
    pm.goto("/")
    assert pm.get_by_role("navigation", name="Main menu").count() == 1
    assert pm.get_by_role("navigation", name="Menu", exact=True).count() == 0
    tops = (
        pm.get_by_role("navigation", name="Main menu")
        .get_by_role("link")
        .evaluate_all("(links) => links.map((a) => Math.round(a.getBoundingClientRect().top))")
    )
    assert len(tops) >= 6 and len(set(tops)) == 1, f"the menu wraps: link tops {tops}"


# --- 5. date hints look ahead -----------------------------------------------------------------------------------


def test_a_future_date_hint_gives_an_example_a_few_weeks_ahead(page_as: Callable[..., Any]) -> None:
    sm = page_as("sm2")
    sm.goto("/actions")
    follow(sm.get_by_role("link", name="Action 3.3", exact=True))
    follow(sm.get_by_role("button", name="Propose an update"))
    hint = sm.locator("#deadline-hint").text_content() or ""
    day, month, year = (int(n) for n in re.search(r"For example, (\d+) (\d+) (\d{4})\.", hint).groups())
    ahead = (date(year, month, day) - date.today()).days
    assert 28 <= ahead <= 56, f"the example is {ahead} days from today: {hint}"
    assert_accessible(sm)


# --- 8. a filtered page says its filter in its title ------------------------------------------------------------


def test_filtering_the_actions_puts_the_filter_in_the_title_with_and_without_a_reload(
    page_as: Callable[..., Any],
) -> None:
    pm = page_as("pm")
    pm.goto("/actions")
    assert pm.title().startswith("Actions – ")
    pm.get_by_label("Status").select_option(label="STATIC")
    pm.wait_for_function("() => document.title.startsWith('Actions: STATIC –')")
    work_streams = pm.get_by_label("Work stream")
    work_streams.select_option(label=work_streams.locator("option", has_text=re.compile(r"^iii\. ")).inner_text())
    pm.wait_for_function("() => document.title.startsWith('Actions: STATIC, work stream iii –')")
    pm.wait_for_function("() => location.search.includes('work_stream=')")
    pm.reload()
    assert pm.title().startswith("Actions: STATIC, work stream iii – "), pm.title()
    assert_accessible(pm)


def test_the_risk_register_and_changes_filters_are_in_their_titles(page_as: Callable[..., Any]) -> None:
    pm = page_as("pm")
    pm.goto("/risks?escalated=no")
    assert pm.title().startswith("Risk register: not escalated – "), pm.title()
    pm.goto("/changes")
    pm.get_by_label("Kind of change").select_option(label="Approved updates")
    pm.wait_for_function(
        "() => document.title.startsWith('Changes since the last committee meeting: Approved updates')"
    )
    assert_accessible(pm)


# --- the long lists page with links a keyboard follows ---------------------------------------------------------


def test_the_audit_trail_pages_by_keyboard_with_its_filter_kept_and_each_page_passes_the_checks(
    page_as: Callable[..., Any],
) -> None:
    pm = page_as("pm")
    pm.set_viewport_size(WIDE)
    pm.goto("/audit?from=2000-01-01")  # a filter that keeps the whole trail: more than a page of 50
    assert_page_passes_checks(pm)
    link = pm.locator(".govuk-pagination__next a")
    link.focus()
    with pm.expect_navigation():
        pm.keyboard.press("Enter")
    assert urlsplit(pm.url).query == "from=2000-01-01&page=2"
    assert pm.locator('.govuk-pagination__item--current a[aria-current="page"]').inner_text().strip() == "2"
    assert re.search(r"Showing 51 to \d+ of \d+ events", pm.locator("#audit-results").inner_text())
    assert_page_passes_checks(pm)
