"""Bulk loads at the server's speed on PostgreSQL: COPY into a temporary table, then one
INSERT … SELECT.

Why: `executemany` sends a million rows as a million executions of one
statement (psycopg pipelines them, but the server still plans and runs each
one), about 20,000 rows a second here. COPY streams the rows in the server's
own text format (built here a chunk at a time, `copy_text`: psycopg's
`write_row` costs a dumper look-up a value), and a single INSERT … SELECT
moves them into the real table in one statement, with the table's defaults,
constraints and foreign keys checked as for any insert.

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
from datetime import date, datetime, time
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


#: COPY's text format: a NULL, and what a value's text must escape (its own backslash first)
_NULL = "\\N"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value: Any) -> str | None:
    """A value as COPY's text reads it back (None stays None): str, int, date, time, datetime."""
    if value is None or type(value) is str:
        return value
    if isinstance(value, (date, time)):  # a datetime is a date: ISO with a space, as psycopg
        return value.isoformat(" ") if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, Enum):
        return _text(value.value)
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value)  # int, Decimal, float: their own repr is what the server reads


def _escaped(value: Any) -> str:
    text = _text(value)
    return _NULL if text is None else text.translate(_ESCAPES)


def copy_text(rows: Sequence[tuple[Any, ...]], width: int) -> str:
    """The rows in COPY's text format: tab-separated, a line each, NULL as `\\N`, and a
    backslash, tab, newline or carriage return in a value escaped.

    Why not psycopg's `write_row`: it looks up a dumper per value of every row,
    most of a big load's client time; here a plain str or int is taken as it is,
    and a chunk is escaped value by value only when its text shows it must be:
    when its backslashes are not exactly its NULLs, or its tabs and line ends
    not exactly the separators.
    """
    null = _NULL
    lines = [
        "\t".join([null if v is None else v if v.__class__ is str else _escaped(v) for v in row])
        for row in rows
    ]
    data = "\n".join(lines)
    nulls = sum(row.count(None) for row in rows)
    if (
        data.count("\\") != nulls
        or data.count("\t") != (width - 1) * len(rows)
        or data.count("\n") != len(rows) - 1
        or "\r" in data
    ):
        lines = ["\t".join(map(_escaped, row)) for row in rows]
        data = "\n".join(lines)
    return data + "\n"  # psycopg encodes it in the connection's encoding


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
        #: the COPY left open across calls (`streaming`), else None: a COPY a call
        self.stream: Any = None
        with self.driver.cursor() as cursor:
            # the real table's column types, so COPY reads each value as the insert would
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.temp} ON COMMIT DROP AS "
                f"SELECT {self.names} FROM {self.target} WITH NO DATA"
            )
            cursor.execute(f"ALTER TABLE {self.temp} ADD COLUMN _seq bigserial")

    def stored(self, column: str) -> dict[Any, Any]:
        """A memo from a column's Python values to COPY's text of them (dates, times and
        timestamps in ISO form, which the server reads whatever its DateStyle)."""
        return bulk.Stored(_text)

    def __call__(self, rows: list[tuple[Any, ...]]) -> int:
        """COPY the rows into the temporary table; returns how many."""
        if rows:
            if self.stream is not None:
                self.stream.write(copy_text(rows, len(self.columns)))
            else:
                with self.driver.cursor() as cursor, cursor.copy(self.statement()) as copy:
                    copy.write(copy_text(rows, len(self.columns)))
            if self.into == self.temp:
                self.pending += len(rows)
        return len(rows)

    def statement(self) -> str:
        return f"COPY {self.into} ({self.names}) FROM STDIN"

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


@contextmanager
def streaming(insert: bulk.FastInsert) -> Iterator[None]:
    """Within the block, on PostgreSQL, `insert` sends every call's rows down one COPY.

    Why: a COPY a chunk waits at its end for the server to store the chunk,
    and only then does this process build the next: the two take turns. One
    COPY left open lets the server store a chunk while the next is being
    built. Nothing else may use the connection within the block (the caller
    only makes rows there); elsewhere, or for another writer, nothing changes.
    """
    if not isinstance(insert, CopyInsert):
        yield
        return
    with insert.driver.cursor() as cursor, cursor.copy(insert.statement()) as copy:
        insert.stream = copy
        try:
            yield
        finally:
            insert.stream = None


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
                copy.write(copy_text([(key,) for key in keys], 1))
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
