"""What every command needs: settings, today's date and a database session, loaded lazily."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from salesproc import clock
from salesproc.config import Settings, load
from salesproc.errors import InputError
from salesproc.i18n import _
from salesproc.rules.dates import parse_date

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from salesproc.rules.calendar import WorkCalendar


FromOpt = Annotated[
    str | None, typer.Option("--from", help="From this day on (YYYY-MM-DD, today, -N).")
]
ToOpt = Annotated[str | None, typer.Option("--to", help="Up to this day, included.")]


@dataclass
class Runtime:
    db_flag: str | None
    debug: bool = False
    lang_flag: str | None = None
    _settings: Settings | None = field(default=None, repr=False)
    _engine: "Engine | None" = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load(self.db_flag, self.lang_flag)
        return self._settings

    @property
    def now(self) -> datetime:
        return clock.now()

    @property
    def today(self) -> date:
        return clock.today()

    def date(self, text: str | None, relative_to: date | None = None) -> date:
        """A date option as the user typed it; today when omitted."""
        return self.today if text is None else parse_date(text, self.today, relative_to)

    def span(self, start: str | None, end: str | None) -> "tuple[date | None, date | None]":
        """--from and --to as typed; None where not given (open-ended)."""
        return (self.date(start) if start else None, self.date(end) if end else None)

    def rep_code(self, given: str | None) -> str:
        """--rep, else the config's `rep` (a rep's own machine), else an error."""
        code = given or self.settings.rep.value
        if not code:
            raise InputError(_("no rep given; pass --rep CODE or set `rep` in the config file"))
        return str(code)

    def calendar(self, years: Iterable[int]) -> "WorkCalendar":
        """The team's working days in `years`: its weekdays, China's holidays and make-up days.

        A year the holiday data does not cover yet falls back to the weekdays,
        with a warning on stderr rather than an error, so a cron job keeps running.
        """
        from salesproc.adapters.holidays import china_calendar
        from salesproc.rules.calendar import format_weekdays

        years = sorted(set(years))
        calendar = china_calendar(years, self.settings.workdays)
        missing = calendar.fallback_years(years)
        if missing:
            typer.echo(
                _(
                    "Warning: no holiday calendar for {years}; counting {days} as working days"
                ).format(
                    years=", ".join(map(str, missing)),
                    days=format_weekdays(self.settings.workdays),
                ),
                err=True,
            )
        return calendar

    def engine(self, create: bool = False) -> "Engine":
        if self._engine is None:
            from salesproc.db.engine import open_engine

            self._engine = open_engine(str(self.settings.db.value), create=create)
        return self._engine

    @contextmanager
    def session(self, create: bool = False, commit: bool = True) -> "Iterator[Session]":
        """One transaction: committed when the block ends (unless `commit` is false, as for
        a dry run), rolled back on any error."""
        from salesproc.db.engine import session

        with session(self.engine(create=create)) as s:
            transaction = s.begin()
            try:
                yield s
            except BaseException:
                transaction.rollback()
                raise
            if commit:
                transaction.commit()
            else:
                transaction.rollback()


def runtime(ctx: typer.Context) -> Runtime:
    obj = ctx.find_root().obj
    assert isinstance(obj, Runtime)
    return obj
