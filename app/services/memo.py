"""Figures worked out once per version of a plan, and kept in the process that worked them out.

Every change to what a plan records (an approved change, an edit, a baseline, a risk entry) writes an audit
record naming the plan, in the same transaction. The newest such record (its id and its hash, which no other
record shares) and the day therefore say whether anything a figure is drawn from can have changed: while they
stay the same the figure is the one already worked out, and reading them is one indexed query. A figure is kept
per app (so per database) in a small table of the newest results; each web worker keeps its own.

Pages drawn from every plan are kept per version of the whole trail instead (`trail_head`), which sign-ins and
refused requests do not move (`TRAIL_ONLY_GROUPS`): a morning of councillors signing in leaves them kept. The
audit trail, which shows those too, follows the newest record of all (`newest_record`).

Only plain values are kept (frozen dataclasses, tuples), never ORM objects, which belong to one session.
`fixed` keeps what can never change at all, such as two presented baselines compared.
"""

from __future__ import annotations

import dataclasses
import itertools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import current_app
from sqlalchemy import ColumnElement, ScalarSelect, and_, select

from app.clock import today
from app.domain.changes import TRAIL_ONLY_GROUPS
from app.extensions import db
from app.models import AuditEvent
from app.services.tx import writing

T = TypeVar("T")

KEPT = 256  # results kept per app: figures and rendered tables (up to ~100 kB each) for the pages looked at lately
KEPT_MANY = 512  # the parts of the pages of single actions looked at lately (a few kB each)
KEPT_FIXED = 8  # results of what never changes (two baselines compared), which can be large
# And at most this much text in any one store (its strings counted, `_weight`): the newest results that fit.
KEPT_BYTES = 32 * 1024 * 1024
_SAMPLE = 32  # items of a long tuple or list weighed, the rest taken to be like them


class _Kept:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.results: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()  # result, weight
        self.weight = 0  # of every result kept


def plan_head(plan_id: int) -> tuple[int, str] | None:
    """The newest audit record naming the plan: its id and its hash (None before there is one). Read once per
    transaction: a page asking for several figures reads it once."""
    session = db.session()
    transaction = session.get_transaction()
    kept = session.info.get("plan_heads")
    if kept is None or transaction is None or kept[0] is not transaction:
        kept = (transaction, {})
        session.info["plan_heads"] = kept
    heads: dict[int, tuple[int, str] | None] = kept[1]
    if plan_id not in heads:
        heads[plan_id] = _read_head(plan_id)
    return heads[plan_id]


def _read_head(plan_id: int) -> tuple[int, str] | None:
    row = db.session.execute(
        select(AuditEvent.id, AuditEvent.hash)
        .where(AuditEvent.plan_id == plan_id)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    return None if row is None else (row[0], row[1])


def _shown() -> ColumnElement[bool]:
    """Records other pages than the audit trail can show (not a sign-in, not a refusal: `TRAIL_ONLY_GROUPS`)."""
    return and_(*(AuditEvent.kind.not_like(f"{group}.%") for group in TRAIL_ONLY_GROUPS))


def trail_head() -> tuple[int, str] | None:
    """The newest audit record of all but sign-ins and refusals (id and hash), read once per transaction (or with
    the session that signs the request in, `read_trail_head`): what says whether anything across every plan, or
    a person's name, can have changed."""
    return _trail_heads()[0]


def newest_record() -> str | None:
    """The hash of the newest audit record of all, sign-ins included (what the audit trail page follows), read
    with `trail_head`."""
    return _trail_heads()[1]


def _trail_heads() -> tuple[tuple[int, str] | None, str | None]:
    session = db.session()
    transaction = session.get_transaction()
    kept = session.info.get("trail_head")
    if kept is None or transaction is None or kept[0] is not transaction:
        row = db.session.execute(select(*trail_head_columns())).one()
        read_trail_head(*row)
        kept = session.info["trail_head"]
    heads: tuple[tuple[int, str] | None, str | None] = kept[1]
    return heads


def trail_head_columns() -> tuple[ScalarSelect[int], ScalarSelect[str], ScalarSelect[str]]:
    """The trail's newest record but sign-ins and refusals (id, hash), and the newest record's hash, as three
    columns to read with another query (the session's)."""
    newest = AuditEvent.id.desc()
    shown_id = select(AuditEvent.id).where(_shown()).order_by(newest).limit(1).scalar_subquery()
    shown_hash = select(AuditEvent.hash).where(_shown()).order_by(newest).limit(1).scalar_subquery()
    return shown_id, shown_hash, select(AuditEvent.hash).order_by(newest).limit(1).scalar_subquery()


def read_trail_head(head_id: int | None, head_hash: str | None, newest_hash: str | None) -> None:
    """The trail's heads as read by a query of this transaction (`trail_head_columns`): `trail_head` and
    `newest_record` give them for the rest of the transaction."""
    session = db.session()
    head = None if head_id is None or head_hash is None else (int(head_id), str(head_hash))
    session.info["trail_head"] = (session.get_transaction(), (head, None if newest_hash is None else str(newest_hash)))


def per_trail_version(name: str, build: Callable[[], T], *, one_of_many: bool = False) -> T:
    """`per_plan_version` for what is drawn from every plan (the review queue): kept while the newest audit
    record of all and the day are the same. `one_of_many`: one of thousands alike (an action's page), kept with
    its like (`KEPT_MANY`), so that looking through them does not push the plan's figures out."""
    if writing():
        return build()
    key = (name, None, trail_head(), today())
    return _kept("many_memo", key, build, KEPT_MANY) if one_of_many else _kept("plan_memo", key, build, KEPT)


def per_version(name: str, version: Hashable, build: Callable[[], T]) -> T:
    """`per_trail_version` for what follows a version the caller read in this transaction instead of the trail
    (a person's notifications, which are marked read with no audit record): kept with the many (`KEPT_MANY`)."""
    if writing():
        return build()
    return _kept("many_memo", (name, version, today()), build, KEPT_MANY)


def per_plan_version(name: str, plan_id: int, build: Callable[[], T]) -> T:
    """`build()`, or what it gave before for this plan while the plan's newest audit record and the day are
    the same. Inside a write transaction, always `build()`: its changes may come before their audit record."""
    if writing():
        return build()
    return _kept("plan_memo", (name, plan_id, plan_head(plan_id), today()), build, KEPT)


def fixed(key: Hashable, build: Callable[[], T]) -> T:
    """`build()` once for what can never change (two presented baselines compared, say), then what it gave;
    the newest `KEPT_FIXED` results are kept."""
    return _kept("fixed_memo", key, build, KEPT_FIXED)


def _kept(store: str, key: Hashable, build: Callable[[], T], size: int) -> T:
    """What `build()` gave for `key`, kept in this app's `store` with the `size` newest results that fit in
    `KEPT_BYTES` (one that does not fit alone is not kept)."""
    kept: _Kept = current_app.extensions.setdefault(store, _Kept())
    with kept.lock:
        if key in kept.results:
            kept.results.move_to_end(key)
            return kept.results[key][0]  # type: ignore[no-any-return]
    result = build()
    weight = _weight(result)
    if weight > KEPT_BYTES:
        return result
    with kept.lock:
        if key in kept.results:  # kept by another thread meanwhile
            kept.weight -= kept.results.pop(key)[1]
        kept.results[key] = (result, weight)
        kept.weight += weight
        while len(kept.results) > size or kept.weight > KEPT_BYTES:
            kept.weight -= kept.results.popitem(last=False)[1][1]
    return result


def _weight(value: Any, depth: int = 0) -> int:
    """About how many bytes `value` holds: its strings' lengths, three levels down, and 64 for anything else."""
    if isinstance(value, str | bytes):
        return len(value)
    if depth >= 3:
        return 64
    if isinstance(value, dict):
        return 64 + sum(_weight(k, depth + 1) + _weight(v, depth + 1) for k, v in value.items())
    if isinstance(value, tuple | list | set | frozenset):  # a long one by a sample of its first items
        sample = list(itertools.islice(value, _SAMPLE))
        return 64 + sum(_weight(item, depth + 1) for item in sample) * len(value) // max(len(sample), 1)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return 64 + sum(_weight(getattr(value, f.name), depth + 1) for f in dataclasses.fields(value))
    return 64
