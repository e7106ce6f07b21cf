"""The daily reads' statements, compiled once and kept: on SQLite a daily command runs its SQL
through the standard library's `sqlite3`, without importing SQLAlchemy.

Why: importing SQLAlchemy costs about 0.15 s of CPU, half of what `due` takes, and the SQL the
daily commands send is the same every day but for its values. Each statement is still written
once, in SQLAlchemy Core (a *builder*, named "module:function" so that it is imported only when
needed); the first run of each shape compiles it for SQLite and keeps, in a cache file, the SQL
text, where each parameter's value comes from and how to read each column; later runs send
that text with the values of the day. A Core connection or an ORM session (PostgreSQL, a
writer, a script) runs the builder's statement through SQLAlchemy as before: the same SQL, the
same rows (tests/test_prepared.py compares both ways for every statement).

The cache is a JSON file in the user's cache folder, discarded as a whole when a file that can
change a statement's SQL changes (a module of `db` or `rules`, SQLAlchemy's compiler). A cache
that cannot be read or written only costs the compile: it is never the reason a command fails.
"""

import importlib
import importlib.util
import json
import os
import sqlite3
import zlib
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

#: the per-connection settings every SQLite connection gets (`db.engine` applies them too)
SQLITE_PRAGMAS = (
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 5000",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA cache_size = -65536",  # 64 MiB: bulk imports update big indexes
)

#: how long a read waits for SQLite to let it in (`contention.DEADLINE_S`)
READ_WAIT_MS = 30_000

#: how a column's stored value is read, by the kind `_kind` finds (None: as stored)
_READS: dict[str, Callable[[Any], Any]] = {
    "date": date.fromisoformat,
    "datetime": datetime.fromisoformat,
    "time": time.fromisoformat,
    "bool": bool,
}


def sqlite_path(db: str) -> Path | None:
    """The SQLite file `db` (what `--db` says) names, resolved; None for a URL, which
    SQLAlchemy reads (`engine.to_url`: a plain path is an SQLite file)."""
    return None if "://" in db else Path(db).expanduser().resolve()


def _bind(value: Any) -> Any:
    """A value as SQLAlchemy binds it on SQLite: dates in ISO form, booleans as 0 and 1, enums
    by their value."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return value.isoformat(" ", "microseconds")
    if isinstance(value, time):
        return value.isoformat("microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return getattr(value, "value", value)


@dataclass(frozen=True)
class Query:
    """A statement to run: its builder, the arguments that shape its SQL, and its values."""

    #: "module:function": `function(*shape)` returns the SQLAlchemy statement
    builder: str
    #: what changes the SQL text (a filter present or not, a kind of board); part of the key
    shape: tuple[Hashable, ...] = ()
    #: the values of the statement's named parameters (`bindparam(name)`)
    values: Mapping[str, Any] = field(default_factory=dict)

    def statement(self) -> Any:
        module, _, function = self.builder.partition(":")
        return getattr(importlib.import_module(module), function)(*self.shape)

    @property
    def key(self) -> str:
        return f"{self.builder}{self.shape!r}"


@dataclass(frozen=True)
class _Compiled:
    sql: str
    #: per `?` of the SQL, where its value comes from: ["value", name] (the query's value),
    #: ["constant", stored value]; for an `IN` list, ["values", name] or ["constants", list]
    params: list[list[Any]]
    #: per column: a key of `_READS`, or None
    columns: list[str | None]

    def bound(self, values: Mapping[str, Any]) -> tuple[str, list[Any]]:
        """The SQL to send with the query's `values`, and its parameters in order."""
        sql, args = self.sql, []
        for how, x in self.params:
            if how == "value":
                args.append(_bind(values[x]))
            elif how == "constant":
                args.append(x)
            else:  # an IN list, as SQLAlchemy expands it: one `?` per item
                items = [_bind(v) for v in values[x]] if how == "values" else x
                if not items:
                    raise ValueError("an empty IN list: ask for nothing instead")
                marker = sql.index("__[POSTCOMPILE_")
                end = sql.index("]", marker) + 1
                sql = sql[:marker] + ", ".join("?" * len(items)) + sql[end:]
                args.extend(items)
        return sql, args

    def run(self, connection: sqlite3.Connection, values: Mapping[str, Any]) -> list[tuple]:
        rows = connection.execute(*self.bound(values)).fetchall()
        reads = [(i, _READS[kind]) for i, kind in enumerate(self.columns) if kind]
        if not reads or not rows:
            return rows
        out = []
        for row in rows:
            cells = list(row)
            for i, read in reads:
                if cells[i] is not None:
                    cells[i] = read(cells[i])
            out.append(tuple(cells))
        return out


def rows(db: Any, query: Query) -> Sequence[Sequence[Any]]:
    """The query's rows: through `sqlite3` on a `SqliteReader`, else through SQLAlchemy."""
    if isinstance(db, SqliteReader):
        return db.run(query)
    return db.execute(query.statement(), dict(query.values)).all()  # type: ignore[no-any-return]


def scalar(db: Any, query: Query) -> Any:
    """The first column of the first row, None when there is none."""
    found = rows(db, query)
    return found[0][0] if found else None


class SqliteReader:
    """One read transaction on an SQLite file, opened with `sqlite3` alone: what
    `Context.quick_reading` gives a daily command when the file's schema is current."""

    def __init__(self, connection: sqlite3.Connection, cache: "_Cache", path: Path) -> None:
        self.connection = connection
        self.path = path
        self.cache = cache

    @classmethod
    def open(cls, path: Path, head: str) -> "SqliteReader | None":
        """A reader on `path`; None when the file is missing, is not a database with the
        schema `head`, or cannot be opened (the SQLAlchemy path then says why, or migrates)."""
        if not path.is_file():
            return None
        try:
            # as `contention.reading` waits: a whole command's deadline (it rarely has to)
            connection = _connect(path, READ_WAIT_MS)
        except sqlite3.Error:
            return None
        try:
            connection.execute("BEGIN")  # deferred: one snapshot, no wait for writers
            version = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        except sqlite3.Error:
            connection.close()
            return None
        if version != [(head,)]:
            connection.close()
            return None
        return cls(connection, _Cache.load(), path)

    def run(self, query: Query) -> list[tuple]:
        try:
            return self._compiled(query).run(self.connection, query.values)
        except sqlite3.OperationalError as exc:
            from salesproc.db.contention import Busy, is_busy  # the words, on this path alone

            if is_busy(exc):
                raise Busy() from None
            raise

    def stream(self, query: Query) -> tuple[sqlite3.Cursor, list[Callable[[Any], Any] | None]]:
        """`run` for a read too big to hold at once (`db.export`): the cursor, whose rows are
        as stored, and per column what reads a stored value (None: it is its value)."""
        compiled = self._compiled(query)
        reads = [_or_none(_READS[kind]) if kind else None for kind in compiled.columns]
        return self.connection.execute(*compiled.bound(query.values)), reads

    def _compiled(self, query: Query) -> _Compiled:
        compiled = self.cache.get(query.key)
        if compiled is None:
            compiled = _compile(query)
            self.cache.put(query.key, compiled)
        return compiled

    def close(self) -> None:
        """Rolls back (a read writes nothing) and closes; the cache keeps what was compiled."""
        try:
            if self.connection.in_transaction:  # not when SQLite itself ended it on an error
                self.connection.execute("ROLLBACK")
        finally:
            self.connection.close()
            self.cache.save()


class SqliteWriter(SqliteReader):
    """A write transaction on an SQLite file through `sqlite3` alone, as `contention` begins a
    writer's (BEGIN IMMEDIATE: the write lock first, waiting its turn): `log-visit` and
    `sale add` (`Context.write`). `contention.retried_sqlite` runs it again when busy."""

    @classmethod
    def connect(cls, path: Path, wait_ms: int, cache: "_Cache") -> "SqliteWriter":
        """A connection that waits up to `wait_ms` for the write lock (`begin`); `cache`, the
        one the reader that checked the file's schema loaded."""
        return cls(_connect(path, wait_ms), cache, path)

    def begin(self) -> "_Transaction":
        self.connection.execute("BEGIN IMMEDIATE")
        return _Transaction(self.connection)

    def execute(self, query: Query) -> int | None:
        """Runs an INSERT or UPDATE; the new row's id for an INSERT."""
        sql, args = self._compiled(query).bound(query.values)
        cursor = self.connection.execute(sql, args)
        return cursor.lastrowid if sql.startswith("INSERT") else None

    def close(self) -> None:
        self.connection.close()  # a transaction still open is rolled back
        self.cache.save()

    def __enter__(self) -> "SqliteWriter":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


@dataclass(frozen=True)
class _Transaction:
    """What `contention` asks of a transaction: commit, roll back, and whether it is open."""

    connection: sqlite3.Connection

    def commit(self) -> None:
        self.connection.execute("COMMIT")

    def rollback(self) -> None:
        self.connection.execute("ROLLBACK")

    @property
    def is_active(self) -> bool:
        return self.connection.in_transaction


def execute(db: Any, query: Query) -> int | None:
    """Runs an INSERT or UPDATE: through `sqlite3` on a `SqliteWriter`, else through
    SQLAlchemy (a Core connection, a session's). The new row's id for an INSERT."""
    if isinstance(db, SqliteWriter):
        return db.execute(query)
    result = db.execute(query.statement(), dict(query.values))
    return result.inserted_primary_key[0] if result.context.isinsert else None  # type: ignore[no-any-return]


def _connect(path: Path, wait_ms: int) -> sqlite3.Connection:
    """A connection to the file (never creating it) with the settings of every connection,
    waiting up to `wait_ms` when SQLite is busy; transactions begun by hand."""
    connection = sqlite3.connect(path.as_uri() + "?mode=rw", uri=True, isolation_level=None)
    try:
        for pragma in (*SQLITE_PRAGMAS, f"PRAGMA busy_timeout = {wait_ms}"):
            connection.execute(pragma)
    except BaseException:
        connection.close()
        raise
    return connection


def _or_none(read: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`read`, with NULL read as None (as SQLAlchemy's types read it)."""
    return lambda stored: None if stored is None else read(stored)


def _compile(query: Query) -> _Compiled:
    """The statement as SQLAlchemy compiles it for SQLite, with how to bind and read it.

    A parameter or a column whose processing is not one of ours (`_bind`, `_READS`) is a
    mistake in a builder, refused here so that the tests find it."""
    from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite

    dialect = SQLiteDialect_pysqlite()
    statement = query.statement()
    # an INSERT's or UPDATE's columns are the values' keys, as SQLAlchemy takes them at run
    compiled = statement.compile(dialect=dialect, column_keys=list(query.values))
    if compiled.insert_prefetch or compiled.update_prefetch:
        raise TypeError(f"{query.builder}: a default computed in Python cannot be kept")
    sql = str(compiled)
    params: list[list[Any]] = []
    for name in compiled.positiontup or ():
        bind = compiled.binds[name]
        if bind.type.dialect_impl(dialect).bind_processor(dialect) is not None:
            _kind(bind.type, query)  # one `_bind` converts
        if bind.expanding:  # in the order of the SQL's `__[POSTCOMPILE_…]` markers
            constant = [_bind(v) for v in bind.effective_value or ()]
            params.append(["values", name] if name in query.values else ["constants", constant])
        elif name in query.values:
            params.append(["value", name])
        else:
            params.append(["constant", _bind(bind.effective_value)])
    columns = [
        _kind(column.type, query)
        if column.type.dialect_impl(dialect).result_processor(dialect, None)
        else None
        for column in getattr(statement, "selected_columns", ())  # an INSERT: none
    ]
    return _Compiled(sql, params, columns)


def _kind(type_: Any, query: Query) -> str:
    """Which of `_READS` (and of `_bind`'s cases) a processed type is."""
    from sqlalchemy import Boolean, Date, DateTime, Time

    for kind, known in (("datetime", DateTime), ("date", Date), ("time", Time), ("bool", Boolean)):
        if isinstance(type_, known):
            return kind
    raise TypeError(f"{query.builder}: a value of type {type_!r} has no conversion here")


def _digest() -> str:
    """What the SQL of every statement depends on: the modules of `db` and `rules` (the builders,
    the tables, the constants they compare with) and SQLAlchemy's compiler, by size and time
    changed. A quarter of a millisecond; any change drops the whole cache."""
    package = Path(__file__).parent.parent
    stamps = []
    for folder in (package / "db", package / "rules"):
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.endswith(".py"):
                    stat = entry.stat()
                    stamps.append(f"{entry.name}:{stat.st_mtime_ns}:{stat.st_size}")
    spec = importlib.util.find_spec("sqlalchemy")
    if spec is not None and spec.origin:
        stat = (Path(spec.origin).parent / "sql" / "compiler.py").stat()
        stamps.append(f"sqlalchemy:{stat.st_mtime_ns}:{stat.st_size}")
    return "|".join(sorted(stamps))


class _Cache:
    """The compiled statements of one version of the code, kept in the user's cache folder."""

    def __init__(self, path: Path | None, digest: str, kept: dict[str, _Compiled]) -> None:
        self.path = path
        self.digest = digest
        self.kept = kept
        self.changed = False

    @classmethod
    def load(cls) -> "_Cache":
        digest = _digest()
        path = _cache_file()
        kept: dict[str, _Compiled] = {}
        try:
            stored = json.loads(path.read_text(encoding="utf-8")) if path else {}
            if stored.get("digest") == digest:
                kept = {key: _Compiled(**entry) for key, entry in stored["statements"].items()}
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            kept = {}
        return cls(path, digest, kept)

    def get(self, key: str) -> _Compiled | None:
        return self.kept.get(key)

    def put(self, key: str, compiled: _Compiled) -> None:
        self.kept[key] = compiled
        self.changed = True

    def save(self) -> None:
        if not self.changed or self.path is None:
            return
        statements = {key: vars(entry) for key, entry in self.kept.items()}
        text = json.dumps({"digest": self.digest, "statements": statements}, ensure_ascii=False)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            scratch = self.path.with_name(f"{self.path.name}.{os.getpid()}")
            scratch.write_text(text, encoding="utf-8")
            os.replace(scratch, self.path)  # a reader sees the old file or the new, whole
        except OSError:
            pass
        self.changed = False


def _cache_file() -> Path | None:
    """One file per install: two versions on one account (a test checkout beside the one in
    use) would otherwise drop each other's statements at every switch."""
    from platformdirs import user_cache_path

    install = f"{zlib.crc32(str(Path(__file__).parent.parent).encode()):08x}"
    try:
        return user_cache_path("salesproc") / f"prepared-sqlite-{install}.json"
    except Exception:  # no home folder to keep it in: compile every time
        return None
