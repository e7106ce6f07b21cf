"""The call plan's promised revisits, read from the audit's facts (`rules.callplan.promises`)."""

from datetime import date, datetime, timedelta

from salesproc.rules.audit import VisitFact
from salesproc.rules.callplan import Promise
from salesproc.rules.callplan.promises import promises

WEEK = (date(2026, 11, 23), date(2026, 11, 29))
_ids = iter(range(1, 10_000))
_customers: dict[str, int] = {}


def visit(day: date, customer: str, *, rep: str = "zhang", due: date | None = None) -> VisitFact:
    customer_id = _customers.setdefault(customer, len(_customers) + 1)
    return VisitFact(
        next(_ids), rep, day, None, None, datetime.combine(day, datetime.min.time()),
        customer_id, customer, "13800000000", due or day + timedelta(days=7),
    )  # fmt: skip


def test_a_promise_is_kept_by_a_visit_on_a_later_day_up_to_the_promised_one_by_anyone():
    kept = visit(date(2026, 11, 20), "华联超市", due=date(2026, 11, 25))
    by_colleague = visit(date(2026, 11, 25), "华联超市", rep="li")
    missed = visit(date(2026, 11, 20), "万家超市", due=date(2026, 11, 24))
    too_late = visit(date(2026, 11, 26), "万家超市")
    same_day = visit(date(2026, 11, 21), "物美", due=date(2026, 11, 27))
    again_that_day = visit(date(2026, 11, 21), "物美", due=date(2026, 12, 30))
    found = promises(
        [kept, by_colleague, missed, too_late, same_day, again_that_day], *WEEK, {"zhang", "li"}
    )
    assert found == {
        "zhang": [
            Promise("万家超市", date(2026, 11, 24), False),
            Promise("华联超市", date(2026, 11, 25), True),
            Promise("物美", date(2026, 11, 27), False),  # a visit the same day keeps nothing
        ]
    }


def test_only_the_weeks_promises_of_the_reps_planned():
    outside = visit(date(2026, 11, 10), "华联超市", due=date(2026, 11, 22))
    inactive = visit(date(2026, 11, 20), "万家超市", rep="gone", due=date(2026, 11, 24))
    assert promises([outside, inactive], *WEEK, {"zhang"}) == {}
