"""The other reports' reads, over the ORM models: lists, the daily report, the audit's facts.

The daily commands' reads (due list, four-visit rule, leaderboards, targets)
live in `db.reads`, over Core tables, so that a daily command never imports
the ORM; they are importable from here as before.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Select, and_, case, func, select
from sqlalchemy.orm import Session, aliased

from salesproc.db.collation import bytewise
from salesproc.db.models import Collection, Customer, Rep, Sale, Visit
from salesproc.db.reads import (  # noqa: F401  (the daily reads, importable from here as before)
    BroadcastRow,
    DailyReportRow,
    DueRow,
    ProspectRow,
    RankRow,
    TargetYear,
    _prospect_on,
    between,
    broadcast_log,
    daily_reports,
    due_list,
    due_on,
    four_visit,
    latest_first,
    latest_visit_id,
    leaderboard,
    published_reps,
    published_total,
    report_order,
    sales_total,
    target_years,
    visit_count,
)
from salesproc.rules.vocab import Category, Purpose

if TYPE_CHECKING:
    from salesproc.rules.audit import Facts


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


def recent_windows(session: Session, before: date) -> dict[str, list[str]]:
    """Each rep's last two logged call windows before `before`, most recent first."""
    from salesproc.db.models import Call

    recent = (
        select(
            Rep.code,
            Call.window,
            func.row_number()
            .over(
                partition_by=Call.rep_id, order_by=(Call.day.desc(), Call.at.desc(), Call.id.desc())
            )
            .label("n"),
        )
        .join(Rep, Rep.id == Call.rep_id)
        .where(Call.day < before, Call.window.is_not(None))
        .subquery()
    )
    found: dict[str, list[str]] = {}
    for code, window in session.execute(
        select(recent.c.code, recent.c.window)
        .where(recent.c.n <= 2)
        .order_by(recent.c.n, bytewise(recent.c.code))
    ):
        found.setdefault(code, []).append(window)
    return found


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
    from salesproc.db.models import FieldDay, field_day_reps

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


def _active_reps() -> Select[tuple[int]]:
    """Active reps' ids: as `rep_id IN (…)` it lets a day's visits use (rep_id, visit_date)."""
    return select(Rep.id).where(Rep.active.is_(True))


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


def day_visits(session: Session, day: date) -> list[DayVisit]:
    """Every visit of `day` with the customer's contact and phone: what a call can cross-check."""
    sold = (
        select(Sale.id)
        .where(Sale.customer_id == Visit.customer_id, Sale.sale_date >= Visit.visit_date,
               Sale.amount_cents > 0)
        .exists()
    )  # fmt: skip
    unsold = and_(Visit.purposes.contains(Purpose.ORDER.value), ~sold)
    query = (
        select(Rep.code, Customer.name, Visit.start_time, Visit.end_time, Customer.contact,
               Customer.phone, Visit.id, unsold)
        .join(Rep, Rep.id == Visit.rep_id)
        .join(Customer, Customer.id == Visit.customer_id)
        .where(Visit.rep_id.in_(_active_reps()), Visit.visit_date == day)
        .order_by(bytewise(Rep.code), *report_order())
    )  # fmt: skip
    return [DayVisit(*row) for row in session.execute(query)]


#: how far ahead a revisit is agreed, at most, for the call plan's look-back
PROMISE_HORIZON = timedelta(days=92)


@dataclass(frozen=True)
class PromiseRow:
    rep: str
    customer: str
    due: date
    visited: bool


def promises(session: Session, start: date, end: date) -> list[PromiseRow]:
    """Revisits promised (预定再访时间) for `start`–`end`, and whether a visit came by then."""
    later = aliased(Visit)
    kept = (
        select(later.id)
        .where(
            later.customer_id == Visit.customer_id,
            later.visit_date > Visit.visit_date,
            later.visit_date <= Visit.next_visit,
        )
        .exists()
    )
    query = (
        select(Rep.code, Customer.name, Visit.next_visit, kept)
        .join(Rep, Rep.id == Visit.rep_id)
        .join(Customer, Customer.id == Visit.customer_id)
        .where(
            # by rep and visit date, so the index on (rep_id, visit_date) serves: a promise is
            # made at most PROMISE_HORIZON before it falls due
            Visit.rep_id.in_(_active_reps()),
            Visit.visit_date >= start - PROMISE_HORIZON,
            Visit.next_visit >= start,
            Visit.next_visit <= end,
        )
        .order_by(bytewise(Rep.code), Visit.next_visit, bytewise(Customer.name), Visit.id)
    )
    return [
        PromiseRow(code, name, due, bool(done)) for code, name, due, done in session.execute(query)
    ]


def audit_facts(
    session: Session, start: date, end: date, today: date, rep_id: int | None = None
) -> "Facts":
    """What `rules.audit` reads for the window [start, end] (see `audit.Facts`).

    Visits from `audit.BASELINE` before the window through today (the evidence
    across records reads the window against those weeks), and, of the
    customers an older visit (up to PROMISE_HORIZON before) promised a revisit
    in the window, every visit from then on, so that the promise is seen with
    whatever came after it; an older visit that promised nothing in the window
    raises no flag in it, so it is left out. Sales of the whole months the
    window touches, summed by rep and day.
    """
    from salesproc.db.models import Call, DailyReport
    from salesproc.rules import audit
    from salesproc.rules.targets import month_bounds

    def mine(column: Any) -> list[ColumnElement[bool]]:
        return [] if rep_id is None else [column == rep_id]

    def recent(column: Any, default: Any = None) -> ColumnElement[Any]:
        """The column for the visits the evidence across records reads, else `default`:
        the look-back for missed revisits needs no text."""
        return case((Visit.visit_date >= recent_from, column), else_=default)

    older = start - PROMISE_HORIZON
    recent_from = start - audit.BASELINE
    promised_in = (
        select(Visit.customer_id)
        .where(Visit.visit_date >= older, Visit.visit_date < recent_from,
               Visit.next_visit >= start)
        .scalar_subquery()
    )  # fmt: skip
    from sqlalchemy import union_all

    def visit_facts(*where: ColumnElement[bool]) -> Select:  # type: ignore[type-arg]
        # every rep's: a customer's next visit may be another rep's (the caller keeps one rep's)
        return (
            select(
                Visit.id.label("visit_id"), Rep.code, Visit.visit_date, Visit.start_time,
                Visit.end_time, Visit.logged_at, Visit.customer_id, Customer.name, Customer.phone,
                Visit.next_visit, Visit.outcome, recent(Visit.purposes, ""), recent(Visit.result),
                Customer.region,
            )
            .join(Rep, Rep.id == Visit.rep_id)
            .join(Customer, Customer.id == Visit.customer_id)
            .where(*where)
        )  # fmt: skip

    # two date ranges that do not meet, each an index range of its own: as one OR, SQLite
    # reads the older range once per rep and costs the audit most of its query time
    visits = session.connection().execute(
        union_all(
            visit_facts(Visit.visit_date >= recent_from, Visit.visit_date <= today),
            visit_facts(Visit.visit_date >= older, Visit.visit_date < recent_from,
                        Visit.visit_date <= today, Visit.customer_id.in_(promised_in)),
        ).order_by("visit_id")  # every listing in one order on every database
    )  # fmt: skip
    # a rep imported with its history joined when its first visit says, not when it was added
    first_visit = select(func.min(Visit.visit_date)).where(Visit.rep_id == Rep.id).scalar_subquery()
    reps = session.execute(
        select(Rep.code, Rep.created_at, first_visit)
        .where(Rep.active.is_(True), *mine(Rep.id))
        .order_by(bytewise(Rep.code))
    )
    first, last = start.replace(day=1), month_bounds(end.year, end.month)[1]
    sales = session.execute(
        select(Rep.code, Sale.sale_date, func.sum(Sale.amount_cents))
        .join(Rep, Rep.id == Sale.rep_id)
        .where(Sale.sale_date >= first, Sale.sale_date <= last, *mine(Sale.rep_id))
        .group_by(Rep.code, Sale.sale_date)
        .order_by(bytewise(Rep.code), Sale.sale_date)
    )
    lost = session.execute(
        select(Rep.code, Customer.name, Customer.lost_on, visit_count(Customer.lost_on))
        .join(Rep, Rep.id == Customer.rep_id)
        .where(_prospect_on(end), Customer.lost_on >= start, Customer.lost_on <= end,
               *mine(Customer.rep_id))
        .order_by(Customer.id)
    )  # fmt: skip
    from salesproc.db.changes import visit_edits

    edits = visit_edits(session, start, rep_id)
    # edited-after-call: the calls from the earliest edited visit's day, as it stood, on
    calls_from = min([start, *(e.day_before for e in edits)])
    calls = session.execute(
        select(Rep.code, Call.day, Call.at, Call.verdict, Call.note, Call.logged_at,
               Call.visit_id, Visit.visit_date, Customer.name, Call.confirmed)
        .join(Rep, Rep.id == Call.rep_id)
        # the visit a customer was phoned about, and that customer (unconfirmed-visit): a visit
        # in the window is phoned about on or after its day, so these calls cover it
        .outerjoin(Visit, Visit.id == Call.visit_id)
        .outerjoin(Customer, Customer.id == Call.customer_id)
        .where(Call.day >= calls_from, Call.day <= max(end, today), *mine(Call.rep_id))
        .order_by(Call.id)
    )  # fmt: skip
    # the orders (sales net of the returns that name them) from the baseline's look-back on:
    # what an order visit is checked against, and each customer's usual order
    returned = (
        select(Sale.return_of_id.label("sale_id"), func.sum(Sale.amount_cents).label("cents"))
        .where(Sale.return_of_id.is_not(None))
        .group_by(Sale.return_of_id)
        .subquery()
    )
    orders = session.connection().execute(
        select(
            Rep.code, Sale.customer_id, func.coalesce(Customer.name, ""), Sale.sale_date,
            Sale.amount_cents + func.coalesce(returned.c.cents, 0),
        )
        .join(Rep, Rep.id == Sale.rep_id)
        .outerjoin(Customer, Customer.id == Sale.customer_id)
        .outerjoin(returned, returned.c.sale_id == Sale.id)
        .where(Sale.sale_date >= recent_from, Sale.sale_date <= today, Sale.amount_cents > 0)
        .order_by(Sale.sale_date, Sale.id)
    )  # fmt: skip
    reports = session.execute(
        select(
            Rep.code, DailyReport.report_date, func.coalesce(DailyReport.region, Rep.region),
            DailyReport.weather,
        )
        .join(Rep, Rep.id == DailyReport.rep_id)
        .where(DailyReport.report_date >= start, DailyReport.report_date <= end,
               DailyReport.weather.is_not(None))
        .order_by(DailyReport.id)
    )  # fmt: skip
    last = aliased(Visit)
    prospects = session.execute(
        select(Rep.code, Customer.name, Customer.visit_count, last.visit_date, last.next_visit)
        .join(Rep, Rep.id == Customer.rep_id)
        .join(last, last.id == Customer.last_visit_id)
        .where(Customer.category == Category.PROSPECT, Customer.lost_on.is_(None),
               Customer.visit_count >= 1, *mine(Customer.rep_id))
        .order_by(Customer.id)
    )  # fmt: skip
    return audit.Facts(
        visits=tuple(map(audit.VisitFact._make, visits.all())),  # rows in one fetch
        reps=tuple(
            audit.RepFact(code, min(created.date(), first or created.date()))
            for code, created, first in reps
        ),
        sales=tuple(audit.SalesDay(code, day, int(cents)) for code, day, cents in sales),
        lost=tuple(audit.LostProspect(*row) for row in lost),
        calls=tuple(audit.CallFact(*row) for row in calls),
        edits=tuple(edits),
        orders=tuple(map(audit.SaleFact._make, orders.all())),
        reports=tuple(audit.ReportFact(*row) for row in reports),
        prospects=tuple(audit.OpenProspect(*row) for row in prospects),
    )
