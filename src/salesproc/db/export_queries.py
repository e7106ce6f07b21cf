"""The statements `export` reads, in Core, and how they are run through SQLAlchemy.

Apart from `db.export`, which imports no SQLAlchemy: on an SQLite file whose schema is
current it runs these statements through `db.prepared` (compiled once, kept), so that an
export does not pay SQLAlchemy's import; on PostgreSQL (or a file to migrate) `stream` runs
them here. Each builder takes its shape (which filters it has); the values are bound by name:
`rep_id`, `start`, `end`.
"""

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Date, Integer, Select, String, bindparam, select, type_coerce

from salesproc.db import export, tables
from salesproc.db.collation import bytewise
from salesproc.db.reads import between, report_order

_v = tables.visits.c
_r = tables.reps.c
_c = tables.customers.c
_d = tables.daily_reports.c
_s = tables.sales.c


def _filtered(
    query: Select[Any], rep: Any, day: Any, by_rep: bool, since: bool, until: bool
) -> Select[Any]:
    """`query` limited to the rep `rep_id` (where `by_rep`) and its `day` to `start` … `end`
    (where `since`, `until`)."""
    if by_rep:
        query = query.where(rep == bindparam("rep_id", type_=Integer))
    start = bindparam("start", type_=Date) if since else None
    end = bindparam("end", type_=Date) if until else None
    return between(query, day, start, end)


def visits(by_rep: bool, since: bool, until: bool) -> Select[Any]:
    """Date, rep, customer, start, end, purposes, result, outcome, category, next visit, note:
    the daily report's order."""
    query = select(
        _v.visit_date, _v.rep_id, _v.customer_id, _v.start_time, _v.end_time, _v.purposes,
        _v.result, _v.outcome, _v.category, _v.next_visit, _v.note,
    ).order_by(*report_order())  # fmt: skip
    return _filtered(query, _v.rep_id, _v.visit_date, by_rep, since, until)


def reps() -> Select[Any]:
    return select(_r.id, _r.code, _r.name, _r.region)


def customers() -> Select[Any]:
    return select(_c.id, _c.name, _c.phone)


def reports(by_rep: bool, since: bool, until: bool) -> Select[Any]:
    """Each day report's rep, day, weather and region."""
    query = select(_d.rep_id, _d.report_date, _d.weather, _d.region)
    return _filtered(query, _d.rep_id, _d.report_date, by_rep, since, until)


def sales(by_rep: bool, since: bool, until: bool) -> Select[Any]:
    """Date, rep code, customer (None for a sale without one), amount in cents, ref."""
    query = (
        select(_s.sale_date, _r.code, _c.name, _s.amount_cents, _s.ref)
        .join_from(tables.sales, tables.reps, _r.id == _s.rep_id)
        .outerjoin(tables.customers, _c.id == _s.customer_id)
        .order_by(_s.sale_date, _s.id)
    )
    return _filtered(query, _s.rep_id, _s.sale_date, by_rep, since, until)


def customer_list(by_rep: bool, since: bool, until: bool) -> Select[Any]:
    """Name, grade, category, rep code, contact, phone, region, added on, won on, lost on,
    rep name; `start` and `end` bound the day each was added."""
    query = (
        select(
            _c.name, _c.grade, _c.category, _r.code, _c.contact, _c.phone, _c.region,
            _c.added_on, _c.won_on, _c.lost_on, _r.name,
        )
        .outerjoin_from(tables.customers, tables.reps, _r.id == _c.rep_id)
        .order_by(bytewise(_c.name_key))
    )  # fmt: skip
    return _filtered(query, _c.rep_id, _c.added_on, by_rep, since, until)


def stream(
    db: Connection, query: Select[Any], values: Mapping[str, Any]
) -> tuple[list[Any], Iterator[list[Sequence[Any]]]]:
    """Per column, what turns a stored value into its value as SQLAlchemy's type gives it
    (None: it is its value); and the rows as the driver gives them (no type converts a
    text), a chunk at a time, in columns."""
    dialect = db.dialect
    reads = [
        column.type.dialect_impl(dialect).result_processor(dialect, None)
        for column in query.selected_columns
    ]
    stored = query.with_only_columns(
        *(type_coerce(column, String) for column in query.selected_columns)
    )
    return reads, _chunks(db, stored, values)


def _chunks(
    db: Connection, stored: Select[Any], values: Mapping[str, Any]
) -> Iterator[list[Sequence[Any]]]:
    # streamed from a server-side cursor where there is one; `yield_per` would also buffer
    # SQLite's rows one by one in Python
    batch = export.BATCH
    options = {"stream_results": True, "max_row_buffer": batch}
    with db.execute(stored, dict(values), execution_options=options) as result:
        while rows := result.fetchmany(batch):
            yield list(zip(*rows, strict=True))
