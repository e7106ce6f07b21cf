"""Mainland China's public holidays and make-up working days (调休), from `chinese-calendar`.

The State Council announces each year's holidays late in the year before,
so the dates come from a maintained package rather than from rules: each
release adds the next year (1.11 covers 2004–2026). A year it does not know
is not an error: the calendar leaves it out of `covered_years`, the rules
count weekdays only there, and the caller warns the user.
"""

from collections.abc import Iterable
from datetime import date

from salesproc.rules.calendar import MON_FRI, WorkCalendar


def china_calendar(years: Iterable[int], weekdays: frozenset[int] = MON_FRI) -> WorkCalendar:
    """The team's calendar for `years`, with China's holidays wherever the package has them.

    `calendar.fallback_years(years)` then names the years left to the weekday rule.
    """
    wanted = set(years)
    holidays, makeup_days, covered = _package_data()
    covered_wanted = wanted & covered
    return WorkCalendar(
        weekdays=weekdays,
        holidays=frozenset(day for day in holidays if day.year in covered_wanted),
        makeup_days=frozenset(day for day in makeup_days if day.year in covered_wanted),
        covered_years=frozenset(covered_wanted),
    )


def _package_data() -> tuple[frozenset[date], frozenset[date], frozenset[int]]:
    """(holidays, make-up days, years covered), as `chinese_calendar` itself bounds its years.

    Imported here, not at the top: start-up of every other command stays fast.
    Without the package (a broken install) no year is covered, so every year
    falls back to weekdays with the caller's warning instead of failing.
    """
    try:
        import chinese_calendar
    except ImportError:
        return frozenset(), frozenset(), frozenset()
    holidays = frozenset(chinese_calendar.holidays)
    makeup_days = frozenset(chinese_calendar.workdays)
    if not holidays:
        return frozenset(), frozenset(), frozenset()
    first, last = min(holidays).year, max(holidays).year
    return holidays, makeup_days, frozenset(range(first, last + 1))
