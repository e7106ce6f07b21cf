"""PostgreSQL as a first-class database: its driver, `init` and every migration on a real
server, and no connection left behind by a command.

The PostgreSQL tests need a server: `SALESPROC_TEST_PG` (a superuser URL; `.ci/run` sets it,
and so does the conftest when the whole suite runs with `SALESPROC_TEST_DB`). Each makes its
own database, named `t13_…`, and drops it.
"""

import json
import os
from collections.abc import Callable, Iterator
from datetime import date, datetime
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from conftest import ON_PG
from helpers import ok, rejected
from salesproc.db import migrate

PG = os.environ.get("SALESPROC_TEST_PG", "")
_numbers = count(1)


def _server() -> Any:
    if not PG:
        pytest.skip("this test needs PostgreSQL: set SALESPROC_TEST_PG")
    import psycopg

    admin = make_url(PG).set(drivername="postgresql").render_as_string(hide_password=False)
    return psycopg.connect(admin, autocommit=True)


@pytest.fixture
def empty_pg() -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped after the test."""
    with _server() as admin:
        name = f"t13_{os.getpid()}_pg_{next(_numbers)}"
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        try:
            yield make_url(PG).set(database=name).render_as_string(hide_password=False)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _connections(url: str) -> int:
    """Sessions open on the database of `url`, other than the one asking."""
    name = make_url(url).database
    with _server() as admin:
        query = (
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
        )
        row = admin.execute(query, (name,)).fetchone()
    assert row is not None
    return int(row[0])


def _engine_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


# --- the driver ----------------------------------------------------------------------------


def test_a_postgresql_url_without_psycopg_says_which_extra_to_install(cli, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "psycopg", None)
    said = rejected(cli("--db", "postgresql://rep:secret@db.example/sales", "init"))
    assert said == "Error: PostgreSQL needs the driver: pip install 'salesproc[postgres]'"


def test_the_suite_runs_on_the_database_it_was_given(db):
    """With SALESPROC_TEST_DB set, the `db` fixture's database is on that server."""
    where = os.environ["SALESPROC_DB"]
    assert where.startswith("postgresql") == ON_PG
    ok(db("rep", "add", "zhang", "--name", "张伟"))
    assert [r["code"] for r in ok(db("rep", "list", "--format", "json")).json()] == ["zhang"]


# --- init and the migrations ------------------------------------------------------------


def test_init_on_an_empty_postgresql_database(cli, empty_pg):
    result = ok(cli("--db", empty_pg, "init"))
    assert "secret" not in result.stdout
    ok(cli("--db", empty_pg, "rep", "add", "zhang", "--name", "张伟"))
    ok(cli("--db", empty_pg, "init"))  # a second init changes nothing
    reps = ok(cli("--db", empty_pg, "rep", "list", "--format", "json")).json()
    assert [r["code"] for r in reps] == ["zhang"]
    with create_engine(_engine_url(empty_pg)).connect() as connection:
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert version == migrate.HEAD


@pytest.fixture(params=["sqlite", "postgresql"])
def any_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(what `--db` takes, the SQLAlchemy URL) of an empty database on each kind."""
    if request.param == "sqlite":
        path = tmp_path / "old.db"
        yield str(path), f"sqlite:///{path}"
        return
    url = request.getfixturevalue("empty_pg")
    yield url, _engine_url(url)


@pytest.mark.parametrize("revision", migrate.KNOWN_REVISIONS[:-1])
def test_every_revision_with_data_is_upgraded_to_head(cli, any_database, revision):
    """A database left at any older revision, with a rep and a sale in it, opens on HEAD with
    both kept: every migration runs on both databases, on data."""
    where, url = any_database
    engine = create_engine(url)
    try:
        migrate.upgrade(engine, revision)
        with engine.begin() as connection:
            # as that release wrote them: ids from the database (its sequence, on PostgreSQL)
            rep_id = connection.execute(
                text(
                    "INSERT INTO reps (code, name, active, created_at) "
                    "VALUES ('zhang', '张伟', :yes, :at) RETURNING id"
                ),
                {"yes": True, "at": datetime(2026, 1, 1)},
            ).scalar_one()
            connection.execute(
                text(
                    "INSERT INTO sales (rep_id, sale_date, amount_cents, created_at) "
                    "VALUES (:rep, :day, 12345, :at)"
                ),
                {"rep": rep_id, "day": date(2026, 11, 30), "at": datetime(2026, 11, 30, 9)},
            )
    finally:
        engine.dispose()
    ranked = ok(cli("--db", where, "rank", "--format", "json")).json()
    assert ranked == [{"rank": 1, "rep": "zhang", "name": "张伟", "amount": 123.45, "change": 0}]
    # the upgraded database takes new rows: ids and sequences carried over
    ok(cli("--db", where, "rep", "add", "li", "--name", "李娜"))
    ok(cli("--db", where, "sale", "add", "--rep", "li", "--amount", "5"))
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()
    assert version == migrate.HEAD != revision


# --- connections ----------------------------------------------------------------------------


@pytest.mark.slow  # 150 commands
def test_a_command_leaves_no_connection_open(cli, empty_pg):
    """A process calling the CLI in-process many times (a scheduler, a test suite) does not
    pile up server connections: each command's engine is disposed when it ends, whether it
    succeeded, was refused or failed."""
    on = ["--db", empty_pg]
    ok(cli(*on, "init"))
    ok(cli(*on, "rep", "add", "zhang", "--name", "张伟"))
    commands: list[Callable[[], Any]] = [
        lambda: ok(cli(*on, "rep", "list", "--format", "json")),
        lambda: ok(cli(*on, "sale", "add", "--rep", "zhang", "--amount", "1")),
        lambda: rejected(cli(*on, "sale", "add", "--rep", "nobody", "--amount", "1")),
        lambda: ok(cli(*on, "rank", "--cumulative", "--format", "json")),
        lambda: ok(cli(*on, "due", "--format", "json")),
    ]
    for i in range(150):
        commands[i % len(commands)]()
    assert _connections(empty_pg) == 0
    sales = json.loads(ok(cli(*on, "rank", "--cumulative", "--format", "json")).stdout)
    assert sales[0]["amount"] == 30.0
    assert _connections(empty_pg) == 0


def test_a_database_refused_on_opening_leaves_no_connection_open(cli, empty_pg):
    ok(cli("--db", empty_pg, "init"))
    engine = create_engine(_engine_url(empty_pg))
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    for _ in range(20):
        rejected(cli("--db", empty_pg, "due"), "upgrade", code=1)
    assert _connections(empty_pg) == 0
