"""`export`: visits, sales or customers out to a file, with the headings `import` reads.

Apart from the imports (`service.transfer`) because an export only
reads (`ctx.quick_reading`): it never loads the ORM, the models nor the imports' checkers,
and on an SQLite file not even SQLAlchemy (`db.export`). Those imports were a quarter of the
CPU of a year's export of a million-visit database.
"""

from datetime import date
from pathlib import Path
from typing import Literal

from salesproc.adapters import export as sheets
from salesproc.db import export as rows
from salesproc.errors import InputError
from salesproc.i18n import _
from salesproc.service.context import Context
from salesproc.service.instruments import exported_as

What = Literal["visits", "sales", "customers"]
FileFormat = Literal["csv", "xlsx", "json"]


def export(
    ctx: Context,
    what: What,
    fmt: FileFormat,
    output: Path,
    rep: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> int:
    """Write visits, sales or customers (`rep`'s only, between `start` and `end` where
    given) with the headings `import` reads; returns how many rows."""
    exported_as(ctx)  # a rep's login: its own rows only, and told so
    query, sheet = {
        "visits": (rows.visits, sheets.visits),
        "sales": (rows.sales, sheets.sales),
        "customers": (rows.customers, sheets.customers),
    }[what]
    with ctx.quick_reading() as db:
        rep_id = None
        if rep:
            from salesproc.db.daily_reads import find_rep  # and the daily rules: --rep only

            rep_id = find_rep(db, rep).id
        try:
            stored = query(db, rep_id, start, end)
            return sheets.write(sheet(stored.read, stored.chunks, stored.spans), fmt, output)
        except OSError as exc:
            raise InputError(
                _("cannot write {file}: {reason}").format(file=output, reason=exc.strerror)
            ) from None
