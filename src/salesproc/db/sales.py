"""Sales once recorded: the list, returns (退货) and corrections, each with its history.

A wrong figure on the leaderboard must be correctable, and the correction
visible: `edit_sale` and `delete_sale` append to the history in the same
transaction. A sale moved away from a customer (or to another day, or
deleted) may have been what won it, so the customer's standing is replayed
from what remains (`writes.replay_standing`, as `visit delete` does).

A sale logged on a visit (`log-visit --amount`) is that visit's order: it
keeps the visit's day, rep and customer. Moving it alone would leave the
daily report saying one thing and the leaderboard another, so those edits
are refused and the visit is what gets corrected (`visit edit --date` moves
its sale with it); its amount and ref may be corrected here.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from salesproc.db import history, writes
from salesproc.db.history import Who
from salesproc.db.models import Customer, Rep, Sale
from salesproc.db.reads import between
from salesproc.errors import InputError
from salesproc.i18n import _
from salesproc.rules.dates import SALE_DATE_AHEAD, check_not_future
from salesproc.rules.money import format_amount
from salesproc.rules.sales import SaleKind, kind_of, left_to_return


@dataclass(frozen=True)
class SaleRow:
    """One row of `sale list`; its keys are the JSON's (the amount in cents, signed)."""

    id: int
    date: date
    rep: str
    customer: str | None
    amount_cents: int
    kind: SaleKind
    ref: str | None
    visit_id: int | None


def sale_list(
    session: Session,
    rep_id: int | None = None,
    customer_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[SaleRow]:
    """Sales and returns by date, then id (the order they were recorded in on a day)."""
    query = (
        select(
            Sale.id, Sale.sale_date, Rep.code, Customer.name, Sale.amount_cents, Sale.ref,
            Sale.visit_id,
        )
        .join(Rep, Rep.id == Sale.rep_id)
        .outerjoin(Customer, Customer.id == Sale.customer_id)
        .order_by(Sale.sale_date, Sale.id)
    )  # fmt: skip
    if rep_id is not None:
        query = query.where(Sale.rep_id == rep_id)
    if customer_id is not None:
        query = query.where(Sale.customer_id == customer_id)
    query = between(query, Sale.sale_date, start, end)
    return [
        SaleRow(i, day, rep, customer, cents, kind_of(cents), ref, visit)
        for i, day, rep, customer, cents, ref, visit in session.execute(query)
    ]


def row_of(sale: Sale) -> SaleRow:
    return SaleRow(
        sale.id,
        sale.sale_date,
        sale.rep.code,
        sale.customer.name if sale.customer else None,
        sale.amount_cents,
        kind_of(sale.amount_cents),
        sale.ref,
        sale.visit_id,
    )


def _no_sale(sale_id: int) -> str:
    return _("no sale #{id}; see `salesproc sale list`").format(id=sale_id)


def find_sale(session: Session, sale_id: int) -> Sale:
    sale = session.get(Sale, sale_id)
    if sale is None:
        raise InputError(_no_sale(sale_id))
    return sale


def _returned(session: Session, sale_id: int, leaving_out: int | None = None) -> int:
    """The returns against a sale, as a positive sum of cents (but the return `leaving_out`)."""
    query = select(func.coalesce(func.sum(Sale.amount_cents), 0)).where(
        Sale.return_of_id == sale_id
    )
    if leaving_out is not None:
        query = query.where(Sale.id != leaving_out)
    return -int(session.scalar(query) or 0)


def _check_left(session: Session, sale: Sale, cents: int, leaving_out: int | None = None) -> None:
    """Refuse a return of `cents` against `sale` beyond what is left of it."""
    returned = _returned(session, sale.id, leaving_out)
    left = left_to_return(sale.amount_cents, returned)
    if cents > left:
        raise InputError(
            _(
                "sale #{id} was {amount} and {returned} of it is returned already: "
                "at most {left} is left to return"
            ).format(
                id=sale.id,
                amount=format_amount(sale.amount_cents),
                returned=format_amount(returned),
                left=format_amount(left),
            )
        )


def add_return(
    session: Session,
    rep_code: str | None,
    cents: int,
    day: date,
    customer_name: str | None,
    ref: str | None,
    of: int | None,
    today: date,
    now: datetime,
) -> SaleRow:
    """A return of `cents` (positive), stored as −cents; against sale `of` when given.

    Against a sale, the rep and customer default to that sale's, and the
    returns against it may not exceed it. A return wins no prospect.
    """
    original = None
    if of is not None:
        original = find_sale(session, of)
        if kind_of(original.amount_cents) is SaleKind.RETURN:
            raise InputError(
                _("#{id} is a return; --of names the sale a return reverses").format(id=of)
            )
        _check_left(session, original, cents)
        rep_code = rep_code or original.rep.code
        if customer_name is None and original.customer is not None:
            customer_name = original.customer.name
    if rep_code is None:
        raise InputError(_("no rep given; pass --rep CODE or set `rep` in the config file"))
    sale = writes.add_sale(session, rep_code, -cents, day, customer_name, ref, today, now)
    sale.return_of_id = of
    session.flush()
    return row_of(sale)


@dataclass(frozen=True)
class SaleChanges:
    """What `sale edit` may change; None means "leave as is".

    `amount_cents` is the amount as typed, positive: a return stays a return.
    """

    amount_cents: int | None = None
    sale_date: date | None = None
    rep: str | None = None
    customer: str | None = None
    ref: str | None = None


def _keeps_visit(
    sale: Sale, changes: SaleChanges, rep: Rep | None, customer: Customer | None
) -> None:
    """A visit's sale keeps the visit's day, rep and customer (see the module's docstring)."""
    if sale.visit_id is None:
        return
    moved = (
        (changes.sale_date is not None and changes.sale_date != sale.sale_date)
        or (rep is not None and rep.id != sale.rep_id)
        or (customer is not None and customer.id != sale.customer_id)
    )
    if moved:
        raise InputError(
            _(
                "sale #{id} was logged on visit #{visit} and keeps its day, rep and customer; "
                "correct the visit (`salesproc visit edit {visit} --date D`), "
                "or delete the sale and record it again"
            ).format(id=sale.id, visit=sale.visit_id)
        )


def edit_sale(
    session: Session, sale_id: int, changes: SaleChanges, today: date, who: Who
) -> SaleRow:
    """Correct a sale or a return, with the checks of `sale add`; the history keeps both sides.

    The rep it is moved to must be active, like any rep recording a sale; a
    deactivated rep's own figures can still be corrected.
    """
    sale = find_sale(session, sale_id)
    before = history.values(sale)
    rep = writes.find_active_rep(session, changes.rep) if changes.rep is not None else None
    customer = writes.find_customer(session, changes.customer) if changes.customer else None
    if changes.sale_date is not None:
        check_not_future(changes.sale_date, today, SALE_DATE_AHEAD)
    _keeps_visit(sale, changes, rep, customer)

    if changes.amount_cents is not None:
        cents = changes.amount_cents
        if kind_of(sale.amount_cents) is SaleKind.RETURN:
            if sale.return_of_id is not None:
                _check_left(session, find_sale(session, sale.return_of_id), cents, sale.id)
            sale.amount_cents = -cents
        else:
            returned = _returned(session, sale.id)
            if cents < returned:
                raise InputError(
                    _(
                        "returns against sale #{id} total {returned}; "
                        "its amount cannot go below that"
                    ).format(id=sale.id, returned=format_amount(returned))
                )
            sale.amount_cents = cents
    if changes.ref is not None:
        sale.ref = changes.ref.strip() or None

    old_customer = sale.customer
    moved = (customer is not None and customer.id != sale.customer_id) or (
        changes.sale_date is not None and changes.sale_date != sale.sale_date
    )
    if rep is not None:
        sale.rep_id = rep.id
    if customer is not None:
        sale.customer_id = customer.id
        if customer.rep_id is None:
            customer.rep_id = sale.rep_id  # as `sale add` gives a customer its rep
    if changes.sale_date is not None:
        sale.sale_date = changes.sale_date
    session.flush()
    session.expire(sale, ["rep", "customer"])

    if moved:
        _replay(session, [c for c in (old_customer, sale.customer) if c is not None])
    history.record(session, who, "sale", sale.id, "edit", before, history.values(sale))
    session.flush()
    return row_of(sale)


def check_no_returns(session: Session, sale_id: int) -> None:
    """Refuse to remove a sale that returns name (`sale delete`, `visit delete`)."""
    returns = list(session.scalars(select(Sale.id).where(Sale.return_of_id == sale_id)))
    if returns:
        raise InputError(
            _("sale #{id} has returns against it ({returns}); delete them first").format(
                id=sale_id, returns=", ".join(f"#{r}" for r in returns)
            )
        )


def delete_sale(session: Session, sale_id: int, who: Who) -> SaleRow:
    """Remove a sale or return recorded in error; a win its sale made is undone.

    A sale with returns against it stays until they are deleted: each return
    names the sale it reverses.
    """
    sale = find_sale(session, sale_id)
    check_no_returns(session, sale.id)
    before, row = history.values(sale), row_of(sale)
    customer = sale.customer
    session.delete(sale)
    session.flush()
    if customer is not None:
        _replay(session, [customer])
    history.record(session, who, "sale", sale_id, "delete", before, None)
    session.flush()
    return row


def _replay(session: Session, customers: list[Customer]) -> None:
    """The standing and schedule of customers a sale left or joined."""
    unique = {c.id: c for c in customers}
    for customer in unique.values():
        writes.replay_standing(session, customer)
    writes.refresh_schedules(session, list(unique))
