"""The browser suite again, on the demo WITH its history: a presented meeting, approvals since, a waiting proposal.

The parent suite seeds the bare plan so that its journeys can choose their own actions; this package gets a
server of its own, seeded as `make run` seeds it, so the pages that only have content with a history (the
changes since the last meeting, decided proposals, evidence) are checked too, at 320 px among others.
Everything else (the browser, contexts, `page_as`) is the parent's, pointed at this server.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import serve_demo
from tests.browser.helpers import ServerInfo


@pytest.fixture(scope="package")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerInfo]:
    """The real app in its own process, seeded with the demo and its history."""
    yield from serve_demo(tmp_path_factory.mktemp("browser-history"), "--history")


@pytest.fixture(scope="package")
def _signed_in_states() -> dict[str, Any]:
    """Sessions of this server, not the parent's (whose cookies this server would not know)."""
    return {}
