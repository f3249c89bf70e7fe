"""deploy/Containerfile, deploy/entrypoint.sh and deploy/compose.yaml.

Neither Docker nor Podman runs on the machines the suite runs on, so the image is never built here. What can be
checked without it is: the image definition (base, user, what it copies, its entrypoint), the compose file (it
parses, its app services are read-only with a tmpfs /tmp and a health check on /readyz, their roles exist, its
settings pass the app's production checks), and the entrypoint itself, run for real outside a container.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.config import load_settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
ENTRYPOINT = DEPLOY / "entrypoint.sh"
APP_SERVICES = ("migrate", "web", "worker")
PORTS = range(8190, 8198)  # this file's part of the range (test_gunicorn_conf.py has 8100-8189)


def instructions() -> list[tuple[str, str]]:
    """The Containerfile's instructions, continuation lines joined: (INSTRUCTION, arguments)."""
    text = re.sub(r"\\\n\s*", " ", (DEPLOY / "Containerfile").read_text())
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def final_stage() -> list[tuple[str, str]]:
    steps = instructions()
    last_from = max(i for i, (word, _) in enumerate(steps) if word == "FROM")
    return steps[last_from:]


def entrypoint_roles() -> set[str]:
    """The roles deploy/entrypoint.sh's `case` handles."""
    body = ENTRYPOINT.read_text().split('case "$role" in', 1)[1].split("esac", 1)[0]
    return set(re.findall(r"^\s+([a-z]+)\)", body, flags=re.MULTILINE))


def compose() -> dict[str, Any]:
    found: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    return found


def test_the_image_is_python_3_11_slim_and_runs_as_an_unprivileged_user() -> None:
    bases = [rest.split()[0] for word, rest in instructions() if word == "FROM"]
    assert bases and all(base.startswith("python:3.11-slim") for base in bases), bases
    users = [rest for word, rest in final_stage() if word == "USER"]
    assert users, "the final stage must name its USER, or it runs as root"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0"), users
    assert any(word == "RUN" and f"--uid {user}" in rest for word, rest in final_stage()), "that user is created"


def test_everything_the_image_copies_exists() -> None:
    for word, rest in instructions():
        if word == "COPY" and "--from=" not in rest:
            *sources, _destination = rest.split()
            for source in sources:
                assert (ROOT / source).exists(), f"COPY {source}: not in the repository"


def test_the_image_is_ready_for_a_read_only_root_file_system() -> None:
    env = " ".join(rest for word, rest in final_stage() if word == "ENV")
    assert "PYTHONDONTWRITEBYTECODE=1" in env and "MPLCONFIGDIR=/tmp/" in env
    assert any(word == "RUN" and "compileall" in rest for word, rest in final_stage()), "bytecode made at build"
    volumes = [rest for word, rest in final_stage() if word == "VOLUME"]
    assert volumes == ['["/srv/tracker/instance"]'], volumes
    workdir = [rest for word, rest in final_stage() if word == "WORKDIR"]
    assert workdir == ["/srv/tracker"]


def test_the_entrypoint_is_the_script_with_the_readme_roles() -> None:
    steps = dict(final_stage())
    assert steps["ENTRYPOINT"] == '["/srv/tracker/deploy/entrypoint.sh"]'
    assert steps["CMD"] == '["web"]'
    assert os.access(ENTRYPOINT, os.X_OK), "entrypoint.sh must be executable"
    assert {"web", "worker", "migrate", "flask"} <= entrypoint_roles()
    script = ENTRYPOINT.read_text()
    assert "web) exec gunicorn -c deploy/gunicorn.conf.py wsgi:app" in script
    assert "worker) exec flask worker" in script
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Running it for real", 1)[1].split("\n## ", 1)[0]
    for role in ("web", "worker", "migrate"):
        assert f"`{role}`" in section, f"the README's production section does not name the role {role}"


def test_compose_starts_the_app_read_only_beside_postgresql_and_redis() -> None:
    services = compose()["services"]
    assert {"db", "redis", *APP_SERVICES} <= set(services)
    assert services["db"]["image"].startswith("postgres:") and services["redis"]["image"].startswith("redis:")
    for name in APP_SERVICES:
        service = services[name]
        assert service["read_only"] is True, name
        assert "/tmp" in service["tmpfs"], name
        assert "tracker-data:/srv/tracker/instance" in service["volumes"], name
        (role,) = service["command"]
        assert role in entrypoint_roles(), (name, role)
        build = service["build"]
        assert (DEPLOY / build["context"] / build["dockerfile"]).resolve() == DEPLOY / "Containerfile"
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    check = " ".join(services["web"]["healthcheck"]["test"])
    assert "http://127.0.0.1:8000/readyz" in check


def test_the_compose_settings_pass_the_production_checks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    environment = compose()["services"]["web"]["environment"]
    assert environment["APP_ENV"] == "production"
    for name, value in environment.items():
        value = re.sub(r"\$\{(\w+):-([^}]*)\}", r"\2", str(value))  # a default: as compose would use it
        if "${" in value:  # required from the person starting it: SECRET_KEY
            value = secrets.token_hex(32)
        monkeypatch.setenv(name, value)
    settings = load_settings(str(tmp_path))  # raises ConfigError on anything production refuses
    assert settings.database_url.startswith("postgresql+psycopg://tracker:tracker@db:5432/")
    assert settings.jobs_mode == "rq" and settings.ratelimit_storage_uri.startswith("redis://redis:6379/")


def run_entrypoint(*args: str, env: dict[str, str], timeout: int = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ENTRYPOINT), *args], env=env, capture_output=True, text=True, timeout=timeout, check=False, cwd="/"
    )


@pytest.fixture
def entrypoint_env(tmp_path: Path) -> dict[str, str]:
    """The environment the image sets, with this checkout's virtualenv as /opt/venv and an empty SQLite file."""
    return {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "APP_ENV": "development",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'tracker.db'}",
        "EVIDENCE_DIR": str(tmp_path / "evidence"),
        "SECRET_KEY": secrets.token_hex(32),
    }


def test_the_entrypoint_refuses_an_unknown_role(entrypoint_env: dict[str, str]) -> None:
    done = run_entrypoint("webserver", env=entrypoint_env)
    assert done.returncode == 64
    assert "Unknown role 'webserver': choose web, worker, migrate, or flask" in done.stderr


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise AssertionError(f"no free port in {PORTS}")


def test_the_entrypoint_migrates_then_serves(entrypoint_env: dict[str, str], tmp_path: Path) -> None:
    migrated = run_entrypoint("migrate", env=entrypoint_env)
    assert migrated.returncode == 0, migrated.stderr
    listed = run_entrypoint("flask", "users", "list", env=entrypoint_env)
    assert listed.returncode == 0, listed.stderr

    port = free_port()
    env = {**entrypoint_env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1"}
    log = tmp_path / "web.log"
    with open(log, "wb") as output:
        web = subprocess.Popen([str(ENTRYPOINT), "web"], env=env, cwd="/", stdout=output, stderr=output)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert web.poll() is None, f"the web role stopped:\n{log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"the web role never answered /readyz:\n{log.read_text()[-3000:]}"
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", "/readyz")
                response = conn.getresponse()
                status, body = response.status, response.read()
                conn.close()
                break
            except OSError:
                time.sleep(0.2)
        assert status == 200, body  # migrated by the migrate role: ready
    finally:
        web.terminate()
        web.wait(timeout=40)
