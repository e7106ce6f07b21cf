"""CPU cost of checking every length before the database (issue 13, `db/limits.py`).

The imports' fast paths gained a few `len()` guards a row (a ref and a key for sales,
the weather, region and phone for visits), and every record written through a session
passes `limits.check_record` in the before-flush hook. This times each against the
same loop without it, in process, CPU time (`time.process_time`), median of `--runs`.

    python benchmarks/validation_limits.py [--rows 1000000] [--records 20000] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import date, datetime

from salesproc.db import limits
from salesproc.db.models import Customer


def median_cpu(work: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.process_time()
        work()
        times.append(time.process_time() - began)
    return statistics.median(times)


def guards(rows: list[list[str]]) -> Callable[[], int]:
    """The sales fast path's guards: a ref or key longer than its column goes the slow way."""
    ref_max, key_max = limits.LENGTH["sales.ref"], limits.LENGTH["sales.source_key"]

    def work() -> int:
        slow = 0
        for row in rows:
            ref, key = row[4], row[5]
            if not key or len(ref) > ref_max or len(key) > key_max:
                slow += 1
        return slow

    return work


def no_guards(rows: list[list[str]]) -> Callable[[], int]:
    def work() -> int:
        slow = 0
        for row in rows:
            _ref, key = row[4], row[5]
            if not key:
                slow += 1
        return slow

    return work


def records(n: int, checked: bool) -> Callable[[], None]:
    today, now = date(2026, 11, 30), datetime(2026, 11, 30, 18, 30)

    def work() -> None:
        for i in range(n):
            customer = Customer(
                name=f"客户{i:06d}", name_key=f"客户{i:06d}", grade="A", category="prospect",
                contact="王经理", phone="13800000000", region="杭州", added_on=today,
                created_at=now, next_due=today, visit_count=0,
            )  # fmt: skip
            if checked:
                limits.check_record(customer, ("name", "contact", "phone", "region"))

    return work


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    rows = [
        ["zhang", "2026-11-02", "1200.00", "万家超市", f"SO{i:08d}", f"K{i:09d}"]
        for i in range(args.rows)
    ]
    with_guards = median_cpu(guards(rows), args.runs)
    without = median_cpu(no_guards(rows), args.runs)
    per_row = (with_guards - without) / args.rows * 1e9
    print(f"import fast path, {args.rows:,} rows: {without:.3f} s CPU without the length")
    print(f"  guards, {with_guards:.3f} s with them: +{per_row:.0f} ns a row", end="")
    print(f" (median of {args.runs})")

    plain = median_cpu(records(args.records, checked=False), args.runs)
    checked = median_cpu(records(args.records, checked=True), args.runs)
    per_record = (checked - plain) / args.records * 1e6
    print(f"check_record, {args.records:,} new customers: {plain:.3f} s CPU to build them,")
    print(f"  {checked:.3f} s with the check: +{per_record:.1f} µs a record", end="")
    print(f" (median of {args.runs})")


if __name__ == "__main__":
    main()
