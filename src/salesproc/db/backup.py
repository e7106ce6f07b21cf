"""A copy of the database taken while the team goes on working, checked before it is kept.

SQLite's online backup API copies the pages under a read transaction: in WAL
mode writers go on meanwhile, and the copy is the database as it stood at one
instant (one step, so a write in the middle cannot make it start over). The
copy is written beside the target under another name, checked with
`integrity_check`, and only then renamed into place: a failed or interrupted
backup never leaves a half-written file where the last good one was.

PostgreSQL has its own tool for this, `pg_dump`, which takes a consistent
snapshot of a live database; imitating it would be worse.
"""

import os
import shlex
import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from salesproc.errors import RuntimeFailure
from salesproc.i18n import _


def copy_sqlite(source: Path, target: Path) -> int:
    """Copy the SQLite file `source` to `target` (replacing it); the copy's size in bytes."""
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(partial)) as dst:
            src.backup(dst)
            # one file to keep or move, with no -wal beside it (`salesproc` sets WAL again)
            dst.execute("PRAGMA journal_mode = DELETE")
            problems = [row[0] for row in dst.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise RuntimeFailure(
                _(
                    "the copy of {source} failed its integrity check ({problem}); nothing was kept"
                ).format(source=source, problem=problems[0])
            )
        for stale in ("-wal", "-shm"):  # an old database's log would be replayed into the copy
            target.with_name(target.name + stale).unlink(missing_ok=True)
        os.replace(partial, target)
    except sqlite3.Error as exc:
        raise RuntimeFailure(
            _("cannot copy {source}: {reason}; nothing was kept").format(source=source, reason=exc)
        ) from None
    except OSError as exc:
        raise RuntimeFailure(
            _("cannot write {target}: {reason}; nothing was kept").format(
                target=target, reason=exc.strerror
            )
        ) from None
    finally:
        partial.unlink(missing_ok=True)
    return target.stat().st_size


def pg_dump_command(url: str, target: Path) -> str:
    """The `pg_dump` line that backs up the PostgreSQL database at `url` into `target`,
    without the password (libpq reads it from PGPASSWORD or ~/.pgpass)."""
    given = make_url(url)
    plain = URL.create(
        "postgresql", given.username, None, given.host, given.port, given.database, given.query
    )
    dump = ["pg_dump", "--format=custom", f"--file={target}", plain.render_as_string()]
    return shlex.join(dump)
