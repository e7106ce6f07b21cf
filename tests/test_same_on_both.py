"""The same data prints the same bytes on SQLite and on PostgreSQL.

Every listing orders by a key that ends in something unique (an id, a code), and
text by code point on both (`db.collation`), so no tie is left to the database.
This builds one story (the demo team, then ties made on purpose: reps whose codes
differ in case, customers on the same day, calls at the same minute, two field
days, two channels of one broadcast) on an SQLite file and on a fresh PostgreSQL
database whose locale is Chinese (ICU `zh`, where the server has ICU: it sorts
text unlike SQLite), and compares every listing's JSON and every export byte for byte.

Left out: `config show` (it prints the database's URL, which differs by nature) and
`team list` (an SQLite file has no logins). The table and CSV formats are left to the
JSON: each renders the same rows in the same order.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from helpers import ok

PG = os.environ.get("SALESPROC_TEST_PG", "")

#: the story after the demo: ties of every kind a listing could leave to the database
STORY = [
    ["rep", "add", "Wang", "--name", "王五", "--region", "杭州"],
    ["rep", "add", "ma", "--name", "马六", "--region", "杭州"],
    ["rep", "add", "Zhou", "--name", "Émile", "--region", "宁波"],
    ["customer", "add", "Apple 店", "--grade", "A", "--rep", "Wang"],
    ["customer", "add", "apple小店", "--grade", "A", "--rep", "Wang"],
    ["customer", "add", "阿里小店", "--grade", "A", "--rep", "ma"],
    ["customer", "add", "Zeta", "--grade", "A", "--rep", "Zhou"],
    ["customer", "add", "éclair", "--grade", "A", "--rep", "Zhou"],
    ["log-visit", "--rep", "Wang", "--customer", "Apple 店", "--purpose", "order"],
    ["log-visit", "--rep", "Wang", "--customer", "Apple 店", "--purpose", "order", "--again"],
    ["log-visit", "--rep", "ma", "--customer", "阿里小店", "--purpose", "order",
     "--amount", "300", "--collected", "300"],
    ["sale", "add", "--rep", "Wang", "--amount", "300"],
    ["sale", "add", "--rep", "Zhou", "--amount", "300", "--customer", "Zeta"],
    ["collection", "add", "--rep", "Wang", "--amount", "300"],
    ["collection", "add", "--rep", "Zhou", "--amount", "300"],
    ["call", "log", "--rep", "Wang", "--verdict", "ok", "--at", "09:00"],
    ["call", "log", "--rep", "ma", "--verdict", "doubtful", "--at", "09:00"],
    ["call", "log", "--rep", "Zhou", "--verdict", "ok", "--at", "09:00"],
    ["field", "log", "--region", "杭州", "--rep", "Wang", "--rep", "ma", "--rep", "Zhou",
     "--customer", "阿里小店", "--customer", "Apple 店", "--customer", "Zeta",
     "--issue", "price"],
    ["field", "log", "--region", "宁波", "--issue", "stock"],
    ["target", "set", "--team", "--amount", "12000000"],
    ["target", "set", "--rep", "Wang", "--amount", "600000"],
    ["target", "set", "--rep", "ma", "--amount", "600000"],
    ["target", "set", "--team", "--amount", "6000000", "--metric", "collections"],
    ["broadcast", "--edition", "evening"],
]  # fmt: skip

#: every listing, as JSON
LISTINGS = [
    ["due"], ["due", "--rep", "Wang"], ["four-visit"], ["rank"], ["rank", "--cumulative"],
    ["rank", "--cumulative", "--period", "year"], ["rank", "--metric", "visits"],
    ["rank", "--metric", "collections"], ["rank", "--by", "region"], ["progress"],
    ["call-plan"], ["history"], ["rep", "list"], ["customer", "list"],
    ["customer", "show", "Apple 店"], ["visit", "list"], ["sale", "list"],
    ["collection", "list"], ["call", "list"], ["field", "list"], ["field", "summary"],
    ["audit"], ["audit", "--all"], ["audit", "--by", "rep"], ["audit", "stats"],
    ["broadcast", "log"], ["target", "show"], ["target", "show", "--metric", "collections"],
    ["report", "daily"], ["report", "daily", "--date", "-3"],
]  # fmt: skip

EXPORTS = [
    (kind, suffix) for kind in ("visits", "sales", "customers") for suffix in ("csv", "json")
]


def _admin() -> Any:
    import psycopg

    url = make_url(PG).set(drivername="postgresql").render_as_string(hide_password=False)
    return psycopg.connect(url, autocommit=True)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database, in a Chinese collation where the server can, dropped after."""
    if not PG:
        pytest.skip("comparing with PostgreSQL needs PostgreSQL: set SALESPROC_TEST_PG")
    name = f"same_on_both_{os.getpid()}"
    with _admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        icu = admin.execute("SELECT 1 FROM pg_collation WHERE collprovider = 'i' LIMIT 1")
        locale = " LOCALE_PROVIDER icu ICU_LOCALE 'zh'" if icu.fetchone() else ""
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE template0{locale}')
        try:
            yield make_url(PG).set(database=name).render_as_string(hide_password=False)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _build(cli: Callable[..., Any], where: str) -> str:
    ok(cli("--db", where, "init"))
    shown = ok(cli("--db", where, "demo", "--seed", "7")).stdout
    for command in STORY:
        ok(cli("--db", where, *command))
    return shown.replace(where, "DATABASE")  # `Demo team built in …`


@pytest.mark.slow
def test_every_listing_prints_the_same_bytes_on_sqlite_and_postgresql(
    cli, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    config = tmp_path / "channels.toml"
    config.write_text(
        "[channels.sms]\ntype = \"file\"\npath = \"-\"\n"
        "[channels.spool]\ntype = \"file\"\npath = \"-\"\n",
        encoding="utf-8",
    )  # fmt: skip
    monkeypatch.setenv("SALESPROC_CONFIG", str(config))
    sqlite = str(tmp_path / "same.db")
    assert _build(cli, sqlite) == _build(cli, pg_url)

    differ = []
    for listing in LISTINGS:
        one, other = (cli("--db", db, *listing, "--format", "json") for db in (sqlite, pg_url))
        assert one.exit_code == 0 and one.stdout.strip() not in ("", "[]"), (listing, one.stderr)
        if (one.exit_code, one.stdout, one.stderr) != (other.exit_code, other.stdout, other.stderr):
            differ.append(" ".join(listing))
    for kind, suffix in EXPORTS:
        files = [tmp_path / f"{kind}-{n}.{suffix}" for n in (1, 2)]
        for where, path in zip((sqlite, pg_url), files, strict=True):
            ok(cli("--db", where, "export", kind, "-o", str(path)))
        if files[0].read_bytes() != files[1].read_bytes():
            differ.append(f"export {kind} .{suffix}")
    assert differ == []
