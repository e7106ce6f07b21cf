"""A fresh, empty PostgreSQL database a benchmark run, on the server `--db` names.

Why fresh each run: an import's speed depends on what is already in the
tables (a first import sets the indexes aside), and a run must not see the
last one's rows. The database is dropped again when the run ends, even on
an error: a million visits take hundreds of MiB of the shared server.

Why the CPU of one process is not the whole cost: on PostgreSQL the
server's backend does its share of the work (parsing COPY, building the
indexes) in another process, whose CPU the benchmark cannot see; the wall
time covers both.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import make_url


def is_postgresql(db: str | None) -> bool:
    return bool(db) and str(db).startswith("postgresql")


@contextmanager
def fresh_database(server: str, label: str, prefix: str = "copy_bench") -> Iterator[str]:
    """Create `<prefix>_<label>_<pid>` on `server` (a superuser URL); yield its URL; drop it.

    The one such helper: the PostgreSQL import tests (tests/test_pg_copy.py) use it too,
    with their own prefix, so a database left by a killed run says whose it was."""
    import psycopg

    url = make_url(server)
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"{prefix}_{label}_{os.getpid()}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
