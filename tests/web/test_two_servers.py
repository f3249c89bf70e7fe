"""Issue 15: two app servers behind nginx are one system: one database, one Redis, one evidence store.

Two gunicorn instances on different ports, Debian's nginx in front of them (round robin, the proxy settings
of `deploy/nginx/tracker-proxy.conf`, which tells in `X-Upstream` which instance answered). Through the
proxy: a service manager proposes a change with evidence on one instance, the project manager approves it
on the other, the evidence downloads through either, wrong passwords spread over both lock the account (the
limit is counted in the shared Redis), and the audit chain verifies afterwards.

Runs on SQLite (one file both servers open) and on PostgreSQL, as the suite's database is chosen. nginx is
required: missing, the test fails under CI (`.ci/run` installs it) and is skipped only on a developer's
machine without it.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import string
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import redis
from flask import Flask

from tests.conftest import PASSWORD
from tests.web.test_sign_in_lockout_gunicorn import free_port, stop

REDIS_URL = os.environ.get("TEST_REDIS_TWO_SERVERS_URL", "redis://127.0.0.1:6379/14")  # db 14: this test only
ROOT = Path(__file__).resolve().parents[2]
PROXY_SNIPPET = ROOT / "deploy" / "nginx" / "tracker-proxy.conf"
START_UP_SECONDS = 60
CSRF = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
WHY = "All twelve team manager posts are filled by permanent managers."

NGINX_CONF = """
{user}
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log {tmp}/nginx-access.log;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    upstream tracker {{
        server 127.0.0.1:{first};
        server 127.0.0.1:{second};
        keepalive 4;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            include {snippet};
        }}
    }}
}}
"""


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("nginx is missing: .ci/run installs Debian's nginx for this test", pytrace=False)
        pytest.skip("nginx is not installed (apt-get install -y nginx)")
    return found


def gunicorn_command() -> list[str]:
    """One app server, as deploy/systemd/tracker-web.service runs it (GUNICORN_BIND says where)."""
    return [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "deploy" / "gunicorn.conf.py"), "wsgi:app"]


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")

    @property
    def upstream(self) -> str:
        return self.headers.get("x-upstream", "")


@dataclass
class Browser:
    """One person's browser against the proxy: keeps its cookies, sends forms as a browser does."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Response:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            sent = dict(headers or {})
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            conn.request(method, path, body=body or None, headers=sent)
            response = conn.getresponse()
            data = response.read()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    cookie_name, _, rest = value.partition("=")
                    self.cookies[cookie_name] = rest.split(";", 1)[0]
            return Response(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
        finally:
            conn.close()

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def csrf(self, path: str) -> str:
        page = self.get(path)
        match = CSRF.search(page.text)
        assert match, f"no CSRF token on {path} ({page.status})"
        return match.group(1)

    def post_form(self, path: str, fields: dict[str, str]) -> Response:
        body = urlencode(fields).encode()
        return self.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def post_multipart(self, path: str, fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> Response:
        boundary = uuid.uuid4().hex
        parts: list[bytes] = []
        for name, value in fields.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, (filename, data) in files.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n".encode()
                + data
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request("POST", path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})

    def sign_in(self, email: str, password: str = PASSWORD) -> Response:
        token = self.csrf("/login")
        return self.post_form("/login", {"email": email, "password": password, "csrf_token": token})

    def next_on(self, upstream: str) -> None:
        """Make the proxy's next request go to `upstream`: round robin over two, nothing else asking."""
        if self.get("/healthz").upstream == upstream:
            self.get("/healthz")


@dataclass
class System:
    proxy_port: int
    upstreams: tuple[str, str]
    env: dict[str, str]

    def browser(self) -> Browser:
        return Browser(self.proxy_port)


def forget_limits() -> None:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        for key in client.scan_iter(match="LIMITS:*"):
            client.delete(key)
    finally:
        client.close()


def wait_until_answering(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_UP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"it stopped:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
        finally:
            conn.close()
    raise AssertionError(f"nothing answered on {port}:\n{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture
def system(make_app: Callable[..., Flask], tmp_path: Path) -> Iterator[System]:
    nginx = nginx_binary()
    app = make_app(demo=True)
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(40)),
        "APP_ENV": "development",
        "DEMO_MODE": "1",
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "EVIDENCE_DIR": app.config["EVIDENCE_DIR"],  # one folder both servers use: the shared store
        "TRUSTED_PROXIES": "1",
    }
    started: list[subprocess.Popen[bytes]] = []
    forget_limits()
    try:
        ports = []
        for number in (1, 2):
            port = free_port()
            log = tmp_path / f"gunicorn-{number}.log"
            with open(log, "wb") as output:
                server_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1"}
                started.append(
                    subprocess.Popen(
                        gunicorn_command(), cwd=ROOT, env=server_env, stdout=output, stderr=subprocess.STDOUT
                    )
                )
            wait_until_answering(port, started[-1], log)
            ports.append(port)

        proxy_port = free_port()
        folder = tmp_path / "nginx"
        folder.mkdir()
        conf = folder / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(
                user="user root;" if os.geteuid() == 0 else "",
                tmp=folder,
                first=ports[0],
                second=ports[1],
                port=proxy_port,
                snippet=PROXY_SNIPPET,
            )
        )
        log = folder / "nginx-error.log"
        started.append(subprocess.Popen([nginx, "-p", str(folder), "-c", str(conf)], stderr=subprocess.STDOUT))
        wait_until_answering(proxy_port, started[-1], log)
        yield System(proxy_port, (f"127.0.0.1:{ports[0]}", f"127.0.0.1:{ports[1]}"), env)
    finally:
        for process in reversed(started):
            stop(process)
        forget_limits()


def proposal_version(html: str, form_id: str) -> str:
    html = html[html.index(f'id="{form_id}"') :]
    match = re.search(r'name="proposal_version" type="hidden" value="(\d+)"', html)
    assert match
    return match.group(1)


def test_two_servers_behind_nginx_share_the_database_the_evidence_and_the_sign_in_limit(
    system: System, databases: Any
) -> None:
    first, second = system.upstreams
    action_id = databases.demo_ids["actions"]["3.3"]

    # The proxy spreads requests over both servers.
    anyone = system.browser()
    assert {anyone.get("/healthz").upstream for _ in range(4)} == {first, second}

    # A service manager signs in on one server and proposes, with evidence, on the first.
    manager = system.browser()
    assert manager.sign_in("sm2@example.org").status == 302
    form = manager.get(f"/actions/{action_id}/propose")
    assert form.status == 200, form.status
    target_version = re.search(r'name="target_version" type="hidden" value="(\d+)"', form.text)
    assert target_version
    token = manager.csrf("/glossary")
    manager.next_on(first)
    proposed = manager.post_multipart(
        f"/actions/{action_id}/propose",
        {
            "csrf_token": token,
            "target_version": target_version.group(1),
            "status": "COMPLETED",
            "status_reason": WHY,
            "progress": "Every team manager post is filled.",
            "evidence_note": "Tracker signed off by the Assistant Director",
            "submit_proposal": "1",
        },
        {"evidence_file": ("recruitment-tracker.pdf", PDF)},
    )
    assert proposed.status == 303, proposed.text[:2000]
    assert proposed.upstream == first, "the proposal was made on the first server"
    proposal_path = proposed.headers["location"].split("://", 1)[-1]
    proposal_path = proposal_path[proposal_path.index("/") :] if not proposal_path.startswith("/") else proposal_path

    # The project manager approves it on the second.
    reviewer = system.browser()
    assert reviewer.sign_in("pm@example.org").status == 302
    page = reviewer.get(proposal_path)
    assert page.status == 200 and "recruitment-tracker.pdf" in page.text
    fields = {
        "csrf_token": reviewer.csrf("/glossary"),
        "proposal_version": proposal_version(page.text, "approve"),
        "note": "The recruitment tracker shows every post filled.",
    }
    reviewer.next_on(second)
    approved = reviewer.post_form(f"{proposal_path}/approve", fields)
    assert approved.status == 303, approved.text[:2000]
    assert approved.upstream == second, "the approval was made on the second server"

    # Both servers see the approved plan and serve the evidence file saved by the first.
    evidence = re.search(r'href="(/evidence/\d+)"', reviewer.get(proposal_path).text)
    assert evidence, "the proposal page links its evidence"
    for upstream in (first, second):
        reviewer.next_on(upstream)
        download = reviewer.get(evidence.group(1))
        assert (download.status, download.upstream) == (200, upstream)
        assert download.body == PDF, f"the evidence from {upstream} is the file uploaded"
        reviewer.next_on(upstream)
        history = reviewer.get(f"/actions/{action_id}")
        assert history.upstream == upstream
        assert "Status changed from IN PROGRESS to COMPLETED" in history.text

    # Ten wrong passwords, spread over both servers, lock the account on both: one count, in Redis.
    stranger = system.browser()
    seen: list[str] = []
    for attempt in range(10):
        token = stranger.csrf("/login")
        stranger.next_on((first, second)[attempt % 2])
        refused = stranger.post_form(
            "/login", {"email": "smt@example.org", "password": f"wrong {attempt}", "csrf_token": token}
        )
        assert refused.status == 200, refused.status
        seen.append(refused.upstream)
    assert seen == [first, second] * 5, "five wrong passwords on each server"
    for upstream in (first, second):
        token = stranger.csrf("/login")
        stranger.next_on(upstream)
        locked = stranger.post_form("/login", {"email": "smt@example.org", "password": PASSWORD, "csrf_token": token})
        assert (locked.status, locked.upstream) == (429, upstream), "the right password is refused on either"
        assert "10 wrong passwords for this account in the last 5 minutes" in locked.text

    # The record of it all is one unbroken chain.
    verified = subprocess.run(
        [sys.executable, "-m", "flask", "audit", "verify"],
        cwd=ROOT,
        env={**system.env, "FLASK_APP": "wsgi.py"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
