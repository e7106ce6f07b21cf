"""The date vocabulary reps type, and the leaderboard's periods.

Dates are typed on a phone keyboard in a car park, or come from a clerk's
spreadsheet: `today`, `yesterday`, `tomorrow`, `+3`, `-1`, ISO dates (with a
time after them, as spreadsheets add), `2026/11/25` and `2026年11月25日`.
This is the one reader of dates: every option and every import calls it, so
whatever one place accepts, all accept.
"""

import re
from datetime import date, time, timedelta
from enum import StrEnum

from salesproc.errors import InputError
from salesproc.i18n import N_, _

_RELATIVE = re.compile(r"[+-]\d{1,5}")
_TIME = re.compile(r"(\d{1,2}):(\d{2})")
#: `2026-11-25`, `2026/11/25`, `2026.11.25`, `2026年11月25日`, and a time after any of them
#: (matched on the case-folded text: `T` reads as `t`)
_WRITTEN = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ t].*)?")
_NAMED = {"today": 0, "yesterday": -1, "tomorrow": 1, "今天": 0, "昨天": -1, "明天": 1}


def parse_date(text: str, today: date, relative_to: date | None = None) -> date:
    """A date as people write it: written out, or named or counted from today.

    `+N`/`-N` count from `relative_to` when given (a revisit is "+7 from the
    visit"), else from today.
    """
    word = text.strip().casefold()
    if word in _NAMED:
        return today + timedelta(days=_NAMED[word])
    if _RELATIVE.fullmatch(word):
        return (relative_to or today) + timedelta(days=int(word))
    match = _WRITTEN.fullmatch(word)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    raise InputError(
        _(
            "bad date {text!r}; use YYYY-MM-DD (or 2026/11/25, 2026年11月25日), "
            "today, yesterday, tomorrow, +N or -N"
        ).format(text=text)
    )


#: what a date after today is called, by what the date is (`check_not_future`'s `message`)
DATE_AHEAD = N_("{day} is after today ({today})")
VISIT_DATE_AHEAD = N_("visit date {day} is after today ({today}); record what has happened")
SALE_DATE_AHEAD = N_("sale date {day} is after today ({today}); record what has happened")
REPORT_DATE_AHEAD = N_("report date {day} is after today ({today})")
COLLECTION_DATE_AHEAD = N_(
    "collection date {day} is after today ({today}); record what has happened"
)


def check_not_future(day: date, today: date, message: str = DATE_AHEAD) -> date:
    """`day` unchanged, or an error: the tool records what has happened, never a plan.

    The one "not after today" check of every option and import; `message` is one of
    the `*_AHEAD` messages above.
    """
    if day > today:
        raise InputError(_(message).format(day=day, today=today))
    return day


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
