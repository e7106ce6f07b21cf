"""Writers that wait their turn: the write lock taken up front, and which errors mean "busy".

SQLite lets one writer at a time. Python's sqlite3 driver begins a transaction
only at the first INSERT/UPDATE/DELETE, so a use case that reads first and then
writes asks for the write lock in the middle of its work; a reader upgrading to
a writer after another writer committed gets `database is locked` at once,
however long the busy timeout. A write session here says `BEGIN IMMEDIATE` as
its first statement instead: it waits for the lock before it has read
anything (SQLite's own busy wait, `wait_ms`), and once it holds the lock, in
WAL mode nothing else can make it fail for being busy. Read sessions begin a
plain deferred transaction (one snapshot for the whole use case) and never
wait for writers.

This is SQLAlchemy's documented pysqlite recipe, applied per session: the
`begin` event emits our BEGIN, which the driver then sees as already open
(it checks SQLite's autocommit state before its own implicit BEGIN, and
commits or rolls back whatever is open). Connections without the option
(migrations, schema checks) keep the driver's behaviour.

PostgreSQL needs no up-front lock (rows are locked as they are written), but
two transactions may still deadlock (SQLSTATE 40P01) or, under stricter
isolation, fail to serialise (40001): both mean "run it again".
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from salesproc.errors import RuntimeFailure
from salesproc.i18n import _

if TYPE_CHECKING:  # SQLAlchemy comes with the engine; `log-visit` on SQLite goes without
    from sqlalchemy import Connection, Engine
    from sqlalchemy.orm import Session

    from salesproc.db.prepared import SqliteWriter

T = TypeVar("T")
#: what a transaction runs on: an ORM session (the writes) or a Core connection
H = TypeVar("H", bound="Connection | Session")
W = TypeVar("W", bound="SqliteWriter")

#: The execution option a session's engine carries: "write" or "read".
_MODE = "salesproc_mode"
_WAIT = "salesproc_wait_ms"

#: SQLite's SQLITE_BUSY and SQLITE_LOCKED, whatever their extended code.
_SQLITE_BUSY = {5, 6}
#: PostgreSQL: serialization_failure, deadlock_detected.
_PG_RETRY = {"40001", "40P01"}


def install(engine: Engine) -> None:
    """Let `for_session` engines begin their transactions themselves (SQLite only)."""
    from sqlalchemy import event

    if engine.dialect.name == "sqlite":
        event.listen(engine, "begin", _begin)


def _begin(connection: Any) -> None:
    options = connection.get_execution_options()
    mode = options.get(_MODE)
    if mode is None:
        return
    wait = max(0, int(options.get(_WAIT, 30_000)))
    connection.exec_driver_sql(f"PRAGMA busy_timeout = {wait}")
    connection.exec_driver_sql("BEGIN IMMEDIATE" if mode == "write" else "BEGIN")


def for_session(engine: Engine, *, write: bool, wait_ms: int = 30_000) -> Engine:
    """The engine a session uses: on SQLite a write one takes the write lock at its start,
    waiting up to `wait_ms` for it."""
    if engine.dialect.name != "sqlite":
        return engine
    mode = "write" if write else "read"
    return engine.execution_options(**{_MODE: mode, _WAIT: wait_ms})


def is_busy(exc: BaseException) -> bool:
    """Whether `exc` says another writer was in the way: nothing was written, and the same
    transaction run again from the start can succeed."""
    orig = getattr(exc, "orig", None) or exc
    code = getattr(orig, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _SQLITE_BUSY
    if getattr(orig, "sqlstate", None) in _PG_RETRY:
        return True
    if type(orig).__name__ == "OperationalError" and type(orig).__module__ == "sqlite3":
        message = str(orig)
        return "database is locked" in message or "database is busy" in message
    return False


#: How long a command keeps trying before it gives up and says the database is busy.
DEADLINE_S = 30.0
#: The first pause between two attempts; it doubles up to `MAX_PAUSE_S`, with jitter so that
#: writers that collided do not collide again in step.
FIRST_PAUSE_S = 0.005
MAX_PAUSE_S = 0.5


class Busy(RuntimeFailure):
    """Another writer held the database for the whole wait; the transaction was rolled back."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "the database is busy (another salesproc is writing); "
                "nothing was written, run the command again"
            )
        )


class Attempts:
    """The time left to one command's transaction, across its attempts."""

    def __init__(self) -> None:
        self.deadline = time.monotonic() + DEADLINE_S
        self.pause = FIRST_PAUSE_S

    def wait_ms(self) -> int:
        """SQLite's own busy wait for the next BEGIN IMMEDIATE: what is left of the deadline."""
        return max(1, int((self.deadline - time.monotonic()) * 1000))

    def pause_or_give_up(self) -> None:
        """Back off before the next attempt, or raise `Busy` when none is left."""
        pause = self.pause * random.uniform(0.5, 1.0)
        if time.monotonic() + pause >= self.deadline:
            raise Busy() from None
        time.sleep(pause)
        self.pause = min(self.pause * 2, MAX_PAUSE_S)


@contextmanager
def unit_of_work(
    engine: Engine, *, write: bool, commit: bool, attempts: Attempts | None = None
) -> Iterator[Session]:
    """One transaction, its write lock (for a writer) taken before the block runs: committed
    when the block ends (rolled back if not `commit`), rolled back on any error. Busy on the
    way in means waiting and trying again; busy inside the block or at commit is `Busy`,
    which `retried` runs again and a plain caller reports."""
    from salesproc.db.engine import session as new_session

    def begun(s: Session) -> Any:
        transaction = s.begin()
        s.connection()  # BEGIN (IMMEDIATE) now, before the block reads anything
        return transaction

    def opened(wait_ms: int) -> Session:
        return new_session(for_session(engine, write=write, wait_ms=wait_ms))

    with _transaction(opened, begun, commit, attempts or Attempts()) as s:
        yield s


@contextmanager
def _transaction(
    opened: Callable[[int], H], begun: Callable[[H], Any], commit: bool, attempts: Attempts
) -> Iterator[H]:
    """What `unit_of_work` (an ORM session) and `_core_unit` (a Core connection) share: a
    handle `opened` (given SQLite's busy wait left) and its transaction `begun`, busy on the
    way in waited out and tried again; then the block, committed or rolled back as asked,
    rolled back on any error; busy inside the block or at commit is `Busy`."""
    while True:
        handle = opened(attempts.wait_ms())
        try:
            transaction = begun(handle)
            break
        except Exception as exc:
            handle.close()
            if not is_busy(exc):
                raise
        attempts.pause_or_give_up()
    with handle:
        try:
            yield handle
            if commit:
                transaction.commit()
            else:
                transaction.rollback()
        except BaseException as exc:
            if transaction.is_active:
                transaction.rollback()
            if isinstance(exc, Exception) and is_busy(exc):
                raise Busy() from None
            raise


def retried(engine: Engine, work: Callable[[Session], T], *, commit: bool = True) -> T:
    """`work` in a write transaction, run again from the start while another writer is in the
    way (with a growing pause), until `DEADLINE_S`: then `Busy`. `work` must only do database
    work: anything else it did (a message sent, a line printed) would be done again."""
    attempts = Attempts()
    while True:
        try:
            with unit_of_work(engine, write=True, commit=commit, attempts=attempts) as s:
                return work(s)
        except Busy:
            attempts.pause_or_give_up()


@contextmanager
def _core_unit(
    engine: Engine, *, write: bool, commit: bool, attempts: Attempts
) -> Iterator[Connection]:
    """`unit_of_work` on a Core connection."""

    def opened(wait_ms: int) -> Connection:
        connection = for_session(engine, write=write, wait_ms=wait_ms).connect()
        if not write and engine.dialect.name == "postgresql":
            # one snapshot for all the reads (READ COMMITTED takes one a statement): a merge
            # committed between a report's queries must not show half of itself
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        return connection

    def begun(connection: Connection) -> Any:
        return connection.begin()  # BEGIN (IMMEDIATE for a writer) now

    with _transaction(opened, begun, commit, attempts) as connection:
        yield connection


def retried_core(engine: Engine, work: Callable[[Connection], T]) -> T:
    """`retried` for work written in Core (`db.daily_writes`): the same lock, retries and
    deadline, without loading the ORM."""
    attempts = Attempts()
    while True:
        try:
            with _core_unit(engine, write=True, commit=True, attempts=attempts) as connection:
                return work(connection)
        except Busy:
            attempts.pause_or_give_up()


def retried_sqlite(opened: Callable[[int], W], work: Callable[[W], T]) -> T:
    """`retried_core` for a write through `sqlite3` itself (`prepared.SqliteWriter`: `log-visit`
    and `sale add` on an SQLite file): `opened(wait_ms)` gives the handle, whose `begin()`
    says BEGIN IMMEDIATE; the same lock, retries and deadline."""
    attempts = Attempts()
    while True:
        try:
            with _transaction(opened, lambda handle: handle.begin(), True, attempts) as handle:
                return work(handle)
        except Busy:
            attempts.pause_or_give_up()


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """One read transaction on a Core connection: the same deferred BEGIN (one snapshot, no
    wait for writers) as a `unit_of_work(write=False)`, without loading the ORM; always
    rolled back, having written nothing."""
    with _core_unit(engine, write=False, commit=False, attempts=Attempts()) as connection:
        yield connection
