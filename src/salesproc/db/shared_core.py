"""What the daily reads (`db.reads`) and the daily writes (`db.daily_writes`) both need, in
Core: the rep a `--rep` names, and a customer's latest visit, visit count and due day in SQL.

A module apart so that `log-visit` and `sale add`, which need only these, do not pay for
importing every report of `db.reads` (its row types and the rules they sort and rank by);
`db.reads` imports from here what it uses itself.
"""

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, TypeAlias

from sqlalchemy import Connection, FromClause, func, select
from sqlalchemy.sql.elements import ColumnElement

from salesproc.db import tables
from salesproc.errors import InputError
from salesproc.rules.names import code_key, name_key

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


@dataclass(frozen=True)
class RepRef:
    """A rep as a `--rep` names it."""

    id: int
    code: str
    name: str
    active: bool


def find_rep(db: Reader, code: str, option: str | None = "--rep") -> RepRef:
    """The rep `code` names: its code exactly, else its code ignoring case, else its name
    (as `name_key` compares names). A name several reps share is refused, listing their codes.

    The one resolver of every `--rep` (and `customer reassign --from/--to`: `option`);
    `writes.find_rep` loads the record it finds.
    """
    text = code.strip()
    columns = select(_r.id, _r.code, _r.name, _r.active)
    exact = db.execute(columns.where(_r.code == text)).first()
    if exact is not None:
        return RepRef(*exact)
    reps = [RepRef(*row) for row in db.execute(columns.order_by(_r.id))]
    found = [r for r in reps if code_key(r.code) == code_key(text)]
    if not found:
        found = [r for r in reps if name_key(r.name) == name_key(text)]
    from salesproc.db import writes  # the words of a rep not found; never on the way to one

    if len(found) > 1:
        raise InputError(writes.same_name_reps(text, [r.code for r in found], option))
    if found:
        return found[0]
    writes.refuse_unknown_rep(db, code, [r.code for r in reps])
    raise AssertionError("unreachable")  # pragma: no cover
