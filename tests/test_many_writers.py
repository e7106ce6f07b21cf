"""Many reps logging at once (issue 13 §3): every visit lands, a busy database is waited out,
and one busy for too long says so plainly with nothing written."""

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from salesproc.db import contention, daily_writes

ROOT = Path(__file__).resolve().parents[1]
BUSY = (
    "Error: the database is busy (another salesproc is writing); "
    "nothing was written, run the command again\n"
)
LOG = ("log-visit", "--rep", "zhang", "--customer", "万家超市", "--purpose", "order")


def _locked() -> OperationalError:
    busy = sqlite3.OperationalError("database is locked")
    return OperationalError("INSERT INTO visits", {}, busy)


def _visits(cli) -> list[dict]:
    result = cli("visit", "list", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return result.json()


def _writers_benchmark(*extra: str) -> dict:
    """benchmarks/writers.py at a small scale: 4 writer processes x 25 `log-visit` + 1 reader."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "writers.py"), "--writers", "4",
         "--visits", "25", "--readers", "1", "--json", *extra],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.stderr == ""
    [line] = done.stdout.splitlines()
    return json.loads(line)


def _assert_nothing_lost(result: dict) -> None:
    assert result["errors"] == []
    assert (result["calls"], result["failed"]) == (100, 0)
    assert result["visits_present"] == result["visits_expected"] == 100
    assert result["reader_calls"] > 0 and result["reader_failed"] == 0


@pytest.mark.slow  # five processes and a hundred commands
def test_four_writers_and_a_reader_lose_no_visit_on_sqlite():
    _assert_nothing_lost(_writers_benchmark())


@pytest.mark.slow
def test_four_writers_and_a_reader_lose_no_visit_on_postgresql():
    url = os.environ.get("SALESPROC_TEST_PG")
    if not url:
        pytest.skip("many writers on a server needs PostgreSQL: set SALESPROC_TEST_PG")
    _assert_nothing_lost(_writers_benchmark("--pg", url, "--no-sqlite"))


def test_a_busy_moment_is_waited_out_and_the_visit_logged_once(team, monkeypatch):
    real = daily_writes.log_visit
    tries = []

    def busy_twice(*args, **kwargs):
        tries.append(1)
        visit = real(*args, **kwargs)  # written, then the database says it is busy
        if len(tries) <= 2:
            raise _locked()
        return visit

    monkeypatch.setattr(daily_writes, "log_visit", busy_twice)
    result = team(*LOG)
    assert (result.exit_code, result.stderr) == (0, "")
    assert len(tries) == 3
    assert [v["customer"] for v in _visits(team)] == ["万家超市"]


def test_a_deadlock_on_postgresql_is_run_again(team, monkeypatch):
    """PostgreSQL's deadlock_detected (SQLSTATE 40P01), forced: the transaction runs again."""

    class Deadlock(Exception):
        sqlstate = "40P01"

    real = daily_writes.log_visit
    tries = []

    def deadlocked_once(*args, **kwargs):
        tries.append(1)
        if len(tries) == 1:
            raise OperationalError("INSERT INTO visits", {}, Deadlock("deadlock detected"))
        return real(*args, **kwargs)

    monkeypatch.setattr(daily_writes, "log_visit", deadlocked_once)
    assert team(*LOG).exit_code == 0
    assert len(tries) == 2 and len(_visits(team)) == 1


def test_a_database_busy_too_long_gives_up_with_nothing_written(team, monkeypatch):
    monkeypatch.setattr(contention, "DEADLINE_S", 0.05)
    real = daily_writes.log_visit

    def always_busy(*args, **kwargs):
        real(*args, **kwargs)
        raise _locked()

    monkeypatch.setattr(daily_writes, "log_visit", always_busy)
    result = team(*LOG, "--amount", "300")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", BUSY)
    monkeypatch.setattr(daily_writes, "log_visit", real)
    assert _visits(team) == []
    assert team("sale", "list", "--format", "json").json() == []


@pytest.mark.sqlite_only("holds SQLite's write lock on the file from another connection")
def test_a_writer_holding_the_lock_makes_others_wait_then_give_up(team, isolated, monkeypatch):
    """A real lock: another connection inside BEGIN IMMEDIATE. Writers wait for it (here
    0.3 s instead of 30), readers do not."""
    monkeypatch.setattr(contention, "DEADLINE_S", 0.3)
    other = sqlite3.connect(isolated / "sales.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        result = team(*LOG)
        assert (result.exit_code, result.stderr) == (1, BUSY)
        assert 0.2 < time.monotonic() - started < 5
        due = team("due", "--format", "json")
        assert due.exit_code == 0, due.stderr
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert team(*LOG).exit_code == 0
    assert len(_visits(team)) == 1
