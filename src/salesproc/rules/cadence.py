"""How often each grade of customer is visited, and when the next visit falls."""

from collections.abc import Mapping
from datetime import date, timedelta

from salesproc.errors import InputError
from salesproc.i18n import _
from salesproc.rules.vocab import Grade

#: Days between visits by grade: key customers weekly, promising fortnightly,
#: ordinary monthly. Teams override these in the config file's [cadence].
DEFAULT_CADENCE: Mapping[Grade, int] = {Grade.A: 7, Grade.B: 14, Grade.C: 30}


def next_visit_date(
    visit_date: date,
    grade: Grade,
    cadence: Mapping[Grade, int],
    agreed: date | None = None,
) -> date:
    """The agreed revisit date when there is one, else the grade's cadence.

    The date is fixed when the visit is logged: a later change of grade or
    cadence must not move a revisit the rep already promised the customer.
    """
    if agreed is None:
        return visit_date + timedelta(days=cadence[grade])
    if agreed < visit_date:
        raise InputError(
            _(
                "next visit {agreed} is before the visit date {visit_date}; "
                "give a date on or after the visit"
            ).format(agreed=agreed, visit_date=visit_date)
        )
    return agreed
