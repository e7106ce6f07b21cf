"""Visits and sales: what reps record during the day, and its corrections.

Each function is one thing a user does (`log-visit`, `visit list`, `visit edit`,
`visit delete`; `sale add` lives in `service.sales`) and returns
plain values: the session is closed by the time the caller reads them. The CLI
imports it inside the command that needs it. `log-visit`, run after every call,
writes through Core (`db.daily_writes`) and never loads the ORM: the corrections
import it (`db.writes`, `db.queries`) when they run.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from salesproc.db import daily_writes
from salesproc.db.daily_writes import VisitInput
from salesproc.rules.calendar import WorkCalendar
from salesproc.rules.vocab import Category, Purpose
from salesproc.service.context import Context

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session

    from salesproc.db.models import Visit
    from salesproc.db.queries import VisitRow
    from salesproc.db.writes import VisitChanges


def __getattr__(name: str) -> Any:
    """What this module re-exports from the ORM side, loaded when first asked for."""
    if name == "VisitRow":
        from salesproc.db.queries import VisitRow

        return VisitRow
    if name == "VisitChanges":
        from salesproc.db.writes import VisitChanges

        return VisitChanges
    raise AttributeError(name)


__all__ = [
    "LoggedVisit",
    "VisitChanges",
    "VisitInput",
    "VisitRow",
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
    #: the day the cadence or `--next +N` gave, when it was a day off and `next_visit`
    #: is the next working day (`log_visit` only)
    moved_from: date | None = None


def _logged(visit: "Visit", amount_cents: int | None = None, sales: int = 0) -> LoggedVisit:
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
    calendar = revisit_calendar(ctx, entry.visit_date, entry.next_days)
    settings, today, now = ctx.settings, ctx.today, ctx.now

    def work(db: "Connection") -> LoggedVisit:  # run again if another writer was in the way
        visit = daily_writes.log_visit(
            db, entry, settings.cadence, today, now, again, calendar, settings.prospect_cadence
        )
        return LoggedVisit(
            id=visit.id,
            rep=visit.rep,
            customer=visit.customer,
            visit_date=entry.visit_date,
            purposes=tuple(Purpose(p) for p in visit.purposes.split(",") if p),
            next_visit=visit.next_visit,
            category=Category(visit.category),
            customer_category=visit.customer_category,
            lost=visit.lost,
            amount_cents=entry.amount_cents,
            moved_from=visit.moved_from,
        )

    return ctx.write(work)


def revisit_calendar(
    ctx: Context, day: date, after: int | None = None, reach_from: date | None = None
) -> WorkCalendar:
    """The working days a revisit counted from a visit on `day` (or later, up to
    `reach_from`) may fall on: from `day`'s year to the year the longest cadence (or
    `after` days) reaches.

    A revisit is a plan, not a figure: a year without holiday data yet counts
    the team's weekdays without the warning targets give.
    """
    longest = max([*ctx.settings.cadence.values(), ctx.settings.prospect_cadence or 0])
    start = reach_from or day
    reach = start + timedelta(days=min(max(longest, after or 0), 3650) + 7)  # + a run of days off
    return ctx.calendar(range(day.year, reach.year + 1), warn=False)


def list_visits(
    ctx: Context,
    rep: str | None = None,
    customer: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> "list[VisitRow]":
    """Visits in the daily report's order: by day, then time."""
    from salesproc.db import queries, writes

    with ctx.session(write=False) as s:
        rep_id = writes.find_rep(s, rep).id if rep else None
        customer_id = writes.find_customer(s, customer).id if customer else None
        return queries.visit_list(s, rep_id, customer_id, start, end)


def edit_visit(ctx: Context, visit_id: int, changes: "VisitChanges") -> LoggedVisit:
    """Correct a visit's day, times, purposes, result, revisit or notes."""
    from salesproc.db import writes

    calendar = None
    if isinstance(changes.next_visit, timedelta):  # counted from the visit: a working day
        calendar = revisit_calendar(ctx, changes.visit_date or ctx.today, changes.next_visit.days)
    who = ctx.who
    return ctx.transaction(
        lambda s: _logged(writes.edit_visit(s, visit_id, changes, ctx.today, who, calendar))
    )


def delete_visit(ctx: Context, visit_id: int) -> LoggedVisit:
    """Remove a visit logged in error with its sale; a win or loss it made is undone."""
    from salesproc.db import writes

    who = ctx.who

    def work(s: "Session") -> LoggedVisit:
        visit, sales = writes.delete_visit(s, visit_id, who)
        return _logged(visit, sales=sales)

    return ctx.transaction(work)
