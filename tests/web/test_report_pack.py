"""The committee pack: rendered once after presenting, stored with its SHA-256, served from storage.

Most tests stand in for the renderers (cheap, counted, and different for different report data), because
what is tried here is the storing and the serving; test_committee_cycle reads real PDFs and Word files, and
`test_the_rq_worker_prepares_the_pack` renders the real pack on a real Redis queue.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import socket
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Baseline, ReportDocument, ReportJob
from app.services import jobs, report_pack
from app.services.evidence_store import report_store
from tests.conftest import Client
from tests.web.test_committee_cycle import flat, present, record_meeting
from tests.web.test_workflow import act, proposal_id, propose

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

RQ_REDIS = "redis://127.0.0.1:6379/4"


class Renderers:
    """Stand-ins for the renderers: what each was asked to draw, and bytes that follow the report's figures."""

    def __init__(self, patch: pytest.MonkeyPatch) -> None:
        self.calls: Counter[str] = Counter()
        self.patch = patch
        module = report_pack.reports

        def figures(data: Any) -> str:
            return ";".join(f"{ws.roman}:{ws.action_counts}" for ws in data.work_streams)

        def fake(name: str, make: Callable[..., Any]) -> None:
            def counted(*args: Any, **kwargs: Any) -> Any:
                self.calls[name] += 1
                return make(*args, **kwargs)

            patch.setattr(module, name, counted)

        fake("chart_png", lambda data, kind: f"PNG {kind} {figures(data)}".encode())
        fake("trend_png", lambda data: f"PNG trend {figures(data)}".encode())

        def page(data: Any, charts: Any = None) -> str:  # the real page's shape: its styles and charts inside
            images = "".join(
                f'<img src="data:image/png;base64,{base64.b64encode(png).decode()}" alt="{name}">'
                for name, png in sorted((charts or {}).items())
            )
            return f"<html><head><style>p {{}}</style></head><body><h1>Report</h1>{images}<p>{figures(data)}</p></body></html>"

        fake("render_html", page)
        fake("render_pdf", lambda data, charts=None: f"%PDF-1.7 {figures(data)} {sorted(charts or {})}".encode())
        fake("render_docx", lambda data, charts=None: f"PK docx {figures(data)} {sorted(charts or {})}".encode())

    def fail(self, name: str, message: str) -> None:
        def broken(*_: Any, **__: Any) -> Any:
            raise RuntimeError(message)

        self.patch.setattr(report_pack.reports, name, broken)


@pytest.fixture
def renderers(monkeypatch: pytest.MonkeyPatch) -> Renderers:
    return Renderers(monkeypatch)


def stored(app: Flask) -> dict[str, ReportDocument]:
    with app.app_context():
        rows = db.session.scalars(select(ReportDocument)).all()
        db.session.expunge_all()
        return {row.kind: row for row in rows}


def the_job(app: Flask) -> ReportJob:
    with app.app_context():
        job = db.session.scalars(select(ReportJob)).one()
        db.session.expunge(job)
        return job


def words(page: Any) -> str:
    return flat(re.sub(r"<[^>]+>", " ", page.get_data(as_text=True)))


def test_presenting_stores_the_three_documents_and_the_charts_with_their_sha256(
    app: Flask, login: Any, renderers: Renderers
) -> None:
    pm = login("pm")
    meeting = record_meeting(pm)
    assert present(pm, meeting).status_code == 303
    documents = stored(app)
    assert {"html", "pdf", "docx", "chart-actions", "chart-measures"} <= set(documents)
    with app.app_context():
        for row in documents.values():
            data = report_store().load(row.storage_key)
            assert hashlib.sha256(data).hexdigest() == row.sha256 and len(data) == row.size
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.kind == "plan.pack_stored")).one()
        assert event.after["pdf"]["sha256"] == documents["pdf"].sha256, "the audit record gives the hashes"
    # drawn once: each chart once, each document once, the same charts handed to all three
    assert renderers.calls["chart_png"] == 2 and renderers.calls["render_pdf"] == 1
    assert renderers.calls["render_html"] == 1 and renderers.calls["render_docx"] == 1
    job = the_job(app)
    assert (job.state, job.done, job.total, job.attempts) == ("done", 3, 3, 1)
    page = words(pm.get(f"/meetings/{meeting}"))
    assert "Download the report as PDF" in page and f"{documents['pdf'].size} bytes" in page


def test_a_download_serves_the_stored_bytes_and_never_renders(app: Flask, login: Any, renderers: Renderers) -> None:
    pm, committee = login("pm"), login("committee")
    meeting = record_meeting(pm)
    present(pm, meeting)
    documents = stored(app)
    for name in ("chart_png", "trend_png", "render_html", "render_pdf", "render_docx"):
        renderers.fail(name, "a download must not render")
    for who in (pm, committee):  # a councillor downloads the stored documents of a presented meeting
        pdf = who.get(f"/meetings/{meeting}/report.pdf")
        assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
        assert hashlib.sha256(pdf.data).hexdigest() == documents["pdf"].sha256
        word = who.get(f"/meetings/{meeting}/report.docx")
        assert hashlib.sha256(word.data).hexdigest() == documents["docx"].sha256
        assert 'filename="sip-progress-report-2015-10-07.docx"' in word.headers["Content-Disposition"]
        page = who.get(f"/meetings/{meeting}/report").get_data(as_text=True)
        assert "<h1>Report</h1>" in page and "Download PDF" in page and "<style>" not in page
        # the site's copy links its stylesheet and charts (stored beside it) rather than carrying them inside
        assert 'href="../report.css"' in page and 'src="charts/actions.png"' in page and "data:image" not in page
        assert len(page.encode()) < documents["html"].size
        chart = who.get(f"/meetings/{meeting}/charts/actions.png")
        assert chart.headers["Content-Type"] == "image/png"
        assert hashlib.sha256(chart.data).hexdigest() == documents["chart-actions"].sha256


def test_a_pack_stored_without_the_sites_copy_of_the_page_serves_the_stored_page(
    app: Flask, login: Any, renderers: Renderers, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Packs stored before the site's copy was kept have the one page, charts inside: it is sent instead."""
    real = report_pack._render
    monkeypatch.setattr(report_pack, "_render", lambda data: [s for s in real(data) if s[1].kind != "web"])
    pm = login("pm")
    meeting = record_meeting(pm)
    present(pm, meeting)
    assert "web" not in stored(app) and "html" in stored(app)
    page = pm.get(f"/meetings/{meeting}/report")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "<h1>Report</h1>" in text and "<style>" not in text
    assert "report.css" in text and "data:image/png" in text, "the stored page, its styles linked"


def test_a_stored_document_is_unchanged_by_later_approvals(
    app: Flask, login: Any, demo: dict[str, Any], renderers: Renderers
) -> None:
    pm, sm2 = login("pm"), login("sm2")
    meeting = record_meeting(pm)
    present(pm, meeting)
    before = {kind: row.sha256 for kind, row in stored(app).items()}
    first = pm.get(f"/meetings/{meeting}/report.pdf").data
    act(pm, proposal_id(propose(sm2, demo["actions"]["3.3"])), "approve", "approve")
    assert pm.get("/api/v1/summary").get_json()["actions"]["completed"] == 26, "the plan itself moved on"
    assert {kind: row.sha256 for kind, row in stored(app).items()} == before
    again = pm.get(f"/meetings/{meeting}/report.pdf").data
    assert again == first and hashlib.sha256(again).hexdigest() == before["pdf"]
    assert renderers.calls["render_pdf"] == 1, "drawn once, when presented"


def test_a_failing_render_is_recorded_stores_nothing_and_try_again_prepares_it(
    app: Flask, login: Any, renderers: Renderers
) -> None:
    pm, committee = login("pm"), login("committee")
    meeting = record_meeting(pm)
    renderers.fail("render_docx", "the Word template could not be read")
    assert present(pm, meeting).status_code == 303, "the baseline is fixed even though its pack failed"
    with app.app_context():
        assert db.session.scalars(select(Baseline)).one()
    assert stored(app) == {}, "never half a pack: the web page and PDF were rendered, but nothing is kept"
    job = the_job(app)
    assert job.state == "failed"
    assert job.error.startswith("The Word document could not be prepared: the Word template could not be read")
    page = words(pm.get(f"/meetings/{meeting}"))
    assert "What failed: The Word document could not be prepared" in page and "Try again" in page
    councillor = words(committee.get(f"/meetings/{meeting}"))
    assert "What failed" in councillor and "Try again" not in councillor
    assert committee.post_form(f"/meetings/{meeting}/pack").status_code == 403
    missing = pm.get(f"/meetings/{meeting}/report.pdf")
    assert missing.status_code == 404 and "Back to the meeting" in words(missing)
    assert "What failed" in words(missing)

    renderers.patch.undo()  # the fault is mended
    Renderers(renderers.patch)
    response = pm.post_form(f"/meetings/{meeting}/pack")
    assert response.status_code == 303
    assert set(stored(app)) >= {"html", "pdf", "docx"}
    job = the_job(app)
    assert (job.state, job.error, job.attempts) == ("done", "", 2)
    with app.app_context():
        kinds = [e.kind for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    failed, asked, kept = (kinds.index(k) for k in ("plan.pack_failed", "plan.pack_requested", "plan.pack_stored"))
    assert failed < asked < kept, "the failure, the second try and the stored pack are each in the audit trail"
    assert pm.post_form(f"/meetings/{meeting}/pack").status_code == 409, "a stored pack is never made again"


def test_a_failure_while_storing_leaves_no_document(app: Flask, login: Any, renderers: Renderers) -> None:
    pm = login("pm")
    meeting = record_meeting(pm)

    class FullDisk:
        saved = 0

        def save(self, data: bytes) -> str:
            FullDisk.saved += 1
            if FullDisk.saved == 3:
                raise OSError("No space left on device")
            return f"k{FullDisk.saved}"

    renderers.patch.setattr(report_pack, "report_store", FullDisk)
    present(pm, meeting)
    assert stored(app) == {}
    job = the_job(app)
    assert job.state == "failed" and job.error == "The documents could not be stored: No space left on device (OSError)"


def test_the_progress_partial_says_where_the_job_is(app: Flask, login: Any, renderers: Renderers) -> None:
    pm, committee = login("pm"), login("committee")
    meeting = record_meeting(pm)
    renderers.patch.setattr(report_pack, "run", lambda baseline_id, runner: None)  # nobody picks the job up
    present(pm, meeting)

    def partial(who: Client = pm) -> str:
        response = who.get(f"/meetings/{meeting}/pack?poll=1", headers={"HX-Request": "true"})
        assert response.status_code == 200
        return response.get_data(as_text=True)

    def set_job(**values: Any) -> None:
        with app.app_context():
            job = db.session.scalars(select(ReportJob)).one()
            for key, value in values.items():
                setattr(job, key, value)
            db.session.commit()

    queued = partial()
    assert "Waiting to start preparing the documents." in flat(queued)
    assert 'hx-trigger="every 2s"' in queued and f'hx-get="/meetings/{meeting}/pack?poll=1"' in queued
    set_job(runner="worker")
    assert "Waiting for the job worker to start preparing the documents." in flat(partial())
    set_job(state="running", current="Preparing the Word document", done=2, total=3)
    running = partial(committee)
    assert "Preparing the Word document: 2 of 3 ready" in flat(running) and "every 2s" in running
    set_job(state="failed", error="The PDF could not be prepared: no fonts (OSError)")
    failed = flat(re.sub(r"<[^>]+>", " ", partial()))
    assert "What failed: The PDF could not be prepared: no fonts (OSError)" in failed and "Try again" in failed
    assert "hx-get" not in partial(), "a failed job is not polled"
    from datetime import timedelta

    from app.clock import utcnow

    set_job(state="running", current="Preparing the PDF", done=1, updated_at=utcnow() - timedelta(hours=2))
    stuck = flat(re.sub(r"<[^>]+>", " ", partial()))
    assert "the job may have stopped" in stuck and "Try again" in stuck
    set_job(state="queued", updated_at=utcnow())
    renderers.patch.undo()
    Renderers(renderers.patch)
    with app.app_context():
        report_pack.run(db.session.scalars(select(Baseline)).one().id)
    done = partial()
    assert "hx-get" not in done and "Download the report as Word" in done and "bytes" in done
    for word in ("IN_PROGRESS", "in-process", "queued", "running", "chart-"):
        assert word not in flat(re.sub(r"<[^>]+>", " ", queued + running + done)), word


def test_a_baseline_presented_before_packs_were_stored_can_be_prepared(
    app: Flask, login: Any, renderers: Renderers
) -> None:
    pm, committee = login("pm"), login("committee")
    meeting = record_meeting(pm)
    renderers.patch.setattr(report_pack, "run", lambda baseline_id, runner: None)
    present(pm, meeting)
    with app.app_context():  # as a baseline presented before this change: no job, no documents
        db.session.execute(ReportJob.__table__.delete())
        db.session.commit()
    assert "Prepare the documents" in words(pm.get(f"/meetings/{meeting}"))
    assert "Prepare the documents" not in words(committee.get(f"/meetings/{meeting}"))
    assert pm.get(f"/meetings/{meeting}/report.docx").status_code == 404
    renderers.patch.undo()
    Renderers(renderers.patch)
    assert pm.post_form(f"/meetings/{meeting}/pack").status_code == 303
    assert the_job(app).state == "done" and {"html", "pdf", "docx"} <= set(stored(app))


def test_flask_reports_render_rebuilds_a_missing_pack(app: Flask, login: Any, renderers: Renderers) -> None:
    pm = login("pm")
    meeting = record_meeting(pm)
    renderers.fail("render_pdf", "out of memory")
    present(pm, meeting)
    renderers.patch.undo()
    Renderers(renderers.patch)
    with app.app_context():
        baseline_id = db.session.scalars(select(Baseline)).one().id
    runner = app.test_cli_runner()
    result = runner.invoke(args=["reports", "render", "--baseline", str(baseline_id)])
    assert result.exit_code == 0, result.output
    assert f"Committee documents stored for baseline {baseline_id}" in result.output
    assert {"html", "pdf", "docx"} <= set(stored(app))
    again = runner.invoke(args=["reports", "render", "--baseline", str(baseline_id)])
    assert again.exit_code == 1 and "never changes" in again.output


def test_a_stored_document_that_no_longer_matches_its_checksum_is_not_sent(
    app: Flask, login: Any, renderers: Renderers
) -> None:
    pm = login("pm")
    meeting = record_meeting(pm)
    present(pm, meeting)
    row = stored(app)["pdf"]
    path = os.path.join(app.config["EVIDENCE_DIR"], "reports", row.storage_key[:2], row.storage_key)
    os.chmod(path, 0o640)
    with open(path, "ab") as handle:
        handle.write(b"tampered")
    response = pm.get(f"/meetings/{meeting}/report.pdf")
    assert response.status_code == 409
    assert "no longer matches the checksum" in words(response) and b"tampered" not in response.data


def test_the_worker_command_needs_a_queue(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code == 1 and "no job queue is configured" in result.output


def test_the_progress_address_followed_by_a_person_shows_the_meeting_page(
    app: Flask, login: Any, renderers: Renderers
) -> None:
    pm = login("pm")
    meeting = record_meeting(pm)
    present(pm, meeting)
    response = pm.get(f"/meetings/{meeting}/pack")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/meetings/{meeting}#pack")


def test_a_meeting_not_presented_has_no_stored_documents(login: Any) -> None:
    pm = login("pm")
    meeting = record_meeting(pm)
    for path in ("report", "report.pdf", "report.docx", "charts/actions.png", "pack"):
        assert pm.get(f"/meetings/{meeting}/{path}").status_code == 404, path


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _signed_in(app: Flask, who: str) -> Client:
    client: Client = app.test_client()  # type: ignore[assignment]
    assert client.login(f"{who}@example.org").status_code == 302
    return client


def test_with_the_queue_unreachable_presenting_fixes_the_baseline_and_prepares_the_pack_here(
    make_app: Callable[..., Flask], demo: dict[str, Any], renderers: Renderers
) -> None:
    app = make_app(demo=True, JOBS_MODE="rq", JOBS_REDIS_URL=f"redis://127.0.0.1:{_closed_port()}/4")
    pm = _signed_in(app, "pm")
    meeting = record_meeting(pm)
    assert present(pm, meeting).status_code == 303
    jobs.join_threads()  # the pack was prepared in a thread of this server, not in the request
    with app.app_context():
        assert db.session.scalars(select(Baseline)).one()
    job = the_job(app)
    assert (job.state, job.runner) == ("done", "fallback")
    page = words(pm.get(f"/meetings/{meeting}"))
    assert "Prepared on this server because the job queue could not be reached." in page
    assert pm.get(f"/meetings/{meeting}/report.pdf").status_code == 200


@pytest.mark.real_pack
def test_the_rq_worker_prepares_the_pack(make_app: Callable[..., Flask], demo: dict[str, Any]) -> None:
    """A real Redis (db 4), a real RQ worker in burst mode, the real renderers."""
    name = f"test-pack-{uuid.uuid4().hex}"
    app = make_app(demo=True, JOBS_MODE="rq", JOBS_REDIS_URL=RQ_REDIS, JOBS_QUEUE=name)
    pm = _signed_in(app, "pm")
    meeting = record_meeting(pm)
    try:
        assert present(pm, meeting).status_code == 303
        job = the_job(app)
        assert (job.state, job.runner) == ("queued", "worker"), "queued for the worker, not run in the request"
        assert stored(app) == {}
        assert "Waiting for the job worker" in words(pm.get(f"/meetings/{meeting}"))
        waiting = pm.get(f"/meetings/{meeting}/report.pdf")
        assert waiting.status_code == 202 and "being prepared" in words(waiting)
        with app.app_context():
            assert jobs.worker().work(burst=True), "the worker found the job"
        job = the_job(app)
        assert (job.state, job.runner, job.done) == ("done", "worker", 3)
        documents = stored(app)
        pdf = pm.get(f"/meetings/{meeting}/report.pdf").data
        assert hashlib.sha256(pdf).hexdigest() == documents["pdf"].sha256
        text = flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))
        assert "52" in text and "COMPLETED" in text
    finally:
        with app.app_context():
            connection = jobs.connection()
            for key in connection.scan_iter(f"rq:*{name}*"):
                connection.delete(key)


def test_running_the_job_again_keeps_the_stored_pack(app: Flask, login: Any, renderers: Renderers) -> None:
    """A second run (a stuck job tried again while the first was still going) stores nothing more."""
    pm = login("pm")
    meeting = record_meeting(pm)
    present(pm, meeting)
    before = {kind: row.sha256 for kind, row in stored(app).items()}
    with app.app_context():
        baseline_id = db.session.scalars(select(Baseline)).one().id
        db.session.execute(ReportJob.__table__.update().values(state="queued"))
        db.session.commit()
        report_pack.run(baseline_id)
        assert report_pack.run(baseline_id) is None  # not queued now: returns at once
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.kind == "plan.pack_stored")).all()
    assert len(events) == 1 and {kind: row.sha256 for kind, row in stored(app).items()} == before
    assert the_job(app).state == "done"
