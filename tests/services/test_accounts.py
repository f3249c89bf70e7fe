"""Account rules enforced in the service layer, whatever the view did."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from app.extensions import db
from app.models import User
from app.policy import SYSTEM, PermissionDenied
from app.services import accounts
from app.services.errors import ValidationFailed


def test_only_administrators_may_create_accounts(app: Flask, demo: dict[str, Any]) -> None:
    with app.app_context():
        pm = db.session.get(User, demo["users"]["pm"])
        with pytest.raises(PermissionDenied):
            accounts.create_user(
                pm, email="new@example.org", name="New", role="administrator", password="window orange tractor maple"
            )
        assert accounts.find_by_email("new@example.org") is None


def test_passwords_are_hashed_with_argon2id(app: Flask, demo: dict[str, Any]) -> None:
    with app.app_context():
        user = db.session.get(User, demo["users"]["pm"])
        assert user.password_hash.startswith("$argon2id$")
        assert "demo-password" not in user.password_hash


def test_common_and_short_passwords_are_refused_but_no_composition_rules(app: Flask, demo: dict[str, Any]) -> None:
    with app.app_context():
        admin = db.session.get(User, demo["users"]["admin"])
        for bad in ["qwertyuiop123", "password1234", "short"]:
            with pytest.raises(ValidationFailed) as raised:
                accounts.create_user(
                    admin, email="a@example.org", name="A Person", role="committee_member", password=bad
                )
            assert "password" in raised.value.errors
        user = accounts.create_user(
            admin, email="a@example.org", name="A Person", role="committee_member", password="all lower case words here"
        )
        assert user.id is not None


def test_demo_password_only_accepted_in_demo_mode(app: Flask, demo: dict[str, Any]) -> None:
    app.config["DEMO_MODE"] = False
    with app.app_context():
        admin = db.session.get(User, demo["users"]["admin"])
        with pytest.raises(ValidationFailed) as raised:
            accounts.set_password(admin, demo["users"]["sm1"], "demo-password-2015")
        assert "published" in raised.value.errors["password"]


def test_the_only_active_administrator_can_be_neither_demoted_nor_deactivated(app: Flask, demo: dict[str, Any]) -> None:
    with app.app_context():
        admin = db.session.get(User, demo["users"]["admin"])
        with pytest.raises(ValidationFailed) as refused:
            accounts.update_user(
                admin, admin.id, name=admin.name, job_title=admin.job_title, role="committee_member", work_stream_ids=[]
            )
        assert refused.value.errors["role"] == (
            "This is the only active administrator. Make someone else an administrator first"
        )
        with pytest.raises(ValidationFailed) as refused:
            accounts.set_active(SYSTEM, admin.id, False, reason="Leaving the council")
        assert refused.value.errors["active"] == "This is the only active administrator and cannot be deactivated"
        db.session.expire_all()
        admin = db.session.get(User, demo["users"]["admin"])
        assert (admin.role, admin.active) == ("administrator", True)


def test_with_a_second_administrator_one_can_be_demoted_and_then_the_other_is_the_last(
    app: Flask, demo: dict[str, Any]
) -> None:
    with app.app_context():
        admin = db.session.get(User, demo["users"]["admin"])
        second = accounts.create_user(
            admin,
            email="it.lead@example.org",
            name="Sam Okoro",
            role="administrator",
            password="harbour lantern quietly",
        )
        accounts.update_user(
            second, admin.id, name=admin.name, job_title=admin.job_title, role="committee_member", work_stream_ids=[]
        )
        assert db.session.get(User, admin.id).role == "committee_member"
        with pytest.raises(ValidationFailed):
            accounts.update_user(
                second, second.id, name=second.name, job_title="", role="senior_manager", work_stream_ids=[]
            )


def test_with_a_second_administrator_one_can_be_deactivated(app: Flask, demo: dict[str, Any]) -> None:
    with app.app_context():
        admin = db.session.get(User, demo["users"]["admin"])
        second = accounts.create_user(
            admin,
            email="it.lead@example.org",
            name="Sam Okoro",
            role="administrator",
            password="harbour lantern quietly",
        )
        accounts.set_active(second, admin.id, False, reason="Left the council")
        assert db.session.get(User, admin.id).active is False
        with pytest.raises(ValidationFailed):
            accounts.set_active(SYSTEM, second.id, False)


@pytest.mark.parametrize(
    "password", ["123456789012", "letmeinletmein", "correcthorsebatterystaple", "Improvement plan tracker"]
)
def test_an_administrator_cannot_set_a_guessable_password(app: Flask, demo: dict[str, Any], password: str) -> None:
    with app.app_context():
        admin = db.session.get(User, demo["users"]["admin"])
        with pytest.raises(ValidationFailed) as refused:
            accounts.set_password(admin, demo["users"]["sm1"], password)
        assert refused.value.errors["password"].startswith("Password is too easy to guess.")
