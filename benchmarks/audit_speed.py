"""Time `salesproc audit` and `salesproc call-plan` against another source tree, interleaved.

Issue 12 keeps the audit of a month of 200 reps within the time it took before
its rules grew: this runs the same commands with this checkout's `src` and with
a baseline checkout's (a `git worktree` of an older commit), one after the
other, `--runs` times, and prints the median CPU time (user + sys of the child)
with min–max, and the ratio. The machine is shared: CPU time, not wall time,
and the ratio of two interleaved series, not a bare number.

    git worktree add /tmp/before 877c7e2
    python benchmarks/audit_speed.py --db /tmp/b1m.db --baseline /tmp/before/src \\
        [--baseline-db /tmp/b1m_old.db] [--runs 5] [--from 2026-11-01 --to 2026-11-30]

An older tree may need the database at its own schema revision (`--baseline-db`,
a copy made before this checkout upgraded it); the data must be the same.
Before timing, each command runs once in each tree and their outputs are
compared byte for byte (a faster audit that says something else is no win);
`--no-compare` skips that. Issue 14 adds the audit of a month long past (`--past`):
it reads that month and what came of its promises, so it should cost what a recent
month's does, not grow with the history since.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent / "src"


def cpu_of(cmd: list[str], env: dict[str, str]) -> float:
    """User + sys CPU seconds of one child process running `cmd`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def output_of(cmd: list[str], env: dict[str, str]) -> bytes:
    """What `cmd` prints (the untimed run that also warms the bytecode cache)."""
    return subprocess.run(cmd, env=env, check=True, stdout=subprocess.PIPE).stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--baseline", required=True, help="the baseline checkout's src folder")
    parser.add_argument("--src", default=str(HERE), help="the src folder timed [this checkout's]")
    parser.add_argument("--baseline-db", help="the same data at the baseline's schema")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--from", dest="start", default="2026-11-01")
    parser.add_argument("--to", dest="end", default="2026-11-30")
    parser.add_argument("--now", default="2026-12-01T09:00", help="SALESPROC_NOW")
    parser.add_argument(
        "--past", default="2025-03-01:2025-03-31",
        help="FROM:TO of a window long before --now ('' to skip): its audit should cost what a "
        "recent month's does, not grow with the history since",
    )  # fmt: skip
    parser.add_argument("--no-compare", action="store_true", help="do not compare the outputs")
    args = parser.parse_args(argv)
    env = {**os.environ, "SALESPROC_NOW": args.now, "NO_COLOR": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    # defaults, never the user's config; in a folder of its own, not beside the database (a
    # benchmark database's folder may be one nothing should be written to)
    config = Path(tempfile.mkdtemp(prefix="audit_speed_")) / "config.toml"
    config.write_text("", encoding="utf-8")
    env["SALESPROC_CONFIG"] = str(config)
    trees = {"this": (args.src, args.db), "baseline": (args.baseline, args.baseline_db or args.db)}
    commands = {
        "audit": ["audit", "--from", args.start, "--to", args.end, "-f", "json"],
        "call-plan": ["call-plan", "--date", args.now[:10], "--format", "json"],
    }
    if args.past:
        past_from, past_to = args.past.split(":")
        commands["audit past"] = ["audit", "--from", past_from, "--to", past_to, "-f", "json"]
    differ = []
    for name, words in commands.items():
        printed = {
            tree: output_of(
                [sys.executable, "-m", "salesproc", "--db", db, *words], {**env, "PYTHONPATH": src}
            )
            for tree, (src, db) in trees.items()
        }
        if not args.no_compare and printed["this"] != printed["baseline"]:
            differ.append(name)
    times: dict[tuple[str, str], list[float]] = {}
    for _run in range(args.runs):
        for name, words in commands.items():
            for tree, (src, db) in trees.items():
                cmd = [sys.executable, "-m", "salesproc", "--db", db, *words]
                times.setdefault((name, tree), []).append(cpu_of(cmd, {**env, "PYTHONPATH": src}))
    print(f"CPU seconds, median (min–max) of {args.runs}, interleaved")
    for name in commands:
        this, base = times[(name, "this")], times[(name, "baseline")]
        ratio = statistics.median(this) / statistics.median(base)
        print(
            f"  {name:<11} this {statistics.median(this):6.2f} ({min(this):.2f}–{max(this):.2f})"
            f"   baseline {statistics.median(base):6.2f} ({min(base):.2f}–{max(base):.2f})"
            f"   ratio {ratio:.2f}"
        )
    for name in differ:
        print(f"  {name}: the output differs from the baseline's", file=sys.stderr)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
