"""The ORM classes the writes use, mapped onto the tables of `db.tables`.

The schema is defined once, there, as Core tables, so that a read imports no
ORM; these classes add the typed attributes and the relationships. Money is
stored as integer cents (see `db.tables`).
"""

from datetime import date, datetime, time

from sqlalchemy.orm import DeclarativeBase, Mapped, relationship

from salesproc.db import tables
from salesproc.db.collation import bytewise


class Base(DeclarativeBase):
    metadata = tables.metadata


class Rep(Base):
    __table__ = tables.reps

    id: Mapped[int]
    code: Mapped[str]
    name: Mapped[str]
    region: Mapped[str | None]
    phone: Mapped[str | None]
    active: Mapped[bool]
    created_at: Mapped[datetime]


class Customer(Base):
    __table__ = tables.customers

    id: Mapped[int]
    name: Mapped[str]
    #: the name trimmed, whitespace folded and case-folded: what makes it unique
    name_key: Mapped[str]
    grade: Mapped[str]
    category: Mapped[str]
    rep_id: Mapped[int | None]
    contact: Mapped[str | None]
    phone: Mapped[str | None]
    region: Mapped[str | None]
    #: the day it became known: added, or the date of an earlier back-dated visit
    added_on: Mapped[date]
    won_on: Mapped[date | None]
    lost_on: Mapped[date | None]
    created_at: Mapped[datetime]

    # The visit schedule as of now, kept by `writes.refresh_schedules` after every visit
    # written, so today's due list is one index range instead of a seek per customer.
    #: the latest visit (no foreign key: customers and visits would refer to each other)
    last_visit_id: Mapped[int | None]
    #: the latest visit's revisit date, or `added_on` when never visited
    next_due: Mapped[date]
    visit_count: Mapped[int]
    #: for a won prospect, its visits up to and including the day it was won
    visits_to_win: Mapped[int | None]

    rep: Mapped[Rep | None] = relationship()


class Visit(Base):
    """One row of the daily sales report (销售日报表)."""

    __table__ = tables.visits

    id: Mapped[int]
    rep_id: Mapped[int]
    customer_id: Mapped[int]
    visit_date: Mapped[date]
    start_time: Mapped[time | None]
    end_time: Mapped[time | None]
    #: comma-separated purposes in the form's order, e.g. "order,collection"
    purposes: Mapped[str]
    result: Mapped[str | None]
    outcome: Mapped[str | None]
    #: the customer's category when visited (开发/新增/原有)
    category: Mapped[str]
    next_visit: Mapped[date]
    note: Mapped[str | None]
    logged_at: Mapped[datetime]

    rep: Mapped[Rep] = relationship()
    customer: Mapped[Customer] = relationship()


class Sale(Base):
    __table__ = tables.sales

    id: Mapped[int]
    rep_id: Mapped[int]
    customer_id: Mapped[int | None]
    visit_id: Mapped[int | None]
    visit: Mapped[Visit | None] = relationship()
    sale_date: Mapped[date]
    amount_cents: Mapped[int]
    ref: Mapped[str | None]
    #: the `--key` value of an imported row: importing the same file again adds nothing
    source_key: Mapped[str | None]
    #: a return (退货, a negative amount) names the sale it reverses, when known
    return_of_id: Mapped[int | None]
    created_at: Mapped[datetime]

    rep: Mapped[Rep] = relationship()
    customer: Mapped[Customer | None] = relationship()


class Collection(Base):
    """Money collected from a customer (回款): how most teams are judged besides orders."""

    __table__ = tables.collections

    id: Mapped[int]
    rep_id: Mapped[int]
    customer_id: Mapped[int | None]
    visit_id: Mapped[int | None]
    collection_date: Mapped[date]
    amount_cents: Mapped[int]
    ref: Mapped[str | None]
    #: the `--key` value of an imported row, as for sales
    source_key: Mapped[str | None]
    created_at: Mapped[datetime]

    rep: Mapped[Rep] = relationship()
    customer: Mapped[Customer | None] = relationship()
    visit: Mapped[Visit | None] = relationship()


class Change(Base):
    """The history: one row for every edit, delete or merge of a record, never changed itself.

    Adding a record is not a change: its own logged time says when it came.
    `before` and `after` are the record's values as JSON (null when deleted).
    """

    __table__ = tables.history

    id: Mapped[int]
    at: Mapped[datetime]
    #: config `user`, else the login name
    user: Mapped[str]
    #: visit, sale, collection, customer, rep, target or flag (an audit flag's review)
    kind: Mapped[str]
    record_id: Mapped[int]
    #: edit, delete, merge, reassign, …
    action: Mapped[str]
    before: Mapped[str | None]
    after: Mapped[str | None]


class DailyReport(Base):
    """The header of a rep's daily report: one per rep and day (区域, 天气)."""

    __table__ = tables.daily_reports

    id: Mapped[int]
    rep_id: Mapped[int]
    report_date: Mapped[date]
    region: Mapped[str | None]
    weather: Mapped[str | None]


class Target(Base):
    """One month of an annual sales target (销售目标), a rep's or, with no rep, the team's.

    Months are what is stored: quarters and weeks follow from them and the
    working-day calendar, and a month set by hand simply replaces its row. A
    team row has no rep, so its uniqueness is kept by `writes`, not by the
    constraint (SQL lets NULLs repeat).
    """

    __table__ = tables.targets

    id: Mapped[int]
    rep_id: Mapped[int | None]
    #: what the target counts: "sales" or "collections"
    metric: Mapped[str]
    year: Mapped[int]
    month: Mapped[int]
    amount_cents: Mapped[int]
    #: how the month got its amount: the year's split (even, workdays, …) or "month" (by hand)
    split: Mapped[str]
    set_at: Mapped[datetime]

    rep: Mapped[Rep | None] = relationship()


class Broadcast(Base):
    """The outbox: each attempt to send a day's edition of the message to one channel.

    A retried cron job reads it to send only where no attempt has succeeded
    or may have (one still `sending`), so the team is never messaged twice.
    """

    __table__ = tables.broadcasts

    id: Mapped[int]
    day: Mapped[date]
    edition: Mapped[str]
    channel: Mapped[str]
    #: SHA-256 of the message sent, to tell a resend of the same text from a changed one
    digest: Mapped[str]
    #: `sending` (committed before the send), then `sent` or `failed` (`db.outbox`)
    status: Mapped[str]
    #: when the attempt started
    at: Mapped[datetime]
    error: Mapped[str | None]


class Call(Base):
    """A check-in call the supervisor made to a rep (一个电话), and what it found."""

    __table__ = tables.calls

    id: Mapped[int]
    rep_id: Mapped[int]
    day: Mapped[date]
    at: Mapped[time | None]
    #: the call-plan window it fell in (morning, noon, after-work, evening), or none
    window: Mapped[str | None]
    verdict: Mapped[str]
    note: Mapped[str | None]
    logged_at: Mapped[datetime]
    #: the customer the supervisor phoned to check a visit (`call log --customer`), the
    #: visit it checked, and whether the customer confirmed it (None: no customer phoned)
    customer_id: Mapped[int | None]
    visit_id: Mapped[int | None]
    confirmed: Mapped[bool | None]

    rep: Mapped[Rep] = relationship()


class AuditReview(Base):
    """The supervisor's judgement on one audit flag, by the flag's stable id: dismissed
    (checked and honest: the flag does not return) or confirmed (checked and true)."""

    __table__ = tables.audit_reviews

    id: Mapped[int]
    flag_id: Mapped[str]
    rule: Mapped[str]
    rep_id: Mapped[int]
    day: Mapped[date]
    from_day: Mapped[date | None]
    #: dismissed | confirmed
    verdict: Mapped[str]
    note: Mapped[str | None]
    at: Mapped[datetime]

    rep: Mapped[Rep] = relationship()


class FieldDay(Base):
    """A supervisor's day in the market (走动管理): whom it went with, whom it saw, what it found.

    An issue found on site (窜货, 乱价, …) stays open until resolved, with how.
    """

    __table__ = tables.field_days

    id: Mapped[int]
    day: Mapped[date]
    region: Mapped[str | None]
    issue: Mapped[str | None]
    note: Mapped[str | None]
    resolution: Mapped[str | None]
    resolved_on: Mapped[date | None]
    logged_at: Mapped[datetime]

    reps: Mapped[list[Rep]] = relationship(
        secondary=tables.field_day_reps, order_by=bytewise(Rep.code)
    )
    customers: Mapped[list[Customer]] = relationship(
        secondary=tables.field_day_customers, order_by=bytewise(Customer.name)
    )


class TeamUser(Base):
    """A database login of team mode (PostgreSQL): its role, and for a rep the rep it logs as.

    The row-level security policies read it through `current_user` (migration 0009).
    """

    __table__ = tables.team_users

    login: Mapped[str]
    #: supervisor | rep
    role: Mapped[str]
    rep_id: Mapped[int | None]
    created_at: Mapped[datetime]
