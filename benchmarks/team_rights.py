"""What team mode's rights cost on PostgreSQL: the same commands as the owner and as a rep.

Why: a rep's every write passes a row-level security policy and a trigger, and
every board reads the published per-rep-and-day views instead of the facts; this
shows the price of both on the demo team (10 reps, ~630 customers, 60 days), and
times the board's SQL on the views against the same sum over the fact table.

    python benchmarks/team_rights.py --db postgresql://postgres@127.0.0.1:54329/postgres [--runs 5]

The CPU printed is the salesproc process's own (user + system, medians of --runs);
the server's backend is another process, whose work only the wall time shows.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import time
import uuid

from cases import salesproc_command
from pg_fresh import fresh_database


def _run(args: list[str], env: dict[str, str], stdin: str | None = None) -> tuple[float, float]:
    """One salesproc process: (wall seconds, its CPU seconds)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        salesproc_command() + args, env=env, input=stdin, capture_output=True, text=True
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"salesproc {' '.join(args)} failed: {done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _median(samples: list[tuple[float, float]]) -> str:
    wall = statistics.median(s[0] for s in samples) * 1000
    cpu = statistics.median(s[1] for s in samples) * 1000
    return f"wall {wall:7.1f} ms   cpu {cpu:7.1f} ms"


def _board_sql(url: str, runs: int) -> None:
    """The month's sales board summed from the view and from the sales table, in the server."""
    import psycopg
    from sqlalchemy.engine import make_url

    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    board = (
        "SELECT r.code, coalesce(sum(f.{measure}), 0) FROM reps r LEFT JOIN {source} f "
        "ON f.rep_id = r.id AND f.{day} >= %s AND f.{day} <= %s WHERE r.active GROUP BY r.code"
    )
    named = board.replace("FROM reps r", "FROM rep_names r")
    total = "SELECT coalesce(sum(amount_cents), 0) FROM {source} WHERE {day} >= %s AND {day} <= %s"
    queries = {
        "view rep_day_sales": board.format(
            measure="amount_cents", source="rep_day_sales", day="day"
        ),
        "table sales": board.format(measure="amount_cents", source="sales", day="sale_date"),
        # migration 0011: the boards name reps through the view rep_names
        "rep_names+rep_day_sales": named.format(
            measure="amount_cents", source="rep_day_sales", day="day"
        ),
        # progress's team total: the published view (0011's change) against the table
        "total on rep_day_sales": total.format(source="rep_day_sales", day="day"),
        "total on sales": total.format(source="sales", day="sale_date"),
    }
    with psycopg.connect(plain) as connection:
        last = connection.execute("SELECT max(sale_date) FROM sales").fetchone()[0]
        first = last.replace(day=1)
        for label, sql in queries.items():
            times = []
            for _ in range(runs):  # (each query's runs together: the server's time only)
                plan = connection.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, (first, last))
                times.append(plan.fetchone()[0][0]["Execution Time"])
            print(f"  SQL {label:26s} server {statistics.median(times):7.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a PostgreSQL superuser URL")
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SALESPROC_")}
    env["XDG_CONFIG_HOME"] = "/nonexistent-salesproc-bench"
    suffix = uuid.uuid4().hex[:6]
    with fresh_database(options.db, "team") as url:
        env["SALESPROC_DB"] = url
        started = time.perf_counter()
        _run(["demo", "--seed", "3", "--force"], env)
        print(f"demo on PostgreSQL: {time.perf_counter() - started:.1f} s")
        rep = subprocess.run(
            [*salesproc_command(), "rep", "list", "--format", "csv"],
            env=env, capture_output=True, text=True, check=True,
        ).stdout.splitlines()[1].split(",")[0]  # fmt: skip
        logins = {"supervisor": f"bench_sup_{suffix}", "rep": f"bench_rep_{suffix}"}
        try:
            _run(["team", "add-user", logins["supervisor"], "--role", "supervisor"], env, "pw\n")
            _run(["team", "add-user", logins["rep"], "--role", "rep", "--rep", rep], env, "pw\n")
            customer = subprocess.run(
                [*salesproc_command(), "--db", _as(url, logins["rep"]), "customer", "list",
                 "--format", "csv"],
                env=env, capture_output=True, text=True, check=True,
            ).stdout.splitlines()[1].split(",")[0]  # fmt: skip
            _run(["target", "set", "--team", "--amount", "9000000"], env)
            print(f"{options.runs} runs each, interleaved; rep {rep}, customer {customer}")
            logins_db = {
                "owner": url,
                "supervisor": _as(url, logins["supervisor"]),
                "rep": _as(url, logins["rep"]),
            }
            commands = {
                "rank --cumulative": ["rank", "--cumulative", "--period", "month"],
                "progress": ["progress"],
                "log-visit": None,  # a new start time each run
            }
            samples: dict[tuple[str, str], list[tuple[float, float]]] = {}
            for i in range(options.runs):
                for label, args in commands.items():
                    for who, db in logins_db.items():
                        run = args or ["log-visit", "--rep", rep, "--customer", customer,
                                       "--purpose", "service",
                                       "--start", f"{8 + i}:{len(who):02d}"]  # fmt: skip
                        samples.setdefault((label, who), []).append(_run(["--db", db, *run], env))
            for (label, who), found in samples.items():
                print(f"  {label:18s} as {who:10s} {_median(found)}")
            _board_sql(url, options.runs)
        finally:
            for login in logins.values():
                subprocess.run(
                    [*salesproc_command(), "team", "remove", login], env=env, capture_output=True
                )


def _as(url: str, login: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(username=login, password="pw").render_as_string(hide_password=False)


if __name__ == "__main__":
    main()
