"""What every page costs before its own content: one query for the session, the person and the navigation's
badges; the badges still right when the request itself changed them; a dropped pooled connection replaced."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from app import create_app
from app.extensions import db
from app.formatting import format_date, format_datetime
from app.models import User
from app.services import notifications, proposals
from app.services.proposals import EvidenceInput, ProposalInput
from app.web.template_helpers import govuk_date, govuk_datetime

QUEUE_BADGE = re.compile(r'<span class="app-count" id="queue-count">(\d+)<span class="govuk-visually-hidden"> waiting')
UNREAD_BADGE = re.compile(r'<span class="app-count">(\d+)<span class="govuk-visually-hidden"> unread')


def _queries(counter: Any) -> list[str]:
    """The statements sent, without SQLite's BEGIN (app/services/tx.py sends it; PostgreSQL's driver does)."""
    return [s for s in counter.statements if not s.startswith("BEGIN")]


def _badges(html: str) -> tuple[int, int]:
    queue, unread = QUEUE_BADGE.search(html), UNREAD_BADGE.search(html)
    return int(queue.group(1)) if queue else 0, int(unread.group(1)) if unread else 0


def _submit_with_evidence(app: Flask, demo: dict[str, Any]) -> tuple[int, str]:
    """A proposal from sm1 waiting for review (the reviewers are told); its evidence's id and storage key."""
    with app.app_context():
        sm1 = db.session.get(User, demo["users"]["sm1"])
        proposal = proposals.create(
            sm1,
            "action",
            demo["actions"]["1.5"],
            ProposalInput(
                values={"status": "COMPLETED", "progress": "All posts filled."},
                reasons={"status": "All posts are filled"},
                evidence=EvidenceInput(filename="tracker.csv", data=b"post,filled\nTM1,yes\n", note="Posts filled"),
            ),
            submit=True,
        )
        evidence = proposal.evidence[0]
        return evidence.id, evidence.storage_key


@pytest.mark.parametrize("who", ["pm", "smt", "committee", "admin"])
def test_a_page_costs_one_query_for_the_session_the_person_and_the_badges(
    login: Any, demo: dict[str, Any], count_queries: Any, who: str
) -> None:
    client = login(who)
    client.get("/glossary")  # the glossary reads nothing of its own
    with count_queries() as counter:
        page = client.get("/glossary")
    assert page.status_code == 200
    assert len(_queries(counter)) == 1, counter.statements


def test_a_service_manager_pays_one_more_for_the_work_streams_they_run(
    login: Any, demo: dict[str, Any], count_queries: Any
) -> None:
    client = login("sm1")
    client.get("/glossary")
    with count_queries() as counter:
        assert client.get("/glossary").status_code == 200
    assert len(_queries(counter)) == 2, counter.statements


def test_the_badges_are_the_review_queue_and_the_unread_notifications(
    app: Flask, login: Any, demo: dict[str, Any]
) -> None:
    _submit_with_evidence(app, demo)
    pm, smt = login("pm"), login("smt")
    with app.app_context():
        queue = proposals.queue_count()
        unread_pm = notifications.unread_count(demo["users"]["pm"])
        unread_smt = notifications.unread_count(demo["users"]["smt"])
    assert queue > 0 and unread_pm > 0
    assert _badges(pm.get("/").get_data(as_text=True)) == (queue, unread_pm)
    assert _badges(smt.get("/").get_data(as_text=True)) == (0, unread_smt), "the queue is the reviewers' badge"

    assert pm.post_form("/notifications/read").status_code == 303
    assert _badges(pm.get("/").get_data(as_text=True)) == (queue, 0)


def test_a_notice_written_by_the_request_itself_is_counted_on_its_page(
    app: Flask, login: Any, demo: dict[str, Any]
) -> None:
    """Viewing a missing evidence file tells the reviewers: the page that says so counts the new notice."""
    evidence_id, key = _submit_with_evidence(app, demo)
    (Path(app.config["EVIDENCE_DIR"]) / key[:2] / key).unlink()
    pm = login("pm")
    pm.post_form("/notifications/read")
    assert _badges(pm.get("/glossary").get_data(as_text=True))[1] == 0

    refused = pm.get(f"/evidence/{evidence_id}")
    assert refused.status_code == 410
    assert _badges(refused.get_data(as_text=True))[1] == 1, "the notice this request wrote"


def test_a_pooled_connection_dropped_while_idle_is_replaced_before_a_page_uses_it(
    make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(demo=True)
    client = app.test_client()
    client.login("pm@example.org")  # type: ignore[attr-defined]
    assert client.get("/glossary").status_code == 200
    with app.app_context():
        pool = db.engine.pool
        pooled = [db.engine.raw_connection() for _ in range(pool.checkedin())]  # every one the requests used
        drivers = [connection.dbapi_connection for connection in pooled]
        for connection in pooled:
            connection.close()  # back in the pool, where ...
        for driver in drivers:
            driver.close()  # ... each is cut off, as a database restart or a proxy's idle timeout would
        assert drivers and pool.checkedin() == len(drivers)
    later = time.monotonic() + app.config["DATABASE_PING_AFTER_IDLE_SECONDS"] + 1
    monkeypatch.setattr("app.extensions.time", SimpleNamespace(monotonic=lambda: later))
    page = client.get("/glossary")
    assert page.status_code == 200
    assert "Glossary" in page.get_data(as_text=True)


# --- the tag and table macros: the GOV.UK components' markup, byte for byte ------------------------------

_words = st.text(alphabet=st.sampled_from("ab <>&\"'é\n"), max_size=6)
_attributes = st.one_of(
    st.none(),
    st.just({}),
    st.just(""),
    st.dictionaries(
        st.sampled_from(["id", "data-x", "hidden", "aria-label"]),
        st.one_of(_words, st.booleans(), st.integers(0, 9), st.fixed_dictionaries({"value": _words})),
        max_size=2,
    ),
    _words,
)
_cell = st.fixed_dictionaries(
    {},
    optional={
        "text": st.one_of(_words, st.integers(0, 99)),
        "html": _words,
        "classes": _words,
        "format": st.sampled_from(["numeric", ""]),
        "colspan": st.integers(0, 3),
        "rowspan": st.integers(0, 3),
        "attributes": _attributes,
    },
)
_table = st.fixed_dictionaries(
    {"rows": st.lists(st.one_of(st.lists(_cell, max_size=3), st.none()), max_size=3)},
    optional={
        "classes": _words,
        "attributes": _attributes,
        "caption": _words,
        "captionClasses": _words,
        "firstCellIsHeader": st.booleans(),
        "head": st.lists(_cell, max_size=3),
    },
)
_tag = st.fixed_dictionaries(
    {}, optional={"text": _words, "html": _words, "classes": _words, "attributes": _attributes}
)


@pytest.fixture(scope="module")
def jinja() -> Any:
    return create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).jinja_env


def _macro(env: Any, template: str, name: str) -> Callable[[dict[str, Any]], str]:
    return getattr(env.get_template(template).module, name)  # type: ignore[no-any-return]


@settings(max_examples=300, deadline=None)
@given(params=_table)
def test_the_table_macro_is_govuk_table(jinja: Any, params: dict[str, Any]) -> None:
    ours = _macro(jinja, "_macros.html", "table")
    theirs = _macro(jinja, "govuk_frontend_jinja/components/table/macro.html", "govukTable")
    assert str(ours(params)) == str(theirs(params))


@settings(max_examples=300, deadline=None)
@given(params=_tag)
def test_the_tag_macro_is_govuk_tag(jinja: Any, params: dict[str, Any]) -> None:
    ours = _macro(jinja, "_macros.html", "tag")
    theirs = _macro(jinja, "govuk_frontend_jinja/components/tag/macro.html", "govukTag")
    assert str(ours(params)) == str(theirs(params))


@given(
    value=st.one_of(
        st.none(),
        st.dates(),
        st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)),
        st.datetimes(timezones=st.just(UTC), min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)),
    )
)
def test_the_date_filters_say_what_formatting_says(value: date | datetime | None) -> None:
    """Remembered or not, asked twice or once: the words are formatting's."""
    for _ in range(2):
        assert govuk_date(value) == format_date(value)
        if not isinstance(value, date) or isinstance(value, datetime):
            assert govuk_datetime(value) == format_datetime(value)
