"""SQLite's own share of `import visits`: the same kind of rows through bare `sqlite3`.

Why: `import visits` at 100,000 rows a second leaves 10 s of CPU for a million
rows, and this says how much of that SQLite alone takes, whatever Python does
around it. Each variant inserts `--rows` visits (12 columns, values as the
import stores them) into a copy of a fresh salesproc database holding 200 reps
and 20,000 customers, in one transaction, and prints the CPU of each step:

- `executemany`: one INSERT a row; `multi-row`: 500 rows to an INSERT (the import's way);
- `indexes aside`: the visits' three indexes dropped first and built again after
  (the import's way for a first load), at the page cache the import uses for each step;
- `no FK`: `PRAGMA foreign_keys = OFF` before BEGIN, and `PRAGMA foreign_key_check`
  before COMMIT instead (what all-or-nothing would need without the checks inline);
- `temp_store=MEMORY`: the index sorts in memory rather than in temporary files.

    python benchmarks/import_floor.py [--rows 1000000] [--runs 3]

The variants take turns run by run (the machine is shared); medians are printed.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import chain
from pathlib import Path

from cases import import_env, salesproc_command
from import_visits import TODAY, history_days, write_customers

COLUMNS = (
    "rep_id, customer_id, visit_date, start_time, end_time, purposes, result, outcome, "
    "category, next_visit, note, logged_at"
)
MARKS = "(" + ", ".join(["?"] * 12) + ")"
EACH = 500
#: the page caches (KiB) `db.bulk` loads and builds the indexes with
LOAD_KIB, BUILD_KIB = 8 * 1024, 1024

VARIANTS = {
    "executemany, indexes kept": dict(multi=False, aside=False, fk=True, memory=False),
    "multi-row, indexes kept": dict(multi=True, aside=False, fk=True, memory=False),
    "multi-row, indexes aside (the import's way)": dict(
        multi=True, aside=True, fk=True, memory=False
    ),
    "multi-row, indexes aside, no FK + foreign_key_check": dict(
        multi=True, aside=True, fk=False, memory=False
    ),
    "multi-row, indexes aside, temp_store=MEMORY": dict(
        multi=True, aside=True, fk=True, memory=True
    ),
}


def make_rows(connection: sqlite3.Connection, count: int) -> list[tuple[object, ...]]:
    """Visits as the import stores them: SQLAlchemy's text for dates and times, in day order."""
    rng = random.Random(1)
    reps = [r for (r,) in connection.execute("SELECT id FROM reps")]
    customers = [c for (c,) in connection.execute("SELECT id FROM customers")]
    days = history_days(count, len(reps))
    first = TODAY.toordinal() - days
    rows = []
    for n in range(count):
        day = TODAY.fromordinal(first + n * days // count).isoformat()
        minute = rng.randint(8 * 60, 17 * 60)
        start = f"{minute // 60:02d}:{minute % 60:02d}:00.000000"
        end = f"{(minute + 20) // 60:02d}:{(minute + 20) % 60:02d}:00.000000"
        result = "谈妥下周补货" if rng.random() < 0.3 else None
        rows.append((rng.choice(reps), rng.choice(customers), day, start, end, "order", result,
                     None, "existing", day, None, f"{TODAY} 18:30:00.000000"))  # fmt: skip
    return rows


def run(source: Path, work: Path, rows: list[tuple[object, ...]], how: dict[str, bool]) -> dict:
    """One load into a copy of `source`; CPU seconds a step."""
    target = work / "floor.db"
    shutil.copy(source, target)
    connection = sqlite3.connect(target, isolation_level=None)
    for pragma in ("foreign_keys = ON", "synchronous = NORMAL", f"cache_size = -{LOAD_KIB}"):
        connection.execute(f"PRAGMA {pragma}")
    if not how["fk"]:
        connection.execute("PRAGMA foreign_keys = OFF")
    if how["memory"]:
        connection.execute("PRAGMA temp_store = MEMORY")
    indexes = connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'visits' "
        "AND sql IS NOT NULL"
    ).fetchall()
    steps: dict[str, float] = {}
    began = clock = time.process_time()

    def step(name: str) -> None:
        nonlocal clock
        now = time.process_time()
        steps[name] = now - clock
        clock = now

    connection.execute("BEGIN IMMEDIATE")
    if how["aside"]:
        for name, _sql in indexes:
            connection.execute(f"DROP INDEX {name}")
    one = f"INSERT INTO visits ({COLUMNS}) VALUES {MARKS}"
    if how["multi"]:
        many = f"INSERT INTO visits ({COLUMNS}) VALUES " + ", ".join([MARKS] * EACH)
        whole = len(rows) - len(rows) % EACH
        for start in range(0, whole, EACH):
            connection.execute(many, tuple(chain.from_iterable(rows[start : start + EACH])))
        connection.executemany(one, rows[whole:])
    else:
        connection.executemany(one, rows)
    step("insert")
    if how["aside"]:
        connection.execute(f"PRAGMA cache_size = -{BUILD_KIB}")
        for _name, sql in indexes:
            connection.execute(sql)
    step("indexes")
    if not how["fk"] and connection.execute("PRAGMA foreign_key_check(visits)").fetchone():
        raise SystemExit("a foreign key broken: cannot happen here")
    step("fk check")
    connection.execute("COMMIT")
    step("commit")
    steps["total"] = time.process_time() - began
    connection.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    return steps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="salesproc-floor-"))
    try:
        env = import_env(work, f"{TODAY}T18:30")
        source, customers = work / "fresh.db", work / "customers.csv"
        write_customers(customers, 20_000, 200, history_days(args.rows, 200), 1)
        for command in (["init"], ["import", "customers", str(customers), "--create-reps"]):
            subprocess.run([*salesproc_command(), "--db", str(source), *command], env=env,
                           check=True, capture_output=True)  # fmt: skip
        with sqlite3.connect(source) as connection:
            rows = make_rows(connection, args.rows)
        timed: dict[str, list[dict]] = {name: [] for name in VARIANTS}
        for n in range(args.runs):
            for name in list(VARIANTS)[:: 1 if n % 2 == 0 else -1]:
                timed[name].append(run(source, work, rows, VARIANTS[name]))
        print(f"{args.rows:,} visits through bare sqlite3 {sqlite3.sqlite_version}, CPU seconds, "
              f"medians of {args.runs}:")  # fmt: skip
        steps = ("insert", "indexes", "fk check", "commit", "total")
        print(f"{'':55}" + "".join(f"{s:>10}" for s in steps) + f"{'rows/s':>10}")
        for name, runs in timed.items():
            median = {s: statistics.median(r[s] for r in runs) for s in steps}
            rate = args.rows / median["total"]
            print(f"{name:55}" + "".join(f"{median[s]:10.2f}" for s in steps) + f"{rate:10,.0f}")
    finally:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
