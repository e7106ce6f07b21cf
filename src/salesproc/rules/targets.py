"""Sales targets (销售目标) and progress (销售进度): the annual target split down, then paced.

An annual target is agreed per rep and per team, then split into months;
quarters are sums of months, and weeks (Monday–Sunday) take from each month
in proportion to their working days in it. Progress compares what was sold
to date with the period's target, and with how much of the period's
working time has gone, so a rep behind pace is seen before the month ends.

Money is integer cents throughout, and proportions are exact fractions.
The rounding rule (`allocate`): each part is its exact share *rounded down*
to the cent, and the few cents left over go to the last part that has a
share. So parts are never negative, a part with no share (a month without
working days) gets nothing, and the parts always add up to the whole.
"""

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import NamedTuple

from salesproc.errors import InputError
from salesproc.i18n import _
from salesproc.rules.calendar import WorkCalendar
from salesproc.rules.dates import Period, period_start

MONTHS = 12
_WEIGHT = re.compile(r"[0-9]+(\.[0-9]+)?")
_MONTH = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})")


class SplitMethod(StrEnum):
    """How an annual target is split into months (`target set --split`)."""

    EVEN = "even"
    WORKDAYS = "workdays"
    WEIGHTS = "weights"
    LAST_YEAR = "last-year"


@dataclass(frozen=True)
class Split:
    """A parsed `--split`: the method, and the 12 weights of `weights:…`."""

    method: SplitMethod
    weights: tuple[Decimal, ...] | None = None

    def __str__(self) -> str:
        """The text it was given as, normalized: what a stored month says it came from."""
        if self.weights is None:
            return self.method.value
        return f"{self.method.value}:" + ",".join(str(weight) for weight in self.weights)


#: the split methods as a sales office says them
_SPLIT_ZH = {
    "平均": "even", "平均分": "even", "工作日": "workdays", "按工作日": "workdays",
    "去年": "last-year", "按去年": "last-year", "权重": "weights", "按权重": "weights",
}  # fmt: skip


def parse_split(text: str) -> Split:
    """`even`, `workdays`, `last-year` or `weights:W1,…,W12` (12 numbers ≥ 0, not all 0);
    or in Chinese 平均, 按工作日, 按去年, 权重:W1,…,W12."""
    word = text.strip().casefold().replace("：", ":")
    head, colon, rest = word.partition(":")
    head, word = _SPLIT_ZH.get(head.strip(), head), _SPLIT_ZH.get(word, word)
    if head.strip() == SplitMethod.WEIGHTS and colon:
        return Split(SplitMethod.WEIGHTS, _parse_weights(rest, text))
    if word in (SplitMethod.EVEN, SplitMethod.WORKDAYS, SplitMethod.LAST_YEAR):
        return Split(SplitMethod(word))
    raise InputError(
        _("bad split {text!r}; use even, workdays, last-year or weights:W1,…,W12").format(text=text)
    )


def _parse_weights(items: str, text: str) -> tuple[Decimal, ...]:
    words = [word.strip() for word in items.replace("，", ",").split(",")]
    if len(words) != MONTHS or not all(_WEIGHT.fullmatch(word) for word in words):
        raise _bad_weights(text)
    weights = tuple(Decimal(word) for word in words)
    if not any(weights):
        raise _bad_weights(text)
    return weights


def _bad_weights(text: str) -> InputError:
    return InputError(
        _(
            "bad weights {text!r}; give 12 numbers, one a month, each 0 or more and not all 0, "
            "e.g. weights:6,6,8,8,8,9,9,9,9,9,9,10"
        ).format(text=text)
    )


def parse_month(text: str) -> tuple[int, int]:
    """`YYYY-MM` (`target set --month`) → (year, month)."""
    match = _MONTH.fullmatch(text.strip())
    if match is None or not 1 <= int(match["month"]) <= MONTHS:
        raise InputError(_("bad month {text!r}; use YYYY-MM, e.g. 2026-03").format(text=text))
    return int(match["year"]), int(match["month"])


# --- splitting ---------------------------------------------------------------------------


def allocate(amount_cents: int, weights: Sequence[int | Decimal | Fraction]) -> list[int]:
    """`amount_cents` in parts proportional to `weights`, adding up to it exactly.

    Each part is rounded down to the cent and the remainder (fewer cents
    than there are parts) goes to the last part with a weight: rounding
    down keeps every part ≥ 0, and a part of weight 0 stays 0.
    """
    if amount_cents < 0:
        raise ValueError(f"negative amount {amount_cents}")
    shares = [Fraction(weight) for weight in weights]
    if any(share < 0 for share in shares) or not any(shares):
        raise ValueError(f"weights must be ≥ 0 and not all 0: {list(weights)}")
    total = sum(shares, Fraction(0))
    parts = [math.floor(amount_cents * share / total) for share in shares]
    last = max(index for index, share in enumerate(shares) if share)
    parts[last] += amount_cents - sum(parts)
    return parts


def effective_method(
    method: SplitMethod,
    calendar: WorkCalendar,
    year: int,
    last_year: Sequence[int] | None = None,
) -> SplitMethod:
    """The method `split_year` really uses: `even` when the one asked for has nothing to go by.

    Last year with no sales (a new rep) gives no proportions, nor does a year
    without working days; the caller tells the user the split fell back.
    """
    if method is SplitMethod.LAST_YEAR and not any(_sold(last_year)):
        return SplitMethod.EVEN
    if method is SplitMethod.WORKDAYS and not calendar.workdays(*year_bounds(year)):
        return SplitMethod.EVEN
    return method


def split_year(
    amount_cents: int,
    method: SplitMethod,
    calendar: WorkCalendar,
    year: int,
    weights: Sequence[Decimal | int] | None = None,
    last_year: Sequence[int] | None = None,
) -> list[int]:
    """The 12 month targets of an annual target of `amount_cents` (see `allocate`).

    `workdays` weighs each month by its working days; `last-year` by last
    year's sales in it (`last_year`: 12 amounts in cents, a month of net
    returns counting as 0); `weights` by the 12 given numbers.
    """
    used = effective_method(SplitMethod(method), calendar, year, last_year)
    if used is SplitMethod.EVEN:
        return allocate(amount_cents, [1] * MONTHS)
    if used is SplitMethod.WORKDAYS:
        return allocate(
            amount_cents, [calendar.workdays(*month_bounds(year, m)) for m in _months()]
        )
    if used is SplitMethod.LAST_YEAR:
        return allocate(amount_cents, _sold(last_year))
    if weights is None or len(weights) != MONTHS:
        raise ValueError(f"the weights split needs 12 weights, got {weights!r}")
    return allocate(amount_cents, weights)


def _sold(last_year: Sequence[int] | None) -> list[int]:
    if last_year is None or len(last_year) != MONTHS:
        raise ValueError(f"the last-year split needs 12 monthly amounts, got {last_year!r}")
    return [max(amount, 0) for amount in last_year]


def _months() -> range:
    return range(1, MONTHS + 1)


def quarters(months: Sequence[int]) -> list[int]:
    """The 4 quarter targets: each the sum of its 3 months, so they add up to the year."""
    if len(months) != MONTHS:
        raise ValueError(f"expected 12 months, got {len(months)}")
    return [sum(months[q * 3 : q * 3 + 3]) for q in range(4)]


class WeekPart(NamedTuple):
    """The part of a week (starting `monday`) inside one month, from `start` to `end`."""

    monday: date
    start: date
    end: date
    cents: int


class WeekTarget(NamedTuple):
    monday: date
    sunday: date
    cents: int


def month_week_parts(
    year: int, month: int, month_cents: int, calendar: WorkCalendar
) -> list[WeekPart]:
    """The month's target over the weeks it touches, by their working days in the month.

    A month without a working day (only possible with an odd calendar) is
    spread by calendar days instead, so its target is not lost.
    """
    start, end = month_bounds(year, month)
    spans = []
    while start <= end:
        monday = start - timedelta(days=start.weekday())
        spans.append((monday, start, min(monday + timedelta(days=6), end)))
        start = monday + timedelta(days=7)
    weights = [calendar.workdays(first, last) for _monday, first, last in spans]
    if not any(weights):
        weights = [(last - first).days + 1 for _monday, first, last in spans]
    amounts = allocate(month_cents, weights)
    return [WeekPart(*span, cents) for span, cents in zip(spans, amounts, strict=True)]


def weeks(year: int, months: Sequence[int], calendar: WorkCalendar) -> list[WeekTarget]:
    """Every week (Monday–Sunday) touching `year`, with its target from the year's months.

    A week across two months takes its part of each; one across New Year
    carries only this year's part, the rest belongs to the other year's target.
    """
    if len(months) != MONTHS:
        raise ValueError(f"expected 12 months, got {len(months)}")
    totals: dict[date, int] = {}
    for month, month_cents in zip(_months(), months, strict=True):
        for part in month_week_parts(year, month, month_cents, calendar):
            totals[part.monday] = totals.get(part.monday, 0) + part.cents
    return [
        WeekTarget(monday, monday + timedelta(days=6), cents) for monday, cents in totals.items()
    ]


# --- periods and progress ----------------------------------------------------------------


class ProgressPeriod(StrEnum):
    """The periods progress is shown for, each to date."""

    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class Span(NamedTuple):
    """A period's first and last day, both included."""

    start: date
    end: date


def year_bounds(year: int) -> Span:
    return Span(date(year, 1, 1), date(year, 12, 31))


def month_bounds(year: int, month: int) -> Span:
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return Span(first, following - timedelta(days=1))


def period_bounds(kind: ProgressPeriod, today: date) -> Span:
    """First and last day of the week (Monday–Sunday), month, quarter or year holding `today`."""
    kind = ProgressPeriod(kind)
    if kind is ProgressPeriod.WEEK:
        monday = today - timedelta(days=today.weekday())
        return Span(monday, monday + timedelta(days=6))
    if kind is ProgressPeriod.MONTH:
        return month_bounds(today.year, today.month)
    if kind is ProgressPeriod.QUARTER:
        first = period_start(today, Period.QUARTER)
        assert first is not None
        return Span(first, month_bounds(today.year, first.month + 2).end)
    return year_bounds(today.year)


@dataclass(frozen=True)
class Progress:
    """Where one period stands on `today`.

    `reached` is actual / target (None without a target) and `elapsed` the
    share of the period's working days gone (None if it has none): before
    today, and today too when `today_counted` (`today_counts`): reached below
    elapsed means behind pace. `gap` is target − actual,
    negative when ahead. `per_day_needed` is the gap over the working days
    left, rounded *up* to the cent so that selling it each
    day closes the gap; 0 when there is no gap, None when no working day is left.
    """

    start: date
    end: date
    actual: int
    target: int
    reached: Decimal | None
    elapsed: Decimal | None
    gap: int
    per_day_needed: int | None
    workdays_total: int
    workdays_elapsed: int
    workdays_remaining: int
    #: whether `today` itself counts as gone (its evening: `today_counts`)
    today_counted: bool = False


#: From noon a day's figures are the evening's (the broadcast's evening edition from then on):
#: the day counts as gone for the time elapsed.
EVENING_HOUR = 12


def today_counts(day: date, now: datetime) -> bool:
    """Whether `day` counts as gone when the time elapsed is read at `now`.

    The one rule of `progress` and the broadcast, so that both say the same
    share on the same evening: a day before today is gone; today is from the
    evening (`EVENING_HOUR`), its sales in; in the morning it is still ahead.
    """
    return day < now.date() or (day == now.date() and now.hour >= EVENING_HOUR)


def progress(
    actual_cents: int,
    target_cents: int,
    start: date,
    end: date,
    today: date,
    calendar: WorkCalendar,
    today_counted: bool = False,
) -> Progress:
    """The progress of the period `start`–`end` on `today` (actual sales to date given);
    `today` counts as gone when `today_counted` (`today_counts` says when)."""
    total = calendar.workdays(start, end)
    last_gone = today if today_counted else today - timedelta(days=1)
    done = calendar.workdays(start, min(last_gone, end))
    remaining = total - done
    gap = target_cents - actual_cents
    return Progress(
        start=start,
        end=end,
        actual=actual_cents,
        target=target_cents,
        reached=Decimal(actual_cents) / Decimal(target_cents) if target_cents else None,
        elapsed=Decimal(done) / Decimal(total) if total else None,
        gap=gap,
        per_day_needed=_per_day(gap, remaining),
        workdays_total=total,
        workdays_elapsed=done,
        workdays_remaining=remaining,
        today_counted=today_counted,
    )


def _per_day(gap: int, remaining: int) -> int | None:
    if remaining == 0:
        return None
    if gap <= 0:
        return 0
    return -(-gap // remaining)


def period_target(
    kind: ProgressPeriod | Period,
    day: date,
    months: Sequence[int],
    calendar: WorkCalendar | None = None,
) -> int:
    """The target of the week, month, quarter or year holding `day`, from its year's 12 months.

    The one rule for a period's target: the leaderboard's target column,
    `progress` and the broadcast all ask it, so no two of them can show a
    different target for the same period. It takes the leaderboard's periods
    (`dates.Period`) as well as progress's; all time has no target, a target
    being set per year. Only a week needs `calendar`, its part of each month
    going by working days; a week across New Year counts only this year's
    part (the rest is next year's target, which may not be set yet).
    """
    if kind == Period.ALL:
        raise ValueError("all time has no target: targets are set year by year")
    if len(months) != MONTHS:
        raise ValueError(f"expected 12 months, got {len(months)}")
    period = ProgressPeriod(kind)
    if period is ProgressPeriod.WEEK:
        if calendar is None:
            raise ValueError("a week's target needs the working-day calendar")
        monday = period_bounds(period, day).start
        return next((w.cents for w in weeks(day.year, months, calendar) if w.monday == monday), 0)
    if period is ProgressPeriod.MONTH:
        return months[day.month - 1]
    if period is ProgressPeriod.QUARTER:
        return quarters(months)[(day.month - 1) // 3]
    return sum(months)
