"""Visits and sales: what reps record during the day, and its corrections.

Each function is one thing a user does (`log-visit`, `visit list`, `visit edit`,
`visit delete`; `sale add` lives in `service.sales`, re-exported here) and returns
plain values: the session is closed by the time the caller reads them. Like every
`service` module it imports the database layer at once: the CLI imports it inside
the command that needs it.
"""

from dataclasses import dataclass
from datetime import date

from salesproc.db import queries, writes
from salesproc.db.models import Visit
from salesproc.db.queries import VisitRow
from salesproc.db.writes import VisitChanges, VisitInput
from salesproc.rules.vocab import Category, Purpose
from salesproc.service.context import Context
from salesproc.service.sales import RecordedSale, add_sale  # moved to `sales`; kept here too

__all__ = [
    "LoggedVisit",
    "RecordedSale",
    "VisitChanges",
    "VisitInput",
    "VisitRow",
    "add_sale",
    "delete_visit",
    "edit_visit",
    "list_visits",
    "log_visit",
]


@dataclass(frozen=True)
class LoggedVisit:
    """A visit as it stands after a write: what `log-visit` and `visit edit` confirm."""

    id: int
    rep: str
    customer: str
    visit_date: date
    purposes: tuple[Purpose, ...]
    next_visit: date
    #: the customer's category when the visit was made, and now (a win makes a prospect new)
    category: Category
    customer_category: Category
    lost: bool
    amount_cents: int | None = None
    #: sales removed with the visit (`delete_visit` only)
    sales_deleted: int = 0


def _logged(visit: Visit, amount_cents: int | None = None, sales: int = 0) -> LoggedVisit:
    return LoggedVisit(
        id=visit.id,
        rep=visit.rep.code,
        customer=visit.customer.name,
        visit_date=visit.visit_date,
        purposes=tuple(Purpose(p) for p in visit.purposes.split(",") if p),
        next_visit=visit.next_visit,
        category=Category(visit.category),
        customer_category=Category(visit.customer.category),
        lost=visit.customer.lost_on is not None,
        amount_cents=amount_cents,
        sales_deleted=sales,
    )


def log_visit(ctx: Context, entry: VisitInput, again: bool = False) -> LoggedVisit:
    """One row of the daily report (with its sale, when it has an amount); the same visit
    (rep, customer, day, start time) as one on file only when `again`."""
    with ctx.session() as s:
        visit = writes.log_visit(s, entry, ctx.settings.cadence, ctx.today, ctx.now, again)
        s.flush()
        return _logged(visit, entry.amount_cents)


def list_visits(
    ctx: Context,
    rep: str | None = None,
    customer: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[VisitRow]:
    """Visits in the daily report's order: by day, then time."""
    with ctx.session() as s:
        rep_id = writes.find_rep(s, rep).id if rep else None
        customer_id = writes.find_customer(s, customer).id if customer else None
        return queries.visit_list(s, rep_id, customer_id, start, end)


def edit_visit(ctx: Context, visit_id: int, changes: VisitChanges) -> LoggedVisit:
    """Correct a visit's day, times, purposes, result, revisit or notes."""
    with ctx.session() as s:
        return _logged(writes.edit_visit(s, visit_id, changes, ctx.today, ctx.who))


def delete_visit(ctx: Context, visit_id: int) -> LoggedVisit:
    """Remove a visit logged in error with its sale; a win or loss it made is undone."""
    with ctx.session() as s:
        visit, sales = writes.delete_visit(s, visit_id, ctx.who)
        return _logged(visit, sales=sales)
