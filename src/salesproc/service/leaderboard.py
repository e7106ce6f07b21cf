"""The leaderboard (龙虎排行榜) and the targets it is measured against (销售目标, 销售进度).

`rank` is what the team reads at day's end; `set_year_target`,
`set_month_target` and `targets` are the supervisor's split of the year;
`progress` paces each period against the time gone. Every period's target
comes from `rules.targets.period_target`, so the leaderboard's "of target",
`progress` and the broadcast (`service.broadcast`) always agree.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from salesproc.db import daily_reads
from salesproc.db.daily_reads import RankRow, TargetYear
from salesproc.errors import InputError
from salesproc.i18n import _
from salesproc.rules import targets as t
from salesproc.rules.calendar import WorkCalendar
from salesproc.rules.dates import Period, period_start
from salesproc.rules.names import shown_names
from salesproc.rules.ranking import By, Metric, movement
from salesproc.rules.targets import Progress, ProgressPeriod, Split, SplitMethod
from salesproc.service.context import Context

if TYPE_CHECKING:  # the ORM is the writes' (targets set): the boards read `db.daily_reads`
    from sqlalchemy.orm import Session

    from salesproc.db.shared_core import Reader

__all__ = [
    "Leaderboard",
    "MonthTarget",
    "PeriodProgress",
    "Scope",
    "Standing",
    "TargetPart",
    "TargetSplit",
    "YearTarget",
    "progress",
    "rank",
    "set_month_target",
    "set_year_target",
    "targets",
]

#: the precision of a share of target: whole percent on screen, 4 places in JSON
SHARE_PLACES = Decimal("0.0001")


# --- the leaderboard ---------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """One row of the leaderboard."""

    rank: int
    #: the rep's code, or the region's name on a board by region
    rep: str
    #: the rep's name (the region again on a board by region)
    name: str
    #: cents for sales and collections, a count for visits
    value: int
    #: places gained since the board of the day before (negative: lost); None if new to it
    change: int | None
    #: the rep's target for the board's period; None without a target that year
    target_cents: int | None = None
    #: sales / target, to 4 places; None without a target (or a target of 0)
    reached: Decimal | None = None


@dataclass(frozen=True)
class Leaderboard:
    #: the first day counted (the day itself for a daily board); None: all time
    start: date | None
    end: date
    #: None for a daily board
    period: Period | None
    metric: Metric
    by: By
    rows: list[Standing]
    #: whether a target means something here (sales or collections by rep, not all time, some
    #: rep with a target of that metric that year): the target column shows only then
    with_targets: bool

    @property
    def total(self) -> int:
        return sum(row.value for row in self.rows)


class _Share(NamedTuple):
    target_cents: int | None
    reached: Decimal | None


_NO_SHARE = _Share(None, None)


def _first_day(end: date, period: Period | None) -> date | None:
    """The first day a board ending on `end` counts: the day itself for a daily one."""
    return end if period is None else period_start(end, period)


def rank(
    ctx: Context,
    end: date,
    period: Period | None = None,
    metric: Metric = Metric.SALES,
    by: By = By.REP,
) -> Leaderboard:
    """Every active rep (or region) ranked on `end`'s day, or cumulatively over `period`.

    The change is against the same board a day earlier, so the evening's board
    shows who moved today. A rep's share of target shows on a board of sales
    by rep; a daily board measures the month so far, there being no day target.
    """
    start = _first_day(end, period)
    before = end - timedelta(days=1)
    with ctx.quick_reading() as s:
        rows = daily_reads.leaderboard(s, start, end, metric, by.value)
        earlier = daily_reads.leaderboard(s, _first_day(before, period), before, metric, by.value)
        money = metric is not Metric.VISITS
        week = ctx.calendar([end.year]) if period is Period.WEEK and money else None
        shares = _shares(s, end, period, rows, metric, week) if money and by is By.REP else {}
    previous = {r.rep: r.rank for r in earlier}
    # every active rep is on a board by rep: two of them named 张伟 show as 张伟(zhangwei)
    shown = shown_names((r.rep, r.name) for r in rows) if by is By.REP else {}
    standings = []
    for r in rows:
        share = shares.get(r.rep, _NO_SHARE)
        standings.append(
            Standing(
                rank=r.rank,
                rep=r.rep,
                name=shown.get(r.rep, r.name),
                value=r.value,
                change=movement(r.rank, previous.get(r.rep)),
                target_cents=share.target_cents,
                reached=share.reached,
            )
        )
    return Leaderboard(start, end, period, metric, by, standings, bool(shares))


def _shares(
    session: "Reader",
    end: date,
    period: Period | None,
    rows: Sequence[RankRow],
    metric: Metric = Metric.SALES,
    calendar: WorkCalendar | None = None,
) -> dict[str, _Share]:
    """Each rep's sales against its target for the board's period (a daily board: the month;
    a week's needs `calendar`, its target going by working days).

    Empty when no rep has a target that year, or on an all-time board: a target is per year.
    """
    if period is Period.ALL:
        return {}
    found = {
        x.rep: x.months
        for x in daily_reads.target_years(session, end.year, metric=metric.value)
        if x.rep is not None
    }
    if not found:
        return {}
    kind = period or Period.MONTH
    if period is None:
        month = daily_reads.leaderboard(session, period_start(end, kind), end, metric)
        actual = {r.rep: r.value for r in month}
    else:
        actual = {r.rep: r.value for r in rows}
    shares: dict[str, _Share] = {}
    for code, months in found.items():
        cents = t.period_target(kind, end, months, calendar)
        share = Decimal(actual.get(code, 0)) / cents if cents else None
        reached = None if share is None else share.quantize(SHARE_PLACES)
        shares[code] = _Share(target_cents=cents, reached=reached)
    return shares


# --- setting and showing targets ---------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Whose target: a rep, or the team (`rep` None)."""

    rep: str | None
    name: str | None = None


@dataclass(frozen=True)
class YearTarget:
    scope: Scope
    year: int
    cents: int
    #: the 12 month targets, January first; they add up to `cents`
    months: list[int]
    #: the split as stored with the months: the one asked for, or `even` if it fell back
    split: str
    #: the split asked for had nothing to go by (no sales last year, no working day): even
    fell_back: bool


@dataclass(frozen=True)
class MonthTarget:
    scope: Scope
    year: int
    month: int
    cents: int


def _scope(session: "Session", rep: str | None) -> tuple[int | None, Scope]:
    if rep is None:
        return None, Scope(None)
    found = daily_reads.find_rep(session, rep)
    return found.id, Scope(found.code, found.name)


def set_year_target(
    ctx: Context,
    rep: str | None,
    cents: int,
    split: Split,
    year: int | None = None,
    metric: Metric = Metric.SALES,
) -> YearTarget:
    """A rep's (or, `rep` None, the team's) target for `year` (default: this year), split into
    months; it replaces the whole year, months set by hand included."""
    year = year or ctx.today.year
    calendar = ctx.calendar([year], warn=False)  # warned once, after the transaction
    now, who = ctx.now, ctx.who

    from salesproc.db import queries, writes

    def work(s: "Session") -> YearTarget:  # run again if another writer was in the way
        rep_id, scope = _scope(s, rep)
        last_year = (
            queries.monthly_sales(s, year - 1, rep_id, metric.value)
            if split.method is SplitMethod.LAST_YEAR
            else None
        )
        used = t.effective_method(split.method, calendar, year, last_year)
        months = t.split_year(cents, used, calendar, year, split.weights, last_year)
        stored = str(split) if used is split.method else used.value
        writes.set_year_target(s, rep_id, year, months, stored, now, metric.value, who)
        return YearTarget(scope, year, cents, months, stored, used is not split.method)

    done = ctx.transaction(work)
    ctx.warn_uncovered(calendar, [year])
    return done


def set_month_target(
    ctx: Context,
    rep: str | None,
    year: int,
    month: int,
    cents: int,
    metric: Metric = Metric.SALES,
) -> MonthTarget:
    """One month's target set by hand (the team's if `rep` is None); the other months stay."""
    now, who = ctx.now, ctx.who

    from salesproc.db import writes

    def work(s: "Session") -> MonthTarget:  # run again if another writer was in the way
        rep_id, scope = _scope(s, rep)
        writes.set_month_target(s, rep_id, year, month, cents, now, metric.value, who)
        return MonthTarget(scope, year, month, cents)

    return ctx.transaction(work)


class TargetPart(NamedTuple):
    """One period of a scope's split: `period` is year, quarter, month or week."""

    rep: str | None
    period: str
    start: date
    end: date
    cents: int


@dataclass(frozen=True)
class TargetSplit:
    year: int
    #: the scopes with a target: the team (None) first, then the reps by code
    scopes: list[str | None]
    #: each scope's year, then its quarters, months (and weeks), scope after scope
    parts: list[TargetPart]


def targets(
    ctx: Context,
    year: int | None = None,
    rep: str | None = None,
    weeks: bool = False,
    metric: Metric = Metric.SALES,
) -> TargetSplit:
    """The year's targets (default: this year's) split into quarters, months and `weeks`.

    Quarters are sums of months; a week's part of a month goes by its working
    days there, so only `weeks` needs the holiday calendar.
    """
    year = year or ctx.today.year
    with ctx.quick_reading() as s:
        rep_id = daily_reads.find_rep(s, rep).id if rep else None
        found = daily_reads.target_years(s, year, rep_id, metric.value)
    if not found:
        raise _no_target(year, metric)
    calendar = ctx.calendar([year]) if weeks else None
    parts = [part for target in found for part in _split(target, calendar)]
    return TargetSplit(year, [target.rep for target in found], parts)


def _split(target: TargetYear, calendar: WorkCalendar | None) -> list[TargetPart]:
    """One scope's decomposition: the year, its quarters, its months (weeks given a calendar)."""
    rep, year = target.rep, target.year
    parts = [TargetPart(rep, "year", *t.year_bounds(year), sum(target.months))]
    for q, cents in enumerate(t.quarters(target.months)):
        span = t.period_bounds(ProgressPeriod.QUARTER, date(year, 3 * q + 1, 1))
        parts.append(TargetPart(rep, "quarter", *span, cents))
    for m, cents in enumerate(target.months, start=1):
        parts.append(TargetPart(rep, "month", *t.month_bounds(year, m), cents))
    if calendar is not None:
        parts.extend(
            TargetPart(rep, "week", w.monday, w.sunday, w.cents)
            for w in t.weeks(year, target.months, calendar)
        )
    return parts


def _no_target(year: int, metric: Metric = Metric.SALES) -> InputError:
    if metric is Metric.COLLECTIONS:
        return InputError(
            _(
                "no collections target for {year}; "
                "set one with `salesproc target set --metric collections`"
            ).format(year=year)
        )
    return InputError(
        _("no target for {year}; set one with `salesproc target set`").format(year=year)
    )


# --- progress ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodProgress:
    """Where one scope (a rep, or the team when `rep` is None) stands in one period."""

    rep: str | None
    period: ProgressPeriod
    progress: Progress
    #: what is counted: sales, or collections where a collections target is set
    metric: Metric = Metric.SALES


def progress(ctx: Context, on: date, rep: str | None = None) -> list[PeriodProgress]:
    """The team's and each rep's week, month, quarter and year to `on`, against target and time.

    The team first, then the reps by code; for each, the periods from the week
    to the year. A week across New Year counts this year's sales and target only.
    Where a collections target is set, its scopes follow, counting collections.
    """
    week = t.period_bounds(ProgressPeriod.WEEK, on)
    with ctx.quick_reading() as s:
        rep_id = daily_reads.find_rep(s, rep).id if rep else None
        found = [
            (metric, target)
            for metric in (Metric.SALES, Metric.COLLECTIONS)
            for target in daily_reads.target_years(s, on.year, rep_id, metric.value)
        ]
        if not found:
            raise _no_target(on.year)
        calendar = ctx.calendar({on.year, week.start.year, week.end.year})
        result = []
        for metric, target in found:
            for kind in ProgressPeriod:
                span = t.period_bounds(kind, on)
                since = max(span.start, date(on.year, 1, 1))
                actual = daily_reads.published_total(s, metric, since, on, target.rep_id)
                goal = t.period_target(kind, on, target.months, calendar)
                gone = t.today_counts(on, ctx.now)  # the broadcast's rule too
                paced = t.progress(actual, goal, *span, on, calendar, gone)
                result.append(PeriodProgress(target.rep, kind, paced, metric))
    return result
