"""Bulk loads at the server's speed on PostgreSQL: COPY into a temporary table, then one
INSERT … SELECT.

Why: `executemany` sends a million rows as a million executions of one
statement (psycopg pipelines them, but the server still plans and runs each
one), about 20,000 rows a second here. COPY streams the rows in the server's
own text format, and a single INSERT … SELECT moves them into the real table
in one statement, with the table's defaults, constraints and foreign keys
checked as for any insert.

Why a temporary table first and not COPY straight into the table: the
import keeps its rows (and their ids) in file order, and the rows of a
failed import must leave nothing behind. The temporary table numbers the
rows as they arrive (`_seq`), the INSERT … SELECT takes them in that order,
so ids follow the file as they do on SQLite; and everything stays inside
the caller's transaction (the temporary table is dropped at commit or
rollback): all or nothing, as on SQLite. A login under row-level security
may not COPY into the table at all; the owner's big load, which bypasses
the policies, skips the detour (`straight_in`).

The writers (`visit_bulk`, `sale_bulk`, `customer_bulk`) ask `inserter` for
the table's writer: this one on PostgreSQL, `bulk.FastInsert` elsewhere.
Both take the same rows; this one holds them (in the temporary table) until
`flush`, which the writers call wherever the rows must be in the table.
"""

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from enum import Enum
from itertools import count
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session

from salesproc.db import bulk

#: names the temporary tables of one process apart (a load may write one table twice)
_numbers = count(1)


def is_postgresql(session: Session) -> bool:
    return session.connection().dialect.name == "postgresql"


def _driver(session: Session) -> Any:
    """The psycopg connection under the session's: the one SQLAlchemy's transaction is on."""
    return session.connection().connection.driver_connection


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class CopyInsert(bulk.FastInsert):
    """`bulk.FastInsert` on PostgreSQL: each call COPYs its rows into a temporary table;
    `flush` moves all of them into the table with one INSERT … SELECT, in the order given.
    """

    def __init__(self, session: Session, table: Table, columns: Sequence[str]) -> None:
        super().__init__(session, table, columns)
        self.session = session
        self.driver = _driver(session)
        self.temp = _quoted(f"_copy_{table.name}_{next(_numbers)}")
        self.target = _quoted(table.name)
        self.names = ", ".join(_quoted(c) for c in self.columns)
        #: rows in the temporary table, not yet in the real one
        self.pending = 0
        #: where COPY writes: the temporary table, or the table itself (`straight_in`)
        self.into = self.temp
        with self.driver.cursor() as cursor:
            # the real table's column types, so COPY reads each value as the insert would
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.temp} ON COMMIT DROP AS "
                f"SELECT {self.names} FROM {self.target} WITH NO DATA"
            )
            cursor.execute(f"ALTER TABLE {self.temp} ADD COLUMN _seq bigserial")

    def __call__(self, rows: list[tuple[Any, ...]]) -> int:
        """COPY the rows into the temporary table; returns how many."""
        if rows:
            with self.driver.cursor() as cursor:
                statement = f"COPY {self.into} ({self.names}) FROM STDIN"
                with cursor.copy(statement) as copy:
                    write = copy.write_row
                    for row in rows:
                        write(row)
            if self.into == self.temp:
                self.pending += len(rows)
        return len(rows)

    def flush(self) -> int:
        """Move the rows COPYed so far into the table, in the order they came; how many."""
        moved, self.pending = self.pending, 0
        if moved:
            aside = _rep_check_set_aside(self.session, self.table, moved)
            with aside, self.driver.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {self.target} ({self.names}) "
                    f"SELECT {self.names} FROM {self.temp} ORDER BY _seq"
                )
                cursor.execute(f"TRUNCATE {self.temp}")
        return moved


@contextmanager
def straight_in(session: Session, insert: bulk.FastInsert) -> Iterator[None]:
    """Within the block, `insert` COPYs its rows straight into its table, on PostgreSQL, for a
    big load by the table's owner (its indexes and foreign keys set aside).

    Why: the detour through the temporary table costs a second pass over every
    row (the INSERT … SELECT: about 4 s of a million visits). It is there for
    a login under row-level security, which may not COPY into the table, and
    to keep rows out of the table until `flush`; the owner bypasses the
    policies, and COPY writes the rows in the order given, each taking the
    next id as an INSERT would, inside the caller's transaction. So ids still
    follow the file, and a failure still leaves nothing. The rows already
    given go in first; team mode's rep check, which lets the owner through
    anyway, is set aside for the block.
    """
    if not isinstance(insert, CopyInsert) or not bulk.owns(session, insert.table):
        yield
        return
    insert.flush()
    with _rep_check_set_aside(session, insert.table, REP_CHECK_SET_ASIDE_AT):
        insert.into = insert.target
        try:
            yield
        finally:
            insert.into = insert.temp


def inserter(session: Session, table: Table, columns: Sequence[str]) -> bulk.FastInsert:
    """The fastest writer of many rows the session's database has: COPY on PostgreSQL."""
    if is_postgresql(session):
        return CopyInsert(session, table, columns)
    return bulk.FastInsert(session, table, columns)


def flush(insert: bulk.FastInsert) -> None:
    """Make the rows given to `insert` so far be in its table (they are, but on PostgreSQL)."""
    if isinstance(insert, CopyInsert):
        insert.flush()


def pending(insert: bulk.FastInsert) -> int:
    """How many rows given to `insert` are not in its table yet (0 but on PostgreSQL)."""
    return insert.pending if isinstance(insert, CopyInsert) else 0


def insert_dicts(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> int:
    """Insert rows given as dicts with the same keys (an enum stored as its value); on
    PostgreSQL by COPY, elsewhere through Core in chunks. Returns how many."""
    if not rows:
        return 0
    if not is_postgresql(session):
        connection = session.connection()
        for start in range(0, len(rows), bulk.CHUNK):
            connection.execute(table.insert(), list(rows[start : start + bulk.CHUNK]))
        return len(rows)
    columns = list(rows[0])
    insert = CopyInsert(session, table, columns)
    for start in range(0, len(rows), bulk.CHUNK):
        insert(
            [
                tuple(v.value if isinstance(v, Enum) else v for v in row.values())
                for row in rows[start : start + bulk.CHUNK]
            ]
        )
    return insert.flush()


class KeyProbe:
    """Which of some keys a table's unique column holds already, asked a chunk at a time.

    Why not `IN (…)` with the chunk's keys as parameters: at a million keys
    that is 200 statements of 5,000 parameters each, every one parsed, bound
    and planned afresh (about 40 s for a re-import that writes nothing). Here
    each chunk's keys are COPYed into one temporary table and matched with one
    join on the column's unique index; the table holds one chunk at a time, so
    memory stays bounded whatever the file's size.
    """

    def __init__(self, session: Session, table: Table, column: str) -> None:
        self.driver = _driver(session)
        self.temp = _quoted(f"_keys_{table.name}_{next(_numbers)}")
        target, key = _quoted(table.name), _quoted(column)
        with self.driver.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.temp} ON COMMIT DROP AS "
                f"SELECT {key} AS key FROM {target} WITH NO DATA"
            )
        # a nested loop of index probes whatever the planner thinks of the temporary table
        self.match = (
            f"SELECT k.key FROM {self.temp} AS k, LATERAL ("
            f"SELECT 1 FROM {target} AS t WHERE t.{key} = k.key LIMIT 1) AS hit"
        )

    def __call__(self, keys: Sequence[str]) -> set[str]:
        """The ones of `keys` the column holds."""
        if not keys:
            return set()
        with self.driver.cursor() as cursor:
            with cursor.copy(f"COPY {self.temp} (key) FROM STDIN") as copy:
                write = copy.write_row
                for key in keys:
                    write((key,))
            cursor.execute(self.match)
            found = {key for (key,) in cursor.fetchall()}
            cursor.execute(f"TRUNCATE {self.temp}")
        return found


def update_by_id(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """`bulk.update_by_id`; on PostgreSQL the rows are COPYed and applied by one UPDATE … FROM."""
    if not rows or not is_postgresql(session):
        bulk.update_by_id(session, table, rows)
        return
    columns = ["id", *(name for name in rows[0] if name != "id")]
    load = CopyInsert(session, table, columns)
    for start in range(0, len(rows), bulk.CHUNK):
        load([tuple(row[c] for c in columns) for row in rows[start : start + bulk.CHUNK]])
    load.pending = 0  # applied below, never inserted
    changes = ", ".join(f"{_quoted(c)} = changed.{_quoted(c)}" for c in columns[1:])
    with _rep_check_set_aside(session, table, len(rows)), load.driver.cursor() as cursor:
        cursor.execute(
            f"UPDATE {load.target} SET {changes} FROM {load.temp} AS changed "
            f"WHERE {load.target}.id = changed.id"
        )
        cursor.execute(f"TRUNCATE {load.temp}")


#: The rows one statement must move for the rep check to be set aside for it (below, the
#: check's cost is small, and a short load keeps to the trigger and its lighter lock).
REP_CHECK_SET_ASIDE_AT = 10_000
#: migration 0009's row trigger that refuses a rep's write outside its own rows
REP_CHECK = "salesproc_rep_write"


@contextmanager
def _rep_check_set_aside(session: Session, table: Table, rows: int) -> Iterator[None]:
    """One big statement of the table's owner without the rep check, enabled again after it.

    The check (migration 0009's row trigger) does nothing for a login that is
    not a team rep, but finding that out costs a look-up a row: about 6.5 µs,
    half the time of a million visits' INSERT … SELECT. Setting it aside is
    DDL, so only the owner may, inside the caller's transaction: no other
    session ever sees the table without it (they wait for the lock instead,
    hence only for statements of at least REP_CHECK_SET_ASIDE_AT rows), and a
    failure rolls it back with the rows. A rep (`team_users`) never gets here
    without its check: only a login the check would wave through does.
    """
    if rows < REP_CHECK_SET_ASIDE_AT or not is_postgresql(session):
        yield
        return
    with _driver(session).cursor() as cursor:
        cursor.execute(
            "SELECT pg_has_role(c.relowner, 'USAGE') AND NOT EXISTS ("
            "  SELECT FROM team_users WHERE login = current_user AND role = 'rep')"
            " FROM pg_class c JOIN pg_trigger t ON t.tgrelid = c.oid"
            " WHERE c.oid = %s::regclass AND t.tgname = %s AND t.tgenabled <> 'D'",
            (_quoted(table.name), REP_CHECK),
        )
        found = cursor.fetchone()
    if not (found and found[0]):
        yield
        return
    trigger = f"TRIGGER {_quoted(REP_CHECK)}"
    with _driver(session).cursor() as cursor:
        cursor.execute(f"ALTER TABLE {_quoted(table.name)} DISABLE {trigger}")
    yield
    with _driver(session).cursor() as cursor:
        cursor.execute(f"ALTER TABLE {_quoted(table.name)} ENABLE {trigger}")


@contextmanager
def foreign_keys_set_aside(session: Session, table: Table) -> Iterator[None]:
    """On PostgreSQL, load many rows into `table` without its foreign keys, added again after.

    A foreign key is checked row by row as rows go in (a query a row and a
    key); added again to the full table, it is checked once, by one join:
    what PostgreSQL's manual advises for a bulk load. Each key is dropped and
    added again exactly as the database defines it, inside the caller's
    transaction: a row without its rep or customer fails the import, and a
    failure rolls the keys back with the rows. Elsewhere, or for a login that
    does not own the table (`bulk.owns`), nothing is set aside.
    """
    if not is_postgresql(session) or not bulk.owns(session, table):
        yield
        return
    with _driver(session).cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
            (_quoted(table.name),),
        )
        keys = cursor.fetchall()
        for name, _definition in keys:
            cursor.execute(f"ALTER TABLE {_quoted(table.name)} DROP CONSTRAINT {_quoted(name)}")
    yield
    with _driver(session).cursor() as cursor:
        for name, definition in keys:
            cursor.execute(
                f"ALTER TABLE {_quoted(table.name)} ADD CONSTRAINT {_quoted(name)} {definition}"
            )


def analyze(session: Session, table: Table) -> None:
    """After a big load on PostgreSQL, the table's statistics for the planner (elsewhere, nothing).

    Autovacuum gathers them only after the import commits; until then the
    planner takes the table for as small as it was, and the statements that
    follow in the same import (the schedules' refresh) would pick plans for that.
    """
    if is_postgresql(session):
        with _driver(session).cursor() as cursor:
            cursor.execute(f"ANALYZE {_quoted(table.name)}")
