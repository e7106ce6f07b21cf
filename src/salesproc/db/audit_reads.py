"""The supervisor's reads, over Core tables: the audit's facts, the flags dismissed, and what
the call plan cross-checks (the day's visits, the calls' windows).

`audit` and `call-plan` read through `ctx.reading()` and never load the ORM (it cost
each command a sixth of its time to import); a caller holding a session may pass it
instead (a session executes Core as a connection does).
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, select, union_all

from salesproc.db import tables
from salesproc.db.collation import bytewise
from salesproc.db.reads import prospect_on, report_order
from salesproc.db.shared_core import Reader, visit_count
from salesproc.rules import audit
from salesproc.rules.targets import month_bounds
from salesproc.rules.vocab import Category, Purpose

_v = tables.visits.c
_r = tables.reps.c
_c = tables.customers.c
_s = tables.sales.c
_k = tables.calls.c

#: how far ahead a revisit is agreed, at most: how far back a promise for a window is read
PROMISE_HORIZON = timedelta(days=92)
#: a window ending this close to today is followed by every visit since (a few days' worth);
#: one ending earlier, by each promised customer's first visit after it alone
AFTER_READ_WHOLE = timedelta(days=7)


def _first_visits_after(older: date, start: date, end: date, today: date) -> Select:  # type: ignore[type-arg]
    """The id of the first visit after `end` (up to today) of each customer a visit from
    `older` to `end` promised a revisit in [start, end]: all a missed revisit reads of what
    came after the window (its day). First in the order of `shared_core.latest_first`, read
    forwards (a start of none is the day's first): one index seek per customer."""
    promised = (
        select(_v.customer_id)
        .where(_v.visit_date >= older, _v.visit_date <= end,
               _v.next_visit >= start, _v.next_visit <= end)
        .distinct()
        .subquery()
    )  # fmt: skip
    later = tables.visits.alias()
    first = (
        select(later.c.id)
        .where(later.c.customer_id == promised.c.customer_id,
               later.c.visit_date > end, later.c.visit_date <= today)
        .order_by(later.c.visit_date, later.c.start_time.asc().nulls_first(),
                  later.c.logged_at, later.c.id)
        .limit(1)
        .scalar_subquery()
    )  # fmt: skip
    return select(first).select_from(promised)


def audit_facts(
    db: Reader,
    start: date,
    end: date,
    today: date,
    rep_id: int | None = None,
    sale_days: int = audit.DEFAULTS.sale_days,
) -> audit.Facts:
    """What `rules.audit` reads for the window [start, end] (see `audit.Facts`).

    Visits from `audit.BASELINE` before the window through its end (the evidence
    across records reads the window against those weeks), and, of the
    customers an older visit (up to PROMISE_HORIZON before) promised a revisit
    in the window, every visit from then on, so that the promise is seen with
    whatever came after it; an older visit that promised nothing in the window
    raises no flag in it, so it is left out. After the window, up to today, what
    kept or broke a promise for it: a revisit is never agreed before its visit's day,
    so no later visit promises one in the window, and only the day of the visit
    after a promise is read. Within `AFTER_READ_WHOLE` of the window's end, every
    visit since (the call plan's next day, the month to yesterday); further on, only
    each promised customer's first visit after the window, so that an audit of a
    month long past reads that month, not the history since. Sales of the whole
    months the window touches, summed by rep and day; the orders from the look-back
    on, up to the end of those months or `sale_days` (`Thresholds.sale_days`) after
    the window, the later (what an order visit and a month's end are read against).
    """

    def mine(column: Any) -> list[ColumnElement[bool]]:
        return [] if rep_id is None else [column == rep_id]

    def recent(column: Any, default: Any = None) -> ColumnElement[Any]:
        """The column for the visits the evidence across records reads, else `default`:
        the look-back for missed revisits needs no text."""
        return case((_v.visit_date >= recent_from, column), else_=default)

    older = start - PROMISE_HORIZON
    recent_from = start - audit.BASELINE
    promised_in = (
        select(_v.customer_id)
        .where(_v.visit_date >= older, _v.visit_date < recent_from, _v.next_visit >= start)
        .scalar_subquery()
    )

    def visit_facts(*where: ColumnElement[bool]) -> Select:  # type: ignore[type-arg]
        # every rep's: a customer's next visit may be another rep's (the caller keeps one rep's)
        return (
            select(
                _v.id.label("visit_id"), _r.code, _v.visit_date, _v.start_time, _v.end_time,
                _v.logged_at, _v.customer_id, _v.next_visit, _v.outcome,
                recent(_v.purposes, ""), recent(_v.result),
            )
            .join_from(tables.visits, tables.reps, _r.id == _v.rep_id)
            .where(*where)
        )  # fmt: skip

    # date ranges that do not meet, each an index range of its own: as one OR, SQLite
    # reads the older range once per rep and costs the audit most of its query time
    parts = [
        visit_facts(_v.visit_date >= recent_from, _v.visit_date <= min(end, today)),
        visit_facts(_v.visit_date >= older, _v.visit_date < recent_from,
                    _v.visit_date <= today, _v.customer_id.in_(promised_in)),
    ]  # fmt: skip
    if today - AFTER_READ_WHOLE <= end < today:
        parts.append(visit_facts(_v.visit_date > end, _v.visit_date <= today))
    elif end < today:
        parts.append(visit_facts(_v.id.in_(_first_visits_after(older, start, end, today))))
    visits = db.execute(
        union_all(*parts).order_by("visit_id")  # every listing in one order on every database
    ).all()
    # a rep imported with its history joined when its first visit says, not when it was added
    first_visit = select(func.min(_v.visit_date)).where(_v.rep_id == _r.id).scalar_subquery()
    reps = db.execute(
        select(_r.code, _r.created_at, first_visit)
        .where(_r.active.is_(True), *mine(_r.id))
        .order_by(bytewise(_r.code))
    ).all()
    first, last = start.replace(day=1), month_bounds(end.year, end.month)[1]
    sales = db.execute(
        select(_r.code, _s.sale_date, func.sum(_s.amount_cents))
        .join_from(tables.sales, tables.reps, _r.id == _s.rep_id)
        .where(_s.sale_date >= first, _s.sale_date <= last, *mine(_s.rep_id))
        .group_by(_r.code, _s.sale_date)
        .order_by(bytewise(_r.code), _s.sale_date)
    ).all()
    lost = db.execute(
        select(_r.code, _c.name, _c.lost_on, visit_count(_c.lost_on))
        .join_from(tables.customers, tables.reps, _r.id == _c.rep_id)
        .where(prospect_on(end), _c.lost_on >= start, _c.lost_on <= end, *mine(_c.rep_id))
        .order_by(_c.id)
    ).all()
    edits = visit_edits(db, start, rep_id)
    # edited-after-call: the calls from the earliest edited visit's day, as it stood, on
    calls_from = min([start, *(e.day_before for e in edits)])
    phoned = tables.visits.alias()
    calls = db.execute(
        select(_r.code, _k.day, _k.at, _k.verdict, _k.note, _k.logged_at,
               _k.visit_id, phoned.c.visit_date, _c.name, _k.confirmed)
        .join_from(tables.calls, tables.reps, _r.id == _k.rep_id)
        # the visit a customer was phoned about, and that customer (unconfirmed-visit): a visit
        # in the window is phoned about on or after its day, so these calls cover it
        .outerjoin(phoned, phoned.c.id == _k.visit_id)
        .outerjoin(tables.customers, _c.id == _k.customer_id)
        .where(_k.day >= calls_from, _k.day <= max(end, today), *mine(_k.rep_id))
        .order_by(_k.id)
    ).all()  # fmt: skip
    # the orders (sales net of the returns that name them) from the baseline's look-back on:
    # what an order visit is checked against, and each customer's usual order
    orders_to = min(today, max(last, end + timedelta(days=sale_days)))
    returned = (
        select(_s.return_of_id.label("sale_id"), func.sum(_s.amount_cents).label("cents"))
        .where(_s.return_of_id.is_not(None))
        .group_by(_s.return_of_id)
        .subquery()
    )
    orders = db.execute(
        select(
            _r.code, _s.customer_id, func.coalesce(_c.name, ""), _s.sale_date,
            _s.amount_cents + func.coalesce(returned.c.cents, 0),
        )
        .join_from(tables.sales, tables.reps, _r.id == _s.rep_id)
        .outerjoin(tables.customers, _c.id == _s.customer_id)
        .outerjoin(returned, returned.c.sale_id == _s.id)
        .where(_s.sale_date >= recent_from, _s.sale_date <= orders_to, _s.amount_cents > 0)
        .order_by(_s.sale_date, _s.id)
    ).all()  # fmt: skip
    d = tables.daily_reports.c
    reports = db.execute(
        select(_r.code, d.report_date, func.coalesce(d.region, _r.region), d.weather)
        .join_from(tables.daily_reports, tables.reps, _r.id == d.rep_id)
        .where(d.report_date >= start, d.report_date <= end, d.weather.is_not(None))
        .order_by(d.id)
    ).all()
    latest = tables.visits.alias()
    prospects = db.execute(
        select(_r.code, _c.name, _c.visit_count, latest.c.visit_date, latest.c.next_visit)
        .join_from(tables.customers, tables.reps, _r.id == _c.rep_id)
        .join(latest, latest.c.id == _c.last_visit_id)
        .where(_c.category == Category.PROSPECT, _c.lost_on.is_(None),
               _c.visit_count >= 1, *mine(_c.rep_id))
        .order_by(_c.id)
    ).all()  # fmt: skip
    # the customers' names, phones and regions read once, not joined onto each visit (a
    # lookup per visit in the customers' table cost a third of the visits' query)
    shown = {
        customer_id: (name, phone, region)
        for customer_id, name, phone, region in db.execute(
            select(_c.id, _c.name, _c.phone, _c.region)
        )
    }
    made = []
    add, new, fact = made.append, tuple.__new__, audit.VisitFact
    # as `VisitFact._make` (at its speed), the customer's columns put in
    for i, rep, day, start_, end_, logged, cid, due, outcome, purposes, result in visits:
        name, phone, region = shown[cid]
        add(new(fact, (i, rep, day, start_, end_, logged, cid, name, phone, due, outcome,
                       purposes, result, region)))  # fmt: skip
    return audit.Facts(
        visits=tuple(made),
        reps=tuple(
            audit.RepFact(code, min(created.date(), first or created.date()))
            for code, created, first in reps
        ),
        sales=tuple(audit.SalesDay(code, day, int(cents)) for code, day, cents in sales),
        lost=tuple(audit.LostProspect(*row) for row in lost),
        calls=tuple(audit.CallFact(*row) for row in calls),
        edits=tuple(edits),
        orders=tuple(map(audit.SaleFact._make, orders)),
        reports=tuple(audit.ReportFact(*row) for row in reports),
        prospects=tuple(audit.OpenProspect(*row) for row in prospects),
    )


def _time(value: object) -> time | None:
    return None if value is None else time.fromisoformat(str(value))


def visit_edits(db: Reader, since: date, rep_id: int | None = None) -> list[audit.VisitEdit]:
    """The visits changed by `visit edit` from `since` on, as the audit's edited-after-call
    reads them (`rules.audit.VisitEdit`): a visit can only be dated up to the day it is
    edited, so an edit of a visit dated in a window is made on or after the window's start."""
    h = tables.history.c
    rows = db.execute(
        select(h.record_id, h.at, h.before, h.after)
        .where(h.kind == "visit", h.action == "edit", h.at >= datetime.combine(since, time()))
        .order_by(h.at, h.id)
    ).all()
    pairs = [
        (record_id, at, json.loads(before), json.loads(after))
        for record_id, at, before, after in rows
        if before is not None and after is not None
    ]
    pairs = [p for p in pairs if rep_id is None or p[2].get("rep_id") == rep_id]
    wanted_reps = {int(b["rep_id"]) for _, _, b, _ in pairs}
    codes = (
        dict(db.execute(select(_r.id, _r.code).where(_r.id.in_(wanted_reps))).all())
        if wanted_reps
        else {}
    )
    customers = _customer_names(db, (int(v["customer_id"]) for *_, b, a in pairs for v in (b, a)))
    return [
        audit.VisitEdit(
            record_id,
            codes.get(int(before["rep_id"]), str(before["rep_id"])),
            at,
            date.fromisoformat(before["visit_date"]),
            date.fromisoformat(after["visit_date"]),
            _time(before.get("start_time")),
            _time(after.get("start_time")),
            _time(before.get("end_time")),
            _time(after.get("end_time")),
            customers.get(int(before["customer_id"]), f"#{before['customer_id']}"),
            customers.get(int(after["customer_id"]), f"#{after['customer_id']}"),
        )
        for record_id, at, before, after in pairs
    ]


def _customer_names(db: Reader, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return dict(db.execute(select(_c.id, _c.name).where(_c.id.in_(wanted))).all())


#: what a review (`db.reviews`) says of a flag found honest
DISMISSED = "dismissed"


def dismissed_ids(db: Reader, start: date, end: date) -> set[str]:
    """The ids of the flags of [start, end] found honest: those the audit no longer raises."""
    a = tables.audit_reviews.c
    query = select(a.flag_id).where(a.verdict == DISMISSED, a.day >= start, a.day <= end)
    return set(db.scalars(query))


def _active_reps() -> Select[tuple[int]]:
    """Active reps' ids: as `rep_id IN (…)` it lets a day's visits use (rep_id, visit_date)."""
    return select(_r.id).where(_r.active.is_(True))


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


def day_visits(db: Reader, day: date) -> list[DayVisit]:
    """Every visit of `day` with the customer's contact and phone: what a call can cross-check."""
    sold = (
        select(_s.id)
        .where(_s.customer_id == _v.customer_id, _s.sale_date >= _v.visit_date,
               _s.amount_cents > 0)
        .exists()
    )  # fmt: skip
    unsold = and_(_v.purposes.contains(Purpose.ORDER.value), ~sold)
    query = (
        select(_r.code, _c.name, _v.start_time, _v.end_time, _c.contact, _c.phone, _v.id, unsold)
        .join_from(tables.visits, tables.reps, _r.id == _v.rep_id)
        .join(tables.customers, _c.id == _v.customer_id)
        .where(_v.rep_id.in_(_active_reps()), _v.visit_date == day)
        .order_by(bytewise(_r.code), *report_order())
    )
    return [DayVisit(*row) for row in db.execute(query)]


def recent_windows(db: Reader, before: date) -> dict[str, list[str]]:
    """Each rep's last two logged call windows before `before`, most recent first."""
    recent = (
        select(
            _r.code,
            _k.window,
            func.row_number()
            .over(partition_by=_k.rep_id, order_by=(_k.day.desc(), _k.at.desc(), _k.id.desc()))
            .label("n"),
        )
        .join_from(tables.calls, tables.reps, _r.id == _k.rep_id)
        .where(_k.day < before, _k.window.is_not(None))
        .subquery()
    )
    found: dict[str, list[str]] = {}
    for code, window in db.execute(
        select(recent.c.code, recent.c.window)
        .where(recent.c.n <= 2)
        .order_by(recent.c.n, bytewise(recent.c.code))
    ):
        found.setdefault(code, []).append(window)
    return found
