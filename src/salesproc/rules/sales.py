"""Sales and returns (退货): what a recorded amount is, and how much of a sale can go back.

A return is stored as a negative amount, so every total (the leaderboard,
progress, the broadcast, the audit) nets it off by plain addition; its kind
follows from its sign, never from a flag that could disagree with it.
"""

from enum import StrEnum


class SaleKind(StrEnum):
    SALE = "sale"
    RETURN = "return"


def kind_of(amount_cents: int) -> SaleKind:
    """A negative amount is a return; any other, a sale."""
    return SaleKind.RETURN if amount_cents < 0 else SaleKind.SALE


def left_to_return(sale_cents: int, returned_cents: int) -> int:
    """What may still be returned against a sale of `sale_cents`, `returned_cents` (a positive
    sum) having gone back already: the returns against one sale never exceed it."""
    return max(sale_cents - returned_cents, 0)
