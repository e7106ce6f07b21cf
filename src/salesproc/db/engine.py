"""Opening the database: where it is, whether it exists, and bringing its schema up to date.

A plain path is an SQLite file; anything with `://` is a SQLAlchemy URL used
as is. Every command but `init` and `demo` refuses to create a database by
accident: a typo in `--db` must not leave an empty file behind.
"""

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from salesproc.db.contention import install as install_contention
from salesproc.db.migrate import HEAD, KNOWN_REVISIONS, upgrade
from salesproc.db.prepared import SQLITE_PRAGMAS, sqlite_path
from salesproc.errors import InputError, RuntimeFailure
from salesproc.i18n import _
from salesproc.rules.text import mask_password

if TYPE_CHECKING:  # the ORM is loaded with the first session: a read never makes one
    from sqlalchemy.orm import Session


def to_url(db: str) -> str:
    path = sqlite_path(db)
    return db if path is None else f"sqlite:///{path}"


def sqlite_file(url: str) -> Path | None:
    """The file behind an SQLite URL; None for other databases and in-memory ones."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def _tune_sqlite(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    """Per-connection settings; none of them writes to the file (WAL is set by `upgrade`)."""
    cursor = dbapi_connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def _bad_url(db: str) -> InputError:
    return InputError(
        _(
            "{db} is not a database: give a file path or a SQLAlchemy URL such as "
            "sqlite:///sales.db or postgresql://user@host/db"
        ).format(db=mask_password(db))
    )


def _checked_url(db: str, url: str) -> Path | None:
    """The SQLite file of the URL (None for another database); a URL that is none is exit 2."""
    try:
        return sqlite_file(url)
    except ArgumentError:
        raise _bad_url(db) from None


def describe(db: str) -> str:
    path = _checked_url(db, to_url(db))
    return str(path) if path else make_url(to_url(db)).render_as_string(hide_password=True)


def _with_driver(url: str) -> str:
    """A bare `postgresql://` means psycopg 3, the driver of the `postgres` extra, whichever
    SQLAlchemy picks by default (2.0 picks psycopg2); without it, exit 2 saying what to
    install rather than a driver error."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql" or parsed.drivername not in (
        "postgresql",
        "postgresql+psycopg",
    ):
        return url
    try:
        importlib.import_module("psycopg")
    except ImportError:
        raise InputError(
            _("PostgreSQL needs the driver: pip install 'salesproc[postgres]'")
        ) from None
    return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def missing(path: Path) -> RuntimeFailure:
    """No database file where one was asked for: how to point at yours or make one."""
    return RuntimeFailure(
        _(
            "no database at {path}; point --db (or SALESPROC_DB) at yours, "
            "or create one here with `salesproc init` (`salesproc demo` for sample data)"
        ).format(path=path)
    )


def open_engine(db: str, *, create: bool = False) -> Engine:
    """An engine on a database whose schema is current, migrating an older one."""
    url = to_url(db)
    path = _checked_url(db, url)
    if path is not None and not path.exists():
        if not create:
            raise missing(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RuntimeFailure(
                _("cannot create {folder}: {reason}").format(
                    folder=path.parent, reason=exc.strerror
                )
            ) from None
    try:
        engine = create_engine(_with_driver(url))
    except NoSuchModuleError:
        raise _bad_url(db) from None
    except ModuleNotFoundError as exc:
        raise InputError(
            _(
                "the database driver {module} of {db} is not installed; "
                "install it with `pip install {module}`"
            ).format(module=exc.name, db=describe(db))
        ) from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _tune_sqlite)
        install_contention(engine)  # write sessions take the write lock first
    try:
        _ensure_schema(engine, db, create=create)
    except BaseException:
        engine.dispose()  # a refused database must not keep a server connection open
        raise
    return engine


def _ensure_schema(engine: Engine, db: str, *, create: bool) -> None:
    """Check the schema revision before anything writes, so a foreign file is left untouched."""
    where = describe(db)
    try:
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            version = None
            if "alembic_version" in tables:
                query = text("SELECT version_num FROM alembic_version")
                version = connection.execute(query).scalar()
    except DBAPIError as exc:
        reason = " ".join(str(exc.orig).split())
        raise RuntimeFailure(
            _("cannot open the database at {where}: {reason}").format(where=where, reason=reason)
        ) from None
    if version == HEAD:
        return
    if version is None and tables - {"alembic_version"}:
        raise RuntimeFailure(
            _("{where} holds tables that salesproc did not make; use another --db").format(
                where=where
            )
        )
    if version is None and not create:
        raise RuntimeFailure(
            _("{where} has no salesproc schema; create it with `salesproc init`").format(
                where=where
            )
        )
    if version is not None and version not in KNOWN_REVISIONS:
        raise RuntimeFailure(
            _("{where} was made by a newer salesproc (schema {version}); upgrade salesproc").format(
                where=where, version=version
            )
        )
    upgrade(engine)


def session(engine: Engine) -> "Session":
    """An ORM session: the writes' way in, so the ORM, the models and the hook that stores
    typed text trimmed are loaded here, never by a read."""
    from sqlalchemy.orm import Session

    from salesproc.db import typed_text  # noqa: F401  (stores typed text trimmed)

    return Session(engine, expire_on_commit=False)
