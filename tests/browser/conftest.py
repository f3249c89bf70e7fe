"""The browser suite: Debian's Chromium, driven by Playwright, against the app served by a real process.

One server per session, on a port it chose itself, with its own SQLite database migrated and seeded
through the same `flask db upgrade` and `flask demo seed` an operator runs. The browser suite uses
SQLite even when TEST_DATABASE_URL points at PostgreSQL: the other tests prove the app on both
databases, and this suite is about what only a browser sees.

Without Chromium these tests are skipped, loudly; with REQUIRE_BROWSER=1 (set by .ci/run) a missing
Chromium, or any browser test that skips for another reason, is a failure instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.helpers import WAIT, ConsoleWatch, ServerInfo, sign_in

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CHROMIUM = shutil.which("chromium")
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER", "") not in ("", "0")
SCREENSHOTS = os.environ.get("SCREENSHOTS", "") not in ("", "0")
MISSING = "Chromium not found: browser tests NOT run; install it with apt-get install -y chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
STARTUP_WAIT = 120  # seconds for the server to start: a busy machine imports slowly


def _in_this_suite(item: pytest.Item) -> bool:
    return HERE in Path(str(item.path)).resolve().parents


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test here `browser`; skip them (only them) without Chromium; screenshots only on demand."""
    kept, deselected = [], []
    for item in items:
        if not _in_this_suite(item):
            kept.append(item)
            continue
        item.add_marker(pytest.mark.browser)
        if Path(str(item.path)).name == "test_screenshots.py" and not SCREENSHOTS:
            deselected.append(item)
            continue
        if CHROMIUM is None and not REQUIRE_BROWSER:
            item.add_marker(pytest.mark.skip(reason=MISSING))
        kept.append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Under REQUIRE_BROWSER a skipped browser test is a failed one: CI must not go green untested."""
    report = yield
    if REQUIRE_BROWSER and report.skipped and _in_this_suite(item):
        report.outcome = "failed"
        report.longrepr = f"REQUIRE_BROWSER is set but this browser test was skipped: {report.longrepr}"
    server = getattr(item, "funcargs", {}).get("live_server")
    if report.failed and isinstance(server, ServerInfo) and server.log.exists():
        tail = server.log.read_text(errors="replace").splitlines()[-60:]
        report.sections.append(("test server log (last 60 lines)", "\n".join(tail)))
    return report


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if CHROMIUM is not None:
        return
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if MISSING in str(r.longrepr)]
    if skipped:
        terminalreporter.write_sep("!", f"{len(skipped)} BROWSER TESTS NOT RUN", red=True, bold=True)
        terminalreporter.write_line(MISSING, red=True, bold=True)


# --- the server ------------------------------------------------------------------------------------------


def _server_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"TEST_DATABASE_URL", "DEMO_MODE", "SESSION_IDLE_MINUTES"}}
    env.update(
        {
            "APP_ENV": "development",
            "DATABASE_URL": f"sqlite:///{tmp / 'browser.db'}",
            "SECRET_KEY": "browser-tests-only-" + os.urandom(16).hex(),
            "EVIDENCE_DIR": str(tmp / "evidence"),
            "RATELIMIT_STORAGE_URI": "memory://",
            "FLASK_APP": "wsgi.py",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _flask(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "flask", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    if result.returncode != 0:
        pytest.fail(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}", pytrace=False)


def _wait_for_port(out: Path, proc: subprocess.Popen[bytes], log: Path) -> int:
    deadline = time.monotonic() + STARTUP_WAIT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"The test server exited with {proc.returncode}:\n{log.read_text()}", pytrace=False)
        text = out.read_text() if out.exists() else ""
        if text.startswith("PORT ") and text.endswith("\n"):
            return int(text.split()[1])
        time.sleep(0.05)
    pytest.fail(f"The test server did not report its port:\n{log.read_text()}", pytrace=False)


def _wait_until_healthy(base_url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_WAIT
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=10) as response:  # noqa: S310 - our own server
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"/healthz never answered:\n{log.read_text()}", pytrace=False)


@pytest.fixture(scope="package")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerInfo]:
    """The real app in its own process, migrated and seeded with the demo, on a local port it chose."""
    # Journeys pick their own actions to change, so they start from the bare plan; screenshots show the
    # demo as a newcomer sees it after `make run`, with its history (a presented meeting, a waiting proposal).
    history = "--history" if os.environ.get("SCREENSHOTS") == "1" else "--without-history"
    yield from serve_demo(tmp_path_factory.mktemp("browser"), history)


def serve_demo(tmp: Path, history: str) -> Iterator[ServerInfo]:
    """Migrate a database in `tmp`, seed the demo (`--history` or `--without-history`), serve it until closed."""
    env = _server_env(tmp)
    _flask(env, "db", "upgrade")
    _flask(env, "demo", "seed", history)
    out, log = tmp / "server.out", tmp / "server.log"
    with out.open("wb") as stdout, log.open("wb") as stderr:
        proc = subprocess.Popen(
            [sys.executable, str(HERE / "serve.py")], cwd=ROOT, env=env, stdout=stdout, stderr=stderr
        )
    try:
        port = _wait_for_port(out, proc, log)
        base_url = f"http://127.0.0.1:{port}"
        _wait_until_healthy(base_url, log)
        yield ServerInfo(base_url=base_url, log=log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --- the browser -----------------------------------------------------------------------------------------


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.fail(MISSING + " (REQUIRE_BROWSER is set)", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def console() -> Iterator[ConsoleWatch]:
    """Every console error, CSP violation and uncaught exception of the test's pages; none allowed."""
    watch = ConsoleWatch()
    yield watch
    watch.assert_clean()


@pytest.fixture
def new_context(browser: Any, live_server: ServerInfo, console: ConsoleWatch) -> Iterator[Callable[..., Any]]:
    """new_context(**playwright_options) -> a fresh context whose pages are watched; closed after the test."""
    contexts: list[Any] = []

    def _new(**options: Any) -> Any:
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(base_url=live_server.base_url, **options)
        context.set_default_timeout(WAIT)
        context.on("page", console.attach)
        contexts.append(context)
        return context

    yield _new
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context: Callable[..., Any]) -> Any:
    """A page in a fresh context: nobody signed in."""
    return new_context().new_page()


@pytest.fixture(scope="package")
def _signed_in_states() -> dict[str, Any]:
    return {}


@pytest.fixture
def page_as(new_context: Callable[..., Any], _signed_in_states: dict[str, Any]) -> Callable[..., Any]:
    """page_as("pm") -> a page in a fresh context signed in as pm@example.org.

    The first time for each role it signs in through the login form; later it reuses that session's
    cookies, which saves an argon2 verification per test. Tests that end or revoke a session must sign
    in afresh with `sign_in` instead.
    """

    def _page_as(who: str, **options: Any) -> Any:
        if who not in _signed_in_states:
            context = new_context()
            sign_in(context.new_page(), who)
            _signed_in_states[who] = context.storage_state()
        return new_context(storage_state=_signed_in_states[who], **options).new_page()

    return _page_as
