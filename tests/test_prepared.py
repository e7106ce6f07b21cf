"""The daily reads' statements compiled once (`db.prepared`): on an SQLite file they run through
`sqlite3` from a cache, and give exactly the rows SQLAlchemy gives for the same statement."""

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from salesproc.db import daily_reads, prepared
from salesproc.db.contention import reading
from salesproc.db.engine import open_engine
from salesproc.db.migrate import HEAD
from salesproc.rules.ranking import Metric

pytestmark = pytest.mark.sqlite_only("the statements run through sqlite3 only on an SQLite file")

TODAY = date(2026, 11, 25)  # conftest's NOW


def _reads(db, rep: daily_reads.RepRef) -> list:
    """Every statement of `daily_reads`, in each shape the daily commands use."""
    past, rep_id = TODAY - timedelta(days=9), rep.id
    found: list = [
        daily_reads.find_rep(db, rep.code),
        daily_reads.find_rep(db, rep.code.upper()),
        daily_reads.find_rep(db, rep.name),
    ]
    for as_of in (TODAY, past):
        for rep in (None, rep_id):
            found.append(daily_reads.due_list(db, as_of, TODAY, 3, rep))
            found.append(daily_reads.four_visit(db, as_of, TODAY, as_of.replace(day=1), 4, rep))
    for metric in Metric:
        for by in ("rep", "region"):
            for start in (None, TODAY.replace(day=1), TODAY):
                found.append(daily_reads.leaderboard(db, start, TODAY, metric, by))
        for rep in (None, rep_id):
            found.append(daily_reads.published_total(db, metric, past, TODAY, rep))
        found.append(daily_reads.target_years(db, TODAY.year, None, metric.value))
        found.append(daily_reads.target_years(db, TODAY.year, rep_id, metric.value))
    return found


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = prepared._cache_file()
    assert path is not None and path.parent == tmp_path / "cache" / "salesproc"
    return path


def test_every_statement_gives_the_same_rows_through_sqlite3_as_through_sqlalchemy(demo_db, cache):
    engine = open_engine(str(demo_db.path))
    with reading(engine) as connection:
        rep = daily_reads.find_rep(connection, "zhanglei")
        through_sqlalchemy = _reads(connection, rep)
    engine.dispose()
    assert any(through_sqlalchemy[3:7])  # the demo has rows due: the comparison means something

    compiled = prepared.SqliteReader.open(Path(demo_db.path), HEAD)
    assert compiled is not None
    try:
        assert _reads(compiled, rep) == through_sqlalchemy
    finally:
        compiled.close()
    kept = json.loads(cache.read_text(encoding="utf-8"))["statements"]
    assert len(kept) >= 20

    cached = prepared.SqliteReader.open(Path(demo_db.path), HEAD)  # from the file this time
    assert cached is not None
    try:
        assert cached.cache.kept.keys() == kept.keys()
        assert _reads(cached, rep) == through_sqlalchemy
        assert not cached.cache.changed  # nothing compiled again
    finally:
        cached.close()


def test_the_cache_is_used_while_the_code_is_the_same_and_dropped_when_it_changes(
    demo_db, cli, cache
):
    assert cli("--db", str(demo_db.path), "rank").exit_code == 0
    stored = json.loads(cache.read_text(encoding="utf-8"))
    (key,) = [k for k in stored["statements"] if k.startswith("salesproc.db.reads:leaderboard")]
    # a statement in the cache is trusted: the board shows what the kept SQL says…
    kept = "SELECT 'zhanglei', '张磊', 4200 UNION ALL SELECT 'x', 'X', 0"
    stored["statements"][key]["sql"] = kept
    stored["statements"][key]["params"] = []
    cache.write_text(json.dumps(stored), encoding="utf-8")
    assert "42.00" in cli("--db", str(demo_db.path), "rank").stdout
    # …until the code that made it changes: then every statement is compiled afresh
    stored["digest"] += "|changed"
    cache.write_text(json.dumps(stored), encoding="utf-8")
    shown = cli("--db", str(demo_db.path), "rank").stdout
    assert "42.00" not in shown and "张磊" in shown


@pytest.mark.parametrize("damage", ["garbage", "folder in the way"])
def test_a_cache_that_cannot_be_read_or_written_costs_only_the_compile(demo_db, cli, cache, damage):
    expected = cli("--db", str(demo_db.path), "due").stdout
    cache.unlink()
    if damage == "garbage":
        cache.write_text("{not json", encoding="utf-8")
    else:
        cache.parent.rmdir()
        cache.parent.write_text("", encoding="utf-8")  # a file where the folder should be
    for _ in range(2):
        run = cli("--db", str(demo_db.path), "due")
        assert (run.exit_code, run.stdout, run.stderr) == (0, expected, "")


def test_a_file_that_is_not_current_goes_the_long_way_and_says_why(tmp_path, cli, cache):
    """A missing file, a foreign one, one of a newer salesproc: the errors of before."""
    missing = tmp_path / "nowhere.db"
    run = cli("--db", str(missing), "due")
    assert run.exit_code == 1 and "no database at" in run.stderr and not missing.exists()
    newer = tmp_path / "newer.db"
    assert cli("--db", str(newer), "init").exit_code == 0
    import sqlite3

    with sqlite3.connect(newer) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    run = cli("--db", str(newer), "due")
    assert run.exit_code == 1 and "newer salesproc (schema 9999)" in run.stderr


def _stored(path: Path) -> dict[str, list[tuple]]:
    """Every row of the tables a daily write touches, as SQLite holds them (text as text)."""
    import sqlite3

    tables = ("visits", "sales", "collections", "daily_reports", "customers")
    with sqlite3.connect(path) as connection:
        return {
            table: connection.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
            for table in tables
        }


def test_the_daily_writes_store_the_same_bytes_through_sqlite3_as_through_sqlalchemy(
    demo_db, cli, cache, tmp_path
):
    """`log-visit`, `sale add` and `report header` on a file run through `sqlite3` (the kept
    statements); given as a URL, the same file goes through SQLAlchemy: the rows must match."""
    import shutil

    quick, slow = tmp_path / "quick.db", tmp_path / "slow.db"
    shutil.copyfile(demo_db.path, quick)
    shutil.copyfile(demo_db.path, slow)
    commands = [
        ("log-visit", "--rep", "zhanglei", "--customer", "新客户甲", "--purpose", "order",
         "--start", "09:05", "--end", "09:50", "--amount", "3.2万", "--collected", "1,200",
         "--weather", "晴", "--result", "  签了  ", "--outcome", "won"),
        ("log-visit", "--rep", "zhanglei", "--customer", "新客户甲", "--purpose", "service",
         "--date", "-2", "--next", "+3"),
        ("sale", "add", "--rep", "zhanglei", "--customer", "新客户甲", "--amount", "¥50"),
        ("sale", "add", "--rep", "zhanglei", "--customer", "没有这家", "--amount", "50"),
        ("sale", "add", "--rep", "lina", "--amount", "880"),
        ("report", "header", "--rep", "lina", "--weather", "雨", "--region", "华南"),
    ]  # fmt: skip
    assert cli("--db", str(quick), "customer", "add", "新客户甲", "--grade", "A").exit_code == 0
    assert cli("--db", str(slow), "customer", "add", "新客户甲", "--grade", "A").exit_code == 0
    for command in commands:
        fast_run = cli("--db", str(quick), *command)
        slow_run = cli("--db", f"sqlite:///{slow}", *command)
        assert fast_run.exit_code == (2 if "没有这家" in command else 0), fast_run.stderr
        assert fast_run == slow_run
    assert _stored(quick) == _stored(slow)
    kept = json.loads(cache.read_text(encoding="utf-8"))["statements"]
    assert any(key.startswith("salesproc.db.write_statements:new_row") for key in kept)
