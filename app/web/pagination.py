"""The GOV.UK pagination component's parameters for any `paging.Page`: plain links that keep the filters."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from flask import request

from app.domain.bounds import parse_id
from app.services.paging import MAX_PAGE, Page


def page_number(name: str = "page") -> int:
    """The page asked for in the query string; anything garbled or out of range is the first page."""
    return parse_id(request.args.get(name), maximum=MAX_PAGE) or 1


def govuk_pagination(
    page: Page[Any], label: str, filters: str | Iterable[tuple[str, Any]] = "", *, path: str | None = None
) -> dict[str, Any] | None:
    """The parameters for `govukPagination`, every link `path?<plan><filters>&page=N`, so the list pages with
    its filters (and the plan chosen) kept, as links a keyboard reaches and that work without JavaScript.
    `filters` is a query string or (name, value) pairs (empty values left out). None: one page only."""
    if page.pages == 1:
        return None
    if not isinstance(filters, str):
        filters = urlencode([(k, v) for k, v in filters if v not in (None, "", False)])
    pairs = [("plan", request.args["plan"])] if request.args.get("plan") else []
    query = "&".join(q for q in (urlencode(pairs), filters) if q)
    base = path or request.path

    def href(number: int) -> str:
        return f"{base}?{query}{'&' if query else ''}page={number}"

    shown = sorted({1, page.number - 1, page.number, page.number + 1, page.pages} & set(range(1, page.pages + 1)))
    items: list[dict[str, Any]] = []
    for number in shown:
        if items and number > items[-1]["number"] + 1:
            items.append({"ellipsis": True, "number": number - 1})
        items.append({"number": number, "href": href(number), "current": number == page.number})
    return {
        "landmarkLabel": label,
        "previous": {"href": href(page.number - 1), "labelText": f"{page.number - 1} of {page.pages}"}
        if page.number > 1
        else None,
        "next": {"href": href(page.number + 1), "labelText": f"{page.number + 1} of {page.pages}"}
        if page.number < page.pages
        else None,
        "items": [{k: v for k, v in item.items() if not (k == "number" and item.get("ellipsis"))} for item in items],
    }
