"""What a PostgreSQL test's database costs the suite: a copy of the `team` template made and
dropped (the suite before tests/pg_pool.py) against the last test's database made again
like a copy and renamed (after), interleaved so that both see the same load.

    python benchmarks/pg_pool_speed.py --db postgresql://postgres@127.0.0.1:54329/postgres

Each round, each way: a database handed out, a rep added through `salesproc` as a test
would, the database given back. Prints the medians of the wall time of the handing out and
giving back (the command's time is left out: it is the same both ways). Builds its own
template (`init` and the conftest's team) in `pool_speed_<pid>_*` databases, dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="a PostgreSQL superuser URL")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    os.environ["SALESPROC_TEST_DB"] = args.db
    os.environ["SALESPROC_NOW"] = "2026-11-30T18:30"

    from typer.testing import CliRunner

    import conftest
    from salesproc.cli import app

    server = conftest._Server(args.db)
    server._prefix = f"pool_speed_{os.getpid()}_"
    runner = CliRunner()

    def run(url: str, *command: str) -> None:
        result = runner.invoke(app, ["--db", url, *command], catch_exceptions=False)
        assert result.exit_code == 0, result.stderr

    template = server.name("team")
    url = server.create(template)
    run(url, "init")
    for code, name, region in conftest.TEAM_REPS:
        run(url, "rep", "add", code, "--name", name, "--region", region)
    copies, reuses = [], []
    try:
        for n in range(args.rounds):
            name = server.name()
            started = time.perf_counter()
            url = server.create(name, template)
            middle = time.perf_counter()
            run(url, "rep", "add", "wang", "--name", "王五")
            resumed = time.perf_counter()
            server.drop(name)
            copies.append(time.perf_counter() - resumed + middle - started)

            name = server.name()
            started = time.perf_counter()
            url = server.take(name, template)
            middle = time.perf_counter()
            run(url, "rep", "add", "wang", "--name", "王五")
            resumed = time.perf_counter()
            server.give_back(name, template)
            if n:  # the first one learns the template and makes a copy
                reuses.append(time.perf_counter() - resumed + middle - started)
    finally:
        server.close()
        server.drop(template)
    copy, reuse = statistics.median(copies), statistics.median(reuses)
    print(f"copy and drop    {copy * 1000:7.1f} ms  (median of {len(copies)})")
    print(f"make again       {reuse * 1000:7.1f} ms  (median of {len(reuses)})")
    print(f"ratio            {copy / reuse:7.2f}x")


if __name__ == "__main__":
    main()
