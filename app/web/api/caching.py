"""HTTP caching of the plan's figures: an ETag from the plan's version, 304 when the client has it already.

The figures change only when something is recorded about the plan, so the ETag is worked out from
`plan_read.plan_version` (and whatever else the body depends on) before the body is built: an unchanged
request costs one small query, and the browser's copy is used. "private, no-cache": kept only by the
person's own browser, and always asked about again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from flask import Response, jsonify, request

REVALIDATE = "private, no-cache"
FORMAT = 1  # bump when a cached body's shape changes, so no client keeps an old one


def etag_for(*parts: Any) -> str:
    return hashlib.sha256(json.dumps([FORMAT, *parts], default=str).encode()).hexdigest()[:32]


def cached_json(parts: tuple[Any, ...], build: Callable[[], Any]) -> Response:
    """The JSON `build` returns, with an ETag made of `parts`; 304 with no body when If-None-Match has it."""
    tag = etag_for(*parts)
    if request.if_none_match.contains_weak(tag):
        response = Response(status=304)
    else:
        response = jsonify(build())
    response.set_etag(tag)
    response.headers["Cache-Control"] = REVALIDATE
    return response


def revalidated(response: Response) -> bool:
    """Whether the response is one of ours: figures with an ETag, which the browser keeps and asks about."""
    return response.headers.get("Cache-Control") == REVALIDATE and "ETag" in response.headers
