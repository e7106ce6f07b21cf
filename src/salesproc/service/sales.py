"""Sales: recording them, returns (退货), the list, and correcting a wrong figure.

Each function is one thing a user does (`sale add`, `sale add --return`,
`sale list`, `sale edit`, `sale delete`) and returns plain values: the
session is closed by the time the caller reads them. A correction is kept in
the history, by `ctx.who`. `sale add`, run many times a day, writes through Core
(`db.daily_writes`) and never loads the ORM: the others import it (`db.sales`,
`db.writes`) when they run.
"""

from datetime import date
from typing import TYPE_CHECKING, Any

from salesproc.db import daily_writes
from salesproc.db.daily_writes import RecordedSale
from salesproc.service.context import Context

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from salesproc.db.sales import SaleChanges, SaleRow


def __getattr__(name: str) -> Any:
    """`SaleChanges` and `SaleRow`, re-exported from the ORM side when first asked for."""
    if name in ("SaleChanges", "SaleRow"):
        from salesproc.db import sales

        return getattr(sales, name)
    raise AttributeError(name)


__all__ = [
    "RecordedSale",
    "SaleChanges",
    "SaleRow",
    "add_return",
    "add_sale",
    "delete_sale",
    "edit_sale",
    "list_sales",
]


def add_sale(
    ctx: Context,
    rep: str,
    amount_cents: int,
    sale_date: date,
    customer: str | None = None,
    ref: str | None = None,
) -> RecordedSale:
    """A sale for a rep (a prospect's first sale wins it)."""
    today, now = ctx.today, ctx.now

    def work(db: "Connection") -> RecordedSale:  # run again if another writer was in the way
        return daily_writes.add_sale(db, rep, amount_cents, sale_date, customer, ref, today, now)

    return ctx.write(work)


def add_return(
    ctx: Context,
    amount_cents: int,
    sale_date: date,
    rep: str | None = None,
    customer: str | None = None,
    ref: str | None = None,
    of: int | None = None,
) -> "SaleRow":
    """Goods taken back: −`amount_cents` off the rep's figures, against sale `of` if given.

    Against a sale, the rep and customer default to that sale's; otherwise the
    rep is the one given or the config's, as for a sale.
    """
    from salesproc.db import sales

    code = rep if of is not None else ctx.rep_code(rep)
    today, now = ctx.today, ctx.now
    return ctx.transaction(
        lambda s: sales.add_return(s, code, amount_cents, sale_date, customer, ref, of, today, now)
    )


def list_sales(
    ctx: Context,
    rep: str | None = None,
    customer: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> "list[SaleRow]":
    """Sales and returns by date, then id."""
    from salesproc.db import sales, writes

    with ctx.session(write=False) as s:
        rep_id = writes.find_rep(s, rep).id if rep else None
        customer_id = writes.find_customer(s, customer).id if customer else None
        return sales.sale_list(s, rep_id, customer_id, start, end)


def edit_sale(ctx: Context, sale_id: int, changes: "SaleChanges") -> "SaleRow":
    """Correct a sale's (or a return's) amount, day, rep, customer or ref."""
    from salesproc.db import sales

    today, who = ctx.today, ctx.who
    return ctx.transaction(lambda s: sales.edit_sale(s, sale_id, changes, today, who))


def delete_sale(ctx: Context, sale_id: int) -> "SaleRow":
    """Remove a sale or return recorded in error; returns it as it was."""
    from salesproc.db import sales

    who = ctx.who
    return ctx.transaction(lambda s: sales.delete_sale(s, sale_id, who))
