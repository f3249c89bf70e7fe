"""The one-time code rules, checked against codes pyotp makes for fixed moments (RFC 6238)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pyotp

from app.domain import totp
from app.policy import Role, must_use_second_factor

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NOON = datetime(2026, 12, 1, 12, 0, 0)  # naive UTC, as the app's clock gives it
NOON_STEP = 1_796_126_400 // 30  # 2026-12-01T12:00:00Z as a Unix time, in 30-second steps


def _code(moment: datetime) -> str:
    return pyotp.TOTP(SECRET).at(int((moment - datetime(1970, 1, 1)).total_seconds()))


def test_the_step_of_a_moment_counts_thirty_seconds_from_the_epoch() -> None:
    assert totp.time_step(NOON) == NOON_STEP
    assert totp.time_step(NOON + timedelta(seconds=29)) == NOON_STEP
    assert totp.time_step(NOON + timedelta(seconds=30)) == NOON_STEP + 1


def test_the_current_code_is_accepted_and_its_step_returned() -> None:
    assert totp.matching_step(SECRET, _code(NOON), NOON, None) == NOON_STEP
    assert totp.matching_step(SECRET, " " + _code(NOON)[:3] + " " + _code(NOON)[3:], NOON, None) == NOON_STEP


def test_one_step_either_side_is_accepted_and_no_further() -> None:
    assert totp.matching_step(SECRET, _code(NOON - timedelta(seconds=30)), NOON, None) == NOON_STEP - 1
    assert totp.matching_step(SECRET, _code(NOON + timedelta(seconds=30)), NOON, None) == NOON_STEP + 1
    assert totp.matching_step(SECRET, _code(NOON - timedelta(seconds=90)), NOON, None) is None
    assert totp.matching_step(SECRET, _code(NOON + timedelta(seconds=90)), NOON, None) is None


def test_a_code_is_accepted_once_and_an_older_one_not_after_a_newer() -> None:
    assert totp.matching_step(SECRET, _code(NOON), NOON, NOON_STEP) is None
    assert totp.matching_step(SECRET, _code(NOON - timedelta(seconds=30)), NOON, NOON_STEP) is None
    assert totp.matching_step(SECRET, _code(NOON), NOON, NOON_STEP - 1) == NOON_STEP


def test_anything_but_six_digits_is_not_a_code() -> None:
    for typed in ("", "12345", "1234567", "abcdef", "１２３４５６", "12345\x00"):
        assert totp.matching_step(SECRET, typed, NOON, None) is None


def test_recovery_codes_are_shown_in_two_halves_and_read_back_however_typed() -> None:
    assert totp.format_recovery_code("abcdefghjk") == "abcde-fghjk"
    assert totp.normalise_code(" ABCDE-fghjk ") == "abcdefghjk"
    assert totp.looks_like_recovery_code("ABCDE-FGHJK")
    assert not totp.looks_like_recovery_code("abcde-fghj0"), "0 is not in the alphabet"
    assert not totp.looks_like_recovery_code("123456")


def test_the_uri_names_the_service_and_the_account() -> None:
    uri = totp.provisioning_uri(SECRET, "pm@example.org")
    assert uri.startswith("otpauth://totp/")
    assert f"secret={SECRET}" in uri and "pm%40example.org" in uri and "issuer=Improvement" in uri


def test_the_project_manager_and_administrators_must_use_a_second_factor_and_no_one_else() -> None:
    assert {r for r in Role if must_use_second_factor(r)} == {Role.PROJECT_MANAGER, Role.ADMINISTRATOR}
    assert not must_use_second_factor(None)
