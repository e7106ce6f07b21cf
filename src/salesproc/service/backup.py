"""`backup`: a copy of the team's database to keep, taken while everyone goes on working."""

from dataclasses import dataclass
from pathlib import Path

from salesproc.db.backup import copy_sqlite, pg_dump_command
from salesproc.db.engine import describe, missing, sqlite_file, to_url
from salesproc.errors import InputError
from salesproc.i18n import _
from salesproc.service.context import Context


@dataclass(frozen=True)
class Backup:
    #: the database copied, as messages name it
    source: str
    target: Path
    size: int


def backup(ctx: Context, target: Path, force: bool = False) -> Backup:
    """Copy the SQLite database to `target`, which must not exist unless `force`: a backup
    must never replace a file by accident (it may be the last good copy, or a database)."""
    db = str(ctx.settings.db.value)
    source = sqlite_file(to_url(db))
    if source is None:
        raise InputError(
            _(
                "{db} is a PostgreSQL database: back it up with PostgreSQL's own tool, which "
                "copies a live database consistently: {command} (the password from PGPASSWORD "
                "or ~/.pgpass)"
            ).format(db=describe(db), command=pg_dump_command(to_url(db), target))
        )
    if not source.exists():
        raise missing(source)
    target = target.expanduser().resolve()
    if target == source.resolve():
        raise InputError(
            _("{target} is the database itself: name another file for the copy").format(
                target=target
            )
        )
    if target.is_dir():
        raise InputError(
            _("{target} is a folder: name the file for the copy, e.g. {example}").format(
                target=target, example=target / f"{source.stem}-backup{source.suffix}"
            )
        )
    if not target.parent.is_dir():
        raise InputError(
            _("no folder {folder}: create it first, or name a file in an existing one").format(
                folder=target.parent
            )
        )
    if target.exists() and not force:
        raise InputError(
            _("{target} already exists: name a new file, or pass --force to replace it").format(
                target=target
            )
        )
    return Backup(str(source), target, copy_sqlite(source, target))
