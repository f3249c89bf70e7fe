"""What someone types to name a work stream: figures, the plan's roman numerals, or neither."""

from __future__ import annotations

import pytest

from app.domain.references import work_stream_number
from app.models.plan import to_roman


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
        ("xl", None),  # the plan writes 40 as xxxx: only its own numerals are read
        ("iiii", None),
        ("0", None),
        ("", None),
        ("twelve", None),
        ("12a", None),
        ("\x00", None),
    ],
)
def test_a_typed_work_stream_is_read_as_its_number(typed: str, number: int | None) -> None:
    assert work_stream_number(typed) == number


@pytest.mark.parametrize("number", [1, 4, 9, 14, 19, 40, 49, 99, 700])
def test_every_numeral_the_plan_writes_reads_back(number: int) -> None:
    assert work_stream_number(to_roman(number)) == number
