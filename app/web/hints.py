"""Hints worked out when the page is drawn, not when the form class is defined."""

from __future__ import annotations

from datetime import timedelta

from markupsafe import Markup, escape

from app.clock import today


class FutureDateHint:
    """A date field's hint with an example a few weeks after today, in GOV.UK's "27 3 2026" form.

    A form class is defined once, at import; this stands in for the hint's text and is read each time a
    page renders it, so a field that must be in the future never offers a date in the past as its example.
    """

    def __init__(self, before: str = "", weeks_ahead: int = 6) -> None:
        self.before = before
        self.weeks_ahead = weeks_ahead

    def __str__(self) -> str:
        day = today() + timedelta(weeks=self.weeks_ahead)
        return f"{self.before}For example, {day.day} {day.month} {day.year}."

    def __html__(self) -> Markup:
        return escape(str(self))
