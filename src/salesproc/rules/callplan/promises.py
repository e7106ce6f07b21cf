"""The revisits promised for the call plan's week (预定再访时间), and whether each was kept.

Read from the audit's own facts of that week (`rules.audit.Facts`): they hold every
visit that promised a revisit for the window, and every visit of its customer after
it, so the plan reads no visits of its own.
"""

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import date, timedelta
from itertools import compress
from operator import attrgetter, itemgetter

from salesproc.rules.audit import VisitFact
from salesproc.rules.callplan.questions import Promise

# `VisitFact` fields read by position, at the speed of C, over tens of thousands of facts
_NEXT_VISIT = itemgetter(VisitFact._fields.index("next_visit"))
_CUSTOMER_ID = itemgetter(VisitFact._fields.index("customer_id"))
_CUSTOMER_DAY = attrgetter("customer_id", "day")
#: a rep's promises in its list: by promised day, then customer (code point order), then visit
_IN_LIST = attrgetter("next_visit", "customer", "id")


def promises(
    visits: Iterable[VisitFact], start: date, end: date, reps: Collection[str]
) -> dict[str, list[Promise]]:
    """Each of `reps`' revisits promised for [start, end]: kept when the customer, by any
    rep, was visited on a later day up to the promised one. A rep's by promised day, then
    customer (in code point order, as `bytewise`), then the promising visit.

    `visits` are the audit's facts of [start, end]: they reach back as far as a promise
    for the window is read (`db.audit_reads.PROMISE_HORIZON`).
    """
    visits = visits if isinstance(visits, list | tuple) else list(visits)
    window = {start + timedelta(days=n) for n in range((end - start).days + 1)}
    made: defaultdict[str, list[VisitFact]] = defaultdict(list)
    for visit in compress(visits, map(window.__contains__, map(_NEXT_VISIT, visits))):
        if visit.rep in reps:
            made[visit.rep].append(visit)
    # the days of the promised customers' visits alone: a few thousand of the facts' customers
    promised = {visit.customer_id for mine in made.values() for visit in mine}
    days: defaultdict[int, list[date]] = defaultdict(list)
    of_promised = compress(visits, map(promised.__contains__, map(_CUSTOMER_ID, visits)))
    for customer_id, day in map(_CUSTOMER_DAY, of_promised):
        days[customer_id].append(day)
    for seen in days.values():
        seen.sort()
    found: dict[str, list[Promise]] = {}
    for rep in sorted(made):  # each rep's sorted apart: fewer comparisons than all at once
        listed = found[rep] = []
        for visit in sorted(made[rep], key=_IN_LIST):
            seen = days[visit.customer_id]
            after = bisect_right(seen, visit.day)  # the first visit on a later day
            kept = after < len(seen) and seen[after] <= visit.next_visit
            listed.append(Promise(visit.customer, visit.next_visit, kept))
    return found
