"""One page of a long list, and where it sits in the whole: shared by every paginated list of the service."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import func, select

from app.extensions import db

T = TypeVar("T")

MAX_PAGE = 1_000_000  # beyond any real list, and the offset stays inside the database's integers


@dataclass(frozen=True)
class Page(Generic[T]):
    """A page of a list: its items, its 1-based number (a page past the end is the last page) and the list's size."""

    items: list[T]
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return pages_for(self.total, self.per_page)

    @property
    def first(self) -> int:
        """The position in the whole list of this page's first item (1-based; 0 when there are none)."""
        return (self.number - 1) * self.per_page + 1 if self.items else 0

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1 if self.items else 0

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page


def pages_for(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


def clamp(number: int, total: int, per_page: int) -> int:
    """The page to show when `number` is asked for: at least the first, at most the last."""
    return min(max(number, 1), pages_for(total, per_page))


def count(query: Any) -> int:
    """How many rows a select would return, counted by the database."""
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0


def page_of(query: Any, number: int, per_page: int, *, scalars: bool = True, counted: Any = None) -> Page[Any]:
    """One page of an ordered select in two queries at any size: a count, then the page's rows. `counted`: a
    slimmer select of the same rows to count (their ids, without the joins that only add columns)."""
    total = count(query if counted is None else counted)
    number = clamp(number, total, per_page)
    limited = query.limit(per_page).offset((number - 1) * per_page)
    rows = list(db.session.scalars(limited)) if scalars else list(db.session.execute(limited).all())
    return Page(rows, number, per_page, total)


def slice_of(items: Sequence[T], number: int, per_page: int) -> Page[T]:
    """One page of a list already in memory (a comparison worked out in Python)."""
    number = clamp(number, len(items), per_page)
    start = (number - 1) * per_page
    return Page(list(items[start : start + per_page]), number, per_page, len(items))
