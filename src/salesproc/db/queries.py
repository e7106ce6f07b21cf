"""The other reports' reads, over the ORM models: the customer, visit and call lists.

The daily commands' reads (due list, four-visit rule, leaderboards, targets) live in
`db.reads`, and the audit's and the call plan's in `db.audit_reads`, over Core tables,
so that those commands never import the ORM.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from salesproc.db.collation import bytewise
from salesproc.db.models import Collection, Customer, Rep, Sale, Visit
from salesproc.db.reads import between, report_order


@dataclass(frozen=True)
class CustomerRow:
    name: str
    grade: str
    category: str
    rep: str | None
    phone: str | None
    contact: str | None
    region: str | None
    visits: int
    last_visit: date | None
    lost_on: date | None


def customer_list(
    session: Session,
    grade: str | None = None,
    rep_id: int | None = None,
    category: str | None = None,
) -> list[CustomerRow]:
    """Customers by name, with the visit count and last visit of their kept schedule."""
    last = aliased(Visit)
    query = (
        select(
            Customer.name, Customer.grade, Customer.category, Rep.code, Customer.phone,
            Customer.contact, Customer.region, Customer.visit_count, last.visit_date,
            Customer.lost_on,
        )
        .outerjoin(last, last.id == Customer.last_visit_id)
        .outerjoin(Rep, Rep.id == Customer.rep_id)
        .order_by(bytewise(Customer.name_key))
    )  # fmt: skip
    if grade is not None:
        query = query.where(Customer.grade == grade)
    if rep_id is not None:
        query = query.where(Customer.rep_id == rep_id)
    if category is not None:
        query = query.where(Customer.category == category)
    return [CustomerRow(*row) for row in session.execute(query)]


def customer_sales(session: Session, customer_id: int) -> list[Sale]:
    query = select(Sale).where(Sale.customer_id == customer_id).order_by(Sale.sale_date, Sale.id)
    return list(session.scalars(query))


def rep_list(session: Session) -> list[Rep]:
    return list(session.scalars(select(Rep).order_by(bytewise(Rep.code))))


def has_data(session: Session) -> bool:
    return any(
        session.scalar(select(model.id).limit(1)) is not None
        for model in (Rep, Customer, Visit, Sale)
    )


def counts(session: Session) -> tuple[int, int, int]:
    """(reps, customers, visits): the size of a team's records, as `demo` reports it."""
    return tuple(  # type: ignore[return-value]
        session.scalar(select(func.count()).select_from(model)) or 0
        for model in (Rep, Customer, Visit)
    )


def delete_everything(session: Session) -> None:
    """Empty every table, children first (only `demo --force` asks for this)."""
    from salesproc.db.models import Base

    for table in reversed(Base.metadata.sorted_tables):
        session.execute(table.delete())


@dataclass(frozen=True)
class VisitRow:
    id: int
    date: date
    rep: str
    customer: str
    start: Any
    end: Any
    purposes: list[str]
    result: str | None
    outcome: str | None
    category: str
    next_visit: date
    note: str | None
    logged_at: Any


def visit_list(
    session: Session,
    rep_id: int | None = None,
    customer_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[VisitRow]:
    """Visits in report order: by day, then start time (none first), then time logged."""
    query = (
        select(
            Visit.id, Visit.visit_date, Rep.code, Customer.name, Visit.start_time, Visit.end_time,
            Visit.purposes, Visit.result, Visit.outcome, Visit.category, Visit.next_visit,
            Visit.note, Visit.logged_at,
        )
        .join(Rep, Rep.id == Visit.rep_id)
        .join(Customer, Customer.id == Visit.customer_id)
        .order_by(*report_order())
    )  # fmt: skip
    if rep_id is not None:
        query = query.where(Visit.rep_id == rep_id)
    if customer_id is not None:
        query = query.where(Visit.customer_id == customer_id)
    query = between(query, Visit.visit_date, start, end)
    return [
        VisitRow(i, day, rep, customer, begin, finish, purposes.split(","), *rest)
        for i, day, rep, customer, begin, finish, purposes, *rest in session.execute(query)
    ]


def monthly_sales(
    session: Session, year: int, rep_id: int | None = None, metric: str = "sales"
) -> list[int]:
    """The twelve months' sales (or collections) in cents of `year` (for a `last-year` split)."""
    fact, day = (
        (Collection, Collection.collection_date)
        if metric == "collections"
        else (Sale, Sale.sale_date)
    )
    month = func.extract("month", day)
    query = (
        select(month, func.sum(fact.amount_cents))
        .where(day >= date(year, 1, 1), day <= date(year, 12, 31))
        .group_by(month)
    )
    if rep_id is not None:
        query = query.where(fact.rep_id == rep_id)
    totals = {int(m): int(v) for m, v in session.execute(query)}
    return [totals.get(m, 0) for m in range(1, 13)]


@dataclass(frozen=True)
class CallRow:
    id: int
    date: date
    time: Any
    rep: str
    window: str | None
    verdict: str
    note: str | None
    #: the customer phoned to check a visit (`call log --customer`) and what they said
    customer: str | None = None
    confirmed: bool | None = None


def call_list(
    session: Session, rep_id: int | None = None, start: date | None = None, end: date | None = None
) -> list[CallRow]:
    """Calls made, oldest first."""
    from salesproc.db.models import Call

    query = (
        select(Call, Rep.code)
        .join(Rep, Rep.id == Call.rep_id)
        # a call without a time first, as SQLite sorts a NULL (PostgreSQL: last); ties by id
        .order_by(Call.day, Call.at.asc().nulls_first(), Call.id)
    )
    if rep_id is not None:
        query = query.where(Call.rep_id == rep_id)
    query = between(query, Call.day, start, end)
    return [
        CallRow(c.id, c.day, c.at, code, c.window, c.verdict, c.note)
        for c, code in session.execute(query)
    ]


@dataclass(frozen=True)
class FieldRow:
    id: int
    date: date
    region: str | None
    reps: list[str]
    customers: list[str]
    issue: str | None
    note: str | None
    status: str | None  #: open or resolved; None when the day found no issue
    resolution: str | None


def field_list(
    session: Session, start: date | None = None, end: date | None = None, status: str | None = None
) -> list[FieldRow]:
    """Days in the market, oldest first, with whom and what."""
    from sqlalchemy.orm import selectinload

    from salesproc.db.models import FieldDay

    query = (
        select(FieldDay)
        .options(selectinload(FieldDay.reps), selectinload(FieldDay.customers))
        .order_by(FieldDay.day, FieldDay.id)
    )
    query = between(query, FieldDay.day, start, end)
    if status == "open":
        query = query.where(FieldDay.issue.is_not(None), FieldDay.resolved_on.is_(None))
    elif status == "resolved":
        query = query.where(FieldDay.resolved_on.is_not(None))
    return [
        FieldRow(
            f.id, f.day, f.region, [r.code for r in f.reps], [c.name for c in f.customers],
            f.issue, f.note,
            None if f.issue is None else ("resolved" if f.resolved_on else "open"),
            f.resolution,
        )
        for f in session.scalars(query)
    ]  # fmt: skip


@dataclass(frozen=True)
class FieldSummary:
    days_in_market: int
    reps: dict[str, int]  #: days each rep was accompanied
    open_issues: dict[str, int]  #: open issues by kind


def field_summary(session: Session, start: date, end: date) -> FieldSummary:
    """Counted in SQL: distinct days in the market and per rep accompanied in [start, end];
    issues still open by kind."""
    from salesproc.db.models import FieldDay
    from salesproc.db.tables import field_day_reps

    in_range = and_(FieldDay.day >= start, FieldDay.day <= end)
    days = session.scalar(select(func.count(func.distinct(FieldDay.day))).where(in_range)) or 0
    reps = session.execute(
        select(Rep.code, func.count(func.distinct(FieldDay.day)))
        .join(field_day_reps, field_day_reps.c.rep_id == Rep.id)
        .join(FieldDay, FieldDay.id == field_day_reps.c.field_day_id)
        .where(in_range)
        .group_by(Rep.code)
        .order_by(bytewise(Rep.code))
    )
    issues = session.execute(
        select(FieldDay.issue, func.count())
        # an issue found before the year and still open is still open
        .where(FieldDay.issue.is_not(None), FieldDay.resolved_on.is_(None), FieldDay.day <= end)
        .group_by(FieldDay.issue)
        .order_by(bytewise(FieldDay.issue))
    )
    return FieldSummary(
        int(days), {code: int(n) for code, n in reps}, {kind: int(n) for kind, n in issues}
    )
