"""Whether SQL can take the audit's 28-day look-back off Python: one habit both ways.

Why: issue 14 asks for the audit's set-based checks in SQL, to bring a month's audit
of 200 reps on the 1M-visit database within a second. What the look-back is read for
is the reps' habits (the trips between visits, the visits' lengths, the unsold order
visits) and the revisits promised. This times one habit, the trips between a rep's
timed visits on each day of the look-back (what `rules.audit.tight_gaps` reads its line
from), three ways, on the same rows, through bare `sqlite3` (no salesproc code):

- `fetch`: the look-back's visits, every column the audit reads, as the audit fetches
  them (the bytes alone, nothing converted);
- `fetch + trips in Python`: the same, then each rep's trips as `_timed_days` works
  them out (by rep and day, sorted by start, end, id; minutes from one end to the
  next start);
- `trips in SQL`: `LAG` over each rep's day, and the trips counted by rep and length:
  what a set-based read would hand Python instead of the visits.

    python benchmarks/lookback_sql.py --db /tmp/m.db [--from 2026-11-01] [--runs 7]

The variants take turns run by run (the machine is shared); CPU medians and min–max.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import time
from collections import Counter, defaultdict
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

#: `rules.audit.BASELINE`: how far before the window the habits are read
BASELINE = timedelta(days=28)

FETCH = """
SELECT id, rep_id, visit_date, start_time, end_time, logged_at, customer_id, next_visit,
       outcome, purposes, result
FROM visits WHERE visit_date >= :since AND visit_date < :start
"""

TRIPS = """
WITH timed AS (
  SELECT rep_id, start_time,
         LAG(end_time) OVER (PARTITION BY rep_id, visit_date
                             ORDER BY start_time, end_time, id) AS before
  FROM visits
  WHERE visit_date >= :since AND visit_date < :start
    AND start_time IS NOT NULL AND end_time IS NOT NULL AND end_time > start_time
)
SELECT rep_id,
       (strftime('%s', '2000-01-01 ' || start_time)
        - strftime('%s', '2000-01-01 ' || before)) / 60.0 AS minutes,
       count(*)
FROM timed WHERE before IS NOT NULL GROUP BY rep_id, minutes
"""


def minute(stored: str) -> float:
    """Minutes of the day of a stored time ('09:30:00.000000')."""
    return int(stored[:2]) * 60 + int(stored[3:5]) + int(stored[6:8]) / 60


def fetch(db: sqlite3.Connection, values: dict[str, str]) -> int:
    return len(db.execute(FETCH, values).fetchall())


def python_trips(db: sqlite3.Connection, values: dict[str, str]) -> Counter[tuple[int, float]]:
    days: defaultdict[tuple[int, str], list[tuple[str, str, int]]] = defaultdict(list)
    for id_, rep, day, start, end, *_ in db.execute(FETCH, values):
        if start is not None and end is not None and end > start:
            days[(rep, day)].append((start, end, id_))
    trips: Counter[tuple[int, float]] = Counter()
    for (rep, _), visits in days.items():
        visits.sort()
        for (_, before, _), (after, _, _) in pairwise(visits):
            trips[(rep, round(minute(after) - minute(before), 6))] += 1
    return trips


def sql_trips(db: sqlite3.Connection, values: dict[str, str]) -> Counter[tuple[int, float]]:
    return Counter({(rep, round(minutes, 6)): n for rep, minutes, n in db.execute(TRIPS, values)})


VARIANTS = {"fetch": fetch, "fetch + trips in Python": python_trips, "trips in SQL": sql_trips}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a benchmark database (read only)")
    parser.add_argument("--from", dest="start", default="2026-11-01", help="the window's start")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    start = date.fromisoformat(args.start)
    values = {"since": (start - BASELINE).isoformat(), "start": start.isoformat()}
    db = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    cpu: dict[str, list[float]] = {name: [] for name in VARIANTS}
    found: dict[str, Any] = {}
    for run in range(args.runs + 1):  # the first round warms the page cache, untimed
        names = list(VARIANTS)[:: 1 if run % 2 else -1]
        for name in names:
            began = time.process_time()
            found[name] = VARIANTS[name](db, values)
            if run:
                cpu[name].append(time.process_time() - began)
    if found["fetch + trips in Python"] != found["trips in SQL"]:
        print("the two ways found different trips", file=sys.stderr)
        return 1
    visits = found["fetch"]
    trips = sum(found["trips in SQL"].values())
    print(
        f"{args.db}: the look-back {values['since']} to {args.start} (excluded), "
        f"{visits:,} visits, {trips:,} trips; CPU seconds, medians of {args.runs}"
    )
    for name, times in cpu.items():
        print(f"  {name:26} {statistics.median(times):.3f} ({min(times):.3f}–{max(times):.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
