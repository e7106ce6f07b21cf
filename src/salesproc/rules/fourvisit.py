"""The four-visit rule (四次拜访法则).

Over 80% of customers only close after four or more visits, so a prospect
dropped after one or two visits is a lost sale. This module says which
prospects are slipping, and how many visits the won ones really took.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from fractions import Fraction

MIN_VISITS = 4


class ProspectStatus(StrEnum):
    OVERDUE = "overdue"
    GAVE_UP = "gave-up"
    ON_TRACK = "on-track"


_STATUS_ORDER = {ProspectStatus.OVERDUE: 0, ProspectStatus.GAVE_UP: 1, ProspectStatus.ON_TRACK: 2}


def open_status(next_visit: date, today: date) -> ProspectStatus:
    """An open prospect is overdue once its next visit is in the past."""
    return ProspectStatus.OVERDUE if next_visit < today else ProspectStatus.ON_TRACK


def gave_up(visits_until_lost: int, min_visits: int = MIN_VISITS) -> bool:
    """A lost prospect was given up when it had fewer than `min_visits` visits."""
    return visits_until_lost < min_visits


def sort_key(
    status: ProspectStatus, next_visit: date | None, name: str, today: date
) -> tuple[int, int, str]:
    """Overdue first (most days late first), then given up, then on track; then by name."""
    late = (today - next_visit).days if status is ProspectStatus.OVERDUE and next_visit else 0
    return (_STATUS_ORDER[status], -late, name.casefold())


@dataclass(frozen=True)
class WinSummary:
    won: int
    won_at_or_above_min: int
    share_at_or_above_min: Fraction | None
    visits_to_win: dict[int, int] = field(default_factory=dict)


def summarize_wins(visits_to_win: Mapping[int, int], min_visits: int = MIN_VISITS) -> WinSummary:
    """From {visits it took: prospects won}, the share of wins that took at least `min_visits`."""
    counts = {visits: n for visits, n in visits_to_win.items() if n}
    won = sum(counts.values())
    at_or_above = sum(n for visits, n in counts.items() if visits >= min_visits)
    return WinSummary(
        won=won,
        won_at_or_above_min=at_or_above,
        share_at_or_above_min=Fraction(at_or_above, won) if won else None,
        visits_to_win=dict(sorted(counts.items())),
    )
