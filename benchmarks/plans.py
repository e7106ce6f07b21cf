"""Show how SQLite runs the SQL that `due`, `four-visit`, `rank` and `log-visit` send.

Why: the issue asks for single indexed queries. A timing on today's data can
hide a plan that grows with the table, so this captures the exact statements
SQLAlchemy sends (with their parameters), runs `EXPLAIN QUERY PLAN` on them
through the stdlib `sqlite3` module, and flags what would grow with the visits:
a full `SCAN` of visits or sales, or a `USE TEMP B-TREE` that sorts their rows.

    python benchmarks/plans.py --db /tmp/salesproc-bench.db
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cases import Clock, Query, Visitor, copy_database, load_clock, pick_visitor, queries

if TYPE_CHECKING:
    from sqlalchemy import Engine

BIG_TABLES = ("visits", "sales")
_ALIAS = re.compile(r"\b(?:FROM|JOIN)\s+(visits|sales)(?:\s+AS\s+(\w+))?", re.IGNORECASE)
_ACCESS = re.compile(r"^(SCAN|SEARCH) (\w+)")


@dataclass
class Statement:
    """One SQL statement a query sent, its plan, what is wrong with it and its raw time."""

    sql: str
    parameters: tuple[Any, ...]
    plan: list[tuple[int, int, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    sql_ms: float | None = None

    def plan_text(self) -> str:
        depth = {0: -1}
        lines = []
        for node, parent, detail in self.plan:
            depth[node] = depth.get(parent, -1) + 1
            lines.append("  " * depth[node] + detail)
        return "\n".join(lines)


def capture(engine: Engine, call: Callable[[], object]) -> list[Statement]:
    """The statements SQLAlchemy sends to the driver while `call` runs, as sent."""
    from sqlalchemy import event

    seen: list[Statement] = []

    def listen(_conn, _cursor, sql, parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        if sql.lstrip().upper().startswith(("SELECT", "WITH", "INSERT", "UPDATE", "DELETE")):
            seen.append(Statement(sql, tuple(parameters or ())))

    event.listen(engine, "before_cursor_execute", listen)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    return seen


def big_aliases(sql: str) -> dict[str, str]:
    """Names under which the SQL reads the big tables: {'visits_1': 'visits', ...}."""
    return {(alias or table).lower(): table.lower() for table, alias in _ALIAS.findall(sql)}


def judge(statement: Statement) -> list[str]:
    """What in the plan reads or sorts visits/sales rows in bulk."""
    aliases = big_aliases(statement.sql)
    problems = []
    ranged: set[int] = set()  # parents whose children read a range of big-table rows
    for _node, parent, detail in statement.plan:
        match = _ACCESS.match(detail)
        if match and match[2].lower() in aliases:
            table = aliases[match[2].lower()]
            if match[1] == "SCAN":
                problems.append(f"full scan of {table}: {detail}")
            elif "PRIMARY KEY" not in detail:
                ranged.add(parent)
    for _node, parent, detail in statement.plan:
        if "USE TEMP B-TREE" in detail and parent in ranged:
            problems.append(f"sorts visits/sales rows: {detail}")
    return problems


def explain(db: Path, statements: Sequence[Statement], runs: int) -> None:
    """Fill in each statement's plan, problems and raw-SQL median time (sqlite3, no ORM)."""
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as connection:
        for st in statements:
            rows = connection.execute("EXPLAIN QUERY PLAN " + st.sql, st.parameters).fetchall()
            st.plan = [(node, parent, detail) for node, parent, _unused, detail in rows]
            st.problems = judge(st)
            if st.sql.lstrip().upper().startswith("SELECT"):
                timings = []
                for _ in range(runs):
                    began = time.perf_counter()
                    connection.execute(st.sql, st.parameters).fetchall()
                    timings.append((time.perf_counter() - began) * 1000)
                st.sql_ms = statistics.median(timings)


@dataclass
class QueryPlans:
    query: str
    command: str
    statements: list[Statement]

    @property
    def problems(self) -> list[str]:
        return [p for st in self.statements for p in st.problems]


def collect(db: Path, clock: Clock, visitor: Visitor, runs: int = 5) -> list[QueryPlans]:
    """Capture and explain every query's statements; log-visit's on a throwaway copy."""
    from salesproc.db.engine import open_engine, session

    found = []
    with tempfile.TemporaryDirectory(prefix="salesproc-plans-") as scratch:
        copy: Path | None = None
        for query in queries(clock, visitor):
            target = db
            if query.writes:
                copy = copy or Path(scratch) / "copy.db"
                if not copy.exists():
                    copy_database(db, copy)
                target = copy
            engine = open_engine(str(target))

            def call(q: Query = query, e: Engine = engine) -> None:
                with session(e) as s, s.begin():
                    q.call(s)

            statements = capture(engine, call)
            engine.dispose()
            explain(target, statements, 1 if query.writes else runs)
            found.append(QueryPlans(query.name, query.command, statements))
    return found


def show(found: Sequence[QueryPlans], full_sql: bool = False) -> str:
    out = []
    for qp in found:
        out.append(f"== {qp.query} ({qp.command}): {len(qp.statements)} statements")
        for i, st in enumerate(qp.statements, 1):
            head = " ".join(st.sql.split())
            shown = head if full_sql or len(head) <= 110 else head[:107] + "..."
            timing = f"  [raw SQL {st.sql_ms:.1f} ms]" if st.sql_ms is not None else ""
            out.append(f"-- {i}. {shown}{timing}")
            out.extend("   " + line for line in st.plan_text().splitlines())
            out.extend(f"   !! {p}" for p in st.problems)
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, type=Path, help="a generated database")
    parser.add_argument("--now", help="pin SALESPROC_NOW [the generator's]")
    parser.add_argument("--runs", type=int, default=5, help="raw-SQL timing runs [5]")
    parser.add_argument("--sql", action="store_true", help="print the whole SQL")
    args = parser.parse_args(argv)
    db = args.db.expanduser().resolve()
    if not db.is_file():
        print(f"error: no database at {db}; build one with benchmarks/generate.py", file=sys.stderr)
        return 2
    found = collect(db, load_clock(db, args.now), pick_visitor(db), args.runs)
    print(show(found, args.sql))
    problems = [p for qp in found for p in qp.problems]
    print(f"\n{len(problems)} problem(s) found" if problems else "\nevery plan is indexed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
