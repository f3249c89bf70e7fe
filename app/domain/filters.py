"""The action-table filter: parsed from a query string, turned back into one for bookmarkable URLs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from app.domain.bounds import parse_id
from app.domain.status import Status


@dataclass(frozen=True)
class ActionFilter:
    status: Status | None = None
    owner_id: int | None = None
    overdue: bool = False
    work_stream_id: int | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> ActionFilter:
        """Unknown or malformed values are ignored rather than refused: a filter is a view, not an input."""
        return cls(
            status=Status.parse(args.get("status")),
            owner_id=_int(args.get("owner")),
            overdue=args.get("overdue") in {"1", "yes", "true", "on"},
            work_stream_id=_int(args.get("work_stream")),
        )

    @property
    def active(self) -> bool:
        return any([self.status, self.owner_id, self.overdue, self.work_stream_id])

    def query_string(self) -> str:
        pairs: list[tuple[str, str]] = []
        if self.work_stream_id:
            pairs.append(("work_stream", str(self.work_stream_id)))
        if self.status:
            pairs.append(("status", self.status.value))
        if self.owner_id:
            pairs.append(("owner", str(self.owner_id)))
        if self.overdue:
            pairs.append(("overdue", "1"))
        return urlencode(pairs)


def _int(value: str | None) -> int | None:
    return parse_id(value)
