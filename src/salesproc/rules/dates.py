"""The date vocabulary reps type, and the leaderboard's periods.

Dates are typed on a phone keyboard in a car park: `today`, `yesterday`,
`tomorrow`, `+3`, `-1` and ISO dates are all a rep needs.
"""

import re
from datetime import date, time, timedelta
from enum import StrEnum

from salesproc.errors import InputError
from salesproc.i18n import _

_RELATIVE = re.compile(r"[+-]\d{1,5}")
_TIME = re.compile(r"(\d{1,2}):(\d{2})")


def parse_date(text: str, today: date, relative_to: date | None = None) -> date:
    """`YYYY-MM-DD`, `today`, `yesterday`, `tomorrow`, or `+N`/`-N` days.

    `+N`/`-N` count from `relative_to` when given (a revisit is "+7 from the
    visit"), else from today.
    """
    word = text.strip().casefold()
    named = {"today": 0, "yesterday": -1, "tomorrow": 1, "今天": 0, "昨天": -1, "明天": 1}
    if word in named:
        return today + timedelta(days=named[word])
    if _RELATIVE.fullmatch(word):
        return (relative_to or today) + timedelta(days=int(word))
    try:
        return date.fromisoformat(word)
    except ValueError:
        raise InputError(
            _("bad date {text!r}; use YYYY-MM-DD, today, yesterday, tomorrow, +N or -N").format(
                text=text
            )
        ) from None


def parse_time(text: str) -> time:
    match = _TIME.fullmatch(text.strip())
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise InputError(_("bad time {text!r}; use HH:MM, e.g. 09:30").format(text=text))
    return time(int(match[1]), int(match[2]))


class Period(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    ALL = "all"


def period_start(day: date, period: Period) -> date | None:
    """First day of the period holding `day`; None for all time."""
    if period is Period.MONTH:
        return day.replace(day=1)
    if period is Period.QUARTER:
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if period is Period.YEAR:
        return date(day.year, 1, 1)
    return None
