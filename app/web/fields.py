"""Form fields shared by features."""

from __future__ import annotations

from datetime import date
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from wtforms import DateField


class OptionalDateField(DateField):
    """A GOV.UK day/month/year date that may be left blank, with GOV.UK's error wording."""

    widget = GovDateInput()

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or all(not str(v).strip() for v in valuelist):
            self.data = None
            self.raw_data = None  # the GOV.UK widget then shows empty boxes
            return
        try:
            day, month, year = (int(str(v).strip()) for v in valuelist)
            if year < 1000:
                raise ValueError
            self.data = date(year, month, day)
        except (TypeError, ValueError):
            self.data = None
            raise ValueError(f"{self.label.text} must be a real date, for example 27 3 2026") from None
