"""Imports on PostgreSQL go in by COPY, and give exactly the rows SQLite's path gives.

Each test imports the same files into a fresh SQLite file and a fresh
PostgreSQL database and compares what the CLI shows of both. They need a
PostgreSQL server: `SALESPROC_TEST_PG` is a superuser URL (a database is
created a test and dropped after it).
"""

import csv
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import ok


@pytest.fixture
def pg() -> Iterator[str]:
    """A fresh PostgreSQL database's URL, dropped after the test (benchmarks/pg_fresh.py)."""
    server = os.environ.get("SALESPROC_TEST_PG")
    if not server:
        pytest.skip("imports by COPY need PostgreSQL: set SALESPROC_TEST_PG")
    from pg_fresh import fresh_database

    with fresh_database(server, uuid.uuid4().hex[:12], prefix="copy_t") as url:
        yield url


def schema(url: str) -> list[tuple[str, str]]:
    """The visits' and sales' constraints and indexes, as the database defines them."""
    import psycopg
    from sqlalchemy.engine import make_url

    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain) as connection:
        keys = connection.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid IN ('visits'::regclass, 'sales'::regclass)"
        ).fetchall()
        indexes = connection.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('visits', 'sales')"
        ).fetchall()
    return sorted(keys + indexes)


def both(cli, tmp_path: Path, pg: str) -> list[tuple[str, str]]:
    """A fresh SQLite database and the PostgreSQL one, each initialised: their --db flags."""
    databases = [("--db", str(tmp_path / "lite.db")), ("--db", pg)]
    for flags in databases:
        ok(cli(*flags, "init"))
    return databases


def shown(cli, flags, tmp_path: Path) -> dict[str, str]:
    """Everything an import leaves that a user sees: the exports, money and schedules."""
    seen = {}
    for what in ("visits", "sales", "customers"):
        path = tmp_path / f"exported-{what}.csv"
        ok(cli(*flags, "export", what, "-o", str(path)))
        seen[what] = path.read_text(encoding="utf-8")
    for command in (
        ["collection", "list"],
        ["sale", "list"],
        ["due", "--ahead", "400"],
        ["four-visit"],
        ["rep", "list"],
        ["report", "daily", "--date", "2026-11-27"],
    ):
        seen[" ".join(command)] = ok(cli(*flags, *command, "--format", "json")).stdout
    return seen


def write_csv(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


CUSTOMERS = [
    ["name", "grade", "category", "rep", "phone", "added_on"],
    ["万家超市", "A", "existing", "zhang", "13800000001", "2026-06-01"],
    ["华联便利店", "B", "prospect", "zhang", "13800000002", "2026-06-01"],
    ["兴隆商行", "C", "prospect", "li", "", "2026-07-15"],
    ['Quote "Co", Ltd\\tab', "B", "existing", "li", "", "2026-07-15"],
]


def visits_file(path: Path) -> Path:
    """Visits of the listed customers and of new ones: wins, a loss, money, weather, region,
    agreed revisits and none, times and none, text that COPY must escape."""
    heading = [
        "date", "rep", "customer", "phone", "start", "end", "purposes", "result", "outcome",
        "category", "next_visit", "notes", "weather", "region", "amount", "collected",
    ]  # fmt: skip
    rows: list[list[object]] = [heading]
    names = ["万家超市", "华联便利店", "兴隆商行", 'Quote "Co", Ltd\\tab', "新客户甲", "新客户乙"]
    for day in range(1, 29):
        for n, name in enumerate(names):
            if (day + n) % 3:
                continue
            rep = "zhang" if n % 2 == 0 else "li"
            start = "" if (day + n) % 5 == 0 else f"{8 + n}:{day % 6}0"
            end = "" if not start else f"{9 + n}:15"
            outcome = "won" if (day, n) in {(4, 2), (9, 1), (12, 5)} else ""
            outcome = "lost" if (day, n) == (22, 2) else outcome
            rows.append(
                [
                    f"2026-11-{day:02d}", rep, name, "1390000000" + str(n) if day < 3 else "",
                    start, end, "order,collection" if n % 2 else "development",
                    "谈妥\n下周补货" if day % 4 == 0 else "", outcome, "",
                    f"2026-12-{day % 9 + 1:02d}" if day % 7 == 0 else "",
                    "tab\there, back\\slash" if day % 6 == 0 else "",
                    "晴" if day % 2 else "小雨", "杭州" if n == 0 else "",
                    f"{100 + day}.5{n}" if (day + n) % 2 else "",
                    f"{50 + n}" if day % 5 == 0 else "",
                ]
            )  # fmt: skip
    return write_csv(path, rows)


def test_visits_import_the_same_on_postgresql_as_on_sqlite(cli, tmp_path, pg):
    customers = write_csv(tmp_path / "customers.csv", CUSTOMERS)
    visits = visits_file(tmp_path / "visits.csv")
    said, seen = [], []
    for flags in both(cli, tmp_path, pg):
        ok(cli(*flags, "rep", "add", "zhang", "--name", "张伟", "--region", "宁波"))
        ok(cli(*flags, "rep", "add", "li", "--name", "李娜"))
        ok(cli(*flags, "import", "customers", str(customers)))
        result = ok(cli(*flags, "import", "visits", str(visits), "--create-customers"))
        again = ok(cli(*flags, "import", "visits", str(visits), "--create-customers"))
        said.append((result.stdout, again.stdout))
        seen.append(shown(cli, flags, tmp_path))
    assert "Imported" in said[0][0] and "already" in said[0][1]
    assert said[0] == said[1]
    for what, text in seen[0].items():
        assert seen[1][what] == text, what
    assert "新客户甲" in seen[1]["customers"] and "tab\there" in seen[1]["visits"]
    assert json.loads(seen[1]["collection list"]) and json.loads(seen[1]["sale list"])


SALES = [
    ["opportunity_id", "agent", "account", "stage", "close_date", "value", "ref"],
    *[
        [
            f"OPP{n:04d}", ["zhang", "li", "王芳"][n % 3], f"Account {n % 7}",
            "Won" if n % 5 else "Lost",
            f"2026-{n % 11 + 1:02d}-{n % 27 + 1:02d}", f"{(n * 37) % 5000 - 300}.{n % 100:02d}",
            "" if n % 4 else f"INV-{n}\t\\",
        ]
        for n in range(1, 120)
    ],
]  # fmt: skip
SALE_FLAGS = [
    "--map", "rep=agent", "--map", "customer=account", "--map", "date=close_date",
    "--map", "amount=value", "--map", "ref=ref", "--where", "stage=Won",
    "--create-reps", "--create-customers",
]  # fmt: skip


def test_sales_and_collections_import_the_same_on_postgresql_as_on_sqlite(cli, tmp_path, pg):
    customers = write_csv(tmp_path / "customers.csv", CUSTOMERS)
    sales = write_csv(tmp_path / "sales.csv", SALES)
    more = write_csv(tmp_path / "more.csv", [SALES[0], *SALES[40:], [
        "OPP9999", "li", "兴隆商行", "Won", "2026-11-20", "88.00", ""
    ]])  # fmt: skip
    money = write_csv(
        tmp_path / "collections.csv",
        [["who", "account", "day", "amount"]]
        + [["zhang", f"Account {n % 4}", f"2026-10-{n:02d}", f"{n}0.5"] for n in range(1, 25)],
    )
    said, seen = [], []
    for flags in both(cli, tmp_path, pg):
        ok(cli(*flags, "rep", "add", "zhang", "--name", "张伟"))
        ok(cli(*flags, "rep", "add", "li", "--name", "李娜"))
        ok(cli(*flags, "import", "customers", str(customers)))
        keyed = [*SALE_FLAGS, "--key", "opportunity_id"]
        said.append(ok(cli(*flags, "import", "sales", str(sales), *keyed)).stdout)
        said.append(ok(cli(*flags, "import", "sales", str(more), *keyed)).stdout)
        said.append(ok(cli(*flags, "import", "collections", str(money), "--map", "rep=who",
                           "--map", "customer=account", "--map", "date=day",
                           "--create-customers")).stdout)  # fmt: skip
        seen.append(shown(cli, flags, tmp_path))
    assert said[:3] == said[3:]
    assert "already imported" in said[1]
    for what, text in seen[0].items():
        assert seen[1][what] == text, what
    assert "INV-4\t\\" in seen[1]["sales"]


def test_a_first_import_of_history_is_the_same_and_keeps_keys_and_indexes(
    cli, tmp_path, pg, monkeypatch
):
    """A load big enough to set the indexes and foreign keys aside (made small here)."""
    from salesproc.adapters import sales_import
    from salesproc.db import visit_bulk

    monkeypatch.setattr(visit_bulk, "SET_ASIDE_AT", 1)
    monkeypatch.setattr(sales_import, "SET_ASIDE_AT", 1)
    customers = write_csv(tmp_path / "customers.csv", CUSTOMERS)
    visits = visits_file(tmp_path / "visits.csv")
    sales = write_csv(tmp_path / "sales.csv", [SALES[0], *SALES[1:] * 60])
    seen = []
    for flags in both(cli, tmp_path, pg):
        defined = schema(pg)
        ok(cli(*flags, "rep", "add", "zhang", "--name", "张伟", "--region", "宁波"))
        ok(cli(*flags, "rep", "add", "li", "--name", "李娜"))
        ok(cli(*flags, "import", "customers", str(customers)))
        ok(cli(*flags, "import", "visits", str(visits), "--create-customers"))
        ok(cli(*flags, "import", "sales", str(sales), *SALE_FLAGS))
        seen.append(shown(cli, flags, tmp_path))
        assert schema(pg) == defined
    for what, text in seen[0].items():
        assert seen[1][what] == text, what


def test_a_bad_row_late_in_a_big_file_writes_nothing_on_postgresql(cli, tmp_path, pg, monkeypatch):
    from salesproc.adapters import sales_import

    monkeypatch.setattr(sales_import, "SET_ASIDE_AT", 1)  # the indexes and keys set aside too
    rows = [["rep", "customer", "date", "amount", "key"]]
    rows += [["zhang", f"客户{n % 300}", "2026-11-02", "12.50", f"K{n}"] for n in range(12_000)]
    rows.append(["zhang", "客户1", "2026-11-02", "not money", "K-last"])
    path = write_csv(tmp_path / "sales.csv", rows)
    ok(cli("--db", pg, "init"))
    ok(cli("--db", pg, "rep", "add", "zhang", "--name", "张伟"))
    defined = schema(pg)
    result = cli("--db", pg, "import", "sales", str(path), "--key", "key", "--create-customers")
    assert result.exit_code == 2
    assert "row 12002" in result.stderr and "Traceback" not in result.stderr
    assert json.loads(ok(cli("--db", pg, "sale", "list", "--format", "json")).stdout) == []
    listed = json.loads(ok(cli("--db", pg, "customer", "list", "--format", "json")).stdout)
    assert listed == []
    assert schema(pg) == defined
    # and the same file, corrected, goes in whole
    rows[-1][3] = "1.00"
    write_csv(path, rows)
    said = ok(cli("--db", pg, "import", "sales", str(path), "--key", "key",
                  "--create-customers"))  # fmt: skip
    assert "12,001" in said.stdout


def test_a_login_that_does_not_own_the_tables_imports_a_history_all_the_same(
    cli, tmp_path, pg, monkeypatch
):
    """Only the tables' owner may set their indexes and keys aside: a supervisor's login
    (team mode) loads into the table as it is."""
    import psycopg
    from sqlalchemy.engine import make_url

    from salesproc.db import visit_bulk

    monkeypatch.setattr(visit_bulk, "SET_ASIDE_AT", 1)
    ok(cli("--db", pg, "init"))
    ok(cli("--db", pg, "rep", "add", "zhang", "--name", "张伟"))
    ok(cli("--db", pg, "rep", "add", "li", "--name", "李娜"))
    ok(cli("--db", pg, "import", "customers", str(write_csv(tmp_path / "c.csv", CUSTOMERS))))
    url = make_url(pg)
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    login = f"copy_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_roles WHERE rolname = 'salesproc_supervisor'"
                                  ).fetchone():  # fmt: skip
            pytest.skip("no team roles in this schema")
        connection.execute(f'CREATE ROLE "{login}" LOGIN IN ROLE salesproc_supervisor')
    try:
        defined = schema(pg)
        as_supervisor = url.set(username=login).render_as_string(hide_password=False)
        visits = visits_file(tmp_path / "visits.csv")
        said = ok(cli("--db", as_supervisor, "import", "visits", str(visits), "--create-customers"))
        assert "Imported 56 visits" in said.stdout
        assert schema(pg) == defined
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP ROLE "{login}"')


def rep_checks(url: str) -> list[tuple[str, str]]:
    """Each table's rep-check trigger (migration 0009) and whether it is enabled."""
    import psycopg
    from sqlalchemy.engine import make_url

    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain) as connection:
        return connection.execute(
            "SELECT tgrelid::regclass::text, tgenabled FROM pg_trigger "
            "WHERE tgname = 'salesproc_rep_write' ORDER BY 1"
        ).fetchall()


def test_a_big_load_by_the_owner_leaves_the_rep_check_in_place(cli, tmp_path, pg, monkeypatch):
    """The owner's big statements go without the rep check (it waves the owner through),
    which is back, enabled, after the import and after a failed one."""
    from salesproc.db import pg_copy, visit_bulk

    monkeypatch.setattr(pg_copy, "REP_CHECK_SET_ASIDE_AT", 1)
    monkeypatch.setattr(visit_bulk, "SET_ASIDE_AT", 1)
    ok(cli("--db", pg, "init"))
    checks = rep_checks(pg)
    if not checks:
        pytest.skip("no team mode in this schema")
    assert {enabled for _, enabled in checks} == {"O"}
    ok(cli("--db", pg, "rep", "add", "zhang", "--name", "张伟", "--region", "宁波"))
    ok(cli("--db", pg, "rep", "add", "li", "--name", "李娜"))
    ok(cli("--db", pg, "import", "customers", str(write_csv(tmp_path / "c.csv", CUSTOMERS))))
    visits = visits_file(tmp_path / "visits.csv")
    said = ok(cli("--db", pg, "import", "visits", str(visits), "--create-customers"))
    assert "Imported 56 visits" in said.stdout
    assert rep_checks(pg) == checks
    bad = write_csv(tmp_path / "bad.csv", [SALES[0], *SALES[1:], ["X1", "zhang", "万家超市",
                    "Won", "2026-11-02", "not money", ""]])  # fmt: skip
    result = cli("--db", pg, "import", "sales", str(bad), *SALE_FLAGS, "--key", "opportunity_id")
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert rep_checks(pg) == checks


def test_a_keyed_re_import_of_many_sales_adds_only_the_new_ones(cli, tmp_path, pg):
    """Keys looked up on PostgreSQL through a temporary table, several chunks of them: the
    same answer as SQLite's."""
    rows = [["rep", "customer", "date", "amount", "key"]]
    rows += [["zhang", f"客户{n % 300}", "2026-11-02", "12.50", f"K{n}"] for n in range(12_000)]
    first = write_csv(tmp_path / "first.csv", rows)
    rows.append(["zhang", "客户1", "2026-11-03", "7.00", "K-new"])
    again = write_csv(tmp_path / "again.csv", rows[:1] + rows[:5_000:-1])
    said = []
    for flags in both(cli, tmp_path, pg):
        ok(cli(*flags, "rep", "add", "zhang", "--name", "张伟"))
        for path in (first, again, again):
            command = ["import", "sales", str(path), "--key", "key", "--create-customers"]
            said.append(ok(cli(*flags, *command)).stdout)
        said.append(ok(cli(*flags, "sale", "list", "--format", "csv")).stdout)
    assert said[:4] == said[4:]
    assert "12,000" in said[0] and "7,000 already imported" in said[1]
    assert "7,001 already imported" in said[2]
