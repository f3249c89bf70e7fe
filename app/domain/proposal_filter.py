"""The proposals list's filter: parsed from a query string, turned back into one for bookmarkable URLs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from app.domain.bounds import parse_id
from app.domain.proposals import State

# "Older than": days since the proposal was submitted (or drafted, for a draft), with the words the filter shows.
AGES: dict[int, str] = {
    7: "More than a week",
    14: "More than 2 weeks",
    30: "More than 30 days",
    90: "More than 90 days",
}


@dataclass(frozen=True)
class ProposalFilter:
    state: State | None = None
    work_stream_id: int | None = None
    author_id: int | None = None
    older_than: int | None = None  # one of AGES

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> ProposalFilter:
        """Unknown or malformed values are ignored rather than refused: a filter is a view, not an input."""
        try:
            state = State(args.get("state", ""))
        except ValueError:
            state = None
        age = parse_id(args.get("older_than"))
        return cls(
            state=state,
            work_stream_id=parse_id(args.get("work_stream")),
            author_id=parse_id(args.get("author")),
            older_than=age if age in AGES else None,
        )

    @property
    def active(self) -> bool:
        return any([self.state, self.work_stream_id, self.author_id, self.older_than])

    def query_string(self) -> str:
        pairs: list[tuple[str, str]] = []
        if self.state:
            pairs.append(("state", self.state.value))
        if self.work_stream_id:
            pairs.append(("work_stream", str(self.work_stream_id)))
        if self.author_id:
            pairs.append(("author", str(self.author_id)))
        if self.older_than:
            pairs.append(("older_than", str(self.older_than)))
        return urlencode(pairs)


def age_words(days: int) -> str:
    """A proposal's age in words: "Today", "1 day", "12 days"."""
    if days <= 0:
        return "Today"
    return f"{days} day{'s' if days != 1 else ''}"
