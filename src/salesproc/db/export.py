"""What `export` writes out, read a few thousand rows at a time: a year of visits is never
held whole. Each function yields plain tuples in the order of `adapters.export`'s headings
for that kind, which is also the order `import` reads them back in."""

from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from salesproc.db.collation import bytewise
from salesproc.db.models import Customer, DailyReport, Rep, Sale, Visit
from salesproc.db.queries import between, report_order

#: rows fetched from the database at a time
BATCH = 2000

Rows = Iterator[tuple[Any, ...]]


def visits(session: Session, rep_id: int | None, start: date | None, end: date | None) -> Rows:
    """Date, rep code, customer, phone, start, end, purposes, result, outcome, category, next
    visit, notes, the day's report header (weather, region), and the rep's name: the daily
    report's order. The name lets an import into another database recreate the rep."""
    header = and_(DailyReport.rep_id == Visit.rep_id, DailyReport.report_date == Visit.visit_date)
    query = (
        select(
            Visit.visit_date, Rep.code, Customer.name, Customer.phone, Visit.start_time,
            Visit.end_time, Visit.purposes, Visit.result, Visit.outcome, Visit.category,
            Visit.next_visit, Visit.note, DailyReport.weather,
            # the report's region as `report daily` shows it: else the rep's own
            func.coalesce(DailyReport.region, Rep.region), Rep.name,
        )
        .join(Rep, Rep.id == Visit.rep_id)
        .join(Customer, Customer.id == Visit.customer_id)
        .outerjoin(DailyReport, header)
        .order_by(*report_order())
    )  # fmt: skip
    if rep_id is not None:
        query = query.where(Visit.rep_id == rep_id)
    query = between(query, Visit.visit_date, start, end)
    return map(tuple, session.execute(query).yield_per(BATCH))


def sales(session: Session, rep_id: int | None, start: date | None, end: date | None) -> Rows:
    """Date, rep code, customer (None for a sale without one), amount in cents, ref."""
    query = (
        select(Sale.sale_date, Rep.code, Customer.name, Sale.amount_cents, Sale.ref)
        .join(Rep, Rep.id == Sale.rep_id)
        .outerjoin(Customer, Customer.id == Sale.customer_id)
        .order_by(Sale.sale_date, Sale.id)
    )
    if rep_id is not None:
        query = query.where(Sale.rep_id == rep_id)
    query = between(query, Sale.sale_date, start, end)
    return map(tuple, session.execute(query).yield_per(BATCH))


def customers(session: Session, rep_id: int | None, start: date | None, end: date | None) -> Rows:
    """Name, grade, category, rep code, contact, phone, region, added on, won on, lost on,
    rep name; `start` and `end` bound the day each was added."""
    query = (
        select(
            Customer.name, Customer.grade, Customer.category, Rep.code, Customer.contact,
            Customer.phone, Customer.region, Customer.added_on, Customer.won_on, Customer.lost_on,
            Rep.name,
        )
        .outerjoin(Rep, Rep.id == Customer.rep_id)
        .order_by(bytewise(Customer.name_key))
    )  # fmt: skip
    if rep_id is not None:
        query = query.where(Customer.rep_id == rep_id)
    query = between(query, Customer.added_on, start, end)
    return map(tuple, session.execute(query).yield_per(BATCH))
