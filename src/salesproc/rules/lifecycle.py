"""How a visit or a sale changes a customer: won, lost, reopened.

- A prospect is won by an outcome `won` or by its first sale: it becomes `new`.
- An outcome `lost` closes a customer of any category: it is no longer due.
- A later win or sale reopens a lost customer: a prospect as `new`, any other
  as it was.
- A return (退货, a negative amount) is no sale: it neither wins nor reopens.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from salesproc.rules.vocab import Category, Outcome


@dataclass(frozen=True)
class Standing:
    category: Category
    lost_on: date | None = None
    won_on: date | None = None


def sells(amount_cents: int) -> bool:
    """Whether a sale of this amount counts as one for the customer's standing: a return
    (a negative amount) takes goods back, it does not win a prospect."""
    return amount_cents > 0


def after_event(standing: Standing, day: date, outcome: Outcome | None, sold: bool) -> Standing:
    """The customer's standing after a visit or sale on `day`.

    A sale and `lost` on one visit means "bought one last time, then no more":
    the win is applied first, the loss last.
    """
    result = standing
    if outcome is Outcome.WON or sold:
        result = replace(result, lost_on=None)
        if result.category is Category.PROSPECT:
            result = replace(result, category=Category.NEW, won_on=day)
    if outcome is Outcome.LOST:
        result = replace(result, lost_on=day)
    return result


def replay(standing: Standing, events: Iterable[tuple[date, Outcome | None, bool]]) -> Standing:
    """The standing after `events` (day, outcome, sold), oldest first, from `standing`.

    Undoing one event (a visit deleted as logged in error) cannot be done by
    inverting it: a later sale may have won the customer anyway. So the
    customer's history is replayed without it, from how it stood before any.
    """
    for day, outcome, sold in events:
        standing = after_event(standing, day, outcome, sold)
    return standing


def before_history(standing: Standing) -> Standing:
    """How a customer stood before its first win or loss: a won one was a prospect."""
    category = Category.PROSPECT if standing.won_on is not None else standing.category
    return Standing(category)
