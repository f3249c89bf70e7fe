"""Dates as people here read them, whichever way the locale reaches Babel."""

from datetime import date, datetime

from app.formatting import format_date, format_datetime, format_iso_date


def test_a_date_reads_in_govuk_style() -> None:
    assert format_date(date(2015, 9, 3)) == "3 September 2015"
    assert format_iso_date("2015-09-03") == "3 September 2015"
    assert format_date(None) == ""


def test_a_stored_utc_moment_reads_in_uk_time() -> None:
    # 13:05 UTC in September is 2:05pm British Summer Time; in January UTC and UK time agree.
    assert format_datetime(datetime(2015, 9, 3, 13, 5)) == "3 September 2015 at 2:05pm"
    assert format_datetime(datetime(2016, 1, 4, 9, 30)) == "4 January 2016 at 9:30am"
