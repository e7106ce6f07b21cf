"""Whom to visit: the due list (待回访) and the four-visit rule (四次拜访法则).

What a rep reads each morning. Both are read-only: the schedule itself is kept
up to date by every visit and sale written (see `db.writes.refresh_schedules`).
"""

from dataclasses import dataclass
from datetime import date

from salesproc.db import daily_reads
from salesproc.db.daily_reads import DueRow, ProspectRow
from salesproc.rules.fourvisit import MIN_VISITS, WinSummary
from salesproc.service.context import Context

__all__ = ["DueRow", "FourVisit", "ProspectRow", "WinSummary", "due", "four_visit"]


@dataclass(frozen=True)
class FourVisit:
    """The prospects at risk on `as_of`, and how many visits the won ones took."""

    as_of: date
    #: prospects given up on or after this day are listed (`gave-up`)
    since: date
    min_visits: int
    #: overdue first (most days late first), then given up, then on track
    prospects: list[ProspectRow]
    summary: WinSummary


def due(ctx: Context, as_of: date, rep: str | None = None, ahead: int = 0) -> list[DueRow]:
    """Customers due on `as_of` (or within `ahead` days after it) or overdue.

    Most overdue first, then grade A→C, then name: the order a rep works through
    the list. A past `as_of` sees the schedule as it stood then.
    """
    with ctx.quick_reading() as db:
        rep_id = daily_reads.find_rep(db, rep).id if rep else None
        return daily_reads.due_list(db, as_of, ctx.today, ahead, rep_id)


def four_visit(
    ctx: Context,
    as_of: date,
    rep: str | None = None,
    min_visits: int = MIN_VISITS,
    since: date | None = None,
) -> FourVisit:
    """Open prospects (on track or overdue), those given up `since` (default: the month's 1st)
    before their `min_visits`-th visit, and the visits the won ones took."""
    since = since or as_of.replace(day=1)
    with ctx.quick_reading() as db:
        rep_id = daily_reads.find_rep(db, rep).id if rep else None
        prospects, summary = daily_reads.four_visit(db, as_of, ctx.today, since, min_visits, rep_id)
    return FourVisit(as_of, since, min_visits, prospects, summary)
