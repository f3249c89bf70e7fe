"""The project manager's plan editor at the service layer: refused to everyone else, whatever a view does."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.clock import today
from app.extensions import db
from app.models import Action, User
from app.policy import PermissionDenied
from app.services import plan_editor
from app.services.plan_editor import ActionDraft

REASON = "Agreed at the October SMT: the inspection letter asks for it"


def new_action() -> ActionDraft:
    return ActionDraft(
        title="Audit every strategy discussion held out of hours",
        key_targets="100% audited monthly",
        deadline=today() + timedelta(days=90),
    )


def actions_in(work_stream_id: int) -> list[str]:
    return list(db.session.scalars(select(Action.reference).where(Action.work_stream_id == work_stream_id)))


@pytest.fixture
def ctx(app: Flask, demo: dict[str, Any]) -> Any:
    with app.test_request_context():
        yield
        db.session.remove()


@pytest.mark.parametrize("who", ["sm1", "committee", "smt", "admin"])
def test_only_the_project_manager_adds_an_action(ctx: Any, demo: dict[str, Any], who: str) -> None:
    work_stream = demo["work_streams"][1]  # sm1 runs it, and still may not add to it
    before = actions_in(work_stream)
    with pytest.raises(PermissionDenied):
        plan_editor.add_action(db.session.get(User, demo["users"][who]), work_stream, new_action(), REASON)
    db.session.rollback()
    assert actions_in(work_stream) == before, "nothing was added"


def test_project_manager_adds_an_action_with_the_next_reference(ctx: Any, demo: dict[str, Any]) -> None:
    work_stream = demo["work_streams"][1]
    before = actions_in(work_stream)
    action = plan_editor.add_action(db.session.get(User, demo["users"]["pm"]), work_stream, new_action(), REASON)
    assert action.status == "IN_PROGRESS"
    assert set(actions_in(work_stream)) == {*before, action.reference}
    assert action.reference not in before and action.reference.startswith("1.")
