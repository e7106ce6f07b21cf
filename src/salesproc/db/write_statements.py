"""The daily writes' statements in Core SQL (`log-visit`, `sale add`, `report header`), which
`db.daily_writes` runs through `db.prepared`: compiled once and kept on an SQLite file, through
SQLAlchemy elsewhere.

An INSERT or UPDATE here names no columns: the values it is run with do (`prepared` compiles
it with their keys, as SQLAlchemy does at run time), and the keys are part of its shape.
"""

from functools import cache
from typing import Any

from sqlalchemy import Insert, Integer, Select, Update, bindparam, case, insert, select, update

from salesproc.db import tables
from salesproc.db.shared_core import due_on, latest_visit_id, visit_count

_c = tables.customers.c
_v = tables.visits.c
_d = tables.daily_reports.c

#: a customer as a visit or a sale needs it (`daily_writes.CustomerRow`)
CUSTOMER = (
    _c.id, _c.name, _c.name_key, _c.grade, _c.category, _c.rep_id, _c.added_on, _c.won_on,
    _c.lost_on,
)  # fmt: skip


def customers_keyed() -> Select:  # type: ignore[type-arg]
    """The customers whose `name_key` is one of `keys`."""
    return select(*CUSTOMER).where(_c.name_key.in_(bindparam("keys", expanding=True)))


def customer_names() -> Select:  # type: ignore[type-arg]
    """Every customer's name (for "did you mean")."""
    return select(_c.name)


def new_row(table: str, _columns: tuple[str, ...]) -> Insert:
    """A row of `table`; `_columns`, its values' keys, only shape the SQL."""
    return insert(tables.metadata.tables[table])


def customer_changed(_columns: tuple[str, ...]) -> Update:
    """The customer `customer_id`'s changed columns (their values' keys)."""
    return update(tables.customers).where(_c.id == bindparam("customer_id", type_=Integer))


def report_changed(_columns: tuple[str, ...]) -> Update:
    """The daily report `report_id`'s changed columns (their values' keys)."""
    return update(tables.daily_reports).where(_d.id == bindparam("report_id", type_=Integer))


def report_header() -> Select:  # type: ignore[type-arg]
    """The rep `rep_id`'s report of `day`: id, region, weather."""
    return select(_d.id, _d.region, _d.weather).where(
        _d.rep_id == bindparam("rep_id", type_=Integer), _d.report_date == bindparam("day")
    )


def rep_region() -> Select:  # type: ignore[type-arg]
    """The rep `rep_id`'s own region."""
    r = tables.reps.c
    return select(r.region).where(r.id == bindparam("rep_id", type_=Integer))


def same_visit(no_start: bool) -> Select:  # type: ignore[type-arg]
    """The first visit of `rep_id` to `customer_id` on `day` at `start` (none: without a start
    time), other than `other_than`."""
    return (
        select(_v.id)
        .where(
            _v.rep_id == bindparam("rep_id", type_=Integer),
            _v.customer_id == bindparam("customer_id", type_=Integer),
            _v.visit_date == bindparam("day"),
            _v.start_time.is_(None) if no_start else _v.start_time == bindparam("start"),
            _v.id != bindparam("other_than", type_=Integer),
        )
        .order_by(_v.id)
        .limit(1)
    )


def _scope(scoped: bool) -> list[Any]:
    return [_c.id.in_(bindparam("ids", expanding=True))] if scoped else []


@cache
def refresh_counts(scoped: bool) -> Update:
    """The customers' latest visit and visit counts (of the customers `ids` when `scoped`):
    the first of `writes.refresh_schedules`' two statements. Built once: making the aliased
    subqueries costs more than running them."""
    won = _c.won_on.is_not(None)
    return (
        update(tables.customers)
        .where(*_scope(scoped))
        .values(
            last_visit_id=latest_visit_id(),
            visit_count=visit_count(),
            visits_to_win=case((won, visit_count(_c.won_on)), else_=None),
        )
    )


@cache
def refresh_due(scoped: bool) -> Update:
    """The customers' due day, from the latest visit `refresh_counts` found: the second."""
    last = tables.visits.alias()
    latest_next = select(last.c.next_visit).where(last.c.id == _c.last_visit_id).scalar_subquery()
    return update(tables.customers).where(*_scope(scoped)).values(next_due=due_on(latest_next))
