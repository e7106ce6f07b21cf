"""What the benchmarks time: each daily command, as a whole process and as its query alone.

Why one list: `run.py` times these and `plans.py` explains the SQL they send,
so both always look at the same calls with the same arguments the CLI uses.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import sys
import sysconfig
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, closing
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

#: The command line for `log-visit` (rep and customer are filled in from the database);
#: `--again`, since every run logs the same visit on the copy and a second would be refused.
VISIT_ARGS = (
    "--purpose", "order", "--start", "10:00", "--end", "10:30", "--amount", "1234.50", "--again",
)  # fmt: skip


@dataclass(frozen=True)
class Clock:
    """The benchmark's pinned `SALESPROC_NOW`: the generator's today, so runs repeat."""

    now: datetime

    @property
    def today(self) -> date:
        return self.now.date()

    @property
    def env(self) -> str:
        return self.now.isoformat(timespec="minutes")


def meta_path(db: Path) -> Path:
    """Where `generate.py` notes its `today` next to the database."""
    return db.with_name(db.name + ".bench.json")


def load_clock(db: Path, given: str | None) -> Clock:
    """`--now`, else what the generator noted, else the day of the latest visit at 18:30."""
    if given:
        return Clock(datetime.fromisoformat(given))
    meta = meta_path(db)
    if meta.is_file():
        return Clock(datetime.fromisoformat(json.loads(meta.read_text(encoding="utf-8"))["now"]))
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as connection:
        latest = connection.execute("SELECT max(visit_date) FROM visits").fetchone()[0]
    return Clock(datetime.fromisoformat(f"{latest}T18:30"))


def salesproc_command() -> list[str]:
    """The console script installed with this interpreter (what users run).

    Taken from the interpreter's own scripts directory first: a version manager's
    shim on PATH (pyenv's costs ~80 ms here) is not part of the tool.
    """
    own = Path(sysconfig.get_path("scripts")) / "salesproc"
    script = str(own) if own.is_file() else shutil.which("salesproc")
    return [script] if script else [sys.executable, "-m", "salesproc"]


def command_env(clock: Clock, scratch: Path, bytecode: bool = True) -> dict[str, str]:
    """The environment for a timed command: pinned clock, an empty config, no stray --db.

    With `bytecode`, Python caches compiled modules (in `scratch`, never in the
    repo) as on a user's machine, even where PYTHONDONTWRITEBYTECODE is set.
    """
    config = scratch / "config.toml"
    config.write_text("", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "SALESPROC_DB"}
    env.update(SALESPROC_NOW=clock.env, SALESPROC_CONFIG=str(config), NO_COLOR="1")
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
    return env


@dataclass(frozen=True)
class Visitor:
    """Who `log-visit` records: an open, old customer and its own rep."""

    rep: str
    customer: str


def pick_visitor(db: Path) -> Visitor:
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as connection:
        row = connection.execute(
            "SELECT r.code, c.name FROM customers c JOIN reps r ON r.id = c.rep_id "
            "WHERE c.category = 'existing' AND c.lost_on IS NULL AND r.active "
            "ORDER BY c.id LIMIT 1"
        ).fetchone()
    if row is None:
        raise SystemExit(f"error: {db} has no open customer with an active rep to visit")
    return Visitor(*row)


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy (SQLite's backup API, so a WAL file is folded in) for writes."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    with closing(src), closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


@dataclass(frozen=True)
class Command:
    """One whole `salesproc` invocation; `copy` means it writes, so it runs on a copy."""

    name: str
    args: tuple[str, ...]
    copy: bool = False


def commands(visitor: Visitor) -> list[Command]:
    """The issue's commands, as reps and supervisors type them."""
    visit = ("log-visit", "--rep", visitor.rep, "--customer", visitor.customer, *VISIT_ARGS)
    return [
        Command("--help", ("--help",)),
        Command("due", ("due",)),
        Command("due --format json", ("due", "--format", "json")),
        Command("due --rep (one rep's list)", ("due", "--rep", visitor.rep)),
        Command("rank --cumulative", ("rank", "--cumulative")),
        Command("rank --cumulative --period all", ("rank", "--cumulative", "--period", "all")),
        Command("four-visit", ("four-visit",)),
        Command("log-visit", visit, copy=True),
    ]


@dataclass(frozen=True)
class Query:
    """The query part of a command: the `salesproc.db` call its CLI code makes."""

    name: str
    command: str
    call: Callable[[Session], int]  # returns how many rows it produced
    writes: bool = False


def queries(clock: Clock, visitor: Visitor) -> list[Query]:
    """The same calls, with the same arguments, as `due`, `four-visit`, `rank` and `log-visit`."""
    from salesproc.db import daily_writes, writes
    from salesproc.db import queries as q
    from salesproc.rules.cadence import DEFAULT_CADENCE
    from salesproc.rules.dates import Period, period_start
    from salesproc.rules.money import parse_amount
    from salesproc.rules.ranking import Metric
    from salesproc.rules.vocab import Purpose

    today = clock.today
    month = period_start(today, Period.MONTH)

    def due(s: Session) -> int:
        return len(q.due_list(s, as_of=today, today=today))

    def due_rep(s: Session) -> int:
        rep_id = writes.find_rep(s, visitor.rep).id
        return len(q.due_list(s, as_of=today, today=today, rep_id=rep_id))

    def four_visit(s: Session) -> int:
        since = today.replace(day=1)
        rows, _summary = q.four_visit(s, as_of=today, today=today, since=since, min_visits=4)
        return len(rows)

    def rank_month(s: Session) -> int:
        return len(q.leaderboard(s, month, today, Metric.SALES))

    def rank_all(s: Session) -> int:
        return len(q.leaderboard(s, None, today, Metric.SALES))

    def log_visit(s: Session) -> int:
        entry = daily_writes.VisitInput(
            rep=visitor.rep,
            customer=visitor.customer,
            purposes=(Purpose.ORDER,),
            visit_date=today,
            start=datetime.strptime("10:00", "%H:%M").time(),
            end=datetime.strptime("10:30", "%H:%M").time(),
            amount_cents=parse_amount("1234.50"),
        )
        writes.log_visit(s, entry, DEFAULT_CADENCE, today, clock.now, again=True)
        return 1

    return [
        Query("due_list", "due", due),
        Query("due_list --rep", "due --rep", due_rep),
        Query("four_visit", "four-visit", four_visit),
        Query("leaderboard month", "rank --cumulative", rank_month),
        Query("leaderboard all", "rank --cumulative --period all", rank_all),
        Query("log_visit", "log-visit", log_visit, writes=True),
    ]


@dataclass(frozen=True)
class Child:
    """One timed process: wall time (s), what it printed, its own CPU (user + system, s) and
    its own peak memory (MiB)."""

    wall: float
    said: str
    cpu: float
    peak: float


def run_child(command: list[str], env: dict[str, str]) -> Child:
    """Run a command to its end, timed by the child's own rusage (not all children's);
    a failure stops the benchmark with its stderr."""
    import subprocess
    import tempfile
    import time

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        began = time.perf_counter()
        child = subprocess.Popen(command, env=env, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - began
        out.seek(0)
        err.seek(0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"error: {' '.join(command)}\n{err.read().decode()}")
        return Child(
            wall, out.read().decode().strip(), usage.ru_utime + usage.ru_stime,
            usage.ru_maxrss / 1024,
        )  # fmt: skip


def import_env(scratch: Path, now: str) -> dict[str, str]:
    """The environment of a timed import: pinned clock, an empty config, no stray --db, and
    bytecode cached (in `scratch`) as on a user's machine, even where the sandbox turns it off."""
    config = scratch / "none.toml"
    config.write_text("", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("SALESPROC_DB",)}
    env.update(SALESPROC_NOW=now, SALESPROC_CONFIG=str(config))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
    return env


def interleaved(
    codes: Mapping[str, dict[str, str]],
    runs: int,
    fresh: Callable[[str], AbstractContextManager[str]],
) -> Iterator[tuple[int, str, dict[str, str], list[str]]]:
    """Each run of each code (its environment) on a database of its own, made by `fresh`
    (given a name unique to the run and code, it yields the database `--db` takes) and
    initialised: the run's number, the code, its environment and the `--db` arguments.

    The codes take turns in an order that alternates run by run, so that both see the
    same load on a shared machine; a run's database is gone when the next is asked for.
    """
    for n in range(runs):
        for code in list(codes)[:: 1 if n % 2 == 0 else -1]:
            env = codes[code]
            with fresh(f"{n}{code}") as target:
                db = ["--db", target]
                run_child([*salesproc_command(), *db, "init"], env)  # also warms bytecode
                yield n, code, env, db


def import_summary(label: str, rows: int, runs: list[Child]) -> str:
    """The line an import benchmark ends with, the same for every import: median, min and max
    wall time and rows a second, the median CPU and rows per CPU-second, the peak memory."""
    import statistics

    wall = statistics.median(r.wall for r in runs)
    cpu = statistics.median(r.cpu for r in runs)
    return (
        f"{label}: median {wall:.2f} s wall ({rows / wall:,.0f} rows/s), "
        f"min {min(r.wall for r in runs):.2f} s, max {max(r.wall for r in runs):.2f} s over "
        f"{len(runs)} runs; salesproc CPU median {cpu:.2f} s ({rows / cpu:,.0f} rows/s); "
        f"peak memory {max(r.peak for r in runs):,.0f} MiB"
    )
