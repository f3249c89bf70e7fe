"""`clock.travel_to`: a block run as if it were another moment, with the clock put back afterwards."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app import clock


def test_inside_the_block_it_is_that_moment_and_the_clock_still_ticks_forward() -> None:
    moment = datetime(2015, 7, 29, 14, 0)
    with clock.travel_to(moment):
        first = clock.utcnow()
        second = clock.utcnow()
        assert clock.today().isoformat() == "2015-07-29"
    assert moment <= first <= second < moment + timedelta(days=1)
    assert clock.utcnow().year > 2015, "back to now afterwards"


def test_the_clock_is_put_back_as_it_was_even_after_an_error_and_when_it_had_been_moved() -> None:
    clock.reset()
    clock.advance(timedelta(days=70))
    moved = clock.today()
    try:
        with pytest.raises(RuntimeError), clock.travel_to(datetime(2015, 4, 1, 8, 0)):
            raise RuntimeError("a step of the history failed")
        assert clock.today() == moved, "an earlier advance is kept"
    finally:
        clock.reset()
