"""The supervisor's statements (`db.audit_reads` runs them), each written once in Core.

Each builder is a function of its statement's shape (a filter present or not), its values
named parameters: on a current SQLite file `db.prepared` compiles it once and keeps the
SQL, so `audit` and `call-plan` send it through `sqlite3` without importing SQLAlchemy
(a fifth of an audit's time); anywhere else it runs through SQLAlchemy as written.
"""

from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    DateTime,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    func,
    select,
    union_all,
)
from sqlalchemy.sql.expression import CompoundSelect

from salesproc.db import tables
from salesproc.db.audit_reads import AFTER_FIRST, AFTER_WHOLE
from salesproc.db.collation import bytewise
from salesproc.db.reads import prospect_on, report_order
from salesproc.db.shared_core import visit_count
from salesproc.rules.vocab import Category, Purpose

_v = tables.visits.c
_r = tables.reps.c
_c = tables.customers.c
_s = tables.sales.c
_k = tables.calls.c


def _day(name: str) -> ColumnElement[date]:
    return bindparam(name, type_=Date)


def _mine(column: Any, by_rep: bool) -> list[ColumnElement[bool]]:
    """`column` is the rep `rep_id`, when the read is one rep's."""
    return [column == bindparam("rep_id", type_=Integer)] if by_rep else []


def _first_visits_after() -> Select:  # type: ignore[type-arg]
    """The id of the first visit after `end` (up to today) of each customer a visit from
    `older` to `end` promised a revisit in [start, end]: all a missed revisit reads of what
    came after the window (its day). First in the order of `shared_core.latest_first`, read
    forwards (a start of none is the day's first): one index seek per customer."""
    end = _day("end")
    # `customer_id + 0`: for the bare column SQLite reads the distinct customers off the
    # (customer, day) index, skipping through every customer (0.33 s at a million visits);
    # for an expression, off the range of days, then sorts them out (0.06 s)
    promised = (
        select((_v.customer_id + 0).label("customer_id"))
        .where(_v.visit_date >= _day("older"), _v.visit_date <= end,
               _v.next_visit >= _day("start"), _v.next_visit <= end)
        .distinct()
        .subquery()
    )  # fmt: skip
    later = tables.visits.alias()
    first = (
        select(later.c.id)
        .where(later.c.customer_id == promised.c.customer_id,
               later.c.visit_date > end, later.c.visit_date <= _day("today"))
        .order_by(later.c.visit_date, later.c.start_time.asc().nulls_first(),
                  later.c.logged_at, later.c.id)
        .limit(1)
        .scalar_subquery()
    )  # fmt: skip
    return select(first).select_from(promised)


def visit_facts(after: str) -> CompoundSelect:
    """The visits the audit reads (`audit_reads.audit_facts` says which): the look-back
    and the window (`recent_from` to `until`), the older visits of the customers one of them
    promised a revisit in the window, and what came after the window (`after`)."""
    recent_from = _day("recent_from")

    def recent(column: Any, default: Any = None) -> ColumnElement[Any]:
        """The column for the visits the evidence across records reads, else `default`:
        the look-back for missed revisits needs no text."""
        return case((_v.visit_date >= recent_from, column), else_=default)

    older = _day("older")
    promised_in = (
        select(_v.customer_id)
        .where(_v.visit_date >= older, _v.visit_date < recent_from,
               _v.next_visit >= _day("start"))
        .scalar_subquery()
    )  # fmt: skip

    def facts(*where: ColumnElement[bool]) -> Select:  # type: ignore[type-arg]
        # every rep's: a customer's next visit may be another rep's (the caller keeps one rep's)
        # the rep's id, not its code: joined onto the reps, SQLite reads the visits rep by
        # rep, each rep's scattered over the whole window's pages (a third of the query)
        return (
            select(
                _v.id.label("visit_id"), _v.rep_id, _v.visit_date, _v.start_time, _v.end_time,
                _v.logged_at, _v.customer_id, _v.next_visit, _v.outcome,
                recent(_v.purposes, ""), recent(_v.result),
            )
            .where(*where)
        )  # fmt: skip

    # date ranges that do not meet, each an index range of its own: as one OR, SQLite
    # reads the older range once per rep and costs the audit most of its query time
    parts = [
        facts(_v.visit_date >= recent_from, _v.visit_date <= _day("until")),
        facts(_v.visit_date >= older, _v.visit_date < recent_from,
              _v.visit_date <= _day("today"), _v.customer_id.in_(promised_in)),
    ]  # fmt: skip
    if after == AFTER_WHOLE:
        parts.append(facts(_v.visit_date > _day("end"), _v.visit_date <= _day("today")))
    elif after == AFTER_FIRST:
        parts.append(facts(_v.id.in_(_first_visits_after())))
    return union_all(*parts)  # in no order: `audit_reads.audit_facts` sorts them by id


def active_reps(by_rep: bool) -> Select:  # type: ignore[type-arg]
    """The active reps, each with when it was added and its first visit's day: a rep imported
    with its history joined when its first visit says, not when it was added."""
    first_visit = select(func.min(_v.visit_date)).where(_v.rep_id == _r.id).scalar_subquery()
    return (
        select(_r.code, _r.created_at, first_visit)
        .where(_r.active.is_(True), *_mine(_r.id, by_rep))
        .order_by(bytewise(_r.code))
    )


def sales_by_day(by_rep: bool) -> Select:  # type: ignore[type-arg]
    """Each rep's sales (net of returns) summed by day over [first, last]."""
    return (
        select(_r.code, _s.sale_date, func.sum(_s.amount_cents))
        .join_from(tables.sales, tables.reps, _r.id == _s.rep_id)
        .where(_s.sale_date >= _day("first"), _s.sale_date <= _day("last"),
               *_mine(_s.rep_id, by_rep))
        .group_by(_r.code, _s.sale_date)
        .order_by(bytewise(_r.code), _s.sale_date)
    )  # fmt: skip


def lost_prospects(by_rep: bool) -> Select:  # type: ignore[type-arg]
    """The prospects (as of `end`) lost in [start, end], with their visits up to that day."""
    end = _day("end")
    return (
        select(_r.code, _c.name, _c.lost_on, visit_count(_c.lost_on))
        .join_from(tables.customers, tables.reps, _r.id == _c.rep_id)
        .where(prospect_on(end), _c.lost_on >= _day("start"), _c.lost_on <= end,
               *_mine(_c.rep_id, by_rep))
        .order_by(_c.id)
    )  # fmt: skip


def calls(by_rep: bool) -> Select:  # type: ignore[type-arg]
    """The calls of [calls_from, calls_to], with the visit a customer was phoned about, and
    that customer (unconfirmed-visit)."""
    phoned = tables.visits.alias()
    return (
        select(_r.code, _k.day, _k.at, _k.verdict, _k.note, _k.logged_at,
               _k.visit_id, phoned.c.visit_date, _c.name, _k.confirmed)
        .join_from(tables.calls, tables.reps, _r.id == _k.rep_id)
        .outerjoin(phoned, phoned.c.id == _k.visit_id)
        .outerjoin(tables.customers, _c.id == _k.customer_id)
        .where(_k.day >= _day("calls_from"), _k.day <= _day("calls_to"),
               *_mine(_k.rep_id, by_rep))
        .order_by(_k.id)
    )  # fmt: skip


def orders() -> Select:  # type: ignore[type-arg]
    """The orders (sales net of the returns that name them) of [recent_from, orders_to]:
    what an order visit is checked against, and each customer's usual order."""
    returned = (
        select(_s.return_of_id.label("sale_id"), func.sum(_s.amount_cents).label("cents"))
        .where(_s.return_of_id.is_not(None))
        .group_by(_s.return_of_id)
        .subquery()
    )
    # the customer's id alone: `audit_reads` names it from the customers it reads anyway
    return (
        select(
            _r.code, _s.customer_id, _s.sale_date,
            _s.amount_cents + func.coalesce(returned.c.cents, 0),
        )
        .join_from(tables.sales, tables.reps, _r.id == _s.rep_id)
        .outerjoin(returned, returned.c.sale_id == _s.id)
        .where(_s.sale_date >= _day("recent_from"), _s.sale_date <= _day("orders_to"),
               _s.amount_cents > 0)
        .order_by(_s.sale_date, _s.id)
    )  # fmt: skip


def report_headers() -> Select:  # type: ignore[type-arg]
    """The daily reports of [start, end] with a weather: their region (else the rep's)."""
    d = tables.daily_reports.c
    return (
        select(_r.code, d.report_date, func.coalesce(d.region, _r.region), d.weather)
        .join_from(tables.daily_reports, tables.reps, _r.id == d.rep_id)
        .where(d.report_date >= _day("start"), d.report_date <= _day("end"),
               d.weather.is_not(None))
        .order_by(d.id)
    )  # fmt: skip


def open_prospects(by_rep: bool) -> Select:  # type: ignore[type-arg]
    """The prospects neither won nor lost, visited at least once, with their last visit."""
    latest = tables.visits.alias()
    return (
        select(_r.code, _c.name, _c.visit_count, latest.c.visit_date, latest.c.next_visit)
        .join_from(tables.customers, tables.reps, _r.id == _c.rep_id)
        .join(latest, latest.c.id == _c.last_visit_id)
        .where(_c.category == Category.PROSPECT, _c.lost_on.is_(None),
               _c.visit_count >= 1, *_mine(_c.rep_id, by_rep))
        .order_by(_c.id)
    )  # fmt: skip


def customers_shown() -> Select:  # type: ignore[type-arg]
    """Every customer's name, phone and region: read once, not joined onto each visit (a
    lookup per visit in the customers' table cost a third of the visits' query)."""
    return select(_c.id, _c.name, _c.phone, _c.region)


def visit_edits() -> Select:  # type: ignore[type-arg]
    """The history's visit edits from `since` on, in the order they were made."""
    h = tables.history.c
    return (
        select(h.record_id, h.at, h.before, h.after)
        .where(h.kind == "visit", h.action == "edit",
               h.at >= bindparam("since", type_=DateTime))
        .order_by(h.at, h.id)
    )  # fmt: skip


def rep_codes() -> Select:  # type: ignore[type-arg]
    """The codes of the reps `ids`."""
    return select(_r.id, _r.code).where(_r.id.in_(bindparam("ids", expanding=True)))


def customer_names() -> Select:  # type: ignore[type-arg]
    """The names of the customers `ids`."""
    return select(_c.id, _c.name).where(_c.id.in_(bindparam("ids", expanding=True)))


def dismissed_ids() -> Select:  # type: ignore[type-arg]
    """The ids of the flags of [start, end] found honest (`audit_reads.DISMISSED`)."""
    a = tables.audit_reviews.c
    return select(a.flag_id).where(
        a.verdict == bindparam("verdict"), a.day >= _day("start"), a.day <= _day("end")
    )


def day_visits() -> Select:  # type: ignore[type-arg]
    """Every active rep's visit of `day` with the customer's contact and phone, and whether it
    is an order visit with no sale to its customer since (the one to check first)."""
    # the customers sold to from `day` on (every visit read is of `day`): one list read once,
    # by (rep_id, sale_date) for each rep, not each visit's customer's every sale (a tenth
    # of the time); every sale has a rep, so `rep_id IN (all reps)` leaves none out
    sold = (
        select(_s.customer_id)
        .where(_s.rep_id.in_(select(_r.id)), _s.sale_date >= _day("day"),
               _s.amount_cents > 0, _s.customer_id.is_not(None))
    )  # fmt: skip
    unsold = and_(_v.purposes.contains(Purpose.ORDER.value), _v.customer_id.not_in(sold))
    # active reps' ids: as `rep_id IN (…)` it lets a day's visits use (rep_id, visit_date)
    active = select(_r.id).where(_r.active.is_(True))
    return (
        select(_r.code, _c.name, _v.start_time, _v.end_time, _c.contact, _c.phone, _v.id, unsold)
        .join_from(tables.visits, tables.reps, _r.id == _v.rep_id)
        .join(tables.customers, _c.id == _v.customer_id)
        .where(_v.rep_id.in_(active), _v.visit_date == _day("day"))
        .order_by(bytewise(_r.code), *report_order())
    )


def recent_windows() -> Select:  # type: ignore[type-arg]
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
        .where(_k.day < _day("before"), _k.window.is_not(None))
        .subquery()
    )
    return (
        select(recent.c.code, recent.c.window)
        .where(recent.c.n <= 2)
        .order_by(recent.c.n, bytewise(recent.c.code))
    )


def visits_by_id() -> Select:  # type: ignore[type-arg]
    """The visits `ids` (those that still exist) as a call names them, in id order."""
    return (
        select(_v.id, _r.code, _v.visit_date, _c.name, _v.start_time, _v.end_time, _c.contact,
               _c.phone)
        .join_from(tables.visits, tables.reps, _r.id == _v.rep_id)
        .join(tables.customers, _c.id == _v.customer_id)
        .where(_v.id.in_(bindparam("ids", expanding=True)))
        .order_by(_v.id)
    )  # fmt: skip


def answered() -> Select:  # type: ignore[type-arg]
    """The visits among `ids` a customer was already phoned about (confirmed or not)."""
    return select(_k.visit_id).where(
        _k.visit_id.in_(bindparam("ids", expanding=True)), _k.confirmed.is_not(None)
    )
