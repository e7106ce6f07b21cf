"""Working days (工作日): the team's weekdays, less public holidays, plus make-up days (调休).

Targets are split and progress is paced by working days, not calendar days:
a rep cannot sell on the Spring Festival holiday, and does sell on the
Saturday the state moves a working day to. The holiday data comes in as
arguments (`adapters.holidays` reads it from a maintained package), so these
rules stay pure; for a year the data does not cover, only the weekday rule
applies, and the caller warns the user (`fallback_years`).

Weekdays are numbered as `date.weekday()`: Monday 0 … Sunday 6.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from salesproc.errors import InputError
from salesproc.i18n import _

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NAME_TO_DAY = {name: day for names in (DAY_NAMES, _FULL_NAMES) for day, name in enumerate(names)}
_ITEM = re.compile(r"([a-z]+)(?:\s*-\s*([a-z]+))?")

MON_FRI = frozenset(range(5))


@dataclass(frozen=True)
class WorkCalendar:
    """The team's working days: `weekdays`, less `holidays`, plus `makeup_days`.

    `holidays` are the days off of a public holiday, weekends inside it
    included; a make-up day is worked even if it is also listed as a holiday.
    `covered_years` are the years the holiday data is complete for.
    """

    weekdays: frozenset[int] = MON_FRI
    holidays: frozenset[date] = frozenset()
    makeup_days: frozenset[date] = frozenset()
    covered_years: frozenset[int] = frozenset()

    def is_workday(self, day: date) -> bool:
        if day in self.makeup_days:
            return True
        return day.weekday() in self.weekdays and day not in self.holidays

    def workdays(self, start: date, end: date) -> int:
        """Working days from `start` to `end`, both included; 0 when `end` is before `start`."""
        return sum(1 for day in days_in(start, end) if self.is_workday(day))

    def fallback_years(self, years: Iterable[int]) -> tuple[int, ...]:
        """The years among `years` without holiday data: they count weekdays only."""
        return tuple(sorted(set(years) - self.covered_years))


def days_in(start: date, end: date) -> Iterable[date]:
    """Every day from `start` to `end`, both included."""
    for offset in range((end - start).days + 1):
        yield start + timedelta(days=offset)


def parse_weekdays(text: str) -> frozenset[int]:
    """The `workdays` setting: day names and ranges, e.g. `mon-fri`, `mon-sat`, `mon,tue,thu`.

    A range may wrap past Sunday (`sun-thu` is Sunday to Thursday), because
    a team that works Sunday to Thursday writes it that way.
    """
    days: set[int] = set()
    items = [item.strip() for item in text.casefold().replace("，", ",").split(",")]
    for item in items:
        match = _ITEM.fullmatch(item)
        if match is None or not _known(match.groups()):
            raise _bad_weekdays(text)
        first = _NAME_TO_DAY[match[1]]
        last = _NAME_TO_DAY[match[2] or match[1]]
        days.update((first + step) % 7 for step in range((last - first) % 7 + 1))
    return frozenset(days)


def format_weekdays(weekdays: Iterable[int]) -> str:
    """`{0, 1, 2, 3, 4}` → `mon,tue,wed,thu,fri`: the setting's value as `config show` prints it."""
    return ",".join(DAY_NAMES[day] for day in sorted(weekdays))


def _known(names: tuple[str | None, ...]) -> bool:
    return all(name is None or name in _NAME_TO_DAY for name in names)


def _bad_weekdays(text: str) -> InputError:
    return InputError(
        _(
            "bad working days {text!r}; use day names such as mon-fri, mon-sat or mon,tue,thu"
        ).format(text=text)
    )
