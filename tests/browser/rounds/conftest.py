"""The update round in the browser, on a server of its own: an open round puts a line on every service
manager's dashboard and a notification in their list, which the parent suite's journeys do not expect."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import serve_demo
from tests.browser.helpers import ServerInfo


@pytest.fixture(scope="package")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerInfo]:
    yield from serve_demo(tmp_path_factory.mktemp("browser-rounds"), "--without-history")


@pytest.fixture(scope="package")
def _signed_in_states() -> dict[str, Any]:
    return {}
