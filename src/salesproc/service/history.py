"""`history`: every correction, who made it and when, as the history table keeps it.

A figure the team can trust is one whose every change can be seen: the writes
append a row for each edit, delete or merge (`salesproc.db.history`), and this
reads them back, oldest first, with what changed field by field so a reader
does not have to compare two records by eye.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from salesproc.db import history as store
from salesproc.db.changes import customer_names
from salesproc.db.daily_reads import rep_names
from salesproc.db.history import KINDS
from salesproc.errors import InputError
from salesproc.i18n import _
from salesproc.service.context import Context

__all__ = ["KINDS", "Entry", "FieldChange", "changed_fields", "history"]


@dataclass(frozen=True)
class FieldChange:
    """One field that differs: its values before and after (None: absent or null)."""

    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class Entry:
    """One change; `before`/`after` are the record's values (None when it did not exist)."""

    at: datetime
    user: str
    kind: str
    id: int
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    #: the fields that differ, in the record's order: what a table shows
    changed: tuple[FieldChange, ...] = ()
    #: names for the ids a reader meets in them: {"rep_id": {1: "张伟"}, "customer_id": {…}}
    names: Mapping[str, Mapping[int, str]] | None = None


def changed_fields(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> tuple[FieldChange, ...]:
    """The fields whose values differ; a record deleted (or created) differs in every field
    it had."""
    old, new = before or {}, after or {}
    keys = [*old, *(k for k in new if k not in old)]
    return tuple(
        FieldChange(key, old.get(key), new.get(key)) for key in keys if old.get(key) != new.get(key)
    )


def _ids(rows: list[store.ChangeRow], key: str) -> set[int]:
    return {
        int(values[key])
        for row in rows
        for values in (row.before, row.after)
        if values is not None and isinstance(values.get(key), int)
    }


def history(
    ctx: Context,
    start: date | None = None,
    end: date | None = None,
    kind: str | None = None,
    record_id: int | None = None,
) -> list[Entry]:
    """The changes made from `start` to `end` (days of the change, both included), of one
    kind and one record id if given, oldest first."""
    if kind is not None and kind not in KINDS:
        raise InputError(
            _("unknown kind {kind!r}; use one of {kinds}").format(kind=kind, kinds=", ".join(KINDS))
        )
    if start is not None and end is not None and start > end:
        raise InputError(_("--from {start} is after --to {end}").format(start=start, end=end))
    with ctx.session(write=False) as s:
        rows = store.changes(s, start, end, kind, record_id)
        names = {
            "rep_id": rep_names(s, _ids(rows, "rep_id")),
            "customer_id": customer_names(s, _ids(rows, "customer_id")),
        }
    return [
        Entry(
            row.at,
            row.user,
            row.kind,
            row.id,
            row.action,
            row.before,
            row.after,
            changed_fields(row.before, row.after),
            names,
        )
        for row in rows
    ]
