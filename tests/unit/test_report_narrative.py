"""The narrative's pure parts: placeholders, months, paragraphs and bullets, the limit."""

from __future__ import annotations

from datetime import date

from app.services.report.narrative import ReportDates, fill_placeholders, narrative_problems
from app.services.report.outline import prose


def test_the_placeholders_for_the_october_2015_meeting_read_as_the_source_report_does() -> None:
    dates = ReportDates(date(2015, 10, 7), 6, date(2015, 3, 2), last_meeting=date(2015, 7, 8))
    values = dates.values()
    assert values == {
        "as_of_month": "September 2015",
        "meeting_date": "7 October 2015",
        "checkpoint": "6",
        "plan_start_month": "March 2015",
        "last_meeting_month": "July 2015",
        "next_report_month": "February 2016",  # no later meeting recorded: four months on
        "twelve_month_report_month": "March 2016",
    }
    assert ReportDates(date(2016, 1, 20), 12, date(2015, 3, 2)).values()["as_of_month"] == "December 2015"
    recorded = ReportDates(date(2015, 10, 7), 6, date(2015, 3, 2), next_meeting=date(2016, 1, 13))
    assert recorded.values()["next_report_month"] == "January 2016"


def test_unknown_or_unclosed_braces_are_left_exactly_as_typed() -> None:
    values = {"as_of_month": "September 2015"}
    assert fill_placeholders("{as_of_month} {As_Of_Month} {nope} {as_of_month {}", values) == (
        "September 2015 {As_Of_Month} {nope} {as_of_month {}"
    )


def test_lines_starting_with_a_dash_are_bullets_and_blank_lines_part_paragraphs() -> None:
    text = "The changes are:\n- first;\n- second, which\n  goes on;\n\nAfter the list.\n\n- alone"
    assert prose(text) == ["The changes are:", ["first;", "second, which goes on;"], "After the list.", ["alone"]]
    assert prose("One line\nand the next") == ["One line and the next"]
    assert prose("  \n\n ") == []


def test_a_paragraph_over_the_limit_is_named() -> None:
    assert narrative_problems({"recommendation": "x" * 3000}) == {}
    assert narrative_problems({"recommendation": "x" * 3001}) == {
        "recommendation": "Suggested committee activity (recommendation) must be 3,000 characters or fewer: it has 3,001"
    }
