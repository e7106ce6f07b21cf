"""On PostgreSQL the suite hands a test the database the last test of the same template left,
made again like a fresh copy (tests/pg_pool.py). These check that what the next test gets is
exactly what a copy holds, and that a database whose schema a test changed is never reused.
They run only when the suite runs on PostgreSQL (SALESPROC_TEST_DB): that is the only run
that reuses databases."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy.engine import make_url

import pg_pool
from conftest import ON_PG, Templates, _pg
from helpers import ok

pytestmark = pytest.mark.skipif(
    not ON_PG, reason="reusing databases is the PostgreSQL run's: set SALESPROC_TEST_DB"
)


def _connect(url: str) -> Any:
    import psycopg

    return psycopg.connect(url, autocommit=True)


def _plain(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _state(url: str) -> dict[str, Any]:
    """Every row of every table in the order the rows lie (a copy also keeps the template's
    dead row versions, so not at the same positions); the sequences; the planner's sizes."""
    with _connect(_plain(url)) as connection:
        tables = [row[0] for row in connection.execute(pg_pool._TABLES)]
        state: dict[str, Any] = {
            table: connection.execute(f"SELECT * FROM {table} ORDER BY ctid").fetchall()
            for table in tables
        }
        state["sequences"] = connection.execute(
            "SELECT sequencename, last_value FROM pg_sequences ORDER BY 1"
        ).fetchall()
        state["sizes"] = sorted(connection.execute(pg_pool._SIZES).fetchall())
        return state


@pytest.fixture
def copy(templates: Templates) -> Iterator[Callable[[], str]]:
    """Fresh copies of the `team` template, dropped after the test."""
    server, made = _pg(), []

    def make() -> str:
        made.append(server.name(f"pool_test_{len(made)}"))
        server.drop(made[-1])
        return server.create(made[-1], str(templates.team))

    yield make
    for name in made:
        server.drop(name)


def test_a_database_written_to_is_made_again_exactly_like_a_fresh_copy(cli, copy):
    fresh, used = copy(), copy()
    learnt = pg_pool.learn(_connect, _plain(used))
    assert learnt is not None
    for command in (
        ["rep", "add", "wang", "--name", "王五"],
        ["customer", "add", "新店", "--grade", "A", "--rep", "wang"],
        ["customer", "edit", "万家超市", "--phone", "13900000009"],
        ["log-visit", "--rep", "zhang", "--customer", "万家超市", "--purpose", "order",
         "--amount", "300", "--collected", "100"],
        ["sale", "add", "--rep", "li", "--amount", "500"],
        ["target", "set", "--team", "--amount", "100000"],
    ):  # fmt: skip
        ok(cli("--db", used, *command))
    assert _state(used) != _state(fresh)

    assert pg_pool.wait_until_alone(_pg()._admin, make_url(used).database)
    assert pg_pool.restore(_connect, _plain(used), learnt)
    assert _state(used) == _state(fresh)
    # and what the commands print next is the same on both
    for listing in (["customer", "list"], ["due"], ["rank", "--cumulative"], ["history"]):
        assert ok(cli("--db", used, *listing)).stdout == ok(cli("--db", fresh, *listing)).stdout
    after = [ok(cli("--db", db, "rep", "add", "ma", "--name", "马六")) for db in (used, fresh)]
    assert after[0].stdout == after[1].stdout
    assert _state(used) == _state(fresh)  # the same ids, from the same sequences


@pytest.mark.parametrize(
    "change",
    [
        "CREATE TABLE notes (body text)",
        "ALTER TABLE reps ADD COLUMN nickname text",
        "CREATE INDEX reps_by_name ON reps (name)",
        "ALTER TABLE visits DISABLE TRIGGER USER",
        "ALTER TABLE customers FORCE ROW LEVEL SECURITY",
        "GRANT SELECT ON reps TO PUBLIC",
        "SELECT salesproc_set_edit_days(9)",
        "COMMENT ON TABLE reps IS 'the team'",
        "CREATE SCHEMA scratch",
        "ALTER SEQUENCE reps_id_seq INCREMENT BY 2",
    ],
)
def test_a_database_whose_schema_a_test_changed_is_not_reused(copy, change):
    used = copy()
    learnt = pg_pool.learn(_connect, _plain(used))
    assert learnt is not None
    with _connect(_plain(used)) as connection:
        connection.execute(change)
    assert not pg_pool.restore(_connect, _plain(used), learnt)


def test_an_initialised_copy_of_template0_is_made_empty_again(cli):
    server = _pg()
    name, fresh = server.name("pool_test_init"), server.name("pool_test_empty")
    try:
        used = server.create(name)
        learnt = pg_pool.learn(_connect, _plain(used))
        assert learnt is not None and learnt.rows == {}
        ok(cli("--db", used, "init"))
        ok(cli("--db", used, "rep", "add", "zhang", "--name", "张伟"))
        assert pg_pool.wait_until_alone(server._admin, name)
        assert pg_pool.restore(_connect, _plain(used), learnt)
        with _connect(_plain(used)) as one, _connect(_plain(server.create(fresh))) as other:
            assert (
                one.execute(pg_pool.DIGEST).fetchone() == other.execute(pg_pool.DIGEST).fetchone()
            )
            assert one.execute(pg_pool._TABLES).fetchall() == []
        said = cli("--db", used, "rep", "list")
        assert said.exit_code == 1 and "init" in said.stderr  # as on a new database
        ok(cli("--db", used, "init"))
    finally:
        server.drop(name)
        server.drop(fresh)


def test_the_next_test_gets_the_database_back_under_its_own_name(templates):
    server, template = _pg(), str(templates.team)
    first, second = server.name("pool_test_first"), server.name("pool_test_second")
    url = server.take(first, template)
    fresh = _state(url)
    with _connect(_plain(url)) as connection:
        connection.execute("DELETE FROM customers WHERE name = '兴隆商行'")
    server.give_back(first, template)
    assert template in server._ready  # made again, not dropped
    try:
        again = server.take(second, template)
        assert make_url(again).database == second
        assert _state(again) == fresh
    finally:
        server.give_back(second, template)
