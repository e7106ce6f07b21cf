"""The leaderboard message (一个短信) sent to the whole team, morning and evening.

The supervisor's text, composed from the numbers: the daily ranking, the
month's cumulative ranking against target, the team's total and progress,
then praise for the top performer and a push for the names at the bottom
(激励先进，鞭策后进). It is read on a phone: plain lines of at most 80
characters, no table art, the same words whatever channel carries it.
"""

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from salesproc.i18n import _
from salesproc.rules.calendar import WorkCalendar
from salesproc.rules.corrections import Correction, correction_lines
from salesproc.rules.money import format_amount
from salesproc.rules.vocab import Edition

LINE_WIDTH = 80
#: how far back a morning edition looks for the previous working day: past any holiday
_LOOK_BACK = 60


@dataclass(frozen=True)
class Place:
    """One line of a ranking: a rep's rank, name and amount (and its target, if it has one)."""

    rank: int
    name: str
    cents: int
    target_cents: int | None = None


@dataclass(frozen=True)
class TeamStanding:
    """The team's month: sold, its target (if set) and the share of working days gone."""

    cents: int
    target_cents: int | None
    elapsed: Decimal | None
    #: the last day `elapsed` counts as gone (`rules.targets.today_counts`, as `progress`)
    through: date | None = None


@dataclass(frozen=True)
class Collected:
    """The month's collections (回款): the team's total and each rep's, ranked."""

    cents: int
    places: Sequence[Place] = ()


@dataclass(frozen=True)
class WeekBoard:
    """A week's ranking (Monday to Sunday), as a Monday morning edition shows it."""

    start: date
    end: date
    places: Sequence[Place]


def _collections(collected: Collected | None) -> list[str]:
    """One line (wrapped like the others) when anything was collected in the month."""
    if collected is None or not collected.cents:
        return []
    line = _("Collections: {amount}").format(amount=format_amount(collected.cents))
    reps = _(", ").join(
        f"{p.rank}. {p.name} {format_amount(p.cents)}" for p in collected.places if p.cents
    )
    if reps:
        line += " " + _("({reps})").format(reps=reps)
    return [line]


def report_day(edition: Edition, day: date, calendar: WorkCalendar | None = None) -> date:
    """The day the daily ranking covers: the previous working day in the morning (Monday
    morning: Friday; after the National Day week: the last working day before it), the
    day itself in the evening. Without `calendar`, the morning's is yesterday."""
    if edition is Edition.EVENING:
        return day
    before = day - timedelta(days=1)
    if calendar is None:
        return before
    for _offset in range(_LOOK_BACK):
        if calendar.is_workday(before):
            return before
        before -= timedelta(days=1)
    return day - timedelta(days=1)  # no working day near (an odd calendar): yesterday


def week_to_show(edition: Edition, day: date, covered: date) -> tuple[date, date] | None:
    """The week (Monday to Sunday) whose board a morning edition adds under the daily
    ranking: the covered day's week, once `day` is in a later week (a Monday morning,
    or the first morning after a holiday across a weekend); else None."""
    if edition is not Edition.MORNING:
        return None
    monday = covered - timedelta(days=covered.weekday())
    if day - timedelta(days=day.weekday()) <= monday:
        return None
    return monday, monday + timedelta(days=6)


def subject(day: date) -> str:
    """The title a channel with one (an e-mail, a markdown robot message) shows above the text."""
    return _("Leaderboard {day}").format(day=day)


def _share(cents: int, target: int | None) -> str | None:
    return None if not target else f"{Decimal(cents) / Decimal(target):.0%}"


def _ranking(places: Sequence[Place], with_target: bool) -> list[str]:
    lines = []
    for place in places:
        line = f"{place.rank}. {place.name} {format_amount(place.cents)}"
        share = _share(place.cents, place.target_cents) if with_target else None
        if share is not None:
            line += " " + _("({share} of target)").format(share=share)
        lines.append(line)
    return lines


def _names(places: Sequence[Place]) -> str:
    return _(", ").join(p.name for p in places)


def compose(
    edition: Edition,
    day: date,
    daily: Sequence[Place],
    month: Sequence[Place],
    team: TeamStanding,
    collected: Collected | None = None,
    corrections: Sequence[Correction] = (),
    covered: date | None = None,
    week: "WeekBoard | None" = None,
) -> str:
    """The message: the daily ranking, the month's ranking, the team, praise and the bottom.

    `daily` and `month` come ranked with ties (1, 2, 2, 4). Praise goes to the
    day's leaders and the month's, when they sold anything; the push to those
    tied at the month's last place, unless the whole team is tied.
    """
    covered = covered or report_day(edition, day)
    title = (
        _("Leaderboard, morning edition, {day}")
        if edition is Edition.MORNING
        else _("Leaderboard, evening edition, {day}")
    )
    lines = [title.format(day=day), ""]
    lines.append(_("Daily ranking, {day}:").format(day=covered))
    sold_today = [p for p in daily if p.cents] and daily  # a day without sales is one line
    lines += _ranking(sold_today, with_target=False) or [_("No sales.")]
    if week is not None:  # a Monday morning: last week's board under the day's
        lines += ["", _("Week, {start} to {end}:").format(start=week.start, end=week.end)]
        lines += _ranking([p for p in week.places if p.cents] and week.places, False) or [
            _("No sales.")
        ]
    lines += [
        "",
        _("Month to date, {start} to {day}:").format(start=covered.replace(day=1), day=covered),
    ]
    lines += _ranking(month, with_target=True) or [_("No sales.")]
    lines += ["", _("Team total: {amount}").format(amount=format_amount(team.cents))]
    share = _share(team.cents, team.target_cents)
    if share is not None and team.target_cents is not None:
        progress = _("{share} of the month's target {target}").format(
            share=share, target=format_amount(team.target_cents)
        )
        if team.elapsed is not None:
            progress += _(", with {elapsed} of the working days gone").format(
                elapsed=f"{team.elapsed:.0%}"
            )
            if team.through is not None:
                progress += _(" (through {day})").format(day=team.through)
        lines.append(progress + _("."))
    lines += _collections(collected)
    lines.append("")
    lines += _praise_and_push(daily, month)
    if corrections:  # figures sent before and changed since (`rules.corrections`)
        lines += ["", *correction_lines(corrections)]
    return "\n".join(_wrap(lines)) + "\n"


def _praise_and_push(daily: Sequence[Place], month: Sequence[Place]) -> list[str]:
    lines = []
    day_top = [p for p in daily if p.rank == 1 and p.cents > 0]
    month_top = [p for p in month if p.rank == 1 and p.cents > 0]
    if day_top:
        lines.append(_("Well done, {names}: first of the day!").format(names=_names(day_top)))
    if month_top:
        lines.append(_("Well done, {names}: first of the month!").format(names=_names(month_top)))
    last = month[-1].rank if month else 1
    bottom = [p for p in month if p.rank == last] if last > 1 else []
    if bottom:
        lines.append(_("Needs a push: {names}. Close the gap today!").format(names=_names(bottom)))
    return lines


def _wrap(lines: Sequence[str]) -> list[str]:
    """Every line within `LINE_WIDTH` characters, as a phone shows it without breaking words."""
    out: list[str] = []
    for line in lines:
        out += textwrap.wrap(line, LINE_WIDTH, break_on_hyphens=False) or [""]
    return out
