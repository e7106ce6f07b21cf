"""The supervisor's reads: the audit's facts, the flags dismissed, and what the call plan
cross-checks (the day's visits, the visits its flags name, the calls' windows), as plain rows.

Why a module apart from their statements (`db.audit_statements`): this one imports no
SQLAlchemy. Each read names its statement's builder and runs it through `db.prepared`: on a
current SQLite file (`Context.quick_reading`) as SQL text compiled once, through `sqlite3`;
on PostgreSQL, or for a caller holding a Core connection or a session, through SQLAlchemy.
Neither way loads the ORM.
"""

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from operator import itemgetter
from typing import Any

from salesproc.db.prepared import Query, SqliteReader, rows
from salesproc.rules import audit
from salesproc.rules.targets import month_bounds

_STATEMENTS = "salesproc.db.audit_statements:"

#: how far ahead a revisit is agreed, at most: how far back a promise for a window is read
PROMISE_HORIZON = timedelta(days=92)
#: a window ending this close to today is followed by every visit since (a few days' worth);
#: one ending earlier, by each promised customer's first visit after it alone
AFTER_READ_WHOLE = timedelta(days=7)

#: what the visits read takes in after the window (`audit_statements.visit_facts`): nothing,
#: every visit since, or each promised customer's first visit after it
AFTER_NONE, AFTER_WHOLE, AFTER_FIRST = "none", "whole", "first"

#: what a review (`db.reviews`) says of a flag found honest
DISMISSED = "dismissed"


def _mine(rep_id: int | None) -> dict[str, int]:
    return {} if rep_id is None else {"rep_id": rep_id}


def _columns(db: Any, query: Query, by_id: bool = False) -> list[Sequence[Any]]:
    """The query's rows as columns (`by_id`: sorted by the first, a unique id). On an SQLite
    file each stored date or time is read once per distinct value, column by column (tens
    of thousands of visits share a few hundred days and times): the values `prepared.rows`
    reads, at a fraction of its cost."""
    if not isinstance(db, SqliteReader):
        found = list(rows(db, query))
        if by_id:
            found.sort(key=itemgetter(0))
        return [list(column) for column in zip(*found, strict=True)] if found else []
    try:
        cursor, reads = db.stream(query)
        found = cursor.fetchall()
    except sqlite3.OperationalError as exc:  # as `SqliteReader.run` says it
        from salesproc.db.contention import Busy, is_busy

        if is_busy(exc):
            raise Busy() from None
        raise
    if not found:
        return []
    if by_id:  # sorted here: SQLite sorts the rows of a union in a temporary table, slower
        found.sort(key=itemgetter(0))
    columns: list[Sequence[Any]] = list(zip(*found, strict=True))
    for i, read in enumerate(reads):
        if read is not None:
            stored = columns[i]
            distinct = set(stored)
            if len(distinct) * 4 > len(stored):  # moments logged: each its own
                columns[i] = list(map(read, stored))
            else:
                seen = {value: read(value) for value in distinct}
                columns[i] = list(map(seen.__getitem__, stored))
    return columns


def audit_facts(
    db: Any,
    start: date,
    end: date,
    today: date,
    rep_id: int | None = None,
    sale_days: int = audit.DEFAULTS.sale_days,
) -> audit.Facts:
    """What `rules.audit` reads for the window [start, end] (see `audit.Facts`).

    Visits from `audit.BASELINE` before the window through its end (the evidence
    across records reads the window against those weeks), and, of the
    customers an older visit (up to PROMISE_HORIZON before) promised a revisit
    in the window, every visit from then on, so that the promise is seen with
    whatever came after it; an older visit that promised nothing in the window
    raises no flag in it, so it is left out. After the window, up to today, what
    kept or broke a promise for it: a revisit is never agreed before its visit's day,
    so no later visit promises one in the window, and only the day of the visit
    after a promise is read. Within `AFTER_READ_WHOLE` of the window's end, every
    visit since (the call plan's next day, the month to yesterday); further on, only
    each promised customer's first visit after the window, so that an audit of a
    month long past reads that month, not the history since. Sales of the whole
    months the window touches, summed by rep and day; the orders from the look-back
    on, up to the end of those months or `sale_days` (`Thresholds.sale_days`) after
    the window, the later (what an order visit and a month's end are read against).
    """
    older = start - PROMISE_HORIZON
    recent_from = start - audit.BASELINE
    values: dict[str, Any] = {
        "recent_from": recent_from, "until": min(end, today), "older": older,
        "start": start, "today": today,
    }  # fmt: skip
    if today - AFTER_READ_WHOLE <= end < today:
        after = AFTER_WHOLE
        values["end"] = end
    elif end < today:
        after = AFTER_FIRST
        values["end"] = end
    else:
        after = AFTER_NONE
    # in id order: every listing in one order on every database
    visits = _columns(db, Query(_STATEMENTS + "visit_facts", (after,), values), by_id=True)
    mine = _mine(rep_id)
    reps = rows(db, Query(_STATEMENTS + "active_reps", (rep_id is not None,), mine))
    first, last = start.replace(day=1), month_bounds(end.year, end.month)[1]
    sales = rows(
        db,
        Query(_STATEMENTS + "sales_by_day", (rep_id is not None,),
              {"first": first, "last": last, **mine}),
    )  # fmt: skip
    lost = rows(
        db,
        Query(_STATEMENTS + "lost_prospects", (rep_id is not None,),
              {"start": start, "end": end, **mine}),
    )  # fmt: skip
    edits = visit_edits(db, start, rep_id)
    # edited-after-call: the calls from the earliest edited visit's day, as it stood, on; a
    # visit in the window is phoned about on or after its day, so these calls cover it
    calls_from = min([start, *(e.day_before for e in edits)])
    calls = rows(
        db,
        Query(_STATEMENTS + "calls", (rep_id is not None,),
              {"calls_from": calls_from, "calls_to": max(end, today), **mine}),
    )  # fmt: skip
    orders_to = min(today, max(last, end + timedelta(days=sale_days)))
    orders = _columns(
        db, Query(_STATEMENTS + "orders", (), {"recent_from": recent_from, "orders_to": orders_to})
    )
    # every customer's name, phone and region, read once for the visits and the orders
    shown = (
        {
            customer_id: (name, phone, region)
            for customer_id, name, phone, region in rows(db, Query(_STATEMENTS + "customers_shown"))
        }
        if visits or orders
        else {}
    )
    if orders:  # each order's customer by name ("" for a sale to no customer)
        orders.insert(2, [shown[c][0] if c in shown else "" for c in orders[1]])
    reports = rows(db, Query(_STATEMENTS + "report_headers", (), {"start": start, "end": end}))
    prospects = rows(db, Query(_STATEMENTS + "open_prospects", (rep_id is not None,), mine))
    return audit.Facts(
        visits=_visit_facts(db, visits, shown),
        reps=tuple(
            audit.RepFact(code, min(created.date(), first or created.date()))
            for code, created, first in reps
        ),
        sales=tuple(audit.SalesDay(code, day, int(cents)) for code, day, cents in sales),
        lost=tuple(audit.LostProspect(*row) for row in lost),
        calls=tuple(audit.CallFact(*row) for row in calls),
        edits=tuple(edits),
        orders=tuple(map(partial(tuple.__new__, audit.SaleFact), zip(*orders, strict=True))),
        reports=tuple(audit.ReportFact(*row) for row in reports),
        prospects=tuple(audit.OpenProspect(*row) for row in prospects),
    )


def _visit_facts(
    db: Any, columns: list[Sequence[Any]], shown: dict[int, tuple[str, str | None, str | None]]
) -> tuple[audit.VisitFact, ...]:
    """The visits' columns as `VisitFact`s, each with its rep's code and its customer's name,
    phone and region (`shown`, by the customer's id)."""
    if not columns:
        return ()
    ids, rep_ids, days, starts, ends, logged, customers, due, outcomes, purposes, results = columns
    reps = list(map(dict(_by_ids(db, "rep_codes", rep_ids)).__getitem__, rep_ids))
    names, phones, regions = zip(*map(shown.__getitem__, customers), strict=True)
    # as `VisitFact._make`, at the speed of C: one tuple per visit, no call of ours
    return tuple(
        map(
            partial(tuple.__new__, audit.VisitFact),
            zip(ids, reps, days, starts, ends, logged, customers, names, phones, due, outcomes,
                purposes, results, regions, strict=True),
        )
    )  # fmt: skip


def _time(value: object) -> time | None:
    return None if value is None else time.fromisoformat(str(value))


def visit_edits(db: Any, since: date, rep_id: int | None = None) -> list[audit.VisitEdit]:
    """The visits changed by `visit edit` from `since` on, as the audit's edited-after-call
    reads them (`rules.audit.VisitEdit`): a visit can only be dated up to the day it is
    edited, so an edit of a visit dated in a window is made on or after the window's start."""
    found = rows(
        db, Query(_STATEMENTS + "visit_edits", (), {"since": datetime.combine(since, time())})
    )
    pairs = [
        (record_id, at, json.loads(before), json.loads(after))
        for record_id, at, before, after in found
        if before is not None and after is not None
    ]
    pairs = [p for p in pairs if rep_id is None or p[2].get("rep_id") == rep_id]
    wanted_reps = {int(b["rep_id"]) for _, _, b, _ in pairs}
    codes = dict(_by_ids(db, "rep_codes", wanted_reps))
    customers = dict(
        _by_ids(db, "customer_names", (int(v["customer_id"]) for *_, b, a in pairs for v in (b, a)))
    )
    return [
        audit.VisitEdit(
            record_id,
            codes.get(int(before["rep_id"]), str(before["rep_id"])),
            at,
            date.fromisoformat(before["visit_date"]),
            date.fromisoformat(after["visit_date"]),
            _time(before.get("start_time")),
            _time(after.get("start_time")),
            _time(before.get("end_time")),
            _time(after.get("end_time")),
            customers.get(int(before["customer_id"]), f"#{before['customer_id']}"),
            customers.get(int(after["customer_id"]), f"#{after['customer_id']}"),
        )
        for record_id, at, before, after in pairs
    ]


def _by_ids(db: Any, builder: str, ids: Iterable[int]) -> Sequence[Sequence[Any]]:
    """The rows of `builder` for the records `ids` (none when no id)."""
    wanted = sorted(set(ids))
    return rows(db, Query(_STATEMENTS + builder, (), {"ids": wanted})) if wanted else []


def dismissed_ids(db: Any, start: date, end: date) -> set[str]:
    """The ids of the flags of [start, end] found honest: those the audit no longer raises."""
    query = Query(
        _STATEMENTS + "dismissed_ids", (), {"verdict": DISMISSED, "start": start, "end": end}
    )
    return {flag_id for (flag_id,) in rows(db, query)}


@dataclass(frozen=True)
class DayVisit:
    rep: str
    customer: str
    start: Any
    end: Any
    contact: str | None
    phone: str | None
    id: int | None = None
    #: an order (订货) visit with no sale to its customer since: the one to check first
    unsold: bool = False


def day_visits(db: Any, day: date) -> list[DayVisit]:
    """Every visit of `day` with the customer's contact and phone: what a call can cross-check."""
    query = Query(_STATEMENTS + "day_visits", (), {"day": day})
    return [DayVisit(*row) for row in rows(db, query)]


def recent_windows(db: Any, before: date) -> dict[str, list[str]]:
    """Each rep's last two logged call windows before `before`, most recent first."""
    found: dict[str, list[str]] = {}
    for code, window in rows(db, Query(_STATEMENTS + "recent_windows", (), {"before": before})):
        found.setdefault(code, []).append(window)
    return found


@dataclass(frozen=True)
class NamedVisit:
    """A visit as a call names it: its customer, slot, contact and phone, id and day."""

    id: int
    rep: str
    day: date
    customer: str
    start: time | None
    end: time | None
    contact: str | None
    phone: str | None


def visits_by_id(db: Any, ids: Iterable[int]) -> list[NamedVisit]:
    """The visits with these ids (those that still exist), in id order."""
    return [NamedVisit(*row) for row in _by_ids(db, "visits_by_id", ids)]


def answered(db: Any, ids: Iterable[int]) -> frozenset[int]:
    """The visits among `ids` a customer was already phoned about (confirmed or not): the
    plan does not name them again."""
    return frozenset(visit_id for (visit_id,) in _by_ids(db, "answered", ids))
