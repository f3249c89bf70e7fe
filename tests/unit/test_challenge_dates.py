"""A challenge's due date in working days, and how it stands: written out by hand against the 2026-27 calendar."""

from __future__ import annotations

from datetime import date

import holidays
import pytest

from app.domain.challenges import Standing, add_working_days, due_words, previous_working_day, standing

ENGLAND_AND_WALES = holidays.country_holidays("GB", subdiv="ENG")


def test_ten_working_days_from_a_friday_before_christmas_2026_skip_the_bank_holidays() -> None:
    # Fri 18 Dec 2026. Working days: 21, 22, 23, 24 Dec; Christmas (25th), Boxing Day observed (Mon 28th) and
    # New Year's Day (Fri 1 Jan) are bank holidays; then 29, 30, 31 Dec, 4, 5, 6 Jan.
    assert add_working_days(date(2026, 12, 18), 10, ENGLAND_AND_WALES) == date(2027, 1, 6)
    assert add_working_days(date(2026, 12, 18), 10, set()) == date(2027, 1, 1), "weekends alone"


def test_ten_working_days_across_easter_2027() -> None:
    # Thu 18 Mar 2027: 19, 22, 23, 24, 25 Mar; Good Friday (26th) and Easter Monday (29th) skipped; 30, 31 Mar,
    # 1, 2, 5 Apr.
    assert add_working_days(date(2027, 3, 18), 10, ENGLAND_AND_WALES) == date(2027, 4, 5)


def test_a_challenge_raised_at_the_weekend_counts_from_the_monday() -> None:
    assert add_working_days(date(2026, 12, 5), 1, ENGLAND_AND_WALES) == date(2026, 12, 7)


def test_the_working_day_before_a_due_date_after_a_bank_holiday_weekend() -> None:
    # Due Tue 29 Dec 2026: the 28th is Boxing Day observed, the 26th-27th a weekend, the 25th Christmas.
    assert previous_working_day(date(2026, 12, 29), ENGLAND_AND_WALES) == date(2026, 12, 24)


@pytest.mark.parametrize(
    ("answered", "decided", "today", "expected"),
    [
        (date(2026, 12, 10), False, date(2026, 12, 20), Standing.ON_TIME),  # on the due date itself
        (date(2026, 12, 11), False, date(2026, 12, 20), Standing.LATE),
        (None, False, date(2026, 12, 10), Standing.AWAITING),
        (None, False, date(2026, 12, 11), Standing.OVERDUE),
        (None, True, date(2026, 12, 20), Standing.UNANSWERED),
    ],
)
def test_standing(answered: date | None, decided: bool, today: date, expected: Standing) -> None:
    assert standing(date(2026, 12, 10), answered, decided=decided, today=today) is expected


def test_due_words() -> None:
    due = date(2026, 12, 10)
    assert due_words(due, date(2026, 12, 10)) == "due today"
    assert due_words(due, date(2026, 12, 9)) == "due tomorrow"
    assert due_words(due, date(2026, 12, 6)) == "due in 4 days"
    assert due_words(due, date(2026, 12, 11)) == "1 day overdue"
    assert due_words(due, date(2026, 12, 22)) == "12 days overdue"
