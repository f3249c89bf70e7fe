"""The report's sentences that carry figures, as segments: text, and whether it is printed bold."""

from __future__ import annotations

from typing import Any

from app.domain.status import StatusCounts
from app.services.report.data import ReportData

Segments = tuple[tuple[str, bool], ...]  # text and whether it is bold, as the report prints figures


def plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def _breakdown(c: StatusCounts, word: Any) -> Segments:
    """ "25 actions COMPLETED, 27 actions IN PROGRESS and 0 are STATIC": the figures bold, as the report prints them."""
    return (
        (str(c.completed), True),
        (f" {word(c.completed)} ", False),
        ("COMPLETED", True),
        (", ", False),
        (str(c.in_progress), True),
        (f" {word(c.in_progress)} ", False),
        ("IN PROGRESS", True),
        (" and ", False),
        (str(c.static), True),
        (f" {plural(c.static, 'is', 'are')} ", False),
        ("STATIC", True),
        (".", False),
    )


def figures_segments(data: ReportData) -> Segments:
    c = data.actions
    return (
        ("The graph at Appendix 1 shows that steady progress is being made against all ", False),
        (str(c.total), True),
        (f" {plural(c.total, 'action', 'actions')} in the Plan, with ", False),
        *_breakdown(c, lambda n: plural(n, "action", "actions")),
    )


def measures_segments(data: ReportData) -> Segments:
    c = data.measures
    return (
        ("From the graph at Appendix 2 we can see that out of ", False),
        (str(c.total), True),
        (f" projected {plural(c.total, 'outcome', 'outcomes')}, ", False),
        *_breakdown(c, lambda n: plural(n, "is", "are")),
    )


def the_figures_sentence(data: ReportData) -> str:
    """Paragraph 4 of the report, with live figures."""
    return "".join(text for text, _ in figures_segments(data))


def the_measures_sentence(data: ReportData) -> str:
    """Paragraph 8 of the report, with live figures."""
    return "".join(text for text, _ in measures_segments(data))
