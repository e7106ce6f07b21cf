"""What the daily reads (`db.reads`) and the daily writes (`db.daily_writes`) both need, in
Core: the statements that find the rep a `--rep` names (`daily_reads.find_rep` runs them),
and a customer's latest visit, visit count and due day in SQL.

A module apart so that `log-visit` and `sale add`, which need only these, do not pay for
importing every report of `db.reads`; `db.reads` imports from here what it uses itself.
"""

from datetime import date
from typing import TYPE_CHECKING, TypeAlias

from sqlalchemy import Connection, FromClause, Select, String, bindparam, func, select
from sqlalchemy.sql.elements import ColumnElement

from salesproc.db import tables

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

#: what a read runs on: a Core connection in a read transaction, or a writer's ORM session
Reader: TypeAlias = "Connection | Session"

_c = tables.customers.c
_r = tables.reps.c


def latest_first(v: FromClause) -> tuple[ColumnElement[object], ...]:
    """The order that makes a visit a customer's latest (see `rules.due`); `v`: the visits
    or an alias of them.

    By visit date, then start time (none counts as the day's first), then time
    logged: the order of `ix_visits_customer_latest`, read backwards.
    """
    c = v.c
    return (
        c.visit_date.desc(), c.start_time.desc().nulls_last(), c.logged_at.desc(), c.id.desc()
    )  # fmt: skip


def latest_visit_id(as_of: date | None = None) -> ColumnElement[int]:
    """The id of a customer's latest visit on or before `as_of` (None: of all)."""
    v = tables.visits.alias()
    bound = [] if as_of is None else [v.c.visit_date <= as_of]
    return (
        select(v.c.id)
        .where(v.c.customer_id == _c.id, *bound)
        .order_by(*latest_first(v))
        .limit(1)
        .correlate(tables.customers)
        .scalar_subquery()
    )


def visit_count(until: date | ColumnElement[date] | None = None) -> ColumnElement[int]:
    """How many visits a customer had on or before `until` (a date or a column; None: all)."""
    v = tables.visits.alias()
    bound = [] if until is None else [v.c.visit_date <= until]
    return (
        select(func.count(v.c.id))
        .where(v.c.customer_id == _c.id, *bound)
        .correlate(tables.customers)
        .scalar_subquery()
    )


def due_on(latest_next_visit: ColumnElement[date]) -> ColumnElement[date]:
    """`rules.due.due_date` in SQL: the latest visit's revisit date, else the day added."""
    return func.coalesce(latest_next_visit, _c.added_on)


def rep_by_code() -> Select:  # type: ignore[type-arg]
    """The rep whose code is `code` exactly: id, code, name, active (`daily_reads.find_rep`)."""
    return _reps().where(_r.code == bindparam("code", type_=String))


def reps_by_id() -> Select:  # type: ignore[type-arg]
    """Every rep, by id: id, code, name, active (`daily_reads.find_rep`)."""
    return _reps().order_by(_r.id)


def _reps() -> Select:  # type: ignore[type-arg]
    return select(_r.id, _r.code, _r.name, _r.active)
