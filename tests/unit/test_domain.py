"""Pure rules: statuses, figures, filters, passwords and the policy, without Flask or a database."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from app.domain.filters import ActionFilter
from app.domain.passwords import password_problem
from app.domain.status import Status, StatusCounts, actions_headline
from app.policy import Permission, Role, can


def test_headline_in_the_reports_words() -> None:
    assert actions_headline(StatusCounts(25, 27, 0)) == (
        "Steady progress is being made against all 52 actions in the Plan, with 25 COMPLETED, 27 IN PROGRESS and 0 STATIC."
    )


def test_percentages_are_whole_numbers_and_zero_safe() -> None:
    counts = StatusCounts(5, 4, 0)
    assert [counts.percentage(s) for s in Status] == [56, 44, 0]
    assert StatusCounts().percentage(Status.COMPLETED) == 0


def test_status_labels_and_colours_pair_words_with_rag() -> None:
    assert [(s.label, s.rag) for s in Status] == [("COMPLETED", "green"), ("IN PROGRESS", "amber"), ("STATIC", "red")]
    assert Status.parse("in progress") is Status.IN_PROGRESS
    assert Status.parse("nonsense") is None


def test_filter_round_trips_through_the_query_string() -> None:
    from urllib.parse import parse_qsl

    f = ActionFilter(status=Status.STATIC, owner_id=3, overdue=True, work_stream_id=2)
    assert ActionFilter.from_args(dict(parse_qsl(f.query_string()))) == f
    assert ActionFilter.from_args({"owner": "x; drop table", "status": "?"}) == ActionFilter()


@pytest.mark.parametrize("password", ["", "elevenchars", "password1234", "aaaaaaaaaaaaaaa"])
def test_weak_passwords_are_refused(password: str) -> None:
    assert password_problem(password) is not None


def test_long_phrase_without_symbols_is_fine() -> None:
    assert password_problem("river cabinet autumn stone") is None


@dataclass
class Person:
    role: str
    is_active: bool = True
    managed_work_stream_ids: frozenset[int] = field(default_factory=frozenset)


def test_service_manager_may_propose_only_in_their_work_streams() -> None:
    sm = Person(Role.SERVICE_MANAGER, managed_work_stream_ids=frozenset({1, 2}))
    assert can(sm, Permission.PROPOSE_CHANGE, work_stream_id=1)
    assert not can(sm, Permission.PROPOSE_CHANGE, work_stream_id=3)


@pytest.mark.parametrize("role", [Role.COMMITTEE_MEMBER, Role.SENIOR_MANAGER])
def test_committee_and_senior_managers_change_nothing(role: Role) -> None:
    person = Person(role, managed_work_stream_ids=frozenset({1}))
    for permission in (
        Permission.PROPOSE_CHANGE,
        Permission.REVIEW_PROPOSAL,
        Permission.EDIT_PLAN,
        Permission.MANAGE_USERS,
    ):
        assert not can(person, permission, work_stream_id=1)
    assert can(person, Permission.VIEW_PLAN)


def test_deactivated_person_can_do_nothing() -> None:
    assert not can(Person(Role.ADMINISTRATOR, is_active=False), Permission.VIEW_PLAN)


def test_administrator_has_no_say_over_plan_content() -> None:
    admin = Person(Role.ADMINISTRATOR)
    assert can(admin, Permission.MANAGE_USERS)
    assert not can(admin, Permission.EDIT_PLAN) and not can(admin, Permission.REVIEW_PROPOSAL)
