"""`make bench`: how fast the tracker is at 1x and 100x the demo, on PostgreSQL and SQLite. Writes docs/benchmarks.md.

For each database and scale it builds a database of its own (PostgreSQL: `bench_<N>x`, created and dropped
here, never `test`; SQLite: a file in a temporary folder), seeds it with `flask demo seed --scale N`, serves
it with gunicorn (2 sync workers) with BENCH_BARE_ROUTE on, signs in as the project manager and measures:

1. every page, interleaved with the bare route (no login, no database) in rounds: median, p95, the
   median's ratio to the bare route's, SQL queries per request (the X-Query-Count header), size, status;
2. 16 concurrent clients for 20 s on the dashboard, then on a work stream page: throughput, p50, p95,
   p99, errors (requests still running at the end are waited for and counted);
3. operations as subprocesses (`python scripts/bench.py --op NAME`): time, peak memory (ru_maxrss from
   wait4) and SQL queries: the risk refresh, the audit CSV, the Excel export, presenting a baseline and
   importing the exported workbook, and `noop` (the app loaded, nothing done) for the memory floor.

Options (environment, or make variables): BENCH_SCALES="1 100", BENCH_DBS="postgresql sqlite",
BENCH_REQUESTS (rounds per page; default 20 at 1x, 10 above 10x), BENCH_HEAVY_REQUESTS (rounds for the
downloads: default 10 up to 10x, 1 above), BENCH_CLIENTS=16, BENCH_SECONDS=20,
BENCH_POSTGRES (server URL, default postgresql+psycopg://postgres@127.0.0.1:5432), BENCH_OUT
(default docs/benchmarks.md), BENCH_KEEP=1 (keep the databases), BENCH_NAME (a prefix for the databases'
names, so two runs on one server keep apart), BENCH_PAGES (measure only the pages whose label contains one of
these comma-separated words), BENCH_OPS (only these operations, comma-separated: noop, refresh, audit_csv,
export, present, pack, import; "none" for none), BENCH_LOAD=0 (no concurrent clients), BENCH_TRACE=1 (log
every page's time in every round).
Every loop is bounded in count and time, and traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import platform
import re
import secrets
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import create_engine, event, func, select, text

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "demo-password-2015"
PG_SERVER = os.environ.get("BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432").rstrip("/")
REQUEST_TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", "") or 180)  # a page slower than this is "timeout"
SLOW = 60.0  # a download slower than this is not asked for again


def log(message: str) -> None:
    print(f"[bench {datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


# --- databases ------------------------------------------------------------------------------------------


@dataclass
class Target:
    db: str  # "postgresql" or "sqlite"
    scale: int
    folder: Path
    url: str = ""
    results: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"bench_{os.environ.get('BENCH_NAME', '')}{self.scale}x"

    @property
    def label(self) -> str:
        return f"{'PostgreSQL' if self.db == 'postgresql' else 'SQLite'} {self.scale}×"

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DATABASE_URL", "MIGRATION_DATABASE_URL", "TEST_DATABASE_URL"))
        }
        env.update(
            FLASK_APP="wsgi.py",
            APP_ENV="development",
            DEMO_MODE="1",
            DATABASE_URL=self.url,
            EVIDENCE_DIR=str(self.folder / "evidence"),
            RATELIMIT_STORAGE_URI="memory://",
            PYTHONPATH=str(ROOT),
        )
        env.update(extra)
        return env


def _admin_engine() -> Any:
    return create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")


def create_database(target: Target) -> None:
    if target.db == "postgresql":
        assert target.name.startswith("bench_") and target.name != "test"
        engine = _admin_engine()
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{target.name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{target.name}"'))
        engine.dispose()
        target.url = f"{PG_SERVER}/{target.name}"
    else:
        target.url = f"sqlite:///{target.folder / (target.name + '.db')}"


def drop_database(target: Target) -> None:
    if target.db == "postgresql" and not os.environ.get("BENCH_KEEP"):
        engine = _admin_engine()
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{target.name}" WITH (FORCE)'))
        engine.dispose()


def settle(target: Target) -> None:
    """What a database that grew over years has and a freshly loaded one lacks: its tables vacuumed (hint bits and
    the visibility map set) and analysed, and its dirty pages written. Without this the first pass over each
    table rewrites it while the pages are being measured (autovacuum, which would do it, is off on this machine's
    PostgreSQL), which was most of the slowest requests' time."""
    if target.db != "postgresql":
        return
    engine = create_engine(target.url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("VACUUM (ANALYZE)"))
        conn.execute(text("CHECKPOINT"))
    engine.dispose()


def flask(target: Target, *args: str) -> str:
    done = subprocess.run(
        [str(BIN / "flask"), *args], cwd=ROOT, env=target.env(), capture_output=True, text=True, timeout=1800
    )
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout.strip()


def build(target: Target) -> None:
    target.folder.mkdir(parents=True, exist_ok=True)
    create_database(target)
    flask(target, "db", "upgrade")
    log(f"{target.label}: seeding (flask demo seed --scale {target.scale})")
    started = time.perf_counter()
    out = flask(target, "demo", "seed", "--scale", str(target.scale))
    target.results["seed_seconds"] = time.perf_counter() - started
    target.results["seed_output"] = out
    log(f"{target.label}: seeded in {target.results['seed_seconds']:.0f} s: {out}")
    settle(target)
    target.results["ids"] = json.loads(op(target, "ids")["stdout"])


# --- HTTP -----------------------------------------------------------------------------------------------


@dataclass
class Sample:
    status: int
    seconds: float
    size: int
    queries: int | None


class Client:
    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None) -> Any:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            data = response.read()
            seconds = time.perf_counter() - started
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                self.cookies[name] = morsel.value
        return response, data, seconds

    def get(self, path: str, headers: dict[str, str] | None = None) -> Sample:
        response, data, seconds = self.request("GET", path, headers=headers)
        count = response.headers.get("X-Query-Count")
        return Sample(response.status, seconds, len(data), int(count) if count is not None else None)

    def sign_in(self, email: str) -> None:
        _, page, _ = self.request("GET", "/login")
        token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
            rb'name="csrf_token" value="([^"]+)"', page
        )
        assert token, "no CSRF token on the sign-in page"
        body = urlencode({"email": email, "password": PASSWORD, "csrf_token": token.group(1).decode()})
        response, _, _ = self.request("POST", "/login", body=body)
        assert response.status in (302, 303), f"sign-in as {email} answered {response.status}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, target: Target) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--workers",
                "2",
                "--worker-class",
                "sync",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                str(int(REQUEST_TIMEOUT) + 30),  # the client gives up first
                "--log-level",
                "warning",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=target.env(BENCH_BARE_ROUTE="1", SECRET_KEY=secrets.token_hex(32)),
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if Client(self.port).get("/bench/bare").status == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn stopped before it answered")
            time.sleep(0.5)
        self.stop()
        raise RuntimeError("gunicorn did not answer within 90 s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# --- what is measured -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    label: str
    path: str
    heavy: bool = False
    htmx: bool = False


def pages(ids: dict[str, Any]) -> list[Page]:
    meeting, upcoming = ids["presented_meeting"], ids["upcoming_meeting"] or ids["presented_meeting"]
    compare = urlencode({"a": ids["first_baseline"], "b": ids["last_baseline"]})
    return [
        Page("dashboard", "/"),
        Page("work stream", f"/work-streams/{ids['work_stream']}"),
        Page("work stream list", "/work-streams"),
        Page("action list, status filter", "/actions?status=IN_PROGRESS"),
        Page("the same filter's htmx fragment", "/actions?status=IN_PROGRESS", htmx=True),
        Page("action page", f"/actions/{ids['action']}"),
        Page("changes since the last meeting", "/changes"),
        Page("baseline compare", f"/baselines/compare?{compare}"),
        Page("risk register", "/risks"),
        Page("review queue", "/review"),
        Page("notifications", "/notifications"),
        Page("audit trail", "/audit"),
        Page("meeting page (presented)", f"/meetings/{meeting}"),
        Page("meeting page (next)", f"/meetings/{upcoming}"),
        Page("committee landing", "/committee"),
        Page("`GET /api/v1/summary`", "/api/v1/summary"),
        Page("`GET /api/v1/trend`", "/api/v1/trend"),
        # pages too, asked for every round: the preview kept per trail version, the stored documents fixed in size
        Page("report preview (next meeting, live, no charts)", f"/meetings/{upcoming}/preview"),
        Page("report (web page, stored)", f"/meetings/{meeting}/report"),
        Page("report PDF (stored)", f"/meetings/{meeting}/report.pdf"),
        Page("report Word (stored)", f"/meetings/{meeting}/report.docx"),
        Page("audit CSV", "/audit.csv", heavy=True),
        Page("Excel export", f"/plans/{ids['plan']}/export.xlsx", heavy=True),
    ]


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value.isdigit() else default


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def measure_pages(target: Target, server: Server, client: Client) -> None:
    rounds = _env_int("BENCH_REQUESTS", 20 if target.scale <= 10 else 10)
    heavy_rounds = _env_int("BENCH_HEAVY_REQUESTS", min(rounds, 10) if target.scale <= 10 else 1)
    bare = Client(server.port)
    todo = pages(target.results["ids"])
    wanted = [w.strip() for w in os.environ.get("BENCH_PAGES", "").split(",") if w.strip()]
    if wanted:
        todo = [p for p in todo if any(w in p.label for w in wanted)]
    samples: dict[str, list[Sample]] = {p.label: [] for p in todo}
    bare_samples: list[Sample] = []
    if not todo:  # BENCH_PAGES=none: only the load and the operations
        log(f"{target.label}: no pages asked for")
        return
    twin = Client(server.port)  # the same person, so that two requests at once reach both workers
    twin.cookies = client.cookies
    with ThreadPoolExecutor(2) as pool:
        for _ in range(3):  # warm both workers on every page: templates compiled, connections opened, memos kept
            for p in todo:
                if not p.heavy:
                    headers = {"HX-Request": "true"} if p.htmx else None
                    list(pool.map(lambda c, p=p, h=headers: c.get(p.path, h), (client, twin)))
            bare.get("/bench/bare")
    started = time.perf_counter()
    for r in range(rounds):
        for p in todo:
            if p.heavy and (r >= heavy_rounds or any(s.seconds > SLOW for s in samples[p.label])):
                continue
            bare_samples.append(bare.get("/bench/bare"))
            asked = time.perf_counter()
            try:
                sample = client.get(p.path, {"HX-Request": "true"} if p.htmx else None)
            except OSError:  # a timeout: the worker is still busy with it, so let it finish
                sample = Sample(0, time.perf_counter() - asked, 0, None)
                time.sleep(35)
            samples[p.label].append(sample)
            if os.environ.get("BENCH_TRACE") and r:
                log(f"{target.label}: round {r + 1} {p.label}: {sample.seconds * 1000:.0f} ms")
        log(f"{target.label}: pages, round {r + 1}/{rounds} ({time.perf_counter() - started:.0f} s)")
    bare_median = statistics.median(s.seconds for s in bare_samples)
    rows = [
        {
            "page": "bare route",
            "n": len(bare_samples),
            "status": "200",
            "median": bare_median,
            "p95": percentile([s.seconds for s in bare_samples], 95),
            "ratio": 1.0,
            "queries": 0,
            "size": bare_samples[0].size,
        }
    ]
    for p in todo:
        got = samples[p.label]
        times = [s.seconds for s in got]
        counts = [s.queries for s in got if s.queries is not None]
        rows.append(
            {
                "page": p.label,
                "path": p.path + (" (HX-Request)" if p.htmx else ""),
                "n": len(got),
                "status": ", ".join(sorted({str(s.status) if s.status else "timeout" for s in got})),
                "median": statistics.median(times),
                "p95": percentile(times, 95),
                "ratio": statistics.median(times) / bare_median,
                "queries": int(statistics.median(counts)) if counts else None,
                "size": got[-1].size,
            }
        )
    target.results["pages"] = rows


def load(target: Target, server: Server, client: Client, label: str, path: str) -> dict[str, Any]:
    clients, seconds = _env_int("BENCH_CLIENTS", 16), _env_int("BENCH_SECONDS", 20)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def run() -> None:
        mine = Client(server.port)
        mine.cookies = dict(client.cookies)
        while time.perf_counter() < stop_at:
            try:
                sample = mine.get(path)
            except OSError as error:  # includes timeouts
                with lock:
                    errors.append(type(error).__name__)
                continue
            with lock:
                if sample.status == 200:
                    latencies.append(sample.seconds)
                else:
                    errors.append(str(sample.status))

    started = time.perf_counter()
    threads = [threading.Thread(target=run, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + REQUEST_TIMEOUT + 30)
    elapsed = time.perf_counter() - started
    row: dict[str, Any] = {
        "page": label,
        "clients": clients,
        "seconds": elapsed,
        "requests": len(latencies),
        "throughput": len(latencies) / elapsed,
        "errors": len(errors),
        "error_kinds": ", ".join(sorted(set(errors))),
    }
    for p in (50, 95, 99):
        row[f"p{p}"] = percentile(latencies, p) if latencies else None
    log(f"{target.label}: {clients} clients on {label}: {row['throughput']:.1f}/s, {len(errors)} errors")
    return row


def measure_load(target: Target, server: Server, client: Client) -> None:
    ids = target.results["ids"]
    target.results["load"] = [
        load(target, server, client, "dashboard", "/"),
        load(target, server, client, "work stream", f"/work-streams/{ids['work_stream']}"),
    ]


def op(target: Target, name: str, *args: str) -> dict[str, Any]:
    """Run `bench.py --op NAME` as a child: wall time, peak memory (ru_maxrss, KiB on Linux), its JSON."""
    out = target.folder / f"op-{name}.out"
    with out.open("w") as stdout:
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--op", name, *args],
            cwd=ROOT,
            env=target.env(),
            stdout=stdout,
            stderr=subprocess.STDOUT,
        )
        limit = _env_int("BENCH_OP_TIMEOUT", 600)
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - started > limit:  # given up: killed, and its peak memory so far kept
                child.kill()
                _, status, usage = os.wait4(child.pid, 0)
                seconds = time.perf_counter() - started
                return {
                    "seconds": seconds,
                    "peak_mib": usage.ru_maxrss / 1024,
                    "stdout": json.dumps({"result": f"did not finish in {limit} s (BENCH_OP_TIMEOUT)"}),
                }
            time.sleep(0.2)
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
    text = out.read_text()
    if child.returncode != 0:
        raise RuntimeError(f"--op {name} failed:\n{text}")
    return {"seconds": seconds, "peak_mib": usage.ru_maxrss / 1024, "stdout": text.strip().splitlines()[-1]}


def measure_ops(target: Target) -> None:
    rows = []
    workbook = target.folder / "export.xlsx"
    for label, name, args in (
        ("the app loaded, nothing done", "noop", ()),
        ("`flask risks refresh`", "refresh", ()),
        ("audit CSV, every event", "audit_csv", (str(target.folder / "audit.csv"),)),
        ("Excel export", "export", (str(workbook),)),
        ("presenting a baseline (the pack left to the next row)", "present", ()),
        ("rendering its committee pack (the job: charts, HTML, PDF, Word, stored)", "pack", ()),
        ("Excel import (the exported workbook, as a new plan)", "import", (str(workbook),)),
    ):
        chosen = os.environ.get("BENCH_OPS", "").replace(" ", "")
        if chosen and name not in chosen.split(","):
            continue
        log(f"{target.label}: {label}")
        result = op(target, name, *args)
        detail = json.loads(result["stdout"])
        rows.append({"operation": label, **detail, "seconds": result["seconds"], "peak_mib": result["peak_mib"]})
        log(f"{target.label}: {label}: {result['seconds']:.1f} s, {result['peak_mib']:.0f} MiB, {detail}")
    target.results["ops"] = rows


# --- operations, run in a child process -------------------------------------------------------------------


def run_op(name: str, args: list[str]) -> None:
    # the app is imported only in the child: the parent measures it from outside
    from app import create_app  # noqa: PLC0415
    from app.extensions import db  # noqa: PLC0415
    from app.models import Action, Baseline, CommitteeMeeting, Plan, WorkStream  # noqa: PLC0415
    from app.policy import SYSTEM  # noqa: PLC0415
    from app.services import audit, excel_io, meetings, report_pack, risks  # noqa: PLC0415

    app = create_app()
    queries = [0]

    def count(*_: Any) -> None:
        queries[0] += 1

    with app.app_context():
        plan = db.session.scalars(select(Plan).where(Plan.is_current.is_(True))).one()
        if name == "ids":
            ws = db.session.scalars(
                select(WorkStream).where(WorkStream.plan_id == plan.id).order_by(WorkStream.number)
            ).first()
            assert ws is not None
            action = db.session.scalars(
                select(Action).where(Action.work_stream_id == ws.id).order_by(Action.position)
            ).first()
            assert action is not None
            baselines = meetings.baselines(plan.id)
            upcoming = db.session.scalars(
                select(CommitteeMeeting.id)
                .outerjoin(Baseline, Baseline.meeting_id == CommitteeMeeting.id)
                .where(CommitteeMeeting.plan_id == plan.id, Baseline.id.is_(None))
                .order_by(CommitteeMeeting.meeting_date.desc())
            ).first()
            print(
                json.dumps(
                    {
                        "plan": plan.id,
                        "work_stream": ws.id,
                        "action": action.id,
                        "first_baseline": baselines[0].id,
                        "last_baseline": baselines[-1].id,
                        # the latest meeting whose pack is stored (the demo's July one: the scaled baselines
                        # are presented without their packs, which the "pack" operation measures on its own)
                        "presented_meeting": next(
                            (b.meeting_id for b in reversed(baselines) if b.documents), baselines[-1].meeting_id
                        ),
                        "upcoming_meeting": upcoming,
                    }
                )
            )
            return
        event.listen(db.engine, "before_cursor_execute", count)
        detail: dict[str, Any] = {}
        began = time.perf_counter()
        if name == "refresh":
            result = risks.refresh(plan.id)
            detail = {"result": f"{result.opened} opened, {result.closed} closed, {result.unchanged} unchanged"}
        elif name == "audit_csv":
            size = 0
            with open(args[0], "w", encoding="utf-8") as out:
                for line in audit.csv_text(audit.AuditFilter()):
                    size += out.write(line)
            detail = {"result": f"{size / 1e6:.1f} MB"}
        elif name == "export":
            data = excel_io.export_plan(plan.id)
            Path(args[0]).write_bytes(data)
            detail = {"result": f"{len(data) / 1e6:.1f} MB"}
        elif name == "present":
            upcoming = db.session.scalars(
                select(CommitteeMeeting.id)
                .outerjoin(Baseline, Baseline.meeting_id == CommitteeMeeting.id)
                .where(CommitteeMeeting.plan_id == plan.id, Baseline.id.is_(None))
            ).first()
            if upcoming is None:
                upcoming = meetings.create_meeting(
                    SYSTEM, plan.id, meetings.DEFAULT_COMMITTEE, plan.start_date, "Bench Officer"
                ).id
                queries[0] = 0
            report_pack.schedule = lambda baseline_id: None  # the pack is measured on its own, as the job does it
            meetings.present(SYSTEM, upcoming)
            detail = {"result": f"{db.session.scalar(select(func.count(Baseline.id)))} baselines"}
        elif name == "pack":
            latest = meetings.baselines(plan.id)[-1]
            job = report_pack.rebuild(latest.id)
            db.session.expire_all()
            documents = [d for d in latest.documents if not d.kind.startswith("chart")]
            sizes = ", ".join(f"{d.kind} {d.size / 1e6:.2f} MB" for d in documents)
            detail = {"result": f"{job.state}: {sizes}" if job.state == "done" else f"{job.state}: {job.error}"}
        elif name == "import":
            preview = excel_io.preview_import(Path(args[0]).read_bytes())
            if not preview.ok:
                detail = {"result": f"refused: {len(preview.problems)} problems, first: {preview.problems[0]}"}
            else:
                new = excel_io.apply_import(SYSTEM, preview, title_override="Benchmark import")
                detail = {"result": f"plan {new.id}, {preview.counts}"}
        elif name != "noop":
            raise SystemExit(f"no such operation: {name}")
        detail["queries"] = queries[0]
        detail["op_seconds"] = time.perf_counter() - began
    print(json.dumps(detail))


# --- the report -----------------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True)
    info = {
        "date": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "commit": commit.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout.strip() else ""),
        "cpus": str(os.cpu_count()),
        "cpu": cpu,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "postgresql": "not measured",
    }
    try:
        engine = _admin_engine()
        with engine.connect() as conn:
            info["postgresql"] = str(conn.execute(text("SHOW server_version")).scalar())
        engine.dispose()
    except Exception:  # noqa: BLE001 - PostgreSQL unreachable: the report says so
        pass
    return info


def _ms(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB" if n >= 1e3 else f"{n} B"


def report(targets: list[Target], info: dict[str, str], load_before: str) -> str:
    out = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`scripts/bench.py`); run it again and commit this file whenever a change moves a "
        "figure. What is measured, and how the data is made, is at the end.",
        "",
        f"- **When:** {info['date']}, commit `{info['commit']}`",
        f"- **Machine:** {info['cpus']} CPUs ({info['cpu']}), Python {info['python']}, PostgreSQL "
        f"{info['postgresql']}, SQLite {info['sqlite']}; gunicorn with 2 sync workers",
        f"- **Load average** before the run {load_before}, after it {info['load']}: "
        + (
            "measured while other work ran on the machine, so the figures are noisy."
            if max(float(x) for x in (load_before.split() + info["load"].split())) > 0.5
            else "nothing else of note ran."
        ),
        "",
    ]
    done = [t for t in targets if t.results.get("pages")]
    by_db: dict[str, list[Target]] = {}
    for t in done:
        by_db.setdefault(t.db, []).append(t)
    for db_name, group in by_db.items():
        group.sort(key=lambda t: t.scale)
        if len(group) > 1:
            small, big = group[0], group[-1]
            out += [
                f"## {'PostgreSQL' if db_name == 'postgresql' else 'SQLite'}: {small.scale}× against {big.scale}×",
                "",
                f"| page | {small.scale}× (× bare) | {big.scale}× median (× bare) | {big.scale}× p95 | queries "
                f"{small.scale}× / {big.scale}× | {big.scale}× size |",
                "| --- | --- | --- | --- | --- | --- |",
            ]
            big_rows = {r["page"]: r for r in big.results["pages"]}
            for r in small.results["pages"][1:]:
                b = big_rows.get(r["page"])
                if b is None:
                    continue
                out.append(
                    f"| {r['page']} | {r['ratio']:.1f}× | {_ms(b['median'])} ({b['ratio']:.0f}×) | {_ms(b['p95'])} "
                    f"| {r['queries'] if r['queries'] is not None else '—'} / "
                    f"{b['queries'] if b['queries'] is not None else '—'} | {_size(b['size'])} |"
                )
            out.append("")
    for t in done:
        ids = t.results["ids"]
        out += [
            f"## {t.label}",
            "",
            f"Seeded in {t.results['seed_seconds']:.0f} s: {t.results['seed_output']}",
            "",
            f"Plan {ids['plan']}; pages signed in as the project manager, interleaved with the bare route.",
            "",
            "| page | path | requests | status | median | p95 | × bare | queries | size |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for r in t.results.get("pages", []):
            out.append(
                f"| {r['page']} | `{r.get('path', '/bench/bare')}` | {r['n']} | {r['status']} | {_ms(r['median'])} | "
                f"{_ms(r['p95'])} | {r['ratio']:.1f}× | {r['queries'] if r['queries'] is not None else '—'} | "
                f"{_size(r['size'])} |"
            )
        out += [
            "",
            "| clients | page | requests answered | seconds | requests a second | p50 | p95 | p99 | errors |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for r in t.results.get("load", []):
            errors = f"{r['errors']}" + (f" ({r['error_kinds']})" if r["errors"] else "")
            out.append(
                f"| {r['clients']} | {r['page']} | {r['requests']} | {r['seconds']:.0f} | {r['throughput']:.1f} | "
                f"{_ms(r['p50'])} | {_ms(r['p95'])} | {_ms(r['p99'])} | {errors} |"
            )
        out += [
            "",
            "| operation | time | process, app start included | peak memory | queries | result |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for r in t.results.get("ops", []):
            out.append(
                f"| {r['operation']} | {_ms(r.get('op_seconds'))} | {_ms(r['seconds'])} | {r['peak_mib']:.0f} MiB | "
                f"{r.get('queries', '—')} | {r.get('result', '')} |"
            )
        out.append("")
    out += [
        "## How it is measured",
        "",
        "- **Data:** `flask demo seed --scale N` (`app/services/demo_scale.py`): the demo with its history, its 7 "
        "work streams repeated N times in the one current plan (7N work streams, 52N actions, 114N measures), "
        "each copy with a made-up history of about 100 proposals (80 approved with about 120 pieces of evidence, "
        "8 rejected, 6 withdrawn, 4 waiting, 2 challenged), 60 sign-ins and risk entries (about 500 audit events "
        "per copy), bulk-inserted and chained into the audit trail as `audit.record` chains (`flask audit verify` "
        "passes), and N // 25 + 2 presented baselines: real `meetings.present` calls between slices of the "
        "history, so the last slice is the changes since the last meeting. On PostgreSQL the database is then "
        "vacuumed, analysed and checkpointed (`settle`), as autovacuum would have done long before a plan grew "
        "so big.",
        "- **Pages:** one gunicorn server (2 sync workers, `BENCH_BARE_ROUTE=1`) per database; one client signed "
        "in as the project manager requests each page in turn, each time after the bare route (`/bench/bare`: "
        "no login, no database), for BENCH_REQUESTS rounds (the downloads for BENCH_HEAVY_REQUESTS), after three "
        "warm-up passes over the pages, each page asked for twice at once so that both workers answer it, so "
        "each worker has kept its figures (the steady state; a worker's first request for a plan version works "
        "the figures out). Times are "
        "the client's, connection included (a sync worker closes the connection after each response). "
        "× bare is the page's median over the bare route's median. Queries: the `X-Query-Count` header "
        "(SQL statements the request ran, session and sign-in checks included). p95 of a handful of requests "
        "is near their maximum. A download that took over a minute is not asked for again; a request over "
        "BENCH_TIMEOUT (180 s) is given up and shown as a timeout.",
        "- **Concurrency:** BENCH_CLIENTS threads, each with its own connection per request, for BENCH_SECONDS; "
        "requests still running at the end are waited for and counted, so the time can exceed BENCH_SECONDS.",
        "- **Operations:** each a child process (`scripts/bench.py --op NAME`) with the app loaded; time is the "
        "operation's own time, measured in the child; the process time includes starting the app (compare the "
        "first row); peak memory is the child's ru_maxrss, the app's own included, "
        "queries those the operation ran. Presenting adds a baseline; the import adds a plan (not current), "
        "so both run last.",
        "",
    ]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--op")
    parser.add_argument("args", nargs="*")
    options = parser.parse_args()
    if options.op:
        run_op(options.op, options.args)
        return
    scales = [int(s) for s in os.environ.get("BENCH_SCALES", "1 100").split()]
    dbs = os.environ.get("BENCH_DBS", "postgresql sqlite").split()
    out_path = Path(os.environ.get("BENCH_OUT", str(ROOT / "docs" / "benchmarks.md")))
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    workdir = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    targets = [Target(db, scale, workdir / f"{db}-{scale}x") for db in dbs for scale in scales]
    started = time.perf_counter()
    try:
        for target in targets:
            log(f"{target.label}: building")
            build(target)
            server = Server(target)
            try:
                client = Client(server.port)
                client.sign_in("pm@example.org")
                measure_pages(target, server, client)
                if os.environ.get("BENCH_LOAD", "1") != "0":
                    measure_load(target, server, client)
            finally:
                server.stop()
            measure_ops(target)
            drop_database(target)
            out_path.write_text(report(targets, machine(), load_before))  # after each target: a partial run counts
            log(f"{target.label}: done ({time.perf_counter() - started:.0f} s so far); wrote {out_path}")
    finally:
        if not os.environ.get("BENCH_KEEP"):
            shutil.rmtree(workdir, ignore_errors=True)
            for target in targets:
                try:
                    drop_database(target)
                except Exception:  # noqa: BLE001 - best effort on the way out
                    pass
    log(f"finished in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
