"""Issue 12: the per-account sign-in lock-out holds across two real gunicorn workers sharing Redis.

`gunicorn --workers 2 wsgi:app` on a seeded database. Each pair of wrong passwords is split between the two
workers for certain: the first is held half-sent (its worker waits for the last byte of the form) while the
second goes through, so it can only be served by the other worker. After ten, each worker has seen five:
the eleventh try, with the right password, is refused only because both count in the same Redis. With Redis
unreachable, each worker falls back to its own memory and sign-in keeps working.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import socket
import string
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
import redis
from flask import Flask

from tests.conftest import PASSWORD

REDIS_URL = os.environ.get("TEST_REDIS_THROTTLE_URL", "redis://127.0.0.1:6379/7")  # db 7: these tests only
CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens there
ROOT = Path(__file__).resolve().parents[2]
START_UP_SECONDS = 60
CSRF = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')

# A gunicorn hook, so the test knows when a worker has read a request's headers (and which worker it is).
HOOKS = """
def pre_request(worker, req):
    with open({log!r}, "a") as log:
        log.write(f"{{worker.pid}} {{req.method}} {{req.path}}\\n")
"""


class Server:
    def __init__(self, port: int, hook_log: Path) -> None:
        self.port = port
        self.hook_log = hook_log

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def get(self, path: str) -> tuple[int, str, str]:
        """Status, body and the session cookie set, on a fresh connection."""
        conn = self.connection()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            cookie = (response.getheader("Set-Cookie") or "").split(";", 1)[0]
            return response.status, response.read().decode(), cookie
        finally:
            conn.close()

    def sign_in_request(self, email: str, password: str) -> tuple[bytes, dict[str, str]]:
        """A new session's sign-in form, filled in: the body and headers to POST to /login."""
        status, html, cookie = self.get("/login")
        assert status == 200 and cookie, (status, cookie)
        match = CSRF.search(html)
        assert match, "no CSRF token on /login"
        body = urlencode({"email": email, "password": password, "csrf_token": match.group(1)}).encode()
        headers = {
            "Cookie": cookie,
            "Content-Type": "application/x-www-form-urlencoded",
            "Content-Length": str(len(body)),
        }
        return body, headers

    def sign_in(self, email: str, password: str) -> tuple[int, str, dict[str, str]]:
        body, headers = self.sign_in_request(email, password)
        conn = self.connection()
        try:
            conn.request("POST", "/login", body=body, headers=headers)
            response = conn.getresponse()
            return response.status, response.read().decode(), dict(response.getheaders())
        finally:
            conn.close()

    def sign_ins_seen(self) -> list[str]:
        """The pid of the worker that read each POST /login so far."""
        lines = self.hook_log.read_text().splitlines() if self.hook_log.exists() else []
        return [line.split()[0] for line in lines if line.endswith(" POST /login")]

    def wrong_passwords_on_both_workers(self, email: str, pair: int) -> set[str]:
        """Two wrong passwords, one on each worker; returns the two workers' pids."""
        body, headers = self.sign_in_request(email, f"wrong password {pair}a")
        seen = len(self.sign_ins_seen())
        held = self.connection()
        try:
            held.putrequest("POST", "/login")
            for name, value in headers.items():
                held.putheader(name, value)
            held.endheaders()
            held.send(body[:-1])  # its worker now waits for the last byte
            deadline = time.monotonic() + START_UP_SECONDS
            while len(self.sign_ins_seen()) == seen:
                assert time.monotonic() < deadline, "no worker read the held sign-in"
                time.sleep(0.05)
            status, _, _ = self.sign_in(email, f"wrong password {pair}b")  # so only the other worker is free
            assert status == 200, status
            held.send(body[-1:])
            response = held.getresponse()
            response.read()
            assert response.status == 200, response.status
        finally:
            held.close()
        workers = set(self.sign_ins_seen()[seen:])
        assert len(workers) == 2, f"both wrong passwords of pair {pair} went to one worker: {workers}"
        return workers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def start_gunicorn(make_app: Callable[..., Flask], tmp_path: Path) -> Iterator[Callable[[str], Server]]:
    """start_gunicorn(ratelimit_storage_uri) -> two gunicorn workers on a seeded database, stopped after."""
    database = make_app(demo=True).config["SQLALCHEMY_DATABASE_URI"]
    started: list[subprocess.Popen[bytes]] = []

    def _start(storage_uri: str) -> Server:
        hook_log = tmp_path / "requests.log"
        hooks = tmp_path / "gunicorn_hooks.py"
        hooks.write_text(HOOKS.format(log=str(hook_log)))
        env = {
            **os.environ,
            "DATABASE_URL": database,
            "SECRET_KEY": "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(40)),
            "APP_ENV": "development",
            "DEMO_MODE": "1",
            "RATELIMIT_STORAGE_URI": storage_uri,
            "EVIDENCE_DIR": str(tmp_path / "evidence"),
        }
        for _ in range(5):  # the free port may be taken before gunicorn binds it: try another
            port = free_port()
            output = open(tmp_path / f"gunicorn-{port}.log", "wb")  # noqa: SIM115 - closed with the process
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}"]
                + ["--timeout", "120", "--config", str(hooks), "wsgi:app"],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
            output.close()
            started.append(process)
            server = Server(port, hook_log)
            deadline = time.monotonic() + START_UP_SECONDS
            while process.poll() is None and time.monotonic() < deadline:
                try:
                    if server.get("/healthz")[0] == 200:
                        return server
                except OSError:
                    pass
                time.sleep(0.2)
            stop(process)
        log = "\n".join(p.read_text(errors="replace")[-2000:] for p in tmp_path.glob("gunicorn-*.log"))
        raise AssertionError(f"gunicorn did not start:\n{log}")

    try:
        yield _start
    finally:
        for process in started:
            stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


def forget_unprefixed_counts() -> None:
    """The app's Redis keys carry no prefix: clear its sign-in counts (other tests' keys are prefixed)."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        for pattern in ("LIMITS:LIMITER/account:*", "LIMITS:LIMITER/127.0.0.1/*"):
            for key in client.scan_iter(match=pattern):
                client.delete(key)
    finally:
        client.close()


def test_the_lock_out_holds_across_two_gunicorn_workers_sharing_redis(
    start_gunicorn: Callable[[str], Server],
) -> None:
    forget_unprefixed_counts()
    try:
        server = start_gunicorn(REDIS_URL)
        workers: set[str] = set()
        for pair in range(5):  # ten wrong passwords, five on each worker
            workers |= server.wrong_passwords_on_both_workers("pm@example.org", pair)
        assert len(workers) == 2, workers

        status, html, headers = server.sign_in("pm@example.org", PASSWORD)
        assert status == 429, "ten wrong passwords, five on each worker, lock the account"
        assert "10 wrong passwords for this account in the last 5 minutes" in html
        assert "You can try again after" in html and "(in 5 minutes)" in html
        assert 240 < int(headers["Retry-After"]) <= 301
        assert server.sign_in("sm1@example.org", PASSWORD)[0] == 302, "someone else at the same address"
    finally:
        forget_unprefixed_counts()


def test_with_redis_unreachable_sign_in_still_works_under_gunicorn(start_gunicorn: Callable[[str], Server]) -> None:
    server = start_gunicorn(CLOSED_PORT)
    assert server.sign_in("sm1@example.org", PASSWORD)[0] == 302, "sign-in works without Redis"
    assert server.sign_in("pm@example.org", "a wrong password")[0] == 200
    assert server.sign_in("pm@example.org", PASSWORD)[0] == 302
    assert server.sign_in("smt@example.org", PASSWORD)[0] == 302
