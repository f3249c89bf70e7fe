"""deploy/gunicorn.conf.py: a real gunicorn started with it serves the app and logs each request as one JSON line."""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import runpy
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "deploy" / "gunicorn.conf.py"
PORTS = range(8100, 8190)  # this test file's range
START_UP_SECONDS = 60


def settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    for name in ("GUNICORN_WORKERS", "WEB_CONCURRENCY", "GUNICORN_BIND", "FORWARDED_ALLOW_IPS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONF))


def test_workers_follow_the_cores_unless_told(monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings(monkeypatch)["workers"] == 2 * multiprocessing.cpu_count() + 1
    assert settings(monkeypatch, WEB_CONCURRENCY="3")["workers"] == 3
    assert settings(monkeypatch, GUNICORN_WORKERS="4", WEB_CONCURRENCY="3")["workers"] == 4
    with pytest.raises(ValueError, match="WEB_CONCURRENCY must be a whole number of workers"):
        settings(monkeypatch, WEB_CONCURRENCY="lots")


def test_defaults_suit_requests_that_never_render_reports(monkeypatch: pytest.MonkeyPatch) -> None:
    found = settings(monkeypatch)
    assert found["bind"] == ["0.0.0.0:8000"]
    assert (found["timeout"], found["graceful_timeout"], found["keepalive"]) == (60, 30, 5)
    assert found["accesslog"] == "-" and found["errorlog"] == "-"
    assert found["worker_tmp_dir"] == "/dev/shm"
    assert found["forwarded_allow_ips"] == "127.0.0.1"
    assert settings(monkeypatch, FORWARDED_ALLOW_IPS="10.0.0.5")["forwarded_allow_ips"] == "10.0.0.5"
    assert settings(monkeypatch, GUNICORN_BIND="127.0.0.1:8001")["bind"] == ["127.0.0.1:8001"]


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise AssertionError(f"no free port in {PORTS}")


class Gunicorn:
    def __init__(self, process: subprocess.Popen[bytes], port: int, stdout: Path, stderr: Path) -> None:
        self.process, self.port, self.stdout, self.stderr = process, port, stdout, stderr

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", path, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def access_log(self) -> list[dict[str, Any]]:
        """gunicorn's access-log lines: stdout holds the app's own JSON log lines too (app/logs.py)."""
        lines = [json.loads(line) for line in self.stdout.read_text().splitlines()]  # every line is one JSON object
        return [line for line in lines if "remote_addr" in line]


@pytest.fixture
def gunicorn(make_app: Callable[..., Flask], tmp_path: Path) -> Iterator[Gunicorn]:
    """`gunicorn -c deploy/gunicorn.conf.py wsgi:app`, two workers, on a migrated database of its own."""
    database = make_app().config["SQLALCHEMY_DATABASE_URI"]
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "SECRET_KEY": secrets.token_hex(32),
        "APP_ENV": "development",
        "EVIDENCE_DIR": str(tmp_path / "evidence"),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "LOG_FORMAT": "json",  # as in production: the app's lines and gunicorn's, each one JSON object
    }
    stdout, stderr = tmp_path / "stdout.log", tmp_path / "stderr.log"
    with open(stdout, "wb") as out, open(stderr, "wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=err,
        )
    server = Gunicorn(process, port, stdout, stderr)
    try:
        deadline = time.monotonic() + START_UP_SECONDS
        while True:
            assert process.poll() is None, f"gunicorn stopped:\n{stderr.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"gunicorn did not answer:\n{stderr.read_text()[-3000:]}"
            try:
                if server.get("/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


def test_each_request_is_one_json_line_on_stdout_with_its_request_id(gunicorn: Gunicorn) -> None:
    request_id = 'support-call-42 "quoted" back\\slash'
    status, body = gunicorn.get('/readyz?from="monitor"', headers={"X-Request-ID": request_id})
    assert status == 200, body
    assert json.loads(body)["status"] == "ready"

    deadline = time.monotonic() + START_UP_SECONDS  # gunicorn writes the line once the response has gone
    while not [line for line in gunicorn.access_log() if line["request_id"] == request_id]:
        assert time.monotonic() < deadline, gunicorn.stdout.read_text()
        time.sleep(0.1)
    (line,) = [line for line in gunicorn.access_log() if line["request_id"] == request_id]
    assert line["event"] == "request"
    assert (line["method"], line["path"], line["query"], line["status"]) == ("GET", "/readyz", 'from="monitor"', 200)
    assert isinstance(line["duration_ms"], int) and line["remote_addr"] == "127.0.0.1"
    assert line["time"].endswith("Z")


def test_gunicorn_reports_to_stderr_with_the_workers_asked_for(gunicorn: Gunicorn) -> None:
    assert gunicorn.get("/healthz")[0] == 200
    messages = gunicorn.stderr.read_text()
    assert f"Listening at: http://127.0.0.1:{gunicorn.port}" in messages
    assert messages.count("Booting worker with pid") == 2, messages  # WEB_CONCURRENCY=2
    assert all(line["event"] == "request" for line in gunicorn.access_log())
