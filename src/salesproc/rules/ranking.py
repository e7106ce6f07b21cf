"""The leaderboard's ranks (龙虎排行榜): ties share a rank, the next rank skips (1, 2, 2, 4)."""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

V = TypeVar("V", int, float)


class Metric(StrEnum):
    """What the leaderboard ranks by."""

    SALES = "sales"
    VISITS = "visits"
    COLLECTIONS = "collections"


class By(StrEnum):
    """Who the leaderboard ranks: each rep, or each region (its active reps together)."""

    REP = "rep"
    REGION = "region"


@dataclass(frozen=True)
class Ranked(Generic[V]):
    rank: int
    key: str
    value: V


def rank_with_ties(items: Iterable[tuple[str, V]]) -> list[Ranked[V]]:
    """Order by value (highest first), then key; equal values share the better rank.

    Standard competition ranking: a rep tied for second is "2nd", and the
    next one is 4th, because three people are ahead of them.
    """
    ordered = sorted(items, key=_best_first)
    ranked: list[Ranked[V]] = []
    for position, (key, value) in enumerate(ordered, start=1):
        tied = ranked and ranked[-1].value == value
        ranked.append(Ranked(ranked[-1].rank if tied else position, key, value))
    return ranked


def _best_first(item: tuple[str, V]) -> tuple[V, str]:
    key, value = item
    return -value, key


def movement(current: int, previous: int | None) -> int | None:
    """Places gained since the previous leaderboard (2: up two, -1: down one); None if new to it."""
    return None if previous is None else previous - current


def arrow(change: int | None) -> str:
    """The change as the team reads it on a leaderboard: ↑2, ↓1, – (same place), or blank."""
    if change is None:
        return ""
    if change == 0:
        return "–"
    return f"↑{change}" if change > 0 else f"↓{-change}"
