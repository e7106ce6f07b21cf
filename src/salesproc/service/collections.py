"""Collections (回款): `collection add`, `list`, `edit` and `delete`.

Most teams are judged on the money collected as much as on orders, so a
collection is recorded like a sale (to the cent, never dated after today, by
an active rep) and corrected like one, each correction kept in the history.
"""

from datetime import date

from salesproc.db import collections, writes
from salesproc.db.collections import CollectionChanges, CollectionRow
from salesproc.service.context import Context

__all__ = [
    "CollectionChanges",
    "CollectionRow",
    "add_collection",
    "delete_collection",
    "edit_collection",
    "list_collections",
]


def add_collection(
    ctx: Context,
    rep: str | None,
    amount_cents: int,
    day: date | None = None,
    customer: str | None = None,
    ref: str | None = None,
    visit_id: int | None = None,
) -> CollectionRow:
    """Money collected; on a visit (`visit_id`) the visit's rep, customer and day by default.

    Without a visit, the rep is `rep`, else the config's (a rep's own machine).
    """
    if rep is None and visit_id is None:
        rep = ctx.rep_code(None)
    code, today, now = rep, ctx.today, ctx.now
    return ctx.transaction(
        lambda s: collections.add_collection(
            s, code, amount_cents, day, customer, ref, visit_id, today, now
        )
    )


def list_collections(
    ctx: Context,
    rep: str | None = None,
    customer: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[CollectionRow]:
    """Collections by day, then in the order recorded."""
    with ctx.session(write=False) as s:
        rep_id = writes.find_rep(s, rep).id if rep else None
        customer_id = writes.find_customer(s, customer).id if customer else None
        return collections.collection_list(s, rep_id, customer_id, start, end)


def edit_collection(ctx: Context, collection_id: int, changes: CollectionChanges) -> CollectionRow:
    """Correct a collection; the history records what it was."""
    who, today = ctx.who, ctx.today
    return ctx.transaction(
        lambda s: collections.edit_collection(s, who, collection_id, changes, today)
    )


def delete_collection(ctx: Context, collection_id: int) -> CollectionRow:
    """Remove a collection recorded in error; the history records what it was."""
    who = ctx.who
    return ctx.transaction(lambda s: collections.delete_collection(s, who, collection_id))
