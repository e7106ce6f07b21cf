"""The call plan's own share of `call-plan`, apart from the audit it runs, against another tree.

`call-plan` runs the week's audit, then plans: the day's visits, the promises, the
leaderboard, one call per rep. A change to either part shows in the whole command's time
only through the other's noise (on a shared 2-core machine, ±20% from run to run), so this
times the plan's part alone: in one process per source tree, `service.supervision.call_plan`
with the audit's result read once and kept (what the audit costs is `audit_speed.py`'s),
`--repeat` times after one untimed run, CPU time, the processes of the two trees
alternating, and prints each tree's median and min–max, and their ratio.

    python benchmarks/callplan_share.py --db /tmp/s19/m13.db --baseline /tmp/before/src \\
        [--src src] [--runs 5] [--repeat 10] [--now 2026-12-02T08:30]

It measures the plan's Python and its reads, not the freeing of the audit's facts at the
end of a real run (they are kept here), nor start-up and printing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent / "src"

#: run in a child with one tree on its path: the plan's CPU seconds, one per repeat
CHILD = """
import gc, json, sys, time
from datetime import datetime
from salesproc.service import supervision
from salesproc.service.context import Context

db, now, repeat = sys.argv[1], datetime.fromisoformat(sys.argv[2]), int(sys.argv[3])
ctx = Context.open(db, now=now)
audited = supervision._undismissed
kept = {}


def once(ctx, db, start, end, rep):
    key = (start, end, rep)
    if key not in kept:
        kept[key] = audited(ctx, db, start, end, rep)
    return kept[key]


supervision._undismissed = once
supervision.call_plan(ctx, ctx.today)  # the audit read once; statements compiled and kept
times = []
for _ in range(repeat):
    gc.collect()
    start = time.process_time()
    supervision.call_plan(ctx, ctx.today)
    times.append(time.process_time() - start)
print(json.dumps(times))
"""


def plan_times(src: str, db: str, now: str, repeat: int) -> list[float]:
    env = dict(os.environ, PYTHONPATH=src)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, db, now, str(repeat)],
        env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return list(json.loads(done.stdout))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="an SQLite file (read only)")
    parser.add_argument("--baseline", required=True, help="the baseline checkout's src folder")
    parser.add_argument("--src", default=str(HERE), help="the src folder timed [this checkout's]")
    parser.add_argument("--runs", type=int, default=5, help="processes per tree")
    parser.add_argument("--repeat", type=int, default=10, help="plans timed per process")
    parser.add_argument("--now", default="2026-12-02T08:30", help="the moment planned from")
    args = parser.parse_args(argv)
    trees = {"baseline": args.baseline, "this": args.src}
    found: dict[str, list[float]] = {name: [] for name in trees}
    for run in range(args.runs):
        order = list(trees.items()) if run % 2 == 0 else list(trees.items())[::-1]
        for name, src in order:
            # each process's median: a process's first plans warm the caches
            found[name].append(statistics.median(plan_times(src, args.db, args.now, args.repeat)))
    for name, times in found.items():
        print(
            f"{name:>8}: {statistics.median(times) * 1000:6.1f} ms "
            f"({min(times) * 1000:.1f}–{max(times) * 1000:.1f}) over {len(times)} processes"
        )
    ratio = statistics.median(found["this"]) / statistics.median(found["baseline"])
    print(f"   ratio: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
