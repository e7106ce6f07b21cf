"""The daily commands' reads: due lists, the four-visit rule and leaderboards, in Core SQL.

Each report is one query whose aggregation runs in the database. For today,
each customer's schedule is read from the columns `writes.refresh_schedules`
keeps; for a past day, an index seek per customer finds its latest visit as
of that day and counts its visits. Per rep, an index range sums its sales.
Python only sees the rows it prints, never every visit.

Why a module apart from `db.queries`: these run on every daily command, so
they are written over the Core tables of `db.tables` and take a `Connection`
(`Context.reading`); a read then never imports the ORM nor `db.models`, a
third of a command's start-up. An ORM `Session` works as well (the writes and
the heavier reports pass theirs): both execute the same statements.
"""

import json
from collections.abc import Collection as Many
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    BigInteger,
    Connection,
    FromClause,
    Select,
    and_,
    cast,
    func,
    not_,
    or_,
    select,
)
from sqlalchemy.sql.elements import ColumnElement

from salesproc.db import tables
from salesproc.db.collation import bytewise
from salesproc.db.shared_core import Reader, due_on, latest_visit_id, visit_count
from salesproc.rules.corrections import ChangeFact, SentEdition
from salesproc.rules.due import days_overdue
from salesproc.rules.fourvisit import (
    ProspectStatus,
    WinSummary,
    gave_up,
    open_status,
    sort_key,
    summarize_wins,
)
from salesproc.rules.names import shown_names
from salesproc.rules.ranking import Metric, Ranked, rank_with_ties
from salesproc.rules.vocab import Category

if TYPE_CHECKING:
    pass


_c = tables.customers.c
_v = tables.visits.c
_r = tables.reps.c


def dialect_name(db: Reader) -> str:
    """The database's kind ("sqlite", "postgresql"), from a connection or a session."""
    if isinstance(db, Connection):
        return db.dialect.name
    return db.get_bind().dialect.name


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


def _schedule(as_of: date, today: date) -> _Schedule:
    """The kept columns for today and later, else the visits as they stood on `as_of`.

    Visit dates after today are refused, so from today on the columns that
    `writes.refresh_schedules` keeps are exact, and one index range replaces
    a seek per customer. A past day needs the seeks: visits after it must
    not count.
    """
    last = tables.visits.alias()
    if as_of >= today:
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


def prospect_on(as_of: date) -> ColumnElement[bool]:
    """Still a prospect on `as_of`: not won yet, or won only after that day."""
    return or_(_c.category == Category.PROSPECT, _c.won_on > as_of)


@dataclass(frozen=True)
class DueRow:
    customer: str
    grade: str
    category: str
    rep: str | None
    due_date: date
    days_overdue: int
    visits: int
    last_visit: date | None
    last_result: str | None
    phone: str | None


def due_list(
    db: Reader, as_of: date, today: date, ahead: int = 0, rep_id: int | None = None
) -> list[DueRow]:
    """Every open customer whose due date is on or before `as_of + ahead`.

    Sorted by days overdue (most first), then grade A→C, then name.
    """
    plan = _schedule(as_of, today)
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
        .where(plan.open, plan.due <= as_of + timedelta(days=ahead))
        .order_by(plan.due, _c.grade, bytewise(_c.name_key))
    )
    if rep_id is not None:
        query = query.where(_c.rep_id == rep_id)
    return [
        DueRow(
            name, grade, category, rep, due, days_overdue(due, as_of), visits, last, result, phone
        )
        for name, grade, category, rep, due, visits, last, result, phone in db.execute(query)
    ]


@dataclass(frozen=True)
class ProspectRow:
    customer: str
    rep: str | None
    visits: int
    last_visit: date | None
    next_visit: date | None
    status: ProspectStatus


def four_visit(
    db: Reader,
    as_of: date,
    today: date,
    since: date,
    min_visits: int,
    rep_id: int | None = None,
) -> tuple[list[ProspectRow], WinSummary]:
    """Open prospects with their status, those given up since `since`, and the win summary."""
    plan = _schedule(as_of, today)

    def scoped(query: Select) -> Select:  # type: ignore[type-arg]
        query = query.outerjoin(tables.reps, _r.id == _c.rep_id)
        return query if rep_id is None else query.where(_c.rep_id == rep_id)

    open_query = scoped(
        select(_c.name, _r.code, plan.visits, plan.last.c.visit_date, plan.due)
        .select_from(tables.customers)
        .outerjoin(plan.last, plan.joined)
        .where(prospect_on(as_of), plan.open)
    )
    lost_query = scoped(
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
            _c.lost_on >= since,
            _c.lost_on <= as_of,
            _c.added_on <= as_of,
        )
    )
    won_query = scoped(
        select(_c.visits_to_win, func.count(_c.id))
        .select_from(tables.customers)
        .where(_c.won_on <= as_of)
        .group_by(_c.visits_to_win)
    )

    rows = [
        ProspectRow(name, rep, visits, last_date, next_visit, open_status(next_visit, as_of))
        for name, rep, visits, last_date, next_visit in db.execute(open_query)
    ]
    rows += [
        ProspectRow(name, rep, visits, last_date, None, ProspectStatus.GAVE_UP)
        for name, rep, visits, last_date in db.execute(lost_query)
        if gave_up(visits, min_visits)
    ]
    rows.sort(key=lambda r: sort_key(r.status, r.next_visit, r.customer, as_of))
    summary = summarize_wins(dict(db.execute(won_query).all()), min_visits)  # type: ignore[arg-type]
    return rows, summary


@dataclass(frozen=True)
class RankRow:
    rank: int
    rep: str
    name: str
    value: int  # cents for sales and collections, a count for visits


def leaderboard(
    db: Reader, start: date | None, end: date, metric: Metric, by: str = "rep"
) -> list[RankRow]:
    """Every active rep's (or region's) total from `start` (None: all time) through `end`,
    ranked with ties. A region is its active reps' region; reps without one share "–"."""
    fact, rep_id, day, measure = _rank_source(db, metric)
    reps = published_reps(db).c
    window = [rep_id == reps.id, day <= end]
    if start is not None:
        window.append(day >= start)
    if by == "region":
        region = func.coalesce(reps.region, "–")
        keys: tuple[Any, ...] = (region, region)
        group: tuple[Any, ...] = (region,)
    else:
        keys, group = (reps.code, reps.name), (reps.id, reps.code, reps.name)
    query = (
        select(*keys, func.coalesce(measure, 0))
        .outerjoin(fact, and_(*window))
        .where(reps.active.is_(True))
        .group_by(*group)
    )
    totals = {key: (name, int(value)) for key, name, value in db.execute(query)}
    ranked: Sequence[Ranked[int]] = rank_with_ties((key, v) for key, (_, v) in totals.items())
    return [RankRow(r.rank, r.key, totals[r.key][0], r.value) for r in ranked]


def published_reps(db: Reader) -> Any:
    """The reps as a board names them: the `reps` table on SQLite; on PostgreSQL the view
    `rep_names` (migration 0011), since a rep's login reads only its own row of `reps`."""
    return tables.rep_names if dialect_name(db) == "postgresql" else tables.reps


def _rank_source(db: Reader, metric: Metric) -> tuple[Any, Any, Any, Any]:
    """What a board sums: the facts themselves on SQLite, the published per-rep-and-day totals
    on PostgreSQL (views a rep's login may read where row-level security hides a colleague's
    rows: migration 0009); the same figures either way."""
    if dialect_name(db) == "postgresql":
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


def sales_total(db: Reader, start: date, end: date, rep_id: int | None = None) -> int:
    """Sales in cents from `start` through `end`: one rep's, or the whole team's (any rep).
    Summed as the boards sum them, so a rep's login sees the team's figure too."""
    return published_total(db, Metric.SALES, start, end, rep_id)


def published_total(
    db: Reader, metric: Metric, start: date, end: date, rep_id: int | None = None
) -> int:
    """A board's total over [start, end]: one rep's, or the whole team's."""
    fact, rep, day, measure = _rank_source(db, metric)
    query = select(func.coalesce(measure, 0)).select_from(fact).where(day >= start, day <= end)
    if rep_id is not None:
        query = query.where(rep == rep_id)
    return int(db.scalar(query) or 0)


@dataclass(frozen=True)
class TargetYear:
    rep: str | None  #: None for the team
    rep_id: int | None
    year: int
    months: list[int]  #: cents, January first
    split: str


def target_years(
    db: Reader, year: int, rep_id: int | None = None, metric: str = "sales"
) -> list[TargetYear]:
    """The targets set for `year`: the team's first, then each rep's by code.

    A scope with some months missing (only ever set month by month) counts
    those months as 0.
    """
    t = tables.targets.c
    reps = published_reps(db)  # a rep's login: its colleagues' targets named too
    query = (
        select(t.rep_id, reps.c.code, t.month, t.amount_cents, t.split)
        .select_from(tables.targets)
        .outerjoin(reps, reps.c.id == t.rep_id)
        .where(t.year == year, t.metric == metric)
        .order_by(reps.c.code.is_not(None), bytewise(reps.c.code), t.month)
    )
    if rep_id is not None:
        query = query.where(t.rep_id == rep_id)
    found: dict[int | None, TargetYear] = {}
    for rid, code, month, cents, split in db.execute(query):
        scope = found.setdefault(rid, TargetYear(code, rid, year, [0] * 12, split))
        scope.months[month - 1] = int(cents)
    return list(found.values())


@dataclass(frozen=True)
class DailyReportRow:
    """One rep's daily sales report (销售日报表): the header and its visits in order."""

    rep: str
    name: str
    region: str | None
    date: date
    weather: str | None
    visits: list[dict[str, Any]]


def daily_reports(db: Reader, day: date, rep_id: int | None = None) -> list[DailyReportRow]:
    """Every active rep's report for `day` (one query for the visits, by rep and start time)."""
    reps = select(_r.id, _r.code, _r.name, _r.region)
    if rep_id is None:
        reps = reps.where(_r.active.is_(True)).order_by(bytewise(_r.code))
    else:
        reps = reps.where(_r.id == rep_id)
    team = list(db.execute(reps))
    ids = [r.id for r in team]
    h = tables.daily_reports.c
    headers = {
        rep: (region, weather)
        for rep, region, weather in db.execute(
            select(h.rep_id, h.region, h.weather).where(h.report_date == day, h.rep_id.in_(ids))
        )
    }
    # the order taken and the money collected on each visit (订货金额, 回款金额), in cents: whole
    # numbers on both databases (PostgreSQL's SUM of a bigint is a numeric, read as a Decimal)
    s, c = tables.sales.c, tables.collections.c
    ordered = select(cast(func.sum(s.amount_cents), BigInteger)).where(s.visit_id == _v.id)
    collected = select(cast(func.sum(c.amount_cents), BigInteger)).where(c.visit_id == _v.id)
    rows = db.execute(
        select(
            _v.rep_id, _c.name, _c.phone, _v.start_time, _v.end_time, _v.purposes, _v.result,
            _v.outcome, _v.category, _v.next_visit, _v.note,
            ordered.scalar_subquery().label("amount"),
            collected.scalar_subquery().label("collected"),
        )
        .join(tables.customers, _c.id == _v.customer_id)
        .where(_v.visit_date == day, _v.rep_id.in_(ids))
        .order_by(_v.rep_id, *report_order())  # one day: the date changes nothing
    )  # fmt: skip
    visits: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    for row in rows:
        mine = visits[row.rep_id]
        mine.append(
            {
                "seq": len(mine) + 1, "customer": row.name, "phone": row.phone,
                "start": row.start_time, "end": row.end_time, "purposes": row.purposes.split(","),
                "result": row.result, "outcome": row.outcome, "category": row.category,
                "next_visit": row.next_visit, "notes": row.note, "amount": row.amount,
                "collected": row.collected,
            }
        )  # fmt: skip
    return [
        DailyReportRow(
            rep.code,
            rep.name,
            headers.get(rep.id, (None, None))[0] or rep.region,
            day,
            headers.get(rep.id, (None, None))[1],
            visits[rep.id],
        )
        for rep in team
    ]


@dataclass(frozen=True)
class BroadcastRow:
    day: date
    edition: str
    channel: str
    status: str
    at: Any
    digest: str
    error: str | None


def broadcast_log(db: Reader, limit: int = 50) -> list[BroadcastRow]:
    """The latest attempts first."""
    b = tables.broadcasts.c
    query = (
        select(b.day, b.edition, b.channel, b.status, b.at, b.digest, b.error)
        .order_by(b.at.desc(), b.id.desc())
        .limit(limit)
    )
    return [BroadcastRow(*row) for row in db.execute(query)]


def rep_names(db: Reader, ids: Iterable[int]) -> dict[int, str]:
    """The reps' names by id (a rep's name is what the team reads)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    query = select(_r.id, _r.name).where(_r.id.in_(wanted))
    return {rep_id: name for rep_id, name in db.execute(query)}


@dataclass(frozen=True)
class CorrectionFacts:
    """The changes not yet announced, the editions sent that may have shown their figures,
    and the names of their reps."""

    changes: list[ChangeFact] = field(default_factory=list)
    sent: list[SentEdition] = field(default_factory=list)
    reps: dict[int, str] = field(default_factory=dict)


def correction_facts(db: Reader, day: date, edition: str, kinds: Many[str]) -> CorrectionFacts:
    """What `day`'s `edition` announces: the changes of `kinds` made after the last edition
    sent, other than this one (its rerun or forced resend repeats its own corrections).

    "Not yet announced" is thereby "made after the last edition that went out": every
    edition sent carries the corrections made before it, so the next one starts afresh.
    Nothing sent yet: nothing was seen, so nothing to correct. (A read of the broadcast,
    even a dry run: hence here, over Core.)
    """
    b, h = tables.broadcasts.c, tables.history.c
    sent = b.status == "sent"
    this = and_(b.day == day, b.edition == edition)
    last = db.scalar(select(func.max(b.at)).where(sent, not_(this)))
    if last is None:
        return CorrectionFacts()
    rows = db.execute(
        select(h.kind, h.at, h.before, h.after)
        .where(h.kind.in_(list(kinds)), h.at > last)
        .order_by(h.at, h.id)
    ).all()
    changes = [
        ChangeFact(
            kind,
            at,
            None if before is None else json.loads(before),
            None if after is None else json.loads(after),
        )
        for kind, at, before, after in rows
    ]
    if not changes:
        return CorrectionFacts()
    days = [
        date.fromisoformat(str(value)[:10])
        for c in changes
        for values in (c.before, c.after)
        if values is not None
        for key, value in values.items()
        if key.endswith("_date") and value
    ]
    # an edition shows a day in its daily ranking (the evening's, the next morning's) or in
    # its month to date (to the month's end): it was sent within a month after the day
    editions = db.execute(
        select(b.day, b.edition, b.at)
        .where(
            sent,
            b.at < max(c.at for c in changes),
            b.day >= min(days, default=day),
            b.day <= max(days, default=day) + timedelta(days=32),
        )
        .distinct()
    )
    reps = rep_names(
        db,
        (
            int(values["rep_id"])
            for c in changes
            for values in (c.before, c.after)
            if values is not None and values.get("rep_id") is not None
        ),
    )
    # as the leaderboard names them: 张伟(zhangwei) where two active reps share a name
    active = db.execute(select(_r.id, _r.code, _r.name).where(_r.active.is_(True))).all()
    shown = shown_names((code, name) for _id, code, name in active)
    reps.update({rid: shown[code] for rid, code, _name in active if rid in reps})
    return CorrectionFacts(changes, [SentEdition(*row) for row in editions], reps)
