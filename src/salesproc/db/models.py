"""The tables, as SQLAlchemy 2 typed models.

Money is stored as integer cents. A visit keeps the customer's category *at
the time* and its own revisit date, so history never shifts when a customer
is regraded or recategorised later.
"""

from datetime import date, datetime, time

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from salesproc.db.collation import bytewise

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Rep(Base):
    __tablename__ = "reps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


#: ids never reused (a deleted record's id stays its own in the history): migration 0007
NEVER_REUSED = {"sqlite_autoincrement": True}


class Customer(Base):
    __tablename__ = "customers"
    __table_args__ = NEVER_REUSED

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    #: the name trimmed, whitespace folded and case-folded: what makes it unique
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    grade: Mapped[str] = mapped_column(String(1))
    category: Mapped[str] = mapped_column(String(10))
    rep_id: Mapped[int | None] = mapped_column(ForeignKey("reps.id"), index=True)
    contact: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(40))
    region: Mapped[str | None] = mapped_column(String(100))
    #: the day it became known: added, or the date of an earlier back-dated visit
    added_on: Mapped[date] = mapped_column(Date)
    won_on: Mapped[date | None] = mapped_column(Date)
    lost_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    # The visit schedule as of now, kept by `writes.refresh_schedules` after every visit
    # written, so today's due list is one index range instead of a seek per customer.
    #: the latest visit (no foreign key: customers and visits would refer to each other)
    last_visit_id: Mapped[int | None] = mapped_column(Integer)
    #: the latest visit's revisit date, or `added_on` when never visited
    next_due: Mapped[date] = mapped_column(Date, index=True)
    visit_count: Mapped[int] = mapped_column(Integer, default=0)
    #: for a won prospect, its visits up to and including the day it was won
    visits_to_win: Mapped[int | None] = mapped_column(Integer)

    rep: Mapped[Rep | None] = relationship()


class Visit(Base):
    """One row of the daily sales report (销售日报表)."""

    __tablename__ = "visits"
    __table_args__ = (
        # The latest visit of a customer as of a day: one index seek per customer.
        Index("ix_visits_customer_latest", "customer_id", "visit_date", "start_time", "logged_at"),
        # Visit counts per rep and day for the leaderboard's visit metric.
        Index("ix_visits_rep_date", "rep_id", "visit_date"),
        NEVER_REUSED,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rep_id: Mapped[int] = mapped_column(ForeignKey("reps.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    visit_date: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time | None] = mapped_column(Time)
    end_time: Mapped[time | None] = mapped_column(Time)
    #: comma-separated purposes in the form's order, e.g. "order,collection"
    purposes: Mapped[str] = mapped_column(String(80))
    result: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(10))
    #: the customer's category when visited (开发/新增/原有)
    category: Mapped[str] = mapped_column(String(10))
    next_visit: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    logged_at: Mapped[datetime] = mapped_column(DateTime)

    rep: Mapped[Rep] = relationship()
    customer: Mapped[Customer] = relationship()


class Sale(Base):
    __tablename__ = "sales"
    __table_args__ = (
        # Covering index for the leaderboard: sum(amount) per rep over a date range.
        Index("ix_sales_rep_date_amount", "rep_id", "sale_date", "amount_cents"),
        NEVER_REUSED,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rep_id: Mapped[int] = mapped_column(ForeignKey("reps.id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"))
    visit: Mapped[Visit | None] = relationship()
    sale_date: Mapped[date] = mapped_column(Date)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    ref: Mapped[str | None] = mapped_column(String(100))
    #: the `--key` value of an imported row: importing the same file again adds nothing
    source_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    #: a return (退货, a negative amount) names the sale it reverses, when known
    return_of_id: Mapped[int | None] = mapped_column(ForeignKey("sales.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    rep: Mapped[Rep] = relationship()
    customer: Mapped[Customer | None] = relationship()


class Collection(Base):
    """Money collected from a customer (回款): how most teams are judged besides orders."""

    __tablename__ = "collections"
    __table_args__ = (
        # Covering index for the leaderboard by collections, as for sales.
        Index("ix_collections_rep_date_amount", "rep_id", "collection_date", "amount_cents"),
        NEVER_REUSED,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rep_id: Mapped[int] = mapped_column(ForeignKey("reps.id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"))
    collection_date: Mapped[date] = mapped_column(Date)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    ref: Mapped[str | None] = mapped_column(String(100))
    #: the `--key` value of an imported row, as for sales
    source_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    rep: Mapped[Rep] = relationship()
    customer: Mapped[Customer | None] = relationship()
    visit: Mapped[Visit | None] = relationship()


class Change(Base):
    """The history: one row for every edit, delete or merge of a record, never changed itself.

    Adding a record is not a change: its own logged time says when it came.
    `before` and `after` are the record's values as JSON (null when deleted).
    """

    __tablename__ = "history"
    __table_args__ = (Index("ix_history_kind_record", "kind", "record_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    #: config `user`, else the login name
    user: Mapped[str] = mapped_column(String(100))
    #: visit, sale, collection, customer, rep, target or flag (an audit flag's review)
    kind: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int] = mapped_column(Integer)
    #: edit, delete, merge, reassign, …
    action: Mapped[str] = mapped_column(String(20))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)


class DailyReport(Base):
    """The header of a rep's daily report: one per rep and day (区域, 天气)."""

    __tablename__ = "daily_reports"
    __table_args__ = (UniqueConstraint("rep_id", "report_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rep_id: Mapped[int] = mapped_column(ForeignKey("reps.id"))
    report_date: Mapped[date] = mapped_column(Date)
    region: Mapped[str | None] = mapped_column(String(100))
    weather: Mapped[str | None] = mapped_column(String(100))


class Target(Base):
    """One month of an annual sales target (销售目标), a rep's or, with no rep, the team's.

    Months are what is stored: quarters and weeks follow from them and the
    working-day calendar, and a month set by hand simply replaces its row. A
    team row has no rep, so its uniqueness is kept by `writes`, not by the
    constraint (SQL lets NULLs repeat).
    """

    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("rep_id", "metric", "year", "month"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rep_id: Mapped[int | None] = mapped_column(ForeignKey("reps.id"))
    #: what the target counts: "sales" or "collections"
    metric: Mapped[str] = mapped_column(String(12), default="sales", server_default="sales")
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    #: how the month got its amount: the year's split (even, workdays, …) or "month" (by hand)
    split: Mapped[str] = mapped_column(String(120))
    set_at: Mapped[datetime] = mapped_column(DateTime)

    rep: Mapped[Rep | None] = relationship()


class Broadcast(Base):
    """The outbox: each attempt to send a day's edition of the message to one channel.

    A retried cron job reads it to send only where no attempt has succeeded
    or may have (one still `sending`), so the team is never messaged twice.
    """

    __tablename__ = "broadcasts"
    __table_args__ = (Index("ix_broadcasts_day_edition_channel", "day", "edition", "channel"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    edition: Mapped[str] = mapped_column(String(10))
    channel: Mapped[str] = mapped_column(String(100))
    #: SHA-256 of the message sent, to tell a resend of the same text from a changed one
    digest: Mapped[str] = mapped_column(String(64))
    #: `sending` (committed before the send), then `sent` or `failed` (`db.outbox`)
    status: Mapped[str] = mapped_column(String(10))
    #: when the attempt started
    at: Mapped[datetime] = mapped_column(DateTime)
    error: Mapped[str | None] = mapped_column(Text)


class Call(Base):
    """A check-in call the supervisor made to a rep (一个电话), and what it found."""

    __tablename__ = "calls"
    __table_args__ = (Index("ix_calls_rep_day", "rep_id", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rep_id: Mapped[int] = mapped_column(ForeignKey("reps.id"))
    day: Mapped[date] = mapped_column(Date, index=True)
    at: Mapped[time | None] = mapped_column(Time)
    #: the call-plan window it fell in (morning, noon, after-work, evening), or none
    window: Mapped[str | None] = mapped_column(String(12))
    verdict: Mapped[str] = mapped_column(String(10))
    note: Mapped[str | None] = mapped_column(Text)
    logged_at: Mapped[datetime] = mapped_column(DateTime)
    #: the customer the supervisor phoned to check a visit (`call log --customer`), the
    #: visit it checked, and whether the customer confirmed it (None: no customer phoned)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id", ondelete="SET NULL"))
    confirmed: Mapped[bool | None] = mapped_column(Boolean)

    rep: Mapped[Rep] = relationship()


class AuditReview(Base):
    """The supervisor's judgement on one audit flag, by the flag's stable id: dismissed
    (checked and honest: the flag does not return) or confirmed (checked and true)."""

    __tablename__ = "audit_reviews"
    __table_args__ = (Index("ix_audit_reviews_day", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    flag_id: Mapped[str] = mapped_column(String(16), unique=True)
    rule: Mapped[str] = mapped_column(String(30))
    rep_id: Mapped[int] = mapped_column(ForeignKey("reps.id"))
    day: Mapped[date] = mapped_column(Date)
    from_day: Mapped[date | None] = mapped_column(Date)
    #: dismissed | confirmed
    verdict: Mapped[str] = mapped_column(String(10))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime)

    rep: Mapped[Rep] = relationship()


field_day_reps = Table(
    "field_day_reps",
    Base.metadata,
    Column("field_day_id", ForeignKey("field_days.id", ondelete="CASCADE"), primary_key=True),
    Column("rep_id", ForeignKey("reps.id"), primary_key=True),
)
field_day_customers = Table(
    "field_day_customers",
    Base.metadata,
    Column("field_day_id", ForeignKey("field_days.id", ondelete="CASCADE"), primary_key=True),
    Column("customer_id", ForeignKey("customers.id"), primary_key=True),
)


class FieldDay(Base):
    """A supervisor's day in the market (走动管理): whom it went with, whom it saw, what it found.

    An issue found on site (窜货, 乱价, …) stays open until resolved, with how.
    """

    __tablename__ = "field_days"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    region: Mapped[str | None] = mapped_column(String(100))
    issue: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_on: Mapped[date | None] = mapped_column(Date)
    logged_at: Mapped[datetime] = mapped_column(DateTime)

    reps: Mapped[list[Rep]] = relationship(secondary=field_day_reps, order_by=bytewise(Rep.code))
    customers: Mapped[list[Customer]] = relationship(
        secondary=field_day_customers, order_by=bytewise(Customer.name)
    )


class TeamUser(Base):
    """A database login of team mode (PostgreSQL): its role, and for a rep the rep it logs as.

    The row-level security policies read it through `current_user` (migration 0009).
    """

    __tablename__ = "team_users"

    login: Mapped[str] = mapped_column(String(63), primary_key=True)
    #: supervisor | rep
    role: Mapped[str] = mapped_column(String(12))
    rep_id: Mapped[int | None] = mapped_column(ForeignKey("reps.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)


#: The per-rep-and-day totals the leaderboard publishes: views (migration 0009) that a rep's
#: login may read on PostgreSQL where it may not read a colleague's rows. Kept out of
#: `Base.metadata`: they are views, not tables to create.
PUBLISHED = MetaData()
rep_day_visits = Table(
    "rep_day_visits",
    PUBLISHED,
    Column("rep_id", Integer),
    Column("day", Date),
    Column("visits", Integer),
)
rep_day_sales = Table(
    "rep_day_sales",
    PUBLISHED,
    Column("rep_id", Integer),
    Column("day", Date),
    Column("amount_cents", BigInteger),
)
rep_day_collections = Table(
    "rep_day_collections",
    PUBLISHED,
    Column("rep_id", Integer),
    Column("day", Date),
    Column("amount_cents", BigInteger),
)
