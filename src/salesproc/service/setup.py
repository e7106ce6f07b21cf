"""Setting up: creating the database (or bringing an older one up to date)."""

from dataclasses import dataclass

from salesproc.db.engine import describe
from salesproc.db.migrate import HEAD
from salesproc.service.context import Context


@dataclass(frozen=True)
class Database:
    #: the database, as messages name it (a path, or a URL without its password)
    where: str
    schema: str


def init(ctx: Context) -> Database:
    """Create the database at the context's location, or upgrade its schema. Safe to repeat."""
    ctx.engine(create=True)
    return Database(describe(str(ctx.settings.db.value)), HEAD)
