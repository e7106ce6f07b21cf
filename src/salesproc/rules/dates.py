"""The date and time vocabulary reps type, and the leaderboard's periods.

Dates are typed on a phone keyboard in a car park, or come from a clerk's
spreadsheet: `today`, `昨天`, `+3`, `-1`, ISO dates (with a time after them, as
spreadsheets add), `2026/11/25`, `2026年11月25日`, or the month and day alone
(`11-25`, `11月25日`: this year). Times the same: `09:30`, `0930`, `9点半`.
This is the one reader of dates and of times: every option and every import
calls it, so whatever one place accepts, all accept.
"""

import re
import unicodedata
from datetime import date, time, timedelta
from enum import StrEnum

from salesproc.errors import InputError
from salesproc.i18n import N_, _

_RELATIVE = re.compile(r"[+-]\d{1,5}")
#: `2026-11-25`, `2026/11/25`, `2026.11.25`, `2026年11月25日`, and a time after any of them
#: (matched on the case-folded text: `T` reads as `t`)
_WRITTEN = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?(?:[ t].*)?")
#: `11-25`, `11/25`, `11月25日`: the month and day alone, in the year of today
_MONTH_DAY = re.compile(r"(\d{1,2})\s*(?:[-/]\s*(\d{1,2})|月\s*(\d{1,2})\s*[日号]?)")
_NAMED = {
    "today": 0, "yesterday": -1, "tomorrow": 1,
    "今天": 0, "昨天": -1, "前天": -2, "明天": 1, "后天": 2,
}  # fmt: skip
#: `09:30`, `9:30`, `09:30:00` (a spreadsheet's time cell; the seconds are dropped), `0930`
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?|(\d{2})(\d{2})")
#: `9点`, `9点30`, `9点30分`, `9点半`, `9时30分`
_SPOKEN = re.compile(r"(\d{1,2})\s*[点時时]\s*(?:(半)|(\d{1,2})\s*分?)?")
#: what stands between the start and the end of a visit's time: `-`, `–`, `—`, `~`, `至`, `到`
_SPAN_DASH = re.compile(r"\s*[-–—~〜至到]\s*")


def _plain(text: str) -> str:
    """Full-width digits and signs as ASCII (`１１／２５` is `11/25`), trimmed, case-folded."""
    return unicodedata.normalize("NFKC", text).strip().casefold()


def parse_date(text: str, today: date, relative_to: date | None = None) -> date:
    """A date as people write it: written out, the month and day of this year, or named
    or counted from today.

    `+N`/`-N` count from `relative_to` when given (a revisit is "+7 from the
    visit"), else from today.
    """
    word = _plain(text)
    if word in _NAMED:
        return today + timedelta(days=_NAMED[word])
    if _RELATIVE.fullmatch(word):
        return (relative_to or today) + timedelta(days=int(word))
    written = _WRITTEN.fullmatch(word)
    month_day = None if written else _MONTH_DAY.fullmatch(word)
    try:
        if written:
            return date(int(written[1]), int(written[2]), int(written[3]))
        if month_day:
            day = month_day[2] or month_day[3]
            return date(today.year, int(month_day[1]), int(day))
    except ValueError:
        pass
    raise InputError(
        _(
            "bad date {text!r}; use 2026-11-25 (or 2026/11/25, 2026.11.25, 2026年11月25日), "
            "11-25, 11/25 or 11月25日 (this year), today, yesterday, tomorrow, "
            "今天, 昨天, 前天, 明天, 后天, +N or -N (days from today)"
        ).format(text=text)
    )


def counts_days(text: str) -> bool:
    """Whether `text` is a count of days (`+7`, `－3`) rather than a day: a revisit's `+N`
    counts from its visit, whichever day that turns out to be."""
    return _RELATIVE.fullmatch(_plain(text)) is not None


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
    """A time of day as people write it: `09:30`, `9:30`, `0930`, `9点30`, `9点`, `9点半`,
    or a spreadsheet's time cell (`09:30:00`)."""
    word = _plain(text)
    clock = _CLOCK.fullmatch(word)
    spoken = None if clock else _SPOKEN.fullmatch(word)
    hour = minute = -1
    if clock:
        hour, minute = int(clock[1] or clock[3]), int(clock[2] or clock[4])
    elif spoken:
        hour = int(spoken[1])
        minute = 30 if spoken[2] else int(spoken[3] or 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise InputError(
            _("bad time {text!r}; use 09:30, 9:30, 0930, 9点30, 9点 or 9点半").format(text=text)
        )
    return time(hour, minute)


def parse_time_span(text: str) -> tuple[time | None, time | None]:
    """A visit's time: start and end as `09:30-10:15` (or `–`, `~`, `至` between; each side
    any form `parse_time` reads), the start alone (`09:30`) or the end alone (`-10:15`)."""
    parts = _SPAN_DASH.split(unicodedata.normalize("NFKC", text).strip())
    try:
        if len(parts) == 1 and parts[0]:
            return parse_time(parts[0]), None
        if len(parts) == 2 and (parts[0] or parts[1]):
            start, end = (parse_time(part) if part else None for part in parts)
            return start, end
    except InputError:
        pass
    raise InputError(
        _("bad visit time {text!r}; use 09:30-10:15 (or 09:30~10:15, 9点-10点半)").format(text=text)
    )


class Period(StrEnum):
    #: Monday to Sunday
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    ALL = "all"


def period_start(day: date, period: Period) -> date | None:
    """First day of the period holding `day` (a week's Monday); None for all time."""
    if period is Period.WEEK:
        return day - timedelta(days=day.weekday())
    if period is Period.MONTH:
        return day.replace(day=1)
    if period is Period.QUARTER:
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if period is Period.YEAR:
        return date(day.year, 1, 1)
    return None
