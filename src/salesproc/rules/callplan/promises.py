"""The revisits promised for the call plan's week (预定再访时间), and whether each was kept.

Read from the audit's own facts of that week (`rules.audit.Facts`): they hold every
visit that promised a revisit for the window, and every visit of its customer after
it, so the plan reads no visits of its own.
"""

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import date

from salesproc.rules.audit import VisitFact
from salesproc.rules.callplan.questions import Promise


def promises(
    visits: Iterable[VisitFact], start: date, end: date, reps: Collection[str]
) -> dict[str, list[Promise]]:
    """Each of `reps`' revisits promised for [start, end]: kept when the customer, by any
    rep, was visited on a later day up to the promised one. A rep's by promised day, then
    customer (in code point order, as `bytewise`), then the promising visit.

    `visits` are the audit's facts of [start, end]: they reach back as far as a promise
    for the window is read (`db.audit_reads.PROMISE_HORIZON`).
    """
    visits = list(visits)
    made = [visit for visit in visits if start <= visit.next_visit <= end and visit.rep in reps]
    # the days of the promised customers' visits alone: a few hundred of the facts' customers
    promised = {visit.customer_id for visit in made}
    days: defaultdict[int, list[date]] = defaultdict(list)
    for visit in visits:
        if visit.customer_id in promised:
            days[visit.customer_id].append(visit.day)
    for seen in days.values():
        seen.sort()
    made.sort(key=lambda v: (v.rep, v.next_visit, v.customer, v.id))
    found: dict[str, list[Promise]] = {}
    for visit in made:
        seen = days[visit.customer_id]
        after = bisect_right(seen, visit.day)  # the first visit on a later day
        kept = after < len(seen) and seen[after] <= visit.next_visit
        found.setdefault(visit.rep, []).append(Promise(visit.customer, visit.next_visit, kept))
    return found
