"""The committee pack of a presented baseline: rendered once, in the background, stored, served from storage.

A presented baseline never changes, so neither does its report. `schedule` (called by `meetings.present`
once the baseline is committed) queues `run` through `app/services/jobs.py`; `run` draws the charts once,
renders the web page, the PDF and the Word document from them, and stores all of them (the chart images
too) with their SHA-256 and size in ONE transaction at the end, with an audit record giving the hashes:
a pack is stored whole or not at all. Progress ("Preparing the Word document: 2 of 3 ready") is written
to the `ReportJob` row as it goes, each step in a small transaction of its own, so the meeting page can
show it; a failure is recorded there in words (which part, and the error), and `request` (the meeting
page's "Try again" or "Prepare the documents") queues it again. `document` reads a stored document back
and refuses it unless its SHA-256 still matches: nothing here ever renders inside a web request.

The renderers are reached through `app.services.report` (as `reports`) by name at call time, in `_render` alone.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.clock import utcnow
from app.extensions import db
from app.formatting import filesize, format_date
from app.models import Baseline, CommitteeMeeting, ReportDocument, ReportJob
from app.policy import Actor, Permission, SystemActor, require_as
from app.services import audit, jobs, meetings
from app.services import report as reports
from app.services.errors import Conflict, NotFound, ServiceError
from app.services.evidence_store import report_store
from app.services.tx import write_transaction

log = logging.getLogger(__name__)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Part:
    kind: str  # the ReportDocument's kind
    label: str  # what people call it: "the Word document"
    ext: str
    media_type: str


# The documents people download, in the order they are rendered; the charts are stored beside them.
DOCUMENTS: tuple[Part, ...] = (
    Part("html", "the web page", "html", "text/html; charset=utf-8"),
    Part("pdf", "the PDF", "pdf", "application/pdf"),
    Part("docx", "the Word document", "docx", DOCX),
)
CHARTS: dict[str, str] = {
    "actions": "the chart of the action plans",
    "measures": "the chart of the performance measures",
    "trend": "the chart of the actions over time",
}
# The web page as this site serves it (stylesheet and charts linked, not inside it): stored beside the rest.
WEB = Part("web", "the web page as the site shows it", "html", "text/html; charset=utf-8")
PARTS: dict[str, Part] = (
    {p.kind: p for p in DOCUMENTS}
    | {WEB.kind: WEB}
    | {f"chart-{name}": Part(f"chart-{name}", label, "png", "image/png") for name, label in CHARTS.items()}
)

# A plan of more than outline.CHART_MAX_WORK_STREAMS work streams publishes Appendices 3 and 4 as separate
# documents, a PDF and a Word file per group of work streams: kinds "appendix-<first>-<last>-<pdf|docx>", named by
# the first and last work streams' numbers. Each PDF is typeset in a child process of its own, so no process
# holds more than a group's pages (the whole 100x report in one piece held 3 GB).
APPENDIX_KIND = re.compile(r"appendix-([0-9]{1,6})-([0-9]{1,6})-(pdf|docx)")


def appendix_kind(first: int, last: int, ext: str) -> str:
    return f"appendix-{first}-{last}-{ext}"


def part_of(kind: str) -> Part | None:
    """The document a kind names, a separate appendix document included; None for no such kind."""
    if kind in PARTS:
        return PARTS[kind]
    match = APPENDIX_KIND.fullmatch(kind)
    if match is None:
        return None
    first, last, ext = int(match[1]), int(match[2]), match[3]
    whole = PARTS[ext]
    return Part(kind, f"{whole.label} of {reports.appendix_title(first, last)}", ext, whole.media_type)


# A job queued or running with no progress for this long has stopped (a worker killed, a server restarted):
# the project manager may try again.
STUCK_AFTER = timedelta(minutes=30)

QUEUE_DOWN = "Prepared on this server because the job queue could not be reached."


class PackNotReady(ServiceError):
    """The documents are not stored (yet): being prepared, failed, or never asked for."""


class NoSuchAppendix(NotFound):
    """A separate appendix document asked for of a pack that has none of those work streams (the demo's report,
    of 7 work streams, carries its Appendices 3 and 4 itself)."""


class DocumentUnavailable(ServiceError):
    """A stored document is missing from the store, or no longer matches its SHA-256: it is never sent."""


class _ReportJobActor(SystemActor):
    name = "System (committee pack)"


REPORT_JOB = _ReportJobActor()


# --- queueing -------------------------------------------------------------------------------------------


def schedule(baseline_id: int) -> ReportJob | None:
    """Queue the pack of a just-presented baseline. Never raises: the baseline is fixed whatever happens here.

    `run` records a failed rendering on the job; if even queueing fails, the meeting page offers
    "Prepare the documents" (no job) or "Try again" later.
    """
    try:
        with write_transaction():
            if _job(baseline_id) is None:
                db.session.add(
                    ReportJob(baseline_id=baseline_id, state="queued", total=len(DOCUMENTS), updated_at=utcnow())
                )
        return _enqueue(baseline_id)
    except Exception:  # noqa: BLE001 - presenting has succeeded; the documents can be asked for again
        db.session.rollback()
        log.exception("Could not queue the committee pack of baseline %s", baseline_id)
        return None


def request(actor: Actor, meeting_id: int) -> ReportJob:
    """ "Prepare the documents" (a baseline presented before packs were stored) or "Try again" (after a failure)."""
    with write_transaction():
        require_as(actor, Permission.EDIT_PLAN)
        meeting = meetings.get_meeting(meeting_id)
        baseline = meeting.baseline
        if baseline is None:
            raise ServiceError("The plan has not been presented to this meeting yet, so there is nothing to prepare.")
        job = _job(baseline.id)
        if _stored(baseline.id):
            raise Conflict("The documents are already prepared and stored. A stored document never changes.")
        if job is not None and job.state in ("queued", "running") and not is_stuck(job):
            raise Conflict("The documents are being prepared already. This page shows their progress.")
        again = job is not None
        before = _job_words(job) if job is not None else {}
        if job is None:
            db.session.add(
                ReportJob(baseline_id=baseline.id, state="queued", total=len(DOCUMENTS), updated_at=utcnow())
            )
        else:
            _reset(job.id)
        audit.record(
            actor,
            "plan.pack_requested",
            ("Committee documents asked for again" if again else "Committee documents asked for")
            + f" for the meeting of {format_date(meeting.meeting_date)}",
            object_type="baseline",
            object_id=baseline.id,
            plan_id=baseline.plan_id,
            before=before or None,
        )
    return _enqueue(baseline.id)


def rebuild(baseline_id: int) -> ReportJob:
    """`flask reports render`: prepare a missing pack now, in this process, whatever its job says."""
    baseline = db.session.get(Baseline, baseline_id)
    if baseline is None:
        raise NotFound(f"No baseline {baseline_id}")
    if _stored(baseline_id):
        raise Conflict(f"The documents of baseline {baseline_id} are stored already; a stored document never changes.")
    with write_transaction():
        job = _job(baseline_id)
        if job is None:
            db.session.add(
                ReportJob(baseline_id=baseline_id, state="queued", total=len(DOCUMENTS), updated_at=utcnow())
            )
        else:
            _reset(job.id)
        audit.record(
            REPORT_JOB,
            "plan.pack_requested",
            f"Committee documents asked for from the command line (baseline {baseline_id})",
            object_type="baseline",
            object_id=baseline_id,
            plan_id=baseline.plan_id,
        )
    run(baseline_id, runner="in-process")
    return _fresh_job(baseline_id)


def _enqueue(baseline_id: int) -> ReportJob:
    queued = jobs.enqueue("app.services.report_pack.run", baseline_id)
    if queued.runner == "worker":  # nobody has picked it up yet: say who will
        with write_transaction():
            _set(baseline_id, (ReportJob.state == "queued") & (ReportJob.runner == ""), runner="worker")
    return _fresh_job(baseline_id)


# --- the job --------------------------------------------------------------------------------------------


def run(baseline_id: int, *, runner: str = "in-process") -> None:
    """Render and store the pack; safe to run twice (the second finds it stored, or not queued, and stops)."""
    with write_transaction():
        started = _set(
            baseline_id, ReportJob.state == "queued", state="running", runner=runner, attempts=ReportJob.attempts + 1
        )
    if not started:
        return  # done already, or someone else is running it
    what = "The report's figures could not be read"
    try:
        baseline = db.session.get(Baseline, baseline_id)
        if baseline is None:
            raise NotFound(f"No baseline {baseline_id}")
        meeting = db.session.get(CommitteeMeeting, baseline.meeting_id)
        assert meeting is not None  # a baseline belongs to a meeting (foreign key)
        data = meetings.report_data(meeting)
        db.session.rollback()  # end the read before the long part: no transaction held while rendering
        rendered: dict[str, bytes] = {}
        for step, part, make in _render(data):
            what = f"{part.label[:1].upper()}{part.label[1:]} could not be prepared"
            if step is not None:
                _progress(baseline_id, step, sum(p.kind in rendered for p in DOCUMENTS))
            rendered[part.kind] = make()
        what = "The documents could not be stored"
        _progress(baseline_id, "Storing the documents", len(DOCUMENTS))
        _store(baseline_id, meeting, rendered)
    except Exception as error:  # noqa: BLE001 - whatever broke, the page must say so and offer another try
        db.session.rollback()
        log.exception("The committee pack of baseline %s failed: %s", baseline_id, what)
        _fail(baseline_id, what, error)


def _render(data: Any) -> list[tuple[str | None, Part, Callable[[], bytes]]]:
    """The steps, in order: each chart drawn once, then the three documents from those same charts."""
    charts: dict[str, bytes] = {}

    def chart(name: str) -> Callable[[], bytes]:
        def draw() -> bytes:
            png = reports.trend_png(data) if name == "trend" else reports.chart_png(data, name)  # type: ignore[arg-type]
            charts[name] = png
            return png

        return draw

    names = ["actions", "measures"] + (["trend"] if data.trend else [])
    steps: list[tuple[str | None, Part, Callable[[], bytes]]] = [
        ("Drawing the charts" if i == 0 else None, PARTS[f"chart-{name}"], chart(name)) for i, name in enumerate(names)
    ]
    page: list[str] = []

    def html() -> bytes:
        page.append(reports.render_html(data, charts=charts))
        return page[0].encode("utf-8")

    makers: dict[str, Callable[[], bytes]] = {
        "html": html,
        "pdf": lambda: reports.render_pdf(data, charts=charts),
        "docx": lambda: reports.render_docx(data, charts=charts),
    }

    def appendix(ext: str, first: int, last: int) -> Callable[[], bytes]:
        render = reports.render_pdf if ext == "pdf" else reports.render_docx
        return lambda: render(data, charts={}, parts=reports.appendix_outline(data, first, last))

    groups = reports.appendix_groups(data)  # none for a plan of up to 20 work streams: one document each
    for part in DOCUMENTS:
        steps.append((f"Preparing {part.label}", part, makers[part.kind]))
        if part.kind == "html":  # the same page, its stylesheet and charts linked: no second rendering
            steps.append((None, WEB, lambda: reports.web_page(page[0], charts).encode("utf-8")))
        else:
            for first, last in groups:
                separate = part_of(appendix_kind(first, last, part.ext))
                assert separate is not None
                steps.append((f"Preparing {separate.label}", separate, appendix(part.ext, first, last)))
    return steps


def _store(baseline_id: int, meeting: CommitteeMeeting, rendered: dict[str, bytes]) -> None:
    """Every document and chart, their rows and the audit record: one transaction, so never half a pack."""
    store = report_store()
    with write_transaction():
        if _stored(baseline_id):
            _set(baseline_id, None, state="done", done=len(DOCUMENTS), current="", error="")
            return
        hashes: dict[str, Any] = {}
        for kind, data in rendered.items():
            part = part_of(kind)
            assert part is not None  # rendered by _render, from PARTS or an appendix kind
            sha = hashlib.sha256(data).hexdigest()
            filename = f"sip-progress-report-{meeting.meeting_date.isoformat()}" + _suffix(kind, part)
            db.session.add(
                ReportDocument(
                    baseline_id=baseline_id,
                    kind=kind,
                    filename=filename,
                    media_type=part.media_type,
                    size=len(data),
                    sha256=sha,
                    storage_key=store.save(data),
                )
            )
            hashes[kind] = {"sha256": sha, "size": len(data)}
        try:
            db.session.flush()
        except IntegrityError as race:
            raise Conflict("The documents were stored a moment ago by another run.") from race
        _set(baseline_id, None, state="done", done=len(DOCUMENTS), current="", error="")
        audit.record(
            REPORT_JOB,
            "plan.pack_stored",
            f"Committee documents stored for the meeting of {format_date(meeting.meeting_date)}: "
            + "; ".join(f"{PARTS[p.kind].label}, SHA-256 {hashes[p.kind]['sha256']}" for p in DOCUMENTS)
            + _separately(rendered),
            object_type="baseline",
            object_id=baseline_id,
            plan_id=meeting.plan_id,
            after=hashes,
        )


def _suffix(kind: str, part: Part) -> str:
    match = APPENDIX_KIND.fullmatch(kind)
    if match is not None:
        return f"-appendices-3-and-4-work-streams-{match[1]}-to-{match[2]}.{part.ext}"
    return f"-{kind}.{part.ext}" if kind not in {p.kind for p in DOCUMENTS} else f".{part.ext}"


def _separately(rendered: dict[str, bytes]) -> str:
    count = sum(APPENDIX_KIND.fullmatch(kind) is not None for kind in rendered)
    return f"; and {count} separate documents of Appendices 3 and 4 (their SHA-256 in the record)" if count else ""


def _progress(baseline_id: int, current: str, ready: int) -> None:
    with write_transaction():
        _set(baseline_id, ReportJob.state == "running", current=current[:120], done=ready)


def _fail(baseline_id: int, what: str, error: BaseException) -> None:
    message = f"{what}: {_in_words(error)}"
    try:
        with write_transaction():
            if _stored(baseline_id):  # a second run (after "Try again" on a stuck job) lost the race to store
                _set(baseline_id, None, state="done", done=len(DOCUMENTS), current="", error="")
                return
            _set(baseline_id, None, state="failed", error=message[:2000])
            baseline = db.session.get(Baseline, baseline_id)
            audit.record(
                REPORT_JOB,
                "plan.pack_failed",
                f"Committee documents could not be prepared: {message}"[:500],
                object_type="baseline",
                object_id=baseline_id,
                plan_id=baseline.plan_id if baseline else None,
            )
    except Exception:  # the database itself is the trouble: the log is all that is left
        db.session.rollback()
        log.exception("Could not record the failure of the committee pack of baseline %s", baseline_id)


def _in_words(error: BaseException) -> str:
    text = str(error).strip() or "no reason was given"
    if isinstance(error, ServiceError):
        return error.message
    return f"{text} ({type(error).__name__})"


# --- reading --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredDocument:
    kind: str
    label: str
    filename: str
    size: int
    size_in_words: str
    sha256: str


@dataclass(frozen=True)
class SeparateAppendix:
    """A separate document of Appendices 3 and 4 (a large plan's): its title and its PDF and Word file."""

    title: str
    first: int
    last: int
    pdf: StoredDocument | None
    docx: StoredDocument | None


@dataclass(frozen=True)
class PackStatus:
    """What the meeting page says about the pack, worked out once so the template only shows it."""

    state: str  # "none" (never asked for), "queued", "running", "done", "failed"
    words: str  # "Preparing the Word document: 2 of 3 ready"
    error: str
    runner_note: str  # "Prepared on this server because the job queue could not be reached."
    documents: dict[str, StoredDocument]
    can_ask_again: bool  # failed, stuck, or never asked for (a baseline presented before packs)

    @property
    def appendices(self) -> list[SeparateAppendix]:
        """The separate documents of Appendices 3 and 4, in the plan's order (none for a plan of 20 work streams)."""
        groups = sorted(
            {(int(m[1]), int(m[2])) for m in (APPENDIX_KIND.fullmatch(kind) for kind in self.documents) if m}
        )
        return [
            SeparateAppendix(
                reports.appendix_title(first, last),
                first,
                last,
                self.documents.get(appendix_kind(first, last, "pdf")),
                self.documents.get(appendix_kind(first, last, "docx")),
            )
            for first, last in groups
        ]

    @property
    def polling(self) -> bool:
        return self.state in ("queued", "running") and not self.can_ask_again


def status(baseline: Baseline, now: datetime | None = None) -> PackStatus:
    job = _job(baseline.id)
    documents = {
        d.kind: StoredDocument(d.kind, _label(d.kind), d.filename, d.size, filesize(d.size), d.sha256)
        for d in db.session.execute(
            select(ReportDocument.kind, ReportDocument.filename, ReportDocument.size, ReportDocument.sha256).where(
                ReportDocument.baseline_id == baseline.id
            )
        )
    }
    note = QUEUE_DOWN if job is not None and job.runner == "fallback" else ""
    if all(p.kind in documents for p in DOCUMENTS):
        return PackStatus("done", "The documents are ready.", "", note, documents, False)
    if job is None:
        return PackStatus(
            "none",
            "The documents of this meeting have not been prepared yet.",
            "",
            "",
            documents,
            True,
        )
    stuck = is_stuck(job, now)
    if job.state == "failed":
        return PackStatus("failed", "The documents could not be prepared.", job.error, note, documents, True)
    if job.state == "queued":
        words = (
            "Waiting for the job worker to start preparing the documents."
            if job.runner == "worker"
            else ("Waiting to start preparing the documents.")
        )
    elif job.state == "running":
        words = f"{job.current or 'Preparing the documents'}: {job.done} of {job.total or len(DOCUMENTS)} ready"
    else:
        words = "The documents are being stored."
    if stuck:
        words += " Nothing has happened for a long time, so the job may have stopped: you can try again."
    return PackStatus(job.state, words, "", note, documents, stuck)


def _label(kind: str) -> str:
    part = part_of(kind)
    return part.label if part is not None else kind


def is_stuck(job: ReportJob, now: datetime | None = None) -> bool:
    return job.state in ("queued", "running") and (now or utcnow()) - job.updated_at > STUCK_AFTER


def document(meeting_id: int, kind: str, *, or_else: str | None = None) -> tuple[ReportDocument, bytes]:
    """A stored document of a presented meeting, its bytes checked against the SHA-256 taken when it was stored;
    `or_else` names the document to send instead when a pack stored before this kind existed lacks it.

    One query finds it (the row joined to its meeting's baseline); the meeting and its baseline are read only
    to say why there is nothing to send."""
    row = stored_row(meeting_id, kind, or_else=or_else)
    return row, checked(row)


def checked(row: ReportDocument) -> bytes:
    """A stored document's bytes, refused (DocumentUnavailable) unless they still match their SHA-256."""
    kind = row.kind
    try:
        data: bytes | None = report_store().load(row.storage_key)
    except (OSError, ValueError):
        data = None
    if data is None or hashlib.sha256(data).hexdigest() != row.sha256:
        log.error(
            "Stored document %s of baseline %s is %s", kind, row.baseline_id, "missing" if data is None else "altered"
        )
        raise DocumentUnavailable(
            f"The stored copy of {_label(row.kind)} "
            + ("cannot be found" if data is None else "no longer matches the checksum taken when it was stored")
            + ", so it is not sent. Tell the service's administrator."
        )
    return data


def stored_row(meeting_id: int, kind: str, *, or_else: str | None = None) -> ReportDocument:
    """The row of a stored document (its SHA-256 is the download's ETag), in one query; NotFound or PackNotReady
    (with the pack's progress in words) when there is none."""
    if part_of(kind) is None:
        raise NotFound("No such document")
    kinds = [kind] if or_else is None else [kind, or_else]
    rows = {
        r.kind: r
        for r in db.session.scalars(
            select(ReportDocument)
            .join(Baseline, Baseline.id == ReportDocument.baseline_id)
            .where(Baseline.meeting_id == meeting_id, ReportDocument.kind.in_(kinds))
        )
    }
    row = rows.get(kind) or (rows.get(or_else) if or_else else None)
    if row is not None:
        return row
    meeting = meetings.get_meeting(meeting_id)
    if meeting.baseline is None:
        raise NotFound(
            "The plan has not been presented to this meeting yet, so its documents do not exist. "
            "The meeting page shows a preview of the report."
        )
    if APPENDIX_KIND.fullmatch(kind) and _stored(meeting.baseline.id):
        raise NoSuchAppendix("This meeting's report has no such separate appendix document.")
    raise PackNotReady(status(meeting.baseline).words)


# --- the job's row --------------------------------------------------------------------------------------


def _job(baseline_id: int) -> ReportJob | None:
    return db.session.scalar(select(ReportJob).where(ReportJob.baseline_id == baseline_id))


def _fresh_job(baseline_id: int) -> ReportJob:
    db.session.expire_all()
    job = _job(baseline_id)
    assert job is not None  # made by schedule, request or rebuild before any of them queue it
    return job


def _stored(baseline_id: int) -> bool:
    kinds = set(db.session.scalars(select(ReportDocument.kind).where(ReportDocument.baseline_id == baseline_id)))
    return all(p.kind in kinds for p in DOCUMENTS)


def _reset(job_id: int) -> None:
    db.session.execute(
        update(ReportJob)
        .where(ReportJob.id == job_id)
        .values(
            state="queued", done=0, current="", error="", runner="", updated_at=utcnow(), version=ReportJob.version + 1
        )
        .execution_options(synchronize_session=False)
    )


def _set(baseline_id: int, guard: Any, **values: Any) -> bool:
    """One guarded UPDATE of the job row, in the caller's transaction: True if it matched."""
    statement = (
        update(ReportJob)
        .where(ReportJob.baseline_id == baseline_id, *([guard] if guard is not None else []))
        .values(**values, updated_at=utcnow(), version=ReportJob.version + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(db.session.execute(statement).rowcount)  # type: ignore[attr-defined]


def _job_words(job: ReportJob) -> dict[str, Any]:
    return {"state": job.state, "error": job.error, "attempts": job.attempts}
