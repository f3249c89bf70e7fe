"""The browser suite again, on the demo WITH its history: a presented meeting, approvals since, a waiting proposal.

The parent suite seeds the bare plan so that its journeys can choose their own actions; this package gets a
server of its own, seeded as `make run` seeds it, so the pages that only have content with a history (the
changes since the last meeting, decided proposals, evidence) are checked too, at 320 px among others.
Everything else (the browser, contexts, `page_as`) is the parent's, pointed at this server.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import HERE, ROOT, _flask, _server_env, _wait_for_port, _wait_until_healthy
from tests.browser.helpers import ServerInfo


@pytest.fixture(scope="package")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerInfo]:
    """The real app in its own process, seeded with the demo and its history."""
    tmp = tmp_path_factory.mktemp("browser-history")
    env = _server_env(tmp)
    _flask(env, "db", "upgrade")
    _flask(env, "demo", "seed", "--history")
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


@pytest.fixture(scope="package")
def _signed_in_states() -> dict[str, Any]:
    """Sessions of this server, not the parent's (whose cookies this server would not know)."""
    return {}
