"""Writing many rows at once, for imports: one statement for thousands of rows.

The ORM (and even Core's `execute(insert(...), rows)`) turns every value of
every row into a parameter in Python: for a million visits that costs more than
the database's own work. `FastInsert` does that conversion once per distinct
date or time (a million visits hold a few hundred dates) and hands the rows to
the driver's `executemany` as they are (on SQLite, hundreds of rows to one
multi-row INSERT: its executemany is a statement a row). The statement is still
compiled by SQLAlchemy for the engine in use, so this runs on SQLite and
PostgreSQL alike.
"""

import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import chain
from typing import Any

from sqlalchemy import Table, bindparam, insert, text, update
from sqlalchemy.orm import Session

#: rows a statement: big enough to amortise a call, small enough to keep memory flat
CHUNK = 5_000
#: rows of one multi-row INSERT on SQLite (fewer where its parameters would run out)
ROWS_A_STATEMENT = 500
#: rows of one INSERT … RETURNING on SQLite (`insert_returning_ids`): SQLAlchemy's 1,000 a
#: statement held ~20 MiB more at the peak of an import creating 20,000 customers
RETURNING_ROWS = 300
#: SQLite's page cache (KiB) while a load goes in without the indexes: appending rows needs
#: few pages, so it is as quick as the connection's 64 MiB (`engine._tune_sqlite`), which
#: only updating big indexes needs; and the 64 MiB would count in the import's peak memory
LOAD_CACHE_KIB = 8 * 1024
#: ... and while the indexes are built again: SQLite sorts their keys in runs as big as the
#: cache; small runs merged cost less CPU than a big one, and hold less memory (a million
#: visits' three indexes: 1.6–1.75 s at 0.5–1 MiB, 1.8–2.1 s at 4 MiB)
BUILD_CACHE_KIB = 1024


class Stored(dict[Any, Any]):
    """Values as the driver stores them, each converted once, on first use."""

    def __init__(self, process: Callable[[Any], Any] | None) -> None:
        super().__init__()
        self.process = process

    def __missing__(self, value: Any) -> Any:
        stored = self[value] = value if self.process is None else self.process(value)
        return stored


class FastInsert:
    """INSERT of many rows given as tuples in `columns` order, straight to the driver.

    The caller passes date, time and datetime values through `stored(column)`
    (on SQLite that turns them into SQLAlchemy's text form; a million visits
    hold a few hundred dates, so each is converted once). Other values must
    already be plain str, int or None, as the driver takes them.
    """

    def __init__(self, session: Session, table: Table, columns: Sequence[str]) -> None:
        self.connection = session.connection()
        self.dialect = self.connection.dialect
        self.table = table
        self.columns = list(columns)
        compiled = insert(table).compile(dialect=self.dialect, column_keys=self.columns)
        self.sql = str(compiled)
        self._many: str | None = None
        #: SQLite before 3.32 binds at most 999 parameters a statement, since then 32,766
        limit = 32_766 if sqlite3.sqlite_version_info >= (3, 32) else 999
        self._rows_a_statement = max(1, min(ROWS_A_STATEMENT, limit // len(self.columns)))
        #: the driver's parameters: a tuple in the statement's order, or a dict by name
        self.shape: Callable[[tuple[Any, ...]], Any] | None
        if not compiled.positional:
            self.shape = lambda values: dict(zip(self.columns, values, strict=True))
        elif list(compiled.positiontup or []) == self.columns:
            self.shape = None  # the rows are the parameters as they are
        else:
            order = [self.columns.index(name) for name in compiled.positiontup or []]
            self.shape = lambda values: tuple(values[at] for at in order)

    def stored(self, column: str) -> dict[Any, Any]:
        """A memo from a column's Python values to the driver's: `stored(c)[value]`."""
        kind = self.table.c[column].type
        return Stored(kind.dialect_impl(self.dialect).bind_processor(self.dialect))

    def __call__(self, rows: list[tuple[Any, ...]]) -> int:
        """Insert the rows; returns how many."""
        if not rows:
            return 0
        params = rows if self.shape is None else [self.shape(row) for row in rows]
        whole = 0
        if self.dialect.name == "sqlite" and self.shape is None:
            # SQLite runs an executemany as a statement a row: its per-row cost is most of
            # a bulk load's. One statement of many rows' VALUES costs a third less.
            each = self._rows_a_statement
            whole = len(rows) - len(rows) % each
            if whole:
                many = self._many_rows()
                for start in range(0, whole, each):
                    block = chain.from_iterable(rows[start : start + each])
                    self.connection.exec_driver_sql(many, tuple(block))
        if whole < len(rows):
            self.connection.exec_driver_sql(self.sql, params[whole:])
        return len(rows)

    def flat(self, values: list[Any]) -> int:
        """Insert rows given one after the other in one flat list (each row's values in
        `columns` order); returns how many.

        Why: on SQLite the rows go in a few hundred to a statement as one flat tuple of
        their values, so rows made as tuples (a million of them) would be built only to be
        taken apart again. Elsewhere the rows are made from the list and given to `__call__`.
        """
        width = len(self.columns)
        if self.dialect.name != "sqlite" or self.shape is not None:
            return self(list(zip(*[iter(values)] * width, strict=True)))
        count, left = divmod(len(values), width)
        assert not left, "a row short of values"
        each = self._rows_a_statement
        whole = (count - count % each) * width
        if whole:
            many, step, execute = self._many_rows(), each * width, self.connection.exec_driver_sql
            for start in range(0, whole, step):
                execute(many, tuple(values[start : start + step]))
        if whole < len(values):
            rest = iter(values[whole:])
            self.connection.exec_driver_sql(self.sql, list(zip(*[rest] * width, strict=True)))
        return count

    def _many_rows(self) -> str:
        """The INSERT of `_rows_a_statement` rows (SQLite's VALUES (…), (…), …)."""
        if self._many is None:
            head, values = self.sql.split(" VALUES ", 1)
            self._many = f"{head} VALUES {', '.join([values] * self._rows_a_statement)}"
        return self._many


def insert_returning_ids(
    session: Session, table: Table, rows: Sequence[Mapping[str, Any]], key: str
) -> dict[Any, int]:
    """Insert a few thousand rows through Core; returns each new row's id by its `key` column.

    The ids follow the rows' order. SQLite numbers a multi-row INSERT's rows in
    the order of its VALUES, so there the rows go in RETURNING_ROWS to a statement;
    asking SQLAlchemy to sort what RETURNING gives back would send them one a
    statement (20,000 new customers: 20,000 statements), and the ids are found by
    key anyway.
    """
    found: dict[Any, int] = {}
    ordered = session.connection().dialect.name != "sqlite"
    for start in range(0, len(rows), CHUNK):
        chunk = list(rows[start : start + CHUNK])
        query = insert(table).returning(table.c.id, table.c[key], sort_by_parameter_order=ordered)
        if not ordered:
            query = query.execution_options(insertmanyvalues_page_size=RETURNING_ROWS)
        found.update({k: i for i, k in session.connection().execute(query, chunk)})
    return found


def update_by_id(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """UPDATE rows by id, each giving `id` and the same other columns (executemany)."""
    if not rows:
        return
    columns = [name for name in rows[0] if name != "id"]
    statement = (
        update(table)
        .where(table.c.id == bindparam("_id"))
        .values({name: bindparam(f"_{name}") for name in columns})
    )
    for start in range(0, len(rows), CHUNK):
        chunk = [{f"_{k}": v for k, v in row.items()} for row in rows[start : start + CHUNK]]
        session.connection().execute(statement, chunk)


def in_transaction(session: Session) -> bool:
    """Whether the database itself has a transaction open on this session's connection.

    SQLAlchemy's transaction has begun from the first statement on; the
    SQLite driver only begins one at the first INSERT, UPDATE or DELETE, and
    runs DDL before that on its own, committed at once.
    """
    driver = session.connection().connection.dbapi_connection
    return bool(getattr(driver, "in_transaction", True))


def owns(session: Session, table: Table) -> bool:
    """Whether this login may drop and build again the table's indexes and keys.

    On PostgreSQL only the table's owner may (the admin who ran `init`; a team
    login is not); its load then goes into the table as it is, only slower.
    """
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return True
    query = text(
        "SELECT pg_has_role(relowner, 'USAGE') FROM pg_class WHERE oid = CAST(:t AS regclass)"
    )
    return bool(connection.scalar(query, {"t": table.name}))


@contextmanager
def indexes_set_aside(session: Session, table: Table) -> Iterator[None]:
    """Load many rows into `table` without its secondary indexes, which are built again after.

    Inserting a million random keys into an index costs several times more
    than building the index once from the finished table. Both steps are DDL
    inside the caller's transaction: a failure rolls them back with the rows.
    Only where the database already has a transaction open (see
    `in_transaction`) and the login `owns` the table; unique constraints are
    never touched.
    """
    indexes = sorted(table.indexes, key=lambda index: str(index.name))
    if not indexes or not in_transaction(session) or not owns(session, table):
        yield
        return
    connection = session.connection()
    for index in indexes:
        index.drop(connection)
    with sqlite_cache(session, LOAD_CACHE_KIB):
        yield
    with sqlite_cache(session, BUILD_CACHE_KIB):
        for index in indexes:
            index.create(connection)


@contextmanager
def sqlite_cache(session: Session, kib: int) -> Iterator[None]:
    """SQLite's page cache at `kib` KiB (at most) for a while, then as it was; other
    databases as they are. A setting of this connection only, which a transaction does not
    undo: put back even when the load fails."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    driver = connection.connection.dbapi_connection
    assert driver is not None
    was = driver.execute("PRAGMA cache_size").fetchone()[0]
    if was < 0 and -was <= kib:  # already as small
        yield
        return
    driver.execute(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        driver.execute(f"PRAGMA cache_size = {int(was)}")
