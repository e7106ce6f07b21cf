"""Time `salesproc import visits` of a generated CSV: rows a second, CPU and peak memory.

The goals at 1,000,000 rows: 100,000 rows/s or more with a peak of 150 MiB at most
(issue 14, SQLite); 50,000 rows/s wall or more on PostgreSQL (issue 13).

The file has `export visits`' headings and order and what a team's reports
hold: 200 reps, 20,000 customers (imported first with `import customers`,
untimed), each rep visiting 7 customers a day for as many days as the rows
need (1,000,000 rows: 714 days), with wins, losses, agreed revisits, weather
and region. Each run imports it into a fresh database, as a fresh process.

    python benchmarks/import_visits.py --rows 1000000 [--runs 5]
    python benchmarks/import_visits.py --rows 1000000 --db postgresql://postgres@127.0.0.1:54329/postgres

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
from datetime import date, timedelta
from pathlib import Path

from cases import Child, import_env, import_summary, interleaved, run_child, salesproc_command
from pg_fresh import fresh_database, is_postgresql

TODAY = date(2026, 11, 30)
#: visits a rep makes on a working day: the history is as many days long as the rows need
A_DAY = 7
PURPOSES = ["order", "collection", "order,collection", "service", "development", "explanation"]
WEATHER = ["晴", "多云", "小雨", "阴"]
REGIONS = ["杭州", "宁波", "温州", "绍兴", "嘉兴"]


def history_days(rows: int, reps: int) -> int:
    """How many days of reports `rows` visits are: each rep visits A_DAY customers a day."""
    return max(1, round(rows / (reps * A_DAY)))


def write_customers(path: Path, customers: int, reps: int, days: int, seed: int) -> None:
    """The customer list `import customers` reads: a third prospects, graded A/B/C."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["name", "grade", "category", "rep", "phone", "added_on"])
        for n in range(customers):
            out.writerow(
                [
                    f"Customer {n:05d}",
                    rng.choice("AABBBCCCCC"),
                    rng.choice(["prospect", "existing", "existing"]),
                    f"r{n % reps:03d}",
                    f"138{n:08d}",
                    (TODAY - timedelta(days=days + 30)).isoformat(),
                ]
            )


def write_visits(path: Path, rows: int, customers: int, reps: int, days: int, seed: int) -> None:
    """One visit a row in `export visits`' layout and order (by day, then start time), as a
    supervisor's export of the team's history is; a customer keeps to its own rep."""
    rng = random.Random(seed)
    first = TODAY - timedelta(days=days)
    headings = [
        "date", "rep", "customer", "phone", "start", "end", "purposes", "result", "outcome",
        "category", "next_visit", "notes", "weather", "region",
    ]  # fmt: skip
    weather = {}
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(headings)
        for d in range(days):
            day = (first + timedelta(days=d)).isoformat()
            visits = rows // days + (d < rows % days)
            # each customer at most once a day: the same rep, customer, day and start time
            # twice is a duplicate, which `import visits` refuses
            slots = sorted(
                (rng.randint(8 * 60, 17 * 60) if rng.random() < 0.9 else -1, n)
                for n in rng.sample(range(customers), visits)
            )
            for minute, n in slots:
                rep = n % reps
                outcome = rng.random()
                agreed = (first + timedelta(days=d + rng.randint(1, 20))).isoformat()
                if minute < 0:
                    start = end = ""
                else:
                    start = f"{minute // 60:02d}:{minute % 60:02d}"
                    end = f"{(minute + 20) // 60:02d}:{(minute + 20) % 60:02d}"
                out.writerow(
                    [
                        day,
                        f"r{rep:03d}",
                        f"Customer {n:05d}",
                        "",
                        start,
                        end,
                        rng.choice(PURPOSES),
                        "谈妥下周补货" if rng.random() < 0.3 else "",
                        "won" if outcome < 0.02 else "lost" if outcome < 0.03 else "",
                        "",
                        agreed if rng.random() < 0.12 else "",
                        "嫌价格高" if rng.random() < 0.1 else "",
                        weather.setdefault((rep, d), rng.choice(WEATHER)),
                        REGIONS[rep % len(REGIONS)] if rng.random() < 0.5 else "",
                    ]
                )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--reps", type=int, default=200)
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

    work = Path(tempfile.mkdtemp(prefix="salesproc-visits-"))
    try:
        return measure(work, args, parser)
    finally:
        shutil.rmtree(work)  # the CSV files and a database a run: hundreds of MiB


def measure(work: Path, args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    customers, visits = work / "customers.csv", work / "visits.csv"
    days = history_days(args.rows, args.reps)
    if -(-args.rows // days) > args.customers:
        parser.error("more visits a day than customers: raise --customers or --reps")
    write_customers(customers, args.customers, args.reps, days, args.seed)
    write_visits(visits, args.rows, args.customers, args.reps, days, args.seed)
    env = import_env(work, f"{TODAY}T18:30")
    codes = {"this": env}
    if args.baseline:
        codes["baseline"] = {**env, "PYTHONPATH": str(Path(args.baseline).resolve())}
    timed: dict[str, list[Child]] = {code: [] for code in codes}
    said = ""

    def fresh(name: str) -> AbstractContextManager[str]:
        if args.db:
            return fresh_database(args.db, f"visits{name}")
        return nullcontext(str(work / f"run{name}.db"))

    for n, code, run_env, db in interleaved(codes, args.runs, fresh):
        imported = [*db, "import", "customers", str(customers), "--create-reps"]
        run_child([*salesproc_command(), *imported], run_env)
        child = run_child([*salesproc_command(), *db, "import", "visits", str(visits)], run_env)
        timed[code].append(child)
        said = child.said
        print(
            f"run {n + 1} ({code}): {child.wall:.2f} s wall, {child.cpu:.2f} s CPU, "
            f"{child.peak:,.0f} MiB; {said}",
            flush=True,
        )
    size = visits.stat().st_size / 2**20
    where = "PostgreSQL (server CPU not counted)" if args.db else "SQLite"
    print(f"{visits}: {args.rows:,} rows over {days} days, {size:,.0f} MiB, into {where}")
    print(f"import: {said}")
    for code, runs in timed.items():
        print(import_summary(f"import visits ({code})", args.rows, runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
