"""Issue 14: each command against the floor of its libraries, in one interleaved run.

Why this shape: the machine is shared, so absolute times drift with the load; a
ratio between two processes timed round-robin in the same run does not. Every
case is a fresh process; its CPU time (user + sys, from `os.wait4`, so only that
process and its children) is the figure, wall time beside it. Each round runs
every case once, in a fixed order; round 0 is a warm-up (it also fills the
bytecode cache), rounds 1..N are timed; medians with min–max.

Baselines of a read command: the exact statements it sent (captured in-process
by `capture_sql.py`, with its parameters) written into two standalone scripts,
one that imports only SQLAlchemy and one only stdlib `sqlite3`, each printing
every row it gets. The floors: `python -c pass`, `python -c "import typer"` and,
when `task` is installed, Taskwarrior's due listing over 20,000 tasks due on the
customers' own due dates.

    python benchmarks/run.py --floor --db /tmp/b100k.db --db /tmp/b1m.db --db /tmp/b3m.db

Nothing is written to a benchmark database: each is copied once (a team target
set on the copy, so `progress` and the broadcast have one), and the writes run
on a second copy.
"""

from __future__ import annotations

import json
import os
import pty
import shutil
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import IO

from cases import Clock, command_env, copy_database, load_clock, pick_visitor, salesproc_command

HERE = Path(__file__).resolve().parent
COLUMNS = 120  # the terminal's width, fixed so runs compare
TASKS = 20_000
#: The issue's goals, as ratios of CPU medians (see `ratios`).
DAILY_GOAL = 1.2
TTY_GOAL = 1.2
HELP_GOAL = 1.3
HEAVY_GOAL_S = 1.0
#: ... up to 1,000,000 visits; above, up to 3,000,000
HEAVY_GOAL_3M_S = 1.3
EXPORT_GOAL = 150_000


@dataclass
class Case:
    """One process to time; `of` names the command a baseline stands for."""

    name: str
    argv: list[str]
    kind: str  # command, tty, sqlalchemy, sqlite3, floor, taskwarrior
    of: str | None = None
    rows: int | None = None  # rows the work covers (export: rows written)
    cpu: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)
    lines: int = 0

    def median(self, what: str = "cpu") -> float:
        return statistics.median(getattr(self, what))


def _drain(fd: int, sink: list[bytes]) -> None:
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            return
        if not chunk:
            return
        sink.append(chunk)


def run_once(argv: list[str], env: dict[str, str], tty: bool) -> tuple[float, float, bytes]:
    """CPU seconds (user + sys of the process and its children), wall seconds, stdout."""
    with tempfile.TemporaryFile() as err:
        return _run(argv, env, tty, err)


def _run(
    argv: list[str], env: dict[str, str], tty: bool, err: IO[bytes]
) -> tuple[float, float, bytes]:
    chunks: list[bytes] = []
    began = time.perf_counter()
    if tty:
        import fcntl
        import termios

        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, COLUMNS, 0, 0))
        proc = subprocess.Popen(argv, env=env, stdin=slave, stdout=slave, stderr=err)
        os.close(slave)
        reader = threading.Thread(target=_drain, args=(master, chunks))
        reader.start()
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - began
        reader.join()
        os.close(master)
    else:
        proc = subprocess.Popen(
            argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err
        )
        assert proc.stdout is not None
        chunks.append(proc.stdout.read())
        proc.stdout.close()
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - began
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        err.seek(0)
        message = err.read().decode(errors="replace").strip()[-2000:]
        raise SystemExit(f"error: `{' '.join(argv)}` exited {proc.returncode}: {message}")
    return usage.ru_utime + usage.ru_stime, wall, b"".join(chunks)


# -- the SQL baselines ------------------------------------------------------------------------

SQLALCHEMY_SCRIPT = """\
import sys
from sqlalchemy import create_engine, event

SETUP = {setup!r}
STATEMENTS = {statements!r}
engine = create_engine({url!r})


@event.listens_for(engine, "connect")
def setup(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    for sql in SETUP:
        cursor.execute(sql)
    cursor.close()


out = []
with engine.connect() as connection:
    for sql, params, op in STATEMENTS:
        if op == "commit":
            connection.commit()
            continue
        if op == "rollback":
            connection.rollback()
            continue
        if op == "many":
            connection.exec_driver_sql(sql, [tuple(p) for p in params])
            continue
        result = connection.exec_driver_sql(sql, tuple(params))
        if result.returns_rows:
            out.extend("\\t".join(map(str, row)) for row in result)
    connection.commit()
sys.stdout.write("\\n".join(out) + "\\n")
"""

SQLITE3_SCRIPT = """\
import sqlite3
import sys

SETUP = {setup!r}
STATEMENTS = {statements!r}
connection = sqlite3.connect({path!r}, isolation_level=None)
for sql in SETUP:
    connection.execute(sql)
out = []
for sql, params, op in STATEMENTS:
    if op in ("commit", "rollback"):
        if connection.in_transaction:
            connection.execute(op.upper())
        continue
    if op == "many":
        connection.executemany(sql, params)
        continue
    cursor = connection.execute(sql, params)
    if cursor.description is not None:
        out.extend("\\t".join(map(str, row)) for row in cursor)
if connection.in_transaction:
    connection.execute("COMMIT")
sys.stdout.write("\\n".join(out) + "\\n")
"""


def baselines(
    name: str, args: list[str], db: Path, scratch: Path, env: dict[str, str], slug: str
) -> list[Case]:
    """Capture the SQL `salesproc args` sends and write the two same-SQL scripts."""
    captured = scratch / f"{slug}.sql.json"
    done = subprocess.run(
        [sys.executable, str(HERE / "capture_sql.py"), str(captured), "--", "--db", str(db), *args],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"error: capturing the SQL of `{name}` failed: {done.stderr.strip()}")
    found = json.loads(captured.read_text(encoding="utf-8"))
    statements = [(s["sql"], s["params"], s["op"]) for s in found["statements"]]
    script_a = scratch / f"{slug}_sqlalchemy.py"
    script_a.write_text(
        SQLALCHEMY_SCRIPT.format(
            setup=found["setup"], statements=statements, url=f"sqlite:///{db}"
        ),
        encoding="utf-8",
    )
    script_s = scratch / f"{slug}_sqlite3.py"
    script_s.write_text(
        SQLITE3_SCRIPT.format(setup=found["setup"], statements=statements, path=str(db)),
        encoding="utf-8",
    )
    count = sum(op != "commit" and op != "rollback" for _sql, _params, op in statements)
    return [
        Case(
            f"  same SQL, SQLAlchemy ({count} stmts)",
            [sys.executable, str(script_a)],
            "sqlalchemy",
            of=name,
        ),
        Case("  same SQL, raw sqlite3", [sys.executable, str(script_s)], "sqlite3", of=name),
    ]


# -- Taskwarrior ----------------------------------------------------------------------------


def taskwarrior(
    db: Path, clock: Clock, scratch: Path, env: dict[str, str]
) -> tuple[Case | None, str]:
    """20,000 pending tasks due on the customers' due dates, and `task`'s due listing.

    Taskwarrior reads the real clock: the comparison holds when the benchmark's
    today is the real one (the generator's default).
    """
    task = shutil.which("task")
    if task is None:
        return None, "Taskwarrior not installed (`apt-get install -y taskwarrior`): not compared"
    data = scratch / "taskdata"
    data.mkdir()
    rc = scratch / "taskrc"
    rc.write_text(f"data.location={data}\nconfirmation=off\nnews.version=99.99.99\n")
    env.update(TASKRC=str(rc), TASKDATA=str(data))
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as connection:
        rows = connection.execute(
            # a lost customer is never due (as in `due`): its task falls due next year
            "SELECT c.name, c.grade, r.code, CASE WHEN c.lost_on IS NULL "
            "THEN coalesce(c.next_due, c.added_on) ELSE date(?, '+1 year') END FROM customers c "
            "LEFT JOIN reps r ON r.id = c.rep_id ORDER BY c.id LIMIT ?",
            (clock.today.isoformat(), TASKS),
        ).fetchall()
    tasks = [
        {
            "description": f"visit {name} ({grade})",
            "project": rep or "none",
            "due": due.replace("-", "") + "T090000Z",
            "status": "pending",
            "entry": "20240101T090000Z",
        }
        for i in range(TASKS)
        for name, grade, rep, due in [rows[i % len(rows)]]
    ]
    source = scratch / "tasks.json"
    source.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run([task, "import", str(source)], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        return None, f"Taskwarrior import failed: {done.stderr.strip()[:300]}"
    version = subprocess.run([task, "--version"], env=env, capture_output=True, text=True)
    argv = [task, "rc.color=off", "rc.verbose=nothing", "due.before:tomorrow", "list"]
    note = (
        f"Taskwarrior {version.stdout.strip()}: `{' '.join(argv[1:])}` over {TASKS:,} pending "
        "tasks due on the open customers' due dates, piped"
    )
    return Case("task due.before:tomorrow list", argv, "taskwarrior"), note


# -- the cases ------------------------------------------------------------------------------


def _prev_month(today: date) -> tuple[date, date]:
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def _scalar(db: Path, sql: str, *params: object) -> int:
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as connection:
        return int(connection.execute(sql, params).fetchone()[0])


def build_cases(
    db: Path,
    clock: Clock,
    scratch: Path,
    env: dict[str, str],
    export_days: int | None,
    only: Sequence[str] = (),
    skip: Sequence[str] = (),
) -> tuple[list[Case], list[str]]:
    """The issue's commands with their baselines, on a prepared copy of `db`."""
    base = salesproc_command()
    reads = scratch / "bench.db"
    writes = scratch / "writes.db"
    copy_database(db, reads)
    prepare = [*base, "--db", str(reads), "target", "set", "--team", "--amount", "120000000"]
    subprocess.run(prepare, env=env, capture_output=True, check=True)
    copy_database(reads, writes)
    visitor = pick_visitor(reads)
    first, last = _prev_month(clock.today)
    notes = [f"log-visit, sale add: --rep {visitor.rep} --customer {visitor.customer}, on a copy"]

    def sp(target: Path, *args: str) -> list[str]:
        return [*base, "--db", str(target), *args]

    daily: list[tuple[str, tuple[str, ...], bool]] = [
        ("due", ("due",), False),
        (f"due --rep {visitor.rep}", ("due", "--rep", visitor.rep), False),
        ("rank", ("rank",), False),
        ("rank --cumulative", ("rank", "--cumulative"), False),
        ("rank --cumulative --period all", ("rank", "--cumulative", "--period", "all"), False),
        ("four-visit", ("four-visit",), False),
        ("report daily", ("report", "daily"), False),
        (f"report daily --rep {visitor.rep}", ("report", "daily", "--rep", visitor.rep), False),
        ("progress", ("progress",), False),
        ("broadcast --dry-run", ("broadcast", "--dry-run"), False),
        (
            "log-visit",
            (
                "log-visit",
                "--rep",
                visitor.rep,
                "--customer",
                visitor.customer,
                "--purpose",
                "order",
                "--start",
                "10:00",
                "--end",
                "10:30",
                "--amount",
                "1234.50",
                "--again",
            ),
            True,
        ),
        (
            "sale add",
            (
                "sale",
                "add",
                "--rep",
                visitor.rep,
                "--amount",
                "880.00",
                "--customer",
                visitor.customer,
            ),
            True,
        ),
    ]
    cases = [
        Case("python -c pass", [sys.executable, "-c", "pass"], "floor"),
        Case('python -c "import typer"', [sys.executable, "-c", "import typer"], "floor"),
        Case("salesproc --help", [*base, "--help"], "command"),
    ]
    for i, (name, args, writing) in enumerate(daily):
        if (only and not name.startswith(tuple(only))) or name in skip:
            continue  # `keep` drops it: no need to capture its SQL
        target = writes if writing else reads
        cases.append(Case(name, sp(target, *args), "command"))
        if writing:  # the replays write to a copy of their own, as the command does
            replay = scratch / f"replay{i}.db"
            copy_database(writes, replay)
            cases += baselines(name, list(args), replay, scratch, env, f"c{i}")
        else:
            cases += baselines(name, list(args), reads, scratch, env, f"c{i}")
    cases.append(Case("due (at a terminal)", sp(reads, "due"), "tty", of="due"))
    cases.append(
        Case(
            "rank --cumulative (at a terminal)",
            sp(reads, "rank", "--cumulative"),
            "tty",
            of="rank --cumulative",
        )
    )
    audit = ("audit", "--from", first.isoformat(), "--to", last.isoformat())
    cases.append(Case(f"audit {first:%Y-%m}", sp(reads, *audit), "command"))
    cases.append(Case("call-plan", sp(reads, "call-plan"), "command"))
    export = ["export", "visits", "--output", str(scratch / "visits.csv")]
    where, params = "", []
    if export_days:
        since = (clock.today - timedelta(days=export_days - 1)).isoformat()
        export += ["--from", since, "--to", clock.today.isoformat()]
        where, params = " WHERE visit_date BETWEEN ? AND ?", [since, clock.today.isoformat()]
    rows = _scalar(reads, f"SELECT count(*) FROM visits{where}", *params)
    cases.append(Case("export visits", sp(reads, *export), "command", rows=rows))
    return cases, notes


# -- running and showing ---------------------------------------------------------------------


def measure(cases: list[Case], env: dict[str, str], runs: int, progress: bool) -> None:
    """Round 0 warms up (bytecode cache, page cache); rounds 1..runs are timed, interleaved."""
    tty_env = {k: v for k, v in env.items() if k != "NO_COLOR"}
    tty_env.update(TERM="xterm-256color", COLUMNS=str(COLUMNS), LINES="50")
    for round_ in range(runs + 1):
        for case in cases:
            tty = case.kind == "tty"
            cpu, wall, out = run_once(case.argv, tty_env if tty else env, tty)
            if round_ == 0:
                case.lines = out.count(b"\n")
                continue
            case.cpu.append(cpu)
            case.wall.append(wall)
        if progress:
            print(f"  round {round_}/{runs} done", file=sys.stderr, flush=True)


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):6.3f} ({min(values):.3f}–{max(values):.3f})"


def table(cases: Sequence[Case]) -> str:
    out = [
        f"{'case':46} {'CPU s median (min–max)':>24} {'wall s median (min–max)':>24} {'lines':>6}"
    ]
    for c in cases:
        out.append(f"{c.name[:46]:46} {_spread(c.cpu):>24} {_spread(c.wall):>24} {c.lines:>6}")
    return "\n".join(out)


def _ratio(a: float, b: float) -> str:
    return f"{a / b:5.2f}×" if b > 0 else "   n/a"


def ratios(cases: Sequence[Case], visits: int) -> str:
    """The issue's ratio table: CPU medians, each against its goal."""
    by_name = {c.name: c for c in cases}
    commands = [c for c in cases if c.kind == "command" and c.name != "salesproc --help"]
    out = [f"{'command':34} {'CPU s':>7} {'/SQLAlchemy':>12} {'/sqlite3':>9}  goal ≤{DAILY_GOAL}×"]
    for c in commands:
        sa = next((b for b in cases if b.of == c.name and b.kind == "sqlalchemy"), None)
        raw = next((b for b in cases if b.of == c.name and b.kind == "sqlite3"), None)
        if sa is None or raw is None:
            continue
        r = c.median() / sa.median()
        out.append(
            f"{c.name[:34]:34} {c.median():7.3f} {_ratio(c.median(), sa.median()):>12} "
            f"{_ratio(c.median(), raw.median()):>9}  {'ok' if r <= DAILY_GOAL else 'MISS'}"
        )
    out.append("")
    task = next((c for c in cases if c.kind == "taskwarrior"), None)
    due = by_name.get("due")
    if task and due:
        r = due.median() / task.median()
        out.append(
            f"{'due / Taskwarrior due listing':48} {_ratio(due.median(), task.median())}"
            f"  goal ≤1.0× {'ok' if r <= 1.0 else 'MISS'}"
        )
    helps, typer_ = by_name.get("salesproc --help"), by_name.get('python -c "import typer"')
    if helps and typer_:
        r = helps.median() / typer_.median()
        label = '--help / python -c "import typer"'
        out.append(
            f"{label:48} "
            f"{_ratio(helps.median(), typer_.median())}"
            f"  goal ≤{HELP_GOAL}× {'ok' if r <= HELP_GOAL else 'MISS'}"
        )
    for c in (c for c in cases if c.kind == "tty"):
        piped = by_name[c.of or ""]
        r = c.median() / piped.median()
        out.append(
            f"{(c.of or '') + ': terminal / piped':48} {_ratio(c.median(), piped.median())}"
            f"  goal ≤{TTY_GOAL}× {'ok' if r <= TTY_GOAL else 'MISS'}"
        )
    heavy = HEAVY_GOAL_S if visits <= 1_000_000 else HEAVY_GOAL_3M_S
    for c in commands:
        if c.name.startswith(("audit", "call-plan")):
            out.append(
                f"{c.name + ' CPU s':48} {c.median():6.2f}  goal ≤{HEAVY_GOAL_S} s "
                f"at 1M visits, {HEAVY_GOAL_3M_S} s at 3M {'ok' if c.median() <= heavy else 'MISS'}"
            )
        if c.rows is not None:
            speed = c.rows / c.median()
            out.append(
                f"{f'export visits rows per CPU-second ({c.rows:,} rows)':48} "
                f"{speed:>9,.0f}  goal ≥{EXPORT_GOAL:,} "
                f"{'ok' if speed >= EXPORT_GOAL else 'MISS'}"
            )
    return "\n".join(out)


def describe(db: Path) -> str:
    visits = _scalar(db, "SELECT count(*) FROM visits")
    reps = _scalar(db, "SELECT count(*) FROM reps")
    customers = _scalar(db, "SELECT count(*) FROM customers")
    span = _scalar(
        db, "SELECT julianday(max(visit_date)) - julianday(min(visit_date)) + 1 FROM visits"
    )
    return f"{visits:,} visits, {reps} reps, {customers:,} customers, {span} days"


def scale_table(results: list[tuple[str, list[Case]]]) -> str:
    """Each command's CPU median per database, side by side: growth with the history."""
    names = [c.name for c in results[0][1] if c.kind in ("command", "tty", "taskwarrior")]
    head = f"{'CPU s median, by visits':46}" + "".join(f" {label[:14]:>14}" for label, _ in results)
    out = [head]
    for name in names:
        row = f"{name[:46]:46}"
        for _label, cases in results:
            found = next((c for c in cases if c.name == name), None)
            row += f" {found.median():14.3f}" if found else f" {'-':>14}"
        out.append(row)
    row = f"{'export visits, rows per CPU-second':46}"
    for _label, cases in results:
        found = next((c for c in cases if c.rows is not None), None)
        row += f" {found.rows / found.median():14,.0f}" if found else f" {'-':>14}"
    out.append(row)
    return "\n".join(out)


def keep(cases: list[Case], only: Sequence[str], skip: Sequence[str]) -> list[Case]:
    """The floors, plus the commands named in `only` (a prefix each, all when none) but not
    named in `skip`, with their baselines."""
    named = {
        c.name
        for c in cases
        if c.kind == "command"
        and (not only or c.name.startswith(tuple(only)))
        and c.name not in skip
    }
    return [c for c in cases if c.kind == "floor" or c.name in named or c.of in named]


def run(
    dbs: Sequence[Path],
    runs: int,
    now: str | None,
    export_days: int | None,
    as_json: bool,
    only: Sequence[str] = (),
    skip: Sequence[str] = (),
) -> int:
    results: list[tuple[str, list[Case]]] = []
    report: list[dict[str, object]] = []
    for db in dbs:
        db = db.expanduser().resolve()
        if not db.is_file():
            print(
                f"error: no database at {db}; build one with benchmarks/generate.py",
                file=sys.stderr,
            )
            return 2
        clock = load_clock(db, now)
        shape = describe(db)
        load_before = os.getloadavg()[0]
        with tempfile.TemporaryDirectory(prefix="salesproc-floor-") as tmp:
            scratch = Path(tmp)
            env = command_env(clock, scratch)
            cases, notes = build_cases(db, clock, scratch, env, export_days, only, skip)
            cases = keep(cases, only, skip)
            task, task_note = taskwarrior(db, clock, scratch, env)
            if task is not None:
                cases.insert(2, task)
            notes.append(task_note)
            measure(cases, env, runs, progress=not as_json)
        load = (round(load_before, 2), round(os.getloadavg()[0], 2))
        results.append((shape.split(" visits")[0], cases))
        if as_json:
            report.append(
                {
                    "db": str(db),
                    "shape": shape,
                    "now": clock.env,
                    "runs": runs,
                    "load": load,
                    "notes": notes,
                    "cases": [
                        {
                            "name": c.name,
                            "kind": c.kind,
                            "of": c.of,
                            "rows": c.rows,
                            "lines": c.lines,
                            "cpu": c.cpu,
                            "wall": c.wall,
                        }
                        for c in cases
                    ],
                }
            )
            continue
        print(f"\n## {db} · {shape} · SALESPROC_NOW={clock.env}")
        print(
            f"{runs} timed rounds after 1 warm-up, interleaved; bytecode cache on; "
            f"load average {load[0]} before, {load[1]} after"
        )
        for note in notes:
            print(note)
        print()
        print(table(cases))
        print()
        print(ratios(cases, _scalar(db, "SELECT count(*) FROM visits")))
        sys.stdout.flush()
    if as_json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    elif len(results) > 1:
        print("\n## by database size\n")
        print(scale_table(results))
    return 0
