"""What someone types to name a work stream: figures, the plan's roman numerals, or neither."""

from __future__ import annotations

import pytest

from app.domain.references import to_roman, work_stream_number


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("12", 12),
        ("xii", 12),
        ("XII", 12),
        (" iv ", 4),
        ("iv.", 4),
        ("Work stream ix", 9),
        ("work stream 700", 700),
        ("xl", 40),
        ("dcc", 700),
        ("xxxx", None),  # the plan writes 40 as xl: only its own numerals are read
        ("iiii", None),
        ("ic", None),
        ("0", None),
        ("", None),
        ("twelve", None),
        ("12a", None),
        ("\x00", None),
    ],
)
def test_a_typed_work_stream_is_read_as_its_number(typed: str, number: int | None) -> None:
    assert work_stream_number(typed) == number


@pytest.mark.parametrize("number", [1, 4, 9, 14, 19, 40, 49, 99, 444, 700, 1994])
def test_every_numeral_the_plan_writes_reads_back(number: int) -> None:
    assert work_stream_number(to_roman(number)) == number


@pytest.mark.parametrize(
    ("number", "written"),
    [(4, "iv"), (14, "xiv"), (40, "xl"), (49, "xlix"), (99, "xcix"), (700, "dcc"), (1994, "mcmxciv")],
)
def test_a_large_plan_s_work_streams_are_numbered_as_people_write_them(number: int, written: str) -> None:
    """A plan of 700 work streams heads its last one "Work stream dcc", not seventy x's."""
    assert to_roman(number) == written
