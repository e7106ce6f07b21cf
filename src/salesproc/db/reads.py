"""The daily commands' statements in Core SQL: due lists, the four-visit rule, leaderboards,
targets, daily reports and what the broadcast announces; `db.daily_reads` runs them.

Each report is one query whose aggregation runs in the database. For today,
each customer's schedule is read from the columns `writes.refresh_schedules`
keeps; for a past day, an index seek per customer finds its latest visit as
of that day and counts its visits. Per rep, an index range sums its sales.
Python only sees the rows it prints, never every visit.

Each statement is a function of its *shape* (what changes its SQL: a filter there or not,
a kind of board) with named parameters for the values of the day, so that `db.prepared`
can compile it once and keep it; they are written over the Core tables of `db.tables`,
so a read never imports the ORM nor `db.models`. The helpers here (`between`,
`report_order`, `prospect_on`) serve the other readers too.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    FromClause,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    cast,
    func,
    not_,
    or_,
    select,
)
from sqlalchemy.sql.elements import ColumnElement

from salesproc.db import tables
from salesproc.db.collation import bytewise
from salesproc.db.shared_core import due_on, latest_visit_id, visit_count
from salesproc.rules.ranking import Metric
from salesproc.rules.vocab import Category

_c = tables.customers.c
_v = tables.visits.c
_r = tables.reps.c


def between(query: Select, column: Any, start: date | None, end: date | None) -> Select:  # type: ignore[type-arg]
    """`query` limited to `start` ≤ column ≤ `end`; an open end where one is None."""
    if start is not None:
        query = query.where(column >= start)
    if end is not None:
        query = query.where(column <= end)
    return query


def report_order() -> tuple[ColumnElement[object], ...]:
    """The daily report's order (`latest_first` forwards): day, start time (none first), logged."""
    return (
        _v.visit_date, _v.start_time.asc().nulls_first(), _v.logged_at, _v.id
    )  # fmt: skip


@dataclass(frozen=True)
class _Schedule:
    """Where a report reads each customer's latest visit, visit count, due date and openness."""

    last: FromClause  # an alias of the visits, joined on `joined`
    joined: ColumnElement[bool]
    visits: ColumnElement[int]
    due: ColumnElement[date]
    open: ColumnElement[bool]


def _schedule(as_of: ColumnElement[date], past: bool) -> _Schedule:
    """The kept columns for today and later, else the visits as they stood on `as_of`.

    Visit dates after today are refused, so from today on the columns that
    `writes.refresh_schedules` keeps are exact, and one index range replaces
    a seek per customer. A `past` day needs the seeks: visits after it must
    not count.
    """
    last = tables.visits.alias()
    if not past:
        return _Schedule(
            last, last.c.id == _c.last_visit_id, _c.visit_count, _c.next_due, _c.lost_on.is_(None)
        )
    known_and_open = and_(_c.added_on <= as_of, or_(_c.lost_on.is_(None), _c.lost_on > as_of))
    return _Schedule(
        last,
        last.c.id == latest_visit_id(as_of),
        visit_count(as_of),
        due_on(last.c.next_visit),
        known_and_open,
    )


def prospect_on(as_of: date | ColumnElement[date]) -> ColumnElement[bool]:
    """Still a prospect on `as_of`: not won yet, or won only after that day."""
    return or_(_c.category == Category.PROSPECT, _c.won_on > as_of)


def _day(name: str) -> ColumnElement[date]:
    """A date the query is run with (`prepared.Query.values`)."""
    return bindparam(name, type_=Date)


def _mine(query: Select, by_rep: bool, column: Any = _c.rep_id) -> Select:  # type: ignore[type-arg]
    """`query` limited to the rep `rep_id` when `by_rep`."""
    return query.where(column == bindparam("rep_id", type_=Integer)) if by_rep else query


# --- the daily commands' statements, run by `db.daily_reads` through `db.prepared` ----------


def due_list(past: bool, by_rep: bool) -> Select:  # type: ignore[type-arg]
    """Every open customer due on or before `until`, as of `as_of` (a `past` day: as the
    schedule stood then): name, grade, category, rep, due, visits, last visit, its result,
    phone; by due date, then grade A→C, then name."""
    plan = _schedule(_day("as_of"), past)
    query = (
        select(
            _c.name,
            _c.grade,
            _c.category,
            _r.code,
            plan.due,
            plan.visits,
            plan.last.c.visit_date,
            plan.last.c.result,
            _c.phone,
        )
        .select_from(tables.customers)
        .outerjoin(plan.last, plan.joined)
        .outerjoin(tables.reps, _r.id == _c.rep_id)
        .where(plan.open, plan.due <= _day("until"))
        .order_by(plan.due, _c.grade, bytewise(_c.name_key))
    )
    return _mine(query, by_rep)


def _prospects(query: Select, by_rep: bool) -> Select:  # type: ignore[type-arg]
    return _mine(query.outerjoin(tables.reps, _r.id == _c.rep_id), by_rep)


def open_prospects(past: bool, by_rep: bool) -> Select:  # type: ignore[type-arg]
    """The prospects open on `as_of`: name, rep, visits, last visit, next visit due."""
    as_of = _day("as_of")
    plan = _schedule(as_of, past)
    return _prospects(
        select(_c.name, _r.code, plan.visits, plan.last.c.visit_date, plan.due)
        .select_from(tables.customers)
        .outerjoin(plan.last, plan.joined)
        .where(prospect_on(as_of), plan.open),
        by_rep,
    )


def lost_prospects(by_rep: bool) -> Select:  # type: ignore[type-arg]
    """The prospects given up from `since` through `as_of`: name, rep, visits, last visit."""
    as_of = _day("as_of")
    return _prospects(
        select(
            _c.name,
            _r.code,
            visit_count(_c.lost_on),
            select(func.max(_v.visit_date))
            .where(_v.customer_id == _c.id, _v.visit_date <= _c.lost_on)
            .correlate(tables.customers)
            .scalar_subquery(),
        ).where(
            prospect_on(as_of),
            _c.lost_on >= _day("since"),
            _c.lost_on <= as_of,
            _c.added_on <= as_of,
        ),
        by_rep,
    )


def won_prospects(by_rep: bool) -> Select:  # type: ignore[type-arg]
    """How many prospects won by `as_of` took each number of visits."""
    return _prospects(
        select(_c.visits_to_win, func.count(_c.id))
        .select_from(tables.customers)
        .where(_c.won_on <= _day("as_of"))
        .group_by(_c.visits_to_win),
        by_rep,
    )


def leaderboard(postgresql: bool, metric: str, by: str, bounded: bool) -> Select:  # type: ignore[type-arg]
    """Every active rep's (or region's) total of `metric` through `end` (from `start` when
    `bounded`): key, name, total. A region is its active reps' region; reps without one
    share "–"."""
    fact, rep_id, day, measure = _rank_source(postgresql, Metric(metric))
    reps = published_reps(postgresql).c
    window = [rep_id == reps.id, day <= _day("end")]
    if bounded:
        window.append(day >= _day("start"))
    if by == "region":
        region = func.coalesce(reps.region, "–")
        keys: tuple[Any, ...] = (region, region)
        group: tuple[Any, ...] = (region,)
    else:
        keys, group = (reps.code, reps.name), (reps.id, reps.code, reps.name)
    return (
        select(*keys, func.coalesce(measure, 0))
        .outerjoin(fact, and_(*window))
        .where(reps.active.is_(True))
        .group_by(*group)
    )


def published_reps(postgresql: bool) -> Any:
    """The reps as a board names them: the `reps` table on SQLite; on PostgreSQL the view
    `rep_names` (migration 0011), since a rep's login reads only its own row of `reps`."""
    return tables.rep_names if postgresql else tables.reps


def _rank_source(postgresql: bool, metric: Metric) -> tuple[Any, Any, Any, Any]:
    """What a board sums: the facts themselves on SQLite, the published per-rep-and-day totals
    on PostgreSQL (views a rep's login may read where row-level security hides a colleague's
    rows: migration 0009); the same figures either way."""
    if postgresql:
        view = {Metric.SALES: tables.rep_day_sales, Metric.COLLECTIONS: tables.rep_day_collections}
        found = view.get(metric, tables.rep_day_visits)
        total = found.c.visits if metric is Metric.VISITS else found.c.amount_cents
        return found, found.c.rep_id, found.c.day, func.sum(total)
    if metric is Metric.SALES:
        s = tables.sales
        return s, s.c.rep_id, s.c.sale_date, func.sum(s.c.amount_cents)
    if metric is Metric.COLLECTIONS:
        c = tables.collections
        return c, c.c.rep_id, c.c.collection_date, func.sum(c.c.amount_cents)
    return tables.visits, _v.rep_id, _v.visit_date, func.count(_v.id)


def published_total(postgresql: bool, metric: str, by_rep: bool) -> Select:  # type: ignore[type-arg]
    """A board's total of `metric` from `start` through `end`: one rep's, or the team's."""
    fact, rep, day, measure = _rank_source(postgresql, Metric(metric))
    query = (
        select(func.coalesce(measure, 0))
        .select_from(fact)
        .where(day >= _day("start"), day <= _day("end"))
    )
    return _mine(query, by_rep, rep)


def target_years(postgresql: bool, by_rep: bool) -> Select:  # type: ignore[type-arg]
    """The targets of `metric` set for `year`, the team's first, then each rep's by code:
    rep id, code, month, cents, split."""
    t = tables.targets.c
    reps = published_reps(postgresql)  # a rep's login: its colleagues' targets named too
    query = (
        select(t.rep_id, reps.c.code, t.month, t.amount_cents, t.split)
        .select_from(tables.targets)
        .outerjoin(reps, reps.c.id == t.rep_id)
        .where(
            t.year == bindparam("year", type_=Integer),
            t.metric == bindparam("metric", type_=String),
        )
        .order_by(reps.c.code.is_not(None), bytewise(reps.c.code), t.month)
    )
    return _mine(query, by_rep, t.rep_id)


def report_team(by_rep: bool) -> Select:  # type: ignore[type-arg]
    """Whose daily reports a day shows: every active rep by code, or the rep `rep_id`:
    id, code, name, region."""
    reps = select(_r.id, _r.code, _r.name, _r.region)
    if by_rep:
        return reps.where(_r.id == bindparam("rep_id", type_=Integer))
    return reps.where(_r.active.is_(True)).order_by(bytewise(_r.code))


def _ids(name: str = "ids") -> Any:
    return bindparam(name, type_=Integer, expanding=True)


def report_headers() -> Select:  # type: ignore[type-arg]
    """The headers of the reports of the reps `ids` on `day`: rep id, region, weather."""
    h = tables.daily_reports.c
    return select(h.rep_id, h.region, h.weather).where(
        h.report_date == _day("day"), h.rep_id.in_(_ids())
    )


def report_visits() -> Select:  # type: ignore[type-arg]
    """The visits of the reps `ids` on `day`, by rep and in the report's order: rep id,
    customer, phone, start, end, purposes, result, outcome, category, next visit, note, and
    the order taken and the money collected on the visit (订货金额, 回款金额) in cents."""
    # whole numbers on both databases (PostgreSQL's SUM of a bigint is a numeric, a Decimal)
    s, c = tables.sales.c, tables.collections.c
    ordered = select(cast(func.sum(s.amount_cents), BigInteger)).where(s.visit_id == _v.id)
    collected = select(cast(func.sum(c.amount_cents), BigInteger)).where(c.visit_id == _v.id)
    return (
        select(
            _v.rep_id, _c.name, _c.phone, _v.start_time, _v.end_time, _v.purposes, _v.result,
            _v.outcome, _v.category, _v.next_visit, _v.note,
            ordered.scalar_subquery().label("amount"),
            collected.scalar_subquery().label("collected"),
        )
        .join(tables.customers, _c.id == _v.customer_id)
        .where(_v.visit_date == _day("day"), _v.rep_id.in_(_ids()))
        .order_by(_v.rep_id, *report_order())  # one day: the date changes nothing
    )  # fmt: skip


def broadcast_log(limit: int) -> Select:  # type: ignore[type-arg]
    """The latest `limit` attempts to send, latest first."""
    b = tables.broadcasts.c
    return (
        select(b.day, b.edition, b.channel, b.status, b.at, b.digest, b.error)
        .order_by(b.at.desc(), b.id.desc())
        .limit(limit)
    )


def rep_names() -> Select:  # type: ignore[type-arg]
    """The reps `ids`: id, name."""
    return select(_r.id, _r.name).where(_r.id.in_(_ids()))


def active_reps() -> Select:  # type: ignore[type-arg]
    """Every active rep: id, code, name."""
    return select(_r.id, _r.code, _r.name).where(_r.active.is_(True))


_b = tables.broadcasts.c
_sent = _b.status == "sent"


def last_sent() -> Select:  # type: ignore[type-arg]
    """When the last edition went out, other than `day`'s `edition`."""
    this = and_(_b.day == _day("day"), _b.edition == bindparam("edition", type_=String))
    return select(func.max(_b.at)).where(_sent, not_(this))


def changes_since() -> Select:  # type: ignore[type-arg]
    """The changes of `kinds` made after `since`, in order: kind, when, before, after."""
    h = tables.history.c
    since = bindparam("since", type_=DateTime)
    return (
        select(h.kind, h.at, h.before, h.after)
        .where(h.kind.in_(bindparam("kinds", type_=String, expanding=True)), h.at > since)
        .order_by(h.at, h.id)
    )


def editions_sent() -> Select:  # type: ignore[type-arg]
    """The editions sent before `before` covering a day from `first` through `last`: day,
    edition, when."""
    return (
        select(_b.day, _b.edition, _b.at)
        .where(
            _sent,
            _b.at < bindparam("before", type_=DateTime),
            _b.day >= _day("first"),
            _b.day <= _day("last"),
        )
        .distinct()
    )
