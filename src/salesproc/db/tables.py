"""The schema, once, as SQLAlchemy Core tables: what every read path queries.

The daily commands read through these tables alone, so a read never loads the
ORM (a third of a command's start-up); `db.models` maps its classes onto the
same `Table` objects for the writes. Money is stored as integer cents. A visit
keeps the customer's category *at the time* and its own revisit date, so
history never shifts when a customer is regraded or recategorised later.
"""

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
    text,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

#: ids never reused (a deleted record's id stays its own in the history): migration 0007
NEVER_REUSED = {"sqlite_autoincrement": True}


def _id() -> Column[int]:
    return Column("id", Integer, primary_key=True)


def _ref(
    name: str, target: str, *, nullable: bool, index: bool | None = None, **fk: str
) -> Column[int]:
    """A foreign key column: an integer, as the ORM would infer it from its target."""
    return Column(name, Integer, ForeignKey(target, **fk), nullable=nullable, index=index)


reps = Table(
    "reps",
    metadata,
    _id(),
    Column("code", String(40), nullable=False, unique=True),
    Column("name", String(100), nullable=False),
    Column("region", String(100)),
    Column("phone", String(40)),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime, nullable=False),
)

customers = Table(
    "customers",
    metadata,
    _id(),
    Column("name", String(200), nullable=False),
    # the name trimmed, whitespace folded and case-folded: what makes it unique
    Column("name_key", String(200), nullable=False, unique=True),
    Column("grade", String(1), nullable=False),
    Column("category", String(10), nullable=False),
    _ref("rep_id", "reps.id", nullable=True, index=True),
    Column("contact", String(100)),
    Column("phone", String(40)),
    Column("region", String(100)),
    # the day it became known: added, or the date of an earlier back-dated visit
    Column("added_on", Date, nullable=False),
    Column("won_on", Date),
    Column("lost_on", Date),
    Column("created_at", DateTime, nullable=False),
    # The visit schedule as of now, kept by `writes.refresh_schedules` after every visit
    # written, so today's due list is one index range instead of a seek per customer.
    # the latest visit (no foreign key: customers and visits would refer to each other)
    Column("last_visit_id", Integer),
    # the latest visit's revisit date, or `added_on` when never visited
    Column("next_due", Date, nullable=False, index=True),
    Column("visit_count", Integer, nullable=False, default=0),
    # for a won prospect, its visits up to and including the day it was won
    Column("visits_to_win", Integer),
    **NEVER_REUSED,
)

visits = Table(
    "visits",
    metadata,
    _id(),
    _ref("rep_id", "reps.id", nullable=False),
    _ref("customer_id", "customers.id", nullable=False),
    Column("visit_date", Date, nullable=False),
    Column("start_time", Time),
    Column("end_time", Time),
    # comma-separated purposes in the form's order, e.g. "order,collection"
    Column("purposes", String(80), nullable=False),
    Column("result", Text),
    Column("outcome", String(10)),
    # the customer's category when visited (开发/新增/原有)
    Column("category", String(10), nullable=False),
    Column("next_visit", Date, nullable=False),
    Column("note", Text),
    Column("logged_at", DateTime, nullable=False),
    # The latest visit of a customer as of a day: one index seek per customer.
    Index("ix_visits_customer_latest", "customer_id", "visit_date", "start_time", "logged_at"),
    # Visit counts per rep and day for the leaderboard's visit metric.
    Index("ix_visits_rep_date", "rep_id", "visit_date"),
    # The customers the visits of some weeks promised a revisit from a day on, read from the
    # index alone: the audit's look-back.
    Index("ix_visits_date_next", "visit_date", "next_visit", "customer_id"),
    **NEVER_REUSED,
)

sales = Table(
    "sales",
    metadata,
    _id(),
    _ref("rep_id", "reps.id", nullable=False),
    _ref("customer_id", "customers.id", nullable=True, index=True),
    _ref("visit_id", "visits.id", nullable=True, index=True),  # a visit's sale: the daily report
    Column("sale_date", Date, nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    Column("ref", String(100)),
    # the `--key` value of an imported row: importing the same file again adds nothing
    Column("source_key", String(200), unique=True),
    # a return (退货, a negative amount) names the sale it reverses, when known
    _ref("return_of_id", "sales.id", nullable=True, index=True),
    Column("created_at", DateTime, nullable=False),
    # Covering index for the leaderboard: sum(amount) per rep over a date range.
    Index("ix_sales_rep_date_amount", "rep_id", "sale_date", "amount_cents"),
    **NEVER_REUSED,
)

collections = Table(
    "collections",
    metadata,
    _id(),
    _ref("rep_id", "reps.id", nullable=False),
    _ref("customer_id", "customers.id", nullable=True, index=True),
    _ref("visit_id", "visits.id", nullable=True, index=True),  # a visit's collection
    Column("collection_date", Date, nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    Column("ref", String(100)),
    # the `--key` value of an imported row, as for sales
    Column("source_key", String(200), unique=True),
    Column("created_at", DateTime, nullable=False),
    # Covering index for the leaderboard by collections, as for sales.
    Index("ix_collections_rep_date_amount", "rep_id", "collection_date", "amount_cents"),
    **NEVER_REUSED,
)

history = Table(
    "history",
    metadata,
    _id(),
    Column("at", DateTime, nullable=False, index=True),
    # config `user`, else the login name
    Column("user", String(100), nullable=False),
    # visit, sale, collection, customer, rep, target or flag (an audit flag's review)
    Column("kind", String(20), nullable=False),
    Column("record_id", Integer, nullable=False),
    # edit, delete, merge, reassign, …
    Column("action", String(20), nullable=False),
    Column("before", Text),
    Column("after", Text),
    Index("ix_history_kind_record", "kind", "record_id"),
)

daily_reports = Table(
    "daily_reports",
    metadata,
    _id(),
    _ref("rep_id", "reps.id", nullable=False),
    Column("report_date", Date, nullable=False),
    Column("region", String(100)),
    Column("weather", String(100)),
    UniqueConstraint("rep_id", "report_date"),
)

targets = Table(
    "targets",
    metadata,
    _id(),
    _ref("rep_id", "reps.id", nullable=True),
    # what the target counts: "sales" or "collections"
    Column("metric", String(12), nullable=False, default="sales", server_default="sales"),
    Column("year", Integer, nullable=False),
    Column("month", Integer, nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    # how the month got its amount: the year's split (even, workdays, …) or "month" (by hand)
    Column("split", String(120), nullable=False),
    Column("set_at", DateTime, nullable=False),
    UniqueConstraint("rep_id", "metric", "year", "month"),
)

broadcasts = Table(
    "broadcasts",
    metadata,
    _id(),
    Column("day", Date, nullable=False),
    Column("edition", String(10), nullable=False),
    Column("channel", String(100), nullable=False),
    # SHA-256 of the message sent, to tell a resend of the same text from a changed one
    Column("digest", String(64), nullable=False),
    # `sending` (committed before the send), then `sent` or `failed` (`db.outbox`)
    Column("status", String(10), nullable=False),
    # when the attempt started
    Column("at", DateTime, nullable=False),
    Column("error", Text),
    Index("ix_broadcasts_day_edition_channel", "day", "edition", "channel"),
    # one attempt `sending` at a time: two runs started together cannot both send.
    # Migration 0010 makes the same partial index on PostgreSQL; naming `postgresql_where`
    # here would load that dialect in every command that imports the tables.
    Index(
        "ux_broadcasts_one_sending",
        "day",
        "edition",
        "channel",
        unique=True,
        sqlite_where=text("status = 'sending'"),
    ),
)

calls = Table(
    "calls",
    metadata,
    _id(),
    _ref("rep_id", "reps.id", nullable=False),
    Column("day", Date, nullable=False, index=True),
    Column("at", Time),
    # the call-plan window it fell in (morning, noon, after-work, evening), or none
    Column("window", String(12)),
    Column("verdict", String(10), nullable=False),
    Column("note", Text),
    Column("logged_at", DateTime, nullable=False),
    # the customer the supervisor phoned to check a visit (`call log --customer`), the
    # visit it checked, and whether the customer confirmed it (None: no customer phoned)
    _ref("customer_id", "customers.id", nullable=True),
    _ref("visit_id", "visits.id", nullable=True, ondelete="SET NULL"),
    Column("confirmed", Boolean),
    Index("ix_calls_rep_day", "rep_id", "day"),
)

audit_reviews = Table(
    "audit_reviews",
    metadata,
    _id(),
    Column("flag_id", String(16), nullable=False, unique=True),
    Column("rule", String(30), nullable=False),
    _ref("rep_id", "reps.id", nullable=False),
    Column("day", Date, nullable=False),
    Column("from_day", Date),
    # dismissed | confirmed
    Column("verdict", String(10), nullable=False),
    Column("note", Text),
    Column("at", DateTime, nullable=False),
    Index("ix_audit_reviews_day", "day"),
)

field_day_reps = Table(
    "field_day_reps",
    metadata,
    Column("field_day_id", ForeignKey("field_days.id", ondelete="CASCADE"), primary_key=True),
    Column("rep_id", ForeignKey("reps.id"), primary_key=True),
)
field_day_customers = Table(
    "field_day_customers",
    metadata,
    Column("field_day_id", ForeignKey("field_days.id", ondelete="CASCADE"), primary_key=True),
    Column("customer_id", ForeignKey("customers.id"), primary_key=True),
)

field_days = Table(
    "field_days",
    metadata,
    _id(),
    Column("day", Date, nullable=False, index=True),
    Column("region", String(100)),
    Column("issue", String(20)),
    Column("note", Text),
    Column("resolution", Text),
    Column("resolved_on", Date),
    Column("logged_at", DateTime, nullable=False),
)

team_users = Table(
    "team_users",
    metadata,
    Column("login", String(63), primary_key=True),
    # supervisor | rep
    Column("role", String(12), nullable=False),
    _ref("rep_id", "reps.id", nullable=True),
    Column("created_at", DateTime, nullable=False),
)

#: The per-rep-and-day totals the leaderboard publishes: views (migration 0009) that a rep's
#: login may read on PostgreSQL where it may not read a colleague's rows. Kept out of
#: `metadata`: they are views, not tables to create.
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
#: What a board names a rep by (migration 0011, PostgreSQL only): a rep's login reads only its
#: own row of `reps`, and its colleagues' names through this view.
rep_names = Table(
    "rep_names",
    PUBLISHED,
    Column("id", Integer, primary_key=True),
    Column("code", String),
    Column("name", String),
    Column("region", String),
    Column("active", Boolean),
)
