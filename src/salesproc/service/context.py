"""What every use case runs in: the settings, the clock, the database and the working calendar.

A `Context` is the one argument every function of `salesproc.service` takes
first. The CLI builds one per command; a script, a scheduler or a test builds
its own with `Context.open(...)`. Nothing here prints: what a user should be
told on the side (a year without a holiday calendar) goes to `warn`, which the
CLI points at stderr.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, TypeVar

from salesproc import clock
from salesproc.config import Settings, load
from salesproc.errors import InputError
from salesproc.i18n import _

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.orm import Session

    from salesproc.db.history import Who
    from salesproc.db.prepared import SqliteReader, SqliteWriter
    from salesproc.rules.calendar import WorkCalendar


T = TypeVar("T")


def _ignore(_message: str) -> None:
    """The default `warn` of a library caller that did not ask to hear."""


@dataclass
class Context:
    settings: Settings
    #: the clock: `clock.now` reads SALESPROC_NOW; a test or a replay passes its own
    clock: Callable[[], datetime] = clock.now
    #: where warnings go (one line each): stderr in the CLI, nowhere by default
    warn: Callable[[str], None] = _ignore
    _engine: "Engine | None" = field(default=None, repr=False)

    @classmethod
    def open(
        cls,
        db: str | None = None,
        *,
        lang: str | None = None,
        now: datetime | None = None,
        warn: Callable[[str], None] = _ignore,
    ) -> "Context":
        """Settings as the CLI reads them (`db` plays `--db`), the clock pinned to `now` if given.

        The database itself is opened on first use, and only if it exists:
        call `create_database` (the `init` command) to make a new one.
        """
        clock_ = (lambda: now) if now is not None else clock.now
        return cls(load(db, lang), clock=clock_, warn=warn)

    def __enter__(self) -> "Context":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def now(self) -> datetime:
        return self.clock()

    @property
    def today(self) -> date:
        return self.now.date()

    @property
    def who(self) -> "Who":
        """Who makes a change now, for the history: config `user` (else the login) and the clock."""
        from salesproc.db.history import Who

        return Who(self.settings.user, self.now)

    def rep_code(self, given: str | None) -> str:
        """The rep asked for, else the config's `rep` (a rep's own machine), else an error."""
        code = given or self.settings.rep.value
        if not code:
            raise InputError(_("no rep given; pass --rep CODE or set `rep` in the config file"))
        return str(code)

    def calendar(self, years: Iterable[int], warn: bool = True) -> "WorkCalendar":
        """The team's working days in `years`: its weekdays, China's holidays and make-up days.

        A year the holiday data does not cover yet falls back to the weekdays,
        with a warning rather than an error, so a cron job keeps running (and
        none when not `warn`: a plan such as a revisit, not a figure).
        """
        from salesproc.adapters.holidays import china_calendar

        years = sorted(set(years))
        calendar = china_calendar(years, self.settings.workdays)
        if warn:
            self.warn_uncovered(calendar, years)
        return calendar

    def warn_uncovered(self, calendar: "WorkCalendar", years: Iterable[int]) -> None:
        """`calendar`'s warning for the `years` it counts by weekdays alone: for a use case
        that takes the calendar (`warn=False`) before a transaction and warns once after it,
        however often the transaction ran."""
        from salesproc.rules.calendar import format_weekdays

        missing = calendar.fallback_years(sorted(set(years)))
        if missing:
            self.warn(
                _(
                    "Warning: no holiday calendar for {years}; counting {days} as working days"
                ).format(
                    years=", ".join(map(str, missing)),
                    days=format_weekdays(self.settings.workdays),
                )
            )

    def engine(self, create: bool = False) -> "Engine":
        """The engine on a database whose schema is current; `create` makes a missing one."""
        if self._engine is None:
            from salesproc.db.engine import open_engine

            self._engine = open_engine(str(self.settings.db.value), create=create)
        return self._engine

    @contextmanager
    def session(
        self, create: bool = False, commit: bool = True, write: bool = True
    ) -> "Iterator[Session]":
        """One transaction: committed when the block ends (unless `commit` is false, as for
        a dry run), rolled back on any error. A `write` one holds the write lock from its
        start, waiting its turn behind other writers (up to ~30 s, then the database is
        busy, exit 1); one that only reads passes `write=False` and waits for no writer."""
        from salesproc.db.contention import unit_of_work

        engine = self.engine(create=create)
        with unit_of_work(engine, write=write, commit=commit) as s:
            yield s

    @contextmanager
    def reading(self) -> "Iterator[Connection]":
        """One read transaction on a Core connection, as `session(write=False)` begins it (one
        snapshot, no wait for writers): what the reports read through (`db.audit_reads`…),
        never loading the ORM; the daily ones take `quick_reading`."""
        from salesproc.db.contention import reading

        with reading(self.engine()) as connection:
            yield connection

    @contextmanager
    def quick_reading(self) -> "Iterator[Connection | SqliteReader]":
        """`reading`, for the reads of `db.daily_reads` alone: on an SQLite file whose schema
        is current, a `sqlite3` connection that runs their statements compiled once, without
        importing SQLAlchemy (`db.prepared`); anywhere else (PostgreSQL, an older file to
        migrate, a file that is not there) `reading`'s Core connection, which says why."""
        reader = self._current_file()
        if reader is None:
            with self.reading() as connection:
                yield connection
            return
        try:
            yield reader
        finally:
            reader.close()

    def _current_file(self) -> "SqliteReader | None":
        """A `prepared.SqliteReader` on the database when it is an SQLite file whose schema is
        current and no engine is open yet; else None (SQLAlchemy's way)."""
        from salesproc.db.prepared import SqliteReader, sqlite_path

        path = sqlite_path(str(self.settings.db.value))
        if path is None or self._engine is not None:
            return None
        from salesproc.db.migrate import HEAD

        return SqliteReader.open(path, HEAD)

    def transaction(
        self, work: "Callable[[Session], T]", create: bool = False, commit: bool = True
    ) -> T:
        """`work(session)` as one write transaction, run again from its start while another
        writer is in the way (a deadlock, a lock held too long). `work` does database work
        only: what it did besides (a message sent, a warning) would happen twice. A dry run
        passes `commit=False`: rolled back, it still waits its turn as the real run would."""
        from salesproc.db.contention import retried

        return retried(self.engine(create=create), work, commit=commit)

    def write(self, work: "Callable[[Connection | SqliteWriter], T]") -> T:
        """`transaction` for the daily writes (`db.daily_writes`: `log-visit`, `sale add`):
        `work(connection)`, with the same write lock and the same retries, never loading the
        ORM; on an SQLite file whose schema is current, a `prepared.SqliteWriter` that runs
        their statements compiled once, without importing SQLAlchemy at all."""
        checked = self._current_file()
        if checked is None:
            from salesproc.db.contention import retried_core

            return retried_core(self.engine(), work)
        checked.close()
        from salesproc.db.contention import retried_sqlite
        from salesproc.db.prepared import SqliteWriter

        path, cache = checked.path, checked.cache
        return retried_sqlite(lambda wait_ms: SqliteWriter.connect(path, wait_ms, cache), work)

    def close(self) -> None:
        """Give the database's connections back: a long-running caller opens many contexts."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
