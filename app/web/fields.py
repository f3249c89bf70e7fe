"""Form fields shared by features."""

from __future__ import annotations

from datetime import date
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from wtforms import DateField

from app.domain.bounds import MAX_YEAR, MIN_YEAR, parse_id, year_in_range


def coerce_id(value: object) -> int | None:
    """A select's id, for `coerce=`: None for the blank choice; anything that cannot be an id is a form error."""
    if value in (None, "", "None"):
        return None
    number = parse_id(str(value))
    if number is None:
        raise ValueError("not an id")
    return number


class OptionalDateField(DateField):
    """A GOV.UK day/month/year date that may be left blank, with GOV.UK's error wording."""

    widget = GovDateInput()

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or all(not str(v).strip() for v in valuelist):
            self.data = None
            self.raw_data = None  # the GOV.UK widget then shows empty boxes
            return
        try:
            day, month, year = (_number(v) for v in valuelist)
            if year < 1000:
                raise ValueError
            self.data = date(year, month, day)
        except (TypeError, ValueError, OverflowError):
            self.data = None
            raise ValueError(f"{self.label.text} must be a real date, for example 27 3 2026") from None
        if not year_in_range(year):
            self.data = None
            raise ValueError(f"{self.label.text} must be a date between {MIN_YEAR} and {MAX_YEAR}")


def _number(value: object) -> int:
    """A day, month or year as typed: ASCII digits, at most 4 of them."""
    text = str(value).strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 4):
        raise ValueError(text)
    return int(text)
