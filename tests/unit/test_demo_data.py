"""The demo data reproduces the September 2015 committee report exactly."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from app.demo_data import (
    DEMO_PASSWORD,
    DEMO_USERS,
    PLAN_START_OFFSET_DAYS,
    PLAN_TITLE,
    WORK_STREAMS,
    ActionSeed,
    MeasureSeed,
)
from app.domain.glossary import GLOSSARY

SEED_DAY = -PLAN_START_OFFSET_DAYS  # the seed day, counted from the plan start
RISK_WARNING_DAYS = 30

EXPECTED_TITLES = {
    1: "Workforce Development",
    2: "Improving Triage, MASH and Referrals & Assessment",
    3: "Improving social work practice within the Children's Social Work Teams",
    4: "Improving outcomes for Looked After Children & Young People",
    5: "Improving the quality of Fostering & Adoption provision",
    6: "Embedding new ways of working and improved practice management arrangements",
    7: "Effective Quality Assurance",
}
# work stream: (actions, completed, in progress)
EXPECTED_ACTIONS = {1: (9, 5, 4), 2: (8, 4, 4), 3: (8, 3, 5), 4: (8, 3, 5), 5: (7, 4, 3), 6: (6, 3, 3), 7: (6, 3, 3)}
EXPECTED_RETIRED = {1: 2, 2: 1, 3: 0, 4: 0, 5: 2, 6: 1, 7: 0}
# work stream: (6-month measures, completed, in progress)
EXPECTED_MEASURES = {1: (9, 6, 3), 2: (9, 6, 3), 3: (8, 4, 4), 4: (9, 5, 4), 5: (8, 5, 3), 6: (7, 4, 3), 7: (7, 4, 3)}
EXPECTED_SERVICE_MANAGER = {1: "sm1", 2: "sm1", 3: "sm2", 4: "sm2", 5: "sm3", 6: "sm3", 7: "sm3"}

# Upper-case words that are not abbreviations.
NOT_ABBREVIATIONS = {"COMPLETED", "IN", "PROGRESS", "STATIC"}
ABBREVIATION = re.compile(r"\b([A-Z]{2,})(?=s?\b)")
MONTHS = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|November|December)\b")
YEAR = re.compile(r"\b(19|20)\d\d\b")


def _actions() -> list[ActionSeed]:
    return [action for stream in WORK_STREAMS for action in stream["actions"]]


def _measures() -> list[MeasureSeed]:
    return [measure for stream in WORK_STREAMS for measure in stream["measures"]]


def _plan_texts() -> Iterator[str]:
    """Every piece of prose in the plan (not the plan title, which names its years)."""
    for stream in WORK_STREAMS:
        yield stream["title"]
        for action in stream["actions"]:
            yield action["title"]
            yield action["measures_and_milestones"]
            yield action["key_targets"]
            yield action["progress"]
        for measure in stream["measures"]:
            yield measure["description"]
            yield measure["target"]
            yield measure["narrative_6"]
            yield measure["target_12"]
            yield measure["narrative_12"]


def _all_texts() -> Iterator[str]:
    yield PLAN_TITLE
    yield from _plan_texts()
    for user in DEMO_USERS:
        yield user["name"]
        yield user["job_title"]


# ---------------------------------------------------------------- work streams


def test_seven_work_streams_with_the_report_titles_in_order() -> None:
    assert [stream["number"] for stream in WORK_STREAMS] == [1, 2, 3, 4, 5, 6, 7]
    assert {stream["number"]: stream["title"] for stream in WORK_STREAMS} == EXPECTED_TITLES


def test_service_managers_own_the_expected_work_streams() -> None:
    assert {stream["number"]: stream["service_manager"] for stream in WORK_STREAMS} == EXPECTED_SERVICE_MANAGER
    service_manager_keys = {user["key"] for user in DEMO_USERS if user["role"] == "service_manager"}
    assert set(EXPECTED_SERVICE_MANAGER.values()) == service_manager_keys


def test_plan_starts_six_months_before_the_seed_day() -> None:
    assert PLAN_TITLE == "Children's Social Care Improvement Plan 2015/16"
    assert PLAN_START_OFFSET_DAYS == -183


# ---------------------------------------------------------------- actions


@pytest.mark.parametrize("number", sorted(EXPECTED_ACTIONS))
def test_action_counts_per_work_stream(number: int) -> None:
    stream = WORK_STREAMS[number - 1]
    statuses = [action["status"] for action in stream["actions"]]
    total, completed, in_progress = EXPECTED_ACTIONS[number]
    assert len(statuses) == total
    assert statuses.count("COMPLETED") == completed
    assert statuses.count("IN_PROGRESS") == in_progress


def test_action_totals_match_paragraph_4() -> None:
    statuses: list[str] = [action["status"] for action in _actions()]
    assert len(statuses) == 52
    assert statuses.count("COMPLETED") == 25
    assert statuses.count("IN_PROGRESS") == 27
    assert statuses.count("STATIC") == 0
    assert set(statuses) <= {"COMPLETED", "IN_PROGRESS"}


@pytest.mark.parametrize("number", sorted(EXPECTED_RETIRED))
def test_retired_actions_per_work_stream(number: int) -> None:
    stream = WORK_STREAMS[number - 1]
    retired = [action for action in stream["actions"] if action["retired_offset_days"] is not None]
    assert len(retired) == EXPECTED_RETIRED[number]
    for action in retired:
        assert action["status"] == "COMPLETED", action["reference"]


def test_retired_only_in_work_streams_1_2_5_and_6() -> None:
    streams_with_retired = {
        stream["number"]
        for stream in WORK_STREAMS
        if any(action["retired_offset_days"] is not None for action in stream["actions"])
    }
    assert streams_with_retired == {1, 2, 5, 6}
    assert sum(EXPECTED_RETIRED.values()) == sum(1 for a in _actions() if a["retired_offset_days"] is not None) == 6


def test_retirement_dates_are_before_the_seed_day() -> None:
    for action in _actions():
        retired = action["retired_offset_days"]
        if retired is not None:
            assert 0 < retired <= 180, action["reference"]
            assert retired < SEED_DAY, action["reference"]


def test_action_references_are_unique_and_sequential() -> None:
    for stream in WORK_STREAMS:
        expected = [f"{stream['number']}.{i}" for i in range(1, len(stream["actions"]) + 1)]
        assert [action["reference"] for action in stream["actions"]] == expected
    references = [action["reference"] for action in _actions()]
    assert len(references) == len(set(references))


def test_completed_action_deadlines() -> None:
    for action in _actions():
        if action["status"] == "COMPLETED":
            assert 30 <= action["deadline_offset_days"] <= 200, action["reference"]


def test_in_progress_action_deadlines() -> None:
    in_progress = [action for action in _actions() if action["status"] == "IN_PROGRESS"]
    near = [action for action in in_progress if action["deadline_offset_days"] < 240]
    # exactly two are close to their deadline on seed day: one in work stream 3, one in work stream 4
    assert sorted(action["deadline_offset_days"] for action in near) == [200, 205]
    assert sorted(action["reference"].split(".")[0] for action in near) == ["3", "4"]
    for action in in_progress:
        assert action["deadline_offset_days"] >= 190, action["reference"]
        assert action["deadline_offset_days"] <= 365, action["reference"]
    for action in in_progress:
        if action not in near:
            assert action["deadline_offset_days"] >= 240, action["reference"]


def test_exactly_two_actions_fall_in_the_risk_warning_window_on_seed_day() -> None:
    at_risk = [
        action["reference"]
        for action in _actions()
        if action["status"] == "IN_PROGRESS"
        and SEED_DAY <= action["deadline_offset_days"] <= SEED_DAY + RISK_WARNING_DAYS
    ]
    assert len(at_risk) == 2
    overdue = [
        action["reference"]
        for action in _actions()
        if action["status"] == "IN_PROGRESS" and action["deadline_offset_days"] < SEED_DAY
    ]
    assert overdue == []


def test_action_text_columns_are_filled_distinct_and_specific() -> None:
    for action in _actions():
        columns = [action["title"], action["measures_and_milestones"], action["key_targets"], action["progress"]]
        assert all(column.strip() for column in columns), action["reference"]
        assert len(set(columns)) == 4, action["reference"]
        assert len(action["title"]) <= 120, action["reference"]
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", action["progress"].strip()) if s]
        assert 2 <= len(sentences) <= 5, action["reference"]
    for column in ("title", "measures_and_milestones", "key_targets", "progress"):
        values = [action[column] for action in _actions()]
        assert len(values) == len(set(values)), column


# ---------------------------------------------------------------- measures


@pytest.mark.parametrize("number", sorted(EXPECTED_MEASURES))
def test_measure_counts_per_work_stream(number: int) -> None:
    stream = WORK_STREAMS[number - 1]
    statuses = [measure["status_6"] for measure in stream["measures"]]
    total, completed, in_progress = EXPECTED_MEASURES[number]
    assert len(statuses) == total
    assert statuses.count("COMPLETED") == completed
    assert statuses.count("IN_PROGRESS") == in_progress


def test_measure_totals_match_paragraph_8() -> None:
    statuses = [measure["status_6"] for measure in _measures()]
    assert len(statuses) == 57
    assert statuses.count("COMPLETED") == 34
    assert statuses.count("IN_PROGRESS") == 23
    assert set(statuses) <= {"COMPLETED", "IN_PROGRESS"}


def test_every_twelve_month_measure_is_in_progress() -> None:
    assert {measure["status_12"] for measure in _measures()} == {"IN_PROGRESS"}


def test_measure_references_are_unique_and_sequential() -> None:
    for stream in WORK_STREAMS:
        expected = [f"{stream['number']}.M{i}" for i in range(1, len(stream["measures"]) + 1)]
        assert [measure["reference"] for measure in stream["measures"]] == expected
    references = [measure["reference"] for measure in _measures()]
    assert len(references) == len(set(references))


def test_measure_text_is_filled() -> None:
    for measure in _measures():
        for field in ("description", "target", "narrative_6", "target_12", "narrative_12"):
            assert measure[field].strip(), (measure["reference"], field)
        assert measure["target"] != measure["target_12"], measure["reference"]


def test_average_caseload_of_16_against_a_target_of_18() -> None:
    caseload = WORK_STREAMS[0]["measures"][0]
    assert "caseload" in caseload["description"].lower()
    assert "18" in caseload["target"]
    assert "16 per worker" in caseload["narrative_6"]
    assert caseload["status_6"] == "COMPLETED"


# ---------------------------------------------------------------- text quality


def test_no_placeholder_text() -> None:
    for text in _all_texts():
        lowered = text.lower()
        assert "lorem" not in lowered
        assert "ipsum" not in lowered
        assert "todo" not in lowered
        assert "xxx" not in lowered


def test_plan_text_names_no_calendar_month_or_year_so_dates_can_shift() -> None:
    for text in _plan_texts():
        assert not MONTHS.search(text), text
        assert not YEAR.search(text), text


def test_every_abbreviation_is_in_the_glossary() -> None:
    known = {abbreviation for abbreviation, _ in GLOSSARY}
    missing = {
        word
        for text in _all_texts()
        for word in ABBREVIATION.findall(text)
        if word not in NOT_ABBREVIATIONS and word not in known
    }
    assert missing == set()


def test_abbreviation_pattern_finds_plurals_and_ignores_status_words() -> None:
    found = ABBREVIATION.findall("Two IROs and the MASH; COMPLETED and IN PROGRESS; Ofsted; GPs.")
    assert [w for w in found if w not in NOT_ABBREVIATIONS] == ["IRO", "MASH", "GP"]


# ---------------------------------------------------------------- glossary


def test_glossary_is_sorted_unique_and_complete() -> None:
    abbreviations = [abbreviation for abbreviation, _ in GLOSSARY]
    assert abbreviations == sorted(abbreviations, key=str.casefold)
    assert len(abbreviations) == len(set(abbreviations))
    required = {
        "AD", "CIN", "CP", "CYPS", "IRO", "LAC", "MASH", "NEET", "Ofsted",
        "PLO", "RAG", "SGO", "SIP", "SMT", "SW",
    }  # fmt: skip
    assert required <= set(abbreviations)
    for abbreviation, meaning in GLOSSARY:
        assert meaning.strip(), abbreviation


def test_glossary_explains_the_rag_colours() -> None:
    rag = dict(GLOSSARY)["RAG"]
    assert "green is COMPLETED" in rag
    assert "amber is IN PROGRESS" in rag
    assert "red is STATIC" in rag


# ---------------------------------------------------------------- users


def test_demo_users() -> None:
    assert DEMO_PASSWORD == "demo-password-2015"
    by_key = {user["key"]: user for user in DEMO_USERS}
    assert {key: (user["email"], user["role"]) for key, user in by_key.items()} == {
        "admin": ("admin@example.org", "administrator"),
        "pm": ("pm@example.org", "project_manager"),
        "smt": ("smt@example.org", "senior_manager"),
        "committee": ("committee@example.org", "committee_member"),
        "sm1": ("sm1@example.org", "service_manager"),
        "sm2": ("sm2@example.org", "service_manager"),
        "sm3": ("sm3@example.org", "service_manager"),
    }
    assert by_key["committee"]["name"].startswith("Cllr ")
    assert by_key["smt"]["job_title"] == "Assistant Director, Children's Social Care"
    assert "Vince Clark" not in {user["name"] for user in DEMO_USERS}
    names = [user["name"] for user in DEMO_USERS]
    assert len(names) == len(set(names))
    assert all(user["job_title"].strip() for user in DEMO_USERS)
