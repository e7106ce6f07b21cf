"""`log-visit` and `sale add` from two source trees, against the same SQL, interleaved.

Why: a change to the daily writes is judged by CPU time in one run on a loaded machine, so
the code before it and after it are timed round-robin, each beside the minimal SQLAlchemy
script that sends the SQL *that* version sends (`floor.baselines`), on copies of their own.

    python benchmarks/writes_ab.py --db /tmp/b1m_12.db --before /tmp/base/src \\
        --after src --now 2026-12-01T18:30 --runs 7

Prints per case the CPU median (min–max) of `os.wait4` (user + sys), and each command's
ratio to its own replay.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from cases import command_env, copy_database, load_clock, pick_visitor, salesproc_command
from floor import Case, baselines, run_once


def commands(rep: str, customer: str) -> dict[str, list[str]]:
    """The two daily writes as `floor.py` times them."""
    return {
        "log-visit": ["log-visit", "--rep", rep, "--customer", customer, "--purpose", "order",
                      "--start", "10:00", "--end", "10:30", "--amount", "1234.50", "--again"],
        "sale add": ["sale", "add", "--rep", rep, "--amount", "880.00", "--customer", customer],
    }  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--before", type=Path, required=True, help="the baseline's src folder")
    parser.add_argument("--after", type=Path, required=True, help="the changed src folder")
    parser.add_argument("--now", default=None)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    clock = load_clock(args.db, args.now)
    visitor = pick_visitor(args.db)
    cases: list[tuple[Case, dict[str, str]]] = []
    with tempfile.TemporaryDirectory(prefix="salesproc-ab-") as tmp:
        scratch = Path(tmp)
        for label, src in (("before", args.before), ("after", args.after)):
            (scratch / label).mkdir()
            env = command_env(clock, scratch / label)
            env["PYTHONPATH"] = str(src.resolve())
            for i, (name, argv) in enumerate(commands(visitor.rep, visitor.customer).items()):
                db = scratch / label / f"w{i}.db"
                replay = scratch / label / f"r{i}.db"
                copy_database(args.db, db)
                copy_database(args.db, replay)
                command = [*salesproc_command(), "--db", str(db), *argv]
                cases.append((Case(f"{label}: {name}", command, "command"), env))
                [replayed, *_] = baselines(name, argv, replay, scratch / label, env, f"c{i}")
                replayed.name = f"{label}:   same SQL, SQLAlchemy"
                cases.append((replayed, env))
        for round_ in range(args.runs + 1):
            for case, env in cases:
                cpu, _wall, _out = run_once(case.argv, env, False)
                if round_:
                    case.cpu.append(cpu)
    width = max(len(c.name) for c, _env in cases)
    for case, _env in cases:
        spread = f"{min(case.cpu):.3f}–{max(case.cpu):.3f}"
        print(f"{case.name:<{width}}  {statistics.median(case.cpu):.3f} ({spread})")
    for i in range(0, len(cases), 2):
        command, replay = cases[i][0], cases[i + 1][0]
        ratio = statistics.median(command.cpu) / statistics.median(replay.cpu)
        print(f"{command.name:<{width}}  {ratio:.2f}× its same-SQL script")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
