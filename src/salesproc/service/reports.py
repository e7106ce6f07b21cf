"""The daily sales report (销售日报表): one form per rep and day, as data or as the Excel form.

The report is what the supervisor reads every evening, so every active rep
has one, visits or not: a rep without visits shows "no report" rather than
disappearing from the list. The forms are written by `adapters.report_form`;
a file that cannot be written is the user's to fix (a path, a full disk), so
it is an input error, not a crash.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from salesproc.db import daily_reads
from salesproc.errors import InputError
from salesproc.i18n import _
from salesproc.rules.dates import REPORT_DATE_AHEAD, check_not_future
from salesproc.service.context import Context

if TYPE_CHECKING:
    from sqlalchemy import Connection

__all__ = [
    "DailyReport",
    "ReportHeader",
    "daily_reports",
    "set_header",
    "write_daily_reports",
    "write_template",
]


@dataclass(frozen=True)
class DailyReport:
    """One rep's report of one day; its fields, in order, are the JSON document's keys.

    Each visit is a dict of the form's columns (`seq`, `customer`, `phone`,
    `start`, `end`, `purposes`, `result`, `outcome`, `category`,
    `next_visit`, `notes`, and `amount` and `collected`: the sale and the collection logged
    on the visit, in cents, or None), numbered by start time.
    """

    rep: str
    name: str
    region: str | None
    date: date
    weather: str | None
    reported: bool
    visit_count: int
    quota: int
    visits: list[dict[str, Any]]

    def as_document(self) -> dict[str, Any]:
        return dict(vars(self))


@dataclass(frozen=True)
class ReportHeader:
    rep: str
    day: date
    region: str | None
    weather: str | None


def daily_reports(ctx: Context, day: date, rep: str | None = None) -> list[DailyReport]:
    """Every active rep's report of `day` (or one rep's, active or not), by rep code."""
    quota = ctx.settings.visit_quota
    with ctx.quick_reading() as db:
        rep_id = daily_reads.find_rep(db, rep).id if rep else None
        rows = daily_reads.daily_reports(db, day, rep_id)
    return [
        DailyReport(
            rep=r.rep,
            name=r.name,
            region=r.region,
            date=r.date,
            weather=r.weather,
            reported=bool(r.visits),
            visit_count=len(r.visits),
            quota=quota,
            visits=r.visits,
        )
        for r in rows
    ]


def write_daily_reports(
    ctx: Context, path: Path, day: date, rep: str | None = None
) -> list[DailyReport]:
    """The filled paper forms of `day` in one workbook, a sheet per rep; the reports written."""
    reports = daily_reports(ctx, day, rep)
    if not reports:
        raise InputError(_("no active rep has a report on {day}").format(day=day))
    from salesproc.adapters.report_form import write_reports  # openpyxl: slow to import

    _write(path, lambda: write_reports(path, [r.as_document() for r in reports]))
    return reports


def write_template(ctx: Context, path: Path) -> None:
    """The blank form, in the current language, for reps to fill in and `import visits` to read.

    Nothing of `ctx` is read: the form is the same for every team.
    """
    from salesproc.adapters.report_form import write_template as write_blank

    _write(path, lambda: write_blank(path))


def _write(path: Path, write: Callable[[], None]) -> None:
    try:
        write()
    except OSError as exc:
        raise InputError(
            _("cannot write {file}: {reason}").format(file=path, reason=exc.strerror)
        ) from None


def set_header(
    ctx: Context, rep: str, day: date, weather: str | None = None, region: str | None = None
) -> ReportHeader:
    """A report's weather or region without a visit; the last word wins.

    The rep must be active (an inactive one can log nothing new) before the
    day is checked, so the error names what is wrong first.
    """
    from salesproc.db import daily_writes

    today = ctx.today

    def work(db: "Connection") -> ReportHeader:  # run again if another writer was in the way
        found = daily_writes.find_active_rep(db, rep)
        check_not_future(day, today, REPORT_DATE_AHEAD)
        saved = daily_writes.set_report_header(db, found.id, day, weather, region)
        return ReportHeader(found.code, day, *saved)

    return ctx.write(work)
