"""Passwords are judged for how easily they are guessed (zxcvbn), knowing the person and the service."""

from __future__ import annotations

import pytest

from app.domain.passwords import password_problem


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("123456789012", "similar to a commonly used password"),
        ("letmeinletmein", "Repeats"),
        ("letmein letmein", "Repeats"),
        ("correcthorsebatterystaple", "well-known example password"),
        ("Correct-Horse-Battery-Staple", "well-known example password"),
        ("Improvement plan tracker", "the name of this service"),
        ("improvementplantracker", "the name of this service"),
        ("childrens social care 2026", "the council's words"),
    ],
)
def test_guessable_passwords_are_refused_saying_why(password: str, why: str) -> None:
    problem = password_problem(password)
    assert problem is not None
    assert problem.startswith("Password is too easy to guess.")
    assert why in problem


def test_a_password_made_of_the_persons_own_details_is_refused() -> None:
    problem = password_problem("Tom Adeyemi council", context=("Tom Adeyemi", "tom.adeyemi@council.gov.uk"))
    assert problem is not None and "your name, your e-mail address" in problem


@pytest.mark.parametrize(
    "password", ["river cabinet autumn stone", "window orange tractor maple", "quiet orchard lantern"]
)
def test_random_words_are_accepted(password: str) -> None:
    assert password_problem(password, context=("Sam Example", "sam@example.org")) is None


def test_a_very_long_password_is_judged_without_error() -> None:
    assert password_problem("river cabinet autumn stone " * 9) is None
