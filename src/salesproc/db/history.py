"""The history of changes: what every edit, delete or merge appends, and how it is read back.

Every figure the team sees can be corrected, and every correction must stay
visible: the writes that change or remove a record call `record` in the same
transaction, so a change and its history row are written together or not at
all. Rows are only ever added.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from salesproc.db.models import Base, Change

#: the kinds of record the history names (`history --kind`)
#: (`flag`: a supervisor's review of an audit flag, `audit dismiss/confirm`)
KINDS = ("visit", "sale", "collection", "customer", "rep", "target", "flag")


@dataclass(frozen=True)
class Who:
    """Who makes a change and when: the tool's clock and config `user` (else the login name)."""

    user: str
    at: datetime


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def values(record: Base) -> dict[str, Any]:
    """A record's columns as JSON-ready values: what `before` and `after` hold."""
    return {
        column.key: _plain(getattr(record, column.key))
        for column in inspect(record).mapper.column_attrs
    }


def record(
    session: Session,
    who: Who,
    kind: str,
    record_id: int,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> Change:
    """Append one change; `before`/`after` are `values(...)` (None when created or deleted)."""
    assert kind in KINDS, kind
    change = Change(
        at=who.at,
        user=who.user,
        kind=kind,
        record_id=record_id,
        action=action,
        before=None if before is None else json.dumps(before, ensure_ascii=False, sort_keys=True),
        after=None if after is None else json.dumps(after, ensure_ascii=False, sort_keys=True),
    )
    session.add(change)
    return change


@dataclass(frozen=True)
class ChangeRow:
    """One row of `history`, its keys the JSON's."""

    at: datetime
    user: str
    kind: str
    id: int
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def changes(
    session: Session,
    start: date | None = None,
    end: date | None = None,
    kind: str | None = None,
    record_id: int | None = None,
) -> list[ChangeRow]:
    """The history, oldest first (ties by the order written): what was corrected, by whom."""
    query = select(Change)
    if start is not None:
        query = query.where(Change.at >= datetime.combine(start, time()))
    if end is not None:
        query = query.where(Change.at < datetime.combine(end + timedelta(days=1), time()))
    if kind is not None:
        query = query.where(Change.kind == kind)
    if record_id is not None:
        query = query.where(Change.record_id == record_id)
    return [
        ChangeRow(
            c.at,
            c.user,
            c.kind,
            c.record_id,
            c.action,
            None if c.before is None else json.loads(c.before),
            None if c.after is None else json.loads(c.after),
        )
        for c in session.scalars(query.order_by(Change.at, Change.id))
    ]
