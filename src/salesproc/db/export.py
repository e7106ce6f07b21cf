"""What `export` writes out, read a few thousand rows at a time: a year of visits is never
held whole. Each function returns a `Stored`: chunks of columns, one per heading of
`adapters.export` for that kind and in its order (also the order `import` reads them back
in), and how to read each column's stored values as SQLAlchemy's types would give them
(dates, times, text, whole numbers, None).

Why stored values and readers, and not rows of a joined query: a million visits were a
million Row objects, a million dates and times parsed from SQLite's text, and a join that
SQLite ran by seeking every customer and then sorting the wide joined rows. Here the visits
are sorted alone, their rep, customer and day report are read from dicts, and the writer
reads each distinct stored value once (a million visits hold a few hundred dates).
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, String, select, type_coerce
from sqlalchemy.orm import Session

from salesproc.db.collation import bytewise
from salesproc.db.models import Customer, DailyReport, Rep, Sale, Visit
from salesproc.db.reads import between, report_order

#: rows fetched from the database at a time
BATCH = 5000

Read = Callable[[Any], Any] | None


@dataclass(frozen=True)
class Stored:
    #: per column, what turns a stored value into its value (None: it is its value)
    read: list[Read]
    #: chunks of rows, each as columns of stored values
    chunks: Iterator[list[Sequence[Any]]]


def _reads(session: Session, query: Select[Any]) -> list[Read]:
    dialect = session.get_bind().dialect
    return [
        column.type.dialect_impl(dialect).result_processor(dialect, None)
        for column in query.selected_columns
    ]


def _chunks(session: Session, query: Select[Any]) -> Iterator[list[Sequence[Any]]]:
    """The query's rows as the driver gives them (no type converts a text), in columns."""
    stored = query.with_only_columns(
        *(type_coerce(column, String) for column in query.selected_columns)
    )
    # streamed from a server-side cursor where there is one; `yield_per` would also buffer
    # SQLite's rows one by one in Python
    options = {"stream_results": True, "max_row_buffer": BATCH}
    with session.connection().execute(stored, execution_options=options) as result:
        while rows := result.fetchmany(BATCH):
            yield list(zip(*rows, strict=True))


def _stored(session: Session, query: Select[Any]) -> Stored:
    return Stored(_reads(session, query), _chunks(session, query))


def visits(session: Session, rep_id: int | None, start: date | None, end: date | None) -> Stored:
    """Date, rep code, customer, phone, start, end, purposes, result, outcome, category, next
    visit, notes, the day's report header (weather, region), and the rep's name: the daily
    report's order. The name lets an import into another database recreate the rep."""
    v = Visit.__table__.c
    query = select(
        v.visit_date, v.rep_id, v.customer_id, v.start_time, v.end_time, v.purposes, v.result,
        v.outcome, v.category, v.next_visit, v.note,
    ).order_by(*report_order())  # fmt: skip
    if rep_id is not None:
        query = query.where(v.rep_id == rep_id)
    query = between(query, v.visit_date, start, end)
    day, _, _, clock, *_ = _reads(session, query)
    # the visits first: a rep or customer added meanwhile is then in the dicts read next
    chunks = _chunks(session, query)
    first = next(chunks, None)
    r, c, d = Rep.__table__.c, Customer.__table__.c, DailyReport.__table__.c
    reps = {id_: rest for id_, *rest in session.execute(select(r.id, r.code, r.name, r.region))}
    customers = {id_: rest for id_, *rest in session.execute(select(c.id, c.name, c.phone))}
    reports = select(d.rep_id, d.report_date, d.weather, d.region)
    if rep_id is not None:
        reports = reports.where(d.rep_id == rep_id)
    weather: dict[tuple[int, Any], str | None] = {}
    #: the day's region where its report names one; else the rep's own, as `report daily`
    region: dict[tuple[int, Any], str] = {}
    for chunk in _chunks(session, between(reports, d.report_date, start, end)):
        keys = list(zip(chunk[0], chunk[1], strict=True))  # by rep and stored day, as visits'
        weather.update(zip(keys, chunk[2], strict=True))
        named = ((key, said) for key, said in zip(keys, chunk[3], strict=True) if said is not None)
        region.update(named)
    rep_region = {id_: row[2] for id_, row in reps.items()}

    def rows(chunk: list[Sequence[Any]] | None) -> Iterator[list[Sequence[Any]]]:
        while chunk is not None:
            days, rep_ids, customer_ids, *rest = chunk
            if not (reps.keys() >= set(rep_ids) and customers.keys() >= set(customer_ids)):
                # a rep or customer this login cannot see: the join left the visit out
                kept = [
                    i for i, (rep, who) in enumerate(zip(rep_ids, customer_ids, strict=True))
                    if rep in reps and who in customers
                ]  # fmt: skip
                days, rep_ids, customer_ids, *rest = ([col[i] for i in kept] for col in chunk)
            # each day's report, looked up here: a day is one report of the rep's, not a value
            keys = list(zip(rep_ids, days, strict=True))
            weathers = list(map(weather.get, keys))
            regions = list(map(region.get, keys, map(rep_region.__getitem__, rep_ids)))
            yield [days, rep_ids, customer_ids, customer_ids, *rest, weathers, regions, rep_ids]
            chunk = next(chunks, None)

    read: list[Read] = [
        day, lambda rep: reps[rep][0], lambda who: customers[who][0],
        lambda who: customers[who][1], clock, clock, None, None, None, None, day, None,
        None, None, lambda rep: reps[rep][1],
    ]  # fmt: skip
    return Stored(read, rows(first))


def sales(session: Session, rep_id: int | None, start: date | None, end: date | None) -> Stored:
    """Date, rep code, customer (None for a sale without one), amount in cents, ref."""
    s, r, c = Sale.__table__.c, Rep.__table__.c, Customer.__table__.c
    query = (
        select(s.sale_date, r.code, c.name, s.amount_cents, s.ref)
        .join_from(Sale.__table__, Rep.__table__, r.id == s.rep_id)
        .outerjoin(Customer.__table__, c.id == s.customer_id)
        .order_by(s.sale_date, s.id)
    )
    if rep_id is not None:
        query = query.where(s.rep_id == rep_id)
    return _stored(session, between(query, s.sale_date, start, end))


def customers(session: Session, rep_id: int | None, start: date | None, end: date | None) -> Stored:
    """Name, grade, category, rep code, contact, phone, region, added on, won on, lost on,
    rep name; `start` and `end` bound the day each was added."""
    c, r = Customer.__table__.c, Rep.__table__.c
    query = (
        select(
            c.name, c.grade, c.category, r.code, c.contact, c.phone, c.region, c.added_on,
            c.won_on, c.lost_on, r.name,
        )
        .outerjoin_from(Customer.__table__, Rep.__table__, r.id == c.rep_id)
        .order_by(bytewise(c.name_key))
    )  # fmt: skip
    if rep_id is not None:
        query = query.where(c.rep_id == rep_id)
    return _stored(session, between(query, c.added_on, start, end))
