"""Many writers at once, nothing lost (issue 13 §3), for every command that writes: another
writer in the way on the first attempt means the whole transaction runs again, and the
command succeeds once, with nothing written twice; a command that only reads never waits
for the write lock."""

import json
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from helpers import ok
from salesproc.db import collections, contention, daily_writes, merge, reviews, writes
from salesproc.db import sales as sale_store

ON_PG = os.environ.get("SALESPROC_TEST_DB", "").startswith("postgresql")


class _Deadlock(Exception):
    sqlstate = "40P01"  # PostgreSQL's deadlock_detected


def _busy() -> OperationalError:
    """What the database says when another writer is in the way: SQLite's "database is
    locked", PostgreSQL's deadlock."""
    if ON_PG:
        return OperationalError("UPDATE", {}, _Deadlock("deadlock detected"))
    return OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked"))


def _busy_once(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[int]:
    """`module.name` does its writing, then fails as a busy database would, the first time
    only; the list it returns counts the attempts."""
    real = getattr(module, name)
    tries: list[int] = []

    def busy_the_first_time(session: Any, *args: Any, **kwargs: Any) -> Any:
        tries.append(1)
        done = real(session, *args, **kwargs)
        if len(tries) == 1:
            if hasattr(session, "flush"):  # a session (a Core connection has sent it all)
                session.flush()  # all of it sent to the database, then rolled back
            raise _busy()
        return done

    monkeypatch.setattr(module, name, busy_the_first_time)
    return tries


def _json(cli: Callable[..., Any], *args: str) -> Any:
    return json.loads(ok(cli(*args, "--format", "json")).stdout)


@dataclass(frozen=True)
class Case:
    command: tuple[str, ...]
    #: the database function that meets the busy database
    module: Any
    name: str
    #: what shows the command's work once: a listing to count, and how many it holds after
    listing: tuple[str, ...]
    expected: int
    before: tuple[tuple[str, ...], ...] = ()


CASES = {
    "sale add": Case(
        ("sale", "add", "--rep", "zhang", "--customer", "万家超市", "--amount", "300"),
        daily_writes, "add_sale", ("sale", "list"), 1,
    ),
    "log-visit": Case(
        ("log-visit", "--rep", "zhang", "--customer", "万家超市", "--purpose", "order",
         "--amount", "300", "--collected", "100", "--weather", "晴"),
        daily_writes, "log_visit", ("sale", "list"), 1,
    ),
    "sale return": Case(
        ("sale", "add", "--return", "--rep", "li", "--amount", "80"),
        sale_store, "add_return", ("sale", "list"), 1,
    ),
    "collection add": Case(
        ("collection", "add", "--rep", "li", "--customer", "兴隆商行", "--amount", "500"),
        collections, "add_collection", ("collection", "list"), 1,
    ),
    "customer add": Case(
        ("customer", "add", "新开超市", "--grade", "B", "--rep", "li"),
        writes, "add_customer", ("customer", "list"), 4,
    ),
    "customer edit": Case(
        ("customer", "edit", "万家超市", "--contact", "王经理"),
        writes, "edit_customer", ("history", "--kind", "customer"), 1,
    ),
    "customer merge": Case(
        ("customer", "merge", "万家超市", "华联便利店"),
        merge, "merge_customers", ("history", "--kind", "customer"), 1,
    ),
    "target set": Case(
        ("target", "set", "--rep", "zhang", "--amount", "1200", "--split", "even"),
        writes, "set_year_target", ("history", "--kind", "target"), 1,
        before=(("target", "set", "--rep", "zhang", "--amount", "1000", "--split", "even"),),
    ),
    "call log": Case(
        ("call", "log", "--rep", "li", "--at", "12:00", "--verdict", "ok"),
        writes, "log_call", ("call", "list"), 1,
    ),
    "rep add": Case(
        ("rep", "add", "wang", "--name", "王五", "--region", "温州"),
        writes, "add_rep", ("rep", "list"), 3,
    ),
    "field log": Case(
        ("field", "log", "--rep", "li", "--issue", "price", "--note", "乱价"),
        writes, "log_field_day", ("field", "list"), 1,
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_write_met_by_another_writer_runs_again_and_lands_once(team, monkeypatch, case):
    for command in case.before:
        ok(team(*command))
    with monkeypatch.context() as busy:
        tries = _busy_once(busy, case.module, case.name)
        result = ok(team(*case.command))
    assert result.stderr == ""
    assert len(tries) == 2
    assert len(_json(team, *case.listing)) == case.expected


def test_a_dismissed_flag_met_by_another_writer_is_reviewed_once(team, tmp_path, monkeypatch):
    config = tmp_path / "quiet.toml"
    config.write_text("visit_quota = 1\n", encoding="utf-8")
    monkeypatch.setenv("SALESPROC_CONFIG", str(config))
    ok(team("call", "log", "--rep", "li", "--date", "2026-11-26", "--at", "12:05",
            "--verdict", "doubtful", "--note", "不在店里"))  # fmt: skip
    [flag] = _json(team, "audit", "--all")
    with monkeypatch.context() as busy:
        tries = _busy_once(busy, reviews, "review")
        done = ok(team("audit", "dismiss", flag["id"], "--note", "电话核实过"))
    assert "dismissed" in done.stdout and len(tries) == 2
    [change] = _json(team, "history", "--kind", "flag")
    assert change["action"] == "dismiss" and change["after"]["flag_id"] == flag["id"]
    assert _json(team, "audit", "--all") == []


def test_a_merge_dry_run_met_by_another_writer_runs_again_and_still_writes_nothing(
    team, monkeypatch
):
    plain = ok(team("customer", "merge", "万家超市", "华联便利店", "--dry-run")).stdout
    with monkeypatch.context() as busy:
        tries = _busy_once(busy, merge, "merge_customers")
        again = ok(team("customer", "merge", "万家超市", "华联便利店", "--dry-run"))
    assert (again.stdout, again.stderr, len(tries)) == (plain, "", 2)
    assert len(_json(team, "customer", "list")) == 3
    assert _json(team, "history") == []


def test_a_target_run_again_warns_of_a_missing_calendar_once(team, monkeypatch):
    tries = _busy_once(monkeypatch, writes, "set_year_target")
    result = ok(team("target", "set", "--team", "--year", "2031", "--amount", "1200",
                     "--split", "workdays"))  # fmt: skip
    assert len(tries) == 2
    assert result.stderr.count("no holiday calendar for 2031") == 1
    assert len(result.stderr.splitlines()) == 1


def test_a_write_busy_every_time_gives_up_with_nothing_written(team, monkeypatch):
    real = daily_writes.add_sale

    def always_busy(connection: Any, *args: Any, **kwargs: Any) -> Any:
        real(connection, *args, **kwargs)
        raise _busy()

    with monkeypatch.context() as busy:
        busy.setattr(contention, "DEADLINE_S", 0.05)
        busy.setattr(daily_writes, "add_sale", always_busy)
        result = team("sale", "add", "--rep", "zhang", "--customer", "万家超市", "--amount", "300")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: the database is busy (another salesproc is writing); "
        "nothing was written, run the command again\n"
    )
    assert _json(team, "sale", "list") == []
    assert _json(team, "customer", "show", "万家超市")["category"] == "prospect"


#: Commands that only read, each run while another connection holds the write lock.
READS = {
    "due": ("due",),
    "rank": ("rank",),
    "rank cumulative": ("rank", "--cumulative"),
    "progress": ("progress",),
    "target show": ("target", "show"),
    "four-visit": ("four-visit",),
    "sale list": ("sale", "list"),
    "collection list": ("collection", "list"),
    "visit list": ("visit", "list"),
    "customer list": ("customer", "list"),
    "customer show": ("customer", "show", "万家超市"),
    "rep list": ("rep", "list"),
    "history": ("history",),
    "audit": ("audit", "--all"),
    "audit stats": ("audit", "stats"),
    "call-plan": ("call-plan",),
    "call list": ("call", "list"),
    "field list": ("field", "list"),
    "field summary": ("field", "summary"),
    "report daily": ("report", "daily"),
}


@pytest.mark.sqlite_only("holds SQLite's write lock on the file from another connection")
def test_commands_that_only_read_do_not_wait_for_the_write_lock(team, isolated, monkeypatch):
    """A writer would wait for the lock and give up (here after 0.3 s, with exit 1); every
    reading command answers while another connection is inside BEGIN IMMEDIATE."""
    ok(team("log-visit", "--rep", "zhang", "--customer", "万家超市", "--purpose", "order",
            "--amount", "300"))  # fmt: skip
    ok(team("target", "set", "--rep", "zhang", "--amount", "1200", "--split", "even"))
    ok(team("call", "log", "--rep", "li", "--at", "12:00", "--verdict", "doubtful"))
    ok(team("field", "log", "--rep", "li", "--issue", "price"))
    monkeypatch.setattr(contention, "DEADLINE_S", 0.3)
    other = sqlite3.connect(isolated / "sales.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        answers = {name: team(*command) for name, command in READS.items()}
        export = team("export", "sales", "--output", str(isolated / "sales.csv"))
        writer = team("sale", "add", "--rep", "li", "--amount", "10")
    finally:
        other.execute("ROLLBACK")
        other.close()
    failed = {name: run.stderr for name, run in answers.items() if run.exit_code != 0}
    assert failed == {}
    ok(export)
    assert writer.exit_code == 1 and "busy" in writer.stderr  # the lock was really held
