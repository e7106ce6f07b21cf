"""The same visit twice: a visit is known by its rep, customer, day and start time.

A form re-imported, or a visit logged again after a doubtful `log-visit`,
must not double a rep's visits (the quota, the leaderboard's visit metric,
the audit's overlaps). A visit without a start time is the same visit as
another without one to the same customer on the same day by the same rep: a
form that lists a customer twice on one day with no times is most likely
the same call written twice; logging a second one on purpose takes
`log-visit --again` (or start times).

`import visits` checks a million rows against what is on file, so a visit's
identity is one int (`identity`), and the visits on file are loaded a day at
a time, only for the days the file names (`OnFile`).
"""

from datetime import date, time
from typing import TYPE_CHECKING

from sqlalchemy import select

from salesproc.db.tables import reps, visits

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

_v = visits.c

#: a customer id's bits in an identity (a customer an import creates has a negative id)
_CUSTOMER_BITS = 0xFFFFFFFF


def identity(visit_key: int, rep: int, customer: int) -> int:
    """A visit's rep, customer, day and start time as one int; `visit_key` is
    `visit_bulk.visit_key`'s (whose high bits are the day and start minute).

    Hot: `adapters.visit_import` inlines it.
    """
    return ((visit_key >> 32) << 64) | (rep << 32) | (customer & _CUSTOMER_BITS)


def _minute(day: date, start: time | None) -> int:
    """`visit_bulk.visit_key`'s day and start minute (none: before 00:00)."""
    return day.toordinal() * 1441 + (0 if start is None else 1 + start.hour * 60 + start.minute)


class OnFile:
    """The identities of the visits on file, by day, loaded for a day when a file first
    names it: a form of one day loads that day's, a history of two years a day at a time
    (one index seek per rep and day), never the whole table."""

    def __init__(self, session: "Session") -> None:
        self.session = session
        #: the identities of the visits of each day loaded so far
        self.days: dict[date, set[int]] = {}
        #: no visit on file at all: nothing to load, ever
        self.empty = session.scalar(select(_v.id).limit(1)) is None

    def load(self, day: date) -> set[int]:
        """The day's visits' identities (asked once a day)."""
        keys = self.days[day] = set()
        if self.empty:
            return keys
        query = select(_v.rep_id, _v.customer_id, _v.start_time).where(
            # by ix_visits_rep_date: a seek per rep, not a scan of the visits
            _v.rep_id.in_(select(reps.c.id)),
            _v.visit_date == day,
        )
        for rep, customer, start in self.session.execute(query):
            keys.add((_minute(day, start) << 64) | (rep << 32) | (customer & _CUSTOMER_BITS))
        return keys
