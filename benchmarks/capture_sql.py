"""Run one `salesproc` command in-process and store every SQL statement it sends.

Why: the issue's floor for a daily command is a script that sends exactly the
same SQL and prints the same rows. Taking the statements from the command itself
(a `before_cursor_execute` listener on every engine, with the parameters as the
driver got them, and what is sent through `sqlite3` directly) keeps the baseline honest as
the code changes; the PRAGMAs the
tool sets on each new SQLite connection go through the driver directly, so they
are taken from SQLite's own trace instead.

    python benchmarks/capture_sql.py OUT.json -- --db PATH due --rep zhangwei

Run it with the timed command's environment (pinned clock, empty config): the
SQL depends on both. The command's output is discarded; its exit code is kept.
"""

from __future__ import annotations

import contextlib
import io
import json
import sqlite3
import sys
from pathlib import Path
from typing import Any


def _plain(value: object) -> object:
    """A parameter as JSON can hold it (the driver only ever gets str, int, float, None)."""
    if value is None or isinstance(value, str | int | float):
        return value
    raise TypeError(f"cannot store a {type(value).__name__} parameter: {value!r}")


def capture(argv: list[str]) -> dict[str, Any]:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    statements: list[dict[str, Any]] = []
    traced: list[str] = []
    real_connect = sqlite3.connect

    class Recording(sqlite3.Connection):
        """What the daily reads send through `sqlite3` itself (`db.prepared`), in order with
        what goes through SQLAlchemy (which sends through cursors, not here)."""

        def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
            params = [_plain(v) for v in parameters]
            statements.append({"sql": sql, "params": params, "op": "exec"})
            return super().execute(sql, parameters)

    def traced_connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection = real_connect(*args, factory=Recording, **kwargs)
        connection.set_trace_callback(traced.append)
        return connection

    sqlite3.connect = traced_connect  # type: ignore[assignment]
    sqlite3.dbapi2.connect = traced_connect  # type: ignore[assignment]

    @event.listens_for(Engine, "before_cursor_execute")
    def record(_conn, _cursor, sql, parameters, _context, executemany) -> None:  # type: ignore[no-untyped-def]
        if executemany:
            params: object = [[_plain(v) for v in row] for row in parameters]
        else:
            params = [_plain(v) for v in (parameters or ())]
        statements.append({"sql": sql, "params": params, "op": "many" if executemany else "exec"})

    # A transaction ends through the driver, not as SQL: kept in order all the same.
    @event.listens_for(Engine, "commit")
    def committed(_conn) -> None:  # type: ignore[no-untyped-def]
        statements.append({"sql": "COMMIT", "params": [], "op": "commit"})

    @event.listens_for(Engine, "rollback")
    def rolled_back(_conn) -> None:  # type: ignore[no-untyped-def]
        statements.append({"sql": "ROLLBACK", "params": [], "op": "rollback"})

    from salesproc.cli import main

    sys.argv = ["salesproc", *argv]
    out = io.StringIO()
    code: object = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        try:
            main()
        except SystemExit as done:
            code = done.code or 0
    # The settings the tool gives each new connection (`PRAGMA x = y`), once each, in order.
    sent = {s["sql"] for s in statements if s["op"] == "exec"}
    setup = [s for s in traced if s.upper().startswith("PRAGMA") and "=" in s and s not in sent]
    setup = list(dict.fromkeys(setup))
    return {"argv": argv, "exit": code, "setup": setup, "statements": statements}


def main() -> int:
    if len(sys.argv) < 3 or sys.argv[2] != "--":
        print(__doc__.strip().split("\n\n")[2], file=sys.stderr)
        return 2
    target = Path(sys.argv[1])
    found = capture(sys.argv[3:])
    target.write_text(json.dumps(found, ensure_ascii=False), encoding="utf-8")
    return 0 if found["exit"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
