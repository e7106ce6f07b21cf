"""The one clock every command reads, so tests and demos can pin "now".

`SALESPROC_NOW` (an ISO datetime such as 2026-11-29T18:30) replaces the real
clock; rules never call this, they take "today" as an argument.
"""

import os
from datetime import date, datetime

from salesproc.errors import InputError
from salesproc.i18n import _


def now() -> datetime:
    pinned = os.environ.get("SALESPROC_NOW")
    if not pinned:
        return datetime.now().replace(microsecond=0)
    try:
        value = datetime.fromisoformat(pinned.strip())
    except ValueError:
        raise InputError(
            _("SALESPROC_NOW={value!r} is not an ISO datetime; use e.g. 2026-11-29T18:30").format(
                value=pinned
            )
        ) from None
    return value.replace(tzinfo=None)


def today() -> date:
    return now().date()
