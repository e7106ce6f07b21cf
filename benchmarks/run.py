"""Time the daily commands on a generated database, against the issue's targets.

Why two measures: a rep waits for the whole command (interpreter start, imports,
query, rendering), so each is timed as a fresh `salesproc` process; and the
query part alone (the `salesproc.db` call, in-process) shows whether the
database work itself fits its share. Targets (2 cores): each whole command
under 0.6 s and each query part under 50 ms, medians of 5 runs.

    python benchmarks/run.py --db /tmp/salesproc-bench.db [--runs 5] [--json] [--plans]
    python benchmarks/run.py --floor --db A.db [--db B.db …] [--runs 5] [--export-days N]

`--floor` is issue 14's run (see floor.py): every command against the same SQL
sent by a bare SQLAlchemy script and by raw sqlite3, the interpreter, Typer and
Taskwarrior, CPU time, interleaved, one table per database.

The benchmark database is never written: `log-visit` runs on a throwaway copy
(each run adds one visit to that copy).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cases import (
    Clock,
    Visitor,
    command_env,
    commands,
    copy_database,
    load_clock,
    pick_visitor,
    queries,
    salesproc_command,
)

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

COMMAND_TARGET_S = 0.6
QUERY_TARGET_MS = 50.0
HEAVY_MODULES = ("sqlalchemy", "alembic", "pydantic", "rich.table")


@dataclass
class Timing:
    """Median, min and max of `runs` runs, after one untimed warm-up run."""

    name: str
    kind: str  # "command" (seconds) or "query" (milliseconds)
    median: float
    min: float
    max: float
    runs: int
    target: float | None  # None: shown for reference, not a target
    rows: int | None = None
    first: float | None = None  # the warm-up: a query's first call pays SQL compilation

    @property
    def ok(self) -> bool:
        return self.target is None or self.median < self.target


def measure(call: Callable[[], object], runs: int) -> tuple[float, list[float]]:
    """Seconds of one warm-up call, then of each of `runs` calls."""
    began = time.perf_counter()
    call()
    first = time.perf_counter() - began
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        call()
        timings.append(time.perf_counter() - began)
    return first, timings


#: Not targets: what any command pays before its own work, to read the others against.
FLOORS = (
    ("floor: python -c pass", "pass"),
    (
        "floor: import cli, db, rich",
        "import salesproc.cli, salesproc.db.engine, salesproc.db.queries, rich.console, rich.table",
    ),
)


def time_commands(
    db: Path, copy: Path, visitor: Visitor, runs: int, env: dict[str, str]
) -> list[Timing]:
    base = salesproc_command()
    todo: list[tuple[str, list[str], float | None]] = [
        (name, [sys.executable, "-c", code], None) for name, code in FLOORS
    ]
    for command in commands(visitor):
        target = copy if command.copy else db
        db_args = [] if command.args == ("--help",) else ["--db", str(target)]
        todo.append(
            (f"salesproc {command.name}", [*base, *db_args, *command.args], COMMAND_TARGET_S)
        )
    results = []
    for name, argv, goal in todo:
        lines = 0

        def call(argv: list[str] = argv, name: str = name) -> None:
            nonlocal lines
            done = subprocess.run(argv, env=env, capture_output=True, text=True)
            if done.returncode != 0:
                raise SystemExit(f"error: `{name}` exited {done.returncode}: {done.stderr}")
            lines = done.stdout.count("\n")

        _first, timings = measure(call, runs)
        results.append(
            Timing(
                name, "command", statistics.median(timings), min(timings), max(timings), runs,
                goal, lines,
            )
        )  # fmt: skip
    return results


def time_queries(db: Path, copy: Path, clock: Clock, visitor: Visitor, runs: int) -> list[Timing]:
    from salesproc.db.engine import open_engine, session

    engines = {db: open_engine(str(db)), copy: open_engine(str(copy))}
    results = []
    for query in queries(clock, visitor):
        engine = engines[copy if query.writes else db]
        rows = 0

        def call(q: Callable[[Session], int] = query.call, e: Engine = engine) -> None:
            nonlocal rows
            with session(e) as s, s.begin():
                rows = q(s)

        first, timings = measure(call, runs)
        ms = [t * 1000 for t in timings]
        results.append(
            Timing(
                query.name, "query", statistics.median(ms), min(ms), max(ms), runs,
                QUERY_TARGET_MS, rows, first * 1000,
            )
        )  # fmt: skip
    for engine in engines.values():
        engine.dispose()
    return results


def source_state() -> str:
    """Which code was timed: the commit, and how many files differ from it."""
    repo = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "-C", str(repo), "status", "--porcelain", "--", "src"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (no git)"
    return f"{head}, {len(changed)} file(s) under src/ changed since" if changed else head


def heavy_imports_on_help() -> list[str]:
    """Heavy modules `salesproc --help` loads (the issue: none of them)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "salesproc", "--help"],
        capture_output=True,
        text=True,
    )
    loaded = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
    return sorted(m for m in HEAVY_MODULES if m in loaded)


def table(results: Sequence[Timing]) -> str:
    out = [
        f"{'whole command (fresh process)':44} {'median':>8} {'min':>8} {'max':>8}  "
        f"{'target':>7} {'lines':>6}"
    ]
    for r in (r for r in results if r.kind == "command"):
        mark = "" if r.target is None else ("ok" if r.ok else "MISS")
        goal = "-" if r.target is None else f"<{r.target:.1f}s"
        out.append(
            f"{r.name:44} {r.median:7.3f}s {r.min:7.3f}s {r.max:7.3f}s  "
            f"{goal:>7} {r.rows:>6} {mark}"
        )
    out.append("")
    out.append(
        f"{'query part (in-process)':44} {'median':>8} {'min':>8} {'max':>8}  "
        f"{'target':>7} {'rows':>6} {'1st call':>9}"
    )
    for r in (r for r in results if r.kind == "query"):
        mark = "ok" if r.ok else "MISS"
        out.append(
            f"{r.name:44} {r.median:6.1f}ms {r.min:6.1f}ms {r.max:6.1f}ms  "
            f"<{r.target or 0:.0f}ms {r.rows:>6} {r.first or 0:7.1f}ms {mark}"
        )
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--db",
        required=True,
        type=Path,
        action="append",
        help="a database from generate.py (with --floor: repeat it, one table each)",
    )
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each [5]")
    parser.add_argument("--now", help="pin SALESPROC_NOW [the generator's, from PATH.bench.json]")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--plans", action="store_true", help="also EXPLAIN QUERY PLAN each query")
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="keep PYTHONDONTWRITEBYTECODE as set (default: cache .pyc in a temp dir, as users do)",
    )
    parser.add_argument(
        "--floor", action="store_true", help="issue 14: each command against its floors"
    )
    parser.add_argument(
        "--export-days",
        type=int,
        help="with --floor: export only the last N days of visits [all of them]",
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        help="with --floor: only this command (a prefix, repeatable) besides the floors",
    )
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        help="with --floor: leave out the command of this exact name (repeatable)",
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.floor:
        import floor

        return floor.run(
            args.db, args.runs, args.now, args.export_days, args.json, args.only, args.skip
        )
    if len(args.db) > 1:
        parser.error("--db may be repeated only with --floor")
    db = args.db[0].expanduser().resolve()
    if not db.is_file():
        print(f"error: no database at {db}; build one with benchmarks/generate.py", file=sys.stderr)
        return 2
    clock = load_clock(db, args.now)
    visitor = pick_visitor(db)
    load_before = os.getloadavg()[0]  # others' work on the 2 cores shows in every number

    with tempfile.TemporaryDirectory(prefix="salesproc-bench-") as tmp:
        scratch = Path(tmp)
        copy = scratch / "copy.db"
        copy_database(db, copy)
        env = command_env(clock, scratch, bytecode=not args.no_bytecode_cache)
        results = time_commands(db, copy, visitor, args.runs, env)
        results += time_queries(db, copy, clock, visitor, args.runs)
    heavy = heavy_imports_on_help()
    found = []
    if args.plans:
        import plans

        found = plans.collect(db, clock, visitor, args.runs)
    missed = [r.name for r in results if not r.ok]
    load = (round(load_before, 2), round(os.getloadavg()[0], 2))

    if args.json:
        report = {
            "db": str(db),
            "now": clock.env,
            "runs": args.runs,
            "source": source_state(),
            "bytecode_cache": not args.no_bytecode_cache,
            "load_average_before_after": load,
            "visitor": asdict(visitor),
            "results": [{**asdict(r), "ok": r.ok} for r in results],
            "help_imports_heavy": heavy,
            "plans": [
                {
                    "query": qp.query,
                    "command": qp.command,
                    "statements": [
                        {
                            "sql": st.sql,
                            "plan": [detail for _n, _p, detail in st.plan],
                            "problems": st.problems,
                            "raw_sql_ms": st.sql_ms,
                        }
                        for st in qp.statements
                    ],
                }
                for qp in found
            ],
            "missed": missed,
        }
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print(
            f"{db} · SALESPROC_NOW={clock.env} · {args.runs} runs after 1 warm-up each · "
            f"load average {load[0]} before, {load[1]} after"
        )
        print(f"log-visit: --rep {visitor.rep} --customer {visitor.customer} (on a copy)")
        print(f"source: {source_state()}\n")
        print(table(results))
        print(f"\nsalesproc --help loads heavy modules: {', '.join(heavy) or 'none'}")
        if found:
            import plans

            print("\n" + plans.show(found))
        if missed:
            print(f"\nmissed targets: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
