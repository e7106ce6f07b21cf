"""How often each grade of customer is visited, and when the next visit falls."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from salesproc.errors import InputError
from salesproc.i18n import N_, _
from salesproc.rules.calendar import WorkCalendar
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
    return _on_or_after(agreed, visit_date)


def _on_or_after(agreed: date, visit_date: date) -> date:
    if agreed < visit_date:
        raise InputError(
            _(
                "next visit {agreed} is before the visit date {visit_date}; "
                "give a date on or after the visit"
            ).format(agreed=agreed, visit_date=visit_date)
        )
    return agreed


#: How far `next_working_day` looks: longer than any run of days off (Spring Festival).
_SEARCH_DAYS = 60


@dataclass(frozen=True)
class Revisit:
    """When the next visit falls, and the day the tool first chose when it was a day off."""

    day: date
    #: the cadence's or `+N`'s day, when that was not a working day and `day` is the next one
    moved_from: date | None = None


def cadence_days(
    grade: Grade, cadence: Mapping[Grade, int], prospect: int | None, is_prospect: bool
) -> int:
    """Days between visits: a prospect's own cadence when the team set one, else the grade's.

    A prospect is being won over, so a team may visit it weekly whatever its
    grade (four visits fit in about a month); unset, it follows its grade.
    """
    if is_prospect and prospect is not None:
        return prospect
    return cadence[grade]


def next_working_day(day: date, calendar: WorkCalendar) -> date:
    """`day` when the team works then, else the first working day after it.

    A calendar without any working day near (an odd `workdays`) leaves `day` as it is.
    """
    for offset in range(_SEARCH_DAYS):
        candidate = day + timedelta(days=offset)
        if calendar.is_workday(candidate):
            return candidate
    return day


def revisit(
    visit_date: date,
    days: int,
    calendar: WorkCalendar,
    agreed: date | None = None,
    after: int | None = None,
) -> Revisit:
    """The next visit: `agreed` kept as the rep gave it, else `after` (`--next +N`) or
    `days` (the cadence) from the visit, moved to the next working day.

    A date the rep agreed with the customer is a promise and stays; a day the
    tool counted out is only a plan, and nobody visits on a Sunday or on the
    National Day holiday.
    """
    if agreed is not None:
        return Revisit(_on_or_after(agreed, visit_date))
    counted = visit_date + timedelta(days=days if after is None else after)
    _on_or_after(counted, visit_date)  # `--next -1`: refused as a date before the visit is
    moved = next_working_day(counted, calendar)
    return Revisit(moved, counted if moved != counted else None)


#: the days' names as `moved_note` says them, Monday first (`date.weekday()`)
WEEKDAY_NAMES = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)


def weekday_name(day: date) -> str:
    """`day`'s weekday in the current language: Sunday, 星期日."""
    return _(WEEKDAY_NAMES[day.weekday()])


def moved_note(moved_from: date | None, day: date) -> str:
    """What `log-visit` adds when it moved a revisit off a day off; "" when it did not."""
    if moved_from is None:
        return ""
    return _(" (moved from {old_day} {old} to {new_day} {new}, a working day)").format(
        old_day=weekday_name(moved_from),
        old=f"{moved_from:%m-%d}",
        new_day=weekday_name(day),
        new=f"{day:%m-%d}",
    )
