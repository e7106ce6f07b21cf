"""Many reps logging at once: does every `log-visit` land, and how long does the slowest wait?

Issue 13 §3: on SQLite, 8 processes logging 200 visits each while two others
read lost 0.5–0.9% of the calls to `database is locked`. This script replays
that: N writer processes each run M `salesproc log-visit` commands (the real
CLI, in-process: a fresh command, Context and engine per call, as a rep's
shell would run it, without paying the interpreter start-up 1,600 times),
while R reader processes run `due` and `rank --cumulative` in a loop until
the writers are done. It prints the calls made, the failed calls (with their
first error lines), visits present against expected, and the writers' max
and p99 latency.

    python benchmarks/writers.py                          # SQLite, 8 x 200 + 2 readers
    python benchmarks/writers.py --pg postgresql://postgres@127.0.0.1:54329/postgres
    python benchmarks/writers.py --writers 4 --visits 25 --readers 1 --json

With `--pg`, a fresh database `writers_bench_<pid>` is made on that server and
dropped at the end; the SQLite file lives in a temporary folder.
"""

import argparse
import contextlib
import io
import json
import multiprocessing
import os
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

NOW = "2026-12-01T18:00"
CUSTOMERS_PER_WRITER = 10


@dataclass
class Calls:
    """What one process saw: each call's wall time, and the failures' exit codes and errors."""

    made: int = 0
    latencies: list[float] = field(default_factory=list)
    failures: list[tuple[int, str]] = field(default_factory=list)


def _environment(db: str, home: str) -> None:
    os.environ.update(
        SALESPROC_DB=db,
        SALESPROC_NOW=NOW,
        XDG_CONFIG_HOME=str(Path(home) / "config"),
        XDG_DATA_HOME=str(Path(home) / "data"),
        LANG="C.UTF-8",
    )
    for variable in ("SALESPROC_CONFIG", "LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        os.environ.pop(variable, None)


#: `--cli`: each call a real `python -m salesproc` process (slow to start, closest to a rep)
REAL_PROCESSES = os.environ.get("WRITERS_BENCH_CLI") == "1"


def _command() -> Any:
    if REAL_PROCESSES:
        return None
    import typer.main

    from salesproc.cli import app

    return typer.main.get_command(app)


def _run(command: Any, args: list[str]) -> tuple[int, str]:
    """One CLI command as `salesproc ARGS` would run it: its exit code and its stderr."""
    if command is None:
        import subprocess

        done = subprocess.run(
            [sys.executable, "-m", "salesproc", *args], capture_output=True, text=True
        )
        return done.returncode, done.stderr
    err = io.StringIO()
    code = 0
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            command.main(args=args, prog_name="salesproc")
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return code, err.getvalue()


def _timed(command: Any, args: list[str], calls: Calls) -> None:
    started = time.perf_counter()
    code, err = _run(command, args)
    calls.latencies.append(time.perf_counter() - started)
    calls.made += 1
    if code != 0:
        calls.failures.append((code, err.strip().splitlines()[-1] if err.strip() else ""))


def _writer(db: str, home: str, writer: int, visits: int, start: Any) -> dict[str, Any]:
    _environment(db, home)
    command = _command()
    calls = Calls()
    _run(command, ["due", "--format", "json"])  # warm: the lazy imports are not a wait
    start.wait()
    for i in range(visits):
        customer = f"客户{writer}-{i % CUSTOMERS_PER_WRITER}"
        minute = 8 * 60 + i  # a distinct start time for each visit of the rep
        args = [
            "log-visit", "--rep", f"w{writer}", "--customer", customer, "--purpose", "订货",
            "--start", f"{minute // 60:02d}:{minute % 60:02d}", "--amount", str(100 + i),
        ]  # fmt: skip
        _timed(command, args, calls)
    return asdict(calls)


def _reader(db: str, home: str, start: Any, done: Any) -> dict[str, Any]:
    _environment(db, home)
    command = _command()
    calls = Calls()
    start.wait()
    while not done.is_set():
        _timed(command, ["due", "--format", "json"], calls)
        _timed(command, ["rank", "--cumulative", "--format", "json"], calls)
    return asdict(calls)


def _report(results: Any, kind: str, n: int, job: Any, args: tuple[Any, ...]) -> None:
    results.put((kind, n, job(*args)))


def _setup(db: str, home: str, writers: int) -> None:
    _environment(db, home)
    command = _command()
    steps = [["init"]]
    for w in range(writers):
        steps.append(["rep", "add", f"w{w}", "--name", f"业务员{w}", "--region", "杭州"])
        for c in range(CUSTOMERS_PER_WRITER):
            steps.append(["customer", "add", f"客户{w}-{c}", "--grade", "A", "--rep", f"w{w}"])
    for args in steps:
        code, err = _run(command, args)
        if code != 0:
            sys.exit(f"setup failed: salesproc {' '.join(args)}: {err.strip()}")


def _count_visits(db: str) -> int:
    from sqlalchemy import create_engine, text

    from salesproc.db.engine import to_url

    engine = create_engine(to_url(db))
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT count(*) FROM visits")).scalar() or 0)
    finally:
        engine.dispose()


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else 0.0


def run(db: str, home: str, writers: int, visits: int, readers: int) -> dict[str, Any]:
    """The whole scenario on `db` (made here): the writers' and readers' figures."""
    _setup(db, home, writers)
    context = multiprocessing.get_context("spawn")
    start, done, results = context.Event(), context.Event(), context.Queue()
    jobs = [("r", r, _reader, (db, home, start, done)) for r in range(readers)]
    jobs += [("w", w, _writer, (db, home, w, visits, start)) for w in range(writers)]
    processes = [
        context.Process(target=_report, args=(results, kind, n, job, job_args))
        for kind, n, job, job_args in jobs
    ]
    for process in processes:
        process.start()
    time.sleep(1.0)  # let every process import salesproc before the clock starts
    began = time.perf_counter()
    start.set()
    got: dict[tuple[str, int], Calls] = {}
    while len(got) < writers:
        kind, n, calls = results.get()
        got[(kind, n)] = Calls(**calls)
    elapsed = time.perf_counter() - began
    done.set()
    while len(got) < writers + readers:
        kind, n, calls = results.get()
        got[(kind, n)] = Calls(**calls)
    for process in processes:
        process.join()
    wrote = [c for (kind, _), c in got.items() if kind == "w"]
    read = [c for (kind, _), c in got.items() if kind == "r"]
    latencies = [t for c in wrote for t in c.latencies]
    failures = [f for c in wrote for f in c.failures]
    return {
        "database": "postgresql" if "://" in db else "sqlite",
        "writers": writers,
        "visits_each": visits,
        "readers": readers,
        "seconds": round(elapsed, 1),
        "calls": sum(c.made for c in wrote),
        "failed": len(failures),
        "visits_present": _count_visits(db),
        "visits_expected": writers * visits,
        "max_latency_s": round(max(latencies, default=0.0), 3),
        "p99_latency_s": round(_p99(latencies), 3),
        "reader_calls": sum(c.made for c in read),
        "reader_failed": sum(len(c.failures) for c in read),
        "errors": sorted({e for _, e in failures + [f for c in read for f in c.failures]}),
    }


@contextlib.contextmanager
def _pg_database(server: str) -> Any:
    """A fresh database on the server for one run, dropped after it."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"writers_bench_{os.getpid()}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def _print(result: dict[str, Any]) -> None:
    print(
        f"{result['database']}: {result['writers']} writers x {result['visits_each']} "
        f"log-visit + {result['readers']} readers, {result['seconds']} s\n"
        f"  calls made          {result['calls']}\n"
        f"  failed calls        {result['failed']}\n"
        f"  visits present      {result['visits_present']} of {result['visits_expected']}\n"
        f"  max latency         {result['max_latency_s']:.3f} s\n"
        f"  p99 latency         {result['p99_latency_s']:.3f} s\n"
        f"  reader calls/failed {result['reader_calls']} / {result['reader_failed']}"
    )
    for error in result["errors"]:
        print(f"  error: {error}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--visits", type=int, default=200, help="log-visit calls per writer")
    parser.add_argument("--readers", type=int, default=2)
    parser.add_argument("--pg", metavar="URL", help="also run on a fresh database on this server")
    parser.add_argument("--no-sqlite", action="store_true", help="only the PostgreSQL run")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--cli", action="store_true", help="each call a real salesproc process (slower)"
    )
    args = parser.parse_args()
    if args.cli:
        os.environ["WRITERS_BENCH_CLI"] = "1"  # the spawned processes read it on import
    results = []
    with tempfile.TemporaryDirectory(prefix="salesproc-writers-") as home:
        if not args.no_sqlite:
            db = str(Path(home) / "sales.db")
            results.append(run(db, home, args.writers, args.visits, args.readers))
        if args.pg:
            with _pg_database(args.pg) as url:
                results.append(run(url, home, args.writers, args.visits, args.readers))
    for result in results:
        print(json.dumps(result, ensure_ascii=False)) if args.json else _print(result)
    if any(r["failed"] or r["visits_present"] != r["visits_expected"] for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
