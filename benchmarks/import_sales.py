"""Time `salesproc import sales` of a generated CSV: rows a second, CPU and peak memory.

The goals at 1,000,000 rows: 100,000 rows/s or more with a peak of 150 MiB at most
(issue 14, SQLite); 50,000 rows/s wall or more on PostgreSQL (issue 13).

Why a fresh database each run: creating the reps and customers the file names
is part of a real first import, and a second import (every key already there)
is timed too, as a retried cron job would run it.

    python benchmarks/import_sales.py --rows 1000000 [--runs 5]
    python benchmarks/import_sales.py --rows 1000000 --db postgresql://postgres@127.0.0.1:54329/postgres

With `--db` (a PostgreSQL superuser URL) each run imports into a fresh database
created on that server and dropped after it (`pg_fresh`). With `--baseline
SRC` (another checkout's src) each run imports with it too, interleaved. Each
import is a fresh process with bytecode cached, as a user's; the CPU and peak
memory printed are the salesproc process's own (user + system, max RSS), so on
PostgreSQL the server's backend is not in the CPU (the wall time is). The
summary line is `cases.import_summary`'s, the same for every import.
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import sys
import tempfile
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from cases import Child, import_env, import_summary, interleaved, run_child, salesproc_command
from pg_fresh import fresh_database, is_postgresql


def write_csv(path: Path, rows: int, seed: int) -> None:
    """A clerk's export: one sale a row, 200 agents, 20,000 accounts, some rows not won."""
    rng = random.Random(seed)
    agents = [f"Agent {i:03d}" for i in range(200)]
    accounts = [f"Account {i:05d}" for i in range(20_000)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(
            ["opportunity_id", "sales_agent", "account", "deal_stage", "close_date", "close_value"]
        )
        for n in range(rows):
            day = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            stage = "Won" if rng.random() < 0.9 else "Lost"
            value = f"{rng.randint(1, 50_000)}.{rng.randint(0, 99):02d}"
            out.writerow(
                [f"OPP{n:08d}", rng.choice(agents), rng.choice(accounts), stage, day, value]
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", help="a PostgreSQL superuser URL: each run in a fresh database")
    parser.add_argument(
        "--baseline",
        help="another checkout's src directory: each run also imports with it (PYTHONPATH), "
        "interleaved, for before/after figures from one run on the same load",
    )
    args = parser.parse_args()
    if args.db and not is_postgresql(args.db):
        parser.error("--db takes a postgresql:// URL (without it, SQLite files in a temp dir)")

    work = Path(tempfile.mkdtemp(prefix="salesproc-import-"))
    try:
        return measure(work, args)
    finally:
        shutil.rmtree(work)  # the CSV file and a database a run: hundreds of MiB


def measure(work: Path, args: argparse.Namespace) -> int:
    source = work / "sales.csv"
    write_csv(source, args.rows, args.seed)
    env = import_env(work, "2026-11-30T18:30")
    flags = [
        "--map", "rep=sales_agent", "--map", "customer=account", "--map", "date=close_date",
        "--map", "amount=close_value", "--where", "deal_stage=Won", "--key", "opportunity_id",
        "--create-reps", "--create-customers",
    ]  # fmt: skip
    codes = {"this": env}
    if args.baseline:
        codes["baseline"] = {**env, "PYTHONPATH": str(Path(args.baseline).resolve())}
    #: each code's two imports: a first one, then the same file again (every key there)
    steps = {
        code: [
            f"{what} import" + ("" if code == "this" else f" ({code})")
            for what in ("first", "second")
        ]
        for code in codes
    }
    timed: dict[str, list[Child]] = {label: [] for two in steps.values() for label in two}

    def fresh(name: str) -> AbstractContextManager[str]:
        if args.db:
            return fresh_database(args.db, f"sales{name}")
        return nullcontext(str(work / f"run{name}.db"))

    for n, code, run_env, db in interleaved(codes, args.runs, fresh):
        command = [*salesproc_command(), *db, "import", "sales", str(source), *flags]
        for label in steps[code]:
            child = run_child(command, run_env)
            timed[label].append(child)
            print(
                f"run {n + 1}, {label}: {child.wall:.2f} s wall, {child.cpu:.2f} s CPU, "
                f"{child.peak:,.0f} MiB; {child.said}",
                flush=True,
            )
    where = "PostgreSQL (server CPU not counted)" if args.db else "SQLite"
    print(f"{source}: {args.rows:,} rows, {source.stat().st_size / 2**20:,.0f} MiB, into {where}")
    for label, runs in timed.items():
        print(import_summary(label, args.rows, runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
