"""deploy/systemd/: the units pass `systemd-analyze verify`, run commands the app has, and are locked down.

`systemd-analyze verify` checks every setting and that each ExecStart= program exists: the units are copied with
/srv/tracker/.venv/bin/ pointing at this checkout's virtualenv. Without systemd-analyze the test is skipped on a
developer's machine and fails under CI (CI=true).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import click
import pytest
from flask import Flask

ROOT = Path(__file__).resolve().parents[2]
UNITS = ROOT / "deploy" / "systemd"
SERVICES = ("tracker-web", "tracker-worker", "tracker-daily", "tracker-mail")
TIMERS = ("tracker-daily", "tracker-mail")
VENV_BIN = "/srv/tracker/.venv/bin/"


def systemd_analyze() -> str:
    found = shutil.which("systemd-analyze")
    if found is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("systemd-analyze is missing: under CI it must be installed (apt-get install systemd)")
        pytest.skip("systemd-analyze is not installed (under CI=true this fails)")
    return found


def settings(path: Path) -> dict[str, dict[str, list[str]]]:
    """section -> key -> every value given (ExecStart= may come more than once)."""
    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    section = ""
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        found[section][key].append(value)
    return found


def service(name: str) -> dict[str, list[str]]:
    return settings(UNITS / f"{name}.service")["Service"]


def test_the_units_are_the_ones_the_readme_describes() -> None:
    assert sorted(p.name for p in UNITS.iterdir()) == sorted(
        [f"{s}.service" for s in SERVICES] + [f"{t}.timer" for t in TIMERS]
    )


def test_systemd_analyze_verify_accepts_every_unit(tmp_path: Path) -> None:
    analyze = systemd_analyze()
    for unit in UNITS.iterdir():
        text = unit.read_text().replace(VENV_BIN, str(Path(sys.executable).parent) + "/")
        (tmp_path / unit.name).write_text(text)
    result = subprocess.run(
        [analyze, "verify", "--man=no", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert not [line for line in output.splitlines() if "tracker-" in line], output  # no warning about ours


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_runs_as_its_own_user_with_its_settings_and_little_else(name: str) -> None:
    found = service(name)
    assert found["User"] == ["tracker"] and found["Group"] == ["tracker"]
    assert found["WorkingDirectory"] == ["/srv/tracker"]
    assert found["EnvironmentFile"] == ["/etc/tracker/tracker.env"]
    assert "FLASK_APP=wsgi.py" in found["Environment"]
    for key, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "PrivateDevices": "yes",
        "RestrictSUIDSGID": "yes",
        "CapabilityBoundingSet": "",
    }.items():
        assert found[key] == [value], (name, key)
    writable = " ".join(found["ReadWritePaths"]).split()
    assert writable == ["-/srv/tracker/instance", "/var/lib/tracker"], writable
    assert found["StateDirectory"] == ["tracker"]  # /var/lib/tracker, created for the user


def flask_command(app: Flask, words: list[str]) -> click.Command | None:
    command: click.Command | None = app.cli
    with app.app_context():
        ctx = click.Context(app.cli)
        for word in words:
            if not isinstance(command, click.Group):
                return None
            command = command.get_command(ctx, word)
            if command is None:
                return None
    return command


def test_every_command_the_units_run_exists(app: Flask) -> None:
    commands: list[list[str]] = []
    for name in SERVICES:
        for line in service(name)["ExecStart"]:
            program, *words = line.split()
            assert program.startswith(VENV_BIN), line
            if program.endswith("/flask"):
                commands.append(words)
    assert commands == [
        ["worker"],
        ["risks", "refresh"],
        ["reminders", "send"],
        ["audit", "verify"],
        ["mail", "send"],
    ]
    for words in commands:
        assert flask_command(app, words) is not None, f"no `flask {' '.join(words)}`"


def test_the_web_service_is_gunicorn_with_the_shipped_configuration() -> None:
    found = service("tracker-web")
    assert found["ExecStart"] == ["/srv/tracker/.venv/bin/gunicorn -c deploy/gunicorn.conf.py wsgi:app"]
    assert found["Type"] == ["notify"]  # gunicorn tells systemd when it is listening
    assert "GUNICORN_BIND=127.0.0.1:8000" in found["Environment"]
    assert (ROOT / "deploy" / "gunicorn.conf.py").is_file()


def elapses(analyze: str, spec: str) -> list[datetime]:
    """The next three times the timer fires, as a clock in London shows them."""
    result = subprocess.run(
        [analyze, "calendar", "--iterations=3", spec],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "TZ": "Europe/London"},
    ).stdout
    stamps = re.findall(r"(?:Next elapse|Iter\. #\d): \w{3} (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)", result)
    return [datetime.fromisoformat(s) for s in stamps]


def test_the_timers_start_their_services_daily_and_every_five_minutes() -> None:
    analyze = systemd_analyze()
    daily = settings(UNITS / "tracker-daily.timer")["Timer"]
    mail = settings(UNITS / "tracker-mail.timer")["Timer"]
    assert daily["Unit"] == ["tracker-daily.service"] and mail["Unit"] == ["tracker-mail.service"]
    assert daily["Persistent"] == ["true"]
    days = elapses(analyze, daily["OnCalendar"][0])
    assert [d.time().isoformat() for d in days] == ["06:00:00"] * 3  # 06:00 in London, summer time or not
    assert [(b.date() - a.date()).days for a, b in zip(days, days[1:], strict=False)] == [1, 1]
    first, second, third = elapses(analyze, mail["OnCalendar"][0])
    assert (second - first).total_seconds() == 300 == (third - second).total_seconds()
