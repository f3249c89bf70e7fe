"""URL converters: an id in a path is a PostgreSQL integer, so a larger number is simply no page (404)."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map

from app.domain.bounds import MAX_ID


class IdConverter(IntegerConverter):
    """`<int:...>` with an upper bound: 2^31 and beyond do not match, so the answer is 404, not an overflow."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:  # noqa: A002 - werkzeug's name
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
