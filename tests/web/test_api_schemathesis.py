"""Schemathesis against the OpenAPI document, with a real token: every operation, no 5xx, and every response
as the document says (status, headers, body). Bounded examples, so it runs in well under two minutes; each
operation is also called once with ids that exist (random ids are mostly 404)."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance
from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.services import api_tokens, meetings

CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def presented(app: Flask, demo: dict[str, Any]) -> dict[str, Any]:
    """The demo with a presented meeting (so there are changes since it) and a token for the project manager."""
    from datetime import timedelta

    from app.clock import today

    with app.app_context():
        pm = db.session.scalars(select(User).where(User.email == "pm@example.org")).one()
        admin = db.session.scalars(select(User).where(User.email == "admin@example.org")).one()
        meeting = meetings.create_meeting(
            pm, demo["plan_id"], meetings.DEFAULT_COMMITTEE, today() - timedelta(days=7), "Contact Officer"
        )
        meeting_id = meeting.id
        meetings.present(pm, meeting_id)
        _, secret = api_tokens.create(admin, "Schemathesis", pm.id)
    return {**demo, "meeting": meeting_id, "secret": secret}


def _ids(ids: dict[str, Any]) -> dict[str, int]:
    return {
        "plan_id": ids["plan_id"],
        "work_stream_id": ids["work_streams"][1],
        "action_id": ids["actions"]["1.3"],
        "meeting_id": ids["meeting"],
    }


def test_every_operation_conforms_to_the_document(app: Flask, presented: dict[str, Any]) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = {"Authorization": f"Bearer {presented['secret']}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    documented = app.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    # schemathesis leaves out the document it was loaded from (tested in test_api_tokens.py)
    expected = sorted(set(documented) - {"/api/v1/openapi.json"})
    assert sorted(op.path for op in operations) == expected, "schemathesis must see every operation"
    ids = _ids(presented)
    for operation in operations:
        names = [p.name for p in operation.path_parameters]
        case = operation.Case(path_parameters={n: ids[n] for n in names} or None)
        response = case.call(headers=headers)
        assert response.status_code == 200, (operation.label, response.status_code)
        case.validate_response(response, checks=CHECKS)

        @settings(
            max_examples=8,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            phases=[Phase.generate],
        )
        @given(operation.as_strategy())
        def fuzz(generated: Any) -> None:
            answer = generated.call(headers=headers)
            generated.validate_response(answer, checks=CHECKS)

        fuzz()
