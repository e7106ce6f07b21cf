"""The supervisor's days in the market (走动管理 / 现场管理) and the issues found there.

The method's model spent 200+ days a year in the market: accompanying reps,
seeing customers, finding cross-region selling (窜货) or price disorder (乱价)
on the spot. An issue found stays open until it is resolved, with how, so
`field summary` can hold the year's days in the market against its working
days and say what is still open.
"""

from dataclasses import dataclass
from datetime import date

from salesproc.db import queries, writes
from salesproc.db.models import FieldDay
from salesproc.db.queries import FieldRow
from salesproc.db.writes import FieldEntry
from salesproc.rules.dates import check_not_future
from salesproc.service.context import Context

__all__ = [
    "FieldEntry",
    "FieldRecord",
    "FieldRow",
    "FieldYear",
    "list_days",
    "log_day",
    "resolve_issue",
    "summary",
]


@dataclass(frozen=True)
class FieldRecord:
    """A field day as written: what `field log` and `field resolve` confirm."""

    id: int
    day: date
    #: the kind of issue found (cross-region, price, …); None when the day found none
    issue: str | None
    resolved_on: date | None = None


@dataclass(frozen=True)
class FieldYear:
    """A year in the market so far: days out against working days, reps, open issues."""

    year: int
    days_in_market: int
    working_days: int
    #: days each rep was accompanied, by code
    reps: dict[str, int]
    #: issues still open, by kind
    open_issues: dict[str, int]


def _record(day: FieldDay) -> FieldRecord:
    return FieldRecord(day.id, day.day, day.issue, day.resolved_on)


def log_day(ctx: Context, entry: FieldEntry) -> FieldRecord:
    """A day in the market: whom the supervisor went with, whom it saw, what it found."""
    check_not_future(entry.day, ctx.today)
    now = ctx.now
    return ctx.transaction(lambda s: _record(writes.log_field_day(s, entry, now)))


def list_days(
    ctx: Context, start: date | None = None, end: date | None = None, status: str | None = None
) -> list[FieldRow]:
    """Days in the market, oldest first; `status` open or resolved keeps those issues only."""
    with ctx.session(write=False) as s:
        return queries.field_list(s, start, end, status)


def resolve_issue(ctx: Context, field_id: int, note: str) -> FieldRecord:
    """Close the issue a field day found, saying how (resolved today)."""
    today = ctx.today
    return ctx.transaction(lambda s: _record(writes.resolve_field_issue(s, field_id, note, today)))


def summary(ctx: Context, year: int | None = None) -> FieldYear:
    """The year (this one by default) up to today: a year to come has no days yet."""
    year = year or ctx.today.year
    start, end = date(year, 1, 1), min(date(year, 12, 31), ctx.today)
    calendar = ctx.calendar([year])
    with ctx.session(write=False) as s:
        found = queries.field_summary(s, start, end)
    return FieldYear(
        year=year,
        days_in_market=found.days_in_market,
        working_days=calendar.workdays(start, end) if start <= end else 0,
        reps=found.reps,
        open_issues=found.open_issues,
    )
